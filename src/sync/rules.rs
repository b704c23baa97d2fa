//! The hard rules of the contract, checked for one session the learner moved in their
//! calendar. A move is the learner's decision and is kept either way; what it breaks is
//! named, so the learner can put it right (or leave it). Pure: the plan, the path and the
//! availability come in as values.

use crate::calendar::Availability;
use crate::path::{Kind, LearningPath};
use crate::plan::{Plan, Session};
use chrono::{Datelike, Duration, NaiveTime, Utc};

/// What the moved session `uid` breaks, one message per rule, each naming the rule.
/// `path` is the current path file when it could be read (prerequisites and path order need
/// it); without it those two rules are not checked.
pub fn check_moved(
    plan: &Plan,
    path: Option<&LearningPath>,
    avail: &Availability,
    uid: &str,
) -> Vec<String> {
    let Some(s) = plan.sessions.iter().find(|s| s.uid == uid) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let label = |x: &Session| {
        if x.parts > 1 {
            format!("{} (part {}/{})", x.item, x.part, x.parts)
        } else {
            x.item.clone()
        }
    };
    // Required work may be late (after its window), though it is named; optional and
    // reference work has no place outside its window at all.
    if let (Some(first), Some(last)) = (s.window_start, s.window_end) {
        if s.date < first || s.date > last {
            out.push(format!(
                "window: {} work outside its window {first} – {last}",
                s.kind
            ));
        }
    }
    let same_day: Vec<&Session> = plan.sessions.iter().filter(|x| x.date == s.date).collect();
    let used: u32 = same_day.iter().map(|x| x.minutes).sum();
    let capacity = avail.minutes_on(s.date);
    if used > capacity {
        out.push(format!(
            "capacity: {} now holds {used} min of study, more than its {capacity} min",
            s.date
        ));
    }
    out.extend(free_time(avail, s));
    for x in &same_day {
        if x.uid != s.uid && x.start < s.end && s.start < x.end {
            out.push(format!("overlap: it overlaps {}", label(x)));
        }
    }
    for x in plan
        .sessions
        .iter()
        .filter(|x| x.item == s.item && x.uid != s.uid)
    {
        let wrong =
            (x.part < s.part && x.start >= s.start) || (x.part > s.part && x.start <= s.start);
        if wrong {
            out.push(format!("order: it is now out of order with {}", label(x)));
        }
    }
    // Within a section, optional and reference work comes after all required work.
    for x in plan
        .sessions
        .iter()
        .filter(|x| x.section == s.section && x.uid != s.uid)
    {
        let optional_first = |req: &Session, opt: &Session| {
            req.kind == Kind::Required && opt.kind != Kind::Required && opt.start < req.end
        };
        if optional_first(s, x) || optional_first(x, s) {
            out.push(format!(
                "order: required work of section {} must come before its optional and reference work ({} and {})",
                s.section,
                label(s),
                label(x)
            ));
        }
    }
    if let Some(path) = path {
        let after = |item: &str| -> Vec<String> {
            path.items()
                .find(|(sec, it)| crate::path::full_id(sec, it) == item)
                .map(|(_, it)| it.after.clone())
                .unwrap_or_default()
        };
        for x in &plan.sessions {
            if after(&s.item).contains(&x.item) && x.end > s.start {
                out.push(format!(
                    "prerequisite: it is now before its prerequisite {}",
                    label(x)
                ));
            }
            if after(&x.item).contains(&s.item) && s.end > x.start {
                out.push(format!(
                    "prerequisite: it is now after {}, which needs it first",
                    label(x)
                ));
            }
        }
        // Path order: within a section and kind, items start in path order.
        let position = |item: &str| {
            path.items()
                .position(|(sec, it)| crate::path::full_id(sec, it) == item)
        };
        let first_start = |item: &str| {
            plan.sessions
                .iter()
                .filter(|x| x.item == item)
                .map(|x| x.start)
                .min()
        };
        if let (Some(me), Some(my_start)) = (position(&s.item), first_start(&s.item)) {
            for x in plan.sessions.iter().filter(|x| {
                x.section == s.section && x.kind == s.kind && x.item != s.item && x.part == 1
            }) {
                let (Some(other), Some(other_start)) = (position(&x.item), first_start(&x.item))
                else {
                    continue;
                };
                if (other < me && other_start > my_start) || (other > me && other_start < my_start)
                {
                    out.push(format!(
                        "order: path order within section {} with {}",
                        s.section,
                        label(x)
                    ));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// What a move breaks of the learner's own week: a session outside every study window of its
/// day, or on busy time of their calendars or within the break kept around it.
fn free_time(avail: &Availability, s: &Session) -> Vec<String> {
    let mut out = Vec::new();
    let tz = avail.tz();
    let (start, end) = (s.start.with_timezone(&tz), s.end.with_timezone(&tz));
    if let Some(week) = &avail.free.windows {
        let midnight = start.date_naive().and_time(NaiveTime::MIN);
        let (from, to) = (
            (start.naive_local() - midnight).num_minutes(),
            (end.naive_local() - midnight).num_minutes(),
        );
        let windows = week.on(start.weekday());
        let inside = windows
            .iter()
            .any(|w| i64::from(w.start) <= from && to <= i64::from(w.end));
        if !inside {
            let day = start.format("%a");
            out.push(if windows.is_empty() {
                format!("window: {day} has no study window")
            } else {
                let list: Vec<String> = windows.iter().map(ToString::to_string).collect();
                format!(
                    "window: {}–{} is outside the study windows of {day} ({})",
                    start.format("%H:%M"),
                    end.format("%H:%M"),
                    list.join(", ")
                )
            });
        }
    }
    let brk = Duration::minutes(i64::from(avail.free.break_minutes));
    let (a, b) = (s.start.with_timezone(&Utc), s.end.with_timezone(&Utc));
    for busy in avail.free.busy.as_slice() {
        if busy.start >= b + brk || busy.end <= a - brk {
            continue;
        }
        let (from, to) = (busy.start.with_timezone(&tz), busy.end.with_timezone(&tz));
        let when = if from.date_naive() == to.date_naive() {
            format!("{}–{}", from.format("%Y-%m-%d %H:%M"), to.format("%H:%M"))
        } else {
            format!(
                "{} – {}",
                from.format("%Y-%m-%d %H:%M"),
                to.format("%Y-%m-%d %H:%M")
            )
        };
        out.push(if busy.start < b && a < busy.end {
            format!("busy: it overlaps busy time of your calendars, {when}")
        } else {
            format!(
                "busy: it is within the {}-minute break kept around busy time of your calendars, {when}",
                avail.free.break_minutes
            )
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample_plan;

    fn avail(plan: &Plan) -> Availability {
        Availability {
            start: plan.start,
            weekday_minutes: [90; 7],
            off: Vec::new(),
            at: chrono::NaiveTime::from_hms_opt(19, 0, 0).expect("time"),
            timezone: plan.timezone.clone(),
            free: crate::calendar::FreeTime::default(),
        }
    }

    #[test]
    fn a_move_that_keeps_the_rules_has_no_warning() {
        let plan = sample_plan();
        let a = avail(&plan);
        let uid = plan.sessions[1].uid.clone();
        assert!(
            check_moved(&plan, None, &a, &uid).is_empty(),
            "{:?}",
            check_moved(&plan, None, &a, &uid)
        );
    }

    #[test]
    fn a_move_out_of_the_window_onto_a_full_day_is_named() {
        let mut plan = sample_plan();
        let a = avail(&plan);
        // Café Indexing (required, week of Mar 22) onto Replication's slot on Mar 29, a day
        // that already holds a Kafka part and Replication.
        let replication = plan
            .sessions
            .iter()
            .find(|s| s.item == "database-fundamentals/replication")
            .cloned()
            .expect("replication");
        let cafe = plan
            .sessions
            .iter_mut()
            .find(|s| s.item == "database-fundamentals/cafe-indexing")
            .expect("cafe");
        cafe.date = replication.date;
        cafe.start = replication.start;
        cafe.end = replication.start + chrono::Duration::minutes(45);
        let uid = cafe.uid.clone();
        let w = check_moved(&plan, None, &a, &uid);
        assert!(
            w.iter().any(|m| m
                .starts_with("window: required work outside its window 2027-03-22 – 2027-03-28")),
            "{w:?}"
        );
        assert!(
            w.iter()
                .any(|m| m.starts_with("overlap: it overlaps database-fundamentals/replication")),
            "{w:?}"
        );
        assert!(
            w.iter()
                .any(|m| m.starts_with("capacity: 2027-03-29 now holds 135 min")),
            "{w:?}"
        );
        // Optional work out of its window is named too (it used to be only required work).
        let cafe = plan
            .sessions
            .iter_mut()
            .find(|s| s.uid == uid)
            .expect("cafe");
        cafe.kind = Kind::Optional;
        let w = check_moved(&plan, None, &a, &uid);
        assert!(
            w.iter().any(|m| m
                .starts_with("window: optional work outside its window 2027-03-22 – 2027-03-28")),
            "{w:?}"
        );
    }

    #[test]
    fn parts_out_of_order_are_named() {
        let mut plan = sample_plan();
        let a = avail(&plan);
        let second = plan
            .sessions
            .iter_mut()
            .find(|s| s.uid.ends_with("kafka-internals/2@studyplan"))
            .expect("part 2");
        second.start -= chrono::Duration::days(3);
        second.end -= chrono::Duration::days(3);
        second.date = second.start.date_naive();
        let uid = second.uid.clone();
        let w = check_moved(&plan, None, &a, &uid);
        assert!(
            w.iter()
                .any(|m| m.contains("out of order with streaming/kafka-internals (part 1/3)")),
            "{w:?}"
        );
    }

    /// A move onto busy time of the learner's calendars, next to it within the break, or out
    /// of the study windows is named like any other broken rule; a move inside a window and
    /// clear of busy time is not.
    #[test]
    fn a_move_onto_busy_time_or_out_of_the_windows_is_named() {
        use crate::busy::Busy;
        use crate::calendar::{parse_windows, BusyTimes};
        let plan = sample_plan();
        let s = plan.sessions[1].clone();
        let tz = chrono_tz::Europe::Berlin;
        let (start, end) = (s.start.with_timezone(&tz), s.end.with_timezone(&tz));
        let day = start.format("%a").to_string().to_lowercase();
        let window = |spec: String| {
            parse_windows(&[spec.as_str()], [90; 7])
                .expect("a valid window")
                .0
        };
        let around = window(format!(
            "{day}={}-{}",
            (start - Duration::minutes(30)).format("%H:%M"),
            (end + Duration::minutes(30)).format("%H:%M")
        ));
        let utc = |t: chrono::DateTime<chrono::FixedOffset>| t.with_timezone(&Utc);
        let with = |windows, busy: Vec<Busy>, break_minutes| {
            let mut a = avail(&plan);
            a.free.windows = Some(windows);
            a.free.busy = BusyTimes::new(busy);
            a.free.break_minutes = break_minutes;
            check_moved(&plan, None, &a, &s.uid)
        };
        // Inside its window, busy time an hour later: nothing broken.
        let later = Busy {
            start: utc(s.end) + Duration::hours(1),
            end: utc(s.end) + Duration::hours(2),
        };
        // (Other rules, such as the day's capacity in a window this short, are not the point.)
        let own = |w: Vec<String>| -> Vec<String> {
            w.into_iter()
                .filter(|m| m.starts_with("busy:") || m.starts_with("window:"))
                .collect()
        };
        assert_eq!(
            own(with(around.clone(), vec![later], 10)),
            Vec::<String>::new()
        );
        // Onto a meeting.
        let meeting = Busy {
            start: utc(s.start) + Duration::minutes(10),
            end: utc(s.start) + Duration::minutes(40),
        };
        let w = with(around.clone(), vec![meeting], 0);
        assert!(
            w.iter()
                .any(|m| m.starts_with("busy: it overlaps busy time of your calendars")),
            "{w:?}"
        );
        // Five minutes after a meeting, with a 10-minute break.
        let before = Busy {
            start: utc(s.start) - Duration::minutes(65),
            end: utc(s.start) - Duration::minutes(5),
        };
        let w = with(around.clone(), vec![before], 10);
        assert!(
            w.iter()
                .any(|m| m.starts_with("busy: it is within the 10-minute break")),
            "{w:?}"
        );
        assert_eq!(own(with(around, vec![before], 5)), Vec::<String>::new());
        // In the morning window only, it is outside the windows.
        let w = with(window(format!("{day}=06:00-07:00")), Vec::new(), 0);
        assert!(
            w.iter().any(|m| m.starts_with("window: ")
                && m.contains("is outside the study windows of")
                && m.ends_with("(06:00-07:00)")),
            "{w:?}"
        );
        let other = if day == "mon" { "tue" } else { "mon" };
        let w = with(window(format!("{other}=06:00-07:00")), Vec::new(), 0);
        assert!(
            w.iter().any(|m| m.ends_with("has no study window")),
            "{w:?}"
        );
    }
}
