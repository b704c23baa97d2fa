//! The walks by sections against the MIP alone, on paths too large for the exhaustive
//! reference ([`crate::optimum`]): random paths of 2–5 sections and 4–40 items, planned and
//! then replanned after random progress, each solve made twice, as the binary makes it and
//! with `STUDYPLAN_MIP_ALONE` (the MIP decides every level, no walk runs; see
//! [`the_mip_alone_runs_no_walk`]). The two are different exact methods; where both prove
//! their plan, the plans must agree at every level, the sessions a replan keeps and earliness
//! included, and where one proves its plan the other must not be better.
//!
//! Such a check found a false proof at the sessions-kept level (session 58: replans under
//! `--any-order` of items alike whose previous days crossed; the MIP's class gave sessions
//! away). The exhaustive reference has no replans, and the solver's property tests draw
//! problems too small to have items alike with crossing previous days.
//!
//! `STUDYPLAN_CROSSCHECK_CASES=200` runs 200 cases instead of 6 (each is up to seven runs of
//! the binary, a few seconds in all, and a minute where neither solve proves its plan; 200
//! took 15–20 minutes in session 59, with 60 s a solve). With session 58's fix taken out, a run of 150 failed
//! at its 120th case and shrank to the case kept in `tests/proptest-regressions/crosscheck.txt`.

use crate::checker::{PlanDoc, SessionDoc};
use crate::gen::{self, RawSection};
use crate::model::{PathSpec, Settings};
use crate::util::{Sandbox, NOW};
use chrono::{Duration, NaiveDate, NaiveTime};
use proptest::prelude::*;
use serde_json::Value;

/// Every section with weeks (1–3, starting in weeks 1–3) and no prerequisites: the problems
/// the walks cover (`gen::raw_section` draws weeks with a chance below one). Minutes are
/// multiples of 5, as paths write them, so that items alike are common: the MIP aggregates
/// them into classes, and the walks under `--any-order` into chains.
fn raw_section() -> impl Strategy<Value = RawSection> {
    (
        (1u32..=3, 0u32..=2),
        prop::collection::vec((gen::kind(), minutes()), 2..=8),
    )
        .prop_map(|(weeks, items)| -> RawSection {
            (
                Some(weeks),
                items.into_iter().map(|(k, m)| (k, m, None)).collect(),
            )
        })
}

/// Minutes of an item: multiples of 5, and half the time one of four that items alike share.
fn minutes() -> impl Strategy<Value = u32> {
    prop_oneof![
        (1u32..=12).prop_map(|f| f * 5),
        prop::sample::select(vec![15u32, 25, 40, 45]),
    ]
}

/// 15–90 minutes a day (in steps of 5), weekends the same, double or off, sometimes a session
/// limit that splits items, `--any-order` half the time; one time in four study windows, a
/// busy calendar or breaks, drawn as the exhaustive test draws them.
fn settings() -> impl Strategy<Value = Settings> {
    (
        3u32..=18,
        prop::sample::select(vec![0u8, 0, 1, 2]),
        prop::sample::select(vec![None, Some(20), Some(30)]),
        any::<bool>(),
        prop::option::weighted(0.25, crate::optimum::free_time()),
    )
        .prop_map(|(fives, weekend, max_session, any_order, free)| {
            let minutes = fives * 5;
            let mut days = None;
            let weekend_minutes = match weekend {
                1 => Some(minutes * 2),
                2 => {
                    days = Some([true, true, true, true, true, false, false]);
                    None
                }
                _ => None,
            };
            let start = NaiveDate::from_ymd_opt(2026, 10, 19).expect("date");
            Settings {
                start,
                minutes,
                weekend_minutes,
                days,
                off: Vec::new(),
                at: NaiveTime::from_hms_opt(19, 0, 0).expect("time"),
                tz: chrono_tz::UTC,
                max_session,
                any_order,
                free: free.map(|f| f.build(start)).unwrap_or_default(),
            }
        })
}

/// A plan's values, level by level, as the JSON document gives them or as they follow from
/// its sessions: larger is better at every place of the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Values {
    optimal: bool,
    key: (
        u64,
        std::cmp::Reverse<u64>,
        u64,
        u64,
        u64,
        std::cmp::Reverse<i64>,
    ),
}

/// The values of `doc`; `kept`: the sessions of `before` (a replan's plan before it) that kept
/// their place, counted as the solver counts them: the same UID (item and part) on the same
/// day, and where the day lists free gaps (study windows, busy time), in the gap that holds
/// the session's old time, or the day's first gap when none still does (`src/schedule.rs`).
fn values(doc: &Value, before: Option<&PlanDoc>) -> Values {
    let plan: PlanDoc = serde_json::from_value(doc.clone()).expect("a plan document");
    let s = &plan.summary;
    let gaps = |date: NaiveDate| {
        plan.capacity
            .iter()
            .find(|c| c.date == date)
            .and_then(|c| c.gaps.as_deref())
            .filter(|g| !g.is_empty())
    };
    let kept_place = |old: &SessionDoc, new: &SessionDoc| {
        old.uid == new.uid
            && old.date == new.date
            && gaps(new.date).is_none_or(|gaps| {
                let held = gaps
                    .iter()
                    .position(|g| g.start <= old.start && old.end <= g.end)
                    .unwrap_or(0);
                gaps.iter()
                    .position(|g| g.start <= new.start && new.start < g.end)
                    == Some(held)
            })
    };
    let kept = before.map_or(0, |before| {
        plan.sessions
            .iter()
            .filter(|n| before.sessions.iter().any(|o| kept_place(o, n)))
            .count() as u64
    });
    let earliness = plan
        .sessions
        .iter()
        .map(|x| i64::from(x.minutes) * (x.date - plan.start).num_days())
        .sum();
    Values {
        optimal: s.optimal,
        key: (
            u64::from(s.required_in_window_minutes),
            std::cmp::Reverse(s.late_minute_days.expect("late minute-days")),
            u64::from(s.optional_scheduled_minutes),
            u64::from(s.reference_scheduled_minutes),
            kept,
            std::cmp::Reverse(earliness),
        ),
    }
}

/// The two answers agree as far as their proofs go. A case neither proves checks nothing, and
/// is rejected, so that proptest draws another in its place.
fn agree(
    what: &str,
    both: Values,
    mip: Values,
    spec: &PathSpec,
    settings: &Settings,
) -> Result<(), TestCaseError> {
    let case = || {
        format!(
            "{what}: as the binary plans {both:?}, with the MIP alone {mip:?}\nflags: {}\npath:\n{}",
            settings.args().join(" "),
            spec.yaml()
        )
    };
    if both.optimal && mip.optimal {
        assert_eq!(both.key, mip.key, "{}", case());
    } else if both.optimal {
        assert!(both.key >= mip.key, "{}", case());
    } else if mip.optimal {
        assert!(mip.key >= both.key, "{}", case());
    } else {
        return Err(TestCaseError::reject("neither proved its plan in its time"));
    }
    Ok(())
}

/// Seconds for each solve. Most cases are proven both ways in a second or two; of 400 run by
/// hand in session 59 with 60 s, 7 plans were not proven both ways, and one was proven by the
/// MIP alone only after 53 s. At 30 s a case neither proves costs a minute, not two, and a case
/// one side proves is still checked.
const LIMIT: &str = "30";

/// A copy of `sb`'s files (path, calendar, state) in a sandbox of its own.
fn copy_of(sb: &Sandbox) -> Sandbox {
    let copy = Sandbox::new();
    for entry in std::fs::read_dir(sb.path()).expect("read the sandbox") {
        let entry = entry.expect("an entry");
        if entry.file_type().expect("its type").is_file() {
            std::fs::copy(entry.path(), copy.path().join(entry.file_name())).expect("copy");
        }
    }
    copy
}

fn run_case(
    raw: &[RawSection],
    actions: &[u8],
    settings: &Settings,
    from_day: i64,
) -> Result<(), TestCaseError> {
    let spec = gen::build_path(raw);
    let sb = Sandbox::new();
    sb.write("random.yaml", &spec.yaml());
    for (name, text) in settings.files() {
        sb.write(name, &text);
    }
    let mut args = settings.args();
    args.extend(["--format", "json", "--now", NOW, "--time-limit", LIMIT].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let alone = copy_of(&sb);
    let planned = sb.plan("random.yaml", &args).ok().json();
    let mip = alone
        .plan("random.yaml", &args)
        .env("STUDYPLAN_MIP_ALONE", "1")
        .ok()
        .json();
    agree(
        "plan",
        values(&planned, None),
        values(&mip, None),
        &spec,
        settings,
    )?;

    let (done, skipped) = gen::marked(&spec, actions);
    sb.record(&done, &skipped, "2026-10-19");
    let before: PlanDoc = serde_json::from_value(sb.cmd(["show", "--format", "json"]).ok().json())
        .expect("a plan document");
    let from = (settings.start + Duration::days(from_day)).to_string();
    let replan = [
        "replan",
        "--from",
        &from,
        "--format",
        "json",
        "--now",
        NOW,
        "--time-limit",
        LIMIT,
    ];
    let alone = copy_of(&sb);
    let replanned = sb.cmd(replan).ok().json();
    let mip = alone
        .cmd(replan)
        .env("STUDYPLAN_MIP_ALONE", "1")
        .ok()
        .json();
    agree(
        &format!("replan from {from} after {done:?} done and {skipped:?} skipped"),
        values(&replanned, Some(&before)),
        values(&mip, Some(&before)),
        &spec,
        settings,
    )
}

/// Cases per run: `STUDYPLAN_CROSSCHECK_CASES` runs more by hand.
fn cases() -> u32 {
    std::env::var("STUDYPLAN_CROSSCHECK_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 30,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_walks_and_the_mip_alone_agree_on_plans_and_replans(
        raw in prop::collection::vec(raw_section(), 2..=5),
        actions in gen::actions(),
        settings in settings(),
        from_day in 1i64..=28,
    ) {
        run_case(&raw, &actions, &settings, from_day)?;
    }
}

/// The switch takes effect, so that the cross-check compares two methods and not one with
/// itself: on a path the walk proves, the plan names the walk's optimum in its log, and with
/// `STUDYPLAN_MIP_ALONE` no walk runs and the MIP's levels are logged instead, with the same
/// plan's values.
#[test]
fn the_mip_alone_runs_no_walk() {
    use crate::model::Kind::{Optional, Required};
    let spec = gen::build_path(&[
        (
            Some((1, 0)),
            vec![
                (Required, 25, None),
                (Required, 45, None),
                (Required, 45, None),
            ],
        ),
        (
            Some((1, 0)),
            vec![(Optional, 35, None), (Required, 30, None)],
        ),
    ]);
    let sb = Sandbox::new();
    sb.write("random.yaml", &spec.yaml());
    let args = [
        "--start",
        "2026-10-19",
        "--hours",
        "0.5",
        "--format",
        "json",
    ];
    let walked = sb.plan("random.yaml", &args).env("STUDYPLAN_LOG", "1").ok();
    assert!(
        walked
            .stderr
            .contains("the walk by sections gives the optimum"),
        "{}",
        walked.stderr
    );
    let alone = sb
        .plan("random.yaml", &args)
        .env("STUDYPLAN_LOG", "1")
        .env("STUDYPLAN_MIP_ALONE", "1")
        .ok();
    assert!(!alone.stderr.contains("walk"), "{}", alone.stderr);
    assert!(
        alone.stderr.contains("solver: earliness") && alone.stderr.contains("(proven: true"),
        "{}",
        alone.stderr
    );
    let (walked, alone) = (values(&walked.json(), None), values(&alone.json(), None));
    assert!(walked.optimal && alone.optimal);
    assert_eq!(walked, alone);
}
