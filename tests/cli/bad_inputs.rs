//! Hostile input: a table of bad inputs run against the built binary, the limits on path size
//! and plan length, and random bytes thrown at the loaders.
//!
//! Every bad input must exit with exactly the expected code, say what is wrong in at most three
//! lines that name the file or flag, never panic, print nothing on stdout, and leave the working
//! directory exactly as it was: no calendar or state file created, an existing state file
//! byte-identical. Some inputs are hostile but valid (emoji, very long titles): those must plan,
//! and the calendar must still be folded at 75 octets.

use crate::checker;
use crate::model::{ItemSpec, Kind, PathSpec, SectionSpec, Settings};
use crate::util::{Run, Sandbox, NOW};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A valid path of two items in week 1; the base every case starts from.
const TINY: &str = "\
title: Tiny
sections:
  - title: Basics
    weeks: 1
    items:
      - title: Alpha
        minutes: 30
      - title: Beta
        minutes: 20
";

/// A path file whose only item is `item` (YAML flow mapping body, e.g. `title: A, minutes: 5`).
fn one_item(item: &str) -> String {
    format!("title: T\nsections:\n  - title: S\n    items:\n      - {{{item}}}\n")
}

/// A path file whose only section is `section` (indented lines under `- `).
fn one_section(section: &str) -> String {
    format!("title: T\nsections:\n  - {section}\n")
}

/// The state file set up before the command runs.
#[derive(Clone)]
enum State {
    /// No state file.
    None,
    /// The state `plan tiny.yaml` writes.
    Valid,
    /// The valid state with its text changed.
    Edit(fn(&str) -> String),
    /// The valid state, and then `tiny.yaml` removed.
    SourceGone,
}

struct Case {
    name: &'static str,
    args: Vec<String>,
    files: Vec<(&'static str, Vec<u8>)>,
    env: Vec<(&'static str, &'static str)>,
    state: State,
    code: i32,
    /// What the message must say.
    fragment: &'static str,
    /// The file or flag the message must name.
    names: &'static str,
}

fn case(name: &'static str, args: &[&str], code: i32, fragment: &'static str) -> Case {
    Case {
        name,
        args: args.iter().map(ToString::to_string).collect(),
        files: vec![("tiny.yaml", TINY.as_bytes().to_vec())],
        env: Vec::new(),
        state: State::None,
        code,
        fragment,
        names: "",
    }
}

impl Case {
    fn file(mut self, name: &'static str, contents: impl Into<Vec<u8>>) -> Case {
        self.files.push((name, contents.into()));
        self
    }
    fn names(mut self, names: &'static str) -> Case {
        self.names = names;
        self
    }
    fn state(mut self, state: State) -> Case {
        self.state = state;
        self
    }
    fn env(mut self, key: &'static str, value: &'static str) -> Case {
        self.env.push((key, value));
        self
    }
}

/// `plan <file> --start 2026-12-01 --hours 1 <extra>` (the zone and time are pinned later).
fn plan(file: &str, extra: &[&str]) -> Vec<String> {
    let mut a = vec!["plan", file, "--start", "2026-12-01"];
    if !extra.iter().any(|e| e.starts_with("--hours")) {
        a.extend(["--hours", "1"]);
    }
    a.extend(extra);
    a.into_iter().map(String::from).collect()
}

/// A path-file case: `validate` and `plan` must both reject `contents` with `fragment`.
fn path_case(name: &'static str, contents: impl Into<Vec<u8>>, fragment: &'static str) -> Case {
    let mut c = case(name, &[], 2, fragment)
        .file("bad.yaml", contents)
        .names("bad.yaml");
    c.args = plan("bad.yaml", &[]);
    c
}

fn flag_case(
    name: &'static str,
    extra: &[&str],
    flag: &'static str,
    fragment: &'static str,
) -> Case {
    let mut c = case(name, &[], 2, fragment).names(flag);
    c.args = plan("tiny.yaml", extra);
    c
}

fn state_case(name: &'static str, args: &[&str], state: State, fragment: &'static str) -> Case {
    case(name, args, 2, fragment)
        .state(state)
        .names("studyplan.yaml")
}

fn catalogue() -> Vec<Case> {
    let long_id = format!("{}: 1\n", "k".repeat(300));
    vec![
        // --- path files ---------------------------------------------------------------------
        path_case("malformed yaml", "title: [unclosed\n", "bad.yaml:1:"),
        path_case("tab indentation", "title: T\nsections:\n\t- title: S\n", "bad.yaml:"),
        path_case("wrong type: sections is a number", "title: T\nsections: 7\n", "sections"),
        path_case("wrong type: title is a list", "title: [a, b]\nsections: []\n", "title"),
        path_case("wrong type: top level is a list", "- a\n- b\n", "path file"),
        path_case("wrong type: top level is a scalar", "just text\n", "path file"),
        path_case("unknown top-level key", format!("{TINY}extra: 1\n"), "unknown field `extra`"),
        path_case("unknown item key", one_item("title: A, minuts: 5"), "unknown field `minuts`"),
        path_case("very long unknown key", long_id, "unknown field"),
        path_case("empty file", "", "empty"),
        path_case("only comments", "# nothing here\n---\n", "empty"),
        path_case("null document", "~\n", "path file"),
        path_case("empty sections list", "title: T\nsections: []\n", "no sections"),
        path_case("no sections key", "title: T\n", "sections"),
        path_case("no title", "sections:\n  - title: S\n    items: [{title: A, minutes: 5}]\n", "title"),
        path_case("section without items", one_section("title: S\n    items: []"), "no items"),
        path_case("section without items key", one_section("title: S"), "items"),
        path_case(
            "duplicate item ids",
            "title: T\nsections:\n  - title: S\n    items:\n      - {title: A, minutes: 5}\n      - {title: A, minutes: 5}\n",
            "duplicate item id",
        ),
        path_case(
            "duplicate section ids",
            "title: T\nsections:\n  - title: S\n    items: [{title: A, minutes: 5}]\n  - title: S\n    items: [{title: B, minutes: 5}]\n",
            "duplicate section id",
        ),
        path_case("duplicate key", "title: T\ntitle: U\nsections: []\n", "duplicate"),
        path_case(
            "cycle in after",
            "title: T\nsections:\n  - title: S\n    items:\n      - {title: A, minutes: 5, after: [s/b]}\n      - {title: B, minutes: 5, after: [s/a]}\n",
            "cycle",
        ),
        path_case("item after itself", one_item("title: A, minutes: 5, after: [s/a]"), "itself"),
        path_case("unknown prerequisite", one_item("title: A, minutes: 5, after: [s/zzz]"), "s/zzz"),
        path_case("weeks 0", one_section("title: S\n    weeks: 0\n    items: [{title: A, minutes: 5}]"), "weeks start at 1"),
        path_case("weeks 3-1", one_section("title: S\n    weeks: 3-1\n    items: [{title: A, minutes: 5}]"), "backwards"),
        path_case("weeks 1-999", one_section("title: S\n    weeks: 1-999\n    items: [{title: A, minutes: 5}]"), "520"),
        path_case("weeks text", one_section("title: S\n    weeks: soon\n    items: [{title: A, minutes: 5}]"), "soon"),
        path_case("minutes 0", one_item("title: A, minutes: 0"), "at least 1"),
        path_case("minutes -5", one_item("title: A, minutes: -5"), "-5"),
        path_case("minutes 1e9", one_item("title: A, minutes: 1e9"), "10000"),
        path_case("minutes 2.5", one_item("title: A, minutes: 2.5"), "whole number"),
        path_case("minutes text", one_item("title: A, minutes: five"), "five"),
        path_case("minutes .nan", one_item("title: A, minutes: .nan"), "minutes"),
        path_case("minutes huge integer", one_item("title: A, minutes: 99999999999999999999999"), "minutes"),
        path_case("unknown kind", one_item("title: A, minutes: 5, kind: mandatory"), "mandatory"),
        path_case("title with a bell character", one_item("title: \"A\\u0007B\", minutes: 5"), "control character"),
        path_case("title with a newline", one_item("title: \"A\\nB\", minutes: 5"), "control character"),
        path_case("title with an escape sequence", one_item("title: \"\\e[31mred\", minutes: 5"), "control character"),
        path_case(
            "2,000-character title with a control character",
            one_item(&format!("title: \"{}\\u0001\", minutes: 5", "long ".repeat(400))),
            "control character",
        ),
        path_case("empty title", one_item("title: \"\", minutes: 5"), "title"),
        path_case("non-UTF-8 bytes", b"title: T\xff\xfe\nsections: []\n".to_vec(), "UTF-8"),
        path_case("UTF-16 file", b"\xff\xfet\x00i\x00t\x00".to_vec(), "UTF-8"),
        path_case("NUL bytes", b"title: T\x00\nsections: []\n".to_vec(), "bad.yaml"),
        path_case("deeply nested brackets", format!("title: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)), "nested"),
        path_case(
            "alias bomb",
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\ntitle: T\nsections: *g\n",
            "bad.yaml",
        ),
        path_case("file over the size limit", format!("title: T\n#{}\n", "x".repeat(11 * 1024 * 1024)), "limit"),
        {
            let mut c = case("validate a malformed file", &["validate", "bad.yaml"], 2, "bad.yaml:1:");
            c.files.push(("bad.yaml", b"title: [unclosed\n".to_vec()));
            c.names("bad.yaml")
        },
        {
            let mut c = case("a directory as the path file", &[], 2, "directory").names("adir");
            c.args = plan("adir", &[]);
            c.file("adir/inner.yaml", TINY)
        },
        {
            let mut c = case("missing path file", &[], 2, "no such file").names("missing.yaml");
            c.args = plan("missing.yaml", &[]);
            c
        },
        // --- flags ----------------------------------------------------------------------------
        flag_case("--hours 0", &["--hours", "0"], "--hours", "no study time"),
        flag_case("--hours -1", &["--hours", "-1"], "-1", "-1"),
        flag_case("--hours=-1", &["--hours=-1"], "--hours", "between 0 and 24"),
        flag_case("--hours 25", &["--hours", "25"], "--hours", "24"),
        flag_case("--hours abc", &["--hours", "abc"], "--hours", "abc"),
        flag_case("--hours NaN", &["--hours", "NaN"], "--hours", "NaN"),
        flag_case("--hours inf", &["--hours", "inf"], "--hours", "inf"),
        flag_case("--weekend-hours 30", &["--weekend-hours", "30"], "--weekend-hours", "24"),
        {
            let mut c = flag_case("--start 2026-02-30", &[], "--start", "2026-02-30");
            c.args = plan("tiny.yaml", &[]);
            c.args[3] = "2026-02-30".into();
            c
        },
        {
            let mut c = flag_case("--start far future", &[], "--start", "out of range");
            c.args = plan("tiny.yaml", &[]);
            c.args[3] = "+262142-12-25".into();
            c
        },
        {
            let mut c = flag_case("--start text", &[], "--start", "tomorrow");
            c.args = plan("tiny.yaml", &[]);
            c.args[3] = "tomorrow".into();
            c
        },
        flag_case("--tz Mars/Olympus", &["--tz", "Mars/Olympus"], "--tz", "Mars/Olympus"),
        flag_case("--tz empty", &["--tz", ""], "--tz", "IANA"),
        flag_case("--off backwards", &["--off", "2026-12-05..2026-12-01"], "--off", "backwards"),
        flag_case("--off impossible date", &["--off", "2026-13-01"], "--off", "2026-13-01"),
        flag_case("--days funday", &["--days", "funday"], "--days", "funday"),
        flag_case("--days empty", &["--days", ","], "--days", "no study days"),
        flag_case("--at 25:00", &["--at", "25:00"], "--at", "25:00"),
        flag_case("--at 7pm", &["--at", "7pm"], "--at", "7pm"),
        flag_case("--max-session 0", &["--max-session", "0"], "--max-session", "at least 1"),
        flag_case("--max-session -3", &["--max-session=-3"], "--max-session", "-3"),
        flag_case("--time-limit 0", &["--time-limit", "0"], "--time-limit", "positive"),
        flag_case("--time-limit NaN", &["--time-limit", "NaN"], "--time-limit", "positive"),
        flag_case("--now garbage", &["--now", "garbage"], "--now", "RFC 3339"),
        flag_case("--format xml", &["--format", "xml"], "--format", "xml"),
        flag_case("--ics -", &["--ics", "-"], "--ics", "`-` (stdout) is not supported here"),
        {
            let mut c = flag_case("SOURCE_DATE_EPOCH=abc", &[], "SOURCE_DATE_EPOCH", "abc");
            c.args.push("--no-now".into());
            c.env("SOURCE_DATE_EPOCH", "abc")
        },
        {
            let mut c = flag_case("SOURCE_DATE_EPOCH out of range", &[], "SOURCE_DATE_EPOCH", "range");
            c.args.push("--no-now".into());
            c.env("SOURCE_DATE_EPOCH", "99999999999999999")
        },
        // --- state files ----------------------------------------------------------------------
        state_case("truncated state", &["show"], State::Edit(|s| s[..s.len() / 3].to_string()), "not a valid studyplan state file"),
        state_case("state from version 99", &["show"], State::Edit(|s| s.replacen("version: 1", "version: 99", 1)), "newer studyplan"),
        state_case("nonsense state", &["show"], State::Edit(|_| "foo bar: [\n".into()), "studyplan.yaml"),
        state_case("state of the wrong shape", &["show"], State::Edit(|_| "- 1\n- 2\n".into()), "not a valid studyplan state file"),
        state_case("state with a wrong-typed field", &["show"], State::Edit(|s| s.replacen("version: 1", "version: one", 1)), "studyplan.yaml"),
        state_case("empty state", &["show"], State::Edit(|_| String::new()), "is empty").names("studyplan.yaml"),
        state_case("state of one NUL byte", &["show"], State::Edit(|_| "\u{0}".into()), "studyplan.yaml"),
        state_case("done on a truncated state", &["done", "alpha"], State::Edit(|s| s[..s.len() / 2].to_string()), "studyplan.yaml"),
        state_case("replan on a nonsense state", &["replan", "--from", "2026-12-02"], State::Edit(|_| "version: 1\nplan: 3\n".into()), "studyplan.yaml"),
        state_case("replan when the path file is gone", &["replan", "--from", "2026-12-02"], State::SourceGone, "no longer exists").names("tiny.yaml"),
        state_case("show without a state file", &["show"], State::None, "not found"),
        state_case("show --week 0", &["show", "--week", "0"], State::Valid, "--week").names("0"),
        state_case("show --week past the plan's end", &["show", "--week", "99"], State::Valid, "past its end").names("--week"),
        case("import /dev/zero", &["import", "/dev/zero"], 2, "larger than 10 MB").names("/dev/zero"),
        state_case("show --state /dev/zero", &["show", "--state", "/dev/zero"], State::None, "larger than").names("/dev/zero"),
        case("done with an unknown item", &["done", "nosuch"], 2, "no item matches").state(State::Valid).names("nosuch"),
        case("done --on the day after today", &["done", "alpha", "--on", "2026-11-22", "--now", NOW], 2, "after today (2026-11-21)").state(State::Valid).names("--on"),
        case("done --on impossible date", &["done", "alpha", "--on", "2026-02-30"], 2, "2026-02-30").state(State::Valid).names("--on"),
        case("--state is a directory", &["show", "--state", "adir"], 2, "adir").file("adir/x", "x").names("adir"),
    ]
}

/// Every file under `dir` with its bytes, except lock files (a lock is created and left in
/// place by design; it holds no data).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read the sandbox").flatten() {
            let p = entry.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if p.extension().is_none_or(|e| e != "lock") {
                let rel = p
                    .strip_prefix(root)
                    .expect("inside the sandbox")
                    .to_path_buf();
                out.insert(rel, std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn set_up(sb: &Sandbox, c: &Case) {
    for (name, bytes) in &c.files {
        let file = sb.path().join(name);
        std::fs::create_dir_all(file.parent().expect("a parent")).expect("create the directory");
        std::fs::write(&file, bytes).expect("write a fixture");
    }
    if matches!(c.state, State::None) {
        return;
    }
    sb.plan("tiny.yaml", &["--start", "2026-12-01", "--hours", "1"])
        .ok();
    match c.state {
        State::Edit(edit) => {
            let text = sb.read("studyplan.yaml");
            std::fs::write(sb.path().join("studyplan.yaml"), edit(&text)).expect("edit the state");
        }
        State::SourceGone => std::fs::remove_file(sb.path().join("tiny.yaml")).expect("remove"),
        State::None | State::Valid => {}
    }
}

fn run_case(c: &Case) -> Result<(), String> {
    let sb = Sandbox::new();
    set_up(&sb, c);
    let before = snapshot(sb.path());
    let mut args: Vec<String> = c
        .args
        .iter()
        .filter(|a| *a != "--no-now")
        .cloned()
        .collect();
    if args.first().is_some_and(|a| a == "plan") {
        if !args.iter().any(|a| a == "--tz") {
            args.extend(["--tz".into(), "UTC".into()]);
        }
        if !c.args.iter().any(|a| a == "--now" || a == "--no-now") {
            args.extend(["--now".into(), NOW.into()]);
        }
    }
    let mut cmd = sb.cmd(&args);
    for (k, v) in &c.env {
        cmd = cmd.env(k, v);
    }
    let run: Run = cmd.run();
    let mut problems = Vec::new();
    if run.stderr.contains("panicked") || run.stderr.contains("RUST_BACKTRACE") {
        problems.push("panicked".to_string());
    }
    if run.code != Some(c.code) {
        problems.push(format!("exit code {:?}, expected {}", run.code, c.code));
    }
    if !run.stdout.is_empty() {
        problems.push("printed on stdout".into());
    }
    // clap's own footer (`Usage: …`, `For more information …`) is not counted.
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .collect();
    if lines.is_empty() || lines.len() > 3 {
        problems.push(format!("{} lines on stderr, expected 1 to 3", lines.len()));
    }
    if lines.iter().any(|l| l.len() > 400) {
        problems.push("a line on stderr is over 400 bytes".into());
    }
    for needle in [c.fragment, c.names] {
        if !run.stderr.contains(needle) {
            problems.push(format!("stderr lacks {needle:?}"));
        }
    }
    let after = snapshot(sb.path());
    if before != after {
        let changed: Vec<_> = after
            .keys()
            .chain(before.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .map(|k| k.display().to_string())
            .collect();
        problems.push(format!("files changed: {changed:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: {}\n  $ {}\n  stderr: {}",
            c.name,
            problems.join("; "),
            run.cmd,
            run.stderr.trim_end().replace('\n', "\n          ")
        ))
    }
}

#[test]
fn the_catalogue_of_bad_inputs_is_rejected_cleanly() {
    let cases = catalogue();
    assert!(cases.len() >= 40, "the catalogue has {} cases", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} bad inputs were not handled cleanly:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Root reads any file whatever its mode, so as root (CI) the command runs as `nobody`.
#[cfg(unix)]
#[test]
fn an_unreadable_path_file_is_named() {
    use std::os::unix::fs::PermissionsExt as _;
    let sb = Sandbox::new();
    sb.open_to_all();
    let file = sb.write("secret.yaml", TINY);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let run = sb
        .cmd(["validate", "secret.yaml"])
        .unprivileged()
        .fails(2)
        .stderr_has("secret.yaml");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// An endless file is refused at the size limit instead of filling memory.
#[cfg(target_os = "linux")]
#[test]
fn an_endless_file_is_refused() {
    let sb = Sandbox::new();
    sb.cmd(["validate", "/dev/zero"])
        .fails(2)
        .stderr_has("/dev/zero")
        .stderr_has("limit");
}

/// Checks an .ics: CRLF only, every physical line at most 75 octets and valid UTF-8 (a fold
/// never splits a character); returns the unfolded lines.
fn unfolded_ics(bytes: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(bytes).expect("the calendar is UTF-8");
    assert!(
        text.ends_with("\r\n"),
        "the calendar does not end with CRLF"
    );
    let mut out: Vec<String> = Vec::new();
    for line in text.trim_end_matches("\r\n").split("\r\n") {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "a bare line break in {line:?}"
        );
        assert!(
            line.len() <= 75,
            "a line of {} octets: {line:?}",
            line.len()
        );
        match line.strip_prefix(' ') {
            Some(rest) => out
                .last_mut()
                .expect("a fold continues a line")
                .push_str(rest),
            None => out.push(line.to_string()),
        }
    }
    out
}

/// Hostile but valid titles are accepted, and the calendar stays valid.
#[test]
fn emoji_and_very_long_titles_are_accepted_and_folded() {
    let emoji = "Ownership 🦀 and borrowing 🧑‍💻 — naïve résumé ✓";
    let long: String = "Wörter😀x"
        .repeat(2000 / 8 + 1)
        .chars()
        .take(2000)
        .collect();
    let yaml = format!(
        "title: \"{emoji}\"\nsections:\n  - title: \"Sektion 🚀\"\n    items:\n      - title: \"{emoji}\"\n        minutes: 30\n      - title: \"{long}\"\n        minutes: 20\n"
    );
    let sb = Sandbox::new();
    sb.write("hostile.yaml", &yaml);
    sb.plan(
        "hostile.yaml",
        &["--start", "2026-12-01", "--hours", "1", "--format", "json"],
    )
    .ok();
    let lines = unfolded_ics(&sb.read_bytes("hostile.ics"));
    let summaries: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("SUMMARY:"))
        .collect();
    assert!(summaries.iter().any(|s| s.contains(emoji)), "{summaries:?}");
    assert!(
        summaries.iter().any(|s| s.contains(&long)),
        "the long title is not kept whole"
    );
    sb.cmd(["show", "--format", "csv"]).ok().stdout_has(emoji);
}

/// The largest path the limits promise to accept: 10,000 items over three years.
fn big_path(items: usize) -> PathSpec {
    let per_section = 100;
    let sections = items / per_section;
    let weeks = 156;
    PathSpec {
        id: "big".into(),
        title: "Big".into(),
        sections: (0..sections)
            .map(|s| {
                let first = u32::try_from(s * weeks / sections).expect("small") + 1;
                let last = u32::try_from((s + 1) * weeks / sections)
                    .expect("small")
                    .max(first);
                SectionSpec {
                    id: format!("s{s}"),
                    title: format!("Section {s}"),
                    weeks: (s % 10 != 9).then_some((first, last)),
                    items: (0..per_section)
                        .map(|i| ItemSpec {
                            id: format!("i{i}"),
                            title: format!("Item {s}.{i}"),
                            kind: match i % 10 {
                                8 => Kind::Optional,
                                9 => Kind::Reference,
                                _ => Kind::Required,
                            },
                            minutes: 5 + u32::try_from((s * 7 + i * 13) % 30).expect("small"),
                            after: if i % 25 == 1 {
                                vec![format!("s{s}/i0")]
                            } else {
                                Vec::new()
                            },
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

#[test]
fn a_path_of_ten_thousand_items_over_three_years_plans() {
    let spec = big_path(10_000);
    let settings = Settings::daily("2026-12-01", 240);
    let sb = Sandbox::new();
    sb.write("big.yaml", &spec.yaml());
    let mut args = vec!["big.yaml".to_string()];
    args.extend(settings.args());
    args.extend(
        [
            "--time-limit",
            "5",
            "--format",
            "json",
            "--no-ics",
            "--now",
            NOW,
        ]
        .map(String::from),
    );
    let run = sb.cmd(std::iter::once("plan".to_string()).chain(args)).ok();
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let doc = run.plan_doc();
    checker::check(&spec, &settings, &doc);
}

#[test]
fn a_path_over_the_item_limit_is_refused() {
    let mut yaml = String::from("title: Huge\nsections:\n  - title: S\n    items:\n");
    for i in 0..=studyplan::path::load::MAX_ITEMS {
        yaml.push_str(&format!("      - {{title: Item {i}, minutes: 5}}\n"));
    }
    let sb = Sandbox::new();
    sb.write("huge.yaml", &yaml);
    sb.cmd(["validate", "huge.yaml"])
        .fails(2)
        .stderr_has("huge.yaml")
        .stderr_has("limit of 20000");
}

// --- random bytes at the loaders (the stable-Rust companion of fuzz/) -------------------------

fn seeds() -> Vec<String> {
    let mut out = vec![TINY.to_string()];
    for file in [
        "paths/backend-engineer.yaml",
        "paths/backend-beginner-to-advanced.yaml",
    ] {
        if let Ok(t) = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)) {
            out.push(t);
        }
    }
    out
}

/// A seed with a slice replaced by arbitrary bytes, lossily made text.
fn mutated() -> impl Strategy<Value = String> {
    let seeds = seeds();
    (
        0..seeds.len(),
        any::<u16>(),
        any::<u8>(),
        proptest::collection::vec(any::<u8>(), 0..40),
    )
        .prop_map(move |(s, at, cut, bytes)| {
            let mut b = seeds[s].clone().into_bytes();
            let at = usize::from(at) % (b.len() + 1);
            let end = (at + usize::from(cut) % 16).min(b.len());
            b.splice(at..end, bytes);
            String::from_utf8_lossy(&b).into_owned()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn load_str_never_panics_on_random_text(text in "\\PC{0,400}") {
        let _ = studyplan::path::load::load_str(&text, Path::new("p.yaml"));
    }

    #[test]
    fn load_str_never_panics_on_mutated_paths(text in mutated()) {
        let _ = studyplan::path::load::load_str(&text, Path::new("p.yaml"));
    }

    #[test]
    fn import_never_panics_on_random_text(text in "(\\PC{0,60}\n){0,20}") {
        let file = Path::new("c.md");
        let _ = studyplan::path::import::import_checklist(&text, file, false);
        let _ = studyplan::path::import::import_checklist(&text, file, true);
    }

    #[test]
    fn import_never_panics_on_checklist_lines(
        lines in proptest::collection::vec(
            prop_oneof![
                "Week [0-9]{1,3}(-[0-9]{1,4})?: [A-Za-z ]{0,20}",
                "(- )?\\[[ xX]?\\] (Required|Optional|Reference|Bonus)? ?-{0,3} ?[A-Za-z🦀 ]{0,20}( \\([0-9-]{0,12} ?(min|h|hours)?\\))?",
                "#{0,4} ?[A-Za-z:]{0,20}",
                "\\PC{0,30}",
            ],
            0..30,
        )
    ) {
        let text = lines.join("\n");
        let file = Path::new("c.md");
        let _ = studyplan::path::import::import_checklist(&text, file, false);
        let _ = studyplan::path::import::import_checklist(&text, file, true);
    }

    #[test]
    fn state_load_never_panics_on_mutated_text(text in mutated()) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let file = dir.path().join("studyplan.yaml");
        std::fs::write(&file, &text).expect("write");
        let _ = studyplan::progress::State::load(&file);
    }
}
