//! What-if (`studyplan plan … --fit`): how many hours a day would make every required item fit
//! its window, found with the optimizer, and what the given hours lead to.
//!
//! The learner's week is scaled as a whole: the day length the search varies is the longest
//! Monday–Friday study day (or, with no weekday study days, the longest weekend day), and every
//! other study day keeps its proportion to it, rounded to the minute; days off stay off. For
//! each candidate, in 5-minute steps, [`schedule::required_fit`] solves priority 1 alone (the
//! most required minutes inside their windows) and the candidate fits when that is all of them.
//! A binary search finds the smallest candidate that fits; more time per day never makes the
//! required work fit worse, which a test checks against planning at every step.
//!
//! The same search runs per overloaded window on the part of the path that is due by the end of
//! that window (every section whose window ends no later), so a learner sees which stretch of
//! the path asks for the hours. Work that cannot fit at any hours (a window without study days,
//! an item split by `--max-session` into more parts than the window has study days, days that
//! end at midnight) is reported with its reason instead of a number.
//!
//! No I/O and no clock: the caller hands in the plan made at the given hours.

use crate::calendar::Availability;
use crate::error::Result;
use crate::path::{Kind, LearningPath, Section};
use crate::plan::{PathInfo, Plan};
use crate::schedule::{self, Settings};
use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;
use std::collections::BTreeSet;

/// Granularity of the answer, in minutes.
pub const STEP: u32 = 5;

/// The longest day length tried: a whole day. (Days end at midnight, so the time after `--at`
/// is the real ceiling; longer candidates just stop adding capacity.)
pub const MAX_DAY: u32 = 24 * 60;

/// The learner's week as a shape that can be stretched: minutes of Monday..Sunday relative to
/// the day the search varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Week {
    minutes: [u32; 7],
    base: u32,
}

impl Week {
    /// The week of `availability`: the base is the longest Monday–Friday study day, or the
    /// longest weekend day when no weekday is a study day.
    #[must_use]
    pub fn of(availability: &Availability) -> Week {
        Week::of_minutes(availability.weekday_minutes)
    }

    /// The week of Monday..Sunday minutes `m`.
    #[must_use]
    pub fn of_minutes(m: [u32; 7]) -> Week {
        let weekday = m[..5].iter().copied().max().unwrap_or(0);
        let weekend = m[5..].iter().copied().max().unwrap_or(0);
        Week {
            minutes: m,
            base: if weekday > 0 { weekday } else { weekend },
        }
    }

    /// Minutes of Monday..Sunday when the base day lasts `day` minutes.
    #[must_use]
    pub fn at(&self, day: u32) -> [u32; 7] {
        let mut out = [0; 7];
        if self.base == 0 {
            return out;
        }
        for (o, &m) in out.iter_mut().zip(&self.minutes) {
            // Round half up, in integers: m × day / base.
            let scaled = (2 * u64::from(m) * u64::from(day) + u64::from(self.base))
                / (2 * u64::from(self.base));
            *o = u32::try_from(scaled).unwrap_or(MAX_DAY).min(MAX_DAY);
        }
        out
    }
}

/// Hours per day of a week, as people read them and as `plan` flags.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hours {
    /// Study minutes on Monday..Sunday (0: not a study day).
    pub weekday_minutes: [u32; 7],
    /// `--hours`: the longest Monday–Friday study day, in hours (two decimals give the minute).
    pub hours: f64,
    /// `--weekend-hours`: the longest weekend study day, in hours.
    pub weekend_hours: f64,
    /// The `plan` flags that give this week (with the same `--days` and `--off`).
    pub flags: String,
    /// For people: `1 h 25 min Mon–Fri, 4 h 15 min Sat–Sun`.
    pub text: String,
}

impl Hours {
    #[must_use]
    pub fn of(weekday_minutes: [u32; 7]) -> Hours {
        let weekday = weekday_minutes[..5].iter().copied().max().unwrap_or(0);
        let weekend = weekday_minutes[5..].iter().copied().max().unwrap_or(0);
        // Flags that give this week whatever the original flags were (with the same --days):
        // --weekend-hours defaults to --hours, so it is left out only when they agree.
        let flags = if weekend == weekday {
            format!("--hours {}", decimal_hours(weekday))
        } else {
            format!(
                "--hours {} --weekend-hours {}",
                decimal_hours(weekday),
                decimal_hours(weekend)
            )
        };
        Hours {
            weekday_minutes,
            hours: round2(f64::from(weekday) / 60.0),
            weekend_hours: round2(f64::from(weekend) / 60.0),
            flags,
            text: describe_week(weekday_minutes),
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Minutes as decimal hours with at most two decimals: `85` → `1.42`, which `--hours` reads back
/// as 85 minutes (0.01 h is 0.6 min, so two decimals always round back to the same minute).
#[must_use]
pub fn decimal_hours(minutes: u32) -> String {
    let s = format!("{:.2}", f64::from(minutes) / 60.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `85` → `1 h 25 min`, `60` → `1 h`, `45` → `45 min`.
#[must_use]
pub fn hm(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// `[60,60,60,60,60,180,180]` → `1 h Mon–Fri, 3 h Sat–Sun`; days with 0 minutes are left out.
#[must_use]
pub fn describe_week(minutes: [u32; 7]) -> String {
    const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut values: Vec<u32> = Vec::new();
    for &m in &minutes {
        if m > 0 && !values.contains(&m) {
            values.push(m);
        }
    }
    if values.is_empty() {
        return "no study days".to_string();
    }
    if values.len() == 1 && minutes.iter().all(|&m| m > 0) {
        return format!("{} every day", hm(values[0]));
    }
    let mut parts = Vec::new();
    for v in values {
        // Runs of consecutive days with this value: Mon–Fri, Sat, …
        let mut runs: Vec<String> = Vec::new();
        let mut d = 0;
        while d < 7 {
            if minutes[d] != v {
                d += 1;
                continue;
            }
            let first = d;
            while d + 1 < 7 && minutes[d + 1] == v {
                d += 1;
            }
            runs.push(match d - first {
                0 => NAMES[first].to_string(),
                1 => format!("{}, {}", NAMES[first], NAMES[d]),
                _ => format!("{}–{}", NAMES[first], NAMES[d]),
            });
            d += 1;
        }
        parts.push(format!("{} {}", hm(v), runs.join(", ")));
    }
    parts.join("; ")
}

/// The answer of one search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Needed {
    /// Whether some hours make the work fit.
    pub possible: bool,
    /// The smallest week that fits (None when impossible, or when there is no required work).
    pub hours: Option<Hours>,
    /// Why no hours are enough, one sentence each.
    pub reasons: Vec<String>,
    /// False when some solve hit the time limit before it proved that a candidate does not fit:
    /// the true answer may then be smaller.
    pub proven: bool,
}

/// What the given hours lead to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtGivenHours {
    pub hours: Hours,
    pub required_minutes: u32,
    pub required_in_window_minutes: u32,
    pub required_late_minutes: u32,
    /// Last day with a required session.
    pub required_finish: Option<NaiveDate>,
    /// Last day with any session.
    pub all_finish: Option<NaiveDate>,
    /// End of the last window of the path.
    pub last_window_end: Option<NaiveDate>,
    /// Optional and reference work that does not fit and is left out of the plan.
    pub left_out_items: usize,
    pub left_out_minutes: u32,
    /// Whether the plan at these hours was proven optimal.
    pub optimal: bool,
}

/// One window whose required work runs late at the given hours.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowNeed {
    pub section: String,
    pub title: String,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    /// Required minutes of this section planned after its window at the given hours.
    pub late_minutes: u32,
    /// The hours that fit every required item due by `window_end` (a lower bound for this
    /// window: later windows that overlap it compete for its days too).
    pub needed: Needed,
    /// True when the work due by `window_end` fits at the given hours on its own, so the late
    /// minutes come from later windows that overlap this one.
    pub fits_at_given_hours: bool,
}

/// The whole what-if answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    pub path: PathInfo,
    pub start: NaiveDate,
    pub at_given_hours: AtGivenHours,
    /// Hours at which every required item of the path fits its window.
    pub fit: Needed,
    /// Per window that is overloaded at the given hours.
    pub windows: Vec<WindowNeed>,
}

/// Settings with the week scaled so its base day lasts `day` minutes.
#[must_use]
pub fn scaled(settings: &Settings, week: &Week, day: u32) -> Settings {
    let mut s = settings.clone();
    s.availability.weekday_minutes = week.at(day);
    s
}

/// Whether every required item of `path` fits its window under `settings` (priority 1 only).
/// Returns `(fits, proven)`.
///
/// # Errors
///
/// When the solver breaks down.
pub fn fits(path: &LearningPath, settings: &Settings) -> Result<(bool, bool)> {
    let fit = schedule::required_fit(path, settings)?;
    Ok((fit.in_window >= fit.required, fit.proven))
}

/// The smallest base day (a multiple of [`STEP`] minutes) at which every required item of
/// `path` fits its window. `known_fit`, when given, is a base day already known to fit (a
/// multiple of [`STEP`]): the search stays below it. `on_step` hears each candidate before it
/// is solved.
///
/// # Errors
///
/// When the solver breaks down.
pub fn smallest(
    path: &LearningPath,
    settings: &Settings,
    known_fit: Option<u32>,
    on_step: &mut dyn FnMut(u32),
) -> Result<Needed> {
    let week = Week::of(&settings.availability);
    if path.minutes_of(Kind::Required) == 0 {
        return Ok(Needed {
            possible: true,
            hours: None,
            reasons: vec!["the path has no required work".into()],
            proven: true,
        });
    }
    let mut proven = true;
    let mut test = |day: u32| -> Result<bool> {
        on_step(day);
        let (ok, p) = fits(path, &scaled(settings, &week, day))?;
        if !ok && !p {
            proven = false;
        }
        Ok(ok)
    };
    // The ceiling: a day as long as the clock allows. If that does not fit, nothing does.
    let ceiling = MAX_DAY.min(day_ceiling(&settings.availability, &week));
    let top = match known_fit {
        Some(day) if day <= ceiling => day,
        _ => {
            if !test(ceiling)? {
                return Ok(Needed {
                    possible: false,
                    hours: None,
                    reasons: impossible_reasons(path, &scaled(settings, &week, ceiling)),
                    proven,
                });
            }
            ceiling
        }
    };
    // Invariant: `lo` steps do not fit, `hi` steps fit. Below the capacity bound nothing fits.
    let bound = capacity_bound(path, settings, &week, top);
    let (mut lo, mut hi) = ((bound / STEP).saturating_sub(1), top / STEP);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if test(mid * STEP)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(Needed {
        possible: true,
        hours: Some(Hours::of(
            scaled(settings, &week, hi * STEP)
                .availability
                .weekday_minutes,
        )),
        reasons: Vec::new(),
        proven,
    })
}

/// The smallest base day (a multiple of [`STEP`], at most `top`) at which every stretch of
/// days from a window's start to a window's end has the minutes for the required work of the
/// windows inside it. A necessary condition only, but free: no candidate below it can fit.
fn capacity_bound(path: &LearningPath, settings: &Settings, week: &Week, top: u32) -> u32 {
    let windows: Vec<(u32, u32, u32)> = path
        .sections
        .iter()
        .filter_map(|s| {
            let w = s.weeks?;
            let demand = s
                .items
                .iter()
                .filter(|i| i.kind == Kind::Required)
                .map(|i| i.minutes)
                .sum::<u32>();
            Some((w.first_day(), w.last_day(), demand))
        })
        .filter(|w| w.2 > 0)
        .collect();
    let Some(last) = windows.iter().map(|w| w.1).max() else {
        return STEP;
    };
    let holds = |day: u32| {
        let avail = scaled(settings, week, day).availability;
        // prefix[d] = capacity of days 0..d
        let mut prefix = vec![0u64; last as usize + 2];
        for d in 0..=last {
            prefix[d as usize + 1] =
                prefix[d as usize] + u64::from(avail.minutes_on(avail.date(d)));
        }
        windows.iter().all(|&(a, _, _)| {
            windows.iter().all(|&(_, b, _)| {
                if b < a {
                    return true;
                }
                let demand: u64 = windows
                    .iter()
                    .filter(|w| a <= w.0 && w.1 <= b)
                    .map(|w| u64::from(w.2))
                    .sum();
                demand <= prefix[b as usize + 1] - prefix[a as usize]
            })
        })
    };
    // Smallest step in 1..=top/STEP that holds (it holds at `top`, which fits).
    let (mut lo, mut hi) = (0u32, (top / STEP).max(1));
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if holds(mid * STEP) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi * STEP
}

/// The smallest base day at which no study day can grow any more (days end at midnight), so
/// candidates above it add nothing.
fn day_ceiling(availability: &Availability, week: &Week) -> u32 {
    let left = minutes_left_after(availability.at);
    // The first base day at which every study day reaches `left` (or the whole day).
    let mut day = STEP;
    while day < MAX_DAY {
        if week
            .at(day)
            .iter()
            .zip(&week.minutes)
            .all(|(&scaled, &m)| m == 0 || scaled >= left)
        {
            return day.div_ceil(STEP) * STEP;
        }
        day += STEP;
    }
    MAX_DAY
}

fn minutes_left_after(at: NaiveTime) -> u32 {
    let secs = at.signed_duration_since(NaiveTime::MIN).num_seconds();
    u32::try_from((86_400 - secs) / 60).unwrap_or(0)
}

/// Why the required work cannot fit even at the longest days (`settings` are already scaled
/// to them). Names the windows and the first cause that explains each.
fn impossible_reasons(path: &LearningPath, settings: &Settings) -> Vec<String> {
    let avail = &settings.availability;
    let limit = schedule::session_limit(settings);
    let mut out = Vec::new();
    for section in &path.sections {
        let Some(weeks) = section.weeks else { continue };
        let required: Vec<_> = section
            .items
            .iter()
            .filter(|i| i.kind == Kind::Required)
            .collect();
        if required.is_empty() {
            continue;
        }
        let days: Vec<u32> = (weeks.first_day()..=weeks.last_day())
            .map(|d| avail.minutes_on(avail.date(d)))
            .collect();
        let study_days = days.iter().filter(|&&m| m > 0).count();
        let window = format!(
            "{} ({} – {})",
            section.id,
            avail.date(weeks.first_day()),
            avail.date(weeks.last_day())
        );
        if study_days == 0 {
            out.push(format!(
                "{window}: the window has no study day (see --days and --off)"
            ));
            continue;
        }
        if let Some(item) = required
            .iter()
            .find(|i| schedule::split(i.minutes, limit).len() > study_days)
        {
            let parts = schedule::split(item.minutes, limit).len();
            let why = if limit == settings.max_session {
                format!("at most {limit} min (--max-session)")
            } else {
                format!("at most {limit} min (a day ends at midnight)")
            };
            out.push(format!(
                "{window}: {:?} ({} min) needs {parts} sessions of {why} on separate days, \
                 but the window has {study_days} study day{}",
                item.title,
                item.minutes,
                if study_days == 1 { "" } else { "s" }
            ));
            continue;
        }
        let demand: u32 = required.iter().map(|i| i.minutes).sum();
        let capacity: u32 = days.iter().sum();
        if demand > capacity {
            out.push(format!(
                "{window}: {demand} required min, but even the longest days give the window only \
                 {capacity} min (days end at midnight; an earlier --at leaves more)"
            ));
        }
    }
    if out.is_empty() {
        out.push(
            "even the longest days do not fit the required work in its windows (the parts of an \
             item go on separate days, prerequisites and overlapping windows compete)"
                .to_string(),
        );
    }
    out
}

/// The part of `path` that is due by day `end`: every section whose window ends no later,
/// with prerequisites on items outside it dropped.
#[must_use]
pub fn due_by(path: &LearningPath, end: u32) -> LearningPath {
    let sections: Vec<Section> = path
        .sections
        .iter()
        .filter(|s| s.weeks.is_some_and(|w| w.last_day() <= end))
        .cloned()
        .collect();
    let ids: BTreeSet<String> = sections
        .iter()
        .flat_map(|s| s.items.iter().map(move |i| format!("{}/{}", s.id, i.id)))
        .collect();
    let sections = sections
        .into_iter()
        .map(|mut s| {
            for i in &mut s.items {
                i.after.retain(|a| ids.contains(a));
            }
            s
        })
        .collect();
    LearningPath {
        id: path.id.clone(),
        title: path.title.clone(),
        summary: None,
        sections,
    }
}

/// The what-if answer for `path` at `settings`, given the plan made at those settings.
/// `on_step` hears what is being solved, for a progress display.
///
/// # Errors
///
/// When the solver breaks down.
pub fn analyze(
    path: &LearningPath,
    settings: &Settings,
    plan: &Plan,
    on_step: &mut dyn FnMut(&str, u32),
) -> Result<WhatIf> {
    let avail = &settings.availability;
    let s = &plan.summary;
    let last = |kind: Option<Kind>| {
        plan.sessions
            .iter()
            .filter(|x| kind.is_none_or(|k| x.kind == k))
            .map(|x| x.date)
            .max()
    };
    let left_out: Vec<_> = plan
        .unscheduled
        .iter()
        .filter(|u| u.kind != Kind::Required)
        .collect();
    let at_given_hours = AtGivenHours {
        hours: Hours::of(avail.weekday_minutes),
        required_minutes: s.required_minutes,
        required_in_window_minutes: s.required_in_window_minutes,
        required_late_minutes: s.required_late_minutes,
        required_finish: last(Some(Kind::Required)),
        all_finish: last(None),
        last_window_end: path
            .sections
            .iter()
            .filter_map(|x| x.weeks)
            .map(|w| avail.date(w.last_day()))
            .max(),
        left_out_items: left_out.len(),
        left_out_minutes: left_out.iter().map(|u| u.minutes).sum(),
        optimal: s.optimal,
    };
    let fit = smallest(path, settings, None, &mut |day| {
        on_step("the whole path", day)
    })?;
    // The work due by a window's end is part of the whole path, so the whole path's answer fits
    // it too and bounds its search.
    let known = fit
        .hours
        .as_ref()
        .map(|h| Week::of_minutes(h.weekday_minutes).base)
        .filter(|d| d % STEP == 0);

    let mut windows = Vec::new();
    for o in &plan.overloaded {
        let Some(section) = path.sections.iter().find(|x| x.id == o.section) else {
            continue;
        };
        let Some(weeks) = section.weeks else { continue };
        let part = due_by(path, weeks.last_day());
        let needed = smallest(&part, settings, known, &mut |day| on_step(&section.id, day))?;
        let base = |m: &[u32; 7]| Week::of_minutes(*m).base;
        let fits_at_given_hours = needed
            .hours
            .as_ref()
            .is_some_and(|h| base(&h.weekday_minutes) <= base(&avail.weekday_minutes));
        windows.push(WindowNeed {
            section: section.id.clone(),
            title: section.title.clone(),
            window_start: o.window_start,
            window_end: o.window_end,
            late_minutes: o.late_minutes,
            needed,
            fits_at_given_hours,
        });
    }
    Ok(WhatIf {
        path: plan.path.clone(),
        start: plan.start,
        at_given_hours,
        fit,
        windows,
    })
}

/// Writes the what-if answer for people.
///
/// # Errors
///
/// Fails only when writing to `out` fails.
pub fn write_text(w: &WhatIf, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let day = |d: NaiveDate| d.format("%a %Y-%m-%d").to_string();
    let g = &w.at_given_hours;
    writeln!(
        out,
        "What-if: {}, from {}",
        w.path.title,
        w.start.format("%a %Y-%m-%d")
    )?;
    writeln!(out)?;
    writeln!(out, "At your hours ({}):", g.hours.text)?;
    if g.required_late_minutes == 0 {
        writeln!(
            out,
            "  required work in its windows: all {} min",
            g.required_minutes
        )?;
    } else {
        writeln!(
            out,
            "  required work in its windows: {} of {} min ({} min late)",
            g.required_in_window_minutes, g.required_minutes, g.required_late_minutes
        )?;
    }
    let until = g
        .last_window_end
        .map(|e| format!("; the last window ends {}", day(e)))
        .unwrap_or_default();
    match g.required_finish {
        Some(f) => writeln!(out, "  required work finishes:      {}{until}", day(f))?,
        None => writeln!(out, "  required work finishes:      (no required work)")?,
    }
    match g.all_finish {
        Some(f) => writeln!(out, "  all planned work finishes:   {}", day(f))?,
        None => writeln!(out, "  all planned work finishes:   (nothing planned)")?,
    }
    if g.left_out_items > 0 {
        writeln!(
            out,
            "  left out: {} optional or reference item{} ({} min) that {} not fit {} window{}",
            g.left_out_items,
            if g.left_out_items == 1 { "" } else { "s" },
            g.left_out_minutes,
            if g.left_out_items == 1 { "does" } else { "do" },
            if g.left_out_items == 1 {
                "its"
            } else {
                "their"
            },
            if g.left_out_items == 1 { "" } else { "s" },
        )?;
    }
    if !g.optimal {
        writeln!(
            out,
            "  (the plan at your hours hit the time limit; dates are from the best plan found)"
        )?;
    }
    writeln!(out)?;
    write_needed(
        out,
        "Every required item fits its window with at least",
        &w.fit,
        "",
    )?;
    if !w.windows.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Windows with late work at your hours, and what the work due by each window's end needs:"
        )?;
        let mut overlap = false;
        for x in &w.windows {
            let what = match (&x.needed.hours, x.needed.possible) {
                (Some(h), _) => h.text.clone(),
                (None, true) => "any hours".to_string(),
                (None, false) => "no hours are enough".to_string(),
            };
            let mark = if x.fits_at_given_hours { " *" } else { "" };
            overlap |= x.fits_at_given_hours;
            writeln!(
                out,
                "  {} ({} – {}), {} min late: {what}{mark}",
                x.section,
                x.window_start.format("%b %d"),
                x.window_end.format("%b %d"),
                x.late_minutes
            )?;
            if !x.needed.possible {
                for r in &x.needed.reasons {
                    writeln!(out, "    - {r}")?;
                }
            }
            if !x.needed.proven {
                writeln!(
                    out,
                    "    (time limit hit in the search; fewer hours might do)"
                )?;
            }
        }
        if overlap {
            writeln!(
                out,
                "  * fits at your hours on its own: later windows that overlap it take its days"
            )?;
        }
    }
    Ok(())
}

fn write_needed(
    out: &mut dyn std::io::Write,
    lead: &str,
    n: &Needed,
    indent: &str,
) -> std::io::Result<()> {
    match (&n.hours, n.possible) {
        (Some(h), _) => {
            writeln!(out, "{lead}: {}", h.text)?;
            writeln!(out, "{indent}  plan flags: {}", h.flags)?;
        }
        (None, true) => writeln!(out, "{lead}: any hours ({})", n.reasons.join("; "))?,
        (None, false) => {
            writeln!(out, "{indent}No hours per day are enough:")?;
            for r in &n.reasons {
                writeln!(out, "{indent}  - {r}")?;
            }
        }
    }
    if !n.proven {
        writeln!(
            out,
            "{indent}  (some solves hit the time limit, so fewer hours might do; raise --time-limit)"
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_scale_in_proportion() {
        let w = Week {
            minutes: [60, 60, 60, 60, 0, 180, 180],
            base: 60,
        };
        assert_eq!(w.at(85), [85, 85, 85, 85, 0, 255, 255]);
        let w = Week {
            minutes: [0, 0, 0, 0, 0, 90, 0],
            base: 90,
        };
        assert_eq!(w.at(100), [0, 0, 0, 0, 0, 100, 0]);
        let w = Week {
            minutes: [45, 45, 45, 45, 45, 100, 100],
            base: 45,
        };
        // 100 × 50 / 45 = 111.1 → 111
        assert_eq!(w.at(50)[5], 111);
    }

    #[test]
    fn hours_read_back_to_the_same_minute() {
        for m in 0..=MAX_DAY {
            let h = decimal_hours(m);
            assert_eq!(crate::calendar::parse_hours(&h), Ok(m), "{m} → {h}");
        }
    }

    #[test]
    fn flags_give_the_same_week() {
        assert_eq!(Hours::of([45; 7]).flags, "--hours 0.75");
        assert_eq!(
            Hours::of([85, 85, 85, 85, 85, 255, 255]).flags,
            "--hours 1.42 --weekend-hours 4.25"
        );
        // Weekends only, and weekdays only: the other flag is spelled out as 0.
        assert_eq!(
            Hours::of([0, 0, 0, 0, 0, 120, 120]).flags,
            "--hours 0 --weekend-hours 2"
        );
        assert_eq!(
            Hours::of([30, 0, 30, 0, 30, 0, 0]).flags,
            "--hours 0.5 --weekend-hours 0"
        );
    }

    #[test]
    fn week_descriptions() {
        assert_eq!(
            describe_week([60, 60, 60, 60, 60, 180, 180]),
            "1 h Mon–Fri; 3 h Sat, Sun"
        );
        assert_eq!(describe_week([85; 7]), "1 h 25 min every day");
        assert_eq!(
            describe_week([30, 0, 30, 0, 30, 90, 0]),
            "30 min Mon, Wed, Fri; 1 h 30 min Sat"
        );
        assert_eq!(describe_week([0; 7]), "no study days");
    }
}
