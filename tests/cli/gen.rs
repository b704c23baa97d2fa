//! Random learning paths for the property tests: a shape drawn by proptest, built into a
//! [`PathSpec`]. Prerequisites point at earlier items only, and never make a required item wait
//! for optional or reference work of its own section (a path the contract rejects).

use crate::model::{Kind, PathSpec};
use crate::rules::{item, section};
use proptest::prelude::*;
use std::collections::BTreeSet;
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

/// What the learner does with each item, in path order (cycled over the items): 0 nothing,
/// 1 done, 2 skip ([`marked`]).
pub fn actions() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![5 => Just(0u8), 3 => Just(1u8), 1 => Just(2u8)],
        1..=12,
    )
}

/// The full ids of the items [`actions`] marks done, and of those it skips.
pub fn marked(spec: &PathSpec, actions: &[u8]) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut done, mut skipped) = (BTreeSet::new(), BTreeSet::new());
    let ids = spec
        .sections
        .iter()
        .flat_map(|s| s.items.iter().map(move |i| format!("{}/{}", s.id, i.id)));
    for (full, &action) in ids.zip(actions.iter().cycle()) {
        match action {
            1 => done.insert(full),
            2 => skipped.insert(full),
            _ => false,
        };
    }
    (done, skipped)
}
