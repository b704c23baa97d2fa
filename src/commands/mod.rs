//! The command layer: one file per command group. Each command turns its clap arguments into
//! plain settings ([`crate::settings`]), reads files, the clock and the environment, calls the
//! core and hands the result to a writer in [`crate::output`]. Nothing below this module reads
//! the clock or the environment, and only it and [`crate::storage`] touch files.
//!
//! Shared here: finding a learning path, opening a state file under its lock, "today" in the
//! plan's zone, and writing to stdout where a closed pipe is success.

mod import;
mod info;
mod plan;
mod record;
mod replan;
mod show;
mod sync;

use crate::calendar::{BusyFile, BusyTimes};
use crate::cli::{AvailabilityArgs, Cli, ColorArg, Command, FormatArg};
use crate::error::{Error, Result};
use crate::output::Format;
use crate::path::{self, bundled, LearningPath};
use crate::progress::{Action, Source, State};
use crate::schedule::Settings;
use crate::settings::{self, Flags};
use crate::storage::{self, Lock};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Run one command.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Plan(args) => plan::plan(&args),
        Command::Show(args) => show::show(&args),
        Command::Validate(args) => info::validate(&args),
        Command::Done(args) => record::record(&args, Action::Done),
        Command::Progress(args) => record::record(&args, Action::Progress),
        Command::Skip(args) => record::skip(&args),
        Command::Undo(args) => record::undo(&args),
        Command::Status(args) => show::status(&args),
        Command::Replan(args) => replan::replan(&args),
        Command::Import(args) => import::import(&args),
        Command::Paths(args) => info::paths(&args),
        Command::Chart(args) => show::chart(&args),
        Command::Completions(args) => info::completions(&args),
        Command::Man(args) => info::man(&args),
        Command::Sync(args) => sync::run_args(&args),
    }
}

/// Find a path by file name or bundled id.
fn resolve_path(arg: &str) -> Result<(LearningPath, Source)> {
    let file = Path::new(arg);
    if file.exists() {
        let p = path::load::load_file(file)?;
        let abs = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
        return Ok((p, Source::File(abs)));
    }
    if let Some(b) = bundled::find(arg) {
        return Ok((bundled::load(b)?, Source::Bundled(b.id.to_string())));
    }
    let ids: Vec<&str> = bundled::all().iter().map(|b| b.id).collect();
    Err(Error::NoPath {
        name: arg.to_string(),
        bundled: ids.join(", "),
    })
}

/// Load the path a state file refers to.
fn load_source(source: &Source) -> Result<LearningPath> {
    match source {
        Source::Bundled(id) => match bundled::find(id) {
            Some(b) => bundled::load(b),
            None => Err(Error::MissingBundled { id: id.clone() }),
        },
        Source::File(f) => path::load::load_file(f),
    }
}

/// The clap flags of `plan`/`replan` as plain values.
fn flags(args: &AvailabilityArgs) -> Flags {
    Flags {
        hours: args.hours.clone(),
        weekend_hours: args.weekend_hours.clone(),
        days: args.days.clone(),
        off: args.off.clone(),
        at: args.at.clone(),
        tz: args.tz.clone(),
        max_session: args.max_session,
        min_session: args.min_session,
        time_limit: args.time_limit,
        any_order: args.any_order,
        windows: args.windows.clone(),
        break_minutes: args.break_minutes,
        busy_all_day: args.busy_all_day.clone(),
    }
}

/// The largest busy calendar read: a 50,000-event export is about 15 MB.
const MAX_BUSY_BYTES: u64 = 200 << 20;

/// Read the busy calendars into `settings`: the ones given (`--busy`), else (a replan) the ones
/// the plan was made with, saying on stderr when one changed or vanished since (a vanished one
/// stays remembered, to be read again once it is back). Events are read from the day before the
/// start (a late event's break can reach into the first day) to three years past `reach` (the
/// last day of the path's windows, or of the plan), today or the start, whichever is latest:
/// past any plan's end but one with years of late work, which [`warn_past_busy`] names.
/// Returns the end of what was read.
fn load_busy(
    settings: &mut Settings,
    given: &[String],
    now: DateTime<Utc>,
    reach: NaiveDate,
) -> Result<DateTime<Utc>> {
    let a = &settings.availability;
    let tz = a.tz();
    let first = a.start.pred_opt().unwrap_or(a.start);
    let from = crate::calendar::resolve_local(tz, first.and_time(NaiveTime::MIN)).to_utc();
    let reach = crate::calendar::resolve_local(tz, reach.and_time(NaiveTime::MIN)).to_utc();
    let to = from.max(now).max(reach) + chrono::Duration::days(3 * 366 + 1);
    let all_day = a.free.busy_all_day;
    let read = |name: &str, bytes: Vec<u8>| -> Result<Vec<crate::busy::Busy>> {
        let text = crate::busy::decode(bytes).ok_or_else(|| crate::busy::BusyError {
            file: name.to_string(),
            line: None,
            uid: None,
            message: "is not UTF-8 text (export the calendar as .ics)".into(),
        })?;
        Ok(crate::busy::read(&text, name, tz, from, to, all_day)?)
    };
    let too_large = |name: &str| crate::busy::BusyError {
        file: name.to_string(),
        line: None,
        uid: None,
        message: format!(
            "is larger than {} MB, the most a busy calendar may be (export a shorter range)",
            MAX_BUSY_BYTES >> 20
        ),
    };
    let mut busy = Vec::new();
    let mut files = Vec::new();
    if given.is_empty() {
        for old in &a.free.busy_files {
            let bytes = match storage::read_limited(&old.path, MAX_BUSY_BYTES) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    stderr!(
                        "warning: busy calendar {} is gone; planning without it this time (it \
                         stays remembered and is read again once it is back; give --busy to \
                         plan around other calendars instead)",
                        old.path.display()
                    );
                    files.push(old.clone());
                    continue;
                }
                other => other.map_err(|source| Error::Read {
                    file: old.path.clone(),
                    source,
                })?,
            };
            let name = old.path.display().to_string();
            let bytes = bytes.ok_or_else(|| too_large(&name))?;
            let hash = content_hash(&bytes);
            let changed = hash != old.hash;
            busy.extend(read(&name, bytes)?);
            if changed {
                stderr!("note: busy calendar {name} changed since the last plan; planning around it as it is now");
            }
            files.push(BusyFile {
                path: old.path.clone(),
                hash,
            });
        }
    } else {
        for name in given {
            let stdin = name == "-";
            let file = std::path::PathBuf::from(name);
            let bytes = if stdin {
                storage::read_limited_from(std::io::stdin(), MAX_BUSY_BYTES)
            } else {
                storage::read_limited(&file, MAX_BUSY_BYTES)
            }
            .map_err(|source| Error::Read {
                file: file.clone(),
                source,
            })?
            .ok_or_else(|| too_large(name))?;
            let hash = content_hash(&bytes);
            busy.extend(read(name, bytes)?);
            if stdin {
                stderr!("note: a busy calendar from stdin is not remembered; give it again to replan around it");
            } else {
                files.push(BusyFile {
                    path: std::fs::canonicalize(&file).unwrap_or(file),
                    hash,
                });
            }
        }
    }
    let free = &mut settings.availability.free;
    free.busy = BusyTimes::new(busy).read_until(to);
    free.busy_files = files;
    Ok(to)
}

/// The last day of a path's week windows counted from `start` (the start itself when no
/// section has weeks): how far a plan of it reaches before late work.
fn path_reach(path: &LearningPath, start: NaiveDate) -> NaiveDate {
    let weeks = path
        .sections
        .iter()
        .filter_map(|s| s.weeks)
        .map(|w| w.last)
        .max()
        .unwrap_or(0);
    start + chrono::Duration::days(7 * i64::from(weeks))
}

/// The last day a plan holds a session on (its start when it holds none): what reading the busy
/// calendars must reach for a command that looks at a plan without planning.
fn plan_reach(state: &State) -> NaiveDate {
    state
        .plan
        .sessions
        .iter()
        .map(|s| s.date)
        .max()
        .unwrap_or(state.settings.availability.start)
}

/// Say when a plan runs past the end of the busy calendars read (only years of late work do).
fn warn_past_busy(plan: &crate::plan::Plan, settings: &Settings, read_to: DateTime<Utc>) {
    if settings.availability.free.busy_files.is_empty() {
        return;
    }
    let tz = settings.availability.tz();
    let end = read_to.with_timezone(&tz).date_naive();
    if plan.sessions.iter().any(|s| s.date >= end) {
        stderr!(
            "warning: the plan runs past {end}, the end of what was read of the busy calendars; \
             sessions after it are planned without them"
        );
    }
}

/// FNV-1a 64 of `bytes`, hex: stable across versions and machines.
fn content_hash(bytes: &[u8]) -> String {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    h.write(bytes);
    format!("{:016x}", h.finish())
}

/// The system's zone: `TZ` when it names an IANA zone (`Europe/Berlin` or `:Europe/Berlin`, as
/// the C library reads it), else the machine's (`/etc/localtime` and the like).
fn system_zone() -> String {
    std::env::var("TZ")
        .ok()
        .map(|tz| tz.trim_start_matches(':').to_string())
        .filter(|tz| crate::calendar::zone(tz).is_ok())
        .unwrap_or_else(|| iana_time_zone::get_timezone().unwrap_or_default())
}

/// What settings need from outside the flags: the system's zone and the trace switches.
fn context() -> settings::Context {
    settings::Context {
        system_zone: system_zone(),
        trace: crate::schedule::Trace {
            levels: std::env::var_os("STUDYPLAN_LOG").is_some()
                || std::env::var_os("STUDYPLAN_DEBUG").is_some(),
            solver_log: std::env::var_os("STUDYPLAN_HIGHS_LOG").is_some(),
            mip_alone: std::env::var_os("STUDYPLAN_MIP_ALONE").is_some(),
        },
    }
}

/// The generation time: `--now`, else `SOURCE_DATE_EPOCH`, else the clock.
fn now(flag: Option<&str>) -> Result<DateTime<Utc>> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    Ok(settings::resolve_now(flag, epoch.as_deref())?.unwrap_or_else(Utc::now))
}

/// `--on`, `--today`, `--from` and the like: the given date, else today in the plan's zone.
fn date_or_today(
    flag: &str,
    value: Option<&str>,
    state: &State,
    now: DateTime<Utc>,
) -> Result<NaiveDate> {
    match value {
        Some(d) => crate::calendar::parse_plan_date(d).map_err(|m| Error::flag(flag, m)),
        None => Ok(today_in(state, now)),
    }
}

/// Today in the plan's time zone.
fn today_in(state: &State, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&state.settings.availability.tz())
        .date_naive()
}

/// Lock and load a state file for a change.
fn open_state(file: &Path) -> Result<(Lock, State)> {
    // A state file that is not there is refused before a lock file is made next to it.
    if std::fs::symlink_metadata(file).is_err() {
        State::load(file)?;
    }
    let lock = Lock::acquire(file)?;
    let state = State::load(file)?;
    Ok((lock, state))
}

fn format_of(f: FormatArg) -> Format {
    match f {
        FormatArg::Table => Format::Table,
        FormatArg::Json => Format::Json,
        FormatArg::Csv => Format::Csv,
        FormatArg::Md => Format::Md,
    }
}

fn color_of(c: ColorArg) -> bool {
    match c {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// A closed pipe, also when a writer (such as csv's) wraps the I/O error.
fn is_broken_pipe(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return true;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> =
        e.get_ref().map(|inner| inner as _);
    while let Some(s) = source {
        if s.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        {
            return true;
        }
        if let Some(csv) = s.downcast_ref::<csv::Error>() {
            if let csv::ErrorKind::Io(io) = csv.kind() {
                return io.kind() == std::io::ErrorKind::BrokenPipe;
            }
        }
        source = s.source();
    }
    false
}

/// Write to stdout; a closed pipe (`studyplan show | head`) is not an error.
fn to_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let result = write(&mut lock).and_then(|()| lock.flush());
    match result {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other.map_err(Error::Output),
    }
}

/// Write a JSON document to stdout.
fn json_to_stdout(value: &impl serde::Serialize) -> Result<()> {
    to_stdout(|w| {
        // `From` keeps an I/O error as it is (a closed pipe stays one); `other` hid it.
        serde_json::to_writer_pretty(&mut *w, value).map_err(std::io::Error::from)?;
        writeln!(w)
    })
}
