//! `studyplan import`: the seeds' checklist format → path-file YAML.
//!
//! The checklist is read line by line. A title line and a summary paragraph come first; sections
//! start at headings such as `Week 1-2: Database Fundamentals` (a window of weeks) or
//! `Beginner: build a solid API foundation` (no window). Inside a section, `- [ ] Required --
//! Storage Engines (30 min)` lines and plain `- Title` bullets are items, a short line directly
//! followed by items names their group, `Checkpoint` introduces the checkpoint text and
//! `Focus on:` a bullet list of focus points. Material the path format has no place for (who the
//! path is for, prerequisites, outcomes, cross-references, related posts, section intros) is left
//! out and reported as warnings with its line, never dropped silently. The YAML is produced by
//! serializing plain structs and checked by loading it back with [`load_str`].

use super::load::{load_str, parse_weeks};
use super::{slug, Kind, Weeks};
use crate::error::Error;
use serde::{Serialize, Serializer};
use std::collections::HashSet;
use std::path::Path;

/// Minutes assumed for items the checklist gives no estimate for (written as `default_minutes`).
const DEFAULT_MINUTES: u32 = 45;

/// The result of an import: the path file's text and what was left out or guessed, by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub yaml: String,
    /// `(line, message)`, 1-based lines of the checklist, in line order.
    pub warnings: Vec<(usize, String)>,
}

/// Converts a checklist to path-file YAML. With `strict`, lines that are not understood are
/// errors instead of warnings.
///
/// # Errors
///
/// [`Error::Checklist`] when the checklist is empty, has no section with items, has a heading
/// with impossible weeks, or (with `strict`) has a line that is not understood.
pub fn import_checklist(text: &str, file: &Path, strict: bool) -> Result<Imported, Error> {
    let lines: Vec<Line> = text
        .lines()
        .enumerate()
        .map(|(i, raw)| {
            let raw = if i == 0 {
                raw.trim_start_matches('\u{feff}')
            } else {
                raw
            };
            let text = normalize(raw);
            let class = classify(&text);
            Line {
                no: i + 1,
                text,
                class,
            }
        })
        .collect();
    let mut importer = Importer {
        file,
        strict,
        lines: &lines,
        title: None,
        summary: Vec::new(),
        summary_done: false,
        sections: Vec::new(),
        current: None,
        block: None,
        intros: Vec::new(),
        checked: Vec::new(),
        warnings: Vec::new(),
    };
    for index in 0..lines.len() {
        importer.line(index)?;
    }
    importer.finish()
}

// ---------------------------------------------------------------------------------------------
// Lines.

struct Line {
    no: usize,
    text: String,
    class: Class,
}

#[derive(Debug, Clone, PartialEq)]
enum Class {
    Blank,
    /// `- [ ] Required -- Title (30 min)`.
    Checkbox(ItemText),
    /// `- text`.
    Bullet(String),
    /// `Week 1-2: Title` (weeks) or `Beginner: title` (no window).
    Heading(Heading),
    /// `Checkpoint`, maybe with the text on the same line.
    Checkpoint(Option<String>),
    /// `Focus on:`, maybe with a first point on the same line.
    Focus(Option<String>),
    /// Time estimates and layout headings whose content the items already carry.
    Derived,
    /// A heading of material the path format has no place for.
    Aside,
    Text,
}

#[derive(Debug, Clone, PartialEq)]
struct Heading {
    title: String,
    /// Explicit id for level headings (`beginner`).
    id: Option<String>,
    weeks: Option<Result<Weeks, String>>,
}

#[derive(Debug, Clone, PartialEq)]
struct ItemText {
    title: String,
    kind: Kind,
    minutes: Option<u32>,
    done: bool,
    /// A word in the kind position that is not a kind (`Bonus -- ...`).
    unknown_kind: Option<String>,
}

/// Trims, turns Markdown decorations into the plain checklist form, drops control characters.
fn normalize(raw: &str) -> String {
    let mut text: String = raw
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string();
    if text.starts_with('#') {
        let rest = text.trim_start_matches('#');
        if rest.is_empty() || rest.starts_with(' ') {
            text = rest.trim().to_string();
        }
    }
    for wrap in ["**", "__"] {
        if text.len() > 2 * wrap.len() && text.starts_with(wrap) && text.ends_with(wrap) {
            text = text[wrap.len()..text.len() - wrap.len()].trim().to_string();
        }
    }
    if text.starts_with("* ") || text.starts_with("+ ") {
        text.replace_range(..1, "-");
    }
    text
}

const LEVELS: [&str; 5] = [
    "beginner",
    "intermediate",
    "advanced",
    "expert",
    "foundations",
];
const STAGES: [&str; 5] = ["level", "phase", "part", "stage", "module"];
/// Headings of material the path format has no place for, matched as the whole line.
const ASIDES: [&str; 14] = [
    "prerequisites",
    "expected outcome",
    "expected outcomes",
    "learning outcomes",
    "outcomes",
    "related paths",
    "related posts",
    "continue reading",
    "further reading",
    "next path",
    "next steps",
    "total progress",
    "resources",
    "see also",
];
/// The same, matched as the start of the line.
const ASIDE_STARTS: [&str; 8] = [
    "who this is for",
    "who is this for",
    "what you will be able to do",
    "what you'll be able to do",
    "what you will learn",
    "what you'll learn",
    "cross-references",
    "cross references",
];
const DERIVED: [&str; 6] = [
    "estimated reading time",
    "estimated time",
    "total estimated time",
    "reading time:",
    "learning progression",
    "progress:",
];

fn classify(text: &str) -> Class {
    if text.is_empty() {
        return Class::Blank;
    }
    let lower = text.to_lowercase();
    if let Some(rest) = text
        .strip_prefix("- ")
        .or_else(|| text.strip_prefix("-\u{a0}"))
    {
        let rest = rest.trim();
        return match checkbox(rest) {
            Some(item) => Class::Checkbox(item),
            None if rest.is_empty() => Class::Text,
            None => Class::Bullet(rest.to_string()),
        };
    }
    if text == "-" {
        return Class::Text;
    }
    if let Some(heading) = heading(text) {
        return Class::Heading(heading);
    }
    let bare = lower.trim_end_matches(':').trim();
    if bare == "checkpoint" {
        return Class::Checkpoint(None);
    }
    if let Some(rest) = lower.strip_prefix("checkpoint:") {
        let inline = text[text.len() - rest.len()..].trim();
        return Class::Checkpoint((!inline.is_empty()).then(|| inline.to_string()));
    }
    for prefix in ["focus on:", "focus:"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let inline = text[text.len() - rest.len()..].trim();
            return Class::Focus((!inline.is_empty()).then(|| inline.to_string()));
        }
    }
    if bare == "focus on" {
        return Class::Focus(None);
    }
    if DERIVED.iter().any(|p| lower.starts_with(p)) {
        return Class::Derived;
    }
    if ASIDES.contains(&bare) || ASIDE_STARTS.iter().any(|p| lower.starts_with(p)) {
        return Class::Aside;
    }
    Class::Text
}

/// `Week 1-2: Title`, `Weeks 3–4 — Title`, `Week 11: Title`; `Beginner: Title`, `Phase 2: Title`.
fn heading(text: &str) -> Option<Heading> {
    let after_week = ["weeks ", "week "].iter().find_map(|prefix| {
        text.get(..prefix.len())
            .filter(|p| p.eq_ignore_ascii_case(prefix))
            .map(|_| &text[prefix.len()..])
    });
    if let Some(after) = after_week {
        let numeric_len = after
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '–' | '—' | ' ')))
            .unwrap_or(after.len());
        let (raw_numbers, rest) = after.split_at(numeric_len);
        let numbers = raw_numbers
            .trim()
            .trim_end_matches(['-', '–', '—'])
            .trim_end();
        let dash_separated = numbers.len() < raw_numbers.trim().len();
        if !numbers.starts_with(|c: char| c.is_ascii_digit())
            || !(rest.is_empty() || rest.starts_with(':') || dash_separated)
        {
            return None;
        }
        let title = rest.trim_start_matches([':', ' ']).trim();
        let title = if title.is_empty() { text.trim() } else { title };
        return Some(Heading {
            title: title.to_string(),
            id: None,
            weeks: Some(parse_weeks(numbers)),
        });
    }
    let head = text.split_once(':').map_or(text, |(h, _)| h).trim();
    let lower = head.to_lowercase();
    let level = LEVELS.contains(&lower.as_str());
    let stage = lower.split_once(' ').is_some_and(|(word, number)| {
        STAGES.contains(&word)
            && !number.trim().is_empty()
            && number.trim().chars().all(|c| c.is_ascii_digit())
    });
    (level || stage).then(|| Heading {
        title: text.trim_end_matches(':').trim().to_string(),
        id: Some(slug(head)),
        weeks: None,
    })
}

/// `[ ] Required -- Storage Engines (30 min)` after the bullet's dash.
fn checkbox(rest: &str) -> Option<ItemText> {
    let after = rest.strip_prefix('[')?;
    let (mark, body) = after.split_once(']')?;
    let done = match mark.trim() {
        "" => false,
        "x" | "X" => true,
        _ => return None,
    };
    let mut item = item_text(body.trim(), true);
    item.done = done;
    Some(item)
}

/// Kind, title and minutes of an item's text. In a plain bullet the kind word only counts when a
/// separator follows it, so `Required reading` stays a title.
fn item_text(body: &str, checkbox: bool) -> ItemText {
    let mut kind = Kind::Required;
    let mut unknown_kind = None;
    let mut title = body;
    let word_end = body
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(body.len());
    let (word, rest) = body.split_at(word_end);
    let after_word = rest.trim_start();
    let separated = ["--", "—", "–", ":", "- "]
        .iter()
        .any(|s| after_word.starts_with(s));
    let known = match word.to_lowercase().as_str() {
        "required" => Some(Kind::Required),
        "optional" => Some(Kind::Optional),
        "reference" => Some(Kind::Reference),
        _ => None,
    };
    let stripped = after_word
        .trim_start_matches(['-', '—', '–', ':'])
        .trim_start();
    match known {
        Some(k) if separated || (checkbox && after_word.is_empty()) => {
            kind = k;
            title = stripped;
        }
        None if !word.is_empty() && after_word.starts_with("--") => {
            unknown_kind = Some(word.to_string());
            title = stripped;
        }
        _ => {}
    }
    let (title, minutes) = split_minutes(title);
    ItemText {
        title: title.to_string(),
        kind,
        minutes,
        done: false,
        unknown_kind,
    }
}

/// `Storage Engines (30 min)` → (`Storage Engines`, Some(30)). Text in parentheses that is not a
/// duration stays in the title.
fn split_minutes(title: &str) -> (&str, Option<u32>) {
    let trimmed = title.trim();
    let Some(inner) = trimmed
        .strip_suffix(')')
        .and_then(|t| t.rfind('(').map(|open| (open, &t[open + 1..])))
    else {
        return (trimmed, None);
    };
    let (open, inner) = inner;
    match duration_minutes(inner) {
        Some(m) => (trimmed[..open].trim_end(), Some(m)),
        // `(0 min)` is a duration that gives no time, and `(99999 h)` one past what an item
        // may take (10,000 minutes): either way the item is one without an estimate, and the
        // duration is not part of its title.
        None if duration_total(inner).is_some() => (trimmed[..open].trim_end(), None),
        None => (trimmed, None),
    }
}

/// `30 min`, `~30 minutes`, `1.5 hours`, `1h 30m` → minutes (1..=10 000).
fn duration_minutes(text: &str) -> Option<u32> {
    let total = duration_total(text)?;
    if !(1.0..=10_000.0).contains(&total.round()) {
        return None;
    }
    // In range 1..=10 000, so the conversion is exact.
    Some(total.round() as u32)
}

/// The minutes a duration text says, in or out of range; None when it is not a duration.
fn duration_total(text: &str) -> Option<f64> {
    let text = text
        .trim()
        .trim_start_matches(['~', '≈'])
        .trim()
        .to_lowercase();
    let mut total = 0.0_f64;
    let mut rest = text.as_str();
    let mut parts = 0;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_end].parse().ok()?;
        rest = rest[number_end..].trim_start();
        let unit_end = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_end] {
            "m" | "min" | "mins" | "minute" | "minutes" => 1.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 60.0,
            _ => return None,
        };
        total += number * factor;
        rest = rest[unit_end..].trim_start_matches([' ', ',']);
        parts += 1;
    }
    (parts > 0).then_some(total)
}

// ---------------------------------------------------------------------------------------------
// Assembling the path.

struct Importer<'a> {
    file: &'a Path,
    strict: bool,
    lines: &'a [Line],
    title: Option<String>,
    summary: Vec<String>,
    summary_done: bool,
    sections: Vec<SectionDraft>,
    current: Option<SectionDraft>,
    block: Option<Block>,
    /// Lines of section intro paragraphs (reported together).
    intros: Vec<usize>,
    /// Lines of items already ticked off (reported together).
    checked: Vec<usize>,
    warnings: Vec<(usize, String)>,
}

/// A run of lines that is left out, starting at its heading.
struct Block {
    line: usize,
    heading: String,
    lines: usize,
}

struct SectionDraft {
    line: usize,
    heading: Heading,
    weeks: Option<Weeks>,
    checkpoint: Option<String>,
    focus: Vec<String>,
    items: Vec<ItemDraft>,
    group: Option<String>,
    intro_seen: bool,
    expect: Expect,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Anything,
    /// After `Checkpoint`: text lines are its text.
    Checkpoint,
    /// After `Focus on:`: bullets are focus points.
    Focus,
}

struct ItemDraft {
    line: usize,
    title: String,
    kind: Kind,
    minutes: Option<u32>,
    group: Option<String>,
}

impl Importer<'_> {
    fn error(&self, line: Option<usize>, message: impl Into<String>) -> Error {
        Error::Checklist {
            file: self.file.to_path_buf(),
            line,
            message: message.into(),
        }
    }

    /// A line that is not understood: an error with `strict`, else a warning.
    fn not_understood(&mut self, line: usize, message: String) -> Result<(), Error> {
        if self.strict {
            Err(self.error(Some(line), message))
        } else {
            self.warnings.push((line, format!("{message}; skipped")));
            Ok(())
        }
    }

    /// The class of the next non-blank line after `index`.
    fn next_class(&self, index: usize) -> Option<&Class> {
        self.lines[index + 1..]
            .iter()
            .map(|l| &l.class)
            .find(|c| **c != Class::Blank)
    }

    fn line(&mut self, index: usize) -> Result<(), Error> {
        let lines = self.lines;
        let line = &lines[index];
        let (no, text) = (line.no, line.text.as_str());
        match &line.class {
            Class::Blank => {
                if let Some(section) = &mut self.current {
                    if section.expect == Expect::Checkpoint && section.checkpoint.is_some() {
                        section.expect = Expect::Anything;
                    }
                }
                return Ok(());
            }
            Class::Heading(heading) => {
                self.end_block();
                self.end_section()?;
                let weeks = match &heading.weeks {
                    Some(Ok(w)) => Some(*w),
                    Some(Err(message)) => return Err(self.error(Some(no), message.clone())),
                    None => None,
                };
                if self.title.is_none() {
                    self.title_missing(no)?;
                }
                self.summary_done = true;
                self.current = Some(SectionDraft {
                    line: no,
                    heading: heading.clone(),
                    weeks,
                    checkpoint: None,
                    focus: Vec::new(),
                    items: Vec::new(),
                    group: None,
                    intro_seen: false,
                    expect: Expect::Anything,
                });
                return Ok(());
            }
            Class::Aside => {
                self.end_block();
                self.end_section()?;
                self.summary_done = true;
                self.block = Some(Block {
                    line: no,
                    heading: text.trim_end_matches(':').to_string(),
                    lines: 0,
                });
                return Ok(());
            }
            Class::Derived => {
                self.end_block();
                if self.title.is_some() && self.current.is_none() {
                    self.summary_done = true;
                }
                return Ok(());
            }
            _ => {}
        }
        if let Some(block) = &mut self.block {
            block.lines += 1;
            return Ok(());
        }
        if self.title.is_none() {
            self.title = Some(title_text(&line.class, text));
            return Ok(());
        }
        if self.current.is_some() {
            return self.section_line(index);
        }
        // Before the first section: the summary, or something we do not know.
        match &line.class {
            Class::Text if !self.summary_done => {
                if matches!(self.next_class(index), Some(Class::Bullet(_))) {
                    self.summary_done = true;
                    self.unknown_block(index)
                } else {
                    self.summary.push(text.to_string());
                    Ok(())
                }
            }
            Class::Text if matches!(self.next_class(index), Some(Class::Bullet(_))) => {
                self.unknown_block(index)
            }
            Class::Checkbox(_) | Class::Bullet(_) => self.not_understood(
                no,
                format!(
                    "item {text:?} comes before the first section heading (such as \
                     `Week 1-2: Title`)"
                ),
            ),
            _ => self.not_understood(no, format!("line not understood: {text:?}")),
        }
    }

    /// A line before the first section that heads a list we do not know: left out as a block.
    fn unknown_block(&mut self, index: usize) -> Result<(), Error> {
        let lines = self.lines;
        let line = &lines[index];
        if self.strict {
            return Err(self.error(
                Some(line.no),
                format!(
                    "{:?} heads a list that is not part of the path format; remove it or run \
                     without --strict to skip it with a warning",
                    line.text
                ),
            ));
        }
        self.block = Some(Block {
            line: line.no,
            heading: line.text.trim_end_matches(':').to_string(),
            lines: 0,
        });
        Ok(())
    }

    fn title_missing(&mut self, line: usize) -> Result<(), Error> {
        let fallback = self
            .file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("Imported path")
            .replace(['-', '_'], " ");
        if self.strict {
            return Err(self.error(
                Some(line),
                "the checklist has no title line before its first section; put the path's \
                 title on the first line",
            ));
        }
        self.warnings.push((
            line,
            format!(
                "the checklist has no title line before its first section; the path is titled \
                 {fallback:?}, change it in the path file"
            ),
        ));
        self.title = Some(fallback);
        Ok(())
    }

    fn section_line(&mut self, index: usize) -> Result<(), Error> {
        let lines = self.lines;
        let line = &lines[index];
        let no = line.no;
        let next_is_item = matches!(
            self.next_class(index),
            Some(Class::Checkbox(_) | Class::Bullet(_))
        );
        let Some(section) = self.current.as_mut() else {
            return Ok(());
        };
        match &line.class {
            Class::Checkbox(item) => {
                if item.done {
                    self.checked.push(no);
                }
                if let Some(word) = &item.unknown_kind {
                    let message = format!(
                        "unknown kind {word:?} (use Required, Optional or Reference); the item \
                         is imported as required"
                    );
                    if self.strict {
                        return Err(self.error(Some(no), message));
                    }
                    self.warnings.push((no, message));
                }
                let Some(section) = self.current.as_mut() else {
                    return Ok(());
                };
                section.expect = Expect::Anything;
                if push_item(section, item, no) {
                    Ok(())
                } else {
                    self.not_understood(no, "item has no title".into())
                }
            }
            Class::Bullet(text) => match section.expect {
                Expect::Focus => {
                    section.focus.push(text.clone());
                    Ok(())
                }
                Expect::Checkpoint => {
                    // An outcome list: "After this section you should be able to:" + bullets.
                    let point = text.trim_end_matches(['.', ';', ',']);
                    match &mut section.checkpoint {
                        Some(checkpoint) => {
                            let sep = if checkpoint.ends_with(':') { " " } else { "; " };
                            checkpoint.push_str(sep);
                            checkpoint.push_str(point);
                        }
                        None => section.checkpoint = Some(point.to_string()),
                    }
                    Ok(())
                }
                Expect::Anything => {
                    if push_item(section, &item_text(text, false), no) {
                        Ok(())
                    } else {
                        self.not_understood(no, "item has no title".into())
                    }
                }
            },
            Class::Checkpoint(inline) => {
                section.expect = Expect::Checkpoint;
                if let Some(text) = inline {
                    section.checkpoint = Some(text.clone());
                }
                Ok(())
            }
            Class::Focus(inline) => {
                section.expect = Expect::Focus;
                if let Some(text) = inline {
                    section.focus.push(text.clone());
                }
                Ok(())
            }
            Class::Text => {
                let text = line.text.clone();
                if section.expect == Expect::Checkpoint {
                    // A checkpoint is one paragraph: its first line, and a line that continues a
                    // cut-off sentence; a new sentence is something else.
                    match &mut section.checkpoint {
                        None => {
                            section.checkpoint = Some(text);
                            return Ok(());
                        }
                        Some(checkpoint) if !checkpoint.ends_with(['.', '!', '?', ':']) => {
                            checkpoint.push(' ');
                            checkpoint.push_str(&text);
                            return Ok(());
                        }
                        Some(_) => {}
                    }
                }
                let group_like = text.chars().count() <= 80 && !text.ends_with(['.', '!', '?']);
                if next_is_item && group_like {
                    section.group = Some(text.trim_end_matches(':').trim().to_string());
                    section.expect = Expect::Anything;
                    return Ok(());
                }
                if !section.intro_seen && section.items.is_empty() && section.group.is_none() {
                    section.intro_seen = true;
                    self.intros.push(no);
                    return Ok(());
                }
                self.not_understood(no, format!("line not understood: {text:?}"))
            }
            Class::Blank | Class::Heading(_) | Class::Aside | Class::Derived => Ok(()),
        }
    }

    fn end_block(&mut self) {
        if let Some(block) = self.block.take() {
            let extent = match block.lines {
                0 => String::new(),
                1 => String::from(" and the line after it"),
                n => format!(" and the {n} lines after it"),
            };
            self.warnings.push((
                block.line,
                format!(
                    "left out {:?}{extent}: the path format has no place for it",
                    block.heading
                ),
            ));
        }
    }

    fn end_section(&mut self) -> Result<(), Error> {
        let Some(section) = self.current.take() else {
            return Ok(());
        };
        if section.items.is_empty() {
            let hint = if section.focus.is_empty() {
                ""
            } else {
                "; to keep it, turn its focus points into items by hand"
            };
            let message = format!(
                "section {:?} has no items (lines such as \
                 `- [ ] Required -- Title (30 min)`){hint}",
                section.heading.title
            );
            if self.strict {
                return Err(self.error(Some(section.line), message));
            }
            self.warnings
                .push((section.line, format!("left out: {message}")));
            return Ok(());
        }
        self.sections.push(section);
        Ok(())
    }

    fn finish(mut self) -> Result<Imported, Error> {
        self.end_block();
        self.end_section()?;
        let Some(title) = self.title.take() else {
            return Err(self.error(None, "the checklist is empty"));
        };
        if self.sections.is_empty() {
            return Err(self.error(
                None,
                "found no sections with items; sections start at headings such as \
                 `Week 1-2: Database Fundamentals` or `Beginner: build a solid API foundation`, \
                 items are lines such as `- [ ] Required -- Storage Engines (30 min)`",
            ));
        }
        if let Some(&first) = self.intros.first() {
            self.warnings.push((
                first,
                format!(
                    "left out {} section intro paragraph(s) (lines {}): the path format has no \
                     field for them",
                    self.intros.len(),
                    join_lines(&self.intros)
                ),
            ));
        }
        if let Some(&first) = self.checked.first() {
            self.warnings.push((
                first,
                format!(
                    "{} item(s) are ticked off (lines {}); a path file has no progress, mark \
                     them with `studyplan done` after planning",
                    self.checked.len(),
                    join_lines(&self.checked)
                ),
            ));
        }
        let unestimated: Vec<usize> = self
            .sections
            .iter()
            .flat_map(|s| s.items.iter())
            .filter(|i| i.minutes.is_none())
            .map(|i| i.line)
            .collect();
        if let Some(&first) = unestimated.first() {
            self.warnings.push((
                first,
                format!(
                    "{} item(s) give no time, or 0 or more than 10,000 minutes (lines {}); they \
                     get default_minutes: {DEFAULT_MINUTES}, adjust it or add `minutes:` to each \
                     item",
                    unestimated.len(),
                    join_lines(&unestimated)
                ),
            ));
        }
        let path = OutPath {
            id: path_id(&title),
            title,
            summary: (!self.summary.is_empty()).then(|| self.summary.join(" ")),
            default_minutes: (!unestimated.is_empty()).then_some(DEFAULT_MINUTES),
            sections: out_sections(&self.sections),
        };
        let yaml = serde_norway::to_string(&path)
            .map_err(|e| self.error(None, format!("cannot write the path as YAML: {e}")))?;
        let yaml = space_sections(&yaml);
        // The importer's output must always be a valid path file; if not, that is a bug here.
        if let Err(e) = load_str(&yaml, Path::new("imported.yaml")) {
            return Err(self.error(
                None,
                format!("the imported path does not validate ({e}); please report this"),
            ));
        }
        self.warnings.sort_by_key(|(line, _)| *line);
        Ok(Imported {
            yaml,
            warnings: self.warnings,
        })
    }
}

/// A blank line before `sections:` and between sections, for people reading the file. Only the
/// section entries start a line with `- ` at column 0: scalars never span lines unindented.
fn space_sections(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + 64);
    let mut previous = "";
    for line in yaml.lines() {
        if (line.starts_with("- ") && previous != "sections:") || line.starts_with("sections:") {
            out.push('\n');
        }
        previous = line;
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn title_text(class: &Class, text: &str) -> String {
    match class {
        Class::Bullet(t) => t.clone(),
        _ => text.to_string(),
    }
}

/// Adds the item; false when it has no title and was not added.
fn push_item(section: &mut SectionDraft, item: &ItemText, line: usize) -> bool {
    if item.title.is_empty() {
        return false;
    }
    section.items.push(ItemDraft {
        line,
        title: item.title.clone(),
        kind: item.kind,
        minutes: item.minutes,
        group: section.group.clone(),
    });
    true
}

fn join_lines(lines: &[usize]) -> String {
    let shown: Vec<String> = lines.iter().take(12).map(usize::to_string).collect();
    let more = if lines.len() > 12 { ", …" } else { "" };
    format!("{}{more}", shown.join(", "))
}

/// `Backend Engineer Learning Path` → `backend-engineer`; the words "learning path" say nothing.
fn path_id(title: &str) -> String {
    let full = slug(title);
    let words: Vec<&str> = full.split('-').collect();
    let mut kept: Vec<&str> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        if words[i] == "learning" && words.get(i + 1) == Some(&"path") {
            i += 2;
        } else {
            kept.push(words[i]);
            i += 1;
        }
    }
    if kept.is_empty() {
        full
    } else {
        kept.join("-")
    }
}

/// Ids that do not clash: the default slug when free, else with `-2`, `-3`, ….
fn unique_id(base: &str, taken: &mut HashSet<String>) -> String {
    let mut id = base.to_string();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

fn out_sections(sections: &[SectionDraft]) -> Vec<OutSection> {
    let mut section_ids = HashSet::new();
    sections
        .iter()
        .map(|s| {
            let title = s.heading.title.clone();
            let default = slug(&title);
            let id = unique_id(
                s.heading.id.as_deref().unwrap_or(&default),
                &mut section_ids,
            );
            let mut item_ids = HashSet::new();
            let items = s
                .items
                .iter()
                .map(|i| {
                    let default = slug(&i.title);
                    let id = unique_id(&default, &mut item_ids);
                    OutItem {
                        title: i.title.clone(),
                        kind: i.kind,
                        minutes: i.minutes,
                        group: i.group.clone(),
                        id: (id != default).then_some(id),
                    }
                })
                .collect();
            OutSection {
                id: (id != default).then_some(id),
                title,
                weeks: s.weeks.map(OutWeeks),
                checkpoint: s.checkpoint.clone(),
                focus: s.focus.clone(),
                items,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The YAML shape, in the field order of the contract.

#[derive(Serialize)]
struct OutPath {
    id: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_minutes: Option<u32>,
    sections: Vec<OutSection>,
}

#[derive(Serialize)]
struct OutSection {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    weeks: Option<OutWeeks>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checkpoint: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    focus: Vec<String>,
    items: Vec<OutItem>,
}

#[derive(Serialize)]
struct OutItem {
    title: String,
    kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    minutes: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
}

/// Weeks as the path file writes them: `3` (a number) or `1-2` (text).
struct OutWeeks(Weeks);

impl Serialize for OutWeeks {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.first == self.0.last {
            serializer.serialize_u32(self.0.first)
        } else {
            serializer.serialize_str(&self.0.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::LearningPath;

    fn import(text: &str) -> Imported {
        import_checklist(text, Path::new("list.md"), false).unwrap()
    }

    fn loaded(imported: &Imported) -> LearningPath {
        load_str(&imported.yaml, Path::new("imported.yaml")).unwrap()
    }

    fn strict_error(text: &str) -> (Option<usize>, String) {
        match import_checklist(text, Path::new("list.md"), true) {
            Err(Error::Checklist { line, message, .. }) => (line, message),
            Err(other) => panic!("unexpected error kind: {other}"),
            Ok(_) => panic!("expected a strict error"),
        }
    }

    const WEEKS: &str = "\
Backend Engineer Learning Path
A structured journey: databases first.
Who This Is For
- Software engineers
- Juniors
Total estimated time: ~2 hours across 2 weeks
Learning Progression
Week 1-2: Database Fundamentals
Estimated reading time: 1 hour
You need to understand databases first.
- [ ] Required -- Storage Engines (30 min)
- [x] Optional -- Redis: Internals (25 min)
Schema design practice:
- [ ] Required -- E-Commerce Schema Design (25 min)
- [ ] Reference -- SQL Cheat Sheet (1.5 hours)
Checkpoint
After this section you should be able to: explain WAL.
Week 3: Caching & CDNs
- [ ] Required -- Caching (20 min)
- [ ] Caching (10 min)
What You Will Be Able to Do After This Path
- Design schemas
Total Progress
";

    #[test]
    fn imports_week_sections() {
        let imported = import(WEEKS);
        let path = loaded(&imported);
        assert_eq!(path.id, "backend-engineer");
        assert_eq!(path.title, "Backend Engineer Learning Path");
        assert_eq!(
            path.summary.as_deref(),
            Some("A structured journey: databases first.")
        );
        assert_eq!(path.sections.len(), 2);
        let db = &path.sections[0];
        assert_eq!(db.id, "database-fundamentals");
        assert_eq!(db.weeks, Some(Weeks { first: 1, last: 2 }));
        assert_eq!(
            db.checkpoint.as_deref(),
            Some("After this section you should be able to: explain WAL.")
        );
        let titles: Vec<&str> = db.items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Storage Engines",
                "Redis: Internals",
                "E-Commerce Schema Design",
                "SQL Cheat Sheet"
            ]
        );
        assert_eq!(db.items[1].kind, Kind::Optional);
        assert_eq!(db.items[3].kind, Kind::Reference);
        assert_eq!(db.items[3].minutes, 90);
        assert_eq!(db.items[0].group, None);
        assert_eq!(db.items[2].group.as_deref(), Some("Schema design practice"));
        let caching = &path.sections[1];
        assert_eq!(caching.id, "caching-cdns");
        assert_eq!(caching.weeks, Some(Weeks { first: 3, last: 3 }));
        assert_eq!(caching.items[0].id, "caching");
        assert_eq!(caching.items[1].id, "caching-2");
        assert!(imported.yaml.contains("weeks: 3\n"), "{}", imported.yaml);
        assert!(imported.yaml.contains("weeks: 1-2\n"), "{}", imported.yaml);
        assert!(!imported.yaml.contains("default_minutes"));

        let warned: Vec<usize> = imported.warnings.iter().map(|(l, _)| *l).collect();
        assert_eq!(warned, [3, 10, 12, 21, 23], "{:?}", imported.warnings);
        let text = |line: usize| {
            imported
                .warnings
                .iter()
                .find(|(l, _)| *l == line)
                .map(|(_, m)| m.clone())
                .unwrap_or_default()
        };
        assert!(text(3).contains("\"Who This Is For\" and the 2 lines after it"));
        assert!(text(10).contains("intro"));
        assert!(text(12).contains("ticked off"));
        assert!(text(21).contains("What You Will Be Able to Do After This Path"));
        assert!(text(23).contains("Total Progress"));
    }

    const LEVELS_TEXT: &str = "\
Backend Learning Path: Beginner to Advanced
Learn in layers.
Beginner: build a solid API foundation
Focus on:
- request validation
- thin controllers
Intermediate: learn resilience
- API Rate Limiting
- Redis Caching (40 min)
Focus on:
- protecting capacity
Expected outcome
You can design a backend.
Continue Reading
Related posts
Saga Orchestration vs Choreography in Real Systems
How to choose.
";

    #[test]
    fn imports_level_sections() {
        let imported = import(LEVELS_TEXT);
        let path = loaded(&imported);
        assert_eq!(path.id, "backend-beginner-to-advanced");
        // The beginner level has no items, so it is left out with a warning.
        assert_eq!(path.sections.len(), 1);
        let section = &path.sections[0];
        assert_eq!(section.id, "intermediate");
        assert_eq!(section.title, "Intermediate: learn resilience");
        assert_eq!(section.weeks, None);
        assert_eq!(section.focus, ["protecting capacity"]);
        assert_eq!(section.items[0].minutes, DEFAULT_MINUTES);
        assert_eq!(section.items[1].minutes, 40);
        assert!(imported.yaml.contains("default_minutes: 45"));
        assert!(imported.yaml.contains("id: intermediate"));
        let warned: Vec<usize> = imported.warnings.iter().map(|(l, _)| *l).collect();
        assert_eq!(warned, [3, 8, 12, 14, 15], "{:?}", imported.warnings);
        assert!(imported.warnings[4]
            .1
            .contains("Related posts\" and the 2 lines"));
        let (line, message) = strict_error(LEVELS_TEXT);
        assert_eq!(line, Some(3));
        assert!(message.contains("has no items"), "{message}");
    }

    #[test]
    fn strict_rejects_lines_it_does_not_understand() {
        let text =
            "T\nWeek 1: A\n- [ ] Required -- X (5 min)\nCheckpoint\nDone.\nStray words here.\n";
        let (line, message) = strict_error(text);
        assert_eq!(line, Some(6));
        assert!(message.contains("line not understood"), "{message}");
        let relaxed = import(text);
        assert_eq!(relaxed.warnings.len(), 1);
        assert_eq!(relaxed.warnings[0].0, 6);
        assert_eq!(
            loaded(&relaxed).sections[0].checkpoint.as_deref(),
            Some("Done.")
        );

        let (line, message) = strict_error("T\nWeek 1: A\n- [ ] Bonus -- X (5 min)\n");
        assert_eq!(line, Some(3));
        assert!(message.contains("unknown kind \"Bonus\""), "{message}");
        let (line, _) =
            strict_error("T\n- [ ] Required -- X (5 min)\nWeek 1: A\n- [ ] Y (5 min)\n");
        assert_eq!(line, Some(2));
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        for text in [
            "",
            "\n\n",
            "Only a title",
            "T\nWeek 0: Zero\n- [ ] X (5 min)\n",
            "- [",
            "Week 3-1: X",
        ] {
            assert!(
                import_checklist(text, Path::new("x.md"), false).is_err(),
                "{text:?}"
            );
        }
        let err = import_checklist(
            "T\nWeek 3-1: X\n- [ ] A (5 min)\n",
            Path::new("x.md"),
            false,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("x.md:2: weeks run backwards"),
            "{err}"
        );
        // Odd but harmless lines never panic.
        let odd = "T\nWeek 1: A\n- [ ]\n- [ ] Required --\n- [ ] (5 min)\n- [ ] A (0 min)\n- [ ] B (99999 h)\n- [?] C\n-\n";
        let imported = import(odd);
        assert!(loaded(&imported).sections[0].items.len() >= 2);
    }

    #[test]
    fn group_after_a_checkpoint() {
        let text = "T\nWeek 1: A\n- [ ] X (5 min)\nCheckpoint\nYou can do\nthings now.\nStretch goals\n- [ ] Optional -- Y (5 min)\n";
        let imported = import_checklist(text, Path::new("x.md"), true).unwrap();
        let path = loaded(&imported);
        let section = &path.sections[0];
        assert_eq!(
            section.checkpoint.as_deref(),
            Some("You can do things now.")
        );
        assert_eq!(section.items[1].group.as_deref(), Some("Stretch goals"));
        assert_eq!(section.items[1].kind, Kind::Optional);
    }

    #[test]
    fn markdown_decorations() {
        let text = "# My Path\n\n## Week 1: Basics\n\n* [ ] Required -- One (10 min)\n\n**Checkpoint**\n\nYou know it.\n";
        let path = loaded(&import(text));
        assert_eq!(path.title, "My Path");
        assert_eq!(path.sections[0].items[0].minutes, 10);
        assert_eq!(path.sections[0].checkpoint.as_deref(), Some("You know it."));
    }

    #[test]
    fn durations() {
        assert_eq!(duration_minutes("30 min"), Some(30));
        assert_eq!(duration_minutes("~30 minutes"), Some(30));
        assert_eq!(duration_minutes("1.5 hours"), Some(90));
        assert_eq!(duration_minutes("1h 30m"), Some(90));
        assert_eq!(duration_minutes("0 min"), None);
        assert_eq!(split_minutes("Eta (0 min)"), ("Eta", None));
        assert_eq!(split_minutes("Theta (99999 h)"), ("Theta", None));
        assert_eq!(split_minutes("Iota (see 2 h)"), ("Iota (see 2 h)", None));
        assert_eq!(split_minutes("Eta (draft)"), ("Eta (draft)", None));
        assert_eq!(duration_minutes("optional"), None);
        assert_eq!(duration_minutes("1.2.3 min"), None);
        assert_eq!(split_minutes("OAuth2 (OIDC)"), ("OAuth2 (OIDC)", None));
    }

    /// The first seed, when it is checked out beside the repository (as in CI).
    #[test]
    fn imports_the_backend_engineer_seed() {
        let seed = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/seeds/backend-engineer-learning-path.txt");
        let Ok(text) = std::fs::read_to_string(&seed) else {
            stderr!("skipped: {} is not available", seed.display());
            return;
        };
        let imported = import_checklist(&text, &seed, true).unwrap();
        let path = loaded(&imported);
        assert_eq!(path.id, "backend-engineer");
        assert_eq!(path.sections.len(), 12);
        assert_eq!(path.items().count(), 184);
        assert_eq!(path.minutes_of(Kind::Required), 2525);
        assert_eq!(path.minutes_of(Kind::Optional), 1520);
        assert_eq!(path.minutes_of(Kind::Reference), 35);
        // The bundled file was generated from this seed and reviewed; the content must agree.
        let bundled = crate::path::bundled::find("backend-engineer").unwrap();
        let bundled = crate::path::bundled::load(bundled).unwrap();
        assert_eq!(bundled.sections.len(), path.sections.len());
        for (a, b) in bundled.items().zip(path.items()) {
            assert_eq!(
                (&a.0.id, &a.1.title, a.1.kind, a.1.minutes, &a.1.group),
                (&b.0.id, &b.1.title, b.1.kind, b.1.minutes, &b.1.group)
            );
        }
    }
}
