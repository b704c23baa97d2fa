//! From a learning path and the learner's settings to a [`Plan`]: split items into parts,
//! build the solver's [`Problem`], and turn its [`Solution`](crate::solver::Solution) back
//! into dated, timed sessions.
//!
//! This is the only place that knows both the domain (items, sections, dates) and the
//! solver's numbers. It reads no files and no clock: "now" comes in as a value.

use crate::calendar::Availability;
use crate::error::{Error, Result};
use crate::need;
use crate::path::{full_id, Kind, LearningPath};
use crate::plan::{
    DayCapacity, Overload, PathInfo, Plan, SectionInfo, Session, Summary, Unscheduled,
};
use crate::solver::{self, Problem, Task};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

/// Everything `plan` needs besides the path, already validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub availability: Availability,
    /// Longest single session in minutes.
    pub max_session: u32,
    /// Shortest part of a split item before a warning.
    pub min_session: u32,
    /// Seconds the solver may take.
    pub time_limit: f64,
    /// `--any-order`: items of a section need not start in path order.
    #[serde(default)]
    pub any_order: bool,
    /// Leave out what the path's order costs (`Summary::order_cost`, then `None`): `--fit`
    /// does not show it, and at 0.5 h a day on the bundled path its solve, beside the plan's,
    /// ended after it. Set by the command layer, never stored.
    #[serde(skip)]
    pub without_order_cost: bool,
    /// Diagnostics for stderr; set by the command layer, never stored.
    #[serde(skip)]
    pub trace: Trace,
}

/// Diagnostics: what the solver reports on stderr while it works, and how it may be checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Trace {
    /// One line per priority level: values, time, whether proven.
    pub levels: bool,
    /// HiGHS's own log.
    pub solver_log: bool,
    /// Solve with the MIP alone ([`solver::Options::mip_alone`]).
    pub mip_alone: bool,
}

/// A plan and the warnings produced while making it (for stderr).
#[derive(Debug, Clone)]
pub struct Planned {
    pub plan: Plan,
    pub warnings: Vec<String>,
}

/// One item of the path as the solver sees it.
#[derive(Debug, Clone)]
pub(crate) struct Work {
    pub section: usize,
    pub item: usize,
    /// Minutes of each part.
    pub parts: Vec<u32>,
    /// Part numbers (1-based) these parts have in the item, for a replan where early parts
    /// are already done.
    pub part_numbers: Vec<u32>,
    pub parts_total: u32,
    pub release: u32,
    /// On the release day, the end of a session a replan keeps there that this work must
    /// follow (a pinned session of an item before it): it starts after that, not only on
    /// that day.
    pub release_after: Option<DateTime<FixedOffset>>,
    /// Days no part may be on (a replan: where the learner deleted a session of the item in
    /// their calendar), sorted.
    pub avoid: Vec<u32>,
    pub previous: Option<Vec<u32>>,
    /// For each part with a previous day, the minute after local midnight it started then
    /// (`u32::MAX` for none): a replan keeps it in that gap, at that time, when it stays.
    pub previous_minute: Option<Vec<u32>>,
}

fn options(settings: &Settings, through: solver::Through) -> solver::Options {
    solver::Options {
        time_limit: settings.time_limit,
        verbose: settings.trace.levels,
        solver_log: settings.trace.solver_log,
        through,
        beside_another: false,
        mip_alone: settings.trace.mip_alone,
    }
}

/// Whether every required item of `path` fits its window under `settings` (priority 1 at its
/// most): `Some(answer)` when proven, `None` when the time limit ran out first.
pub fn fits_in_windows(path: &LearningPath, settings: &Settings) -> Result<Option<bool>> {
    let limit = session_limit(settings);
    if limit == 0 {
        return Ok(Some(path.minutes_of(Kind::Required) == 0));
    }
    let work = whole_path(path, limit);
    let windows = windows_of(path);
    let (problem, _) = problem(path, settings, &windows, &work, &[]);
    solver::fits_in_windows(
        &problem,
        &options(settings, solver::Through::RequiredInWindow),
    )
    .map_err(too_long)
}

/// The solver's horizon covers 40 years past the last window: work that does not fit in that is
/// an input problem (too few hours for the path), not a solver failure.
fn too_long(e: solver::SolveError) -> Error {
    match e {
        solver::SolveError::HorizonTooShort => Error::flag(
            "--hours",
            "the required work does not fit in 40 years at these hours; give more hours or fewer days off",
        ),
        solver::SolveError::Failed(message) => Error::Solver(message),
    }
}

fn windows_of(path: &LearningPath) -> Vec<Option<(u32, u32)>> {
    path.sections
        .iter()
        .map(|s| s.weeks.map(|w| (w.first_day(), w.last_day())))
        .collect()
}

/// Every item of the path as work from day 0, split for the session limit.
fn whole_path(path: &LearningPath, limit: u32) -> Vec<Work> {
    let mut work = Vec::new();
    for (s, section) in path.sections.iter().enumerate() {
        for (i, item) in section.items.iter().enumerate() {
            let parts = split(item.minutes, limit);
            let n = parts.len() as u32;
            work.push(Work {
                section: s,
                item: i,
                parts,
                part_numbers: (1..=n).collect(),
                parts_total: n,
                release: 0,
                release_after: None,
                avoid: Vec::new(),
                previous: None,
                previous_minute: None,
            });
        }
    }
    work
}

/// The session limit: the smaller of `--max-session`, the largest capacity of a study day and
/// the longest free gap a day can have (a session lies inside one gap, so with study windows no
/// part is longer than the longest window).
pub fn session_limit(settings: &Settings) -> u32 {
    let avail = &settings.availability;
    settings
        .max_session
        .min(avail.largest_day())
        .min(avail.longest_session())
}

/// Work whose longest part no free gap of its window can hold: busy time, breaks and days off
/// can leave every gap of a window shorter than the session limit. For each such work (by
/// index): its longest part and the longest session its window allows. Only study windows and
/// busy time shape gaps, so without them nothing is listed.
pub(crate) fn gapless(
    path: &LearningPath,
    settings: &Settings,
    work: &[Work],
) -> BTreeMap<usize, (u32, u32)> {
    let avail = &settings.availability;
    let mut out = BTreeMap::new();
    if !avail.free.shapes_days() {
        return out;
    }
    let mut longest_on: BTreeMap<u32, u32> = BTreeMap::new();
    for (t, w) in work.iter().enumerate() {
        let Some(weeks) = path.sections[w.section].weeks else {
            continue;
        };
        let part = w.parts.iter().copied().max().unwrap_or(0);
        let from = weeks.first_day().max(w.release);
        if from > weeks.last_day() {
            continue; // the window is over: the work is late in any case
        }
        let mut best = 0;
        for d in from..=weeks.last_day() {
            let longest = *longest_on
                .entry(d)
                .or_insert_with(|| avail.longest_on(avail.date(d)));
            best = best.max(longest);
            if best >= part {
                break;
            }
        }
        if best < part {
            out.insert(t, (part, best));
        }
    }
    out
}

/// Why `work[t]` cannot go in its window when [`gapless`] lists it.
fn gapless_reason(path: &LearningPath, w: &Work, part: u32, best: u32) -> String {
    let weeks = path.sections[w.section]
        .weeks
        .map(|weeks| format!(" ({})", weeks.label()))
        .unwrap_or_default();
    if best == 0 {
        format!("its window{weeks} has no free time (study windows, busy time, days off)")
    } else {
        format!(
            "no free gap in its window{weeks} holds a part of {part} min; the longest holds {best} min"
        )
    }
}

/// How many items split into parts shorter than `--min-session` are named one by one; past
/// that, one warning names the first of them and counts the rest. On short days most items
/// split (at 0.25 h a day, 142 of the bundled path's 184), and a warning for each buried the
/// plan under as many lines of the same sentence.
const SHORT_PARTS_NAMED: usize = 3;

/// The warning about items split into parts shorter than `--min-session`, in path order: one
/// line per item for a few of them, else one line for all (see [`SHORT_PARTS_NAMED`]).
fn short_parts_warning(path: &LearningPath, settings: &Settings, work: &[Work]) -> Vec<String> {
    let min = settings.min_session;
    // Each item as "<id> (<minutes> min)" and "into <n> parts of <shortest>[–<longest>] min":
    // parts are near-equal, longer first, so a 25-minute item goes into parts of 12–13 minutes.
    let short: Vec<(String, String)> = work
        .iter()
        .filter_map(|w| {
            let (longest, shortest) = (w.parts[0], w.parts[w.parts.len() - 1]);
            if w.parts.len() < 2 || shortest >= min {
                return None;
            }
            let section = &path.sections[w.section];
            let item = &section.items[w.item];
            let minutes: u32 = w.parts.iter().sum();
            let left = if minutes < item.minutes { " left" } else { "" };
            let sizes = if longest == shortest {
                shortest.to_string()
            } else {
                format!("{shortest}–{longest}")
            };
            Some((
                format!("{} ({minutes} min{left})", full_id(section, item)),
                format!("into {} parts of {sizes} min", w.parts.len()),
            ))
        })
        .collect();
    if short.len() <= SHORT_PARTS_NAMED {
        return short
            .iter()
            .map(|(item, parts)| {
                format!("{item} is split {parts}, shorter than --min-session {min}")
            })
            .collect();
    }
    vec![format!(
        "{} items are split into parts shorter than --min-session {min} (no session here is \
         longer than {} min): {}, and {} more",
        short.len(),
        session_limit(settings),
        short[..SHORT_PARTS_NAMED]
            .iter()
            .map(|(item, parts)| format!("{item} {parts}"))
            .collect::<Vec<_>>()
            .join(", "),
        short.len() - SHORT_PARTS_NAMED
    )]
}

/// What a learner should hear about the work before it is planned: prerequisites that rule a
/// window out ([`LearningPath::warnings`]), parts shorter than `--min-session`, and work whose
/// parts no free gap of its window can hold.
pub(crate) fn work_warnings(
    path: &LearningPath,
    settings: &Settings,
    work: &[Work],
) -> Vec<String> {
    let mut warnings = path.warnings();
    warnings.extend(short_parts_warning(path, settings, work));
    let gapless = gapless(path, settings, work);
    // A window with no free time at all (a holiday over a whole section's weeks) is said once
    // for its section, not once for each of its items.
    let mut empty: BTreeMap<usize, (u32, u32)> = BTreeMap::new();
    for (&t, &(_, best)) in &gapless {
        if best == 0 {
            let w = &work[t];
            let required = path.sections[w.section].items[w.item].kind == Kind::Required;
            let counts = empty.entry(w.section).or_default();
            if required {
                counts.0 += 1;
            } else {
                counts.1 += 1;
            }
        }
    }
    let mut said = BTreeSet::new();
    for (t, (part, best)) in gapless {
        let w = &work[t];
        let section = &path.sections[w.section];
        let item = &section.items[w.item];
        let reason = gapless_reason(path, w, part, best);
        match empty.get(&w.section) {
            Some(&(required, other)) if best == 0 && required + other > 1 => {
                if said.insert(w.section) {
                    let mut then = Vec::new();
                    if required > 0 {
                        then.push(format!(
                            "its {required} required item{} planned after it",
                            if required == 1 { " is" } else { "s are" }
                        ));
                    }
                    if other > 0 {
                        then.push(format!(
                            "its {other} optional and reference item{} left out",
                            if other == 1 { " is" } else { "s are" }
                        ));
                    }
                    warnings.push(format!(
                        "{}: {reason}, so {}",
                        section.id,
                        then.join(" and ")
                    ));
                }
            }
            _ => {
                let then = if item.kind == Kind::Required {
                    "it is planned after its window"
                } else {
                    "it is left out"
                };
                warnings.push(format!("{}: {reason}, so {then}", full_id(section, item)));
            }
        }
    }
    warnings
}

/// Split `minutes` into the fewest parts of at most `limit`, near-equal (longer parts first).
pub fn split(minutes: u32, limit: u32) -> Vec<u32> {
    let limit = limit.max(1);
    let k = minutes.div_ceil(limit).max(1);
    let base = minutes / k;
    let extra = minutes % k;
    (0..k).map(|i| base + u32::from(i < extra)).collect()
}

/// Make a plan for the whole path from the start date.
pub fn plan(path: &LearningPath, settings: &Settings, now: DateTime<Utc>) -> Result<Planned> {
    let limit = session_limit(settings);
    if limit == 0 {
        return Err(Error::flag(
            "--hours",
            "no study time at all: every study day has 0 hours (give --hours above 0)",
        ));
    }
    let work = whole_path(path, limit);
    let mut warnings = work_warnings(path, settings, &work);
    if !settings.any_order {
        let tasks = tasks(path, &windows_of(path), &work);
        warnings.extend(chains(path, &work, &tasks).1);
    }
    let plan = solve(path, settings, &work, &[], Vec::new(), now)?;
    warnings.extend(prerequisites_left_out(path, &plan));
    warnings.extend(long_items_warning(path, settings, &work, &plan));
    Ok(Planned { plan, warnings })
}

/// Required items longer than the sessions most of the shorter study days hold, when the plan
/// runs one of them late. The session limit follows the longest study day (the contract), so
/// with 15 minutes on weekdays and 30 at weekends a 20-minute item waits for a weekend: on the
/// bundled path the best plan found in 10 s ran 48 weeks with 770 required minutes in their
/// windows, and with `--max-session 15`, which splits every item to fit a weekday, 21 weeks
/// with 1,486. The learner hears of it in one line with the figures and the flag; whether
/// splitting is worth it is theirs to judge (it makes shorter sessions).
///
/// The shorter days are those whose longest session is below the limit; the figure given is
/// the length most of them hold (the shorter one on a tie), so one odd day (a meeting that
/// leaves five free minutes) does not set it. Days from the earliest the work may start to the
/// last window's end count.
pub(crate) fn long_items_warning(
    path: &LearningPath,
    settings: &Settings,
    work: &[Work],
    plan: &Plan,
) -> Option<String> {
    if plan.summary.required_late_minutes == 0 {
        return None;
    }
    let limit = session_limit(settings);
    let avail = &settings.availability;
    let first = work.iter().map(|w| w.release).min()?;
    let last = path
        .sections
        .iter()
        .filter_map(|s| s.weeks)
        .map(crate::path::Weeks::last_day)
        .max()?;
    let days: Vec<u32> = (first..=last)
        .map(|d| avail.longest_on(avail.date(d)))
        .filter(|&m| m > 0)
        .collect();
    let mut shorter: BTreeMap<u32, usize> = BTreeMap::new();
    for &m in days.iter().filter(|&&m| m < limit) {
        *shorter.entry(m).or_default() += 1;
    }
    // The most common length below the limit; `max_by_key` keeps the last of equals, so
    // reversed it keeps the shortest.
    let (&most, _) = shorter.iter().rev().max_by_key(|&(_, &n)| n)?;
    let held = days.iter().filter(|&&m| m <= most).count();
    if held == days.len() {
        return None; // no day holds them: the warnings on gapless work say so
    }
    let long: Vec<&Work> = work
        .iter()
        .filter(|w| {
            path.sections[w.section].items[w.item].kind == Kind::Required
                && w.parts.iter().any(|&p| p > most)
        })
        .collect();
    // Said when one of them runs late, not for late work the split has no part in (a window
    // over before a replan's first day, say).
    let ids: BTreeSet<String> = long
        .iter()
        .map(|w| {
            let section = &path.sections[w.section];
            full_id(section, &section.items[w.item])
        })
        .collect();
    if !plan
        .sessions
        .iter()
        .any(|s| s.late && ids.contains(&s.item))
    {
        return None;
    }
    let minutes: u32 = long.iter().flat_map(|w| &w.parts).sum();
    let (n, are) = if long.len() == 1 {
        ("1 required item".to_string(), "is")
    } else {
        (format!("{} required items", long.len()), "are")
    };
    let them = if long.len() == 1 { "it" } else { "them" };
    let others = match days.len() - held {
        1 => "day".to_string(),
        n => format!("{n} days"),
    };
    Some(format!(
        "{n} ({minutes} min) {are} longer than {most} min, and {held} of the {} study days up \
         to the last window's end hold no longer session, so only the other {others} can take \
         {them}; --max-session {most} would split {them} into parts of {most} min or less",
        days.len(),
    ))
}

/// Planned items whose prerequisite the plan leaves out (optional or reference work that does
/// not fit): the order asks for work that will not happen, so the learner should know.
pub(crate) fn prerequisites_left_out(path: &LearningPath, plan: &Plan) -> Vec<String> {
    let left_out: BTreeSet<&str> = plan.unscheduled.iter().map(|u| u.item.as_str()).collect();
    let planned: BTreeSet<&str> = plan.sessions.iter().map(|s| s.item.as_str()).collect();
    let mut out = Vec::new();
    for (section, item) in path.items() {
        let id = full_id(section, item);
        if !planned.contains(id.as_str()) {
            continue;
        }
        for before in item.after.iter().filter(|b| left_out.contains(b.as_str())) {
            out.push(format!(
                "{id} is planned, but its prerequisite {before} does not fit and is left out \
                 (do it first if you can, or skip it)"
            ));
        }
    }
    out
}

/// Solve `work` on top of already fixed sessions (`fixed`, which keep their times) and build
/// the plan. `cancelled` is carried into the plan untouched.
pub(crate) fn solve(
    path: &LearningPath,
    settings: &Settings,
    work: &[Work],
    fixed: &[Session],
    cancelled: Vec<Session>,
    now: DateTime<Utc>,
) -> Result<Plan> {
    let windows = windows_of(path);
    let (problem, slots) = problem(path, settings, &windows, work, fixed);
    // The time limit covers the plan and the cost of its order together: the solver's own
    // stopwatch, not the clock of the plan.
    let began = std::time::Instant::now();
    // Under path order the plan says what the order costs: that solve starts now, alongside.
    let measured = !settings.any_order && !settings.without_order_cost;
    let ahead = measured.then(|| order_cost_ahead(&problem, settings));
    let solution =
        solver::solve(&problem, &options(settings, solver::Through::All)).map_err(too_long)?;
    let mut plan = build_plan(
        path,
        settings,
        &windows,
        work,
        fixed,
        cancelled,
        &solution,
        slots.as_ref(),
        now,
    );
    plan.summary.any_order = settings.any_order;
    if let Some(ahead) = ahead {
        let left = settings.time_limit - began.elapsed().as_secs_f64();
        let cost = order_cost(&problem, &solution, settings, ahead, left)?;
        plan.summary.order_cost = cost.both;
        plan.summary.order_cost_in_window = cost.in_window_only;
    }
    Ok(plan)
}

/// `problem` without the path-order rule, and the options that solve it through priority 2 in
/// `seconds`: what [`order_cost`] compares the plan with. Its required tasks only, which have
/// the same optimum at priorities 1 and 2: the MIP is a fifth smaller. HiGHS takes another path
/// through it, not always a shorter one: on the bundled path at 0.55 h a day the cost took
/// 0.68 s instead of 1.14 s, at 0.5 h 1.27 s instead of 0.99 s, and on one generated path
/// 1.38 s instead of 3.72 s (BENCHMARKS.md, session 29).
fn in_any_order(
    problem: &Problem,
    settings: &Settings,
    seconds: f64,
) -> (Problem, solver::Options) {
    let free = Problem {
        chains: Vec::new(),
        ..solver::required_only(problem)
    };
    let mut options = options(settings, solver::Through::Lateness);
    options.time_limit = seconds;
    (free, options)
}

/// The solve of [`in_any_order`] on a thread of its own, started with the plan's solve and
/// given the whole time limit: [`order_cost`] waits for its answer when the plan needs one
/// and is proven ([`answer_wait`]).
/// Dropped, it raises its [`solver::Stop`], so a solve whose answer is not needed (the plan
/// has every required minute in its window, or has not proven priority 1) ends at HiGHS's next
/// interrupt point instead of running on to its limit.
struct Ahead {
    answer: std::sync::mpsc::Receiver<Option<Unordered>>,
    stop: solver::Stop,
}

impl Drop for Ahead {
    fn drop(&mut self) {
        self.stop.raise();
    }
}

/// The share of the time limit the [`Ahead`] solve gets: 9.75 s of the default 10 s.
const ORDER_COST_SHARE: f64 = 0.975;

/// Start the [`Ahead`] solve; `None` without chains (no cost to measure) or without a thread.
///
/// It used to get 2 s, and a fresh solve with the time left where those did not prove it: at
/// 0.55 h a day on the bundled path the fresh solve took about 3 s of the plan's 4.4–5.3 s.
fn order_cost_ahead(problem: &Problem, settings: &Settings) -> Option<Ahead> {
    if problem.chains.is_empty() {
        return None;
    }
    // It ends a little before the plan's limit, so that an answer of priority 1 alone still
    // reaches [`order_cost`], which waits for it until that limit.
    let seconds = settings.time_limit * ORDER_COST_SHARE;
    let (free, mut options) = in_any_order(problem, settings, seconds);
    options.beside_another = true;
    let stop = solver::Stop::shared();
    let (send, answer) = std::sync::mpsc::channel();
    let until = stop.clone();
    std::thread::Builder::new()
        .name("order-cost".into())
        .spawn(move || {
            let _beside = solver::Beside::enter();
            if let Ok(solution) = solver::solve_until(&free, &options, &until) {
                // The plan may no longer be listening: then the answer is not needed.
                let _ = send.send(proven_levels(&free, &solution));
            }
        })
        .ok()?;
    Some(Ahead { answer, stop })
}

/// The levels of a solution of an [`in_any_order`] problem: priority 1 is proven, and priority
/// 2 too when `lateness_proven`.
struct Unordered {
    levels: solver::Levels,
    lateness_proven: bool,
}

/// The levels of `solution` of `free` (an [`in_any_order`] problem), when priority 1 is proven.
fn proven_levels(free: &Problem, solution: &solver::Solution) -> Option<Unordered> {
    solution.required_proven.then(|| Unordered {
        levels: solver::Levels::of(free, &solution.days),
        lateness_proven: solution.lateness_proven,
    })
}

/// What [`order_cost`] could say.
#[derive(Default)]
struct Measured {
    /// Both levels, when both were proven.
    both: Option<crate::plan::OrderCost>,
    /// The required minutes in their windows alone, when only priority 1 was proven: on the
    /// generated one-year path at 1.5 h a day the any-order solve proved it in 3 s and its
    /// late work was still open at 10 s (BENCHMARKS.md, session 46).
    in_window_only: Option<u32>,
}

/// How long a plan waits for the [`Ahead`] solve's answer, with `seconds` of its limit left:
/// a proven plan all of them, any other none (it reads an answer that is there). A plan that
/// is not proven and ends before its limit is one the solver gave up on: on the generated
/// one-year path at 1 h a day its MIP is too large, its plan comes after 5.27 s, and the wait
/// for the any-order solve took it to 9.90 s: that solve ran to its own limit without proving
/// priority 1 (BENCHMARKS.md, session 62).
fn answer_wait(solution: &solver::Solution, seconds: f64) -> std::time::Duration {
    if solution.optimal {
        std::time::Duration::from_secs_f64(seconds.max(0.0))
    } else {
        std::time::Duration::ZERO
    }
}

/// What lifting the path-order rule would gain at priorities 1 and 2: nothing when every
/// required minute is in its window already; otherwise the same problem without chains, solved
/// through priority 2 (by `ahead`, waited for at most `seconds` by a proven plan; solved here
/// for a proven plan where no thread could be started). Nothing when that solve or the plan
/// did not prove priority 1, and priority 1's figure alone when one of them did not prove
/// priority 2.
fn order_cost(
    problem: &Problem,
    solution: &solver::Solution,
    settings: &Settings,
    ahead: Option<Ahead>,
    seconds: f64,
) -> Result<Measured> {
    let ordered = solver::Levels::of(problem, &solution.days);
    let required: u64 = problem
        .tasks
        .iter()
        .filter(|t| t.kind == Kind::Required && t.window.is_some())
        .map(|t| u64::from(t.minutes()))
        .sum();
    if problem.chains.is_empty()
        || (ordered.required_in_window >= required && ordered.late_minute_days == 0)
    {
        return Ok(Measured {
            both: Some(crate::plan::OrderCost::default()),
            in_window_only: None,
        });
    }
    // Against a level the plan has not proven, a difference would measure the solver, not the
    // rule: the figure in required minutes needs the plan's priority 1 proven, the one in late
    // work its priority 2. The levels below do not matter to either: at 0.45 h a day on the
    // bundled path the plan proves priority 1 and stops open at priority 2, and the any-order
    // solve proves both in half a second, so the plan can say what the order costs in required
    // minutes (it said nothing).
    if !solution.required_proven {
        return Ok(Measured::default());
    }
    let unordered = match ahead {
        // A plan stopped by its limit reads the answer the any-order solve has given: that
        // solve ends before the plan's limit (see [`ORDER_COST_SHARE`]). A proven plan with no
        // time left does not, as before. That happens at tiny limits (the CLI's tests plan with
        // `--time-limit 0.01`), where the two solves end together and whether the answer is
        // there would be a race; at the default limit a plan proven in its last 0.1 s is rare.
        _ if solution.optimal && seconds <= 0.1 => None,
        Some(ahead) => ahead
            .answer
            .recv_timeout(answer_wait(solution, seconds))
            .ok()
            .flatten(),
        // Solved here only for a proven plan with time left (see [`answer_wait`]).
        None if !solution.optimal => None,
        None => {
            let (free, options) = in_any_order(problem, settings, seconds);
            proven_levels(&free, &solver::solve(&free, &options).map_err(too_long)?)
        }
    };
    let Some(Unordered {
        levels: unordered,
        lateness_proven,
    }) = unordered
    else {
        return Ok(Measured::default());
    };
    let in_window = u32::try_from(
        unordered
            .required_in_window
            .saturating_sub(ordered.required_in_window),
    )
    .unwrap_or(u32::MAX);
    if !lateness_proven || !solution.lateness_proven {
        return Ok(Measured {
            both: None,
            in_window_only: Some(in_window),
        });
    }
    Ok(Measured {
        both: Some(crate::plan::OrderCost {
            required_in_window_minutes: in_window,
            late_minute_days: ordered
                .late_minute_days
                .saturating_sub(unordered.late_minute_days),
        }),
        in_window_only: None,
    })
}

/// The solver's problem, and with study windows, busy calendars or breaks the slots it is
/// measured in (see [`solver::Slots`]).
fn problem(
    path: &LearningPath,
    settings: &Settings,
    windows: &[Option<(u32, u32)>],
    work: &[Work],
    fixed: &[Session],
) -> (Problem, Option<SlotTable>) {
    let avail = &settings.availability;
    let tasks = tasks(path, windows, work);
    let section_after = path
        .sections
        .iter()
        .enumerate()
        .map(|(s, sec)| {
            if sec.weeks.is_none() {
                (0..s).collect()
            } else {
                Vec::new()
            }
        })
        .collect();

    // A horizon long enough that every session could go one per study day after the last
    // window (and after the release): the solver trims it to what it needs.
    let sessions: usize = tasks
        .iter()
        .filter(|t| t.kind == Kind::Required || t.window.is_none())
        .map(|t| t.parts.len())
        .sum();
    let minutes: u64 = tasks.iter().map(|t| u64::from(t.minutes())).sum();
    let largest = work
        .iter()
        .flat_map(|w| w.parts.iter().copied())
        .max()
        .unwrap_or(0);
    let from = windows
        .iter()
        .flatten()
        .map(|w| w.1 + 1)
        .chain(tasks.iter().map(|t| t.release))
        .max()
        .unwrap_or(0);
    let mut used: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    for s in fixed {
        *used.entry(s.date).or_default() += s.minutes;
    }
    let cap = |d: u32| {
        let date = avail.date(d);
        avail
            .minutes_on(date)
            .saturating_sub(used.get(&date).copied().unwrap_or(0))
    };
    // The longest session a day holds: with study windows or busy time, no more than its
    // longest free gap (a day of 30 minutes in two 15-minute gaps holds no 20-minute part).
    let longest = |d: u32, c: u32| {
        if !avail.free.shapes_days() {
            return c;
        }
        let gap = avail
            .gaps_on(avail.date(d))
            .iter()
            .map(|g| g.minutes())
            .max();
        c.min(gap.unwrap_or(0))
    };
    let mut capacity: Vec<u32> = (0..from).map(cap).collect();
    let (mut big_days, mut total) = (0usize, 0u64);
    let mut d = from;
    while (big_days < sessions || total < minutes) && d < from + 40 * 366 {
        let c = cap(d);
        if longest(d, c) >= largest {
            big_days += 1;
        }
        total += u64::from(c);
        capacity.push(c);
        d += 1;
    }
    capacity.extend((0..7).map(|i| cap(d + i)));
    let chains = if settings.any_order {
        Vec::new()
    } else {
        chains(path, work, &tasks).0
    };
    let mut problem = Problem {
        capacity,
        tasks,
        section_after,
        chains,
        slots: None,
    };
    let free = &avail.free;
    if !(free.shapes_days() || free.break_minutes > 0) {
        return (problem, None);
    }
    let table = SlotTable::new(avail, fixed, &problem.capacity);
    table.apply(avail, &mut problem, work);
    (problem, Some(table))
}

/// The free gaps of every day of the horizon as the solver's slots, in time order: a day's
/// gaps are its study windows (or `--at` to midnight) minus busy time and the sessions a
/// replan keeps, each widened by the break. A day without a gap has one slot of no room, so
/// every day has a slot.
struct SlotTable {
    /// For each slot: its day and the minute after local midnight its gap starts.
    starts: Vec<(u32, u32)>,
    /// For each slot, its room: the gap's minutes plus one break.
    rooms: Vec<u32>,
    /// For each day, its first and last slot.
    first: Vec<u32>,
    last: Vec<u32>,
    /// Study minutes of each day (its hours, within its gaps, less what a replan keeps).
    day_minutes: Vec<u32>,
    break_minutes: u32,
}

impl SlotTable {
    fn new(avail: &Availability, fixed: &[Session], day_minutes: &[u32]) -> SlotTable {
        let brk = avail.free.break_minutes;
        let tz = avail.tz();
        let mut table = SlotTable {
            starts: Vec::new(),
            rooms: Vec::new(),
            first: Vec::new(),
            last: Vec::new(),
            day_minutes: day_minutes.to_vec(),
            break_minutes: brk,
        };
        for (d, &minutes) in day_minutes.iter().enumerate() {
            let d = d as u32;
            let date = avail.date(d);
            let mut gaps: Vec<(u32, u32)> = if minutes == 0 {
                Vec::new()
            } else {
                avail
                    .gaps_on(date)
                    .iter()
                    .map(|g| (g.start, g.end))
                    .collect()
            };
            // Kept sessions of the day are busy time too, with the break around them.
            for s in fixed.iter().filter(|s| s.date == date) {
                let minute = |t| local_minute(tz, date, t);
                let (a, b) = (
                    minute(s.start).saturating_sub(brk),
                    (minute(s.end) + brk).min(1440),
                );
                gaps = gaps
                    .into_iter()
                    .flat_map(|(x, y)| {
                        [(x, y.min(a)), (x.max(b), y)]
                            .into_iter()
                            .filter(|(p, q)| p < q)
                    })
                    .collect();
            }
            table.first.push(table.starts.len() as u32);
            if gaps.is_empty() {
                gaps.push((0, 0));
            }
            for (start, end) in gaps {
                table.starts.push((d, start));
                table
                    .rooms
                    .push(if end > start { end - start + brk } else { 0 });
            }
            table.last.push(table.starts.len() as u32 - 1);
        }
        table
    }

    /// Restate `problem`, made in days for `work`, in slots.
    fn apply(&self, avail: &Availability, problem: &mut Problem, work: &[Work]) {
        let days = self.first.len() as u32;
        let first = |d: u32| self.first[d.min(days - 1) as usize];
        let last = |d: u32| self.last[d.min(days - 1) as usize];
        for (t, w) in problem.tasks.iter_mut().zip(work) {
            t.window = t.window.map(|(a, b)| (first(a), last(b)));
            // After a kept session it must follow: the first gap of the day from its end (the
            // kept session and its break are cut out of the gaps), else the next day's.
            t.release = match w.release_after {
                Some(end) if t.release < days => {
                    let minute = local_minute(avail.tz(), avail.date(t.release), end);
                    (first(t.release)..=last(t.release))
                        .find(|&slot| self.starts[slot as usize].1 >= minute)
                        .unwrap_or_else(|| first(t.release + 1))
                }
                _ => first(t.release),
            };
            if let Some(previous) = &mut t.previous {
                // A part kept from the previous plan is in the gap that still holds it, so
                // that keeping it counts (the solver compares slots), not in the day's first.
                for (p, day) in previous.iter_mut().enumerate() {
                    if *day == u32::MAX {
                        continue;
                    }
                    let minute = w
                        .previous_minute
                        .as_ref()
                        .and_then(|m| m.get(p).copied())
                        .unwrap_or(u32::MAX);
                    let holds = |s: &u32| {
                        let (start, end) = self.gap(*s);
                        start <= minute && minute.saturating_add(t.parts[p]) <= end
                    };
                    *day = (first(*day)..=last(*day))
                        .find(holds)
                        .unwrap_or(first(*day));
                }
            }
        }
        problem.capacity.clone_from(&self.rooms);
        problem.slots = Some(solver::Slots {
            day: self.starts.iter().map(|s| s.0).collect(),
            day_minutes: self.day_minutes.clone(),
            break_minutes: self.break_minutes,
        });
    }

    /// The gap of `slot`: its first and its end minute after local midnight.
    fn gap(&self, slot: u32) -> (u32, u32) {
        let start = self.starts[slot as usize].1;
        let room = self.rooms[slot as usize];
        (
            start,
            (start + room).saturating_sub(self.break_minutes).max(start),
        )
    }
}

/// Minutes after local midnight of `date` (in `tz`) at instant `t`, within the day.
fn local_minute(tz: chrono_tz::Tz, date: NaiveDate, t: DateTime<FixedOffset>) -> u32 {
    let m =
        (t.with_timezone(&tz).naive_local() - date.and_time(chrono::NaiveTime::MIN)).num_minutes();
    u32::try_from(m.clamp(0, 1440)).unwrap_or(0)
}

/// The solver's tasks for `work`: parts, windows, releases, prerequisites among the work.
fn tasks(path: &LearningPath, windows: &[Option<(u32, u32)>], work: &[Work]) -> Vec<Task> {
    let index: BTreeMap<String, usize> = work
        .iter()
        .enumerate()
        .map(|(t, w)| {
            let s = &path.sections[w.section];
            (full_id(s, &s.items[w.item]), t)
        })
        .collect();
    work.iter()
        .map(|w| {
            let item = &path.sections[w.section].items[w.item];
            Task {
                section: w.section,
                kind: item.kind,
                parts: w.parts.clone(),
                window: windows[w.section],
                release: w.release,
                after: item
                    .after
                    .iter()
                    .filter_map(|a| index.get(a).copied())
                    .collect(),
                previous: w.previous.clone(),
                avoid: w.avoid.clone(),
            }
        })
        .collect()
}

/// The path-order chains: the work of each section and kind that starts in this plan, in path
/// order (work that continues an item begun earlier is not in a chain: it started before).
///
/// An item that must wait, through prerequisites, for an item after it in its chain cannot
/// keep the rule; it leaves the chain, and the second value says so for the learner.
fn chains(path: &LearningPath, work: &[Work], tasks: &[Task]) -> (Vec<Vec<usize>>, Vec<String>) {
    // Everything each task waits for, through prerequisites.
    let mut waits: Vec<Option<BTreeSet<usize>>> = vec![None; tasks.len()];
    fn reach(t: usize, tasks: &[Task], waits: &mut Vec<Option<BTreeSet<usize>>>) {
        if waits[t].is_some() {
            return;
        }
        waits[t] = Some(BTreeSet::new()); // prerequisites are acyclic: a guard, not a result
        let mut all = BTreeSet::new();
        for &j in &tasks[t].after {
            reach(j, tasks, waits);
            all.insert(j);
            all.extend(waits[j].iter().flatten().copied());
        }
        waits[t] = Some(all);
    }
    let mut by_key: BTreeMap<(usize, Kind), Vec<usize>> = BTreeMap::new();
    for (t, w) in work.iter().enumerate() {
        if w.part_numbers.first() == Some(&1) {
            by_key
                .entry((w.section, tasks[t].kind))
                .or_default()
                .push(t);
        }
    }
    let mut warnings = Vec::new();
    let mut out = Vec::new();
    for chain in by_key.into_values() {
        let mut kept = Vec::with_capacity(chain.len());
        for (i, &t) in chain.iter().enumerate() {
            reach(t, tasks, &mut waits);
            let later = waits[t]
                .iter()
                .flatten()
                .find(|j| chain[i + 1..].contains(j));
            match later {
                Some(&j) => {
                    let id = |t: usize| {
                        let s = &path.sections[work[t].section];
                        full_id(s, &s.items[work[t].item])
                    };
                    warnings.push(format!(
                        "{} waits for {}, which comes after it in the path: it does not follow the path's order",
                        id(t),
                        id(j)
                    ));
                }
                None => kept.push(t),
            }
        }
        out.push(kept);
    }
    (out, warnings)
}

#[expect(
    clippy::too_many_arguments,
    reason = "the plan's parts come from the schedule's stages; a struct would only name them twice"
)]
fn build_plan(
    path: &LearningPath,
    settings: &Settings,
    windows: &[Option<(u32, u32)>],
    work: &[Work],
    fixed: &[Session],
    cancelled: Vec<Session>,
    solution: &solver::Solution,
    slots: Option<&SlotTable>,
    now: DateTime<Utc>,
) -> Plan {
    let avail = &settings.availability;
    let window_dates = |s: usize| windows[s].map(|(a, b)| (avail.date(a), avail.date(b)));

    // Sessions per day, with a sort key and the precedence edges needed to order them.
    struct Raw {
        work: usize,
        part: usize,
        day: u32,
    }
    let mut raws: Vec<Raw> = Vec::new();
    for (t, days) in solution.days.iter().enumerate() {
        if let Some(days) = days {
            for (p, &day) in days.iter().enumerate() {
                raws.push(Raw {
                    work: t,
                    part: p,
                    day,
                });
            }
        }
    }
    let mut by_day: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (r, raw) in raws.iter().enumerate() {
        by_day.entry(raw.day).or_default().push(r);
    }
    // Without slots, the minutes (from the day's start) the sessions a replan keeps (done,
    // past) take on each date: the day's other sessions run from its start around them, so
    // a session that need not move keeps its time and the day keeps its order (they ran
    // after the last kept session, which put a required item behind a reference one done
    // that day).
    let mut fixed_by_date: BTreeMap<NaiveDate, Vec<(u32, u32)>> = BTreeMap::new();
    for s in fixed {
        let minute =
            |t: DateTime<FixedOffset>| (t - avail.instant(s.date, 0)).num_minutes().max(0) as u32;
        fixed_by_date
            .entry(s.date)
            .or_default()
            .push((minute(s.start), minute(s.end)));
    }

    let mut sessions: Vec<Session> = fixed.to_vec();
    for (&day, members) in &by_day {
        let order = order_within_day(
            path,
            work,
            &raws.iter().map(|r| (r.work, r.part)).collect::<Vec<_>>(),
            members,
        );
        // With slots, `day` is a slot: its sessions run from the gap's start, a break apart,
        // except that a part a replan keeps in this gap keeps its time when the parts after it
        // still fit behind it.
        // Slots have the kept sessions cut out of their gaps already.
        let (d, date, mut offset, brk, gap_end, kept_here) = match slots {
            Some(t) => {
                let (d, start) = t.starts[day as usize];
                let date = avail.date(d);
                (d, date, start, t.break_minutes, t.gap(day).1, &[][..])
            }
            None => {
                let date = avail.date(day);
                let kept = fixed_by_date.get(&date).map_or(&[][..], Vec::as_slice);
                (day, date, 0, 0, 0, kept)
            }
        };
        // The minute a part started at in the previous plan (counted as `offset` counts),
        // when that was on this day.
        let at_minute = minute_of(avail.at);
        let kept_minute = |r: usize| {
            let raw = &raws[r];
            let w = &work[raw.work];
            let on = if slots.is_some() { d } else { day };
            if w.previous.as_ref().and_then(|p| p.get(raw.part)) != Some(&on) {
                return None;
            }
            let m = w
                .previous_minute
                .as_ref()
                .and_then(|m| m.get(raw.part).copied())
                .filter(|&m| m != u32::MAX)?;
            match slots {
                Some(_) => Some(m),
                None => m.checked_sub(at_minute),
            }
        };
        // Parts a replan keeps on this day keep their time where the day's other sessions
        // fit around them (a session that need not move does not slide later for work put
        // before it); else the sessions run one after another as below.
        let layout = keeping_layout(&Day {
            order: &order,
            minutes: &|r| work[raws[r].work].parts[raws[r].part],
            kept: &kept_minute,
            related: &|a, b| {
                let (x, y) = (&work[raws[a].work], &work[raws[b].work]);
                x.section == y.section
                    || raws[a].work == raws[b].work
                    || before_in_day(path, work, raws[a].work, raws[b].work)
                    || before_in_day(path, work, raws[b].work, raws[a].work)
            },
            not_before: &|r| {
                let w = &work[raws[r].work];
                match (slots, w.release_after.filter(|_| day == w.release)) {
                    (None, Some(end)) => {
                        u32::try_from((end - avail.instant(date, 0)).num_minutes().max(0))
                            .unwrap_or(0)
                    }
                    _ => 0,
                }
            },
            start: offset,
            end: match slots {
                Some(_) => gap_end,
                None => avail.minutes_left_after_at(),
            },
            brk,
            obstacles: kept_here,
            contiguous: slots.is_none(),
        });
        // Room each part and the parts after it in the gap take: minutes plus breaks between.
        let tail: Vec<u32> = order
            .iter()
            .rev()
            .scan(0u32, |acc, &r| {
                let raw = &raws[r];
                let m = work[raw.work].parts[raw.part];
                *acc = if *acc == 0 { m } else { *acc + brk + m };
                Some(*acc)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let at = |minute: u32| match slots {
            Some(_) => avail.instant_at(date, minute),
            None => avail.instant(date, minute),
        };
        for (k, &r) in order.iter().enumerate() {
            if let Some(layout) = &layout {
                offset = layout[k];
            } else if let Some(m) = kept_minute(r) {
                if slots.is_some() && m >= offset && m + tail[k] <= gap_end {
                    offset = m;
                }
            }
            let raw = &raws[r];
            let w = &work[raw.work];
            let section = &path.sections[w.section];
            let item = &section.items[w.item];
            let minutes = w.parts[raw.part];
            // Without slots, after the kept session it must follow on its release day (with
            // slots, its release is already the gap after it).
            if let (None, Some(end), None) =
                (slots, w.release_after.filter(|_| day == w.release), &layout)
            {
                let after = (end - avail.instant(date, 0)).num_minutes();
                offset = offset.max(u32::try_from(after.max(0)).unwrap_or(0));
            }
            while let Some(&(_, end)) = kept_here
                .iter()
                .find(|&&(a, b)| a < offset + minutes && b > offset)
            {
                offset = end;
            }
            let part = w.part_numbers[raw.part];
            let window = window_dates(w.section);
            let late = item.kind == Kind::Required && window.is_some_and(|(_, end)| date > end);
            sessions.push(Session {
                uid: uid(&path.id, &full_id(section, item), part),
                item: full_id(section, item),
                title: item.title.clone(),
                kind: item.kind,
                section: section.id.clone(),
                date,
                start: at(offset),
                end: at(offset + minutes),
                minutes,
                part,
                parts: w.parts_total,
                window_start: window.map(|w| w.0),
                window_end: window.map(|w| w.1),
                late,
                done: false,
                group: item.group.clone(),
                url: item.url.clone(),
                sequence: 0,
            });
            offset += minutes + brk;
        }
    }
    sessions.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));

    let mut unscheduled = Vec::new();
    let gapless = gapless(path, settings, work);
    for (t, days) in solution.days.iter().enumerate() {
        if days.is_some() {
            continue;
        }
        let w = &work[t];
        let section = &path.sections[w.section];
        let item = &section.items[w.item];
        let reason = match (section.weeks, gapless.get(&t)) {
            (_, Some(&(part, best))) => gapless_reason(path, w, part, best),
            (Some(weeks), None) if w.release > weeks.last_day() => {
                let first_day = work.iter().map(|w| w.release).min().unwrap_or(0);
                if w.release == first_day {
                    format!(
                        "its window ({}) was over before the replan's first day",
                        weeks.label()
                    )
                } else {
                    format!(
                        "its window ({}) is over before it may start: after a session you moved",
                        weeks.label()
                    )
                }
            }
            (Some(weeks), None) => {
                let room: u32 = (w.release.max(weeks.first_day())..=weeks.last_day())
                    .map(|d| avail.minutes_on(avail.date(d)))
                    .sum();
                let minutes: u32 = w.parts.iter().sum();
                if minutes > room {
                    format!(
                        "{minutes} min do not fit in its window ({}) even alone: it holds {room} \
                         min at your hours",
                        weeks.label()
                    )
                } else {
                    format!(
                        "does not fit in its window ({}) after the required work",
                        weeks.label()
                    )
                }
            }
            (None, None) => "does not fit in the plan".to_string(),
        };
        unscheduled.push(Unscheduled {
            item: full_id(section, item),
            title: item.title.clone(),
            kind: item.kind,
            minutes: w.parts.iter().sum(),
            reason,
        });
    }

    let last_day = sessions
        .iter()
        .map(|s| avail.day_of(s.date).max(0) as u32)
        .chain(windows.iter().flatten().map(|w| w.1))
        .max()
        .unwrap_or(0);
    let capacity = (0..=last_day)
        .map(|d| DayCapacity::of(avail, avail.date(d)))
        .collect();

    let summary = summary(path, &sessions, &unscheduled, solution);
    // Late sessions a replan keeps (done, history, the learner's pins) are not work this plan
    // could have placed better: no advice about hours comes from them.
    let kept: BTreeSet<&str> = fixed.iter().map(|s| s.uid.as_str()).collect();
    let planned: Vec<&Session> = sessions
        .iter()
        .filter(|s| !kept.contains(s.uid.as_str()))
        .collect();
    let overloaded = overloads(
        path,
        settings,
        windows,
        work,
        &planned,
        solution.required_proven,
    );
    Plan {
        path: PathInfo {
            id: path.id.clone(),
            title: path.title.clone(),
        },
        start: avail.start,
        timezone: avail.timezone.clone(),
        generated: now,
        capacity,
        sessions,
        cancelled,
        unscheduled,
        sections: path
            .sections
            .iter()
            .enumerate()
            .map(|(s, sec)| SectionInfo {
                id: sec.id.clone(),
                title: sec.title.clone(),
                weeks: sec.weeks,
                window_start: window_dates(s).map(|w| w.0),
                window_end: window_dates(s).map(|w| w.1),
                checkpoint: sec.checkpoint.clone(),
            })
            .collect(),
        overloaded,
        progress_off_sessions: std::collections::BTreeMap::new(),
        off_plan: Vec::new(),
        summary,
    }
}

/// A stable UID for one part of one item (its full id, `section/item`) of one path:
/// `path.section.item.partN@studyplan`. A `.` or `%` inside an id is written `%2E` or `%25`,
/// so the dots only ever separate and two items never share a UID (`web/http.basics` and
/// `web.http/basics` did); ids without them, as slugs of titles are, read as they are.
pub fn uid(path_id: &str, item: &str, part: u32) -> String {
    let escape = |id: &str| id.replace('%', "%25").replace('.', "%2E");
    let (section, item) = item.split_once('/').unwrap_or(("", item));
    format!(
        "{}.{}.{}.part{part}@studyplan",
        escape(path_id),
        escape(section),
        escape(item)
    )
}

/// Order the sessions of one day: a topological order of the precedences that can hold
/// between sessions of the same day (prerequisites, required before optional in a section,
/// a windowless section after the required work of the sections before it), ties broken by
/// section, then required first, then path order.
/// Whether work `a`'s session must come before work `b`'s on a day they share: `b` waits for
/// `a` (a prerequisite), or `a` is required work that `b` follows (optional work of its section,
/// a section without weeks after it).
fn before_in_day(path: &LearningPath, work: &[Work], a: usize, b: usize) -> bool {
    let (wa, wb) = (&work[a], &work[b]);
    let ia = &path.sections[wa.section].items[wa.item];
    let ib = &path.sections[wb.section].items[wb.item];
    if ib.after.contains(&full_id(&path.sections[wa.section], ia)) {
        return true;
    }
    ia.kind == Kind::Required
        && ((wa.section == wb.section && ib.kind != Kind::Required)
            || (wa.section < wb.section && path.sections[wb.section].weeks.is_none()))
}

/// Minutes after midnight of a time of day.
fn minute_of(t: chrono::NaiveTime) -> u32 {
    u32::try_from(
        t.signed_duration_since(chrono::NaiveTime::MIN)
            .num_minutes(),
    )
    .unwrap_or(0)
}

/// One day's (or gap's) sessions for [`keeping_layout`], by index into the day's raws.
struct Day<'a> {
    /// The sessions in the order they would run one after another.
    order: &'a [usize],
    minutes: &'a dyn Fn(usize) -> u32,
    /// The start a replan keeps a session at, when it keeps one on this day.
    kept: &'a dyn Fn(usize) -> Option<u32>,
    /// Whether two sessions must keep their order in `order` (same section, same item,
    /// prerequisites): others may swap.
    related: &'a dyn Fn(usize, usize) -> bool,
    /// The earliest start of a session (after a pinned session it must follow).
    not_before: &'a dyn Fn(usize) -> u32,
    start: u32,
    end: u32,
    brk: u32,
    /// Time the day's sessions must leave free (sessions a replan holds fixed).
    obstacles: &'a [(u32, u32)],
    /// Whether the sessions must run one after another from `start` (a day without study
    /// windows runs from `--at`): a layout with a hole is no layout then.
    contiguous: bool,
}

/// Starts (aligned with `day.order`) that keep every session with a kept start there, the
/// others placed as early as they fit around them, in order where they are related. `None`
/// when no session keeps a start here or not every kept one can keep it (the caller then runs
/// the sessions one after another).
fn keeping_layout(day: &Day) -> Option<Vec<u32>> {
    let n = day.order.len();
    let len = |i: usize| (day.minutes)(day.order[i]);
    let clash = |(a, b): (u32, u32), (c, e): (u32, u32)| a < e + day.brk && c < b + day.brk;
    let mut at: Vec<Option<(u32, u32)>> = vec![None; n];
    let related = |i: usize, j: usize| (day.related)(day.order[i], day.order[j]);
    // Kept starts first, each where it was if it fits the day and the ones accepted before.
    for i in 0..n {
        let Some(m) = (day.kept)(day.order[i]) else {
            continue;
        };
        let span = (m, m + len(i));
        let fits = m >= day.start.max((day.not_before)(day.order[i]))
            && span.1 <= day.end
            && !day.obstacles.iter().any(|&o| clash(span, o))
            && at.iter().enumerate().all(|(j, other)| {
                let Some(other) = *other else { return true };
                let early = j < i && related(j, i) && other.1 + day.brk > span.0;
                let late = i < j && related(i, j) && span.1 + day.brk > other.0;
                !(clash(span, other) || early || late)
            });
        if fits {
            at[i] = Some(span);
        }
    }
    if at.iter().all(Option::is_none) {
        return None;
    }
    // The rest in order, each as early as it fits after the related sessions before it and
    // before the kept related sessions after it.
    let kept: Vec<bool> = at.iter().map(Option::is_some).collect();
    for i in 0..n {
        if kept[i] {
            continue;
        }
        let mut t = day.start.max((day.not_before)(day.order[i]));
        for (j, placed) in at.iter().enumerate().take(i) {
            if let (true, Some((_, e))) = (related(j, i), placed) {
                t = t.max(e + day.brk);
            }
        }
        let latest_end = (i + 1..n)
            .filter(|&j| kept[j] && related(i, j))
            .filter_map(|j| at[j].map(|(s, _)| s.saturating_sub(day.brk)))
            .fold(day.end, u32::min);
        while let Some(&(_, e)) = at
            .iter()
            .flatten()
            .chain(day.obstacles)
            .find(|&&o| clash((t, t + len(i)), o))
        {
            t = e + day.brk;
        }
        if t + len(i) > latest_end {
            return None;
        }
        at[i] = Some((t, t + len(i)));
    }
    if day.contiguous {
        let mut spans: Vec<(u32, u32)> =
            at.iter().flatten().chain(day.obstacles).copied().collect();
        spans.sort_unstable();
        let mut end = day.start;
        for (a, b) in spans {
            if a != end {
                return None;
            }
            end = b;
        }
    }
    Some(at.into_iter().map(|s| s.map_or(0, |s| s.0)).collect())
}

fn order_within_day(
    path: &LearningPath,
    work: &[Work],
    raws: &[(usize, usize)],
    members: &[usize],
) -> Vec<usize> {
    let item = |r: usize| {
        let w = &work[raws[r].0];
        (w.section, &path.sections[w.section].items[w.item])
    };
    let key = |r: usize| {
        let w = &work[raws[r].0];
        let (_, it) = item(r);
        (w.section, it.kind != Kind::Required, w.item, raws[r].1)
    };
    let before = |a: usize, b: usize| before_in_day(path, work, raws[a].0, raws[b].0);
    let n = members.len();
    let mut indegree = vec![0usize; n];
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        for j in 0..n {
            if i != j && before(members[i], members[j]) {
                edges[i].push(j);
                indegree[j] += 1;
            }
        }
    }
    type Key = (usize, bool, usize, usize);
    let mut heap: BinaryHeap<Reverse<(Key, usize)>> = (0..n)
        .filter(|&i| indegree[i] == 0)
        .map(|i| Reverse((key(members[i]), i)))
        .collect();
    let mut out = Vec::with_capacity(n);
    let mut seen = BTreeSet::new();
    while let Some(Reverse((_, i))) = heap.pop() {
        out.push(members[i]);
        seen.insert(i);
        for &j in &edges[i] {
            indegree[j] -= 1;
            if indegree[j] == 0 {
                heap.push(Reverse((key(members[j]), j)));
            }
        }
    }
    // A cycle cannot happen for a validated path; keep everything regardless.
    for (i, &m) in members.iter().enumerate() {
        if !seen.contains(&i) {
            out.push(m);
        }
    }
    out
}

fn summary(
    path: &LearningPath,
    sessions: &[Session],
    _unscheduled: &[Unscheduled],
    solution: &solver::Solution,
) -> Summary {
    let mut s = Summary {
        required_minutes: path.minutes_of(Kind::Required),
        required_in_window_minutes: 0,
        required_late_minutes: 0,
        optional_minutes: path.minutes_of(Kind::Optional),
        optional_scheduled_minutes: 0,
        reference_minutes: path.minutes_of(Kind::Reference),
        reference_scheduled_minutes: 0,
        late_minute_days: 0,
        optimal: solution.optimal,
        required_optimal: Some(solution.required_proven),
        late_optimal: Some(solution.lateness_proven),
        gap: solution.gap,
        note: solution.note.clone(),
        any_order: false,
        order_cost: None,
        order_cost_in_window: None,
    };
    for x in sessions {
        match x.kind {
            Kind::Required if x.late => {
                s.required_late_minutes += x.minutes;
                if let Some(end) = x.window_end {
                    s.late_minute_days +=
                        u64::from(x.minutes) * (x.date - end).num_days().max(0) as u64;
                }
            }
            Kind::Required => s.required_in_window_minutes += x.minutes,
            Kind::Optional => s.optional_scheduled_minutes += x.minutes,
            Kind::Reference => s.reference_scheduled_minutes += x.minutes,
        }
    }
    s
}

/// For each section whose required work runs late, the hours a day below which the work due by
/// the end of its window cannot fit: [`need::at_least`], the free lower bound that `plan --fit`
/// starts its exact search from, so the advice never contradicts `--fit`; above the current hours
/// when priority 1 is proven (the work is late at them whatever the minutes say). In a replan, the work
/// is what is left, from the day the replan starts; work whose window is over by then is late
/// at any hours and asks for none.
fn overloads(
    path: &LearningPath,
    settings: &Settings,
    windows: &[Option<(u32, u32)>],
    work: &[Work],
    sessions: &[&Session],
    proven: bool,
) -> Vec<Overload> {
    let avail = &settings.availability;
    let from = work.iter().map(|w| w.release).min().unwrap_or(0);
    let mut late: BTreeMap<&str, u32> = BTreeMap::new();
    for s in sessions.iter().filter(|s| s.late) {
        *late.entry(s.section.as_str()).or_default() += s.minutes;
    }
    let after_window = path.prerequisites_after_window();
    let mut out = Vec::new();
    for (s, section) in path.sections.iter().enumerate() {
        let (Some(&minutes), Some((first, end))) = (late.get(section.id.as_str()), windows[s])
        else {
            continue;
        };
        // A required item waiting for a prerequisite whose window opens after this one ends
        // is late at any hours (the path's own warning says so too).
        let waits = after_window
            .iter()
            .find(|(sec, item, ..)| sec.id == section.id && item.kind == Kind::Required)
            .map(|&(sec, item, before, ..)| (full_id(sec, item), before));
        let (hours, needed) = if end < from {
            (
                24.0,
                "no hours are enough: its window was over before the replan's first day"
                    .to_string(),
            )
        } else if let Some((item, before)) = waits {
            (
                24.0,
                format!(
                    "no hours are enough: {item} comes after {before}, whose window starts \
                     after this one ends"
                ),
            )
        } else {
            let demands: Vec<need::Demand> = work
                .iter()
                .filter(|w| path.sections[w.section].items[w.item].kind == Kind::Required)
                .filter_map(|w| {
                    let (a, b) = windows[w.section]?;
                    (b <= end && b >= w.release).then(|| need::Demand {
                        first: a.max(w.release),
                        last: b,
                        minutes: w.parts.iter().sum(),
                    })
                })
                .collect();
            let mut bound = need::at_least(&demands, avail);
            if proven {
                // Proven late at these hours: the answer is above them.
                bound = need::above_current(bound, avail);
            }
            match (&bound.hours, bound.reasons.first()) {
                (Some(h), _) => (h.hours, format!("at least {}", h.text)),
                (None, Some(why)) => (24.0, format!("no hours are enough: {why}")),
                (None, None) => (0.0, "any hours".to_string()),
            }
        };
        out.push(Overload {
            section: section.id.clone(),
            window_start: avail.date(first),
            window_end: avail.date(end),
            late_minutes: minutes,
            needed_hours_per_day: hours,
            needed,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_read_as_ids_and_never_collide() {
        assert_eq!(
            uid("backend-engineer", "database-fundamentals/mvcc", 2),
            "backend-engineer.database-fundamentals.mvcc.part2@studyplan"
        );
        assert_ne!(
            uid("p", "web/http.basics", 1),
            uid("p", "web.http/basics", 1)
        );
        assert_ne!(uid("p", "a/b%2Ec", 1), uid("p", "a/b.c", 1));
        assert_eq!(uid("p.q", "a/b.c", 1), "p%2Eq.a.b%2Ec.part1@studyplan");
    }

    /// What the order costs is what the any-order solve proved: both figures with both levels,
    /// the required minutes in their windows alone with priority 1 alone (the report still
    /// gives them), nothing without priority 1.
    #[test]
    fn the_order_cost_gives_what_the_any_order_solve_proved() {
        use crate::calendar::FreeTime;
        use chrono::NaiveTime;
        let settings = Settings {
            availability: Availability {
                start: NaiveDate::from_ymd_opt(2026, 12, 7).expect("date"),
                weekday_minutes: [35, 35, 0, 0, 0, 0, 0],
                off: Vec::new(),
                at: NaiveTime::from_hms_opt(19, 0, 0).expect("time"),
                timezone: "UTC".into(),
                free: FreeTime::default(),
            },
            max_session: 90,
            min_session: 15,
            time_limit: 10.0,
            any_order: false,
            without_order_cost: false,
            trace: Trace::default(),
        };
        // In path order 55 minutes fit inside, and the last 15 go one day late.
        let problem = solver::order_costs_fifteen();
        let solution =
            solver::solve(&problem, &options(&settings, solver::Through::All)).expect("solves");
        assert!(solution.optimal);
        let ordered = solver::Levels::of(&problem, &solution.days);
        assert_eq!(
            (ordered.required_in_window, ordered.late_minute_days),
            (55, 15)
        );
        let measured = |solution: &solver::Solution, answer: Option<Unordered>, seconds| {
            let (send, receive) = std::sync::mpsc::channel();
            send.send(answer).expect("sends");
            let ahead = Ahead {
                answer: receive,
                stop: solver::Stop::shared(),
            };
            let m = order_cost(&problem, solution, &settings, Some(ahead), seconds).expect("cost");
            (m.both, m.in_window_only)
        };
        let unordered = |lateness_proven| Unordered {
            levels: solver::Levels {
                required_in_window: 70,
                ..solver::Levels::default()
            },
            lateness_proven,
        };
        let both = crate::plan::OrderCost {
            required_in_window_minutes: 15,
            late_minute_days: 15,
        };
        // A proven plan waits for the answer as long as its limit allows.
        assert_eq!(
            answer_wait(&solution, 5.0),
            std::time::Duration::from_secs(5)
        );
        let answer = |a| measured(&solution, a, 1.0);
        assert_eq!(answer(Some(unordered(true))), (Some(both), None));
        assert_eq!(answer(Some(unordered(false))), (None, Some(15)));
        assert_eq!(answer(None), (None, None));
        // The plan's own levels count the same way: stopped open at priority 2 it still gives
        // the required minutes, open at priority 1 nothing (the lower levels do not matter).
        let mut solution = solution.clone();
        solution.optimal = false;
        let proven = || Some(unordered(true));
        assert_eq!(measured(&solution, proven(), 1.0), (Some(both), None));
        // A plan stopped by its time limit still reads an answer that is there.
        assert_eq!(measured(&solution, proven(), -0.5), (Some(both), None));
        // It does not wait for one: only a proven plan does.
        assert_eq!(answer_wait(&solution, 5.0), std::time::Duration::ZERO);
        solution.lateness_proven = false;
        assert_eq!(measured(&solution, proven(), 1.0), (None, Some(15)));
        solution.required_proven = false;
        assert_eq!(measured(&solution, proven(), 1.0), (None, None));
    }

    #[test]
    fn splits_are_fewest_and_near_equal() {
        assert_eq!(split(35, 30), vec![18, 17]);
        assert_eq!(split(30, 30), vec![30]);
        assert_eq!(split(100, 30), vec![25, 25, 25, 25]);
        assert_eq!(split(91, 45), vec![31, 30, 30]);
    }

    /// The bundled path in the evenings of two study windows, around a weekly meeting and a
    /// holiday week, with breaks: every session inside a window, clear of busy time by the
    /// break, a break apart from the other sessions of its day, within the day's hours; and
    /// every required minute still fits its window.
    #[test]
    fn sessions_keep_to_windows_busy_time_and_breaks() {
        use crate::busy::Busy;
        use crate::calendar::{parse_windows, BusyTimes, FreeTime};
        use chrono::{Datelike, Duration, NaiveTime, TimeZone};
        let path = crate::path::bundled::load(
            crate::path::bundled::find("backend-engineer").expect("bundled"),
        )
        .expect("loads");
        let start = NaiveDate::from_ymd_opt(2026, 12, 7).expect("date"); // a Monday
        let minutes = [60, 60, 60, 60, 60, 90, 90];
        let (windows, _) = parse_windows(
            &[
                "mon-fri=18:00-19:00",
                "mon-fri=20:00-21:30",
                "sat,sun=09:00-12:00",
            ],
            minutes,
        )
        .expect("windows");
        let tz = chrono_tz::Europe::Berlin;
        let at = |date: NaiveDate, h: u32, m: u32| {
            tz.from_local_datetime(&date.and_hms_opt(h, m, 0).expect("time"))
                .single()
                .expect("one instant")
                .with_timezone(&Utc)
        };
        let mut busy = Vec::new();
        for week in 0..12 {
            // A weekly meeting on Tuesday evenings, 20:30 to 21:30.
            let tuesday = start + Duration::days(7 * week + 1);
            busy.push(Busy {
                start: at(tuesday, 20, 30),
                end: at(tuesday, 21, 30),
            });
        }
        // A holiday week.
        let holiday = start + Duration::days(21);
        busy.push(Busy {
            start: at(holiday, 0, 0),
            end: at(holiday + Duration::days(7), 0, 0),
        });
        let settings = Settings {
            availability: Availability {
                start,
                weekday_minutes: minutes,
                off: Vec::new(),
                at: NaiveTime::from_hms_opt(19, 0, 0).expect("time"),
                timezone: "Europe/Berlin".into(),
                free: FreeTime {
                    windows: Some(windows),
                    break_minutes: 10,
                    busy: BusyTimes::new(busy.clone()),
                    ..FreeTime::default()
                },
            },
            max_session: 90,
            min_session: 15,
            time_limit: 3.0,
            any_order: false,
            without_order_cost: false,
            trace: Trace::default(),
        };
        let now = Utc
            .with_ymd_and_hms(2026, 11, 21, 12, 0, 0)
            .single()
            .expect("now");
        let planned = plan(&path, &settings, now).expect("plans");
        let sessions = &planned.plan.sessions;
        assert!(!sessions.is_empty());
        let inside = |s: &Session| {
            let (a, b) = (s.start.with_timezone(&tz), s.end.with_timezone(&tz));
            let (a, b) = (
                a.time().signed_duration_since(NaiveTime::MIN).num_minutes(),
                b.time().signed_duration_since(NaiveTime::MIN).num_minutes(),
            );
            let weekend = a.max(0) < 13 * 60 && s.date.weekday().number_from_monday() >= 6;
            let weekday = s.date.weekday().number_from_monday() <= 5
                && ((a >= 18 * 60 && b <= 19 * 60) || (a >= 20 * 60 && b <= 21 * 60 + 30));
            weekday || (weekend && a >= 9 * 60 && b <= 12 * 60)
        };
        for s in sessions {
            assert!(
                inside(s),
                "{} {}–{} is outside the windows",
                s.item,
                s.start,
                s.end
            );
            for b in &busy {
                let brk = Duration::minutes(10);
                let (ss, se) = (s.start.with_timezone(&Utc), s.end.with_timezone(&Utc));
                assert!(
                    se + brk <= b.start || ss >= b.end + brk,
                    "{} {}–{} is within the break of busy time {}–{}",
                    s.item,
                    s.start,
                    s.end,
                    b.start,
                    b.end
                );
            }
        }
        let mut by_date: BTreeMap<NaiveDate, Vec<&Session>> = BTreeMap::new();
        for s in sessions {
            by_date.entry(s.date).or_default().push(s);
        }
        for (date, day) in by_date {
            let total: u32 = day.iter().map(|s| s.minutes).sum();
            let hours = minutes[date.weekday().num_days_from_monday() as usize];
            assert!(total <= hours, "{date}: {total} min, more than {hours}");
            for w in day.windows(2) {
                assert!(
                    w[0].end + Duration::minutes(10) <= w[1].start,
                    "{date}: {} and {} are less than a break apart",
                    w[0].item,
                    w[1].item
                );
            }
        }
        let summary = &planned.plan.summary;
        assert_eq!(summary.required_in_window_minutes, summary.required_minutes);
    }
}
