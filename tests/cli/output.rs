//! What goes where: machine formats carry only their document on stdout, `show` reprints the
//! saved plan, identical inputs give identical bytes, a closed pipe is success, and bundled paths
//! are found by id from any directory.

use crate::checker::PlanDoc;
use crate::model::Settings;
use crate::rules::{small, small_settings};
use crate::util::{Sandbox, NOW};
use std::io::{BufRead, BufReader};
use std::process::Stdio;

/// A sandbox with the small fixture's path file, and the `plan` flags for it.
fn small_sandbox() -> (Sandbox, Vec<String>) {
    let sb = Sandbox::new();
    sb.write("small.yaml", &small().yaml());
    (sb, small_settings().args())
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn json_stdout_is_only_the_document() {
    let (sb, args) = small_sandbox();
    let mut extra = strs(&args);
    extra.extend(["--format", "json"]);
    let run = sb.plan("small.yaml", &extra).ok().stderr_has("small.ics");
    let doc = run.json();
    for key in [
        "path",
        "start",
        "timezone",
        "capacity",
        "sessions",
        "unscheduled",
        "summary",
    ] {
        assert!(doc.get(key).is_some(), "the document lacks {key:?}");
    }
    assert!(run.stdout.trim_start().starts_with('{') && run.stdout.trim_end().ends_with('}'));
}

#[test]
fn csv_stdout_is_only_the_document() {
    let (sb, args) = small_sandbox();
    let mut extra = strs(&args);
    extra.extend(["--format", "csv"]);
    let run = sb.plan("small.yaml", &extra).ok().stderr_has("small.ics");
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let header = reader.headers().expect("a header row").clone();
    for column in ["date", "start", "end", "item", "kind", "minutes", "late"] {
        assert!(
            header.iter().any(|h| h == column),
            "the header lacks {column}: {header:?}"
        );
    }
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.expect("every row parses with the header's width"))
        .collect();
    let doc: PlanDoc =
        serde_json::from_str(&sb.cmd(["show", "--format", "json"]).ok().stdout).expect("json");
    assert_eq!(
        rows.len(),
        doc.sessions.len(),
        "one row per session and nothing else"
    );
    let item = header
        .iter()
        .position(|h| h == "item")
        .expect("item column");
    for (row, s) in rows.iter().zip(&doc.sessions) {
        assert_eq!(&row[item], s.item);
    }
}

#[test]
fn show_reprints_the_saved_plan_identically() {
    let (sb, args) = small_sandbox();
    for format in ["json", "csv", "table", "md"] {
        let mut extra = strs(&args);
        extra.extend(["--format", format]);
        let planned = sb.plan("small.yaml", &extra).ok().stdout;
        let shown = sb.cmd(["show", "--format", format]).ok().stdout;
        assert_eq!(
            planned, shown,
            "show --format {format} differs from what plan printed"
        );
    }
}

#[test]
fn show_reads_the_state_file_given_by_flag_or_environment() {
    let (sb, args) = small_sandbox();
    std::fs::create_dir(sb.path().join("sub")).expect("mkdir");
    let mut extra = strs(&args);
    extra.extend(["--format", "json", "--state", "sub/plan-state.yaml"]);
    let planned = sb.plan("small.yaml", &extra).ok().stdout;
    assert!(
        sb.exists("sub/small.ics"),
        "the calendar goes next to the state file"
    );
    let by_flag = sb
        .cmd(["show", "--format", "json", "--state", "sub/plan-state.yaml"])
        .ok();
    assert_eq!(by_flag.stdout, planned);
    let by_env = sb
        .cmd(["show", "--format", "json"])
        .env("STUDYPLAN_STATE", "sub/plan-state.yaml")
        .ok();
    assert_eq!(by_env.stdout, planned);
}

#[test]
fn identical_inputs_give_byte_identical_calendar_and_json() {
    let runs: Vec<(Vec<u8>, String)> = (0..2)
        .map(|_| {
            let (sb, args) = small_sandbox();
            let mut extra = strs(&args);
            extra.extend(["--format", "json"]);
            let json = sb.plan("small.yaml", &extra).ok().stdout;
            (sb.read_bytes("small.ics"), json)
        })
        .collect();
    assert_eq!(
        runs[0].1, runs[1].1,
        "JSON differs between two identical runs"
    );
    assert!(
        runs[0].0 == runs[1].0,
        "the .ics differs between two identical runs"
    );

    let ics = String::from_utf8(runs[0].0.clone()).expect("UTF-8 calendar");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(
        !ics.replace("\r\n", "").contains('\n'),
        "every line ends in CRLF"
    );
    let doc: PlanDoc = serde_json::from_str(&runs[0].1).expect("json");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), doc.sessions.len());
}

#[test]
fn source_date_epoch_pins_the_timestamp_like_now() {
    let (sb, args) = small_sandbox();
    // 2026-11-21T12:00:00Z, the same instant as `--now`.
    let extra = strs(&args);
    let mut cmd = sb.cmd(["plan", "small.yaml"]).args(extra.iter().copied());
    cmd = cmd
        .args(["--ics", "epoch.ics"])
        .env("SOURCE_DATE_EPOCH", "1795262400");
    cmd.ok();
    let mut with_now = extra.clone();
    with_now.extend(["--ics", "now.ics", "--now", NOW]);
    sb.plan("small.yaml", &with_now).ok();
    assert!(sb.read_bytes("epoch.ics") == sb.read_bytes("now.ics"));
    assert!(sb.read("now.ics").contains("DTSTAMP:20261121T120000Z"));
}

/// `studyplan show --format <format> | head -1`: the reader goes away early, once before
/// anything is written and once after the first line; that is success, not an error or a panic.
fn assert_closed_pipe_is_success(format: &str) {
    let sb = Sandbox::new();
    let settings = Settings::daily("2026-12-01", 120);
    let args = settings.args();
    sb.plan("backend-engineer", &strs(&args)).ok();
    for read_first_line in [false, true] {
        let mut child = spawn_piped(&sb.cmd(["show", "--format", format]));
        let stdout = child.stdout.take().expect("piped stdout");
        if read_first_line {
            let mut first = String::new();
            BufReader::new(stdout)
                .read_line(&mut first)
                .expect("read the first line");
            assert!(!first.is_empty(), "show --format {format} printed nothing");
        } else {
            drop(stdout);
        }
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let when = if read_first_line {
            "after the first line"
        } else {
            "before any output"
        };
        assert_eq!(
            out.status.code(),
            Some(0),
            "show --format {format} with stdout closed {when} failed: {stderr}"
        );
        assert!(
            stderr.is_empty(),
            "show --format {format} with stdout closed {when} said: {stderr}"
        );
    }
}

/// `cmd` started with no input and both outputs piped to the test.
fn spawn_piped(cmd: &crate::util::Cmd) -> std::process::Child {
    cmd.command()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn")
}

/// Which output a reader closes before the command writes to it.
#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

/// Run `cmd` with no input and `closed` closed by its reader at once; the other is collected.
fn run_closing(cmd: &crate::util::Cmd, closed: Stream) -> std::process::Output {
    let mut child = spawn_piped(cmd);
    match closed {
        Stream::Stdout => drop(child.stdout.take()),
        Stream::Stderr => drop(child.stderr.take()),
    }
    child.wait_with_output().expect("wait")
}

/// `studyplan plan … --fit --format json | head -1` before anything is written: success, as for
/// every other document (it was exit 1, "cannot write output: Broken pipe").
#[test]
fn a_closed_pipe_after_fit_json_is_success() {
    let sb = Sandbox::new();
    sb.write("p.yaml", crate::replan::PATH);
    let out = run_closing(
        &sb.cmd([
            "plan",
            "p.yaml",
            "--start",
            "2026-11-23",
            "--hours",
            "0.5",
            "--tz",
            "UTC",
            "--now",
            NOW,
            "--fit",
            "--format",
            "json",
        ]),
        Stream::Stdout,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

/// `studyplan replan 2>&1 | head -1`: stderr goes away before the list of changes is printed.
/// The replan is saved all the same and the exit code is 0 (a panic on the first warning used
/// to lose it: the changes are listed before the state is written).
#[test]
fn a_closed_stderr_loses_no_replan() {
    let sb = Sandbox::new();
    sb.write("p.yaml", crate::replan::PATH);
    sb.plan(
        "p.yaml",
        &["--start", "2026-11-23", "--hours", "1", "--tz", "UTC"],
    )
    .ok();
    let before = sb.read("studyplan.yaml");
    let replan = [
        "replan",
        "--from",
        "2026-11-25",
        "--hours",
        "2",
        "--now",
        NOW,
        "--tz",
        "UTC",
    ];
    let out = run_closing(&sb.cmd(replan), Stream::Stderr);
    assert_eq!(out.status.code(), Some(0));
    let after = sb.read("studyplan.yaml");
    assert_ne!(after, before, "the replan was not saved");
    // The same replan with stderr open lists its changes and finds nothing more to move.
    let run = sb.cmd(replan).ok();
    assert!(run.stderr.contains("nothing moved"), "{}", run.stderr);
}

#[test]
fn closed_pipe_is_success_table() {
    assert_closed_pipe_is_success("table");
}

#[test]
fn closed_pipe_is_success_json() {
    assert_closed_pipe_is_success("json");
}

#[test]
fn closed_pipe_is_success_csv() {
    assert_closed_pipe_is_success("csv");
}

#[test]
fn closed_pipe_is_success_md() {
    assert_closed_pipe_is_success("md");
}

#[test]
fn bundled_path_by_id_from_any_directory() {
    // The sandbox is a fresh temporary directory: no `paths/` folder anywhere near it.
    let sb = Sandbox::new();
    let sub = sb.path().join("some/where/else");
    std::fs::create_dir_all(&sub).expect("mkdir");
    sb.cmd(["validate", "backend-engineer"])
        .current_dir(&sub)
        .ok()
        .stdout_has("Backend Engineer Learning Path")
        .stdout_has("184");
    let settings = Settings::daily("2026-12-01", 120);
    let mut args = settings.args();
    args.extend(["--now", NOW, "--format", "json"].map(String::from));
    let run = sb
        .cmd(["plan", "backend-engineer"])
        .args(args)
        .current_dir(&sub)
        .ok()
        .stderr_has("backend-engineer.ics");
    let doc = run.plan_doc();
    assert_eq!(doc.path.id, "backend-engineer");
    assert_eq!(
        doc.sessions
            .iter()
            .map(|s| s.item.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        184
    );
    assert!(sub.join("backend-engineer.ics").exists());
    assert!(sub.join("studyplan.yaml").exists());
    sb.cmd(["show"])
        .current_dir(&sub)
        .ok()
        .stdout_has("Backend Engineer Learning Path");
}

#[test]
fn help_lists_the_commands() {
    let sb = Sandbox::new();
    let run = sb.cmd(["--help"]).ok();
    for command in ["plan", "show", "validate"] {
        assert!(run.stdout.contains(command), "--help lacks {command}");
    }
    sb.cmd(["plan", "--help"])
        .ok()
        .stdout_has("--start")
        .stdout_has("--hours")
        .stdout_has("--tz");
}
