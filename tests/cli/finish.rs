//! The finish: `paths`, shell completions and man pages generated from the clap definitions,
//! `--help` with examples for every command, and no spinner when stderr is not a terminal.

use crate::util::Sandbox;

/// Every subcommand, from `studyplan --help` (so a new one cannot go without examples).
fn subcommands(sb: &Sandbox) -> Vec<String> {
    let help = sb.cmd(["--help"]).ok().stdout;
    let mut out = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if line.starts_with("Commands:") {
            inside = true;
            continue;
        }
        if inside {
            if line.trim().is_empty() || !line.starts_with("  ") {
                break;
            }
            let name = line.split_whitespace().next().unwrap_or_default();
            if name != "help" {
                out.push(name.to_string());
            }
        }
    }
    assert!(out.len() >= 14, "too few commands in --help: {out:?}");
    out
}

#[test]
fn every_command_has_examples_in_its_help() {
    let sb = Sandbox::new();
    let top = sb.cmd(["--help"]).ok();
    assert!(top.stdout.contains("Examples:"), "{}", top.stdout);
    for name in subcommands(&sb) {
        let run = sb.cmd([name.as_str(), "--help"]).ok();
        assert!(
            run.stdout.contains("Example"),
            "`studyplan {name} --help` has no examples:\n{}",
            run.stdout
        );
        assert!(
            run.stdout.contains(&format!("studyplan {name}")),
            "the examples of {name} do not show {name}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn paths_lists_the_bundled_paths() {
    let sb = Sandbox::new();
    let table = sb.cmd(["paths"]).ok();
    for needle in [
        "backend-engineer",
        "backend-beginner-to-advanced",
        "184",
        "42.1",
    ] {
        assert!(
            table.stdout.contains(needle),
            "lacks {needle}:\n{}",
            table.stdout
        );
    }
    let doc = sb.cmd(["paths", "--format", "json"]).ok().json();
    let list = doc.as_array().expect("a JSON array");
    let be = list
        .iter()
        .find(|p| p["id"] == "backend-engineer")
        .expect("backend-engineer is listed");
    assert_eq!(be["sections"], 12);
    assert_eq!(be["items"], 184);
    assert_eq!(be["weeks"], 12);
    assert_eq!(be["required_minutes"], 2525);
    assert_eq!(be["optional_minutes"], 1520);
    assert_eq!(be["reference_minutes"], 35);
    // Every listed id plans from any directory: it is compiled in.
    for p in list {
        let id = p["id"].as_str().unwrap();
        sb.cmd(["validate", id]).ok();
    }
}

#[test]
fn completions_for_each_shell() {
    let sb = Sandbox::new();
    for (shell, needle) in [
        ("bash", "_studyplan()"),
        ("zsh", "#compdef studyplan"),
        ("fish", "complete -c studyplan"),
        ("elvish", "studyplan"),
        ("powershell", "studyplan"),
    ] {
        let run = sb.cmd(["completions", shell]).ok();
        assert!(run.stdout.contains(needle), "{shell}: lacks {needle:?}");
        assert!(
            run.stdout.contains("replan"),
            "{shell}: lacks the replan command"
        );
    }
    sb.cmd(["completions", "tcsh"]).fails(2);
}

#[test]
fn man_pages_from_the_clap_definitions() {
    let sb = Sandbox::new();
    let page = sb.cmd(["man"]).ok().stdout;
    assert!(
        page.starts_with(".ie") || page.contains(".TH studyplan"),
        "{page}"
    );
    assert!(page.contains(".TH studyplan 1"), "{page}");
    for needle in ["plan", "replan", "import", "completions"] {
        assert!(page.contains(needle), "lacks {needle}");
    }
    // Every page the top page names exists.
    for (at, _) in page.match_indices("studyplan\\-") {
        let name = &page[at + "studyplan\\-".len()..];
        let name = &name[..name.find('(').expect("a page reference")];
        sb.cmd(["man", name]).ok();
    }
    assert!(!page.contains("studyplan\\-help"), "no page of its own");
    let plan = sb.cmd(["man", "plan"]).ok().stdout;
    assert!(plan.contains(".TH studyplan-plan 1"), "{plan}");
    assert!(plan.contains("weekend\\-hours"), "{plan}");
    // The synopsis shows --hours as required, and no --version flag the command lacks.
    assert!(plan.contains("<\\fB\\-\\-hours\\fR>"), "{plan}");
    assert!(!plan.contains("\\-\\-version"), "{plan}");
    sb.cmd(["man", "nosuch"]).fails(2).stderr_has("nosuch");
}

#[test]
fn no_spinner_when_stderr_is_not_a_terminal() {
    let sb = Sandbox::new();
    let run = sb
        .plan(
            "backend-engineer",
            &[
                "--start",
                "2026-12-01",
                "--hours",
                "1",
                "--no-ics",
                "--time-limit",
                "2",
            ],
        )
        .ok();
    assert!(!run.stderr.contains('\r'), "{:?}", run.stderr);
    assert!(!run.stderr.contains("optimizing"), "{:?}", run.stderr);
}

/// Without --tz the plan is in the system's zone, and `TZ` names it as the C library reads it
/// (`:` first allowed).
#[test]
fn the_default_zone_follows_tz() {
    let sb = Sandbox::new();
    let zone = |tz: &str| {
        sb.cmd([
            "plan",
            "backend-engineer",
            "--start",
            "2026-12-01",
            "--hours",
            "3",
        ])
        .args(["--format", "json", "--no-ics", "--now", crate::util::NOW])
        .env("TZ", tz)
        .ok()
        .json()["timezone"]
            .clone()
    };
    assert_eq!(zone("America/New_York"), "America/New_York");
    assert_eq!(zone(":Asia/Tokyo"), "Asia/Tokyo");
}
