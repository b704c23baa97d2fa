//! The calendar, end to end: every .ics these tests write is read back by parsers that are not
//! ours and checked against the contract's Calendar rules.
//!
//! The readers: the Rust `ical` crate (modelled on Mozilla's ical.js), the `icalendar`
//! crate's parser, and `tests/ics/check_ics.py`, which runs the Python `icalendar`, `vobject`
//! and `ics` packages from the virtualenv `tests/ics/setup-venv.sh` installs (the README's test
//! command and `.ci/run` run it). Without that virtualenv the tests fail and say how to install
//! it.
//!
//! What they check ([`check_files`]): CRLF everywhere and no bare CR or LF, no line over 75
//! octets, folds every reader undoes the same way, PRODID/VERSION/CALSCALE/METHOD, the
//! properties each component requires, no TZID (so no VTIMEZONE is needed), no floating
//! date-time, DTEND after DTSTART and of the same value type, no UID twice, VALARMs with ACTION,
//! TRIGGER and DESCRIPTION, and that all readers read the same texts and times.

use crate::checker::{PlanDoc, SessionDoc};
use crate::util::{bin, Sandbox, NOW};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------------
// The calendar as the readers see it
// ---------------------------------------------------------------------------------------------

/// A calendar as read back, texts unescaped.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub name: String,
    pub timezone: Option<String>,
    pub events: Vec<Event>,
}

/// One VEVENT as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub uid: String,
    pub sequence: u32,
    pub status: String,
    pub summary: String,
    pub description: String,
    pub categories: Vec<String>,
    pub start: When,
    pub end: When,
    pub alarms: Vec<Alarm>,
}

/// DTSTART or DTEND: an absolute time (the calendars we write have only UTC ones) or a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum When {
    Utc(DateTime<Utc>),
    Date(NaiveDate),
}

impl When {
    /// The form the Python checker prints: `YYYYMMDDTHHMMSSZ` or `YYYYMMDD`.
    fn stamp(self) -> String {
        match self {
            When::Utc(t) => t.format("%Y%m%dT%H%M%SZ").to_string(),
            When::Date(d) => d.format("%Y%m%d").to_string(),
        }
    }

    fn utc(self) -> DateTime<Utc> {
        match self {
            When::Utc(t) => t,
            When::Date(d) => panic!("{d} is a date, not a date-time"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    pub action: String,
    pub trigger: String,
    pub description: String,
}

impl Calendar {
    pub fn event(&self, uid: &str) -> &Event {
        self.events
            .iter()
            .find(|e| e.uid == uid)
            .unwrap_or_else(|| panic!("no event with UID {uid}"))
    }

    fn timed(&self) -> impl Iterator<Item = &Event> {
        self.events
            .iter()
            .filter(|e| matches!(e.start, When::Utc(_)))
    }

    fn all_day(&self) -> impl Iterator<Item = &Event> {
        self.events
            .iter()
            .filter(|e| matches!(e.start, When::Date(_)))
    }
}

/// Reads every file with every reader, checks every rule, and returns the calendars as the
/// `ical` crate reads them. Panics with all violations of a file at once.
pub fn check_files(files: &[PathBuf]) -> Vec<Calendar> {
    let mut calendars = Vec::new();
    for file in files {
        let bytes =
            std::fs::read(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let mut v = Violations::new(file);
        check_bytes(&bytes, &mut v);
        let text = String::from_utf8(bytes).expect("the calendar is UTF-8");
        let cal = read_with_ical(&text, &mut v);
        compare_with_icalendar_crate(&text, &cal, &mut v);
        v.finish();
        calendars.push(cal);
    }
    compare_with_python(&python(), files, &calendars);
    calendars
}

/// [`check_files`] for one file.
pub fn check_file(file: &Path) -> Calendar {
    check_files(&[file.to_path_buf()]).remove(0)
}

/// Checks every `.ics` file under `dir`, for tests that write calendars as a side effect (a
/// `Sandbox` could run it on every test's directory).
pub fn check_dir(dir: &Path) -> Vec<Calendar> {
    fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir)
            .expect("read the directory")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                collect(&path, files);
            } else if path.extension().is_some_and(|x| x == "ics") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    collect(dir, &mut files);
    files.sort();
    check_files(&files)
}

/// Collects the violations of one file so that a failure lists all of them.
struct Violations {
    file: String,
    list: Vec<String>,
}

impl Violations {
    fn new(file: &Path) -> Violations {
        Violations {
            file: file.display().to_string(),
            list: Vec::new(),
        }
    }

    fn check(&mut self, ok: bool, msg: impl FnOnce() -> String) -> bool {
        if !ok {
            self.list.push(msg());
        }
        ok
    }

    fn finish(self) {
        assert!(
            self.list.is_empty(),
            "{} breaks the calendar rules:\n  {}",
            self.file,
            self.list.join("\n  ")
        );
    }
}

/// The physical format, before any reader sees it.
fn check_bytes(bytes: &[u8], v: &mut Violations) {
    v.check(bytes.starts_with(b"BEGIN:VCALENDAR\r\n"), || {
        "does not start with BEGIN:VCALENDAR CRLF".into()
    });
    v.check(bytes.ends_with(b"END:VCALENDAR\r\n"), || {
        "does not end with END:VCALENDAR CRLF".into()
    });
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' && (i == 0 || bytes[i - 1] != b'\r') {
            v.check(false, || format!("bare LF at byte {i}"));
            break;
        }
        if b == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            v.check(false, || format!("bare CR at byte {i}"));
            break;
        }
    }
    let body = bytes.strip_suffix(b"\r\n").unwrap_or(bytes);
    let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    for (n, line) in lines.iter().enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let no = n + 1;
        v.check(line.len() <= 75, || {
            format!("line {no} has {} octets", line.len())
        });
        v.check(!line.is_empty(), || format!("line {no} is empty"));
        v.check(std::str::from_utf8(line).is_ok(), || {
            format!("line {no} is not UTF-8 on its own (a fold splits a character)")
        });
        v.check(
            !line
                .iter()
                .any(|&b| (b < 0x20 && b != b'\t' && b != b'\r') || b == 0x7f),
            || format!("line {no} has a control character"),
        );
        let folded = lines
            .get(n + 1)
            .is_some_and(|next| next.starts_with(b" ") || next.starts_with(b"\t"));
        if folded {
            v.check(!line.ends_with(b" ") && !line.ends_with(b"\t"), || {
                format!("line {no} is folded right after a blank")
            });
        }
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            v.check(!matches!(line.get(1), Some(b' ' | b'\t')), || {
                format!("continuation line {no} starts with two blanks")
            });
        }
    }
}

/// A property as the `ical` crate reads it.
type Props = Vec<ical::property::Property>;

fn props<'a>(props: &'a Props, name: &str) -> Vec<&'a ical::property::Property> {
    props.iter().filter(|p| p.name == name).collect()
}

fn param<'a>(p: &'a ical::property::Property, name: &str) -> Option<&'a str> {
    p.params.as_ref().and_then(|ps| {
        ps.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .and_then(|(_, vs)| vs.first().map(String::as_str))
    })
}

/// The raw value of a property that must occur exactly once.
fn the<'a>(ps: &'a Props, name: &str, what: &str, v: &mut Violations) -> Option<&'a str> {
    let found = props(ps, name);
    v.check(found.len() == 1, || {
        format!("{what} has {name} {} times, not once", found.len())
    });
    found.first().map(|p| p.value.as_deref().unwrap_or(""))
}

/// Unescapes a TEXT value strictly by RFC 5545 §3.3.11: only `\\`, `\;`, `\,`, `\n` and `\N`
/// are escapes, and `;` and `,` must be escaped.
fn unescape(s: &str, what: &str, v: &mut Violations) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(c @ ('\\' | ';' | ',')) => out.push(c),
                other => {
                    v.check(false, || format!("{what}: invalid escape \\{other:?}"));
                }
            },
            ';' | ',' => {
                v.check(false, || format!("{what}: unescaped {c:?} in TEXT"));
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A list of TEXT values separated by unescaped commas (CATEGORIES).
fn unescape_list(s: &str, what: &str, v: &mut Violations) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push(c);
                cur.extend(chars.next());
            }
            ',' => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    parts.push(cur);
    parts.iter().map(|p| unescape(p, what, v)).collect()
}

/// DTSTART/DTEND: UTC date-times or VALUE=DATE dates only. A TZID would need a VTIMEZONE (the
/// caller checks), a date-time without `Z` and TZID is floating.
fn when(p: &ical::property::Property, what: &str, v: &mut Violations) -> Option<When> {
    let value = p.value.as_deref().unwrap_or("");
    if let Some(tzid) = param(p, "TZID") {
        v.check(false, || {
            format!("{what} has TZID={tzid}, and the file has no VTIMEZONE")
        });
    }
    if param(p, "VALUE").is_some_and(|t| t.eq_ignore_ascii_case("DATE")) {
        let d = NaiveDate::parse_from_str(value, "%Y%m%d").ok();
        v.check(d.is_some() && value.len() == 8, || {
            format!("{what} is VALUE=DATE but {value:?} is not a date")
        });
        return d.map(When::Date);
    }
    v.check(
        param(p, "VALUE").is_none_or(|t| t.eq_ignore_ascii_case("DATE-TIME")),
        || format!("{what} has an unexpected VALUE"),
    );
    let Some(utc) = value.strip_suffix('Z') else {
        v.check(false, || {
            format!("{what} {value:?} is a floating date-time")
        });
        return None;
    };
    let t = NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S").ok();
    v.check(t.is_some() && utc.len() == 15, || {
        format!("{what} {value:?} is not a date-time")
    });
    t.map(|t| When::Utc(t.and_utc()))
}

/// The `ical` crate's reading, with every structural rule checked on the way.
fn read_with_ical(text: &str, v: &mut Violations) -> Calendar {
    let mut parser = ical::IcalParser::new(text.as_bytes());
    let cal = match parser.next() {
        Some(Ok(cal)) => cal,
        Some(Err(e)) => panic!("{}: the ical crate cannot read it: {e}", v.file),
        None => panic!("{}: the ical crate finds no calendar", v.file),
    };
    v.check(parser.next().is_none(), || "more than one VCALENDAR".into());
    let what = "VCALENDAR";
    for (name, want) in [
        ("VERSION", "2.0"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
    ] {
        let got = the(&cal.properties, name, what, v).map(str::to_string);
        v.check(got.as_deref() == Some(want), || {
            format!("{name} is {got:?}")
        });
    }
    let prodid = the(&cal.properties, "PRODID", what, v).unwrap_or("");
    let empty = prodid.is_empty();
    v.check(!empty, || "empty PRODID".into());
    let name = the(&cal.properties, "X-WR-CALNAME", what, v).unwrap_or("");
    let name = unescape(name, "X-WR-CALNAME", v);
    let timezone = props(&cal.properties, "X-WR-TIMEZONE")
        .first()
        .and_then(|p| p.value.clone());
    v.check(cal.timezones.is_empty(), || {
        "a VTIMEZONE, though every time is UTC".into()
    });
    v.check(
        cal.todos.is_empty() && cal.journals.is_empty() && cal.free_busys.is_empty(),
        || "components other than VEVENT".into(),
    );

    let mut events = Vec::new();
    let mut uids = BTreeSet::new();
    for (i, ev) in cal.events.iter().enumerate() {
        let ps = &ev.properties;
        let what = format!("VEVENT #{}", i + 1);
        let uid = the(ps, "UID", &what, v).unwrap_or("").to_string();
        let uid = unescape(&uid, &what, v);
        v.check(!uid.is_empty(), || format!("{what} has an empty UID"));
        v.check(uids.insert(uid.clone()), || {
            format!("UID {uid} occurs twice")
        });
        let what = format!("VEVENT {uid}");
        let dtstamp = the(ps, "DTSTAMP", &what, v).unwrap_or("");
        v.check(
            dtstamp.len() == 16
                && dtstamp.ends_with('Z')
                && NaiveDateTime::parse_from_str(&dtstamp[..15], "%Y%m%dT%H%M%S").is_ok(),
            || format!("{what} DTSTAMP {dtstamp:?} is not a UTC date-time"),
        );
        v.check(props(ps, "DURATION").is_empty(), || {
            format!("{what} has DURATION as well as DTEND")
        });
        let (Some(start), Some(end)) = (
            props(ps, "DTSTART")
                .first()
                .and_then(|p| when(p, &format!("{what} DTSTART"), v)),
            props(ps, "DTEND")
                .first()
                .and_then(|p| when(p, &format!("{what} DTEND"), v)),
        ) else {
            v.check(false, || {
                format!("{what} lacks a readable DTSTART or DTEND")
            });
            continue;
        };
        for name in ["DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "STATUS"] {
            the(ps, name, &what, v);
        }
        v.check(
            std::mem::discriminant(&start) == std::mem::discriminant(&end),
            || format!("{what}: DTSTART and DTEND differ in value type"),
        );
        v.check(end > start, || {
            format!("{what}: DTEND {end:?} is not after DTSTART {start:?}")
        });
        let sequence = the(ps, "SEQUENCE", &what, v).unwrap_or("0");
        let sequence = sequence.parse::<u32>().unwrap_or_else(|_| {
            v.check(false, || format!("{what} SEQUENCE {sequence:?}"));
            0
        });
        let status = the(ps, "STATUS", &what, v).unwrap_or("").to_string();
        v.check(
            ["TENTATIVE", "CONFIRMED", "CANCELLED"].contains(&status.as_str()),
            || format!("{what} STATUS {status:?}"),
        );
        let summary = unescape(the(ps, "SUMMARY", &what, v).unwrap_or(""), &what, v);
        let description = props(ps, "DESCRIPTION")
            .first()
            .map(|p| unescape(p.value.as_deref().unwrap_or(""), &what, v))
            .unwrap_or_default();
        let categories = props(ps, "CATEGORIES")
            .iter()
            .flat_map(|p| unescape_list(p.value.as_deref().unwrap_or(""), &what, v))
            .collect();
        let mut alarms = Vec::new();
        for al in &ev.alarms {
            let what = format!("{what} VALARM");
            let action = the(&al.properties, "ACTION", &what, v)
                .unwrap_or("")
                .to_string();
            let trigger = the(&al.properties, "TRIGGER", &what, v)
                .unwrap_or("")
                .to_string();
            let description = if action == "DISPLAY" {
                let d = the(&al.properties, "DESCRIPTION", &what, v).unwrap_or("");
                v.check(!d.is_empty(), || format!("{what} has an empty DESCRIPTION"));
                unescape(d, &what, v)
            } else {
                String::new()
            };
            alarms.push(Alarm {
                action,
                trigger,
                description,
            });
        }
        events.push(Event {
            uid,
            sequence,
            status,
            summary,
            description,
            categories,
            start,
            end,
            alarms,
        });
    }
    let active: Vec<&str> = events
        .iter()
        .filter(|e| e.status != "CANCELLED")
        .map(|e| e.uid.as_str())
        .collect();
    v.check(
        active.len() == active.iter().collect::<BTreeSet<_>>().len(),
        || "two active events share a UID".into(),
    );
    Calendar {
        name,
        timezone,
        events,
    }
}

/// The `icalendar` crate's parser must read the same events and texts.
fn compare_with_icalendar_crate(text: &str, cal: &Calendar, v: &mut Violations) {
    let unfolded = icalendar::parser::unfold(text);
    let parsed = match icalendar::parser::read_calendar(&unfolded) {
        Ok(c) => c,
        Err(e) => {
            v.check(false, || format!("the icalendar crate cannot read it: {e}"));
            return;
        }
    };
    let events: Vec<_> = parsed
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    v.check(events.len() == cal.events.len(), || {
        format!(
            "the icalendar crate reads {} events, the ical crate {}",
            events.len(),
            cal.events.len()
        )
    });
    for (theirs, ours) in events.iter().zip(&cal.events) {
        let get = |name: &str| {
            theirs
                .properties
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.val.as_str().to_string())
                .unwrap_or_default()
        };
        for (name, want) in [
            ("UID", &ours.uid),
            ("SUMMARY", &ours.summary),
            ("DESCRIPTION", &ours.description),
        ] {
            let got = get(name);
            v.check(&got == want, || {
                format!(
                    "{}: the icalendar crate reads {name} {got:?}, the ical crate {want:?}",
                    ours.uid
                )
            });
        }
        let start = get("DTSTART");
        v.check(start == ours.start.stamp(), || {
            format!("{}: the icalendar crate reads DTSTART {start}", ours.uid)
        });
    }
}

// ---------------------------------------------------------------------------------------------
// The Python readers
// ---------------------------------------------------------------------------------------------

/// The virtualenv's python. A missing virtualenv fails the test, with the command that
/// installs it: a calendar is never waved through unread.
pub fn python() -> PathBuf {
    static FOUND: OnceLock<PathBuf> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let python = venv_python();
            assert!(
                python.exists(),
                "the Python calendar readers are not installed ({} is missing); run \
                 `bash tests/ics/setup-venv.sh` (the README's test command and .ci/run do)",
                python.display()
            );
            python
        })
        .clone()
}

/// `<target>/ics-venv/bin/python`, next to the build of the binary under test (so that
/// CARGO_TARGET_DIR is honoured), or STUDYPLAN_ICS_PYTHON.
fn venv_python() -> PathBuf {
    if let Some(p) = std::env::var_os("STUDYPLAN_ICS_PYTHON") {
        return PathBuf::from(p);
    }
    let target = Path::new(bin())
        .parent()
        .and_then(Path::parent)
        .expect("the binary lives in <target>/<profile>/");
    target.join("ics-venv").join("bin").join("python")
}

fn checker_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ics/check_ics.py")
}

/// Runs `check_ics.py` on `files` and compares what the Python `icalendar` package reads with
/// the `ical` crate's reading (the script itself compares `vobject` and `ics` with `icalendar`).
fn compare_with_python(python: &Path, files: &[PathBuf], ours: &[Calendar]) {
    if files.is_empty() {
        return;
    }
    let out = Command::new(python)
        .arg(checker_script())
        .args(files)
        .output()
        .expect("run check_ics.py");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "check_ics.py rejects the calendar ({}):\n{stderr}",
        out.status
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("check_ics.py prints JSON");
    for (file, cal) in files.iter().zip(ours) {
        let got = &doc[file.to_str().expect("UTF-8 path")];
        assert_eq!(
            got["calendar"]["calname"].as_str(),
            Some(cal.name.as_str()),
            "{}: X-WR-CALNAME",
            file.display()
        );
        assert_eq!(got["calendar"]["vtimezones"], 0);
        let events = got["events"].as_array().expect("events");
        assert_eq!(events.len(), cal.events.len(), "{}", file.display());
        for (py, e) in events.iter().zip(&cal.events) {
            let s = |k: &str| py[k].as_str().unwrap_or_default().to_string();
            let ctx = format!("{}: {}", file.display(), e.uid);
            assert_eq!(s("uid"), e.uid, "{ctx}");
            assert_eq!(s("summary"), e.summary, "{ctx}: SUMMARY");
            assert_eq!(s("description"), e.description, "{ctx}: DESCRIPTION");
            assert_eq!(s("status"), e.status, "{ctx}: STATUS");
            assert_eq!(py["sequence"], e.sequence, "{ctx}: SEQUENCE");
            assert_eq!(s("start"), e.start.stamp(), "{ctx}: DTSTART");
            assert_eq!(s("end"), e.end.stamp(), "{ctx}: DTEND");
            let cats: Vec<String> = py["categories"]
                .as_array()
                .expect("categories")
                .iter()
                .map(|c| c.as_str().unwrap_or_default().to_string())
                .collect();
            assert_eq!(cats, e.categories, "{ctx}: CATEGORIES");
            let alarms = py["alarms"].as_array().expect("alarms");
            assert_eq!(alarms.len(), e.alarms.len(), "{ctx}: VALARMs");
            for (pa, a) in alarms.iter().zip(&e.alarms) {
                assert_eq!(pa["action"].as_str(), Some(a.action.as_str()), "{ctx}");
                assert_eq!(
                    pa["description"].as_str(),
                    Some(a.description.as_str()),
                    "{ctx}"
                );
                let minutes = a
                    .trigger
                    .strip_prefix("-PT")
                    .and_then(|m| m.strip_suffix('M'))
                    .and_then(|m| m.parse::<i64>().ok())
                    .map(|m| -m);
                assert_eq!(pa["trigger_minutes"].as_i64(), minutes, "{ctx}: TRIGGER");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers for the tests
// ---------------------------------------------------------------------------------------------

/// The flags every bundled-path plan here uses: reminders, milestones, a pinned clock.
const EXTRAS: [&str; 7] = [
    "--remind",
    "10m",
    "--milestones",
    "--now",
    NOW,
    "--time-limit",
    "5",
];

/// `studyplan plan backend-engineer` in `tz` from `start`; the plan document and the calendar's
/// path.
fn plan_bundled(sb: &Sandbox, tz: &str, start: &str) -> (PlanDoc, PathBuf) {
    let run = sb
        .cmd([
            "plan",
            "backend-engineer",
            "--start",
            start,
            "--hours",
            "0.75",
        ])
        .args(["--tz", tz, "--format", "json", "--ics", "cal.ics"])
        .args(EXTRAS)
        .ok();
    (run.plan_doc(), sb.path().join("cal.ics"))
}

/// The first session of each day, by date.
fn first_of_each_day(doc: &PlanDoc) -> BTreeMap<NaiveDate, &SessionDoc> {
    let mut first: BTreeMap<NaiveDate, &SessionDoc> = BTreeMap::new();
    for s in &doc.sessions {
        first
            .entry(s.date)
            .and_modify(|f| {
                if s.start < f.start {
                    *f = s;
                }
            })
            .or_insert(s);
    }
    first
}

/// Every session is one timed event at its time, and each day's first session starts at 19:00
/// local time in `tz` on both sides of the DST switch on `switch`; milestones are all-day with
/// DTEND the next day; every session has a 10-minute display reminder.
fn check_against_plan(doc: &PlanDoc, cal: &Calendar, tz: chrono_tz::Tz, switch: NaiveDate) {
    assert_eq!(cal.timezone.as_deref(), Some(tz.name()));
    assert_eq!(cal.timed().count(), doc.sessions.len());
    for s in &doc.sessions {
        let e = cal.event(&s.uid);
        assert_eq!(e.start.utc(), s.start.with_timezone(&Utc), "{}", s.uid);
        assert_eq!(e.end.utc(), s.end.with_timezone(&Utc), "{}", s.uid);
        assert_eq!(e.sequence, 0);
        assert_eq!(e.status, "CONFIRMED");
        assert!(e.summary.starts_with(&s.title), "{}", e.summary);
        assert!(e.summary.ends_with(&format!("{} min)", s.minutes)));
        assert_eq!(
            e.alarms,
            [Alarm {
                action: "DISPLAY".into(),
                trigger: "-PT10M".into(),
                description: "Reminder".into(),
            }],
            "{}",
            s.uid
        );
    }
    let seven = NaiveTime::from_hms_opt(19, 0, 0).expect("19:00");
    let first = first_of_each_day(doc);
    let before = first.keys().filter(|d| **d < switch).count();
    let after = first.keys().filter(|d| **d >= switch).count();
    assert!(
        before >= 3 && after >= 3,
        "sessions on both sides of {switch}"
    );
    for (date, s) in &first {
        let utc = cal.event(&s.uid).start.utc();
        let local = utc.with_timezone(&tz);
        assert_eq!(local.date_naive(), *date, "{}", s.uid);
        assert_eq!(local.time(), seven, "{date}: {utc} is not 19:00 in {tz}");
        let expected = tz
            .from_local_datetime(&date.and_time(seven))
            .single()
            .expect("19:00 exists on every day");
        assert_eq!(utc, expected.with_timezone(&Utc));
    }
    let milestones: Vec<&Event> = cal.all_day().collect();
    assert!(!milestones.is_empty());
    for m in milestones {
        let (When::Date(start), When::Date(end)) = (m.start, m.end) else {
            unreachable!()
        };
        assert_eq!(Some(end), start.succ_opt(), "{}", m.uid);
        assert!(m.summary.starts_with("Checkpoint: "), "{}", m.summary);
    }
}

/// The first session's start in UTC on the last study day before `switch` and on the first
/// one from `switch` on.
fn around(
    doc: &PlanDoc,
    cal: &Calendar,
    switch: NaiveDate,
) -> ((NaiveDate, DateTime<Utc>), (NaiveDate, DateTime<Utc>)) {
    let first = first_of_each_day(doc);
    let at = |(d, s): (&NaiveDate, &&SessionDoc)| (*d, cal.event(&s.uid).start.utc());
    let before = first.range(..switch).next_back().map(at);
    let after = first.range(switch..).next().map(at);
    before
        .zip(after)
        .expect("study days on both sides of the switch")
}

/// `date` at `hh`:00 UTC.
fn utc_at(date: NaiveDate, hh: u32) -> DateTime<Utc> {
    date.and_hms_opt(hh, 0, 0).expect("time").and_utc()
}

/// Two runs of the same plan give the same calendar bytes. The solver runs under a time limit,
/// so two runs can only be expected to give the same plan when it was solved to optimality or
/// both runs stopped at the same incumbent; the writer must then give the same bytes.
fn assert_same_bytes(tz: &str, start: &str, doc: &PlanDoc, file: &Path) {
    let again = Sandbox::new();
    let (doc2, file2) = plan_bundled(&again, tz, start);
    check_file(&file2);
    let same_plan = format!("{:?}", doc.sessions) == format!("{:?}", doc2.sessions);
    assert!(
        same_plan || !doc.summary.optimal,
        "two runs of an optimal plan differ"
    );
    if same_plan {
        assert!(
            std::fs::read(file).expect("read") == std::fs::read(&file2).expect("read"),
            "two identical runs wrote different calendars"
        );
    } else {
        eprintln!("note: the time-limited solver stopped at different plans; bytes not compared");
    }
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[test]
fn berlin_across_the_dst_switch() {
    let sb = Sandbox::new();
    let (doc, file) = plan_bundled(&sb, "Europe/Berlin", "2027-03-15");
    let cal = check_file(&file);
    let switch = NaiveDate::from_ymd_opt(2027, 3, 28).expect("date");
    check_against_plan(&doc, &cal, chrono_tz::Europe::Berlin, switch);
    // 19:00 is 18:00Z in winter time and 17:00Z in summer time, from the switch day on.
    let ((before, b), (after, a)) = around(&doc, &cal, switch);
    assert_eq!(b, utc_at(before, 18));
    assert_eq!(a, utc_at(after, 17));
    // Same inputs, another directory: the same bytes.
    assert_same_bytes("Europe/Berlin", "2027-03-15", &doc, &file);
}

#[test]
fn new_york_across_the_dst_switch() {
    let sb = Sandbox::new();
    let (doc, file) = plan_bundled(&sb, "America/New_York", "2027-03-01");
    let cal = check_file(&file);
    let switch = NaiveDate::from_ymd_opt(2027, 3, 14).expect("date");
    check_against_plan(&doc, &cal, chrono_tz::America::New_York, switch);
    // 19:00 EST is midnight UTC (on the next UTC day); 19:00 EDT is 23:00Z.
    let ((before, b), (after, a)) = around(&doc, &cal, switch);
    assert_eq!(b, utc_at(before.succ_opt().expect("date"), 0));
    assert_eq!(a, utc_at(after, 23));
    assert_same_bytes("America/New_York", "2027-03-01", &doc, &file);
}

/// Sessions from an `--at` in the night run on in real time across the DST change: each lasts
/// its minutes, in the JSON and in the calendar, the day's sessions follow each other without
/// overlap, and the section's required items come before its reference one. Read on the wall
/// clock, a session starting in the spring gap ended before it started, one across the autumn
/// change lasted 90 minutes for 30, and the reference item came first (found by an audit).
#[test]
fn night_sessions_last_their_minutes_across_the_dst_change() {
    let sb = Sandbox::new();
    sb.write(
        "night.yaml",
        "title: Night\nsections:\n  - title: S\n    weeks: 1\n    items:\n      \
         - {title: A, minutes: 45}\n      - {title: B, minutes: 30}\n      \
         - {title: C, minutes: 30}\n      - {title: D, minutes: 10, kind: reference}\n",
    );
    for start in ["2027-03-28", "2027-10-31"] {
        let run = sb
            .plan(
                "night.yaml",
                &[
                    "--start",
                    start,
                    "--hours",
                    "2",
                    "--at",
                    "01:30",
                    "--tz",
                    "Europe/Berlin",
                    "--format",
                    "json",
                    "--ics",
                    "night.ics",
                ],
            )
            .ok();
        let doc = run.plan_doc();
        let cal = check_file(&sb.path().join("night.ics"));
        let day: Vec<&SessionDoc> = doc
            .sessions
            .iter()
            .filter(|s| s.date.to_string() == start)
            .collect();
        assert_eq!(day.len(), 4, "{start}: {:?}", doc.sessions);
        for s in &day {
            assert_eq!(
                (s.end - s.start).num_minutes(),
                i64::from(s.minutes),
                "{s:?}"
            );
            let e = cal.event(&s.uid);
            assert_eq!(e.start.utc(), s.start.with_timezone(&Utc), "{}", s.uid);
            assert_eq!(e.end.utc(), s.end.with_timezone(&Utc), "{}", s.uid);
        }
        for w in day.windows(2) {
            assert!(
                w[0].end <= w[1].start,
                "{start}: {:?} then {:?}",
                w[0],
                w[1]
            );
        }
        let titles: Vec<&str> = day.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["A", "B", "C", "D"], "{start}");
    }
}

/// A small path for the replan and snapshot tests: one item is split in two at --hours 1.
const SMALL: &str = "id: tiny
title: Tiny Path
sections:
  - id: db
    title: Databases
    weeks: 1
    checkpoint: You can explain B-trees, WAL; and MVCC.
    items:
      - {title: Storage Engines, minutes: 40, url: 'https://example.com/storage?a=1&b=2'}
      - {title: Write-Ahead Logging, minutes: 100}
      - {title: Index Tuning, minutes: 30, kind: optional, group: Practice}
  - id: api
    title: APIs
    weeks: 2
    items:
      - {title: REST, minutes: 45}
";

#[test]
fn snapshot_of_a_small_calendar() {
    let sb = Sandbox::new();
    sb.write("tiny.yaml", SMALL);
    sb.cmd(["plan", "tiny.yaml", "--start", "2027-03-22", "--hours", "1"])
        .args(["--tz", "Europe/Berlin", "--ics", "tiny.ics"])
        .args(EXTRAS)
        .ok();
    let cal = check_file(&sb.path().join("tiny.ics"));
    // One item in two parts, one all-day checkpoint per section.
    assert_eq!(
        cal.events
            .iter()
            .filter(|e| e.summary.contains("part "))
            .count(),
        2
    );
    assert_eq!(cal.all_day().count(), 2);
    // The snapshot shows LF; the line endings are checked above.
    insta::assert_snapshot!("ics_small", sb.read("tiny.ics").replace("\r\n", "\n"));
}

/// Runs a command in the sandbox with the pinned clock and zone of the replan test.
fn replan_cmd(sb: &Sandbox, args: &[&str]) -> crate::util::Run {
    sb.cmd(args.iter().copied())
        .args([
            "--now",
            NOW,
            "--time-limit",
            "5",
            "--remind",
            "10m",
            "--milestones",
        ])
        .args(["--format", "json"])
        .ok()
}

#[test]
fn replan_updates_in_place() {
    let sb = Sandbox::new();
    sb.write("tiny.yaml", SMALL);
    // Started five days before "now", so some sessions are in the past.
    let first = replan_cmd(
        &sb,
        &[
            "plan",
            "tiny.yaml",
            "--start",
            "2026-11-16",
            "--hours",
            "1",
            "--tz",
            "Europe/Berlin",
            "--ics",
            "1.ics",
        ],
    )
    .plan_doc();
    let before = check_file(&sb.path().join("1.ics"));

    sb.cmd(["done", "db/storage-engines", "--on", "2026-11-16"])
        .ok();
    // REST is in week 2, after --from: skipping it must cancel its session.
    let rest: Vec<&SessionDoc> = first
        .sessions
        .iter()
        .filter(|s| s.item == "api/rest")
        .collect();
    let from = NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
    assert!(!rest.is_empty() && rest.iter().all(|s| s.date >= from));
    sb.cmd(["skip", "api/rest"]).ok();
    let second = replan_cmd(&sb, &["replan", "--from", "2026-11-21", "--ics", "2.ics"]).plan_doc();
    let after = check_file(&sb.path().join("2.ics"));

    // Every event of the first calendar is still there, once: updated, unchanged or cancelled,
    // so a client that re-imports ends up with no duplicates and no stale events.
    for old in &before.events {
        let new = after.event(&old.uid);
        let skipped = rest.iter().any(|s| s.uid == old.uid);
        if skipped {
            assert_eq!(new.status, "CANCELLED", "{}", old.uid);
        }
        if new.status == "CANCELLED" {
            // Skipped, or an optional item that no longer fits.
            assert_eq!(old.status, "CONFIRMED");
            assert!(new.sequence > old.sequence, "{}", old.uid);
            assert!(new.alarms.is_empty(), "a cancelled event keeps no reminder");
        } else if new.start != old.start || new.end != old.end {
            assert!(
                new.sequence > old.sequence,
                "{} moved but kept SEQUENCE {}",
                old.uid,
                old.sequence
            );
            assert_eq!(new.status, "CONFIRMED");
        } else {
            assert_eq!(new.sequence, old.sequence, "{} did not move", old.uid);
            assert_eq!(new.status, old.status);
        }
    }
    let moved = before
        .timed()
        .filter(|o| {
            let n = after.event(&o.uid);
            n.status != "CANCELLED" && n.start != o.start
        })
        .count();
    assert!(moved > 0, "missed sessions moved");
    let kept = before
        .timed()
        .filter(|o| after.event(&o.uid).start == o.start)
        .count();
    assert!(kept > 0, "the done session stays where it was");
    // The active events are exactly the plan's sessions.
    let active: BTreeSet<&str> = after
        .timed()
        .filter(|e| e.status != "CANCELLED")
        .map(|e| e.uid.as_str())
        .collect();
    let sessions: BTreeSet<&str> = second.sessions.iter().map(|s| s.uid.as_str()).collect();
    assert_eq!(active, sessions);

    // Replanning again with nothing new changes nothing, not even a SEQUENCE.
    replan_cmd(&sb, &["replan", "--from", "2026-11-21", "--ics", "3.ics"]);
    check_file(&sb.path().join("3.ics"));
    assert!(sb.read_bytes("2.ics") == sb.read_bytes("3.ics"));

    // Undoing the skip brings REST back above the SEQUENCE of its cancellation, so clients
    // that saw the cancellation accept the event again.
    sb.cmd(["undo"]).ok();
    replan_cmd(&sb, &["replan", "--from", "2026-11-21", "--ics", "4.ics"]);
    let revived = check_file(&sb.path().join("4.ics"));
    for s in &rest {
        let cancelled = after.event(&s.uid);
        let back = revived.event(&s.uid);
        assert_eq!(back.status, "CONFIRMED", "{}", s.uid);
        assert!(back.sequence > cancelled.sequence, "{}", s.uid);
    }
    // All four calendars, once more in one go, as the Python readers see a batch.
    check_dir(sb.path());
}

#[test]
fn long_and_special_titles_fold_and_escape() {
    let long: String = "Kafka 🚀 Überblick, Teil; eins – "
        .chars()
        .cycle()
        .take(2_000)
        .collect::<String>()
        .trim_end()
        .to_string();
    let special = r#"Semi; comma, back\slash "quoted" 'single' & <angle> \ end"#;
    let yaml = format!(
        "id: odd\ntitle: 'Odd; titles, with \\ backslash'\nsections:\n  - id: s\n    title: 'Streaming, Kafka; Co'\n    weeks: 1\n    items:\n      - id: long\n        title: {long}\n        minutes: 30\n      - id: special\n        title: {special}\n        minutes: 20\n",
        long = serde_json::to_string(&long).expect("JSON string"),
        special = serde_json::to_string(special).expect("JSON string"),
    );
    let sb = Sandbox::new();
    sb.write("odd.yaml", &yaml);
    sb.cmd(["plan", "odd.yaml", "--start", "2027-03-22", "--hours", "1"])
        .args(["--tz", "Europe/Berlin", "--ics", "odd.ics"])
        .args(EXTRAS)
        .ok();
    let cal = check_file(&sb.path().join("odd.ics"));
    assert_eq!(cal.name, r"Odd; titles, with \ backslash");
    let long_event = cal
        .events
        .iter()
        .find(|e| e.uid.contains(".long."))
        .expect("the long item");
    assert_eq!(long_event.summary, format!("{long} (Required, 30 min)"));
    assert_eq!(long_event.categories, ["Required", "Streaming, Kafka; Co"]);
    let special_event = cal
        .events
        .iter()
        .find(|e| e.uid.contains(".special."))
        .expect("the special item");
    assert_eq!(
        special_event.summary,
        format!("{special} (Required, 20 min)")
    );
    assert!(special_event
        .description
        .contains("Section: Streaming, Kafka; Co\n"));
    // The SUMMARY of the long title needs many physical lines.
    let text = sb.read("odd.ics");
    assert!(text.matches("\r\n ").count() > 30);
}
