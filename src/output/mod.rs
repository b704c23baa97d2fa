//! Writers that turn a finished [`Plan`] into something to read or import.
//!
//! Every writer takes `&Plan` and a `&mut dyn Write` and returns `std::io::Result<()>`; the
//! command layer decides where the bytes go and maps I/O errors to [`crate::error::Error`].
//! Writers never look at the clock or the environment, so the same plan always gives the same
//! bytes. [`write_plan`] dispatches the stdout formats (`--format table|json|csv|md`); the
//! calendar has its own entry point, [`ics::write_ics`], because it has its own options.
//!
//! The helpers at the bottom (week ranges, per-week totals, short dates) are shared by the
//! human-readable writers so the terminal table and the Markdown document always agree.

pub mod csv;
pub mod fit;
pub mod ics;
pub mod json;
pub mod md;
pub mod report;
pub mod status;
pub mod table;

use crate::path::Kind;
use crate::plan::{Plan, Proven, SectionInfo, Session};
use chrono::{Duration, NaiveDate};
use std::io::{self, Write};

/// What `show`, `plan` and `replan` print on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Week summary and day-by-day agenda for a terminal.
    Table,
    /// The JSON document fixed by the contract.
    Json,
    /// One row per session.
    Csv,
    /// A Markdown document.
    Md,
}

/// Presentation options for [`write_plan`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// Colour late sessions red and done ones dimmed (table only). Off means no ANSI codes.
    pub color: bool,
    /// Table width in columns; `None` means a fixed 80, so output does not depend on the terminal.
    pub width: Option<u16>,
    /// Only this week (1-based) of the agenda and summary; for JSON and CSV only its sessions.
    pub week: Option<u32>,
}

/// Writes `plan` to `out` in `format`.
///
/// # Errors
///
/// Fails only when writing to `out` fails.
pub fn write_plan(
    plan: &Plan,
    format: Format,
    opts: &TableOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table::write_table(plan, opts, out),
        Format::Json => json::write_json(plan, opts.week, out),
        Format::Csv => csv::write_csv(plan, opts.week, out),
        Format::Md => md::write_md(plan, opts.week, out),
    }
}

/// Sessions of `plan` in week `week` (all of them when `None`), in plan order.
pub(crate) fn sessions_in_week(plan: &Plan, week: Option<u32>) -> impl Iterator<Item = &Session> {
    plan.sessions
        .iter()
        .filter(move |s| week.is_none_or(|w| plan.week_of(s.date) == w))
}

/// First and last day of week `week` (1-based), the last clamped to the plan's last day.
pub(crate) fn week_range(plan: &Plan, week: u32) -> (NaiveDate, NaiveDate) {
    let first = add_days(plan.start, i64::from(week.saturating_sub(1)) * 7);
    let mut last = add_days(first, 6);
    if let Some(end) = plan.capacity.last().map(|d| d.date) {
        if end >= first && end < last {
            last = end;
        }
    }
    (first, last)
}

/// `date` plus `days`, saturating at the ends of the calendar instead of panicking (a
/// `--week 4000000000` must not crash the program).
pub(crate) fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    Duration::try_days(days)
        .and_then(|d| date.checked_add_signed(d))
        .unwrap_or(if days < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// `Dec 01`: month and day, as used in week labels.
pub(crate) fn short_date(date: NaiveDate) -> String {
    date.format("%b %d").to_string()
}

/// `Dec 01–Dec 07`.
pub(crate) fn date_span(first: NaiveDate, last: NaiveDate) -> String {
    format!("{}–{}", short_date(first), short_date(last))
}

/// `Tue Dec 01`.
pub(crate) fn day_label(date: NaiveDate) -> String {
    date.format("%a %b %d").to_string()
}

/// `Kafka Internals` or, for a split item, `Kafka Internals (2/3)`.
pub(crate) fn session_title(session: &Session) -> String {
    if session.parts > 1 {
        format!("{} ({}/{})", session.title, session.part, session.parts)
    } else {
        session.title.clone()
    }
}

/// `19:00–19:30` in the plan's zone (the offsets of the session times already are).
pub(crate) fn time_span(session: &Session) -> String {
    format!(
        "{}–{}",
        session.start.format("%H:%M"),
        session.end.format("%H:%M")
    )
}

/// `1.75`, `1.5`, `2`: hours with at most two decimals and no trailing zeros.
/// What an overloaded window needs, for the plan's tables: the lower bound in hours a day, or
/// why no hours are enough.
pub(crate) fn overload_need(o: &crate::plan::Overload) -> String {
    if o.needed.starts_with("no hours") {
        o.needed.clone()
    } else {
        format!("needs at least {} h/day", fmt_hours(o.needed_hours_per_day))
    }
}

/// Hours with at most two decimals and no trailing zeros (`1.5`, `0.75`, `2`): the one hours
/// formatter; `need::decimal_hours` gives minutes to it.
pub(crate) fn fmt_hours(hours: f64) -> String {
    if !hours.is_finite() {
        return "?".to_string();
    }
    let s = format!("{hours:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Totals of one week, for the week summary of the table and the Markdown document.
pub(crate) struct WeekStats<'a> {
    pub(crate) week: u32,
    pub(crate) first: NaiveDate,
    pub(crate) last: NaiveDate,
    /// Sections whose window touches the week, then windowless sections with sessions in it.
    pub(crate) sections: Vec<&'a SectionInfo>,
    pub(crate) required: u32,
    /// Optional and reference minutes.
    pub(crate) extra: u32,
    pub(crate) available: u32,
}

impl WeekStats<'_> {
    /// Planned share of the available minutes, rounded; `None` for a week without study time.
    pub(crate) fn utilisation(&self) -> Option<u32> {
        if self.available == 0 {
            return None;
        }
        let planned = u64::from(self.required) + u64::from(self.extra);
        let pct = (planned * 100 + u64::from(self.available) / 2) / u64::from(self.available);
        Some(u32::try_from(pct).unwrap_or(u32::MAX))
    }
}

/// Per-week totals for every week of the plan, or only for `week`.
pub(crate) fn week_stats(plan: &Plan, week: Option<u32>) -> Vec<WeekStats<'_>> {
    let weeks: Vec<u32> = match week {
        Some(w) => vec![w],
        None => (1..=plan.weeks()).collect(),
    };
    weeks
        .into_iter()
        .map(|w| {
            let (first, last) = week_range(plan, w);
            let in_week = |d: NaiveDate| d >= first && d <= last;
            let mut required = 0;
            let mut extra = 0;
            for s in sessions_in_week(plan, Some(w)) {
                if s.kind == Kind::Required {
                    required += s.minutes;
                } else {
                    extra += s.minutes;
                }
            }
            let available = plan
                .capacity
                .iter()
                .filter(|d| in_week(d.date))
                .map(|d| d.minutes)
                .sum();
            let sections = plan
                .sections
                .iter()
                // Sections whose window touches the week, and those with sessions in it (a
                // windowless section's, or late work after its window).
                .filter(|sec| {
                    let window = match (sec.window_start, sec.window_end) {
                        (Some(ws), Some(we)) => ws <= last && we >= first,
                        _ => false,
                    };
                    window || sessions_in_week(plan, Some(w)).any(|s| s.section == sec.id)
                })
                .collect();
            WeekStats {
                week: w,
                first,
                last,
                sections,
                required,
                extra,
                available,
            }
        })
        .collect()
}

/// Number of sessions placed after their window.
pub(crate) fn late_count(plan: &Plan) -> usize {
    plan.sessions.iter().filter(|s| s.late).count()
}

/// `optimal`, or `best found` with the priorities it has proven and the gap of the first it has
/// not: `best found (required minutes proven; late work gap 1.2%)`. The gap alone read as the
/// whole plan's distance from the best: "gap 28.4%" at 0.45 h a day on the bundled path, whose
/// required minutes in their windows were proven and whose late work was open.
pub(crate) fn quality(plan: &Plan) -> String {
    let s = &plan.summary;
    if s.optimal {
        return "optimal".to_string();
    }
    let gap = s.finite_gap().map(|g| g * 100.0);
    let proven = match s.proven() {
        Proven::Lateness => Some(("required minutes and late work proven", "the rest")),
        Proven::InWindow => Some(("required minutes proven", "late work")),
        Proven::Nothing => None,
    };
    match (proven, gap) {
        (Some((proven, open)), Some(g)) => format!("best found ({proven}; {open} gap {g:.1}%)"),
        (Some((proven, _)), None) => format!("best found ({proven})"),
        (None, Some(g)) => format!("best found (gap {g:.1}%)"),
        (None, None) => "best found".to_string(),
    }
}

/// A sample plan for the writers' unit tests: a split item across the Berlin DST switch
/// (2027-03-28), a late session, a done session, a windowless item, an unscheduled item, an
/// overloaded window, a cancelled session and titles with non-ASCII text and special characters.
#[cfg(test)]
pub(crate) fn sample_plan() -> Plan {
    use crate::path::Weeks;
    use crate::plan::{DayCapacity, Overload, PathInfo, Summary, Unscheduled};
    use chrono::{DateTime, FixedOffset, TimeZone, Utc};

    let date = |m: u32, d: u32| NaiveDate::from_ymd_opt(2027, m, d).expect("valid date");
    let at = |m: u32, d: u32, h: u32, min: u32, off_h: i32| -> DateTime<FixedOffset> {
        FixedOffset::east_opt(off_h * 3600)
            .expect("valid offset")
            .with_ymd_and_hms(2027, m, d, h, min, 0)
            .single()
            .expect("valid time")
    };
    let w1 = (Some(date(3, 22)), Some(date(3, 28)));
    let w2 = (Some(date(3, 29)), Some(date(4, 4)));
    let session = |item: &str, title: &str, kind: Kind, start: DateTime<FixedOffset>, minutes| {
        let section = item.split('/').next().unwrap_or_default().to_string();
        Session {
            uid: format!("backend-engineer/{item}/1@studyplan"),
            item: item.to_string(),
            title: title.to_string(),
            kind,
            section,
            date: start.date_naive(),
            start,
            end: start + Duration::minutes(i64::from(minutes)),
            minutes,
            part: 1,
            parts: 1,
            window_start: None,
            window_end: None,
            late: false,
            done: false,
            group: None,
            url: None,
            sequence: 0,
        }
    };
    let in_window = |mut s: Session, window: (Option<NaiveDate>, Option<NaiveDate>)| {
        (s.window_start, s.window_end) = window;
        s
    };

    let mut storage = in_window(
        session(
            "database-fundamentals/storage-engines",
            "Storage Engines",
            Kind::Required,
            at(3, 22, 19, 0, 1),
            30,
        ),
        w1,
    );
    storage.done = true;
    storage.url = Some("https://example.com/storage?a=1&b=2".to_string());
    storage.group = Some("Schema design practice".to_string());
    let cafe = in_window(
        session(
            "database-fundamentals/cafe-indexing",
            "Café Indexing 🚀 – Überblick",
            Kind::Required,
            at(3, 23, 19, 0, 1),
            45,
        ),
        w1,
    );
    // Three parts; the second is on the day of the DST switch, so its offset is +02:00.
    let kafka = [(3, 27, 1), (3, 28, 2), (3, 29, 2)]
        .into_iter()
        .zip(1..)
        .map(|((m, d, off), part)| {
            let mut s = in_window(
                session(
                    "streaming/kafka-internals",
                    "Kafka Internals",
                    Kind::Required,
                    at(m, d, 19, 0, off),
                    40,
                ),
                w2,
            );
            s.uid = format!("backend-engineer/streaming/kafka-internals/{part}@studyplan");
            (s.part, s.parts) = (part, 3);
            s
        });
    let mut late = in_window(
        session(
            "database-fundamentals/replication",
            "Replication",
            Kind::Required,
            at(3, 29, 19, 40, 2),
            50,
        ),
        w1,
    );
    late.late = true;
    let mut tricky = in_window(
        session(
            "streaming/tricky",
            r#"Backslash \ semi; comma, pipe | "quotes""#,
            Kind::Optional,
            at(3, 30, 19, 0, 2),
            25,
        ),
        w2,
    );
    tricky.group = Some("Line one\r\nline two".to_string());
    let mut reading = session(
        "extras/further-reading",
        "Further reading, notes; misc",
        Kind::Reference,
        at(4, 1, 19, 0, 2),
        20,
    );
    reading.url = Some("see the wiki page".to_string());

    let mut sessions = vec![storage, cafe];
    sessions.extend(kafka);
    sessions.extend([late, tricky, reading]);

    let mut cancelled = in_window(
        session(
            "streaming/old-item",
            "Old Item",
            Kind::Optional,
            at(3, 31, 19, 0, 2),
            30,
        ),
        w2,
    );
    cancelled.sequence = 2;

    let capacity = (0..14)
        .map(|i| {
            let d = date(3, 22) + Duration::days(i);
            DayCapacity {
                date: d,
                minutes: if d == date(3, 24) { 0 } else { 90 },
                gaps: None,
            }
        })
        .collect();

    Plan {
        path: PathInfo {
            id: "backend-engineer".to_string(),
            title: "Backend Engineer Learning Path".to_string(),
        },
        start: date(3, 22),
        timezone: "Europe/Berlin".to_string(),
        generated: Utc
            .with_ymd_and_hms(2027, 3, 1, 12, 0, 0)
            .single()
            .expect("valid time"),
        capacity,
        sessions,
        cancelled: vec![cancelled],
        unscheduled: vec![Unscheduled {
            item: "extras/deep-dive".to_string(),
            title: "Deep Dive | Internals".to_string(),
            kind: Kind::Optional,
            minutes: 25,
            reason: "no room inside its window after required work".to_string(),
        }],
        sections: vec![
            SectionInfo {
                id: "database-fundamentals".to_string(),
                title: "Database Fundamentals".to_string(),
                weeks: Some(Weeks { first: 1, last: 1 }),
                window_start: w1.0,
                window_end: w1.1,
                checkpoint: Some(
                    "You can pick a storage engine, and say why; B-trees vs LSM.".to_string(),
                ),
            },
            SectionInfo {
                id: "streaming".to_string(),
                title: "Streaming, Kafka; Co".to_string(),
                weeks: Some(Weeks { first: 2, last: 2 }),
                window_start: w2.0,
                window_end: w2.1,
                checkpoint: None,
            },
            SectionInfo {
                id: "extras".to_string(),
                title: "Extras — Weiterführendes".to_string(),
                weeks: None,
                window_start: None,
                window_end: None,
                checkpoint: None,
            },
        ],
        overloaded: vec![Overload {
            section: "database-fundamentals".to_string(),
            window_start: date(3, 22),
            window_end: date(3, 28),
            late_minutes: 50,
            needed_hours_per_day: 1.75,
            needed: "at least 1 h 45 min every day".to_string(),
        }],
        progress_off_sessions: std::collections::BTreeMap::new(),
        off_plan: Vec::new(),
        summary: Summary {
            required_minutes: 245,
            required_in_window_minutes: 195,
            required_late_minutes: 50,
            optional_minutes: 50,
            optional_scheduled_minutes: 25,
            reference_minutes: 20,
            reference_scheduled_minutes: 20,
            late_minute_days: 50,
            optimal: false,
            required_optimal: Some(true),
            late_optimal: Some(false),
            gap: Some(0.0125),
            note: None,
            any_order: false,
            order_cost: None,
            order_cost_in_window: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_stats_add_up() {
        let plan = sample_plan();
        let stats = week_stats(&plan, None);
        assert_eq!(stats.len(), 2);
        assert_eq!(stats[0].required, 30 + 45 + 40 + 40);
        assert_eq!(stats[0].available, 6 * 90);
        // Database fundamentals' window, and streaming's first Kafka parts this week.
        let ids: Vec<&str> = stats[0].sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["database-fundamentals", "streaming"]);
        assert_eq!(stats[1].required, 40 + 50);
        assert_eq!(stats[1].extra, 25 + 20);
        // Streaming's window, the late session of database fundamentals, and the windowless
        // extras section that has a session this week.
        let ids: Vec<&str> = stats[1].sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["database-fundamentals", "streaming", "extras"]);
        assert_eq!(stats[1].utilisation(), Some(21));
    }

    /// The plan's quality names what it has proven and where the gap lies.
    #[test]
    fn quality_names_the_proven_priorities() {
        let mut plan = sample_plan();
        plan.summary.late_optimal = Some(true);
        plan.summary.gap = Some(1.0);
        assert_eq!(
            quality(&plan),
            "best found (required minutes and late work proven; the rest gap 100.0%)"
        );
        plan.summary.gap = None;
        assert_eq!(
            quality(&plan),
            "best found (required minutes and late work proven)"
        );
        plan.summary.late_optimal = Some(false);
        assert_eq!(quality(&plan), "best found (required minutes proven)");
        plan.summary.required_optimal = Some(false);
        assert_eq!(quality(&plan), "best found");
        plan.summary.gap = Some(0.047);
        assert_eq!(quality(&plan), "best found (gap 4.7%)");
        plan.summary.optimal = true;
        assert_eq!(quality(&plan), "optimal");
    }

    #[test]
    fn week_filter_and_ranges() {
        let plan = sample_plan();
        assert_eq!(sessions_in_week(&plan, Some(2)).count(), 4);
        assert_eq!(sessions_in_week(&plan, None).count(), plan.sessions.len());
        assert_eq!(
            date_span(week_range(&plan, 1).0, week_range(&plan, 1).1),
            "Mar 22–Mar 28"
        );
        assert_eq!(
            quality(&plan),
            "best found (required minutes proven; late work gap 1.2%)"
        );
        assert_eq!(week_range(&plan, u32::MAX).1, NaiveDate::MAX);
        assert!(week_stats(&plan, Some(u32::MAX))[0].sections.is_empty());
        assert_eq!(
            [
                fmt_hours(1.75),
                fmt_hours(1.5),
                fmt_hours(2.0),
                fmt_hours(1.0 / 3.0)
            ],
            ["1.75", "1.5", "2", "0.33"]
        );
    }

    #[test]
    fn write_plan_dispatches_every_format() {
        let plan = sample_plan();
        for format in [Format::Table, Format::Json, Format::Csv, Format::Md] {
            let mut out = Vec::new();
            write_plan(&plan, format, &TableOptions::default(), &mut out).expect("write");
            assert!(!out.is_empty(), "{format:?}");
            assert!(String::from_utf8(out).is_ok(), "{format:?}");
        }
    }
}
