//! The `sync` command, and `plan`/`replan --sync`: settings from the flags and the state,
//! the password from the environment or a command, then list → read → reconcile → apply.
//!
//! Nothing is lost on a failure: the learner's edits (pins, deletions) are taken into the
//! state and saved before the first write, and the state is saved again after every request
//! that changed the server, so a sync cut off anywhere is finished by the next one, and a
//! create whose answer was lost is found by its name and adopted, never made twice.

use crate::error::{Error, Result};
use crate::output::ics::{render_resource, IcsOptions};
use crate::plan::Session;
use crate::progress::State;
use crate::storage::Lock;
use crate::sync::client::{Client, Created, Credentials};
use crate::sync::{
    digest, event, reconcile, resource_name, rules, to_fetch, Action, Resource, Seen, Wanted,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::BTreeMap;
use std::path::Path;

/// The environment variable that holds the CalDAV password.
pub(crate) const PASSWORD_ENV: &str = "STUDYPLAN_CALDAV_PASSWORD";

/// Resolved `sync` flags; `None` means: as remembered in the state.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub caldav: Option<String>,
    pub user: Option<String>,
    pub password_command: Option<String>,
    pub dry_run: bool,
    pub now: Option<String>,
    /// Seconds each request may take.
    pub timeout: u64,
    /// Say what was synced on stderr: stdout carries a plan's JSON or CSV.
    pub report_on_stderr: bool,
}

/// `studyplan sync` from its command-line flags.
pub(super) fn run_args(args: &crate::cli::SyncArgs) -> Result<()> {
    let options = Options {
        caldav: args.caldav.clone(),
        user: args.user.clone(),
        password_command: args.password_command.clone(),
        dry_run: args.dry_run,
        now: args.now.clone(),
        timeout: args.timeout,
        report_on_stderr: false,
    };
    run(&args.state.state, &options)
}

/// `studyplan sync`: lock the state file, sync, save.
pub(super) fn run(state_file: &Path, options: &Options) -> Result<()> {
    // A state file that is not there is refused before a lock file is made next to it.
    if std::fs::symlink_metadata(state_file).is_err() {
        State::load(state_file)?;
    }
    let _lock = Lock::acquire(state_file)?;
    let mut state = State::load(state_file)?;
    sync(state_file, &mut state, options)
}

/// `plan`/`replan --sync`: the caller has written the state (or, before a replan, read it) and
/// still holds its lock; sync with the remembered settings.
pub(super) fn after_write(
    state_file: &Path,
    now: Option<&str>,
    report_on_stderr: bool,
) -> Result<()> {
    let mut state = State::load(state_file)?;
    if state.sync.caldav.is_none() {
        return Err(Error::flag(
            "--sync",
            "no calendar to sync with yet: run `studyplan sync --caldav URL` once",
        ));
    }
    let options = Options {
        now: now.map(str::to_string),
        timeout: DEFAULT_TIMEOUT,
        report_on_stderr,
        ..Options::default()
    };
    sync(state_file, &mut state, &options)
}

/// Seconds a request may take unless `--timeout` says otherwise.
pub(crate) const DEFAULT_TIMEOUT: u64 = 30;

fn sync(file: &Path, state: &mut State, options: &Options) -> Result<()> {
    let url = options
        .caldav
        .clone()
        .or_else(|| state.sync.caldav.clone())
        .ok_or_else(|| {
            Error::flag(
                "--caldav",
                "no calendar to sync with yet: give --caldav URL, the URL of a calendar collection",
            )
        })?;
    let user = options.user.clone().or_else(|| state.sync.user.clone());
    let password_command = options
        .password_command
        .clone()
        .or_else(|| state.sync.password_command.clone());
    let password = password(
        options.password_command.is_some(),
        password_command.as_deref(),
    )?;
    let credentials = match (user.clone(), password) {
        (Some(user), Some(password)) => Some(Credentials { user, password }),
        (Some(user), None) => {
            return Err(Error::flag(
                "--password-command",
                format!(
                    "none given and {PASSWORD_ENV} is not set, but user {user:?} needs a password: \
                     set {PASSWORD_ENV}, or give --password-command CMD (remembered; the password \
                     itself is never stored)"
                ),
            ))
        }
        (None, Some(_)) => {
            return Err(Error::flag(
                "--user",
                format!("a password is given ({PASSWORD_ENV} or --password-command) but no --user"),
            ))
        }
        (None, None) => None,
    };
    let timeout = std::time::Duration::from_secs(options.timeout.max(1));
    let client = Client::new(&url, credentials.as_ref(), timeout)?;
    let now = super::now(options.now.as_deref())?;

    let moved_calendar = state
        .sync
        .caldav
        .as_deref()
        .is_some_and(|old| old.trim_end_matches('/') != client.url().trim_end_matches('/'));
    // Said once the new calendar answers: a URL that is not a calendar changes nothing.
    let listing = client.list()?;
    if moved_calendar && !state.sync.resources.is_empty() {
        stderr!(
            "warning: the plan was synced to {}; its {} events there are left as they are, and studyplan now syncs to {}",
            state.sync.caldav.as_deref().unwrap_or_default(),
            state.sync.resources.len(),
            client.url()
        );
    }
    if moved_calendar {
        state.sync.resources.clear();
    }
    state.sync.caldav = Some(client.url().to_string());
    state.sync.user = user;
    state.sync.password_command = password_command;

    let ics = IcsOptions {
        remind_minutes: state.calendar.remind_minutes,
        milestones: false,
    };
    let wanted = wanted(state, &ics);
    let fetch = to_fetch(&wanted, &state.sync.resources, &listing);
    let seen = read_events(&client, state, &wanted, &fetch)?;
    let actions = reconcile(&wanted, &state.sync.resources, &listing, &seen);

    // A move is checked against the path and the busy calendars as they are now (the state
    // does not keep busy time); a calendar that cannot be read only leaves that check out.
    let moves = actions.iter().any(|a| matches!(a, Action::Pin { .. }));
    let path = if moves {
        super::load_source(&state.source).ok()
    } else {
        None
    };
    let mut settings = state.settings.clone();
    if moves && super::load_busy(&mut settings, &[], now, super::plan_reach(state)).is_err() {
        settings.availability.free.busy = crate::calendar::BusyTimes::default();
    }
    let warn_broken = |state: &State, uid: &str, dry_run: bool| {
        for broken in rules::check_moved(&state.plan, path.as_ref(), &settings.availability, uid) {
            stderr!(
                "warning: {} breaks a rule, and {} where you put it: {broken}",
                label_of(state, uid),
                if dry_run { "would stay" } else { "stays" }
            );
        }
    };

    if options.dry_run {
        // The learner's edits are taken in on a copy, so what a move breaks is told as the
        // real sync would tell it.
        let mut preview = state.clone();
        for a in &actions {
            let line = describe(state, a, true);
            if !a.writes() {
                apply_local(&mut preview, a, &ics);
            }
            if let Action::Pin { uid, .. } = a {
                warn_broken(&preview, uid, true);
            }
            say(options, &line);
        }
        summary(options, client.url(), wanted.len(), &actions, 0, true);
        return Ok(());
    }

    // The learner's edits first, saved before anything is written.
    for a in actions.iter().filter(|a| !a.writes()) {
        let line = describe(state, a, false);
        apply_local(state, a, &ics);
        // A new ETag for the same event is bookkeeping: nothing to tell the learner.
        if matches!(a, Action::Record { .. }) {
            continue;
        }
        if let Action::Pin { uid, .. } = a {
            warn_broken(state, uid, false);
        }
        say(options, &line);
    }
    prune(state, now);
    state.save(file)?;

    let mut refused = 0;
    for a in actions.iter().filter(|a| a.writes()) {
        let line = describe(state, a, false);
        match apply_remote(&client, state, a, &ics)? {
            None => {
                state.save(file)?;
                say(options, &line);
            }
            Some(why) => {
                refused += 1;
                stderr!("warning: {}: {why}", label_of(state, a.uid()));
            }
        }
    }
    summary(
        options,
        client.url(),
        state.plan.sessions.len(),
        &actions,
        refused,
        false,
    );
    Ok(())
}

/// The password: `--password-command` given now, else the environment, else the remembered
/// command. Its value goes nowhere but the Authorization header.
fn password(command_given: bool, command: Option<&str>) -> Result<Option<String>> {
    let from_env = std::env::var(PASSWORD_ENV).ok().filter(|p| !p.is_empty());
    match (command_given, from_env, command) {
        (false, Some(p), _) => Ok(Some(p)),
        (_, _, Some(cmd)) => run_password_command(cmd).map(Some),
        (_, env, None) => Ok(env),
    }
}

/// Run `cmd` with `sh -c`; the password is the first line it prints. Its stderr goes to the
/// terminal (a password manager may ask for a passphrase); its stdout is never shown.
fn run_password_command(cmd: &str) -> Result<String> {
    let fail = |why: String| Error::flag("--password-command", why);
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| fail(format!("cannot run sh: {e}")))?;
    if !output.status.success() {
        return Err(fail(format!("the command failed ({})", output.status)));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| fail("the command printed something that is not UTF-8".into()))?;
    let first = text.lines().next().unwrap_or_default().to_string();
    if first.is_empty() {
        return Err(fail("the command printed no password".into()));
    }
    Ok(first)
}

/// One entry per live session: its times and the digest of what we would write.
fn wanted(state: &State, ics: &IcsOptions) -> Vec<Wanted> {
    state
        .plan
        .sessions
        .iter()
        .map(|s| Wanted {
            uid: s.uid.clone(),
            start: s.start.with_timezone(&Utc),
            end: s.end.with_timezone(&Utc),
            digest: digest(&render_resource(&state.plan, s, ics)),
        })
        .collect()
}

/// GET what reconciliation needs to read. A resource gone by now is left out.
fn read_events(
    client: &Client,
    state: &State,
    wanted: &[Wanted],
    fetch: &[String],
) -> Result<BTreeMap<String, Seen>> {
    let mut uid_of: BTreeMap<String, (&str, Duration)> = BTreeMap::new();
    for w in wanted {
        uid_of.insert(resource_name(&w.uid), (w.uid.as_str(), w.end - w.start));
    }
    for (uid, r) in &state.sync.resources {
        uid_of.insert(r.name.clone(), (uid.as_str(), r.end - r.start));
    }
    let mut seen = BTreeMap::new();
    for name in fetch {
        let Some((body, _)) = client.get(name)? else {
            continue;
        };
        let (uid, length) = uid_of
            .get(name)
            .copied()
            .unwrap_or(("", Duration::minutes(30)));
        seen.insert(
            name.clone(),
            event::read(&body, uid, &state.plan.timezone, length),
        );
    }
    Ok(seen)
}

fn session<'a>(state: &'a State, uid: &str) -> Option<&'a Session> {
    state.plan.sessions.iter().find(|s| s.uid == uid)
}

fn label_of(state: &State, uid: &str) -> String {
    match session(state, uid).or_else(|| state.plan.cancelled.iter().find(|s| s.uid == uid)) {
        Some(s) if s.parts > 1 => format!("{} (part {}/{})", s.item, s.part, s.parts),
        Some(s) => s.item.clone(),
        None => uid.to_string(),
    }
}

fn local(state: &State, t: DateTime<Utc>) -> String {
    match state.plan.timezone.parse::<chrono_tz::Tz>() {
        Ok(tz) => tz
            .from_utc_datetime(&t.naive_utc())
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => t.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// One line for stdout, in the state before the action is applied.
fn describe(state: &State, a: &Action, dry_run: bool) -> String {
    let when = |uid: &str| {
        session(state, uid).map_or_else(String::new, |s| {
            format!(" on {}", s.start.format("%Y-%m-%d %H:%M"))
        })
    };
    let (verb, rest) = match a {
        Action::Create { uid } => ("create", format!("{}{}", label_of(state, uid), when(uid))),
        Action::Update { uid, .. } => ("update", format!("{}{}", label_of(state, uid), when(uid))),
        Action::Adopt { uid, .. } => (
            "update",
            format!(
                "{}{} (found on the server from an earlier sync)",
                label_of(state, uid),
                when(uid)
            ),
        ),
        Action::Delete { uid, .. } => ("delete", label_of(state, uid)),
        Action::Pin {
            uid, start, end, ..
        } => {
            let planned = session(state, uid).map_or(0, |s| s.minutes);
            let length = u32::try_from((*end - *start).num_minutes()).unwrap_or(0);
            let (resized, then) = match session(state, uid).and_then(|s| shortened(s, *start, *end))
            {
                Some((now, was)) => (
                    format!("shortened it to {now} of its {was} minutes"),
                    format!(", and `studyplan replan` plans the other {}", was - now),
                ),
                None if planned > 0 && length > planned => (
                    format!(
                        "made it {length} min long (the plan counts its {planned}: the item \
                         needs no more)"
                    ),
                    String::new(),
                ),
                None => (String::new(), String::new()),
            };
            let moved = session(state, uid).is_none_or(|s| s.start.with_timezone(&Utc) != *start);
            let what = match (moved, resized.is_empty()) {
                (false, false) => resized,
                (true, false) => format!("moved it to {} and {resized}", local(state, *start)),
                (_, true) => format!("moved it to {}", local(state, *start)),
            };
            (
                "pin",
                format!("{}: you {what}; it stays there{then}", label_of(state, uid)),
            )
        }
        Action::Removed { uid } => {
            let finished = |s: &Session| {
                crate::progress::summarize(&state.progress)
                    .get(&s.item)
                    .is_some_and(|p| p.done || p.skipped)
            };
            let then = match session(state, uid) {
                Some(s) if finished(s) => {
                    "its item is done or skipped, so nothing is planned again"
                }
                Some(s) if s.done => "your progress covers it, so nothing is planned again",
                _ => "`studyplan replan` plans it again, not on that day",
            };
            (
                "remove",
                format!(
                    "{}{}: you deleted it; {then}",
                    label_of(state, uid),
                    when(uid)
                ),
            )
        }
        Action::Record { uid, .. } => (
            "record",
            format!("{}: changed on the server, same time", label_of(state, uid)),
        ),
        Action::Forget { uid } => (
            "forget",
            format!("{}: already gone from the server", label_of(state, uid)),
        ),
        Action::Leave { uid, reason } => ("leave", format!("{}: {reason}", label_of(state, uid))),
    };
    if dry_run {
        format!("would {verb:<7} {rest}")
    } else {
        let past = match verb {
            "create" => "created",
            "update" => "updated",
            "delete" => "deleted",
            "pin" => "pinned",
            "remove" => "removed",
            "record" => "recorded",
            "forget" => "forgot",
            _ => "left",
        };
        format!("{past:<8} {rest}")
    }
}

/// The minutes a session has now and had before, where the learner's event is shorter than its
/// minutes (but not empty).
fn shortened(s: &Session, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<(u32, u32)> {
    let now = u32::try_from((end - start).num_minutes()).ok()?;
    (now > 0 && now < s.minutes).then_some((now, s.minutes))
}

fn apply_local(state: &mut State, a: &Action, ics: &IcsOptions) {
    match a {
        Action::Pin {
            uid,
            start,
            end,
            etag,
            sequence,
        } => {
            let tz: chrono_tz::Tz = state.plan.timezone.parse().unwrap_or(chrono_tz::UTC);
            let Some(s) = state.plan.sessions.iter_mut().find(|s| s.uid == *uid) else {
                return;
            };
            // A session the learner shortened holds only the minutes it now has; replan plans
            // the rest of the item. One they lengthened keeps its minutes: the item needs no
            // more, and the extra time is theirs.
            let before = s.clone();
            let cut = shortened(s, *start, *end).map(|(now, was)| {
                s.minutes = now;
                was - now
            });
            s.start = tz.from_utc_datetime(&start.naive_utc()).fixed_offset();
            s.end = tz.from_utc_datetime(&end.naive_utc()).fixed_offset();
            s.date = s.start.date_naive();
            s.late =
                s.kind == crate::path::Kind::Required && s.window_end.is_some_and(|e| s.date > e);
            // The session's time changed, so its SEQUENCE goes up (RFC 5545 3.8.7.4), also
            // where the learner's app did not raise it, and never below the app's.
            s.sequence = (s.sequence + 1).max(sequence.unwrap_or(0));
            let written = s.clone();
            if let Some(cut) = cut {
                state.plan.take_out(&before, cut);
            }
            // What is left of it counts where it is now: in its window, or late by more days.
            state.plan.moved(&before, &written);
            state
                .plan
                .sessions
                .sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));
            if !state.sync.pinned.contains(uid) {
                state.sync.pinned.push(uid.clone());
            }
            let body = render_resource(&state.plan, &written, ics);
            if let Some(r) = state.sync.resources.get_mut(uid) {
                r.etag.clone_from(etag);
                r.start = *start;
                r.end = *end;
                r.sequence = written.sequence;
                r.digest = digest(&body);
            }
        }
        Action::Removed { uid } => crate::sync::deleted_by_learner(state, uid),
        Action::Record { uid, etag } => {
            if let Some(r) = state.sync.resources.get_mut(uid) {
                r.etag.clone_from(etag);
            }
        }
        Action::Forget { uid } => {
            state.sync.resources.remove(uid);
        }
        Action::Leave { uid, reason } => {
            stderr!("warning: {uid}: {reason}");
        }
        Action::Create { .. }
        | Action::Update { .. }
        | Action::Adopt { .. }
        | Action::Delete { .. } => {}
    }
}

/// Make the request `a` stands for and record it. `Some(why)` when the server refused a
/// create in a way that is no failure of the sync: the session is left out of it, the rest
/// goes on, and the next sync tries again.
fn apply_remote(
    client: &Client,
    state: &mut State,
    a: &Action,
    ics: &IcsOptions,
) -> Result<Option<String>> {
    let record = |state: &mut State, uid: &str, name: String, etag: Option<String>| {
        let Some(s) = session(state, uid) else {
            return;
        };
        let body = render_resource(&state.plan, s, ics);
        let resource = Resource {
            name,
            etag,
            start: s.start.with_timezone(&Utc),
            end: s.end.with_timezone(&Utc),
            sequence: s.sequence,
            digest: digest(&body),
        };
        state.sync.resources.insert(uid.to_string(), resource);
    };
    let body_of = |state: &State, uid: &str| {
        session(state, uid).map(|s| render_resource(&state.plan, s, ics))
    };
    match a {
        Action::Create { uid } => {
            let Some(body) = body_of(state, uid) else {
                return Ok(None);
            };
            let name = resource_name(uid);
            match client.create(&name, &body)? {
                Created::Made(etag) => record(state, uid, name, etag),
                Created::UidTaken(holder) => {
                    let at = holder.map_or_else(String::new, |h| format!(" ({h})"));
                    return Ok(Some(format!(
                        "the calendar already has an event with this session's UID{at}, \
                         perhaps imported from the plan's .ics file; it is left as it is and \
                         this session is not synced: delete that event, then run \
                         `studyplan sync` again"
                    )));
                }
            }
        }
        Action::Update { uid, etag } | Action::Adopt { uid, etag } => {
            let Some(body) = body_of(state, uid) else {
                return Ok(None);
            };
            let name = state
                .sync
                .resources
                .get(uid)
                .map_or_else(|| resource_name(uid), |r| r.name.clone());
            let new_etag = client.update(&name, &body, etag.as_deref())?;
            record(state, uid, name, new_etag);
        }
        Action::Delete { uid, name, etag } => {
            client.delete(name, etag.as_deref())?;
            state.sync.resources.remove(uid);
        }
        _ => {}
    }
    Ok(None)
}

/// Drop pins of sessions the plan no longer has, and deletions of days gone by.
fn prune(state: &mut State, now: DateTime<Utc>) {
    let live: std::collections::BTreeSet<&str> =
        state.plan.sessions.iter().map(|s| s.uid.as_str()).collect();
    state.sync.pinned.retain(|p| live.contains(p.as_str()));
    let today = match state.plan.timezone.parse::<chrono_tz::Tz>() {
        Ok(tz) => now.with_timezone(&tz).date_naive(),
        Err(_) => now.date_naive(),
    };
    state.sync.declined.retain(|d| d.date >= today);
    state.sync.declined.sort();
}

/// One line of the report on stdout (a closed pipe is not an error).
fn say(options: &Options, text: &str) {
    if options.report_on_stderr {
        stderr!("{text}");
    } else {
        let _ = super::to_stdout(|w| writeln!(w, "{text}"));
    }
}

/// The closing line: what changed, or that nothing had to. `refused`: creates the server
/// refused (see [`apply_remote`]).
fn summary(
    options: &Options,
    url: &str,
    events: usize,
    actions: &[Action],
    refused: usize,
    dry_run: bool,
) {
    let count = |f: fn(&Action) -> bool| actions.iter().filter(|a| f(a)).count();
    let created = count(|a| matches!(a, Action::Create { .. })) - refused;
    let updated = count(|a| matches!(a, Action::Update { .. } | Action::Adopt { .. }));
    let deleted = count(|a| matches!(a, Action::Delete { .. }));
    let pinned = count(|a| matches!(a, Action::Pin { .. }));
    let removed = count(|a| matches!(a, Action::Removed { .. }));
    let text = if created + updated + deleted + pinned + removed + refused == 0 {
        let s = if events == 1 { "" } else { "s" };
        format!("calendar is up to date: {events} event{s} at {url}")
    } else {
        let not_synced = if refused > 0 {
            format!("; {refused} not synced (see the warnings)")
        } else {
            String::new()
        };
        format!(
            "{} {url}: {created} created, {updated} updated, {deleted} deleted; {pinned} moved by you (pinned), {removed} deleted by you{not_synced}{}",
            if dry_run { "would sync" } else { "synced" },
            if dry_run { "; nothing was changed (--dry-run)" } else { "" }
        )
    };
    say(options, &text);
}
