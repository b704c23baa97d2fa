//! The worked examples in `examples/<name>/`: each `commands.txt` holds `studyplan` command
//! lines (no shell: words split on spaces, double quotes group words, `#` lines are comments)
//! and `expected/<n>.txt` the real output of the n-th command. The test copies `examples/` into
//! a temporary folder, runs every command there in order with the built binary, and compares
//! stdout, stderr and the exit code exactly.
//!
//! After a deliberate change of output, regenerate the expected files with
//! `UPDATE_EXAMPLES=1 cargo test --release --test cli examples` and review the diff.

use crate::util::{Cmd, Sandbox};
use std::path::{Path, PathBuf};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");

/// The words of one command line.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut any) = (false, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    assert!(!quoted, "unbalanced quotes in {line:?}");
    if any {
        out.push(word);
    }
    out
}

/// The command lines of `commands.txt`.
fn commands(file: &Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// One command's transcript: the command, stdout, then stderr and the exit code when there
/// are any.
fn transcript(line: &str, code: Option<i32>, stdout: &str, stderr: &str) -> String {
    let mut t = format!("$ {line}\n{stdout}");
    if !stderr.is_empty() {
        if !t.ends_with('\n') {
            t.push('\n');
        }
        t.push_str("--- stderr ---\n");
        t.push_str(stderr);
    }
    if code != Some(0) {
        if !t.ends_with('\n') {
            t.push('\n');
        }
        t.push_str(&format!("--- exit code {} ---\n", code.unwrap_or(-1)));
    }
    t
}

/// Copies the path files of `examples/` (not the expected outputs) to `to/examples/`.
fn copy_inputs(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "expected" {
                copy_inputs(&path, &to.join(&name));
            }
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "txt" || e == "ics")
        {
            std::fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}

fn example_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(EXAMPLES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("commands.txt").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn run_example(name: &str) {
    let dir = Path::new(EXAMPLES).join(name);
    let update = std::env::var_os("UPDATE_EXAMPLES").is_some_and(|v| !v.is_empty() && v != "0");
    let sb = Sandbox::new();
    copy_inputs(Path::new(EXAMPLES), &sb.path().join("examples"));
    let expected_dir = dir.join("expected");
    if update {
        let _ = std::fs::remove_dir_all(&expected_dir);
        std::fs::create_dir_all(&expected_dir).unwrap();
    }
    let lines = commands(&dir.join("commands.txt"));
    assert!(!lines.is_empty(), "{name}: no commands");
    for (n, line) in lines.iter().enumerate() {
        let w = words(line);
        assert_eq!(
            w[0], "studyplan",
            "{name}: {line:?} is not a studyplan command"
        );
        let run = Cmd::new(sb.path()).args(&w[1..]).run();
        let got = transcript(line, run.code, &run.stdout, &run.stderr);
        let file = expected_dir.join(format!("{}.txt", n + 1));
        if update {
            std::fs::write(&file, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&file).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run UPDATE_EXAMPLES=1 cargo test --release --test cli examples",
                file.display()
            )
        });
        assert!(
            got == want,
            "{name}, command {}: `{line}` printed something else than {}\n\
             (UPDATE_EXAMPLES=1 regenerates after a deliberate change)\n--- expected ---\n{want}\n--- got ---\n{got}",
            n + 1,
            file.display()
        );
    }
    if !update {
        let extra = std::fs::read_dir(&expected_dir).map_or(0, std::iter::Iterator::count);
        assert_eq!(
            extra,
            lines.len(),
            "{name}: expected/ holds outputs for commands that are gone"
        );
    }
}

#[test]
fn every_example_has_a_test() {
    let names: Vec<String> = example_dirs()
        .iter()
        .map(|d| d.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "busy-evenings",
            "evening-learner",
            "slip-and-replan",
            "tight-plan"
        ],
        "add a #[test] for each example"
    );
}

#[test]
fn busy_evenings() {
    run_example("busy-evenings");
}

#[test]
fn evening_learner() {
    run_example("evening-learner");
}

#[test]
fn tight_plan() {
    run_example("tight-plan");
}

#[test]
fn slip_and_replan() {
    run_example("slip-and-replan");
}

#[test]
fn words_split_like_a_shell() {
    assert_eq!(
        words(r#"studyplan done "GROUP BY and HAVING" --on 2026-12-07"#),
        [
            "studyplan",
            "done",
            "GROUP BY and HAVING",
            "--on",
            "2026-12-07"
        ]
    );
    assert_eq!(words("  a   b "), ["a", "b"]);
    assert_eq!(words(r#"x """#), ["x", ""]);
}
