//! The test's own picture of a learning path and of the learner's availability, independent of
//! the crate: what the checker and the reference greedy scheduler reason about, and how to turn
//! it into a path file and command-line flags.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use chrono_tz::Tz;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Required,
    Optional,
    Reference,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Required => "required",
            Kind::Optional => "optional",
            Kind::Reference => "reference",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "required" => Some(Kind::Required),
            "optional" => Some(Kind::Optional),
            "reference" => Some(Kind::Reference),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PathSpec {
    pub id: String,
    pub title: String,
    pub sections: Vec<SectionSpec>,
}

#[derive(Debug, Clone)]
pub struct SectionSpec {
    pub id: String,
    pub title: String,
    /// 1-based inclusive weeks.
    pub weeks: Option<(u32, u32)>,
    pub items: Vec<ItemSpec>,
}

#[derive(Debug, Clone)]
pub struct ItemSpec {
    pub id: String,
    pub title: String,
    pub kind: Kind,
    pub minutes: u32,
    /// Full ids (`section/item`) of prerequisites.
    pub after: Vec<String>,
}

/// One item with its position, as the checker and the greedy scheduler see it.
#[derive(Debug, Clone)]
pub struct FlatItem {
    pub full_id: String,
    pub section: usize,
    pub title: String,
    pub kind: Kind,
    pub minutes: u32,
    /// Indices (into the flat list) of prerequisites.
    pub after: Vec<usize>,
}

impl PathSpec {
    /// Items in path order with resolved prerequisites.
    pub fn flat(&self) -> Vec<FlatItem> {
        let ids: Vec<String> = self
            .sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| format!("{}/{}", s.id, i.id)))
            .collect();
        let mut out = Vec::new();
        for (s, section) in self.sections.iter().enumerate() {
            for item in &section.items {
                let after = item
                    .after
                    .iter()
                    .map(|a| {
                        ids.iter()
                            .position(|x| x == a)
                            .unwrap_or_else(|| panic!("unknown prerequisite {a} in fixture"))
                    })
                    .collect();
                out.push(FlatItem {
                    full_id: format!("{}/{}", section.id, item.id),
                    section: s,
                    title: item.title.clone(),
                    kind: item.kind,
                    minutes: item.minutes,
                    after,
                });
            }
        }
        out
    }

    pub fn minutes_of(&self, kind: Kind) -> u32 {
        self.sections
            .iter()
            .flat_map(|s| &s.items)
            .filter(|i| i.kind == kind)
            .map(|i| i.minutes)
            .sum()
    }

    /// The path file, in the contract's format, with every id spelled out.
    pub fn yaml(&self) -> String {
        let mut y = String::new();
        let _ = writeln!(y, "id: {}", self.id);
        let _ = writeln!(y, "title: {}", self.title);
        let _ = writeln!(y, "sections:");
        for s in &self.sections {
            let _ = writeln!(y, "  - id: {}", s.id);
            let _ = writeln!(y, "    title: {}", s.title);
            if let Some((a, b)) = s.weeks {
                if a == b {
                    let _ = writeln!(y, "    weeks: {a}");
                } else {
                    let _ = writeln!(y, "    weeks: {a}-{b}");
                }
            }
            let _ = writeln!(y, "    items:");
            for i in &s.items {
                let _ = writeln!(y, "      - id: {}", i.id);
                let _ = writeln!(y, "        title: {}", i.title);
                let _ = writeln!(y, "        kind: {}", i.kind.as_str());
                let _ = writeln!(y, "        minutes: {}", i.minutes);
                if !i.after.is_empty() {
                    let _ = writeln!(y, "        after: [{}]", i.after.join(", "));
                }
            }
        }
        y
    }
}

/// The learner's availability as given on the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    pub start: NaiveDate,
    /// Minutes per weekday day (`--hours`), a multiple of 15 so the flag is an exact decimal.
    pub minutes: u32,
    /// Minutes on Saturday and Sunday (`--weekend-hours`).
    pub weekend_minutes: Option<u32>,
    /// Study weekdays, Monday first (`--days`); `None` means all seven.
    pub days: Option<[bool; 7]>,
    /// Inclusive ranges of days off (`--off`).
    pub off: Vec<(NaiveDate, NaiveDate)>,
    pub at: NaiveTime,
    pub tz: Tz,
    pub max_session: Option<u32>,
    /// `--any-order`: the path-order rule is lifted.
    pub any_order: bool,
    /// Study windows, busy time and breaks; the default sets none of them.
    pub free: FreeTime,
}

/// The study windows of one weekday: (start, end) in minutes after local midnight.
pub type Windows = Vec<(u32, u32)>;

/// When on a day study may happen besides its hours: `--window`, `--busy busy.ics` (written by
/// [`Settings::files`]) and `--break`.
#[derive(Debug, Clone, Default)]
pub struct FreeTime {
    /// Study windows of each weekday (Monday first) in minutes after local midnight, sorted
    /// and disjoint; `None`: a day's study runs from `at` to midnight.
    pub windows: Option<[Vec<(u32, u32)>; 7]>,
    pub busy: Vec<BusyEvent>,
    pub break_minutes: u32,
}

/// One event of the busy calendar, in UTC (the plans that use one are made in UTC).
#[derive(Debug, Clone)]
pub struct BusyEvent {
    /// The first instance's start (midnight for an all-day event).
    pub start: NaiveDateTime,
    /// Its length: minutes, or whole days for an all-day event (a DATE-only event).
    pub minutes: u32,
    pub all_day: bool,
    /// Repeats every `every` days (1 daily, 7 weekly), `count` instances in all.
    pub every: u32,
    pub count: u32,
}

impl BusyEvent {
    /// Start and end of every instance.
    pub fn instances(&self) -> Vec<(NaiveDateTime, NaiveDateTime)> {
        (0..self.count.max(1))
            .map(|k| {
                let a = self.start + chrono::Duration::days(i64::from(k * self.every));
                (a, a + chrono::Duration::minutes(i64::from(self.minutes)))
            })
            .collect()
    }
}

impl FreeTime {
    /// Whether any of the three is given (the plan's days are made of free gaps then).
    pub fn is_set(&self) -> bool {
        self.windows.is_some() || !self.busy.is_empty() || self.break_minutes > 0
    }

    /// Whether windows or busy time shape the days (the JSON lists the gaps then).
    pub fn shapes_days(&self) -> bool {
        self.windows.is_some() || !self.busy.is_empty()
    }

    /// The calendar as an .ics file: one VEVENT per event, recurring ones with an RRULE.
    pub fn ics(&self) -> String {
        let mut s =
            String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//studyplan tests//EN\r\n");
        for (i, e) in self.busy.iter().enumerate() {
            let _ = write!(
                s,
                "BEGIN:VEVENT\r\nUID:busy-{i}@tests\r\nDTSTAMP:20260101T000000Z\r\n"
            );
            let end = e.start + chrono::Duration::minutes(i64::from(e.minutes));
            if e.all_day {
                let _ = write!(
                    s,
                    "DTSTART;VALUE=DATE:{}\r\nDTEND;VALUE=DATE:{}\r\n",
                    e.start.format("%Y%m%d"),
                    end.format("%Y%m%d")
                );
            } else {
                let _ = write!(
                    s,
                    "DTSTART:{}\r\nDTEND:{}\r\n",
                    e.start.format("%Y%m%dT%H%M%SZ"),
                    end.format("%Y%m%dT%H%M%SZ")
                );
            }
            if e.count > 1 {
                let freq = if e.every == 7 { "WEEKLY" } else { "DAILY" };
                assert!(e.every == 7 || e.every == 1, "every {} days", e.every);
                let _ = write!(s, "RRULE:FREQ={freq};COUNT={}\r\n", e.count);
            }
            let _ = write!(s, "SUMMARY:busy {i}\r\nEND:VEVENT\r\n");
        }
        s.push_str("END:VCALENDAR\r\n");
        s
    }
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("fixture date")
}

fn hours(minutes: u32) -> String {
    format!("{}", f64::from(minutes) / 60.0)
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn clock(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

impl Settings {
    /// Every day studied for `minutes`, sessions from 19:00 UTC, default session limits.
    pub fn daily(start: &str, minutes: u32) -> Settings {
        Settings {
            start: date(start),
            minutes,
            weekend_minutes: None,
            days: None,
            off: Vec::new(),
            at: NaiveTime::from_hms_opt(19, 0, 0).expect("time"),
            tz: Tz::UTC,
            max_session: None,
            any_order: false,
            free: FreeTime::default(),
        }
    }

    /// The `plan` flags for these settings (everything after the path).
    pub fn args(&self) -> Vec<String> {
        let mut a = vec![
            "--start".to_string(),
            self.start.to_string(),
            "--hours".to_string(),
            hours(self.minutes),
            "--at".to_string(),
            format!("{:02}:{:02}", self.at.hour(), self.at.minute()),
            "--tz".to_string(),
            self.tz.name().to_string(),
        ];
        if let Some(w) = self.weekend_minutes {
            a.extend(["--weekend-hours".to_string(), hours(w)]);
        }
        if let Some(days) = self.days {
            let names: Vec<&str> = DAY_NAMES
                .iter()
                .zip(days)
                .filter(|(_, on)| *on)
                .map(|(n, _)| *n)
                .collect();
            a.extend(["--days".to_string(), names.join(",")]);
        }
        for (from, to) in &self.off {
            let v = if from == to {
                from.to_string()
            } else {
                format!("{from}..{to}")
            };
            a.extend(["--off".to_string(), v]);
        }
        if let Some(m) = self.max_session {
            a.extend(["--max-session".to_string(), m.to_string()]);
        }
        if self.any_order {
            a.push("--any-order".to_string());
        }
        if let Some(windows) = &self.free.windows {
            // Weekdays with the same windows share their flags (`mon,thu=18:00-19:00`).
            let mut groups: Vec<(Vec<&str>, &Windows)> = Vec::new();
            for (d, list) in windows.iter().enumerate() {
                match groups.iter_mut().find(|(_, l)| *l == list) {
                    Some((days, _)) => days.push(DAY_NAMES[d]),
                    None => groups.push((vec![DAY_NAMES[d]], list)),
                }
            }
            for (days, list) in groups {
                for &(from, to) in list {
                    a.extend([
                        "--window".to_string(),
                        format!("{}={}-{}", days.join(","), clock(from), clock(to)),
                    ]);
                }
            }
        }
        if !self.free.busy.is_empty() {
            a.extend(["--busy".to_string(), "busy.ics".to_string()]);
        }
        if self.free.break_minutes > 0 {
            a.extend(["--break".to_string(), self.free.break_minutes.to_string()]);
        }
        a
    }

    /// Files the flags name, to write next to the path file: the busy calendar.
    pub fn files(&self) -> Vec<(&'static str, String)> {
        if self.free.busy.is_empty() {
            return Vec::new();
        }
        assert_eq!(self.tz, Tz::UTC, "busy events are written in UTC");
        vec![("busy.ics", self.free.ics())]
    }

    /// Minutes from `--at` to midnight: no day can hold more.
    fn until_midnight(&self) -> u32 {
        (24 * 60 - self.at.hour() * 60 - self.at.minute()).min(24 * 60)
    }

    /// Minutes of study on weekday `i` (Monday = 0) before days off and busy time: its hours,
    /// but no more than its windows (or the time from `--at` to midnight) hold.
    pub fn weekday_minutes(&self, i: usize) -> u32 {
        if self.days.is_some_and(|d| !d[i]) {
            return 0;
        }
        let m = if i >= 5 {
            self.weekend_minutes.unwrap_or(self.minutes)
        } else {
            self.minutes
        };
        m.min(self.weekday_room(i))
    }

    /// Minutes weekday `i` offers before busy time: its windows, or `--at` to midnight.
    fn weekday_room(&self, i: usize) -> u32 {
        match &self.free.windows {
            Some(w) => w[i].iter().map(|(a, b)| b - a).sum(),
            None => self.until_midnight(),
        }
    }

    /// The gaps of `date` before busy time: its windows, or `--at` to midnight.
    fn base_gaps(&self, date: NaiveDate) -> Vec<(u32, u32)> {
        let i = date.weekday().num_days_from_monday() as usize;
        match &self.free.windows {
            Some(w) => w[i].clone(),
            None => vec![(self.at.hour() * 60 + self.at.minute(), 24 * 60)],
        }
    }

    /// The free gaps of `date` in minutes after its midnight: its windows (or `--at` to
    /// midnight) minus every busy instance widened by the break on both sides, each starting a
    /// break after the gap before it ends (the day before's last one too, from the plan's
    /// second day on). None on days off and on days without study hours.
    pub fn gaps(&self, date: NaiveDate) -> Vec<(u32, u32)> {
        let brk = i64::from(self.free.break_minutes);
        let mut end: Option<i64> =
            date.pred_opt()
                .filter(|&prev| prev >= self.start)
                .and_then(|prev| {
                    self.cut_gaps(prev)
                        .last()
                        .map(|&(_, b)| i64::from(b) - 24 * 60)
                });
        let mut out = Vec::new();
        for (a, b) in self.cut_gaps(date) {
            let a = end.map_or(a, |e| a.max(u32::try_from(e + brk).unwrap_or(0)));
            if a < b {
                out.push((a, b));
                end = Some(i64::from(b));
            }
        }
        out
    }

    /// [`Settings::gaps`] before the breaks between gaps.
    fn cut_gaps(&self, date: NaiveDate) -> Vec<(u32, u32)> {
        let i = date.weekday().num_days_from_monday() as usize;
        if self.off.iter().any(|&(a, b)| a <= date && date <= b) || self.weekday_minutes(i) == 0 {
            return Vec::new();
        }
        let midnight = date.and_time(NaiveTime::MIN);
        let brk = i64::from(self.free.break_minutes);
        let mut blocked: Vec<(i64, i64)> = Vec::new();
        for e in &self.free.busy {
            for (a, b) in e.instances() {
                blocked.push((
                    (a - midnight).num_minutes() - brk,
                    (b - midnight).num_minutes() + brk,
                ));
            }
        }
        let mut out = Vec::new();
        for (from, to) in self.base_gaps(date) {
            // Every minute of the gap that no blocked range covers, as maximal runs.
            let mut run: Option<u32> = None;
            for m in from..=to {
                let free = m < to
                    && !blocked
                        .iter()
                        .any(|&(a, b)| a <= i64::from(m) && i64::from(m) < b);
                match (free, run) {
                    (true, None) => run = Some(m),
                    (false, Some(a)) => {
                        out.push((a, m));
                        run = None;
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// The capacity the contract gives `date`: its hours, but no more than its gaps hold.
    pub fn capacity(&self, date: NaiveDate) -> u32 {
        if self.off.iter().any(|&(a, b)| a <= date && date <= b) {
            return 0;
        }
        let hours = self.weekday_minutes(date.weekday().num_days_from_monday() as usize);
        if !self.free.shapes_days() {
            return hours;
        }
        hours.min(self.gaps(date).iter().map(|(a, b)| b - a).sum())
    }

    pub fn capacity_of_day(&self, day: u32) -> u32 {
        self.capacity(self.date_of(day))
    }

    pub fn date_of(&self, day: u32) -> NaiveDate {
        self.start + chrono::Duration::days(i64::from(day))
    }

    /// The session limit: `--max-session` (default 90) capped by the largest study day (its
    /// hours within its windows; busy time and days off do not count).
    pub fn session_limit(&self) -> u32 {
        let largest = (0..7).map(|i| self.weekday_minutes(i)).max().unwrap_or(0);
        self.max_session.unwrap_or(90).min(largest)
    }

    /// First and last day (offsets from the start) of a weeks window.
    pub fn window_days(weeks: (u32, u32)) -> (u32, u32) {
        (7 * (weeks.0 - 1), 7 * weeks.1 - 1)
    }

    pub fn window_dates(&self, weeks: (u32, u32)) -> (NaiveDate, NaiveDate) {
        let (a, b) = Settings::window_days(weeks);
        (self.date_of(a), self.date_of(b))
    }
}

/// The contract's default id: a lowercase ASCII slug of the title.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// Reads a path file of the contract's format (the subset the bundled paths use) with a plain
/// YAML parser, so the checker does not depend on the crate's own loader.
pub fn read_path_file(text: &str, stem: &str) -> PathSpec {
    use serde_norway::Value;
    let doc: Value = serde_norway::from_str(text).expect("path file is YAML");
    let s = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let default_minutes = doc.get("default_minutes").and_then(Value::as_u64);
    let mut sections = Vec::new();
    for sec in doc["sections"].as_sequence().expect("sections") {
        let title = s(&sec["title"]).expect("section title");
        let sid = sec.get("id").and_then(s).unwrap_or_else(|| slug(&title));
        let weeks = sec.get("weeks").and_then(s).map(|w| {
            let w: String = w.chars().filter(|c| !c.is_whitespace()).collect();
            match w.split_once(['-', '–']) {
                Some((a, b)) => (a.parse().expect("week"), b.parse().expect("week")),
                None => {
                    let n = w.parse().expect("week");
                    (n, n)
                }
            }
        });
        let mut items = Vec::new();
        for it in sec["items"].as_sequence().expect("items") {
            let title = s(&it["title"]).expect("item title");
            let id = it.get("id").and_then(s).unwrap_or_else(|| slug(&title));
            let kind = it
                .get("kind")
                .and_then(Value::as_str)
                .map_or(Kind::Required, |k| Kind::parse(k).expect("kind"));
            let minutes = it
                .get("minutes")
                .and_then(Value::as_u64)
                .or(default_minutes)
                .expect("minutes") as u32;
            // Bare prerequisite ids name an item of the same section.
            let after = it
                .get("after")
                .and_then(Value::as_sequence)
                .map(|list| {
                    list.iter()
                        .filter_map(Value::as_str)
                        .map(|a| {
                            if a.contains('/') {
                                a.to_string()
                            } else {
                                format!("{sid}/{a}")
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            items.push(ItemSpec {
                id,
                title,
                kind,
                minutes,
                after,
            });
        }
        sections.push(SectionSpec {
            id: sid,
            title,
            weeks,
            items,
        });
    }
    PathSpec {
        id: doc
            .get("id")
            .and_then(s)
            .unwrap_or_else(|| stem.to_string()),
        title: s(&doc["title"]).expect("title"),
        sections,
    }
}

/// The bundled 12-week path, read from `paths/` of this repository.
pub fn backend_engineer() -> PathSpec {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/paths/backend-engineer.yaml");
    let text = std::fs::read_to_string(file).expect("paths/backend-engineer.yaml");
    read_path_file(&text, "backend-engineer")
}
