//! Availability: study hours per weekday, days off and the time zone, turned into the
//! capacity (in minutes) of each day of the plan, and local study times into instants.
//!
//! Day 0 is the start date. Capacities are a pure function of the settings and the date, so a
//! plan can be extended to any horizon and a replan sees the same days the plan saw.
//!
//! [`FreeTime`] says *when* on a day study can happen: study windows per weekday, busy time from
//! the learner's calendars and the breaks kept around it. It turns a date into its free gaps,
//! wall-clock minutes after local midnight. Everything here is pure: the command layer parses the
//! flags with the helpers below and reads the busy calendars (see [`crate::busy`]).

use std::fmt;

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime,
    Offset, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::busy::{AllDay, Busy};

/// The IANA zone `name`, or why it is not one.
pub fn zone(name: &str) -> Result<Tz, String> {
    name.parse().map_err(|_| {
        format!("{name:?} is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)")
    })
}

/// Deserialize an IANA zone name, refusing any other (a state file edited by hand).
pub(crate) fn zone_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let name = String::deserialize(d)?;
    zone(&name).map_err(serde::de::Error::custom)?;
    Ok(name)
}

/// The learner's availability, already validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    pub start: NaiveDate,
    /// Study minutes on Monday..Sunday (index = `Weekday::num_days_from_monday`).
    pub weekday_minutes: [u32; 7],
    /// Inclusive date ranges with no study at all.
    pub off: Vec<(NaiveDate, NaiveDate)>,
    /// Local time the first session of a day starts.
    pub at: NaiveTime,
    /// IANA zone name (a state file edited to hold another is refused).
    #[serde(deserialize_with = "zone_name")]
    pub timezone: String,
    /// When on a day study can happen (windows, busy calendars, breaks); the default is today's
    /// "from `at` to midnight".
    #[serde(default, skip_serializing_if = "FreeTime::is_unset")]
    pub free: FreeTime,
}

impl Availability {
    pub fn tz(&self) -> Tz {
        self.timezone.parse().unwrap_or(Tz::UTC)
    }

    pub fn date(&self, day: u32) -> NaiveDate {
        self.start + Duration::days(i64::from(day))
    }

    pub fn day_of(&self, date: NaiveDate) -> i64 {
        (date - self.start).num_days()
    }

    /// Whether `date` is a day off.
    #[must_use]
    pub fn is_off(&self, date: NaiveDate) -> bool {
        self.off.iter().any(|&(a, b)| a <= date && date <= b)
    }

    /// The free gaps of `date` (see [`FreeTime::gaps_on`]).
    #[must_use]
    pub fn gaps_on(&self, date: NaiveDate) -> Vec<Gap> {
        self.free.gaps_on(self, date)
    }

    /// The instant of `minute_of_day` minutes after local midnight on `date`, DST-correct.
    #[must_use]
    pub fn instant_at(&self, date: NaiveDate, minute_of_day: u32) -> DateTime<FixedOffset> {
        FreeTime::instant_at(self, date, minute_of_day)
    }

    /// The longest single session the plan's days can hold. Without busy time, the longest a
    /// weekday's windows hold (see [`FreeTime::longest_session`]). With it, the longest free gap
    /// of any day from the start through the end of what is known of the busy calendars: a
    /// meeting every evening can leave every gap shorter than the longest window, and a session
    /// no day can hold would otherwise go past the calendars' end, where nothing is known.
    #[must_use]
    pub fn longest_session(&self) -> u32 {
        let weekly = self.free.longest_session(self);
        let Some(known) = self.free.busy.known_until() else {
            return weekly;
        };
        // The day the calendars were read to is known only in part.
        let end = known.with_timezone(&self.tz()).date_naive();
        let mut best = 0;
        let mut date = self.start;
        while date < end && best < weekly {
            best = best.max(self.longest_on(date));
            let Some(next) = date.succ_opt() else { break };
            date = next;
        }
        if best == 0 {
            return weekly; // no day had free time: the work is late in any case
        }
        best.min(weekly)
    }

    /// The longest session `date` can hold: its longest free gap, within its study minutes.
    #[must_use]
    pub fn longest_on(&self, date: NaiveDate) -> u32 {
        let gap = self.gaps_on(date).into_iter().map(Gap::minutes).max();
        self.minutes_on(date).min(gap.unwrap_or(0))
    }

    /// The most study minutes weekday `d` (0 = Monday) can offer before busy time and days off:
    /// the minutes of its study windows, or from `at` to midnight. More hours on that day add
    /// nothing.
    #[must_use]
    pub fn day_room(&self, d: usize) -> u32 {
        self.free.room(self, |w| w.total(day(d)))
    }

    /// Study minutes available on `date`: the day's hours, but no more than its free gaps hold.
    pub fn minutes_on(&self, date: NaiveDate) -> u32 {
        if self.free.shapes_days() {
            return self.free.minutes_on(self, date);
        }
        if self.is_off(date) {
            return 0;
        }
        let cap = self.weekday_minutes[date.weekday().num_days_from_monday() as usize];
        // Never plan past midnight: a day holds at most the minutes left after `at`.
        cap.min(self.minutes_left_after_at())
    }

    /// Minutes from `at` to midnight: the most a day without study windows can hold.
    pub fn minutes_left_after_at(&self) -> u32 {
        Self::minutes_left_at(self.at)
    }

    /// Minutes from `at` to midnight.
    fn minutes_left_at(at: NaiveTime) -> u32 {
        let secs = at.signed_duration_since(NaiveTime::MIN).num_seconds();
        u32::try_from((86_400 - secs) / 60).unwrap_or(0)
    }

    /// Capacities of days `0..days`.
    pub fn capacities(&self, days: u32) -> Vec<u32> {
        (0..days).map(|d| self.minutes_on(self.date(d))).collect()
    }

    /// The largest capacity of any study day (over a week; days off and busy time only remove
    /// capacity).
    pub fn largest_day(&self) -> u32 {
        if self.free.windows.is_some() {
            return self.free.largest_day(self);
        }
        self.weekday_minutes
            .iter()
            .map(|&m| m.min(self.minutes_left_after_at()))
            .max()
            .unwrap_or(0)
    }

    /// The instant `minutes` real minutes after `at` on `date`, in the plan's zone: `at` is
    /// read DST-correct ([`resolve_local`]), and the day's sessions run on from it in real
    /// time, so a session that crosses a DST change still lasts its minutes (read on the wall
    /// clock, one starting in a spring-forward gap ended before it started, and one across the
    /// autumn change lasted an hour more).
    pub fn instant(&self, date: NaiveDate, minutes_after_at: u32) -> DateTime<FixedOffset> {
        let at = resolve_local(self.tz(), date.and_time(self.at));
        (at + Duration::minutes(i64::from(minutes_after_at)))
            .with_timezone(&self.tz())
            .fixed_offset()
    }
}

/// Local wall-clock time → instant. Ambiguous times (DST fall-back) take the earlier offset;
/// times in a gap (spring-forward) are shifted forward by the length of the gap.
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<FixedOffset> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.fixed_offset(),
        LocalResult::Ambiguous(a, _) => a.fixed_offset(),
        LocalResult::None => {
            // Walk forward minute by minute to the first wall-clock time that exists again: that
            // is the transition (gaps are shorter than a day). Reading `local` with the offset in
            // force just before the transition shifts it forward by exactly the gap's length
            // (02:30 in a 02:00-03:00 gap becomes 03:30, not 03:00).
            let mut probe = local;
            for _ in 0..(24 * 60) {
                probe += Duration::minutes(1);
                if let Some(t) = tz.from_local_datetime(&probe).earliest() {
                    let before = tz
                        .offset_from_utc_datetime(&(t.naive_utc() - Duration::seconds(1)))
                        .fix();
                    let utc = local - Duration::seconds(i64::from(before.local_minus_utc()));
                    return tz.from_utc_datetime(&utc).fixed_offset();
                }
            }
            tz.from_utc_datetime(&local).fixed_offset()
        }
    }
}

/// Minutes in a day; a study window may end at 24:00.
pub const DAY_MINUTES: u32 = 24 * 60;

/// A free stretch of one day: from `start` to `end` (exclusive) minutes after local midnight,
/// wall clock. A session must fit inside one gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Gap {
    pub start: u32,
    pub end: u32,
}

impl Gap {
    #[must_use]
    pub fn minutes(self) -> u32 {
        self.end.saturating_sub(self.start)
    }
}

/// A study window on a weekday: from `start` to `end` (exclusive) minutes after local midnight,
/// wall clock, `start < end <= 24:00`. Written `HH:MM-HH:MM` in the state file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Window {
    pub start: u32,
    pub end: u32,
}

impl Window {
    #[must_use]
    pub fn minutes(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    /// Parse `HH:MM-HH:MM`; `spec` is the whole flag value, named in errors, and `days` its
    /// days part (for the example of a window split at midnight).
    fn parse(times: &str, spec: &str, days: &str) -> Result<Window, String> {
        let (a, b) = times
            .split_once('-')
            .ok_or_else(|| format!("{spec:?}: the times must be HH:MM-HH:MM, e.g. 18:00-21:30"))?;
        let start = parse_clock(a, false).map_err(|e| format!("{spec:?}: {e}"))?;
        let end = parse_clock(b, true).map_err(|e| format!("{spec:?}: {e}"))?;
        let w = Window { start, end };
        if end == start {
            return Err(format!(
                "{spec:?}: the window {w} is empty (it must end after it starts)"
            ));
        }
        if end < start {
            // An evening start and a morning end is a window past midnight; anything else is
            // most likely the two times the wrong way round.
            let past_midnight = start >= 12 * 60 && end <= 12 * 60;
            return Err(if past_midnight {
                format!(
                    "{spec:?}: the window {} runs past midnight; a window ends by 24:00, so \
                     split it in two: {}={}-24:00, and 00:00-{} on the day after",
                    times.trim(),
                    days.trim(),
                    clock(start),
                    clock(end)
                )
            } else {
                format!(
                    "{spec:?}: the window {} ends before it starts (write {}-{})",
                    times.trim(),
                    clock(end),
                    clock(start)
                )
            });
        }
        Ok(w)
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", clock(self.start), clock(self.end))
    }
}

impl From<Window> for String {
    fn from(w: Window) -> String {
        w.to_string()
    }
}

impl TryFrom<String> for Window {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Window::parse(&s, &s, "DAYS")
    }
}

/// `HH:MM` for minutes after midnight (`24:00` for the end of the day).
fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `HH:MM` → minutes after midnight; `24:00` only where a window may end.
fn parse_clock(s: &str, end: bool) -> Result<u32, String> {
    let s = s.trim();
    if end && s == "24:00" {
        return Ok(DAY_MINUTES);
    }
    let t = parse_time(s)?;
    let secs = t.signed_duration_since(NaiveTime::MIN).num_seconds();
    Ok(u32::try_from(secs / 60).unwrap_or(0))
}

/// The study windows of each weekday: sorted, neither overlapping nor touching (touching ones
/// are merged). A weekday without a window has no study time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WeekWindows {
    days: [Vec<Window>; 7],
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl WeekWindows {
    /// The windows of `weekday`, sorted.
    #[must_use]
    pub fn on(&self, weekday: Weekday) -> &[Window] {
        &self.days[weekday.num_days_from_monday() as usize]
    }

    /// Minutes inside the windows of `weekday`.
    #[must_use]
    pub fn total(&self, weekday: Weekday) -> u32 {
        self.on(weekday).iter().map(|w| w.minutes()).sum()
    }

    /// Build from windows per weekday (index = `num_days_from_monday`), each tagged with the flag
    /// value it came from for the overlap error.
    fn build(mut tagged: [Vec<(Window, &str)>; 7]) -> Result<WeekWindows, String> {
        let mut days: [Vec<Window>; 7] = Default::default();
        for (d, list) in tagged.iter_mut().enumerate() {
            list.sort_by_key(|(w, _)| *w);
            for pair in list.windows(2) {
                let ((a, spec_a), (b, spec_b)) = (pair[0], pair[1]);
                if b.start < a.end {
                    let name = DAY_NAMES[d];
                    let merged = Window {
                        start: a.start,
                        end: a.end.max(b.end),
                    };
                    return Err(if spec_a == spec_b {
                        format!("{spec_a:?}: the windows {a} and {b} overlap on {name} (write {name}={merged})")
                    } else {
                        format!(
                            "{spec_a:?} and {spec_b:?} overlap on {name} ({a} and {b}); give each \
                             stretch of time once, e.g. {name}={merged}"
                        )
                    });
                }
            }
            for &(w, _) in list.iter() {
                match days[d].last_mut() {
                    // 18:00-19:00 and 19:00-20:00 are one stretch of time.
                    Some(last) if last.end == w.start => last.end = w.end,
                    _ => days[d].push(w),
                }
            }
        }
        Ok(WeekWindows { days })
    }
}

/// How the state file writes the windows: `{mon: ["18:00-21:30"], sat: [...]}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedWeek {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    mon: Vec<Window>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tue: Vec<Window>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    wed: Vec<Window>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    thu: Vec<Window>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    fri: Vec<Window>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sat: Vec<Window>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sun: Vec<Window>,
}

impl Serialize for WeekWindows {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let [mon, tue, wed, thu, fri, sat, sun] = self.days.clone();
        NamedWeek {
            mon,
            tue,
            wed,
            thu,
            fri,
            sat,
            sun,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for WeekWindows {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let n = NamedWeek::deserialize(deserializer)?;
        let tag = |v: Vec<Window>| v.into_iter().map(|w| (w, "windows")).collect();
        WeekWindows::build([
            tag(n.mon),
            tag(n.tue),
            tag(n.wed),
            tag(n.thu),
            tag(n.fri),
            tag(n.sat),
            tag(n.sun),
        ])
        .map_err(serde::de::Error::custom)
    }
}

/// Parse one `--window` value, `DAYS=HH:MM-HH:MM` (days as in [`parse_days`]; a window may end
/// at 24:00): the weekdays it covers and the window.
pub fn parse_window(spec: &str) -> Result<([bool; 7], Window), String> {
    let (days, times) = spec.split_once('=').ok_or_else(|| {
        format!("{spec:?} is not a study window; write DAYS=HH:MM-HH:MM, e.g. mon-fri=18:00-21:30")
    })?;
    let mask = parse_days(days).map_err(|e| format!("{spec:?}: {e}"))?;
    Ok((mask, Window::parse(times, spec, days)?))
}

/// Parse and check all `--window` values together: windows that overlap on a day are an error;
/// warnings (returned, for stderr) name the days whose windows hold less than the day's study
/// minutes (`weekday_minutes`, Monday first), days with study minutes but no window, and windows
/// on days without study minutes.
pub fn parse_windows(
    specs: &[&str],
    weekday_minutes: [u32; 7],
) -> Result<(WeekWindows, Vec<String>), String> {
    let mut tagged: [Vec<(Window, &str)>; 7] = Default::default();
    for &spec in specs {
        let (mask, w) = parse_window(spec)?;
        for (d, on) in mask.iter().enumerate() {
            if *on {
                tagged[d].push((w, spec));
            }
        }
    }
    let week = WeekWindows::build(tagged)?;
    Ok((week.clone(), window_warnings(&week, weekday_minutes)))
}

/// Without study windows, the days whose hours run past midnight from `--at`: such a day holds
/// only the minutes left after `at` (a session never crosses midnight).
#[must_use]
pub fn at_warning(at: NaiveTime, weekday_minutes: [u32; 7]) -> Option<String> {
    let left = Availability::minutes_left_at(at);
    let names: Vec<&str> = DAY_NAMES
        .iter()
        .zip(weekday_minutes)
        .filter(|&(_, m)| m > left)
        .map(|(name, _)| *name)
        .collect();
    let wanted = weekday_minutes
        .iter()
        .copied()
        .max()
        .filter(|&m| m > left)?;
    Some(format!(
        "--at {} leaves {} before midnight, less than the {} of study on {}; such a day holds \
         at most {} (an earlier --at, or --window, gives the whole time)",
        at.format("%H:%M"),
        crate::need::hm(left),
        crate::need::hm(wanted),
        names.join(", "),
        crate::need::hm(left),
    ))
}

pub fn window_warnings(week: &WeekWindows, weekday_minutes: [u32; 7]) -> Vec<String> {
    // Days that share a finding share one line: "mon, tue, wed: …".
    let mut short: Vec<((u32, u32), Vec<&str>)> = Vec::new();
    let mut bare = Vec::new();
    let mut unused = Vec::new();
    for (d, name) in DAY_NAMES.iter().enumerate() {
        let total: u32 = week.days[d].iter().map(|w| w.minutes()).sum();
        let wanted = weekday_minutes[d];
        if wanted > 0 && total == 0 {
            bare.push(*name);
        } else if wanted == 0 && total > 0 {
            unused.push(*name);
        } else if total < wanted {
            match short.iter_mut().find(|(k, _)| *k == (total, wanted)) {
                Some((_, names)) => names.push(name),
                None => short.push(((total, wanted), vec![name])),
            }
        }
    }
    let mut out = Vec::new();
    for ((total, wanted), names) in short {
        out.push(format!(
            "the study windows on {} add up to {total} min, less than the day's {wanted} min \
             of study; such a day holds at most {total} min",
            names.join(", ")
        ));
    }
    if !bare.is_empty() {
        out.push(format!(
            "{} {} study time but no study window, so nothing is planned on {} (add a window \
             such as {}=09:00-11:00)",
            bare.join(", "),
            if bare.len() == 1 { "has" } else { "have" },
            if bare.len() == 1 { "it" } else { "them" },
            bare.join(",")
        ));
    }
    if !unused.is_empty() {
        out.push(format!(
            "{} {} a study window but no study time; the window is not used",
            unused.join(", "),
            if unused.len() == 1 { "has" } else { "have" },
        ));
    }
    out
}

/// Busy intervals, sorted by start, overlapping or touching ones merged (so their ends are
/// sorted too), and how far the calendars they came from were read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BusyTimes {
    intervals: Vec<Busy>,
    read_until: Option<DateTime<Utc>>,
}

impl BusyTimes {
    /// Collect intervals from any number of calendars; empty ones are dropped.
    pub fn new(busy: impl IntoIterator<Item = Busy>) -> BusyTimes {
        let mut all: Vec<Busy> = busy.into_iter().filter(|b| b.end > b.start).collect();
        all.sort_unstable();
        let mut out: Vec<Busy> = Vec::with_capacity(all.len());
        for b in all {
            match out.last_mut() {
                Some(last) if b.start <= last.end => last.end = last.end.max(b.end),
                _ => out.push(b),
            }
        }
        BusyTimes {
            intervals: out,
            read_until: None,
        }
    }

    /// The same intervals, read from calendars up to `until`: what lies beyond is unknown.
    #[must_use]
    pub fn read_until(self, until: DateTime<Utc>) -> BusyTimes {
        BusyTimes {
            read_until: Some(until),
            ..self
        }
    }

    /// How far the busy time is known: where the calendars were read to, else the end of the
    /// last interval. `None` without busy time.
    #[must_use]
    pub fn known_until(&self) -> Option<DateTime<Utc>> {
        if self.intervals.is_empty() {
            return None;
        }
        self.read_until
            .or_else(|| self.intervals.last().map(|b| b.end))
    }

    #[must_use]
    pub fn as_slice(&self) -> &[Busy] {
        &self.intervals
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    /// The intervals that overlap `[from, to)`.
    fn overlapping(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> &[Busy] {
        let first = self.intervals.partition_point(|b| b.end <= from);
        let last = self.intervals.partition_point(|b| b.start < to);
        self.intervals.get(first..last.max(first)).unwrap_or(&[])
    }
}

/// When on a day study can happen: study windows, busy time and breaks. The default is today's
/// behaviour: study from `at` to midnight, nothing busy, no breaks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FreeTime {
    /// Study windows per weekday; `None` = from `Availability::at` to midnight every day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows: Option<WeekWindows>,
    /// Minutes kept free between two sessions and between a session and busy time.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub break_minutes: u32,
    /// Busy time from the learner's calendars. Not stored: each command reads the calendars
    /// afresh, so a replan sees them as they are then.
    #[serde(skip)]
    pub busy: BusyTimes,
    /// The busy calendars `busy` was read from, so a replan can read them again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub busy_files: Vec<BusyFile>,
    /// What all-day events of the busy calendars do.
    #[serde(default, skip_serializing_if = "is_default")]
    pub busy_all_day: AllDay,
}

/// A busy calendar a plan was made with: where it is and a hash of what it held then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusyFile {
    pub path: std::path::PathBuf,
    /// FNV-1a 64 of the file's bytes, hex: enough to tell that the calendar changed.
    pub hash: String,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl FreeTime {
    /// Whether nothing is set: the state file leaves it out then.
    #[must_use]
    pub fn is_unset(&self) -> bool {
        self.windows.is_none()
            && self.break_minutes == 0
            && self.busy.is_empty()
            && self.busy_files.is_empty()
            && self.busy_all_day == AllDay::default()
    }

    /// Whether windows or busy time shape the days (the JSON lists the gaps then).
    #[must_use]
    pub fn shapes_days(&self) -> bool {
        self.windows.is_some() || !self.busy.is_empty()
    }

    /// The free gaps of `date`: its windows (or `at` to midnight) minus busy time widened by the
    /// break on both sides (in real time), minus the wall-clock hour a DST change skips or
    /// repeats; sorted and disjoint, none empty. Empty on days off and days without study
    /// minutes. Each gap's minutes are real minutes: `instant_at(end) - instant_at(start)`.
    ///
    /// Gaps closer than the break in real time (two windows 5 minutes apart, a window ending at
    /// midnight and the next day's starting then, the two sides of a spring-forward hour) would
    /// let two sessions meet without it: each gap then starts a break after the one before it
    /// ends, the day before's last one included from the second day of the plan on. That may
    /// leave a few minutes unused that a plan with the earlier gap empty could have had; the
    /// break always holds.
    #[must_use]
    pub fn gaps_on(&self, avail: &Availability, date: NaiveDate) -> Vec<Gap> {
        let gaps = self.window_gaps_on(avail, date);
        if self.break_minutes == 0 || gaps.is_empty() {
            return gaps;
        }
        let brk = Duration::minutes(i64::from(self.break_minutes));
        let mut before = date
            .pred_opt()
            .filter(|&prev| prev >= avail.start)
            .and_then(|prev| {
                let last = self.window_gaps_on(avail, prev).last().copied()?;
                Some(Self::instant_at(avail, prev, last.end))
            });
        let mut out = Vec::with_capacity(gaps.len());
        for mut g in gaps {
            if let Some(end) = before {
                let start = Self::instant_at(avail, date, g.start);
                let short = (end + brk - start).num_seconds();
                if short > 0 {
                    let minutes = u32::try_from((short + 59) / 60).unwrap_or(u32::MAX);
                    g.start = g.start.saturating_add(minutes).min(g.end);
                }
            }
            if g.start < g.end {
                before = Some(Self::instant_at(avail, date, g.end));
                out.push(g);
            }
        }
        out
    }

    /// [`FreeTime::gaps_on`] before the breaks between gaps.
    fn window_gaps_on(&self, avail: &Availability, date: NaiveDate) -> Vec<Gap> {
        if avail.is_off(date) || avail.weekday_minutes[weekday_index(date)] == 0 {
            return Vec::new();
        }
        let base: Vec<Gap> = match &self.windows {
            Some(week) => week
                .on(date.weekday())
                .iter()
                .map(|w| Gap {
                    start: w.start,
                    end: w.end,
                })
                .collect(),
            None => vec![Gap {
                start: minute_of_day(avail.at),
                end: DAY_MINUTES,
            }],
        };
        if base.is_empty() {
            return base;
        }
        subtract(base, self.blocked_on(avail.tz(), date))
    }

    /// The day's study minutes: the day's hours, but no more than its gaps hold.
    #[must_use]
    pub fn minutes_on(&self, avail: &Availability, date: NaiveDate) -> u32 {
        if avail.is_off(date) {
            return 0;
        }
        let hours = avail.weekday_minutes[weekday_index(date)];
        if hours == 0 {
            return 0;
        }
        hours.min(self.gaps_on(avail, date).iter().map(|g| g.minutes()).sum())
    }

    /// The most study minutes any day can have: an upper bound of [`FreeTime::minutes_on`] over
    /// all dates (busy time and days off only take time away).
    #[must_use]
    pub fn largest_day(&self, avail: &Availability) -> u32 {
        (0..7)
            .map(|d| avail.weekday_minutes[d].min(self.room(avail, |w| w.total(day(d)))))
            .max()
            .unwrap_or(0)
    }

    /// The longest single session any day can hold: an upper bound of every gap's length
    /// (capped by the day's minutes). With windows, a session cannot be longer than the longest
    /// window, however many minutes the day has.
    #[must_use]
    pub fn longest_session(&self, avail: &Availability) -> u32 {
        (0..7)
            .map(|d| {
                let longest =
                    |w: &WeekWindows| w.on(day(d)).iter().map(|w| w.minutes()).max().unwrap_or(0);
                avail.weekday_minutes[d].min(self.room(avail, longest))
            })
            .max()
            .unwrap_or(0)
    }

    /// Minutes a weekday offers before busy time: `with_windows` of the windows, or the minutes
    /// from `at` to midnight.
    fn room(&self, avail: &Availability, with_windows: impl FnOnce(&WeekWindows) -> u32) -> u32 {
        match &self.windows {
            Some(w) => with_windows(w),
            None => DAY_MINUTES - minute_of_day(avail.at).min(DAY_MINUTES),
        }
    }

    /// Wall-clock minutes of `date` (relative to its midnight; may reach outside 0..1440) that
    /// are busy, widened by the break, and the minutes a DST gap skips. Unsorted.
    fn blocked_on(&self, tz: Tz, date: NaiveDate) -> Vec<(i64, i64)> {
        let midnight = date.and_time(NaiveTime::MIN);
        let day_start = resolve_local(tz, midnight).with_timezone(&Utc);
        let day_end = resolve_local(tz, midnight + Duration::days(1)).with_timezone(&Utc);
        let brk = i64::from(self.break_minutes);
        let mut out = Vec::new();

        // A DST change on this date. Skipped wall-clock times (spring) do not exist, and
        // repeated ones (autumn) name two instants, so a gap through them would not be the span
        // of time its minutes say. Neither is free; nobody loses much sleep over 02:00-03:00.
        let (o_start, o_end) = (offset(tz, day_start), offset(tz, day_end));
        if o_end != o_start {
            let t = change_between(tz, day_start, day_end);
            let wall = (t.naive_utc() - midnight).num_seconds();
            let (a, b) = (wall + i64::from(o_start), wall + i64::from(o_end));
            out.push((a.min(b).div_euclid(60), (a.max(b) + 59).div_euclid(60)));
        }

        // Busy time a few hours either side can reach into the day's wall clock (offsets, the
        // break); more is clipped away below anyway.
        let pad = Duration::minutes(brk) + Duration::hours(30);
        let wall = |t: DateTime<Utc>| (t.with_timezone(&tz).naive_local() - midnight).num_seconds();
        // The break is real time: widen the instants, then read them on the wall clock (an hour
        // before 03:30 on a spring-forward night is 01:30, not 02:30).
        let brk = Duration::minutes(brk);
        for b in self.busy.overlapping(day_start - pad, day_end + pad) {
            let (s, e) = (
                (b.start - brk).max(day_start - pad),
                (b.end + brk).min(day_end + pad),
            );
            let (mut lo, mut hi) = (wall(s), wall(e));
            let (o_s, o_e) = (offset(tz, s), offset(tz, e));
            if o_e < o_s {
                // The clock went back during the event: it also covers the repeated hour.
                let t = change_between(tz, s, e);
                lo = lo.min(wall(t));
                hi = hi.max(wall(t - Duration::seconds(1)) + 1);
            }
            out.push((lo.div_euclid(60), (hi + 59).div_euclid(60)));
        }
        out
    }

    /// The instant of `minute_of_day` minutes after local midnight on `date` (24:00 is the next
    /// midnight), DST-correct like [`resolve_local`].
    #[must_use]
    pub fn instant_at(
        avail: &Availability,
        date: NaiveDate,
        minute_of_day: u32,
    ) -> DateTime<FixedOffset> {
        let local = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute_of_day));
        resolve_local(avail.tz(), local)
    }
}

fn day(d: usize) -> Weekday {
    Weekday::try_from(u8::try_from(d).unwrap_or(0)).unwrap_or(Weekday::Mon)
}

fn weekday_index(date: NaiveDate) -> usize {
    date.weekday().num_days_from_monday() as usize
}

fn minute_of_day(t: NaiveTime) -> u32 {
    let secs = t.signed_duration_since(NaiveTime::MIN).num_seconds();
    u32::try_from(secs / 60).unwrap_or(0)
}

/// The UTC offset of `tz` at `t`, in seconds east.
fn offset(tz: Tz, t: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The first second at or after which `tz` has the offset it has at `to` (it has another at
/// `from`): a bisection, as chrono-tz does not list a zone's changes.
fn change_between(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
    let before = offset(tz, from);
    // Whole seconds: zones change on them, and the answer must be exactly the first one.
    let at = |secs: i64| DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or(to);
    let (mut lo, mut hi) = (from.timestamp(), to.timestamp());
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if offset(tz, at(mid)) == before {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    at(hi)
}

/// `base` (sorted, disjoint) minus the `blocked` ranges, clipped to the day.
fn subtract(base: Vec<Gap>, mut blocked: Vec<(i64, i64)>) -> Vec<Gap> {
    blocked.sort_unstable();
    let mut out = Vec::new();
    for g in base {
        let mut cursor = i64::from(g.start);
        let end = i64::from(g.end);
        for &(lo, hi) in &blocked {
            if hi <= cursor || lo >= end {
                continue;
            }
            if lo > cursor {
                out.push((cursor, lo));
            }
            cursor = cursor.max(hi);
        }
        if cursor < end {
            out.push((cursor, end));
        }
    }
    out.into_iter()
        .filter_map(|(a, b)| {
            let a = u32::try_from(a.clamp(0, i64::from(DAY_MINUTES))).ok()?;
            let b = u32::try_from(b.clamp(0, i64::from(DAY_MINUTES))).ok()?;
            (b > a).then_some(Gap { start: a, end: b })
        })
        .collect()
}

/// Parse `mon,tue,...` (also full names, and ranges like `mon-fri`) into a weekday mask.
pub fn parse_days(s: &str) -> Result<[bool; 7], String> {
    let mut mask = [false; 7];
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (parse_weekday(a)?, parse_weekday(b)?),
            None => {
                let d = parse_weekday(part)?;
                (d, d)
            }
        };
        let mut d = a;
        loop {
            mask[d.num_days_from_monday() as usize] = true;
            if d == b {
                break;
            }
            d = d.succ();
        }
    }
    if mask.iter().all(|m| !m) {
        return Err("no study days given (expected e.g. mon,tue,wed or mon-fri)".into());
    }
    Ok(mask)
}

fn parse_weekday(s: &str) -> Result<Weekday, String> {
    s.trim().parse::<Weekday>().map_err(|_| {
        format!("unknown weekday {s:?} (expected mon, tue, wed, thu, fri, sat or sun)")
    })
}

/// Parse `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD` (inclusive).
pub fn parse_off(s: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let (a, b) = match s.split_once("..") {
        Some((a, b)) => (parse_date(a)?, parse_date(b)?),
        None => {
            let d = parse_date(s)?;
            (d, d)
        }
    };
    if b < a {
        return Err(format!("range {s} runs backwards (write {b}..{a})"));
    }
    Ok((a, b))
}

/// The years a date may fall in. Plans run for at most a few decades past their start, so
/// dates near chrono's limits (year ±262,143) would overflow while planning; four-digit years
/// between these bounds cannot.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

/// The years a day of a plan may fall in (`done --on`, `replan --from`): a plan that starts
/// late in [`YEARS`] has sessions years after it (the path's weeks, then its late work), and
/// each must be nameable. Four-digit years keep every date format we write.
pub const PLAN_YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// Parse a calendar date `YYYY-MM-DD`, rejecting impossible dates such as 2026-02-30 and years
/// outside [`YEARS`].
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    parse_date_in(s, &YEARS)
}

/// Parse a calendar date `YYYY-MM-DD` that names a day of a plan (years in [`PLAN_YEARS`]).
pub fn parse_plan_date(s: &str) -> Result<NaiveDate, String> {
    parse_date_in(s, &PLAN_YEARS)
}

fn parse_date_in(s: &str, years: &std::ops::RangeInclusive<i32>) -> Result<NaiveDate, String> {
    let text = s.trim();
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .ok_or_else(|| format!("{text:?} is not a calendar date of the form YYYY-MM-DD"))?;
    if !years.contains(&date.year()) {
        return Err(format!(
            "{text:?} is out of range; dates must fall in the years {} to {}",
            years.start(),
            years.end()
        ));
    }
    Ok(date)
}

/// Parse `HH:MM` (24-hour).
pub fn parse_time(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| {
        format!(
            "{:?} is not a time of day of the form HH:MM (00:00 to 23:59)",
            s.trim()
        )
    })
}

/// Parse hours per day as a decimal (`1.5`), into whole minutes (rounded to the nearest minute).
pub fn parse_hours(s: &str) -> Result<u32, String> {
    let h: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{:?} is not a number of hours such as 1.5", s.trim()))?;
    if !h.is_finite() || h < 0.0 {
        return Err(format!("{s} is not a number of hours between 0 and 24"));
    }
    if h > 24.0 {
        return Err(format!("{s} hours do not fit in a day (at most 24)"));
    }
    Ok((h * 60.0).round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn avail(tz: &str) -> Availability {
        Availability {
            start: NaiveDate::from_ymd_opt(2027, 3, 22).unwrap(),
            weekday_minutes: [60, 60, 60, 60, 60, 120, 0],
            off: vec![(
                NaiveDate::from_ymd_opt(2027, 3, 24).unwrap(),
                NaiveDate::from_ymd_opt(2027, 3, 25).unwrap(),
            )],
            at: NaiveTime::from_hms_opt(19, 0, 0).unwrap(),
            timezone: tz.into(),
            free: FreeTime::default(),
        }
    }

    #[test]
    fn capacities_follow_weekdays_and_days_off() {
        // 2027-03-22 is a Monday.
        assert_eq!(avail("UTC").capacities(7), vec![60, 60, 0, 0, 60, 120, 0]);
    }

    #[test]
    fn local_time_is_kept_across_dst() {
        let a = avail("Europe/Berlin");
        let before = a.instant(NaiveDate::from_ymd_opt(2027, 3, 27).unwrap(), 0);
        let after = a.instant(NaiveDate::from_ymd_opt(2027, 3, 28).unwrap(), 0);
        assert_eq!(before.to_rfc3339(), "2027-03-27T19:00:00+01:00");
        assert_eq!(after.to_rfc3339(), "2027-03-28T19:00:00+02:00");
    }

    /// Issue 10, item 6: `(t - gap + gap)` left a start time inside a DST gap at the first valid
    /// minute (03:00) instead of shifting it forward by the gap as documented.
    #[test]
    fn regression_dst_gap_session_at_0230_on_2027_03_28_berlin_moves_forward_by_the_gap() {
        let mut a = avail("Europe/Berlin");
        a.at = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        let date = NaiveDate::from_ymd_opt(2027, 3, 28).unwrap();
        assert_eq!(a.instant(date, 0).to_rfc3339(), "2027-03-28T03:30:00+02:00");
        // The minute before the gap is untouched, and a minute after it is the first minute
        // after the gap: sessions run on in real time.
        a.at = NaiveTime::from_hms_opt(1, 59, 0).unwrap();
        assert_eq!(a.instant(date, 0).to_rfc3339(), "2027-03-28T01:59:00+01:00");
        assert_eq!(a.instant(date, 1).to_rfc3339(), "2027-03-28T03:00:00+02:00");
        assert_eq!(
            a.instant(date, 61).to_rfc3339(),
            "2027-03-28T04:00:00+02:00"
        );
        // In the autumn, the repeated hour is lived twice: 60 minutes after 02:30 (summer
        // time) is 02:30 again (winter time).
        a.at = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        let autumn = NaiveDate::from_ymd_opt(2027, 10, 31).unwrap();
        assert_eq!(
            a.instant(autumn, 0).to_rfc3339(),
            "2027-10-31T02:30:00+02:00"
        );
        assert_eq!(
            a.instant(autumn, 60).to_rfc3339(),
            "2027-10-31T02:30:00+01:00"
        );
        // New York springs forward at 02:00 too (2027-03-14), by one hour.
        let ny: Tz = "America/New_York".parse().unwrap();
        let local = NaiveDate::from_ymd_opt(2027, 3, 14)
            .unwrap()
            .and_hms_opt(2, 15, 0)
            .unwrap();
        assert_eq!(
            resolve_local(ny, local).to_rfc3339(),
            "2027-03-14T03:15:00-04:00"
        );
    }

    #[test]
    fn capacity_never_runs_past_midnight() {
        let mut a = avail("UTC");
        a.at = NaiveTime::from_hms_opt(23, 0, 0).unwrap();
        assert_eq!(a.minutes_on(a.start), 60);
        a.weekday_minutes = [240; 7];
        assert_eq!(a.minutes_on(a.start), 60);
    }

    #[test]
    fn parsing() {
        assert_eq!(parse_hours("1.5"), Ok(90));
        assert!(parse_hours("25").is_err());
        assert!(parse_hours("-1").is_err());
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("+262142-12-25").is_err());
        assert!(parse_date("0001-01-01").is_err());
        assert!(parse_date("3009-06-01").is_err());
        assert!(parse_plan_date("3009-06-01").is_ok());
        assert!(parse_plan_date("10000-01-01").is_err());
        assert!(parse_time("25:00").is_err());
        assert!(parse_off("2026-12-24..2026-12-20").is_err());
        assert_eq!(
            parse_days("mon-wed,sun").unwrap(),
            [true, true, true, false, false, false, true]
        );
        assert!(parse_days("funday").is_err());
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn busy_at(tz: &str, from: &str, to: &str) -> Busy {
        let tz: Tz = tz.parse().unwrap();
        let at = |s: &str| {
            let t = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
            resolve_local(tz, t).with_timezone(&Utc)
        };
        Busy {
            start: at(from),
            end: at(to),
        }
    }

    fn gaps(free: &FreeTime, a: &Availability, d: NaiveDate) -> Vec<String> {
        free.gaps_on(a, d)
            .iter()
            .map(|g| format!("{}-{}", clock(g.start), clock(g.end)))
            .collect()
    }

    fn windows(specs: &[&str]) -> WeekWindows {
        parse_windows(specs, [0; 7]).unwrap().0
    }

    #[test]
    fn windows_parse() {
        let (mask, w) = parse_window("mon-fri=18:00-21:30").unwrap();
        assert_eq!(mask, [true, true, true, true, true, false, false]);
        assert_eq!((w.start, w.end, w.minutes()), (18 * 60, 21 * 60 + 30, 210));
        assert_eq!(
            parse_window("sat,sun=22:00-24:00").unwrap().1.to_string(),
            "22:00-24:00"
        );
        let err = |s: &str| parse_window(s).unwrap_err();
        assert_eq!(
            err("mon-fri 18:00-21:30"),
            "\"mon-fri 18:00-21:30\" is not a study window; write DAYS=HH:MM-HH:MM, e.g. \
             mon-fri=18:00-21:30"
        );
        assert_eq!(
            err("funday=18:00-19:00"),
            "\"funday=18:00-19:00\": unknown weekday \"funday\" (expected mon, tue, wed, thu, \
             fri, sat or sun)"
        );
        assert_eq!(
            err("mon=18:00"),
            "\"mon=18:00\": the times must be HH:MM-HH:MM, e.g. 18:00-21:30"
        );
        assert_eq!(
            err("mon=18:00-18:00"),
            "\"mon=18:00-18:00\": the window 18:00-18:00 is empty (it must end after it starts)"
        );
        assert_eq!(
            err("mon=21:30-18:00"),
            "\"mon=21:30-18:00\": the window 21:30-18:00 ends before it starts (write 18:00-21:30)"
        );
        assert_eq!(
            err("fri=22:00-01:00"),
            "\"fri=22:00-01:00\": the window 22:00-01:00 runs past midnight; a window ends by \
             24:00, so split it in two: fri=22:00-24:00, and 00:00-01:00 on the day after"
        );
        assert!(err("mon=24:00-24:00").contains("not a time of day"));
        assert!(err("mon=18:00-25:00").contains("not a time of day"));
    }

    #[test]
    fn overlapping_windows_are_errors_and_touching_ones_merge() {
        assert_eq!(
            parse_windows(&["mon-fri=18:00-21:30", "mon=21:00-22:00"], [60; 7]).unwrap_err(),
            "\"mon-fri=18:00-21:30\" and \"mon=21:00-22:00\" overlap on mon (18:00-21:30 and \
             21:00-22:00); give each stretch of time once, e.g. mon=18:00-22:00"
        );
        let week = windows(&["mon=07:00-08:00", "mon=18:00-19:00", "mon=19:00-20:00"]);
        assert_eq!(
            week.on(Weekday::Mon)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["07:00-08:00", "18:00-20:00"]
        );
        assert_eq!(week.total(Weekday::Mon), 180);
        assert!(week.on(Weekday::Tue).is_empty());
    }

    #[test]
    fn window_warnings_name_short_bare_and_unused_days() {
        let (_, warnings) = parse_windows(
            &[
                "mon-wed=18:00-19:00",
                "thu,fri=18:00-20:00",
                "sun=10:00-11:00",
            ],
            [90, 90, 90, 90, 120, 60, 0],
        )
        .unwrap();
        assert_eq!(
            warnings,
            [
                "the study windows on mon, tue, wed add up to 60 min, less than the day's 90 min \
                 of study; such a day holds at most 60 min",
                "sat has study time but no study window, so nothing is planned on it (add a \
                 window such as sat=09:00-11:00)",
                "sun has a study window but no study time; the window is not used",
            ]
        );
        let (_, none) = parse_windows(&["mon-sun=18:00-21:00"], [180; 7]).unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn at_warning_names_the_days_whose_hours_run_past_midnight() {
        let at = NaiveTime::from_hms_opt(19, 0, 0).unwrap();
        assert_eq!(
            at_warning(at, [480, 480, 300, 480, 480, 600, 0]).as_deref(),
            Some(
                "--at 19:00 leaves 5 h before midnight, less than the 10 h of study on mon, \
                 tue, thu, fri, sat; such a day holds at most 5 h (an earlier --at, or \
                 --window, gives the whole time)"
            )
        );
        assert_eq!(at_warning(at, [300; 7]), None);
    }

    #[test]
    fn free_time_round_trips_through_the_state_file() {
        let free = FreeTime {
            windows: Some(windows(&[
                "mon-fri=18:00-21:30",
                "sat=09:00-12:00",
                "sat=14:00-16:00",
            ])),
            break_minutes: 10,
            busy: BusyTimes::new([busy_at("UTC", "2027-03-22 10:00", "2027-03-22 11:00")]),
            ..FreeTime::default()
        };
        let yaml = serde_norway::to_string(&free).unwrap();
        assert_eq!(
            yaml,
            "windows:\n  mon:\n  - 18:00-21:30\n  tue:\n  - 18:00-21:30\n  wed:\n  - 18:00-21:30\n  \
             thu:\n  - 18:00-21:30\n  fri:\n  - 18:00-21:30\n  sat:\n  - 09:00-12:00\n  - 14:00-16:00\n\
             break_minutes: 10\n"
        );
        let back: FreeTime = serde_norway::from_str(&yaml).unwrap();
        // Busy time is not stored: each command reads the calendars afresh.
        assert_eq!(
            back,
            FreeTime {
                busy: BusyTimes::default(),
                ..free
            }
        );
        let none: FreeTime = serde_norway::from_str("{}").unwrap();
        assert_eq!(none, FreeTime::default());
        assert!(serde_norway::from_str::<FreeTime>("windows:\n  mon: [18:00-17:00]\n").is_err());
        assert!(serde_norway::from_str::<FreeTime>(
            "windows:\n  mon: [18:00-20:00, 19:00-21:00]\n"
        )
        .is_err());
        assert!(serde_norway::from_str::<FreeTime>("windows:\n  moon: [18:00-20:00]\n").is_err());
    }

    #[test]
    fn without_windows_or_busy_time_a_day_runs_from_at_to_midnight() {
        let a = avail("Europe/Berlin");
        let free = FreeTime::default();
        assert_eq!(gaps(&free, &a, date(2027, 3, 22)), ["19:00-24:00"]);
        // Days off and days without study minutes have no gaps.
        assert!(gaps(&free, &a, date(2027, 3, 24)).is_empty());
        assert!(gaps(&free, &a, date(2027, 3, 28)).is_empty());
        // The same capacities as before, day by day.
        for d in 0..60 {
            let day = a.date(d);
            assert_eq!(free.minutes_on(&a, day), a.minutes_on(day), "{day}");
        }
        assert_eq!(free.largest_day(&a), a.largest_day());
        assert_eq!(free.longest_session(&a), 120);
    }

    #[test]
    fn busy_time_and_breaks_are_cut_out_of_the_windows() {
        let mut a = avail("Europe/Berlin");
        a.weekday_minutes = [150; 7];
        let free = FreeTime {
            windows: Some(windows(&["mon-fri=18:00-21:30", "mon=07:00-08:00"])),
            break_minutes: 15,
            busy: BusyTimes::new([
                busy_at("Europe/Berlin", "2027-03-22 19:00", "2027-03-22 20:00"),
                // Ends before the window, but its break reaches into it.
                busy_at("Europe/Berlin", "2027-03-22 06:00", "2027-03-22 07:10"),
                // A meeting in New York (18:00-19:00 there) is 00:00-01:00 the next day here.
                busy_at("America/New_York", "2027-03-22 18:00", "2027-03-22 19:00"),
            ]),
            ..FreeTime::default()
        };
        assert_eq!(
            gaps(&free, &a, date(2027, 3, 22)),
            ["07:25-08:00", "18:00-18:45", "20:15-21:30"]
        );
        // 35 + 45 + 75 = 155 free minutes, but the day has 150.
        assert_eq!(free.minutes_on(&a, date(2027, 3, 22)), 150);
        assert_eq!(gaps(&free, &a, date(2027, 3, 23)), ["18:00-21:30"]);
        // Weekends have no window.
        assert!(gaps(&free, &a, date(2027, 3, 27)).is_empty());
        assert_eq!(free.largest_day(&a), 150);
        assert_eq!(free.longest_session(&a), 150);
        a.weekday_minutes = [300; 7];
        assert_eq!(free.largest_day(&a), 270);
        assert_eq!(free.longest_session(&a), 210);
    }

    #[test]
    fn gaps_closer_than_the_break_keep_it() {
        let mut a = avail("Europe/Berlin");
        a.start = date(2027, 3, 1);
        a.off.clear();
        a.weekday_minutes = [180; 7];
        let free = FreeTime {
            windows: Some(windows(&[
                "mon=18:00-19:00",
                "mon=19:05-20:05",
                "sat=23:00-24:00",
                "sun=00:00-04:00",
            ])),
            break_minutes: 10,
            ..FreeTime::default()
        };
        // Two windows 5 minutes apart: the second starts 10 after the first ends.
        assert_eq!(
            gaps(&free, &a, date(2027, 3, 1)),
            ["18:00-19:00", "19:10-20:05"]
        );
        // Saturday's window ends at midnight, where Sunday's starts.
        assert_eq!(gaps(&free, &a, date(2027, 3, 20)), ["23:00-24:00"]);
        assert_eq!(gaps(&free, &a, date(2027, 3, 21)), ["00:10-04:00"]);
        // The spring-forward night: the skipped hour splits the window, and its two sides meet
        // in real time (02:00 CET is 03:00 CEST), so the later one starts 10 minutes on.
        assert_eq!(
            gaps(&free, &a, date(2027, 3, 28)),
            ["00:10-02:00", "03:10-04:00"]
        );
        // Without a break nothing moves; on the plan's first day nothing before it counts.
        let plain = FreeTime {
            break_minutes: 0,
            ..free.clone()
        };
        assert_eq!(
            gaps(&plain, &a, date(2027, 3, 28)),
            ["00:00-02:00", "03:00-04:00"]
        );
        a.start = date(2027, 3, 21);
        assert_eq!(gaps(&free, &a, date(2027, 3, 21)), ["00:00-04:00"]);
    }

    #[test]
    fn a_whole_day_busy_leaves_nothing() {
        let a = avail("Europe/Berlin");
        let free = FreeTime {
            busy: BusyTimes::new([busy_at(
                "Europe/Berlin",
                "2027-03-22 00:00",
                "2027-03-23 00:00",
            )]),
            ..FreeTime::default()
        };
        assert!(free.gaps_on(&a, date(2027, 3, 22)).is_empty());
        assert_eq!(free.minutes_on(&a, date(2027, 3, 22)), 0);
        assert_eq!(gaps(&free, &a, date(2027, 3, 23)), ["19:00-24:00"]);
    }

    #[test]
    fn dst_days_in_berlin_and_new_york() {
        // Berlin springs forward on Sunday 2027-03-28 (02:00 → 03:00) and falls back on Sunday
        // 2027-10-31 (03:00 → 02:00).
        let mut a = avail("Europe/Berlin");
        a.weekday_minutes = [600; 7];
        a.off.clear();
        let free = FreeTime {
            windows: Some(windows(&["sun=01:00-04:00"])),
            ..FreeTime::default()
        };
        // 02:00-03:00 does not exist that night: no session may be placed there.
        assert_eq!(
            gaps(&free, &a, date(2027, 3, 28)),
            ["01:00-02:00", "03:00-04:00"]
        );
        assert_eq!(
            FreeTime::instant_at(&a, date(2027, 3, 28), 2 * 60).to_rfc3339(),
            "2027-03-28T03:00:00+02:00"
        );
        // The repeated hour 02:00-03:00 of the autumn night is not free either: a wall-clock
        // minute there names two instants. Busy time just after it still counts.
        let oct = date(2027, 10, 31);
        assert_eq!(gaps(&free, &a, oct), ["01:00-02:00", "03:00-04:00"]);
        let late = FreeTime {
            busy: BusyTimes::new([busy_at(
                "Europe/Berlin",
                "2027-10-31 03:00",
                "2027-10-31 03:30",
            )]),
            ..free.clone()
        };
        assert_eq!(gaps(&late, &a, oct), ["01:00-02:00", "03:30-04:00"]);
        // An event from 01:30 summer time to 02:30 winter time (two hours) blocks 01:30-03:00.
        let across = FreeTime {
            busy: BusyTimes::new([Busy {
                start: DateTime::parse_from_rfc3339("2027-10-31T01:30:00+02:00")
                    .unwrap()
                    .into(),
                end: DateTime::parse_from_rfc3339("2027-10-31T02:30:00+01:00")
                    .unwrap()
                    .into(),
            }]),
            ..free.clone()
        };
        assert_eq!(gaps(&across, &a, oct), ["01:00-01:30", "03:00-04:00"]);

        // New York: 2027-03-14 and 2027-11-07, both Sundays, at 02:00.
        let mut ny = avail("America/New_York");
        ny.weekday_minutes = [600; 7];
        ny.off.clear();
        let free = FreeTime {
            windows: Some(windows(&["sun=00:00-06:00"])),
            busy: BusyTimes::new([busy_at(
                "America/New_York",
                "2027-03-14 04:00",
                "2027-03-14 05:00",
            )]),
            break_minutes: 30,
            ..FreeTime::default()
        };
        // 03:00-03:30 EDT starts when 00:00-02:00 EST ends: within the break, so it is gone.
        assert_eq!(
            gaps(&free, &ny, date(2027, 3, 14)),
            ["00:00-02:00", "05:30-06:00"]
        );
        assert_eq!(free.minutes_on(&ny, date(2027, 3, 14)), 150);
        assert_eq!(
            gaps(&free, &ny, date(2027, 11, 7)),
            ["00:00-01:00", "02:00-06:00"]
        );
    }

    #[test]
    fn instants_of_minutes_of_the_day() {
        let a = avail("Europe/Berlin");
        let d = date(2027, 3, 22);
        assert_eq!(
            FreeTime::instant_at(&a, d, 18 * 60 + 30).to_rfc3339(),
            "2027-03-22T18:30:00+01:00"
        );
        assert_eq!(
            FreeTime::instant_at(&a, d, DAY_MINUTES).to_rfc3339(),
            "2027-03-23T00:00:00+01:00"
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn zone() -> impl Strategy<Value = &'static str> {
            prop::sample::select(vec!["UTC", "Europe/Berlin", "America/New_York"])
        }

        /// Up to three windows on each weekday, sorted and apart.
        fn week() -> impl Strategy<Value = Option<WeekWindows>> {
            let day = prop::collection::vec((0u32..48, 1u32..16), 0..4).prop_map(|parts| {
                let mut out = Vec::new();
                let mut cursor = 0;
                for (skip, len) in parts {
                    let start = cursor + skip * 10;
                    let end = (start + len * 10).min(DAY_MINUTES);
                    if start >= DAY_MINUTES || end <= start {
                        break;
                    }
                    out.push(Window { start, end });
                    cursor = end + 10;
                }
                out
            });
            prop::option::of(prop::array::uniform7(day).prop_map(|days| WeekWindows { days }))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1000))]

            /// Gaps are sorted, disjoint and non-empty, lie inside the windows (or after `at`),
            /// and never come within the break of a busy interval — checked on instants, so the
            /// wall-clock arithmetic across DST changes is checked too.
            #[test]
            fn gaps_stay_in_windows_and_clear_of_busy_time(
                tz in zone(),
                // Days around the 2027 DST changes of both zones.
                day in prop::sample::select(vec![
                    date(2027, 3, 13), date(2027, 3, 14), date(2027, 3, 27), date(2027, 3, 28),
                    date(2027, 6, 1), date(2027, 10, 31), date(2027, 11, 7),
                ]),
                windows in week(),
                at in 0u32..1440,
                break_minutes in prop::sample::select(vec![0u32, 5, 15, 60]),
                busy in prop::collection::vec((-2000i64..2000, 1i64..600), 0..8),
            ) {
                let mut a = avail(tz);
                a.weekday_minutes = [900; 7];
                a.off.clear();
                a.at = NaiveTime::from_hms_opt(at / 60, at % 60, 0).unwrap();
                let noon = resolve_local(a.tz(), day.and_hms_opt(12, 0, 0).unwrap())
                    .with_timezone(&Utc);
                let busy: Vec<Busy> = busy
                    .iter()
                    .map(|&(s, len)| Busy {
                        start: noon + Duration::minutes(s),
                        end: noon + Duration::minutes(s + len),
                    })
                    .collect();
                let free = FreeTime {
                    windows: windows.clone(),
                    break_minutes,
                    busy: BusyTimes::new(busy.clone()),
                    ..FreeTime::default()
                };
                let gaps = free.gaps_on(&a, day);
                for pair in gaps.windows(2) {
                    prop_assert!(pair[0].end < pair[1].start, "{gaps:?}");
                }
                // Gaps are a break apart in real time, the day before's last one included.
                let real = |d: NaiveDate, m: u32| FreeTime::instant_at(&a, d, m).with_timezone(&Utc);
                let prev = day.pred_opt().unwrap();
                let before = free.gaps_on(&a, prev).last().map(|g| real(prev, g.end));
                let brk = Duration::minutes(i64::from(break_minutes));
                let mut end = before.filter(|_| prev >= a.start);
                for g in &gaps {
                    if let Some(end) = end {
                        prop_assert!(
                            end + brk <= real(day, g.start),
                            "{g:?} starts within {break_minutes} min of {end} ({gaps:?})"
                        );
                    }
                    end = Some(real(day, g.end));
                }
                let allowed: Vec<(u32, u32)> = match &windows {
                    Some(w) => w.on(day.weekday()).iter().map(|w| (w.start, w.end)).collect(),
                    None => vec![(at, DAY_MINUTES)],
                };
                for g in &gaps {
                    prop_assert!(g.start < g.end && g.end <= DAY_MINUTES);
                    prop_assert!(
                        allowed.iter().any(|&(s, e)| s <= g.start && g.end <= e),
                        "{g:?} outside {allowed:?}"
                    );
                    let (gs, ge) = (
                        FreeTime::instant_at(&a, day, g.start).with_timezone(&Utc),
                        FreeTime::instant_at(&a, day, g.end).with_timezone(&Utc),
                    );
                    prop_assert_eq!(
                        (ge - gs).num_minutes(),
                        i64::from(g.minutes()),
                        "{:?} is not as long in real time as on the wall clock", g
                    );
                    for b in &busy {
                        prop_assert!(
                            b.end + brk <= gs || ge <= b.start - brk,
                            "{g:?} ({gs} - {ge}) meets {b:?} with a {break_minutes} min break"
                        );
                    }
                }
                let total: u32 = gaps.iter().map(|g| g.minutes()).sum();
                prop_assert_eq!(free.minutes_on(&a, day), total.min(900));
                prop_assert!(free.minutes_on(&a, day) <= free.largest_day(&a));
                // A session is at most the day's minutes and one gap long.
                let longest = free.longest_session(&a);
                prop_assert!(gaps.iter().all(|g| g.minutes().min(900) <= longest));
            }
        }
    }
}
