//! The solver-free plan: what the learner does on which day, and what did not fit.
//!
//! A [`Plan`] is the single value that every writer (table, JSON, CSV, Markdown, .ics) reads and
//! that the state file stores. It is built by [`crate::schedule`] from a solved model and never
//! refers to the solver.

use crate::path::{Kind, Weeks};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub path: PathInfo,
    pub start: NaiveDate,
    /// IANA zone name the session times are in.
    #[serde(deserialize_with = "crate::calendar::zone_name")]
    pub timezone: String,
    /// Generation time: DTSTAMP of the calendar. Pinned by `--now` / `SOURCE_DATE_EPOCH`.
    pub generated: DateTime<Utc>,
    /// Every day from `start` to the last day of the plan.
    pub capacity: Vec<DayCapacity>,
    /// Sorted by start.
    pub sessions: Vec<Session>,
    /// Sessions an earlier plan had that a replan dropped; kept for STATUS:CANCELLED.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancelled: Vec<Session>,
    pub unscheduled: Vec<Unscheduled>,
    pub sections: Vec<SectionInfo>,
    /// Windows whose required work does not fit, with the hours per day that would make it fit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overloaded: Vec<Overload>,
    /// Partial progress (`studyplan progress`) that a replan took off an item beyond the done
    /// sessions it kept, in minutes per item id: work done off the planned sessions, so that
    /// the item's sessions plus these minutes still make its estimate.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub progress_off_sessions: BTreeMap<String, u32>,
    /// Items a replan holds no session or unscheduled entry for, which `status` still counts:
    /// the rest of a skipped item (reason [`SKIPPED`], with its minutes), and items done off
    /// their sessions (no minutes here: they are in `progress_off_sessions`). Until the next
    /// replan, also the minutes the learner took out in their calendar (reason
    /// [`IN_CALENDAR`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub off_plan: Vec<Unscheduled>,
    pub summary: Summary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathInfo {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCapacity {
    pub date: NaiveDate,
    pub minutes: u32,
    /// The day's free gaps when study windows or busy calendars shape the days (then on every
    /// day, empty on one without free time); `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gaps: Option<Vec<FreeGap>>,
}

/// One free gap of a day, as instants in the plan's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreeGap {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
}

impl DayCapacity {
    /// The capacity of `date`, with its gaps when windows or busy time shape the days.
    #[must_use]
    pub fn of(avail: &crate::calendar::Availability, date: NaiveDate) -> DayCapacity {
        let gaps = avail.free.shapes_days().then(|| {
            avail
                .gaps_on(date)
                .iter()
                .map(|g| FreeGap {
                    start: avail.instant_at(date, g.start),
                    end: avail.instant_at(date, g.end),
                })
                .collect()
        });
        DayCapacity {
            date,
            minutes: avail.minutes_on(date),
            gaps,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionInfo {
    pub id: String,
    pub title: String,
    #[serde(with = "weeks_serde")]
    pub weeks: Option<Weeks>,
    pub window_start: Option<NaiveDate>,
    pub window_end: Option<NaiveDate>,
    pub checkpoint: Option<String>,
}

/// One contiguous block of study on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Stable across replans: derived from path id, item id and part.
    pub uid: String,
    /// Full item id `section-id/item-id`.
    pub item: String,
    pub title: String,
    pub kind: Kind,
    pub section: String,
    pub date: NaiveDate,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub minutes: u32,
    /// 1-based part number and number of parts of the item.
    pub part: u32,
    pub parts: u32,
    pub window_start: Option<NaiveDate>,
    pub window_end: Option<NaiveDate>,
    pub late: bool,
    pub done: bool,
    pub group: Option<String>,
    pub url: Option<String>,
    /// iCalendar SEQUENCE: raised whenever this session's time changes.
    pub sequence: u32,
}

/// The reason of a skipped item's entry in [`Plan::off_plan`].
pub const SKIPPED: &str = "skipped";

/// The reason of an entry in [`Plan::off_plan`] for minutes the learner took out of the plan in
/// their calendar (`sync`: a session deleted or shortened): they are still to do, and the next
/// replan plans them again.
pub const IN_CALENDAR: &str =
    "deleted or shortened in your calendar; `studyplan replan` plans it again";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unscheduled {
    pub item: String,
    pub title: String,
    pub kind: Kind,
    pub minutes: u32,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overload {
    pub section: String,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    /// Required minutes that had to go after the window.
    pub late_minutes: u32,
    /// `--hours` below which the required work due by the window's end cannot fit (a lower
    /// bound of what `plan --fit` answers; 24 when no hours are enough).
    pub needed_hours_per_day: f64,
    /// The same for people: `at least 35 min every day`, or why no hours are enough.
    #[serde(default)]
    pub needed: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub required_minutes: u32,
    pub required_in_window_minutes: u32,
    pub required_late_minutes: u32,
    pub optional_minutes: u32,
    pub optional_scheduled_minutes: u32,
    pub reference_minutes: u32,
    pub reference_scheduled_minutes: u32,
    /// Sum over late sessions of minutes × days past the window's end (priority 2).
    pub late_minute_days: u64,
    /// True only when the solver proved every priority level optimal.
    pub optimal: bool,
    /// Whether priority 1 (required minutes in their windows) was proven optimal, which is
    /// what says the hours cannot fit more: true whenever `optimal` is. State files written
    /// before it was recorded lack it; [`Summary::required_proven`] then reads `optimal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_optimal: Option<bool>,
    /// Whether priority 2 (late work) was proven optimal as well: true whenever `optimal` is.
    /// State files written before it was recorded lack it; [`Summary::proven`] then reads
    /// `optimal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_optimal: Option<bool>,
    /// Relative gap left at the level where the time limit was hit, when not optimal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<f64>,
    /// Why the plan is not proven optimal, when it is not the time limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Whether the path-order rule was lifted (`--any-order`).
    #[serde(default)]
    pub any_order: bool,
    /// What lifting the path-order rule would gain at priorities 1 and 2; `None` when it was
    /// not worked out (with `--any-order`, or when that solve was not proven).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_cost: Option<OrderCost>,
    /// The required minutes in their windows `--any-order` would gain, when that was proven
    /// and its late work was not (`order_cost` is then `None`): the report still gives the
    /// figure. Not in the JSON, whose `order_cost` has both figures or is null.
    #[serde(skip)]
    pub order_cost_in_window: Option<u32>,
}

impl Summary {
    /// Whether priority 1 was proven optimal (see [`Summary::required_optimal`]).
    pub fn required_proven(&self) -> bool {
        self.required_optimal.unwrap_or(self.optimal)
    }

    /// How far down the priorities the plan is proven (see [`Summary::late_optimal`]).
    pub fn proven(&self) -> Proven {
        if !self.required_proven() {
            Proven::Nothing
        } else if self.late_optimal.unwrap_or(self.optimal) {
            Proven::Lateness
        } else {
            Proven::InWindow
        }
    }

    /// The gap of the first level not proven, where there is a finite one (a solve stopped
    /// before its first bound has none).
    pub fn finite_gap(&self) -> Option<f64> {
        self.gap.filter(|g| g.is_finite())
    }
}

/// How far down the priorities a plan is proven optimal; every level below may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proven {
    /// Not even priority 1.
    Nothing,
    /// Priority 1: no plan fits more required minutes in their windows.
    InWindow,
    /// Priorities 1 and 2: nor does any such plan have less late work.
    Lateness,
}

/// What following the path's order costs, compared with `--any-order`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCost {
    /// Required minutes `--any-order` would fit inside their windows on top of this plan's.
    pub required_in_window_minutes: u32,
    /// Late minute-days `--any-order` would save.
    pub late_minute_days: u64,
}

impl OrderCost {
    /// Whether following the order costs anything.
    pub fn is_zero(&self) -> bool {
        self.required_in_window_minutes == 0 && self.late_minute_days == 0
    }
}

impl Plan {
    /// `minutes` of session `s` the learner took out of the plan in their calendar (`sync`: a
    /// deletion, or the end of a shortened event): they leave the summary, and until a replan
    /// plans them again they stay work to do in [`Plan::off_plan`], so `status` and `chart` keep
    /// counting them.
    pub fn take_out(&mut self, s: &Session, minutes: u32) {
        // The summary counts the work the plan holds: these minutes no longer are.
        self.tally(s, minutes, false);
        match self
            .off_plan
            .iter_mut()
            .find(|u| u.item == s.item && u.reason == IN_CALENDAR)
        {
            Some(u) => u.minutes += minutes,
            None => self.off_plan.push(Unscheduled {
                item: s.item.clone(),
                title: s.title.clone(),
                kind: s.kind,
                minutes,
                reason: IN_CALENDAR.to_string(),
            }),
        }
    }

    /// A session the learner moved in their calendar (`before` → `after`, with the minutes it
    /// has now): the summary counts its minutes where they are now, in window or late.
    pub fn moved(&mut self, before: &Session, after: &Session) {
        self.tally(before, after.minutes, false);
        self.tally(after, after.minutes, true);
    }

    /// Add (or take away) `minutes` of session `s` to the summary's figures for its kind, in
    /// window or late (with its days past the window's end).
    fn tally(&mut self, s: &Session, minutes: u32, add: bool) {
        let change = |figure: &mut u32, by: u32| {
            *figure = if add {
                figure.saturating_add(by)
            } else {
                figure.saturating_sub(by)
            };
        };
        let summary = &mut self.summary;
        match (s.kind, s.late) {
            (Kind::Required, false) => change(&mut summary.required_in_window_minutes, minutes),
            (Kind::Required, true) => {
                change(&mut summary.required_late_minutes, minutes);
                let days = s
                    .window_end
                    .map_or(0, |end| (s.date - end).num_days().max(0).unsigned_abs());
                let by = u64::from(minutes) * days;
                summary.late_minute_days = if add {
                    summary.late_minute_days.saturating_add(by)
                } else {
                    summary.late_minute_days.saturating_sub(by)
                };
            }
            (Kind::Optional, _) => change(&mut summary.optional_scheduled_minutes, minutes),
            (Kind::Reference, _) => change(&mut summary.reference_scheduled_minutes, minutes),
        }
    }

    /// Days of the plan that fall in week `n` (1-based).
    pub fn week_of(&self, date: NaiveDate) -> u32 {
        let days = (date - self.start).num_days().max(0) as u32;
        days / 7 + 1
    }

    /// Number of weeks the plan spans.
    pub fn weeks(&self) -> u32 {
        self.capacity.last().map_or(0, |d| self.week_of(d.date))
    }

    /// Each item's estimate as the plan accounts for it: the minutes of its sessions, of its
    /// unscheduled or skipped entry, and of its partial progress done off its sessions
    /// ([`Plan::progress_off_sessions`]).
    pub fn item_minutes(&self) -> BTreeMap<&str, u32> {
        let mut out: BTreeMap<&str, u32> = BTreeMap::new();
        for s in &self.sessions {
            *out.entry(s.item.as_str()).or_default() += s.minutes;
        }
        for u in self.unscheduled.iter().chain(&self.off_plan) {
            *out.entry(u.item.as_str()).or_default() += u.minutes;
        }
        for (item, &m) in &self.progress_off_sessions {
            *out.entry(item.as_str()).or_default() += m;
        }
        out
    }

    pub fn section(&self, id: &str) -> Option<&SectionInfo> {
        self.sections.iter().find(|s| s.id == id)
    }
}

mod weeks_serde {
    use crate::path::Weeks;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(w: &Option<Weeks>, s: S) -> Result<S::Ok, S::Error> {
        match w {
            Some(w) => s.serialize_str(&w.to_string()),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Weeks>, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        s.map(|s| crate::path::load::parse_weeks(&s).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session moved past its window counts as late, by its days past the window's end, and
    /// moved back it counts in window again: the summary ends where it started.
    #[test]
    fn a_moved_session_counts_where_it_is_now() {
        let mut plan = crate::output::sample_plan();
        let start = plan.summary.clone();
        let before = plan
            .sessions
            .iter()
            .find(|s| s.kind == Kind::Required && !s.late && s.window_end.is_some())
            .expect("a required session in its window")
            .clone();
        let end = before.window_end.expect("a window");
        let mut after = before.clone();
        after.date = end + chrono::Duration::days(3);
        after.late = true;
        plan.moved(&before, &after);
        let m = before.minutes;
        assert_eq!(
            plan.summary.required_in_window_minutes,
            start.required_in_window_minutes - m
        );
        assert_eq!(
            plan.summary.required_late_minutes,
            start.required_late_minutes + m
        );
        assert_eq!(
            plan.summary.late_minute_days,
            start.late_minute_days + u64::from(m) * 3
        );
        plan.moved(&after, &before);
        assert_eq!(plan.summary, start);
    }
}
