//! The plan as a Markdown document (`--format md`), for a README, a wiki page or an issue.
//!
//! Layout: a title, the week summary table and totals, then one `## Week N` section per week with
//! an agenda table and the checkpoints of the windows that end that week, then the unscheduled
//! items and the overloaded windows. Text from the path file is escaped so that a `|` in a title
//! cannot break a table and `*`/`_`/`[` cannot turn into formatting; links are written only for
//! URLs that look like URIs.

use super::ics::looks_like_uri;
use super::{
    date_span, day_label, late_count, quality, sessions_in_week, short_date, time_span, week_range,
    week_stats,
};
use crate::plan::{Plan, Session};
use std::io::{self, Write};

/// Writes the Markdown document; with `week`, only that week's summary row and agenda.
///
/// # Errors
///
/// Fails only when writing to `out` fails.
pub fn write_md(plan: &Plan, week: Option<u32>, out: &mut dyn Write) -> io::Result<()> {
    write_header(plan, week, out)?;
    let weeks: Vec<u32> = match week {
        Some(w) => vec![w],
        None => (1..=plan.weeks()).collect(),
    };
    for w in weeks {
        write_week(plan, w, out)?;
    }
    write_unscheduled(plan, out)?;
    write_overloaded(plan, out)
}

/// Title, date range, the week summary table and the totals.
fn write_header(plan: &Plan, week: Option<u32>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# {}", escape(&plan.path.title))?;
    writeln!(out)?;
    let last = plan.capacity.last().map_or(plan.start, |d| d.date);
    let weeks = plan.weeks();
    writeln!(
        out,
        "Study plan from {} to {} ({} week{}, times in {}).",
        plan.start.format("%a %Y-%m-%d"),
        last.format("%a %Y-%m-%d"),
        weeks,
        if weeks == 1 { "" } else { "s" },
        escape(&plan.timezone)
    )?;
    writeln!(out)?;

    writeln!(
        out,
        "| Week | Dates | Sections | Required min | Optional/reference min | Available min | Load |"
    )?;
    writeln!(out, "|---:|---|---|---:|---:|---:|---:|")?;
    for w in week_stats(plan, week) {
        let sections: Vec<String> = w.sections.iter().map(|s| escape(&s.title)).collect();
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            w.week,
            date_span(w.first, w.last),
            sections.join(" · "),
            w.required,
            w.extra,
            w.available,
            w.utilisation()
                .map_or_else(|| "–".to_string(), |p| format!("{p}%"))
        )?;
    }
    writeln!(out)?;

    let s = &plan.summary;
    let late = late_count(plan);
    write!(
        out,
        "- Required: {} of {} min in window",
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
        "- Optional: {} of {} min scheduled; reference: {} of {} min",
        s.optional_scheduled_minutes,
        s.optional_minutes,
        s.reference_scheduled_minutes,
        s.reference_minutes
    )?;
    writeln!(out, "- Plan: {}", quality(plan))
}

/// `## Week N`, its agenda table, and the checkpoints of the windows that end in it.
fn write_week(plan: &Plan, w: u32, out: &mut dyn Write) -> io::Result<()> {
    let (first, last) = week_range(plan, w);
    writeln!(out)?;
    writeln!(out, "## Week {w}: {}", date_span(first, last))?;
    writeln!(out)?;
    let sessions: Vec<&Session> = sessions_in_week(plan, Some(w)).collect();
    if sessions.is_empty() {
        writeln!(out, "_No sessions._")?;
    } else {
        writeln!(out, "| Date | Time | Item | Kind | Min | Note |")?;
        writeln!(out, "|---|---|---|---|---:|---|")?;
        let mut last_date = None;
        for s in sessions {
            let date = if last_date == Some(s.date) {
                String::new()
            } else {
                day_label(s.date)
            };
            last_date = Some(s.date);
            writeln!(out, "{}", agenda_row(s, &date))?;
        }
    }
    let ending = plan
        .sections
        .iter()
        .filter(|sec| sec.window_end.is_some_and(|e| e >= first && e <= last));
    for sec in ending {
        if let Some(checkpoint) = &sec.checkpoint {
            writeln!(out)?;
            writeln!(
                out,
                "> **Checkpoint, {}:** {}",
                escape(&sec.title),
                escape(checkpoint)
            )?;
        }
    }
    Ok(())
}

fn write_unscheduled(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    if plan.unscheduled.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "## Unscheduled")?;
    writeln!(out)?;
    writeln!(out, "| Item | Id | Kind | Min | Reason |")?;
    writeln!(out, "|---|---|---|---:|---|")?;
    for u in &plan.unscheduled {
        writeln!(
            out,
            "| {} | `{}` | {} | {} | {} |",
            escape(&u.title),
            code(&u.item),
            u.kind.as_str(),
            u.minutes,
            escape(&u.reason)
        )?;
    }
    Ok(())
}

fn write_overloaded(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    if plan.overloaded.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "## Overloaded windows")?;
    writeln!(out)?;
    for o in &plan.overloaded {
        let title = plan
            .section(&o.section)
            .map_or(o.section.as_str(), |sec| sec.title.as_str());
        writeln!(
            out,
            "- **{}** ({}–{}): {} min late; {}",
            escape(title),
            short_date(o.window_start),
            short_date(o.window_end),
            o.late_minutes,
            super::overload_need(o)
        )?;
    }
    Ok(())
}

fn agenda_row(s: &Session, date: &str) -> String {
    let mut title = escape(&s.title);
    if s.parts > 1 {
        title = format!("{title} ({}/{})", s.part, s.parts);
    }
    if let Some(url) = s.url.as_deref().filter(|u| looks_like_uri(u)) {
        title = format!("[{title}](<{url}>)");
    }
    let note = match (s.done, s.late) {
        (true, true) => "✓ done, late",
        (true, false) => "✓ done",
        (false, true) => "**late**",
        (false, false) => "",
    };
    format!(
        "| {date} | {} | {title} | {} | {} | {note} |",
        time_span(s),
        s.kind.as_str(),
        s.minutes
    )
}

/// Escapes text for inline Markdown inside a table cell: characters that start formatting or
/// links get a backslash, `|` too (it would end the cell), and line breaks become spaces.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text for a code span in a table cell: backticks cannot be escaped inside one, so they are
/// dropped; `|` still needs its backslash (GFM splits cells before parsing code spans).
fn code(s: &str) -> String {
    s.chars()
        .filter(|&c| c != '`' && !c.is_control())
        .flat_map(|c| {
            let escape = (c == '|').then_some('\\');
            escape.into_iter().chain(std::iter::once(c))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample_plan;

    fn doc(week: Option<u32>) -> String {
        let mut out = Vec::new();
        write_md(&sample_plan(), week, &mut out).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    /// Number of cells of a Markdown table row, not counting escaped pipes.
    fn cells(row: &str) -> usize {
        row.replace("\\|", "").matches('|').count() - 1
    }

    #[test]
    fn structure() {
        let md = doc(None);
        assert!(md.starts_with("# Backend Engineer Learning Path\n\n"));
        assert!(md.contains("## Week 1: Mar 22–Mar 28\n"));
        assert!(md.contains("## Week 2: Mar 29–Apr 04\n"));
        assert!(md.contains("## Unscheduled\n"));
        assert!(md.contains("## Overloaded windows\n"));
        assert!(md.contains(
            "- **Database Fundamentals** (Mar 22–Mar 28): 50 min late; needs at least 1.75 h/day"
        ));
        assert!(md.contains("> **Checkpoint, Database Fundamentals:** You can pick"));
        assert!(md.contains("- Plan: best found (required minutes proven; late work gap 1.2%)"));
        assert!(md.ends_with('\n') && !md.ends_with("\n\n"));
    }

    #[test]
    fn pipes_are_escaped_and_tables_keep_their_columns() {
        let md = doc(None);
        assert!(md.contains(r#"Backslash \\ semi; comma, pipe \| "quotes""#));
        assert!(md.contains(r"Deep Dive \| Internals"));
        for table in md.split("\n\n").filter(|b| b.starts_with('|')) {
            let mut rows = table.lines();
            let header = cells(rows.next().expect("header"));
            for row in rows {
                assert_eq!(cells(row), header, "{row}");
            }
        }
    }

    #[test]
    fn agenda_rows() {
        let md = doc(None);
        assert!(md.contains(
            "| Mon Mar 22 | 19:00–19:30 | [Storage Engines](<https://example.com/storage?a=1&b=2>) | required | 30 | ✓ done |"
        ));
        assert!(md.contains("| Kafka Internals (2/3) | required | 40 |"));
        assert!(md.contains("| Replication | required | 50 | **late** |"));
        assert!(md.contains("Café Indexing 🚀 – Überblick"));
        // A URL that is not a URI is not made into a link.
        assert!(md.contains("| Further reading, notes; misc | reference | 20 |"));
    }

    #[test]
    fn week_filter() {
        let md = doc(Some(2));
        assert!(!md.contains("## Week 1"));
        assert!(md.contains("## Week 2"));
        assert!(!md.contains("Storage Engines"));
    }

    #[test]
    fn escaping() {
        assert_eq!(escape("a|b*c_d\ne"), r"a\|b\*c\_d e");
        assert_eq!(escape("[x](y) <z>"), r"\[x\](y) \<z\>");
        assert_eq!(code("a`b|c"), r"ab\|c");
    }
}
