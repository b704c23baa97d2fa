//! `status`: how far the learner is, from the plan and the progress log (no I/O, no clock). The
//! hours still needed come from [`need::at_least`], the same answer `plan` gives for its late
//! windows; the table is [`crate::output::status`].

use super::{summarize, State};
use crate::need::{self, Demand};
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
    /// Minutes planned before today (sessions of skipped items left out), with the progress a
    /// replan took off the sessions.
    pub planned_until_today_minutes: u32,
    /// Done minutes (estimates of done work plus partial progress).
    pub done_minutes: u32,
    /// Positive: ahead of the plan; negative: behind.
    pub ahead_hours: f64,
    /// Last day of the remaining work when studying every available minute from today.
    pub projected_finish: Option<NaiveDate>,
    /// `--hours` below which the remaining required work cannot fit its windows (the base day
    /// of `needed`); None when nothing is due, or when no hours are enough.
    pub needed_hours_per_day: Option<f64>,
    /// The week that `needed_hours_per_day` stands for, or why no hours are enough: a lower
    /// bound of what `plan --fit` would answer, within the study windows and around busy time.
    pub needed: need::AtLeast,
    /// Required minutes left whose windows are over: late at any hours.
    pub overdue_minutes: u32,
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
        self.total_minutes = self.total_minutes.saturating_add(total);
        self.done_minutes = self.done_minutes.saturating_add(done);
        self.skipped_minutes = self.skipped_minutes.saturating_add(skipped);
        self.remaining_minutes = self
            .remaining_minutes
            .saturating_add(total.saturating_sub(done).saturating_sub(skipped));
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

struct ItemInfo {
    section: String,
    kind: Kind,
    minutes: u32,
    window: Option<(NaiveDate, NaiveDate)>,
}

/// Compute the status on `today`.
pub fn status(state: &State, today: NaiveDate) -> Status {
    let plan = &state.plan;
    let progress = summarize(&state.progress);
    let mut items: BTreeMap<&str, ItemInfo> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    let estimates = plan.item_minutes();
    for s in &plan.sessions {
        items.entry(s.item.as_str()).or_insert_with(|| {
            order.push(s.item.as_str());
            ItemInfo {
                section: s.section.clone(),
                kind: s.kind,
                minutes: estimates[s.item.as_str()],
                window: s.window_start.zip(s.window_end),
            }
        });
    }
    for u in plan.unscheduled.iter().chain(&plan.off_plan) {
        let section = u.item.split('/').next().unwrap_or("").to_string();
        let window = plan
            .section(&section)
            .and_then(|s| s.window_start.zip(s.window_end));
        items.entry(u.item.as_str()).or_insert_with(|| {
            order.push(u.item.as_str());
            ItemInfo {
                section,
                kind: u.kind,
                minutes: estimates[u.item.as_str()],
                window,
            }
        });
    }

    let mut sections: Vec<Row> = plan.sections.iter().map(|s| Row::new(&s.id)).collect();
    let mut kinds: Vec<Row> = [Kind::Required, Kind::Optional, Kind::Reference]
        .iter()
        .map(|k| Row::new(k.as_str()))
        .collect();
    let mut total = Row::new("total");
    let (mut actual, mut estimated) = (0u64, 0u64);
    let mut remaining_by_window: BTreeMap<(NaiveDate, NaiveDate), u32> = BTreeMap::new();
    let mut remaining_planned = 0u32;
    // Planned work still to do by the first day it may go: its window's start.
    let mut remaining_from: BTreeMap<NaiveDate, u32> = BTreeMap::new();
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
        if let (Kind::Required, Some(window), true) = (info.kind, info.window, left > 0) {
            *remaining_by_window.entry(window).or_default() += left;
        }
        let deleted =
            |u: &crate::plan::Unscheduled| u.item == *id && u.reason == crate::plan::IN_CALENDAR;
        if plan.sessions.iter().any(|s| s.item == *id) || plan.off_plan.iter().any(deleted) {
            remaining_planned += left;
            let from = info.window.map_or(NaiveDate::MIN, |w| w.0);
            *remaining_from.entry(from).or_default() += left;
        }
    }

    // Progress a replan took off the sessions was planned once too (and counts as done): the
    // learner who did 15 of a session's 60 minutes is on plan right after the replan, not ahead.
    let planned: u32 = plan
        .sessions
        .iter()
        .filter(|s| s.date < today)
        .filter(|s| !progress.get(&s.item).is_some_and(|p| p.skipped && !p.done))
        .map(|s| s.minutes)
        .chain(plan.progress_off_sessions.values().copied())
        .sum();
    let done_minutes = total.done_minutes;
    let ahead_hours = (f64::from(done_minutes) - f64::from(planned)) / 60.0;

    let avail = &state.settings.availability;
    // Each day from today does as much of the work it may start (its window has begun) as the
    // day's minutes allow: a section whose window opens in week 10 finishes no earlier.
    let projected_finish = if remaining_planned == 0 {
        None
    } else {
        let mut waiting = remaining_from.into_iter().peekable();
        let (mut ready, mut left) = (0u32, remaining_planned);
        let mut day = today.max(plan.start);
        let mut found = None;
        for _ in 0..(40 * 366) {
            while let Some((_, m)) = waiting.next_if(|&(from, _)| from <= day) {
                ready += m;
            }
            let worked = ready.min(avail.minutes_on(day));
            (ready, left) = (ready - worked, left - worked);
            if left == 0 {
                found = Some(day);
                break;
            }
            day = day.succ_opt().unwrap_or(day);
        }
        found
    };

    // Required work left, due by each window's end from today on. Work whose window is over is
    // late at any hours: it asks for none (as in `plan`'s advice), and is counted apart.
    let first = today.max(plan.start);
    let day = |d: NaiveDate| need::day_number(avail, d);
    let mut demands: Vec<Demand> = Vec::new();
    let mut overdue_minutes = 0u32;
    for (&(start, end), &minutes) in &remaining_by_window {
        if end < first {
            overdue_minutes += minutes;
        } else {
            demands.push(Demand {
                first: day(start.max(first)),
                last: day(end),
                minutes,
            });
        }
    }
    let mut needed = need::at_least(&demands, avail);
    // A plan proven at priority 1 with required work still to do late, from a window not over
    // yet: the current hours are not enough for it (work whose window is over is late at any
    // hours). The plan's own advice reads the same proof.
    let late_ahead = plan.summary.required_proven()
        && plan.sessions.iter().any(|s| {
            s.late
                && !s.done
                && s.date >= first
                && s.window_end.is_some_and(|end| end >= first)
                && !progress.get(&s.item).is_some_and(|p| p.done || p.skipped)
        });
    if late_ahead {
        needed = need::above_current(needed, avail);
    }
    let needed_hours_per_day = needed.hours.as_ref().map(|h| h.hours);

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
        needed,
        overdue_minutes,
        pace: (estimated > 0).then(|| (actual as f64 / estimated as f64 * 100.0).round() / 100.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hours still needed lie above the current ones when the plan proved that they cannot
    /// fit its required work (priority 1), even where a lower level stayed open: most plans at
    /// short hours are proven at priority 1 only, and status used to name 20 minutes a day
    /// there while the plan at 90 could not fit the work.
    #[test]
    fn needed_hours_lie_above_the_current_ones_once_priority_one_is_proven() {
        let mut state = crate::progress::sample_state(0);
        let today = state.plan.start;
        assert!(!state.plan.summary.optimal);
        let minutes = |state: &State| {
            status(state, today)
                .needed
                .hours
                .map(|h| h.weekday_minutes[0])
        };
        state.plan.summary.required_optimal = Some(true);
        assert_eq!(minutes(&state), Some(95));
        // Unproven at priority 1, or a state file from before it was recorded: only the bound.
        state.plan.summary.required_optimal = Some(false);
        assert_eq!(minutes(&state), Some(20));
        state.plan.summary.required_optimal = None;
        assert_eq!(minutes(&state), Some(20));
        state.plan.summary.optimal = true;
        assert_eq!(minutes(&state), Some(95));
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
