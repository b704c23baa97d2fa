//! Random small paths, random progress, a replan from a random later day: the past never
//! changes, done work is never planned again, skipped work is not planned after `--from`, every
//! hard rule holds for what the replan placed, UIDs stay unique and keep their meaning, and the
//! new calendar imports over the old one without duplicates.

use super::check::{self, Replan};
use super::{doc, log_of};
use crate::gen::{self, RawSection, Shape};
use crate::model::{PathSpec, Settings};
use crate::util::{Sandbox, NOW};
use chrono::{Duration, NaiveDate, NaiveTime};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn raw_section() -> impl Strategy<Value = RawSection> {
    gen::raw_section(&Shape {
        windowed: 0.8,
        first_week: 1..=3,
        extra_weeks: 0..=1,
        items: 1..=4,
        minutes: 10..=100,
        prerequisite: 0.25,
    })
}

/// The path, and the full ids the learner marks done and skips.
fn build(raw: &[RawSection], actions: &[u8]) -> (PathSpec, BTreeSet<String>, BTreeSet<String>) {
    let spec = gen::build_path(raw);
    let (done, skipped) = gen::marked(&spec, actions);
    (spec, done, skipped)
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        2u32..=8,
        prop::option::weighted(0.3, 0u32..=8),
        prop::sample::select(vec![chrono_tz::UTC, chrono_tz::Europe::Berlin]),
        prop::sample::select(vec![None, Some(30), Some(45)]),
    )
        .prop_map(|(quarters, weekend, tz, max_session)| Settings {
            start: NaiveDate::from_ymd_opt(2026, 10, 19).expect("date"),
            minutes: quarters * 15,
            weekend_minutes: weekend.map(|q| q * 15),
            days: None,
            off: Vec::new(),
            at: NaiveTime::from_hms_opt(19, 0, 0).expect("time"),
            tz,
            max_session,
            any_order: false,
            free: crate::model::FreeTime::default(),
        })
}

fn run_case(raw: &[RawSection], actions: &[u8], settings: &Settings, from_day: i64) {
    let (spec, done, skipped) = build(raw, actions);
    let sb = Sandbox::new();
    sb.write("random.yaml", &spec.yaml());
    let mut args = settings.args();
    args.extend(["--format", "json", "--now", NOW, "--time-limit", "3"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sb.plan("random.yaml", &args).ok();
    let old_ics = sb.read("random.ics");
    sb.record(&done, &skipped, "2026-10-19");
    assert_eq!(log_of(&sb).len(), done.len() + skipped.len());
    let old = sb.cmd(["show", "--format", "json"]).ok().json();
    let from = settings.start + Duration::days(from_day);
    let from_arg = from.to_string();
    let new = sb
        .cmd([
            "replan", "--from", &from_arg, "--format", "json", "--now", NOW,
        ])
        .ok()
        .json();
    let cancelled = check::cancelled_of(&new);
    check::assert_replan(&Replan {
        spec: &spec,
        settings,
        old: &doc(&old),
        new: &doc(&new),
        cancelled: &cancelled,
        from,
        done: &done,
        skipped: &skipped,
    });
    let v = check::calendar_violations(&old_ics, &sb.read("random.ics"));
    assert!(
        v.is_empty(),
        "calendar:\n{}\npath:\n{}",
        v.join("\n"),
        spec.yaml()
    );
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 12,
        max_shrink_iters: 40,
        ..ProptestConfig::default()
    })]

    #[test]
    fn replan_keeps_the_past_done_work_and_every_rule(
        raw in prop::collection::vec(raw_section(), 1..=3),
        actions in gen::actions(),
        settings in settings(),
        from_day in 0i64..=24,
    ) {
        run_case(&raw, &actions, &settings, from_day);
    }
}
