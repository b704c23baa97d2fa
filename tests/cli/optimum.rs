//! The binary's plans against an exhaustive reference solver on tiny instances: every feasible
//! schedule is enumerated, and the plan must reach the reference's optimum at every priority
//! level, down to level 4 (Σ minutes × day over all sessions), and say `optimal: true`.
//!
//! The reference shares nothing with the crate and nothing with the optimizer's formulation: it
//! tries every day for every part of every item (and "left out" for optional and reference
//! items), in path order, keeps the schedules that break no rule, and compares their values
//! lexicographically. The only cleverness is an optimistic bound that cuts a branch when even
//! its best conceivable completion cannot beat the best schedule found so far; a test here runs
//! the enumeration without it and checks that it changes nothing.

use crate::checker::{self, PlanDoc};
use crate::gen::{self, RawSection, Shape};
use crate::model::{BusyEvent, FreeTime, Kind, PathSpec, Settings, Windows};
use crate::rules::{bundled_settings, item, plan_bundled, section};
use crate::util::{Sandbox, NOW};
use chrono::{Duration, NaiveDate, NaiveTime};
use proptest::prelude::*;
use std::cmp::Reverse;
use std::fmt::Write as _;

/// The contract's priorities as one value: (L1, L2, L3 optional, L3 reference, L4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Value {
    /// L1: required minutes inside their windows (more is better).
    pub required_in_window: u64,
    /// L2: Σ late required minutes × days past the window's end (less is better).
    pub late_minute_days: u64,
    /// L3: optional minutes scheduled (more is better).
    pub optional: u64,
    /// L3, second: reference minutes scheduled (more is better).
    pub reference: u64,
    /// L4: Σ minutes × day (offset from the start) over all sessions (less is better).
    pub minute_days: u64,
}

impl Value {
    /// A key where larger is better at every level, compared lexicographically.
    fn key(self) -> (u64, Reverse<u64>, u64, u64, Reverse<u64>) {
        (
            self.required_in_window,
            Reverse(self.late_minute_days),
            self.optional,
            self.reference,
            Reverse(self.minute_days),
        )
    }

    fn tuple(self) -> (u64, u64, u64, u64, u64) {
        (
            self.required_in_window,
            self.late_minute_days,
            self.optional,
            self.reference,
            self.minute_days,
        )
    }
}

/// One item as the reference sees it.
struct Task {
    kind: Kind,
    section: usize,
    /// The item's section has no weeks.
    weekless: bool,
    /// First and last day of the section's window.
    window: Option<(u32, u32)>,
    /// Minutes of each part.
    parts: Vec<u32>,
    /// Indices of prerequisites.
    after: Vec<usize>,
    /// For each part, every day it may go on by itself, ascending.
    days: Vec<Vec<u32>>,
    /// Whether the path-order rule binds this item: not with `--any-order`, and not for an item
    /// that waits, through prerequisites, for a later item of its own section and kind.
    ordered: bool,
}

/// The best schedule found, with what it took.
pub struct Optimum {
    pub value: Value,
    /// Days of each item's parts (path order), `None` when left out.
    pub days: Vec<Option<Vec<u32>>>,
    /// The last day the enumeration considered.
    pub horizon: u32,
    /// Complete feasible schedules reached.
    pub leaves: u64,
    /// Branches entered (an item or a part decided): what the enumeration's time grows with.
    pub nodes: u64,
}

/// The last day any optimal schedule can use.
///
/// Let B be the last day of any window, day off or busy instance (the day before day 0 when
/// there is none). After B, a day's gaps and hours depend on its weekday only. After the last
/// window only two kinds of session can lie: required sessions of sections with weeks (late)
/// and sessions of sections without weeks; say there are T of them (counting parts).
///
/// When every study day after B is alike (same hours, same gaps): suppose an optimal schedule
/// leaves a study day g > B empty while some session lies after g. Move the content of every
/// study day after g to the study day before it (the first to g). The days are alike, so each
/// day's packing holds; the map is strictly increasing, so parts stay on strictly increasing
/// days and every "≤" between two moved sessions holds; a moved session stays after g, so it
/// stays after every unmoved one and after every window's start; nothing moved is optional or
/// reference work of a section with weeks. So the result keeps every rule, keeps L1 and L3 (a
/// late session stays past its window's end), and lowers L2 (if a late session moved) or else
/// L4: a better schedule, a contradiction. Hence every study day from B + 1 up to the last
/// session holds one of the T sessions: the last is at most the T-th study day after B.
///
/// When the weekdays differ, the same holds for an empty stretch of seven days after B,
/// moving everything after it a week back (each day onto the same weekday): every block of
/// seven days from B + 1 up to the last session holds one of the T sessions, so the last
/// session is at most on day B + 7T.
fn horizon(settings: &Settings, tasks: &[Task], last_window_day: Option<u32>) -> u32 {
    let start = settings.start;
    let day_of = |d: chrono::NaiveDate| (d - start).num_days();
    let mut last: i64 = last_window_day.map_or(-1, i64::from);
    for &(_, b) in &settings.off {
        last = last.max(day_of(b));
    }
    let brk = i64::from(settings.free.break_minutes);
    for e in &settings.free.busy {
        for (_, b) in e.instances() {
            last = last.max(day_of((b + Duration::minutes(brk)).date()));
        }
    }
    let after_windows: usize = tasks
        .iter()
        .filter(|t| t.weekless || (t.kind == Kind::Required && t.window.is_some()))
        .map(|t| t.parts.len())
        .sum();
    let b = u32::try_from(last + 1).expect("after the start");
    if after_windows == 0 {
        return b.saturating_sub(1);
    }
    // The days of one week after B, as (hours, gaps) of the study days.
    let week: Vec<(u32, Vec<(u32, u32)>)> = (b..b + 7)
        .map(|d| {
            (
                settings.capacity_of_day(d),
                settings.gaps(settings.date_of(d)),
            )
        })
        .filter(|(c, _)| *c > 0)
        .collect();
    assert!(!week.is_empty(), "no study days: {:?}", settings.args());
    if week.iter().all(|w| *w == week[0]) {
        let mut day = b;
        let mut found = 0;
        loop {
            if settings.capacity_of_day(day) > 0 {
                found += 1;
                if found == after_windows {
                    return day;
                }
            }
            day += 1;
        }
    }
    // B + 7T, where B may be the day before day 0 (b = 0): T ≥ 1 here, so no underflow.
    b + 7 * u32::try_from(after_windows).expect("few parts") - 1
}

fn tasks(spec: &PathSpec, settings: &Settings) -> (Vec<Task>, u32) {
    let limit = settings.session_limit();
    let mut tasks: Vec<Task> = spec
        .flat()
        .into_iter()
        .map(|it| {
            let weeks = spec.sections[it.section].weeks;
            Task {
                kind: it.kind,
                section: it.section,
                weekless: weeks.is_none(),
                window: weeks.map(Settings::window_days),
                parts: crate::greedy::split(it.minutes, limit),
                after: it.after,
                days: Vec::new(),
                ordered: !settings.any_order,
            }
        })
        .collect();
    // Everything each item waits for, through prerequisites (they point at earlier items only
    // in these instances, but nothing here relies on it).
    let n = tasks.len();
    let mut waits: Vec<Vec<bool>> = (0..n)
        .map(|i| (0..n).map(|j| tasks[i].after.contains(&j)).collect())
        .collect();
    for k in 0..n {
        for i in 0..n {
            for j in 0..n {
                if waits[i][k] && waits[k][j] {
                    waits[i][j] = true;
                }
            }
        }
    }
    for i in 0..n {
        let later_in_chain = (i + 1..n).any(|j| {
            waits[i][j] && tasks[j].section == tasks[i].section && tasks[j].kind == tasks[i].kind
        });
        if later_in_chain {
            tasks[i].ordered = false;
        }
    }
    let last_window_day = tasks.iter().filter_map(|t| t.window.map(|w| w.1)).max();
    let horizon = horizon(settings, &tasks, last_window_day);
    for t in &mut tasks {
        let (first, last) = match (t.kind, t.window) {
            (_, None) => (0, horizon),
            (Kind::Required, Some((a, _))) => (a, horizon),
            (_, Some((a, b))) => (a, b),
        };
        t.days = t
            .parts
            .iter()
            .map(|&m| {
                (first..=last)
                    .filter(|&d| {
                        settings.capacity_of_day(d) >= m
                            && settings
                                .gaps(settings.date_of(d))
                                .iter()
                                .any(|(a, b)| b - a >= m)
                    })
                    .collect()
            })
            .collect();
    }
    (tasks, horizon)
}

struct Search<'a> {
    tasks: &'a [Task],
    capacity: Vec<u32>,
    used: Vec<u32>,
    /// Length of each free gap of each day, in time order.
    gaps: Vec<Vec<u32>>,
    break_minutes: u32,
    /// The sessions of each day: (item, part, minutes).
    on_day: Vec<Vec<(usize, usize, u32)>>,
    /// Days of the items decided so far (the rest are `None` and not looked at).
    days: Vec<Option<Vec<u32>>>,
    best: Option<(Value, Vec<Option<Vec<u32>>>)>,
    /// Cut branches with the bound and skip days the rules already exclude (an optimisation
    /// only: `consistent` alone decides what is feasible).
    prune: bool,
    leaves: u64,
    /// Branches entered so far, and how many the search may enter before it gives up.
    nodes: u64,
    limit: u64,
}

impl Search<'_> {
    /// Counts a branch; true once there were more than the limit (then nothing more is tried,
    /// and the best found is not known to be the optimum).
    fn given_up(&mut self) -> bool {
        self.nodes += 1;
        self.nodes > self.limit
    }

    /// Decides item `i` (all before it are decided), with `acc` the value so far.
    fn item(&mut self, i: usize, acc: Value) {
        if self.given_up() {
            return;
        }
        if i == self.tasks.len() {
            self.leaves += 1;
            if self.best.as_ref().is_none_or(|(b, _)| acc.key() > b.key()) {
                self.best = Some((acc, self.days.clone()));
            }
            return;
        }
        if self.prune && !self.may_beat(i, &[], acc) {
            return;
        }
        let span = if self.prune {
            self.span(i)
        } else {
            (0, u32::MAX)
        };
        self.parts(i, &mut Vec::new(), span, acc);
        if self.tasks[i].kind != Kind::Required {
            self.days[i] = None;
            if self.consistent(i) {
                self.item(i + 1, acc);
            }
        }
    }

    /// Chooses the day of the next part of item `i` after those in `chosen`, within `span`.
    fn parts(&mut self, i: usize, chosen: &mut Vec<u32>, span: (u32, u32), acc: Value) {
        if self.given_up() {
            return;
        }
        let task = &self.tasks[i];
        let p = chosen.len();
        if p == task.parts.len() {
            self.days[i] = Some(chosen.clone());
            if self.consistent(i) {
                self.item(i + 1, acc);
            }
            self.days[i] = None;
            return;
        }
        let m = task.parts[p];
        for &d in &task.days[p] {
            let du = d as usize;
            if d < span.0
                || d > span.1
                || chosen.last().is_some_and(|&prev| d <= prev)
                || self.used[du] + m > self.capacity[du]
            {
                continue;
            }
            self.on_day[du].push((i, p, m));
            if !self.day_fits(du) {
                self.on_day[du].pop();
                continue;
            }
            self.used[du] += m;
            chosen.push(d);
            let acc = add(acc, task, m, d);
            if !self.prune || self.may_beat(i, chosen, acc) {
                self.parts(i, chosen, span, acc);
            }
            chosen.pop();
            self.used[du] -= m;
            self.on_day[du].pop();
        }
    }

    /// Whether the sessions of day `d` fit its free gaps: each session inside one gap, the
    /// sessions of a gap a break apart (a gap of g minutes holds sessions m1..mk when
    /// Σ mi + (k − 1) × break ≤ g), and a session that must wait for another of the same day
    /// (prerequisite, required work of its section, path order) in the same gap or a later one.
    /// Within one gap any order is possible, so the waiting ones go after. (The day's hours are
    /// checked by the caller.)
    fn day_fits(&self, d: usize) -> bool {
        let sessions = &self.on_day[d];
        let gaps = &self.gaps[d];
        let brk = self.break_minutes;
        let need: u32 = sessions.iter().map(|&(_, _, m)| m + brk).sum();
        let room: u32 = gaps.iter().map(|&g| g + brk).sum();
        if need > room {
            return false;
        }
        if gaps.len() == 1 {
            return true;
        }
        // Pairs (a, b): session a may not be in an earlier gap than session b.
        let mut waits = Vec::new();
        for (a, &(x, p, _)) in sessions.iter().enumerate() {
            for (b, &(y, q, _)) in sessions.iter().enumerate() {
                if a == b || p != 0 {
                    continue;
                }
                let (tx, ty) = (&self.tasks[x], &self.tasks[y]);
                let last_of_y = q + 1 == ty.parts.len();
                let prerequisite = last_of_y && (tx.after.contains(&y) || must_follow(tx, ty));
                let order = q == 0 && y < x && in_one_chain(tx, ty);
                if prerequisite || order {
                    waits.push((a, b));
                }
            }
        }
        let mut left: Vec<u32> = gaps.iter().map(|&g| g + brk).collect();
        let mut at = vec![0usize; sessions.len()];
        assign(sessions, brk, &waits, &mut left, &mut at, 0)
    }

    /// Every rule between item `i` and each item before it holds.
    fn consistent(&self, i: usize) -> bool {
        (0..i).all(|j| self.waits_ok(i, j) && self.waits_ok(j, i))
    }

    /// The rules in which `x` waits for `y`, on the days chosen for both. Rules between two
    /// sessions of one day hold by running that day's sessions in path order, with a section's
    /// required work first: prerequisites here always point at earlier items and never make a
    /// required item wait for non-required work of its own section, so that order serves.
    fn waits_ok(&self, x: usize, y: usize) -> bool {
        let (tx, ty) = (&self.tasks[x], &self.tasks[y]);
        // Work left out waits for nothing.
        let Some(dx) = &self.days[x] else {
            return true;
        };
        let first_x = dx[0];
        if tx.after.contains(&y) {
            match &self.days[y] {
                Some(dy) if dy[dy.len() - 1] > first_x => return false,
                Some(_) => {}
                // A required item need not wait for a non-required prerequisite left out; an
                // optional or reference item cannot go without its prerequisite.
                None if tx.kind == Kind::Required && ty.kind != Kind::Required => {}
                None => return false,
            }
        }
        let Some(dy) = &self.days[y] else {
            return true;
        };
        // Path order: an item starts no earlier than a scheduled item before it in the path of
        // its own section and kind.
        if y < x && in_one_chain(tx, ty) && dy[0] > first_x {
            return false;
        }
        let last_y = dy[dy.len() - 1];
        !(must_follow(tx, ty) && last_y > first_x)
    }

    /// The days `waits_ok` leaves the parts of item `x` given the items decided before it: from
    /// the last day of any scheduled item it waits for, to the first day of any scheduled item
    /// that waits for it. (Every rule between two scheduled items has this form.)
    fn span(&self, x: usize) -> (u32, u32) {
        let tx = &self.tasks[x];
        let (mut lo, mut hi) = (0, u32::MAX);
        for (y, ty) in self.tasks.iter().enumerate().take(x) {
            let Some(dy) = &self.days[y] else {
                continue;
            };
            if tx.after.contains(&y) || must_follow(tx, ty) {
                lo = lo.max(dy[dy.len() - 1]);
            }
            if in_one_chain(tx, ty) {
                lo = lo.max(dy[0]);
            }
            if ty.after.contains(&x) || must_follow(ty, tx) {
                hi = hi.min(dy[0]);
            }
        }
        (lo, hi)
    }

    /// Whether some completion could beat the best schedule found, with items before `i`
    /// decided and the parts `chosen` of item `i` placed (`acc` counts all of those).
    ///
    /// The bound is optimistic at every level on its own, so every completion is at most the
    /// bound at every level, hence lexicographically. Each part still to place gets a first
    /// possible day `lb` (strictly after the part before it, and not before the items decided
    /// so far require), and:
    /// - a required part counts in its window unless `lb` is past the window's end (then it is
    ///   late by at least `lb − end` days); a required item's minutes in its window are at most
    ///   the free minutes of its window's days, and the rest is late by at least the days from
    ///   the window's end to the next study day;
    /// - optional and reference minutes count in full;
    /// - L4 counts minutes × `lb` for parts that must be placed: those of required items and of
    ///   an item already begun (a later optional or reference item may be left out).
    fn may_beat(&self, i: usize, chosen: &[u32], acc: Value) -> bool {
        let Some((best, _)) = &self.best else {
            return true;
        };
        let mut v = acc;
        for (x, t) in self.tasks.iter().enumerate().skip(i) {
            let begun = x == i && !chosen.is_empty();
            let placed = if x == i { chosen.len() } else { 0 };
            let mut prev = if begun {
                Some(chosen[chosen.len() - 1])
            } else {
                None
            };
            let lo = self.span(x).0;
            let rest = &t.parts[placed..];
            let minutes: u64 = rest.iter().map(|&m| u64::from(m)).sum();
            if t.kind != Kind::Required {
                if t.kind == Kind::Optional {
                    v.optional += minutes;
                } else {
                    v.reference += minutes;
                }
                if !begun {
                    continue;
                }
            }
            let mut in_window = 0;
            let mut late_by_day = 0;
            for (p, &m) in rest.iter().enumerate() {
                let Some(&lb) = t.days[placed + p]
                    .iter()
                    .find(|&&d| d >= lo && prev.is_none_or(|q| d > q))
                else {
                    // Too few days left for parts that must be placed.
                    return false;
                };
                prev = Some(lb);
                let m = u64::from(m);
                v.minute_days += m * u64::from(lb);
                match t.window {
                    Some((_, end)) if lb > end => late_by_day += m * u64::from(lb - end),
                    _ => in_window += m,
                }
            }
            if t.kind != Kind::Required {
                continue;
            }
            let Some((start, end)) = t.window else {
                v.required_in_window += in_window;
                continue;
            };
            let smallest = rest.iter().copied().min().unwrap_or(0);
            let free: u64 = (start.max(lo)..=end)
                .map(|d| self.capacity[d as usize] - self.used[d as usize])
                .filter(|&f| f >= smallest)
                .map(u64::from)
                .sum();
            let in_window = in_window.min(free);
            let next_study_day = (end + 1..self.capacity.len() as u32)
                .find(|&d| self.capacity[d as usize] > 0)
                .unwrap_or(end + 1);
            let late_by_room = (minutes - in_window) * u64::from(next_study_day - end);
            v.required_in_window += in_window;
            v.late_minute_days += late_by_day.max(late_by_room);
        }
        // A completion that only ties the best is not needed either: the value is known.
        v.key() > best.key()
    }
}

/// Puts sessions `k..` into gaps with `left` room each (`at` holds the gaps chosen so far), so
/// that every pair `(a, b)` of `waits` has `a` in the gap of `b` or a later one.
fn assign(
    sessions: &[(usize, usize, u32)],
    brk: u32,
    waits: &[(usize, usize)],
    left: &mut [u32],
    at: &mut [usize],
    k: usize,
) -> bool {
    if k == sessions.len() {
        return waits.iter().all(|&(a, b)| at[a] >= at[b]);
    }
    let need = sessions[k].2 + brk;
    for g in 0..left.len() {
        if left[g] < need {
            continue;
        }
        left[g] -= need;
        at[k] = g;
        let ok = assign(sessions, brk, waits, left, at, k + 1);
        left[g] += need;
        if ok {
            return true;
        }
    }
    false
}

/// Whether `x`, once scheduled, must wait for every session of `y` by the phase rules: work of
/// a section after the required work of its own section (optional and reference work) and of
/// every section before it (sections without weeks).
fn must_follow(x: &Task, y: &Task) -> bool {
    y.kind == Kind::Required
        && ((x.section == y.section && x.kind != Kind::Required)
            || (x.weekless && y.section < x.section))
}

/// Whether the path-order rule puts `x` and `y` in one order.
fn in_one_chain(x: &Task, y: &Task) -> bool {
    x.ordered && y.ordered && x.section == y.section && x.kind == y.kind
}

/// `acc` plus a session of `m` minutes of `task` on day `d`.
fn add(mut acc: Value, task: &Task, m: u32, d: u32) -> Value {
    let m = u64::from(m);
    match (task.kind, task.window) {
        (Kind::Required, Some((_, end))) if d > end => {
            acc.late_minute_days += m * u64::from(d - end);
        }
        (Kind::Required, _) => acc.required_in_window += m,
        (Kind::Optional, _) => acc.optional += m,
        (Kind::Reference, _) => acc.reference += m,
    }
    acc.minute_days += m * u64::from(d);
    acc
}

/// The optimum by enumeration, `None` when that takes more than `limit` branches.
fn enumerate(spec: &PathSpec, settings: &Settings, prune: bool, limit: u64) -> Option<Optimum> {
    let (tasks, horizon) = tasks(spec, settings);
    let capacity: Vec<u32> = (0..=horizon).map(|d| settings.capacity_of_day(d)).collect();
    let gaps: Vec<Vec<u32>> = (0..=horizon)
        .map(|d| {
            settings
                .gaps(settings.date_of(d))
                .iter()
                .map(|(a, b)| b - a)
                .collect()
        })
        .collect();
    let mut search = Search {
        tasks: &tasks,
        used: vec![0; capacity.len()],
        on_day: vec![Vec::new(); capacity.len()],
        gaps,
        break_minutes: settings.free.break_minutes,
        capacity,
        days: vec![None; tasks.len()],
        best: None,
        prune,
        leaves: 0,
        nodes: 0,
        limit,
    };
    search.item(0, Value::default());
    if search.nodes > limit {
        return None;
    }
    let (value, days) = search.best.unwrap_or_else(|| {
        panic!(
            "the reference found no feasible schedule up to day {horizon}\n{}",
            repro(spec, settings)
        )
    });
    Some(Optimum {
        value,
        days,
        horizon,
        leaves: search.leaves,
        nodes: search.nodes,
    })
}

/// The lexicographic optimum of every schedule that keeps the rules, `None` when the search
/// takes more than `limit` branches.
pub fn brute_force(spec: &PathSpec, settings: &Settings, limit: u64) -> Option<Optimum> {
    enumerate(spec, settings, true, limit)
}

/// The plan's value at every level, from its sessions.
fn plan_value(settings: &Settings, levels: checker::Levels, doc: &PlanDoc) -> Value {
    let minute_days = doc
        .sessions
        .iter()
        .map(|s| {
            let day = (s.date - settings.start).num_days();
            u64::from(s.minutes) * u64::try_from(day).expect("no session before the start")
        })
        .sum();
    Value {
        required_in_window: levels.required_in_window,
        late_minute_days: levels.late_minute_days,
        optional: levels.optional,
        reference: levels.reference,
        minute_days,
    }
}

/// What it takes to run the instance again by hand.
fn repro(spec: &PathSpec, settings: &Settings) -> String {
    let mut out = format!(
        "to reproduce: studyplan plan path.yaml {} --format json\npath.yaml:\n{}",
        settings.args().join(" "),
        spec.yaml()
    );
    for (name, text) in settings.files() {
        let _ = write!(out, "{name}:\n{}", text.replace("\r\n", "\n"));
    }
    out
}

fn describe_reference(spec: &PathSpec, settings: &Settings, optimum: &Optimum) -> String {
    let mut s = String::new();
    for (it, days) in spec.flat().iter().zip(&optimum.days) {
        let days = days.as_ref().map_or("left out".to_string(), |d| {
            d.iter()
                .map(|&d| settings.date_of(d).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        });
        let _ = writeln!(s, "  {} ({} min): {days}", it.full_id, it.minutes);
    }
    s
}

fn describe_plan(doc: &PlanDoc) -> String {
    let mut s = String::new();
    for x in &doc.sessions {
        let _ = writeln!(
            s,
            "  {} part {}/{}: {} ({} min){}",
            x.item,
            x.part,
            x.parts,
            x.date,
            x.minutes,
            if x.late { ", late" } else { "" }
        );
    }
    for u in &doc.unscheduled {
        let _ = writeln!(s, "  {}: left out ({})", u.item, u.reason);
    }
    s
}

/// Plans the instance with the binary, checks every hard rule, and asserts that the plan reaches
/// the reference's optimum at every level and is reported optimal. Returns the optimum.
fn assert_optimal(spec: &PathSpec, settings: &Settings) -> Value {
    assert_optimal_within(spec, settings, u64::MAX).expect("no limit on the reference")
}

/// [`assert_optimal`], where the reference may enter at most `limit` branches for each of its
/// searches (the plan's and, in path order, the one without the rule): `None` when one of them
/// needs more. When the first does, nothing is checked; when the second does, the plan has
/// been checked at every level but the order's cost has not.
fn assert_optimal_within(spec: &PathSpec, settings: &Settings, limit: u64) -> Option<Value> {
    let optimum = brute_force(spec, settings, limit)?;
    let sb = Sandbox::new();
    let file = format!("{}.yaml", spec.id);
    sb.write(&file, &spec.yaml());
    for (name, text) in settings.files() {
        sb.write(name, &text);
    }
    let mut extra = settings.args();
    extra.extend(["--format", "json", "--now", NOW].map(String::from));
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let run = sb.plan(&file, &extra).run();
    assert_eq!(
        run.code,
        Some(0),
        "plan failed\nstderr:\n{}\n{}",
        run.stderr,
        repro(spec, settings)
    );
    let doc: PlanDoc = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not a plan document: {e}\n{}\n{}",
            run.stdout,
            repro(spec, settings)
        )
    });
    let levels = checker::check(spec, settings, &doc);
    let plan = plan_value(settings, levels, &doc);
    assert!(
        plan == optimum.value && doc.summary.optimal,
        "the plan is not the optimum (levels: required in window, late minute-days, optional, \
         reference, minute-days)\nplan:      {:?} (summary.optimal: {})\nreference: {:?}\n\
         plan's sessions:\n{}reference schedule (horizon day {}, {} complete schedules reached):\n\
         {}{}",
        plan.tuple(),
        doc.summary.optimal,
        optimum.value.tuple(),
        describe_plan(&doc),
        optimum.horizon,
        optimum.leaves,
        describe_reference(spec, settings, &optimum),
        repro(spec, settings)
    );
    if !settings.any_order {
        let free = brute_force(
            spec,
            &Settings {
                any_order: true,
                ..settings.clone()
            },
            limit,
        )?;
        assert_order_cost(spec, settings, plan, &doc, free.value);
    }
    Some(optimum.value)
}

/// The proven plan in path order says what the order costs at priorities 1 and 2: the
/// difference from the reference's optimum under `--any-order` (`free`).
fn assert_order_cost(
    spec: &PathSpec,
    settings: &Settings,
    plan: Value,
    doc: &PlanDoc,
    free: Value,
) {
    // Where `--any-order` fits more required work in its windows, it may leave more late
    // work too: the late work's cost is then none, not negative.
    let expected = checker::OrderCostDoc {
        required_in_window_minutes: free
            .required_in_window
            .checked_sub(plan.required_in_window)
            .unwrap_or_else(|| {
                panic!(
                    "the plan in path order fits more required minutes than the optimum \
                     without the rule ({:?})\n{}",
                    free.tuple(),
                    repro(spec, settings)
                )
            }),
        late_minute_days: plan.late_minute_days.saturating_sub(free.late_minute_days),
    };
    assert_eq!(
        doc.summary.order_cost,
        Some(expected),
        "the order's cost is not the difference from the optimum under --any-order \
         (reference: {:?})\n{}",
        free.tuple(),
        repro(spec, settings)
    );
}

// ---------------------------------------------------------------------------------------------
// Hand-built instances. All start on Monday 2026-01-05 and study on Mondays and Thursdays only,
// so week N's study days are 7(N-1) and 7(N-1)+3.

fn mon_thu(minutes: u32) -> Settings {
    let mut s = Settings::daily("2026-01-05", minutes);
    s.days = Some([true, false, false, true, false, false, false]);
    s
}

fn path(id: &str, sections: Vec<crate::model::SectionSpec>) -> PathSpec {
    PathSpec {
        id: id.into(),
        title: format!("Path {id}"),
        sections,
    }
}

/// Week 1 has room for two of three required items. The third, late, could take a study day of
/// week 2, but week 2 belongs to a section whose own required work fills it: L1 puts the late
/// item after week 2. With room in week 2 for one more, it goes there instead (L2).
#[test]
fn late_work_goes_after_a_later_window_it_would_crowd_out() {
    let a = section(
        "a",
        Some((1, 1)),
        vec![
            item("a1", Kind::Required, 30, &[]),
            item("a2", Kind::Required, 30, &[]),
            item("a3", Kind::Required, 30, &[]),
        ],
    );
    let full = path(
        "crowded",
        vec![
            a.clone(),
            section(
                "b",
                Some((2, 2)),
                vec![
                    item("b1", Kind::Required, 30, &[]),
                    item("b2", Kind::Required, 30, &[]),
                ],
            ),
        ],
    );
    let v = assert_optimal(&full, &mon_thu(30));
    // a3 on day 14, 8 days after a's window: 30 × 8.
    assert_eq!((v.required_in_window, v.late_minute_days), (120, 240));

    let roomy = path(
        "roomy",
        vec![
            a,
            section(
                "b",
                Some((2, 2)),
                vec![
                    item("b1", Kind::Required, 30, &[]),
                    item("b2", Kind::Optional, 30, &[]),
                ],
            ),
        ],
    );
    let v = assert_optimal(&roomy, &mon_thu(30));
    // a3 on day 7 (one day late), b1 on day 10, b2 has no room left in its window.
    assert_eq!(v.tuple(), (90, 30, 0, 0, 3 * 30 + 7 * 30 + 10 * 30));
}

/// Found by the random test: HiGHS's presolve rule "enumeration" (HiGHS issue #3216) cut the
/// earliness optimum off and reported 764 minute-days as optimal. Swapping the 13-minute last
/// part of i2 with the 12-minute first part of i1 gives 763.
#[test]
fn regression_presolve_enumeration_lost_the_earliness_optimum() {
    let spec = path(
        "enumeration",
        vec![section(
            "s1",
            Some((1, 2)),
            vec![
                item("i1", Kind::Required, 34, &[]),
                item("i2", Kind::Required, 67, &[]),
            ],
        )],
    );
    let mut settings = Settings::daily("2026-02-04", 15);
    settings.days = Some([false, false, false, true, true, true, false]);
    // The instance was found without the path-order rule, which it needs to show the bug.
    settings.any_order = true;
    let v = assert_optimal(&spec, &settings);
    assert_eq!(v.tuple(), (79, 55, 0, 0, 763));
    // With the rule, i2 may not start before i1: the optimum is the reference's.
    settings.any_order = false;
    let v = assert_optimal(&spec, &settings);
    assert_eq!(v.tuple(), (79, 55, 0, 0, 774));
}

/// Also found by the random test, with the same cause: 839 minute-days reported optimal where
/// s2/i2 first and s2/i1 after it gives 836.
#[test]
fn regression_presolve_enumeration_lost_the_earliness_optimum_with_prerequisites() {
    let spec = path(
        "enumeration2",
        vec![
            section(
                "s1",
                Some((1, 1)),
                vec![
                    item("i1", Kind::Optional, 29, &[]),
                    item("i2", Kind::Optional, 21, &["s1/i1"]),
                ],
            ),
            section(
                "s2",
                Some((2, 2)),
                vec![
                    item("i1", Kind::Required, 37, &["s1/i2"]),
                    item("i2", Kind::Required, 28, &[]),
                ],
            ),
        ],
    );
    let mut settings = Settings::daily("2026-11-12", 15);
    settings.days = Some([true, false, false, false, true, false, true]);
    // Found without the path-order rule: "s2/i2 first" breaks it.
    settings.any_order = true;
    let v = assert_optimal(&spec, &settings);
    assert_eq!(v.tuple(), (41, 72, 29, 0, 836));
    settings.any_order = false;
    let v = assert_optimal(&spec, &settings);
    assert_eq!(v.tuple(), (41, 72, 29, 0, 839));
}

/// The bundled path planned at `settings` with the CLI's default time limit: whether the plan
/// says it is optimal, and its value at every level, after the independent checker has
/// checked every rule on it.
fn bundled_value(settings: &Settings) -> (bool, Value) {
    let (doc, levels) = plan_bundled(settings, None);
    (doc.summary.optimal, plan_value(settings, levels, &doc))
}

/// The README's first plan, the bundled path at one hour a day, is proven optimal at every level
/// with the earliness an independent exact solver (OR-Tools CP-SAT, BENCHMARKS.md session 14)
/// proved optimal: 171,385 minute-days. Too large for the exhaustive reference; the MIP alone
/// stopped 0.69 % above it at the default time limit, the walk by sections proves it.
#[test]
fn the_bundled_path_at_one_hour_a_day_is_the_independently_confirmed_optimum() {
    let (optimal, value) = bundled_value(&bundled_settings(60));
    assert!(optimal);
    assert_eq!(value.tuple(), (2525, 0, 1520, 35, 171_385));
}

/// Where optional work is left out, the walk's narrow and whole walks give the optimum: the
/// bundled path at 0.75 h on weekdays and 1.5 h at weekends leaves 40 optional minutes out,
/// and an independent exact solver (OR-Tools CP-SAT, BENCHMARKS.md session 16) proved every
/// level: 1,480 optional and 35 reference minutes, then 170,050 minute-days. The MIP alone
/// stopped open at the default time limit (session 15).
#[test]
fn the_bundled_path_leaving_optional_work_out_is_the_independently_confirmed_optimum() {
    let mut settings = bundled_settings(45);
    settings.weekend_minutes = Some(90);
    let (optimal, value) = bundled_value(&settings);
    assert!(optimal);
    assert_eq!(value.tuple(), (2525, 0, 1480, 35, 170_050));
}

/// Where required work runs late, the walk proves the first two levels, which CP-SAT proved
/// independently (BENCHMARKS.md session 16): at 0.75 h a day on the bundled path 2,490
/// required minutes fit their windows and the other 35 go one day late.
#[test]
fn the_bundled_path_with_late_work_is_proven_at_the_independently_confirmed_levels() {
    let (optimal, value) = bundled_value(&bundled_settings(45));
    assert!(optimal);
    assert_eq!(
        (value.required_in_window, value.late_minute_days),
        (2490, 35)
    );
}

/// A required item that runs late keeps its section's optional work out of the window, even
/// where the optional item fits a gap after the last one the required item fits: the MIP's
/// required-before-optional switch stopped at that last gap, and late work pooled across
/// classes has no columns of its own, so the optional item took the evening gap of the day
/// while the required one went a week late. (Found by the walk's random instances.)
#[test]
fn regression_optional_work_waits_for_pooled_late_work_of_its_section() {
    let spec = path(
        "pooled",
        vec![
            section(
                "s1",
                Some((1, 1)),
                vec![
                    item("i1", Kind::Required, 26, &[]),
                    item("i2", Kind::Optional, 10, &[]),
                ],
            ),
            section(
                "s2",
                Some((1, 1)),
                vec![item("i1", Kind::Required, 35, &[])],
            ),
        ],
    );
    let mut settings = Settings::daily("2026-01-05", 45);
    settings.days = Some([false, false, false, false, false, true, true]);
    let evening = vec![(17 * 60, 17 * 60 + 15)];
    let saturday = vec![(7 * 60, 7 * 60 + 35), (17 * 60, 17 * 60 + 15)];
    settings.free.windows = Some([
        evening.clone(),
        evening.clone(),
        evening.clone(),
        evening.clone(),
        evening.clone(),
        saturday,
        evening,
    ]);
    let v = assert_optimal(&spec, &settings);
    // One Saturday morning gap holds one of the two long items; s2's goes in (its section
    // has no optional work to lose), s1's runs late, and s1's optional item is left out.
    assert_eq!((v.tuple().0, v.tuple().2), (35, 0));
}

/// Found by the random test: every part here is longer than the 15-minute gaps of Tuesdays and
/// Sundays, so only Mondays hold them, one a week. The planner's horizon counted a day as able
/// to hold a part by its study minutes (30) instead of its longest gap, fell short after the
/// windows, and the plan failed with "does not fit in 40 years".
#[test]
fn regression_the_horizon_counts_days_whose_gaps_hold_a_part() {
    let spec = path(
        "gaps",
        vec![
            section(
                "s1",
                Some((1, 1)),
                vec![item("i1", Kind::Required, 62, &[])],
            ),
            section(
                "s2",
                Some((2, 2)),
                vec![
                    item("i1", Kind::Required, 50, &[]),
                    item("i2", Kind::Required, 20, &["s1/i1"]),
                ],
            ),
        ],
    );
    let mut settings = Settings::daily("2026-09-30", 30);
    settings.days = Some([true, true, false, false, false, false, true]);
    let monday = vec![(17 * 60 + 30, 18 * 60 + 30)];
    let short = vec![(7 * 60 + 45, 8 * 60), (17 * 60, 17 * 60 + 15)];
    settings.free.windows = Some([
        monday.clone(),
        short.clone(),
        monday.clone(),
        monday.clone(),
        short.clone(),
        monday,
        short,
    ]);
    settings.free.break_minutes = 10;
    let v = assert_optimal(&spec, &settings);
    // Six parts of 20 to 25 minutes, one a Monday: each window's one Monday holds a part in
    // the window (21 minutes of s1/i1 on Oct 5, 25 of s2/i1 on Oct 12), the rest go late.
    assert_eq!(v.tuple().0, 21 + 25);
}

/// Found by the random test: the weekless section's required items wait for an optional and a
/// reference item of weeks 2–3, and with 25-minute sessions on Thursdays and Saturdays their six
/// parts take until day 35. The greedy start has them from day 0, so the horizon (windows and
/// greedy plus two weeks) stopped at day 34, and the plan left the reference item out, claimed
/// optimal. With a break (gaps as the time unit) the first fix still fell short: it counted
/// a gap's room, not the day's minutes.
#[test]
fn regression_the_horizon_holds_weekless_work_after_the_windows() {
    let spec = path(
        "weekless-horizon",
        vec![
            section(
                "s1",
                Some((2, 2)),
                vec![item("i1", Kind::Optional, 10, &[])],
            ),
            section(
                "s2",
                Some((2, 3)),
                vec![item("i1", Kind::Reference, 42, &[])],
            ),
            section(
                "s3",
                None,
                vec![
                    item("i1", Kind::Required, 61, &["s1/i1"]),
                    item("i2", Kind::Required, 51, &["s2/i1"]),
                ],
            ),
        ],
    );
    let mut settings = Settings::daily("2026-01-01", 30);
    settings.days = Some([false, false, false, true, false, true, false]);
    settings.max_session = Some(25);
    settings.any_order = true;
    let v = assert_optimal(&spec, &settings);
    // Everything scheduled: the reference item too.
    assert_eq!((v.optional, v.reference), (10, 42));
    // The same with a break: the time unit is a free gap, and a gap of the whole evening holds
    // several parts by its room but one by the day's 30 minutes.
    settings.free.break_minutes = 15;
    let v = assert_optimal(&spec, &settings);
    assert_eq!((v.optional, v.reference), (10, 42));
}

/// Found by the random test: a weekless section's three items (25, 21 and 15 minutes) go after
/// the optional item of weeks 2–3, one a Monday, where a busy half hour splits two Mondays into
/// gaps of 15 and 30 minutes. The horizon put the 15-minute item in the first gap of the Monday
/// whose second gap holds the 21-minute one, before it, which path order forbids; it ended
/// after that Monday, where the items need the next, and the plan left the optional item out,
/// claimed optimal.
#[test]
fn regression_the_horizon_keeps_the_path_order_of_weekless_work() {
    let spec = path(
        "weekless-order",
        vec![
            section(
                "s1",
                Some((1, 1)),
                vec![item("i1", Kind::Required, 21, &[])],
            ),
            section(
                "s2",
                Some((2, 3)),
                vec![item("i1", Kind::Optional, 46, &[])],
            ),
            section(
                "s3",
                None,
                vec![
                    item("i1", Kind::Required, 25, &[]),
                    item("i2", Kind::Required, 21, &[]),
                    item("i3", Kind::Required, 15, &[]),
                ],
            ),
        ],
    );
    let mut settings = Settings::daily("2026-07-12", 45);
    settings.days = Some([true, false, false, true, false, false, false]);
    // Thursdays have study time but no window: only Mondays hold sessions.
    let evening = vec![(20 * 60, 21 * 60 + 15)];
    settings.free.windows = Some([
        evening.clone(),
        evening.clone(),
        evening.clone(),
        Vec::new(),
        evening.clone(),
        evening.clone(),
        evening,
    ]);
    settings.free.busy = vec![BusyEvent {
        start: NaiveDate::from_ymd_opt(2026, 8, 3)
            .and_then(|d| d.and_hms_opt(20, 15, 0))
            .expect("a date"),
        minutes: 30,
        all_day: false,
        every: 7,
        count: 2,
    }];
    let v = assert_optimal(&spec, &settings);
    // s2/i1 on July 20 and 27, then s3's items on August 3, 10 and 17.
    assert_eq!(v.tuple(), (82, 0, 46, 0, 2249));
}

/// An item longer than the session limit is split, and the part that does not fit its window
/// goes late; where it goes depends on the room the next section leaves.
#[test]
fn a_split_item_runs_late() {
    let spec = path(
        "split",
        vec![
            section("a", Some((1, 1)), vec![item("x", Kind::Required, 70, &[])]),
            section(
                "b",
                Some((2, 2)),
                vec![
                    item("y", Kind::Required, 20, &[]),
                    item("z", Kind::Required, 20, &[]),
                ],
            ),
        ],
    );
    let mut settings = mon_thu(45);
    settings.max_session = Some(30);
    let v = assert_optimal(&spec, &settings);
    // Parts 24, 23, 23: the third one day late on day 7, next to y; z on day 10.
    assert_eq!((v.required_in_window, v.late_minute_days), (87, 23));

    // With only 30 minutes a day the late part would push y or z out of week 2, so it waits.
    let mut tight = mon_thu(30);
    tight.max_session = Some(30);
    let v = assert_optimal(&spec, &tight);
    assert_eq!((v.required_in_window, v.late_minute_days), (87, 23 * 8));
}

/// The third required item of week 1 is late, and the optional item of the same section must
/// come after it: outside its window, so it is left out although week 1 has room for it.
#[test]
fn optional_work_is_left_out_when_its_section_runs_late() {
    let spec = path(
        "phase",
        vec![
            section(
                "a",
                Some((1, 1)),
                vec![
                    item("r1", Kind::Required, 30, &[]),
                    item("r2", Kind::Required, 30, &[]),
                    item("r3", Kind::Required, 30, &[]),
                    item("opt", Kind::Optional, 10, &[]),
                    item("ref", Kind::Reference, 15, &[]),
                ],
            ),
            section("b", Some((2, 2)), vec![item("o", Kind::Optional, 30, &[])]),
        ],
    );
    let v = assert_optimal(&spec, &mon_thu(45));
    // r3 on day 7 (r3 and o do not share a day: 60 > 45), o on day 10; opt and ref left out.
    assert_eq!(v.tuple(), (60, 30, 30, 0, 3 * 30 + 7 * 30 + 10 * 30));
}

/// A section without weeks after a section with late work: it starts only after that late
/// work, which itself is better off as early as possible.
#[test]
fn a_weekless_section_follows_late_work() {
    let spec = path(
        "weekless",
        vec![
            section(
                "a",
                Some((1, 1)),
                vec![
                    item("a1", Kind::Required, 30, &[]),
                    item("a2", Kind::Required, 30, &[]),
                    item("a3", Kind::Required, 30, &[]),
                    item("a4", Kind::Optional, 10, &[]),
                ],
            ),
            section(
                "free",
                None,
                vec![
                    item("w", Kind::Required, 20, &[]),
                    item("v", Kind::Optional, 10, &[]),
                    item("u", Kind::Reference, 25, &[]),
                ],
            ),
        ],
    );
    let v = assert_optimal(&spec, &mon_thu(30));
    // a3 on day 7, w and v on day 10, u on day 14; a4 left out.
    assert_eq!(
        v.tuple(),
        (80, 30, 10, 25, 3 * 30 + 7 * 30 + 10 * 30 + 14 * 25)
    );
}

/// Prerequisites: a required item of weeks 1-2 that waits for a required item of week 2, with an
/// optional follow-up; and a required item of week 1 whose optional prerequisite belongs to
/// week 2, so that prerequisite is left out and does not hold it back.
#[test]
fn prerequisites_across_sections() {
    let spec = path(
        "prereq",
        vec![
            section(
                "late",
                Some((2, 2)),
                vec![item("p", Kind::Required, 30, &[])],
            ),
            section(
                "mid",
                Some((1, 2)),
                vec![
                    item("q", Kind::Required, 15, &["late/p"]),
                    item("s", Kind::Optional, 30, &["mid/q"]),
                ],
            ),
            section(
                "opt",
                Some((2, 2)),
                vec![item("e", Kind::Optional, 15, &[])],
            ),
            section(
                "early",
                Some((1, 1)),
                vec![item("f", Kind::Required, 30, &["opt/e"])],
            ),
        ],
    );
    let v = assert_optimal(&spec, &mon_thu(45));
    assert_eq!(v.required_in_window, 75);
    assert_eq!(v.late_minute_days, 0);
}

/// Optional and reference work of a section that shares its week with another section whose
/// required work fills it: both are left out, although each would fit a day on its own.
#[test]
fn optional_work_yields_to_required_work_of_another_section() {
    let spec = path(
        "compete",
        vec![
            section(
                "a",
                Some((2, 2)),
                vec![
                    item("r", Kind::Required, 20, &[]),
                    item("o", Kind::Optional, 40, &[]),
                    item("ref", Kind::Reference, 10, &[]),
                ],
            ),
            section(
                "b",
                Some((2, 2)),
                vec![
                    item("b1", Kind::Required, 45, &[]),
                    item("b2", Kind::Required, 25, &[]),
                ],
            ),
        ],
    );
    let v = assert_optimal(&spec, &mon_thu(45));
    // b1 on one study day of week 2, r and b2 on the other.
    assert_eq!(v.tuple(), (90, 0, 0, 0, 45 * 7 + 45 * 10));
}

// ---------------------------------------------------------------------------------------------
// Random tiny instances.

fn raw_section() -> impl Strategy<Value = RawSection> {
    gen::raw_section(&Shape {
        windowed: 0.8,
        first_week: 1..=2,
        extra_weeks: 0..=1,
        items: 1..=3,
        minutes: 10..=70,
        prerequisite: 0.25,
    })
}

/// 1–3 sections (at most one without weeks), 2–6 items in all.
fn raw_path() -> impl Strategy<Value = Vec<RawSection>> {
    prop::collection::vec(raw_section(), 1..=3).prop_filter("2 to 6 items, one weekless", |r| {
        let n: usize = r.iter().map(|s| s.1.len()).sum();
        (2..=6).contains(&n) && r.iter().filter(|s| s.0.is_none()).count() <= 1
    })
}

/// 15–60 minutes on 2 or 3 study days a week, sometimes a day off, sometimes a session limit
/// that splits items; three times in four also study windows, a busy calendar or breaks
/// ([`free_time`]).
fn settings() -> impl Strategy<Value = Settings> {
    (
        0i64..364,
        1u32..=4,
        prop::sample::subsequence((0..7).collect::<Vec<usize>>(), 2..=3),
        prop::option::weighted(0.15, (0i64..21, 0i64..3)),
        prop::sample::select(vec![None, None, Some(20), Some(25), Some(30)]),
        prop::bool::weighted(0.3),
        prop::option::weighted(0.75, free_time()),
    )
        .prop_map(
            |(start, quarters, study, off, max_session, any_order, free)| {
                let start =
                    NaiveDate::from_ymd_opt(2026, 1, 1).expect("date") + Duration::days(start);
                let mut days = [false; 7];
                for d in study {
                    days[d] = true;
                }
                let mut s = Settings::daily(&start.to_string(), quarters * 15);
                s.days = Some(days);
                s.off = off
                    .map(|(from, len)| {
                        let a = start + Duration::days(from);
                        (a, a + Duration::days(len))
                    })
                    .into_iter()
                    .collect();
                s.max_session = max_session;
                s.any_order = any_order;
                if let Some(free) = free {
                    s.free = free.build(start);
                }
                s
            },
        )
}

/// Study windows, busy events and a break as drawn, before they meet a start date.
#[derive(Debug, Clone)]
pub(crate) struct RawFree {
    /// Two window patterns (each an evening window and sometimes a morning one), and for
    /// each weekday which one it has (2: none); `None`: no windows at all.
    windows: Option<([Windows; 2], [u8; 7])>,
    /// (day from the start, start minute, minutes, repeat: 0 once, 1 daily, 2 weekly, 3 all day)
    busy: Vec<(u32, u32, u32, u8, u32)>,
    break_minutes: u32,
}

impl RawFree {
    pub(crate) fn build(&self, start: NaiveDate) -> FreeTime {
        let windows = self.windows.as_ref().map(|(patterns, pick)| {
            let mut w: [Vec<(u32, u32)>; 7] = Default::default();
            for (d, &k) in pick.iter().enumerate() {
                if let Some(p) = patterns.get(k as usize) {
                    w[d].clone_from(p);
                }
            }
            w
        });
        let busy = self
            .busy
            .iter()
            .map(|&(day, minute, minutes, repeat, count)| {
                let date = start + Duration::days(i64::from(day));
                let all_day = repeat == 3;
                BusyEvent {
                    start: date.and_time(NaiveTime::MIN)
                        + Duration::minutes(if all_day { 0 } else { i64::from(minute) }),
                    minutes: if all_day {
                        1440 * count.min(2)
                    } else {
                        minutes
                    },
                    all_day,
                    every: if repeat == 2 { 7 } else { 1 },
                    count: if matches!(repeat, 1 | 2) { count } else { 1 },
                }
            })
            .collect();
        FreeTime {
            windows,
            busy,
            break_minutes: self.break_minutes,
        }
    }
}

/// One window pattern: an evening window from 17:00 to 20:00 of 15–90 minutes, and one time in
/// three a morning window from 07:00 to 08:00 of 15–60 minutes.
fn window_pattern() -> impl Strategy<Value = Vec<(u32, u32)>> {
    (
        0u32..=12,
        3u32..=18,
        prop::option::weighted(0.35, (0u32..=4, 3u32..=12)),
    )
        .prop_map(|(evening, len, morning)| {
            let mut w = Vec::new();
            if let Some((m, l)) = morning {
                let a = 7 * 60 + 15 * m;
                w.push((a, a + 5 * l));
            }
            let a = 17 * 60 + 15 * evening;
            w.push((a, a + 5 * len));
            w
        })
}

/// Windows two times in three (the same on every weekday half the time, else a second
/// pattern or none on some weekdays); up to three busy events in the evening or morning band
/// (once, daily or weekly a few times, or all day), half the time; a break of 5–15 minutes
/// two times in five.
pub(crate) fn free_time() -> impl Strategy<Value = RawFree> {
    let pick = prop_oneof![
        1 => Just([0u8; 7]),
        1 => prop::array::uniform7(prop_oneof![4 => Just(0u8), 3 => Just(1u8), 1 => Just(2u8)]),
    ];
    let event = (
        0u32..24,
        prop_oneof![4 => 16u32 * 12..22 * 12, 1 => 6u32 * 12..9 * 12].prop_map(|f| f * 5),
        prop::sample::select(vec![10u32, 15, 20, 30, 45, 60, 90, 120]),
        prop_oneof![3 => Just(0u8), 1 => Just(1u8), 2 => Just(2u8), 1 => Just(3u8)],
        2u32..=4,
    );
    (
        prop::option::weighted(0.67, ([window_pattern(), window_pattern()], pick)),
        prop_oneof![1 => Just(Vec::new()), 1 => prop::collection::vec(event, 1..=3)],
        prop::sample::select(vec![0u32, 0, 0, 5, 10, 15]),
    )
        .prop_map(|(windows, busy, break_minutes)| RawFree {
            windows,
            busy,
            break_minutes,
        })
}

/// The longest single session a study day can hold before busy time: the hours of its day
/// within its longest window (or from `--at` to midnight).
fn longest_session(settings: &Settings) -> u32 {
    (0..7)
        .map(|i| {
            let longest = match &settings.free.windows {
                Some(w) => w[i].iter().map(|(a, b)| b - a).max().unwrap_or(0),
                None => u32::MAX,
            };
            settings.weekday_minutes(i).min(longest)
        })
        .max()
        .unwrap_or(0)
}

/// The parts of every item once split: what the enumeration's size grows with.
fn parts(spec: &PathSpec, settings: &Settings) -> usize {
    let limit = settings.session_limit();
    spec.flat()
        .iter()
        .map(|it| it.minutes.div_ceil(limit) as usize)
        .sum()
}

/// A random tiny instance: at most `max_parts` sessions in all, so the reference stays fast,
/// each of which fits a gap of some study day. (A part no window can hold is reported as such,
/// which is not what this test is about.)
fn instance(max_parts: usize) -> impl Strategy<Value = (PathSpec, Settings)> {
    (raw_path(), settings())
        .prop_map(|(raw, settings)| (gen::build_path(&raw), settings))
        .prop_filter("some study time", |(_, settings)| {
            settings.session_limit() > 0
        })
        .prop_filter("few parts", move |(spec, settings)| {
            parts(spec, settings) <= max_parts
        })
        .prop_filter("every part fits a window", |(spec, settings)| {
            let limit = settings.session_limit();
            let longest = longest_session(settings);
            spec.flat()
                .iter()
                .all(|it| crate::greedy::split(it.minutes, limit)[0] <= longest)
        })
}

/// Branches the reference may enter in one search of a random instance below; a case that
/// needs more is set aside (rejected and named on stderr; a run fails past [`set_aside`] of
/// them). Of 5,604 searches of 3,000 cases (1,500 of each test below, session 44), 36 entered
/// more than 100,000 branches, 9 more than a million (up to 3.4 s), 3 more than 3 million, and
/// 2 (one instance, with and without the rule) about 120 million, 40 s each. Such a case used
/// to stretch a run of the exhaustive tests to an hour, and it shrank for longer still.
const NODES: u64 = 10_000_000;

/// Rejects the case when the reference gave up (`checked` is `None`), and says so on stderr
/// with what it takes to run it by hand (`--nocapture` shows it).
fn set_aside_unless(
    checked: Option<Value>,
    spec: &PathSpec,
    settings: &Settings,
) -> Result<(), TestCaseError> {
    if checked.is_none() {
        eprintln!(
            "set aside: the reference needs more than {NODES} branches\n{}",
            repro(spec, settings)
        );
        return Err(TestCaseError::reject("the reference needs more branches"));
    }
    Ok(())
}

/// Cases set aside by [`NODES`] a run may have before it fails: one in a hundred, and one.
fn set_aside(cases: u32) -> u32 {
    cases / 100 + 1
}

/// Random instances per run of the test below: `STUDYPLAN_OPTIMUM_CASES` runs more by hand
/// (e.g. 5000 on a quiet machine: about a minute per thousand).
fn cases(default: u32) -> u32 {
    std::env::var("STUDYPLAN_OPTIMUM_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(60),
        max_global_rejects: set_aside(cases(60)),
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_tiny_plans_are_optimal_at_every_level((spec, settings) in instance(10)) {
        set_aside_unless(assert_optimal_within(&spec, &settings, NODES), &spec, &settings)?;
    }

    #[test]
    fn random_tiny_plans_the_walk_covers_are_optimal_at_every_level(
        (spec, settings) in walk_instance()
    ) {
        set_aside_unless(assert_optimal_within(&spec, &settings, NODES), &spec, &settings)?;
    }
}

/// Instances the walk by sections covers (`src/solver/dp.rs`): every section with weeks, no
/// prerequisites, path order on, items split when longer than the session limit (at most ten
/// parts in all, as above); three times in four with study windows, busy time or breaks.
/// Whether everything fits its window is left to chance, so the walk's answer and its
/// hand-over to the MIP are both checked.
fn walk_instance() -> impl Strategy<Value = (PathSpec, Settings)> {
    let section = (
        (1u32..=2, 0u32..=1),
        prop::collection::vec((gen::kind(), 10u32..=60), 1..=4),
    )
        .prop_map(|(weeks, items)| -> RawSection {
            (
                Some(weeks),
                items.into_iter().map(|(k, m)| (k, m, None)).collect(),
            )
        });
    let path = prop::collection::vec(section, 1..=3).prop_filter("2 to 7 items", |r| {
        (2..=7).contains(&r.iter().map(|s| s.1.len()).sum::<usize>())
    });
    (
        path,
        settings().prop_map(|mut s| {
            s.any_order = false;
            s
        }),
    )
        .prop_map(|(raw, settings)| (gen::build_path(&raw), settings))
        .prop_filter("some study time", |(_, settings)| {
            settings.session_limit() > 0
        })
        .prop_filter("few parts", |(spec, settings)| parts(spec, settings) <= 10)
        .prop_filter("every part fits a window", |(spec, settings)| {
            let limit = settings.session_limit();
            let longest = longest_session(settings);
            spec.flat()
                .iter()
                .all(|it| crate::greedy::split(it.minutes, limit)[0] <= longest)
        })
}

// ---------------------------------------------------------------------------------------------
// The reference checked on its own.

/// The limit on branches gives up only past it, and a search within it is the whole search.
#[test]
fn the_reference_gives_up_only_past_its_limit() {
    let spec = path(
        "limit",
        vec![section(
            "a",
            Some((1, 2)),
            vec![
                item("a1", Kind::Required, 30, &[]),
                item("a2", Kind::Optional, 20, &[]),
                item("a3", Kind::Reference, 10, &[]),
            ],
        )],
    );
    let settings = mon_thu(30);
    let whole = brute_force(&spec, &settings, u64::MAX).expect("no limit");
    assert!(
        whole.nodes > 10,
        "a search of {} branches tells nothing",
        whole.nodes
    );
    let within = brute_force(&spec, &settings, whole.nodes).expect("exactly at its limit");
    assert_eq!((within.value, within.nodes), (whole.value, whole.nodes));
    assert!(brute_force(&spec, &settings, whole.nodes - 1).is_none());
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    /// The bound only cuts branches that cannot win: plain enumeration finds the same optimum.
    /// (With free time the horizon is longer, and plain enumeration, exponential in the parts,
    /// gets at most five.)
    #[test]
    fn the_reference_bound_changes_nothing(
        (spec, settings) in instance(8).prop_filter("plain enumeration stays small", |(spec, settings)| {
            !settings.free.is_set() || parts(spec, settings) <= 5
        })
    ) {
        let pruned = enumerate(&spec, &settings, true, u64::MAX).expect("no limit");
        let plain = enumerate(&spec, &settings, false, u64::MAX).expect("no limit");
        prop_assert_eq!(pruned.value, plain.value, "{}", repro(&spec, &settings));
    }
}
