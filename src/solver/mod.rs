//! The optimisation problem in plain numbers, and its exact solution.
//!
//! A [`Problem`] is days with capacities and tasks with parts, windows and precedences; nothing
//! here knows about dates, paths or files. [`solve`] runs the greedy list scheduler
//! ([`greedy`]) for a first feasible answer. Where the path's order tells all (items of one
//! session under path order), the walk by sections in [`dp`] gives the optimum at every level
//! directly; otherwise the MIP in [`model`] solves level by level (the contract's priorities
//! 1 → 4, each optimum fixed before the next), warm-started from the best plan at hand; under
//! path order its level 1 comes from a walk of its own ([`inside`]) where that applies. Only
//! [`model`] knows good_lp.

mod dp;
mod dual;
pub mod greedy;
mod inside;
mod model;

use crate::path::Kind;

/// The scheduling problem for one plan or replan.
///
/// Time comes in slots: without [`Problem::slots`] a slot is a day (slot `d` is day `d`);
/// with them a slot is one free gap of a day, in time order. Everything about days (windows,
/// releases, lateness) is given in slots by the caller and measured in days by the solver.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Room of each slot: without slots, the free study minutes of each day (day 0 is the
    /// plan's start); with them, the gap's minutes plus one break (see [`Slots`]). Its length
    /// is the horizon the caller allows; the solver may use a shorter prefix.
    pub capacity: Vec<u32>,
    pub tasks: Vec<Task>,
    /// For each section, the sections whose required work must be finished (by day) before any
    /// session of this section. Used for sections without weeks ("after the sections before it").
    pub section_after: Vec<Vec<usize>>,
    /// The path-order rule: in each chain (tasks of one section and kind, in path order), the
    /// first part of a scheduled task is on or after the first part of every scheduled task
    /// before it. Empty with `--any-order`.
    pub chains: Vec<Vec<usize>>,
    /// Several free gaps a day (study windows, busy calendars, breaks); `None`: one a day.
    pub slots: Option<Slots>,
}

/// The free gaps of the days, as the solver's time unit.
///
/// A session lies inside one gap; sessions of one gap are `break_minutes` apart, so a session
/// of `m` minutes takes `m + break_minutes` of its slot's room, and a slot's room is its
/// length plus one break. A day's sessions together stay within its study minutes.
#[derive(Debug, Clone, PartialEq)]
pub struct Slots {
    /// The day of each slot, non-decreasing from 0, every day with at least one slot (a day
    /// without study has one slot of no room). As long as [`Problem::capacity`].
    pub day: Vec<u32>,
    /// Study minutes of each day.
    pub day_minutes: Vec<u32>,
    pub break_minutes: u32,
}

impl Problem {
    /// The minutes of every required task.
    pub fn required_minutes(&self) -> u64 {
        self.tasks
            .iter()
            .filter(|t| t.kind == Kind::Required)
            .map(|t| u64::from(t.minutes()))
            .sum()
    }

    /// The day slot `s` is on.
    pub fn day(&self, s: u32) -> u32 {
        match &self.slots {
            None => s,
            Some(x) => match x.day.get(s as usize) {
                Some(&d) => d,
                // Past the horizon: one slot a day after the last.
                None => x.day.last().map_or(0, |&d| d + 1) + s - x.day.len() as u32,
            },
        }
    }

    /// The room a session of `minutes` takes in its slot.
    pub fn room(&self, minutes: u32) -> u32 {
        minutes + self.slots.as_ref().map_or(0, |x| x.break_minutes)
    }

    /// Study minutes of `day`, when a day holds several slots.
    pub fn day_minutes(&self, day: u32) -> Option<u32> {
        self.slots
            .as_ref()
            .map(|x| x.day_minutes.get(day as usize).copied().unwrap_or(0))
    }

    /// The last slot of the day before slot `s`'s day, or `None` on the first day.
    pub fn last_slot_before_day_of(&self, s: u32) -> Option<u32> {
        let Some(x) = &self.slots else {
            return s.checked_sub(1);
        };
        let day = self.day(s);
        let first = x.day.partition_point(|&d| d < day) as u32;
        first.checked_sub(1)
    }

    /// The first slot of the day after slot `s`'s day.
    pub fn first_slot_after_day_of(&self, s: u32) -> u32 {
        match &self.slots {
            None => s + 1,
            Some(x) => {
                let day = self.day(s);
                (x.day.partition_point(|&d| d <= day) as u32).max(s + 1)
            }
        }
    }

    /// The last slot at most `days` days after slot `s`'s day (within the horizon).
    pub fn last_slot_within(&self, s: u32, days: u32) -> u32 {
        match &self.slots {
            None => s.saturating_add(days),
            Some(x) => {
                let day = self.day(s).saturating_add(days);
                (x.day.partition_point(|&d| d <= day) as u32)
                    .saturating_sub(1)
                    .max(s)
            }
        }
    }

    /// Days from slot `end`'s day to slot `s`'s day (0 when `s` is not later).
    pub fn days_after(&self, s: u32, end: u32) -> u32 {
        self.day(s).saturating_sub(self.day(end))
    }
}

/// One item to place, possibly split into parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub section: usize,
    pub kind: Kind,
    /// Minutes of each part, in order; every part goes on its own day, in order.
    pub parts: Vec<u32>,
    /// Inclusive range of the section's window, in slots (days without [`Slots`]); `None`
    /// means no deadline.
    pub window: Option<(u32, u32)>,
    /// No part before this slot (day without [`Slots`]).
    pub release: u32,
    /// Tasks (indices) that must be finished before this one starts.
    pub after: Vec<usize>,
    /// Days the parts had in the previous plan (replan): kept when it costs nothing above.
    pub previous: Option<Vec<u32>>,
    /// Days (not slots) no part may be on: a replan's days where the learner deleted a
    /// session of the task in their calendar. Sorted.
    pub avoid: Vec<u32>,
}

impl Task {
    pub fn minutes(&self) -> u32 {
        self.parts.iter().sum()
    }

    /// First day a part may start on.
    pub fn earliest(&self) -> u32 {
        self.window
            .map_or(self.release, |(a, _)| a.max(self.release))
    }

    /// The previous plan's days, when every part had one (`u32::MAX` marks a part without):
    /// what a replan can put the task back on as a whole.
    pub fn previous_days(&self) -> Option<&Vec<u32>> {
        self.previous
            .as_ref()
            .filter(|p| p.len() == self.parts.len() && !p.contains(&u32::MAX))
    }

    /// Whether no part may be on slot `s`'s day.
    pub fn avoids(&self, problem: &Problem, s: u32) -> bool {
        !self.avoid.is_empty() && self.avoid.binary_search(&problem.day(s)).is_ok()
    }

    /// What makes tasks alike: one section and kind, the same parts, window, release and days
    /// to avoid. Alike tasks can trade places in a plan without changing any level (prerequisites
    /// and a replan's previous days aside): the MIP counts them as one class
    /// ([`model`]), and under `--any-order` the walk by sections starts them in path order
    /// ([`dp`]).
    pub(super) fn alike(&self) -> Alike {
        (
            self.section,
            self.kind,
            self.parts.clone(),
            self.window,
            self.release,
            self.avoid.clone(),
        )
    }

    /// Last day an optional/reference part may be on (its window end), if bounded.
    pub fn latest_for_optional(&self) -> Option<u32> {
        match self.kind {
            Kind::Required => None,
            _ => self.window.map(|(_, b)| b),
        }
    }
}

/// What a stretch of sessions takes: room in its slots (sessions and their breaks) and study
/// minutes of its days.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub(super) struct Need {
    pub(super) room: u64,
    pub(super) minutes: u64,
}

impl Need {
    pub(super) fn session(problem: &Problem, minutes: u32) -> Need {
        Need {
            room: u64::from(problem.room(minutes)),
            minutes: u64::from(minutes),
        }
    }

    /// Whether this fits in `left`.
    pub(super) fn fits(self, left: Need) -> bool {
        self.room <= left.room && self.minutes <= left.minutes
    }
}

impl std::ops::Add for Need {
    type Output = Need;
    fn add(self, other: Need) -> Need {
        Need {
            room: self.room + other.room,
            minutes: self.minutes + other.minutes,
        }
    }
}

impl std::ops::Sub for Need {
    type Output = Need;
    fn sub(self, other: Need) -> Need {
        Need {
            room: self.room - other.room,
            minutes: self.minutes - other.minutes,
        }
    }
}

impl std::iter::Sum for Need {
    fn sum<I: Iterator<Item = Need>>(iter: I) -> Need {
        iter.fold(Need::default(), |a, b| a + b)
    }
}

/// See [`Task::alike`].
pub(super) type Alike = (usize, Kind, Vec<u32>, Option<(u32, u32)>, u32, Vec<u32>);

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Seconds for the whole solve (all levels).
    pub time_limit: f64,
    /// Print each level's progress to stderr.
    pub verbose: bool,
    /// The last priority level to solve: fewer levels for what-if searches and for the cost
    /// of the path-order rule.
    pub through: Through,
    /// Let HiGHS print its own log.
    pub solver_log: bool,
    /// Another solve runs beside this one (the order's cost beside the plan's): it has a core,
    /// not the machine, so the MIP runs without the walks, and without HiGHS's RENS heuristic
    /// (see `highs_model`).
    pub beside_another: bool,
    /// The MIP alone decides every level, without the walks by sections ([`dp`]) and without
    /// the walk for priority 1 ([`inside`]): a second, independent answer to check the walks'
    /// proofs against (`STUDYPLAN_MIP_ALONE`; the cross-check in `tests/cli/crosscheck.rs`).
    /// Slower, never needed for a plan.
    pub mip_alone: bool,
}

/// How far down the priorities a solve goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Through {
    /// Priority 1 only: the most required minutes in their windows.
    RequiredInWindow,
    /// Priorities 1 and 2: then the least late work.
    Lateness,
    /// Every level.
    All,
}

/// Why there is no plan at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SolveError {
    /// Some required work does not fit in the days the caller allowed.
    #[error("the planning horizon is too short for the required work")]
    HorizonTooShort,
    /// The solver broke down.
    #[error("{0}")]
    Failed(String),
}

impl Default for Options {
    fn default() -> Self {
        Options {
            time_limit: 10.0,
            verbose: false,
            through: Through::All,
            solver_log: false,
            beside_another: false,
            mip_alone: false,
        }
    }
}

/// Day of every part of every task, or `None` when the task is not scheduled.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub days: Vec<Option<Vec<u32>>>,
    /// True when every level was proven optimal.
    pub optimal: bool,
    /// True when priority 1 (required minutes in their windows) was proven optimal: then
    /// required work planned late cannot fit its window at these hours.
    pub required_proven: bool,
    /// True when priority 2 (late minute-days) was proven optimal too.
    pub lateness_proven: bool,
    /// Relative gap at the first level that was not proven, when not optimal.
    pub gap: Option<f64>,
    /// Why the plan is not proven, when it is not the time limit.
    pub note: Option<String>,
}

/// The objective values of a schedule, level by level (all integral).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Levels {
    /// Priority 1: required minutes inside their windows (more is better).
    pub required_in_window: u64,
    /// Priority 2: Σ late minutes × days past the window end (less is better).
    pub late_minute_days: u64,
    /// Priority 3: optional minutes scheduled, then reference minutes (more is better).
    pub optional: u64,
    pub reference: u64,
    /// Replan only: sessions that kept their previous day (more is better).
    pub kept: u64,
    /// Priority 4: Σ minutes × day (less is better: earlier).
    pub earliness: u64,
}

impl Levels {
    /// Evaluate a schedule.
    pub fn of(problem: &Problem, days: &[Option<Vec<u32>>]) -> Levels {
        let mut l = Levels::default();
        for (task, d) in problem.tasks.iter().zip(days) {
            let Some(d) = d else { continue };
            for (p, &slot) in d.iter().enumerate() {
                l.add(Levels::of_part(problem, task, p, slot));
            }
        }
        l
    }

    /// What part `p` of `task` in `slot` adds to a schedule's levels (which are their sums).
    fn of_part(problem: &Problem, task: &Task, p: usize, slot: u32) -> Levels {
        let m = u64::from(task.parts[p]);
        let mut l = Levels {
            earliness: m * u64::from(problem.day(slot)),
            ..Levels::default()
        };
        if task.previous.as_ref().and_then(|v| v.get(p)) == Some(&slot) {
            l.kept = 1;
        }
        match task.kind {
            Kind::Required => match task.window {
                Some((_, end)) if slot > end => {
                    l.late_minute_days = m * u64::from(problem.days_after(slot, end));
                }
                _ => l.required_in_window = m,
            },
            Kind::Optional => l.optional = m,
            Kind::Reference => l.reference = m,
        }
        l
    }

    /// Add `other`'s values, level by level.
    fn add(&mut self, other: Levels) {
        self.required_in_window += other.required_in_window;
        self.late_minute_days += other.late_minute_days;
        self.optional += other.optional;
        self.reference += other.reference;
        self.kept += other.kept;
        self.earliness += other.earliness;
    }

    /// Lexicographic comparison in the contract's priority order: `Greater` means better.
    pub fn compare(&self, other: &Levels) -> std::cmp::Ordering {
        self.required_in_window
            .cmp(&other.required_in_window)
            .then(other.late_minute_days.cmp(&self.late_minute_days))
            .then(self.optional.cmp(&other.optional))
            .then(self.reference.cmp(&other.reference))
            .then(self.kept.cmp(&other.kept))
            .then(other.earliness.cmp(&self.earliness))
    }
}

/// The greatest common divisor (0 with 0).
fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Solve `problem` exactly (within the time limit), never returning worse than the greedy
/// schedule. In a replan the previous days, where they still fit, are the warm start: then a
/// time limit leaves sessions where they were instead of wherever the solver stopped.
pub fn solve(problem: &Problem, options: &Options) -> Result<Solution, SolveError> {
    solve_until(problem, options, &Stop::never())
}

/// [`solve`], given up early once `stop` is raised: then the answer is the best plan at hand,
/// not proven optimal.
pub fn solve_until(
    problem: &Problem,
    options: &Options,
    stop: &Stop,
) -> Result<Solution, SolveError> {
    let mut start = greedy::schedule(problem);
    // The horizon is the caller's generous bound (one session per study day after every
    // window); required work the greedy cannot place in it means the hours are far too few.
    let placed = |(t, d): (&Task, &Option<Vec<u32>>)| t.kind != Kind::Required || d.is_some();
    if !problem.tasks.iter().zip(&start).all(placed) {
        return Err(SolveError::HorizonTooShort);
    }
    // How a plan compares with another at every level, when it keeps every rule.
    let compare = |days: &[Option<Vec<u32>>], other: &[Option<Vec<u32>>]| {
        is_feasible(problem, days)
            .then(|| Levels::of(problem, days).compare(&Levels::of(problem, other)))
    };
    use std::cmp::Ordering::{Equal, Greater};
    if problem.tasks.iter().any(|t| t.previous.is_some()) {
        let kept = greedy::keep_previous(problem);
        if matches!(compare(&kept, &start), Some(Greater | Equal)) {
            start = kept;
        }
    }
    // Where the path's order tells all, a walk through the sections' progress gives the
    // optimum at every level directly ([`dp`]). Where its whole walk needs longer than its
    // share of the time, it goes on alongside the MIP, and the first to prove its plan ends
    // the other (see [`dp::solve`]).
    let walked = std::time::Instant::now();
    let mip = |handed: dp::Handed, stop: &Stop| {
        let mut start = start.clone();
        // A plan the walk found on its way, where it could not finish, is a warm start when
        // it is better: at 0.6 h a day on the bundled path it has 60 more required minutes in
        // their windows than the greedy plan.
        if let Some(days) = handed.found {
            let better = compare(&days, &start) == Some(Greater);
            if options.verbose {
                stderr!(
                    "solver: the walk by sections has not finished in {:.2}s; its narrow walk's plan {}",
                    walked.elapsed().as_secs_f64(),
                    if better {
                        "is the warm start"
                    } else {
                        "is no better than the warm start"
                    }
                );
            }
            if better {
                start = days;
            }
        }
        // The MIP gets what the walk left of the time limit.
        let options = Options {
            time_limit: (options.time_limit - walked.elapsed().as_secs_f64()).max(0.0),
            ..*options
        };
        model::solve_knowing(problem, &start, &options, stop, handed.required.as_ref())
    };
    // The MIP decides alone where asked to, and under `--any-order` beside another solve,
    // where there is no core to spare for the walks.
    let mip_decides = options.mip_alone || (problem.chains.is_empty() && options.beside_another);
    let walk = if mip_decides {
        dp::Walked {
            optimum: None,
            alongside: Some(mip(dp::Handed::default(), stop)),
            least: None,
        }
    } else if !problem.chains.is_empty() {
        dp::solve(problem, &start, options.time_limit, stop, mip)
    } else {
        race_unordered(problem, &start, options, stop)
    };
    if let Some(mut days) = walk.optimum {
        if matches!(compare(&days, &start), Some(Greater | Equal)) {
            if options.verbose {
                stderr!(
                    "solver: the walk by sections gives the optimum in {:.2}s, earliness {}",
                    walked.elapsed().as_secs_f64(),
                    Levels::of(problem, &days).earliness
                );
            }
            // Ties between sections read in path order, as the MIP's plans do.
            keep_path_order(problem, &mut days);
            return Ok(Solution {
                days,
                optimal: true,
                required_proven: true,
                lateness_proven: true,
                gap: None,
                note: None,
            });
        }
    }
    let solution = match walk.alongside {
        Some(solution) => solution,
        // The walk's optimum was no better than the start (never seen): the MIP decides.
        None => model::solve(problem, &start, options, stop),
    };
    let mut solution = solution.map_err(SolveError::Failed)?;
    if let Some(least) = walk.least {
        if options.verbose && !solution.optimal {
            stderr!(
                "solver: the walk's bounds: every plan has at least {} required minutes outside \
                 their windows, and then at least {} late minute-days",
                least.outside(),
                least.late_with(least.outside())
            );
        }
        measure_by_walk_bound(problem, &mut solution, least);
    }
    keep_path_order(problem, &mut solution.days);
    Ok(solution)
}

/// Under `--any-order`: the walks ([`dp::walk_unordered`]) on this thread race the MIP from
/// `start` on a thread of its own, each on a core; the first to prove its plan ends the other.
/// Where the walks would not win (late work on most days, see `dp::may_win_the_race`), they
/// do not run, and the MIP's levels take both cores (`model::run_level`).
/// The plan does not wait for the MIP once the walks have proven theirs: HiGHS heeds the
/// stop only between its steps, and its root's searches take seconds (at 0.8 h a day on the
/// bundled path the walks proved the plan at 2.9 s and HiGHS stopped at 5.4 s). It ends at its
/// next interrupt point on its own.
fn race_unordered(
    problem: &Problem,
    start: &[Option<Vec<u32>>],
    options: &Options,
    stop: &Stop,
) -> dp::Walked<Result<Solution, String>> {
    let inner = Stop::within(stop);
    let (send, answer) = std::sync::mpsc::channel();
    let spawned = {
        let (problem, start, options, inner) =
            (problem.clone(), start.to_vec(), *options, inner.clone());
        std::thread::Builder::new()
            .name("mip".into())
            .spawn(move || {
                let solution = model::solve(&problem, &start, &options, &inner);
                inner.raise();
                // The plan may no longer be listening: the walks have proven theirs.
                let _ = send.send(solution);
            })
    };
    if spawned.is_err() {
        return dp::Walked {
            optimum: None,
            alongside: Some(model::solve(problem, start, options, stop)),
            least: None,
        };
    }
    let walked = dp::walk_unordered(problem, start, options.time_limit, &inner);
    let alongside = if walked.optimum.is_some() {
        inner.raise();
        None
    } else {
        answer.recv().ok()
    };
    dp::Walked {
        optimum: walked.optimum,
        alongside,
        least: walked.least,
    }
}

/// Where priority 1 or 2 is not proven, measure the plan against the walk's bounds before any
/// step ([`dp::Walked::least`]). A plan that reaches the bound of the first level not proven
/// is proven at that level; otherwise its gap is the smaller of the solver's and this one.
/// The plans too large for the MIP had no gap at all (the one-year generated path, 2,000
/// items, got the greedy plan and no measure of how far it may be from the best), and the
/// MIP often reaches no bound of priority 2 in its time: at 0.3–0.45 h a day on the bundled
/// path priority 1 was proven and the plan had no gap.
fn measure_by_walk_bound(problem: &Problem, solution: &mut Solution, least: dp::Least) {
    if solution.optimal {
        return;
    }
    let levels = Levels::of(problem, &solution.days);
    let smaller_gap = |solution: &mut Solution, gap: f64| {
        solution.gap = Some(
            solution
                .gap
                .filter(|g| g.is_finite())
                .map_or(gap, |g| g.min(gap)),
        );
    };
    if !solution.required_proven {
        let most = problem.required_minutes().saturating_sub(least.outside());
        let found = levels.required_in_window;
        if found < most {
            smaller_gap(solution, (most - found) as f64 / most as f64);
            return;
        }
        solution.required_proven = true;
        // The solver's gap, if any, was of priority 1.
        solution.gap = None;
    }
    if solution.lateness_proven {
        return;
    }
    let late = levels.late_minute_days;
    // The walk's late minute-days bound this plan only as far as they hold for its minutes
    // outside (see [`dp::Least::floor`]).
    let outside = problem
        .required_minutes()
        .saturating_sub(levels.required_in_window);
    let least_late = least.late_with(outside);
    if late <= least_late {
        // Proven at priority 2 as well; the next level's gap is not known.
        solution.lateness_proven = true;
        solution.gap = None;
        return;
    }
    smaller_gap(solution, (late - least_late) as f64 / late as f64);
}

/// Threads of this process busy with a solve beside the plan's own MIP: the whole walk by
/// sections alongside it, the walks that race it under `--any-order`, the order's cost. A
/// level's search by sections ([`model::searched_level`]) waits for a core none of them uses,
/// and a level's LP and MIP run side by side only when none runs (`model::run_level`), so that
/// the process never runs three solving threads on two cores. Measured, the wait is within
/// noise: one bench run without it had a generated path (seed 1, 0.5 h + 1 h, proven by the
/// walk) at 1.34 s against 0.88 s, but interleaved runs with and without it all took 0.82 to
/// 1.15 s.
static BESIDE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// One thread counted in [`BESIDE`] while this lives.
pub(crate) struct Beside(());

impl Beside {
    pub(crate) fn enter() -> Beside {
        BESIDE.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Beside(())
    }

    /// Whether no thread is busy beside the plan's MIP.
    pub(super) fn none() -> bool {
        BESIDE.load(std::sync::atomic::Ordering::SeqCst) == 0
    }
}

impl Drop for Beside {
    fn drop(&mut self) {
        BESIDE.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A flag one solve raises to end another early: the walk by sections, once it has the
/// optimum, ends the MIP that runs alongside it, and the MIP's end ends the walk. A flag made
/// [`Stop::within`] another also counts as raised when that one is: so the caller's flag (the
/// order cost's solve, given up once the plan no longer needs it) reaches the walks and the
/// MIP inside, while raising the inner flag leaves the caller's alone.
#[derive(Clone)]
pub struct Stop(Vec<std::sync::Arc<std::sync::atomic::AtomicBool>>);

impl Stop {
    /// A flag that can be raised.
    pub fn shared() -> Stop {
        Stop(vec![std::sync::Arc::default()])
    }

    /// A flag nothing raises.
    pub fn never() -> Stop {
        Stop(Vec::new())
    }

    /// A flag of its own that is also raised whenever `outer` is.
    pub(super) fn within(outer: &Stop) -> Stop {
        let mut flags = Stop::shared().0;
        flags.extend(outer.0.iter().cloned());
        Stop(flags)
    }

    /// Raise this flag (not the ones it is [`Stop::within`]).
    pub fn raise(&self) {
        if let Some(flag) = self.0.first() {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    pub fn raised(&self) -> bool {
        self.0
            .iter()
            .any(|flag| flag.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Whether anything can raise it (HiGHS then needs its interrupt callback).
    pub(super) fn can_be_raised(&self) -> bool {
        !self.0.is_empty()
    }
}

/// Whether every required task can lie inside its window: priority 1 at its most, decided
/// without optimising anything. `Some(answer)` when proven, `None` when the time limit ran
/// out first. What-if searches (`--fit`) ask only this, for many candidate days, so it skips
/// all that the answer does not need: optional and reference work (required work never waits
/// for an optional item left out), late days (a schedule that fits has none), and the search
/// for the best value (the model only has to be feasible or proven infeasible).
pub fn fits_in_windows(problem: &Problem, options: &Options) -> Result<Option<bool>, SolveError> {
    let required = required_only(problem);
    let start = greedy::schedule(&required);
    let in_window = |(t, d): (&Task, &Option<Vec<u32>>)| match (t.window, d) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some((_, end)), Some(d)) => d.iter().all(|&s| s <= end),
    };
    if required.tasks.iter().zip(&start).all(in_window) {
        return Ok(Some(true));
    }
    if required.tasks.iter().any(|t| t.window.is_none()) {
        // Work without a window may need days past every window, which the windows-only
        // model below does not have: ask priority 1 in full instead.
        let solution = solve(
            problem,
            &Options {
                through: Through::RequiredInWindow,
                ..*options
            },
        )?;
        let total: u64 = required.tasks.iter().map(|t| u64::from(t.minutes())).sum();
        let best = Levels::of(problem, &solution.days).required_in_window;
        return Ok(if best == total {
            Some(true)
        } else {
            solution.optimal.then_some(false)
        });
    }
    model::fits_in_windows(&required, options).map_err(SolveError::Failed)
}

/// `problem` with its required tasks only (prerequisites, chains and sections renumbered).
/// Priorities 1 and 2 are the same for it as for `problem`: required work never waits for
/// optional work, which a plan may always leave out.
pub fn required_only(problem: &Problem) -> Problem {
    let mut index = vec![None; problem.tasks.len()];
    let mut tasks = Vec::new();
    for (i, t) in problem.tasks.iter().enumerate() {
        if t.kind == Kind::Required {
            index[i] = Some(tasks.len());
            tasks.push(Task {
                previous: None,
                ..t.clone()
            });
        }
    }
    for t in &mut tasks {
        t.after = t.after.iter().filter_map(|&j| index[j]).collect();
    }
    let chains = problem
        .chains
        .iter()
        .map(|c| c.iter().filter_map(|&t| index[t]).collect::<Vec<_>>())
        .filter(|c| c.len() > 1)
        .collect();
    Problem {
        capacity: problem.capacity.clone(),
        tasks,
        section_after: problem.section_after.clone(),
        chains,
        slots: problem.slots.clone(),
    }
}

/// Checks [`keep_path_order`] may spend: each is a pass over the plan.
const PATH_ORDER_CHECKS: usize = 20_000;

/// Among schedules equal at every level, prefer path order (the contract's "path order is
/// kept where it costs nothing above"): two sessions of the same length swap days when the
/// later one comes first in the path, if every rule and every level stays as it was.
fn keep_path_order(problem: &Problem, days: &mut [Option<Vec<u32>>]) {
    let mut by_size = std::collections::BTreeMap::<u32, Vec<(usize, usize)>>::default();
    for (t, (task, d)) in problem.tasks.iter().zip(days.iter()).enumerate() {
        if d.is_some() {
            for (p, &m) in task.parts.iter().enumerate() {
                by_size.entry(m).or_default().push((t, p));
            }
        }
    }
    let mut budget = PATH_ORDER_CHECKS;
    let day =
        |days: &[Option<Vec<u32>>], (t, p): (usize, usize)| days[t].as_ref().map_or(0, |d| d[p]);
    loop {
        let mut changed = false;
        for sessions in by_size.values() {
            for (i, &a) in sessions.iter().enumerate() {
                for &b in &sessions[i + 1..] {
                    // `a` comes first in the path; it should not be on a later day.
                    if a.0 == b.0 || day(days, a) <= day(days, b) {
                        continue;
                    }
                    if budget == 0 {
                        return;
                    }
                    budget -= 1;
                    let (da, db) = (day(days, a), day(days, b));
                    // The levels are sums over the parts: the swap keeps them where it keeps
                    // the two parts' sum, which is much cheaper to ask than the whole plan's.
                    let both = |(ta, pa): (usize, usize), sa, (tb, pb): (usize, usize), sb| {
                        let mut l = Levels::of_part(problem, &problem.tasks[ta], pa, sa);
                        l.add(Levels::of_part(problem, &problem.tasks[tb], pb, sb));
                        l
                    };
                    if both(a, db, b, da) != both(a, da, b, db) {
                        continue;
                    }
                    let set = |days: &mut [Option<Vec<u32>>], (t, p): (usize, usize), d: u32| {
                        if let Some(v) = days[t].as_mut() {
                            v[p] = d;
                        }
                    };
                    set(days, a, db);
                    set(days, b, da);
                    if is_feasible(problem, days) {
                        changed = true;
                    } else {
                        set(days, a, da);
                        set(days, b, db);
                    }
                }
            }
        }
        if !changed {
            return;
        }
    }
}

/// Whether `days` keeps every hard rule of `problem`.
pub fn is_feasible(problem: &Problem, days: &[Option<Vec<u32>>]) -> bool {
    let horizon = problem.capacity.len();
    let mut used = vec![0u32; horizon];
    // Study minutes by day, where a day holds several slots (else a slot's room is its day's).
    let day_count = match (&problem.slots, horizon.checked_sub(1)) {
        (Some(_), Some(last)) => problem.day(last as u32) as usize + 1,
        _ => 0,
    };
    let mut minutes_on = vec![0u32; day_count];
    let sections = problem.section_after.len();
    let mut last_required = vec![None::<u32>; sections];
    for (task, d) in problem.tasks.iter().zip(days) {
        let Some(d) = d else {
            if task.kind == Kind::Required {
                return false;
            }
            continue;
        };
        // Parts on distinct days, in order.
        if d.len() != task.parts.len()
            || d.windows(2).any(|w| problem.day(w[0]) >= problem.day(w[1]))
        {
            return false;
        }
        let (Some(&first), Some(&last)) = (d.first(), d.last()) else {
            return false;
        };
        if first < task.earliest() || last as usize >= horizon {
            return false;
        }
        if task.latest_for_optional().is_some_and(|b| last > b) {
            return false;
        }
        if d.iter().any(|&s| task.avoids(problem, s)) {
            return false;
        }
        for (&slot, &m) in d.iter().zip(&task.parts) {
            used[slot as usize] += problem.room(m);
            if let Some(on) = minutes_on.get_mut(problem.day(slot) as usize) {
                *on += m;
            }
        }
        if task.kind == Kind::Required {
            let l = &mut last_required[task.section];
            *l = Some(l.map_or(last, |x| x.max(last)));
        }
    }
    if used.iter().zip(&problem.capacity).any(|(u, c)| u > c) {
        return false;
    }
    if minutes_on
        .iter()
        .zip(0..)
        .any(|(&m, day)| problem.day_minutes(day).is_some_and(|most| m > most))
    {
        return false;
    }
    if !in_chain_order(problem, days) {
        return false;
    }
    for (task, d) in problem.tasks.iter().zip(days) {
        let Some(first) = d.as_ref().and_then(|d| d.first().copied()) else {
            continue;
        };
        for &j in &task.after {
            match days[j].as_ref().and_then(|d| d.last().copied()) {
                Some(done) if done > first => return false,
                // A required task may go ahead of an optional prerequisite left out.
                None if task.kind != Kind::Required || problem.tasks[j].kind == Kind::Required => {
                    return false
                }
                Some(_) | None => {}
            }
        }
        // The sections whose required work it follows: the sections it waits for, and its own
        // for an optional or reference task.
        let own = (task.kind != Kind::Required).then_some(task.section);
        let mut after = problem.section_after[task.section]
            .iter()
            .copied()
            .chain(own);
        if after.any(|s| last_required[s].is_some_and(|l| l > first)) {
            return false;
        }
    }
    true
}

/// Whether every chain of `problem` starts its scheduled tasks in order (the path-order rule).
pub fn in_chain_order(problem: &Problem, days: &[Option<Vec<u32>>]) -> bool {
    problem.chains.iter().all(|chain| {
        let firsts = chain
            .iter()
            .filter_map(|&t| days[t].as_ref().and_then(|d| d.first().copied()));
        firsts.clone().zip(firsts.skip(1)).all(|(a, b)| a <= b)
    })
}

/// One section of [`test_problem`]: first week (from 0), extra weeks, and its tasks as (kind,
/// parts, a day the task must avoid).
#[cfg(test)]
pub(crate) type TestSection = (u32, u32, Vec<(Kind, Vec<u32>, Option<u32>)>);

/// A problem for the solver's property tests: about ten weeks of days of `minutes` on the
/// weekdays `week` marks (and every seventh day, so each week has one), the sections' tasks in
/// order, and the path-order chains when `ordered`.
#[cfg(test)]
pub(crate) fn test_problem(
    minutes: u32,
    sections: &[TestSection],
    week: &[bool],
    ordered: bool,
) -> Problem {
    let mut tasks = Vec::new();
    for (s, (first, extra, items)) in sections.iter().enumerate() {
        let window = (7 * first, 7 * (first + extra + 1) - 1);
        for (kind, parts, avoid) in items {
            tasks.push(Task {
                section: s,
                kind: *kind,
                parts: parts.clone(),
                window: Some(window),
                release: 0,
                after: Vec::new(),
                previous: None,
                avoid: avoid.iter().copied().collect(),
            });
        }
    }
    let on = |d: usize| week[d % 7] || d.is_multiple_of(7);
    let mut chains: std::collections::BTreeMap<(usize, Kind), Vec<usize>> =
        std::collections::BTreeMap::new();
    for (t, task) in tasks.iter().enumerate() {
        chains.entry((task.section, task.kind)).or_default().push(t);
    }
    Problem {
        capacity: (0..70).map(|d| if on(d) { minutes } else { 0 }).collect(),
        tasks,
        section_after: vec![Vec::new(); sections.len()],
        chains: if ordered {
            chains.into_values().collect()
        } else {
            Vec::new()
        },
        slots: None,
    }
}

/// One section of 20, 20, 15 and 15 required minutes, due in a week with two days of 35
/// minutes: in any order 20 + 15 fit each day (70 inside); in path order the first day holds
/// the first 20 alone (20 + 20 is too much), the second 20 + 15, and the last 15 goes late
/// (55 inside). What the order costs, and nothing else does.
#[cfg(test)]
pub(crate) fn order_costs_fifteen() -> Problem {
    let items = [20, 20, 15, 15]
        .map(|m| (Kind::Required, vec![m], None))
        .to_vec();
    let week = [true, true, false, false, false, false, false];
    test_problem(35, &[(0, 0, items)], &week, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(section: usize, kind: Kind, parts: Vec<u32>) -> Task {
        Task {
            section,
            kind,
            parts,
            window: Some((0, 6)),
            release: 0,
            after: Vec::new(),
            previous: None,
            avoid: Vec::new(),
        }
    }

    /// A plan that is not proven is measured against the walk's bounds. In path
    /// order [`order_costs_fifteen`] keeps at most 55 minutes inside (its second 15 goes to
    /// day 7, one day late, at best), and the walk's bound on late minute-days is 0: the
    /// minutes alone fit the week, and a day holds two of its parts.
    #[test]
    fn unproven_plans_get_the_gap_to_the_walks_bound() {
        let problem = order_costs_fifteen();
        let walked = dp::solve(&problem, &[], 10.0, &Stop::never(), |_, _| ());
        let least = dp::Least {
            outside: 15,
            late: 0,
            floor: None,
        };
        // The whole walk finished: its floor is the optimum (15 minutes one day late).
        assert_eq!(
            walked.least,
            Some(dp::Least {
                floor: Some((15, 15)),
                ..least
            })
        );
        let unproven = |days: Vec<Option<Vec<u32>>>, gap| Solution {
            days,
            optimal: false,
            required_proven: false,
            lateness_proven: false,
            gap,
            note: None,
        };
        // 40 minutes inside (the two 15s a week late) of at most 55.
        let late = vec![Some(vec![0]), Some(vec![1]), Some(vec![7]), Some(vec![8])];
        let mut solution = unproven(late.clone(), None);
        measure_by_walk_bound(&problem, &mut solution, least);
        assert!(!solution.required_proven);
        assert_eq!(solution.gap, Some(15.0 / 55.0));
        // The solver's own gap stays where it is smaller.
        let mut solution = unproven(late, Some(0.1));
        measure_by_walk_bound(&problem, &mut solution, least);
        assert_eq!(solution.gap, Some(0.1));
        // At the bound priority 1 is proven, and the solver's gap (of priority 1) is dropped;
        // then priority 2 is measured: 30 late minute-days (15 minutes two days late).
        let two_days = vec![Some(vec![0]), Some(vec![1]), Some(vec![1]), Some(vec![8])];
        let levels = Levels::of(&problem, &two_days);
        assert_eq!(
            (levels.required_in_window, levels.late_minute_days),
            (55, 30)
        );
        let mut solution = unproven(two_days.clone(), Some(0.2));
        measure_by_walk_bound(&problem, &mut solution, least);
        assert!(solution.required_proven);
        assert!(!solution.lateness_proven);
        assert_eq!(solution.gap, Some(1.0));
        let mut solution = unproven(two_days.clone(), None);
        measure_by_walk_bound(&problem, &mut solution, dp::Least { late: 12, ..least });
        assert_eq!(solution.gap, Some(18.0 / 30.0));
        // Priority 1 proven by the solver, priority 2 not: the smaller of the two gaps.
        let mut solution = Solution {
            required_proven: true,
            ..unproven(two_days.clone(), Some(0.5))
        };
        measure_by_walk_bound(&problem, &mut solution, dp::Least { late: 12, ..least });
        assert_eq!(solution.gap, Some(0.5));
        // At the bound on late minute-days priority 2 is proven too; not optimal, and the gap
        // of a later level is not known.
        let one_day = vec![Some(vec![0]), Some(vec![1]), Some(vec![1]), Some(vec![7])];
        assert_eq!(Levels::of(&problem, &one_day).late_minute_days, 15);
        let mut solution = unproven(one_day, Some(0.3));
        measure_by_walk_bound(&problem, &mut solution, dp::Least { late: 15, ..least });
        assert!(solution.required_proven && solution.lateness_proven);
        assert_eq!(solution.gap, None);
        assert!(!solution.optimal);
        // Priority 2 proven by the solver: its gap (of a later level) stays as it is.
        let mut solution = Solution {
            required_proven: true,
            lateness_proven: true,
            ..unproven(two_days.clone(), Some(0.05))
        };
        measure_by_walk_bound(&problem, &mut solution, least);
        assert_eq!(solution.gap, Some(0.05));
        // The whole walk's floor: at least 15 minutes outside, and then at least 20 late
        // minute-days. It proves priority 1 where the plan has 15 outside, and measures its
        // late minute-days against 20.
        let floored = dp::Least {
            floor: Some((15, 20)),
            ..least
        };
        let mut solution = unproven(two_days, None);
        measure_by_walk_bound(&problem, &mut solution, floored);
        assert!(solution.required_proven && !solution.lateness_proven);
        assert_eq!(solution.gap, Some(10.0 / 30.0));
        // A plan with more outside (priority 1 proven by the solver, with less than the floor
        // allows) is measured against the bound for every plan only: the floor's late
        // minute-days say nothing of it, however many.
        let late = vec![Some(vec![0]), Some(vec![1]), Some(vec![7]), Some(vec![8])];
        let levels = Levels::of(&problem, &late);
        assert_eq!(levels.required_in_window, 40);
        let mut solution = Solution {
            required_proven: true,
            ..unproven(late, None)
        };
        let high = dp::Least {
            floor: Some((15, levels.late_minute_days + 100)),
            ..least
        };
        measure_by_walk_bound(&problem, &mut solution, high);
        assert!(!solution.lateness_proven);
        assert_eq!(solution.gap, Some(1.0));
    }

    #[test]
    fn ties_follow_path_order() {
        let problem = Problem {
            capacity: vec![30; 7],
            tasks: vec![
                task(0, Kind::Required, vec![30, 30]),
                task(0, Kind::Required, vec![30, 30]),
                task(0, Kind::Optional, vec![30]),
            ],
            section_after: vec![Vec::new()],
            chains: Vec::new(),
            slots: None,
        };
        // Both items interleaved, the second one first: every level as good as in order.
        let mut days = vec![Some(vec![1, 3]), Some(vec![0, 2]), Some(vec![4])];
        let before = Levels::of(&problem, &days);
        keep_path_order(&problem, &mut days);
        assert_eq!(
            days,
            vec![Some(vec![0, 1]), Some(vec![2, 3]), Some(vec![4])]
        );
        assert_eq!(Levels::of(&problem, &days), before);
        assert!(is_feasible(&problem, &days));
    }

    #[test]
    fn ties_never_break_a_rule() {
        // The optional item may not move before the required one it follows.
        let problem = Problem {
            capacity: vec![30; 7],
            tasks: vec![
                task(0, Kind::Optional, vec![30]),
                task(0, Kind::Required, vec![30]),
            ],
            section_after: vec![Vec::new()],
            chains: Vec::new(),
            slots: None,
        };
        let mut days = vec![Some(vec![1]), Some(vec![0])];
        keep_path_order(&problem, &mut days);
        assert_eq!(days, vec![Some(vec![1]), Some(vec![0])]);
    }
}
