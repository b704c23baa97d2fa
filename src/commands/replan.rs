//! `replan`: plan what is left from a day on, keeping what happened before it.

use super::plan::{finish, ics_options};
use super::{
    context, date_or_today, flags, load_busy, load_source, now, open_state, path_reach,
    resolve_path, warn_past_busy,
};
use crate::cli::ReplanArgs;
use crate::error::{Error, Result};
use crate::progress::Source;
use crate::settings;

pub(super) fn replan(args: &ReplanArgs) -> Result<()> {
    let file = &args.output.state;
    let mut ics = ics_options(&args.output)?;
    let now = now(args.output.now.as_deref())?;
    let (_lock, mut state) = open_state(file)?;
    if args.output.sync {
        // The learner's moves and deletions on the server first, so the replan plans around
        // them (pinned) instead of undoing them and leaving their old slots empty.
        super::sync::after_write(file, args.output.now.as_deref(), true)?;
        state = crate::progress::State::load(file)?;
    }
    // The calendar keeps the reminders and milestones it was made with.
    ics.remind_minutes = ics.remind_minutes.or(state.calendar.remind_minutes);
    ics.milestones |= state.calendar.milestones;
    let mut settings = settings::resolve(
        state.settings.availability.start,
        &flags(&args.availability),
        Some(&state.settings),
        &context(),
    )?;
    let from = date_or_today("--from", args.from.as_deref(), &state, now)?;
    let path = match &args.path {
        Some(p) => {
            let (path, source) = resolve_path(p)?;
            state.source = source;
            path
        }
        None => load_source(&state.source).map_err(|e| moved_path_file(&state.source, e))?,
    };
    let reach = path_reach(&path, settings.availability.start).max(from);
    let read_to = load_busy(&mut settings, &args.availability.busy, now, reach)?;
    for w in settings::warnings(&settings, &flags(&args.availability)) {
        stderr!("warning: {w}");
    }
    let done = crate::spinner::with_spinner("replanning", |_| {
        crate::replan::replan(&state, &path, &settings, from, now)
    })?;
    for w in &done.warnings {
        stderr!("warning: {w}");
    }
    warn_past_busy(&done.state.plan, &settings, read_to);
    if done.changes.is_empty() {
        stderr!("replan from {from}: nothing moved");
    } else {
        stderr!("replan from {from}: {} change(s)", done.changes.len());
        for c in &done.changes {
            stderr!("  {c}");
        }
    }
    finish(done.state, &args.output, &ics)
}

/// A plan's path file that is gone: say so, and how to go on.
fn moved_path_file(source: &Source, e: Error) -> Error {
    match (source, e) {
        (Source::File(f), Error::Read { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            Error::PathFileGone { file: f.clone() }
        }
        (_, e) => e,
    }
}
