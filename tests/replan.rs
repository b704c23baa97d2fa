//! done / skip / undo / status / replan, through the built binary.

use std::path::Path;
use std::process::{Command, Output};

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
const PINNED: [&str; 6] = [
    "--tz",
    "UTC",
    "--now",
    "2026-11-21T12:00:00Z",
    "--time-limit",
    "5",
];

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_studyplan"))
        .current_dir(dir)
        .env_remove("STUDYPLAN_STATE")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run studyplan")
}

fn ok(dir: &Path, args: &[&str]) -> Output {
    let o = run(dir, args);
    assert!(
        o.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("json on stdout")
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("p.yaml"), PATH).expect("write path");
    let mut args = vec![
        "plan",
        "p.yaml",
        "--start",
        "2026-11-18",
        "--hours",
        "1",
        "--format",
        "json",
    ];
    args.extend(PINNED);
    ok(dir.path(), &args);
    dir
}

fn replan(dir: &Path, extra: &[&str]) -> (serde_json::Value, String) {
    let mut args = vec!["replan", "--format", "json"];
    args.extend(PINNED);
    args.extend(extra);
    let o = ok(dir, &args);
    (json(&o), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn show(dir: &Path) -> serde_json::Value {
    json(&ok(dir, &["show", "--format", "json"]))
}

fn sessions(v: &serde_json::Value) -> Vec<serde_json::Value> {
    v["sessions"].as_array().expect("sessions").clone()
}

#[test]
fn replan_without_progress_moves_nothing() {
    let dir = setup();
    let before = show(dir.path());
    // Start the plan in the future so nothing is missed yet.
    let dir2 = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir2.path().join("p.yaml"), PATH).expect("write");
    let mut args = vec![
        "plan",
        "p.yaml",
        "--start",
        "2026-11-23",
        "--hours",
        "1",
        "--format",
        "json",
    ];
    args.extend(PINNED);
    let first = json(&ok(dir2.path(), &args));
    let (again, err) = replan(dir2.path(), &[]);
    assert!(err.contains("nothing moved"), "{err}");
    let key = |s: &serde_json::Value| (s["uid"].clone(), s["start"].clone(), s["end"].clone());
    let a: Vec<_> = sessions(&first).iter().map(key).collect();
    let b: Vec<_> = sessions(&again).iter().map(key).collect();
    assert_eq!(a, b);
    assert!(again
        .get("cancelled")
        .is_none_or(|c| c.as_array().is_none_or(Vec::is_empty)));
    assert!(!sessions(&before).is_empty());
}

#[test]
fn plan_done_skip_replan_status_cycle() {
    let dir = setup();
    let d = dir.path();
    let old = show(d);
    ok(
        d,
        &["done", "db/st", "--minutes", "50", "--on", "2026-11-18"],
    );
    ok(d, &["skip", "GraphQL"]);
    let marked = show(d);
    assert!(sessions(&marked)
        .iter()
        .filter(|s| s["item"] == "db/storage-engines")
        .all(|s| s["done"] == true));
    let (new, err) = replan(d, &["--from", "2026-11-21"]);
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
            a["done"] = serde_json::Value::Null;
            b["done"] = serde_json::Value::Null;
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
    let state = std::fs::read_to_string(d.join("studyplan.yaml")).expect("state");
    let cancelled = state
        .split("cancelled:")
        .nth(1)
        .expect("cancelled in the state");
    assert!(cancelled.contains("item: api/graphql"), "{cancelled}");
    let st = json(&ok(
        d,
        &["status", "--today", "2026-11-21", "--format", "json"],
    ));
    assert_eq!(st["done_minutes"], 40);
    assert_eq!(st["pace"], 1.25);
    let table = ok(d, &["status", "--today", "2026-11-21"]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("Schedule:"));
}

#[test]
fn partial_progress_plans_the_remainder() {
    let dir = setup();
    let d = dir.path();
    ok(d, &["progress", "api/rest", "--minutes", "40"]);
    let (new, _) = replan(d, &[]);
    let rest: u64 = sessions(&new)
        .iter()
        .filter(|s| s["item"] == "api/rest")
        .map(|s| s["minutes"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(rest, 60);
}

#[test]
fn item_names_resolve_or_list_candidates() {
    let dir = setup();
    let d = dir.path();
    ok(d, &["done", "storage engines"]);
    ok(d, &["done", "api/re"]);
    let o = run(d, &["done", "ind"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("db/indexes") && err.contains("db/index-tuning"),
        "{err}"
    );
    let o = run(d, &["done", "nope-nothing"]);
    assert_eq!(o.status.code(), Some(2));
    let st = std::fs::read_to_string(d.join("studyplan.yaml")).expect("state");
    assert!(st.contains("item: db/storage-engines") && st.contains("item: api/rest"));
}

#[test]
fn undo_removes_the_last_entry() {
    let dir = setup();
    let d = dir.path();
    ok(d, &["done", "db/indexes"]);
    ok(d, &["done", "db/storage-engines"]);
    let o = ok(d, &["undo"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("db/storage-engines"));
    let v = show(d);
    for s in sessions(&v) {
        assert_eq!(s["done"] == true, s["item"] == "db/indexes", "{s}");
    }
    ok(d, &["undo"]);
    assert_eq!(run(d, &["undo"]).status.code(), Some(2));
}

#[test]
fn a_second_writer_is_refused() {
    use fs4::fs_std::FileExt;
    let dir = setup();
    let d = dir.path();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(d.join("studyplan.yaml.lock"))
        .expect("lock file");
    assert!(FileExt::try_lock_exclusive(&lock).expect("lock"));
    let before = std::fs::read(d.join("studyplan.yaml")).expect("state");
    let o = run(d, &["done", "db/indexes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("in use by another studyplan process"));
    assert_eq!(
        std::fs::read(d.join("studyplan.yaml")).expect("state"),
        before
    );
    FileExt::unlock(&lock).expect("unlock");
    ok(d, &["done", "db/indexes"]);
}

#[test]
fn a_broken_state_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bytes = b"version: 1\nsource: [this is: not a state\n".to_vec();
    std::fs::write(d.join("studyplan.yaml"), &bytes).expect("write");
    for args in [
        vec!["done", "x"],
        vec!["skip", "x"],
        vec!["undo"],
        vec!["status"],
        vec!["replan", "--now", "2026-11-21T12:00:00Z"],
    ] {
        let o = run(d, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("studyplan.yaml"));
        assert_eq!(
            std::fs::read(d.join("studyplan.yaml")).expect("state"),
            bytes
        );
    }
}
