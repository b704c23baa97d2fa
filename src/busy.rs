//! Busy calendars: the events of iCalendar files that Google Calendar, Outlook, Apple Calendar
//! or Thunderbird export, turned into the busy intervals no study session may overlap.
//!
//! This module owns everything between the text of a calendar and a sorted list of instants:
//! parsing (the `icalendar` crate's parser), the time zone of each event (IANA names, Windows
//! names as Outlook writes them via CLDR's table in the `localzone` crate, the file's own
//! VTIMEZONE definitions as a last resort, floating times in the plan's zone, and a calendar's
//! X-WR-TIMEZONE as Google and Apple mean it), recurrences
//! (RRULE expanded by the `rrule` crate; RDATE, EXDATE and RECURRENCE-ID overrides, with
//! RANGE=THISANDFUTURE, here), several calendars in one file, and
//! which events block at all: not cancelled ones, not transparent or free timed ones, and
//! all-day ones as the learner chooses ([`AllDay`]), whatever their TRANSP says.
//!
//! It is pure: text in, intervals out. Reading files, size limits and remembering which files a
//! plan used belong to the command layer.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::parser::{Component, Property};
use serde::{Deserialize, Serialize};

use crate::calendar::resolve_local;

/// One busy stretch of time. `end` is exclusive and after `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Busy {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// What all-day (DATE-valued) events do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AllDay {
    /// They block the whole local days they cover (holidays, trips).
    #[default]
    Block,
    /// They are let through: many people keep birthdays and reminders as all-day events.
    Ignore,
}

impl FromStr for AllDay {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "block" => Ok(AllDay::Block),
            "ignore" => Ok(AllDay::Ignore),
            other => Err(format!(
                "{other:?} is not an all-day policy (write block or ignore)"
            )),
        }
    }
}

impl fmt::Display for AllDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AllDay::Block => "block",
            AllDay::Ignore => "ignore",
        })
    }
}

/// A busy calendar that cannot be read: which file, where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}{}", line.map(|l| format!(":{l}")).unwrap_or_default(),
        uid.as_ref().map(|u| format!(" (event {u:?})")).unwrap_or_default())]
pub struct BusyError {
    /// The file name as the learner gave it (`-` for stdin).
    pub file: String,
    /// 1-based physical line in the file, when known.
    pub line: Option<usize>,
    /// The UID of the event at fault, when known.
    pub uid: Option<String>,
    pub message: String,
}

/// The most instances one recurring event (or one VTIMEZONE rule) may produce between its first
/// instance and the end of the plan. A weekly meeting since 1990 has about 2,000; a rule that
/// repeats every minute would take seconds and say nothing useful, so it is an error instead.
pub const MAX_INSTANCES: usize = 100_000;

/// Read the busy intervals of one iCalendar text that overlap `[from, to)`, sorted by start, with
/// overlapping or touching intervals merged.
///
/// `file` names the text in errors. All-day dates are read in `plan_tz`, and so are floating times
/// unless the calendar's X-WR-TIMEZONE names a zone.
pub fn read(
    text: &str,
    file: &str,
    plan_tz: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    all_day: AllDay,
) -> Result<Vec<Busy>, BusyError> {
    let header = text.trim_start_matches('\u{feff}').trim_start();
    if !header
        .get(..15)
        .is_some_and(|h| h.eq_ignore_ascii_case("BEGIN:VCALENDAR"))
    {
        let message = if header.is_empty() {
            "is empty, not an iCalendar file (export the calendar as .ics)"
        } else {
            "is not an iCalendar file: it does not start with BEGIN:VCALENDAR (export the \
             calendar as .ics)"
        };
        return Err(BusyError {
            file: file.to_string(),
            line: None,
            uid: None,
            message: message.to_string(),
        });
    }
    let unfolded = Unfolded::new(text).map_err(|(line, content)| BusyError {
        file: file.to_string(),
        line: Some(line),
        uid: None,
        message: format!(
            "malformed line {:?} (expected NAME:VALUE)",
            shorten(&content)
        ),
    })?;
    let mut reader = Reader {
        file,
        plan_tz,
        from,
        to,
        all_day,
        unfolded: &unfolded,
        zones: Vec::new(),
        zone_ids: HashMap::new(),
        calendar_zone: None,
    };
    let mut busy = reader.read(&unfolded.text)?;
    busy.sort_unstable();
    Ok(merge(busy))
}

/// The text of a calendar file, or `None` when it is not UTF-8.
///
/// RFC 5545 3.1 folds lines at 75 octets and warns that simple writers split a multi-octet
/// character there; unfolding the bytes gives it back. Such a file is not UTF-8 as it stands, so
/// the bytes of a character a fold splits move to before the line break (unfolded, the line is
/// the same; the line numbers errors give stay true).
pub fn decode(bytes: Vec<u8>) -> Option<String> {
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Some(text),
        Err(e) => e.into_bytes(),
    };
    let continuation = |b: u8| (0x80..0xC0).contains(&b);
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let fold = match &bytes[i..] {
            [b'\r', b'\n', b' ' | b'\t', ..] => 3,
            [b'\n', b' ' | b'\t', ..] => 2,
            _ => 0,
        };
        if fold > 0 {
            let tail = bytes[i + fold..]
                .iter()
                .take_while(|&&b| continuation(b))
                .count();
            out.extend_from_slice(&bytes[i + fold..i + fold + tail]);
            out.extend_from_slice(&bytes[i..i + fold]);
            i += fold + tail;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Merge sorted intervals that overlap or touch.
fn merge(sorted: Vec<Busy>) -> Vec<Busy> {
    let mut out: Vec<Busy> = Vec::with_capacity(sorted.len());
    for b in sorted {
        match out.last_mut() {
            Some(last) if b.start <= last.end => last.end = last.end.max(b.end),
            _ => out.push(b),
        }
    }
    out
}

/// The content lines of a file that matter here, unfolded (RFC 5545 3.1), each remembering the
/// physical line it starts on.
///
/// `icalendar::parser::unfold` unfolds too, but loses the line numbers errors need and keeps the
/// file's line ends. The crate's parser reads a property value with `take_until("\r\n")` first:
/// in a file with LF ends (or one that mixes them) that runs on to the next CRLF, and it scans the
/// rest of the file for every line, which took minutes for 50,000 events. So every line here ends
/// in CRLF, whatever the file had. Lines of properties never read here (DESCRIPTION, ATTENDEE, …) are
/// dropped before parsing: that makes big exports faster to read and keeps the parser from
/// tripping over them (it rejects quoted parameter lists such as `MEMBER="a","b"`, which RFC 5545
/// allows; see the test `parameter_lists_on_unused_properties_do_not_matter`).
struct Unfolded {
    text: String,
    /// (byte offset in `text`, 1-based physical line) of each kept content line.
    starts: Vec<(usize, usize)>,
}

/// The properties (and component delimiters) the reader looks at.
const KEPT: [&str; 18] = [
    "BEGIN",
    "END",
    "UID",
    "DTSTART",
    "DTEND",
    "DURATION",
    "RRULE",
    "RDATE",
    "EXDATE",
    "RECURRENCE-ID",
    "TRANSP",
    "STATUS",
    "X-WR-TIMEZONE",
    "TZID",
    "TZOFFSETFROM",
    "TZOFFSETTO",
    "X-MICROSOFT-CDO-BUSYSTATUS",
    "X-MICROSOFT-CDO-ALLDAYEVENT",
];

impl Unfolded {
    /// Unfold and filter `input`; a content line without a `NAME:` is an error (its line and
    /// text).
    fn new(input: &str) -> Result<Self, (usize, String)> {
        let input = input.strip_prefix('\u{feff}').unwrap_or(input);
        let mut text = String::with_capacity(input.len() / 2);
        let mut starts = Vec::new();
        let mut lines = input
            .split('\n')
            .map(|l| l.trim_end_matches('\r'))
            .enumerate()
            .peekable();
        // One logical line per turn: a physical line and the ones folded onto it (those start
        // with a space or tab). Slices, not copies: most lines are dropped.
        while let Some((i, first)) = lines.next() {
            let mut folded = Vec::new();
            while let Some((_, next)) = lines.next_if(|(_, l)| l.starts_with([' ', '\t'])) {
                folded.push(&next[1..]);
            }
            if first.trim().is_empty() && folded.iter().all(|l| l.trim().is_empty()) {
                continue;
            }
            let whole = || {
                let mut s = first.to_string();
                s.extend(folded.iter().copied());
                s
            };
            // The name ends at the first ';' or ':' (a name folded in two is rare enough to be
            // read whole).
            let name = match first.find([';', ':']) {
                Some(end) => std::borrow::Cow::Borrowed(&first[..end]),
                None => {
                    let s = whole();
                    let end = s.find([';', ':']).unwrap_or(s.len());
                    std::borrow::Cow::Owned(s[..end].to_string())
                }
            };
            let has_colon = first.contains(':') || folded.iter().any(|l| l.contains(':'));
            let well_formed = has_colon
                && !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if !well_formed {
                return Err((i + 1, whole()));
            }
            if KEPT.iter().any(|k| k.eq_ignore_ascii_case(&name)) {
                starts.push((text.len(), i + 1));
                text.push_str(first);
                for l in &folded {
                    text.push_str(l);
                }
                text.push_str("\r\n");
            }
        }
        Ok(Unfolded { text, starts })
    }

    /// The physical line of a byte offset into `text`.
    fn line_at(&self, offset: usize) -> Option<usize> {
        let i = self.starts.partition_point(|&(start, _)| start <= offset);
        i.checked_sub(1).map(|i| self.starts[i].1)
    }

    /// The kept content line at a byte offset into `text`.
    fn content_at(&self, offset: usize) -> &str {
        let i = self.starts.partition_point(|&(start, _)| start <= offset);
        let from = i.checked_sub(1).map_or(0, |i| self.starts[i].0);
        self.text
            .get(from..)
            .and_then(|t| t.lines().next())
            .unwrap_or("")
    }
}

/// The physical line a slice of the unfolded text starts on. Property names are always borrowed
/// from the text by the parser, so their address says where they are; anything else gives None.
fn line_of(unfolded: &Unfolded, text: &str, s: &str) -> Option<usize> {
    let offset = (s.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    (offset <= text.len())
        .then(|| unfolded.line_at(offset))
        .flatten()
}

/// A time zone an event's times are in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Zone {
    Utc,
    /// No zone given: the plan's zone.
    Floating,
    Iana(Tz),
    /// A VTIMEZONE of the file that no name table knows (index into `Reader::zones`).
    Custom(usize),
}

/// A DATE or DATE-TIME value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum When {
    Date(NaiveDate),
    At(NaiveDateTime, Zone),
}

impl When {
    /// The wall-clock time in the value's own zone (midnight for a date).
    fn naive(self) -> NaiveDateTime {
        match self {
            When::Date(d) => d.and_time(NaiveTime::MIN),
            When::At(t, _) => t,
        }
    }
}

/// An event's length: whole days that follow the calendar (a day across a DST change is 23 or 25
/// hours) plus exact seconds, as RFC 5545 defines DURATION.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Length {
    days: i64,
    seconds: i64,
}

/// A time zone defined only by the file's VTIMEZONE: its UTC offset changes.
#[derive(Debug)]
struct CustomZone {
    /// (instant of the change, offset before, offset after), sorted; offsets in seconds east.
    changes: Vec<(DateTime<Utc>, i32, i32)>,
}

impl CustomZone {
    /// Local wall-clock time → instant. Times in a gap read with the offset before it (shifted
    /// forward), times in a fold (they occur twice) with the offset before it too: their first
    /// occurrence, as RFC 5545 3.3.5 says and as the IANA zones here read them.
    fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let i = self.changes.partition_point(|&(at, _, after)| {
            at.naive_utc() + Duration::seconds(i64::from(after)) <= local
        });
        let offset = match i.checked_sub(1) {
            // In a fold: the wall clock has not yet passed the change's local time before it.
            Some(i)
                if local
                    < self.changes[i].0.naive_utc()
                        + Duration::seconds(i64::from(self.changes[i].1)) =>
            {
                self.changes[i].1
            }
            Some(i) => self.changes[i].2,
            None => self.changes.first().map_or(0, |c| c.1),
        };
        Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(offset))))
    }

    /// Instant → local wall-clock time.
    fn to_local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        let i = self.changes.partition_point(|&(at, _, _)| at <= t);
        let offset = match i.checked_sub(1) {
            Some(i) => self.changes[i].2,
            None => self.changes.first().map_or(0, |c| c.1),
        };
        t.naive_utc() + Duration::seconds(i64::from(offset))
    }
}

/// One VEVENT, its values parsed.
struct Event<'a> {
    /// Line of the event's first property, for errors about the event as a whole.
    line: Option<usize>,
    uid: Option<&'a str>,
    start: When,
    start_line: Option<usize>,
    length: Length,
    rrules: Vec<(&'a str, Option<usize>)>,
    rdates: Vec<(When, Option<Length>)>,
    exdates: Vec<When>,
    recurrence_id: Option<When>,
    /// `RECURRENCE-ID;RANGE=THISANDFUTURE`: the change holds for every later instance too.
    this_and_future: bool,
    /// Not cancelled, and (timed events) not transparent or free.
    blocks: bool,
    all_day: bool,
}

struct Reader<'f> {
    file: &'f str,
    unfolded: &'f Unfolded,
    plan_tz: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    all_day: AllDay,
    zones: Vec<CustomZone>,
    /// TZID → zone, for every TZID met so far (Windows names cost a table scan).
    zone_ids: HashMap<String, Zone>,
    /// The X-WR-TIMEZONE of the calendar being read, where it names a zone.
    calendar_zone: Option<Tz>,
}

impl Reader<'_> {
    fn error(
        &self,
        line: Option<usize>,
        uid: Option<&str>,
        message: impl Into<String>,
    ) -> BusyError {
        BusyError {
            file: self.file.to_string(),
            line,
            uid: uid.map(str::to_string),
            message: message.into(),
        }
    }

    fn line(&self, text: &str, s: &str) -> Option<usize> {
        line_of(self.unfolded, text, s)
    }

    fn read(&mut self, text: &str) -> Result<Vec<Busy>, BusyError> {
        // A file may hold several calendars one after the other (RFC 5545 3.4); the parser
        // reads one, so each is parsed on its own.
        let mut calendars = Vec::new();
        let mut from = 0;
        for (i, &(offset, _)) in self.unfolded.starts.iter().enumerate() {
            let ends = text
                .get(offset..offset + 13)
                .is_some_and(|l| l.eq_ignore_ascii_case("END:VCALENDAR"));
            let next = self.unfolded.starts.get(i + 1).map_or(text.len(), |s| s.0);
            if ends || next == text.len() {
                calendars.push(self.read_calendar(text, from, next)?);
                from = next;
            }
        }
        // Each component with the X-WR-TIMEZONE of its calendar.
        let mut components = Vec::new();
        for roots in &calendars {
            for calendar in roots {
                let zone = prop(calendar, "X-WR-TIMEZONE").and_then(|p| named_zone(p.val.as_str()));
                components.extend(calendar.components.iter().map(|c| (c, zone)));
            }
        }
        for (tz, _) in components.iter().filter(|(c, _)| is(c, "VTIMEZONE")) {
            self.read_vtimezone(text, tz)?;
        }
        let mut masters = Vec::new();
        let mut overrides: HashMap<&str, Vec<Event>> = HashMap::new();
        for &(c, zone) in components.iter().filter(|(c, _)| is(c, "VEVENT")) {
            self.calendar_zone = zone;
            let event = self.read_event(text, c)?;
            match (event.recurrence_id, event.uid) {
                (Some(_), Some(uid)) => overrides.entry(uid).or_default().push(event),
                _ => masters.push(event),
            }
        }

        let mut busy = Vec::new();
        for master in &masters {
            let moved = master
                .uid
                .and_then(|u| overrides.get(u))
                .map_or(&[][..], Vec::as_slice);
            self.expand(master, moved, &mut busy)?;
        }
        // Each override is an instance of its own: moved (and blocking where it now is) or
        // cancelled (blocking nothing). Overrides whose series is not in the file count too.
        for events in overrides.values() {
            for event in events {
                self.expand(event, &[], &mut busy)?;
            }
        }
        Ok(busy)
    }

    /// The calendar in `text[from..to]` (up to its END:VCALENDAR), parsed.
    fn read_calendar<'t>(
        &self,
        text: &'t str,
        from: usize,
        to: usize,
    ) -> Result<Vec<Component<'t>>, BusyError> {
        let part = &text[from..to];
        let roots = match icalendar::parser::read_calendar_simple(part) {
            Ok(roots) => roots,
            // A file cut short inside an event fails to parse at the event's BEGIN line;
            // what is wrong is the missing end.
            Err(_)
                if !part
                    .lines()
                    .any(|l| l.trim().eq_ignore_ascii_case("END:VCALENDAR")) =>
            {
                return Err(self.unbalanced(text, from));
            }
            Err(e) => {
                let offset = to.saturating_sub(e.input.len());
                let content = self.unfolded.content_at(offset);
                let message = if content
                    .get(..4)
                    .is_some_and(|h| h.eq_ignore_ascii_case("END:"))
                {
                    format!(
                        "{:?} does not close the component open here (BEGIN: and END: lines do \
                         not pair up)",
                        shorten(content)
                    )
                } else {
                    format!("malformed line {:?}", shorten(content))
                };
                return Err(self.error(self.unfolded.line_at(offset), None, message));
            }
        };
        // The parser gives up quietly (no components) on a calendar that is cut short or has
        // something after END:VCALENDAR; say which.
        let calendar = roots
            .into_iter()
            .find(|c| c.name.as_str().eq_ignore_ascii_case("VCALENDAR"));
        match calendar {
            Some(calendar) => Ok(vec![calendar]),
            None => Err(self.unbalanced(text, from)),
        }
    }

    /// Why the parser found no calendar in the part of `text` from byte `from` although the
    /// file starts like one.
    fn unbalanced(&self, text: &str, from: usize) -> BusyError {
        let part = &text[from..];
        let first = self.unfolded.starts.partition_point(|s| s.0 < from);
        let begins = part
            .get(..15)
            .is_some_and(|h| h.eq_ignore_ascii_case("BEGIN:VCALENDAR"));
        let closed = part
            .lines()
            .any(|l| l.trim().eq_ignore_ascii_case("END:VCALENDAR"));
        if !begins {
            self.error(
                self.unfolded.starts.get(first).map(|s| s.1),
                None,
                "unexpected line after END:VCALENDAR (only another BEGIN:VCALENDAR may follow)",
            )
        } else if !closed {
            self.error(
                self.unfolded.starts.last().map(|s| s.1),
                None,
                "the calendar has no END:VCALENDAR (is the file cut short?)",
            )
        } else {
            self.error(
                None,
                None,
                "BEGIN: and END: lines do not pair up (a component is not closed)",
            )
        }
    }

    fn read_vtimezone(&mut self, text: &str, c: &Component) -> Result<(), BusyError> {
        let Some(tzid) = prop(c, "TZID") else {
            return Ok(());
        };
        let id = tzid.val.as_str().trim().to_string();
        let mut changes = Vec::new();
        for obs in c
            .components
            .iter()
            .filter(|o| is(o, "STANDARD") || is(o, "DAYLIGHT"))
        {
            let line = self.line(text, obs.properties.first().map_or("", |p| p.name.as_str()));
            let offset = |name: &str| -> Result<i32, BusyError> {
                let p = prop(obs, name).ok_or_else(|| {
                    self.error(line, None, format!("VTIMEZONE {id:?} has no {name}"))
                })?;
                parse_offset(p.val.as_str()).ok_or_else(|| {
                    self.error(
                        self.line(text, p.name.as_str()),
                        None,
                        format!(
                            "{name} {:?} is not a UTC offset such as +0100",
                            p.val.as_str()
                        ),
                    )
                })
            };
            let (before, after) = (offset("TZOFFSETFROM")?, offset("TZOFFSETTO")?);
            let start = prop(obs, "DTSTART").ok_or_else(|| {
                self.error(line, None, format!("VTIMEZONE {id:?} has no DTSTART"))
            })?;
            let start_line = self.line(text, start.name.as_str());
            let onset = parse_naive(start.val.as_str()).ok_or_else(|| {
                self.error(
                    start_line,
                    None,
                    format!("DTSTART {:?} is not a date-time", start.val.as_str()),
                )
            })?;
            // Onsets are wall-clock times in the offset before the change.
            let to_utc = |t: NaiveDateTime| {
                Utc.from_utc_datetime(&(t - Duration::seconds(i64::from(before))))
            };
            let mut onsets = vec![onset];
            for r in props(obs, "RRULE") {
                let rule_line = self.line(text, r.name.as_str());
                let until_horizon = (self.to + Duration::days(400)).naive_utc();
                let resolve = |u: UntilValue| match u {
                    UntilValue::Utc(t) => t.naive_utc() + Duration::seconds(i64::from(before)),
                    UntilValue::Local(t) => t,
                    UntilValue::Date(d) => d.and_time(NaiveTime::MIN) + Duration::days(1),
                };
                let expanded = expand_rule(r.val.as_str(), onset, resolve, |t| t > until_horizon)
                    .map_err(|m| self.error(rule_line, None, m))?;
                onsets.extend(expanded);
            }
            for r in props(obs, "RDATE") {
                for v in r.val.as_str().split(',') {
                    if let Some(t) = parse_naive(v) {
                        onsets.push(t);
                    }
                }
            }
            changes.extend(onsets.into_iter().map(|t| (to_utc(t), before, after)));
        }
        if changes.is_empty() {
            return Ok(());
        }
        changes.sort_by_key(|c| c.0);
        changes.dedup_by_key(|c| c.0);
        self.zones.push(CustomZone { changes });
        let index = self.zones.len() - 1;
        // A name the tables know wins over the file's definition (the tz database also knows a
        // zone's history); only unknown names use the VTIMEZONE.
        if named_zone(&id).is_none() {
            self.zone_ids.insert(id, Zone::Custom(index));
        }
        Ok(())
    }

    fn zone(&mut self, tzid: &str, line: Option<usize>) -> Result<Zone, BusyError> {
        let id = tzid.trim();
        if let Some(z) = self.zone_ids.get(id) {
            return Ok(*z);
        }
        let zone = named_zone(id).map(Zone::Iana).ok_or_else(|| {
            self.error(
                line,
                None,
                format!(
                    "unknown time zone {id:?} in TZID: not an IANA or Windows zone name, and no \
                     VTIMEZONE in the file defines it"
                ),
            )
        })?;
        self.zone_ids.insert(id.to_string(), zone);
        Ok(zone)
    }

    /// Parse one DATE / DATE-TIME value of `p` (`value` may be one of a comma-separated list).
    fn when(&mut self, text: &str, p: &Property, value: &str) -> Result<When, BusyError> {
        let line = self.line(text, p.name.as_str());
        let value = value.trim();
        let date_only = param(p, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
        let bad = |this: &Self| {
            this.error(
                line,
                None,
                format!(
                    "{} {value:?} is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])",
                    p.name.as_str()
                ),
            )
        };
        if value.len() == 8 || date_only {
            return NaiveDate::parse_from_str(value, "%Y%m%d")
                .map(When::Date)
                .map_err(|_| bad(self));
        }
        // X-WR-TIMEZONE is not in RFC 5545, but Google and Apple write it and mean it: a
        // calendar's UTC and floating times are on its wall clock, so a weekly 17:00Z meeting
        // written in Berlin's winter stays at 18:00 Berlin time in summer (as the x-wr-timezone
        // package, which Python's recurring-ical-events applies, reads them). A UTC time keeps
        // its instant; only the frame its recurrence repeats in changes.
        if let Some(utc) = value.strip_suffix(['Z', 'z']) {
            let t = parse_naive(utc).ok_or_else(|| bad(self))?;
            return Ok(match self.calendar_zone {
                Some(tz) => When::At(tz.from_utc_datetime(&t).naive_local(), Zone::Iana(tz)),
                None => When::At(t, Zone::Utc),
            });
        }
        let t = parse_naive(value).ok_or_else(|| bad(self))?;
        let zone = match param(p, "TZID") {
            Some(id) => self.zone(id, line)?,
            None => self.calendar_zone.map_or(Zone::Floating, Zone::Iana),
        };
        Ok(When::At(t, zone))
    }

    fn read_event<'c>(&mut self, text: &str, c: &'c Component<'c>) -> Result<Event<'c>, BusyError> {
        let line = c
            .properties
            .first()
            .and_then(|p| self.line(text, p.name.as_str()));
        let uid = prop(c, "UID").map(|p| p.val.as_str().trim());
        let with_uid = |mut e: BusyError| {
            e.uid = uid.map(str::to_string);
            e
        };
        // An override may leave DTSTART out (RFC 5545 3.6.1 allows it where the file has a
        // METHOD, as cancellations do): it then starts where its RECURRENCE-ID says.
        let start_prop = prop(c, "DTSTART")
            .or_else(|| prop(c, "RECURRENCE-ID"))
            .ok_or_else(|| with_uid(self.error(line, None, "event has no DTSTART")))?;
        let start_line = self.line(text, start_prop.name.as_str());
        let start = self
            .when(text, start_prop, start_prop.val.as_str())
            .map_err(with_uid)?;
        let length = match (prop(c, "DTEND"), prop(c, "DURATION")) {
            (Some(end_prop), _) => {
                let end = self
                    .when(text, end_prop, end_prop.val.as_str())
                    .map_err(with_uid)?;
                self.length_between(start, end).ok_or_else(|| {
                    // A DTSTART the clocks skip (02:30 on a spring-forward night) is read an
                    // hour on (RFC 5545 3.3.5), which an end in that hour is before.
                    let skipped = match start {
                        When::At(t, zone) => {
                            let read = self.utc_to_local(self.local_to_utc(t, zone), zone);
                            (read != t).then(|| {
                                format!(
                                    " (DTSTART {} does not exist on that day: the clocks skip it, \
                                     so it is read as {}, as RFC 5545 says)",
                                    start_prop.val.as_str().trim(),
                                    read.format("%H:%M")
                                )
                            })
                        }
                        When::Date(_) => None,
                    };
                    with_uid(self.error(
                        self.line(text, end_prop.name.as_str()),
                        None,
                        format!(
                            "DTEND {} is before DTSTART {}{}",
                            end_prop.val.as_str().trim(),
                            start_prop.val.as_str().trim(),
                            skipped.unwrap_or_default()
                        ),
                    ))
                })?
            }
            (None, Some(d)) => parse_duration(d.val.as_str()).ok_or_else(|| {
                with_uid(self.error(
                    self.line(text, d.name.as_str()),
                    None,
                    format!(
                        "DURATION {:?} is not a duration such as PT1H30M or P1D",
                        d.val.as_str()
                    ),
                ))
            })?,
            // RFC 5545 3.6.1: a date lasts one day, a date-time without an end lasts no time.
            (None, None) => match start {
                When::Date(_) => Length {
                    days: 1,
                    seconds: 0,
                },
                When::At(..) => Length {
                    days: 0,
                    seconds: 0,
                },
            },
        };
        let mut rdates = Vec::new();
        for p in props(c, "RDATE") {
            let period = param(p, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("PERIOD"));
            for v in p.val.as_str().split(',') {
                let (at, own) = match v.split_once('/') {
                    Some((a, b)) if period || b.starts_with(['P', 'p', '+']) || b.len() >= 15 => {
                        (a, Some(b))
                    }
                    _ => (v, None),
                };
                let when = self.when(text, p, at).map_err(with_uid)?;
                let own_length = match own {
                    Some(b) if b.starts_with(['P', 'p', '+']) => parse_duration(b),
                    Some(b) => {
                        let end = self.when(text, p, b).map_err(with_uid)?;
                        self.length_between(when, end)
                    }
                    None => None,
                };
                rdates.push((when, own_length));
            }
        }
        let mut exdates = Vec::new();
        for p in props(c, "EXDATE") {
            for v in p.val.as_str().split(',').filter(|v| !v.trim().is_empty()) {
                exdates.push(self.when(text, p, v).map_err(with_uid)?);
            }
        }
        let recurrence_id = match prop(c, "RECURRENCE-ID") {
            Some(p) => Some(self.when(text, p, p.val.as_str()).map_err(with_uid)?),
            None => None,
        };
        let value_is = |name: &str, want: &str| {
            prop(c, name).is_some_and(|p| p.val.as_str().trim().eq_ignore_ascii_case(want))
        };
        let all_day =
            matches!(start, When::Date(_)) || value_is("X-MICROSOFT-CDO-ALLDAYEVENT", "TRUE");
        // Google, Outlook and Apple all mark a new all-day event "free" (TRANSP:TRANSPARENT),
        // holidays included, so for all-day events the all-day policy decides, not TRANSP;
        // a cancelled event never blocks.
        let free = value_is("TRANSP", "TRANSPARENT")
            // Outlook's "show as free", in case a file carries it without TRANSP.
            || value_is("X-MICROSOFT-CDO-BUSYSTATUS", "FREE");
        let blocks = !value_is("STATUS", "CANCELLED") && (all_day || !free);
        Ok(Event {
            line,
            uid,
            start,
            start_line,
            length,
            rrules: props(c, "RRULE")
                .map(|p| (p.val.as_str(), self.line(text, p.name.as_str())))
                .collect(),
            rdates,
            exdates,
            recurrence_id,
            this_and_future: prop(c, "RECURRENCE-ID")
                .and_then(|p| param(p, "RANGE"))
                .is_some_and(|r| r.eq_ignore_ascii_case("THISANDFUTURE")),
            blocks,
            all_day,
        })
    }

    /// The length from `start` to `end`, or None when `end` is before `start`.
    fn length_between(&self, start: When, end: When) -> Option<Length> {
        match (start, end) {
            (When::Date(a), When::Date(b)) => {
                let days = (b - a).num_days();
                // An all-day event ending on its start day is written by some clients for a
                // one-day event (DTEND is exclusive, so strictly it would last no time).
                (days >= 0).then_some(Length {
                    days: days.max(1),
                    seconds: 0,
                })
            }
            _ => {
                let seconds = (self.instant(end) - self.instant(start)).num_seconds();
                (seconds >= 0).then_some(Length { days: 0, seconds })
            }
        }
    }

    /// The instant a value stands for; dates are midnight in the plan's zone.
    fn instant(&self, w: When) -> DateTime<Utc> {
        match w {
            When::Date(d) => self.local_to_utc(d.and_time(NaiveTime::MIN), Zone::Floating),
            When::At(t, zone) => self.local_to_utc(t, zone),
        }
    }

    fn local_to_utc(&self, t: NaiveDateTime, zone: Zone) -> DateTime<Utc> {
        match zone {
            Zone::Utc => Utc.from_utc_datetime(&t),
            Zone::Floating => resolve_local(self.plan_tz, t).with_timezone(&Utc),
            Zone::Iana(tz) => resolve_local(tz, t).with_timezone(&Utc),
            Zone::Custom(i) => self
                .zones
                .get(i)
                .map_or_else(|| Utc.from_utc_datetime(&t), |z| z.to_utc(t)),
        }
    }

    fn utc_to_local(&self, t: DateTime<Utc>, zone: Zone) -> NaiveDateTime {
        match zone {
            Zone::Utc => t.naive_utc(),
            Zone::Floating => t.with_timezone(&self.plan_tz).naive_local(),
            Zone::Iana(tz) => t.with_timezone(&tz).naive_local(),
            Zone::Custom(i) => self
                .zones
                .get(i)
                .map_or_else(|| t.naive_utc(), |z| z.to_local(t)),
        }
    }

    /// The busy interval of one instance starting at wall-clock `start` in `zone`.
    fn interval(&self, start: When, length: Length) -> Busy {
        match start {
            When::Date(d) => {
                let end = d + Duration::days(length.days + i64::from(length.seconds > 0));
                Busy {
                    start: self.instant(When::Date(d)),
                    end: self.instant(When::Date(end)),
                }
            }
            When::At(t, zone) => {
                let s = self.local_to_utc(t, zone);
                let base = if length.days == 0 {
                    s
                } else {
                    self.local_to_utc(t + Duration::days(length.days), zone)
                };
                Busy {
                    start: s,
                    end: base + Duration::seconds(length.seconds),
                }
            }
        }
    }

    /// Add the instances of `event` (all of its recurrence, less EXDATEs and the instances that
    /// `moved` overrides) that block and overlap the plan to `out`.
    fn expand(&self, event: &Event, moved: &[Event], out: &mut Vec<Busy>) -> Result<(), BusyError> {
        let wanted = event.blocks && !(event.all_day && self.all_day == AllDay::Ignore);
        if !wanted {
            return Ok(());
        }
        let overlaps = |b: &Busy| b.start < self.to && b.end > self.from && b.end > b.start;
        // Outlook writes an all-day event as midnight to midnight in its own zone, marked
        // X-MICROSOFT-CDO-ALLDAYEVENT. Like a DATE event, it blocks its days in the plan's zone
        // (read as instants, a holiday in Berlin would block a New York learner's Sunday
        // evening and leave their Monday evening free).
        let span = |start: When, length: Length| match start {
            When::At(t, _) if event.all_day => {
                let days = (length.days + (length.seconds + 43_200) / 86_400).max(1);
                self.interval(When::Date(t.date()), Length { days, seconds: 0 })
            }
            _ => self.interval(start, length),
        };
        if event.rrules.is_empty() && event.rdates.is_empty() {
            let b = span(event.start, event.length);
            if overlaps(&b) {
                out.push(b);
            }
            return Ok(());
        }

        // Instances are told apart by the instant they start at, whatever zone names them.
        let mut skip: HashSet<i64> = HashSet::new();
        let mut skip_days: HashSet<NaiveDate> = HashSet::new();
        for &x in event
            .exdates
            .iter()
            .chain(moved.iter().filter_map(|m| m.recurrence_id.as_ref()))
        {
            match (x, event.start) {
                // A DATE exception of a timed series drops that day's instance (Google does this).
                (When::Date(d), When::At(..)) => {
                    skip_days.insert(d);
                }
                _ => {
                    skip.insert(self.instant(x).timestamp());
                }
            }
        }
        // Overrides with RANGE=THISANDFUTURE, by the instant of the instance they change: each
        // one moves (by the same shift), resizes or cancels every later instance as well, until
        // the next one (RFC 5545 3.8.4.4).
        let mut onwards: Vec<(i64, &Event)> = moved
            .iter()
            .filter(|m| m.this_and_future)
            .filter_map(|m| Some((self.instant(m.recurrence_id?).timestamp(), m)))
            .collect();
        onwards.sort_by_key(|o| o.0);
        let mut emit = |start: When, length: Length| {
            let at = self.instant(start).timestamp();
            if skip.contains(&at) || skip_days.contains(&start.naive().date()) {
                return;
            }
            let i = onwards.partition_point(|o| o.0 < at);
            let b = match i.checked_sub(1).map(|i| onwards[i].1) {
                None => span(start, length),
                Some(m) => {
                    if !m.blocks || (m.all_day && self.all_day == AllDay::Ignore) {
                        return;
                    }
                    let Some(rid) = m.recurrence_id else { return };
                    match (start, rid, m.start) {
                        // The same wall-clock shift in one zone (a weekly 07:00 that became
                        // 19:00 stays at 19:00 across a DST change).
                        (When::At(t, z), When::At(r, zr), When::At(n, zn))
                            if z == zr && z == zn =>
                        {
                            self.interval(When::At(t + (n - r), z), m.length)
                        }
                        (When::Date(d), When::Date(r), When::Date(n)) => {
                            self.interval(When::Date(d + (n - r)), m.length)
                        }
                        _ => {
                            let shift = self.instant(m.start) - self.instant(rid);
                            let b = self.interval(start, m.length);
                            Busy {
                                start: b.start + shift,
                                end: b.end + shift,
                            }
                        }
                    }
                }
            };
            if overlaps(&b) {
                out.push(b);
            }
        };

        // DTSTART is always the first instance (RFC 5545 3.8.5.3), even when the rule would not
        // produce it; doubles are merged later.
        emit(event.start, event.length);
        for &(when, own) in &event.rdates {
            emit(when, own.unwrap_or(event.length));
        }
        let zone = match event.start {
            When::Date(_) => Zone::Floating,
            When::At(_, z) => z,
        };
        // Instances that start this far past the plan's end cannot reach into it.
        let horizon = self.to + Duration::days(1);
        for &(rule, line) in &event.rrules {
            let resolve = |u: UntilValue| match (u, event.start) {
                (UntilValue::Utc(t), _) => self.utc_to_local(t, zone),
                (UntilValue::Local(t), _) => t,
                // UNTIL is inclusive: a date bound keeps that whole day.
                (UntilValue::Date(d), When::Date(_)) => d.and_time(NaiveTime::MIN),
                (UntilValue::Date(d), When::At(..)) => {
                    d.and_time(NaiveTime::MIN) + Duration::days(1) - Duration::seconds(1)
                }
            };
            let past = |t: NaiveDateTime| self.local_to_utc(t, zone) >= horizon;
            let starts = expand_rule(rule, event.start.naive(), resolve, past)
                .map_err(|m| self.error(line.or(event.start_line).or(event.line), event.uid, m))?;
            for t in starts {
                let start = match event.start {
                    When::Date(_) => When::Date(t.date()),
                    When::At(_, z) => When::At(t, z),
                };
                emit(start, event.length);
            }
        }
        Ok(())
    }
}

/// An UNTIL value before it is put in the series' wall-clock frame.
#[derive(Clone, Copy)]
enum UntilValue {
    Utc(DateTime<Utc>),
    Local(NaiveDateTime),
    Date(NaiveDate),
}

/// The wall-clock starts of a recurrence rule from `start` on, up to the first one for which
/// `past` holds.
///
/// The rule is expanded on wall-clock times (the `rrule` crate is handed them as if they were
/// UTC): RFC 5545 recurrences repeat the local time, so a weekly 19:00 stays 19:00 across a DST
/// change, and the caller turns each wall-clock time into an instant in the event's real zone —
/// which may be a Windows or VTIMEZONE zone that `rrule::Tz` cannot express. UNTIL is taken out
/// of the rule and put back in the same frame: the crate would read a floating UNTIL in the
/// machine's local zone, and insists on a UTC one where DTSTART has a zone.
fn expand_rule(
    rule: &str,
    start: NaiveDateTime,
    until: impl Fn(UntilValue) -> NaiveDateTime,
    past: impl Fn(NaiveDateTime) -> bool,
) -> Result<Vec<NaiveDateTime>, String> {
    let rule = rule.trim();
    let mut until_value = None;
    let mut rest = Vec::new();
    for part in rule.split(';').filter(|p| !p.trim().is_empty()) {
        match part.split_once('=') {
            Some((k, v)) if k.trim().eq_ignore_ascii_case("UNTIL") => until_value = Some(v.trim()),
            _ => rest.push(part),
        }
    }
    let parsed: rrule::RRule<rrule::Unvalidated> = rest
        .join(";")
        .parse()
        .map_err(|e| format!("RRULE {rule:?} is not a valid recurrence rule: {e}"))?;
    let dt_start = rrule::Tz::UTC.from_utc_datetime(&start);
    let parsed = match until_value {
        Some(u) => {
            let value = if let Some(z) = u.strip_suffix(['Z', 'z']) {
                parse_naive(z).map(|t| UntilValue::Utc(Utc.from_utc_datetime(&t)))
            } else if u.len() == 8 {
                NaiveDate::parse_from_str(u, "%Y%m%d")
                    .ok()
                    .map(UntilValue::Date)
            } else {
                parse_naive(u).map(UntilValue::Local)
            }
            .ok_or_else(|| format!("UNTIL {u:?} in RRULE {rule:?} is not a date or date-time"))?;
            let bound = until(value);
            if bound < start {
                // A series that ends before it begins is just its first instance.
                return Ok(Vec::new());
            }
            parsed.until(rrule::Tz::UTC.from_utc_datetime(&bound))
        }
        None => parsed,
    };
    let validated = parsed
        .validate(dt_start)
        .map_err(|e| format!("RRULE {rule:?} is not a valid recurrence rule: {e}"))?;
    // `limit` makes the crate give up on a rule that finds no instance for 100,000 steps
    // (e.g. February 30th) instead of searching forever.
    let set = rrule::RRuleSet::new(dt_start).rrule(validated).limit();
    let mut out = Vec::new();
    for t in &set {
        let t = t.naive_utc();
        if past(t) {
            return Ok(out);
        }
        if out.len() >= MAX_INSTANCES {
            return Err(format!(
                "RRULE {rule:?} repeats more than {MAX_INSTANCES} times before the plan ends; \
                 remove the event or give the rule an end (COUNT or UNTIL)"
            ));
        }
        out.push(t);
    }
    Ok(out)
}

/// A zone for a TZID by name: an IANA name (any case), a Windows name as Outlook writes it, or
/// an IANA name behind a prefix (`/mozilla.org/20070129_1/Europe/Berlin` from old Thunderbird,
/// `/freeassociation.sourceforge.net/Tzfile/Europe/Berlin` from Evolution).
fn named_zone(id: &str) -> Option<Tz> {
    let iana = |name: &str| {
        name.parse::<Tz>().ok().or_else(|| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .find(|tz| tz.name().eq_ignore_ascii_case(name))
                .copied()
        })
    };
    if let Some(tz) = iana(id) {
        return Some(tz);
    }
    // CLDR's "001" row is the zone a Windows name stands for world-wide.
    if let Some(tz) = localzone::win_zone_to_iana(id, Some("001")).and_then(|n| n.parse().ok()) {
        return Some(tz);
    }
    id.match_indices('/')
        .filter_map(|(i, _)| id.get(i + 1..))
        .filter(|rest| !rest.is_empty())
        .find_map(iana)
}

fn is(c: &Component, name: &str) -> bool {
    c.name.as_str().eq_ignore_ascii_case(name)
}

fn prop<'a>(c: &'a Component, name: &'a str) -> Option<&'a Property<'a>> {
    props(c, name).next()
}

fn props<'a>(c: &'a Component, name: &'a str) -> impl Iterator<Item = &'a Property<'a>> + 'a {
    c.properties
        .iter()
        .filter(move |p| p.name.as_str().eq_ignore_ascii_case(name))
}

fn param<'a>(p: &'a Property, key: &str) -> Option<&'a str> {
    p.params
        .iter()
        .find(|x| x.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|x| x.val.as_ref())
        .map(|v| v.as_str().trim())
}

/// The first 60 characters of a line, for messages.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// `YYYYMMDDTHHMMSS` (seconds may be missing, as some hand-written files have it).
fn parse_naive(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y%m%dT%H%M%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y%m%dT%H%M"))
        .ok()
}

/// `+HHMM`, `-HHMM` or `+HHMMSS` → seconds east of UTC.
fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    let (sign, digits) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits.get(r).and_then(|d| d.parse::<i32>().ok());
    let seconds = n(0..2)? * 3600 + n(2..4)? * 60 + if digits.len() == 6 { n(4..6)? } else { 0 };
    Some(sign * seconds)
}

/// An RFC 5545 DURATION (`P1W`, `P1D`, `PT1H30M`, `P1DT2H`), via the `iso8601` crate (the one
/// `icalendar` uses). Years and months are not durations in iCalendar; negative ones cannot be an
/// event's length.
fn parse_duration(s: &str) -> Option<Length> {
    let s = s.trim();
    let s = s.strip_prefix('+').unwrap_or(s);
    match iso8601::duration(s).ok()? {
        iso8601::Duration::Weeks(w) => Some(Length {
            days: i64::from(w) * 7,
            seconds: 0,
        }),
        iso8601::Duration::YMDHMS {
            year: 0,
            month: 0,
            day,
            hour,
            minute,
            second,
            millisecond: _,
        } => Some(Length {
            days: i64::from(day),
            seconds: i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second),
        }),
        iso8601::Duration::YMDHMS { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BERLIN: Tz = chrono_tz::Europe::Berlin;

    /// A calendar around `body`, with CRLF line ends as clients write them.
    fn cal(body: &str) -> String {
        format!("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{body}END:VCALENDAR\n")
            .replace("\r\n", "\n")
            .replace('\n', "\r\n")
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// Read with a plan in Berlin from 2027-01-01 to 2028-01-01; intervals as Berlin times.
    fn busy_in(text: &str, tz: Tz, all_day: AllDay) -> Result<Vec<String>, BusyError> {
        let got = read(
            text,
            "cal.ics",
            tz,
            utc("2027-01-01T00:00:00Z"),
            utc("2028-01-01T00:00:00Z"),
            all_day,
        )?;
        Ok(got
            .iter()
            .map(|b| {
                format!(
                    "{} {}",
                    b.start.with_timezone(&tz).format("%Y-%m-%dT%H:%M%:z"),
                    b.end.with_timezone(&tz).format("%H:%M%:z")
                )
            })
            .collect())
    }

    fn busy(text: &str) -> Vec<String> {
        busy_in(text, BERLIN, AllDay::Block).unwrap()
    }

    #[track_caller]
    fn error(text: &str) -> String {
        busy_in(text, BERLIN, AllDay::Block)
            .unwrap_err()
            .to_string()
    }

    fn event(lines: &str) -> String {
        format!("BEGIN:VEVENT\nUID:e1\n{lines}END:VEVENT\n")
    }

    #[test]
    fn utc_floating_and_zoned_times() {
        let text = cal(&[
            event("DTSTART:20270105T100000Z\nDTEND:20270105T110000Z\n"),
            // Floating: the plan's zone.
            event("DTSTART:20270106T100000\nDTEND:20270106T110000\n"),
            event("DTSTART;TZID=America/New_York:20270107T100000\nDTEND;TZID=America/New_York:20270107T110000\n"),
            // Outlook's Windows names, old Thunderbird's prefixed names, any case.
            event("DTSTART;TZID=W. Europe Standard Time:20270108T100000\nDTEND;TZID=W. Europe Standard Time:20270108T110000\n"),
            event("DTSTART;TZID=\"Eastern Standard Time\":20270109T100000\nDURATION:PT30M\n"),
            event("DTSTART;TZID=/mozilla.org/20070129_1/Europe/London:20270110T100000\nDURATION:PT1H\n"),
            event("DTSTART;TZID=europe/paris:20270111T100000\nDURATION:PT1H\n"),
        ]
        .concat());
        assert_eq!(
            busy(&text),
            [
                "2027-01-05T11:00+01:00 12:00+01:00",
                "2027-01-06T10:00+01:00 11:00+01:00",
                "2027-01-07T16:00+01:00 17:00+01:00",
                "2027-01-08T10:00+01:00 11:00+01:00",
                "2027-01-09T16:00+01:00 16:30+01:00",
                "2027-01-10T11:00+01:00 12:00+01:00",
                "2027-01-11T10:00+01:00 11:00+01:00",
            ]
        );
    }

    #[test]
    fn unknown_time_zone_is_named_with_its_line() {
        let text = cal(&event(
            "DTSTART;TZID=Mars/Olympus:20270105T100000\nDURATION:PT1H\n",
        ));
        assert_eq!(
            error(&text),
            "cal.ics:6: unknown time zone \"Mars/Olympus\" in TZID: not an IANA or Windows zone \
             name, and no VTIMEZONE in the file defines it (event \"e1\")"
        );
    }

    /// Berlin's rules in a VTIMEZONE of its own, as Outlook writes a zone it has no name for.
    const CUSTOM_ZONE: &str = "BEGIN:VTIMEZONE\nTZID:Customized Time Zone\nBEGIN:STANDARD\n\
        DTSTART:16010101T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\n\
        RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\nBEGIN:DAYLIGHT\n\
        DTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\n\
        RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n";

    /// Outlook names a zone it cannot name otherwise "Customized Time Zone" and defines it in a
    /// VTIMEZONE; its rules apply.
    #[test]
    fn a_vtimezone_defines_a_zone_no_table_knows() {
        let tz = CUSTOM_ZONE;
        let text = cal(&format!(
            "{tz}{}",
            event(
                "DTSTART;TZID=Customized Time Zone:20270322T190000\nDURATION:PT1H\n\
                 RRULE:FREQ=WEEKLY;COUNT=2\n"
            )
        ));
        assert_eq!(
            busy(&text),
            [
                "2027-03-22T19:00+01:00 20:00+01:00",
                "2027-03-29T19:00+02:00 20:00+02:00"
            ]
        );
    }

    #[test]
    fn a_vtimezone_fold_reads_as_the_first_occurrence() {
        // 02:30 on 2027-10-31 happens twice; RFC 5545 3.3.5 means the first (CEST), as the IANA
        // zone reads it.
        let tz = CUSTOM_ZONE;
        let at = |zone: &str| {
            cal(&format!(
                "{tz}{}",
                event(&format!(
                    "DTSTART;TZID={zone}:20271031T023000\nDURATION:PT1H\n"
                ))
            ))
        };
        let want = ["2027-10-31T02:30+02:00 02:30+01:00"];
        assert_eq!(busy(&at("Customized Time Zone")), want);
        assert_eq!(busy(&at("Europe/Berlin")), want);
        // Just after the fold, and in the spring gap (read with the offset before it).
        let text = cal(&format!(
            "{tz}{}{}",
            event("DTSTART;TZID=Customized Time Zone:20271031T030000\nDURATION:PT1H\n"),
            event("DTSTART;TZID=Customized Time Zone:20270328T023000\nDURATION:PT1H\n"),
        ));
        assert_eq!(
            busy(&text),
            [
                "2027-03-28T03:30+02:00 04:30+02:00",
                "2027-10-31T03:00+01:00 04:00+01:00"
            ]
        );
    }

    #[test]
    fn this_and_future_overrides_change_every_later_instance() {
        let series = event(
            "DTSTART;TZID=Europe/Berlin:20270302T070000\nDTEND;TZID=Europe/Berlin:20270302T080000\n\
             RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=6\n",
        );
        // From the 16th on the meeting is at 19:00 for an hour and a half, across the DST
        // change of the 28th.
        let moved = cal(&format!(
            "{series}{}",
            event(
                "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20270316T070000\n\
                 DTSTART;TZID=Europe/Berlin:20270316T190000\nDTEND;TZID=Europe/Berlin:20270316T203000\n",
            )
        ));
        assert_eq!(
            busy(&moved),
            [
                "2027-03-02T07:00+01:00 08:00+01:00",
                "2027-03-09T07:00+01:00 08:00+01:00",
                "2027-03-16T19:00+01:00 20:30+01:00",
                "2027-03-23T19:00+01:00 20:30+01:00",
                "2027-03-30T19:00+02:00 20:30+02:00",
                "2027-04-06T19:00+02:00 20:30+02:00",
            ]
        );
        // Cancelled this and future: the series ends before the 23rd; a later plain override
        // of a cancelled instance still stands on its own.
        let ended = cal(&format!(
            "{series}{}{}",
            event(
                "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20270323T070000\n\
                 STATUS:CANCELLED\n",
            ),
            event(
                "RECURRENCE-ID;TZID=Europe/Berlin:20270406T070000\n\
                 DTSTART;TZID=Europe/Berlin:20270407T070000\nDTEND;TZID=Europe/Berlin:20270407T080000\n",
            )
        ));
        assert_eq!(
            busy(&ended),
            [
                "2027-03-02T07:00+01:00 08:00+01:00",
                "2027-03-09T07:00+01:00 08:00+01:00",
                "2027-03-16T07:00+01:00 08:00+01:00",
                "2027-04-07T07:00+02:00 08:00+02:00",
            ]
        );
    }

    #[test]
    fn several_calendars_in_one_file_are_all_read() {
        let one = cal(&event("DTSTART:20270105T100000Z\nDTEND:20270105T110000Z\n"));
        let two = cal(&event("DTSTART:20270106T100000Z\nDTEND:20270106T110000Z\n"));
        assert_eq!(
            busy(&format!("{one}{two}")),
            [
                "2027-01-05T11:00+01:00 12:00+01:00",
                "2027-01-06T11:00+01:00 12:00+01:00"
            ]
        );
        // Anything else after a calendar is still an error, on its line.
        let message = error(&format!("{one}UID:stray\r\n"));
        assert!(message.starts_with("cal.ics:10: "), "{message}");
        assert!(message.contains("after END:VCALENDAR"), "{message}");
        let message = error(&format!("{one}{}", two.replace("END:VCALENDAR\r\n", "")));
        assert!(message.contains("no END:VCALENDAR"), "{message}");
    }

    #[test]
    fn a_fold_inside_a_character_is_unfolded_as_bytes() {
        let line = "SUMMARY:Meeting in M\u{fc}nchen\r\n";
        let text = cal(&event(&format!(
            "{line}DTSTART:20270105T100000Z\nDURATION:PT1H\n"
        )));
        // Fold between the two bytes of "ü", as a writer that counts octets does.
        let at = text.find("\u{fc}").unwrap() + 1;
        let mut bytes = text.clone().into_bytes();
        bytes.splice(at..at, *b"\r\n ");
        assert!(String::from_utf8(bytes.clone()).is_err());
        let decoded = decode(bytes).unwrap();
        assert_eq!(decoded.replace("\r\n ", ""), text);
        assert_eq!(busy(&decoded), ["2027-01-05T11:00+01:00 12:00+01:00"]);
        // Text that is not UTF-8 for another reason stays refused.
        assert_eq!(decode(b"BEGIN:VCALENDAR\r\nX:\xff\r\n".to_vec()), None);
    }

    #[test]
    fn a_cancelled_override_without_dtstart_cancels_its_instance() {
        let text = cal(&format!(
            "METHOD:PUBLISH\n{}{}",
            event(
                "DTSTART;TZID=Europe/Berlin:20270104T180000\nDTEND;TZID=Europe/Berlin:20270104T190000\n\
                 RRULE:FREQ=DAILY;COUNT=3\n"
            ),
            event("RECURRENCE-ID;TZID=Europe/Berlin:20270105T180000\nSTATUS:CANCELLED\n"),
        ));
        assert_eq!(
            busy(&text),
            [
                "2027-01-04T18:00+01:00 19:00+01:00",
                "2027-01-06T18:00+01:00 19:00+01:00"
            ]
        );
    }

    #[test]
    fn weekly_series_keep_their_wall_clock_time_across_dst() {
        // New York changes on 2027-03-14, Berlin on 2027-03-28: a 19:00 meeting in New York
        // is 00:00 in Berlin before the 14th, 23:00 between, 00:00 again after the 28th.
        let text = cal(&event(
            "DTSTART;TZID=America/New_York:20270308T180000\nDTEND;TZID=America/New_York:20270308T190000\n\
             RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4\n",
        ));
        assert_eq!(
            busy(&text),
            [
                "2027-03-09T00:00+01:00 01:00+01:00",
                "2027-03-15T23:00+01:00 00:00+01:00",
                "2027-03-22T23:00+01:00 00:00+01:00",
                "2027-03-30T00:00+02:00 01:00+02:00",
            ]
        );
    }

    #[test]
    fn x_wr_timezone_puts_utc_and_floating_times_on_its_wall_clock() {
        // Google writes a New York calendar's weekly 18:00 as 23:00Z in winter; it stays at
        // 18:00 New York time after 2027-03-14, which is 22:00Z. Its UTC exception and override
        // still find their instances, and a floating time is New York's too, not the plan's.
        let text = format!(
            "BEGIN:VCALENDAR\nVERSION:2.0\nX-WR-TIMEZONE:America/New_York\n{}{}{}END:VCALENDAR\n",
            event(
                "DTSTART:20270301T230000Z\nDTEND:20270302T000000Z\n\
                 RRULE:FREQ=WEEKLY;UNTIL=20270329T220000Z\nEXDATE:20270308T230000Z\n"
            ),
            event("RECURRENCE-ID:20270322T220000Z\nDTSTART:20270322T200000Z\nDURATION:PT1H\n"),
            "BEGIN:VEVENT\nUID:e2\nDTSTART:20270401T090000\nDURATION:PT1H\nEND:VEVENT\n",
        );
        assert_eq!(
            busy(&text),
            [
                "2027-03-02T00:00+01:00 01:00+01:00",
                "2027-03-15T23:00+01:00 00:00+01:00",
                "2027-03-22T21:00+01:00 22:00+01:00",
                "2027-03-30T00:00+02:00 01:00+02:00",
                "2027-04-01T15:00+02:00 16:00+02:00",
            ]
        );
        // Without it, the same UTC series repeats in UTC (UNTIL now ends it before the 29th, and
        // the override is an instance of its own), and floating times are the plan's.
        let plain = text.replace("X-WR-TIMEZONE:America/New_York\n", "");
        assert_eq!(
            busy(&plain),
            [
                "2027-03-02T00:00+01:00 01:00+01:00",
                "2027-03-16T00:00+01:00 01:00+01:00",
                "2027-03-22T21:00+01:00 22:00+01:00",
                "2027-03-23T00:00+01:00 01:00+01:00",
                "2027-04-01T09:00+02:00 10:00+02:00",
            ]
        );
        // A name no table knows is left aside, as clients that do not know it do.
        let unknown = text.replace("America/New_York", "Mars/Olympus_Mons");
        assert_eq!(busy(&unknown), busy(&plain));
    }

    #[test]
    fn until_interval_byday_and_a_utc_until() {
        // Every second week on Tuesday and Thursday until 2027-02-04 (UTC, inclusive).
        let text = cal(&event(
            "DTSTART;TZID=Europe/Berlin:20270105T190000\nDTEND;TZID=Europe/Berlin:20270105T200000\n\
             RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20270204T180000Z\n",
        ));
        assert_eq!(
            busy(&text),
            [
                "2027-01-05T19:00+01:00 20:00+01:00",
                "2027-01-07T19:00+01:00 20:00+01:00",
                "2027-01-19T19:00+01:00 20:00+01:00",
                "2027-01-21T19:00+01:00 20:00+01:00",
                "2027-02-02T19:00+01:00 20:00+01:00",
                "2027-02-04T19:00+01:00 20:00+01:00",
            ]
        );
        // A floating or date UNTIL (as some clients write) is read in the event's own zone.
        for until in ["20270204T190000", "20270204"] {
            let text = cal(&event(&format!(
                "DTSTART;TZID=Europe/Berlin:20270105T190000\nDURATION:PT1H\n\
                 RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL={until}\n"
            )));
            assert_eq!(busy(&text).len(), 6, "UNTIL={until}");
        }
    }

    #[test]
    fn exdate_rdate_and_overrides() {
        let text = cal(&[
            event(
                "DTSTART;TZID=Europe/Berlin:20270104T180000\nDTEND;TZID=Europe/Berlin:20270104T190000\n\
                 RRULE:FREQ=DAILY;COUNT=5\nEXDATE;TZID=Europe/Berlin:20270105T180000,20270106T180000\n\
                 RDATE;TZID=Europe/Berlin:20270110T090000\n",
            ),
            // The instance of the 7th moved to 07:00, the one of the 8th cancelled.
            event(
                "RECURRENCE-ID;TZID=Europe/Berlin:20270107T180000\n\
                 DTSTART;TZID=Europe/Berlin:20270107T070000\nDTEND;TZID=Europe/Berlin:20270107T073000\n",
            ),
            event(
                "RECURRENCE-ID:20270108T170000Z\nSTATUS:CANCELLED\n\
                 DTSTART;TZID=Europe/Berlin:20270108T180000\nDTEND;TZID=Europe/Berlin:20270108T190000\n",
            ),
        ]
        .concat());
        assert_eq!(
            busy(&text),
            [
                "2027-01-04T18:00+01:00 19:00+01:00",
                "2027-01-07T07:00+01:00 07:30+01:00",
                "2027-01-10T09:00+01:00 10:00+01:00",
            ]
        );
    }

    #[test]
    fn all_day_events_block_local_days_unless_ignored() {
        let text = cal(&[
            // A week's holiday: DTEND is exclusive.
            event("DTSTART;VALUE=DATE:20270329\nDTEND;VALUE=DATE:20270405\n"),
            // A birthday every year.
            event("DTSTART;VALUE=DATE:20200612\nRRULE:FREQ=YEARLY\n"),
        ]
        .concat());
        assert_eq!(
            busy(&text),
            [
                "2027-03-29T00:00+02:00 00:00+02:00",
                "2027-06-12T00:00+02:00 00:00+02:00"
            ]
        );
        let got = read(
            &text,
            "cal.ics",
            BERLIN,
            utc("2027-01-01T00:00:00Z"),
            utc("2028-01-01T00:00:00Z"),
            AllDay::Block,
        )
        .unwrap();
        assert_eq!(got[0].end - got[0].start, Duration::days(7));
        assert_eq!(
            busy_in(&text, BERLIN, AllDay::Ignore).unwrap(),
            Vec::<String>::new()
        );
        // Outlook can mark a midnight-to-midnight date-time event as all-day.
        let outlook = cal(&event(
            "DTSTART;TZID=W. Europe Standard Time:20270301T000000\n\
             DTEND;TZID=W. Europe Standard Time:20270302T000000\nX-MICROSOFT-CDO-ALLDAYEVENT:TRUE\n",
        ));
        assert_eq!(busy(&outlook).len(), 1);
        // It blocks 1 March wherever the learner is, as a DATE event would.
        assert_eq!(
            busy_in(&outlook, chrono_tz::America::New_York, AllDay::Block).unwrap(),
            ["2027-03-01T00:00-05:00 00:00-05:00"]
        );
        assert!(busy_in(&outlook, BERLIN, AllDay::Ignore)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn transparent_free_and_cancelled_events_do_not_block() {
        let text = cal(&[
            event("DTSTART:20270105T100000Z\nDURATION:PT1H\nTRANSP:TRANSPARENT\n"),
            event("DTSTART:20270106T100000Z\nDURATION:PT1H\nSTATUS:CANCELLED\n"),
            event("DTSTART:20270107T100000Z\nDURATION:PT1H\nX-MICROSOFT-CDO-BUSYSTATUS:FREE\n"),
            event("DTSTART:20270108T100000Z\nDURATION:PT1H\nTRANSP:OPAQUE\nSTATUS:CONFIRMED\n"),
        ]
        .concat());
        assert_eq!(busy(&text), ["2027-01-08T11:00+01:00 12:00+01:00"]);
    }

    #[test]
    fn durations_and_missing_ends() {
        let text = cal(&[
            // A nominal day across the DST change is 23 hours long.
            event("DTSTART;TZID=Europe/Berlin:20270327T120000\nDURATION:P1D\n"),
            event("DTSTART:20270405T100000Z\nDURATION:P1W\n"),
            // A date-time without an end lasts no time; a date lasts one day.
            event("DTSTART:20270601T100000Z\n"),
            event("DTSTART;VALUE=DATE:20270701\n"),
        ]
        .concat());
        assert_eq!(
            busy(&text),
            [
                "2027-03-27T12:00+01:00 12:00+02:00",
                "2027-04-05T12:00+02:00 12:00+02:00",
                "2027-07-01T00:00+02:00 00:00+02:00",
            ]
        );
    }

    #[test]
    fn only_what_overlaps_the_plan_is_returned() {
        let text = cal(&[
            event("DTSTART:20261231T100000Z\nDURATION:PT1H\n"),
            // Starts before the plan, ends inside it.
            event("DTSTART;VALUE=DATE:20261230\nDTEND;VALUE=DATE:20270103\n"),
            event("DTSTART:20280101T100000Z\nDURATION:PT1H\n"),
            // Never ends: bounded by the plan's end.
            event("DTSTART:20000103T100000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY\n"),
        ]
        .concat());
        let got = busy(&text);
        assert_eq!(got[0], "2026-12-30T00:00+01:00 00:00+01:00");
        assert_eq!(got.len(), 1 + 52);
        assert!(got.last().unwrap().starts_with("2027-12-27T11:00"));
    }

    #[test]
    fn bad_files_say_where_and_what() {
        assert_eq!(
            error("hello\n"),
            "cal.ics: is not an iCalendar file: it does not start with BEGIN:VCALENDAR (export \
             the calendar as .ics)"
        );
        assert!(error("").contains("is empty"));
        assert_eq!(
            error(&cal(&event(
                "this line has no colon\nDTSTART:20270105T100000Z\n"
            ))),
            "cal.ics:6: malformed line \"this line has no colon\" (expected NAME:VALUE)"
        );
        assert_eq!(
            error(&cal("BEGIN:VEVENT\nDTSTART:20270105T100000Z\nEND:VTODO\n")),
            "cal.ics:6: \"END:VTODO\" does not close the component open here (BEGIN: and END: \
             lines do not pair up)"
        );
        assert_eq!(
            error("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20270105T100000Z\r\nEND:VEVENT\r\n"),
            "cal.ics:4: the calendar has no END:VCALENDAR (is the file cut short?)"
        );
        assert_eq!(
            error(&format!("{}UID:stray\r\n{}", cal(""), cal(""))),
            "cal.ics:5: unexpected line after END:VCALENDAR (only another BEGIN:VCALENDAR may \
             follow)"
        );
        assert_eq!(
            error(&cal(&event(
                "DTSTART:20270105T100000Z\nDTEND:20270105T090000Z\n"
            ))),
            "cal.ics:7: DTEND 20270105T090000Z is before DTSTART 20270105T100000Z (event \"e1\")"
        );
        assert_eq!(
            error(&cal(&event(
                "DTSTART;TZID=Europe/Berlin:20270328T023000\nDTEND;TZID=Europe/Berlin:20270328T031500\n"
            ))),
            "cal.ics:7: DTEND 20270328T031500 is before DTSTART 20270328T023000 (DTSTART \
             20270328T023000 does not exist on that day: the clocks skip it, so it is read as \
             03:30, as RFC 5545 says) (event \"e1\")"
        );
        assert_eq!(
            error("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20270105T100000Z\r\n"),
            "cal.ics:4: the calendar has no END:VCALENDAR (is the file cut short?)"
        );
        assert_eq!(
            error(&cal(&event("DTEND:20270105T090000Z\n"))),
            "cal.ics:5: event has no DTSTART (event \"e1\")"
        );
        assert_eq!(
            error(&cal(&event("DTSTART:2027-01-05\n"))),
            "cal.ics:6: DTSTART \"2027-01-05\" is not a date (YYYYMMDD) or date-time \
             (YYYYMMDDTHHMMSS[Z]) (event \"e1\")"
        );
        let rejected = error(&cal(&event(
            "DTSTART:20270105T100000Z\nRRULE:FREQ=SOMETIMES\n",
        )));
        assert!(
            rejected
                .starts_with("cal.ics:7: RRULE \"FREQ=SOMETIMES\" is not a valid recurrence rule"),
            "{rejected}"
        );
        assert!(
            error(&cal(&event("DTSTART:20270105T100000Z\nDURATION:1 hour\n")))
                .contains("DURATION \"1 hour\" is not a duration")
        );
    }

    #[test]
    fn runaway_rules_are_an_error_and_empty_rules_end() {
        let every_second = cal(&event(
            "DTSTART:20270105T100000Z\nDURATION:PT1S\nRRULE:FREQ=SECONDLY\n",
        ));
        let e = error(&every_second);
        assert!(e.contains("repeats more than 100000 times"), "{e}");
        // February 30th never comes: the crate gives up, the event is just its DTSTART.
        let never = cal(&event(
            "DTSTART:20270105T100000Z\nDURATION:PT1H\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\n",
        ));
        assert_eq!(busy(&never), ["2027-01-05T11:00+01:00 12:00+01:00"]);
    }

    /// The crate's parser rejects RFC 5545 parameter lists (`MEMBER="a","b"`); such lines are
    /// on properties this reader never looks at, so they are dropped before parsing.
    #[test]
    fn parameter_lists_on_unused_properties_do_not_matter() {
        let line = "ATTENDEE;MEMBER=\"mailto:a@x\",\"mailto:b@x\":mailto:c@x\n";
        let text = cal(&event(&format!(
            "{line}DTSTART:20270105T100000Z\nDURATION:PT1H\n"
        )));
        let unfolded = Unfolded {
            text: text.replace("\r\n", "\n"),
            starts: vec![(0, 1)],
        };
        assert!(icalendar::parser::read_calendar_simple(&unfolded.text).is_err());
        assert_eq!(busy(&text).len(), 1);
    }

    #[test]
    fn folded_lines_and_mixed_line_ends() {
        let text =
            "BEGIN:VCALENDAR\r\nVERSION:2.0\nBEGIN:VEVENT\r\nUID:e1\nDTSTART;TZID=Europe/\r\n \
                    Berlin:20270105T190000\nDTEND;TZID=Europe/Berlin:2027\n\t0105T200000\r\n\
                    SUMMARY:a long\r\n  summary\nEND:VEVENT\r\nEND:VCALENDAR";
        assert_eq!(busy(text), ["2027-01-05T19:00+01:00 20:00+01:00"]);
    }

    #[test]
    fn overlapping_events_are_merged() {
        let text = cal(&[
            event("DTSTART:20270105T100000Z\nDURATION:PT1H\n"),
            event("DTSTART:20270105T103000Z\nDURATION:PT1H\n"),
            event("DTSTART:20270105T113000Z\nDURATION:PT1H\n"),
        ]
        .concat());
        assert_eq!(busy(&text), ["2027-01-05T11:00+01:00 13:30+01:00"]);
    }

    /// Speed is not asserted (see STYLE.md); this makes sure a 50,000-event calendar is read
    /// whole and prints how long it took (`cargo test --release busy -- --nocapture`).
    #[test]
    fn a_calendar_of_50000_events() {
        let mut body = String::new();
        for i in 0..50_000u32 {
            let day =
                NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + Duration::days(i64::from(i / 8));
            let hour = 8 + i % 8;
            let recurring = if i % 500 == 0 {
                "RRULE:FREQ=WEEKLY;COUNT=10\r\n"
            } else {
                ""
            };
            body.push_str(&format!(
                "BEGIN:VEVENT\r\nUID:{i}@example.com\r\nDTSTAMP:20240101T000000Z\r\n\
                 DTSTART;TZID=Europe/Berlin:{d}T{hour:02}0000\r\n\
                 DTEND;TZID=Europe/Berlin:{d}T{hour:02}4500\r\nSUMMARY:Meeting {i}\r\n\
                 DESCRIPTION:Agenda: status\\, plans\\, questions. A longer description that\r\n \
                 is folded over two lines.\r\n{recurring}END:VEVENT\r\n",
                d = day.format("%Y%m%d"),
            ));
        }
        let text = cal(&body);
        let started = std::time::Instant::now();
        let got = read(
            &text,
            "big.ics",
            BERLIN,
            utc("2021-01-01T00:00:00Z"),
            utc("2022-01-01T00:00:00Z"),
            AllDay::Block,
        )
        .unwrap();
        eprintln!(
            "read {} events ({:.1} MB) in {:?}",
            50_000,
            text.len() as f64 / 1e6,
            started.elapsed()
        );
        // 2021 has 365 days of 8 back-to-back-ish meetings (45 min each, 15 min apart).
        assert_eq!(got.len(), 365 * 8);
    }

    /// Intervals of a fixture in `tz`, March 1st to April 15th 2027.
    fn fixture(text: &str, tz: Tz, all_day: AllDay) -> Vec<String> {
        let start = resolve_local(tz, date(2027, 3, 1)).with_timezone(&Utc);
        let end = resolve_local(tz, date(2027, 4, 16)).with_timezone(&Utc);
        read(text, "fixture.ics", tz, start, end, all_day)
            .unwrap()
            .iter()
            .map(|b| {
                let (s, e) = (b.start.with_timezone(&tz), b.end.with_timezone(&tz));
                let end = if s.date_naive() == e.date_naive() {
                    e.format("%H:%M").to_string()
                } else {
                    e.format("%m-%dT%H:%M%:z").to_string()
                };
                format!("{} {end}", s.format("%m-%dT%H:%M%:z"))
            })
            .collect()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_time(NaiveTime::MIN)
    }

    /// Google: a Tue/Thu series with an EXDATE, a moved and a cancelled instance and a UTC
    /// UNTIL; a week's holiday marked free (as Google marks all-day events); a dentist appointment
    /// touching the series; a transparent event.
    #[test]
    fn google_calendar_export() {
        let text = include_str!("../tests/fixtures/busy/google.ics");
        assert_eq!(
            fixture(text, BERLIN, AllDay::Block),
            [
                "03-02T19:00+01:00 20:00",
                "03-04T19:00+01:00 20:00",
                "03-09T18:00+01:00 20:00",
                "03-18T19:00+01:00 20:00",
                "03-18T21:00+01:00 22:00",
                "03-25T19:00+01:00 20:00",
                "03-29T00:00+02:00 04-05T00:00+02:00",
            ]
        );
        // Without the holiday, the series shows through it, across the DST change.
        let ignore = fixture(text, BERLIN, AllDay::Ignore);
        assert_eq!(
            ignore[ignore.len() - 2..],
            ["03-30T19:00+02:00 20:00", "04-01T19:00+02:00 20:00"]
        );
    }

    /// Outlook: Windows zone names (quoted and not) with their VTIMEZONE blocks, a weekly series
    /// with an EXDATE and a moved instance, a call in New York's zone over the weeks where the US
    /// has changed to summer time and Europe has not, a free all-day holiday, a free event and a
    /// "Customized Time Zone" only its VTIMEZONE defines.
    #[test]
    fn outlook_export() {
        let text = include_str!("../tests/fixtures/busy/outlook.ics");
        assert_eq!(
            fixture(text, BERLIN, AllDay::Block),
            [
                "03-01T16:00+01:00 17:00",
                "03-03T18:00+01:00 19:00",
                "03-08T16:00+01:00 17:00",
                "03-10T18:00+01:00 19:00",
                "03-15T15:00+01:00 16:00",
                "03-22T15:00+01:00 16:00",
                "03-24T20:00+01:00 21:00",
                "03-29T16:00+02:00 17:00",
                "03-30T18:30+02:00 19:30",
                "03-31T18:00+02:00 19:00",
                "04-05T00:00+02:00 04-06T00:00+02:00",
                "04-07T18:00+02:00 19:00",
                "04-14T18:00+02:00 19:00",
            ]
        );
    }

    /// Apple: a New York series with COUNT, an EXDATE and an instance moved to another day;
    /// a spring break over the DST change and a yearly birthday inside it (both marked free, as
    /// Apple marks all-day events); a cancelled flight; an Apple structured location, whose
    /// quoted parameters the crate's parser never sees.
    #[test]
    fn apple_calendar_export() {
        let text = include_str!("../tests/fixtures/busy/apple.ics");
        let ny = chrono_tz::America::New_York;
        assert_eq!(
            fixture(text, ny, AllDay::Block),
            [
                "03-09T18:00-05:00 19:00",
                "03-13T00:00-05:00 03-20T00:00-04:00",
                "04-01T19:00-04:00 20:30",
                "04-06T09:00-04:00 10:00",
                "04-06T18:00-04:00 19:00",
                "04-13T18:00-04:00 19:00",
            ]
        );
        assert_eq!(
            fixture(text, ny, AllDay::Ignore)[..2],
            ["03-09T18:00-05:00 19:00", "03-16T18:00-04:00 19:00"]
        );
    }
}
