//! The JSON document of the contract (`--format json`).
//!
//! The document is built from dedicated `Serialize` structs that borrow from the [`Plan`] rather
//! than serialising the plan itself: the plan is also the state-file model and may grow fields,
//! while the keys and their order here are a public interface. Contract keys come first in the
//! contract's order; extras (`group`, `url`, `title`, `late_minute_days`, `gap`, `overloaded`,
//! `cancelled`) follow them. `cancelled` lists the sessions a `replan` dropped (the calendar
//! keeps them as STATUS:CANCELLED), in the shape of `sessions`. Times are RFC 3339 with the plan zone's offset, dates `YYYY-MM-DD`, minutes
//! integers, and windows `null` for items without one.

use crate::path::Kind;
use crate::plan::{DayCapacity, Overload, Plan, Session, Unscheduled};
use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};
use serde::Serialize;
use std::io::{self, Write};

/// Writes the plan as pretty-printed JSON with a trailing newline. With `week`, `sessions` holds
/// only the sessions of that week; everything else is unchanged.
///
/// # Errors
///
/// Fails only when writing to `out` fails.
pub fn write_json(plan: &Plan, week: Option<u32>, out: &mut dyn Write) -> io::Result<()> {
    let doc = Document::new(plan, week);
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct Document<'a> {
    path: PathDto<'a>,
    start: String,
    timezone: &'a str,
    capacity: Vec<CapacityDto>,
    sessions: Vec<SessionDto<'a>>,
    unscheduled: Vec<UnscheduledDto<'a>>,
    summary: SummaryDto,
    overloaded: Vec<OverloadDto<'a>>,
    cancelled: Vec<SessionDto<'a>>,
}

#[derive(Serialize)]
struct PathDto<'a> {
    id: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct CapacityDto {
    date: String,
    minutes: u32,
    /// With `--window` or `--busy` only; then on every day, empty on a day without free time.
    #[serde(skip_serializing_if = "Option::is_none")]
    gaps: Option<Vec<GapDto>>,
}

#[derive(Serialize)]
struct GapDto {
    start: String,
    end: String,
}

#[derive(Serialize)]
struct SessionDto<'a> {
    uid: &'a str,
    item: &'a str,
    title: &'a str,
    kind: Kind,
    section: &'a str,
    date: String,
    start: String,
    end: String,
    minutes: u32,
    part: u32,
    parts: u32,
    window_start: Option<String>,
    window_end: Option<String>,
    late: bool,
    done: bool,
    group: Option<&'a str>,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct UnscheduledDto<'a> {
    item: &'a str,
    kind: Kind,
    minutes: u32,
    reason: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct SummaryDto {
    required_minutes: u32,
    required_in_window_minutes: u32,
    required_late_minutes: u32,
    optional_minutes: u32,
    optional_scheduled_minutes: u32,
    reference_minutes: u32,
    reference_scheduled_minutes: u32,
    optimal: bool,
    late_minute_days: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    gap: Option<f64>,
    /// Why the plan is not proven optimal when it is not the time limit (a plan too large for
    /// the exact model, say); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    any_order: bool,
    order_cost: Option<crate::plan::OrderCost>,
}

#[derive(Serialize)]
struct OverloadDto<'a> {
    section: &'a str,
    window_start: String,
    window_end: String,
    late_minutes: u32,
    needed_hours_per_day: f64,
    /// The same as stderr says it: per weekday when the week has several day lengths, or why
    /// no hours are enough (where `needed_hours_per_day` is 24).
    needed: &'a str,
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// RFC 3339 with whole seconds and a numeric offset (`+00:00`, never `Z`), as in the contract.
fn time(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

impl<'a> Document<'a> {
    fn new(plan: &'a Plan, week: Option<u32>) -> Self {
        let s = &plan.summary;
        Document {
            path: PathDto {
                id: &plan.path.id,
                title: &plan.path.title,
            },
            start: date(plan.start),
            timezone: &plan.timezone,
            capacity: plan.capacity.iter().map(CapacityDto::from).collect(),
            sessions: super::sessions_in_week(plan, week)
                .map(SessionDto::from)
                .collect(),
            unscheduled: plan.unscheduled.iter().map(UnscheduledDto::from).collect(),
            summary: SummaryDto {
                required_minutes: s.required_minutes,
                required_in_window_minutes: s.required_in_window_minutes,
                required_late_minutes: s.required_late_minutes,
                optional_minutes: s.optional_minutes,
                optional_scheduled_minutes: s.optional_scheduled_minutes,
                reference_minutes: s.reference_minutes,
                reference_scheduled_minutes: s.reference_scheduled_minutes,
                optimal: s.optimal,
                late_minute_days: s.late_minute_days,
                // Non-finite floats have no JSON form: `null`, not an error.
                gap: s.finite_gap(),
                note: s.note.clone(),
                any_order: s.any_order,
                order_cost: s.order_cost,
            },
            overloaded: plan.overloaded.iter().map(OverloadDto::from).collect(),
            cancelled: plan
                .cancelled
                .iter()
                .filter(|s| week.is_none_or(|w| plan.week_of(s.date) == w))
                .map(SessionDto::from)
                .collect(),
        }
    }
}

impl From<&DayCapacity> for CapacityDto {
    fn from(d: &DayCapacity) -> Self {
        CapacityDto {
            date: date(d.date),
            minutes: d.minutes,
            gaps: d.gaps.as_ref().map(|gaps| {
                gaps.iter()
                    .map(|g| GapDto {
                        start: time(g.start),
                        end: time(g.end),
                    })
                    .collect()
            }),
        }
    }
}

impl<'a> From<&'a Session> for SessionDto<'a> {
    fn from(s: &'a Session) -> Self {
        SessionDto {
            uid: &s.uid,
            item: &s.item,
            title: &s.title,
            kind: s.kind,
            section: &s.section,
            date: date(s.date),
            start: time(s.start),
            end: time(s.end),
            minutes: s.minutes,
            part: s.part,
            parts: s.parts,
            window_start: s.window_start.map(date),
            window_end: s.window_end.map(date),
            late: s.late,
            done: s.done,
            group: s.group.as_deref(),
            url: s.url.as_deref(),
        }
    }
}

impl<'a> From<&'a Unscheduled> for UnscheduledDto<'a> {
    fn from(u: &'a Unscheduled) -> Self {
        UnscheduledDto {
            item: &u.item,
            kind: u.kind,
            minutes: u.minutes,
            reason: &u.reason,
            title: &u.title,
        }
    }
}

impl<'a> From<&'a Overload> for OverloadDto<'a> {
    fn from(o: &'a Overload) -> Self {
        OverloadDto {
            section: &o.section,
            window_start: date(o.window_start),
            window_end: date(o.window_end),
            late_minutes: o.late_minutes,
            // Two decimals are plenty for "how many hours a day"; keeps the JSON readable.
            needed_hours_per_day: (o.needed_hours_per_day * 100.0).round() / 100.0,
            needed: &o.needed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample_plan;
    use serde_json::Value;

    fn render(plan: &Plan, week: Option<u32>) -> String {
        let mut out = Vec::new();
        write_json(plan, week, &mut out).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    /// Keys of a JSON object in document order (`serde_json::Map` may sort them, so the text is
    /// scanned instead: the first `"key":` of each line at the object's indentation).
    fn keys_at(text: &str, indent: usize) -> Vec<String> {
        let prefix = format!("{}\"", " ".repeat(indent));
        text.lines()
            .filter(|l| l.starts_with(&prefix))
            .filter_map(|l| l[prefix.len()..].split('"').next())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn top_level_keys_in_contract_order() {
        let text = render(&sample_plan(), None);
        assert_eq!(
            keys_at(&text, 2),
            [
                "path",
                "start",
                "timezone",
                "capacity",
                "sessions",
                "unscheduled",
                "summary",
                "overloaded",
                "cancelled"
            ]
        );
        assert!(text.ends_with("}\n"));
    }

    #[test]
    fn session_keys_in_contract_order() {
        let text = render(&sample_plan(), None);
        // Session objects sit at indentation 6 inside "sessions"; take the first one.
        let first: String = text
            .split("\"sessions\": [")
            .nth(1)
            .and_then(|rest| rest.split("    }").next())
            .expect("sessions")
            .to_string();
        assert_eq!(
            keys_at(&first, 6),
            [
                "uid",
                "item",
                "title",
                "kind",
                "section",
                "date",
                "start",
                "end",
                "minutes",
                "part",
                "parts",
                "window_start",
                "window_end",
                "late",
                "done",
                "group",
                "url"
            ]
        );
    }

    #[test]
    fn summary_and_unscheduled_keys_in_contract_order() {
        let text = render(&sample_plan(), None);
        let summary = text.split("\"summary\": {").nth(1).expect("summary");
        let summary = summary.split("  }").next().expect("summary end");
        assert_eq!(
            keys_at(summary, 4),
            [
                "required_minutes",
                "required_in_window_minutes",
                "required_late_minutes",
                "optional_minutes",
                "optional_scheduled_minutes",
                "reference_minutes",
                "reference_scheduled_minutes",
                "optimal",
                "late_minute_days",
                "gap",
                "any_order",
                "order_cost"
            ]
        );
        let unscheduled = text
            .split("\"unscheduled\": [")
            .nth(1)
            .expect("unscheduled");
        let unscheduled = unscheduled.split("    }").next().expect("end");
        assert_eq!(
            keys_at(unscheduled, 6),
            ["item", "kind", "minutes", "reason", "title"]
        );
        let path = text.split("\"path\": {").nth(1).expect("path");
        let path = path.split("  }").next().expect("end");
        assert_eq!(keys_at(path, 4), ["id", "title"]);
    }

    #[test]
    fn values_follow_the_contract() {
        let plan = sample_plan();
        let v: Value = serde_json::from_str(&render(&plan, None)).expect("valid JSON");
        assert_eq!(v["path"]["id"], "backend-engineer");
        assert_eq!(v["start"], "2027-03-22");
        assert_eq!(v["timezone"], "Europe/Berlin");
        assert_eq!(v["capacity"].as_array().map(Vec::len), Some(14));
        assert_eq!(v["capacity"][0]["date"], "2027-03-22");
        assert_eq!(v["capacity"][0]["minutes"], 90);

        let sessions = v["sessions"].as_array().expect("sessions");
        assert_eq!(sessions.len(), plan.sessions.len());
        assert_eq!(sessions[0]["start"], "2027-03-22T19:00:00+01:00");
        assert_eq!(sessions[0]["end"], "2027-03-22T19:30:00+01:00");
        assert_eq!(sessions[0]["kind"], "required");
        assert_eq!(sessions[0]["window_start"], "2027-03-22");
        assert_eq!(sessions[0]["done"], true);
        // After the DST switch the offset is +02:00.
        let dst = sessions
            .iter()
            .find(|s| s["date"] == "2027-03-28")
            .expect("session on the switch day");
        assert_eq!(dst["start"], "2027-03-28T19:00:00+02:00");
        assert_eq!(
            (dst["part"].as_u64(), dst["parts"].as_u64()),
            (Some(2), Some(3))
        );
        let late = sessions.iter().find(|s| s["late"] == true).expect("late");
        assert_eq!(late["window_end"], "2027-03-28");
        let windowless = sessions
            .iter()
            .find(|s| s["section"] == "extras")
            .expect("windowless");
        assert!(windowless["window_start"].is_null());
        assert!(windowless["window_end"].is_null());

        assert_eq!(v["unscheduled"][0]["kind"], "optional");
        assert_eq!(v["unscheduled"][0]["minutes"], 25);
        assert_eq!(v["summary"]["optimal"], false);
        assert_eq!(v["summary"]["required_late_minutes"], 50);
        assert_eq!(v["overloaded"][0]["needed_hours_per_day"], 1.75);
        assert_eq!(
            v["overloaded"][0]["needed"],
            "at least 1 h 45 min every day"
        );
    }

    #[test]
    fn the_summary_says_why_a_plan_is_not_proven() {
        let mut plan = sample_plan();
        let v: Value = serde_json::from_str(&render(&plan, None)).expect("valid JSON");
        assert!(v["summary"].get("note").is_none());
        plan.summary.note = Some("the plan is too large for the exact optimizer".into());
        let v: Value = serde_json::from_str(&render(&plan, None)).expect("valid JSON");
        assert_eq!(
            v["summary"]["note"],
            "the plan is too large for the exact optimizer"
        );
    }

    #[test]
    fn cancelled_sessions_are_listed_after_the_contract_keys() {
        let plan = sample_plan();
        let v: Value = serde_json::from_str(&render(&plan, None)).expect("valid JSON");
        let cancelled = v["cancelled"].as_array().expect("cancelled");
        assert_eq!(cancelled.len(), plan.cancelled.len());
        assert_eq!(cancelled[0]["uid"], plan.cancelled[0].uid.as_str());
        assert_eq!(cancelled[0]["item"], plan.cancelled[0].item.as_str());
        let mut empty = plan;
        empty.cancelled.clear();
        let v: Value = serde_json::from_str(&render(&empty, None)).expect("valid JSON");
        assert_eq!(v["cancelled"], serde_json::json!([]));
    }

    #[test]
    fn week_filter_keeps_only_that_weeks_sessions() {
        let plan = sample_plan();
        let v: Value = serde_json::from_str(&render(&plan, Some(2))).expect("valid JSON");
        let sessions = v["sessions"].as_array().expect("sessions");
        assert_eq!(sessions.len(), 4);
        assert!(sessions
            .iter()
            .all(|s| s["date"].as_str().is_some_and(|d| d >= "2027-03-29")));
        assert_eq!(v["capacity"].as_array().map(Vec::len), Some(14));
    }

    #[test]
    fn gap_is_omitted_when_absent_and_output_is_deterministic() {
        let mut plan = sample_plan();
        plan.summary.gap = None;
        plan.summary.optimal = true;
        let a = render(&plan, None);
        assert!(!a.contains("\"gap\""));
        assert_eq!(a, render(&plan, None));
        // A gap that is no number (a level that failed) has no JSON form: left out too.
        plan.summary.optimal = false;
        plan.summary.gap = Some(f64::NAN);
        assert!(!render(&plan, None).contains("\"gap\""));
        plan.summary.gap = Some(0.0125);
        assert!(render(&plan, None).contains("\"gap\": 0.0125"));
    }
}
