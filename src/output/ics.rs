//! The iCalendar (RFC 5545) file: one VEVENT per session, importable as-is by Google Calendar,
//! Outlook, Apple Calendar and Thunderbird.
//!
//! This is a small writer of its own rather than the `icalendar` crate's builder, because that
//! builder gets exactly the details wrong that importers care about: it invents a random UID and a
//! wall-clock DTSTAMP when they are not set (breaking byte-identical output), does not escape a
//! CR in TEXT, and its folding can leave a last continuation line of 76 octets (it compares the
//! remainder against 75 without counting the leading space). The whole format needed here is two
//! functions, [`escape_text`] and [`fold`], and a property writer, each unit-tested; the
//! `icalendar` parser is still used in a test as an independent reader of our output.
//!
//! Choices that keep every importer happy:
//! - every line ends in CRLF and is folded at 75 octets on a UTF-8 character boundary, the
//!   leading space of a continuation line counting towards the 75;
//! - DTSTART/DTEND are UTC (`…Z`), converted from the sessions' offset times, which are already
//!   DST-correct in the plan's zone. No VTIMEZONE is needed and no time is ever floating;
//! - UID comes from the plan (stable per item part across replans), DTSTAMP is the plan's
//!   generation time, SEQUENCE the session's; nothing reads the clock or a random source, so the
//!   same plan gives the same bytes;
//! - sessions a replan dropped are kept as `STATUS:CANCELLED` so subscribed calendars remove them.

use crate::plan::{Plan, SectionInfo, Session};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

/// PRODID of every calendar this writer produces.
pub const PRODID: &str = "-//studyplan//studyplan 0.1//EN";

/// Longest physical line in octets, CRLF excluded (RFC 5545 §3.1).
const MAX_LINE_OCTETS: usize = 75;

/// What goes into the calendar besides the sessions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IcsOptions {
    /// Add a display alarm this many minutes before each session that is still to do.
    pub remind_minutes: Option<u32>,
    /// Add an all-day checkpoint event on the last day of each section's window.
    pub milestones: bool,
}

/// Writes the calendar for `plan` to `out`.
///
/// # Errors
///
/// Fails only when writing to `out` fails.
pub fn write_ics(plan: &Plan, opts: &IcsOptions, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(plan, opts).as_bytes())
}

/// The whole calendar as a string with CRLF line endings.
fn render(plan: &Plan, opts: &IcsOptions) -> String {
    let mut cal = Writer::default();
    cal.raw("BEGIN", "VCALENDAR");
    cal.raw("VERSION", "2.0");
    cal.raw("PRODID", PRODID);
    cal.raw("CALSCALE", "GREGORIAN");
    cal.raw("METHOD", "PUBLISH");
    cal.text("X-WR-CALNAME", &plan.path.title);
    // Only a zone importers know; the times themselves are UTC and do not depend on it.
    if plan.timezone.parse::<chrono_tz::Tz>().is_ok() {
        cal.text("X-WR-TIMEZONE", &plan.timezone);
    }

    let dtstamp = utc_stamp(plan.generated);
    for s in &plan.sessions {
        write_session(&mut cal, plan, s, &dtstamp, opts, false);
    }
    for s in cancelled(plan) {
        write_session(&mut cal, plan, s, &dtstamp, opts, true);
    }
    if opts.milestones {
        for section in &plan.sections {
            write_milestone(&mut cal, plan, section, &dtstamp);
        }
    }

    cal.raw("END", "VCALENDAR");
    cal.buf
}

/// One session as a CalDAV calendar object resource (RFC 4791 §4.1): a VCALENDAR holding that
/// session's VEVENT alone, written by the same VEVENT writer as the file, so UID, SEQUENCE,
/// DTSTAMP and every other property are identical. No METHOD (a calendar object resource must
/// not carry one) and no calendar name (the collection has its own).
#[must_use]
pub fn render_resource(plan: &Plan, session: &Session, opts: &IcsOptions) -> String {
    let mut cal = Writer::default();
    cal.raw("BEGIN", "VCALENDAR");
    cal.raw("VERSION", "2.0");
    cal.raw("PRODID", PRODID);
    cal.raw("CALSCALE", "GREGORIAN");
    write_session(
        &mut cal,
        plan,
        session,
        &utc_stamp(plan.generated),
        opts,
        false,
    );
    cal.raw("END", "VCALENDAR");
    cal.buf
}

/// Cancelled sessions to write: one per UID (the highest SEQUENCE wins), none whose UID is
/// still an active session (two VEVENTs with one UID would be one event to an importer), in
/// order of their old start time.
fn cancelled(plan: &Plan) -> Vec<&Session> {
    let active: BTreeSet<&str> = plan.sessions.iter().map(|s| s.uid.as_str()).collect();
    let mut by_uid: BTreeMap<&str, &Session> = BTreeMap::new();
    for s in &plan.cancelled {
        if active.contains(s.uid.as_str()) {
            continue;
        }
        let keep = by_uid.get(s.uid.as_str());
        if keep.is_none_or(|k| s.sequence > k.sequence) {
            by_uid.insert(&s.uid, s);
        }
    }
    let mut list: Vec<&Session> = by_uid.into_values().collect();
    list.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));
    list
}

fn write_session(
    cal: &mut Writer,
    plan: &Plan,
    s: &Session,
    dtstamp: &str,
    opts: &IcsOptions,
    is_cancelled: bool,
) {
    let section = plan.section(&s.section);
    let section_title = section.map_or(s.section.as_str(), |sec| sec.title.as_str());
    let (start, end) = event_times(s);

    cal.raw("BEGIN", "VEVENT");
    cal.text("UID", &session_uid(plan, s));
    cal.raw("DTSTAMP", dtstamp);
    cal.raw("SEQUENCE", &s.sequence.to_string());
    cal.raw("DTSTART", &start);
    cal.raw("DTEND", &end);
    cal.text("SUMMARY", &summary(s));
    cal.text(
        "DESCRIPTION",
        &description(s, section, section_title, is_cancelled),
    );
    cal.raw(
        "CATEGORIES",
        &format!(
            "{},{}",
            escape_text(s.kind.label()),
            escape_text(section_title)
        ),
    );
    if let Some(url) = s.url.as_deref().filter(|u| looks_like_uri(u)) {
        cal.raw("URL", url);
    }
    if is_cancelled {
        cal.raw("STATUS", "CANCELLED");
        cal.raw("TRANSP", "TRANSPARENT");
    } else {
        cal.raw("STATUS", "CONFIRMED");
        cal.raw("TRANSP", "OPAQUE");
        if let Some(minutes) = opts.remind_minutes.filter(|_| !s.done) {
            cal.raw("BEGIN", "VALARM");
            cal.raw("ACTION", "DISPLAY");
            cal.text("DESCRIPTION", "Reminder");
            cal.raw("TRIGGER", &trigger(minutes));
            cal.raw("END", "VALARM");
        }
    }
    cal.raw("END", "VEVENT");
}

fn write_milestone(cal: &mut Writer, plan: &Plan, section: &SectionInfo, dtstamp: &str) {
    // DTEND of an all-day event is exclusive: the day after. At the end of the calendar (never
    // in practice) the event is skipped rather than written with DTEND <= DTSTART.
    let Some((end, next)) = section
        .window_end
        .and_then(|end| Some((end, end.succ_opt()?)))
    else {
        return;
    };
    let description = match &section.checkpoint {
        Some(text) => text.clone(),
        None => format!("Last day of the window for {}.", section.title),
    };
    cal.raw("BEGIN", "VEVENT");
    cal.text(
        "UID",
        &format!("milestone-{}-{}@studyplan", plan.path.id, section.id),
    );
    cal.raw("DTSTAMP", dtstamp);
    cal.raw("SEQUENCE", "0");
    cal.raw("DTSTART;VALUE=DATE", &ics_date(end));
    cal.raw("DTEND;VALUE=DATE", &ics_date(next));
    cal.text("SUMMARY", &format!("Checkpoint: {}", section.title));
    cal.text("DESCRIPTION", &description);
    cal.raw(
        "CATEGORIES",
        &format!("Checkpoint,{}", escape_text(&section.title)),
    );
    cal.raw("STATUS", "CONFIRMED");
    cal.raw("TRANSP", "TRANSPARENT");
    cal.raw("END", "VEVENT");
}

/// The session's UID; an empty one (never produced by the planner) falls back to one derived
/// from the path, item and part so that the file stays valid and deterministic.
fn session_uid(plan: &Plan, s: &Session) -> String {
    if s.uid.is_empty() {
        format!("{}-{}-{}@studyplan", plan.path.id, s.item, s.part)
    } else {
        s.uid.clone()
    }
}

/// DTSTART and DTEND in UTC. A session whose end is not after its start (never produced by the
/// planner) still gets a positive duration: its minutes, at least one.
fn event_times(s: &Session) -> (String, String) {
    let start = s.start.with_timezone(&Utc);
    let mut end = s.end.with_timezone(&Utc);
    if end <= start {
        end = start
            .checked_add_signed(Duration::minutes(i64::from(s.minutes.max(1))))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
    }
    (utc_stamp(start), utc_stamp(end))
}

/// `Storage Engines (Required, 30 min)`, `Kafka Internals (Required, part 2/3, 12 min)`.
fn summary(s: &Session) -> String {
    if s.parts > 1 {
        format!(
            "{} ({}, part {}/{}, {} min)",
            s.title,
            s.kind.label(),
            s.part,
            s.parts,
            s.minutes
        )
    } else {
        format!("{} ({}, {} min)", s.title, s.kind.label(), s.minutes)
    }
}

fn description(
    s: &Session,
    section: Option<&SectionInfo>,
    section_title: &str,
    is_cancelled: bool,
) -> String {
    let mut lines = Vec::new();
    if is_cancelled {
        lines.push("Cancelled: dropped by a replan.".to_string());
    }
    if s.late {
        lines.push("LATE: after its window".to_string());
    }
    lines.push(format!("Section: {section_title}"));
    lines.push(window_line(s, section));
    if let Some(group) = &s.group {
        lines.push(format!("Group: {group}"));
    }
    if let Some(checkpoint) = section.and_then(|sec| sec.checkpoint.as_ref()) {
        lines.push(format!("Checkpoint: {checkpoint}"));
    }
    if let Some(url) = &s.url {
        lines.push(format!("URL: {url}"));
    }
    if s.done {
        lines.push("Done.".to_string());
    }
    lines.push(format!("Item: {}", s.item));
    lines.join("\n")
}

/// `Weeks 1-2: Dec 01 – Dec 14`, `Week 3: Dec 15 – Dec 21`, or `No deadline`.
fn window_line(s: &Session, section: Option<&SectionInfo>) -> String {
    match (s.window_start, s.window_end) {
        (Some(first), Some(last)) => {
            let span = format!("{} – {}", super::short_date(first), super::short_date(last));
            match section.and_then(|sec| sec.weeks) {
                Some(w) if w.first == w.last => format!("Week {w}: {span}"),
                Some(w) => format!("Weeks {w}: {span}"),
                None => format!("Window: {span}"),
            }
        }
        _ => "No deadline".to_string(),
    }
}

/// `-PT10M`: a relative trigger before the start; zero is `PT0M` (at the start).
fn trigger(minutes: u32) -> String {
    if minutes == 0 {
        "PT0M".to_string()
    } else {
        format!("-PT{minutes}M")
    }
}

/// `20261201T180000Z`.
fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// `20261201`.
fn ics_date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// Whether `s` can be written as a URI value as-is: an RFC 3986 scheme, a non-empty rest, and
/// only characters a URI may contain (no spaces, controls, non-ASCII, quotes or angle brackets).
/// Anything else stays in the DESCRIPTION only, where it is escaped TEXT.
pub(crate) fn looks_like_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let rest_ok = !rest.is_empty()
        && rest.chars().all(|c| {
            c.is_ascii_graphic()
                && !matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}')
        });
    scheme_ok && rest_ok
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma get a backslash, a
/// line break (`\r\n`, `\n` or a bare `\r`) becomes `\n`, and the other ASCII control characters,
/// which TEXT does not allow, are dropped (tab is allowed and kept).
#[must_use]
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\t' => out.push('\t'),
            c if c.is_ascii_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line (without its CRLF) into physical lines of at most 75 octets, joined
/// by CRLF + space; the space counts towards the 75 of its line. Splits only between UTF-8
/// characters, so every physical line is valid UTF-8 on its own.
///
/// RFC 5545 allows a fold between any two characters, but real readers are less forgiving, so
/// where the line allows it a fold goes where every reader unfolds it the same way (see
/// [`fold_at`]).
#[must_use]
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 64 * 3);
    let mut rest = line;
    // The first physical line has 75 octets for content, a continuation 74 after its space.
    let mut room = MAX_LINE_OCTETS;
    while rest.len() > room {
        let cut = fold_at(rest, room);
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = MAX_LINE_OCTETS - 1;
    }
    out.push_str(rest);
    out
}

/// Where to fold `s` so that its first piece has at most `room` octets (`s` is longer): the
/// last character boundary that has no blank on either side and does not split a backslash
/// escape; failing that, the last one with no blank before it; failing that (a run of blanks
/// longer than a line), the last character boundary.
///
/// Why: some readers trim the trailing blanks of every physical line before unfolding (the
/// Rust `ical` crate does), which loses a blank just before a fold; some strip all leading
/// blanks of a continuation line, which loses a blank just after the fold's space. Keeping an
/// escape such as `\,` on one line costs nothing and spares readers that unescape before they
/// unfold. Never returns 0, so every physical line has content.
fn fold_at(s: &str, room: usize) -> usize {
    let bytes = s.as_bytes();
    let blank = |b: u8| b == b' ' || b == b'\t';
    let boundaries = || {
        (1..=room.min(s.len()))
            .rev()
            .filter(|&i| s.is_char_boundary(i))
    };
    let hard = boundaries().next().unwrap_or_else(|| {
        // A single character longer than `room` octets cannot happen (UTF-8 has at most four),
        // but never loop: take the first character whole.
        s.chars().next().map_or(s.len(), char::len_utf8)
    });
    let splits_escape =
        |i: usize| bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1;
    boundaries()
        .find(|&i| !blank(bytes[i - 1]) && !blank(bytes[i]) && !splits_escape(i))
        .or_else(|| boundaries().find(|&i| !blank(bytes[i - 1])))
        .unwrap_or(hard)
}

/// Accumulates content lines, each folded and terminated by CRLF.
#[derive(Default)]
struct Writer {
    buf: String,
}

impl Writer {
    /// A property whose value is already in its final form (not TEXT, or escaped by the caller).
    fn raw(&mut self, name: &str, value: &str) {
        self.buf.push_str(&fold(&format!("{name}:{value}")));
        self.buf.push_str("\r\n");
    }

    /// A TEXT property: the value is escaped first.
    fn text(&mut self, name: &str, value: &str) {
        self.raw(name, &escape_text(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample_plan;

    fn opts(remind: Option<u32>, milestones: bool) -> IcsOptions {
        IcsOptions {
            remind_minutes: remind,
            milestones,
        }
    }

    /// RFC 5545 §3.1 unfolding: remove every CRLF followed by one space or tab.
    fn unfold(s: &str) -> String {
        s.replace("\r\n ", "").replace("\r\n\t", "")
    }

    fn full() -> String {
        render(&sample_plan(), &opts(Some(10), true))
    }

    /// Logical (unfolded) lines of the calendar.
    fn logical_lines(ics: &str) -> Vec<String> {
        unfold(ics)
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Every VEVENT as its logical lines.
    fn events(ics: &str) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        let mut cur: Option<Vec<String>> = None;
        for line in logical_lines(ics) {
            match line.as_str() {
                "BEGIN:VEVENT" => cur = Some(Vec::new()),
                "END:VEVENT" => out.extend(cur.take()),
                _ => {
                    if let Some(c) = cur.as_mut() {
                        c.push(line);
                    }
                }
            }
        }
        out
    }

    fn prop<'a>(event: &'a [String], name: &str) -> Option<&'a str> {
        event
            .iter()
            .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(':')))
    }

    #[test]
    fn escapes_text() {
        assert_eq!(escape_text(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(
            escape_text("one\ntwo\r\nthree\rfour"),
            r"one\ntwo\nthree\nfour"
        );
        assert_eq!(escape_text("tab\there\u{7}bell\u{0}"), "tab\therebell");
        assert_eq!(escape_text("Café 🚀: ok"), "Café 🚀: ok");
        assert!(!escape_text("a\rb").contains('\r'));
    }

    #[test]
    fn short_lines_are_not_folded() {
        let exactly = "X".repeat(MAX_LINE_OCTETS);
        assert_eq!(fold(&exactly), exactly);
        let one_more = "X".repeat(MAX_LINE_OCTETS + 1);
        assert_eq!(fold(&one_more), format!("{exactly}\r\n X"));
    }

    /// Regression for the `icalendar` crate's folding: a remainder of exactly 75 octets after
    /// the first line must not become a 76-octet continuation line.
    #[test]
    fn fold_counts_the_continuation_space() {
        let line = "Y".repeat(MAX_LINE_OCTETS * 2);
        let folded = fold(&line);
        let lens: Vec<usize> = folded.split("\r\n").map(str::len).collect();
        assert_eq!(lens, [75, 75, 2]);
        assert_eq!(unfold(&folded), line);
    }

    /// Regression: a fold next to a blank lost that blank in readers that trim physical lines
    /// (the Rust `ical` crate) or strip a continuation's leading blanks.
    #[test]
    fn folds_away_from_blanks_and_escapes() {
        let words = format!("DESCRIPTION:{}", "ab cd\\, ".repeat(60));
        let folded = fold(&words);
        let physical: Vec<&str> = folded.split("\r\n").collect();
        assert!(physical.len() > 5);
        for (i, line) in physical.iter().enumerate() {
            assert!(line.len() <= MAX_LINE_OCTETS, "{line}");
            if i + 1 < physical.len() {
                assert!(
                    !line.ends_with([' ', '\t']),
                    "blank before a fold: {line:?}"
                );
                assert!(!line.ends_with('\\'), "escape split: {line:?}");
            }
            if i > 0 {
                assert!(
                    line.starts_with(' ') && !line[1..].starts_with(' '),
                    "{line:?}"
                );
            }
        }
        assert_eq!(unfold(&folded), words);
        // A run of blanks longer than a line still folds, within 75 octets and losslessly.
        let blanks = format!("X:a{}b", " ".repeat(200));
        let folded = fold(&blanks);
        assert!(folded.split("\r\n").all(|l| l.len() <= MAX_LINE_OCTETS));
        assert_eq!(unfold(&folded), blanks);
    }

    #[test]
    fn folds_long_emoji_title_on_char_boundaries() {
        let title: String = "Kafka 🚀 Überblick – "
            .chars()
            .cycle()
            .take(2_000)
            .collect();
        let line = format!("SUMMARY:{}", escape_text(&title));
        let folded = fold(&line);
        for (i, physical) in folded.as_bytes().split(|&b| b == b'\n').enumerate() {
            let physical = physical.strip_suffix(b"\r").unwrap_or(physical);
            assert!(
                physical.len() <= MAX_LINE_OCTETS,
                "line {i}: {}",
                physical.len()
            );
            assert!(
                std::str::from_utf8(physical).is_ok(),
                "line {i} splits a char"
            );
            if i > 0 {
                assert_eq!(physical.first(), Some(&b' '));
            }
        }
        assert!(folded.matches("\r\n ").count() > 20);
        assert_eq!(unfold(&folded), line);
    }

    #[test]
    fn every_line_ends_in_crlf_and_is_short() {
        let ics = full();
        let bytes = ics.as_bytes();
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at {i}");
            }
            if b == b'\r' {
                assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at {i}");
            }
        }
        for line in ics.split("\r\n") {
            assert!(line.len() <= MAX_LINE_OCTETS, "{line}");
        }
    }

    #[test]
    fn calendar_header() {
        let lines = logical_lines(&full());
        assert_eq!(
            lines[..7],
            [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//studyplan//studyplan 0.1//EN",
                "CALSCALE:GREGORIAN",
                "METHOD:PUBLISH",
                "X-WR-CALNAME:Backend Engineer Learning Path",
                "X-WR-TIMEZONE:Europe/Berlin",
            ]
        );
    }

    #[test]
    fn begin_end_balance() {
        let lines = logical_lines(&full());
        let mut stack = Vec::new();
        for l in &lines {
            if let Some(c) = l.strip_prefix("BEGIN:") {
                stack.push(c.to_string());
            } else if let Some(c) = l.strip_prefix("END:") {
                assert_eq!(stack.pop().as_deref(), Some(c));
            }
        }
        assert!(stack.is_empty());
    }

    #[test]
    fn one_event_per_session_plus_cancelled_and_milestones() {
        let plan = sample_plan();
        let evs = events(&full());
        // Sessions, one cancelled, and milestones for the two sections with a window.
        assert_eq!(evs.len(), plan.sessions.len() + 1 + 2);
        let without = events(&render(&plan, &opts(None, false)));
        assert_eq!(without.len(), plan.sessions.len() + 1);
    }

    #[test]
    fn uids_are_unique_and_stable() {
        let plan = sample_plan();
        let evs = events(&full());
        let uids: BTreeSet<&str> = evs.iter().filter_map(|e| prop(e, "UID")).collect();
        assert_eq!(uids.len(), evs.len());
        assert_eq!(prop(&evs[0], "UID"), Some(plan.sessions[0].uid.as_str()));
        assert!(uids.contains("milestone-backend-engineer-database-fundamentals@studyplan"));
    }

    #[test]
    fn times_are_utc_and_end_after_start() {
        for e in events(&full()) {
            let start = e
                .iter()
                .find(|l| l.starts_with("DTSTART"))
                .expect("DTSTART");
            let end = e.iter().find(|l| l.starts_with("DTEND")).expect("DTEND");
            let value = |l: &str| {
                l.split_once(':')
                    .map(|(_, v)| v.to_string())
                    .expect("value")
            };
            if start.starts_with("DTSTART;VALUE=DATE:") {
                assert!(end.starts_with("DTEND;VALUE=DATE:"));
            } else {
                assert!(
                    start.ends_with('Z') && end.ends_with('Z'),
                    "floating: {start}"
                );
                assert!(start.starts_with("DTSTART:") && end.starts_with("DTEND:"));
            }
            // Same-length digit strings compare chronologically.
            assert!(value(end) > value(start), "{start} / {end}");
            assert!(prop(&e, "DTSTAMP") == Some("20270301T120000Z"));
        }
    }

    #[test]
    fn end_not_after_start_is_repaired() {
        let mut plan = sample_plan();
        plan.sessions[0].end = plan.sessions[0].start;
        let evs = events(&render(&plan, &IcsOptions::default()));
        assert_eq!(prop(&evs[0], "DTSTART"), Some("20270322T180000Z"));
        assert_eq!(prop(&evs[0], "DTEND"), Some("20270322T183000Z"));
    }

    #[test]
    fn dst_switch_converts_with_the_sessions_offset() {
        let evs = events(&full());
        let kafka: Vec<&Vec<String>> = evs
            .iter()
            .filter(|e| prop(e, "SUMMARY").is_some_and(|s| s.starts_with("Kafka")))
            .collect();
        assert_eq!(prop(kafka[0], "DTSTART"), Some("20270327T180000Z"));
        assert_eq!(prop(kafka[1], "DTSTART"), Some("20270328T170000Z"));
        assert_eq!(prop(kafka[1], "DTEND"), Some("20270328T174000Z"));
        assert_eq!(
            prop(kafka[1], "SUMMARY"),
            Some("Kafka Internals (Required\\, part 2/3\\, 40 min)")
        );
    }

    #[test]
    fn session_properties() {
        let evs = events(&full());
        let first = &evs[0];
        assert_eq!(
            prop(first, "SUMMARY"),
            Some("Storage Engines (Required\\, 30 min)")
        );
        assert_eq!(prop(first, "SEQUENCE"), Some("0"));
        assert_eq!(
            prop(first, "CATEGORIES"),
            Some("Required,Database Fundamentals")
        );
        assert_eq!(
            prop(first, "URL"),
            Some("https://example.com/storage?a=1&b=2")
        );
        assert_eq!(prop(first, "STATUS"), Some("CONFIRMED"));
        assert_eq!(prop(first, "TRANSP"), Some("OPAQUE"));
        let desc = prop(first, "DESCRIPTION").expect("description");
        assert!(desc.contains("Section: Database Fundamentals\\n"));
        assert!(desc.contains("Week 1: Mar 22 – Mar 28\\n"));
        assert!(desc.contains("Group: Schema design practice\\n"));
        assert!(
            desc.contains("Checkpoint: You can pick a storage engine\\, and say why\\; B-trees")
        );
        // Done sessions get no reminder; the second session does.
        assert!(!first.iter().any(|l| l == "BEGIN:VALARM"));
        let second = &evs[1];
        let alarm: Vec<&str> = second
            .iter()
            .skip_while(|l| *l != "BEGIN:VALARM")
            .map(String::as_str)
            .collect();
        assert_eq!(
            alarm,
            [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                "DESCRIPTION:Reminder",
                "TRIGGER:-PT10M",
                "END:VALARM"
            ]
        );
    }

    #[test]
    fn special_characters_late_windowless_and_bad_urls() {
        let evs = events(&full());
        let find = |needle: &str| {
            evs.iter()
                .find(|e| prop(e, "SUMMARY").is_some_and(|s| s.starts_with(needle)))
                .expect(needle)
        };
        let tricky = find("Backslash");
        assert_eq!(
            prop(tricky, "SUMMARY"),
            Some(r#"Backslash \\ semi\; comma\, pipe | "quotes" (Optional\, 25 min)"#)
        );
        assert_eq!(
            prop(tricky, "CATEGORIES"),
            Some(r"Optional,Streaming\, Kafka\; Co")
        );
        assert!(
            prop(tricky, "DESCRIPTION").is_some_and(|d| d.contains(r"Group: Line one\nline two"))
        );
        let late = find("Replication");
        assert!(prop(late, "DESCRIPTION").is_some_and(|d| d.starts_with("LATE: after its window")));
        let reading = find("Further reading");
        assert!(prop(reading, "URL").is_none(), "not a URI");
        let desc = prop(reading, "DESCRIPTION").expect("description");
        assert!(desc.contains("No deadline"));
        assert!(desc.contains("URL: see the wiki page"));
        let cafe = find("Café Indexing 🚀");
        assert!(prop(cafe, "DESCRIPTION").is_some());
    }

    #[test]
    fn cancelled_sessions_keep_their_sequence() {
        let evs = events(&full());
        let old = evs
            .iter()
            .find(|e| prop(e, "STATUS") == Some("CANCELLED"))
            .expect("cancelled event");
        assert_eq!(prop(old, "SEQUENCE"), Some("2"));
        assert_eq!(prop(old, "TRANSP"), Some("TRANSPARENT"));
        assert!(!old.iter().any(|l| l == "BEGIN:VALARM"));
    }

    #[test]
    fn cancelled_duplicates_of_active_sessions_are_dropped() {
        let mut plan = sample_plan();
        let mut dup = plan.sessions[1].clone();
        dup.sequence = 5;
        plan.cancelled.push(dup);
        let mut older = plan.cancelled[0].clone();
        older.sequence = 1;
        plan.cancelled.push(older);
        let evs = events(&render(&plan, &IcsOptions::default()));
        assert_eq!(evs.len(), plan.sessions.len() + 1);
        let uids: BTreeSet<&str> = evs.iter().filter_map(|e| prop(e, "UID")).collect();
        assert_eq!(uids.len(), evs.len());
        assert!(evs.iter().any(|e| prop(e, "SEQUENCE") == Some("2")));
    }

    #[test]
    fn milestones_are_all_day_and_transparent() {
        let evs = events(&full());
        let m = evs
            .iter()
            .find(|e| {
                prop(e, "UID") == Some("milestone-backend-engineer-database-fundamentals@studyplan")
            })
            .expect("milestone");
        assert_eq!(prop(m, "DTSTART;VALUE=DATE"), Some("20270328"));
        assert_eq!(prop(m, "DTEND;VALUE=DATE"), Some("20270329"));
        assert_eq!(
            prop(m, "SUMMARY"),
            Some("Checkpoint: Database Fundamentals")
        );
        assert_eq!(
            prop(m, "DESCRIPTION"),
            Some(r"You can pick a storage engine\, and say why\; B-trees vs LSM.")
        );
        assert_eq!(prop(m, "TRANSP"), Some("TRANSPARENT"));
        // The windowless section has none.
        assert!(!evs
            .iter()
            .any(|e| prop(e, "UID").is_some_and(|u| u.contains("extras"))
                && prop(e, "SUMMARY").is_some_and(|s| s.starts_with("Checkpoint"))));
    }

    #[test]
    fn output_is_byte_identical() {
        assert_eq!(full(), full());
        let plan = sample_plan();
        let mut a = Vec::new();
        write_ics(&plan, &opts(Some(10), true), &mut a).expect("write");
        assert_eq!(a, full().into_bytes());
    }

    #[test]
    fn a_resource_is_one_vevent_like_the_files() {
        let plan = sample_plan();
        let options = opts(Some(10), true);
        let file = events(&full());
        for (i, s) in plan.sessions.iter().enumerate() {
            let one = render_resource(&plan, s, &options);
            let lines = logical_lines(&one);
            assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
            assert!(!lines.iter().any(|l| l.starts_with("METHOD")), "{one}");
            let evs = events(&one);
            assert_eq!(evs.len(), 1);
            assert_eq!(evs[0], file[i], "the same VEVENT as in the file");
        }
    }

    #[test]
    fn uri_check() {
        assert!(looks_like_uri("https://example.com/a?b=1&c=%20"));
        assert!(looks_like_uri("mailto:someone@example.com"));
        assert!(!looks_like_uri("see the wiki page"));
        assert!(!looks_like_uri("https://exa mple.com"));
        assert!(!looks_like_uri("https://example.com/ü"));
        assert!(!looks_like_uri("1http://x"));
        assert!(!looks_like_uri("https:"));
        assert!(!looks_like_uri("no-scheme.example.com/path"));
    }

    #[test]
    fn parses_with_an_independent_reader() {
        let ics = full();
        let unfolded = icalendar::parser::unfold(&ics);
        let cal = icalendar::parser::read_calendar(&unfolded).expect("parses");
        assert!(cal.properties.iter().any(|p| p.name == "PRODID"));
        let vevents = cal.components.iter().filter(|c| c.name == "VEVENT").count();
        assert_eq!(vevents, events(&ics).len());
    }
}
