//! Random learning paths for the property tests: a shape drawn by proptest, built into a
//! [`PathSpec`]. Prerequisites point at earlier items only, and never make a required item wait
//! for optional or reference work of its own section (a path the contract rejects).

use crate::model::{Kind, PathSpec};
use crate::rules::{item, section};
use proptest::prelude::*;
use std::ops::RangeInclusive;

/// One generated item: kind, minutes, and an optional seed for picking a prerequisite.
pub type RawItem = (Kind, u32, Option<usize>);
/// One generated section: weeks window (first week, extra weeks) or none, and its items.
pub type RawSection = (Option<(u32, u32)>, Vec<RawItem>);

/// How the random sections look.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Chance that a section has a window.
    pub windowed: f64,
    pub first_week: RangeInclusive<u32>,
    /// Weeks after the first one.
    pub extra_weeks: RangeInclusive<u32>,
    pub items: RangeInclusive<usize>,
    pub minutes: RangeInclusive<u32>,
    /// Chance that an item has a prerequisite.
    pub prerequisite: f64,
}

/// Required items three times out of six, optional twice, reference once.
pub fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![3 => Just(Kind::Required), 2 => Just(Kind::Optional), 1 => Just(Kind::Reference)]
}

pub fn raw_section(shape: &Shape) -> impl Strategy<Value = RawSection> {
    let item = (
        kind(),
        shape.minutes.clone(),
        prop::option::weighted(shape.prerequisite, any::<usize>()),
    );
    (
        prop::option::weighted(
            shape.windowed,
            (shape.first_week.clone(), shape.extra_weeks.clone()),
        ),
        prop::collection::vec(item, shape.items.clone()),
    )
}

/// The path `random` with sections `s1`, `s2`, … and items `i1`, `i2`, … in each.
pub fn build_path(raw: &[RawSection]) -> PathSpec {
    let mut sections = Vec::new();
    let mut earlier: Vec<(usize, String, Kind)> = Vec::new();
    for (s, (weeks, items)) in raw.iter().enumerate() {
        let sid = format!("s{}", s + 1);
        let mut out = Vec::new();
        for (i, &(kind, minutes, pick)) in items.iter().enumerate() {
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
