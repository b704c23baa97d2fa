//! `show`, `status` and `chart`: read a saved plan and print it, where the learner stands, or
//! a chart of both. Nothing here changes the state file.

use super::{color_of, date_or_today, format_of, json_to_stdout, now, to_stdout};
use crate::cli::{ChartArgs, ShowArgs, StatusArgs, StatusFormat};
use crate::error::{Error, Result};
use crate::output::{self, TableOptions};
use crate::progress::State;
use crate::storage;

pub(super) fn show(args: &ShowArgs) -> Result<()> {
    let state = State::load(&args.state)?;
    let weeks = state.plan.weeks();
    if let Some(week) = args.week.filter(|&w| w > weeks) {
        return Err(Error::flag(
            "--week",
            format!("the plan has {weeks} week(s); week {week} is past its end"),
        ));
    }
    let opts = TableOptions {
        color: color_of(args.color),
        width: None,
        week: args.week,
    };
    to_stdout(|w| output::write_plan(&state.plan, format_of(args.format), &opts, w))
}

pub(super) fn status(args: &StatusArgs) -> Result<()> {
    let mut state = State::load(&args.state.state)?;
    let now = now(None)?;
    let today = date_or_today("--today", args.today.as_deref(), &state, now)?;
    // The hours still needed are hours within the free time: read the busy calendars as they
    // are now, as a replan would.
    let reach = super::plan_reach(&state);
    super::load_busy(&mut state.settings, &[], now, reach)?;
    let s = crate::progress::status::status(&state, today);
    match args.format {
        StatusFormat::Table => {
            to_stdout(|w| output::status::write_table(&s, color_of(args.color), w))
        }
        StatusFormat::Json => json_to_stdout(&s),
    }
}

/// `chart`: the saved plan and progress as an SVG.
pub(super) fn chart(args: &ChartArgs) -> Result<()> {
    let state = State::load(&args.state.state)?;
    let today = date_or_today("--today", args.today.as_deref(), &state, now(None)?)?;
    let svg = crate::chart::render(&state, today).map_err(|message| Error::Chart { message })?;
    match &args.output {
        Some(f) if f.as_os_str() == "-" => to_stdout(|w| w.write_all(svg.as_bytes())),
        other => {
            let file = other.clone().unwrap_or_else(|| {
                super::plan::default_ics(&args.state.state, &state.plan).with_extension("svg")
            });
            storage::write_atomic(&file, svg.as_bytes())?;
            stderr!("wrote {}", file.display());
            Ok(())
        }
    }
}
