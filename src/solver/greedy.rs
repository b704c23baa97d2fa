//! A simple list scheduler: required work in path order, each part on the earliest day that
//! has room, then optional and reference work inside their windows. It gives the MIP a
//! feasible warm start and a yardstick (the optimizer must never do worse).

use super::{Problem, Task};
use crate::path::Kind;

/// Schedule `problem` greedily. The result satisfies every hard rule.
pub fn schedule(problem: &Problem) -> Vec<Option<Vec<u32>>> {
    let horizon = problem.capacity.len();
    let mut free = problem.capacity.clone();
    let mut days: Vec<Option<Vec<u32>>> = vec![None; problem.tasks.len()];
    // Last day of required work per section, known once all required work is placed.
    let sections = problem.section_after.len();
    let mut last_required = vec![0u32; sections];

    let order = placement_order(problem);
    for pass in [Kind::Required, Kind::Optional, Kind::Reference] {
        for &t in &order {
            let task = &problem.tasks[t];
            if task.kind != pass {
                continue;
            }
            // Prerequisites: a required task ignores an unscheduled optional prerequisite;
            // an optional one is skipped when its prerequisite is not scheduled.
            let mut earliest = task.earliest();
            let mut blocked = false;
            for &j in &task.after {
                match &days[j] {
                    Some(d) => earliest = earliest.max(*d.last().unwrap_or(&0)),
                    None if problem.tasks[j].kind == Kind::Required || pass != Kind::Required => {
                        blocked = true;
                    }
                    None => {}
                }
            }
            if pass != Kind::Required {
                earliest = earliest.max(last_required[task.section]);
            }
            for &s in &problem.section_after[task.section] {
                earliest = earliest.max(last_required[s]);
            }
            if blocked {
                continue;
            }
            let mut latest = task
                .latest_for_optional()
                .map_or(horizon, |b| (b as usize + 1).min(horizon));
            // Work already placed that needs this task: finish on or before its first day.
            for (i, other) in problem.tasks.iter().enumerate() {
                if other.after.contains(&t) {
                    if let Some(first) = days[i].as_ref().and_then(|d| d.first()) {
                        latest = latest.min(*first as usize + 1);
                    }
                }
            }
            if let Some(placed) = place(task, earliest as usize, latest, &free) {
                for (&d, &m) in placed.iter().zip(&task.parts) {
                    free[d as usize] -= m;
                }
                if pass == Kind::Required {
                    let last = *placed.last().unwrap_or(&0);
                    last_required[task.section] = last_required[task.section].max(last);
                }
                days[t] = Some(placed);
            }
        }
    }
    days
}

/// Parts on strictly increasing days from `from`, each on the first day with room, before `to`.
fn place(task: &Task, from: usize, to: usize, free: &[u32]) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(task.parts.len());
    let mut day = from;
    for &m in &task.parts {
        while day < to && free[day] < m {
            day += 1;
        }
        if day >= to {
            return None;
        }
        out.push(day as u32);
        day += 1;
    }
    Some(out)
}

/// Tasks in an order that respects prerequisites: path order, but a task never before its
/// prerequisites (a stable topological sort).
fn placement_order(problem: &Problem) -> Vec<usize> {
    let n = problem.tasks.len();
    let mut indegree = vec![0usize; n];
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, t) in problem.tasks.iter().enumerate() {
        for &j in &t.after {
            indegree[i] += 1;
            next[j].push(i);
        }
    }
    let mut ready: std::collections::BTreeSet<usize> =
        (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for &k in &next[i] {
            indegree[k] -= 1;
            if indegree[k] == 0 {
                ready.insert(k);
            }
        }
    }
    order
}
