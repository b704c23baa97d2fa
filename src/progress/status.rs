//! `status`: how far the learner is, from the plan and the progress log (no I/O, no clock).

use super::{summarize, State};
use crate::path::Kind;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    pub today: NaiveDate,
    pub sections: Vec<Row>,
    pub kinds: Vec<Row>,
    pub total: Row,
    /// Minutes planned before today (sessions of skipped items left out).
    pub planned_until_today_minutes: u32,
    /// Done minutes (estimates of done work plus partial progress).
    pub done_minutes: u32,
    /// Positive: ahead of the plan; negative: behind.
    pub ahead_hours: f64,
    /// Last day of the remaining work when studying every available minute from today.
    pub projected_finish: Option<NaiveDate>,
    /// Hours per study day that would fit the remaining required work in its windows.
    pub needed_hours_per_day: Option<f64>,
    /// Actual minutes ÷ estimated minutes of the items done with `--minutes`.
    pub pace: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub name: String,
    pub total_minutes: u32,
    pub done_minutes: u32,
    pub skipped_minutes: u32,
    pub remaining_minutes: u32,
}

impl Row {
    fn new(name: &str) -> Row {
        Row {
            name: name.to_string(),
            total_minutes: 0,
            done_minutes: 0,
            skipped_minutes: 0,
            remaining_minutes: 0,
        }
    }
    fn add(&mut self, total: u32, done: u32, skipped: u32) {
        self.total_minutes += total;
        self.done_minutes += done;
        self.skipped_minutes += skipped;
        self.remaining_minutes += total - done - skipped;
    }
}

struct ItemInfo {
    section: String,
    kind: Kind,
    minutes: u32,
    window_end: Option<NaiveDate>,
}

/// Compute the status on `today`.
pub fn status(state: &State, today: NaiveDate) -> Status {
    let plan = &state.plan;
    let progress = summarize(&state.progress);
    let mut items: BTreeMap<&str, ItemInfo> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for s in &plan.sessions {
        let e = items.entry(s.item.as_str()).or_insert_with(|| {
            order.push(s.item.as_str());
            ItemInfo {
                section: s.section.clone(),
                kind: s.kind,
                minutes: 0,
                window_end: s.window_end,
            }
        });
        e.minutes += s.minutes;
    }
    for u in &plan.unscheduled {
        let section = u.item.split('/').next().unwrap_or("").to_string();
        let window_end = plan.section(&section).and_then(|s| s.window_end);
        let e = items.entry(u.item.as_str()).or_insert_with(|| {
            order.push(u.item.as_str());
            ItemInfo {
                section,
                kind: u.kind,
                minutes: 0,
                window_end,
            }
        });
        e.minutes += u.minutes;
    }

    let mut sections: Vec<Row> = plan.sections.iter().map(|s| Row::new(&s.id)).collect();
    let mut kinds: Vec<Row> = [Kind::Required, Kind::Optional, Kind::Reference]
        .iter()
        .map(|k| Row::new(k.as_str()))
        .collect();
    let mut total = Row::new("total");
    let (mut actual, mut estimated) = (0u64, 0u64);
    let mut remaining_by_end: BTreeMap<Option<NaiveDate>, u32> = BTreeMap::new();
    let mut remaining_planned = 0u32;
    for id in &order {
        let info = &items[id];
        let p = progress.get(*id).copied().unwrap_or_default();
        let (done, skipped) = if p.done {
            (info.minutes, 0)
        } else if p.skipped {
            (
                p.progress.min(info.minutes),
                info.minutes - p.progress.min(info.minutes),
            )
        } else {
            (p.progress.min(info.minutes), 0)
        };
        if let (true, Some(a)) = (p.done, p.actual) {
            actual += u64::from(a);
            estimated += u64::from(info.minutes);
        }
        let row = match sections.iter().position(|r| r.name == info.section) {
            Some(i) => &mut sections[i],
            None => {
                sections.push(Row::new(&info.section));
                sections.last_mut().expect("just pushed")
            }
        };
        row.add(info.minutes, done, skipped);
        let k = match info.kind {
            Kind::Required => 0,
            Kind::Optional => 1,
            Kind::Reference => 2,
        };
        kinds[k].add(info.minutes, done, skipped);
        total.add(info.minutes, done, skipped);
        let left = info.minutes - done - skipped;
        if info.kind == Kind::Required {
            *remaining_by_end.entry(info.window_end).or_default() += left;
        }
        if plan.sessions.iter().any(|s| s.item == *id) {
            remaining_planned += left;
        }
    }

    let planned: u32 = plan
        .sessions
        .iter()
        .filter(|s| s.date < today)
        .filter(|s| !progress.get(&s.item).is_some_and(|p| p.skipped && !p.done))
        .map(|s| s.minutes)
        .sum();
    let done_minutes = total.done_minutes;
    let ahead_hours = (f64::from(done_minutes) - f64::from(planned)) / 60.0;

    let avail = &state.settings.availability;
    let projected_finish = if remaining_planned == 0 {
        None
    } else {
        let mut left = i64::from(remaining_planned);
        let mut day = today.max(plan.start);
        let mut found = None;
        for _ in 0..(40 * 366) {
            left -= i64::from(avail.minutes_on(day));
            if left <= 0 {
                found = Some(day);
                break;
            }
            day = day.succ_opt().unwrap_or(day);
        }
        found
    };

    // Required work due by each window end (overdue work counts everywhere) over the study
    // minutes from today to that end.
    let overdue: u32 = remaining_by_end
        .iter()
        .filter(|(e, _)| e.is_some_and(|e| e < today))
        .map(|(_, m)| m)
        .sum();
    let mut needed: Option<f64> = None;
    let mut due = overdue;
    let first = today.max(plan.start);
    for (end, minutes) in &remaining_by_end {
        let Some(end) = end.filter(|e| *e >= today) else {
            continue;
        };
        due += minutes;
        let study_days = first
            .iter_days()
            .take_while(|d| *d <= end)
            .filter(|d| avail.minutes_on(*d) > 0)
            .count();
        let n = if study_days == 0 {
            f64::INFINITY
        } else {
            f64::from(due) / study_days as f64 / 60.0
        };
        needed = Some(needed.map_or(n, |x: f64| x.max(n)));
    }
    if needed.is_none() && overdue > 0 {
        needed = Some(f64::INFINITY);
    }
    let needed_hours_per_day = needed.map(|h| {
        if h.is_finite() {
            (h * 100.0).round() / 100.0
        } else {
            24.0
        }
    });

    Status {
        today,
        sections,
        kinds,
        total,
        planned_until_today_minutes: planned,
        done_minutes,
        ahead_hours: (ahead_hours * 100.0).round() / 100.0,
        projected_finish,
        needed_hours_per_day,
        pace: (estimated > 0).then(|| (actual as f64 / estimated as f64 * 100.0).round() / 100.0),
    }
}

/// Plain-text rendering.
pub fn write_table(s: &Status, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let line = |w: &mut dyn std::io::Write, r: &Row| {
        writeln!(
            w,
            "  {:<32} {:>6} {:>6} {:>7} {:>9}",
            r.name, r.total_minutes, r.done_minutes, r.skipped_minutes, r.remaining_minutes
        )
    };
    writeln!(w, "Status on {}", s.today)?;
    writeln!(
        w,
        "  {:<32} {:>6} {:>6} {:>7} {:>9}",
        "section", "min", "done", "skipped", "remaining"
    )?;
    for r in &s.sections {
        line(w, r)?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "  {:<32} {:>6} {:>6} {:>7} {:>9}",
        "kind", "min", "done", "skipped", "remaining"
    )?;
    for r in &s.kinds {
        line(w, r)?;
    }
    line(w, &s.total)?;
    writeln!(w)?;
    let h = s.ahead_hours;
    if h >= 0.0 {
        writeln!(
            w,
            "Schedule:  {h:.2} h ahead ({} min done, {} min planned before today)",
            s.done_minutes, s.planned_until_today_minutes
        )?;
    } else {
        writeln!(
            w,
            "Schedule:  {:.2} h behind ({} min done, {} min planned before today)",
            -h, s.done_minutes, s.planned_until_today_minutes
        )?;
    }
    match s.projected_finish {
        Some(d) => writeln!(w, "Finish:    {d} at the current hours")?,
        None => writeln!(w, "Finish:    nothing planned is left")?,
    }
    if let Some(n) = s.needed_hours_per_day {
        writeln!(
            w,
            "Needed:    {n:.2} h per study day for the required work to fit its windows"
        )?;
    }
    if let Some(p) = s.pace {
        writeln!(
            w,
            "Pace:      {p:.2}× the estimates (actual ÷ estimated minutes)"
        )?;
    }
    Ok(())
}
