//! A simple list scheduler written for the tests (not the crate's): required work in path order,
//! each part on the earliest day with room; then optional, then reference work the same way,
//! inside their windows. It keeps every hard rule, so the optimizer must never do worse.

use crate::checker::Levels;
use crate::model::{Kind, PathSpec, Settings};

/// Parts of `minutes` under `limit`: the fewest, near-equal.
pub fn split(minutes: u32, limit: u32) -> Vec<u32> {
    let k = minutes.div_ceil(limit).max(1);
    (0..k)
        .map(|i| minutes / k + u32::from(i < minutes % k))
        .collect()
}

/// Day offsets of every part of every item (path order), `None` when left out.
pub fn schedule(spec: &PathSpec, settings: &Settings) -> Vec<Option<Vec<u32>>> {
    let items = spec.flat();
    let limit = settings.session_limit();
    let mut free: Vec<u32> = Vec::new();
    let room = |day: usize, free: &mut Vec<u32>| -> u32 {
        while free.len() <= day {
            let d = free.len() as u32;
            free.push(settings.capacity_of_day(d));
        }
        free[day]
    };
    let mut days: Vec<Option<Vec<u32>>> = vec![None; items.len()];
    let sections = spec.sections.len();
    let mut last_required: Vec<Option<u32>> = vec![None; sections];

    // A deadline for non-required items that placed required work depends on.
    for pass in [Kind::Required, Kind::Optional, Kind::Reference] {
        let deadline = deadlines(&items, &days);
        for (i, item) in items.iter().enumerate() {
            if item.kind != pass {
                continue;
            }
            let section = &spec.sections[item.section];
            let window = section.weeks.map(Settings::window_days);
            let mut earliest = window.map_or(0, |w| w.0);
            let mut blocked = false;
            for &p in &item.after {
                match &days[p] {
                    Some(d) => earliest = earliest.max(*d.last().expect("parts")),
                    None if pass == Kind::Required && items[p].kind != Kind::Required => {}
                    None => blocked = true,
                }
            }
            if pass != Kind::Required {
                if let Some(d) = last_required[item.section] {
                    earliest = earliest.max(d);
                }
            }
            if section.weeks.is_none() {
                for d in last_required.iter().take(item.section).flatten() {
                    earliest = earliest.max(*d);
                }
            }
            if blocked {
                continue;
            }
            // Path order: not before an item of the same section and kind placed before it
            // (items go in path order, and prerequisites here point at earlier items only).
            if !settings.any_order {
                for (j, other) in items.iter().enumerate().take(i) {
                    if other.section == item.section && other.kind == item.kind {
                        if let Some(d) = &days[j] {
                            earliest = earliest.max(d[0]);
                        }
                    }
                }
            }
            // Optional and reference work: inside the window and before required dependents.
            let mut latest = if pass == Kind::Required {
                None
            } else {
                window.map(|w| w.1)
            };
            if let Some(d) = deadline[i] {
                latest = Some(latest.map_or(d, |l| l.min(d)));
            }
            let parts = split(item.minutes, limit);
            let mut placed = Vec::with_capacity(parts.len());
            let mut day = earliest as usize;
            for &m in &parts {
                loop {
                    if latest.is_some_and(|l| day > l as usize) {
                        break;
                    }
                    assert!(
                        day < 100_000,
                        "the greedy scheduler found no room for {}",
                        item.full_id
                    );
                    if room(day, &mut free) >= m {
                        break;
                    }
                    day += 1;
                }
                if latest.is_some_and(|l| day > l as usize) {
                    break;
                }
                placed.push(day as u32);
                day += 1;
            }
            if placed.len() < parts.len() {
                assert!(pass != Kind::Required, "required work is always placed");
                continue;
            }
            for (&d, &m) in placed.iter().zip(&parts) {
                free[d as usize] -= m;
            }
            if pass == Kind::Required {
                let last = *placed.last().expect("parts");
                let l = &mut last_required[item.section];
                *l = Some(l.map_or(last, |x| x.max(last)));
            }
            days[i] = Some(placed);
        }
    }
    days
}

/// For each item, the first day of any placed required item that (transitively through
/// non-required items) depends on it: a non-required prerequisite must not end after that.
fn deadlines(items: &[crate::model::FlatItem], days: &[Option<Vec<u32>>]) -> Vec<Option<u32>> {
    let mut deadline: Vec<Option<u32>> = vec![None; items.len()];
    // Dependents come later in path order, so one backward sweep settles every chain.
    for i in (0..items.len()).rev() {
        let own = if items[i].kind == Kind::Required {
            days[i].as_ref().map(|d| d[0])
        } else {
            deadline[i]
        };
        let Some(own) = own else { continue };
        for &p in &items[i].after {
            if items[p].kind != Kind::Required {
                deadline[p] = Some(deadline[p].map_or(own, |d| d.min(own)));
            }
        }
    }
    deadline
}

/// The levels of a greedy schedule.
pub fn levels(spec: &PathSpec, settings: &Settings, days: &[Option<Vec<u32>>]) -> Levels {
    let items = spec.flat();
    let limit = settings.session_limit();
    let mut l = Levels::default();
    for (item, d) in items.iter().zip(days) {
        let Some(d) = d else { continue };
        let window = spec.sections[item.section].weeks.map(Settings::window_days);
        for (&m, &day) in split(item.minutes, limit).iter().zip(d) {
            let m = u64::from(m);
            match item.kind {
                Kind::Required => match window {
                    Some((_, end)) if day > end => l.late_minute_days += m * u64::from(day - end),
                    _ => l.required_in_window += m,
                },
                Kind::Optional => l.optional += m,
                Kind::Reference => l.reference += m,
            }
        }
    }
    l
}
