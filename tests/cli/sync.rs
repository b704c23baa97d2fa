//! `studyplan sync` against a real CalDAV server (Radicale, started per test on 127.0.0.1 with
//! authentication on), as a learner would use it: plan → sync → the learner moves one event
//! and deletes another in their calendar app, next to events of their own → done/skip →
//! replan → sync. After every step the server is listed and compared with the saved plan:
//! exactly one event per live session, the moved one where the learner put it, no duplicate,
//! no stale copy, the learner's own events untouched; a second sync changes nothing.
//!
//! - [`server`]: Radicale, Xandikos and the test's own WebDAV client (the learner's app).
//! - [`proxy`]: a fault-injecting proxy in front of Radicale: 500, 412, 401, a dropped
//!   connection, a lost answer, no answer, a server that is not CalDAV.

mod proxy;
mod server;

use crate::util::{noon, Run, Sandbox, NOW};
use chrono::{DateTime, Utc};
use proxy::{Fault, Proxy};
use serde_json::Value;
use server::{Dav, Event, Radicale, Xandikos, PASSWORD, USER};
use std::collections::BTreeMap;

use crate::replan::PATH;

const COLLECTION: &str = "/alice/study/";

/// A sandbox with `p.yaml` planned from 2026-11-23 at one hour a day, in Berlin time.
fn planned() -> Sandbox {
    planned_with(&[])
}

/// [`planned`], with more plan flags.
fn planned_with(extra: &[&str]) -> Sandbox {
    let sb = Sandbox::new();
    sb.write("p.yaml", PATH);
    sb.plan(
        "p.yaml",
        &[
            "--start",
            "2026-11-23",
            "--hours",
            "1",
            "--tz",
            "Europe/Berlin",
        ],
    )
    .args(["--time-limit", "5"])
    .args(extra.iter().copied())
    .ok();
    sb
}

/// `studyplan sync <args>` with the password in the environment.
fn sync(sb: &Sandbox, args: &[&str]) -> crate::util::Cmd {
    sb.cmd(["sync", "--now", NOW])
        .args(args.iter().copied())
        .env("STUDYPLAN_CALDAV_PASSWORD", PASSWORD)
}

/// `studyplan replan` from the plan's first day, with the password in the environment.
fn replan(sb: &Sandbox, args: &[&str]) -> crate::util::Cmd {
    replan_from(sb, "2026-11-23", args)
}

/// `studyplan replan --from FROM`, with the password in the environment.
fn replan_from(sb: &Sandbox, from: &str, args: &[&str]) -> crate::util::Cmd {
    sb.cmd(["replan", "--from", from, "--now", NOW, "--time-limit", "5"])
        .args(args.iter().copied())
        .env("STUDYPLAN_CALDAV_PASSWORD", PASSWORD)
}

fn first_sync(sb: &Sandbox, url: &str) -> Run {
    sync(sb, &["--caldav", url, "--user", USER]).ok()
}

/// `20261123T180000Z` from an RFC 3339 time.
fn stamp(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("{rfc3339}: {e}"))
        .with_timezone(&Utc)
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

fn show(sb: &Sandbox) -> Value {
    sb.cmd(["show", "--format", "json"]).ok().json()
}

/// The saved plan's live sessions: UID → (DTSTART, DTEND) in UTC.
fn plan_times(sb: &Sandbox) -> BTreeMap<String, (String, String)> {
    show(sb)["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| {
            (
                s["uid"].as_str().expect("uid").to_string(),
                (
                    stamp(s["start"].as_str().expect("start")),
                    stamp(s["end"].as_str().expect("end")),
                ),
            )
        })
        .collect()
}

/// `status`'s total and required minutes.
fn status_totals(sb: &Sandbox) -> (Value, Value) {
    let run = sb
        .cmd(["status", "--format", "json", "--today", "2026-11-24"])
        .ok();
    let doc: Value = serde_json::from_str(&run.stdout).expect("status JSON");
    (
        doc["total"]["total_minutes"].clone(),
        doc["kinds"][0]["total_minutes"].clone(),
    )
}

fn session_of<'a>(doc: &'a Value, item: &str) -> &'a Value {
    doc["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .find(|s| s["item"] == item)
        .unwrap_or_else(|| panic!("no session of {item}"))
}

/// The UID of the first session of `item`.
fn uid_of(doc: &Value, item: &str) -> String {
    session_of(doc, item)["uid"]
        .as_str()
        .expect("uid")
        .to_string()
}

/// The server holds exactly one event per live session at the plan's times, each in its
/// `<uid>.ics`, and the learner's own events exactly as they were.
fn assert_in_step(sb: &Sandbox, dav: &Dav, collection: &str, foreign: &[Event]) -> Vec<Event> {
    let events = dav.events(collection);
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &events {
        *count.entry(e.uid.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = count.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "duplicate events on the server: {twice:?}"
    );
    let ours: BTreeMap<String, (String, String)> = events
        .iter()
        .filter(|e| e.uid.ends_with("@studyplan"))
        .map(|e| {
            assert_eq!(
                e.name,
                format!("{}.ics", e.uid),
                "resource name of {}",
                e.uid
            );
            (e.uid.clone(), (e.start.clone(), e.end.clone()))
        })
        .collect();
    assert_eq!(
        ours,
        plan_times(sb),
        "the server's events and the saved plan"
    );
    for f in foreign {
        let now = events
            .iter()
            .find(|e| e.uid == f.uid)
            .unwrap_or_else(|| panic!("the learner's own event {} is gone", f.uid));
        assert_eq!(
            now.etag, f.etag,
            "the learner's own event {} changed",
            f.uid
        );
        assert_eq!(now.body, f.body);
    }
    assert_eq!(events.len(), ours.len() + foreign.len(), "{events:#?}");
    events
}

/// A second sync finds nothing to do.
fn assert_up_to_date(sb: &Sandbox) {
    let before = sb.read("studyplan.yaml");
    let run = sync(sb, &[]).ok();
    assert!(
        run.stdout.contains("calendar is up to date"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(
        sb.read("studyplan.yaml"),
        before,
        "an idle sync rewrote the state"
    );
}

const DENTIST: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Learner's app//EN\r\nBEGIN:VEVENT\r\nUID:dentist-42@example.com\r\nDTSTAMP:20261120T090000Z\r\nDTSTART:20261124T080000Z\r\nDTEND:20261124T090000Z\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

/// The learner's app moves an event: new DTSTART/DTEND (UTC), If-Match. Its SEQUENCE stays
/// as it was, as some apps leave it.
fn learner_moves(dav: &Dav, collection: &str, e: &Event, start: &str, end: &str) {
    let body: String = e
        .body
        .split("\r\n")
        .map(|l| {
            if l.starts_with("DTSTART") {
                format!("DTSTART:{start}")
            } else if l.starts_with("DTEND") {
                format!("DTEND:{end}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\r\n");
    let status = dav.put(&format!("{collection}{}", e.name), &body, Some(&e.etag));
    assert!((200..300).contains(&status), "the learner's move: {status}");
}

/// A new Radicale, the learner's app on it, and a plan made with more flags ([`planned_with`])
/// synced to it once.
fn synced_with(plan_flags: &[&str]) -> (Radicale, Dav, Sandbox) {
    let server = Radicale::start();
    let dav = server.dav();
    let sb = planned_with(plan_flags);
    first_sync(&sb, &server.url());
    (server, dav, sb)
}

/// A plan synced to a new Radicale, after which the learner moved the first session of `item`
/// to `start`–`end` (UTC stamps) in their app. Returns the server, the sandbox and the UID.
fn moved_after_sync(item: &str, start: &str, end: &str) -> (Radicale, Sandbox, String) {
    moved_after_sync_with(&[], item, start, end)
}

/// [`moved_after_sync`] of a plan made with more flags.
fn moved_after_sync_with(
    plan_flags: &[&str],
    item: &str,
    start: &str,
    end: &str,
) -> (Radicale, Sandbox, String) {
    let (server, dav, sb) = synced_with(plan_flags);
    let uid = uid_of(&show(&sb), item);
    let events = dav.events(COLLECTION);
    learner_moves(&dav, COLLECTION, event_of(&events, &uid), start, end);
    (server, sb, uid)
}

fn event_of<'a>(events: &'a [Event], uid: &str) -> &'a Event {
    events
        .iter()
        .find(|e| e.uid == uid)
        .unwrap_or_else(|| panic!("no event {uid} on the server"))
}

#[test]
fn plan_sync_move_delete_done_skip_replan_sync() {
    let server = Radicale::start();
    full_cycle(&server.url(), &server.dav(), COLLECTION);
}

/// The same cycle on Xandikos, a second CalDAV server (git-backed, its own ETags), without
/// authentication.
#[test]
fn the_same_cycle_on_a_second_server() {
    let server = Xandikos::start();
    full_cycle(&server.url(), &server.dav(), server::XANDIKOS_CALENDAR);
}

/// plan → sync → the learner's own event, a move and a deletion in the learner's app →
/// sync → done/skip → replan → sync, the server checked after every step.
fn full_cycle(url: &str, dav: &Dav, collection: &str) {
    let sb = planned();
    let plan = show(&sb);
    let n = plan["sessions"].as_array().expect("sessions").len();

    // First sync: one event per session.
    let run = first_sync(&sb, url);
    let created = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("created "))
        .count();
    assert_eq!(created, n, "{}", run.stdout);
    assert_in_step(&sb, dav, collection, &[]);

    // The learner's own event in the same calendar.
    let status = dav.put(&format!("{collection}dentist.ics"), DENTIST, None);
    assert!((200..300).contains(&status), "{status}");
    let foreign: Vec<Event> = dav
        .events(collection)
        .into_iter()
        .filter(|e| e.uid == "dentist-42@example.com")
        .collect();
    assert_eq!(foreign.len(), 1);
    assert_up_to_date(&sb);

    // The learner moves "Indexes" to Thursday morning and deletes "Storage Engines".
    let indexes = uid_of(&plan, "db/indexes");
    let storage = session_of(&plan, "db/storage-engines").clone();
    let storage_uid = storage["uid"].as_str().expect("uid").to_string();
    let events = dav.events(collection);
    learner_moves(
        dav,
        collection,
        event_of(&events, &indexes),
        "20261126T063000Z",
        "20261126T070000Z",
    );
    let moved_etag = event_of(&dav.events(collection), &indexes).etag.clone();
    let totals = status_totals(&sb);
    let status = dav.delete(&format!(
        "{collection}{}",
        event_of(&events, &storage_uid).name
    ));
    assert!((200..300).contains(&status), "{status}");

    let run = sync(&sb, &[]).ok();
    assert!(
        run.stdout
            .contains("pinned   db/indexes: you moved it to 2026-11-26 07:30"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("removed  db/storage-engines"),
        "{}",
        run.stdout
    );
    // The move is in the saved plan; the deleted session is not, nor in its summary.
    let saved = show(&sb);
    let in_window = |v: &Value| v["summary"]["required_in_window_minutes"].as_u64();
    assert_eq!(
        in_window(&saved),
        in_window(&plan).map(|m| m - storage["minutes"].as_u64().expect("minutes"))
    );
    assert_eq!(
        session_of(&saved, "db/indexes")["start"],
        "2026-11-26T07:30:00+01:00"
    );
    assert!(!saved["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .any(|s| s["item"] == "db/storage-engines"));
    let events = assert_in_step(&sb, dav, collection, &foreign);
    assert_eq!(
        event_of(&events, &indexes).etag,
        moved_etag,
        "the moved event was rewritten"
    );
    assert!(
        sb.read("studyplan.yaml").contains(&format!("- {indexes}")),
        "pinned in the state"
    );
    assert_up_to_date(&sb);
    // Until a replan plans it again, the deleted session's minutes are still work to do.
    assert_eq!(status_totals(&sb), totals, "status after the deletion");

    // done / skip, then replan from the first day: the pin is kept, the deleted work comes
    // back on another day, the skipped item's events go.
    sb.cmd(["done", "db/indexes", "--on", "2026-11-26"])
        .args(["--now", &noon("2026-11-26")])
        .ok();
    sb.cmd(["skip", "api/graphql", "--now", NOW]).ok();
    let run = replan(&sb, &[]).ok();
    assert!(
        !run.stderr.contains("moved     db/indexes"),
        "{}",
        run.stderr
    );
    let replanned = show(&sb);
    assert_eq!(
        session_of(&replanned, "db/indexes")["start"],
        "2026-11-26T07:30:00+01:00"
    );
    assert_eq!(status_totals(&sb), totals, "status after the replan");
    let again = session_of(&replanned, "db/storage-engines");
    assert_ne!(
        again["date"], storage["date"],
        "planned again on the day the learner deleted it"
    );
    let run = sync(&sb, &[]).ok();
    assert!(
        run.stdout.contains("deleted  api/graphql"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("created  db/storage-engines"),
        "{}",
        run.stdout
    );
    let events = assert_in_step(&sb, dav, collection, &foreign);
    assert_eq!(event_of(&events, &indexes).start, "20261126T063000Z");
    assert_up_to_date(&sb);
}

#[test]
fn a_move_that_breaks_a_rule_is_kept_with_a_warning_and_replan_keeps_it() {
    // Required work of week 1 moved into week 2, onto the day of REST part 2.
    let (server, sb, indexes) =
        moved_after_sync("db/indexes", "20261202T050000Z", "20261202T053000Z");
    let dav = server.dav();
    // --dry-run tells what the move breaks as the sync would, and keeps nothing.
    let state = sb.read("studyplan.yaml");
    let run = sync(&sb, &["--dry-run"]).ok();
    assert!(
        run.stderr.contains(
            "warning: db/indexes breaks a rule, and would stay where you put it: window: \
             required work outside its window"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(sb.read("studyplan.yaml"), state);
    let run = sync(&sb, &[]).ok();
    assert!(
        run.stderr.contains("warning: db/indexes breaks a rule"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("window: required work outside its window"),
        "{}",
        run.stderr
    );
    assert_in_step(&sb, &dav, COLLECTION, &[]);
    // Replan keeps it where the learner put it, and plans everything else around it.
    // Its lateness is the learner's choice: no advice about hours comes from it (the replan
    // said the window "was over before the replan's first day").
    let run = replan(&sb, &[]).ok();
    assert!(!run.stdout.contains("Overloaded"), "{}", run.stdout);
    let replanned = show(&sb);
    assert_eq!(
        session_of(&replanned, "db/indexes")["start"],
        "2026-12-02T06:00:00+01:00"
    );
    sync(&sb, &[]).ok();
    let events = assert_in_step(&sb, &dav, COLLECTION, &[]);
    assert_eq!(event_of(&events, &indexes).start, "20261202T050000Z");
    assert_up_to_date(&sb);
}

/// A session the learner only shortened (same start) is said to be shortened, not moved.
#[test]
fn a_session_shortened_in_place_is_not_said_to_be_moved() {
    let (_server, dav, sb) = synced_with(&[]);
    let plan = show(&sb);
    let session = session_of(&plan, "db/storage-engines");
    let uid = session["uid"].as_str().expect("uid").to_string();
    let begins = session["start"].as_str().expect("start");
    let end = DateTime::parse_from_rfc3339(begins).expect("start") + chrono::Duration::minutes(25);
    let events = dav.events(COLLECTION);
    learner_moves(
        &dav,
        COLLECTION,
        event_of(&events, &uid),
        &stamp(begins),
        &stamp(&end.to_rfc3339()),
    );
    sync(&sb, &[]).ok().stdout_has(
        "pinned   db/storage-engines: you shortened it to 25 of its 40 minutes; it stays there",
    );
}

/// A session the learner made longer keeps its planned minutes, and sync says so.
#[test]
fn a_lengthened_session_keeps_its_minutes_and_says_so() {
    let (_server, sb, _) = moved_after_sync("db/indexes", "20261202T050000Z", "20261202T060000Z");
    sync(&sb, &[])
        .ok()
        .stdout_has("and made it 60 min long (the plan counts its 30: the item needs no more)");
    assert_eq!(session_of(&show(&sb), "db/indexes")["minutes"], 30);
}

/// Deleting the second part of a split item moves that part only: it is planned again on
/// another day, and the first part, which need not move, keeps its time.
#[test]
fn deleting_one_part_of_a_split_item_leaves_the_other_where_it_is() {
    let (_server, dav, sb) = synced_with(&[]);
    let plan = show(&sb);
    let parts = |doc: &Value| -> Vec<(Value, Value)> {
        doc["sessions"]
            .as_array()
            .expect("sessions")
            .iter()
            .filter(|s| s["item"] == "api/rest")
            .map(|s| (s["part"].clone(), s["start"].clone()))
            .collect()
    };
    let before = parts(&plan);
    assert_eq!(before.len(), 2, "REST is split in two: {before:?}");
    let second = plan["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .find(|s| s["item"] == "api/rest" && s["part"] == 2)
        .expect("part 2");
    let (uid, date) = (second["uid"].as_str().expect("uid"), second["date"].clone());
    let events = dav.events(COLLECTION);
    let status = dav.delete(&format!("{COLLECTION}{}", event_of(&events, uid).name));
    assert!((200..300).contains(&status), "{status}");
    sync(&sb, &[]).ok();
    replan(&sb, &[]).ok();
    let after = parts(&show(&sb));
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(after[0], before[0], "part 1 moved");
    let again = show(&sb)["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .find(|s| s["item"] == "api/rest" && s["part"] == 2)
        .expect("part 2 planned again")
        .clone();
    assert_ne!(
        again["date"], date,
        "part 2 is back on the day it was deleted"
    );
}

/// A session the learner's progress covers, deleted in the calendar, is not planned again and
/// sync says why; the replan keeps the part still to do where it was. The replan used to take
/// the deleted part for missing and count the progress against the next part: it cancelled
/// part 2 and planned a "part 3/3" elsewhere. Found by an audit.
#[test]
fn a_deleted_session_that_progress_covers_is_not_planned_again() {
    let (_server, dav, sb) = synced_with(&[]);
    let rest = |doc: &Value| -> Vec<(Value, Value, Value)> {
        doc["sessions"]
            .as_array()
            .expect("sessions")
            .iter()
            .filter(|s| s["item"] == "api/rest")
            .map(|s| (s["uid"].clone(), s["start"].clone(), s["part"].clone()))
            .collect()
    };
    let before = rest(&show(&sb));
    assert_eq!(before.len(), 2, "{before:?}");
    sb.cmd(["progress", "api/rest", "--minutes", "50", "--now", NOW])
        .ok();
    let first = before[0].0.as_str().expect("uid");
    let events = dav.events(COLLECTION);
    let status = dav.delete(&format!("{COLLECTION}{}", event_of(&events, first).name));
    assert!((200..300).contains(&status), "{status}");
    sync(&sb, &[])
        .ok()
        .stdout_has("you deleted it; your progress covers it, so nothing is planned again");
    replan(&sb, &[]).ok();
    assert_eq!(rest(&show(&sb)), [before[1].clone()]);
}

/// A done item's session the learner deletes (tidying up their calendar) is not planned again,
/// and sync says so; the item stays done in `status`.
#[test]
fn a_deleted_session_of_a_done_item_is_not_planned_again() {
    let (_server, dav, sb) = synced_with(&[]);
    let totals = status_totals(&sb);
    let uid = uid_of(&show(&sb), "db/storage-engines");
    sb.cmd(["done", "db/storage-engines", "--now", NOW]).ok();
    let events = dav.events(COLLECTION);
    let status = dav.delete(&format!("{COLLECTION}{}", event_of(&events, &uid).name));
    assert!((200..300).contains(&status), "{status}");
    sync(&sb, &[]).ok().stdout_has(
        "removed  db/storage-engines on 2026-11-23 19:00: you deleted it; its item is done or \
         skipped, so nothing is planned again",
    );
    assert_eq!(status_totals(&sb), totals);
    replan(&sb, &[]).ok();
    assert!(!show(&sb)["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .any(|s| s["item"] == "db/storage-engines"));
    assert_eq!(status_totals(&sb), totals);
}

/// A moved session the learner then misses is planned again like any missed work: its pin,
/// which says the learner chose that time, does not follow it to the planner's new time.
#[test]
fn a_missed_pinned_session_loses_its_pin_when_replanned() {
    let (server, sb, indexes) =
        moved_after_sync("db/indexes", "20261124T060000Z", "20261124T063000Z");
    let dav = server.dav();
    sync(&sb, &[]).ok();
    assert!(sb.read("studyplan.yaml").contains(&format!("- {indexes}")));
    // The 24th passes without it: replan from the 26th plans it again.
    let run = replan_from(&sb, "2026-11-26", &[]).ok();
    assert!(
        !run.stderr.contains("kept      db/indexes"),
        "{}",
        run.stderr
    );
    let replanned = show(&sb);
    let again = session_of(&replanned, "db/indexes");
    assert_eq!(again["uid"], indexes.as_str());
    assert!(
        again["start"].as_str().expect("start") >= "2026-11-26",
        "{again}"
    );
    assert!(
        !sb.read("studyplan.yaml").contains(&format!("- {indexes}")),
        "the pin followed the session to the planner's time:\n{}",
        sb.read("studyplan.yaml")
    );
    sync(&sb, &[]).ok();
    assert_in_step(&sb, &dav, COLLECTION, &[]);
}

/// A session the learner shortens in their calendar stays where it is with the minutes it now
/// has, and replan plans the rest of its item.
#[test]
fn a_shortened_session_keeps_its_new_length_and_replan_plans_the_rest() {
    shortened_and_replanned(&[]);
}

/// The same in study windows: the new work goes in the gap after the pinned part, not in the
/// one before it.
#[test]
fn a_shortened_session_in_study_windows_keeps_the_path_order() {
    shortened_and_replanned(&["--window", "mon-sun=19:00-21:00"]);
}

fn shortened_and_replanned(plan_flags: &[&str]) {
    // Storage Engines (40 min, Monday 19:00) moved to Wednesday 20:00–20:25 Berlin time.
    let item = "db/storage-engines";
    let (server, sb, uid) =
        moved_after_sync_with(plan_flags, item, "20261125T190000Z", "20261125T192500Z");
    let dav = server.dav();
    let totals = status_totals(&sb);
    let run = sync(&sb, &[]).ok();
    assert!(
        run.stdout
            .contains("shortened it to 25 of its 40 minutes; it stays there, and `studyplan replan` plans the other 15"),
        "{}",
        run.stdout
    );
    // The 15 minutes cut off are still work to do until the replan plans them (an audit found
    // status at 80 of an item's 100 minutes here).
    assert_eq!(status_totals(&sb), totals);
    assert_eq!(session_of(&show(&sb), item)["minutes"], 25);
    replan(&sb, &[])
        .ok()
        .stderr_has(&format!("kept      {item} (part 1/2)"));
    let replanned = show(&sb);
    let all = replanned["sessions"].as_array().expect("sessions");
    let of = |item: &str| -> Vec<&Value> { all.iter().filter(|s| s["item"] == item).collect() };
    let sessions = of(item);
    let total: u64 = sessions
        .iter()
        .map(|s| s["minutes"].as_u64().expect("minutes"))
        .sum();
    assert_eq!(total, 40, "{sessions:?}");
    let kept = sessions
        .iter()
        .find(|s| s["uid"] == uid.as_str())
        .expect("the pinned session");
    assert_eq!(
        (
            kept["minutes"].as_u64(),
            kept["part"].as_u64(),
            kept["parts"].as_u64(),
            stamp(kept["start"].as_str().expect("start"))
        ),
        (Some(25), Some(1), Some(2), "20261125T190000Z".to_string())
    );
    // Path order: Indexes, the next required item, starts no earlier than the pinned part,
    // although Wednesday has room before 20:00 (it went there, at 19:00).
    let at = |s: &Value| {
        DateTime::parse_from_rfc3339(s["start"].as_str().expect("start")).expect("RFC 3339")
    };
    let first_indexes = of("db/indexes").into_iter().map(at).min().expect("indexes");
    assert!(first_indexes >= at(kept), "{replanned:#}");
    // Its time changed, so the calendar file raises its SEQUENCE although the app did not.
    let ics = sb.read("small.ics");
    let event = ics
        .split("BEGIN:VEVENT")
        .find(|e| e.contains(&format!("UID:{uid}")))
        .expect("the pinned event in the .ics");
    assert!(event.contains("SEQUENCE:1\r\n"), "{event}");
    sync(&sb, &[]).ok();
    assert_in_step(&sb, &dav, COLLECTION, &[]);
    assert_up_to_date(&sb);
}

/// `replan --sync` takes the learner's moves in before it plans (it planned first, put the
/// moved session elsewhere, then pinned it back and left its planned slot empty), and with
/// `--format json` stdout is the plan's JSON alone: what was synced goes to stderr.
#[test]
fn replan_sync_plans_around_moves_made_since_the_last_sync() {
    let (server, sb, indexes) =
        moved_after_sync("db/indexes", "20261202T050000Z", "20261202T053000Z");
    let dav = server.dav();
    let run = replan(&sb, &["--sync", "--format", "json"]).ok();
    let doc = run.json();
    assert_eq!(
        session_of(&doc, "db/indexes")["start"],
        "2026-12-02T06:00:00+01:00",
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("moved by you"), "{}", run.stderr);
    let events = assert_in_step(&sb, &dav, COLLECTION, &[]);
    assert_eq!(event_of(&events, &indexes).start, "20261202T050000Z");
    assert_up_to_date(&sb);
}

#[test]
fn dry_run_lists_everything_and_changes_nothing() {
    let server = Radicale::start();
    let dav = server.dav();
    let sb = planned();
    let state = sb.read("studyplan.yaml");
    let n = show(&sb)["sessions"].as_array().expect("sessions").len();
    let run = sync(
        &sb,
        &["--caldav", &server.url(), "--user", USER, "--dry-run"],
    )
    .ok();
    assert_eq!(
        run.stdout.matches("would create").count(),
        n,
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("nothing was changed (--dry-run)"),
        "{}",
        run.stdout
    );
    assert!(dav.list(COLLECTION).is_empty());
    assert_eq!(sb.read("studyplan.yaml"), state);

    first_sync(&sb, &server.url());
    let plan = show(&sb);
    let uid = uid_of(&plan, "api/rest");
    let events = dav.events(COLLECTION);
    learner_moves(
        &dav,
        COLLECTION,
        event_of(&events, &uid),
        "20261203T160000Z",
        "20261203T165000Z",
    );
    dav.delete(&format!("{COLLECTION}{}", events[0].name));
    sb.cmd(["skip", "db/index-tuning", "--now", NOW]).ok();
    replan(&sb, &[]).ok();
    let state = sb.read("studyplan.yaml");
    let listing = dav.list(COLLECTION);
    let run = sync(&sb, &["--dry-run"]).ok();
    assert!(run.stdout.contains("would pin"), "{}", run.stdout);
    assert!(run.stdout.contains("would remove"), "{}", run.stdout);
    assert!(
        run.stdout.contains("would delete  db/index-tuning"),
        "{}",
        run.stdout
    );
    assert_eq!(
        sb.read("studyplan.yaml"),
        state,
        "--dry-run wrote the state"
    );
    assert_eq!(
        dav.list(COLLECTION),
        listing,
        "--dry-run changed the server"
    );
}

/// A learner who first imported the plan's .ics file has its events under names of their app's
/// choosing: the server refuses to create a second resource with the same UID (RFC 4791
/// no-uid-conflict; 409 from Radicale). That session is left out with a warning, every other
/// one is synced, and once the learner deletes the imported copy the next sync creates it.
#[test]
fn an_imported_copy_of_a_session_is_left_alone_and_the_rest_is_synced() {
    let server = Radicale::start();
    let dav = server.dav();
    let sb = planned();
    let plan = show(&sb);
    let sessions = plan["sessions"].as_array().expect("sessions").len();
    let uid = uid_of(&plan, "api/rest");
    let imported = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Learner's app//EN\r\nBEGIN:VEVENT\r\n\
         UID:{uid}\r\nDTSTAMP:20261120T090000Z\r\nDTSTART:20261203T160000Z\r\n\
         DTEND:20261203T165000Z\r\nSUMMARY:REST\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let copy = format!("{COLLECTION}3F2504E0-4F89-11D3.ics");
    assert_eq!(dav.put(&copy, &imported, None), 201);
    let etag_of_copy = || dav.list(COLLECTION).get("3F2504E0-4F89-11D3.ics").cloned();
    let copied = etag_of_copy().expect("the imported copy is listed");

    let run = first_sync(&sb, &server.url());
    assert!(
        run.stderr.contains(
            "api/rest (part 1/2): the calendar already has an event with this session's UID"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("1 not synced"), "{}", run.stdout);
    let events = dav.events(COLLECTION);
    assert_eq!(events.len(), sessions, "every other session, and the copy");
    assert_eq!(
        etag_of_copy(),
        Some(copied),
        "the imported copy was changed"
    );
    assert_eq!(
        events.iter().filter(|e| e.uid == uid).count(),
        1,
        "the session was created twice"
    );

    // The next sync tries again, and once the copy is gone it creates the session.
    let run = sync(&sb, &[]).ok();
    assert!(run.stdout.contains("1 not synced"), "{}", run.stdout);
    assert!(matches!(dav.delete(&copy), 200 | 204));
    let run = sync(&sb, &[]).ok();
    assert!(run.stdout.contains("1 created"), "{}", run.stdout);
    assert_in_step(&sb, &dav, COLLECTION, &[]);
    assert_up_to_date(&sb);
}

#[test]
fn plan_and_replan_sync_with_the_remembered_calendar() {
    let server = Radicale::start();
    let dav = server.dav();
    let sb = planned();
    // Without a calendar set up, --sync says how to set one up.
    sb.cmd(["replan", "--from", "2026-11-23", "--now", NOW, "--sync"])
        .env("STUDYPLAN_CALDAV_PASSWORD", PASSWORD)
        .fails(2)
        .stderr_has("studyplan sync --caldav URL");
    first_sync(&sb, &server.url());
    sb.cmd(["skip", "db/index-tuning", "--now", NOW]).ok();
    replan(&sb, &["--sync"])
        .ok()
        .stdout_has("deleted  db/index-tuning");
    assert_in_step(&sb, &dav, COLLECTION, &[]);
    // A fresh plan of the same path into the same state updates the same events.
    sb.plan(
        "p.yaml",
        &[
            "--start",
            "2026-11-30",
            "--hours",
            "1",
            "--tz",
            "Europe/Berlin",
            "--sync",
        ],
    )
    .env("STUDYPLAN_CALDAV_PASSWORD", PASSWORD)
    .ok()
    .stdout_has("updated");
    assert_in_step(&sb, &dav, COLLECTION, &[]);
    assert_up_to_date(&sb);
}

#[test]
fn passwords_come_from_the_environment_or_a_command_and_are_never_stored() {
    let server = Radicale::start();
    let sb = planned();
    let url = server.url();
    // Wrong password: exit 4, the URL and the status, never the password.
    let run = sb
        .cmd(["sync", "--caldav", &url, "--user", USER])
        .env("STUDYPLAN_CALDAV_PASSWORD", "hunter2-wrong")
        .fails(4)
        .stderr_has(&url)
        .stderr_has("401");
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    // No password at all for a user: exit 2, what to set.
    sb.cmd(["sync", "--caldav", &url, "--user", USER])
        .fails(2)
        .stderr_has("STUDYPLAN_CALDAV_PASSWORD")
        .stderr_has(&format!("user {USER:?} needs a password"));
    // A password in the URL is refused, and not echoed.
    let with_password = url.replace("http://", "http://alice:sekrit@");
    let run = sb.cmd(["sync", "--caldav", &with_password]).fails(2);
    assert!(!run.stderr.contains("sekrit"), "{}", run.stderr);
    // The password from a command; the command is remembered, the password is not.
    let file = sb.write("secret.txt", &format!("{PASSWORD}\nsecond line\n"));
    let cmd = format!("cat '{}'", file.display());
    sb.cmd([
        "sync",
        "--caldav",
        &url,
        "--user",
        USER,
        "--password-command",
        &cmd,
    ])
    .ok()
    .stdout_has("created");
    sb.cmd(["sync"]).ok().stdout_has("calendar is up to date");
    let state = sb.read("studyplan.yaml");
    assert!(
        !state.contains(PASSWORD),
        "the password is in the state file:\n{state}"
    );
    assert!(!state.contains("hunter2"));
    assert!(state.contains("password_command"));
    // A failing command: exit 2, its output not shown.
    let run = sb
        .cmd(["sync", "--password-command", "echo not-this; exit 3"])
        .fails(2)
        .stderr_has("--password-command");
    assert!(!run.stderr.contains("not-this"), "{}", run.stderr);
}

#[test]
fn a_url_that_is_not_a_calendar_collection_is_refused() {
    let server = Radicale::start();
    let sb = planned();
    let state = sb.read("studyplan.yaml");
    // The principal's home is a collection, but not a calendar.
    let home = format!("{}/alice/", server.base());
    sync(&sb, &["--caldav", &home, "--user", USER])
        .fails(4)
        .stderr_has("not a CalDAV calendar")
        .stderr_has(&format!("give the URL of one of them: {}", server.url()))
        .stderr_has(&home);
    // A calendar that does not exist.
    let gone = format!("{}/alice/nope/", server.base());
    sync(&sb, &["--caldav", &gone, "--user", USER])
        .fails(4)
        .stderr_has("404");
    // A web server that is not CalDAV at all.
    let proxy = Proxy::start(server.addr);
    proxy.fail_all(Fault::NotDav);
    let web = format!("{}/alice/study/", proxy.base());
    sync(&sb, &["--caldav", &web, "--user", USER])
        .fails(4)
        .stderr_has("not a CalDAV calendar collection");
    // Nothing listening.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    sync(
        &sb,
        &["--caldav", &format!("http://{closed}/cal/"), "--user", USER],
    )
    .fails(4)
    .stderr_has("cannot talk to the server");
    assert_eq!(
        sb.read("studyplan.yaml"),
        state,
        "a failed first sync changed the state"
    );
}

#[test]
fn no_answer_times_out_with_exit_code_4() {
    let server = Radicale::start();
    let sb = planned();
    let proxy = Proxy::start(server.addr);
    proxy.fail_all(Fault::Hang);
    sync(
        &sb,
        &[
            "--caldav",
            &format!("{}/alice/study/", proxy.base()),
            "--user",
            USER,
            "--timeout",
            "1",
        ],
    )
    .fails(4)
    .stderr_has("no answer within 1 s");
}

/// The collection for one fault scenario: a fresh calendar on the shared server.
fn fresh_calendar(dav: &Dav, i: usize) -> String {
    let path = format!("/alice/fault{i}/");
    dav.mkcalendar(&path);
    path
}

/// Faults at the listing, at a read or a write of a sync after the learner's edits and a
/// replan, and in the middle of a first sync: each fails with exit code 4, and the next
/// clean sync converges with no duplicate, no stale copy and the learner's move kept.
fn faults_lose_nothing(fault: Fault) {
    let server = Radicale::start();
    let dav = server.dav();
    let proxy = Proxy::start(server.addr);
    // Requests: 1 is the listing, then reads and writes in the order sync makes them.
    for (i, at) in [1, 2, 4].into_iter().enumerate() {
        let collection = fresh_calendar(&dav, i);
        let url = format!("{}{collection}", proxy.base());
        let sb = planned();
        proxy.fail(at, fault);
        let run = sync(&sb, &["--caldav", &url, "--user", USER]).run();
        proxy.clear();
        assert_eq!(run.code, Some(4), "{fault:?} at {at}\n{}", run.stderr);
        assert!(
            run.stderr.contains(&url[..url.len() - 1])
                || run.stderr.contains("CalDAV http://127.0.0.1:"),
            "{}",
            run.stderr
        );
        if let Fault::Status(code) = fault {
            assert!(
                run.stderr.contains(&format!("HTTP {code}")),
                "{}",
                run.stderr
            );
        }
        // The state file names the calendar only once a listing succeeded.
        let sync_again = if at == 1 {
            sync(&sb, &["--caldav", &url, "--user", USER]).ok()
        } else {
            sync(&sb, &[]).ok()
        };
        if fault == Fault::LostResponse && at > 1 {
            assert!(
                sync_again
                    .stdout
                    .contains("found on the server from an earlier sync"),
                "{}",
                sync_again.stdout
            );
        }
        assert_in_step(&sb, &dav, &collection, &[]);
        assert_up_to_date(&sb);

        // The learner moves one event, a replan changes others; the next sync fails at
        // request `at`, the one after it converges and keeps the move.
        let plan = show(&sb);
        let uid = uid_of(&plan, "api/rest");
        let events = dav.events(&collection);
        let e = event_of(&events, &uid);
        let body = e
            .body
            .replace(&format!("DTSTART:{}", e.start), "DTSTART:20261204T170000Z")
            .replace(&format!("DTEND:{}", e.end), "DTEND:20261204T175000Z");
        let status = dav.put(&format!("{collection}{}", e.name), &body, Some(&e.etag));
        assert!((200..300).contains(&status), "{status}");
        sb.cmd(["skip", "db/index-tuning", "--now", NOW]).ok();
        replan_from(&sb, "2026-11-25", &["--hours", "1.5"]).ok();
        proxy.fail(at, fault);
        let run = sync(&sb, &["--timeout", "5"]).run();
        proxy.clear();
        assert_eq!(
            run.code,
            Some(4),
            "{fault:?} at {at}\n{}\n{}",
            run.stdout,
            run.stderr
        );
        sync(&sb, &[]).ok();
        let events = assert_in_step(&sb, &dav, &collection, &[]);
        assert_eq!(
            event_of(&events, &uid).start,
            "20261204T170000Z",
            "{fault:?} at {at}: the learner's move was lost"
        );
        assert_up_to_date(&sb);
    }
}

#[test]
fn fault_server_error_500() {
    faults_lose_nothing(Fault::Status(500));
}

#[test]
fn fault_precondition_failed_412() {
    faults_lose_nothing(Fault::Status(412));
}

#[test]
fn fault_unauthorized_401() {
    faults_lose_nothing(Fault::Status(401));
}

#[test]
fn fault_dropped_connection() {
    faults_lose_nothing(Fault::Drop);
}

#[test]
fn fault_lost_answer_is_adopted_not_duplicated() {
    faults_lose_nothing(Fault::LostResponse);
}
