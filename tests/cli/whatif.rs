//! `plan --fit`: the smallest hours per day at which every required item fits its window,
//! checked against brute force with the `plan` command itself: planning at every 5-minute step
//! up to the answer, the answer is the first step with no late required minutes.

use crate::util::Sandbox;
use serde_json::Value;

const START: &str = "2027-03-01";

/// Overlapping windows, prerequisites, and items that split at short days.
const PATH: &str = "\
id: brute
title: Brute force
sections:
  - title: A
    weeks: 1
    items:
      - title: A1
        minutes: 50
      - title: A2
        minutes: 40
      - title: A3
        minutes: 35
      - title: A4
        kind: optional
        minutes: 20
  - title: B
    weeks: 1-2
    items:
      - title: B1
        minutes: 60
        after: [a/a1]
      - title: B2
        minutes: 45
  - title: C
    weeks: 2
    items:
      - title: C1
        minutes: 30
      - title: C2
        minutes: 30
        after: [c/c1]
      - title: C3
        minutes: 25
";

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.write("brute.yaml", PATH);
    sb
}

/// `--hours` for `minutes` a day: two decimals always read back as the same minute.
fn hours(minutes: u32) -> String {
    format!("{:.2}", f64::from(minutes) / 60.0)
}

fn fit(sb: &Sandbox, extra: &[&str]) -> Value {
    let mut args = vec!["--start", START, "--fit", "--format", "json"];
    args.extend_from_slice(extra);
    sb.plan("brute.yaml", &args).ok().json()
}

/// Required minutes planned after their windows at these flags.
fn late(sb: &Sandbox, extra: &[&str]) -> u64 {
    let mut args = vec![
        "--start",
        START,
        "--format",
        "json",
        "--no-ics",
        "--time-limit",
        "3",
    ];
    args.extend_from_slice(extra);
    let doc = sb.plan("brute.yaml", &args).ok().json();
    doc["summary"]["required_late_minutes"]
        .as_u64()
        .expect("required_late_minutes")
}

fn answer_minutes(doc: &Value) -> [u32; 7] {
    let m = doc["fit"]["hours"]["weekday_minutes"]
        .as_array()
        .unwrap_or_else(|| panic!("no answer in {doc:#}"));
    let v: Vec<u32> = m.iter().map(|x| x.as_u64().unwrap() as u32).collect();
    v.try_into().unwrap()
}

#[test]
fn answer_is_the_first_step_that_fits() {
    let sb = sandbox();
    let doc = fit(&sb, &["--hours", "0.25"]);
    assert_eq!(doc["fit"]["possible"], true, "{doc:#}");
    assert_eq!(doc["fit"]["proven"], true, "{doc:#}");
    let answer = answer_minutes(&doc)[0];
    assert!(answer.is_multiple_of(5) && answer > 0, "answer {answer}");
    // At the given 15 minutes, required work is late, and the answer says where.
    assert!(doc["at_given_hours"]["required_late_minutes"].as_u64() > Some(0));
    assert!(!doc["windows"].as_array().unwrap().is_empty(), "{doc:#}");

    for day in (5..answer).step_by(5) {
        let l = late(&sb, &["--hours", &hours(day)]);
        assert!(
            l > 0,
            "at {day} min a day nothing is late, but --fit said {answer}"
        );
    }
    assert_eq!(
        late(&sb, &["--hours", &hours(answer)]),
        0,
        "at the answer, {answer} min a day, required work is late"
    );
    assert_eq!(
        doc["fit"]["hours"]["flags"],
        format!(
            "--hours {}",
            hours(answer).trim_end_matches('0').trim_end_matches('.')
        )
    );
}

#[test]
fn weekend_hours_scale_with_the_week() {
    let sb = sandbox();
    // 15 min on weekdays, 45 at weekends: the week keeps that 1:3 shape.
    let doc = fit(&sb, &["--hours", "0.25", "--weekend-hours", "0.75"]);
    let week = answer_minutes(&doc);
    let (weekday, weekend) = (week[0], week[5]);
    assert_eq!(weekday % 5, 0);
    assert_eq!(weekend, weekday * 3, "{week:?}");
    let flags = doc["fit"]["hours"]["flags"].as_str().unwrap().to_string();
    assert!(flags.contains("--weekend-hours"), "{flags}");
    // The flags it prints fit; one step less does not.
    let args: Vec<&str> = flags.split_whitespace().collect();
    assert_eq!(late(&sb, &args), 0, "{flags}");
    let less = weekday - 5;
    assert!(
        late(
            &sb,
            &["--hours", &hours(less), "--weekend-hours", &hours(less * 3)]
        ) > 0,
        "{less} min weekdays already fits"
    );
}

#[test]
fn text_answer_and_no_files() {
    let sb = sandbox();
    let run = sb
        .plan(
            "brute.yaml",
            &["--start", START, "--hours", "0.25", "--fit"],
        )
        .ok();
    for needle in [
        "At your hours (15 min every day)",
        "required work finishes:",
        "all planned work finishes:",
        "Every required item fits its window with at least:",
        "plan flags: --hours",
        "Windows with late work at your hours",
    ] {
        assert!(
            run.stdout.contains(needle),
            "lacks {needle:?}:\n{}",
            run.stdout
        );
    }
    assert!(!sb.exists("studyplan.yaml"), "--fit writes no state");
    assert!(!sb.exists("brute.ics"), "--fit writes no calendar");
}

#[test]
fn fit_at_enough_hours_reports_the_finish_and_no_windows() {
    let sb = sandbox();
    let doc = fit(&sb, &["--hours", "2"]);
    let g = &doc["at_given_hours"];
    assert_eq!(g["required_late_minutes"], 0);
    assert!(
        g["required_finish"]
            .as_str()
            .is_some_and(|d| d <= "2027-03-14"),
        "{g:#}"
    );
    assert!(g["all_finish"].as_str().is_some(), "{g:#}");
    assert_eq!(doc["windows"].as_array().map(Vec::len), Some(0));
    assert!(answer_minutes(&doc)[0] < 120);
}

#[test]
fn impossible_at_any_hours_says_why() {
    let sb = Sandbox::new();
    sb.write(
        "long.yaml",
        "title: Long\nsections:\n  - title: W\n    weeks: 1\n    items:\n      - title: Marathon\n        minutes: 200\n",
    );
    // --max-session 20 splits the item into 10 parts, one per day, in a 7-day window.
    let run = sb
        .plan(
            "long.yaml",
            &[
                "--start",
                START,
                "--hours",
                "1",
                "--max-session",
                "20",
                "--fit",
            ],
        )
        .ok();
    assert!(
        run.stdout.contains("No hours per day are enough"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("--max-session"), "{}", run.stdout);

    // A window with no study day at all.
    let run = sb
        .plan(
            "long.yaml",
            &[
                "--start",
                START,
                "--hours",
                "1",
                "--off",
                "2027-03-01..2027-03-07",
                "--fit",
                "--format",
                "json",
            ],
        )
        .ok();
    let doc = run.json();
    assert_eq!(doc["fit"]["possible"], false);
    let reasons = doc["fit"]["reasons"].to_string();
    assert!(reasons.contains("no study day"), "{reasons}");
}

#[test]
fn fit_rejects_csv_and_md() {
    let sb = sandbox();
    sb.plan(
        "brute.yaml",
        &["--start", START, "--hours", "1", "--fit", "--format", "csv"],
    )
    .fails(2)
    .stderr_has("--fit");
}
