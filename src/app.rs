//! The command layer: parse-then-resolve raw flags into settings, read files, the clock and
//! the environment, call the core, write outputs. Nothing below this module does I/O.

use crate::calendar::{self, Availability};
use crate::cli::{
    AvailabilityArgs, Cli, ColorArg, Command, DoneArgs, FormatArg, OutputArgs, PlanArgs,
    ReplanArgs, ShowArgs, SkipArgs, StatusArgs, StatusFormat, UndoArgs, ValidateArgs,
};
use crate::error::{Error, Result};
use crate::output::{self, ics::IcsOptions, Format, TableOptions};
use crate::path::{self, bundled, Kind, LearningPath};
use crate::plan::Plan;
use crate::progress::{self, Source, State};
use crate::progress::{lock::Lock, resolve, Action, Entry};
use crate::schedule::{self, Settings};
use chrono::{DateTime, NaiveTime, Utc};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Run one command. Returns the exit code for success paths that are not 0 (`--strict`).
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Plan(args) => plan(*args),
        Command::Show(args) => show(args),
        Command::Validate(args) => validate(args),
        Command::Done(args) => record(args, Action::Done),
        Command::Progress(args) => record(args, Action::Progress),
        Command::Skip(args) => skip(args),
        Command::Undo(args) => undo(args),
        Command::Status(args) => status(args),
        Command::Replan(args) => replan(*args),
        Command::Import(args) => import(&args),
        Command::Paths(args) => paths(&args),
        Command::Chart(args) => chart(&args),
        Command::Completions(args) => completions(&args),
        Command::Man(args) => man(&args),
        Command::Sync(args) => crate::sync::command::run_args(&args),
    }
}

/// Find a path by file name or bundled id.
pub fn resolve_path(arg: &str) -> Result<(LearningPath, Source)> {
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
    Err(Error::Read {
        file: file.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!(
                "no such file, and no bundled path has that id (bundled: {})",
                ids.join(", ")
            ),
        ),
    })
}

/// Load the path a state file refers to.
pub fn load_source(source: &Source) -> Result<LearningPath> {
    match source {
        Source::Bundled(id) => match bundled::find(id) {
            Some(b) => bundled::load(b),
            None => Err(Error::Item {
                message: format!(
                    "the plan uses the bundled path {id:?}, which this build does not have"
                ),
            }),
        },
        Source::File(f) => path::load::load_file(f),
    }
}

/// Raw availability flags → validated availability, on top of `base` (a replan's old settings).
pub fn resolve_settings(
    start: chrono::NaiveDate,
    args: &AvailabilityArgs,
    base: Option<&Settings>,
) -> Result<Settings> {
    let hours = match (&args.hours, base) {
        (Some(h), _) => Some(calendar::parse_hours(h).map_err(|m| Error::flag("--hours", m))?),
        (None, Some(_)) => None,
        (None, None) => {
            return Err(Error::flag(
                "--hours",
                "is required (study hours per day, e.g. 1.5)",
            ))
        }
    };
    let weekend = args
        .weekend_hours
        .as_deref()
        .map(|h| calendar::parse_hours(h).map_err(|m| Error::flag("--weekend-hours", m)))
        .transpose()?;
    let days = args
        .days
        .as_deref()
        .map(|d| calendar::parse_days(d).map_err(|m| Error::flag("--days", m)))
        .transpose()?;
    let mut minutes = base.map_or([0; 7], |b| b.availability.weekday_minutes);
    if base.is_none() || hours.is_some() || weekend.is_some() || days.is_some() {
        // Rebuild the week from what is given, falling back to the old settings.
        let old = base.map(|b| b.availability.weekday_minutes);
        let weekday_h = hours.or_else(|| old.map(|o| o[0].max(o[1]).max(o[2]).max(o[3]).max(o[4])));
        let weekend_h = weekend.or(hours).or_else(|| old.map(|o| o[5].max(o[6])));
        for (i, m) in minutes.iter_mut().enumerate() {
            let h = if i >= 5 { weekend_h } else { weekday_h };
            let on = days.map_or_else(|| old.is_none_or(|o| o[i] > 0) || hours.is_some(), |d| d[i]);
            *m = if on { h.unwrap_or(0) } else { 0 };
        }
    }
    if minutes.iter().all(|&m| m == 0) {
        return Err(Error::flag(
            "--hours",
            "leaves no study time on any day (give --hours above 0, or more --days)",
        ));
    }
    let mut off = base.map(|b| b.availability.off.clone()).unwrap_or_default();
    for o in &args.off {
        off.push(calendar::parse_off(o).map_err(|m| Error::flag("--off", m))?);
    }
    let at = match &args.at {
        Some(a) => calendar::parse_time(a).map_err(|m| Error::flag("--at", m))?,
        None => base.map_or(NaiveTime::from_hms_opt(19, 0, 0).unwrap_or_default(), |b| {
            b.availability.at
        }),
    };
    let timezone = match &args.tz {
        Some(tz) => {
            let z: chrono_tz::Tz = tz.parse().map_err(|_| {
                Error::flag("--tz", format!("{tz:?} is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)"))
            })?;
            z.name().to_string()
        }
        None => base.map_or_else(system_zone, |b| b.availability.timezone.clone()),
    };
    let max_session = args
        .max_session
        .or(base.map(|b| b.max_session))
        .unwrap_or(90);
    if max_session == 0 {
        return Err(Error::flag("--max-session", "must be at least 1 minute"));
    }
    let min_session = args
        .min_session
        .or(base.map(|b| b.min_session))
        .unwrap_or(15);
    let time_limit = args
        .time_limit
        .or(base.map(|b| b.time_limit))
        .unwrap_or(10.0);
    if !(time_limit.is_finite() && time_limit > 0.0) {
        return Err(Error::flag(
            "--time-limit",
            "must be a positive number of seconds",
        ));
    }
    Ok(Settings {
        availability: Availability {
            start,
            weekday_minutes: minutes,
            off,
            at,
            timezone,
        },
        max_session,
        min_session,
        time_limit,
        trace: schedule::Trace {
            levels: std::env::var_os("STUDYPLAN_DEBUG").is_some(),
            solver_log: std::env::var_os("STUDYPLAN_HIGHS_LOG").is_some(),
        },
    })
}

fn system_zone() -> String {
    iana_time_zone::get_timezone()
        .ok()
        .filter(|z| z.parse::<chrono_tz::Tz>().is_ok())
        .unwrap_or_else(|| "UTC".to_string())
}

/// The generation time: `--now`, else `SOURCE_DATE_EPOCH`, else the clock.
pub fn resolve_now(now: Option<&str>) -> Result<DateTime<Utc>> {
    if let Some(n) = now {
        return DateTime::parse_from_rfc3339(n)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                Error::flag(
                    "--now",
                    format!("{n:?} is not an RFC 3339 time such as 2026-12-01T08:00:00Z"),
                )
            });
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch.trim().parse().map_err(|_| {
            Error::flag(
                "SOURCE_DATE_EPOCH",
                format!("{epoch:?} is not a number of seconds"),
            )
        })?;
        return DateTime::from_timestamp(secs, 0)
            .ok_or_else(|| Error::flag("SOURCE_DATE_EPOCH", "is out of range"));
    }
    Ok(Utc::now())
}

/// Parse `10m`, `1h`, `1h30m` or a plain number of minutes.
pub fn parse_duration_minutes(s: &str) -> std::result::Result<u32, String> {
    let t = s.trim().to_ascii_lowercase();
    let bad = || format!("{s:?} is not a duration such as 10m, 1h or 1h30m");
    if let Ok(m) = t.parse::<u32>() {
        return Ok(m);
    }
    let mut total = 0u32;
    let mut num = String::new();
    for c in t.chars() {
        match c {
            '0'..='9' => num.push(c),
            'h' | 'm' => {
                let n: u32 = num.parse().map_err(|_| bad())?;
                total = total.saturating_add(if c == 'h' { n.saturating_mul(60) } else { n });
                num.clear();
            }
            _ => return Err(bad()),
        }
    }
    if !num.is_empty() || total > 7 * 24 * 60 {
        return Err(bad());
    }
    Ok(total)
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
pub fn to_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let result = write(&mut lock).and_then(|()| lock.flush());
    match result {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other.map_err(Error::Output),
    }
}

fn plan(args: PlanArgs) -> Result<()> {
    let start = calendar::parse_date(&args.start).map_err(|m| Error::flag("--start", m))?;
    let settings = resolve_settings(start, &args.availability, None)?;
    let ics = ics_options(&args.output)?;
    let now = resolve_now(args.output.now.as_deref())?;
    let (path, source) = resolve_path(&args.path)?;
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
        eprintln!("warning: {w}");
    }
    if args.fit {
        return fit(&path, &settings, &planned.plan, &args.output);
    }
    let _lock = progress::lock::Lock::acquire(&args.output.state)?;
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
                eprintln!(
                    "note: a fresh plan replaces the old one in {}; its progress log ({} entries) is kept: run `studyplan replan` to plan around it",
                    args.output.state.display(),
                    log.len()
                );
            }
        } else if !old.progress.is_empty() {
            eprintln!(
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
    finish(&state, &args.output, ics)
}

fn ics_options(out: &OutputArgs) -> Result<IcsOptions> {
    let remind_minutes = out
        .remind
        .as_deref()
        .map(|r| parse_duration_minutes(r).map_err(|m| Error::flag("--remind", m)))
        .transpose()?;
    Ok(IcsOptions {
        remind_minutes,
        milestones: out.milestones,
    })
}

/// Where the calendar goes by default: `<path-id>.ics` next to the state file.
pub fn default_ics(state: &Path, plan: &Plan) -> PathBuf {
    let name = format!("{}.ics", plan.path.id);
    match state.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(name),
        _ => PathBuf::from(name),
    }
}

/// Save the state, write the calendar, print the plan and the diagnostics.
pub fn finish(state: &State, out: &OutputArgs, ics: IcsOptions) -> Result<()> {
    // Remember the calendar options for the next replan.
    let mut state = state.clone();
    state.calendar = progress::Calendar {
        remind_minutes: ics.remind_minutes,
        milestones: ics.milestones,
        file: out.ics.clone().or(state.calendar.file.take()),
    };
    let state = &state;
    let plan = &state.plan;
    // Render and check everything first, so a failure leaves no partial output behind.
    let mut calendar = Vec::new();
    output::ics::write_ics(plan, &ics, &mut calendar).map_err(Error::Output)?;
    let ics_file = state
        .calendar
        .file
        .clone()
        .unwrap_or_else(|| default_ics(&out.state, plan));
    if out.state.is_dir() {
        return Err(Error::flag(
            "--state",
            format!(
                "{} is a folder; give a file such as studyplan.yaml",
                out.state.display()
            ),
        ));
    }
    for (flag, file) in [("--state", &out.state), ("--ics", &ics_file)] {
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(Error::flag(
                    flag,
                    format!("the folder {} does not exist", dir.display()),
                ));
            }
        }
    }
    if !out.no_ics && ics_file.is_dir() {
        return Err(Error::flag(
            "--ics",
            format!(
                "{} is a folder; give a file such as plan.ics",
                ics_file.display()
            ),
        ));
    }
    state.save(&out.state)?;
    if !out.no_ics {
        let file = ics_file;
        progress::write_atomic(&file, &calendar)?;
        eprintln!(
            "wrote {} ({} sessions)",
            file.display(),
            plan.sessions.len()
        );
    }
    let opts = TableOptions {
        color: color_of(out.color),
        width: None,
        week: None,
    };
    to_stdout(|w| output::write_plan(plan, format_of(out.format), &opts, w))?;
    report(plan);
    if out.sync {
        crate::sync::command::after_write(&out.state, out.now.as_deref())?;
    }
    let late = plan.sessions.iter().filter(|s| s.late).count();
    if out.strict && late > 0 {
        return Err(Error::Late { count: late });
    }
    Ok(())
}

/// Diagnostics for stderr: late work and what it would take to fit, the solver's status.
fn report(plan: &Plan) {
    let s = &plan.summary;
    if s.required_late_minutes > 0 {
        eprintln!(
            "warning: {} required minutes do not fit their windows and are planned late",
            s.required_late_minutes
        );
        for o in &plan.overloaded {
            eprintln!(
                "  {} ({} – {}): {} min late; it would fit with about {:.2} h per study day",
                o.section, o.window_start, o.window_end, o.late_minutes, o.needed_hours_per_day
            );
        }
    }
    let dropped = plan
        .unscheduled
        .iter()
        .filter(|u| u.kind != Kind::Required)
        .count();
    if dropped > 0 {
        eprintln!("note: {dropped} optional or reference item(s) do not fit and are left out");
    }
    if let Some(note) = &s.note {
        eprintln!("note: {note}");
    } else if !s.optimal {
        match s.gap {
            Some(g) => eprintln!(
                "note: the time limit was hit; this is the best plan found (gap {:.2}%)",
                g * 100.0
            ),
            None => eprintln!("note: the time limit was hit; this is the best plan found"),
        }
    }
}

fn show(args: ShowArgs) -> Result<()> {
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

fn validate(args: ValidateArgs) -> Result<()> {
    let (path, _) = resolve_path(&args.path)?;
    let items = path.sections.iter().map(|s| s.items.len()).sum::<usize>();
    to_stdout(|w| {
        writeln!(w, "{} ({}): valid", path.title, path.id)?;
        writeln!(w, "  sections: {}", path.sections.len())?;
        writeln!(w, "  items:    {items}")?;
        for kind in [Kind::Required, Kind::Optional, Kind::Reference] {
            let n = path.items().filter(|(_, i)| i.kind == kind).count();
            let m = path.minutes_of(kind);
            writeln!(
                w,
                "  {:<9} {n:>3} items, {m:>5} min ({:.1} h)",
                format!("{kind}:"),
                f64::from(m) / 60.0
            )?;
        }
        Ok(())
    })
}

/// Today in the plan's time zone, from `now`.
fn today_in(state: &State, now: DateTime<Utc>) -> chrono::NaiveDate {
    match state
        .settings
        .availability
        .timezone
        .parse::<chrono_tz::Tz>()
    {
        Ok(tz) => now.with_timezone(&tz).date_naive(),
        Err(_) => now.date_naive(),
    }
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

/// Resolve item names against the plan and, when it can be read, the current path file.
fn resolve_items(state: &State, names: &[String]) -> Result<Vec<String>> {
    let path = load_source(&state.source).ok();
    resolve::resolve_all(&state.candidates(path.as_ref()), names)
}

fn record(args: DoneArgs, action: Action) -> Result<()> {
    let file = &args.state.state;
    let (_lock, mut state) = open_state(file)?;
    if action == Action::Progress && args.minutes.is_none_or(|m| m == 0) {
        return Err(Error::flag(
            "--minutes",
            "is required for progress (minutes of progress, at least 1)",
        ));
    }
    let on = match &args.on {
        Some(d) => calendar::parse_date(d).map_err(|m| Error::flag("--on", m))?,
        None => today_in(&state, resolve_now(args.now.as_deref())?),
    };
    let items = resolve_items(&state, &args.items)?;
    for item in &items {
        state.progress.push(Entry {
            item: item.clone(),
            action,
            on,
            minutes: args.minutes,
        });
    }
    state.refresh_done();
    state.save(file)?;
    let verb = if action == Action::Done {
        "done"
    } else {
        "progress"
    };
    for item in &items {
        match args.minutes {
            Some(m) => eprintln!("recorded {verb}: {item} ({m} min) on {on}"),
            None => eprintln!("recorded {verb}: {item} on {on}"),
        }
    }
    Ok(())
}

fn skip(args: SkipArgs) -> Result<()> {
    let file = &args.state.state;
    let (_lock, mut state) = open_state(file)?;
    let on = today_in(&state, resolve_now(args.now.as_deref())?);
    let items = resolve_items(&state, &args.items)?;
    for item in &items {
        state.progress.push(Entry {
            item: item.clone(),
            action: Action::Skip,
            on,
            minutes: None,
        });
    }
    state.refresh_done();
    state.save(file)?;
    for item in &items {
        eprintln!("recorded skip: {item} (run `studyplan replan` to free its sessions)");
    }
    Ok(())
}

fn undo(args: UndoArgs) -> Result<()> {
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
    let action = match last.action {
        Action::Done => "done",
        Action::Progress => "progress",
        Action::Skip => "skip",
    };
    eprintln!("undid {action}: {} (on {})", last.item, last.on);
    Ok(())
}

fn status(args: StatusArgs) -> Result<()> {
    let state = State::load(&args.state.state)?;
    let today = match &args.today {
        Some(d) => calendar::parse_date(d).map_err(|m| Error::flag("--today", m))?,
        None => today_in(&state, resolve_now(None)?),
    };
    let s = progress::status::status(&state, today);
    to_stdout(|w| match args.format {
        StatusFormat::Table => progress::status::write_table(&s, color_of(args.color), w),
        StatusFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, &s).map_err(std::io::Error::other)?;
            writeln!(w)
        }
    })
}

fn replan(args: ReplanArgs) -> Result<()> {
    let file = &args.output.state;
    let mut ics = ics_options(&args.output)?;
    let now = resolve_now(args.output.now.as_deref())?;
    let (_lock, mut state) = open_state(file)?;
    // The calendar keeps the reminders and milestones it was made with.
    ics.remind_minutes = ics.remind_minutes.or(state.calendar.remind_minutes);
    ics.milestones |= state.calendar.milestones;
    let settings = resolve_settings(
        state.settings.availability.start,
        &args.availability,
        Some(&state.settings),
    )?;
    let from = match &args.from {
        Some(d) => calendar::parse_date(d).map_err(|m| Error::flag("--from", m))?,
        None => today_in(&state, now),
    };
    let path = match &args.path {
        Some(p) => {
            let (path, source) = resolve_path(p)?;
            state.source = source;
            path
        }
        None => load_source(&state.source).map_err(|e| moved_path_file(&state.source, e))?,
    };
    let done = crate::spinner::with_spinner("replanning", |_| {
        crate::replan::replan(&state, &path, &settings, from, now)
    })?;
    for w in &done.warnings {
        eprintln!("warning: {w}");
    }
    if done.changes.is_empty() {
        eprintln!("replan from {from}: nothing moved");
    } else {
        eprintln!("replan from {from}: {} change(s)", done.changes.len());
        for c in &done.changes {
            eprintln!("  {c}");
        }
    }
    finish(&done.state, &args.output, ics)
}

/// A plan's path file that is gone: say so, and how to go on.
fn moved_path_file(source: &Source, e: Error) -> Error {
    match (source, e) {
        (Source::File(f), Error::Read { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            Error::Read {
                file: f.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "the plan was made from this path file and it no longer exists; \
                     restore it, or give its new place with `studyplan replan --path FILE`",
                ),
            }
        }
        (_, e) => e,
    }
}

/// `plan --fit`: the what-if answer instead of a plan; writes no files.
fn fit(path: &LearningPath, settings: &Settings, plan: &Plan, out: &OutputArgs) -> Result<()> {
    let answer = crate::spinner::with_spinner("finding the hours that fit", |spinner| {
        crate::whatif::analyze(path, settings, plan, &mut |what, day| {
            spinner.set_message(format!(
                "finding the hours that fit {what}: trying {}",
                crate::whatif::hm(day)
            ));
        })
    })?;
    to_stdout(|w| match out.format {
        FormatArg::Json => {
            serde_json::to_writer_pretty(&mut *w, &answer).map_err(std::io::Error::other)?;
            writeln!(w)
        }
        _ => crate::whatif::write_text(&answer, w),
    })?;
    let late = plan.sessions.iter().filter(|s| s.late).count();
    if out.strict && late > 0 {
        return Err(Error::Late { count: late });
    }
    Ok(())
}

/// `import`: a checklist → path-file YAML on stdout or in `-o`; what was left out → stderr.
fn import(args: &crate::cli::ImportArgs) -> Result<()> {
    let stdin = args.checklist.as_os_str() == "-";
    let name = if stdin {
        PathBuf::from("<stdin>")
    } else {
        args.checklist.clone()
    };
    let read_err = |source| Error::Read {
        file: name.clone(),
        source,
    };
    // Read at most one byte past the limit: `/dev/zero` or a huge file cannot fill memory.
    let limit = path::load::MAX_FILE_BYTES as u64;
    let mut bytes = Vec::new();
    if stdin {
        std::io::Read::read_to_end(
            &mut std::io::Read::take(std::io::stdin(), limit + 1),
            &mut bytes,
        )
        .map_err(read_err)?;
    } else {
        let file = std::fs::File::open(&args.checklist).map_err(read_err)?;
        std::io::Read::read_to_end(&mut std::io::Read::take(file, limit + 1), &mut bytes)
            .map_err(read_err)?;
    }
    if bytes.len() as u64 > limit {
        return Err(Error::Checklist {
            file: name.clone(),
            line: None,
            message: format!(
                "is larger than {} MB, the most a checklist may be",
                limit >> 20
            ),
        });
    }
    let text = String::from_utf8(bytes).map_err(|_| Error::Checklist {
        file: name.clone(),
        line: None,
        message: "is not UTF-8 text".into(),
    })?;
    let imported = path::import::import_checklist(&text, &name, args.strict)?;
    for (line, message) in &imported.warnings {
        eprintln!("warning: {}:{line}: {message}", name.display());
    }
    match &args.output {
        Some(file) if file.as_os_str() != "-" => {
            progress::write_atomic(file, imported.yaml.as_bytes())?;
            eprintln!(
                "wrote {} ({} warning{})",
                file.display(),
                imported.warnings.len(),
                if imported.warnings.len() == 1 {
                    ""
                } else {
                    "s"
                }
            );
            Ok(())
        }
        _ => to_stdout(|w| w.write_all(imported.yaml.as_bytes())),
    }
}

/// One bundled path, as `paths` lists it.
#[derive(serde::Serialize)]
struct PathRow {
    id: String,
    title: String,
    sections: usize,
    items: usize,
    /// Weeks the windows span (None: no windows).
    weeks: Option<u32>,
    required_minutes: u32,
    optional_minutes: u32,
    reference_minutes: u32,
}

/// `paths`: the bundled learning paths.
fn paths(args: &crate::cli::PathsArgs) -> Result<()> {
    let mut rows = Vec::new();
    for b in bundled::all() {
        let p = bundled::load(b)?;
        rows.push(PathRow {
            id: p.id.clone(),
            title: p.title.clone(),
            sections: p.sections.len(),
            items: p.items().count(),
            weeks: p
                .sections
                .iter()
                .filter_map(|s| s.weeks)
                .map(|w| w.last)
                .max(),
            required_minutes: p.minutes_of(Kind::Required),
            optional_minutes: p.minutes_of(Kind::Optional),
            reference_minutes: p.minutes_of(Kind::Reference),
        });
    }
    if args.format == crate::cli::ListFormat::Json {
        return to_stdout(|w| {
            serde_json::to_writer_pretty(&mut *w, &rows).map_err(std::io::Error::other)?;
            writeln!(w)
        });
    }
    let hours = |m: u32| format!("{:.1}", f64::from(m) / 60.0);
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .apply_modifier(comfy_table::modifiers::UTF8_ROUND_CORNERS)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_width(crate::output::table::DEFAULT_WIDTH)
        .set_header(vec![
            "Path (id, title)",
            "Weeks",
            "Secs",
            "Items",
            "Req h",
            "Opt h",
            "Ref h",
        ]);
    for r in &rows {
        t.add_row(vec![
            format!("{}\n{}", r.id, r.title),
            r.weeks.map_or_else(|| "–".to_string(), |w| w.to_string()),
            r.sections.to_string(),
            r.items.to_string(),
            hours(r.required_minutes),
            hours(r.optional_minutes),
            hours(r.reference_minutes),
        ]);
    }
    for c in 1..7 {
        if let Some(col) = t.column_mut(c) {
            col.set_cell_alignment(comfy_table::CellAlignment::Right);
        }
    }
    // Ids stay on one line, so they can be copied.
    let id_width = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
    if let Some(col) = t.column_mut(0) {
        col.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
            comfy_table::Width::Fixed(u16::try_from(id_width + 2).unwrap_or(u16::MAX)),
        ));
    }
    to_stdout(|w| {
        writeln!(w, "{t}")?;
        writeln!(
            w,
            "Plan one with: studyplan plan <ID> --start YYYY-MM-DD --hours H"
        )
    })
}

/// `chart`: the saved plan and progress as an SVG.
fn chart(args: &crate::cli::ChartArgs) -> Result<()> {
    let state = State::load(&args.state.state)?;
    let today = match &args.today {
        Some(d) => calendar::parse_date(d).map_err(|m| Error::flag("--today", m))?,
        None => today_in(&state, resolve_now(None)?),
    };
    let svg = crate::chart::render(&state, today)
        .map_err(|m| Error::Output(std::io::Error::other(format!("cannot draw the chart: {m}"))))?;
    match &args.output {
        Some(f) if f.as_os_str() == "-" => to_stdout(|w| w.write_all(svg.as_bytes())),
        other => {
            let file = other.clone().unwrap_or_else(|| {
                default_ics(&args.state.state, &state.plan).with_extension("svg")
            });
            progress::write_atomic(&file, svg.as_bytes())?;
            eprintln!("wrote {}", file.display());
            Ok(())
        }
    }
}

/// `completions SHELL`: the completion script, generated from the clap definitions.
fn completions(args: &crate::cli::CompletionsArgs) -> Result<()> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "studyplan", &mut buf);
    to_stdout(|w| w.write_all(&buf))
}

/// `man [COMMAND]`: the man page in roff, generated from the clap definitions.
fn man(args: &crate::cli::ManArgs) -> Result<()> {
    use clap::CommandFactory;
    let cmd = Cli::command().version(env!("CARGO_PKG_VERSION"));
    let cmd = match &args.command {
        None => cmd,
        Some(name) => {
            let names: Vec<String> = cmd
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            let Some(sub) = cmd.find_subcommand(name) else {
                return Err(Error::flag(
                    "COMMAND",
                    format!("{name:?} is not a command (commands: {})", names.join(", ")),
                ));
            };
            let full = format!("studyplan-{}", sub.get_name());
            // clap names are &'static str without its `string` feature; this runs once.
            let leaked: &'static str = Box::leak(full.clone().into_boxed_str());
            sub.clone()
                .name(leaked)
                .bin_name(format!("studyplan {}", sub.get_name()))
                .display_name(full)
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .map_err(Error::Output)?;
    to_stdout(|w| w.write_all(&buf))
}
