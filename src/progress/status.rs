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
    /// Whole percent of the work still wanted (total minus skipped) that is done, rounded
    /// down so that 100 means finished; `null` for a row with no minutes at all.
    pub percent_done: Option<u32>,
}

impl Row {
    fn new(name: &str) -> Row {
        Row {
            name: name.to_string(),
            total_minutes: 0,
            done_minutes: 0,
            skipped_minutes: 0,
            remaining_minutes: 0,
            percent_done: None,
        }
    }
    fn add(&mut self, total: u32, done: u32, skipped: u32) {
        self.total_minutes += total;
        self.done_minutes += done;
        self.skipped_minutes += skipped;
        self.remaining_minutes += total - done - skipped;
        self.percent_done = percent(self.done_minutes, self.total_minutes, self.skipped_minutes);
    }
}

/// Done minutes as a whole percent of the wanted minutes (`total - skipped`), rounded down.
/// A row whose work is all skipped is complete; a row without minutes has no percentage.
fn percent(done: u32, total: u32, skipped: u32) -> Option<u32> {
    if total == 0 {
        return None;
    }
    let wanted = u64::from(total.saturating_sub(skipped));
    if wanted == 0 {
        return Some(100);
    }
    let p = u64::from(done) * 100 / wanted;
    Some(u32::try_from(p.min(100)).unwrap_or(100))
}

/// Cells of a progress bar.
const BAR_CELLS: usize = 10;

/// A text progress bar such as `████████░░  80%`: filled cells rounded down, so a full bar
/// means finished. Colour (green done, dim rest) only when asked for.
pub fn bar(percent: Option<u32>, color: bool) -> String {
    let Some(p) = percent else {
        return format!("{:>width$}", "–", width = BAR_CELLS + 5);
    };
    let filled = (p as usize * BAR_CELLS / 100).min(BAR_CELLS);
    let (done, rest) = ("█".repeat(filled), "░".repeat(BAR_CELLS - filled));
    if color {
        format!("\x1b[32m{done}\x1b[2m{rest}\x1b[0m {p:>3}%")
    } else {
        format!("{done}{rest} {p:>3}%")
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

/// Plain-text rendering: a table of sections and kinds with progress bars, then the outlook.
pub fn write_table(s: &Status, color: bool, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let width = s
        .sections
        .iter()
        .chain(&s.kinds)
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    let header = |w: &mut dyn std::io::Write, first: &str| {
        writeln!(
            w,
            "  {first:<width$} {:>6} {:>6} {:>7} {:>9}  progress",
            "min", "done", "skipped", "remaining"
        )
    };
    let line = |w: &mut dyn std::io::Write, r: &Row| {
        writeln!(
            w,
            "  {:<width$} {:>6} {:>6} {:>7} {:>9}  {}",
            r.name,
            r.total_minutes,
            r.done_minutes,
            r.skipped_minutes,
            r.remaining_minutes,
            bar(r.percent_done, color)
        )
    };
    writeln!(w, "Status on {}", s.today)?;
    header(w, "section")?;
    for r in &s.sections {
        line(w, r)?;
    }
    writeln!(w)?;
    header(w, "kind")?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_by_whole_cells_and_only_a_finished_row_is_full() {
        assert_eq!(bar(Some(80), false), "████████░░  80%");
        assert_eq!(bar(Some(0), false), "░░░░░░░░░░   0%");
        assert_eq!(bar(Some(100), false), "██████████ 100%");
        assert_eq!(bar(Some(99), false), "█████████░  99%");
        assert_eq!(bar(None, false).chars().count(), BAR_CELLS + 5);
        assert_eq!(
            bar(Some(50), true),
            "\u{1b}[32m█████\u{1b}[2m░░░░░\u{1b}[0m  50%"
        );
    }

    #[test]
    fn percent_leaves_out_skipped_work_and_rounds_down() {
        assert_eq!(percent(70, 100, 0), Some(70));
        assert_eq!(percent(199, 200, 0), Some(99));
        assert_eq!(percent(0, 130, 30), Some(0));
        assert_eq!(percent(0, 30, 30), Some(100));
        assert_eq!(percent(0, 0, 0), None);
    }
}
