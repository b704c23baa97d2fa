//! The terminal view (`--format table`, the default): a week summary, a day-by-day agenda and a
//! short footer with totals, unscheduled items and overloaded windows.
//!
//! Tables are drawn with `comfy-table` at a fixed width (80 unless the caller passes one) and
//! never ask the terminal for its size, so the same plan always prints the same text — which is
//! what snapshot tests and `studyplan show | less` both want. Colour (late in red, done dimmed) is
//! added only when [`TableOptions::color`] is set; otherwise the output holds no ANSI codes.

use super::{
    date_span, day_label, late_count, quality, session_title, sessions_in_week, short_date,
    time_span, week_stats, TableOptions,
};
use crate::plan::{Plan, Session};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{
    modifiers::UTF8_ROUND_CORNERS, Attribute, Cell, CellAlignment, Color, ContentArrangement, Table,
};
use std::io::{self, Write};

/// Width used when the caller does not pass one: deterministic, and fits a classic terminal.
pub const DEFAULT_WIDTH: u16 = 80;

/// Narrower requests are raised to this: below it the columns wrap into unreadable slivers.
pub const MIN_WIDTH: u16 = 40;

/// Writes the week summary, the agenda and the footer, [`DEFAULT_WIDTH`] columns wide unless
/// `opts.width` says otherwise (never narrower than [`MIN_WIDTH`]).
///
/// # Errors
///
/// Fails only when writing to `out` fails.
pub fn write_table(plan: &Plan, opts: &TableOptions, out: &mut dyn Write) -> io::Result<()> {
    let width = opts.width.unwrap_or(DEFAULT_WIDTH).max(MIN_WIDTH);

    writeln!(out, "{}", plan.path.title)?;
    if let Some(w) = opts.week {
        let (first, last) = super::week_range(plan, w);
        writeln!(
            out,
            "Week {w} of {}: {} · {}",
            plan.weeks(),
            date_span(first, last),
            plan.timezone
        )?;
    } else {
        let last = plan.capacity.last().map_or(plan.start, |d| d.date);
        let weeks = plan.weeks();
        writeln!(
            out,
            "{} to {} · {weeks} week{} · {}",
            plan.start.format("%a %Y-%m-%d"),
            last.format("%a %Y-%m-%d"),
            if weeks == 1 { "" } else { "s" },
            plan.timezone
        )?;
    }
    writeln!(out)?;

    writeln!(out, "{}", week_table(plan, opts, width))?;
    writeln!(out)?;

    if sessions_in_week(plan, opts.week).next().is_none() {
        match opts.week {
            Some(w) => writeln!(out, "No sessions in week {w}.")?,
            None => writeln!(out, "No sessions.")?,
        }
    } else {
        writeln!(out, "{}", agenda_table(plan, opts, width))?;
    }
    writeln!(out)?;

    write_footer(plan, opts, width, out)
}

fn new_table(opts: &TableOptions, width: u16) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .apply_modifier(UTF8_ROUND_CORNERS)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    if opts.color {
        t.enforce_styling();
    } else {
        // Never look at the terminal: no size probing, no styling.
        t.force_no_tty();
    }
    t
}

fn align_right(t: &mut Table, columns: &[usize]) {
    for &i in columns {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
}

fn week_table(plan: &Plan, opts: &TableOptions, width: u16) -> Table {
    let mut t = new_table(opts, width);
    t.set_header(vec![
        "Week",
        "Dates",
        "Sections",
        "Req\nmin",
        "Opt\nmin",
        "Avail\nmin",
        "Load",
    ]);
    for w in week_stats(plan, opts.week) {
        let sections: Vec<&str> = w.sections.iter().map(|s| s.title.as_str()).collect();
        t.add_row(vec![
            w.week.to_string(),
            date_span(w.first, w.last),
            sections.join("\n"),
            w.required.to_string(),
            w.extra.to_string(),
            w.available.to_string(),
            w.utilisation()
                .map_or_else(|| "–".to_string(), |p| format!("{p}%")),
        ]);
    }
    align_right(&mut t, &[0, 3, 4, 5, 6]);
    t
}

fn agenda_table(plan: &Plan, opts: &TableOptions, width: u16) -> Table {
    let mut t = new_table(opts, width);
    t.set_header(vec!["Date", "Time", "Item", "Kind", "Min", "Note"]);
    let mut last_date = None;
    for s in sessions_in_week(plan, opts.week) {
        let date = if last_date == Some(s.date) {
            String::new()
        } else {
            day_label(s.date)
        };
        last_date = Some(s.date);
        t.add_row(agenda_row(s, date, opts.color));
    }
    align_right(&mut t, &[4]);
    t
}

fn agenda_row(s: &Session, date: String, color: bool) -> Vec<Cell> {
    let note = match (s.done, s.late) {
        (true, true) => "done, late",
        (true, false) => "done",
        (false, true) => "late",
        (false, false) => "",
    };
    let cells = vec![
        Cell::new(date),
        Cell::new(time_span(s)),
        Cell::new(session_title(s)),
        Cell::new(s.kind.label()),
        Cell::new(s.minutes),
        Cell::new(note),
    ];
    if !color {
        return cells;
    }
    cells
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let c = if s.late && (i == 2 || i == 5) {
                c.fg(Color::Red)
            } else {
                c
            };
            if s.done {
                c.add_attribute(Attribute::Dim)
            } else {
                c
            }
        })
        .collect()
}

fn write_footer(
    plan: &Plan,
    opts: &TableOptions,
    width: u16,
    out: &mut dyn Write,
) -> io::Result<()> {
    let s = &plan.summary;
    let late = late_count(plan);
    write!(
        out,
        "Required:  {} of {} min in window",
        s.required_in_window_minutes, s.required_minutes
    )?;
    if s.required_late_minutes > 0 || late > 0 {
        write!(
            out,
            ", {} min late ({late} session{})",
            s.required_late_minutes,
            if late == 1 { "" } else { "s" }
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Optional:  {} of {} min scheduled; reference: {} of {} min",
        s.optional_scheduled_minutes,
        s.optional_minutes,
        s.reference_scheduled_minutes,
        s.reference_minutes
    )?;
    writeln!(out, "Plan:      {}", quality(plan))?;

    if !plan.unscheduled.is_empty() {
        writeln!(out)?;
        writeln!(out, "Unscheduled ({}):", plan.unscheduled.len())?;
        let mut t = new_table(opts, width);
        t.set_header(vec!["Item", "Kind", "Min", "Reason"]);
        for u in &plan.unscheduled {
            t.add_row(vec![
                u.title.clone(),
                u.kind.label().to_string(),
                u.minutes.to_string(),
                u.reason.clone(),
            ]);
        }
        align_right(&mut t, &[2]);
        writeln!(out, "{t}")?;
    }

    if !plan.overloaded.is_empty() {
        writeln!(out)?;
        writeln!(out, "Overloaded windows (required work that does not fit):")?;
        for o in &plan.overloaded {
            let title = plan
                .section(&o.section)
                .map_or(o.section.as_str(), |sec| sec.title.as_str());
            writeln!(
                out,
                "  - {title}, {}–{}: {} min late; {}",
                short_date(o.window_start),
                short_date(o.window_end),
                o.late_minutes,
                super::overload_need(o)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample_plan;

    fn render(opts: &TableOptions) -> String {
        let mut out = Vec::new();
        write_table(&sample_plan(), opts, &mut out).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    fn width_of(line: &str) -> usize {
        line.chars().count()
    }

    #[test]
    fn fits_80_columns_without_ansi_codes() {
        let text = render(&TableOptions::default());
        for line in text.lines() {
            assert!(width_of(line) <= 80, "{} > 80: {line}", width_of(line));
        }
        assert!(
            !text.contains('\u{1b}'),
            "no ANSI escape codes without --color"
        );
    }

    #[test]
    fn week_summary_and_agenda_content() {
        let text = render(&TableOptions::default());
        assert!(text.contains("Mar 22–Mar 28"));
        assert!(text.contains("Mar 29–Apr 04"));
        assert!(text.contains("Database Fundamentals"));
        assert!(text.contains("Mon Mar 22"));
        assert!(text.contains("19:00–19:30"));
        assert!(text.contains("(2/3)"), "split parts are numbered");
        assert!(text.contains("late"));
        assert!(text.contains("done"));
        assert!(text.contains("Café Indexing 🚀"));
        // The day of the split part's second session is printed once.
        assert_eq!(text.matches("Mon Mar 29").count(), 1);
    }

    #[test]
    fn footer_lists_totals_unscheduled_and_overloads() {
        let text = render(&TableOptions::default());
        assert!(text.contains("Required:  195 of 245 min in window, 50 min late (1 session)"));
        assert!(text.contains("Optional:  25 of 50 min scheduled; reference: 20 of 20 min"));
        assert!(
            text.contains("Plan:      best found (required minutes proven; late work gap 1.2%)")
        );
        assert!(text.contains("Unscheduled (1):"));
        assert!(text.contains("Deep Dive | Internals"));
        assert!(text.contains("no room inside its window"));
        assert!(text.contains(
            "Database Fundamentals, Mar 22–Mar 28: 50 min late; needs at least 1.75 h/day"
        ));
    }

    #[test]
    fn week_filter_shows_one_week() {
        let text = render(&TableOptions {
            week: Some(1),
            ..TableOptions::default()
        });
        assert!(text.contains("Week 1 of 2: Mar 22–Mar 28"));
        assert!(text.contains("Storage Engines"));
        assert!(!text.contains("Replication"));
        assert!(!text.contains("Mar 29–Apr 04"));
        let empty = render(&TableOptions {
            week: Some(9),
            ..TableOptions::default()
        });
        assert!(empty.contains("No sessions in week 9."));
    }

    #[test]
    fn narrow_widths_do_not_panic() {
        let at = |width| {
            render(&TableOptions {
                width: Some(width),
                ..TableOptions::default()
            })
        };
        let min = at(MIN_WIDTH);
        assert!(min.contains("Required:"));
        for width in [0, 1, 10, 30] {
            assert_eq!(at(width), min, "width {width} is raised to the minimum");
        }
    }

    #[test]
    fn colour_only_when_asked() {
        let text = render(&TableOptions {
            color: true,
            ..TableOptions::default()
        });
        assert!(text.contains('\u{1b}'), "ANSI codes with colour on");
    }

    #[test]
    fn custom_width_and_determinism() {
        let opts = TableOptions {
            width: Some(120),
            ..TableOptions::default()
        };
        let text = render(&opts);
        assert!(text.lines().all(|l| width_of(l) <= 120));
        assert_eq!(text, render(&opts));
    }
}
