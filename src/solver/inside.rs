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
//! Each day the walk tries every set of sessions that leaves no room for one more of those
//! that may go there: the next part of an item started, or the first part of the next item of
//! a section. A plan that leaves such room can have that session moved to the day, or added,
//! without losing a minute inside or breaking a rule (the next part comes later anyway, and the
//! item after it in the path starts no earlier than it did), so some best plan does not.
//! States with the same progress in the sections open tomorrow differ only in the minutes of
//! the sections already closed, and the walk keeps the one with more.
//!
//! It applies where a day is one slot (no study windows, busy time or breaks), every required
//! task has a window and no prerequisite, and no section waits for another; the caller's MIP
//! decides otherwise, and where the walk holds too many states ([`MAX_STATES`]).

use super::{Problem, Stop};
use crate::path::Kind;
use rustc_hash::FxHashMap as HashMap;
use std::cmp::Reverse;
use std::time::Instant;

/// States one day may hold before the walk gives up.
const MAX_STATES: usize = 200_000;
/// Sets of sessions tried in all before the walk gives up.
const MAX_STEPS: u64 = 30_000_000;
/// Sets of sessions one state's day may have before the walk gives up (long days of many
/// short items, where the walk by sections proves the plan anyway).
const MAX_CHOICES: usize = 4096;

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

/// A state of one day, and the way back to the state it came from.
struct Entry {
    /// Progress in each chain open on the next day, in the chains' order.
    key: Vec<Progress>,
    value: u64,
    /// Σ over the sections closed of their minutes left late, squared: among plans of the same
    /// value, the one with the least is the start of the late work's level.
    spread: u64,
    parent: u32,
    /// The tasks given a part on this day: a range of the day's list of them.
    placed: std::ops::Range<u32>,
}

/// One day's choice: the tasks that get their next part, and the minutes they take.
struct Choice {
    tasks: Vec<usize>,
    minutes: u32,
}

/// The most required minutes a plan can have inside their windows, and the parts of a plan
/// that has them: the required tasks' parts inside their windows (`None` for a task with none,
/// and for every optional and reference task). `None` where the walk does not apply, gives up
/// or is stopped.
pub(super) fn required_in_windows(
    problem: &Problem,
    seconds: f64,
    stop: &Stop,
) -> Option<(u64, Vec<Option<Vec<u32>>>)> {
    let chains = chains(problem)?;
    let began = Instant::now();
    let Some(last) = chains.iter().map(|c| c.end).max() else {
        return Some((0, vec![None; problem.tasks.len()])); // nothing required
    };
    // The chains open on each day.
    let open: Vec<Vec<usize>> = (0..=last + 1)
        .map(|d| {
            (0..chains.len())
                .filter(|&c| chains[c].open <= d && d <= chains[c].end)
                .collect()
        })
        .collect();
    let mut days: Vec<Vec<Entry>> = Vec::with_capacity(last as usize + 1);
    let mut placed: Vec<Vec<usize>> = Vec::with_capacity(last as usize + 1);
    let mut current = vec![Entry {
        key: vec![Progress::default(); open[0].len()],
        value: 0,
        spread: 0,
        parent: 0,
        placed: 0..0,
    }];
    let mut steps = 0u64;
    for d in 0..=last {
        let room = problem.capacity.get(d as usize).copied().unwrap_or(0);
        let today = &open[d as usize];
        let tomorrow = &open[d as usize + 1];
        let mut next: HashMap<Vec<Progress>, usize> = HashMap::default();
        let mut entries: Vec<Entry> = Vec::new();
        let mut arena: Vec<usize> = Vec::new();
        for (i, state) in current.iter().enumerate() {
            if i.is_multiple_of(256) && (stop.raised() || began.elapsed().as_secs_f64() > seconds) {
                return None;
            }
            if entries.len() > MAX_STATES || steps > MAX_STEPS {
                return None;
            }
            for choice in choices(problem, &chains, today, &state.key, d, room)? {
                steps += 1;
                let progress = advance(problem, &chains, today, &state.key, &choice.tasks);
                let key: Vec<Progress> = tomorrow
                    .iter()
                    .map(|c| match today.iter().position(|x| x == c) {
                        Some(k) => progress[k].clone(),
                        None => Progress::default(),
                    })
                    .collect();
                let value = state.value + u64::from(choice.minutes);
                let mut spread = state.spread;
                for (k, c) in today.iter().enumerate() {
                    if !tomorrow.contains(c) {
                        let left = left_late(problem, &chains[*c], &progress[k]);
                        spread += left * left;
                    }
                }
                let found = next.get(&key).copied();
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
        days.push(std::mem::replace(&mut current, entries));
        placed.push(arena);
    }
    // After the last window every state is the same: nothing open.
    let best = current
        .iter()
        .max_by_key(|e| (e.value, Reverse(e.spread)))?;
    let value = best.value;
    let mut parts: Vec<Option<Vec<u32>>> = vec![None; problem.tasks.len()];
    let mut at = best;
    for d in (0..=last).rev() {
        for &t in &placed[d as usize][at.placed.start as usize..at.placed.end as usize] {
            parts[t].get_or_insert_with(Vec::new).push(d);
        }
        at = &days[d as usize][at.parent as usize];
    }
    for p in parts.iter_mut().flatten() {
        p.reverse();
    }
    Some((value, parts))
}

/// The required chains, where the walk applies (see the module's documentation).
fn chains(problem: &Problem) -> Option<Vec<Chain>> {
    if problem.slots.is_some()
        || problem.chains.is_empty()
        || problem.section_after.iter().any(|a| !a.is_empty())
    {
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

/// Whether task `t`'s part may go on day `d` (its window open, released, not avoided).
fn may_go(problem: &Problem, t: usize, d: u32) -> bool {
    let task = &problem.tasks[t];
    task.earliest() <= d && !task.avoids(problem, d)
}

/// Every set of sessions day `d` may hold from `key` that leaves no room for one more; `None`
/// past [`MAX_CHOICES`].
fn choices(
    problem: &Problem,
    chains: &[Chain],
    today: &[usize],
    key: &[Progress],
    d: u32,
    room: u32,
) -> Option<Vec<Choice>> {
    // The next parts of the items started, and per chain the items that may start in turn.
    let mut next_parts: Vec<(usize, u32)> = Vec::new();
    let mut starts: Vec<Vec<(usize, u32)>> = Vec::new();
    for (k, &c) in today.iter().enumerate() {
        let chain = &chains[c];
        for &(item, done) in &key[k].partial {
            let t = chain.tasks[usize::from(item)];
            if may_go(problem, t, d) {
                next_parts.push((t, problem.tasks[t].parts[usize::from(done)]));
            }
        }
        let mut run = Vec::new();
        for &t in &chain.tasks[usize::from(key[k].started)..] {
            if !may_go(problem, t, d) {
                break;
            }
            run.push((t, problem.tasks[t].parts[0]));
            // The runs need be no longer than the day's room allows.
            if run.iter().map(|r| r.1).sum::<u32>() > room {
                break;
            }
        }
        starts.push(run);
    }
    let mut out = Vec::new();
    let mut taken = Vec::new();
    choose(&next_parts, &starts, 0, room, room, &mut taken, &mut out);
    (out.len() <= MAX_CHOICES).then_some(out)
}

/// The sets [`choices`] makes: next parts `parts[i..]` each taken or not, then for each chain
/// a run of starts; kept when no session left out fits the room left.
fn choose(
    parts: &[(usize, u32)],
    starts: &[Vec<(usize, u32)>],
    i: usize,
    room: u32,
    left: u32,
    taken: &mut Vec<usize>,
    out: &mut Vec<Choice>,
) {
    if out.len() > MAX_CHOICES {
        return;
    }
    if i < parts.len() {
        let (t, size) = parts[i];
        if size <= left {
            taken.push(t);
            choose(parts, starts, i + 1, room, left - size, taken, out);
            taken.pop();
        }
        // Left out: only where what is taken later leaves it no room (checked at the end).
        choose(parts, starts, i + 1, room, left, taken, out);
        return;
    }
    let c = i - parts.len();
    if let Some(run) = starts.get(c) {
        // The chain's first k items that may start, for every k the room allows.
        let mark = taken.len();
        let mut used = 0;
        for k in 0..=run.len() {
            if k > 0 {
                let (t, size) = run[k - 1];
                if used + size > left {
                    break;
                }
                used += size;
                taken.push(t);
            }
            choose(parts, starts, i + 1, room, left - used, taken, out);
        }
        taken.truncate(mark);
        return;
    }
    // A whole set: keep it when nothing left out still fits.
    let fits_more = parts
        .iter()
        .any(|&(t, size)| size <= left && !taken.contains(&t))
        || starts.iter().any(|run| {
            let n = run.iter().filter(|r| taken.contains(&r.0)).count();
            run.get(n).is_some_and(|&(_, size)| size <= left)
        });
    if !fits_more {
        out.push(Choice {
            tasks: taken.clone(),
            minutes: room - left,
        });
    }
}

/// The progress after day `d` places `tasks` (each its next part).
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

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 300,
            max_global_rejects: 3000,
            ..ProptestConfig::default()
        })]

        /// The walk through the windows' days finds the walk by sections' priority 1 (another
        /// exact solver, checked against brute force in tests/cli/optimum.rs), on short days
        /// where much is late and long ones where little is; its parts keep every rule, and
        /// with the late parts placed after them make a plan of that value.
        #[test]
        fn it_finds_the_optimum_of_the_walk_by_sections(
            problem in prop_oneof![problems_of(15..=40, 1..8), problems_of(40..=90, 2..9)]
        ) {
            let optimum = walked(&problem).optimum;
            prop_assume!(optimum.is_some(), "the walk by sections did not finish");
            let best = Levels::of(&problem, &optimum.unwrap()).required_in_window;
            let (value, inside) =
                required_in_windows(&problem, 60.0, &Stop::never()).expect("the walk applies");
            prop_assert_eq!(value, best);
            let mut minutes = 0;
            for (task, days) in problem.tasks.iter().zip(&inside) {
                let Some(days) = days else { continue };
                prop_assert_eq!(task.kind, Kind::Required);
                prop_assert!(!days.is_empty() && days.len() <= task.parts.len());
                prop_assert!(days.windows(2).all(|w| w[0] < w[1]));
                let (open, end) = task.window.unwrap();
                prop_assert!(days[0] >= open.max(task.release) && days[days.len() - 1] <= end);
                minutes += task.parts[..days.len()].iter().map(|&m| u64::from(m)).sum::<u64>();
            }
            prop_assert_eq!(minutes, value);
            let complete = greedy::complete_required(&problem, &inside);
            prop_assert!(complete.is_some(), "the late parts found no days");
            let complete = complete.unwrap();
            prop_assert!(is_feasible(&problem, &complete));
            prop_assert_eq!(Levels::of(&problem, &complete).required_in_window, value);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 150,
            max_global_rejects: 1500,
            ..ProptestConfig::default()
        })]

        /// And the MIP's priority 1, solved without it: a third method, of another kind.
        #[test]
        fn it_finds_the_optimum_of_the_mip(
            problem in prop_oneof![problems_of(15..=40, 1..8), problems_of(40..=90, 2..9)]
        ) {
            let options = Options {
                time_limit: 60.0,
                through: Through::RequiredInWindow,
                mip_alone: true,
                ..Options::default()
            };
            let solution = crate::solver::solve(&problem, &options);
            prop_assume!(solution.is_ok(), "no plan in the test's days");
            let solution = solution.unwrap();
            prop_assert!(solution.required_proven);
            let best = Levels::of(&problem, &solution.days).required_in_window;
            let (value, _) =
                required_in_windows(&problem, 60.0, &Stop::never()).expect("the walk applies");
            prop_assert_eq!(value, best);
        }
    }

    /// Where a day is several gaps, or a section waits for another, the walk leaves the
    /// problem to the MIP.
    #[test]
    fn it_applies_only_where_the_counts_tell_everything() {
        let sections = vec![(0, 1, vec![(Kind::Required, vec![20], None)])];
        let mut problem = crate::solver::test_problem(30, &sections, &[true; 7], true);
        assert!(required_in_windows(&problem, 60.0, &Stop::never()).is_some());
        problem.section_after = vec![vec![0]];
        assert!(required_in_windows(&problem, 60.0, &Stop::never()).is_none());
    }
}
