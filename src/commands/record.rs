//! `done`, `progress`, `skip` and `undo`: entries in the progress log of a state file.

use super::{date_or_today, now, open_state, today_in};
use crate::cli::{DoneArgs, SkipArgs, UndoArgs};
use crate::error::{Error, Result};
use crate::progress::{resolve, summarize, Action, Entry, State};
use chrono::NaiveDate;
use std::path::Path;

/// `done` and `progress`.
pub(super) fn record(args: &DoneArgs, action: Action) -> Result<()> {
    if action == Action::Progress && args.minutes.is_none_or(|m| m == 0) {
        return Err(Error::flag(
            "--minutes",
            "is required for progress (minutes of progress, at least 1)",
        ));
    }
    if args.minutes == Some(0) {
        return Err(Error::flag(
            "--minutes",
            "at least 1 (the minutes the item took), or leave it out",
        ));
    }
    let most = crate::path::load::MAX_MINUTES;
    if args.minutes.is_some_and(|m| m > most) {
        return Err(Error::flag(
            "--minutes",
            format!("at most {most} (the longest an item may be)"),
        ));
    }
    append(
        &args.state.state,
        &args.items,
        action,
        args.minutes,
        |state| {
            let now = now(args.now.as_deref())?;
            let on = date_or_today("--on", args.on.as_deref(), state, now)?;
            let today = today_in(state, now);
            if on > today {
                return Err(Error::flag(
                    "--on",
                    format!("{on} is after today ({today}): record work on the day it was done"),
                ));
            }
            Ok(on)
        },
    )
}

/// `skip`.
pub(super) fn skip(args: &SkipArgs) -> Result<()> {
    append(
        &args.state.state,
        &args.items,
        Action::Skip,
        None,
        |state| date_or_today("--on", None, state, now(args.now.as_deref())?),
    )
}

/// Lock the state, resolve the item names, append one entry per item, save, and say so.
fn append(
    file: &Path,
    names: &[String],
    action: Action,
    minutes: Option<u32>,
    on: impl FnOnce(&State) -> Result<NaiveDate>,
) -> Result<()> {
    let (_lock, mut state) = open_state(file)?;
    let on = on(&state)?;
    // Names resolve against the plan and, when it can be read, the current path file.
    let path = super::load_source(&state.source).ok();
    let items = resolve::resolve_all(&state.candidates(path.as_ref()), names)?;
    // Saying again what the log already says would only take a second `undo` to take back.
    // (`done --minutes` again adds time spent, so it is recorded.)
    let known = summarize(&state.progress);
    // Done wins over skip and progress in the log, so those change nothing on a done item.
    let (repeated, items): (Vec<String>, Vec<String>) = items.into_iter().partition(|item| {
        let p = known.get(item);
        match action {
            Action::Done => minutes.is_none() && p.is_some_and(|p| p.done),
            Action::Skip | Action::Progress => {
                p.is_some_and(|p| p.done || (p.skipped && action == Action::Skip))
            }
        }
    });
    for item in &repeated {
        let done = known.get(item).is_some_and(|p| p.done);
        match action {
            Action::Skip if !done => {
                stderr!("{item} is already recorded as skipped; nothing recorded");
            }
            Action::Done | Action::Skip => stderr!(
                "{item} is already recorded as done; nothing recorded (`studyplan undo` takes \
                 back the last entry)"
            ),
            Action::Progress => stderr!(
                "{item} is already recorded as done; nothing recorded (`studyplan done {item} \
                 --minutes N` adds time spent to it)"
            ),
        }
    }
    if items.is_empty() {
        return Ok(());
    }
    for item in &items {
        state.progress.push(Entry {
            item: item.clone(),
            action,
            on,
            minutes,
        });
    }
    state.refresh_done();
    state.save(file)?;
    for item in &items {
        match (action, minutes) {
            (Action::Skip, _) => {
                stderr!("recorded skip: {item} (run `studyplan replan` to free its sessions)");
            }
            (_, Some(m)) => stderr!("recorded {}: {item} ({m} min) on {on}", verb(action)),
            (_, None) => stderr!("recorded {}: {item} on {on}", verb(action)),
        }
    }
    Ok(())
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Done => "done",
        Action::Progress => "progress",
        Action::Skip => "skip",
    }
}

/// `undo`: remove the last entry.
pub(super) fn undo(args: &UndoArgs) -> Result<()> {
    let file = &args.state.state;
    let (_lock, mut state) = open_state(file)?;
    let Some(last) = state.progress.pop() else {
        return Err(Error::State {
            file: file.clone(),
            line: None,
            column: None,
            message: "has no recorded progress to undo".into(),
        });
    };
    state.refresh_done();
    state.save(file)?;
    stderr!(
        "undid {}: {} (on {})",
        verb(last.action),
        last.item,
        last.on
    );
    Ok(())
}
