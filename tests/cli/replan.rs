//! done / progress / skip / undo / status / replan, through the built binary: the cycle after a
//! plan, item names, the state-file lock and broken state files.

use crate::util::{Run, Sandbox, NOW};
use serde_json::Value;

const PATH: &str = "id: small
title: Small
sections:
  - id: db
    title: Databases
    weeks: 1
    items:
      - {title: Storage Engines, minutes: 40}
      - {title: Indexes, minutes: 30}
      - {title: Index Tuning, minutes: 30, kind: optional}
  - id: api
    title: APIs
    weeks: 2
    items:
      - {title: REST, minutes: 100}
      - {title: GraphQL, minutes: 30, kind: reference}
";

const PINNED: [&str; 6] = ["--tz", "UTC", "--now", NOW, "--time-limit", "5"];

/// A sandbox with `p.yaml` planned from `start` at one hour a day.
fn planned(start: &str) -> (Sandbox, Value) {
    let sb = Sandbox::new();
    sb.write("p.yaml", PATH);
    let doc = sb
        .cmd([
            "plan", "p.yaml", "--start", start, "--hours", "1", "--format", "json",
        ])
        .args(PINNED)
        .ok()
        .json();
    (sb, doc)
}

fn replan(sb: &Sandbox, extra: &[&str]) -> (Value, String) {
    let run = sb
        .cmd(["replan", "--format", "json"])
        .args(PINNED)
        .args(extra.iter().copied())
        .ok();
    (run.json(), run.stderr)
}

fn show(sb: &Sandbox) -> Value {
    sb.cmd(["show", "--format", "json"]).ok().json()
}

fn sessions(v: &Value) -> Vec<Value> {
    v["sessions"].as_array().expect("sessions").clone()
}

#[test]
fn replan_without_progress_moves_nothing() {
    // The plan starts in the future, so nothing is missed yet.
    let (sb, first) = planned("2026-11-23");
    let (again, err) = replan(&sb, &[]);
    assert!(err.contains("nothing moved"), "{err}");
    let key = |s: &Value| (s["uid"].clone(), s["start"].clone(), s["end"].clone());
    let a: Vec<_> = sessions(&first).iter().map(key).collect();
    let b: Vec<_> = sessions(&again).iter().map(key).collect();
    assert_eq!(a, b);
    assert!(again
        .get("cancelled")
        .is_none_or(|c| c.as_array().is_none_or(Vec::is_empty)));
    assert!(!a.is_empty());
}

#[test]
fn plan_done_skip_replan_status_cycle() {
    let (sb, _) = planned("2026-11-18");
    let old = show(&sb);
    sb.cmd(["done", "db/st", "--minutes", "50", "--on", "2026-11-18"])
        .ok();
    sb.cmd(["skip", "GraphQL"]).ok();
    let marked = show(&sb);
    assert!(sessions(&marked)
        .iter()
        .filter(|s| s["item"] == "db/storage-engines")
        .all(|s| s["done"] == true));
    let (new, err) = replan(&sb, &["--from", "2026-11-21"]);
    assert!(err.contains("cancelled api/graphql"), "{err}");
    // Sessions before --from never change: those kept are identical.
    for s in sessions(&old)
        .iter()
        .filter(|s| s["date"].as_str() < Some("2026-11-21"))
    {
        if let Some(n) = sessions(&new)
            .iter()
            .find(|n| n["uid"] == s["uid"] && n["date"].as_str() < Some("2026-11-21"))
        {
            let (mut a, mut b) = (s.clone(), n.clone());
            a["done"] = Value::Null;
            b["done"] = Value::Null;
            assert_eq!(a, b);
        }
    }
    // Done work is kept, done, and not planned again; skipped work is not planned.
    let storage: Vec<_> = sessions(&new)
        .into_iter()
        .filter(|s| s["item"] == "db/storage-engines")
        .collect();
    assert_eq!(storage.len(), 1);
    assert_eq!(storage[0]["done"], true);
    assert!(sessions(&new).iter().all(|s| s["item"] != "api/graphql"));
    // New work starts on or after --from.
    for s in sessions(&new).iter().filter(|s| s["done"] == false) {
        assert!(s["date"].as_str() >= Some("2026-11-21"), "{s}");
    }
    // The JSON has no cancelled list; the state file keeps it (for STATUS:CANCELLED).
    let state = sb.read("studyplan.yaml");
    let cancelled = state
        .split("cancelled:")
        .nth(1)
        .expect("cancelled in the state");
    assert!(cancelled.contains("item: api/graphql"), "{cancelled}");
    let st = sb
        .cmd(["status", "--today", "2026-11-21", "--format", "json"])
        .ok()
        .json();
    assert_eq!(st["done_minutes"], 40);
    assert_eq!(st["pace"], 1.25);
    sb.cmd(["status", "--today", "2026-11-21"])
        .ok()
        .stdout_has("Schedule:");
}

#[test]
fn partial_progress_plans_the_remainder() {
    let (sb, _) = planned("2026-11-18");
    sb.cmd(["progress", "api/rest", "--minutes", "40"]).ok();
    let (new, _) = replan(&sb, &[]);
    let rest: u64 = sessions(&new)
        .iter()
        .filter(|s| s["item"] == "api/rest")
        .map(|s| s["minutes"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(rest, 60);
}

#[test]
fn item_names_resolve_or_list_candidates() {
    let (sb, _) = planned("2026-11-18");
    sb.cmd(["done", "storage engines"]).ok();
    sb.cmd(["done", "api/re"]).ok();
    sb.cmd(["done", "ind"])
        .fails(2)
        .stderr_has("db/indexes")
        .stderr_has("db/index-tuning");
    sb.cmd(["done", "nope-nothing"]).fails(2);
    let st = sb.read("studyplan.yaml");
    assert!(st.contains("item: db/storage-engines") && st.contains("item: api/rest"));
}

#[test]
fn undo_removes_the_last_entry() {
    let (sb, _) = planned("2026-11-18");
    sb.cmd(["done", "db/indexes"]).ok();
    sb.cmd(["done", "db/storage-engines"]).ok();
    sb.cmd(["undo"]).ok().stderr_has("db/storage-engines");
    for s in sessions(&show(&sb)) {
        assert_eq!(s["done"] == true, s["item"] == "db/indexes", "{s}");
    }
    sb.cmd(["undo"]).ok();
    sb.cmd(["undo"]).fails(2);
}

#[test]
fn a_second_writer_is_refused() {
    use fs4::fs_std::FileExt;
    let (sb, _) = planned("2026-11-18");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(sb.path().join("studyplan.yaml.lock"))
        .expect("lock file");
    assert!(FileExt::try_lock_exclusive(&lock).expect("lock"));
    let before = sb.read_bytes("studyplan.yaml");
    sb.cmd(["done", "db/indexes"])
        .fails(2)
        .stderr_has("in use by another studyplan process");
    assert!(
        sb.read_bytes("studyplan.yaml") == before,
        "a refused writer changed the state"
    );
    FileExt::unlock(&lock).expect("unlock");
    sb.cmd(["done", "db/indexes"]).ok();
}

#[test]
fn a_broken_state_file_is_refused_and_left_alone() {
    let sb = Sandbox::new();
    let bytes = "version: 1\nsource: [this is: not a state\n";
    sb.write("studyplan.yaml", bytes);
    let cases: [&[&str]; 5] = [
        &["done", "x"],
        &["skip", "x"],
        &["undo"],
        &["status"],
        &["replan", "--now", NOW],
    ];
    for args in cases {
        let run: Run = sb
            .cmd(args.iter().copied())
            .fails(2)
            .stderr_has("studyplan.yaml");
        assert_eq!(
            sb.read("studyplan.yaml"),
            bytes,
            "{} changed the state",
            run.cmd
        );
    }
}
