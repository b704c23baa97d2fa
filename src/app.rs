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
    let planned = schedule::plan(&path, &settings, now)?;
    for w in &planned.warnings {
        eprintln!("warning: {w}");
    }
    let state = State {
        version: progress::VERSION,
        source,
        settings,
        progress: Vec::new(),
        plan: planned.plan,
    };
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
    let plan = &state.plan;
    // Render everything first, so a failure leaves no partial output behind.
    let mut calendar = Vec::new();
    output::ics::write_ics(plan, &ics, &mut calendar).map_err(Error::Output)?;
    state.save(&out.state)?;
    if !out.no_ics {
        let file = out
            .ics
            .clone()
            .unwrap_or_else(|| default_ics(&out.state, plan));
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
    if !s.optimal {
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
        StatusFormat::Table => progress::status::write_table(&s, w),
        StatusFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, &s).map_err(std::io::Error::other)?;
            writeln!(w)
        }
    })
}

fn replan(args: ReplanArgs) -> Result<()> {
    let file = &args.output.state;
    let ics = ics_options(&args.output)?;
    let now = resolve_now(args.output.now.as_deref())?;
    let (_lock, state) = open_state(file)?;
    let settings = resolve_settings(
        state.settings.availability.start,
        &args.availability,
        Some(&state.settings),
    )?;
    let from = match &args.from {
        Some(d) => calendar::parse_date(d).map_err(|m| Error::flag("--from", m))?,
        None => today_in(&state, now),
    };
    let path = load_source(&state.source)?;
    let done = crate::replan::replan(&state, &path, &settings, from, now)?;
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
