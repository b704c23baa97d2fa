//! Study windows, busy calendars and breaks on the command line (issue 12): the flags reach
//! the plan (the JSON's free gaps), the state remembers them, `replan` reads the calendars again
//! and says when one changed or vanished, and bad calendars or windows exit 2 naming the file and
//! line or the flag value. Where sessions go inside the gaps is checked with the solver's tests.

use crate::rules::small;
use crate::util::Sandbox;

const MEETING: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:meeting@test\r\nDTSTART;TZID=W. Europe Standard Time:20270301T190000\r\n\
DTEND;TZID=W. Europe Standard Time:20270301T200000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.write("small.yaml", &small().yaml());
    sb.write("work.ics", MEETING);
    sb
}

const FLAGS: [&str; 12] = [
    "--start",
    "2027-03-01",
    "--hours",
    "1",
    "--tz",
    "Europe/Berlin",
    "--window",
    "mon-fri=18:00-21:00",
    "--busy",
    "work.ics",
    "--break",
    "15",
];

#[test]
fn windows_busy_time_and_breaks_reach_the_capacity() {
    let sb = sandbox();
    let run = sb
        .plan("small.yaml", &[&FLAGS[..], &["--format", "json"]].concat())
        .ok();
    let doc = run.json();
    let capacity = doc["capacity"].as_array().expect("capacity");
    // Monday 2027-03-01: the 19:00-20:00 meeting and its breaks cut the window in two.
    assert_eq!(capacity[0]["date"], "2027-03-01");
    assert_eq!(capacity[0]["minutes"], 60);
    assert_eq!(
        capacity[0]["gaps"],
        serde_json::json!([
            {"start": "2027-03-01T18:00:00+01:00", "end": "2027-03-01T18:45:00+01:00"},
            {"start": "2027-03-01T20:15:00+01:00", "end": "2027-03-01T21:00:00+01:00"},
        ])
    );
    // Tuesday: the whole window; Saturday: no window, no study.
    assert_eq!(
        capacity[1]["gaps"],
        serde_json::json!([{"start": "2027-03-02T18:00:00+01:00", "end": "2027-03-02T21:00:00+01:00"}])
    );
    assert_eq!(capacity[5]["minutes"], 0);
    assert!(run
        .stderr
        .contains("sat, sun have study time but no study window"));
    // The state remembers the windows, the break and the calendar (by path, with a hash).
    let state = sb.read("studyplan.yaml");
    for needle in [
        "windows:",
        "mon:",
        "18:00-21:00",
        "break_minutes: 15",
        "busy_files:",
        "work.ics",
        "hash:",
    ] {
        assert!(state.contains(needle), "state lacks {needle:?}:\n{state}");
    }
}

#[test]
fn without_the_new_flags_the_json_has_no_gaps() {
    let sb = sandbox();
    let doc = sb
        .plan(
            "small.yaml",
            &["--start", "2027-03-01", "--hours", "1", "--format", "json"],
        )
        .ok()
        .json();
    assert!(doc["capacity"][0].get("gaps").is_none());
    assert!(!sb.read("studyplan.yaml").contains("free:"));
}

#[test]
fn replan_reads_the_calendars_again() {
    let sb = sandbox();
    sb.plan("small.yaml", &FLAGS).ok();
    let replan = || {
        sb.cmd([
            "replan",
            "--from",
            "2027-03-03",
            "--format",
            "json",
            "--now",
            crate::util::NOW,
        ])
        .ok()
    };
    let same = replan();
    assert!(!same.stderr.contains("busy calendar"), "{}", same.stderr);
    let first = |doc: &serde_json::Value| {
        doc["capacity"]
            .as_array()
            .expect("capacity")
            .iter()
            .find(|d| d["date"] == "2027-03-03")
            .cloned()
            .expect("2027-03-03")
    };
    assert_eq!(first(&same.json())["minutes"], 60);

    // The meeting moves to Thursdays: the note says so and Wednesday is free again.
    sb.write("work.ics", &MEETING.replace("BYDAY=MO,WE", "BYDAY=MO,TH"));
    let changed = replan();
    assert!(
        changed
            .stderr
            .contains("work.ics changed since the last plan"),
        "{}",
        changed.stderr
    );
    assert_eq!(
        first(&changed.json())["gaps"].as_array().map(Vec::len),
        Some(1)
    );

    std::fs::remove_file(sb.path().join("work.ics")).expect("remove");
    let gone = replan();
    assert!(
        gone.stderr
            .contains("work.ics is gone; planning without it"),
        "{}",
        gone.stderr
    );
}

#[test]
fn bad_calendars_and_windows_exit_2_and_write_nothing() {
    let cases: [(&str, &str, &str); 4] = [
        ("--busy", "notes.txt", "busy calendar notes.txt: is not an iCalendar file"),
        ("--busy", "late.ics", "busy calendar late.ics:6: DTEND 20270301T180000Z is before DTSTART 20270301T190000Z (event \"x\")"),
        ("--window", "mon=22:00-01:00", "invalid value for --window: \"mon=22:00-01:00\": the window 22:00-01:00 runs past midnight"),
        ("--window", "mon=18:00-20:00", "overlap on mon"),
    ];
    for (flag, value, message) in cases {
        let sb = sandbox();
        sb.write("notes.txt", "dentist tuesday 10:00\n");
        sb.write(
            "late.ics",
            "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nDTSTART:20270301T190000Z\n\
             DTEND:20270301T180000Z\nEND:VEVENT\nEND:VCALENDAR\n",
        );
        let mut args = vec!["--start", "2027-03-01", "--hours", "1", flag, value];
        if value == "mon=18:00-20:00" {
            args.extend(["--window", "mon-fri=19:00-21:00"]);
        }
        let run = sb.plan("small.yaml", &args).fails(2).stdout_empty();
        assert!(
            run.stderr.contains(message),
            "{flag} {value}: {}",
            run.stderr
        );
        assert!(
            !sb.exists("studyplan.yaml"),
            "{flag} {value} wrote a state file"
        );
    }
}

/// Regression: a replan mapped every kept session to the first free gap of its day and laid
/// the sessions of a gap from its start, so a session in the evening gap of a day moved to
/// the morning gap as soon as room opened there. After an earlier item is skipped, nothing else
/// needs to move, and every other session keeps its exact start.
#[test]
fn regression_replan_moved_kept_sessions_to_the_first_gap_of_their_day() {
    let sb = Sandbox::new();
    sb.write("p.yaml", crate::replan::PATH);
    sb.write(
        "busy.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:m@test\r\n\
         DTSTART:20270302T203000Z\r\nDTEND:20270302T210000Z\r\nRRULE:FREQ=WEEKLY;BYDAY=TU,TH\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    let flags = [
        "--start",
        "2027-03-01",
        "--hours",
        "1.5",
        "--tz",
        "UTC",
        "--window",
        "mon-fri=18:00-19:00",
        "--window",
        "mon-fri=20:00-21:30",
        "--busy",
        "busy.ics",
        "--break",
        "10",
        "--now",
        crate::util::NOW,
        "--format",
        "json",
    ];
    let starts = |doc: &serde_json::Value| -> Vec<(String, String)> {
        doc["sessions"]
            .as_array()
            .expect("sessions")
            .iter()
            .map(|s| (s["uid"].to_string(), s["start"].to_string()))
            .collect()
    };
    let before = starts(&sb.plan("p.yaml", &flags).ok().json());
    // The plan uses the evening gap of the first day after its morning one.
    assert!(
        before
            .iter()
            .any(|(uid, at)| uid.contains("indexes") && at.contains("2027-03-01T20:00")),
        "{before:?}"
    );
    sb.cmd(["skip", "db/storage-engines"]).ok();
    let run = sb
        .cmd([
            "replan",
            "--from",
            "2027-03-01",
            "--now",
            crate::util::NOW,
            "--format",
            "json",
        ])
        .ok();
    let after = starts(&run.json());
    let expected: Vec<(String, String)> = before
        .into_iter()
        .filter(|(uid, _)| !uid.contains("storage-engines"))
        .collect();
    assert_eq!(after, expected, "{}", run.stderr);
    assert!(!run.stderr.contains("moved"), "{}", run.stderr);
}
