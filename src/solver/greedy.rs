//! A list scheduler: a feasible warm start for the MIP and a yardstick (the optimizer must
//! never do worse).
//!
//! Required work goes first, earliest deadline first, each part on the earliest day with room
//! inside its window; work that does not fit its window is deferred rather than allowed to
//! crowd out the next window, and then placed as early as possible after. Work without a
//! window follows, then optional and reference work inside their windows.

use super::{Levels, Problem, Task};
use crate::path::Kind;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Schedule `problem` greedily, two ways — window-first (deferring work that does not fit its
/// window) and plain path order — and keep the better by the contract's priorities: neither
/// wins on every instance. The result satisfies every hard rule.
pub fn schedule(problem: &Problem) -> Vec<Option<Vec<u32>>> {
    let none = vec![None; problem.tasks.len()];
    let mut best = schedule_from(problem, &none, true);
    let path_order = schedule_from(problem, &none, false);
    let candidates = std::iter::once(path_order).chain(
        latest_first(problem)
            .map(|days| left_shifted(problem, days))
            .filter(|days| super::is_feasible(problem, days)),
    );
    for days in candidates {
        let better = super::Levels::of(problem, &days).compare(&super::Levels::of(problem, &best));
        if better == std::cmp::Ordering::Greater {
            best = days;
        }
    }
    best
}

/// The list scheduler's mirror image: every task as late as its window allows, the last
/// section first, each chain from its end, a section's optional and reference work before
/// (that is, after in time) its required work.
///
/// Where the windows are tight towards the end of a path, the forward scheduler spends the
/// early sections' slack on packings that leave minutes empty, and the last sections run out
/// of room for optional work (the bundled path at 1 h a day: 60 optional minutes left out,
/// which the whole MIP needs over a minute to recover). Packed from the end, the tight weeks
/// come first and the slack ends up at the start, where [`left_shifted`] then moves work
/// forward. `None` when the problem has what this mirror does not handle (prerequisites,
/// sections that follow others, work without a window, a replan's previous days) or when
/// required work does not fit its window this way.
fn latest_first(problem: &Problem) -> Option<Vec<Option<Vec<u32>>>> {
    let unsupported = problem
        .tasks
        .iter()
        .any(|t| !t.after.is_empty() || t.window.is_none() || t.previous.is_some())
        || problem.section_after.iter().any(|s| !s.is_empty());
    if unsupported {
        return None;
    }
    let n = problem.tasks.len();
    let mut free = Room::of(problem);
    let chains = Chains::of(problem);
    let mut days: Vec<Option<Vec<u32>>> = vec![None; n];
    // Per section: the first slot of its placed optional and reference work, which its
    // required work must not pass.
    let mut first_later = vec![u32::MAX; problem.section_after.len()];
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&t| {
        let task = &problem.tasks[t];
        let group = match task.kind {
            Kind::Optional => 0,
            Kind::Reference => 1,
            Kind::Required => 2,
        };
        (Reverse(task.earliest()), task.section, group, Reverse(t))
    });
    for t in order {
        let task = &problem.tasks[t];
        let (_, end) = task.window?;
        let mut last = end.min(free.len().saturating_sub(1) as u32);
        if task.kind == Kind::Required {
            last = last.min(first_later[task.section]);
        }
        // The first part no later than the next task's first; later parts may follow it.
        let first_limit = chains.latest(t, &days).map_or(last, |d| d.min(last));
        let placed = place_late(problem, task, task.earliest(), first_limit, last, &free);
        match placed {
            Some(placed) => {
                for (&d, &m) in placed.iter().zip(&task.parts) {
                    free.take(d as usize, m);
                }
                if task.kind != Kind::Required {
                    let first = placed.first().copied().unwrap_or(u32::MAX);
                    first_later[task.section] = first_later[task.section].min(first);
                }
                days[t] = Some(placed);
            }
            None if task.kind == Kind::Required => return None,
            None => {}
        }
    }
    Some(days)
}

/// Parts on strictly increasing days, as late as possible: the last part in the last slot
/// with room at or before `last`, each part before it on an earlier day, the first part at or
/// before `first_last` and none before `from`.
fn place_late(
    problem: &Problem,
    task: &Task,
    from: u32,
    first_last: u32,
    last: u32,
    free: &Room,
) -> Option<Vec<u32>> {
    let mut out = vec![0; task.parts.len()];
    let mut bound = Some(last);
    for (k, &m) in task.parts.iter().enumerate().rev() {
        let mut slot = bound?;
        if k == 0 {
            slot = slot.min(first_last);
        }
        while !free.fits_task(task, slot as usize, m) {
            slot = slot.checked_sub(1)?;
        }
        if slot < from {
            return None;
        }
        out[k] = slot;
        bound = problem.last_slot_before_day_of(slot);
    }
    Some(out)
}

/// Move every task as early as it can go with everything else held, task after task and
/// pass after pass, until nothing moves: the same tasks in the same windows, so every level
/// but earliness keeps its value, and earliness only improves.
fn left_shifted(problem: &Problem, mut days: Vec<Option<Vec<u32>>>) -> Vec<Option<Vec<u32>>> {
    // A schedule that does not fit has nothing to shift.
    let Some(mut free) = Room::after(problem, &days) else {
        return days;
    };
    let chains = Chains::of(problem);
    for _ in 0..problem.tasks.len() {
        let mut order: Vec<usize> = (0..problem.tasks.len())
            .filter(|&t| days[t].is_some())
            .collect();
        order.sort_by_key(|&t| (days[t].as_ref().and_then(|d| d.first().copied()), t));
        // The last day of each section's required work, kept up to date as tasks move (a
        // stale, later value would hold optional work back needlessly).
        let mut required_done = vec![0u32; problem.section_after.len()];
        for (task, d) in problem.tasks.iter().zip(&days) {
            if let (Kind::Required, Some(&last)) = (task.kind, d.iter().flatten().last()) {
                required_done[task.section] = required_done[task.section].max(last);
            }
        }
        let mut moved = false;
        for t in order {
            let task = &problem.tasks[t];
            let Some(current) = days[t].clone() else {
                continue;
            };
            let (Some(&first), Some(&last)) = (current.first(), current.last()) else {
                continue;
            };
            let mut from = task.earliest().max(chains.earliest(t, &days));
            if task.kind != Kind::Required {
                from = from.max(required_done[task.section]);
            }
            for (&slot, &m) in current.iter().zip(&task.parts) {
                free.give(slot as usize, m);
            }
            let earlier = place(
                task,
                from as usize,
                last as usize + 1,
                first as usize + 1,
                &free,
            )
            .filter(|p| p.iter().zip(&current).all(|(a, b)| a <= b));
            let chosen = earlier.unwrap_or(current.clone());
            for (&slot, &m) in chosen.iter().zip(&task.parts) {
                free.take(slot as usize, m);
            }
            if chosen != current {
                moved = true;
                days[t] = Some(chosen);
                if task.kind == Kind::Required {
                    required_done[task.section] = problem
                        .tasks
                        .iter()
                        .zip(&days)
                        .filter(|(o, _)| o.section == task.section && o.kind == Kind::Required)
                        .filter_map(|(_, d)| d.as_ref().and_then(|d| d.last().copied()))
                        .max()
                        .unwrap_or(0);
                }
            }
        }
        if !moved {
            break;
        }
    }
    days
}

/// Keep every task's previous days (a replan), and place only the others greedily. The
/// result may break a rule when the previous days no longer fit: check it with
/// [`super::is_feasible`].
pub fn keep_previous(problem: &Problem) -> Vec<Option<Vec<u32>>> {
    let seed: Vec<Option<Vec<u32>>> = problem
        .tasks
        .iter()
        .map(|t| t.previous_days().cloned())
        .collect();
    schedule_from(problem, &seed, true)
}

/// Keep every task of `days` where it is and add the optional and reference work left out,
/// wherever it now fits: a better start for the optional level once the levels above have
/// moved required work around.
pub fn fill(problem: &Problem, days: &[Option<Vec<u32>>]) -> Vec<Option<Vec<u32>>> {
    schedule_from(problem, days, true)
}

/// Put tasks of a replan back on their previous days where that is better by the priorities
/// (it keeps more sessions, and costs no level above "sessions kept"), one task at a time with
/// everything else held, pass after pass until nothing moves. A start for the sessions-kept
/// level: when the levels above take the whole time limit, the plan still leaves sessions
/// where they were instead of wherever those levels' search put them.
pub fn restore_previous(problem: &Problem, days: &[Option<Vec<u32>>]) -> Vec<Option<Vec<u32>>> {
    let mut days = days.to_vec();
    let mut levels = super::Levels::of(problem, &days);
    for _ in 0..problem.tasks.len() {
        let mut moved = false;
        for (t, task) in problem.tasks.iter().enumerate() {
            let Some(previous) = task.previous_days() else {
                continue;
            };
            if days[t].as_ref() == Some(previous) {
                continue;
            }
            let current = days[t].replace(previous.clone());
            let better = super::is_feasible(problem, &days)
                .then(|| super::Levels::of(problem, &days))
                .filter(|l| l.compare(&levels) == std::cmp::Ordering::Greater);
            match better {
                Some(l) => {
                    levels = l;
                    moved = true;
                }
                None => days[t] = current,
            }
        }
        if !moved {
            break;
        }
    }
    days
}

/// `days` without the late parts of its required tasks (those after their windows): the parts
/// inside their windows and every other task stay where they are.
pub fn without_late(problem: &Problem, days: &[Option<Vec<u32>>]) -> Vec<Option<Vec<u32>>> {
    let mut days = days.to_vec();
    for (task, d) in problem.tasks.iter().zip(&mut days) {
        if let (Kind::Required, Some((_, end)), Some(v)) = (task.kind, task.window, d.as_mut()) {
            v.retain(|&day| day <= end);
            if v.is_empty() {
                *d = None;
            }
        }
    }
    days
}

/// `days` with the late parts of its required tasks placed again by [`complete_required`]
/// ([`without_late`] the rest): a start for the late minute-days level where the level above
/// placed late work anywhere.
pub fn repack_late(problem: &Problem, days: &[Option<Vec<u32>>]) -> Option<Vec<Option<Vec<u32>>>> {
    complete_required(problem, &without_late(problem, days))
}

/// Complete a schedule whose required tasks may lack their last parts, or all of them, two
/// ways, and keep the better by the priorities: task by task ([`complete_by_task`]) and slot by
/// slot ([`complete_by_slot`]). Everything placed stays. `None` when neither finds a day for
/// every part, or what they find breaks a rule (the phase rule, when optional work placed
/// before comes before a late part).
///
/// This is the start of the late minute-days level on short days (see `required_relaxed` in
/// the model), so how well it packs the late work is how good a plan the time limit returns.
/// Task by task leaves room a shorter part could fill; slot by slot fills it. On the bundled
/// path in path order, the starts went from 128,090 to 124,322 late minute-days at 0.25 h a
/// day, 124,446 → 121,017 at 0.3 h, 90,451 → 89,087 at 0.35 h and 41,099 → 38,817 at 0.45 h
/// (the optimum there is 38,712). On 48 short-day plans of small generated paths slot by slot
/// was better 47 times.
pub fn complete_required(
    problem: &Problem,
    days: &[Option<Vec<u32>>],
) -> Option<Vec<Option<Vec<u32>>>> {
    let free = Room::after(problem, days)?;
    let feasible = |d: Option<Vec<Option<Vec<u32>>>>| d.filter(|d| super::is_feasible(problem, d));
    let by_task = feasible(complete_by_task(problem, days, free.clone()));
    let by_slot = feasible(complete_by_slot(problem, days, free));
    match (by_task, by_slot) {
        (Some(a), Some(b)) => {
            let better = Levels::of(problem, &b).compare(&Levels::of(problem, &a))
                == std::cmp::Ordering::Greater;
            Some(if better { b } else { a })
        }
        (a, b) => a.or(b),
    }
}

/// [`complete_required`] slot by slot: on each slot, the parts ready for it that fill its room
/// most ([`fullest`]), until a slot takes none of them.
fn complete_by_slot(
    problem: &Problem,
    days: &[Option<Vec<u32>>],
    mut free: Room,
) -> Option<Vec<Option<Vec<u32>>>> {
    let mut out = days.to_vec();
    let mut pending: Vec<usize> = (0..problem.tasks.len())
        .filter(|&t| {
            let task = &problem.tasks[t];
            task.kind == Kind::Required && out[t].as_ref().map_or(0, Vec::len) < task.parts.len()
        })
        .collect();
    pending.sort_by_key(|&t| (problem.tasks[t].window.map_or(u32::MAX, |w| w.1), t));
    let chains = Chains::of(problem);
    let mut slot = 0usize;
    while !pending.is_empty() {
        if slot >= free.len() {
            return None;
        }
        loop {
            // The pending tasks whose next part may go on this slot.
            let ready: Vec<usize> = pending
                .iter()
                .copied()
                .filter(|&t| {
                    let task = &problem.tasks[t];
                    let placed = out[t].as_deref().unwrap_or(&[]);
                    let from = match placed.last() {
                        Some(&d) => problem.first_slot_after_day_of(d),
                        None => {
                            if chains
                                .before(t)
                                .any(|j| out[j].as_ref().is_none_or(Vec::is_empty))
                            {
                                return false;
                            }
                            task.earliest().max(chains.earliest(t, &out))
                        }
                    };
                    from as usize <= slot && free.fits_task(task, slot, task.parts[placed.len()])
                })
                .collect();
            if ready.is_empty() {
                break;
            }
            let chosen = fullest(problem, &ready, free.slot[slot], |t| {
                let task = &problem.tasks[t];
                let placed = out[t].as_ref().map_or(0, Vec::len);
                // Sessions that wait on this one: the task's later parts, and the tasks after
                // it in its chain when it has not started.
                let mut waiting = task.parts.len() - placed - 1;
                if placed == 0 {
                    waiting += chains
                        .after(t)
                        .filter(|&j| out[j].as_ref().is_none_or(Vec::is_empty))
                        .count();
                }
                (task.parts[placed], waiting)
            });
            let mut took = false;
            for t in chosen {
                let task = &problem.tasks[t];
                let placed = out[t].get_or_insert_with(Vec::new);
                let m = task.parts[placed.len()];
                if free.fits_task(task, slot, m) {
                    free.take(slot, m);
                    placed.push(slot as u32);
                    took = true;
                }
            }
            pending.retain(|&t| out[t].as_ref().map_or(0, Vec::len) < problem.tasks[t].parts.len());
            if !took {
                break;
            }
        }
        slot += 1;
    }
    Some(out)
}

/// The sessions, one of each of `ready` (each `(minutes, sessions waiting on it)` by
/// `session`), that fill `room` most; among those, the ones with the most sessions waiting,
/// then the ones earliest in `ready`. A 0/1 knapsack by the sessions' room, whose value (the
/// sessions waiting, then the ranks, summed) compares as a pair.
fn fullest(
    problem: &Problem,
    ready: &[usize],
    room: u32,
    session: impl Fn(usize) -> (u32, usize),
) -> Vec<usize> {
    let cap = room as usize;
    let sessions: Vec<(usize, usize)> = ready
        .iter()
        .map(|&t| {
            let (m, waiting) = session(t);
            (problem.room(m) as usize, waiting)
        })
        .collect();
    // best[c]: the best value of a set of room exactly c; took[i][c]: whether it has session i.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; cap + 1];
    best[0] = Some((0, 0));
    let mut took = vec![vec![false; cap + 1]; sessions.len()];
    for (i, &(w, waiting)) in sessions.iter().enumerate() {
        let rank = sessions.len() - i;
        for c in (w..=cap).rev() {
            if let Some((a, b)) = best[c - w] {
                let with = (a + waiting, b + rank);
                if best[c].is_none_or(|x| x < with) {
                    best[c] = Some(with);
                    took[i][c] = true;
                }
            }
        }
    }
    // The fullest room any set reaches.
    let Some(mut c) = best.iter().rposition(Option::is_some) else {
        return Vec::new();
    };
    let mut chosen = Vec::new();
    for i in (0..sessions.len()).rev() {
        if took[i][c] {
            chosen.push(ready[i]);
            c -= sessions[i].0;
        }
    }
    chosen.reverse();
    chosen
}

/// [`complete_required`] task by task: the missing parts go, earliest deadline first, each on
/// the first day with room after the part before (and not before the task may start).
fn complete_by_task(
    problem: &Problem,
    days: &[Option<Vec<u32>>],
    mut free: Room,
) -> Option<Vec<Option<Vec<u32>>>> {
    let mut out = days.to_vec();
    let mut order: Vec<usize> = (0..problem.tasks.len())
        .filter(|&t| problem.tasks[t].kind == Kind::Required)
        .collect();
    order.sort_by_key(|&t| (problem.tasks[t].window.map_or(u32::MAX, |w| w.1), t));
    let chains = Chains::of(problem);
    for t in order {
        let task = &problem.tasks[t];
        // A task that starts now starts no earlier than the tasks before it in its chain.
        let after_chain = if out[t].as_ref().is_none_or(Vec::is_empty) {
            chains.earliest(t, &out)
        } else {
            0
        };
        let placed = out[t].get_or_insert_with(Vec::new);
        let mut slot = placed
            .last()
            .map_or(task.earliest().max(after_chain) as usize, |&d| {
                problem.first_slot_after_day_of(d) as usize
            });
        for &m in &task.parts[placed.len()..] {
            while slot < free.len() && !free.fits_task(task, slot, m) {
                slot += 1;
            }
            if slot >= free.len() {
                return None;
            }
            free.take(slot, m);
            placed.push(slot as u32);
            slot = problem.first_slot_after_day_of(slot as u32) as usize;
        }
    }
    Some(out)
}

fn schedule_from(
    problem: &Problem,
    seed: &[Option<Vec<u32>>],
    window_first: bool,
) -> Vec<Option<Vec<u32>>> {
    let mut g = Greedy {
        problem,
        free: Room::of(problem),
        days: vec![None; problem.tasks.len()],
        last_required: vec![0; problem.section_after.len()],
        chains: Chains::of(problem),
    };
    for (t, days) in seed.iter().enumerate() {
        let Some(days) = days else { continue };
        if days.iter().any(|&d| d as usize >= g.free.len()) {
            continue;
        }
        let task = &problem.tasks[t];
        for (&d, &m) in days.iter().zip(&task.parts) {
            g.free.take(d as usize, m);
        }
        if task.kind == Kind::Required {
            let last = days.last().copied().unwrap_or(0);
            g.last_required[task.section] = g.last_required[task.section].max(last);
        }
        g.days[t] = Some(days.clone());
    }
    let order = placement_order(problem, window_first);
    let required: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&t| problem.tasks[t].kind == Kind::Required)
        .collect();
    // 1. Required work with a window, inside it; the rest is deferred.
    let mut deferred = Vec::new();
    for &t in &required {
        if g.days[t].is_some() {
            continue;
        }
        let task = &problem.tasks[t];
        // Once a task of a chain is deferred, the rest of its chain waits for it.
        let chain_deferred = g.chains.before(t).any(|j| deferred.contains(&j));
        let in_window =
            window_first && task.window.is_some() && !chain_deferred && g.prerequisites_placed(t);
        if !(in_window && g.try_place(t, task.window.map(|w| w.1))) {
            deferred.push(t);
        }
    }
    // 2. Deferred and windowless required work, as early as possible (late if it must).
    for t in deferred {
        g.try_place(t, None);
    }
    // 3. Optional, then reference work, inside windows.
    for pass in [Kind::Optional, Kind::Reference] {
        for &t in &order {
            if problem.tasks[t].kind == pass && g.days[t].is_none() {
                g.try_place(t, problem.tasks[t].latest_for_optional());
            }
        }
    }
    g.days
}

struct Greedy<'a> {
    problem: &'a Problem,
    free: Room<'a>,
    days: Vec<Option<Vec<u32>>>,
    /// Last day of placed required work per section.
    last_required: Vec<u32>,
    chains: Chains,
}

impl Greedy<'_> {
    fn prerequisites_placed(&self, t: usize) -> bool {
        self.problem.tasks[t]
            .after
            .iter()
            .all(|&j| self.days[j].is_some() || self.problem.tasks[j].kind != Kind::Required)
    }

    /// Place task `t` no later than `last` (inclusive), or anywhere in the horizon.
    fn try_place(&mut self, t: usize, last: Option<u32>) -> bool {
        let problem = self.problem;
        let task = &problem.tasks[t];
        let mut earliest = task.earliest();
        for &j in &task.after {
            match &self.days[j] {
                Some(d) => earliest = earliest.max(d.last().copied().unwrap_or(0)),
                // A required task may go ahead of an optional prerequisite left out; an
                // optional one may not.
                None if task.kind == Kind::Required && problem.tasks[j].kind != Kind::Required => {}
                None => return false,
            }
        }
        if task.kind != Kind::Required {
            earliest = earliest.max(self.last_required[task.section]);
        }
        for &s in &problem.section_after[task.section] {
            earliest = earliest.max(self.last_required[s]);
        }
        earliest = earliest.max(self.chains.earliest(t, &self.days));
        let mut to = last.map_or(self.free.len(), |b| (b as usize + 1).min(self.free.len()));
        // Work already placed that needs this task: finish on or before its first day.
        for (i, other) in problem.tasks.iter().enumerate() {
            if other.after.contains(&t) {
                if let Some(first) = self.days[i].as_ref().and_then(|d| d.first()) {
                    to = to.min(*first as usize + 1);
                }
            }
        }
        // Tasks after this one in its chain that are already placed: start on or before them.
        let first_to = self
            .chains
            .latest(t, &self.days)
            .map_or(to, |d| d as usize + 1);
        let Some(placed) = place(task, earliest as usize, to, first_to, &self.free) else {
            return false;
        };
        for (&d, &m) in placed.iter().zip(&task.parts) {
            self.free.take(d as usize, m);
        }
        if task.kind == Kind::Required {
            let last = placed.last().copied().unwrap_or(0);
            self.last_required[task.section] = self.last_required[task.section].max(last);
        }
        self.days[t] = Some(placed);
        true
    }
}

/// Parts on strictly increasing days from slot `from`, each in the first slot with room,
/// before `to` (and the first part before `first_to`).
fn place(task: &Task, from: usize, to: usize, first_to: usize, free: &Room) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(task.parts.len());
    let mut slot = from;
    for &m in &task.parts {
        let to = if out.is_empty() { to.min(first_to) } else { to };
        while slot < to && !free.fits_task(task, slot, m) {
            slot += 1;
        }
        if slot >= to {
            return None;
        }
        out.push(slot as u32);
        slot = free.problem.first_slot_after_day_of(slot as u32) as usize;
    }
    Some(out)
}

/// What is still free: the room of each slot and, with several slots a day, the study
/// minutes of each day.
#[derive(Clone)]
struct Room<'a> {
    problem: &'a Problem,
    slot: Vec<u32>,
    day: Vec<u32>,
}

impl<'a> Room<'a> {
    fn of(problem: &'a Problem) -> Room<'a> {
        Room {
            problem,
            slot: problem.capacity.clone(),
            day: problem
                .slots
                .as_ref()
                .map(|x| x.day_minutes.clone())
                .unwrap_or_default(),
        }
    }

    /// The room left once `days` are placed; `None` when they do not fit.
    fn after(problem: &'a Problem, days: &[Option<Vec<u32>>]) -> Option<Room<'a>> {
        let mut free = Room::of(problem);
        for (task, d) in problem.tasks.iter().zip(days) {
            for (&slot, &m) in d.iter().flatten().zip(&task.parts) {
                if !free.fits(slot as usize, m) {
                    return None;
                }
                free.take(slot as usize, m);
            }
        }
        Some(free)
    }

    fn len(&self) -> usize {
        self.slot.len()
    }

    /// Whether a session of `m` minutes fits slot `s`.
    fn fits(&self, s: usize, m: u32) -> bool {
        let Some(&room) = self.slot.get(s) else {
            return false;
        };
        room >= self.problem.room(m)
            && (self.problem.slots.is_none()
                || self
                    .day
                    .get(self.problem.day(s as u32) as usize)
                    .is_some_and(|&d| d >= m))
    }

    /// Whether a session of `m` minutes of `task` fits slot `s`: room, and not a day the task
    /// avoids.
    fn fits_task(&self, task: &Task, s: usize, m: u32) -> bool {
        self.fits(s, m) && !task.avoids(self.problem, s as u32)
    }

    /// Undo [`Room::take`].
    fn give(&mut self, s: usize, m: u32) {
        self.change(s, m, u32::saturating_add);
    }

    fn take(&mut self, s: usize, m: u32) {
        self.change(s, m, u32::saturating_sub);
    }

    /// Apply `op` to slot `s`'s room (by the session's room) and its day's minutes.
    fn change(&mut self, s: usize, m: u32, op: fn(u32, u32) -> u32) {
        let room = self.problem.room(m);
        if let Some(r) = self.slot.get_mut(s) {
            *r = op(*r, room);
        }
        if self.problem.slots.is_some() {
            let day = self.problem.day(s as u32) as usize;
            if let Some(d) = self.day.get_mut(day) {
                *d = op(*d, m);
            }
        }
    }
}

/// The path-order chains of a problem, indexed by task.
struct Chains {
    /// For each task: its chain and its place in it.
    of: Vec<Option<(usize, usize)>>,
    chains: Vec<Vec<usize>>,
}

impl Chains {
    fn of(problem: &Problem) -> Chains {
        let mut of = vec![None; problem.tasks.len()];
        for (c, chain) in problem.chains.iter().enumerate() {
            for (i, &t) in chain.iter().enumerate() {
                of[t] = Some((c, i));
            }
        }
        Chains {
            of,
            chains: problem.chains.clone(),
        }
    }

    /// The tasks before `t` in its chain.
    fn before(&self, t: usize) -> impl Iterator<Item = usize> + '_ {
        let (c, i) = self.of[t].unwrap_or((0, 0));
        let chain: &[usize] = self.chains.get(c).map_or(&[], |v| &v[..i]);
        chain.iter().copied()
    }

    /// The tasks after `t` in its chain.
    fn after(&self, t: usize) -> impl Iterator<Item = usize> + '_ {
        let chain: &[usize] = match self.of[t] {
            Some((c, i)) => &self.chains[c][i + 1..],
            None => &[],
        };
        chain.iter().copied()
    }

    /// The first day `t` may start on: the latest first day of a placed task before it.
    fn earliest(&self, t: usize, days: &[Option<Vec<u32>>]) -> u32 {
        self.before(t)
            .filter_map(|j| days[j].as_ref().and_then(|d| d.first().copied()))
            .max()
            .unwrap_or(0)
    }

    /// The last day `t` may start on: the earliest first day of a placed task after it.
    fn latest(&self, t: usize, days: &[Option<Vec<u32>>]) -> Option<u32> {
        self.after(t)
            .filter_map(|j| days[j].as_ref().and_then(|d| d.first().copied()))
            .min()
    }
}

/// Tasks in an order that respects prerequisites: a topological sort by earliest window end
/// (no window last) then path order, or by path order alone.
fn placement_order(problem: &Problem, by_deadline: bool) -> Vec<usize> {
    let n = problem.tasks.len();
    let key = |i: usize| {
        let t = &problem.tasks[i];
        let deadline = if by_deadline {
            t.window.map_or(u32::MAX, |w| w.1)
        } else {
            0
        };
        (deadline, i)
    };
    let mut indegree = vec![0usize; n];
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, t) in problem.tasks.iter().enumerate() {
        for &j in &t.after {
            indegree[i] += 1;
            next[j].push(i);
        }
    }
    // A task of a chain waits for the one before it, so it is never placed before it.
    for chain in &problem.chains {
        for w in chain.windows(2) {
            indegree[w[1]] += 1;
            next[w[0]].push(w[1]);
        }
    }
    let mut ready: BinaryHeap<Reverse<(u32, usize)>> = (0..n)
        .filter(|&i| indegree[i] == 0)
        .map(|i| Reverse(key(i)))
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse((_, i))) = ready.pop() {
        order.push(i);
        for &k in &next[i] {
            indegree[k] -= 1;
            if indegree[k] == 0 {
                ready.push(Reverse(key(k)));
            }
        }
    }
    // Prerequisites and path order that wait for each other in a circle: the rest in path
    // order (placing them may fail, which the caller reports).
    if order.len() < n {
        let mut placed = vec![false; n];
        for &i in &order {
            placed[i] = true;
        }
        order.extend((0..n).filter(|&i| !placed[i]));
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::{is_feasible, Levels};

    /// Random problems like our paths in small: sections with overlapping one- or two-week
    /// windows, each a required chain then optional and reference chains, items of 5 to 40
    /// minutes, 30 to 75 minutes a day. Deterministic (xorshift from a fixed seed).
    fn problems(count: usize) -> Vec<Problem> {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: u32| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % u64::from(n)) as u32
        };
        (0..count)
            .map(|_| {
                let sections = 2 + next(4) as usize;
                let per_day = 30 + 5 * next(10);
                let mut tasks = Vec::new();
                let mut chains = Vec::new();
                for s in 0..sections {
                    let a = 7 * s as u32;
                    let window = (a, a + 6 + 7 * next(2));
                    for kind in [Kind::Required, Kind::Optional, Kind::Reference] {
                        let mut chain = Vec::new();
                        for _ in 0..next(if kind == Kind::Reference { 3 } else { 14 }) {
                            let minutes = 5 * (1 + next(8));
                            chain.push(tasks.len());
                            tasks.push(Task {
                                section: s,
                                kind,
                                parts: vec![minutes.min(per_day)],
                                window: Some(window),
                                release: 0,
                                after: Vec::new(),
                                previous: None,
                                avoid: Vec::new(),
                            });
                        }
                        chains.push(chain);
                    }
                }
                Problem {
                    capacity: vec![per_day; 7 * sections + 14],
                    tasks,
                    section_after: vec![Vec::new(); sections],
                    chains,
                    slots: None,
                }
            })
            .collect()
    }

    /// Putting tasks back on their previous days keeps every rule, is never worse by the
    /// priorities, moves a task only onto its previous days, and on some instances keeps
    /// sessions the schedule had moved (previous: packed from the end; now: forward).
    #[test]
    fn restoring_previous_days_keeps_the_rules_and_gains_kept_sessions() {
        let mut gained = 0;
        for mut problem in problems(300) {
            let Some(previous) = latest_first(&problem) else {
                continue;
            };
            for (task, p) in problem.tasks.iter_mut().zip(&previous) {
                task.previous.clone_from(p);
            }
            let now = schedule_from(&problem, &vec![None; problem.tasks.len()], true);
            if !is_feasible(&problem, &now) {
                continue;
            }
            let restored = restore_previous(&problem, &now);
            assert!(is_feasible(&problem, &restored));
            for ((a, b), p) in restored.iter().zip(&now).zip(&previous) {
                assert!(
                    a == b || a == p,
                    "a task moved elsewhere than its previous days"
                );
            }
            let (before, after) = (Levels::of(&problem, &now), Levels::of(&problem, &restored));
            assert_ne!(after.compare(&before), std::cmp::Ordering::Less);
            if restored != now {
                assert_eq!(after.compare(&before), std::cmp::Ordering::Greater);
                assert!(after.kept > before.kept);
                gained += 1;
            }
        }
        assert!(gained > 0, "no instance kept more sessions");
    }

    /// `problem` with half the room a day in its windows, so required work goes late, and 60
    /// more days of that room after them; and the greedy's plan of it without the required
    /// parts after their windows.
    fn short_of_room(mut problem: Problem) -> (Problem, Vec<Option<Vec<u32>>>) {
        let largest = problem.tasks.iter().flat_map(|t| t.parts.clone()).max();
        let half = (problem.capacity[0] / 2).max(largest.unwrap_or(0));
        problem.capacity = vec![half; problem.capacity.len() + 60];
        let partial = without_late(&problem, &schedule(&problem));
        (problem, partial)
    }

    /// Completing the late work keeps the rules and what was placed, is never worse than task
    /// by task, and on some instances packs it tighter.
    #[test]
    fn completing_required_work_keeps_the_rules_and_packs_tighter() {
        let mut wins = 0;
        for problem in problems(1000) {
            // The greedy's required work inside its windows; the rest to complete.
            let (problem, mut partial) = short_of_room(problem);
            for (task, d) in problem.tasks.iter().zip(&mut partial) {
                if task.kind != Kind::Required {
                    *d = None;
                }
            }
            let by_task =
                complete_by_task(&problem, &partial, Room::after(&problem, &partial).unwrap())
                    .unwrap();
            let done = complete_required(&problem, &partial).unwrap();
            assert!(is_feasible(&problem, &done));
            for ((task, before), after) in problem.tasks.iter().zip(&partial).zip(&done) {
                let after = after.as_deref().unwrap_or(&[]);
                assert!(after.starts_with(before.as_deref().unwrap_or(&[])));
                if task.kind == Kind::Required {
                    assert_eq!(after.len(), task.parts.len());
                }
            }
            let (a, b) = (Levels::of(&problem, &by_task), Levels::of(&problem, &done));
            assert_ne!(b.compare(&a), std::cmp::Ordering::Less);
            if b.late_minute_days < a.late_minute_days {
                wins += 1;
            }
        }
        assert!(wins > 0, "slot by slot never packed the late work tighter");
    }

    /// A late part left at the end of the horizon comes back to the first day after its window,
    /// and the parts inside it stay: one window of two 30-minute days, three 30-minute items.
    #[test]
    fn repacking_brings_late_work_back_to_the_window() {
        let task = |_| Task {
            section: 0,
            kind: Kind::Required,
            parts: vec![30],
            window: Some((0, 1)),
            release: 0,
            after: Vec::new(),
            previous: None,
            avoid: Vec::new(),
        };
        let problem = Problem {
            capacity: vec![30; 10],
            tasks: (0..3).map(task).collect(),
            section_after: vec![Vec::new()],
            chains: vec![vec![0, 1, 2]],
            slots: None,
        };
        let scattered = vec![Some(vec![0]), Some(vec![1]), Some(vec![9])];
        assert_eq!(Levels::of(&problem, &scattered).late_minute_days, 30 * 8);
        let repacked = repack_late(&problem, &scattered).expect("room after the window");
        assert_eq!(repacked, vec![Some(vec![0]), Some(vec![1]), Some(vec![2])]);
        assert_eq!(Levels::of(&problem, &repacked).late_minute_days, 30);
    }

    /// Packing the late work again keeps the rules, every part inside its window where it was
    /// and every other task, and on some instances packs tighter than task by task did.
    #[test]
    fn repacking_late_work_keeps_what_is_inside() {
        let mut wins = 0;
        for problem in problems(1000) {
            // The greedy's work inside the windows, the late work placed task by task.
            let (problem, partial) = short_of_room(problem);
            let Some(scattered) =
                complete_by_task(&problem, &partial, Room::after(&problem, &partial).unwrap())
                    .filter(|d| is_feasible(&problem, d))
            else {
                continue;
            };
            let Some(repacked) = repack_late(&problem, &scattered) else {
                continue;
            };
            assert!(is_feasible(&problem, &repacked));
            for ((task, before), after) in problem.tasks.iter().zip(&scattered).zip(&repacked) {
                match (task.kind, task.window) {
                    (Kind::Required, Some((_, end))) => {
                        let inside = |d: &Option<Vec<u32>>| -> Vec<u32> {
                            d.iter().flatten().copied().filter(|&s| s <= end).collect()
                        };
                        assert_eq!(inside(before), inside(after));
                        assert_eq!(after.as_ref().map(Vec::len), Some(task.parts.len()));
                    }
                    _ => assert_eq!(before, after),
                }
            }
            let (a, b) = (
                Levels::of(&problem, &scattered),
                Levels::of(&problem, &repacked),
            );
            assert_eq!(a.required_in_window, b.required_in_window);
            if b.late_minute_days < a.late_minute_days {
                wins += 1;
            }
        }
        assert!(wins > 0, "packing again never packed the late work tighter");
    }

    /// The latest-first start keeps every rule, its left shift never loses a level above
    /// earliness and never makes earliness worse, and the start `schedule` picks is never
    /// worse than the forward list scheduler's. On some of these instances packing from the end
    /// plans more optional work than the forward scheduler does.
    #[test]
    fn latest_first_keeps_the_rules_and_sometimes_wins() {
        let mut wins = 0;
        for problem in problems(2000) {
            let none = vec![None; problem.tasks.len()];
            let forward = Levels::of(&problem, &schedule_from(&problem, &none, true));
            let picked = schedule(&problem);
            assert!(is_feasible(&problem, &picked));
            assert_ne!(
                Levels::of(&problem, &picked).compare(&forward),
                std::cmp::Ordering::Less
            );
            let Some(late) = latest_first(&problem) else {
                continue;
            };
            assert!(is_feasible(&problem, &late));
            let shifted = left_shifted(&problem, late.clone());
            assert!(is_feasible(&problem, &shifted));
            let (before, after) = (Levels::of(&problem, &late), Levels::of(&problem, &shifted));
            assert_eq!(
                (
                    before.required_in_window,
                    before.late_minute_days,
                    before.optional
                ),
                (
                    after.required_in_window,
                    after.late_minute_days,
                    after.optional
                )
            );
            assert_eq!(before.reference, after.reference);
            assert!(after.earliness <= before.earliness);
            if after.optional > forward.optional
                && after.required_in_window >= forward.required_in_window
            {
                wins += 1;
            }
        }
        assert!(wins > 0, "latest-first never planned more optional work");
    }
}
