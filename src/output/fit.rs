//! The what-if answer (`plan --fit`) for people; the answer itself is [`crate::whatif`].

use crate::need::Needed;
use crate::whatif::WhatIf;
use chrono::NaiveDate;
use std::io::{self, Write};

/// Writes the what-if answer for people.
///
/// # Errors
///
/// Fails only when writing to `out` fails.
pub fn write_text(w: &WhatIf, out: &mut dyn Write) -> io::Result<()> {
    let day = |d: NaiveDate| d.format("%a %Y-%m-%d").to_string();
    let g = &w.at_given_hours;
    writeln!(
        out,
        "What-if: {}, from {}",
        w.path.title,
        w.start.format("%a %Y-%m-%d")
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "At your hours ({}{}):",
        g.hours.text,
        if g.within_windows {
            ", within your study windows"
        } else {
            ""
        }
    )?;
    if g.required_late_minutes == 0 {
        writeln!(
            out,
            "  required work in its windows: all {} min",
            g.required_minutes
        )?;
    } else {
        writeln!(
            out,
            "  required work in its windows: {} of {} min ({} min late)",
            g.required_in_window_minutes, g.required_minutes, g.required_late_minutes
        )?;
    }
    let until = g
        .last_window_end
        .map(|e| format!("; the last window ends {}", day(e)))
        .unwrap_or_default();
    match g.required_finish {
        Some(f) => writeln!(out, "  required work finishes:      {}{until}", day(f))?,
        None => writeln!(out, "  required work finishes:      (no required work)")?,
    }
    match g.all_finish {
        Some(f) => writeln!(out, "  all planned work finishes:   {}", day(f))?,
        None => writeln!(out, "  all planned work finishes:   (nothing planned)")?,
    }
    if g.left_out_items > 0 {
        writeln!(
            out,
            "  left out: {} optional or reference item{} ({} min) that {} not fit {} window{}",
            g.left_out_items,
            if g.left_out_items == 1 { "" } else { "s" },
            g.left_out_minutes,
            if g.left_out_items == 1 { "does" } else { "do" },
            if g.left_out_items == 1 {
                "its"
            } else {
                "their"
            },
            if g.left_out_items == 1 { "" } else { "s" },
        )?;
    }
    if !g.optimal {
        writeln!(
            out,
            "  (the plan at your hours hit the time limit; dates are from the best plan found)"
        )?;
    }
    writeln!(out)?;
    let heading = if g.within_windows {
        "Every required item fits its window, within your study windows, with at least"
    } else {
        "Every required item fits its window with at least"
    };
    write_needed(out, heading, &w.fit, "")?;
    if !w.windows.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Windows with late work at your hours, and what the work due by each window's end needs:"
        )?;
        for x in &w.windows {
            let what = match (&x.needed.hours, x.needed.possible) {
                (Some(h), _) => h.text.clone(),
                (None, true) => "any hours".to_string(),
                (None, false) => "no hours are enough".to_string(),
            };
            writeln!(
                out,
                "  {} ({} – {}), {} min late: {what}",
                x.section,
                x.window_start.format("%b %d"),
                x.window_end.format("%b %d"),
                x.late_minutes
            )?;
            if let Some(by) = &x.crowded_by {
                writeln!(
                    out,
                    "    its own work fits at your hours, but later work takes its days: this is \
                     what the work due by the end of {by} needs"
                )?;
            }
            if x.fits_at_given_hours {
                writeln!(
                    out,
                    "    fits at your hours: the plan at your hours hit its time limit before it \
                     found that (raise --time-limit)"
                )?;
            }
            if !x.needed.possible {
                for r in &x.needed.reasons {
                    writeln!(out, "    - {r}")?;
                }
            }
            if !x.needed.proven {
                writeln!(
                    out,
                    "    (time limit hit in the search; fewer hours might do)"
                )?;
            }
        }
    }
    Ok(())
}

fn write_needed(out: &mut dyn Write, lead: &str, n: &Needed, indent: &str) -> io::Result<()> {
    match (&n.hours, n.possible) {
        (Some(h), _) => {
            writeln!(out, "{lead}: {}", h.text)?;
            writeln!(out, "{indent}  plan flags: {}", h.flags)?;
        }
        (None, true) => writeln!(out, "{lead}: any hours ({})", n.reasons.join("; "))?,
        (None, false) => {
            writeln!(out, "{indent}No hours per day are enough:")?;
            for r in &n.reasons {
                writeln!(out, "{indent}  - {r}")?;
            }
        }
    }
    if !n.proven {
        writeln!(
            out,
            "{indent}  (some solves hit the time limit, so fewer hours might do; raise --time-limit)"
        )?;
    }
    Ok(())
}
