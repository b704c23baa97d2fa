//! An independent checker of the contract's hard scheduling rules and of the JSON document's
//! consistency. It reads the plan as JSON and reasons only from the test's own [`PathSpec`] and
//! [`Settings`]; nothing here uses the crate's code.

use crate::model::{FlatItem, Kind, PathSpec, Settings};
use chrono::{DateTime, FixedOffset, NaiveDate, Offset, TimeZone};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Deserialize)]
pub struct PlanDoc {
    pub path: PathRef,
    pub start: NaiveDate,
    pub timezone: String,
    pub capacity: Vec<DayCapacity>,
    pub sessions: Vec<SessionDoc>,
    pub unscheduled: Vec<UnscheduledDoc>,
    pub summary: SummaryDoc,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PathRef {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DayCapacity {
    pub date: NaiveDate,
    pub minutes: u32,
    /// The day's free gaps, listed with study windows or busy calendars.
    #[serde(default)]
    pub gaps: Option<Vec<GapDoc>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GapDoc {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SessionDoc {
    pub uid: String,
    pub item: String,
    pub title: String,
    pub kind: String,
    pub section: String,
    pub date: NaiveDate,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub minutes: u32,
    pub part: u32,
    pub parts: u32,
    pub window_start: Option<NaiveDate>,
    pub window_end: Option<NaiveDate>,
    pub late: bool,
    pub done: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct UnscheduledDoc {
    pub item: String,
    pub kind: String,
    pub minutes: u32,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SummaryDoc {
    pub required_minutes: u32,
    pub required_in_window_minutes: u32,
    pub required_late_minutes: u32,
    pub optional_minutes: u32,
    pub optional_scheduled_minutes: u32,
    pub reference_minutes: u32,
    pub reference_scheduled_minutes: u32,
    pub optimal: bool,
    /// An extension of the contract: priority 2's value.
    #[serde(default)]
    pub late_minute_days: Option<u64>,
    pub any_order: bool,
    /// What the path's order costs at priorities 1 and 2 (path order only; `None` when not
    /// measured).
    #[serde(default)]
    pub order_cost: Option<OrderCostDoc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct OrderCostDoc {
    pub required_in_window_minutes: u64,
    pub late_minute_days: u64,
}

/// The contract's priorities 1–3 as one value, compared lexicographically by [`Levels::key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Levels {
    /// Required minutes inside their windows (more is better).
    pub required_in_window: u64,
    /// Σ late minutes × days past the window's end (less is better).
    pub late_minute_days: u64,
    /// Optional minutes scheduled (more is better).
    pub optional: u64,
    /// Reference minutes scheduled (more is better).
    pub reference: u64,
}

impl Levels {
    /// A key where larger is better at every level.
    pub fn key(&self) -> (u64, std::cmp::Reverse<u64>, u64, u64) {
        (
            self.required_in_window,
            std::cmp::Reverse(self.late_minute_days),
            self.optional,
            self.reference,
        )
    }
}

/// Everything each item waits for, through prerequisites.
fn transitive_prerequisites(items: &[FlatItem]) -> Vec<BTreeSet<usize>> {
    let mut out: Vec<BTreeSet<usize>> = items
        .iter()
        .map(|i| i.after.iter().copied().collect())
        .collect();
    loop {
        let mut changed = false;
        for i in 0..items.len() {
            let more: BTreeSet<usize> = out[i]
                .iter()
                .flat_map(|&j| out[j].iter().copied())
                .collect();
            for j in more {
                changed |= out[i].insert(j);
            }
        }
        if !changed {
            return out;
        }
    }
}

/// Checks every hard rule; panics with the full list of violations. Returns the plan's levels.
pub fn check(spec: &PathSpec, settings: &Settings, doc: &PlanDoc) -> Levels {
    let violations = violations(spec, settings, doc);
    assert!(
        violations.is_empty(),
        "the plan breaks {} rule(s):\n  {}\nsettings: {:?}\npath:\n{}",
        violations.len(),
        violations.join("\n  "),
        settings.args(),
        spec.yaml()
    );
    levels(spec, settings, doc)
}

/// The plan's objective values, computed from its sessions.
pub fn levels(spec: &PathSpec, settings: &Settings, doc: &PlanDoc) -> Levels {
    let items = spec.flat();
    let by_id: BTreeMap<&str, &FlatItem> = items.iter().map(|i| (i.full_id.as_str(), i)).collect();
    let mut l = Levels::default();
    for s in &doc.sessions {
        let Some(item) = by_id.get(s.item.as_str()) else {
            continue;
        };
        let m = u64::from(s.minutes);
        match item.kind {
            Kind::Required => match spec.sections[item.section].weeks {
                Some(w) if s.date > settings.window_dates(w).1 => {
                    let days = (s.date - settings.window_dates(w).1).num_days();
                    l.late_minute_days += m * days as u64;
                }
                _ => l.required_in_window += m,
            },
            Kind::Optional => l.optional += m,
            Kind::Reference => l.reference += m,
        }
    }
    l
}

/// Every broken rule, as a sentence.
pub fn violations(spec: &PathSpec, settings: &Settings, doc: &PlanDoc) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    let items = spec.flat();
    let index: BTreeMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.full_id.as_str(), i))
        .collect();
    let tz = settings.tz;

    // The document's header.
    if doc.path.id != spec.id {
        v.push(format!(
            "path.id is {:?}, expected {:?}",
            doc.path.id, spec.id
        ));
    }
    if doc.path.title != spec.title {
        v.push(format!(
            "path.title is {:?}, expected {:?}",
            doc.path.title, spec.title
        ));
    }
    if doc.start != settings.start {
        v.push(format!(
            "start is {}, expected {}",
            doc.start, settings.start
        ));
    }
    if doc.timezone != tz.name() {
        v.push(format!(
            "timezone is {}, expected {}",
            doc.timezone,
            tz.name()
        ));
    }

    // Capacity: every day from the start to the last session, each with the contract's minutes.
    let mut capacity: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    for (i, c) in doc.capacity.iter().enumerate() {
        let expected_date = settings.date_of(i as u32);
        if c.date != expected_date {
            v.push(format!(
                "capacity[{i}] is for {}, expected {expected_date}",
                c.date
            ));
        }
        let expected = settings.capacity(c.date);
        if c.minutes != expected {
            v.push(format!(
                "capacity of {} is {} min, expected {expected}",
                c.date, c.minutes
            ));
        }
        if settings.free.shapes_days() {
            let midnight = c.date.and_time(chrono::NaiveTime::MIN);
            let minute = |t: &DateTime<FixedOffset>| {
                (t.with_timezone(&tz).naive_local() - midnight).num_minutes()
            };
            // Every day lists its gaps, an empty list on a day without free time.
            let listed: Option<Vec<(i64, i64)>> = c.gaps.as_ref().map(|gaps| {
                gaps.iter()
                    .map(|g| (minute(&g.start), minute(&g.end)))
                    .collect()
            });
            let expected: Vec<(i64, i64)> = settings
                .gaps(c.date)
                .into_iter()
                .map(|(a, b)| (i64::from(a), i64::from(b)))
                .collect();
            if listed.as_ref() != Some(&expected) {
                v.push(format!(
                    "gaps of {} are {listed:?} (minutes after midnight), expected {expected:?}",
                    c.date
                ));
            }
        }
        capacity.insert(c.date, c.minutes);
    }
    if let Some(last) = doc.sessions.iter().map(|s| s.date).max() {
        if doc.capacity.last().is_none_or(|c| c.date < last) {
            v.push(format!(
                "capacity does not reach the last session's day {last}"
            ));
        }
    }

    // Sorted by start; UIDs unique.
    for w in doc.sessions.windows(2) {
        if w[1].start < w[0].start {
            v.push(format!(
                "sessions not sorted by start: {} before {}",
                w[0].uid, w[1].uid
            ));
        }
    }
    let mut uids = BTreeSet::new();
    for s in &doc.sessions {
        if !uids.insert(&s.uid) {
            v.push(format!("duplicate uid {}", s.uid));
        }
    }

    // Each session on its own: known item, consistent fields, times in the zone.
    for s in &doc.sessions {
        let Some(&i) = index.get(s.item.as_str()) else {
            v.push(format!("session {} is for unknown item {}", s.uid, s.item));
            continue;
        };
        let item = &items[i];
        let section = &spec.sections[item.section];
        if s.kind != item.kind.as_str() {
            v.push(format!(
                "{}: kind {} but the path says {}",
                s.uid,
                s.kind,
                item.kind.as_str()
            ));
        }
        if s.section != section.id {
            v.push(format!(
                "{}: section {} but the item is in {}",
                s.uid, s.section, section.id
            ));
        }
        if s.title != item.title {
            v.push(format!(
                "{}: title {:?}, expected {:?}",
                s.uid, s.title, item.title
            ));
        }
        if s.minutes == 0 {
            v.push(format!("{}: zero minutes", s.uid));
        }
        if (s.end - s.start).num_minutes() != i64::from(s.minutes) || s.end <= s.start {
            v.push(format!(
                "{}: {} to {} is not {} minutes",
                s.uid, s.start, s.end, s.minutes
            ));
        }
        let local = s.start.with_timezone(&tz);
        if local.date_naive() != s.date {
            v.push(format!(
                "{}: starts {} which is not on its date {}",
                s.uid, s.start, s.date
            ));
        }
        let offset = tz.offset_from_utc_datetime(&s.start.naive_utc()).fix();
        if *s.start.offset() != offset {
            v.push(format!(
                "{}: start {} does not carry the zone's offset {offset}",
                s.uid, s.start
            ));
        }
        if s.date < settings.start {
            v.push(format!("{}: on {} before the plan's start", s.uid, s.date));
        }
        if s.done {
            v.push(format!("{}: a fresh plan has a session marked done", s.uid));
        }
        // Windows.
        let window = section.weeks.map(|w| settings.window_dates(w));
        if (s.window_start, s.window_end) != (window.map(|w| w.0), window.map(|w| w.1)) {
            v.push(format!(
                "{}: window {:?}..{:?}, expected {:?}",
                s.uid, s.window_start, s.window_end, window
            ));
        }
        if let Some((ws, we)) = window {
            if s.date < ws {
                v.push(format!(
                    "{}: on {} before its window starts {ws}",
                    s.uid, s.date
                ));
            }
            if item.kind != Kind::Required && s.date > we {
                v.push(format!(
                    "{}: {} session on {} after its window ends {we}",
                    s.uid, s.kind, s.date
                ));
            }
        }
        let late = item.kind == Kind::Required && window.is_some_and(|(_, we)| s.date > we);
        if s.late != late {
            v.push(format!("{}: late is {}, expected {late}", s.uid, s.late));
        }
    }

    // A break between any two sessions, on one day or across midnight.
    if settings.free.is_set() {
        let brk = chrono::Duration::minutes(i64::from(settings.free.break_minutes));
        let mut all: Vec<&SessionDoc> = doc.sessions.iter().collect();
        all.sort_by_key(|s| s.start);
        for w in all.windows(2) {
            if w[1].start < w[0].end + brk {
                v.push(format!(
                    "{} starts {} but {} ends {} (break {} min)",
                    w[1].uid, w[1].start, w[0].uid, w[0].end, settings.free.break_minutes
                ));
            }
        }
    }

    // Days: capacity, start at --at, in order without overlap.
    let mut by_date: BTreeMap<NaiveDate, Vec<&SessionDoc>> = BTreeMap::new();
    for s in &doc.sessions {
        by_date.entry(s.date).or_default().push(s);
    }
    for (date, mut day) in by_date {
        day.sort_by_key(|s| s.start);
        let used: u32 = day.iter().map(|s| s.minutes).sum();
        let listed = capacity.get(&date).copied();
        match listed {
            Some(cap) if used > cap => {
                v.push(format!("{date}: {used} min planned, capacity {cap}"));
            }
            None => v.push(format!("{date}: has sessions but no capacity entry")),
            _ => {}
        }
        if used > settings.capacity(date) {
            v.push(format!(
                "{date}: {used} min planned, the settings allow {}",
                settings.capacity(date)
            ));
        }
        if settings.free.is_set() {
            // Each session inside one free gap, a break apart from the others of its day.
            let gaps = settings.gaps(date);
            let midnight = date.and_time(chrono::NaiveTime::MIN);
            for s in &day {
                let minute = |t: DateTime<FixedOffset>| {
                    (t.with_timezone(&tz).naive_local() - midnight).num_minutes()
                };
                let (a, b) = (minute(s.start), minute(s.end));
                if !gaps
                    .iter()
                    .any(|&(x, y)| i64::from(x) <= a && b <= i64::from(y))
                {
                    v.push(format!(
                        "{date}: {} ({a}..{b} minutes after midnight) is in no free gap of {gaps:?}",
                        s.uid
                    ));
                }
            }
        } else {
            let first = day[0].start.with_timezone(&tz).naive_local();
            if first != date.and_time(settings.at) {
                v.push(format!(
                    "{date}: first session starts {first}, expected {}",
                    settings.at
                ));
            }
            for w in day.windows(2) {
                if w[1].start < w[0].end {
                    v.push(format!("{date}: {} overlaps {}", w[0].uid, w[1].uid));
                } else if w[1].start != w[0].end {
                    v.push(format!("{date}: gap between {} and {}", w[0].uid, w[1].uid));
                }
            }
        }
    }

    // Items: all parts or none, near-equal, fewest for the limit, distinct days in order.
    let limit = settings.session_limit();
    let mut sessions_of: Vec<Vec<&SessionDoc>> = vec![Vec::new(); items.len()];
    for s in &doc.sessions {
        if let Some(&i) = index.get(s.item.as_str()) {
            sessions_of[i].push(s);
        }
    }
    let unscheduled: BTreeMap<&str, &UnscheduledDoc> = doc
        .unscheduled
        .iter()
        .map(|u| (u.item.as_str(), u))
        .collect();
    for u in &doc.unscheduled {
        if !index.contains_key(u.item.as_str()) {
            v.push(format!("unscheduled lists unknown item {}", u.item));
        }
    }
    for (i, item) in items.iter().enumerate() {
        let parts = &mut sessions_of[i];
        parts.sort_by_key(|s| s.part);
        let id = &item.full_id;
        if parts.is_empty() {
            if item.kind == Kind::Required {
                v.push(format!("required item {id} is not scheduled"));
            }
            match unscheduled.get(id.as_str()) {
                None => v.push(format!(
                    "{id} has no session and is not listed as unscheduled"
                )),
                Some(u) => {
                    if u.minutes != item.minutes
                        || u.kind != item.kind.as_str()
                        || u.reason.is_empty()
                    {
                        v.push(format!("unscheduled entry of {id} is wrong: {u:?}"));
                    }
                }
            }
            continue;
        }
        if unscheduled.contains_key(id.as_str()) {
            v.push(format!("{id} has sessions but is listed as unscheduled"));
        }
        let expected_parts = item.minutes.div_ceil(limit);
        let n = parts.len() as u32;
        if n != expected_parts {
            v.push(format!(
                "{id} ({} min, limit {limit}) has {n} part(s), expected the fewest: {expected_parts}",
                item.minutes
            ));
        }
        for (k, s) in parts.iter().enumerate() {
            if s.part != k as u32 + 1 || s.parts != n {
                v.push(format!(
                    "{id}: session {} is part {}/{}, expected {}/{n}",
                    s.uid,
                    s.part,
                    s.parts,
                    k + 1
                ));
            }
            if s.minutes > limit {
                v.push(format!(
                    "{id}: part of {} min exceeds the session limit {limit}",
                    s.minutes
                ));
            }
        }
        let total: u32 = parts.iter().map(|s| s.minutes).sum();
        if total != item.minutes {
            v.push(format!(
                "{id}: parts sum to {total} min, the item has {}",
                item.minutes
            ));
        }
        let (lo, hi) = parts.iter().fold((u32::MAX, 0), |(lo, hi), s| {
            (lo.min(s.minutes), hi.max(s.minutes))
        });
        if hi - lo > 1 {
            v.push(format!("{id}: parts are not near-equal ({lo}..{hi} min)"));
        }
        for w in parts.windows(2) {
            if w[1].date <= w[0].date {
                v.push(format!(
                    "{id}: part {} on {} is not on a later day than part {} on {}",
                    w[1].part, w[1].date, w[0].part, w[0].date
                ));
            }
        }
    }

    // Prerequisites end before the dependent starts.
    let first_start = |i: usize| sessions_of[i].iter().map(|s| s.start).min();
    let last_end = |i: usize| sessions_of[i].iter().map(|s| s.end).max();
    for (i, item) in items.iter().enumerate() {
        let Some(start) = first_start(i) else {
            continue;
        };
        for &p in &item.after {
            match last_end(p) {
                Some(end) if end > start => v.push(format!(
                    "{} starts {start} before its prerequisite {} ends {end}",
                    item.full_id, items[p].full_id
                )),
                Some(_) => {}
                // A required item does not wait for an optional prerequisite that is left out.
                None if item.kind == Kind::Required && items[p].kind != Kind::Required => {}
                None => v.push(format!(
                    "{} is scheduled but its prerequisite {} is not",
                    item.full_id, items[p].full_id
                )),
            }
        }
    }

    // Path order, unless lifted: items of one section and kind start in path order (the same
    // day allowed, after it). An item that waits, through prerequisites, for a later item of
    // its own section and kind cannot keep the rule and is left out of it.
    if doc.summary.any_order != settings.any_order {
        v.push(format!(
            "summary.any_order is {}, the flags say {}",
            doc.summary.any_order, settings.any_order
        ));
    }
    if !settings.any_order {
        let waits = transitive_prerequisites(&items);
        let mut chains: BTreeMap<(usize, &str), Vec<usize>> = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            chains
                .entry((item.section, item.kind.as_str()))
                .or_default()
                .push(i);
        }
        for chain in chains.values() {
            let mut previous: Option<(usize, DateTime<FixedOffset>)> = None;
            for (k, &i) in chain.iter().enumerate() {
                if chain[k + 1..].iter().any(|j| waits[i].contains(j)) {
                    continue;
                }
                let Some(start) = first_start(i) else {
                    continue;
                };
                if let Some((p, before)) = previous {
                    if start < before {
                        v.push(format!(
                            "path order: {} starts {start}, before {} (earlier in the path) starts {before}",
                            items[i].full_id, items[p].full_id
                        ));
                    }
                }
                previous = Some((i, start));
            }
        }
    }

    // Within a section, optional and reference work after all required work; a section without
    // weeks after the required work of every section before it.
    let required_end = |s: usize| {
        items
            .iter()
            .enumerate()
            .filter(|(_, it)| it.section == s && it.kind == Kind::Required)
            .filter_map(|(i, _)| last_end(i))
            .max()
    };
    for (i, item) in items.iter().enumerate() {
        let Some(start) = first_start(i) else {
            continue;
        };
        if item.kind != Kind::Required {
            if let Some(end) = required_end(item.section) {
                if start < end {
                    v.push(format!(
                        "{} {} starts {start} before the required work of its section ends {end}",
                        item.kind.as_str(),
                        item.full_id
                    ));
                }
            }
        }
        if spec.sections[item.section].weeks.is_none() {
            for earlier in 0..item.section {
                if let Some(end) = required_end(earlier) {
                    if start < end {
                        v.push(format!(
                            "{} (no weeks) starts {start} before the required work of the earlier \
                             section {} ends {end}",
                            item.full_id, spec.sections[earlier].id
                        ));
                    }
                }
            }
        }
    }

    // The summary agrees with the sessions and the path.
    let sum = |f: &dyn Fn(&SessionDoc) -> bool| -> u32 {
        doc.sessions
            .iter()
            .filter(|s| f(s))
            .map(|s| s.minutes)
            .sum()
    };
    let s = &doc.summary;
    let expect = [
        (
            "required_minutes",
            s.required_minutes,
            spec.minutes_of(Kind::Required),
        ),
        (
            "optional_minutes",
            s.optional_minutes,
            spec.minutes_of(Kind::Optional),
        ),
        (
            "reference_minutes",
            s.reference_minutes,
            spec.minutes_of(Kind::Reference),
        ),
        (
            "required_in_window_minutes",
            s.required_in_window_minutes,
            sum(&|x| x.kind == "required" && !x.late),
        ),
        (
            "required_late_minutes",
            s.required_late_minutes,
            sum(&|x| x.kind == "required" && x.late),
        ),
        (
            "optional_scheduled_minutes",
            s.optional_scheduled_minutes,
            sum(&|x| x.kind == "optional"),
        ),
        (
            "reference_scheduled_minutes",
            s.reference_scheduled_minutes,
            sum(&|x| x.kind == "reference"),
        ),
    ];
    for (name, got, want) in expect {
        if got != want {
            v.push(format!("summary.{name} is {got}, the sessions say {want}"));
        }
    }
    if s.required_in_window_minutes + s.required_late_minutes != s.required_minutes {
        v.push("summary: required in window + late ≠ required minutes".to_string());
    }
    if let Some(lmd) = s.late_minute_days {
        let want = levels(spec, settings, doc).late_minute_days;
        if lmd != want {
            v.push(format!(
                "summary.late_minute_days is {lmd}, the sessions say {want}"
            ));
        }
    }
    v
}
