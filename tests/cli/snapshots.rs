//! Snapshots (`insta`) of what people read: the table of a small plan, one week of it, and the
//! output of `validate`. Everything that could vary is pinned: zone, generation time, width.

use crate::rules::{small, small_settings};
use crate::util::Sandbox;

#[test]
fn table_of_a_small_plan() {
    let sb = Sandbox::new();
    sb.write("small.yaml", &small().yaml());
    let args = small_settings().args();
    let extra: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = sb.plan("small.yaml", &extra).ok();
    insta::assert_snapshot!("table_small", run.stdout);
    let week = sb.cmd(["show", "--week", "2"]).ok();
    insta::assert_snapshot!("table_small_week_2", week.stdout);
}

#[test]
fn validate_output() {
    let sb = Sandbox::new();
    sb.write("small.yaml", &small().yaml());
    let run = sb.cmd(["validate", "small.yaml"]).ok();
    insta::assert_snapshot!("validate_small", run.stdout);
    let bundled = sb.cmd(["validate", "backend-engineer"]).ok();
    insta::assert_snapshot!("validate_backend_engineer", bundled.stdout);
}
