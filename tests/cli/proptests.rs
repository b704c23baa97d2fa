//! Random small paths and availabilities, planned by the binary: every plan keeps every hard
//! rule, and is never worse than the test's greedy list scheduler.

use crate::gen::{self, build_path, RawSection, Shape};
use crate::model::Settings;
use crate::rules::{assert_not_worse_than_greedy, plan_and_check};
use crate::util::Sandbox;
use chrono::{Duration, NaiveDate, NaiveTime};
use proptest::prelude::*;

fn raw_section() -> impl Strategy<Value = RawSection> {
    gen::raw_section(&Shape {
        windowed: 0.75,
        first_week: 1..=4,
        extra_weeks: 0..=2,
        items: 1..=8,
        minutes: 5..=120,
        prerequisite: 0.2,
    })
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
        prop::bool::weighted(0.3),
    )
        .prop_map(
            |(start, quarters, weekend, days, off, at, tz, max_session, any_order)| {
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
                    any_order,
                    free: crate::model::FreeTime::default(),
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
        let spec = build_path(&raw);
        let sb = Sandbox::new();
        let (_, levels) = plan_and_check(&sb, &spec, &settings);
        assert_not_worse_than_greedy(&spec, &settings, levels);
    }
}
