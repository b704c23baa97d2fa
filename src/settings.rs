//! Flags → settings: the raw values of the command line (plain strings, no clap types) are
//! resolved into validated [`Settings`] before any work starts, on top of the settings a plan
//! was made with when a replan changes only some of them.
//!
//! Like ripgrep's low-level → high-level arguments: the command layer fills [`Flags`] from
//! clap and the environment, [`resolve`] validates them with messages that name the flag, and
//! nothing after this step sees a string from the command line.

use crate::calendar::{self, Availability, FreeTime};
use crate::error::{Error, Result};
use crate::schedule::{Settings, Trace};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// The availability and solver flags of `plan` and `replan`, as given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flags {
    pub hours: Option<String>,
    pub weekend_hours: Option<String>,
    pub days: Option<String>,
    pub off: Vec<String>,
    pub at: Option<String>,
    pub tz: Option<String>,
    pub max_session: Option<u32>,
    pub min_session: Option<u32>,
    pub time_limit: Option<f64>,
    /// `--any-order`: lift the path-order rule.
    pub any_order: bool,
    /// `--window DAYS=HH:MM-HH:MM`, repeatable; none keeps a replan's old windows.
    pub windows: Vec<String>,
    /// `--break MIN`.
    pub break_minutes: Option<u32>,
    /// `--busy-all-day block|ignore`.
    pub busy_all_day: Option<String>,
}

/// What the command layer knows from outside the flags.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// The system's IANA zone, used when neither `--tz` nor an old plan gives one.
    pub system_zone: String,
    /// Solver diagnostics asked for in the environment.
    pub trace: Trace,
}

/// Validate `flags` into settings for a plan starting on `start`. With `base` (a replan's old
/// settings) every flag not given keeps its old value; a week given in part (`--hours` alone,
/// or `--days` alone) is rebuilt from the given flags, falling back to the old week.
pub fn resolve(
    start: NaiveDate,
    flags: &Flags,
    base: Option<&Settings>,
    context: &Context,
) -> Result<Settings> {
    let hours = match (&flags.hours, base) {
        (Some(h), _) => Some(calendar::parse_hours(h).map_err(|m| Error::flag("--hours", m))?),
        (None, Some(_)) => None,
        (None, None) => {
            return Err(Error::flag(
                "--hours",
                "is required (study hours per day, e.g. 1.5)",
            ))
        }
    };
    let weekend = flags
        .weekend_hours
        .as_deref()
        .map(|h| calendar::parse_hours(h).map_err(|m| Error::flag("--weekend-hours", m)))
        .transpose()?;
    let days = flags
        .days
        .as_deref()
        .map(|d| calendar::parse_days(d).map_err(|m| Error::flag("--days", m)))
        .transpose()?;
    let old = base.map(|b| b.availability.weekday_minutes);
    let minutes = week(old, hours, weekend, days);
    if minutes.iter().all(|&m| m == 0) {
        return Err(Error::flag(
            "--hours",
            "leaves no study time on any day (give --hours above 0, or more --days)",
        ));
    }
    let mut off = base.map(|b| b.availability.off.clone()).unwrap_or_default();
    for o in &flags.off {
        off.push(calendar::parse_off(o).map_err(|m| Error::flag("--off", m))?);
    }
    let at = match &flags.at {
        Some(a) => calendar::parse_time(a).map_err(|m| Error::flag("--at", m))?,
        None => base.map_or(NaiveTime::from_hms_opt(19, 0, 0).unwrap_or_default(), |b| {
            b.availability.at
        }),
    };
    let timezone = match &flags.tz {
        Some(tz) => {
            let z = crate::calendar::zone(tz).map_err(|m| Error::flag("--tz", m))?;
            z.name().to_string()
        }
        None => base.map_or_else(
            || zone_or_utc(&context.system_zone),
            |b| b.availability.timezone.clone(),
        ),
    };
    let max_session = flags
        .max_session
        .or(base.map(|b| b.max_session))
        .unwrap_or(90);
    if max_session == 0 {
        return Err(Error::flag("--max-session", "must be at least 1 minute"));
    }
    let min_session = flags
        .min_session
        .or(base.map(|b| b.min_session))
        .unwrap_or(15);
    let time_limit = flags
        .time_limit
        .or(base.map(|b| b.time_limit))
        .unwrap_or(10.0);
    if !(time_limit.is_finite() && time_limit > 0.0) {
        return Err(Error::flag(
            "--time-limit",
            "must be a positive number of seconds",
        ));
    }
    let free = free_time(flags, base, minutes)?;
    Ok(Settings {
        availability: Availability {
            start,
            weekday_minutes: minutes,
            off,
            at,
            timezone,
            free,
        },
        max_session,
        min_session,
        time_limit,
        any_order: flags.any_order || base.is_some_and(|b| b.any_order),
        without_order_cost: false,
        trace: context.trace,
    })
}

/// Windows, break and the all-day policy from the flags, on top of a replan's old ones. The
/// busy calendars themselves are read by the command layer (it keeps `busy_files` up to date).
fn free_time(flags: &Flags, base: Option<&Settings>, minutes: [u32; 7]) -> Result<FreeTime> {
    let mut free = base
        .map(|b| b.availability.free.clone())
        .unwrap_or_default();
    if !flags.windows.is_empty() {
        let specs: Vec<&str> = flags.windows.iter().map(String::as_str).collect();
        let (week, _) =
            calendar::parse_windows(&specs, minutes).map_err(|m| Error::flag("--window", m))?;
        free.windows = Some(week);
    }
    if let Some(b) = flags.break_minutes {
        if b > calendar::DAY_MINUTES {
            return Err(Error::flag(
                "--break",
                format!("{b} minutes is longer than a day (give at most 1440)"),
            ));
        }
        free.break_minutes = b;
    }
    if let Some(policy) = &flags.busy_all_day {
        free.busy_all_day = policy
            .parse()
            .map_err(|m| Error::flag("--busy-all-day", m))?;
    }
    Ok(free)
}

/// What is odd but allowed about resolved settings (and the flags they came from), for stderr:
/// days whose windows hold less than their hours, days with hours but no window, windows on days
/// without hours; without windows, days whose hours run past midnight from `--at`; weekend hours
/// given where no weekend day is a study day.
#[must_use]
pub fn warnings(settings: &Settings, flags: &Flags) -> Vec<String> {
    let a = &settings.availability;
    let mut out: Vec<String> = match &a.free.windows {
        Some(w) => calendar::window_warnings(w, a.weekday_minutes),
        None => calendar::at_warning(a.at, a.weekday_minutes)
            .into_iter()
            .collect(),
    };
    let weekend = flags.weekend_hours.as_deref().map(calendar::parse_hours);
    if weekend.is_some_and(|w| w.is_ok_and(|m| m > 0)) && a.weekday_minutes[5..] == [0, 0] {
        out.push(
            "--weekend-hours is not used: the study days leave out Saturday and Sunday (add \
             sat,sun to --days to study then)"
                .to_string(),
        );
    }
    out
}

/// Study minutes Monday..Sunday from the given flags on top of an old week (a replan's).
///
/// Without an old week, `hours` is every study day's and `weekend` Saturday's and Sunday's.
/// With one, a flag not given falls back to the old week: the old weekday hours are the
/// largest of Monday..Friday, the old weekend hours the larger of Saturday and Sunday, and the
/// old study days are those with hours (unless `--hours` is given anew, which reopens them).
fn week(
    old: Option<[u32; 7]>,
    hours: Option<u32>,
    weekend: Option<u32>,
    days: Option<[bool; 7]>,
) -> [u32; 7] {
    if let Some(o) = old {
        if hours.is_none() && weekend.is_none() && days.is_none() {
            return o;
        }
    }
    let weekday_h = hours.or_else(|| old.map(|o| o[..5].iter().copied().max().unwrap_or(0)));
    let weekend_h = weekend.or(hours).or_else(|| old.map(|o| o[5].max(o[6])));
    let mut minutes = [0; 7];
    for (i, m) in minutes.iter_mut().enumerate() {
        let h = if i >= 5 { weekend_h } else { weekday_h };
        let on = days.map_or_else(|| old.is_none_or(|o| o[i] > 0) || hours.is_some(), |d| d[i]);
        *m = if on { h.unwrap_or(0) } else { 0 };
    }
    minutes
}

fn zone_or_utc(zone: &str) -> String {
    zone.parse::<chrono_tz::Tz>()
        .map_or_else(|_| "UTC".to_string(), |z| z.name().to_string())
}

/// The generation time from `--now`, else from `SOURCE_DATE_EPOCH`; `None` means "use the
/// clock", which only the command layer reads.
pub fn resolve_now(
    now: Option<&str>,
    source_date_epoch: Option<&str>,
) -> Result<Option<DateTime<Utc>>> {
    if let Some(n) = now {
        return DateTime::parse_from_rfc3339(n)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| {
                Error::flag(
                    "--now",
                    format!("{n:?} is not an RFC 3339 time such as 2026-12-01T08:00:00Z"),
                )
            });
    }
    if let Some(epoch) = source_date_epoch {
        let secs: i64 = epoch.trim().parse().map_err(|_| {
            Error::flag(
                "SOURCE_DATE_EPOCH",
                format!("{epoch:?} is not a number of seconds"),
            )
        })?;
        return DateTime::from_timestamp(secs, 0)
            .map(Some)
            .ok_or_else(|| Error::flag("SOURCE_DATE_EPOCH", "is out of range"));
    }
    Ok(None)
}

/// Parse `10m`, `1h`, `1h30m` or a plain number of minutes (at most a week).
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

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn context() -> Context {
        Context {
            system_zone: "Europe/Berlin".into(),
            trace: Trace::default(),
        }
    }

    fn flags(hours: &str) -> Flags {
        Flags {
            hours: Some(hours.into()),
            ..Flags::default()
        }
    }

    #[test]
    fn a_new_plan_needs_hours_and_takes_the_defaults() {
        let e = resolve(date("2026-12-01"), &Flags::default(), None, &context()).unwrap_err();
        assert!(e.to_string().contains("--hours"), "{e}");
        let s = resolve(date("2026-12-01"), &flags("1.5"), None, &context()).unwrap();
        assert_eq!(s.availability.weekday_minutes, [90; 7]);
        assert_eq!(s.availability.timezone, "Europe/Berlin");
        assert_eq!(
            s.availability.at,
            NaiveTime::from_hms_opt(19, 0, 0).unwrap()
        );
        assert_eq!((s.max_session, s.min_session), (90, 15));
        assert!(!s.any_order);
    }

    #[test]
    fn an_unknown_system_zone_is_utc() {
        let mut c = context();
        c.system_zone = "Mars/Olympus".into();
        let s = resolve(date("2026-12-01"), &flags("1"), None, &c).unwrap();
        assert_eq!(s.availability.timezone, "UTC");
    }

    #[test]
    fn weekend_hours_and_days_shape_the_week() {
        let f = Flags {
            weekend_hours: Some("2".into()),
            days: Some("mon,wed,sat".into()),
            ..flags("0.5")
        };
        let s = resolve(date("2026-12-01"), &f, None, &context()).unwrap();
        assert_eq!(s.availability.weekday_minutes, [30, 0, 30, 0, 0, 120, 0]);
        assert!(warnings(&s, &f).is_empty());
        // Weekend hours with no weekend day to go to are said to be unused.
        let f = Flags {
            weekend_hours: Some("2".into()),
            days: Some("mon-fri".into()),
            ..flags("0.5")
        };
        let s = resolve(date("2026-12-01"), &f, None, &context()).unwrap();
        assert_eq!(
            warnings(&s, &f),
            [
                "--weekend-hours is not used: the study days leave out Saturday and Sunday (add \
              sat,sun to --days to study then)"
            ]
        );
    }

    #[test]
    fn a_replan_keeps_what_is_not_given() {
        let f = Flags {
            weekend_hours: Some("2".into()),
            days: Some("mon-fri,sat".into()),
            tz: Some("America/New_York".into()),
            any_order: true,
            ..flags("1")
        };
        let old = resolve(date("2026-12-01"), &f, None, &context()).unwrap();
        assert_eq!(
            old.availability.weekday_minutes,
            [60, 60, 60, 60, 60, 120, 0]
        );
        let same = resolve(
            date("2026-12-01"),
            &Flags::default(),
            Some(&old),
            &context(),
        )
        .unwrap();
        assert_eq!(
            same, old,
            "no flags: nothing changes (any-order is remembered)"
        );

        // Only the weekend changes: weekdays keep 1 h, Sunday stays closed.
        let f = Flags {
            weekend_hours: Some("3".into()),
            ..Flags::default()
        };
        let s = resolve(date("2026-12-01"), &f, Some(&old), &context()).unwrap();
        assert_eq!(s.availability.weekday_minutes, [60, 60, 60, 60, 60, 180, 0]);
        assert_eq!(s.availability.timezone, "America/New_York");

        // New hours reopen every day and set the weekend too.
        let s = resolve(date("2026-12-01"), &flags("0.5"), Some(&old), &context()).unwrap();
        assert_eq!(s.availability.weekday_minutes, [30; 7]);

        // New days alone keep the old hours.
        let f = Flags {
            days: Some("tue,sun".into()),
            ..Flags::default()
        };
        let s = resolve(date("2026-12-01"), &f, Some(&old), &context()).unwrap();
        assert_eq!(s.availability.weekday_minutes, [0, 60, 0, 0, 0, 0, 120]);
    }

    #[test]
    fn days_off_add_up_across_a_replan() {
        let f = Flags {
            off: vec!["2026-12-24..2026-12-26".into()],
            ..flags("1")
        };
        let old = resolve(date("2026-12-01"), &f, None, &context()).unwrap();
        let f = Flags {
            off: vec!["2027-01-01".into()],
            ..Flags::default()
        };
        let s = resolve(date("2026-12-01"), &f, Some(&old), &context()).unwrap();
        assert_eq!(s.availability.off.len(), 2);
    }

    #[test]
    fn bad_values_name_their_flag() {
        for (f, flag) in [
            (flags("x"), "--hours"),
            (flags("0"), "--hours"),
            (
                Flags {
                    tz: Some("Berlin".into()),
                    ..flags("1")
                },
                "--tz",
            ),
            (
                Flags {
                    max_session: Some(0),
                    ..flags("1")
                },
                "--max-session",
            ),
            (
                Flags {
                    time_limit: Some(f64::NAN),
                    ..flags("1")
                },
                "--time-limit",
            ),
            (
                Flags {
                    off: vec!["2026-12-24..2026-12-20".into()],
                    ..flags("1")
                },
                "--off",
            ),
        ] {
            let e = resolve(date("2026-12-01"), &f, None, &context()).unwrap_err();
            assert!(e.to_string().contains(flag), "{flag}: {e}");
        }
    }

    #[test]
    fn now_comes_from_the_flag_then_the_epoch() {
        let t = resolve_now(Some("2026-12-01T08:00:00+01:00"), Some("0")).unwrap();
        assert_eq!(t.unwrap().to_rfc3339(), "2026-12-01T07:00:00+00:00");
        let t = resolve_now(None, Some("86400")).unwrap();
        assert_eq!(t.unwrap().to_rfc3339(), "1970-01-02T00:00:00+00:00");
        assert_eq!(resolve_now(None, None).unwrap(), None);
        assert!(resolve_now(Some("yesterday"), None).is_err());
        assert!(resolve_now(None, Some("soon")).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_minutes("10m"), Ok(10));
        assert_eq!(parse_duration_minutes("1h30m"), Ok(90));
        assert_eq!(parse_duration_minutes("45"), Ok(45));
        assert!(parse_duration_minutes("1d").is_err());
        assert!(parse_duration_minutes("8000h").is_err());
    }

    #[test]
    fn windows_break_and_all_day_policy_resolve_and_a_replan_keeps_them() {
        let f = Flags {
            windows: vec!["mon-fri=18:00-21:30".into(), "sat=09:00-10:00".into()],
            break_minutes: Some(10),
            busy_all_day: Some("ignore".into()),
            ..flags("2")
        };
        let s = resolve(date("2026-12-01"), &f, None, &context()).unwrap();
        let free = &s.availability.free;
        assert_eq!(free.break_minutes, 10);
        assert_eq!(free.busy_all_day, crate::busy::AllDay::Ignore);
        let week = free.windows.as_ref().unwrap();
        assert_eq!(week.total(chrono::Weekday::Mon), 210);
        // Saturday's window holds 60 of its 120 minutes; Sunday has none.
        assert_eq!(warnings(&s, &f).len(), 2);

        // A replan that gives none of them keeps them; one that gives a window replaces all.
        let kept = resolve(date("2026-12-01"), &Flags::default(), Some(&s), &context()).unwrap();
        assert_eq!(kept.availability.free, s.availability.free);
        let again = Flags {
            windows: vec!["mon-sun=07:00-09:00".into()],
            ..Flags::default()
        };
        let replaced = resolve(date("2026-12-01"), &again, Some(&s), &context()).unwrap();
        let week = replaced.availability.free.windows.as_ref().unwrap();
        assert_eq!(week.total(chrono::Weekday::Sat), 120);
        assert_eq!(replaced.availability.free.break_minutes, 10);
        assert!(warnings(&replaced, &again).is_empty());
    }

    #[test]
    fn bad_windows_breaks_and_policies_name_their_flag() {
        let bad = |f: Flags| {
            resolve(date("2026-12-01"), &f, None, &context())
                .unwrap_err()
                .to_string()
        };
        assert!(bad(Flags {
            windows: vec!["mon=20:00-19:00".into()],
            ..flags("1")
        })
        .starts_with("invalid value for --window: \"mon=20:00-19:00\""));
        assert!(bad(Flags {
            break_minutes: Some(2000),
            ..flags("1")
        })
        .starts_with("invalid value for --break: 2000 minutes is longer than a day"));
        assert!(bad(Flags {
            busy_all_day: Some("maybe".into()),
            ..flags("1")
        })
        .starts_with("invalid value for --busy-all-day"));
    }
}
