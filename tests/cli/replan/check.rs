//! An independent checker for `replan`: what must hold between the plan before a replan, the
//! progress recorded since, and the plan after it. Like [`crate::checker`] it reads only the
//! JSON documents and the test's own [`PathSpec`] and [`Settings`], never the crate's code.
//!
//! The fresh-plan checker does not fit a replan as it is (a replan keeps done sessions, past
//! sessions and split remainders that a fresh plan would never have), so the hard rules are
//! checked here for the work the replan was free to place: sessions that are not done.

use crate::checker::{PlanDoc, SessionDoc};
use crate::model::{FlatItem, Kind, PathSpec, Settings};
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Everything the checker needs about one replan.
pub struct Replan<'a> {
    /// The path as it is at replan time.
    pub spec: &'a PathSpec,
    /// The settings in force after the replan.
    pub settings: &'a Settings,
    /// The plan before the replan, with the done flags of the recorded progress.
    pub old: &'a PlanDoc,
    /// The plan after the replan and its `cancelled` list.
    pub new: &'a PlanDoc,
    pub cancelled: &'a [SessionDoc],
    pub from: NaiveDate,
    /// Items recorded done / skipped (none of them with partial progress).
    pub done: &'a BTreeSet<String>,
    pub skipped: &'a BTreeSet<String>,
}

/// The `cancelled` list of a replan's JSON document.
pub fn cancelled_of(doc: &Value) -> Vec<SessionDoc> {
    serde_json::from_value(doc["cancelled"].clone()).expect("a cancelled array of sessions")
}

fn same_slot(a: &SessionDoc, b: &SessionDoc) -> bool {
    a.uid == b.uid
        && a.item == b.item
        && a.part == b.part
        && a.date == b.date
        && a.start == b.start
        && a.end == b.end
        && a.minutes == b.minutes
}

/// Sessions that kept their UID but not their time: the moves a learner sees.
pub fn moved(old: &PlanDoc, new: &PlanDoc) -> Vec<(SessionDoc, SessionDoc)> {
    let old_by_uid: BTreeMap<&str, &SessionDoc> =
        old.sessions.iter().map(|s| (s.uid.as_str(), s)).collect();
    new.sessions
        .iter()
        .filter_map(|n| {
            let o = old_by_uid.get(n.uid.as_str())?;
            (o.start != n.start || o.end != n.end).then(|| ((*o).clone(), n.clone()))
        })
        .collect()
}

/// Every broken rule, as a sentence.
pub fn violations(r: &Replan) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    let (old, new, from) = (r.old, r.new, r.from);
    let items: Vec<FlatItem> = r.spec.flat();
    let index: BTreeMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.full_id.as_str(), i))
        .collect();
    let old_by_uid: BTreeMap<&str, &SessionDoc> =
        old.sessions.iter().map(|s| (s.uid.as_str(), s)).collect();
    let new_by_uid: BTreeMap<&str, &SessionDoc> =
        new.sessions.iter().map(|s| (s.uid.as_str(), s)).collect();
    let finished = |item: &str| r.done.contains(item) || r.skipped.contains(item);

    // UIDs: unique, never both active and cancelled, and meaning the same item part as before.
    let mut uids = BTreeSet::new();
    for s in &new.sessions {
        if !uids.insert(s.uid.as_str()) {
            v.push(format!("duplicate uid {}", s.uid));
        }
    }
    let mut cancelled_uids = BTreeSet::new();
    for c in r.cancelled {
        if !cancelled_uids.insert(c.uid.as_str()) {
            v.push(format!("uid {} is cancelled twice", c.uid));
        }
        if uids.contains(c.uid.as_str()) {
            v.push(format!("uid {} is both planned and cancelled", c.uid));
        }
    }
    for s in new.sessions.iter().chain(r.cancelled) {
        if let Some(o) = old_by_uid.get(s.uid.as_str()) {
            if (o.item.as_str(), o.part) != (s.item.as_str(), s.part) {
                v.push(format!(
                    "uid {} meant {} part {} and now means {} part {}",
                    s.uid, o.item, o.part, s.item, s.part
                ));
            }
        }
    }
    // Every event of the old calendar is still there, planned or cancelled.
    for o in &old.sessions {
        if !uids.contains(o.uid.as_str()) && !cancelled_uids.contains(o.uid.as_str()) {
            v.push(format!(
                "{} ({} part {}) vanished: neither planned nor cancelled",
                o.uid, o.item, o.part
            ));
        }
    }
    for w in new.sessions.windows(2) {
        if w[1].start < w[0].start {
            v.push(format!(
                "sessions not sorted: {} before {}",
                w[0].uid, w[1].uid
            ));
        }
    }

    // The past: nothing before --from is new or changed; what is done or finished stays.
    for s in new.sessions.iter().filter(|s| s.date < from) {
        match old_by_uid.get(s.uid.as_str()) {
            Some(o) if same_slot(o, s) => {}
            Some(o) => v.push(format!(
                "{} before --from changed: {} {}..{} ({} min) → {} {}..{} ({} min)",
                s.uid, o.date, o.start, o.end, o.minutes, s.date, s.start, s.end, s.minutes
            )),
            None => v.push(format!(
                "{} is new but lies before --from on {}",
                s.uid, s.date
            )),
        }
    }
    for o in &old.sessions {
        let keep = o.done || (o.date < from && finished(&o.item));
        if !keep {
            continue;
        }
        match new_by_uid.get(o.uid.as_str()) {
            Some(n) if same_slot(o, n) => {
                if o.done && !n.done {
                    v.push(format!("{} was done and is not any more", o.uid));
                }
            }
            Some(n) => v.push(format!(
                "{} ({}) had to stay on {} {} and is now on {} {}",
                o.uid, o.item, o.date, o.start, n.date, n.start
            )),
            None => v.push(format!("{} ({}) had to stay and is gone", o.uid, o.item)),
        }
    }

    // Done and skipped work is not planned again; everything new is on or after --from.
    for s in &new.sessions {
        if s.done {
            if !old_by_uid
                .get(s.uid.as_str())
                .is_some_and(|o| same_slot(o, s))
            {
                v.push(format!("{} is done but is not an old session", s.uid));
            }
            continue;
        }
        if r.done.contains(&s.item) {
            v.push(format!(
                "{} of done item {} is planned on {}",
                s.uid, s.item, s.date
            ));
        }
        if r.skipped.contains(&s.item) && s.date >= from {
            v.push(format!(
                "{} of skipped item {} is planned on {}",
                s.uid, s.item, s.date
            ));
        }
        if s.date < from
            && !old_by_uid
                .get(s.uid.as_str())
                .is_some_and(|o| same_slot(o, s))
        {
            v.push(format!("{} is planned before --from on {}", s.uid, s.date));
        }
    }

    // From --from on: capacity, no overlap, days without done sessions run from --at.
    let tz = r.settings.tz;
    let mut by_date: BTreeMap<NaiveDate, Vec<&SessionDoc>> = BTreeMap::new();
    for s in new.sessions.iter().filter(|s| s.date >= from) {
        by_date.entry(s.date).or_default().push(s);
    }
    let capacity: BTreeMap<NaiveDate, u32> =
        new.capacity.iter().map(|c| (c.date, c.minutes)).collect();
    // Before --from, days keep the capacity the old plan gave them (a replan may change the
    // hours, days or windows only from --from on).
    let was: BTreeMap<NaiveDate, u32> = old.capacity.iter().map(|c| (c.date, c.minutes)).collect();
    for (date, cap) in capacity.iter().filter(|(d, _)| **d < from) {
        if was.get(date).is_some_and(|w| w != cap) {
            v.push(format!(
                "capacity of {date}, before --from, changed from {} to {cap}",
                was[date]
            ));
        }
    }
    for (date, cap) in &capacity {
        if *date >= from && *cap != r.settings.capacity(*date) {
            v.push(format!(
                "capacity of {date} is {cap}, the settings give {}",
                r.settings.capacity(*date)
            ));
        }
    }
    for (date, mut day) in by_date {
        day.sort_by_key(|s| s.start);
        let used: u32 = day.iter().map(|s| s.minutes).sum();
        if used > r.settings.capacity(date) {
            v.push(format!(
                "{date}: {used} min planned, capacity {}",
                r.settings.capacity(date)
            ));
        }
        if !capacity.contains_key(&date) {
            v.push(format!("{date}: sessions but no capacity entry"));
        }
        for w in day.windows(2) {
            if w[1].start < w[0].end {
                v.push(format!("{date}: {} overlaps {}", w[0].uid, w[1].uid));
            }
        }
        if day.iter().all(|s| !s.done) {
            let first = day[0].start.with_timezone(&tz).naive_local();
            if first != date.and_time(r.settings.at) {
                v.push(format!("{date}: first session at {first}, not at --at"));
            }
            for w in day.windows(2) {
                if w[1].start != w[0].end {
                    v.push(format!("{date}: gap between {} and {}", w[0].uid, w[1].uid));
                }
            }
        }
        for s in &day {
            if s.date != s.start.with_timezone(&tz).date_naive()
                || (s.end - s.start).num_minutes() != i64::from(s.minutes)
            {
                v.push(format!(
                    "{}: times do not match its date and minutes",
                    s.uid
                ));
            }
        }
    }

    // Open items: the remaining minutes are planned in the fewest near-equal parts, in order,
    // inside the window rules; open optional work is planned or listed as unscheduled.
    let limit = r.settings.session_limit();
    let mut open_of: Vec<Vec<&SessionDoc>> = vec![Vec::new(); items.len()];
    let mut done_minutes = vec![0u32; items.len()];
    for s in &new.sessions {
        let Some(&i) = index.get(s.item.as_str()) else {
            if s.date >= from && !s.done {
                v.push(format!(
                    "{} on {} is for {}, not in the path",
                    s.uid, s.date, s.item
                ));
            }
            continue;
        };
        if s.done {
            done_minutes[i] += s.minutes;
        } else if s.date >= from {
            open_of[i].push(s);
        }
    }
    let unscheduled: BTreeSet<&str> = new.unscheduled.iter().map(|u| u.item.as_str()).collect();
    for (i, item) in items.iter().enumerate() {
        let id = item.full_id.as_str();
        let parts = &mut open_of[i];
        parts.sort_by_key(|s| s.part);
        if finished(id) {
            continue;
        }
        let remaining = item.minutes.saturating_sub(done_minutes[i]);
        if parts.is_empty() {
            if remaining > 0 && (item.kind == Kind::Required || !unscheduled.contains(id)) {
                v.push(format!(
                    "{id} ({remaining} min open) is neither planned nor unscheduled"
                ));
            }
            continue;
        }
        let total: u32 = parts.iter().map(|s| s.minutes).sum();
        if total != remaining {
            v.push(format!("{id}: {total} min planned, {remaining} min open"));
        }
        let n = parts.len() as u32;
        if n != remaining.div_ceil(limit) {
            v.push(format!(
                "{id}: {n} part(s) for {remaining} min, limit {limit}: not the fewest"
            ));
        }
        let (lo, hi) = parts.iter().fold((u32::MAX, 0), |(lo, hi), s| {
            (lo.min(s.minutes), hi.max(s.minutes))
        });
        if hi > limit || hi - lo > 1 {
            v.push(format!("{id}: parts of {lo}..{hi} min, limit {limit}"));
        }
        for w in parts.windows(2) {
            if w[1].part != w[0].part + 1 || w[1].date <= w[0].date {
                v.push(format!(
                    "{id}: part {} on {} does not follow part {} on {}",
                    w[1].part, w[1].date, w[0].part, w[0].date
                ));
            }
        }
        if parts.iter().any(|s| s.parts != parts[parts.len() - 1].part) {
            v.push(format!(
                "{id}: `parts` does not match the last part's number"
            ));
        }
        let section = &r.spec.sections[item.section];
        let window = section.weeks.map(|w| r.settings.window_dates(w));
        for s in parts.iter() {
            if s.kind != item.kind.as_str() || s.section != section.id {
                v.push(format!("{}: kind or section differ from the path", s.uid));
            }
            if let Some((ws, we)) = window {
                if s.date < ws {
                    v.push(format!("{}: on {} before its window {ws}", s.uid, s.date));
                }
                if item.kind != Kind::Required && s.date > we {
                    v.push(format!("{}: {} after its window {we}", s.uid, s.kind));
                }
            }
            let late = item.kind == Kind::Required && window.is_some_and(|(_, we)| s.date > we);
            if s.late != late {
                v.push(format!("{}: late is {}, expected {late}", s.uid, s.late));
            }
        }
    }

    // Order among open work: prerequisites first; in a section required before the rest; a
    // section without weeks after the required work of the sections before it.
    let first_open = |i: usize| open_of[i].iter().map(|s| s.start).min();
    let last_end = |i: usize| {
        new.sessions
            .iter()
            .filter(|s| s.item == items[i].full_id && !s.done)
            .map(|s| s.end)
            .max()
    };
    let required_end = |sec: usize| {
        (0..items.len())
            .filter(|&i| items[i].section == sec && items[i].kind == Kind::Required)
            .filter_map(last_end)
            .max()
    };
    for (i, item) in items.iter().enumerate() {
        let Some(start) = first_open(i) else {
            continue;
        };
        for &p in &item.after {
            if let Some(end) = last_end(p) {
                if end > start {
                    v.push(format!(
                        "{} starts {start} before its prerequisite {} ends {end}",
                        item.full_id, items[p].full_id
                    ));
                }
            }
        }
        if item.kind != Kind::Required {
            if let Some(end) = required_end(item.section).filter(|e| *e > start) {
                v.push(format!(
                    "{} {} starts {start} before its section's required work ends {end}",
                    item.kind.as_str(),
                    item.full_id
                ));
            }
        }
        if r.spec.sections[item.section].weeks.is_none() {
            for earlier in 0..item.section {
                if let Some(end) = required_end(earlier).filter(|e| *e > start) {
                    v.push(format!(
                        "{} (no weeks) starts {start} before the required work of {} ends {end}",
                        item.full_id, r.spec.sections[earlier].id
                    ));
                }
            }
        }
    }
    v
}

/// Panics with every violation, the settings and the path.
pub fn assert_replan(r: &Replan) {
    let v = violations(r);
    assert!(
        v.is_empty(),
        "replan from {} broke {} rule(s):\n  {}\nsettings: {:?}\ndone: {:?}\nskipped: {:?}\npath:\n{}",
        r.from,
        v.len(),
        v.join("\n  "),
        r.settings.args(),
        r.done,
        r.skipped,
        r.spec.yaml()
    );
}

/// One VEVENT of a calendar, as a calendar client keys it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub uid: String,
    pub sequence: u32,
    pub start: String,
    pub end: String,
    pub cancelled: bool,
}

/// The VEVENTs of an .ics file (lines unfolded), milestones included.
pub fn events(ics: &str) -> Vec<Event> {
    let unfolded = ics.replace("\r\n ", "").replace("\r\n\t", "");
    let mut out = Vec::new();
    let mut current: Option<Event> = None;
    for line in unfolded.split("\r\n") {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        let key = name.split(';').next().unwrap_or(name);
        match (key, current.as_mut()) {
            ("BEGIN", None) if value == "VEVENT" => {
                current = Some(Event {
                    uid: String::new(),
                    sequence: 0,
                    start: String::new(),
                    end: String::new(),
                    cancelled: false,
                });
            }
            ("END", Some(_)) if value == "VEVENT" => out.extend(current.take()),
            ("UID", Some(e)) => e.uid = value.to_string(),
            ("SEQUENCE", Some(e)) => e.sequence = value.parse().expect("SEQUENCE"),
            ("DTSTART", Some(e)) => e.start = line.to_string(),
            ("DTEND", Some(e)) => e.end = line.to_string(),
            ("STATUS", Some(e)) => e.cancelled = value == "CANCELLED",
            _ => {}
        }
    }
    out
}

/// What a calendar client does when the new calendar is imported over the old one: one event
/// per UID in each file; every old event is still there (moved, kept or cancelled); a changed
/// time or a cancellation raises SEQUENCE, so the client updates instead of duplicating.
pub fn calendar_violations(old_ics: &str, new_ics: &str) -> Vec<String> {
    let mut v = Vec::new();
    let (old, new) = (events(old_ics), events(new_ics));
    let mut by_uid: BTreeMap<&str, &Event> = BTreeMap::new();
    for e in &new {
        if by_uid.insert(&e.uid, e).is_some() {
            v.push(format!("new calendar has uid {} twice", e.uid));
        }
    }
    let mut seen = BTreeSet::new();
    for o in &old {
        if !seen.insert(&o.uid) {
            v.push(format!("old calendar has uid {} twice", o.uid));
        }
        let Some(n) = by_uid.get(o.uid.as_str()) else {
            v.push(format!("{} is missing from the new calendar", o.uid));
            continue;
        };
        let changed = o.start != n.start || o.end != n.end || o.cancelled != n.cancelled;
        if n.sequence < o.sequence || (changed && n.sequence <= o.sequence) {
            v.push(format!(
                "{}: SEQUENCE {} → {} although it {}",
                o.uid,
                o.sequence,
                n.sequence,
                if changed { "changed" } else { "did not change" }
            ));
        }
    }
    v
}
