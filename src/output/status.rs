//! The `status` table for people; the figures themselves are [`crate::progress::status`].

use crate::progress::status::{Row, Status};
use std::io::{self, Write};

/// Cells of a progress bar.
const BAR_CELLS: usize = 10;

/// A text progress bar such as `████████░░  80%`: filled cells rounded down, so a full bar
/// means finished. Colour (green done, dim rest) only when asked for.
pub fn bar(percent: Option<u32>, color: bool) -> String {
    let Some(p) = percent else {
        return format!("{:>width$}", "–", width = BAR_CELLS + 5);
    };
    let filled = (p as usize * BAR_CELLS / 100).min(BAR_CELLS);
    let (done, rest) = ("█".repeat(filled), "░".repeat(BAR_CELLS - filled));
    if color {
        format!("\x1b[32m{done}\x1b[2m{rest}\x1b[0m {p:>3}%")
    } else {
        format!("{done}{rest} {p:>3}%")
    }
}

/// Plain-text rendering: a table of sections and kinds with progress bars, then the outlook.
pub fn write_table(s: &Status, color: bool, w: &mut dyn Write) -> io::Result<()> {
    let width = s
        .sections
        .iter()
        .chain(&s.kinds)
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    let header = |w: &mut dyn Write, first: &str| {
        writeln!(
            w,
            "  {first:<width$} {:>6} {:>6} {:>7} {:>9}  progress",
            "min", "done", "skipped", "remaining"
        )
    };
    let line = |w: &mut dyn Write, r: &Row| {
        writeln!(
            w,
            "  {:<width$} {:>6} {:>6} {:>7} {:>9}  {}",
            r.name,
            r.total_minutes,
            r.done_minutes,
            r.skipped_minutes,
            r.remaining_minutes,
            bar(r.percent_done, color)
        )
    };
    writeln!(w, "Status on {}", s.today)?;
    header(w, "section")?;
    for r in &s.sections {
        line(w, r)?;
    }
    writeln!(w)?;
    header(w, "kind")?;
    for r in &s.kinds {
        line(w, r)?;
    }
    line(w, &s.total)?;
    writeln!(w)?;
    let h = s.ahead_hours;
    if h >= 0.0 {
        writeln!(
            w,
            "Schedule:  {h:.2} h ahead ({} min done, {} min planned before today)",
            s.done_minutes, s.planned_until_today_minutes
        )?;
    } else {
        writeln!(
            w,
            "Schedule:  {:.2} h behind ({} min done, {} min planned before today)",
            -h, s.done_minutes, s.planned_until_today_minutes
        )?;
    }
    match s.projected_finish {
        Some(d) => writeln!(w, "Finish:    {d} at the current hours")?,
        None => writeln!(w, "Finish:    nothing planned is left")?,
    }
    match (&s.needed.hours, s.needed.reasons.first()) {
        (Some(h), _) => writeln!(
            w,
            "Needed:    at least {} for the required work to fit its windows ({})",
            h.text, h.flags
        )?,
        (None, Some(why)) => writeln!(w, "Needed:    no hours are enough: {why}")?,
        (None, None) => {}
    }
    if s.overdue_minutes > 0 {
        writeln!(
            w,
            "Overdue:   {} required min are past their windows (late at any hours)",
            s.overdue_minutes
        )?;
    }
    if let Some(p) = s.pace {
        writeln!(
            w,
            "Pace:      {p:.2}× the estimates (actual ÷ estimated minutes)"
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_by_whole_cells_and_only_a_finished_row_is_full() {
        assert_eq!(bar(Some(80), false), "████████░░  80%");
        assert_eq!(bar(Some(0), false), "░░░░░░░░░░   0%");
        assert_eq!(bar(Some(100), false), "██████████ 100%");
        assert_eq!(bar(Some(99), false), "█████████░  99%");
        assert_eq!(bar(None, false).chars().count(), BAR_CELLS + 5);
        assert_eq!(
            bar(Some(50), true),
            "\u{1b}[32m█████\u{1b}[2m░░░░░\u{1b}[0m  50%"
        );
    }
}
