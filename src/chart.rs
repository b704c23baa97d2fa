//! `studyplan chart`: the saved plan and the progress log as one SVG picture, drawn with
//! `plotters` (its SVG backend only, no fonts needed: text stays text for the viewer to render).
//!
//! Three panels, top to bottom:
//! 1. minutes per week, planned (every session of the plan) next to done (the progress log);
//! 2. a burndown: minutes of the plan left at the end of each week, as planned and as
//!    actually done up to `today`;
//! 3. the section windows as bars, with the span of each section's sessions under its window
//!    (red where required work runs late).
//!
//! Done minutes are dated by the progress log: `progress --minutes` counts on its day, `done`
//! counts the item's estimate (less the progress already recorded) on its day, and `skip`
//! takes the rest of an item off what is left. No I/O and no clock: the caller passes `today`.

use crate::path::Kind;
use crate::plan::Plan;
use crate::progress::{Action, State};
use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;

const WIDTH: u32 = 960;
const PANEL: u32 = 320;
const ROW: u32 = 34;

const PLANNED: RGBColor = RGBColor(70, 130, 180);
const DONE: RGBColor = RGBColor(46, 160, 67);
const LATE: RGBColor = RGBColor(200, 50, 50);
const WINDOW: RGBColor = RGBColor(200, 215, 235);
const TODAY: RGBColor = RGBColor(120, 120, 120);

/// The numbers the chart draws, in weeks of the plan (week 1 is `plan.start` ..).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Weeks of the plan.
    pub weeks: u32,
    /// Planned minutes per week (index 0 = week 1).
    pub planned: Vec<u32>,
    /// Done minutes per week (index 0 = week 1; done before the start counts in week 1).
    pub done: Vec<u32>,
    /// Minutes of the plan left at the end of week k (index 0 = the start), as planned.
    pub planned_left: Vec<u32>,
    /// Minutes left as done, at the end of each week up to `today`, then at `today`:
    /// `(weeks since the start, minutes)`.
    pub actual_left: Vec<(f64, u32)>,
    /// Weeks since the start to the end of `today`, when today falls inside the plan.
    pub today: Option<f64>,
}

/// Compute what the chart shows.
#[must_use]
pub fn series(state: &State, today: NaiveDate) -> Series {
    let plan = &state.plan;
    let weeks = plan.weeks().max(1);
    let week_index = |d: NaiveDate| (plan.week_of(d).clamp(1, weeks) - 1) as usize;
    let mut planned = vec![0u32; weeks as usize];
    let estimate = plan.item_minutes();
    for s in &plan.sessions {
        planned[week_index(s.date)] += s.minutes;
    }
    // Progress a replan took off the sessions was planned once too; like work done before the
    // start, it counts in week 1.
    planned[0] += plan.progress_off_sessions.values().sum::<u32>();
    // So was the rest of an item skipped and dropped by a replan; its skip takes it off again.
    // Minutes the learner took out in their calendar were planned in the week of their
    // session: a deleted one's, else (a shortened one) the item's last session's.
    for u in &plan.off_plan {
        if u.reason != crate::plan::IN_CALENDAR {
            planned[0] += u.minutes;
            continue;
        }
        let mut left = u.minutes;
        let deleted = plan.cancelled.iter().filter(|c| {
            c.item == u.item
                && state
                    .sync
                    .declined
                    .iter()
                    .any(|d| d.item == c.item && d.date == c.date)
        });
        for c in deleted {
            let m = c.minutes.min(left);
            planned[week_index(c.date)] += m;
            left -= m;
        }
        let last = plan
            .sessions
            .iter()
            .filter(|s| s.item == u.item)
            .map(|s| s.date)
            .max();
        planned[last.map_or(0, week_index)] += left;
    }
    let total: u32 = planned.iter().sum();

    // Minutes done (or taken off by a skip) per day, from the progress log in order.
    let mut credited: BTreeMap<&str, u32> = BTreeMap::new();
    let mut done_on: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    let mut off_on: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    for e in &state.progress {
        let Some(&est) = estimate.get(e.item.as_str()) else {
            continue;
        };
        let c = credited.entry(e.item.as_str()).or_default();
        let left = est.saturating_sub(*c);
        let (m, into) = match e.action {
            Action::Progress => (e.minutes.unwrap_or(0).min(left), &mut done_on),
            Action::Done => (left, &mut done_on),
            Action::Skip => (left, &mut off_on),
        };
        *c += m;
        *into.entry(e.on).or_default() += m;
    }
    let mut done = vec![0u32; weeks as usize];
    for (&d, &m) in &done_on {
        done[week_index(d)] += m;
    }

    let mut planned_left = Vec::with_capacity(weeks as usize + 1);
    let mut left = total;
    planned_left.push(left);
    for &m in &planned {
        left = left.saturating_sub(m);
        planned_left.push(left);
    }

    let days_to_today = (today - plan.start).num_days();
    let mut actual_left = Vec::new();
    if days_to_today >= 0 {
        let gone_by = |day: i64| -> u32 {
            done_on
                .iter()
                .chain(&off_on)
                .filter(|(&d, _)| (d - plan.start).num_days() < day)
                .map(|(_, &m)| m)
                .sum()
        };
        let last_day = i64::from(weeks) * 7;
        let until = days_to_today.min(last_day);
        let mut day = 0;
        while day <= until {
            actual_left.push((day as f64 / 7.0, total.saturating_sub(gone_by(day))));
            day += 7;
        }
        // The end of today, unless it is also the end of a week.
        if until % 7 != 0 || until == 0 {
            let end_of_today = (until + 1).min(last_day);
            actual_left.push((
                end_of_today as f64 / 7.0,
                total.saturating_sub(gone_by(end_of_today)),
            ));
        }
    }
    // The marker stands at the end of today, where the actual line ends.
    let today = (days_to_today >= 0 && days_to_today < i64::from(weeks) * 7)
        .then(|| (days_to_today + 1) as f64 / 7.0);
    Series {
        weeks,
        planned,
        done,
        planned_left,
        actual_left,
        today,
    }
}

/// Draw the chart of `state` as of `today` into an SVG document.
///
/// # Errors
///
/// A message when plotters fails to draw (which writing into a string does not).
pub fn render(state: &State, today: NaiveDate) -> Result<String, String> {
    let plan = &state.plan;
    let s = series(state, today);
    let height = 2 * PANEL + 150 + ROW * plan.sections.len() as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let root = root
            .titled(&plan.path.title, ("sans-serif", 24))
            .map_err(|e| e.to_string())?;
        let (top, rest) = root.split_vertically(PANEL);
        let (middle, bottom) = rest.split_vertically(PANEL);
        weekly(&top, &s).map_err(|e| e.to_string())?;
        burndown(&middle, &s).map_err(|e| e.to_string())?;
        windows(&bottom, plan, &s).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Drawn<'a> = Result<(), DrawingAreaErrorKind<<SVGBackend<'a> as DrawingBackend>::ErrorType>>;

/// Labels only on whole weeks (plotters picks "nice" steps, which may include halves).
#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "plotters' label formatters take a reference"
)]
fn week_label(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-9 && *x >= 0.0 {
        format!("{}", x.round() as i64)
    } else {
        String::new()
    }
}

fn nice_max(m: u32) -> u32 {
    (m.max(10) * 11 / 10).div_ceil(10) * 10
}

fn weekly<'a>(area: &Area<'a>, s: &Series) -> Drawn<'a> {
    let top = nice_max(s.planned.iter().chain(&s.done).copied().max().unwrap_or(0));
    let mut chart = ChartBuilder::on(area)
        .caption("Minutes per week: planned and done", ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(0.5f64..(f64::from(s.weeks) + 0.5), 0u32..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE.mix(0.0))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 13))
        .x_desc("week")
        .y_desc("minutes")
        .x_labels(s.weeks as usize + 1)
        .x_label_formatter(&week_label)
        .draw()?;
    let bars = |values: &[u32], offset: f64, color: RGBColor| {
        values
            .iter()
            .enumerate()
            .filter(|(_, &m)| m > 0)
            .map(move |(i, &m)| {
                let x = i as f64 + 1.0 + offset;
                Rectangle::new([(x - 0.18, 0), (x + 0.18, m)], color.filled())
            })
            .collect::<Vec<_>>()
    };
    chart
        .draw_series(bars(&s.planned, -0.19, PLANNED))?
        .label("planned")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], PLANNED.filled()));
    chart
        .draw_series(bars(&s.done, 0.19, DONE))?
        .label("done")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], DONE.filled()));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

fn burndown<'a>(area: &Area<'a>, s: &Series) -> Drawn<'a> {
    let top = nice_max(s.planned_left.first().copied().unwrap_or(0));
    let mut chart = ChartBuilder::on(area)
        .caption("Burndown: minutes of the plan left", ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..f64::from(s.weeks), 0u32..top)?;
    chart
        .configure_mesh()
        .light_line_style(WHITE.mix(0.0))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 13))
        .x_desc("weeks from the start")
        .y_desc("minutes left")
        .x_labels(s.weeks as usize + 1)
        .x_label_formatter(&week_label)
        .draw()?;
    chart
        .draw_series(LineSeries::new(
            s.planned_left
                .iter()
                .enumerate()
                .map(|(k, &m)| (k as f64, m)),
            PLANNED.stroke_width(2),
        ))?
        .label("planned work left")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], PLANNED.stroke_width(2)));
    chart
        .draw_series(LineSeries::new(
            s.actual_left.iter().copied(),
            DONE.stroke_width(3),
        ))?
        .label("actual work left")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], DONE.stroke_width(3)));
    if let Some(t) = s.today {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(t, 0), (t, top)],
                TODAY.stroke_width(1),
            )))?
            .label("today")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], TODAY.stroke_width(1)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

fn windows<'a>(area: &Area<'a>, plan: &Plan, s: &Series) -> Drawn<'a> {
    let n = plan.sections.len().max(1);
    let weeks_of = |d: NaiveDate| (d - plan.start).num_days() as f64 / 7.0;
    let mut chart = ChartBuilder::on(area)
        .caption("Section windows and their sessions", ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(230)
        .build_cartesian_2d(0f64..f64::from(s.weeks), 0f64..n as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE.mix(0.0))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 13))
        .y_labels(0)
        .x_desc("weeks from the start")
        .x_labels(s.weeks as usize + 1)
        .x_label_formatter(&week_label)
        .draw()?;
    // Row i (top to bottom) spans y in [n-i-1, n-i].
    let row = |i: usize| (n - i - 1) as f64;
    let mut window_bars = Vec::new();
    let mut spans = Vec::new();
    let mut late_spans = Vec::new();
    for (i, sec) in plan.sections.iter().enumerate() {
        let y = row(i);
        if let (Some(a), Some(b)) = (sec.window_start, sec.window_end) {
            window_bars.push(Rectangle::new(
                [(weeks_of(a), y + 0.45), (weeks_of(b) + 1.0 / 7.0, y + 0.85)],
                WINDOW.filled(),
            ));
        }
        let dates: Vec<NaiveDate> = plan
            .sessions
            .iter()
            .filter(|x| x.section == sec.id)
            .map(|x| x.date)
            .collect();
        if let (Some(&a), Some(&b)) = (dates.iter().min(), dates.iter().max()) {
            spans.push(Rectangle::new(
                [(weeks_of(a), y + 0.2), (weeks_of(b) + 1.0 / 7.0, y + 0.4)],
                PLANNED.filled(),
            ));
        }
        for x in plan
            .sessions
            .iter()
            .filter(|x| x.section == sec.id && x.late && x.kind == Kind::Required)
        {
            late_spans.push(Rectangle::new(
                [
                    (weeks_of(x.date), y + 0.2),
                    (weeks_of(x.date) + 1.0 / 7.0, y + 0.4),
                ],
                LATE.filled(),
            ));
        }
    }
    chart
        .draw_series(window_bars)?
        .label("window")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], WINDOW.filled()));
    chart
        .draw_series(spans)?
        .label("sessions")
        .legend(|(x, y)| Rectangle::new([(x, y - 3), (x + 12, y + 3)], PLANNED.filled()));
    if !late_spans.is_empty() {
        chart
            .draw_series(late_spans)?
            .label("late required sessions")
            .legend(|(x, y)| Rectangle::new([(x, y - 3), (x + 12, y + 3)], LATE.filled()));
    }
    if let Some(t) = s.today {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(t, 0.0), (t, n as f64)],
            TODAY.stroke_width(1),
        )))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    // Section titles in the label area, level with their rows.
    let font = ("sans-serif", 14).into_font().color(&BLACK);
    for (i, sec) in plan.sections.iter().enumerate() {
        let (_, y) = chart.backend_coord(&(0.0, row(i) + 0.5));
        let (_, oy) = area.get_base_pixel();
        area.draw(&Text::new(
            short(&sec.title, 30),
            (8, y - oy - 7),
            font.clone(),
        ))?;
    }
    Ok(())
}

/// At most `max` characters, with an ellipsis when cut.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session the learner deletes in their calendar is still planned work, in its week,
    /// until a replan plans it again: the planned series does not change.
    #[test]
    fn a_session_deleted_in_the_calendar_stays_planned_in_its_week() {
        let mut state = crate::progress::sample_state(0);
        let today = state.plan.start;
        let before = series(&state, today);
        let last = state
            .plan
            .sessions
            .iter()
            .max_by_key(|s| s.date)
            .expect("a session")
            .clone();
        assert!(state.plan.week_of(last.date) > 1, "a session after week 1");
        crate::sync::deleted_by_learner(&mut state, &last.uid);
        assert!(!state.plan.sessions.iter().any(|s| s.uid == last.uid));
        assert_eq!(series(&state, today), before);
        let status = crate::progress::status::status(&state, today);
        let old = crate::progress::status::status(&crate::progress::sample_state(0), today);
        assert_eq!(status.total, old.total);
        assert_eq!(status.projected_finish, old.projected_finish);
    }
}
