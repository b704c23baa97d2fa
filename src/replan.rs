//! `replan`: plan what is left of a path from a day on, on top of what already happened.
//!
//! No I/O and no clock: the state, the (re-read) path, the new settings, `--from` and "now"
//! come in as values. Sessions before `--from` that are done (or whose item is done, skipped or
//! gone from the path) stay exactly as they were; done sessions stay wherever they are; all
//! other work of the path that is not done or skipped is planned again from `--from`, keeping
//! its previous day where that costs nothing the contract ranks higher. UIDs are stable (path,
//! item, part); a session whose time changes gets SEQUENCE + 1; old sessions that no longer
//! exist go to `plan.cancelled` with SEQUENCE + 1.
//!
//! Sessions the learner moved in their calendar (pinned by `sync`) are kept where the learner
//! put them, like done ones, as long as they are on or after `--from` and their item is still
//! to do; the rest of their item, the items that need them first, the items after them in
//! path order and the optional work of their section are planned no earlier than they are.
//! An item whose session the learner deleted in their calendar is not planned on that day.
//!
//! Partial progress (`studyplan progress`) plans only what is left of an item. A session it
//! covers from `--from` on (work done ahead) is freed unless the progress covers the whole
//! item; the progress no kept session shows is `plan.progress_off_sessions`, items the plan
//! no longer holds a session or entry for are `plan.off_plan`, and the summary counts the work
//! the plan holds ([`account_for_progress`]): every item's minutes are accounted for once.

use crate::error::{Error, Result};
use crate::path::{full_id, Kind, LearningPath};
use crate::plan::Session;
use crate::progress::{summarize, State};
use crate::schedule::{self, Settings, Work};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// The new state and what changed, for stderr.
#[derive(Debug, Clone)]
pub struct Replanned {
    pub state: State,
    pub changes: Vec<String>,
    pub warnings: Vec<String>,
}

pub fn replan(
    state: &State,
    path: &LearningPath,
    settings: &Settings,
    from: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Replanned> {
    let old = &state.plan;
    let avail = &settings.availability;
    let limit = schedule::session_limit(settings);
    if limit == 0 {
        return Err(Error::flag(
            "--hours",
            "no study time at all: every study day has 0 hours (give --hours above 0)",
        ));
    }
    let progress = summarize(&state.progress);
    let release = u32::try_from(avail.day_of(from).max(0)).unwrap_or(u32::MAX);
    let in_path: BTreeSet<String> = path.items().map(|(s, i)| full_id(s, i)).collect();
    let finished = |item: &str| progress.get(item).is_some_and(|p| p.done || p.skipped);
    let estimate: BTreeMap<String, u32> = path
        .items()
        .map(|(s, i)| (full_id(s, i), i.minutes))
        .collect();

    // What stays: done sessions, sessions before --from that will not be planned again, and
    // sessions the learner pinned from --from on whose item is still to do.
    let pinned: BTreeSet<&str> = state.sync.pinned.iter().map(String::as_str).collect();
    let mut fixed: Vec<Session> = Vec::new();
    let mut open: Vec<&Session> = Vec::new();
    let mut kept_pins: Vec<&Session> = Vec::new();
    // Items with a pinned session and parts planned after it: their new number of parts.
    let mut retotal: BTreeMap<String, u32> = BTreeMap::new();
    // Minutes of each item the kept sessions and its earlier progress off them hold so far.
    let mut held: BTreeMap<&str, u32> = old
        .progress_off_sessions
        .iter()
        .map(|(k, &v)| (k.as_str(), v))
        .collect();
    for s in &old.sessions {
        let keep_pinned = pinned.contains(s.uid.as_str())
            && s.date >= from
            && !finished(&s.item)
            && in_path.contains(&s.item);
        if keep_pinned && !s.done {
            kept_pins.push(s);
        }
        // A session done only because partial progress covers it stays where it is when it
        // is history; from --from on it is work done ahead of its day, off the plan (counted
        // in `progress_off_sessions`), and its day is free for the rest. When the progress
        // covers the whole item, its sessions stay, as many as its estimate holds. An item
        // taken out of the path keeps none of those: nothing is left to plan around them.
        let already = held.get(s.item.as_str()).copied().unwrap_or(0);
        let done_ahead = s.date >= from
            && progress.get(&s.item).is_some_and(|p| {
                !p.done
                    && estimate
                        .get(&s.item)
                        .is_none_or(|&m| p.progress < m || already + s.minutes > m)
            });
        let keep = (s.done && !done_ahead)
            || keep_pinned
            || (s.date < from && (finished(&s.item) || !in_path.contains(&s.item)));
        if keep {
            if s.done {
                held.insert(s.item.as_str(), already + s.minutes);
            }
            fixed.push(s.clone());
        } else {
            open.push(s);
        }
    }

    let day = |date: NaiveDate| u32::try_from(avail.day_of(date).max(0)).unwrap_or(u32::MAX);
    let mut work = Vec::new();
    let mut off_sessions: BTreeMap<String, u32> = BTreeMap::new();
    for (si, section) in path.sections.iter().enumerate() {
        for (ii, item) in section.items.iter().enumerate() {
            let id = full_id(section, item);
            if finished(&id) {
                // A done item's sessions stay, and what they do not hold was done off them; a
                // skipped item's progress beyond its done sessions is off them, as for an item
                // still to do.
                let p = progress.get(&id).copied().unwrap_or_default();
                let kept = |done_only: bool| -> u32 {
                    fixed
                        .iter()
                        .filter(|s| s.item == id && (s.done || !done_only))
                        .map(|s| s.minutes)
                        .sum()
                };
                let off = if p.done {
                    item.minutes.saturating_sub(kept(false))
                } else {
                    p.progress.min(item.minutes).saturating_sub(kept(true))
                };
                if off > 0 {
                    off_sessions.insert(id, off);
                }
                continue;
            }
            let p = progress.get(&id).copied().unwrap_or_default();
            let done_sessions: Vec<&Session> =
                fixed.iter().filter(|s| s.item == id && s.done).collect();
            let done_minutes: u32 = done_sessions.iter().map(|s| s.minutes).sum();
            let pinned_here: Vec<&Session> =
                kept_pins.iter().copied().filter(|s| s.item == id).collect();
            let pinned_minutes: u32 = pinned_here.iter().map(|s| s.minutes).sum();
            let progressed = p.progress.min(item.minutes).max(done_minutes);
            if progressed > done_minutes {
                off_sessions.insert(id.clone(), progressed - done_minutes);
            }
            let remaining = item
                .minutes
                .saturating_sub(progressed.saturating_add(pinned_minutes));
            if remaining == 0 {
                continue;
            }
            // The parts done, pinned, or covered whole by the progress (in part order, the
            // minutes a part holds go to it before the next): the rest are numbered after them,
            // so the rest keeps the UIDs, and days, of the parts still to do.
            // A session the learner deleted in their calendar still held its part.
            let mut covered = 0;
            let mut parts: Vec<&Session> = old.sessions.iter().filter(|s| s.item == id).collect();
            let deleted = old.cancelled.iter().filter(|c| {
                c.item == id
                    && state
                        .sync
                        .declined
                        .iter()
                        .any(|d| d.item == id && d.date == c.date)
            });
            for c in deleted {
                if !parts.iter().any(|s| s.part == c.part) {
                    parts.push(c);
                }
            }
            parts.sort_by_key(|s| s.part);
            let mut sum = 0;
            for s in parts {
                sum += s.minutes;
                if sum > progressed {
                    break;
                }
                covered = s.part;
            }
            let d = done_sessions
                .iter()
                .chain(pinned_here.iter())
                .map(|s| s.part)
                .chain([covered])
                .max()
                .unwrap_or(0);
            let mut release = release;
            // (day, end) of the latest pinned session on a day this work may start, which it
            // must follow.
            let mut release_after: Option<(u32, DateTime<FixedOffset>)> = None;
            for s in &kept_pins {
                let same_kind_before = !settings.any_order
                    && s.section == section.id
                    && s.kind == item.kind
                    && section.items[..ii]
                        .iter()
                        .any(|x| full_id(section, x) == s.item);
                let required_of_section = s.section == section.id
                    && s.kind == Kind::Required
                    && item.kind != Kind::Required;
                if s.item == id {
                    // The other parts of an item go on days of their own, after the pinned one.
                    release = release.max(day(s.date).saturating_add(1));
                } else if item.after.contains(&s.item) || same_kind_before || required_of_section {
                    // The same day is fine, after the pinned session.
                    let d = day(s.date);
                    if release_after.is_none_or(|(day, end)| (day, end) < (d, s.end)) {
                        release_after = Some((d, s.end));
                    }
                    release = release.max(d);
                }
            }
            // Not again on a day the learner deleted one of its sessions in their calendar;
            // the item's other sessions need not move for it.
            let mut avoid: Vec<u32> = state
                .sync
                .declined
                .iter()
                .filter(|x| x.item == id && x.date >= from)
                .map(|x| day(x.date))
                .collect();
            avoid.sort_unstable();
            avoid.dedup();
            // Only a pin on the release day itself holds the work back within that day.
            let release_after = release_after
                .filter(|&(d, _)| d == release)
                .map(|(_, end)| end);
            let parts = schedule::split(remaining, limit);
            let k = parts.len() as u32;
            let part_numbers: Vec<u32> = (d + 1..=d + k).collect();
            // Previous days and start times of parts that have not happened yet (missed ones
            // cannot keep theirs).
            let before: Vec<Option<&Session>> = part_numbers
                .iter()
                .map(|&n| {
                    open.iter()
                        .copied()
                        .find(|s| s.item == id && s.part == n && s.date >= from)
                })
                .collect();
            let previous: Vec<u32> = before
                .iter()
                .map(|s| {
                    s.and_then(|s| u32::try_from(avail.day_of(s.date)).ok())
                        .unwrap_or(u32::MAX)
                })
                .collect();
            let previous_minute: Vec<u32> = before
                .iter()
                .map(|s| s.map_or(u32::MAX, |s| minute_of_day(avail, s)))
                .collect();
            let any_previous = previous.iter().any(|&d| d != u32::MAX);
            if !pinned_here.is_empty() {
                retotal.insert(id.clone(), d + k);
            }
            work.push(Work {
                section: si,
                item: ii,
                parts,
                part_numbers,
                parts_total: d + k,
                release,
                release_after,
                avoid,
                previous: any_previous.then_some(previous),
                previous_minute: any_previous.then_some(previous_minute),
            });
        }
    }

    let mut warnings = schedule::work_warnings(path, settings, &work);
    // Progress on an item the path no longer has (renamed or removed since) plans nothing.
    for item in progress.keys().filter(|i| !in_path.contains(*i)) {
        warnings.push(format!(
            "the progress log has {item}, which the path no longer has: it is kept in the log but \
             plans nothing (renamed? record the work again under the new id)"
        ));
    }
    // A pinned part that the learner shortened is followed by new parts: it is part 1 of the
    // new total, not of its old one.
    for s in fixed
        .iter_mut()
        .filter(|s| !s.done && pinned.contains(s.uid.as_str()))
    {
        if let Some(&n) = retotal.get(&s.item) {
            s.parts = n;
        }
    }
    let mut plan = schedule::solve(path, settings, &work, &fixed, Vec::new(), now)?;
    warnings.extend(schedule::prerequisites_left_out(path, &plan));
    warnings.extend(schedule::long_items_warning(path, settings, &work, &plan));
    // Days before --from happened under the settings of their time (a replan may change the
    // hours, days or windows): they keep the capacity and gaps the plan gave them.
    for day in plan.capacity.iter_mut().filter(|c| c.date < from) {
        if let Some(was) = old.capacity.iter().find(|c| c.date == day.date) {
            day.clone_from(was);
        }
    }
    plan.progress_off_sessions = off_sessions;
    plan.off_plan = off_plan(&plan, path, &progress);
    account_for_progress(&mut plan, path, &state.progress);

    // Sequences, and what changed.
    let fixed_uids: BTreeSet<&str> = fixed.iter().map(|s| s.uid.as_str()).collect();
    let old_by_uid: BTreeMap<&str, &Session> =
        old.sessions.iter().map(|s| (s.uid.as_str(), s)).collect();
    let old_cancelled: BTreeMap<&str, &Session> =
        old.cancelled.iter().map(|s| (s.uid.as_str(), s)).collect();
    let mut changes = Vec::new();
    let new_uids: BTreeSet<String> = plan.sessions.iter().map(|s| s.uid.clone()).collect();
    for s in &mut plan.sessions {
        if fixed_uids.contains(s.uid.as_str()) {
            continue;
        }
        let label = format!("{} (part {}/{})", s.item, s.part, s.parts);
        if let Some(o) = old_by_uid.get(s.uid.as_str()) {
            let moved = o.start != s.start || o.end != s.end;
            s.sequence = o.sequence + u32::from(moved);
            if moved {
                changes.push(describe_move(o, s, &label));
            }
            if s.late && !o.late {
                changes.push(format!("now late  {label} on {}", s.date));
            }
        } else {
            if let Some(c) = old_cancelled.get(s.uid.as_str()) {
                s.sequence = c.sequence + 1;
            }
            changes.push(format!(
                "added     {label} on {}",
                s.start.format("%Y-%m-%d %H:%M")
            ));
            if s.late {
                changes.push(format!("now late  {label} on {}", s.date));
            }
        }
    }
    let mut cancelled: Vec<Session> = old
        .cancelled
        .iter()
        .filter(|c| !new_uids.contains(&c.uid))
        .cloned()
        .collect();
    for o in &open {
        if new_uids.contains(&o.uid) {
            continue;
        }
        let mut c = (*o).clone();
        c.sequence += 1;
        changes.push(format!(
            "cancelled {} (part {}/{}) on {}",
            c.item, c.part, c.parts, c.date
        ));
        cancelled.retain(|x| x.uid != c.uid);
        cancelled.push(c);
    }
    cancelled.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));
    plan.cancelled = cancelled;

    let old_dropped: BTreeSet<&str> = old.unscheduled.iter().map(|u| u.item.as_str()).collect();
    for u in &plan.unscheduled {
        if u.kind != Kind::Required && !old_dropped.contains(u.item.as_str()) {
            changes.push(format!(
                "dropped   {} ({} {} min): {}",
                u.item, u.kind, u.minutes, u.reason
            ));
        }
    }

    let mut state = State {
        version: state.version,
        source: state.source.clone(),
        settings: settings.clone(),
        progress: state.progress.clone(),
        calendar: state.calendar.clone(),
        sync: state.sync.clone(),
        plan,
    };
    // Pins of sessions that were not kept are lifted; deletions before --from are history. A
    // missed pinned session's part is planned again under the same UID, at the planner's time:
    // the pin, which says "the learner chose this time", must not follow it there.
    let kept: BTreeSet<&str> = fixed.iter().map(|s| s.uid.as_str()).collect();
    state.sync.pinned.retain(|u| kept.contains(u.as_str()));
    state.sync.declined.retain(|d| d.date >= from);
    for s in &kept_pins {
        changes.push(format!(
            "kept      {} (part {}/{}) where you moved it, {}",
            s.item,
            s.part,
            retotal.get(&s.item).copied().unwrap_or(s.parts),
            s.start.format("%Y-%m-%d %H:%M")
        ));
    }
    // Done flags of the kept sessions come from the log; new sessions are not done.
    let kept_done: BTreeSet<String> = fixed
        .iter()
        .filter(|s| s.done)
        .map(|s| s.uid.clone())
        .collect();
    for s in &mut state.plan.sessions {
        s.done = kept_done.contains(&s.uid);
    }
    Ok(Replanned {
        state,
        changes,
        warnings,
    })
}

/// Items of the path that no session or unscheduled entry of `plan` holds, so that `status`
/// still counts them: the rest of a skipped item (its sessions from `--from` on are dropped),
/// with its minutes, and an item done off its sessions (all its minutes are in
/// `progress_off_sessions`), with none.
fn off_plan(
    plan: &crate::plan::Plan,
    path: &LearningPath,
    progress: &BTreeMap<String, crate::progress::ItemProgress>,
) -> Vec<crate::plan::Unscheduled> {
    let held = plan.item_minutes();
    let listed: BTreeSet<&str> = plan
        .sessions
        .iter()
        .map(|s| s.item.as_str())
        .chain(plan.unscheduled.iter().map(|u| u.item.as_str()))
        .collect();
    path.items()
        .filter_map(|(s, i)| {
            let id = full_id(s, i);
            let p = progress.get(&id)?;
            let rest = i
                .minutes
                .saturating_sub(held.get(id.as_str()).copied().unwrap_or(0));
            let entry = |minutes: u32, reason: &str| crate::plan::Unscheduled {
                item: id.clone(),
                title: i.title.clone(),
                kind: i.kind,
                minutes,
                reason: reason.to_string(),
            };
            if p.skipped && !p.done && rest > 0 {
                Some(entry(rest, crate::plan::SKIPPED))
            } else if !listed.contains(id.as_str()) && held.contains_key(id.as_str()) {
                Some(entry(0, "done off the plan's sessions"))
            } else {
                None
            }
        })
        .collect()
}

/// The summary's figures as the replanned plan accounts for the work: each kind's total is
/// the estimates of the items the plan holds (without the rest of a skipped item, which no
/// session holds), and progress done off the sessions counts as scheduled work, in its window
/// when it was logged by the window's end and late by the days after it otherwise. So in
/// window plus late is the required total again.
fn account_for_progress(
    plan: &mut crate::plan::Plan,
    path: &LearningPath,
    log: &[crate::progress::Entry],
) {
    let mut kind_of: BTreeMap<String, Kind> =
        path.items().map(|(s, i)| (full_id(s, i), i.kind)).collect();
    for s in &plan.sessions {
        kind_of.entry(s.item.clone()).or_insert(s.kind);
    }
    for u in &plan.unscheduled {
        kind_of.entry(u.item.clone()).or_insert(u.kind);
    }
    let mut totals = [0u32; 3];
    for (item, &m) in &plan.item_minutes() {
        if let Some(&k) = kind_of.get(*item) {
            totals[k as usize] = totals[k as usize].saturating_add(m);
        }
    }
    for u in plan
        .off_plan
        .iter()
        .filter(|u| u.reason == crate::plan::SKIPPED)
    {
        totals[u.kind as usize] = totals[u.kind as usize].saturating_sub(u.minutes);
    }
    let summary = &mut plan.summary;
    summary.required_minutes = totals[Kind::Required as usize];
    summary.optional_minutes = totals[Kind::Optional as usize];
    summary.reference_minutes = totals[Kind::Reference as usize];
    for (item, &off) in &plan.progress_off_sessions {
        match kind_of.get(item) {
            Some(Kind::Required) => {
                let section = item.split('/').next().unwrap_or("");
                let end = plan.sections.iter().find(|s| s.id == section);
                let end = end.and_then(|s| s.window_end);
                let last = log
                    .iter()
                    .filter(|e| e.item == *item && e.action != crate::progress::Action::Skip)
                    .map(|e| e.on)
                    .max();
                match (end, last) {
                    (Some(end), Some(day)) if day > end => {
                        summary.required_late_minutes += off;
                        summary.late_minute_days +=
                            u64::from(off) * (day - end).num_days().max(0) as u64;
                    }
                    _ => summary.required_in_window_minutes += off,
                }
            }
            Some(Kind::Optional) => summary.optional_scheduled_minutes += off,
            Some(Kind::Reference) => summary.reference_scheduled_minutes += off,
            None => {}
        }
    }
}

/// Minutes after local midnight of its date at which `s` starts (its wall-clock time).
fn minute_of_day(avail: &crate::calendar::Availability, s: &Session) -> u32 {
    let local = s.start.with_timezone(&avail.tz()).naive_local();
    let minutes = (local - s.date.and_time(chrono::NaiveTime::MIN)).num_minutes();
    u32::try_from(minutes).unwrap_or(u32::MAX)
}

/// Carry calendar identity from `old` to a freshly made `new` plan of the same path: a session
/// whose time changed gets SEQUENCE + 1, a revived cancelled one its SEQUENCE + 1, and old
/// sessions that no longer exist are kept as cancelled with SEQUENCE + 1, so re-importing the
/// calendar updates events in place instead of being ignored or leaving stale copies.
pub fn reissue(old: &crate::plan::Plan, new: &mut crate::plan::Plan) {
    let old_by_uid: BTreeMap<&str, &Session> =
        old.sessions.iter().map(|s| (s.uid.as_str(), s)).collect();
    let old_cancelled: BTreeMap<&str, &Session> =
        old.cancelled.iter().map(|s| (s.uid.as_str(), s)).collect();
    for s in &mut new.sessions {
        if let Some(o) = old_by_uid.get(s.uid.as_str()) {
            s.sequence = o.sequence + u32::from(o.start != s.start || o.end != s.end);
        } else if let Some(c) = old_cancelled.get(s.uid.as_str()) {
            s.sequence = c.sequence + 1;
        }
    }
    let new_uids: BTreeSet<&str> = new.sessions.iter().map(|s| s.uid.as_str()).collect();
    let mut cancelled: BTreeMap<String, Session> = old
        .cancelled
        .iter()
        .filter(|c| !new_uids.contains(c.uid.as_str()))
        .map(|c| (c.uid.clone(), c.clone()))
        .collect();
    for o in old
        .sessions
        .iter()
        .filter(|o| !new_uids.contains(o.uid.as_str()))
    {
        let mut c = o.clone();
        c.sequence += 1;
        cancelled.insert(c.uid.clone(), c);
    }
    let mut cancelled: Vec<Session> = cancelled.into_values().collect();
    cancelled.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));
    new.cancelled = cancelled;
}

/// The line that says how a session changed: its start (with the UTC offsets where the wall
/// clock reads the same, as after a change of --tz), its minutes, or both.
fn describe_move(old: &Session, new: &Session, label: &str) -> String {
    let (was, now) = (old.minutes, new.minutes);
    if old.start == new.start && was != now {
        let on = new.start.format("%Y-%m-%d %H:%M");
        return format!("resized   {label} on {on}: {was} → {now} min");
    }
    let clock = |s: &Session, f: &str| s.start.format(f).to_string();
    let (mut a, mut b) = (clock(old, "%Y-%m-%d %H:%M"), clock(new, "%Y-%m-%d %H:%M"));
    if a == b {
        (a, b) = (
            clock(old, "%Y-%m-%d %H:%M %:z"),
            clock(new, "%Y-%m-%d %H:%M %:z"),
        );
    }
    let minutes = if was == now {
        String::new()
    } else {
        format!(" ({was} → {now} min)")
    };
    format!("moved     {label}: {a} → {b}{minutes}")
}
