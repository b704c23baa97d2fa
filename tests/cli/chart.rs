//! `chart`: a well-formed SVG with the weekly planned/done bars, the burndown lines, and one
//! bar per section window, parsed as XML.

use crate::util::Sandbox;

/// When the learner records the first week's work: that Friday evening.
const RECORDED: &str = "2027-01-08T20:00:00Z";

const PATH: &str = "\
id: chart-me
title: Chart Me
sections:
  - title: Alpha Basics
    weeks: 1
    items:
      - title: First
        minutes: 30
      - title: Second
        minutes: 40
  - title: Beta Practice
    weeks: 2-3
    items:
      - title: Third
        minutes: 50
      - title: Fourth
        kind: optional
        minutes: 20
  - title: Gamma Project
    items:
      - title: Fifth
        minutes: 60
";

fn planned() -> Sandbox {
    let sb = Sandbox::new();
    sb.write("chart-me.yaml", PATH);
    sb.plan(
        "chart-me.yaml",
        &["--start", "2027-01-04", "--hours", "0.5"],
    )
    .ok();
    sb.cmd([
        "done",
        "alpha-basics/first",
        "--on",
        "2027-01-04",
        "--now",
        RECORDED,
    ])
    .ok();
    sb.cmd([
        "progress",
        "alpha-basics/second",
        "--minutes",
        "15",
        "--on",
        "2027-01-06",
        "--now",
        RECORDED,
    ])
    .ok();
    sb
}

/// Every text node of the document, trimmed.
fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .collect()
}

/// Elements with this tag and this fill or stroke colour.
fn coloured(doc: &roxmltree::Document, tag: &str, colour: &str) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag))
        .filter(|n| n.attribute("fill") == Some(colour) || n.attribute("stroke") == Some(colour))
        .count()
}

#[test]
fn chart_is_svg_with_the_expected_series() {
    let sb = planned();
    sb.cmd(["chart", "--today", "2027-01-08", "-o", "out.svg"])
        .ok()
        .stdout_empty()
        .stderr_has("wrote out.svg");
    let svg = sb.read("out.svg");
    let doc = roxmltree::Document::parse(&svg).expect("the chart is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert!(root.attribute("width").is_some() && root.attribute("height").is_some());

    let texts = texts(&doc);
    for label in [
        "Chart Me",
        "Minutes per week: planned and done",
        "planned",
        "done",
        "Burndown: minutes of the plan left",
        "planned work left",
        "actual work left",
        "today",
        "Section windows and their sessions",
        "window",
        "sessions",
        "Alpha Basics",
        "Beta Practice",
        "Gamma Project",
    ] {
        assert!(
            texts.iter().any(|t| t == label),
            "no text {label:?} in {texts:?}"
        );
    }
    // Planned bars (steelblue) in weeks with sessions; one done bar (green) for week 1.
    assert!(coloured(&doc, "rect", "#4682B4") >= 2, "planned bars");
    assert!(
        coloured(&doc, "rect", "#2EA043") >= 2,
        "done bar and legend"
    );
    // Two windowed sections: two window bars, plus the legend's swatch.
    assert_eq!(coloured(&doc, "rect", "#C8D7EB"), 3, "window bars");
    // The burndown lines.
    assert!(coloured(&doc, "polyline", "#4682B4") >= 1, "planned line");
    assert!(coloured(&doc, "polyline", "#2EA043") >= 1, "actual line");
}

#[test]
fn chart_defaults_next_to_the_state_and_to_stdout() {
    let sb = planned();
    sb.cmd(["chart", "--today", "2027-01-08"])
        .ok()
        .stderr_has("chart-me.svg");
    assert!(sb.exists("chart-me.svg"));
    let run = sb.cmd(["chart", "--today", "2027-01-08", "-o", "-"]).ok();
    roxmltree::Document::parse(&run.stdout).expect("stdout is the SVG");
    assert_eq!(
        run.stdout,
        sb.read("chart-me.svg"),
        "same chart, same bytes"
    );
}

#[test]
fn chart_without_a_plan_is_an_input_error() {
    let sb = Sandbox::new();
    sb.cmd(["chart"]).fails(2).stderr_has("studyplan.yaml");
}
