//! Random small paths and availabilities, planned by the binary: every plan keeps every hard
//! rule, and is never worse than the test's greedy list scheduler.

use crate::model::{Kind, PathSpec, Settings};
use crate::rules::{assert_not_worse_than_greedy, item, plan_and_check, section};
use crate::util::Sandbox;
use chrono::{Duration, NaiveDate, NaiveTime};
use proptest::prelude::*;

/// One generated item: kind, minutes, and an optional seed for picking a prerequisite.
type RawItem = (Kind, u32, Option<usize>);
/// One generated section: weeks window (first week, extra weeks) or none, and its items.
type RawSection = (Option<(u32, u32)>, Vec<RawItem>);

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![3 => Just(Kind::Required), 2 => Just(Kind::Optional), 1 => Just(Kind::Reference)]
}

fn raw_item() -> impl Strategy<Value = RawItem> {
    (
        kind(),
        5u32..=120,
        prop::option::weighted(0.2, any::<usize>()),
    )
}

fn raw_section() -> impl Strategy<Value = RawSection> {
    (
        prop::option::weighted(0.75, (1u32..=4, 0u32..=2)),
        prop::collection::vec(raw_item(), 1..=8),
    )
}

/// Builds the path: prerequisites point at earlier items only, and never make a required item
/// wait for an optional or reference item of its own section (a path the contract rejects).
fn build_path(raw: Vec<RawSection>) -> PathSpec {
    let mut sections = Vec::new();
    let mut earlier: Vec<(usize, String, Kind)> = Vec::new();
    for (s, (weeks, items)) in raw.into_iter().enumerate() {
        let sid = format!("s{}", s + 1);
        let mut out = Vec::new();
        for (i, (kind, minutes, pick)) in items.into_iter().enumerate() {
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
            earlier.push((s, format!("{sid}/{id}"), kind));
        }
        sections.push(section(&sid, weeks.map(|(a, extra)| (a, a + extra)), out));
    }
    PathSpec {
        id: "random".into(),
        title: "Random Path".into(),
        sections,
    }
}

fn settings() -> impl Strategy<Value = Settings> {
    let zones = [
        chrono_tz::UTC,
        chrono_tz::Europe::Berlin,
        chrono_tz::America::New_York,
        chrono_tz::Asia::Kolkata,
        chrono_tz::Australia::Sydney,
    ];
    let times = [(6, 0), (7, 30), (12, 0), (18, 45), (19, 0), (20, 30)];
    (
        0i64..730,
        1u32..=12,
        prop::option::weighted(0.3, 1u32..=12),
        prop::option::weighted(0.4, prop::array::uniform7(any::<bool>())),
        prop::collection::vec((0i64..42, 0i64..5), 0..=2),
        prop::sample::select(times.to_vec()),
        prop::sample::select(zones.to_vec()),
        prop::sample::select(vec![None, Some(30), Some(45), Some(60), Some(120)]),
    )
        .prop_map(
            |(start, quarters, weekend, days, off, at, tz, max_session)| {
                let start =
                    NaiveDate::from_ymd_opt(2026, 1, 1).expect("date") + Duration::days(start);
                let days = days.map(|mut d| {
                    if !d.contains(&true) {
                        d[0] = true;
                    }
                    d
                });
                Settings {
                    start,
                    minutes: quarters * 15,
                    weekend_minutes: weekend.map(|q| q * 15),
                    days,
                    off: off
                        .into_iter()
                        .map(|(from, len)| {
                            let a = start + Duration::days(from);
                            (a, a + Duration::days(len))
                        })
                        .collect(),
                    at: NaiveTime::from_hms_opt(at.0, at.1, 0).expect("time"),
                    tz,
                    max_session,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_plans_keep_every_rule_and_beat_greedy(
        raw in prop::collection::vec(raw_section(), 1..=4),
        settings in settings(),
    ) {
        let spec = build_path(raw);
        let sb = Sandbox::new();
        let (_, levels) = plan_and_check(&sb, &spec, &settings);
        assert_not_worse_than_greedy(&spec, &settings, levels);
    }
}
