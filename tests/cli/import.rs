//! `import`: the seeds' checklists become path files that validate, the 12-week seed gives the
//! same sections, items, kinds and minutes as the bundled path, and lines the path format has
//! no place for are reported with their line numbers (errors with `--strict`).

use crate::model::slug;
use crate::util::Sandbox;
use serde_norway::Value;
use std::io::Write;
use std::process::Stdio;

/// Copies of the two seed checklists (`../shared/seeds`), so the test runs from any clone.
const ENGINEER_SEED: &str = include_str!("../fixtures/seeds/backend-engineer-learning-path.txt");
const LEVELS_SEED: &str = include_str!("../fixtures/seeds/backend-learning-path.txt");
const BUNDLED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/paths/backend-engineer.yaml");

/// `(section id, weeks, [(item title, kind, minutes)])` of a path file, with the format's
/// defaults applied (kind `required`, `default_minutes`, ids from titles).
type Outline = Vec<(String, Option<String>, Vec<(String, String, u64)>)>;

fn outline(yaml: &str) -> Outline {
    let doc: Value = serde_norway::from_str(yaml).expect("path file is YAML");
    let default_minutes = doc.get("default_minutes").and_then(Value::as_u64);
    let sections = doc
        .get("sections")
        .and_then(Value::as_sequence)
        .expect("a sections list");
    sections
        .iter()
        .map(|s| {
            let title = s
                .get("title")
                .and_then(Value::as_str)
                .expect("section title");
            let id = s
                .get("id")
                .and_then(Value::as_str)
                .map_or_else(|| slug(title), str::to_string);
            let weeks = s.get("weeks").map(|w| match w {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                other => panic!("weeks is {other:?}"),
            });
            let items = s
                .get("items")
                .and_then(Value::as_sequence)
                .expect("an items list")
                .iter()
                .map(|i| {
                    (
                        i.get("title")
                            .and_then(Value::as_str)
                            .expect("item title")
                            .to_string(),
                        i.get("kind")
                            .and_then(Value::as_str)
                            .unwrap_or("required")
                            .to_string(),
                        i.get("minutes")
                            .and_then(Value::as_u64)
                            .or(default_minutes)
                            .expect("minutes or default_minutes"),
                    )
                })
                .collect();
            (id, weeks, items)
        })
        .collect()
}

#[test]
fn twelve_week_seed_matches_the_bundled_path() {
    let sb = Sandbox::new();
    sb.write("seed.txt", ENGINEER_SEED);
    let run = sb
        .cmd(["import", "seed.txt", "-o", "engineer.yaml"])
        .ok()
        .stdout_empty()
        .stderr_has("wrote engineer.yaml");
    // Left-out material is reported with its line, never dropped silently.
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("warning: seed.txt:")),
        "no warnings with line numbers:\n{}",
        run.stderr
    );

    let imported = outline(&sb.read("engineer.yaml"));
    let bundled = outline(&std::fs::read_to_string(BUNDLED).expect("bundled path"));
    assert_eq!(imported.len(), 12, "sections");
    let items: usize = imported.iter().map(|s| s.2.len()).sum();
    assert_eq!(items, 184, "items");
    for (a, b) in imported.iter().zip(&bundled) {
        assert_eq!(a.0, b.0, "section id");
        assert_eq!(a.1, b.1, "weeks of {}", a.0);
        assert_eq!(a.2, b.2, "items (title, kind, minutes) of {}", a.0);
    }
    assert_eq!(imported, bundled);

    sb.cmd(["validate", "engineer.yaml"])
        .ok()
        .stdout_has("12")
        .stdout_has("184");
    // The same YAML on stdout without -o, and --strict accepts the seed (nothing unknown).
    let stdout = sb.cmd(["import", "seed.txt", "--strict"]).ok();
    assert_eq!(stdout.stdout, sb.read("engineer.yaml"));
}

#[test]
fn level_seed_imports_and_validates() {
    let sb = Sandbox::new();
    sb.write("levels.txt", LEVELS_SEED);
    let run = sb.cmd(["import", "levels.txt"]).ok();
    assert!(run.stdout.contains("sections:"), "{}", run.stdout);
    assert!(
        run.stderr.contains("warning: levels.txt:"),
        "warnings name file and line:\n{}",
        run.stderr
    );
    sb.write("levels.yaml", &run.stdout);
    sb.cmd(["validate", "levels.yaml"]).ok();
}

const CHECKLIST: &str = "\
My Path

Week 1: Basics
- [ ] Required -- Intro (30 min)
this line is gibberish ???
- [ ] Optional -- More (20 min)
";

#[test]
fn unknown_lines_are_warnings_with_their_line() {
    let sb = Sandbox::new();
    sb.write("list.txt", CHECKLIST);
    let run = sb.cmd(["import", "list.txt"]).ok();
    assert!(
        run.stderr.contains("warning: list.txt:5:"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("title: Intro"), "{}", run.stdout);
    sb.write("list.yaml", &run.stdout);
    sb.cmd(["validate", "list.yaml"]).ok();
}

#[test]
fn strict_makes_unknown_lines_errors() {
    let sb = Sandbox::new();
    sb.write("list.txt", CHECKLIST);
    sb.cmd(["import", "list.txt", "--strict", "-o", "list.yaml"])
        .fails(2)
        .stdout_empty()
        .stderr_has("list.txt:5:");
    assert!(!sb.exists("list.yaml"), "nothing is written on error");
}

#[test]
fn missing_checklist_and_stdin() {
    let sb = Sandbox::new();
    sb.cmd(["import", "nope.txt"])
        .fails(2)
        .stderr_has("nope.txt");
    let mut child = sb
        .cmd(["import", "-"])
        .command()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run studyplan");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(CHECKLIST.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(stdout.contains("title: More"), "{stdout}");
}
