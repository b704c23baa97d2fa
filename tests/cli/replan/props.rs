//! Random small paths, random progress, a replan from a random later day: the past never
//! changes, done work is never planned again, skipped work is not planned after `--from`, every
//! hard rule holds for what the replan placed, UIDs stay unique and keep their meaning, and the
//! new calendar imports over the old one without duplicates.

use super::check::{self, Replan};
use super::{doc, log_of};
use crate::model::{Kind, PathSpec, Settings};
use crate::rules::{item, section};
use crate::util::{Sandbox, NOW};
use chrono::{Duration, NaiveDate, NaiveTime};
use proptest::prelude::*;
use std::collections::BTreeSet;

/// One generated item: kind, minutes, a seed for a prerequisite, and what the learner does
/// with it (0: nothing, 1: done, 2: skip).
type RawItem = (Kind, u32, Option<usize>, u8);
/// One generated section: its weeks (first week, extra weeks) or none, and its items.
type RawSection = (Option<(u32, u32)>, Vec<RawItem>);

fn raw_item() -> impl Strategy<Value = RawItem> {
    (
        prop_oneof![3 => Just(Kind::Required), 2 => Just(Kind::Optional), 1 => Just(Kind::Reference)],
        10u32..=100,
        prop::option::weighted(0.25, any::<usize>()),
        prop_oneof![5 => Just(0u8), 3 => Just(1u8), 1 => Just(2u8)],
    )
}

fn raw_section() -> impl Strategy<Value = RawSection> {
    (
        prop::option::weighted(0.8, (1u32..=3, 0u32..=1)),
        prop::collection::vec(raw_item(), 1..=4),
    )
}

/// The path, and the full ids the learner marks done and skips. Prerequisites point at
/// earlier items and never make a required item wait for non-required work of its section.
fn build(raw: Vec<RawSection>) -> (PathSpec, BTreeSet<String>, BTreeSet<String>) {
    let (mut sections, mut done, mut skipped) = (Vec::new(), BTreeSet::new(), BTreeSet::new());
    let mut earlier: Vec<(usize, String, Kind)> = Vec::new();
    for (s, (weeks, items)) in raw.into_iter().enumerate() {
        let sid = format!("s{}", s + 1);
        let mut out = Vec::new();
        for (i, (kind, minutes, pick, action)) in items.into_iter().enumerate() {
            let id = format!("i{}", i + 1);
            let allowed: Vec<&String> = earlier
                .iter()
                .filter(|(es, _, ek)| {
                    !(kind == Kind::Required && *ek != Kind::Required && *es == s)
                })
                .map(|(_, id, _)| id)
                .collect();
            let after: Vec<&str> = match pick {
                Some(p) if !allowed.is_empty() => vec![allowed[p % allowed.len()].as_str()],
                _ => Vec::new(),
            };
            out.push(item(&id, kind, minutes, &after));
            let full = format!("{sid}/{id}");
            match action {
                1 => done.insert(full.clone()),
                2 => skipped.insert(full.clone()),
                _ => false,
            };
            earlier.push((s, full, kind));
        }
        sections.push(section(&sid, weeks.map(|(a, extra)| (a, a + extra)), out));
    }
    let spec = PathSpec {
        id: "random".into(),
        title: "Random Path".into(),
        sections,
    };
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
        })
}

fn run_case(raw: Vec<RawSection>, settings: &Settings, from_day: i64) {
    let (spec, done, skipped) = build(raw);
    let sb = Sandbox::new();
    sb.write("random.yaml", &spec.yaml());
    let mut args = settings.args();
    args.extend(["--format", "json", "--now", NOW, "--time-limit", "3"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sb.plan("random.yaml", &args).ok();
    let old_ics = sb.read("random.ics");
    if !done.is_empty() {
        sb.cmd(["done", "--on", "2026-10-19"])
            .args(done.iter().map(String::as_str))
            .ok();
    }
    if !skipped.is_empty() {
        sb.cmd(["skip", "--now", NOW])
            .args(skipped.iter().map(String::as_str))
            .ok();
    }
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
        settings in settings(),
        from_day in 0i64..=24,
    ) {
        run_case(raw, &settings, from_day);
    }
}
