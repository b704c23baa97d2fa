//! End-to-end planning benchmark: runs the built `studyplan plan` on the bundled 12-week path at
//! several daily budgets (and with sessions of at most 30 minutes, so that long items are split)
//! and on a generated one-year path of 2,000 items, and prints a Markdown
//! table of wall time, whether the optimizer proved every level optimal, the plan's late and
//! optional numbers, and the child's peak memory (ru_maxrss from `wait4`).
//!
//! Run with `cargo bench --bench plan`; pass words to run only the cases whose name contains one
//! of them (`cargo bench --bench plan -- generated`). `sweep` adds the bundled path at every
//! setting from 0.25 to 3 h a day in 0.05 steps, in path order and with `--any-order`, on
//! weekdays alone and with double hours at weekends (`cargo bench --bench plan -- sweep`).
//! `generated-12` adds five generated 12-section paths at four settings of weekday and weekend
//! hours, `generated-wide` ten more at three settings between those, and `replan-slip` the
//! replans after the scripted slip (only the replan timed). Each run gets the CLI's default
//! time limit unless `STUDYPLAN_BENCH_TIME_LIMIT` gives one (seconds, passed as
//! `--time-limit`); runs longer than `STUDYPLAN_BENCH_TIMEOUT` seconds (default 900) are killed
//! and reported.
//!
//! Every timed run logs its levels (`STUDYPLAN_LOG=1`: a line or two on stderr); the log of a
//! run that failed or was not proven optimal is kept in `target/tmp/bench-logs/<case>.log` and
//! named in the table's note (a proven run removes its case's old log), so that a run that did
//! not prove its plan can be read afterwards
//! (session 33 met one such run it could not explain, and no log was left of it).

use std::fmt::Write as _;
use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_studyplan");

struct Case {
    name: String,
    /// Path file or bundled id.
    path: String,
    items: usize,
    hours: String,
    /// More flags, such as `--any-order`.
    extra: Vec<String>,
    /// Where the case is a replan after a slip: the plan is made first (not timed), the slip
    /// recorded, and `replan` timed.
    slip: Option<Slip>,
}

/// The scripted slip (session 13): a plan from 2026-12-01, week 1 done except its last two
/// items, week 2 missed, `replan --from 2026-12-14`. Which items count as week 1's:
#[derive(Clone, Copy)]
enum Slip {
    /// Every item with a session in week 1 (session 13's script).
    Started,
    /// Only the items whose sessions all lie in week 1: an item started in week 1 and not
    /// finished there stays open (at 0.5 h a day, one more than `Started` leaves).
    Finished,
}

impl Case {
    /// A plan of the bundled 12-week path (184 items) at `hours` a day, with `extra` flags.
    fn bundled(name: String, hours: &str, extra: Vec<String>) -> Case {
        Case {
            name,
            path: "backend-engineer".into(),
            items: 184,
            hours: hours.into(),
            extra,
            slip: None,
        }
    }
}

struct Outcome {
    wall: Duration,
    exit: Option<i32>,
    peak_kb: i64,
    summary: Option<serde_json::Value>,
    late_sessions: usize,
    note: String,
}

/// A small deterministic generator (SplitMix64), so the generated path is the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// A one-year path: 52 sections with one-week windows, 2,000 items in all, about half
/// required, a third optional and the rest reference, 5 to 45 minutes each (multiples of 5).
fn generated_path(items: usize) -> String {
    let mut rng = Rng(20_261_201);
    let mut y = String::from(
        "id: generated-year\ntitle: Generated One-Year Path\nsummary: 52 weekly sections, seeded\nsections:\n",
    );
    let sections = 52;
    for s in 0..sections {
        let n = items / sections + usize::from(s < items % sections);
        let _ = writeln!(
            y,
            "  - id: week-{:02}\n    title: Week {}\n    weeks: {}\n    items:",
            s + 1,
            s + 1,
            s + 1
        );
        for i in 0..n {
            let roll = rng.range(0, 99);
            let (kind, minutes) = match roll {
                0..=49 => ("required", 5 * rng.range(2, 9)),
                50..=84 => ("optional", 5 * rng.range(2, 8)),
                _ => ("reference", 5 * rng.range(1, 3)),
            };
            let _ = writeln!(
                y,
                "      - id: item-{i:02}\n        title: Topic {} of week {}\n        kind: {kind}\n        minutes: {minutes}",
                i + 1,
                s + 1
            );
        }
    }
    y
}

/// A path like the bundled one (issue 11's generated paths): 12 sections of 8 to 20 items of
/// 5 to 60 minutes (multiples of 5), kinds about 6:4:1 required, optional, reference, and
/// overlapping windows: section `s` starts in week `s + 1` and lasts one to three weeks.
fn generated_twelve(seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut y = format!(
        "id: generated-12-{seed}\ntitle: Generated Path {seed}\nsummary: 12 sections, seeded\nsections:\n"
    );
    for s in 1..=12 {
        let last = s + rng.range(0, 2);
        let weeks = if last == s {
            s.to_string()
        } else {
            format!("{s}-{last}")
        };
        let _ = writeln!(
            y,
            "  - id: section-{s:02}\n    title: Section {s}\n    weeks: {weeks}\n    items:"
        );
        for i in 1..=rng.range(8, 20) {
            let kind = match rng.range(0, 10) {
                0..=5 => "required",
                6..=9 => "optional",
                _ => "reference",
            };
            let minutes = 5 * rng.range(1, 12);
            let _ = writeln!(
                y,
                "      - id: item-{i:02}\n        title: Topic {i} of section {s}\n        kind: {kind}\n        minutes: {minutes}"
            );
        }
    }
    y
}

/// Five generated 12-section paths at the weekday and weekend hours issue 11 names (0.35 to
/// 1 h on weekdays, 0.5 to 2 h at weekends): `generated-12`.
fn generated_twelves(dir: &Path) -> Vec<Case> {
    let settings = [("0.35", "0.5"), ("0.5", "1"), ("0.75", "1.5"), ("1", "2")];
    generated_cases(dir, "generated-12", 1..=5, &settings)
}

/// Ten more generated 12-section paths (seeds 101 to 110) at hours between those of
/// [`generated_twelves`]: `generated-wide`. A check on paths its five were not tuned on.
fn generated_wide(dir: &Path) -> Vec<Case> {
    let settings = [("0.4", "0.8"), ("0.6", "1.2"), ("0.75", "1")];
    generated_cases(dir, "generated-wide", 101..=110, &settings)
}

/// The generated paths of `seeds`, each at every (weekday, weekend) hours of `settings`.
fn generated_cases(
    dir: &Path,
    name: &str,
    seeds: std::ops::RangeInclusive<u64>,
    settings: &[(&str, &str)],
) -> Vec<Case> {
    let mut cases = Vec::new();
    for seed in seeds {
        let file = dir.join(format!("generated-12-{seed}.yaml"));
        std::fs::write(&file, generated_twelve(seed)).expect("write a generated path");
        let items = generated_twelve(seed).matches("kind:").count();
        for (weekday, weekend) in settings {
            cases.push(Case {
                name: format!("{name}-{seed}@{weekday}h+{weekend}h"),
                path: file.display().to_string(),
                items,
                hours: (*weekday).into(),
                extra: vec!["--weekend-hours".into(), (*weekend).into()],
                slip: None,
            });
        }
    }
    cases
}

#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped with libc::wait4, which also reports its peak memory"
)]
fn run(case: &Case, dir: &Path, time_limit: Option<&str>, timeout: Duration) -> Outcome {
    let out_file = dir.join(format!("{}.json", case.name));
    let err_file = dir.join(format!("{}.err", case.name));
    let state = dir.join(format!("{}.state.yaml", case.name));
    let mut command = Command::new(BIN);
    command
        .args([
            "plan",
            &case.path,
            "--start",
            "2026-12-01",
            "--hours",
            &case.hours,
        ])
        .args(&case.extra)
        .args([
            "--tz",
            "UTC",
            "--now",
            "2026-11-21T12:00:00Z",
            "--format",
            "json",
        ])
        .args(["--no-ics", "--state"])
        .arg(&state);
    if let Some(slip) = case.slip {
        // The plan to slip from, then the slip; only the replan is timed.
        let planned = command
            .current_dir(dir)
            .env_remove("STUDYPLAN_STATE")
            .stdin(Stdio::null())
            .output()
            .expect("run studyplan plan");
        assert!(planned.status.success(), "plan for {} failed", case.name);
        for item in slipped(&planned.stdout, slip) {
            let done = Command::new(BIN)
                .args(["done", &item, "--now", "2026-12-07T21:00:00Z", "--state"])
                .arg(&state)
                .current_dir(dir)
                .env_remove("STUDYPLAN_STATE")
                .stdin(Stdio::null())
                .output()
                .expect("run studyplan done");
            assert!(
                done.status.success(),
                "done {item} for {} failed",
                case.name
            );
        }
        command = Command::new(BIN);
        command
            .args(["replan", "--from", "2026-12-14"])
            .args(["--now", "2026-12-14T07:00:00Z", "--format", "json"])
            .args(["--no-ics", "--state"])
            .arg(&state);
    }
    if let Some(t) = time_limit {
        command.args(["--time-limit", t]);
    }
    let mut child = command
        .current_dir(dir)
        .env_remove("STUDYPLAN_STATE")
        .env_remove("STUDYPLAN_DEBUG")
        .env("STUDYPLAN_LOG", "1")
        .stdin(Stdio::null())
        .stdout(File::create(&out_file).expect("stdout file"))
        .stderr(File::create(&err_file).expect("stderr file"))
        .spawn()
        .expect("spawn studyplan");
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let mut status = 0;
    // SAFETY: rusage is plain old data; zeroed is a valid value for it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut killed = false;
    loop {
        // SAFETY: `pid` is our own child, not yet reaped; `status` and `usage` are valid.
        let r = unsafe { libc::wait4(pid, &raw mut status, libc::WNOHANG, &raw mut usage) };
        if r == pid {
            break;
        }
        assert!(r == 0, "wait4 failed: {}", std::io::Error::last_os_error());
        if !killed && start.elapsed() > timeout {
            let _ = child.kill();
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let wall = start.elapsed();
    let exit = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let text = std::fs::read_to_string(&out_file).unwrap_or_default();
    let doc: Option<serde_json::Value> = serde_json::from_str(&text).ok();
    let stderr = std::fs::read_to_string(&err_file).unwrap_or_default();
    let mut note = String::new();
    if killed {
        note = format!("killed after {} s", timeout.as_secs());
    } else if exit != Some(0) {
        note = stderr.lines().last().unwrap_or("").to_string();
    } else if stderr.contains("time limit") {
        note = "time limit hit".to_string();
    }
    // How far an unproven plan may be from the best, at its first level not proven.
    if let Some(gap) = doc.as_ref().and_then(|d| d["summary"]["gap"].as_f64()) {
        let _ = write!(note, ", gap {:.1} %", gap * 100.0);
    }
    let proven = doc
        .as_ref()
        .and_then(|d| d["summary"]["optimal"].as_bool())
        .unwrap_or(false);
    if proven {
        // A log left by an earlier run of this case that was not proven no longer says
        // anything about it.
        let _ = std::fs::remove_file(log_file(&case.name));
    } else {
        let kept = keep_log(&case.name, &stderr);
        let _ = write!(
            note,
            "{}log: {kept}",
            if note.is_empty() { "" } else { "; " }
        );
    }
    Outcome {
        wall,
        exit,
        peak_kb: usage.ru_maxrss,
        late_sessions: doc
            .as_ref()
            .and_then(|d| d["sessions"].as_array())
            .map_or(0, |s| s.iter().filter(|s| s["late"] == true).count()),
        summary: doc.map(|d| d["summary"].clone()),
        note,
    }
}

/// Keeps the stderr of a run that was not proven (or failed) where it outlives the bench's
/// temporary folder, and says where (or why it could not).
fn keep_log(case: &str, stderr: &str) -> String {
    let file = log_file(case);
    let written = file
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&file, stderr));
    match written {
        Ok(()) => file.display().to_string(),
        Err(e) => format!("not kept ({e})"),
    }
}

/// Where [`keep_log`] keeps the log of `case`.
fn log_file(case: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("bench-logs")
        .join(format!("{case}.log"))
}

/// The items marked done by `slip` in a plan (its JSON): week 1's (2026-12-01 to 07, as
/// `slip` counts them), in plan order, but the last two.
fn slipped(plan: &[u8], slip: Slip) -> Vec<String> {
    let plan: serde_json::Value = serde_json::from_slice(plan).expect("the plan's JSON");
    let sessions = plan["sessions"].as_array().expect("sessions");
    let in_week_one = |s: &serde_json::Value| s["date"].as_str().is_some_and(|d| d <= "2026-12-07");
    let mut items: Vec<String> = Vec::new();
    for s in sessions.iter().filter(|s| in_week_one(s)) {
        let item = s["item"].as_str().expect("item").to_string();
        if !items.contains(&item) {
            items.push(item);
        }
    }
    if let Slip::Finished = slip {
        items.retain(|i| {
            sessions
                .iter()
                .filter(|s| s["item"].as_str() == Some(i.as_str()))
                .all(in_week_one)
        });
    }
    items.truncate(items.len().saturating_sub(2));
    items
}

/// The bundled path replanned after the scripted slip ([`Slip`]) at 0.5, 0.75 and 1 h a day.
fn slipped_replans() -> Vec<Case> {
    let mut cases = Vec::new();
    for (slip, name) in [(Slip::Started, "started"), (Slip::Finished, "finished")] {
        for hours in ["0.5", "0.75", "1"] {
            cases.push(Case {
                slip: Some(slip),
                ..Case::bundled(format!("replan-slip-{name}@{hours}h"), hours, Vec::new())
            });
        }
    }
    cases
}

/// The bundled path at 0.25 to 3 h a day in 0.05 steps: in path order and with `--any-order`,
/// with the same hours every day and with double hours at weekends.
fn sweep() -> Vec<Case> {
    let mut cases = Vec::new();
    for any_order in [false, true] {
        for weekend in [false, true] {
            for step in 5..=60 {
                let hours = format!("{:.2}", f64::from(step) * 0.05);
                let mut extra = Vec::new();
                let mut name = format!(
                    "sweep{}{}@{hours}h",
                    if weekend { "-weekend" } else { "" },
                    if any_order { "-any-order" } else { "" }
                );
                if weekend {
                    extra.extend([
                        "--weekend-hours".to_string(),
                        format!("{:.2}", f64::from(step) * 0.1),
                    ]);
                }
                if any_order {
                    extra.push("--any-order".to_string());
                }
                name = name.replace(".00h", "h");
                cases.push(Case::bundled(name, &hours, extra));
            }
        }
    }
    cases
}

fn main() {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let timeout = Duration::from_secs(
        std::env::var("STUDYPLAN_BENCH_TIMEOUT")
            .ok()
            .and_then(|t| t.parse().ok())
            .unwrap_or(900),
    );
    let time_limit = std::env::var("STUDYPLAN_BENCH_TIME_LIMIT").ok();
    let dir = tempfile::tempdir().expect("temporary directory");
    let generated = dir.path().join("generated-year.yaml");
    std::fs::write(&generated, generated_path(2000)).expect("write the generated path");

    let mut cases = Vec::new();
    for hours in ["2", "1", "0.75", "0.5", "0.25"] {
        cases.push(Case::bundled(
            format!("backend-engineer@{hours}h"),
            hours,
            Vec::new(),
        ));
    }
    for hours in ["1.5", "1"] {
        cases.push(Case {
            name: format!("generated-year@{hours}h"),
            path: generated.display().to_string(),
            items: 2000,
            hours: hours.into(),
            extra: Vec::new(),
            slip: None,
        });
    }
    // Sessions of at most 30 minutes: items of 35 minutes and more are split in parts.
    for hours in ["2", "1", "0.75"] {
        cases.push(Case::bundled(
            format!("max-session-30@{hours}h"),
            hours,
            vec!["--max-session".into(), "30".into()],
        ));
    }
    if filters.iter().any(|f| f.contains("sweep")) {
        cases.extend(sweep());
    }
    if filters.iter().any(|f| f.contains("generated-12")) {
        cases.extend(generated_twelves(dir.path()));
    }
    if filters.iter().any(|f| f.contains("generated-wide")) {
        cases.extend(generated_wide(dir.path()));
    }
    if filters.iter().any(|f| f.contains("replan-slip")) {
        cases.extend(slipped_replans());
    }
    cases.retain(|c| filters.is_empty() || filters.iter().any(|f| c.name.contains(f.as_str())));

    let cpus = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    println!("studyplan plan, end to end ({BIN})");
    println!(
        "{cpus} CPUs; time limit: {}\n",
        time_limit
            .as_deref()
            .map_or("the CLI's default".to_string(), |t| format!("{t} s"))
    );
    println!(
        "| case | items | h/day | wall (s) | optimal | required in window (min) | late (min) | late min × days | optional (min) | reference (min) | peak RSS (MiB) | note |"
    );
    println!("|---|---:|---:|---:|:---:|---:|---:|---:|---:|---:|---:|---|");
    for case in &cases {
        let o = run(case, dir.path(), time_limit.as_deref(), timeout);
        let s = o.summary.as_ref();
        let n = |k: &str| {
            s.and_then(|s| s[k].as_u64())
                .map_or("–".to_string(), |v| v.to_string())
        };
        let frac = |a: &str, b: &str| format!("{} / {}", n(a), n(b));
        let optimal = match s.and_then(|s| s["optimal"].as_bool()) {
            Some(true) => "yes",
            Some(false) => "no",
            None => "–",
        };
        let mut note = o.note.clone();
        if o.exit.is_some_and(|c| c != 0) {
            note = format!("exit {}: {note}", o.exit.unwrap_or(-1));
        }
        if o.late_sessions > 0 {
            note = format!(
                "{} late sessions{}{note}",
                o.late_sessions,
                if note.is_empty() { "" } else { "; " }
            );
        }
        println!(
            "| {} | {} | {} | {:.2} | {optimal} | {} | {} | {} | {} | {} | {:.0} | {note} |",
            case.name,
            case.items,
            case.hours,
            o.wall.as_secs_f64(),
            frac("required_in_window_minutes", "required_minutes"),
            n("required_late_minutes"),
            n("late_minute_days"),
            frac("optional_scheduled_minutes", "optional_minutes"),
            frac("reference_scheduled_minutes", "reference_minutes"),
            o.peak_kb as f64 / 1024.0,
        );
    }
}
