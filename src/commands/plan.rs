//! `plan`: a fresh plan of a learning path (or, with `--fit`, the what-if answer), and the
//! step every planning command ends with: save the state, write the calendar, print the plan.

use super::{
    color_of, context, flags, format_of, json_to_stdout, load_busy, now, path_reach, resolve_path,
    to_stdout, warn_past_busy,
};
use crate::cli::{FormatArg, OutputArgs, PlanArgs};
use crate::error::{Error, Result};
use crate::output::{self, ics::IcsOptions, TableOptions};
use crate::path::LearningPath;
use crate::plan::Plan;
use crate::progress::{self, State};
use crate::schedule::{self, Settings};
use crate::settings;
use crate::storage::{self, Lock};
use std::path::{Path, PathBuf};

pub(super) fn plan(args: &PlanArgs) -> Result<()> {
    let start = crate::calendar::parse_date(&args.start).map_err(|m| Error::flag("--start", m))?;
    let mut settings = settings::resolve(start, &flags(&args.availability), None, &context())?;
    settings.without_order_cost = args.fit;
    let ics = ics_options(&args.output)?;
    let now = now(args.output.now.as_deref())?;
    let (path, source) = resolve_path(&args.path)?;
    let read_to = load_busy(
        &mut settings,
        &args.availability.busy,
        now,
        path_reach(&path, start),
    )?;
    for w in settings::warnings(&settings, &flags(&args.availability)) {
        stderr!("warning: {w}");
    }
    if args.fit && matches!(args.output.format, FormatArg::Csv | FormatArg::Md) {
        return Err(Error::flag(
            "--format",
            "with --fit, the what-if answer is printed as table (text) or json",
        ));
    }
    let message = format!("optimizing the plan (time limit {} s)", settings.time_limit);
    let planned =
        crate::spinner::with_spinner(&message, |_| schedule::plan(&path, &settings, now))?;
    for w in &planned.warnings {
        stderr!("warning: {w}");
    }
    warn_past_busy(&planned.plan, &settings, read_to);
    if args.fit {
        return fit(&path, &settings, &planned.plan, &args.output);
    }
    // Before the lock file is made next to it: a missing folder is a bad --state, not a
    // failure to write.
    check_place("--state", &args.output.state, "studyplan.yaml")?;
    let _lock = Lock::acquire(&args.output.state)?;
    let mut plan = planned.plan;
    let mut log = Vec::new();
    let mut sync = crate::sync::SyncState::default();
    if args.output.state.exists() {
        // Never overwrite what cannot be read: it may hold progress from a newer studyplan.
        let old = State::load(&args.output.state)?;
        sync = old.sync.clone().for_new_plan();
        if old.plan.path.id == plan.path.id {
            crate::replan::reissue(&old.plan, &mut plan);
            log = old.progress;
            if !log.is_empty() {
                stderr!(
                    "note: a fresh plan replaces the old one in {}; its progress log ({} entries) is kept: run `studyplan replan` to plan around it",
                    args.output.state.display(),
                    log.len()
                );
            }
        } else if !old.progress.is_empty() {
            stderr!(
                "warning: {} held a plan for {:?} with {} progress entries; it is replaced by a plan for {:?}",
                args.output.state.display(),
                old.plan.path.id,
                old.progress.len(),
                plan.path.id
            );
        }
    }
    let mut state = State {
        version: progress::VERSION,
        source,
        settings,
        progress: log,
        calendar: progress::Calendar::default(),
        sync,
        plan,
    };
    state.refresh_done();
    finish(state, &args.output, &ics)
}

/// The calendar flags, validated.
pub(super) fn ics_options(out: &OutputArgs) -> Result<IcsOptions> {
    let remind_minutes = out
        .remind
        .as_deref()
        .map(|r| settings::parse_duration_minutes(r).map_err(|m| Error::flag("--remind", m)))
        .transpose()?;
    Ok(IcsOptions {
        remind_minutes,
        milestones: out.milestones,
    })
}

/// Where the calendar goes by default: `<path-id>.ics` next to the state file.
pub(super) fn default_ics(state: &Path, plan: &Plan) -> PathBuf {
    let name = format!("{}.ics", plan.path.id);
    match state.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(name),
        _ => PathBuf::from(name),
    }
}

/// Save the state, write the calendar, print the plan and the diagnostics.
pub(super) fn finish(mut state: State, out: &OutputArgs, ics: &IcsOptions) -> Result<()> {
    // Remember the calendar options for the next replan.
    state.calendar = progress::Calendar {
        remind_minutes: ics.remind_minutes,
        milestones: ics.milestones,
        file: out.ics.clone().or(state.calendar.file.take()),
    };
    let plan = &state.plan;
    // Render and check everything first, so a failure leaves no partial output behind.
    let mut calendar = Vec::new();
    output::ics::write_ics(plan, ics, &mut calendar).map_err(Error::Output)?;
    let ics_file = state
        .calendar
        .file
        .clone()
        .unwrap_or_else(|| default_ics(&out.state, plan));
    check_place("--state", &out.state, "studyplan.yaml")?;
    if out.no_ics {
        check_folder("--ics", &ics_file)?;
    } else {
        check_place("--ics", &ics_file, "plan.ics")?;
    }
    state.save(&out.state)?;
    if !out.no_ics {
        storage::write_atomic(&ics_file, &calendar)?;
        let n = plan.sessions.len();
        stderr!(
            "wrote {} ({n} session{})",
            ics_file.display(),
            if n == 1 { "" } else { "s" }
        );
    }
    let opts = TableOptions {
        color: color_of(out.color),
        width: None,
        week: None,
    };
    to_stdout(|w| output::write_plan(plan, format_of(out.format), &opts, w))?;
    // Diagnostics go to stderr; a failure to write them is no reason to fail the command.
    let _ = output::report::write_diagnostics(plan, &mut std::io::stderr());
    if out.sync {
        let machine = matches!(out.format, FormatArg::Json | FormatArg::Csv);
        super::sync::after_write(&out.state, out.now.as_deref(), machine)?;
    }
    strict(out, plan)
}

/// The file `flag` names can be written: its folder exists and it is not a folder itself
/// (`example` names a file it could be).
fn check_place(flag: &str, file: &Path, example: &str) -> Result<()> {
    // Elsewhere `-` is stdin or stdout; here it would quietly make a file named `-`.
    if file == Path::new("-") {
        return Err(Error::flag(
            flag,
            format!("`-` (stdout) is not supported here; give a file such as {example}"),
        ));
    }
    if file.is_dir() {
        return Err(Error::flag(
            flag,
            format!(
                "{} is a folder; give a file such as {example}",
                file.display()
            ),
        ));
    }
    check_folder(flag, file)
}

/// The folder of the file `flag` names exists.
fn check_folder(flag: &str, file: &Path) -> Result<()> {
    match file.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) if dir.exists() && !dir.is_dir() => Err(Error::flag(
            flag,
            format!(
                "{} is a file, not a folder, so {} cannot be written",
                dir.display(),
                file.display()
            ),
        )),
        Some(dir) if !dir.is_dir() => Err(Error::flag(
            flag,
            format!("the folder {} does not exist", dir.display()),
        )),
        _ => Ok(()),
    }
}

/// `--strict`: exit 3 when some required work is late.
fn strict(out: &OutputArgs, plan: &Plan) -> Result<()> {
    let late = output::late_count(plan);
    if out.strict && late > 0 {
        return Err(Error::Late { count: late });
    }
    Ok(())
}

/// `plan --fit`: the what-if answer instead of a plan; writes no files.
fn fit(path: &LearningPath, settings: &Settings, plan: &Plan, out: &OutputArgs) -> Result<()> {
    let answer = crate::spinner::with_spinner("finding the hours that fit", |spinner| {
        crate::whatif::analyze(path, settings, plan, &|what, day| {
            spinner.set_message(format!(
                "finding the hours that fit {what}: trying {}",
                crate::need::hm(day)
            ));
        })
    })?;
    match out.format {
        FormatArg::Json => json_to_stdout(&answer)?,
        _ => to_stdout(|w| output::fit::write_text(&answer, w))?,
    }
    strict(out, plan)
}
