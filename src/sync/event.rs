//! Reading one calendar object resource as the server has it now, which a calendar app may
//! have rewritten: its UID, its times in UTC, SEQUENCE and whether it was cancelled.
//!
//! Parsing is the `icalendar` crate's; this module only turns what it reads into UTC. Apps
//! write times in UTC, with a TZID (an IANA name, or one with a vendor prefix such as
//! `/mozilla.org/20050126_1/Europe/Berlin`), or floating; a floating time is read in the
//! plan's zone, the learner's own. A time that cannot be placed (an unknown zone, an all-day
//! event) is reported, never guessed.

use super::Seen;
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use icalendar::{CalendarDateTime, Component, DatePerhapsTime};

/// Read `body`. The event is the VEVENT with `uid` (or the first one) that is not a
/// recurrence override; `zone` is the plan's IANA zone, for floating times; `length` is the
/// length we wrote, used when the app left out DTEND.
pub fn read(body: &str, uid: &str, zone: &str, length: Duration) -> Seen {
    let calendar: icalendar::Calendar = match body.parse() {
        Ok(c) => c,
        Err(e) => {
            return Seen {
                uid: None,
                times: Err(format!(
                    "it does not parse as iCalendar: {}",
                    first_line(&e)
                )),
                sequence: None,
                cancelled: false,
            }
        }
    };
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .filter(|e| e.get_recurrence_id().is_none())
        .collect();
    let Some(event) = events
        .iter()
        .find(|e| e.get_uid() == Some(uid))
        .or_else(|| events.first())
    else {
        return Seen {
            uid: None,
            times: Err("it holds no event".into()),
            sequence: None,
            cancelled: false,
        };
    };
    let start = event
        .get_start()
        .ok_or_else(|| "it has no DTSTART".to_string())
        .and_then(|s| to_utc(&s, zone));
    let times = start.and_then(|start| {
        let end = match event.get_end() {
            Some(e) => to_utc(&e, zone)?,
            None => start + length,
        };
        if end <= start {
            return Err("its end is not after its start".into());
        }
        Ok((start, end))
    });
    Seen {
        uid: event.get_uid().map(str::to_string),
        times,
        sequence: event.get_sequence(),
        cancelled: matches!(event.get_status(), Some(icalendar::EventStatus::Cancelled)),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

fn to_utc(value: &DatePerhapsTime, zone: &str) -> Result<DateTime<Utc>, String> {
    match value {
        DatePerhapsTime::Date(d) => Err(format!("it is an all-day event on {d} now")),
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)) => Ok(*t),
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(t)) => in_zone(*t, zone),
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            in_zone(*date_time, tzid)
        }
    }
}

/// A local time in a zone named by a TZID: an IANA name, or a vendor path that ends in one.
fn in_zone(local: NaiveDateTime, tzid: &str) -> Result<DateTime<Utc>, String> {
    let trimmed = tzid.trim_matches('"');
    let segments: Vec<&str> = trimmed.split('/').collect();
    // "Europe/Berlin", or the last one, two or three segments of a vendor prefix.
    let zone = (0..segments.len())
        .find_map(|i| segments[i..].join("/").parse::<chrono_tz::Tz>().ok())
        .ok_or_else(|| format!("its time zone {tzid:?} is not one this build knows"))?;
    // In a DST gap the wall time does not exist; in an overlap take the earlier instant,
    // as RFC 5545 §3.3.5 says.
    zone.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{local} does not exist in {tzid}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal(event: &str) -> String {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:u1@studyplan\r\nDTSTAMP:20261121T120000Z\r\n{event}END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("rfc3339")
            .with_timezone(&Utc)
    }

    fn times(event: &str) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
        read(
            &cal(event),
            "u1@studyplan",
            "Europe/Berlin",
            Duration::minutes(30),
        )
        .times
    }

    #[test]
    fn reads_utc_tzid_vendor_prefix_and_floating_times() {
        let want = Ok((utc("2026-12-01T18:00:00Z"), utc("2026-12-01T18:30:00Z")));
        assert_eq!(
            times("DTSTART:20261201T180000Z\r\nDTEND:20261201T183000Z\r\n"),
            want
        );
        assert_eq!(
            times("DTSTART;TZID=Europe/Berlin:20261201T190000\r\nDTEND;TZID=Europe/Berlin:20261201T193000\r\n"),
            want
        );
        assert_eq!(
            times("DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20261201T190000\r\nDTEND;TZID=/mozilla.org/20050126_1/Europe/Berlin:20261201T193000\r\n"),
            want
        );
        assert_eq!(
            times("DTSTART:20261201T190000\r\nDTEND:20261201T193000\r\n"),
            want
        );
        // No DTEND: the length we wrote.
        assert_eq!(times("DTSTART:20261201T180000Z\r\n"), want);
    }

    #[test]
    fn reports_what_it_cannot_place() {
        assert!(
            times("DTSTART;VALUE=DATE:20261201\r\nDTEND;VALUE=DATE:20261202\r\n")
                .is_err_and(|e| e.contains("all-day"))
        );
        assert!(times(
            "DTSTART;TZID=Mars/Olympus:20261201T190000\r\nDTEND;TZID=Mars/Olympus:20261201T193000\r\n"
        )
        .is_err_and(|e| e.contains("Mars/Olympus")));
        assert!(read("not a calendar", "u1", "UTC", Duration::minutes(1))
            .times
            .is_err());
    }

    #[test]
    fn reads_uid_sequence_and_cancelled() {
        let s = read(
            &cal("DTSTART:20261201T180000Z\r\nDTEND:20261201T183000Z\r\nSEQUENCE:4\r\nSTATUS:CANCELLED\r\n"),
            "u1@studyplan",
            "UTC",
            Duration::minutes(30),
        );
        assert_eq!(s.uid.as_deref(), Some("u1@studyplan"));
        assert_eq!(s.sequence, Some(4));
        assert!(s.cancelled);
    }
}
