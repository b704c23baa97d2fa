//! What-if (`studyplan plan … --fit`): how many hours a day would make every required item fit
//! its window, and what the given hours lead to. The hours themselves come from
//! [`need::smallest`], the one answer to "how many hours a day do I need?".
//!
//! The same search runs per late window on the part of the path that is due by the end of that
//! window (every section whose window ends no later), so a learner sees which stretch of the
//! path asks for the hours. A window the plan has late never gets an answer at or below the
//! given hours: when the work due by its end fits at them on its own, its days went to later
//! work, and the answer is that of the first later stretch that does not fit. Work that cannot
//! fit at any hours (a window without study days, an item split by `--max-session` into more
//! parts than the window has study days, days that end at midnight or with their windows) is
//! reported with its reason instead of a number. The text rendering is
//! [`crate::output::fit`].
//!
//! No I/O and no clock: the caller hands in the plan made at the given hours.

use crate::error::Result;
use crate::need::{self, Hours, Needed, Week};
use crate::path::{Kind, LearningPath};
use crate::plan::{PathInfo, Plan};
use crate::schedule::Settings;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// What the given hours lead to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtGivenHours {
    pub hours: Hours,
    /// Whether study windows or busy calendars shape the days: the hours are then hours
    /// within the free time of the windows.
    pub within_windows: bool,
    pub required_minutes: u32,
    pub required_in_window_minutes: u32,
    pub required_late_minutes: u32,
    /// Last day with a required session.
    pub required_finish: Option<NaiveDate>,
    /// Last day with any session.
    pub all_finish: Option<NaiveDate>,
    /// End of the last window of the path.
    pub last_window_end: Option<NaiveDate>,
    /// Optional and reference work that does not fit and is left out of the plan.
    pub left_out_items: usize,
    pub left_out_minutes: u32,
    /// Whether the plan at these hours was proven optimal.
    pub optimal: bool,
}

/// One window whose required work runs late at the given hours.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowNeed {
    pub section: String,
    pub title: String,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    /// Required minutes of this section planned after its window at the given hours.
    pub late_minutes: u32,
    /// The hours that fit every required item due by `window_end`, or, when that fits at the
    /// given hours, due by the end of `crowded_by` (a lower bound for this window: later
    /// windows compete for its days too). Above the given hours, unless
    /// `fits_at_given_hours`.
    pub needed: Needed,
    /// The section whose window ends first among the later ones whose work, together with
    /// everything due before, does not fit at the given hours: its work takes this window's days.
    pub crowded_by: Option<String>,
    /// True only when the work due by the end of every window fits at the given hours, so the
    /// plan has this window late only because it hit its time limit.
    pub fits_at_given_hours: bool,
}

/// The whole what-if answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    pub path: PathInfo,
    pub start: NaiveDate,
    pub at_given_hours: AtGivenHours,
    /// Hours at which every required item of the path fits its window.
    pub fit: Needed,
    /// Per window that is overloaded at the given hours.
    pub windows: Vec<WindowNeed>,
}

/// The what-if answer for `path` at `settings`, given the plan made at those settings.
/// `on_step` hears what is being solved, for a progress display (from two threads).
///
/// # Errors
///
/// When the solver breaks down.
pub fn analyze(
    path: &LearningPath,
    settings: &Settings,
    plan: &Plan,
    on_step: &(dyn Fn(&str, u32) + Sync),
) -> Result<WhatIf> {
    let avail = &settings.availability;
    let s = &plan.summary;
    let last = |kind: Option<Kind>| {
        plan.sessions
            .iter()
            .filter(|x| kind.is_none_or(|k| x.kind == k))
            .map(|x| x.date)
            .max()
    };
    let left_out: Vec<_> = plan
        .unscheduled
        .iter()
        .filter(|u| u.kind != Kind::Required)
        .collect();
    let at_given_hours = AtGivenHours {
        hours: Hours::of(avail.weekday_minutes),
        within_windows: avail.free.shapes_days(),
        required_minutes: s.required_minutes,
        required_in_window_minutes: s.required_in_window_minutes,
        required_late_minutes: s.required_late_minutes,
        required_finish: last(Some(Kind::Required)),
        all_finish: last(None),
        last_window_end: path
            .sections
            .iter()
            .filter_map(|x| x.weeks)
            .map(|w| avail.date(w.last_day()))
            .max(),
        left_out_items: left_out.len(),
        left_out_minutes: left_out.iter().map(|u| u.minutes).sum(),
        optimal: s.optimal,
    };
    // Every search below is of a part of the whole path: what one learns at a base day
    // answers the others' candidates there where the nesting tells, and the whole path's
    // answer bounds every end's search (see [`need::Nested`]). At 0.5 h a day on the bundled
    // path `--fit` took 0.86–0.89 s instead of 1.05–1.11 s.
    let nested = need::Nested::default();
    let fit = need::smallest(path, settings, Some((&nested, u32::MAX)), &mut |day| {
        on_step("the whole path", day);
    })?;
    let given = Week::of(avail).base();
    // Whether an answer asks for more than the given hours.
    let beyond = |n: &Needed| !n.possible || n.base().is_some_and(|b| b > given);

    let search = |end: u32, name: &str| {
        need::smallest(
            &need::due_by(path, end),
            settings,
            Some((&nested, end)),
            &mut |day| {
                on_step(name, day);
            },
        )
    };
    // Window ends, each with the first section (in path order) that ends there.
    let mut ends: BTreeMap<u32, &str> = BTreeMap::new();
    for section in &path.sections {
        if let Some(w) = section.weeks {
            ends.entry(w.last_day()).or_insert(section.id.as_str());
        }
    }
    // Answers per window end (sections that end on the same day share one). Every late
    // window's own end is asked below whatever the answers; those searches need none of each
    // other's answers (they only spare solves, as above), so two threads share them. At 0.5 h
    // a day on the bundled path they are ten, 0.02 to 0.17 s each before the answers were
    // shared.
    let late: std::collections::BTreeSet<u32> = plan
        .overloaded
        .iter()
        .filter_map(|o| path.sections.iter().find(|x| x.id == o.section))
        .filter_map(|x| x.weeks.map(crate::path::Weeks::last_day))
        .collect();
    let own: Vec<(u32, &str)> = ends
        .iter()
        .filter(|(end, _)| late.contains(end))
        .map(|(&end, &name)| (end, name))
        .collect();
    let mut by_end: BTreeMap<u32, Needed> = BTreeMap::new();
    for ((end, _), n) in own
        .iter()
        .zip(on_two_threads(&own, |&(end, name)| search(end, name)))
    {
        by_end.insert(*end, n?);
    }
    let mut needed_by = |end: u32, name: &str| -> Result<Needed> {
        if let Some(n) = by_end.get(&end) {
            return Ok(n.clone());
        }
        let n = search(end, name)?;
        by_end.insert(end, n.clone());
        Ok(n)
    };

    let mut windows = Vec::new();
    for o in &plan.overloaded {
        let Some(section) = path.sections.iter().find(|x| x.id == o.section) else {
            continue;
        };
        let Some(weeks) = section.weeks else { continue };
        let own = needed_by(weeks.last_day(), &section.id)?;
        let (mut needed, mut crowded_by, mut fits_at_given_hours) = (own.clone(), None, false);
        if !beyond(&own) {
            // Its own work fits at the given hours: later work took its days. The first later
            // stretch that does not fit is what the hours must grow for.
            fits_at_given_hours = true;
            for (&end, &id) in ends.range(weeks.last_day() + 1..) {
                let n = needed_by(end, id)?;
                if beyond(&n) {
                    needed = n;
                    crowded_by = Some(id.to_string());
                    fits_at_given_hours = false;
                    break;
                }
            }
        }
        windows.push(WindowNeed {
            section: section.id.clone(),
            title: section.title.clone(),
            window_start: o.window_start,
            window_end: o.window_end,
            late_minutes: o.late_minutes,
            needed,
            crowded_by,
            fits_at_given_hours,
        });
    }
    Ok(WhatIf {
        path: plan.path.clone(),
        start: plan.start,
        at_given_hours,
        fit,
        windows,
    })
}

/// `f` of each of `items`, in their order, worked out on this thread and one more (this one
/// alone when no thread can be started): the items are taken in turn by whichever is free.
fn on_two_threads<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut done = std::thread::scope(|scope| {
        let helper = (items.len() > 1)
            .then(|| {
                std::thread::Builder::new()
                    .name("what-if".into())
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .flatten();
        let mut done = work();
        if let Some(helper) = helper {
            // A panic on the helper is one on this thread too.
            done.extend(
                helper
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
        }
        done
    });
    done.sort_unstable_by_key(|&(i, _)| i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::on_two_threads;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Every item is worked out once, and the answers come in the items' order, however the
    /// two threads share them.
    #[test]
    fn two_threads_answer_each_item_once_in_order() {
        for n in [0, 1, 2, 7, 100] {
            let items: Vec<u64> = (0..n).collect();
            let calls = AtomicUsize::new(0);
            let squares = on_two_threads(&items, |&x| {
                calls.fetch_add(1, Ordering::Relaxed);
                x * x
            });
            assert_eq!(squares, items.iter().map(|x| x * x).collect::<Vec<_>>());
            assert_eq!(calls.into_inner(), items.len());
        }
    }
}
