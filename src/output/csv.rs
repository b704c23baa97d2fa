//! One row per session as CSV (`--format csv`), for spreadsheets and scripts.
//!
//! Columns: `date,start,end,item,title,kind,section,minutes,part,parts,window_start,window_end,
//! late,done,uid`, header first. Times are RFC 3339 with the plan zone's offset (the same strings
//! as the JSON), windows are empty for items without one, flags are `true`/`false`. Quoting
//! follows RFC 4180 via the `csv` crate; records end in `\n`.
//!
//! A title is text from the path file, which may come from anywhere (`import`). A spreadsheet
//! runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one)
//! as a formula, so such a title is written with a leading `'`, as OWASP advises against CSV
//! injection. The item id beside it is a slug and never starts that way; scripts that need the
//! title exactly read it from `--format json`.

use crate::plan::{Plan, Session};
use chrono::SecondsFormat;
use std::io::{self, Write};

/// The header row, in column order.
pub const HEADER: [&str; 15] = [
    "date",
    "start",
    "end",
    "item",
    "title",
    "kind",
    "section",
    "minutes",
    "part",
    "parts",
    "window_start",
    "window_end",
    "late",
    "done",
    "uid",
];

/// Writes the header and one row per session (only week `week`'s sessions when given).
///
/// # Errors
///
/// Fails only when writing to `out` fails.
pub fn write_csv(plan: &Plan, week: Option<u32>, out: &mut dyn Write) -> io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for s in super::sessions_in_week(plan, week) {
        w.write_record(row(s))?;
    }
    w.flush()
}

fn row(s: &Session) -> [String; 15] {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    [
        s.date.to_string(),
        s.start.to_rfc3339_opts(SecondsFormat::Secs, false),
        s.end.to_rfc3339_opts(SecondsFormat::Secs, false),
        s.item.clone(),
        inert(&s.title),
        s.kind.as_str().to_string(),
        s.section.clone(),
        s.minutes.to_string(),
        s.part.to_string(),
        s.parts.to_string(),
        date(s.window_start),
        date(s.window_end),
        s.late.to_string(),
        s.done.to_string(),
        s.uid.clone(),
    ]
}

/// `text`, with a leading `'` when a spreadsheet would read it as a formula.
fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample_plan;

    fn render(week: Option<u32>) -> String {
        let mut out = Vec::new();
        write_csv(&sample_plan(), week, &mut out).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn header_comes_first() {
        let text = render(None);
        assert_eq!(
            text.lines().next(),
            Some(
                "date,start,end,item,title,kind,section,minutes,part,parts,\
                 window_start,window_end,late,done,uid"
            )
        );
    }

    #[test]
    fn one_row_per_session_round_trips() {
        let plan = sample_plan();
        let text = render(None);
        let mut r = ::csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<::csv::StringRecord> = r.records().collect::<Result<_, _>>().expect("parse");
        assert_eq!(rows.len(), plan.sessions.len());
        for (row, s) in rows.iter().zip(&plan.sessions) {
            assert_eq!(row.len(), HEADER.len());
            assert_eq!(&row[4], s.title, "titles with commas and quotes survive");
            assert_eq!(&row[14], s.uid);
        }
        assert_eq!(&rows[0][0], "2027-03-22");
        assert_eq!(&rows[0][1], "2027-03-22T19:00:00+01:00");
        assert_eq!(&rows[0][13], "true");
        let split = &rows[3];
        assert_eq!((&split[8], &split[9]), ("2", "3"));
        assert_eq!(&split[1], "2027-03-28T19:00:00+02:00");
        let windowless = rows.iter().find(|r| &r[6] == "extras").expect("extras");
        assert_eq!((&windowless[10], &windowless[11]), ("", ""));
        assert!(rows.iter().any(|r| &r[12] == "true"), "a late row");
    }

    #[test]
    fn titles_a_spreadsheet_would_run_are_written_inert() {
        let mut plan = sample_plan();
        let titles = [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\t=1",
            "A = B",
        ];
        for (s, title) in plan.sessions.iter_mut().zip(titles) {
            s.title = title.to_string();
        }
        let mut out = Vec::new();
        write_csv(&plan, None, &mut out).expect("write");
        let mut r = ::csv::Reader::from_reader(out.as_slice());
        let written: Vec<String> = r
            .records()
            .take(titles.len())
            .map(|row| row.expect("row")[4].to_string())
            .collect();
        assert_eq!(
            written,
            [
                "'=HYPERLINK(\"http://x\")",
                "'+1",
                "'-2",
                "'@SUM(A1)",
                "'\t=1",
                "A = B"
            ]
        );
    }

    #[test]
    fn week_filter() {
        let text = render(Some(1));
        assert_eq!(text.lines().count(), 1 + 4);
    }
}
