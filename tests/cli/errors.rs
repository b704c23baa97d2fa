//! Invalid input: exit code 2, one message on stderr naming the file (with line and column for
//! YAML) or the flag, nothing on stdout, and no state or calendar written.

use crate::rules::small;
use crate::util::{Run, Sandbox};

const UNKNOWN_KEY: &str = "\
title: Typo Path
sections:
  - title: Basics
    items:
      - title: Intro
        minuts: 20
";

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.write("small.yaml", &small().yaml());
    sb
}

/// `plan small.yaml` with `flags` (plus the pinned zone and time) must fail with code 2.
fn plan_fails(flags: &[&str]) -> (Sandbox, Run) {
    let sb = sandbox();
    let run = sb.plan("small.yaml", flags).fails(2).stdout_empty();
    assert!(
        !sb.exists("studyplan.yaml"),
        "invalid input wrote a state file"
    );
    assert!(!sb.exists("small.ics"), "invalid input wrote a calendar");
    (sb, run)
}

fn assert_one_error_line(run: &Run) {
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(
        lines.len() == 1 && lines[0].starts_with("error: "),
        "expected exactly one `error:` line, got:\n{}",
        run.stderr
    );
}

#[test]
fn unknown_key_names_file_line_and_column() {
    let sb = Sandbox::new();
    sb.write("typo.yaml", UNKNOWN_KEY);
    for args in [
        &["validate", "typo.yaml"][..],
        &[
            "plan",
            "typo.yaml",
            "--start",
            "2026-12-01",
            "--hours",
            "1",
            "--tz",
            "UTC",
        ],
    ] {
        let run = sb.cmd(args.iter().copied()).fails(2).stdout_empty();
        // `minuts` is on line 6, column 9.
        let run = run.stderr_has("typo.yaml:6:9").stderr_has("minuts");
        assert_one_error_line(&run);
    }
    assert!(!sb.exists("studyplan.yaml"));
}

#[test]
fn hours_zero_is_rejected() {
    let (_, run) = plan_fails(&["--start", "2026-12-01", "--hours", "0"]);
    run.stderr_has("--hours");
}

#[test]
fn hours_above_24_is_rejected() {
    let (_, run) = plan_fails(&["--start", "2026-12-01", "--hours", "25"]);
    let run = run.stderr_has("--hours").stderr_has("25");
    assert_one_error_line(&run);
}

/// A state file in a folder that does not exist is a bad --state (exit 2), said before any
/// lock file is made (it was exit 1, "cannot write nodir/s.yaml.lock"); the same for --ics.
#[test]
fn state_and_calendar_in_missing_folders_are_rejected() {
    for (flag, file) in [("--state", "nodir/s.yaml"), ("--ics", "nodir/plan.ics")] {
        let (sb, run) = plan_fails(&["--start", "2026-12-01", "--hours", "1", flag, file]);
        let run = run
            .stderr_has(flag)
            .stderr_has("the folder nodir does not exist");
        assert_one_error_line(&run);
        assert!(!sb.exists("nodir"));
    }
}

#[test]
fn impossible_start_date_is_rejected() {
    let (_, run) = plan_fails(&["--start", "2026-02-30", "--hours", "1"]);
    let run = run.stderr_has("--start").stderr_has("2026-02-30");
    assert_one_error_line(&run);
}

#[test]
fn unknown_time_zone_is_rejected() {
    let (_, run) = plan_fails(&[
        "--start",
        "2026-12-01",
        "--hours",
        "1",
        "--tz",
        "Mars/Olympus",
    ]);
    let run = run.stderr_has("--tz").stderr_has("Mars/Olympus");
    assert_one_error_line(&run);
}

#[test]
fn impossible_time_of_day_is_rejected() {
    let (_, run) = plan_fails(&["--start", "2026-12-01", "--hours", "1", "--at", "25:00"]);
    let run = run.stderr_has("--at").stderr_has("25:00");
    assert_one_error_line(&run);
}

#[test]
fn backwards_day_off_range_is_rejected() {
    let (_, run) = plan_fails(&[
        "--start",
        "2026-12-01",
        "--hours",
        "1",
        "--off",
        "2026-12-24..2026-12-20",
    ]);
    let run = run.stderr_has("--off").stderr_has("2026-12-24..2026-12-20");
    assert_one_error_line(&run);
}

#[test]
fn missing_path_file_is_named_once() {
    let sb = Sandbox::new();
    let run = sb
        .plan("missing.yaml", &["--start", "2026-12-01", "--hours", "1"])
        .fails(2)
        .stdout_empty()
        .stderr_has("missing.yaml");
    assert_one_error_line(&run);
    // The cause is printed once, not repeated by the error chain.
    assert_eq!(
        run.stderr.matches("no such file").count(),
        1,
        "repeated cause:\n{}",
        run.stderr
    );
    sb.cmd(["validate", "missing.yaml"])
        .fails(2)
        .stderr_has("missing.yaml");
}

#[test]
fn show_without_a_state_file_says_what_to_do() {
    let sb = Sandbox::new();
    let run = sb
        .cmd(["show"])
        .fails(2)
        .stdout_empty()
        .stderr_has("studyplan.yaml")
        .stderr_has("studyplan plan");
    assert_one_error_line(&run);
    sb.cmd(["show", "--state", "elsewhere.yaml"])
        .fails(2)
        .stderr_has("elsewhere.yaml");
}

#[test]
fn missing_required_flags_are_usage_errors() {
    let sb = sandbox();
    sb.cmd(["plan", "small.yaml", "--hours", "1"])
        .fails(2)
        .stderr_has("--start");
    sb.cmd(["plan", "small.yaml", "--start", "2026-12-01"])
        .fails(2)
        .stderr_has("--hours");
    sb.cmd(["frobnicate"]).fails(2);
}

/// All the messages above in one reviewable snapshot, with the temporary directory redacted.
#[test]
fn error_messages_snapshot() {
    let sb = sandbox();
    sb.write("typo.yaml", UNKNOWN_KEY);
    let cases: &[&[&str]] = &[
        &["validate", "typo.yaml"],
        &[
            "plan",
            "small.yaml",
            "--start",
            "2026-12-01",
            "--hours",
            "0",
            "--tz",
            "UTC",
        ],
        &[
            "plan",
            "small.yaml",
            "--start",
            "2026-12-01",
            "--hours",
            "25",
            "--tz",
            "UTC",
        ],
        &[
            "plan",
            "small.yaml",
            "--start",
            "2026-02-30",
            "--hours",
            "1",
            "--tz",
            "UTC",
        ],
        &[
            "plan",
            "small.yaml",
            "--start",
            "2026-12-01",
            "--hours",
            "1",
            "--tz",
            "Mars/Olympus",
        ],
        &[
            "plan",
            "small.yaml",
            "--start",
            "2026-12-01",
            "--hours",
            "1",
            "--tz",
            "UTC",
            "--at",
            "25:00",
        ],
        &[
            "plan",
            "small.yaml",
            "--start",
            "2026-12-01",
            "--hours",
            "1",
            "--tz",
            "UTC",
            "--off",
            "2026-12-24..2026-12-20",
        ],
        &[
            "plan",
            "missing.yaml",
            "--start",
            "2026-12-01",
            "--hours",
            "1",
            "--tz",
            "UTC",
        ],
        &["show"],
    ];
    let mut out = String::new();
    for args in cases {
        let run = sb.cmd(args.iter().copied()).run();
        out.push_str(&format!(
            "$ studyplan {}\n[exit {}]\n{}\n",
            args.join(" "),
            run.code.unwrap_or(-1),
            run.redacted_stderr(sb.path())
        ));
    }
    insta::assert_snapshot!("error_messages", out);
}
