//! How many hours a day the required work needs: the one answer that `plan`'s advice on late
//! windows, `plan --fit` and `status` all give, so they cannot disagree.
//!
//! The learner's week is scaled as a whole: the day length the answer names is the longest
//! Monday–Friday study day (or, with no weekday study days, the longest weekend day), and every
//! other study day keeps its proportion to it, rounded to the minute; days off stay off. Answers
//! come in [`STEP`]-minute steps, and they are hours *within the study windows*: a day's usable
//! minutes are its hours, but no more than its free gaps (windows less busy time and breaks)
//! hold, as [`Availability::minutes_on`] says.
//!
//! Two answers, one a bound of the other:
//!
//! - [`at_least`] is free: the smallest day at which every stretch of days from a window's start
//!   to a window's end has the minutes for the required work due inside it. Nothing below it can
//!   fit. `plan` (per late window) and `status` (for the work left) give this one.
//! - [`smallest`] is exact, with the optimizer: for each candidate, priority 1 alone is solved
//!   (the most required minutes inside their windows) and the candidate fits when that is all
//!   of them. A binary search starts at [`at_least`], so the exact answer is never below it.
//!   `plan --fit` gives this one.
//!
//! No I/O and no clock.

use crate::calendar::Availability;
use crate::error::Result;
use crate::path::{Kind, LearningPath, Section};
use crate::schedule::{self, Settings};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Granularity of the answer, in minutes.
pub const STEP: u32 = 5;

/// The longest day length tried: a whole day. (Days end at midnight, so the time after `--at`
/// is the real ceiling; longer candidates just stop adding capacity.)
pub const MAX_DAY: u32 = crate::calendar::DAY_MINUTES;

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

    /// The day length the answers name: the longest Monday–Friday study day, or the longest
    /// weekend day when no weekday is a study day.
    #[must_use]
    pub fn base(&self) -> u32 {
        self.base
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
    crate::output::fmt_hours(f64::from(minutes) / 60.0)
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

/// The answer of one exact search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Needed {
    /// Whether some hours make the work fit.
    pub possible: bool,
    /// The smallest week that fits (None when impossible, or when there is no required work).
    pub hours: Option<Hours>,
    /// The free lower bound the search started from ([`at_least`]); `hours` is never below it.
    pub at_least: Option<Hours>,
    /// Why no hours are enough, one sentence each.
    pub reasons: Vec<String>,
    /// False when some solve hit the time limit before it proved that a candidate does not fit:
    /// the true answer may then be smaller.
    pub proven: bool,
}

impl Needed {
    /// The base day of the answer, in minutes (None: no answer).
    #[must_use]
    pub fn base(&self) -> Option<u32> {
        self.hours
            .as_ref()
            .map(|h| Week::of_minutes(h.weekday_minutes).base())
    }
}

/// Required minutes due inside days `first..=last` (day 0 is the plan's start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Demand {
    pub first: u32,
    pub last: u32,
    pub minutes: u32,
}

/// The required work of each section of `path` that has a window.
#[must_use]
pub fn demands(path: &LearningPath) -> Vec<Demand> {
    path.sections
        .iter()
        .filter_map(|s| {
            let w = s.weeks?;
            let minutes = s
                .items
                .iter()
                .filter(|i| i.kind == Kind::Required)
                .map(|i| i.minutes)
                .sum::<u32>();
            Some(Demand {
                first: w.first_day(),
                last: w.last_day(),
                minutes,
            })
        })
        .filter(|d| d.minutes > 0)
        .collect()
}

/// The free answer: a lower bound of the hours a day the work needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtLeast {
    /// The smallest week that passes the check (None when no work is due, or when impossible).
    pub hours: Option<Hours>,
    /// Why no hours are enough (empty when some are).
    pub reasons: Vec<String>,
}

/// The free lower bound for `demands` under `avail`: the smallest base day (a multiple of
/// [`STEP`]) at which every stretch of days from a demand's start to a demand's end has the
/// minutes for the demands inside it. Necessary, not sufficient: sessions are whole, the parts
/// of an item go on separate days, prerequisites and path order wait.
#[must_use]
pub fn at_least(demands: &[Demand], avail: &Availability) -> AtLeast {
    let week = Week::of(avail);
    let top = ceiling(avail, &week);
    match bound(demands, avail, &week, top) {
        Bound::Holds(None) => AtLeast {
            hours: None,
            reasons: Vec::new(),
        },
        Bound::Holds(Some(day)) => AtLeast {
            hours: Some(Hours::of(week.at(day))),
            reasons: Vec::new(),
        },
        Bound::Never(reason) => AtLeast {
            hours: None,
            reasons: vec![reason],
        },
    }
}

/// [`at_least`] for work a proven plan could not fit in its windows at the learner's hours:
/// the answer lies above those hours, so a bound at or below them (the minutes fit, but whole
/// sessions do not: 50-minute items on 45-minute days) becomes the next step above them, or
/// "no hours are enough" when the days are already as long as they get.
#[must_use]
pub fn above_current(bound: AtLeast, avail: &Availability) -> AtLeast {
    let week = Week::of(avail);
    let current = week.base();
    let Some(h) = &bound.hours else {
        return bound;
    };
    if Week::of_minutes(h.weekday_minutes).base() > current {
        return bound;
    }
    let next = (current / STEP + 1) * STEP;
    if next > ceiling(avail, &week) {
        return AtLeast {
            hours: None,
            reasons: vec![format!(
                "even the longest days leave it late ({})",
                room_hint(avail)
            )],
        };
    }
    AtLeast {
        hours: Some(Hours::of(week.at(next))),
        reasons: Vec::new(),
    }
}

enum Bound {
    /// The smallest base day that passes (None: nothing is due).
    Holds(Option<u32>),
    /// Even at the top it fails: why.
    Never(String),
}

/// Minutes of each day `0..=last` at base day `day`, as prefix sums.
fn prefix(avail: &Availability, week: &Week, day: u32, last: u32) -> Vec<u64> {
    let scaled = scaled_availability(avail, week, day);
    let mut out = vec![0u64; last as usize + 2];
    for d in 0..=last {
        out[d as usize + 1] = out[d as usize] + u64::from(scaled.minutes_on(scaled.date(d)));
    }
    out
}

/// The first stretch `(a, b, demand, capacity)` whose demand the minutes at base day `day`
/// cannot hold, if any.
fn short_stretch(
    demands: &[Demand],
    avail: &Availability,
    week: &Week,
    day: u32,
) -> Option<(u32, u32, u64, u64)> {
    let last = demands.iter().map(|w| w.last).max()?;
    let prefix = prefix(avail, week, day, last);
    for a in demands.iter().map(|w| w.first) {
        for b in demands.iter().map(|w| w.last).filter(|&b| b >= a) {
            let demand: u64 = demands
                .iter()
                .filter(|w| a <= w.first && w.last <= b)
                .map(|w| u64::from(w.minutes))
                .sum();
            let capacity = prefix[b as usize + 1] - prefix[a as usize];
            if demand > capacity {
                return Some((a, b, demand, capacity));
            }
        }
    }
    None
}

fn bound(demands: &[Demand], avail: &Availability, week: &Week, top: u32) -> Bound {
    // One demand per window: the stretches are the windows' starts × ends.
    let mut merged: std::collections::BTreeMap<(u32, u32), u32> = std::collections::BTreeMap::new();
    for d in demands.iter().filter(|d| d.minutes > 0) {
        *merged.entry((d.first, d.last)).or_default() += d.minutes;
    }
    let demands: Vec<Demand> = merged
        .into_iter()
        .map(|((first, last), minutes)| Demand {
            first,
            last,
            minutes,
        })
        .collect();
    let demands = demands.as_slice();
    if demands.is_empty() {
        return Bound::Holds(None);
    }
    if let Some((a, b, demand, capacity)) = short_stretch(demands, avail, week, top) {
        let (a, b) = (avail.date(a), avail.date(b));
        return Bound::Never(if capacity == 0 {
            format!(
                "{a} – {b}: {demand} required min are due, but it has no study day ({})",
                no_day_hint(avail)
            )
        } else {
            format!(
                "{a} – {b}: {demand} required min are due, but even the longest days give \
                 only {capacity} min ({})",
                room_hint(avail)
            )
        });
    }
    // Smallest step in 1..=top/STEP that holds (it holds at `top`).
    let (mut lo, mut hi) = (0u32, (top / STEP).max(1));
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if short_stretch(demands, avail, week, mid * STEP).is_none() {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Bound::Holds(Some(hi * STEP))
}

/// What takes every study day out of a stretch, for people.
fn no_day_hint(avail: &Availability) -> &'static str {
    if avail.free.shapes_days() {
        "see --days, --off, --window and the busy calendars"
    } else {
        "see --days and --off"
    }
}

/// What limits the longest days, for people.
fn room_hint(avail: &Availability) -> &'static str {
    match (avail.free.windows.is_some(), avail.free.busy.is_empty()) {
        (true, true) => "the full free time of the study windows; wider --window leaves more",
        (true, false) => {
            "the full free time of the study windows, less busy time and breaks; wider --window \
             leaves more"
        }
        (false, false) => {
            "days end at midnight and busy time takes its share; an earlier --at leaves more"
        }
        (false, true) => "days end at midnight; an earlier --at leaves more",
    }
}

/// Availability with the week scaled so its base day lasts `day` minutes.
#[must_use]
pub fn scaled_availability(avail: &Availability, week: &Week, day: u32) -> Availability {
    let mut a = avail.clone();
    a.weekday_minutes = week.at(day);
    a
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
    Ok(match schedule::fits_in_windows(path, settings)? {
        Some(fits) => (fits, true),
        None => (false, false),
    })
}

/// What the searches of one path's nested parts learn from each other ([`smallest`]), at the
/// same settings: the work due by a window's end ([`due_by`]) is part of the work due by any
/// later end, and of the whole path, with no rule more. So at one base day, where the work due
/// by an end fits, the work due by every earlier end fits; where it is proven not to, the work
/// due by no later end does. `plan --fit` at 0.5 h a day on the bundled path asks about ten
/// ends, several at the same days, and each "does not fit" takes a proof from the optimizer.
/// A fit also bounds a search from above ([`Nested::least_fit`]): the whole path's answer
/// bounds every end's search. Only proven answers are shared, so the answers are those of the
/// searches alone; where a solve runs out of time, an answer shared in time can only prove
/// more.
#[derive(Debug, Default)]
pub struct Nested {
    /// Per base day: the ends whose work fits, and those whose work is proven not to. The
    /// whole path's end is `u32::MAX`.
    answers: std::sync::Mutex<BTreeMap<u32, Ends>>,
}

/// [`Nested`]'s answers of one base day: the ends that fit, and those proven not to.
type Ends = (Vec<u32>, Vec<u32>);

impl Nested {
    /// What the answers so far say about the work due by `end` at base day `day`.
    fn known(&self, end: u32, day: u32) -> Option<bool> {
        let answers = self
            .answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (fit, unfit) = answers.get(&day)?;
        if fit.iter().any(|&e| e >= end) {
            Some(true)
        } else if unfit.iter().any(|&e| e <= end) {
            Some(false)
        } else {
            None
        }
    }

    /// The smallest base day at which the work due by `end` is known to fit: the work due by
    /// `end` or by a later end fits there.
    fn least_fit(&self, end: u32) -> Option<u32> {
        let answers = self
            .answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        answers
            .iter()
            .find(|(_, (fit, _))| fit.iter().any(|&e| e >= end))
            .map(|(&day, _)| day)
    }

    /// The work due by `end` fits at base day `day`, or is proven not to.
    fn learn(&self, end: u32, day: u32, fits: bool) {
        let mut answers = self
            .answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (fit, unfit) = answers.entry(day).or_default();
        if fits {
            fit.push(end);
        } else {
            unfit.push(end);
        }
    }
}

/// The exact answer: the smallest base day (a multiple of [`STEP`] minutes) at which every
/// required item of `path` fits its window. `nested`, when given, is what the searches of the
/// same path's other parts have learned, and the end `path` is due by (`u32::MAX`: the whole
/// path): candidates they answer are not solved again, and the search stays below the least
/// day they know to fit. `on_step` hears each candidate before it is solved.
///
/// # Errors
///
/// When the solver breaks down.
pub fn smallest(
    path: &LearningPath,
    settings: &Settings,
    nested: Option<(&Nested, u32)>,
    on_step: &mut dyn FnMut(u32),
) -> Result<Needed> {
    let avail = &settings.availability;
    let week = Week::of(avail);
    if path.minutes_of(Kind::Required) == 0 {
        return Ok(Needed {
            possible: true,
            hours: None,
            at_least: None,
            reasons: vec!["the path has no required work".into()],
            proven: true,
        });
    }
    // The ceiling: a day as long as the clock and the windows allow. If that does not fit,
    // nothing does.
    let ceiling = ceiling(avail, &week);
    let impossible = |reasons: Vec<String>, proven: bool| Needed {
        possible: false,
        hours: None,
        at_least: None,
        reasons,
        proven,
    };
    let floor = match bound(&demands(path), avail, &week, ceiling) {
        Bound::Never(reason) => {
            let mut reasons = impossible_reasons(path, &scaled(settings, &week, ceiling));
            if reasons.is_empty() {
                reasons.push(reason);
            }
            return Ok(impossible(reasons, true));
        }
        Bound::Holds(day) => day.unwrap_or(STEP),
    };
    let mut proven = true;
    let mut test = |day: u32| -> Result<bool> {
        if let Some(known) = nested.and_then(|(answers, end)| answers.known(end, day)) {
            return Ok(known);
        }
        on_step(day);
        let (ok, p) = fits(path, &scaled(settings, &week, day))?;
        if !ok && !p {
            proven = false;
        }
        if let (Some((answers, end)), true) = (nested, ok || p) {
            answers.learn(end, day, ok);
        }
        Ok(ok)
    };
    // More minutes a day never hurt while every item keeps its parts, but the session limit
    // grows with the day, and an item cut into fewer, longer parts can pack worse (three
    // 60-minute items fit three 46-minute weekdays as halves, and not 55-minute ones whole).
    // So the steps are taken in runs that split every required item alike: within a run
    // fitting is monotone, and the answer is the smallest fit of the lowest run that fits.
    let required: Vec<u32> = path
        .items()
        .filter(|(_, i)| i.kind == Kind::Required)
        .map(|(_, i)| i.minutes)
        .collect();
    let parts = |day: u32| -> Vec<Vec<u32>> {
        let limit = schedule::session_limit(&scaled(settings, &week, day));
        required
            .iter()
            .map(|&m| schedule::split(m, limit))
            .collect()
    };
    // A day known to fit bounds the search: the lowest run that fits is at or below its run.
    let top = nested
        .and_then(|(answers, end)| answers.least_fit(end))
        .filter(|&day| day <= ceiling && day >= floor);
    let last = top.unwrap_or(ceiling) / STEP;
    let mut runs: Vec<(u32, u32)> = Vec::new();
    let mut key = None;
    for step in (floor / STEP).max(1)..=last {
        let k = parts(step * STEP);
        match runs.last_mut() {
            Some(run) if key.as_ref() == Some(&k) => run.1 = step,
            _ => runs.push((step, step)),
        }
        key = Some(k);
    }
    let mut answer = None;
    for &(first, run_top) in &runs {
        // The top of the run fits, or nothing in it does (`top` is the last run's top, and
        // `nested` answers it).
        if !test(run_top * STEP)? {
            continue;
        }
        // Invariant: `lo` steps do not fit (or lie below the run), `hi` steps fit.
        let (mut lo, mut hi) = (first - 1, run_top);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if test(mid * STEP)? {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        answer = Some(hi);
        break;
    }
    let Some(hi) = answer else {
        let mut reasons = impossible_reasons(path, &scaled(settings, &week, ceiling));
        if reasons.is_empty() {
            reasons.push(
                "even the longest days do not fit the required work in its windows (the \
                 parts of an item go on separate days, prerequisites and overlapping \
                 windows compete)"
                    .to_string(),
            );
        }
        return Ok(impossible(reasons, proven));
    };
    Ok(Needed {
        possible: true,
        hours: Some(Hours::of(week.at(hi * STEP))),
        at_least: Some(Hours::of(week.at(floor))),
        reasons: Vec::new(),
        proven,
    })
}

/// The smallest base day (a multiple of [`STEP`]) at which no study day can grow any more:
/// each has all the minutes its windows hold (or, without windows, every minute to midnight),
/// so longer candidates add nothing.
#[must_use]
pub fn ceiling(availability: &Availability, week: &Week) -> u32 {
    let room: Vec<u32> = (0..7).map(|d| availability.day_room(d)).collect();
    let mut day = STEP;
    while day < MAX_DAY {
        if week
            .at(day)
            .iter()
            .zip(&week.minutes)
            .zip(&room)
            .all(|((&scaled, &m), &room)| m == 0 || scaled >= room)
        {
            return day;
        }
        day += STEP;
    }
    MAX_DAY
}

/// Why the required work cannot fit even at the longest days (`settings` are already scaled
/// to them). Names the windows and the first cause that explains each; empty when no single
/// window explains it.
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
            let why = no_day_hint(avail);
            out.push(format!("{window}: the window has no study day ({why})"));
            continue;
        }
        if let Some(item) = required
            .iter()
            .find(|i| schedule::split(i.minutes, limit).len() > study_days)
        {
            let parts = schedule::split(item.minutes, limit).len();
            let why = if limit == settings.max_session {
                format!("at most {limit} min (--max-session)")
            } else if avail.free.windows.is_some() {
                format!("at most {limit} min (the longest study window)")
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
                 {capacity} min ({})",
                room_hint(avail)
            ));
        }
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

/// `date` as a day number of `avail` (0 before the start).
#[must_use]
pub fn day_number(avail: &Availability, date: NaiveDate) -> u32 {
    u32::try_from(avail.day_of(date).max(0)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_answers_carry_to_earlier_and_later_ends() {
        let nested = Nested::default();
        nested.learn(20, 30, true);
        nested.learn(10, 25, false);
        // What fits by day 20 fits by any earlier end; not by a later one, which has more.
        assert_eq!(nested.known(13, 30), Some(true));
        assert_eq!(nested.known(20, 30), Some(true));
        assert_eq!(nested.known(27, 30), None);
        // What does not fit by day 10 fits by no later end, nor as the whole path.
        assert_eq!(nested.known(13, 25), Some(false));
        assert_eq!(nested.known(u32::MAX, 25), Some(false));
        assert_eq!(nested.known(6, 25), None);
        // Another day says nothing.
        assert_eq!(nested.known(13, 35), None);
        // The least day known to fit: by this end or a later one.
        assert_eq!(nested.least_fit(13), Some(30));
        assert_eq!(nested.least_fit(27), None);
        nested.learn(u32::MAX, 40, true);
        nested.learn(u32::MAX, 35, false);
        assert_eq!(nested.least_fit(27), Some(40));
        assert_eq!(nested.least_fit(13), Some(30));
    }

    /// The bundled path at 0.5 h a day, where the work due by several ends does not fit at
    /// several days: the searches of every end sharing their answers, in either order, answer
    /// as each does alone, and solve fewer candidates.
    #[test]
    fn nested_searches_answer_as_each_alone() {
        let bundled = crate::path::bundled::find("backend-engineer").expect("bundled");
        let path = crate::path::bundled::load(bundled).expect("loads");
        let mut settings = crate::progress::sample_state(0).settings;
        settings.availability.weekday_minutes = [30; 7];
        let ends: BTreeSet<u32> = path
            .sections
            .iter()
            .filter_map(|s| s.weeks.map(crate::path::Weeks::last_day))
            .collect();
        let search = |end: u32, nested: Option<(&Nested, u32)>, solved: &mut usize| {
            let n = smallest(&due_by(&path, end), &settings, nested, &mut |_| {
                *solved += 1;
            });
            n.expect("solves")
        };
        let mut alone_solved = 0;
        let alone: Vec<Needed> = ends
            .iter()
            .map(|&end| search(end, None, &mut alone_solved))
            .collect();
        assert!(alone.iter().all(|n| n.proven && n.possible));
        for reverse in [false, true] {
            let nested = Nested::default();
            let mut solved = 0;
            let mut order: Vec<(usize, u32)> = ends.iter().copied().enumerate().collect();
            if reverse {
                order.reverse();
            }
            for (i, end) in order {
                let n = search(end, Some((&nested, end)), &mut solved);
                assert_eq!(n, alone[i], "end {end}, reversed: {reverse}");
            }
            assert!(
                solved < alone_solved,
                "{solved} of {alone_solved} candidates solved, reversed: {reverse}"
            );
        }
    }

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
