//! Short texts that are not the plan itself: the diagnostics after a plan (late work, what
//! was left out, whether the plan is proven optimal), the `validate` summary and the `paths`
//! table.

use crate::path::{Kind, LearningPath};
use crate::plan::{Plan, Proven, Summary};
use std::io::{self, Write};

/// Diagnostics for stderr after a plan: late work and what it would take to fit, what was left
/// out, and the solver's status.
pub fn write_diagnostics(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    let s = &plan.summary;
    if s.required_late_minutes > 0 {
        writeln!(
            w,
            "warning: {} required minutes do not fit their windows and are planned late",
            s.required_late_minutes
        )?;
        for o in &plan.overloaded {
            let needs = if o.needed.starts_with("no hours") {
                o.needed.clone()
            } else {
                format!("the work due by its end needs {}", o.needed)
            };
            writeln!(
                w,
                "  {} ({} – {}): {} min late; {needs}",
                o.section, o.window_start, o.window_end, o.late_minutes
            )?;
        }
        if plan
            .overloaded
            .iter()
            .any(|o| o.needed.starts_with("at least"))
        {
            writeln!(
                w,
                "  (a bound from the minutes alone; `plan … --fit` finds the exact hours)"
            )?;
        }
    }
    if let Some(cost) = plan.summary.order_cost.filter(|c| !c.is_zero()) {
        let mut parts = Vec::new();
        if cost.required_in_window_minutes > 0 {
            parts.push(format!(
                "{} required minutes in their windows",
                cost.required_in_window_minutes
            ));
        }
        if cost.late_minute_days > 0 {
            parts.push(format!("{} more late minute-days", cost.late_minute_days));
        }
        writeln!(
            w,
            "note: following the path's order costs {}; --any-order would avoid that",
            parts.join(" and ")
        )?;
    }
    if !s.any_order && s.order_cost.is_none() && s.required_late_minutes > 0 {
        match s.order_cost_in_window.filter(|&m| m > 0) {
            Some(minutes) => writeln!(
                w,
                "note: following the path's order costs {minutes} required minutes in their windows; --any-order would avoid that (what it costs in late work was not measured in the time limit)"
            )?,
            None => writeln!(
                w,
                "note: what following the path's order costs in late work was not measured in the time limit (raise --time-limit, or compare with --any-order)"
            )?,
        }
    }
    let dropped = plan
        .unscheduled
        .iter()
        .filter(|u| u.kind != Kind::Required)
        .count();
    if dropped > 0 {
        writeln!(
            w,
            "note: {dropped} optional or reference item(s) do not fit and are left out"
        )?;
    }
    if let Some(note) = &s.note {
        writeln!(w, "note: {note}")?;
    } else if !s.optimal {
        writeln!(w, "note: {}", unproven(s))?;
    }
    Ok(())
}

/// What a plan the time limit stopped has proven, level by level, and the gap of the first
/// level it has not. The gap alone misleads there: a plan with every required minute that can
/// fit in its windows, and the least late work, showed "gap 100.00%" when it had no optional
/// minutes and the bound of that level was not yet 0.
fn unproven(s: &Summary) -> String {
    let gap = match s.finite_gap() {
        Some(g) => format!(" (gap {:.2}%)", g * 100.0),
        None => String::new(),
    };
    let stopped = "the time limit was hit; this is the best plan found";
    match s.proven() {
        Proven::Lateness => format!(
            "{stopped}: no plan fits more required minutes in their windows or has less late work, \
             but one with more optional or reference minutes, or earlier sessions, is not ruled \
             out{gap}"
        ),
        Proven::InWindow => format!(
            "{stopped}: no plan fits more required minutes in their windows, but one with less \
             late work is not ruled out{gap}"
        ),
        Proven::Nothing => {
            format!(
                "{stopped}; one with more required minutes in their windows is not ruled out{gap}"
            )
        }
    }
}

/// The `validate` summary of a path.
pub fn write_validation(path: &LearningPath, w: &mut dyn Write) -> io::Result<()> {
    let items = path.sections.iter().map(|s| s.items.len()).sum::<usize>();
    writeln!(w, "{} ({}): valid", path.title, path.id)?;
    writeln!(w, "  sections: {}", path.sections.len())?;
    writeln!(w, "  items:    {items}")?;
    for kind in [Kind::Required, Kind::Optional, Kind::Reference] {
        let n = path.items().filter(|(_, i)| i.kind == kind).count();
        let m = path.minutes_of(kind);
        writeln!(
            w,
            "  {:<10} {n:>3} items, {m:>5} min ({:.1} h)",
            format!("{kind}:"),
            f64::from(m) / 60.0
        )?;
    }
    Ok(())
}

/// One bundled path, as `paths` lists it.
#[derive(Debug, serde::Serialize)]
pub struct PathRow {
    pub id: String,
    pub title: String,
    pub sections: usize,
    pub items: usize,
    /// Weeks the windows span (None: no windows).
    pub weeks: Option<u32>,
    pub required_minutes: u32,
    pub optional_minutes: u32,
    pub reference_minutes: u32,
}

impl PathRow {
    pub fn of(p: &LearningPath) -> PathRow {
        PathRow {
            id: p.id.clone(),
            title: p.title.clone(),
            sections: p.sections.len(),
            items: p.items().count(),
            weeks: p
                .sections
                .iter()
                .filter_map(|s| s.weeks)
                .map(|w| w.last)
                .max(),
            required_minutes: p.minutes_of(Kind::Required),
            optional_minutes: p.minutes_of(Kind::Optional),
            reference_minutes: p.minutes_of(Kind::Reference),
        }
    }
}

/// The `paths` table.
pub fn write_paths(rows: &[PathRow], w: &mut dyn Write) -> io::Result<()> {
    use comfy_table::{
        modifiers, presets, CellAlignment, ColumnConstraint, ContentArrangement, Table, Width,
    };
    let hours = |m: u32| format!("{:.1}", f64::from(m) / 60.0);
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .apply_modifier(modifiers::UTF8_ROUND_CORNERS)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(super::table::DEFAULT_WIDTH)
        .set_header(vec![
            "Path (id, title)",
            "Weeks",
            "Secs",
            "Items",
            "Req h",
            "Opt h",
            "Ref h",
        ]);
    for r in rows {
        t.add_row(vec![
            format!("{}\n{}", r.id, r.title),
            r.weeks.map_or_else(|| "–".to_string(), |w| w.to_string()),
            r.sections.to_string(),
            r.items.to_string(),
            hours(r.required_minutes),
            hours(r.optional_minutes),
            hours(r.reference_minutes),
        ]);
    }
    for c in 1..7 {
        if let Some(col) = t.column_mut(c) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    // Ids stay on one line, so they can be copied.
    let id_width = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
    if let Some(col) = t.column_mut(0) {
        col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(
            u16::try_from(id_width + 2).unwrap_or(u16::MAX),
        )));
    }
    writeln!(w, "{t}")?;
    writeln!(
        w,
        "Plan one with: studyplan plan <ID> --start YYYY-MM-DD --hours H"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostics(plan: &Plan) -> String {
        let mut out = Vec::new();
        write_diagnostics(plan, &mut out).expect("writes");
        String::from_utf8(out).expect("UTF-8")
    }

    /// A plan the time limit stopped says which priorities it has proven and gives the gap
    /// of the first it has not.
    #[test]
    fn an_unproven_plan_says_which_priorities_are_proven() {
        let mut plan = crate::output::sample_plan();
        let note = |plan: &Plan| {
            let text = diagnostics(plan);
            text.lines()
                .find(|l| l.contains("the time limit was hit"))
                .map(str::to_string)
                .expect(&text)
        };
        // The sample: priority 1 proven, priority 2 not.
        assert_eq!(
            note(&plan),
            "note: the time limit was hit; this is the best plan found: no plan fits more \
             required minutes in their windows, but one with less late work is not ruled out \
             (gap 1.25%)"
        );
        plan.summary.late_optimal = Some(true);
        plan.summary.gap = Some(1.0);
        assert_eq!(
            note(&plan),
            "note: the time limit was hit; this is the best plan found: no plan fits more \
             required minutes in their windows or has less late work, but one with more \
             optional or reference minutes, or earlier sessions, is not ruled out (gap 100.00%)"
        );
        // Priority 2 cannot be proven without priority 1.
        plan.summary.required_optimal = Some(false);
        plan.summary.gap = None;
        assert_eq!(
            note(&plan),
            "note: the time limit was hit; this is the best plan found; one with more required \
             minutes in their windows is not ruled out"
        );
        // A state file from before the levels were recorded: nothing proven, and a gap that
        // is no number is left out.
        plan.summary.required_optimal = None;
        plan.summary.late_optimal = None;
        plan.summary.gap = Some(f64::NAN);
        assert_eq!(
            note(&plan),
            "note: the time limit was hit; this is the best plan found; one with more required \
             minutes in their windows is not ruled out"
        );
        // A plan proven at every level has no such note.
        plan.summary.optimal = true;
        assert!(!diagnostics(&plan).contains("the time limit was hit"));
    }

    /// Where the any-order solve proved priority 1 and not priority 2, the plan still gives what
    /// the order costs in required minutes; where it proved neither, or priority 1 costs
    /// nothing, it says the cost in late work is unknown.
    #[test]
    fn the_order_cost_in_required_minutes_is_given_alone() {
        let mut plan = crate::output::sample_plan();
        let unknown = "note: what following the path's order costs in late work was not measured";
        assert!(diagnostics(&plan).contains(unknown));
        plan.summary.order_cost_in_window = Some(0);
        assert!(diagnostics(&plan).contains(unknown));
        plan.summary.order_cost_in_window = Some(25);
        let text = diagnostics(&plan);
        assert!(!text.contains(unknown), "{text}");
        assert!(
            text.contains(
                "note: following the path's order costs 25 required minutes in their windows; \
                 --any-order would avoid that (what it costs in late work was not measured in \
                 the time limit)"
            ),
            "{text}"
        );
    }
}
