//! Priority 1 under the path's order, by a walk through the days of the windows.
//!
//! Priority 1 counts the required minutes inside their windows, and late work never helps it:
//! a plan keeps its value when its late parts move later, past every window. Under the
//! path-order rule a section's required items that start inside the window are then a prefix
//! of its chain (an item that starts late holds every later one back), and each of them keeps
//! a prefix of its parts inside. So what a plan has done of a section by the end of a day is
//! how many of its required items have started and how many parts of each unfinished one are
//! placed; once the window ends, what is left of it is late and the walk forgets the section.
//! On the bundled path two windows are open on most days, and at 0.25–0.45 h a day the walk
//! takes 0.01–0.08 s, where the MIP's level 1 took 2–8 s (and at 0.4 h a day did not prove its
//! plan in 57 s; BENCHMARKS.md, session 60).
//!
//! The walk goes slot by slot (a day, or one free gap of a day with study windows, busy time or
//! breaks; a state then also carries the minutes its day has used and the items with a part on
//! it). In the last slot of a day it tries every set of sessions that leaves no room for one
//! more of those that may go there: the next part of an item started (on a later day than its
//! last), or the first part of the next item of a section. A plan that leaves such room can
//! have that session moved to the slot, or added, without losing a minute inside or breaking a
//! rule (its next part comes on a later day anyway, and the item after it in the path starts no
//! earlier than it did), so some best plan does not. In a day's earlier gaps it tries every set
//! that fits: there a session that fits the gap may still take study minutes a later gap of the
//! day needs (a random test found a day of 40 minutes in gaps of 20 and 30 minutes, where
//! filling the first with two short items left the 30-minute item no minutes). States with the
//! same progress in the sections open at the next slot differ only in the minutes of the
//! sections already closed, and the walk keeps the one with more.
//!
//! Late work gets no end here, so the value bounds every plan; it is the optimum once the late
//! parts find days after it, which the caller checks (where the horizon is too short for them it
//! is not, and the MIP decides).
//!
//! It applies where every required task has a window and no prerequisite and no section waits
//! for another; the caller's MIP decides otherwise, and where the walk holds too many states
//! ([`MAX_STATES`]).
//!
//! Walked backwards from any state on demand ([`Ahead`]), the same steps tell the walk by
//! sections how many required minutes can still go inside their windows: its bound at priority
//! 1 is then exact, and it keeps only the states that can still reach the best priority 1.

use super::{Need, Problem, Stop};
use crate::path::Kind;
use rustc_hash::FxHashMap as HashMap;
use std::cmp::Reverse;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Instant;

/// States one day may hold before the walk gives up.
const MAX_STATES: usize = 200_000;
/// Sets of sessions tried in all before the walk gives up.
const MAX_STEPS: u64 = 30_000_000;
/// Sets of sessions one state's day may have before the walk gives up (long days of many
/// short items, where the walk by sections proves the plan anyway).
const MAX_CHOICES: usize = 4096;

/// What [`required_in_windows`] finds: priority 1's optimum, and the slots of the required
/// parts inside their windows in a plan that has it.
pub(super) type Inside = (u64, Vec<Option<Vec<u32>>>);

/// The required items of one section, in path order, and their window.
struct Chain {
    tasks: Vec<usize>,
    open: u32,
    end: u32,
}

/// A state's progress in one chain: items started, and (item, parts placed) for each started
/// item with parts still to place inside the window.
#[derive(Clone, Default, PartialEq, Eq, Hash, Debug)]
struct Progress {
    started: u16,
    partial: Vec<(u16, u16)>,
}

/// A state after a slot: the progress in each chain open at the next slot (in the chains'
/// order) and, within a day of several slots, the study minutes the day has used and the tasks
/// that have a part on it (none may have another).
#[derive(Clone, Default, PartialEq, Eq, Hash, Debug)]
struct Key {
    progress: Vec<Progress>,
    used: u32,
    today: Vec<usize>,
}

/// A state of one slot, and the way back to the state it came from.
struct Entry {
    key: Key,
    value: u64,
    /// Σ over the sections closed of their minutes left late, squared: among plans of the same
    /// value, the one with the least is the start of the late work's level.
    spread: u64,
    parent: u32,
    /// The tasks given a part in this slot: a range of the slot's list of them.
    placed: std::ops::Range<u32>,
}

/// One slot's choice: the tasks that get their next part, and the minutes they take.
struct Choice {
    tasks: Vec<usize>,
    minutes: u32,
}

/// The most required minutes a plan can have inside their windows, and the parts of a plan
/// that has them: the slots of the required tasks' parts inside their windows (`None` for a
/// task with none, and for every optional and reference task). `None` where the walk does not
/// apply, gives up or is stopped.
///
/// With `ahead` (an [`Ahead`] of the same problem), what every state the walk went through can
/// still place goes into its memo: the walk has taken every step from every state that can be
/// reached, which is what `ahead` would take again, backwards, for the first state's value (on
/// the bundled path at 0.25 h a day 0.16 s, as long as this walk).
pub(super) fn required_in_windows(
    problem: &Problem,
    seconds: f64,
    stop: &Stop,
    ahead: Option<&Ahead<'_>>,
) -> Option<Inside> {
    let began = Instant::now();
    let Some(windows) = Windows::of(problem)? else {
        return Some((0, vec![None; problem.tasks.len()])); // nothing required
    };
    let (chains, open, last) = (&windows.chains, &windows.open, windows.last);
    let mut slots: Vec<Vec<Entry>> = Vec::with_capacity(last as usize + 1);
    let mut placed: Vec<Vec<usize>> = Vec::with_capacity(last as usize + 1);
    let mut current = vec![Entry {
        key: Key {
            progress: vec![Progress::default(); open[0].len()],
            ..Key::default()
        },
        value: 0,
        spread: 0,
        parent: 0,
        placed: 0..0,
    }];
    let mut steps = 0u64;
    // Per slot, each step as (the state it is from, the state it leads to, its minutes).
    let mut edges: Vec<Vec<(u32, u32, u32)>> = Vec::new();
    for s in 0..=last {
        let mut taken: Vec<(u32, u32, u32)> = Vec::new();
        let here = &open[s as usize];
        let after = &open[s as usize + 1];
        let mut next: HashMap<Key, usize> = HashMap::default();
        let mut entries: Vec<Entry> = Vec::new();
        let mut arena: Vec<usize> = Vec::new();
        for (i, state) in current.iter().enumerate() {
            if i.is_multiple_of(256) && (stop.raised() || began.elapsed().as_secs_f64() > seconds) {
                return None;
            }
            if entries.len() > MAX_STATES || steps > MAX_STEPS {
                return None;
            }
            for (choice, key, progress) in windows.steps(problem, s, &state.key)? {
                steps += 1;
                let value = state.value + u64::from(choice.minutes);
                let mut spread = state.spread;
                for (k, c) in here.iter().enumerate() {
                    if !after.contains(c) {
                        let left = left_late(problem, &chains[*c], &progress[k]);
                        spread += left * left;
                    }
                }
                let found = next.get(&key).copied();
                if ahead.is_some() {
                    let to = found.unwrap_or(entries.len()) as u32;
                    taken.push((i as u32, to, choice.minutes));
                }
                if found.is_some_and(|e| {
                    (entries[e].value, Reverse(entries[e].spread)) >= (value, Reverse(spread))
                }) {
                    continue;
                }
                let start = arena.len() as u32;
                arena.extend(&choice.tasks);
                let entry = Entry {
                    key,
                    value,
                    spread,
                    parent: i as u32,
                    placed: start..arena.len() as u32,
                };
                match found {
                    Some(e) => entries[e] = entry,
                    None => {
                        next.insert(entry.key.clone(), entries.len());
                        entries.push(entry);
                    }
                }
            }
        }
        slots.push(std::mem::replace(&mut current, entries));
        placed.push(arena);
        edges.push(taken);
    }
    // After the last window the states differ at most in the last day's minutes and parts.
    let best = current
        .iter()
        .max_by_key(|e| (e.value, Reverse(e.spread)))?;
    let value = best.value;
    let mut parts: Vec<Option<Vec<u32>>> = vec![None; problem.tasks.len()];
    let mut at = best;
    for s in (0..=last).rev() {
        for &t in &placed[s as usize][at.placed.start as usize..at.placed.end as usize] {
            parts[t].get_or_insert_with(Vec::new).push(s);
        }
        at = &slots[s as usize][at.parent as usize];
    }
    for p in parts.iter_mut().flatten() {
        p.reverse();
    }
    if let Some(ahead) = ahead {
        ahead.remember(slots, edges, current.len(), steps);
    }
    Some((value, parts))
}

/// The required chains, and the chains open at each slot up to one past the last window: what
/// the walk and [`Ahead`] go through.
struct Windows {
    chains: Vec<Chain>,
    open: Vec<Vec<usize>>,
    last: u32,
}

impl Windows {
    /// `None` where the walk does not apply, `Some(None)` where nothing is required.
    fn of(problem: &Problem) -> Option<Option<Windows>> {
        let chains = chains(problem)?;
        let Some(last) = chains.iter().map(|c| c.end).max() else {
            return Some(None);
        };
        let open = (0..=last + 1)
            .map(|s| {
                (0..chains.len())
                    .filter(|&c| chains[c].open <= s && s <= chains[c].end)
                    .collect()
            })
            .collect();
        Some(Some(Windows { chains, open, last }))
    }

    /// Every step of slot `s` from the state `key` before it: the choice, the state after it,
    /// and the progress of the chains open at `s` after it. `None` past [`MAX_CHOICES`].
    fn steps<'a>(
        &'a self,
        problem: &'a Problem,
        s: u32,
        key: &Key,
    ) -> Option<impl Iterator<Item = (Choice, Key, Vec<Progress>)> + 'a> {
        let here = &self.open[s as usize];
        let after = &self.open[s as usize + 1];
        // The next slot starts a new day: the day's minutes and parts start afresh.
        let new_day = problem.day(s + 1) != problem.day(s);
        let room = problem.capacity.get(s as usize).copied().unwrap_or(0);
        let day_minutes = problem
            .day_minutes(problem.day(s))
            .map_or(u64::MAX, u64::from);
        let left = Need {
            room: u64::from(room),
            minutes: day_minutes.saturating_sub(u64::from(key.used)),
        };
        let choices = choices(problem, &self.chains, here, key, s, left, new_day)?;
        let (progress, used, today) = (key.progress.clone(), key.used, key.today.clone());
        Some(choices.into_iter().map(move |choice| {
            let progress = advance(problem, &self.chains, here, &progress, &choice.tasks);
            let mut next = Key {
                progress: after
                    .iter()
                    .map(|c| match here.iter().position(|x| x == c) {
                        Some(k) => progress[k].clone(),
                        None => Progress::default(),
                    })
                    .collect(),
                ..Key::default()
            };
            if !new_day {
                next.used = used + choice.minutes;
                next.today = today.clone();
                next.today.extend(&choice.tasks);
                next.today.sort_unstable();
            }
            (choice, next, progress)
        }))
    }
}

/// The most required minutes a plan can still place inside their windows from a state of the
/// walk by sections on, found on demand and kept: its bound on priority 1 is then exact.
///
/// The value of a state before slot `s` is the best over the walk's steps from it ([`choices`])
/// of their minutes plus the value of the state they lead to; late work and optional items are
/// left out, which can only raise it. States are kept per slot, shared by the threads that find
/// the walk's bounds.
pub(super) struct Ahead<'p> {
    problem: &'p Problem,
    windows: Windows,
    memo: Vec<Mutex<HashMap<Key, u64>>>,
    kept: AtomicUsize,
    /// Steps taken in all (choices of a slot from a state).
    steps: AtomicU64,
}

/// States [`Ahead`] keeps in all before it gives no more answers (about 150 bytes each): on the
/// bundled path at 0.25 h a day it kept 46,000.
const MAX_AHEAD: usize = 300_000;

/// Steps [`Ahead`] takes in all before it gives no more answers: a call does not look at the
/// clock, so this bounds its time. On the bundled path at 0.25 h a day it took 285,000.
const MAX_AHEAD_STEPS: u64 = 5_000_000;

impl<'p> Ahead<'p> {
    /// `None` where the walk does not apply or nothing is required.
    pub(super) fn new(problem: &'p Problem) -> Option<Ahead<'p>> {
        let windows = Windows::of(problem)??;
        Some(Ahead {
            problem,
            memo: (0..=windows.last).map(|_| Mutex::default()).collect(),
            windows,
            kept: AtomicUsize::default(),
            steps: AtomicU64::default(),
        })
    }

    /// The required tasks of each chain, in path order.
    pub(super) fn chains(&self) -> impl Iterator<Item = &[usize]> {
        self.windows.chains.iter().map(|c| &c.tasks[..])
    }

    /// The chains open at slot `s` (indices into [`Ahead::chains`]).
    pub(super) fn open_at(&self, s: u32) -> &[usize] {
        self.windows.open.get(s as usize).map_or(&[], |o| &o[..])
    }

    /// The most required minutes that can go inside their windows from slot `s` on, from the
    /// state before it: per chain open at `s` (as [`Ahead::open_at`]) the items started and
    /// (item, parts placed) of each started item with parts left, in the items' order; with the
    /// day's minutes used and the tasks with a part on the day where `s` is not its day's first
    /// slot. `None` once too many states are kept, or a day has too many choices.
    pub(super) fn most(
        &self,
        s: u32,
        progress: Vec<(u16, Vec<(u16, u16)>)>,
        used: u32,
        mut today: Vec<usize>,
    ) -> Option<u64> {
        today.sort_unstable();
        let key = Key {
            progress: progress
                .into_iter()
                .map(|(started, partial)| Progress { started, partial })
                .collect(),
            used,
            today,
        };
        self.value(s, &key)
    }

    /// Keep what each state of `slots` (the states before each slot, as
    /// [`required_in_windows`] walked them) can still place, from the steps it took (`edges`,
    /// per slot: from a state, to one of the next slot's, and the minutes placed) and the
    /// `after` states past the last slot. Its memo then holds what [`Ahead::value`] would
    /// find from the first state, and its counts as much. Where that would pass [`MAX_AHEAD`]
    /// or [`MAX_AHEAD_STEPS`] nothing is kept, and [`Ahead::value`] gives up as before.
    fn remember(
        &self,
        slots: Vec<Vec<Entry>>,
        edges: Vec<Vec<(u32, u32, u32)>>,
        after: usize,
        steps: u64,
    ) {
        let states: usize = slots.iter().map(Vec::len).sum();
        if states >= MAX_AHEAD || steps >= MAX_AHEAD_STEPS {
            return;
        }
        self.kept.fetch_add(states, Relaxed);
        self.steps.fetch_add(steps, Relaxed);
        let mut later = vec![0u64; after];
        for (s, (states, taken)) in slots.into_iter().zip(edges).enumerate().rev() {
            let mut here = vec![0u64; states.len()];
            for (from, to, minutes) in taken {
                let v = u64::from(minutes) + later[to as usize];
                let best = &mut here[from as usize];
                *best = (*best).max(v);
            }
            if let Ok(mut memo) = self.memo[s].lock() {
                memo.extend(states.into_iter().zip(&here).map(|(e, &v)| (e.key, v)));
            }
            later = here;
        }
    }

    fn value(&self, s: u32, key: &Key) -> Option<u64> {
        if s > self.windows.last {
            return Some(0);
        }
        if let Some(&v) = self.memo[s as usize].lock().ok()?.get(key) {
            return Some(v);
        }
        if self.kept.load(Relaxed) >= MAX_AHEAD || self.steps.load(Relaxed) >= MAX_AHEAD_STEPS {
            return None;
        }
        let mut best = 0;
        for (choice, next, _) in self.windows.steps(self.problem, s, key)? {
            self.steps.fetch_add(1, Relaxed);
            best = best.max(u64::from(choice.minutes) + self.value(s + 1, &next)?);
        }
        if self.kept.fetch_add(1, Relaxed) >= MAX_AHEAD {
            return None;
        }
        self.memo[s as usize].lock().ok()?.insert(key.clone(), best);
        Some(best)
    }
}

/// The required chains, where the walk applies (see the module's documentation).
fn chains(problem: &Problem) -> Option<Vec<Chain>> {
    if problem.chains.is_empty() || problem.section_after.iter().any(|a| !a.is_empty()) {
        return None;
    }
    let mut chained = vec![false; problem.tasks.len()];
    let mut lists: Vec<Vec<usize>> = Vec::new();
    for chain in &problem.chains {
        let required: Vec<usize> = chain
            .iter()
            .copied()
            .filter(|&t| problem.tasks[t].kind == Kind::Required)
            .collect();
        if required.len() != chain.len() && !required.is_empty() {
            return None; // a chain of mixed kinds: not one the contract makes
        }
        for &t in &required {
            chained[t] = true;
        }
        if !required.is_empty() {
            lists.push(required);
        }
    }
    for (t, task) in problem.tasks.iter().enumerate() {
        if task.kind == Kind::Required && !chained[t] {
            lists.push(vec![t]);
        }
    }
    let mut out = Vec::new();
    for tasks in lists {
        let window = problem.tasks[tasks[0]].window?;
        for &t in &tasks {
            let task = &problem.tasks[t];
            if task.window != Some(window) || !task.after.is_empty() || task.parts.is_empty() {
                return None;
            }
            if problem.tasks.iter().any(|o| o.after.contains(&t)) {
                return None;
            }
        }
        if tasks.len() > usize::from(u16::MAX) {
            return None;
        }
        out.push(Chain {
            tasks,
            open: window.0,
            end: window.1,
        });
    }
    Some(out)
}

/// Whether task `t`'s next part may go in slot `s` (its window open, released, not a day it
/// avoids, no part of it on the slot's day yet).
fn may_go(problem: &Problem, key: &Key, t: usize, s: u32) -> bool {
    let task = &problem.tasks[t];
    task.earliest() <= s && !task.avoids(problem, s) && !key.today.contains(&t)
}

/// Every set of sessions slot `s` may hold from `key` within `left`: those that leave no room
/// for one more where the slot is its day's last (`maximal`), all of them otherwise; `None`
/// past [`MAX_CHOICES`].
fn choices(
    problem: &Problem,
    chains: &[Chain],
    here: &[usize],
    key: &Key,
    s: u32,
    left: Need,
    maximal: bool,
) -> Option<Vec<Choice>> {
    // The next parts of the items started, and per chain the items that may start in turn.
    let mut next_parts: Vec<(usize, Need)> = Vec::new();
    let mut starts: Vec<Vec<(usize, Need)>> = Vec::new();
    for (k, &c) in here.iter().enumerate() {
        let chain = &chains[c];
        for &(item, done) in &key.progress[k].partial {
            let t = chain.tasks[usize::from(item)];
            if may_go(problem, key, t, s) {
                next_parts.push((
                    t,
                    Need::session(problem, problem.tasks[t].parts[usize::from(done)]),
                ));
            }
        }
        let mut run = Vec::new();
        let mut room = 0;
        for &t in &chain.tasks[usize::from(key.progress[k].started)..] {
            if !may_go(problem, key, t, s) {
                break;
            }
            let n = Need::session(problem, problem.tasks[t].parts[0]);
            run.push((t, n));
            // The runs need be no longer than the slot's room allows.
            room += n.room;
            if room > left.room {
                break;
            }
        }
        starts.push(run);
    }
    let mut out = Vec::new();
    let mut taken = Vec::new();
    let sets = Sets {
        parts: &next_parts,
        starts: &starts,
        all: left,
        maximal,
    };
    sets.choose(0, left, &mut taken, &mut out);
    (out.len() <= MAX_CHOICES).then_some(out)
}

/// What [`choices`] chooses from: the next parts of the items started, and per chain the
/// items that may start in turn, with what the slot has.
struct Sets<'a> {
    parts: &'a [(usize, Need)],
    starts: &'a [Vec<(usize, Need)>],
    all: Need,
    /// Keep only the sets that leave no room for one more.
    maximal: bool,
}

impl Sets<'_> {
    /// The sets: next parts `parts[i..]` each taken or not, then for each chain a run of
    /// starts, within `left`.
    fn choose(&self, i: usize, left: Need, taken: &mut Vec<usize>, out: &mut Vec<Choice>) {
        if out.len() > MAX_CHOICES {
            return;
        }
        if let Some(&(t, n)) = self.parts.get(i) {
            if n.fits(left) {
                taken.push(t);
                self.choose(i + 1, left - n, taken, out);
                taken.pop();
            }
            // Left out: kept only where what is taken later leaves it no room.
            self.choose(i + 1, left, taken, out);
            return;
        }
        if let Some(run) = self.starts.get(i - self.parts.len()) {
            // The chain's first k items that may start, for every k that fits.
            let mark = taken.len();
            let mut rest = left;
            for k in 0..=run.len() {
                if k > 0 {
                    let (t, n) = run[k - 1];
                    if !n.fits(rest) {
                        break;
                    }
                    rest = rest - n;
                    taken.push(t);
                }
                self.choose(i + 1, rest, taken, out);
            }
            taken.truncate(mark);
            return;
        }
        // A whole set: where it must be maximal, kept when nothing left out still fits.
        let fits_more = self.maximal
            && (self
                .parts
                .iter()
                .any(|&(t, n)| n.fits(left) && !taken.contains(&t))
                || self.starts.iter().any(|run| {
                    let k = run.iter().filter(|r| taken.contains(&r.0)).count();
                    run.get(k).is_some_and(|&(_, n)| n.fits(left))
                }));
        if !fits_more {
            out.push(Choice {
                tasks: taken.clone(),
                minutes: (self.all.minutes - left.minutes) as u32,
            });
        }
    }
}

/// The progress after a slot places `tasks` (each its next part).
fn advance(
    problem: &Problem,
    chains: &[Chain],
    today: &[usize],
    key: &[Progress],
    tasks: &[usize],
) -> Vec<Progress> {
    let mut out = key.to_vec();
    for (k, &c) in today.iter().enumerate() {
        let chain = &chains[c];
        let p = &mut out[k];
        for e in p.partial.iter_mut() {
            if tasks.contains(&chain.tasks[usize::from(e.0)]) {
                e.1 += 1;
            }
        }
        while let Some(&t) = chain.tasks.get(usize::from(p.started)) {
            if !tasks.contains(&t) {
                break;
            }
            p.partial.push((p.started, 1));
            p.started += 1;
        }
        p.partial.retain(|&(item, done)| {
            usize::from(done) < problem.tasks[chain.tasks[usize::from(item)]].parts.len()
        });
    }
    out
}

/// The minutes of `chain` not yet placed at `progress`.
fn left_late(problem: &Problem, chain: &Chain, progress: &Progress) -> u64 {
    let unstarted: u64 = chain.tasks[usize::from(progress.started)..]
        .iter()
        .map(|&t| u64::from(problem.tasks[t].minutes()))
        .sum();
    let unfinished: u64 = progress
        .partial
        .iter()
        .map(|&(item, done)| {
            let parts = &problem.tasks[chain.tasks[usize::from(item)]].parts;
            parts[usize::from(done)..]
                .iter()
                .map(|&m| u64::from(m))
                .sum::<u64>()
        })
        .sum();
    unstarted + unfinished
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::dp::tests::{problems_of, walked};
    use crate::solver::{greedy, is_feasible, Levels, Options, Through};
    use proptest::prelude::*;

    /// Problems with short days, where much is late, and long ones, where little is.
    fn problems(
        short: std::ops::Range<usize>,
        long: std::ops::Range<usize>,
    ) -> impl Strategy<Value = Problem> {
        prop_oneof![problems_of(15..=40, short), problems_of(40..=90, long)]
    }

    /// Priority 1 of the walk by sections (another exact solver, checked against brute force
    /// in tests/cli/optimum.rs), where it finishes.
    fn by_sections(problem: &Problem) -> Option<u64> {
        let optimum = walked(problem).optimum?;
        Some(Levels::of(problem, &optimum).required_in_window)
    }

    /// Priority 1 of the MIP solved without this walk (a method of another kind), where the
    /// test's days hold the greedy plan.
    fn by_the_mip(problem: &Problem) -> Result<Option<u64>, TestCaseError> {
        let options = Options {
            time_limit: 60.0,
            through: Through::RequiredInWindow,
            mip_alone: true,
            ..Options::default()
        };
        let Ok(solution) = crate::solver::solve(problem, &options) else {
            return Ok(None);
        };
        prop_assert!(solution.required_proven);
        Ok(Some(Levels::of(problem, &solution.days).required_in_window))
    }

    /// The walk's answer against the optimum `best`. Its parts keep every rule inside the
    /// windows and are worth its value. The walk leaves late work no end, so its value bounds
    /// every plan; with the late parts placed after its own it is a plan, and so the optimum.
    /// Where the test's days after the windows are too few for the late parts, no plan may reach
    /// its value (and the solver lets the MIP decide).
    fn agrees(problem: &Problem, best: u64) -> Result<(), TestCaseError> {
        let (value, inside) =
            required_in_windows(problem, 60.0, &Stop::never(), None).expect("the walk applies");
        prop_assert!(
            value >= best,
            "the walk's {} below the optimum {}",
            value,
            best
        );
        let mut minutes = 0;
        for (task, slots) in problem.tasks.iter().zip(&inside) {
            let Some(slots) = slots else { continue };
            prop_assert_eq!(task.kind, Kind::Required);
            prop_assert!(!slots.is_empty() && slots.len() <= task.parts.len());
            prop_assert!(slots
                .windows(2)
                .all(|w| problem.day(w[0]) < problem.day(w[1])));
            let (open, end) = task.window.unwrap();
            prop_assert!(slots[0] >= open.max(task.release) && slots[slots.len() - 1] <= end);
            minutes += task.parts[..slots.len()]
                .iter()
                .map(|&m| u64::from(m))
                .sum::<u64>();
        }
        prop_assert_eq!(minutes, value);
        // Found backwards from the first slot, as the walk by sections asks, it is the same.
        match Ahead::new(problem) {
            Some(ahead) => {
                let root: Vec<_> = ahead.open_at(0).iter().map(|_| (0, Vec::new())).collect();
                prop_assert_eq!(ahead.most(0, root.clone(), 0, Vec::new()), Some(value));
                // Kept from the walk instead, every state's value is the one found backwards,
                // and the states and steps counted are as many.
                let kept = Ahead::new(problem).expect("the same problem");
                let again = required_in_windows(problem, 60.0, &Stop::never(), Some(&kept));
                prop_assert_eq!(again.map(|(v, _)| v), Some(value));
                let load = |a: &Ahead<'_>| (a.kept.load(Relaxed), a.steps.load(Relaxed));
                prop_assert_eq!(load(&kept), load(&ahead));
                for (s, memo) in kept.memo.iter().enumerate() {
                    for (key, &v) in memo.lock().expect("one thread").iter() {
                        prop_assert_eq!(ahead.value(s as u32, key), Some(v));
                    }
                }
                prop_assert_eq!(kept.most(0, root, 0, Vec::new()), Some(value));
            }
            None => prop_assert_eq!(value, 0),
        }
        // The slots' room and the days' study minutes hold them.
        let mut room = vec![0; problem.capacity.len()];
        let mut day_minutes = std::collections::BTreeMap::<u32, u32>::new();
        for (task, slots) in problem.tasks.iter().zip(&inside) {
            for (&s, &m) in slots.iter().flatten().zip(&task.parts) {
                room[s as usize] += problem.room(m);
                *day_minutes.entry(problem.day(s)).or_default() += m;
            }
        }
        prop_assert!(room.iter().zip(&problem.capacity).all(|(r, c)| r <= c));
        for (&day, &m) in &day_minutes {
            prop_assert!(problem.day_minutes(day).is_none_or(|most| m <= most));
        }
        // Each chain starts a prefix of its items inside, in order.
        for chain in &problem.chains {
            let firsts: Vec<Option<u32>> = chain
                .iter()
                .map(|&t| inside[t].as_ref().map(|s| s[0]))
                .collect();
            let started = firsts.iter().take_while(|f| f.is_some()).count();
            prop_assert!(firsts[started..].iter().all(Option::is_none));
            prop_assert!(firsts[..started].windows(2).all(|w| w[0] <= w[1]));
        }
        if let Some(complete) = greedy::complete_required(problem, &inside) {
            prop_assert!(is_feasible(problem, &complete));
            prop_assert_eq!(Levels::of(problem, &complete).required_in_window, value);
            prop_assert_eq!(value, best);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 300,
            max_global_rejects: 3000,
            ..ProptestConfig::default()
        })]

        #[test]
        fn it_finds_the_optimum_of_the_walk_by_sections(problem in problems(1..8, 2..9)) {
            let best = by_sections(&problem);
            prop_assume!(best.is_some(), "the walk by sections did not finish");
            agrees(&problem, best.unwrap())?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 150,
            max_global_rejects: 1500,
            ..ProptestConfig::default()
        })]

        #[test]
        fn it_finds_the_optimum_of_the_mip(problem in problems(1..8, 2..9)) {
            let best = by_the_mip(&problem)?;
            prop_assume!(best.is_some(), "no plan in the test's days");
            agrees(&problem, best.unwrap())?;
        }
    }

    /// `problem` with each day of `minutes` split into two free gaps where `split` says so
    /// (the first holding `first` fifths of the day's minutes), `pause` minutes of break
    /// between sessions of a gap: the slots a study window, a busy calendar or breaks make.
    /// The days' study minutes are `short` less than their gaps hold.
    fn in_gaps(problem: &Problem, split: &[bool], first: u32, pause: u32, short: u32) -> Problem {
        let mut out = problem.clone();
        let (mut capacity, mut day, mut first_slot) = (Vec::new(), Vec::new(), Vec::new());
        for (d, &minutes) in problem.capacity.iter().enumerate() {
            first_slot.push(capacity.len() as u32);
            let lengths = if split[d % split.len()] && minutes > 0 {
                let a = minutes * first / 5 / 5 * 5;
                vec![a, minutes - a]
            } else {
                vec![minutes]
            };
            for length in lengths {
                capacity.push(length + pause);
                day.push(d as u32);
            }
        }
        first_slot.push(capacity.len() as u32);
        for task in &mut out.tasks {
            task.window = task
                .window
                .map(|(a, b)| (first_slot[a as usize], first_slot[b as usize + 1] - 1));
            task.release = first_slot[task.release as usize];
            task.previous = None;
        }
        out.capacity = capacity;
        out.slots = Some(crate::solver::Slots {
            day,
            day_minutes: problem
                .capacity
                .iter()
                .map(|m| m.saturating_sub(short))
                .collect(),
            break_minutes: pause,
        });
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 200,
            max_global_rejects: 2000,
            ..ProptestConfig::default()
        })]

        /// With several free gaps a day, both agree with the walk slot by slot.
        #[test]
        fn it_finds_the_optimum_in_gaps_of_a_day(
            problem in problems(1..6, 2..7),
            split in prop::collection::vec(any::<bool>(), 7),
            first in 1u32..5,
            pause in prop_oneof![Just(0u32), Just(5u32)],
            short in prop_oneof![Just(0u32), Just(10u32)],
        ) {
            let problem = in_gaps(&problem, &split, first, pause, short);
            let mip = by_the_mip(&problem)?;
            prop_assume!(mip.is_some(), "no plan in the test's days");
            // The walk by sections asks [`Ahead`] about states within a day: it must finish
            // (a state left out wrongly can leave it no plan).
            prop_assert_eq!(by_sections(&problem), mip, "the walk by sections");
            agrees(&problem, mip.unwrap())?;
        }
    }

    /// Where a section waits for another, the walk leaves the problem to the MIP.
    #[test]
    fn it_leaves_sections_that_wait_to_the_mip() {
        let sections = vec![(0, 1, vec![(Kind::Required, vec![20], None)])];
        let mut problem = crate::solver::test_problem(30, &sections, &[true; 7], true);
        assert!(required_in_windows(&problem, 60.0, &Stop::never(), None).is_some());
        problem.section_after = vec![vec![0]];
        assert!(required_in_windows(&problem, 60.0, &Stop::never(), None).is_none());
    }
}
