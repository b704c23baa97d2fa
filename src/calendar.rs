//! Availability: study hours per weekday, days off and the time zone, turned into the
//! capacity (in minutes) of each day of the plan, and local study times into instants.
//!
//! Day 0 is the start date. Capacities are a pure function of the settings and the date, so a
//! plan can be extended to any horizon and a replan sees the same days the plan saw.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime,
    Offset, TimeZone, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

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
    /// IANA zone name.
    pub timezone: String,
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

    /// Study minutes available on `date`.
    pub fn minutes_on(&self, date: NaiveDate) -> u32 {
        if self.off.iter().any(|&(a, b)| a <= date && date <= b) {
            return 0;
        }
        let cap = self.weekday_minutes[date.weekday().num_days_from_monday() as usize];
        // Never plan past midnight: a day holds at most the minutes left after `at`.
        cap.min(self.minutes_left_after_at())
    }

    fn minutes_left_after_at(&self) -> u32 {
        let secs = self.at.signed_duration_since(NaiveTime::MIN).num_seconds();
        u32::try_from((86_400 - secs) / 60).unwrap_or(0)
    }

    /// Capacities of days `0..days`.
    pub fn capacities(&self, days: u32) -> Vec<u32> {
        (0..days).map(|d| self.minutes_on(self.date(d))).collect()
    }

    /// The largest capacity of any study day (over a week; days off only remove capacity).
    pub fn largest_day(&self) -> u32 {
        self.weekday_minutes
            .iter()
            .map(|&m| m.min(self.minutes_left_after_at()))
            .max()
            .unwrap_or(0)
    }

    /// The instant of `minutes` after `at` on `date`, in the plan's zone, DST-correct: the local
    /// wall-clock time is kept; a time that falls in a DST gap moves forward by the gap.
    pub fn instant(&self, date: NaiveDate, minutes_after_at: u32) -> DateTime<FixedOffset> {
        let local: NaiveDateTime =
            date.and_time(self.at) + Duration::minutes(i64::from(minutes_after_at));
        resolve_local(self.tz(), local)
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

/// Parse a calendar date `YYYY-MM-DD`, rejecting impossible dates such as 2026-02-30 and years
/// outside [`YEARS`].
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let text = s.trim();
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .ok_or_else(|| format!("{text:?} is not a calendar date of the form YYYY-MM-DD"))?;
    if !YEARS.contains(&date.year()) {
        return Err(format!(
            "{text:?} is out of range; dates must fall in the years {} to {}",
            YEARS.start(),
            YEARS.end()
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
        // The minute before the gap and the first minute after it are untouched.
        a.at = NaiveTime::from_hms_opt(1, 59, 0).unwrap();
        assert_eq!(a.instant(date, 0).to_rfc3339(), "2027-03-28T01:59:00+01:00");
        assert_eq!(
            a.instant(date, 61).to_rfc3339(),
            "2027-03-28T03:00:00+02:00"
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
        assert!(parse_time("25:00").is_err());
        assert!(parse_off("2026-12-24..2026-12-20").is_err());
        assert_eq!(
            parse_days("mon-wed,sun").unwrap(),
            [true, true, true, false, false, false, true]
        );
        assert!(parse_days("funday").is_err());
    }
}
