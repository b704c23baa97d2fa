//! The hard rules of the contract, checked for one session the learner moved in their
//! calendar. A move is the learner's decision and is kept either way; what it breaks is
//! named, so the learner can put it right (or leave it). Pure: the plan, the path and the
//! availability come in as values.

use crate::calendar::Availability;
use crate::path::{Kind, LearningPath};
use crate::plan::{Plan, Session};

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
    if s.kind == Kind::Required {
        if let (Some(first), Some(last)) = (s.window_start, s.window_end) {
            if s.date < first || s.date > last {
                out.push(format!(
                    "window: required work outside its window {first} – {last}"
                ));
            }
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
}
