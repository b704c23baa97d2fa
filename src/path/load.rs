//! Loading a path file: YAML text → validated [`LearningPath`].
//!
//! The YAML is first deserialized (module `path::yaml`) into plain `Raw*` structs that mirror the
//! file format exactly (`deny_unknown_fields`), so the YAML library's own errors name the offending
//! key. Every value comes wrapped in `Spanned`, which records where it was written, so each
//! check below can point at the exact line and column, in block and flow style alike. The raw
//! values are then checked and resolved into the domain types: ids defaulted and checked for
//! duplicates, minutes and weeks range-checked, prerequisites resolved to full ids and checked
//! for cycles.

use super::yaml::{self, Pos, Spanned, Value};
use super::{slug, Item, Kind, LearningPath, Section, Weeks};
use crate::error::Error;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// The last week a section window may reach: ten years of weekly study.
const MAX_WEEK: u32 = 520;
/// The longest single item, in minutes (about a week of full-time work).
pub const MAX_MINUTES: u32 = 10_000;
/// The largest path file read, in bytes: far above any real path (the bundled ones are a few
/// kilobytes), and low enough that `/dev/zero` or a mistyped multi-gigabyte file is refused
/// instead of filling memory.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The most items a path may hold; 10,000-item paths are tested, twice that is still accepted.
pub const MAX_ITEMS: usize = 20_000;

/// Parses a week window: `"3"`, `"1-2"`, `"1–2"` (en dash) or `"1 - 2"`; weeks are 1-based.
///
/// # Errors
///
/// A message fragment (no file or line) when the text is not a week or a range of weeks, a week
/// is 0 or later than week 520, or the range runs backwards.
pub fn parse_weeks(s: &str) -> Result<Weeks, String> {
    let text = s.trim();
    if text.is_empty() {
        return Err("weeks is empty; write a week such as `3` or a range such as `1-2`".into());
    }
    if text.starts_with(['-', '–', '—']) {
        return Err(format!(
            "weeks cannot be negative (`{text}`); weeks start at 1, the week of the start date"
        ));
    }
    let (first, last) = match text.split_once(['-', '–', '—']) {
        Some((a, b)) => (week_number(a, text)?, week_number(b, text)?),
        None => {
            let week = week_number(text, text)?;
            (week, week)
        }
    };
    if first > last {
        return Err(format!(
            "weeks run backwards ({first}-{last}); write the earlier week first: `{last}-{first}`"
        ));
    }
    Ok(Weeks { first, last })
}

fn week_number(part: &str, whole: &str) -> Result<u32, String> {
    let digits = part.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "`{whole}` is not a week or a range of weeks; write a week such as `3` or a range \
             such as `1-2`"
        ));
    }
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Err("weeks start at 1, not 0".into());
    }
    match digits.parse::<u32>() {
        Ok(week) if week <= MAX_WEEK => Ok(week),
        _ => Err(format!(
            "week {digits} is more than 10 years after the start; weeks count from the plan's \
             start date and go up to {MAX_WEEK}"
        )),
    }
}

/// Reads and validates a path file.
///
/// # Errors
///
/// [`Error::Read`] when the file is missing or unreadable; [`Error::PathFile`] for a directory,
/// text that is not UTF-8, and everything [`load_str`] rejects.
pub fn load_file(file: &Path) -> Result<LearningPath, Error> {
    if file.is_dir() {
        return Err(Error::PathFile {
            file: file.to_path_buf(),
            line: None,
            column: None,
            message: "this is a directory, not a path file; pass a `.yaml` file such as \
                      `paths/backend-engineer.yaml`"
                .into(),
        });
    }
    let bytes = read_limited(file)?;
    match std::str::from_utf8(&bytes) {
        Ok(text) => load_str(text, file),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            // The prefix is valid UTF-8 by definition; the fallback never triggers.
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            let line = prefix.matches('\n').count() + 1;
            let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let byte = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
            Err(Error::PathFile {
                file: file.to_path_buf(),
                line: Some(line),
                column: Some(column),
                message: format!(
                    "the file is not UTF-8 text (byte 0x{byte:02x} at offset {} is not valid \
                     UTF-8); save it with UTF-8 encoding",
                    e.valid_up_to()
                ),
            })
        }
    }
}

/// Parses and validates path-file text. `file` is only used in error messages and, when the
/// file sets no `id`, to derive the path id from its stem.
///
/// # Errors
///
/// [`Error::PathFile`] with the line and column where known: YAML syntax, unknown keys, wrong
/// types, missing or empty titles, bad ids, duplicate ids, bad weeks or minutes, unknown
/// prerequisites and prerequisite cycles, and files past the size, item or nesting limits.
pub fn load_str(text: &str, file: &Path) -> Result<LearningPath, Error> {
    let whole_file = |message: String| Error::PathFile {
        file: file.to_path_buf(),
        line: None,
        column: None,
        message,
    };
    if text.len() > MAX_FILE_BYTES {
        return Err(whole_file(too_large(text.len() as u64)));
    }
    if is_blank_yaml(text) {
        return Err(whole_file(
            "the file is empty; a path file needs at least a `title` and `sections`".into(),
        ));
    }
    let raw: Spanned<RawPath> =
        yaml::parse(text, expecting).map_err(|problem| Error::PathFile {
            file: file.to_path_buf(),
            line: problem.at.map(|p| p.line),
            column: problem.at.map(|p| p.column),
            message: clip_quoted(&problem.message),
        })?;
    let items: usize = raw
        .value
        .sections
        .iter()
        .filter_map(|s| s.value.as_ref())
        .flatten()
        .filter_map(|s| s.value.items.as_ref())
        .filter_map(|items| items.value.as_ref())
        .map(Vec::len)
        .sum();
    if items > MAX_ITEMS {
        return Err(whole_file(format!(
            "the path has {items} items, more than the limit of {MAX_ITEMS}; split it into \
             several path files"
        )));
    }
    Checker { file }.path(raw)
}

/// Reads at most one byte more than [`MAX_FILE_BYTES`], so a huge or endless file such as
/// `/dev/zero` is refused instead of filling memory.
fn read_limited(file: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read as _;
    let read_err = |source| Error::Read {
        file: file.to_path_buf(),
        source,
    };
    let handle = std::fs::File::open(file).map_err(read_err)?;
    let mut bytes = Vec::new();
    handle
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() > MAX_FILE_BYTES {
        let size = std::fs::metadata(file)
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map_or(bytes.len() as u64, |m| m.len());
        return Err(Error::PathFile {
            file: file.to_path_buf(),
            line: None,
            column: None,
            message: too_large(size),
        });
    }
    Ok(bytes)
}

fn too_large(size: u64) -> String {
    format!(
        "the file is {} bytes, more than the limit of {} MB for a path file; split it into \
         several path files",
        size,
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

/// Whether the text holds no YAML content at all: only blank lines, comments and document
/// markers. Such a file is "empty", which says more than the YAML library's "expected a mapping".
fn is_blank_yaml(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim_start_matches('\u{feff}').trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}

// ---------------------------------------------------------------------------------------------
// The file format, exactly as written. Each value is `Spanned` so that the checks can say where
// it is; the keys whose value the checks, not serde, interpret are `Value`s; `present` keeps a
// key written with a null value (`minutes: ~`, `items:`) as `Some`, with its position.

const PATH_FILE: &str = "a path file: a mapping with `title` and `sections`";
const A_SECTION: &str = "a section: a mapping with `title` and `items`";
const AN_ITEM: &str = "an item: a mapping with `title` and `minutes`";

/// What belongs at a key path, for messages about a value of the wrong type.
fn expecting(path: &str) -> Option<&'static str> {
    let indexed = path.ends_with(']');
    if path.is_empty() {
        Some(PATH_FILE)
    } else if indexed && path.starts_with("sections[") && path.contains(".items[") {
        Some(AN_ITEM)
    } else if indexed && path.starts_with("sections[") && !path.contains('.') {
        Some(A_SECTION)
    } else {
        None
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPath {
    id: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    summary: Option<Spanned<String>>,
    #[serde(default, deserialize_with = "yaml::present")]
    default_minutes: Option<Spanned<Value>>,
    #[serde(default, deserialize_with = "yaml::present")]
    sections: Option<Spanned<Option<Vec<Spanned<RawSection>>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    #[serde(default, deserialize_with = "yaml::present")]
    weeks: Option<Spanned<Value>>,
    checkpoint: Option<Spanned<String>>,
    focus: Option<Vec<Spanned<String>>>,
    #[serde(default, deserialize_with = "yaml::present")]
    items: Option<Spanned<Option<Vec<Spanned<RawItem>>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    title: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    #[serde(default, deserialize_with = "yaml::present")]
    minutes: Option<Spanned<Value>>,
    group: Option<Spanned<String>>,
    id: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    #[serde(default, deserialize_with = "yaml::present")]
    after: Option<Spanned<Value>>,
}

/// The position of an optional value.
fn pos<T>(value: Option<&Spanned<T>>) -> Option<Pos> {
    value.and_then(Pos::of)
}

/// Shortens every quoted part of a message (between backticks or double quotes) longer than 80
/// characters to its first 60 and `…`, so a 2,000-character title or key in an error stays a
/// readable one-line message.
fn clip_quoted(message: &str) -> String {
    const LONGEST: usize = 80;
    const KEEP: usize = 60;
    let mut out = String::with_capacity(message.len().min(1024));
    let mut rest = message;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = &rest[open..=open];
        let inner_start = open + 1;
        let Some(len) = rest[inner_start..].find(quote) else {
            break;
        };
        let inner = &rest[inner_start..inner_start + len];
        out.push_str(&rest[..inner_start]);
        if inner.chars().count() > LONGEST {
            out.extend(inner.chars().take(KEEP));
            out.push('…');
        } else {
            out.push_str(inner);
        }
        out.push_str(quote);
        rest = &rest[inner_start + len + 1..];
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// Validation.

struct Checker<'a> {
    file: &'a Path,
}

/// Where a section's parts were written, kept until duplicates and prerequisites are checked.
struct SectionAt {
    entry: Option<Pos>,
    /// The `id:` value, when the section sets one.
    id: Option<Pos>,
    title: Option<Pos>,
    items: Vec<ItemAt>,
}

/// A text and where it was written (or, for an error message, where it points).
type Placed = (String, Option<Pos>);

/// Where an item's parts were written.
struct ItemAt {
    entry: Option<Pos>,
    /// The `id:` value, when the item sets one.
    id: Option<Pos>,
    title: Option<Pos>,
    /// The `after:` value.
    after: Option<Pos>,
    /// Each `after` entry as written, and where; once resolved, the full ids instead.
    entries: Vec<Placed>,
}

impl ItemAt {
    /// The `after` entry that names `prerequisite` (a full id), else the `after:` value.
    fn entry_naming(&self, prerequisite: &str) -> Option<Pos> {
        self.entries
            .iter()
            .find(|(id, _)| id == prerequisite)
            .and_then(|&(_, at)| at)
            .or(self.after)
            .or(self.entry)
    }
}

impl Checker<'_> {
    fn err(&self, at: Option<Pos>, message: impl Into<String>) -> Error {
        Error::PathFile {
            file: self.file.to_path_buf(),
            line: at.map(|p| p.line),
            column: at.map(|p| p.column),
            message: clip_quoted(&message.into()),
        }
    }

    fn path(&self, raw: Spanned<RawPath>) -> Result<LearningPath, Error> {
        let top = Pos::of(&raw);
        let raw = raw.value;
        let id = match &raw.id {
            Some(id) => check_id("path", &id.value).map_err(|m| self.err(Pos::of(id), m))?,
            None => default_path_id(self.file),
        };
        let title = match &raw.title {
            Some(t) => {
                check_title("the path title", &t.value).map_err(|m| self.err(Pos::of(t), m))?
            }
            None => {
                return Err(self.err(
                    top,
                    "the path has no title; add `title: ...` at the top of the file",
                ))
            }
        };
        let summary = match &raw.summary {
            Some(s) => check_prose("the summary", &s.value).map_err(|m| self.err(Pos::of(s), m))?,
            None => None,
        };
        let default_minutes = match &raw.default_minutes {
            Some(v) if v.value != Value::Null => Some(
                minutes_from_value(&v.value, "default_minutes")
                    .map_err(|m| self.err(Pos::of(v), m))?,
            ),
            _ => None,
        };
        let sections_at = pos(raw.sections.as_ref()).or(top);
        let raw_sections = raw.sections.and_then(|s| s.value).unwrap_or_default();
        if raw_sections.is_empty() {
            return Err(self.err(
                sections_at,
                "the path has no sections; add a `sections:` list with at least one section",
            ));
        }

        let mut sections = Vec::with_capacity(raw_sections.len());
        let mut places: Vec<SectionAt> = Vec::with_capacity(raw_sections.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (index, raw_section) in raw_sections.into_iter().enumerate() {
            let (section, at) = self.section(index, raw_section, default_minutes)?;
            if let Some(&other) = seen.get(&section.id) {
                return Err(self.duplicate_section(&section.id, other, &places[other], &at));
            }
            seen.insert(section.id.clone(), index);
            sections.push(section);
            places.push(at);
        }
        self.resolve_after(&mut sections, &mut places)?;
        self.check_order(&sections, &places)?;
        Ok(LearningPath {
            id,
            title,
            summary,
            sections,
        })
    }

    fn duplicate_section(&self, id: &str, first: usize, a: &SectionAt, b: &SectionAt) -> Error {
        let explicit = a.id.is_some() || b.id.is_some();
        let at = b.id.or(b.title).or(b.entry);
        let other = match a.entry {
            Some(p) => format!("the section at line {}", p.line),
            None => format!("section {}", first + 1),
        };
        if explicit {
            self.err(
                at,
                format!(
                    "duplicate section id `{id}`: {other} has it too; give one of them a \
                     different `id:`"
                ),
            )
        } else {
            self.err(
                at,
                format!(
                    "duplicate section id `{id}`: this section and {other} both get it from \
                     their titles; set `id:` on one of them"
                ),
            )
        }
    }

    fn section(
        &self,
        index: usize,
        raw: Spanned<RawSection>,
        default_minutes: Option<u32>,
    ) -> Result<(Section, SectionAt), Error> {
        let entry = Pos::of(&raw);
        let raw = raw.value;
        let mut at = SectionAt {
            entry,
            id: pos(raw.id.as_ref()),
            title: pos(raw.title.as_ref()),
            items: Vec::new(),
        };
        let title = match &raw.title {
            Some(t) => {
                check_title("the section title", &t.value).map_err(|m| self.err(at.title, m))?
            }
            None => {
                return Err(self.err(
                    entry,
                    format!("section {} has no title; add `title: ...`", index + 1),
                ))
            }
        };
        let id = match &raw.id {
            Some(id) => check_id("section", &id.value).map_err(|m| self.err(at.id, m))?,
            None => slug(&title),
        };
        let weeks = match &raw.weeks {
            Some(v) if v.value != Value::Null => {
                Some(weeks_from_value(&v.value).map_err(|m| self.err(Pos::of(v), m))?)
            }
            _ => None,
        };
        let checkpoint = match &raw.checkpoint {
            Some(c) => {
                check_prose("the checkpoint", &c.value).map_err(|m| self.err(Pos::of(c), m))?
            }
            None => None,
        };
        let mut focus = Vec::new();
        for entry in raw.focus.unwrap_or_default() {
            focus.push(
                check_title("a focus entry", &entry.value)
                    .map_err(|m| self.err(Pos::of(&entry), m))?,
            );
        }
        let items_at = pos(raw.items.as_ref()).or(entry);
        let raw_items = raw.items.and_then(|i| i.value).unwrap_or_default();
        if raw_items.is_empty() {
            return Err(self.err(
                items_at,
                format!("section `{id}` has no items; add at least one item under `items:`"),
            ));
        }

        let mut items = Vec::with_capacity(raw_items.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (j, raw_item) in raw_items.into_iter().enumerate() {
            let (item, item_at) = self.item(j, &id, raw_item, default_minutes)?;
            if let Some(&other) = seen.get(&item.id) {
                let first = (other, &at.items[other]);
                return Err(self.duplicate_item(&id, &item.id, first, (j, &item_at)));
            }
            seen.insert(item.id.clone(), j);
            items.push(item);
            at.items.push(item_at);
        }
        let section = Section {
            id,
            title,
            weeks,
            checkpoint,
            focus,
            items,
        };
        Ok((section, at))
    }

    /// `first` and `second` are the two items' indexes and places.
    fn duplicate_item(
        &self,
        section: &str,
        id: &str,
        (first, a): (usize, &ItemAt),
        (second, b): (usize, &ItemAt),
    ) -> Error {
        let at = b.id.or(b.title).or(b.entry);
        let name = |index: usize, item: &ItemAt| match item.entry {
            Some(p) => format!("the item at line {}", p.line),
            None => format!("item {}", index + 1),
        };
        let (this, other) = (name(second, b), name(first, a));
        if a.id.is_some() || b.id.is_some() {
            self.err(
                at,
                format!(
                    "duplicate item id `{id}` in section `{section}`: {this} and {other} both \
                     use it; item ids must be unique within a section, so change one `id:`"
                ),
            )
        } else {
            self.err(
                at,
                format!(
                    "duplicate item id `{id}` in section `{section}`: {this} and {other} both \
                     get it from their titles; set `id:` on one of them to tell them apart"
                ),
            )
        }
    }

    fn item(
        &self,
        j: usize,
        section_id: &str,
        raw: Spanned<RawItem>,
        default_minutes: Option<u32>,
    ) -> Result<(Item, ItemAt), Error> {
        let entry = Pos::of(&raw);
        let raw = raw.value;
        let mut at = ItemAt {
            entry,
            id: pos(raw.id.as_ref()),
            title: pos(raw.title.as_ref()),
            after: pos(raw.after.as_ref()),
            entries: Vec::new(),
        };
        let title = match &raw.title {
            Some(t) => {
                check_title("the item title", &t.value).map_err(|m| self.err(at.title, m))?
            }
            None => {
                return Err(self.err(
                    entry,
                    format!(
                        "item {} of section `{section_id}` has no title; add `title: ...`",
                        j + 1
                    ),
                ))
            }
        };
        let id = match &raw.id {
            Some(id) => check_id("item", &id.value).map_err(|m| self.err(at.id, m))?,
            None => slug(&title),
        };
        let kind = match &raw.kind {
            None => Kind::Required,
            Some(k) => match k.value.trim() {
                k if k.eq_ignore_ascii_case("required") => Kind::Required,
                k if k.eq_ignore_ascii_case("optional") => Kind::Optional,
                k if k.eq_ignore_ascii_case("reference") => Kind::Reference,
                other => {
                    return Err(self.err(
                        Pos::of(k),
                        format!(
                            "unknown kind `{other}`; use `required`, `optional` or `reference`"
                        ),
                    ))
                }
            },
        };
        let minutes = match (&raw.minutes, default_minutes) {
            (Some(v), _) if v.value != Value::Null => {
                minutes_from_value(&v.value, "minutes").map_err(|m| self.err(Pos::of(v), m))?
            }
            (_, Some(d)) => d,
            (written, None) => {
                return Err(self.err(
                    pos(written.as_ref()).or(at.title).or(entry),
                    "item has no minutes and the path sets no default_minutes; add `minutes:` \
                     to the item or `default_minutes:` at the top of the file",
                ))
            }
        };
        let group = match &raw.group {
            Some(g) => {
                Some(check_title("the group", &g.value).map_err(|m| self.err(Pos::of(g), m))?)
            }
            None => None,
        };
        let url = match &raw.url {
            Some(u) => Some(check_url(&u.value).map_err(|m| self.err(Pos::of(u), m))?),
            None => None,
        };
        if let Some(after) = &raw.after {
            at.entries = after_from_value(after).map_err(|(m, p)| self.err(p, m))?;
        }
        let item = Item {
            id,
            title,
            kind,
            minutes,
            group,
            url,
            after: Vec::new(),
        };
        Ok((item, at))
    }

    /// Resolves `after` entries to full ids; bare item ids mean the item's own section.
    fn resolve_after(
        &self,
        sections: &mut [Section],
        places: &mut [SectionAt],
    ) -> Result<(), Error> {
        let mut known: HashSet<String> = HashSet::new();
        for section in sections.iter() {
            for item in &section.items {
                known.insert(format!("{}/{}", section.id, item.id));
            }
        }
        for (s, section_at) in places.iter_mut().enumerate() {
            for (j, item_at) in section_at.items.iter_mut().enumerate() {
                let section_id = sections[s].id.clone();
                let own = format!("{section_id}/{}", sections[s].items[j].id);
                let mut resolved: Vec<String> = Vec::with_capacity(item_at.entries.len());
                let mut resolved_at = Vec::with_capacity(item_at.entries.len());
                for (entry, entry_at) in std::mem::take(&mut item_at.entries) {
                    let at = entry_at.or(item_at.after).or(item_at.entry);
                    let entry = entry.trim();
                    if entry.is_empty() {
                        return Err(self.err(
                            at,
                            format!("`after` of `{own}` has an empty entry; remove it"),
                        ));
                    }
                    let full = if entry.contains('/') {
                        entry.to_string()
                    } else {
                        format!("{section_id}/{entry}")
                    };
                    if full == own {
                        return Err(self.err(
                            at,
                            format!(
                                "item `{own}` lists itself in `after`; an item cannot be its \
                                 own prerequisite, remove that entry"
                            ),
                        ));
                    }
                    if !known.contains(&full) {
                        return Err(self.err(at, unknown_prerequisite(entry, &own, sections)));
                    }
                    if !resolved.contains(&full) {
                        resolved_at.push((full.clone(), entry_at));
                        resolved.push(full);
                    }
                }
                item_at.entries = resolved_at;
                sections[s].items[j].after = resolved;
            }
        }
        Ok(())
    }

    /// Rejects prerequisite cycles, counting the rule that within a section every optional or
    /// reference item comes after every required item as an ordering too. The error points at
    /// the `after` entry that closes the cycle.
    fn check_order(&self, sections: &[Section], places: &[SectionAt]) -> Result<(), Error> {
        let graph = OrderGraph::new(sections);
        let Some(cycle) = graph.find_cycle() else {
            return Ok(());
        };
        let name = |node: usize| graph.name(sections, node);
        // Where item `node` names the item `before` in its `after`.
        let entry_at = |node: usize, before: usize| -> Option<Pos> {
            let (s, j) = graph.item(node)?;
            let at = places.get(s)?.items.get(j)?;
            match graph.item(before) {
                Some((bs, bj)) => at.entry_naming(&format!(
                    "{}/{}",
                    sections[bs].id, sections[bs].items[bj].id
                )),
                None => at.after.or(at.entry),
            }
        };
        if let Some(b) = cycle.iter().position(|&n| graph.barrier(n).is_some()) {
            // Rotate so that the cycle reads: optional o → … → required r → barrier → o.
            let mut rotated: Vec<usize> = cycle[b + 1..].to_vec();
            rotated.extend_from_slice(&cycle[..=b]);
            let section = graph
                .barrier(rotated[rotated.len() - 1])
                .unwrap_or_default();
            // The first required item of that section on the way is the one that breaks the rule.
            let end = rotated
                .iter()
                .position(|&n| {
                    graph.item(n).is_some_and(|(s, j)| {
                        s == section && sections[s].items[j].kind == Kind::Required
                    })
                })
                .unwrap_or(rotated.len() - 2);
            rotated.truncate(end + 1);
            let optional = rotated[0];
            let required = rotated[end];
            let chain = render_chain(&graph, sections, &rotated);
            let (_, oj) = graph.item(optional).unwrap_or_default();
            let okind = sections
                .get(section)
                .and_then(|s| s.items.get(oj))
                .map_or(Kind::Optional, |i| i.kind);
            // A required item is never reached through a barrier, so the step into it is one of
            // its own `after` entries.
            let at = entry_at(required, rotated[end.saturating_sub(1)]);
            return Err(self.err(
                at,
                format!(
                    "required item {} has to come after the {okind} item {} through `after` \
                     ({chain}), but within a section every optional or reference item comes \
                     after every required item, so this can never be scheduled; make {} \
                     required, move one of them to another section, or drop the `after` entry",
                    name(required),
                    name(optional),
                    name(optional),
                ),
            ));
        }
        // A plain prerequisite cycle: start it at the item that comes first in the file.
        let start = cycle
            .iter()
            .enumerate()
            .min_by_key(|(_, &n)| n)
            .map_or(0, |(i, _)| i);
        let mut rotated: Vec<usize> = cycle[start..].to_vec();
        rotated.extend_from_slice(&cycle[..start]);
        rotated.push(rotated[0]);
        let chain = render_chain(&graph, sections, &rotated);
        Err(self.err(
            entry_at(rotated[1], rotated[0]),
            format!(
                "prerequisite cycle: {chain} (each must come before the next); remove one of \
                 these `after` entries"
            ),
        ))
    }
}

fn unknown_prerequisite(entry: &str, own: &str, sections: &[Section]) -> String {
    let mut message = format!("unknown prerequisite `{entry}` in `after` of `{own}`");
    let (section_part, item_part) = match entry.split_once('/') {
        Some((s, i)) => (Some(s), i),
        None => (None, entry),
    };
    let candidates: Vec<String> = sections
        .iter()
        .flat_map(|s| s.items.iter().map(move |i| (s, i)))
        .filter(|(_, i)| i.id == item_part || i.id == slug(item_part))
        .map(|(s, i)| format!("`{}/{}`", s.id, i.id))
        .collect();
    match section_part {
        Some(s) if !sections.iter().any(|x| x.id == s) => {
            let _ = write!(message, ": there is no section `{s}`");
        }
        Some(s) => {
            let _ = write!(message, ": section `{s}` has no item `{item_part}`");
        }
        None => {
            let section = own.split('/').next().unwrap_or_default();
            let _ = write!(
                message,
                ": a bare id means an item of the same section, and section `{section}` has no \
                 item `{entry}`"
            );
        }
    }
    if candidates.is_empty() {
        message.push_str("; use the full id `section-id/item-id`");
    } else {
        let _ = write!(message, "; did you mean {}?", candidates.join(" or "));
    }
    message
}

/// `a/x` → `b/y` → …; a hop through a section's kind rule is shown as a step of its own.
fn render_chain(graph: &OrderGraph, sections: &[Section], nodes: &[usize]) -> String {
    let parts: Vec<String> = nodes
        .iter()
        .map(|&node| match graph.barrier(node) {
            Some(s) => {
                let id = sections.get(s).map_or("", |x| x.id.as_str());
                format!("(required items of `{id}` come first)")
            }
            None => graph.name(sections, node),
        })
        .collect();
    parts.join(" → ")
}

/// Items (in path order) and one barrier node per section, with edges "must come before".
struct OrderGraph {
    /// (section, item) of each item node.
    items: Vec<(usize, usize)>,
    edges: Vec<Vec<usize>>,
}

impl OrderGraph {
    fn new(sections: &[Section]) -> Self {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut items = Vec::new();
        for (s, section) in sections.iter().enumerate() {
            for (j, item) in section.items.iter().enumerate() {
                index.insert(format!("{}/{}", section.id, item.id), items.len());
                items.push((s, j));
            }
        }
        let n = items.len();
        let mut edges = vec![Vec::new(); n + sections.len()];
        for (node, &(s, j)) in items.iter().enumerate() {
            let item = &sections[s].items[j];
            for prerequisite in &item.after {
                if let Some(&p) = index.get(prerequisite) {
                    edges[p].push(node);
                }
            }
        }
        for (s, section) in sections.iter().enumerate() {
            let has_required = section.items.iter().any(|i| i.kind == Kind::Required);
            let has_other = section.items.iter().any(|i| i.kind != Kind::Required);
            if !(has_required && has_other) {
                continue;
            }
            let barrier = n + s;
            for (node, &(si, j)) in items.iter().enumerate() {
                if si != s {
                    continue;
                }
                if section.items[j].kind == Kind::Required {
                    edges[node].push(barrier);
                } else {
                    edges[barrier].push(node);
                }
            }
        }
        OrderGraph { items, edges }
    }

    fn barrier(&self, node: usize) -> Option<usize> {
        node.checked_sub(self.items.len())
    }

    fn item(&self, node: usize) -> Option<(usize, usize)> {
        self.items.get(node).copied()
    }

    fn name(&self, sections: &[Section], node: usize) -> String {
        match self.item(node) {
            Some((s, j)) => format!("`{}/{}`", sections[s].id, sections[s].items[j].id),
            None => String::from("(section order)"),
        }
    }

    /// The nodes of one cycle `[a, b, …, z]` with edges a → b → … → z → a, if there is one.
    fn find_cycle(&self) -> Option<Vec<usize>> {
        const WHITE: u8 = 0;
        const GREY: u8 = 1;
        const BLACK: u8 = 2;
        let mut colour = vec![WHITE; self.edges.len()];
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for start in 0..self.edges.len() {
            if colour[start] != WHITE {
                continue;
            }
            colour[start] = GREY;
            stack.push((start, 0));
            while let Some(top) = stack.last_mut() {
                let (node, next) = *top;
                if let Some(&to) = self.edges[node].get(next) {
                    top.1 += 1;
                    match colour[to] {
                        WHITE => {
                            colour[to] = GREY;
                            stack.push((to, 0));
                        }
                        GREY => {
                            let from = stack.iter().position(|&(n, _)| n == to).unwrap_or(0);
                            return Some(stack[from..].iter().map(|&(n, _)| n).collect());
                        }
                        _ => {}
                    }
                } else {
                    colour[node] = BLACK;
                    stack.pop();
                }
            }
        }
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Field checks. Each returns a message fragment; the caller adds the position.

fn default_path_id(file: &Path) -> String {
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let plain = stem
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !stem.is_empty() && plain {
        stem.to_string()
    } else if stem.chars().any(|c| c.is_ascii_alphanumeric()) {
        slug(stem)
    } else {
        String::from("path")
    }
}

fn check_id(what: &str, id: &str) -> Result<String, String> {
    if id.is_empty() {
        return Err(format!(
            "the {what} id is empty; remove `id:` to use the slug of the title, or give one such \
             as `intro`"
        ));
    }
    let suggestion = slug(id);
    if id.contains('/') {
        return Err(format!(
            "the {what} id `{id}` contains `/`, which separates section and item in full ids \
             (`section-id/item-id`); use `-` instead, e.g. `{suggestion}`"
        ));
    }
    if id.chars().any(char::is_control) {
        return Err(format!(
            "the {what} id {id:?} contains a control character; use letters, digits and `-`, \
             e.g. `{suggestion}`"
        ));
    }
    if id.chars().any(char::is_whitespace) {
        return Err(format!(
            "the {what} id `{id}` contains whitespace; use `-` instead, e.g. `{suggestion}`"
        ));
    }
    Ok(id.to_string())
}

/// A one-line text: titles, groups, focus entries.
fn check_title(what: &str, text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!(
            "{what} is empty; write some text or remove the key"
        ));
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(format!(
            "{what} {text:?} contains a control character ({}); write it on one line without \
             tabs",
            describe_control(c)
        ));
    }
    Ok(text.to_string())
}

/// Free text that may span lines: summary and checkpoint. Empty means absent.
fn check_prose(what: &str, text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if let Some(c) = text
        .chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(format!(
            "{what} contains a control character ({}); remove it",
            describe_control(c)
        ));
    }
    Ok((!text.is_empty()).then(|| text.to_string()))
}

fn describe_control(c: char) -> String {
    match c {
        '\t' => "a tab".into(),
        '\n' | '\r' => "a line break".into(),
        _ => format!("U+{:04X}", u32::from(c)),
    }
}

fn check_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("the url is empty; give an address or remove `url:`".into());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "the url {url:?} contains whitespace; encode spaces as `%20`"
        ));
    }
    Ok(url.to_string())
}

fn minutes_from_value(value: &Value, what: &str) -> Result<u32, String> {
    let whole: i128 = match value {
        Value::Int(i) if *i < 0 => {
            return Err(format!(
                "{what} must be a positive number of minutes, not {i}"
            ))
        }
        Value::Int(i) => *i,
        Value::Float(f) => {
            if !(f.is_finite() && f.fract() == 0.0) {
                return Err(format!(
                    "{what} must be a whole number of minutes such as 30, not {}",
                    yaml_float(*f)
                ));
            }
            if *f < 0.0 {
                return Err(format!(
                    "{what} must be a positive number of minutes, not {}",
                    yaml_float(*f)
                ));
            }
            if *f > f64::from(MAX_MINUTES) {
                return Err(too_many_minutes(what, "too large"));
            }
            // Exact: a whole number from 0 to MAX_MINUTES.
            #[expect(clippy::cast_possible_truncation, reason = "whole and within range")]
            let minutes = *f as i128;
            minutes
        }
        Value::Text(s) => {
            let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
            let hint = if digits.is_empty() {
                String::from("30")
            } else {
                digits
            };
            return Err(format!(
                "{what} must be a whole number of minutes, not the text {s:?}; write e.g. \
                 `{what}: {hint}`"
            ));
        }
        Value::Null | Value::Bool(_) | Value::List(_) | Value::Map => {
            return Err(format!(
                "{what} must be a whole number of minutes such as 30"
            ))
        }
    };
    match u32::try_from(whole) {
        Ok(0) => Err(format!("{what} must be at least 1, not 0")),
        Ok(m) if m <= MAX_MINUTES => Ok(m),
        _ => Err(too_many_minutes(what, &whole.to_string())),
    }
}

fn too_many_minutes(what: &str, amount: &str) -> String {
    format!(
        "{what} is {amount}, more than the limit of {MAX_MINUTES} minutes per item; split the \
         work into smaller items"
    )
}

/// A float as YAML spells the ones that are not numbers: `.nan`, `.inf`, `-.inf`.
fn yaml_float(f: f64) -> String {
    if f.is_nan() {
        String::from(".nan")
    } else if f.is_infinite() {
        String::from(if f > 0.0 { ".inf" } else { "-.inf" })
    } else {
        f.to_string()
    }
}

fn weeks_from_value(value: &Value) -> Result<Weeks, String> {
    match value {
        Value::Int(i) => parse_weeks(&i.to_string()),
        // `2.0` is week 2, as `minutes: 30.0` is 30 minutes.
        Value::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e9 => {
            #[expect(clippy::cast_possible_truncation, reason = "whole and small")]
            let week = *f as i64;
            parse_weeks(&week.to_string())
        }
        Value::Float(f) => Err(format!(
            "weeks must be whole weeks such as `3` or `1-2`, not {}",
            yaml_float(*f)
        )),
        Value::Text(s) => parse_weeks(s),
        Value::Null | Value::Bool(_) | Value::List(_) | Value::Map => {
            Err("weeks must be a week such as `3` or a range such as `1-2`".into())
        }
    }
}

/// The entries of an `after` value (one id or a list of ids) with where each is written; an
/// error names the entry at fault.
fn after_from_value(after: &Spanned<Value>) -> Result<Vec<Placed>, Placed> {
    let entry = |v: &Spanned<Value>| match &v.value {
        Value::Text(s) => Ok((s.clone(), Pos::of(v))),
        Value::Int(i) => Ok((i.to_string(), Pos::of(v))),
        Value::Float(f) => Ok((yaml_float(*f), Pos::of(v))),
        Value::Null | Value::Bool(_) | Value::List(_) | Value::Map => Err((
            String::from("`after` must be a list of item ids such as `[section-id/item-id]`"),
            Pos::of(v),
        )),
    };
    match &after.value {
        Value::Null => Ok(Vec::new()),
        Value::List(list) => list.iter().map(entry).collect(),
        _ => entry(after).map(|e| vec![e]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<LearningPath, Error> {
        load_str(text, Path::new("test-path.yaml"))
    }

    /// Loads `text`, expects a path-file error, and returns its line and message.
    fn fail(text: &str) -> (Option<usize>, String) {
        match load(text) {
            Ok(_) => panic!("expected an error for:\n{text}"),
            Err(Error::PathFile { line, message, .. }) => (line, message),
            Err(other) => panic!("unexpected error kind: {other}"),
        }
    }

    fn assert_fails(text: &str, line: usize, fragment: &str) {
        let (got_line, message) = fail(text);
        assert!(
            message.contains(fragment),
            "message {message:?} lacks {fragment:?}"
        );
        assert_eq!(got_line, Some(line), "wrong line for {message:?}");
    }

    const GOOD: &str = "\
id: demo
title: Demo Path
summary: >
  A short path
  for tests.
default_minutes: 20
sections:
  - title: Database Fundamentals
    weeks: 1-2
    checkpoint: After this you can explain WAL.
    focus: [storage, logs]
    items:
      - title: Storage Engines
        minutes: 30
      - title: Write-Ahead Logging   # comment
        kind: optional
        group: 'Deep dives: internals'
        url: https://example.com/wal
        after: [storage-engines]
  - id: perf
    title: Database Performance
    weeks: 3
    items:
      - title: N+1 Problem
        after:
          - database-fundamentals/storage-engines
      - title: SQL Cheat Sheet
        kind: reference
        minutes: 10
  - title: Extras
    items:
    - title: Reading
";

    #[test]
    fn long_quoted_values_are_clipped_in_messages() {
        let long = "k".repeat(300);
        let clipped = clip_quoted(&format!(
            "unknown field `{long}`, expected `id`; \"{long}\""
        ));
        assert!(clipped.len() < 200, "{clipped}");
        assert!(clipped.starts_with(&format!("unknown field `{}…`, expected `id`", &long[..60])));
        assert_eq!(
            clip_quoted("a `b` \"c\" `unclosed"),
            "a `b` \"c\" `unclosed"
        );
        assert_eq!(clip_quoted("é`ü🦀`"), "é`ü🦀`");
    }

    #[test]
    fn limits_are_errors() {
        let deep = format!("title: {}{}", "[".repeat(1000), "]".repeat(1000));
        assert_fails_anywhere(&deep, "nested more than 64");
        let mut many = String::from("title: T\nsections:\n  - title: S\n    items:\n");
        for i in 0..=MAX_ITEMS {
            let _ = writeln!(many, "      - {{title: I{i}, minutes: 1}}");
        }
        assert_fails_anywhere(&many, "limit of 20000");
    }

    fn assert_fails_anywhere(text: &str, fragment: &str) {
        match load(text) {
            Err(e) => assert!(e.to_string().contains(fragment), "{e}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn loads_a_valid_path() {
        let path = load(GOOD).unwrap();
        assert_eq!(path.id, "demo");
        assert_eq!(path.title, "Demo Path");
        assert_eq!(path.summary.as_deref(), Some("A short path for tests."));
        assert_eq!(path.sections.len(), 3);
        let db = &path.sections[0];
        assert_eq!(db.id, "database-fundamentals");
        assert_eq!(db.weeks, Some(Weeks { first: 1, last: 2 }));
        assert_eq!(db.focus, ["storage", "logs"]);
        assert_eq!(
            db.checkpoint.as_deref(),
            Some("After this you can explain WAL.")
        );
        let wal = &db.items[1];
        assert_eq!(wal.id, "write-ahead-logging");
        assert_eq!(wal.kind, Kind::Optional);
        assert_eq!(wal.minutes, 20);
        assert_eq!(wal.group.as_deref(), Some("Deep dives: internals"));
        assert_eq!(wal.url.as_deref(), Some("https://example.com/wal"));
        assert_eq!(wal.after, ["database-fundamentals/storage-engines"]);
        let perf = &path.sections[1];
        assert_eq!(perf.id, "perf");
        assert_eq!(perf.weeks, Some(Weeks { first: 3, last: 3 }));
        assert_eq!(perf.items[0].id, "n-1-problem");
        assert_eq!(
            perf.items[0].after,
            ["database-fundamentals/storage-engines"]
        );
        assert_eq!(perf.items[1].kind, Kind::Reference);
        assert_eq!(path.sections[2].weeks, None);
        assert_eq!(path.minutes_of(Kind::Required), 30 + 20 + 20);
    }

    #[test]
    fn path_id_defaults_to_the_file_stem() {
        let text =
            "title: T\nsections:\n  - title: S\n    items:\n      - title: I\n        minutes: 5\n";
        let path = load_str(text, Path::new("dir/backend-engineer.yaml")).unwrap();
        assert_eq!(path.id, "backend-engineer");
        let path = load_str(text, Path::new("My Path.yaml")).unwrap();
        assert_eq!(path.id, "my-path");
    }

    #[test]
    fn weeks_parse() {
        assert_eq!(parse_weeks("3"), Ok(Weeks { first: 3, last: 3 }));
        assert_eq!(parse_weeks("1-2"), Ok(Weeks { first: 1, last: 2 }));
        assert_eq!(parse_weeks(" 1 – 2 "), Ok(Weeks { first: 1, last: 2 }));
        assert!(parse_weeks("3-1")
            .unwrap_err()
            .contains("weeks run backwards (3-1)"));
        assert!(parse_weeks("0")
            .unwrap_err()
            .contains("weeks start at 1, not 0"));
        assert!(parse_weeks("0-2")
            .unwrap_err()
            .contains("weeks start at 1, not 0"));
        assert!(parse_weeks("-1").unwrap_err().contains("negative"));
        assert!(parse_weeks("600").unwrap_err().contains("10 years"));
        assert!(parse_weeks("99999999999999")
            .unwrap_err()
            .contains("10 years"));
        assert!(parse_weeks("1-2-3").unwrap_err().contains("not a week"));
        assert!(parse_weeks("soon").unwrap_err().contains("not a week"));
        assert!(parse_weeks("").unwrap_err().contains("empty"));
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let err = load("title: T\nsections:\n  - title: 'open\n").unwrap_err();
        let Error::PathFile { line, column, .. } = err else {
            panic!("wrong error")
        };
        assert!(line.is_some() && column.is_some());
    }

    #[test]
    fn unknown_keys_are_errors() {
        assert_fails(
            "title: T\nsections:\n  - title: S\n    items:\n      - title: I\n        minuts: 5\n",
            6,
            "unknown field `minuts`",
        );
        assert_fails(
            "title: T\ncolour: red\nsections: []\n",
            2,
            "unknown field `colour`",
        );
    }

    #[test]
    fn duplicate_keys_point_at_the_second() {
        assert_fails(
            "title: T\nsections:\n  - title: S\n    items:\n      - title: I\n        minutes: 5\n        minutes: 6\n",
            7,
            "duplicate field `minutes`",
        );
        assert_fails(
            "title: A\nsummary: S\ntitle: B\nsections: []\n",
            3,
            "duplicate field `title`",
        );
        // In flow style: the second key itself.
        assert_fails_at(
            "title: T\nsections:\n  - title: S\n    items:\n      - {title: I, minutes: 5, minutes: 6}\n",
            5,
            32,
            "sections[0].items[0]: duplicate field `minutes`",
        );
    }

    #[test]
    fn wrong_types_are_errors() {
        assert_fails(
            "title: T\nsections:\n  - title: S\n    focus: storage\n    items:\n      - title: I\n        minutes: 5\n",
            4,
            "expected a sequence",
        );
        assert_fails("- a\n- b\n", 1, "expected a path file");
    }

    #[test]
    fn empty_file() {
        let (line, message) = fail("# nothing here\n");
        assert_eq!(line, None);
        assert!(message.contains("the file is empty"));
    }

    #[test]
    fn empty_path() {
        assert_fails("title: T\nsections: []\n", 2, "the path has no sections");
        assert_fails("id: x\ntitle: T\n", 1, "the path has no sections");
        assert_fails(
            "id: x\nsections:\n  - title: S\n",
            1,
            "the path has no title",
        );
    }

    #[test]
    fn section_without_items() {
        assert_fails(
            "title: T\nsections:\n  - title: S\n    items:\n      - title: I\n        minutes: 5\n  - title: Empty\n    weeks: 2\n",
            7,
            "section `empty` has no items",
        );
        assert_fails(
            "title: T\nsections:\n  - title: S\n    items: []\n",
            4,
            "section `s` has no items",
        );
    }

    #[test]
    fn empty_titles() {
        assert_fails(
            "title: T\nsections:\n  - title: S\n    items:\n      - title: ''\n        minutes: 5\n",
            5,
            "item title is empty",
        );
        assert_fails(
            "title: T\nsections:\n  - weeks: 1\n    items:\n      - title: I\n        minutes: 5\n",
            3,
            "section 1 has no title",
        );
        assert_fails(
            "title: T\nsections:\n  - title: S\n    items:\n      - minutes: 5\n",
            5,
            "item 1 of section `s` has no title",
        );
        assert_fails("title: '  '\nsections: []\n", 1, "path title is empty");
    }

    #[test]
    fn control_characters_in_titles() {
        assert_fails(
            "title: T\nsections:\n  - title: S\n    items:\n      - title: \"a\\tb\"\n        minutes: 5\n",
            5,
            "control character (a tab)",
        );
        // A block scalar is located at its first line of text (the YAML library's span), not at
        // the `|` on the line before.
        assert_fails(
            "title: T\nsections:\n  - title: |\n      two\n      lines\n    items:\n      - title: I\n        minutes: 5\n",
            4,
            "control character (a line break)",
        );
    }

    #[test]
    fn bad_ids() {
        assert_fails(
            "title: T\nsections:\n  - id: a/b\n    title: S\n    items:\n      - title: I\n        minutes: 5\n",
            3,
            "contains `/`",
        );
        assert_fails(
            "title: T\nsections:\n  - title: S\n    items:\n      - title: I\n        id: my item\n        minutes: 5\n",
            6,
            "contains whitespace",
        );
        assert_fails(
            "title: T\nsections:\n  - title: S\n    items:\n      - title: I\n        id: \"a\\u0001\"\n        minutes: 5\n",
            6,
            "control character",
        );
        assert_fails("id: ''\ntitle: T\nsections: []\n", 1, "path id is empty");
    }

    #[test]
    fn duplicate_section_ids() {
        let text = "title: T\nsections:\n  - title: Intro\n    items:\n      - title: I\n        minutes: 5\n  - title: intro!\n    items:\n      - title: I\n        minutes: 5\n";
        let (line, message) = fail(text);
        assert_eq!(line, Some(7));
        assert!(
            message.contains("duplicate section id `intro`"),
            "{message}"
        );
        assert!(message.contains("line 3"), "{message}");
        assert!(message.contains("set `id:`"), "{message}");

        let text = "title: T\nsections:\n  - id: a\n    title: One\n    items:\n      - title: I\n        minutes: 5\n  - title: Two\n    id: a\n    items:\n      - title: I\n        minutes: 5\n";
        assert_fails(text, 9, "duplicate section id `a`");
    }

    #[test]
    fn duplicate_item_ids() {
        let text = "title: T\nsections:\n  - title: S\n    items:\n      - title: Caching\n        minutes: 5\n      - title: Other\n        minutes: 5\n      - title: caching?\n        minutes: 5\n";
        let (line, message) = fail(text);
        assert_eq!(line, Some(9));
        assert!(
            message.contains("duplicate item id `caching` in section `s`"),
            "{message}"
        );
        assert!(
            message.contains("line 5") && message.contains("line 9"),
            "{message}"
        );
        assert!(message.contains("set `id:`"), "{message}");

        let text = "title: T\nsections:\n  - title: S\n    items:\n      - title: A\n        id: x\n        minutes: 5\n      - title: B\n        minutes: 5\n        id: x\n";
        assert_fails(text, 10, "duplicate item id `x`");
        // The same item id in two sections is fine.
        let text = "title: T\nsections:\n  - title: S\n    items:\n      - title: A\n        minutes: 5\n  - title: U\n    items:\n      - title: A\n        minutes: 5\n";
        assert!(load(text).is_ok());
    }

    #[test]
    fn bad_minutes() {
        let item = |m: &str| {
            format!("title: T\nsections:\n  - title: S\n    items:\n      - title: I\n        minutes: {m}\n")
        };
        assert_fails(&item("0"), 6, "at least 1, not 0");
        assert_fails(&item("-5"), 6, "positive number of minutes, not -5");
        assert_fails(&item("2.5"), 6, "whole number");
        assert_fails(&item("20000"), 6, "more than the limit of 10000");
        assert_fails(&item("1e30"), 6, "limit");
        assert_fails(&item("30 min"), 6, "write e.g. `minutes: 30`");
        assert_fails(&item("[1]"), 6, "whole number of minutes");
        assert_eq!(
            load(&item("30.0")).unwrap().sections[0].items[0].minutes,
            30
        );
        assert_fails(
            "title: T\ndefault_minutes: 0\nsections: []\n",
            2,
            "default_minutes must be at least 1",
        );
    }

    #[test]
    fn missing_minutes_without_default() {
        assert_fails(
            "title: T\nsections:\n  - title: S\n    items:\n      - title: I\n        kind: optional\n",
            5,
            "item has no minutes and the path sets no default_minutes",
        );
    }

    #[test]
    fn bad_kind() {
        assert_fails(
            "title: T\nsections:\n  - title: S\n    items:\n      - title: I\n        kind: bonus\n        minutes: 5\n",
            6,
            "unknown kind `bonus`",
        );
    }

    #[test]
    fn bad_weeks() {
        let section = |w: &str| {
            format!("title: T\nsections:\n  - title: S\n    weeks: {w}\n    items:\n      - title: I\n        minutes: 5\n")
        };
        assert_fails(&section("3-1"), 4, "weeks run backwards (3-1)");
        assert_fails(&section("0"), 4, "weeks start at 1, not 0");
        assert_fails(&section("1-600"), 4, "10 years");
        assert_fails(&section("1.5"), 4, "whole weeks");
        assert_fails(&section(".inf"), 4, "whole weeks");
        assert_fails(&section("-2"), 4, "negative");
        assert_fails(&section("-2.0"), 4, "negative");
        assert_eq!(
            load(&section("2.0")).unwrap().sections[0].weeks,
            Some(Weeks { first: 2, last: 2 })
        );
        assert_eq!(
            load(&section("1e1")).unwrap().sections[0].weeks,
            Some(Weeks {
                first: 10,
                last: 10
            })
        );
        assert_fails(&section("soon"), 4, "not a week");
        assert_eq!(
            load(&section("\"2 – 4\"")).unwrap().sections[0].weeks,
            Some(Weeks { first: 2, last: 4 })
        );
    }

    const TWO_SECTIONS: &str = "\
title: T
sections:
  - id: a
    title: A
    items:
      - title: One
        minutes: 5
      - title: Two
        minutes: 5
        after: [AFTER2]
  - id: b
    title: B
    items:
      - title: Three
        minutes: 5
        after: [AFTER3]
      - title: Four
        kind: optional
        minutes: 5
";

    fn with_after(two: &str, three: &str) -> String {
        TWO_SECTIONS.replace("AFTER2", two).replace("AFTER3", three)
    }

    #[test]
    fn prerequisites_resolve() {
        let path = load(&with_after("one", "a/two")).unwrap();
        assert_eq!(path.sections[0].items[1].after, ["a/one"]);
        assert_eq!(path.sections[1].items[0].after, ["a/two"]);
        // An optional item may depend on a required one of its section.
        let text = TWO_SECTIONS.replace(
            "        kind: optional\n",
            "        kind: optional\n        after: [three]\n",
        );
        assert!(load(&text.replace("AFTER2", "one").replace("AFTER3", "a/one")).is_ok());
    }

    #[test]
    fn unknown_prerequisites() {
        assert_fails(
            &with_after("one", "a/nine"),
            16,
            "section `a` has no item `nine`",
        );
        assert_fails(&with_after("one", "z/one"), 16, "there is no section `z`");
        let (line, message) = fail(&with_after("three", "a/one"));
        assert_eq!(line, Some(10));
        assert!(
            message.contains("unknown prerequisite `three`"),
            "{message}"
        );
        assert!(message.contains("did you mean `b/three`?"), "{message}");
    }

    #[test]
    fn self_prerequisite() {
        assert_fails(&with_after("two", "a/one"), 10, "lists itself");
        assert_fails(&with_after("a/two", "a/one"), 10, "lists itself");
    }

    #[test]
    fn prerequisite_cycles() {
        let text = TWO_SECTIONS
            .replace("AFTER2", "b/three")
            .replace("AFTER3", "a/two");
        let (line, message) = fail(&text);
        assert!(
            message.contains("prerequisite cycle: `a/two` → `b/three` → `a/two`"),
            "{message}"
        );
        assert_eq!(line, Some(16));
    }

    #[test]
    fn required_after_optional_of_its_section_is_a_cycle() {
        let text = "\
title: T
sections:
  - title: S
    items:
      - title: Core
        minutes: 5
        after: [bridge]
      - title: Bridge
        minutes: 5
        after: [extra]
      - title: Extra
        kind: reference
        minutes: 5
";
        let (line, message) = fail(text);
        assert_eq!(line, Some(10));
        assert!(message.contains("required item `s/bridge`"), "{message}");
        assert!(message.contains("reference item `s/extra`"), "{message}");
        assert!(
            message.contains("every optional or reference item comes after every required item"),
            "{message}"
        );
        // Across sections the rule does not apply.
        let ok = "\
title: T
sections:
  - title: S
    items:
      - title: Extra
        kind: optional
        minutes: 5
  - title: U
    items:
      - title: Core
        minutes: 5
        after: [s/extra]
";
        assert!(load(ok).is_ok());
    }

    #[test]
    fn kind_rule_cycles_across_two_sections() {
        let text = "\
title: T
sections:
  - id: s
    title: S
    items:
      - title: SR
        minutes: 5
        after: [t/to]
      - title: SO
        kind: optional
        minutes: 5
  - id: t
    title: T
    items:
      - title: TR
        minutes: 5
        after: [s/so]
      - title: TO
        kind: optional
        minutes: 5
";
        let (line, message) = fail(text);
        assert!(matches!(line, Some(8 | 17)), "{line:?}");
        assert!(message.contains("come first) → "), "{message}");
        assert!(message.contains("can never be scheduled"), "{message}");
    }

    /// Loads `text`, expects a path-file error, and returns where it points and its message.
    fn fail_at(text: &str) -> ((Option<usize>, Option<usize>), String) {
        match load(text) {
            Ok(_) => panic!("expected an error for:\n{text}"),
            Err(Error::PathFile {
                line,
                column,
                message,
                ..
            }) => ((line, column), message),
            Err(other) => panic!("unexpected error kind: {other}"),
        }
    }

    /// Expects an error at exactly `line`:`column` whose message has `fragment`.
    fn assert_fails_at(text: &str, line: usize, column: usize, fragment: &str) {
        let (at, message) = fail_at(text);
        assert!(
            message.contains(fragment),
            "message {message:?} lacks {fragment:?}"
        );
        assert_eq!(
            at,
            (Some(line), Some(column)),
            "wrong place for {message:?}"
        );
    }

    #[test]
    fn compact_and_flow_styles_locate_the_value() {
        // Sequences at the same indent as their key, and a flow-style item: the `0` itself.
        let text = "title: T\nsections:\n- title: S\n  items:\n  - title: I\n    minutes: 5\n  - {title: J, minutes: 0}\n";
        assert_fails_at(text, 7, 25, "at least 1");
        let text =
            "title: T\nsections:\n-\n  title: S\n  items:\n  -   title: I\n      minutes: 0\n";
        assert_fails_at(text, 7, 16, "at least 1");
    }

    #[test]
    fn flow_style_values_are_located_exactly() {
        let item = |flow: &str| {
            format!("title: T\nsections:\n  - title: S\n    items:\n      - title: A\n        minutes: 5\n      - {flow}\n")
        };
        // Inside `{...}`: the column of the bad value, not of the item.
        assert_fails_at(
            &item("{title: x, minutes: 0}"),
            7,
            29,
            "minutes must be at least 1, not 0",
        );
        assert_fails_at(
            &item("{title: x, minutes: 5, kind: bonus}"),
            7,
            38,
            "unknown kind `bonus`",
        );
        assert_fails_at(
            &item("{title: \"a\\tb\", minutes: 5}"),
            7,
            17,
            "control character (a tab)",
        );
        assert_fails_at(
            &item("{title: x, minutes: 5, url: a b}"),
            7,
            37,
            "contains whitespace",
        );
        // Inside `[...]`: the entry at fault.
        assert_fails_at(
            &item("{title: x, minutes: 5, after: [a, zzz]}"),
            7,
            43,
            "unknown prerequisite `zzz`",
        );
        assert_fails_at(
            &item("{title: x, minutes: 5, after: [a, [b]]}"),
            7,
            43,
            "`after` must be a list",
        );
        // The same in a path written entirely in flow style.
        let flow = "{title: T, sections: [{title: S, weeks: 0, items: [{title: A, minutes: 5}]}]}";
        assert_fails_at(flow, 1, 41, "weeks start at 1");
        let flow = "{title: T, sections: [{title: S, focus: [ok, \"\"], items: [{title: A, minutes: 5}]}]}";
        assert_fails_at(flow, 1, 46, "a focus entry is empty");
        // A block-style list under a key: the entry's own line.
        let text = "title: T\nsections:\n  - title: S\n    items:\n      - title: A\n        minutes: 5\n      - title: B\n        minutes: 5\n        after:\n          - a\n          - zzz\n";
        assert_fails_at(text, 11, 13, "unknown prerequisite `zzz`");
    }

    #[test]
    fn cycles_point_at_the_entry_that_closes_them() {
        let text = "title: T\nsections:\n  - title: S\n    items:\n      - {title: A, minutes: 5, after: [c]}\n      - {title: B, minutes: 5}\n      - {title: C, minutes: 5, after: [b, a]}\n";
        assert_fails_at(text, 7, 43, "prerequisite cycle: `s/a` → `s/c` → `s/a`");
        // The kind rule: the required item's entry naming the optional one.
        let text = "title: T\nsections:\n  - title: S\n    items:\n      - {title: A, minutes: 5}\n      - {title: B, minutes: 5, kind: optional}\n      - {title: C, minutes: 5, after: [a, b]}\n";
        assert_fails_at(
            text,
            7,
            43,
            "required item `s/c` has to come after the optional item `s/b`",
        );
    }

    #[test]
    fn comments_and_block_scalars_do_not_shift_positions() {
        let text = "\
# leading comment
title: \"T # not a comment\"
sections:
  - title: S   # trailing
    checkpoint: |
      - not an item
      items: not a key
    items:
      # a comment
      - title: 'It''s: fine'
        minutes: 5
      - title: Two
        minutes: 0
";
        assert_fails_at(text, 13, 18, "at least 1");
        // A byte-order mark, CRLF line ends and characters outside ASCII: columns count characters.
        let text = "\u{feff}title: T\r\nsections:\r\n  - title: Ünï 🦀\r\n    items: [{title: 🦀🦀, minutes: 0}]\r\n";
        assert_fails_at(text, 4, 34, "at least 1");
    }

    #[test]
    fn deep_nesting_is_refused_with_a_clear_message() {
        let message = "the YAML is nested more than 64 levels deep; a path file needs six at most";
        // Flow: the 65th bracket, as with the bracket counter this replaces.
        let flow = format!("title: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert_fails_at(&flow, 1, 8 + 64, message);
        // Deep where a list is allowed, so no type error comes first: again the 65th bracket, as
        // the parser's bound on brackets looks ahead of the budget's count of all levels.
        let after = format!(
            "title: T\nsections:\n  - title: S\n    items:\n      - title: A\n        after: {}{}\n",
            "[".repeat(500),
            "]".repeat(500)
        );
        assert_fails_at(&after, 6, 16 + 64, message);
        // Block: one more level per line.
        let mut block = String::from("title: T\nx:\n");
        for depth in 1..80 {
            let _ = writeln!(block, "{}- ", "  ".repeat(depth));
        }
        let (at, got) = fail_at(&block);
        assert!(got.starts_with(message), "{got}");
        assert_eq!(at.0, Some(66), "{got}");
        // Brackets inside text are text: the old bracket counter refused this file.
        let text = format!(
            "title: T\nsummary: \"{}\"\nsections:\n  - title: S\n    items: [{{title: A, minutes: 5}}]\n",
            "[".repeat(100)
        );
        assert!(load(&text).is_ok());
    }

    #[test]
    fn anchors_and_aliases_work_and_bombs_are_refused() {
        let text = "title: T\nsections:\n  - title: S\n    items:\n      - {title: A, minutes: &m 5}\n      - {title: B, minutes: *m}\n";
        assert_eq!(load(text).unwrap().sections[0].items[1].minutes, 5);
        let mut bomb = String::from("title: T\nsections:\n  - title: S\n    items:\n      - title: A\n        minutes: 5\n        after: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..8 {
            let prev = level - 1;
            let _ = writeln!(
                bomb,
                "      - title: A{level}\n        minutes: 5\n        after: &a{level} [{}]",
                vec![format!("*a{prev}"); 10].join(", ")
            );
        }
        let (at, message) = fail_at(&bomb);
        assert!(message.contains("anchors and aliases"), "{message}");
        assert!(
            message.contains("split the path into several files"),
            "{message}"
        );
        assert!(at.0.is_some(), "{message}");
    }

    /// The messages that tests and learners rely on, word for word with their position: the
    /// YAML library changed under them, these did not.
    #[test]
    fn representative_messages_are_unchanged() {
        let cases: &[(&str, &str)] = &[
            (
                "title: Typo Path\nsections:\n  - title: Basics\n    items:\n      - title: Intro\n        minuts: 20\n",
                "test-path.yaml:6:9: sections[0].items[0]: unknown field `minuts`, expected one of \
                 `title`, `kind`, `minutes`, `group`, `id`, `url`, `after`; check the spelling",
            ),
            (
                "title: T\ncolour: red\nsections: []\n",
                "test-path.yaml:2:1: unknown field `colour`, expected one of `id`, `title`, \
                 `summary`, `default_minutes`, `sections`; check the spelling",
            ),
            (
                "title: T\nsections:\n  - title: S\n    items:\n      - title: I\n        minutes: 5\n        minutes: 6\n",
                "test-path.yaml:7:9: sections[0].items[0]: duplicate field `minutes`; each key may \
                 appear once per mapping",
            ),
            (
                "title: A\nsummary: S\ntitle: B\nsections: []\n",
                "test-path.yaml:3:1: duplicate field `title`; each key may appear once per mapping",
            ),
            (
                "- a\n- b\n",
                "test-path.yaml:1:1: invalid type: sequence, expected a path file: a mapping with \
                 `title` and `sections`",
            ),
            (
                "id: x\nsections:\n  - title: S\n",
                "test-path.yaml:1:1: the path has no title; add `title: ...` at the top of the file",
            ),
            (
                "title: T\nsections:\n  - title: Intro\n    items:\n      - title: I\n        minutes: 5\n  - title: intro!\n    items:\n      - title: I\n        minutes: 5\n",
                "test-path.yaml:7:12: duplicate section id `intro`: this section and the section at \
                 line 3 both get it from their titles; set `id:` on one of them",
            ),
            (
                "title: T\nsections:\n  - title: S\n    weeks: 3-1\n    items:\n      - title: I\n        minutes: 5\n",
                "test-path.yaml:4:12: weeks run backwards (3-1); write the earlier week first: `1-3`",
            ),
            (
                "title: T\nsections:\n  - title: S\n    items:\n      - title: I\n        minutes: 30 min\n",
                "test-path.yaml:6:18: minutes must be a whole number of minutes, not the text \
                 \"30 min\"; write e.g. `minutes: 30`",
            ),
            (
                "title: T\nsections:\n  - title: S\n    items:\n      - title: I\n        kind: optional\n",
                "test-path.yaml:5:16: item has no minutes and the path sets no default_minutes; add \
                 `minutes:` to the item or `default_minutes:` at the top of the file",
            ),
            (
                "# nothing here\n---\n",
                "test-path.yaml: the file is empty; a path file needs at least a `title` and \
                 `sections`",
            ),
        ];
        for (text, expected) in cases {
            let got = load(text).map(|_| ()).unwrap_err().to_string();
            assert_eq!(&got, expected, "for:\n{text}");
        }
        let (at, message) = fail_at(&with_after("three", "a/one"));
        assert_eq!(at, (Some(10), Some(17)));
        assert_eq!(
            message,
            "unknown prerequisite `three` in `after` of `a/two`: a bare id means an item of the \
             same section, and section `a` has no item `three`; did you mean `b/three`?"
        );
    }

    #[test]
    fn load_file_errors() {
        let dir = std::env::temp_dir().join(format!("studyplan-load-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let Err(Error::PathFile { message, .. }) = load_file(&dir) else {
            panic!("directory must be a path-file error")
        };
        assert!(message.contains("directory"));
        let missing = dir.join("missing.yaml");
        assert!(matches!(load_file(&missing), Err(Error::Read { .. })));
        let latin1 = dir.join("latin1.yaml");
        std::fs::write(&latin1, b"title: T\nsummary: caf\xe9\n").unwrap();
        let Err(Error::PathFile { line, message, .. }) = load_file(&latin1) else {
            panic!("non-UTF-8 must be a path-file error")
        };
        assert_eq!(line, Some(2));
        assert!(message.contains("not UTF-8"));
        let good = dir.join("good.yaml");
        std::fs::write(&good, GOOD).unwrap();
        assert_eq!(load_file(&good).unwrap().id, "demo");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
