//! Loading a path file: YAML text → validated [`LearningPath`].
//!
//! The YAML is first deserialized into plain `Raw*` structs that mirror the file format exactly
//! (`deny_unknown_fields`, no untagged enums), so serde's own errors name the offending key. The
//! raw values are then checked and resolved into the domain types: ids defaulted and checked for
//! duplicates, minutes and weeks range-checked, prerequisites resolved to full ids and checked for
//! cycles. Serde errors carry a line and column; for the errors found after deserializing, a small
//! scanner of block-style YAML ([`SourceMap`]) remembers where every section and item and each of
//! their keys start, so those errors name a line too.

use super::{slug, Item, Kind, LearningPath, Section, Weeks};
use crate::error::Error;
use serde::Deserialize;
use serde_norway::Value;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// The last week a section window may reach: ten years of weekly study.
const MAX_WEEK: u32 = 520;
/// The longest single item, in minutes (about a week of full-time work).
const MAX_MINUTES: u32 = 10_000;
/// The largest path file read, in bytes: far above any real path (the bundled ones are a few
/// kilobytes), and low enough that `/dev/zero` or a mistyped multi-gigabyte file is refused
/// instead of filling memory.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The most items a path may hold; 10,000-item paths are tested, twice that is still accepted.
pub const MAX_ITEMS: usize = 20_000;
/// The deepest nesting of YAML flow collections (`[`, `{`) accepted. A path file needs five
/// levels at most; the YAML parser slows down quadratically on deeply nested flow collections, so a
/// hostile file of nested brackets is refused before it is parsed.
const MAX_FLOW_DEPTH: usize = 64;

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
/// prerequisites and prerequisite cycles.
pub fn load_str(text: &str, file: &Path) -> Result<LearningPath, Error> {
    let limit = |message: String| Error::PathFile {
        file: file.to_path_buf(),
        line: None,
        column: None,
        message,
    };
    if text.len() > MAX_FILE_BYTES {
        return Err(limit(too_large(text.len() as u64)));
    }
    if let Some((line, column)) = too_deep(text) {
        return Err(Error::PathFile {
            file: file.to_path_buf(),
            line: Some(line),
            column: Some(column),
            message: format!(
                "brackets are nested more than {MAX_FLOW_DEPTH} levels deep; even a path file \
                 written entirely in flow style needs only five"
            ),
        });
    }
    let raw: RawPath = serde_norway::from_str(text).map_err(|e| yaml_error(text, file, &e))?;
    let items: usize = raw
        .sections
        .iter()
        .flatten()
        .map(|s| s.items.as_ref().map_or(0, Vec::len))
        .sum();
    if items > MAX_ITEMS {
        return Err(limit(format!(
            "the path has {items} items, more than the limit of {MAX_ITEMS}; split it into \
             several path files"
        )));
    }
    let map = SourceMap::scan(text);
    if is_blank_yaml(text) {
        return Err(Error::PathFile {
            file: file.to_path_buf(),
            line: None,
            column: None,
            message: "the file is empty; a path file needs at least a `title` and `sections`"
                .into(),
        });
    }
    Checker { file, map: &map }.path(raw)
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

/// The line and column (1-based) where YAML flow collections first nest deeper than
/// [`MAX_FLOW_DEPTH`]. Brackets inside text are counted too: only a file with dozens of
/// unbalanced brackets can trip it, and none of those is a real path file.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for (n, line) in text.lines().enumerate() {
        for (column, c) in line.chars().enumerate() {
            match c {
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some((n + 1, column + 1));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

fn is_blank_yaml(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim_start_matches('\u{feff}').trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}

// ---------------------------------------------------------------------------------------------
// The file format, exactly as written.

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a path file: a mapping with `title` and `sections`"
)]
struct RawPath {
    id: Option<String>,
    title: Option<String>,
    summary: Option<String>,
    default_minutes: Option<Value>,
    sections: Option<Vec<RawSection>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a section: a mapping with `title` and `items`"
)]
struct RawSection {
    id: Option<String>,
    title: Option<String>,
    weeks: Option<Value>,
    checkpoint: Option<String>,
    focus: Option<Vec<String>>,
    items: Option<Vec<RawItem>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an item: a mapping with `title` and `minutes`"
)]
struct RawItem {
    title: Option<String>,
    kind: Option<String>,
    minutes: Option<Value>,
    group: Option<String>,
    id: Option<String>,
    url: Option<String>,
    after: Option<Value>,
}

/// Turns a serde error into a path-file error with the position split out of the message.
fn yaml_error(text: &str, file: &Path, e: &serde_norway::Error) -> Error {
    let mut message = e.to_string();
    let mut line = None;
    let mut column = None;
    if let Some(loc) = e.location() {
        line = Some(loc.line());
        column = Some(loc.column());
        let suffix = format!(" at line {} column {}", loc.line(), loc.column());
        if let Some(at) = message.find(&suffix) {
            message.replace_range(at..at + suffix.len(), "");
        }
    }
    // serde points a duplicate key at the start of its mapping; point at the second key instead.
    if let Some(name) = between(&message, "duplicate field `", "`") {
        let map = SourceMap::scan(text);
        let spots = map.at_serde_path(&message);
        if let Some(second) = spots.and_then(|s| s.keys.iter().filter(|k| k.name == name).nth(1)) {
            line = Some(second.key.line);
            column = Some(second.key.column);
        }
        message.push_str("; each key may appear once per mapping");
    }
    if message.contains("unknown field `") {
        message.push_str("; check the spelling");
    }
    Error::PathFile {
        file: file.to_path_buf(),
        line,
        column,
        message: clip_quoted(&message),
    }
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

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &s[s.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

// ---------------------------------------------------------------------------------------------
// Validation.

struct Checker<'a> {
    file: &'a Path,
    map: &'a SourceMap,
}

/// What the checker remembers about an item until prerequisites are resolved.
struct Pending {
    item: Item,
    after: Vec<String>,
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

    fn path(&self, raw: RawPath) -> Result<LearningPath, Error> {
        let top = &self.map.top;
        let id = match raw.id {
            Some(id) => check_id("path", &id).map_err(|m| self.err(top.value("id"), m))?,
            None => default_path_id(self.file),
        };
        let title = match raw.title {
            Some(t) => {
                check_title("the path title", &t).map_err(|m| self.err(top.value("title"), m))?
            }
            None => {
                return Err(self.err(
                    top.entry,
                    "the path has no title; add `title: ...` at the top of the file",
                ))
            }
        };
        let summary = match raw.summary {
            Some(s) => {
                check_prose("the summary", &s).map_err(|m| self.err(top.value("summary"), m))?
            }
            None => None,
        };
        let default_minutes = match raw.default_minutes {
            Some(v) => Some(
                minutes_from_value(&v, "default_minutes")
                    .map_err(|m| self.err(top.value("default_minutes"), m))?,
            ),
            None => None,
        };
        let raw_sections = raw.sections.unwrap_or_default();
        if raw_sections.is_empty() {
            return Err(self.err(
                top.key("sections"),
                "the path has no sections; add a `sections:` list with at least one section",
            ));
        }

        let mut sections = Vec::with_capacity(raw_sections.len());
        let mut pending = Vec::with_capacity(raw_sections.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (index, raw_section) in raw_sections.into_iter().enumerate() {
            let (section, items) = self.section(index, raw_section, default_minutes)?;
            if let Some(&other) = seen.get(&section.id) {
                return Err(self.duplicate_section(&section.id, other, index));
            }
            seen.insert(section.id.clone(), index);
            sections.push(section);
            pending.push(items);
        }
        self.resolve_after(&mut sections, pending)?;
        self.check_order(&sections)?;
        Ok(LearningPath {
            id,
            title,
            summary,
            sections,
        })
    }

    fn duplicate_section(&self, id: &str, first: usize, second: usize) -> Error {
        let spots_a = self.map.section(first);
        let spots_b = self.map.section(second);
        let explicit = spots_b.has("id") || spots_a.has("id");
        let at = if spots_b.has("id") {
            spots_b.value("id")
        } else {
            spots_b.value("title")
        };
        let other = match spots_a.entry {
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
        raw: RawSection,
        default_minutes: Option<u32>,
    ) -> Result<(Section, Vec<Vec<String>>), Error> {
        let spots = self.map.section(index);
        let title = match raw.title {
            Some(t) => check_title("the section title", &t)
                .map_err(|m| self.err(spots.value("title"), m))?,
            None => {
                return Err(self.err(
                    spots.entry,
                    format!("section {} has no title; add `title: ...`", index + 1),
                ))
            }
        };
        let id = match raw.id {
            Some(id) => check_id("section", &id).map_err(|m| self.err(spots.value("id"), m))?,
            None => slug(&title),
        };
        let weeks = match raw.weeks {
            None | Some(Value::Null) => None,
            Some(v) => Some(weeks_from_value(&v).map_err(|m| self.err(spots.value("weeks"), m))?),
        };
        let checkpoint = match raw.checkpoint {
            Some(c) => check_prose("the checkpoint", &c)
                .map_err(|m| self.err(spots.value("checkpoint"), m))?,
            None => None,
        };
        let mut focus = Vec::new();
        for entry in raw.focus.unwrap_or_default() {
            focus.push(
                check_title("a focus entry", &entry)
                    .map_err(|m| self.err(spots.value("focus"), m))?,
            );
        }
        let raw_items = raw.items.unwrap_or_default();
        if raw_items.is_empty() {
            return Err(self.err(
                spots.key("items"),
                format!("section `{id}` has no items; add at least one item under `items:`"),
            ));
        }

        let mut items = Vec::with_capacity(raw_items.len());
        let mut afters = Vec::with_capacity(raw_items.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (j, raw_item) in raw_items.into_iter().enumerate() {
            let Pending { item, after } = self.item(index, j, &id, raw_item, default_minutes)?;
            if let Some(&other) = seen.get(&item.id) {
                return Err(self.duplicate_item(&id, &item.id, index, other, j));
            }
            seen.insert(item.id.clone(), j);
            items.push(item);
            afters.push(after);
        }
        let section = Section {
            id,
            title,
            weeks,
            checkpoint,
            focus,
            items,
        };
        Ok((section, afters))
    }

    fn duplicate_item(
        &self,
        section: &str,
        id: &str,
        s: usize,
        first: usize,
        second: usize,
    ) -> Error {
        let a = self.map.item(s, first);
        let b = self.map.item(s, second);
        let at = if b.has("id") {
            b.value("id")
        } else {
            b.value("title")
        };
        let other = match a.entry {
            Some(p) => format!("the item at line {}", p.line),
            None => format!("item {}", first + 1),
        };
        let this = match b.entry {
            Some(p) => format!("the item at line {}", p.line),
            None => format!("item {}", second + 1),
        };
        if a.has("id") || b.has("id") {
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
        s: usize,
        j: usize,
        section_id: &str,
        raw: RawItem,
        default_minutes: Option<u32>,
    ) -> Result<Pending, Error> {
        let spots = self.map.item(s, j);
        let title = match raw.title {
            Some(t) => {
                check_title("the item title", &t).map_err(|m| self.err(spots.value("title"), m))?
            }
            None => {
                return Err(self.err(
                    spots.entry,
                    format!(
                        "item {} of section `{section_id}` has no title; add `title: ...`",
                        j + 1
                    ),
                ))
            }
        };
        let id = match raw.id {
            Some(id) => check_id("item", &id).map_err(|m| self.err(spots.value("id"), m))?,
            None => slug(&title),
        };
        let kind = match raw.kind.as_deref().map(str::trim) {
            None => Kind::Required,
            Some(k) if k.eq_ignore_ascii_case("required") => Kind::Required,
            Some(k) if k.eq_ignore_ascii_case("optional") => Kind::Optional,
            Some(k) if k.eq_ignore_ascii_case("reference") => Kind::Reference,
            Some(k) => {
                return Err(self.err(
                    spots.value("kind"),
                    format!("unknown kind `{k}`; use `required`, `optional` or `reference`"),
                ))
            }
        };
        let minutes = match (raw.minutes, default_minutes) {
            (Some(v), _) if !v.is_null() => minutes_from_value(&v, "minutes")
                .map_err(|m| self.err(spots.value("minutes"), m))?,
            (_, Some(d)) => d,
            (_, None) => {
                return Err(self.err(
                    spots.key("minutes").or(spots.value("title")),
                    "item has no minutes and the path sets no default_minutes; add `minutes:` \
                     to the item or `default_minutes:` at the top of the file",
                ))
            }
        };
        let group = match raw.group {
            Some(g) => {
                Some(check_title("the group", &g).map_err(|m| self.err(spots.value("group"), m))?)
            }
            None => None,
        };
        let url = match raw.url {
            Some(u) => Some(check_url(&u).map_err(|m| self.err(spots.value("url"), m))?),
            None => None,
        };
        let after = match raw.after {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => after_from_value(v).map_err(|m| self.err(spots.value("after"), m))?,
        };
        Ok(Pending {
            item: Item {
                id,
                title,
                kind,
                minutes,
                group,
                url,
                after: Vec::new(),
            },
            after,
        })
    }

    /// Resolves `after` entries to full ids; bare item ids mean the item's own section.
    fn resolve_after(
        &self,
        sections: &mut [Section],
        pending: Vec<Vec<Vec<String>>>,
    ) -> Result<(), Error> {
        let mut known: HashSet<String> = HashSet::new();
        for section in sections.iter() {
            for item in &section.items {
                known.insert(format!("{}/{}", section.id, item.id));
            }
        }
        for (s, afters) in pending.into_iter().enumerate() {
            for (j, entries) in afters.into_iter().enumerate() {
                let section_id = sections[s].id.clone();
                let own = format!("{section_id}/{}", sections[s].items[j].id);
                let at = self.map.item(s, j).value("after");
                let mut resolved: Vec<String> = Vec::with_capacity(entries.len());
                for entry in entries {
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
                        resolved.push(full);
                    }
                }
                sections[s].items[j].after = resolved;
            }
        }
        Ok(())
    }

    /// Rejects prerequisite cycles, counting the rule that within a section every optional or
    /// reference item comes after every required item as an ordering too.
    fn check_order(&self, sections: &[Section]) -> Result<(), Error> {
        let graph = OrderGraph::new(sections);
        let Some(cycle) = graph.find_cycle() else {
            return Ok(());
        };
        let name = |node: usize| graph.name(sections, node);
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
            let (rs, rj) = graph.item(required).unwrap_or_default();
            let (_, oj) = graph.item(optional).unwrap_or_default();
            let okind = sections
                .get(section)
                .and_then(|s| s.items.get(oj))
                .map_or(Kind::Optional, |i| i.kind);
            return Err(self.err(
                self.map.item(rs, rj).value("after"),
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
        let (s, j) = graph.item(rotated[1]).unwrap_or_default();
        Err(self.err(
            self.map.item(s, j).value("after"),
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
    if !candidates.is_empty() {
        let _ = write!(message, "; did you mean {}?", candidates.join(" or "));
    } else {
        message.push_str("; use the full id `section-id/item-id`");
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
    let whole = match value {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                u
            } else if let Some(i) = n.as_i64() {
                return Err(format!(
                    "{what} must be a positive number of minutes, not {i}"
                ));
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if !(f.is_finite() && f.fract() == 0.0) {
                    return Err(format!(
                        "{what} must be a whole number of minutes such as 30, not {n}"
                    ));
                }
                if f < 0.0 {
                    return Err(format!(
                        "{what} must be a positive number of minutes, not {n}"
                    ));
                }
                if f > f64::from(MAX_MINUTES) {
                    u64::MAX
                } else {
                    // Exact: a whole number within u32 range.
                    f as u64
                }
            }
        }
        Value::String(s) => {
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
        _ => {
            return Err(format!(
                "{what} must be a whole number of minutes such as 30"
            ))
        }
    };
    match u32::try_from(whole) {
        Ok(0) => Err(format!("{what} must be at least 1, not 0")),
        Ok(m) if m <= MAX_MINUTES => Ok(m),
        _ => Err(format!(
            "{what} is {}, more than the limit of {MAX_MINUTES} minutes per item; split the \
             work into smaller items",
            if whole == u64::MAX {
                String::from("too large")
            } else {
                whole.to_string()
            }
        )),
    }
}

fn weeks_from_value(value: &Value) -> Result<Weeks, String> {
    match value {
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => parse_weeks(&u.to_string()),
            (None, Some(i)) => parse_weeks(&i.to_string()),
            _ => Err(format!(
                "weeks must be whole weeks such as `3` or `1-2`, not {n}"
            )),
        },
        Value::String(s) => parse_weeks(s),
        _ => Err("weeks must be a week such as `3` or a range such as `1-2`".into()),
    }
}

fn after_from_value(value: Value) -> Result<Vec<String>, String> {
    let entry = |v: Value| match v {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(String::from(
            "`after` must be a list of item ids such as `[section-id/item-id]`",
        )),
    };
    match value {
        Value::Sequence(list) => list.into_iter().map(entry).collect(),
        other => entry(other).map(|s| vec![s]),
    }
}

// ---------------------------------------------------------------------------------------------
// Where things are in the source text.

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Pos {
    line: usize,
    column: usize,
}

#[derive(Debug, Clone)]
struct KeySpot {
    name: String,
    key: Pos,
    /// Start of the value when it is on the same line as the key.
    value: Option<Pos>,
}

/// The positions of one mapping: where its entry starts and where each key is.
#[derive(Debug, Default)]
struct Spots {
    entry: Option<Pos>,
    keys: Vec<KeySpot>,
}

static NO_SPOTS: Spots = Spots {
    entry: None,
    keys: Vec::new(),
};

impl Spots {
    fn find(&self, name: &str) -> Option<&KeySpot> {
        self.keys.iter().find(|k| k.name == name)
    }

    fn has(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// The key's position, else the mapping's.
    fn key(&self, name: &str) -> Option<Pos> {
        self.find(name).map(|k| k.key).or(self.entry)
    }

    /// The value's position, else the key's, else the mapping's.
    fn value(&self, name: &str) -> Option<Pos> {
        self.find(name)
            .map(|k| k.value.unwrap_or(k.key))
            .or(self.entry)
    }
}

/// Positions of the top mapping, each section and each item, by index. Built by a light scan of
/// block-style YAML; flow-style parts (`{...}`, `[...]`) are opaque, so positions inside them
/// fall back to the enclosing entry.
#[derive(Debug, Default)]
struct SourceMap {
    top: Spots,
    sections: Vec<(Spots, Vec<Spots>)>,
}

impl SourceMap {
    fn scan(text: &str) -> Self {
        let mut scanner = Scanner::new(text);
        let Node::Map(top) = scanner.node(None) else {
            return SourceMap::default();
        };
        let mut map = SourceMap {
            top: Spots {
                entry: top.first().map(|(k, _)| k.key),
                keys: Vec::new(),
            },
            sections: Vec::new(),
        };
        for (key, value) in top {
            if key.name == "sections" {
                if let Node::Seq(entries) = value {
                    map.sections = entries.into_iter().map(section_spots).collect();
                }
                map.top.keys.push(key);
            } else {
                map.top.keys.push(key);
            }
        }
        map
    }

    fn section(&self, s: usize) -> &Spots {
        self.sections.get(s).map_or(&NO_SPOTS, |(spots, _)| spots)
    }

    fn item(&self, s: usize, j: usize) -> &Spots {
        self.sections
            .get(s)
            .and_then(|(_, items)| items.get(j))
            .unwrap_or(&NO_SPOTS)
    }

    /// The mapping a serde error path such as `sections[2].items[0]: …` points at.
    fn at_serde_path(&self, message: &str) -> Option<&Spots> {
        let path = message.split(": ").next()?;
        if !path.starts_with("sections[") {
            return Some(&self.top);
        }
        let index = |s: &str, name: &str| -> Option<usize> {
            s.strip_prefix(name)?
                .strip_prefix('[')?
                .strip_suffix(']')?
                .parse()
                .ok()
        };
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            [sec] => index(sec, "sections").map(|s| self.section(s)),
            [sec, item] => Some(self.item(index(sec, "sections")?, index(item, "items")?)),
            _ => None,
        }
    }
}

fn section_spots((entry, node): (Pos, Node)) -> (Spots, Vec<Spots>) {
    let Node::Map(keys) = node else {
        return (
            Spots {
                entry: Some(entry),
                keys: Vec::new(),
            },
            Vec::new(),
        );
    };
    let mut spots = Spots {
        entry: Some(entry),
        keys: Vec::new(),
    };
    let mut items = Vec::new();
    for (key, value) in keys {
        if key.name == "items" {
            if let Node::Seq(entries) = value {
                items = entries
                    .into_iter()
                    .map(|(at, node)| Spots {
                        entry: Some(at),
                        keys: match node {
                            Node::Map(keys) => keys.into_iter().map(|(k, _)| k).collect(),
                            _ => Vec::new(),
                        },
                    })
                    .collect();
            }
        }
        spots.keys.push(key);
    }
    (spots, items)
}

/// The block structure of a YAML document, with positions.
enum Node {
    Scalar,
    Seq(Vec<(Pos, Node)>),
    Map(Vec<(KeySpot, Node)>),
}

#[derive(Clone, Copy)]
struct Line<'a> {
    /// 1-based line number.
    no: usize,
    /// Column (0-based) where `text` starts.
    indent: usize,
    text: &'a str,
}

struct Scanner<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        let lines = text
            .lines()
            .enumerate()
            .filter_map(|(i, raw)| {
                let raw = if i == 0 {
                    raw.strip_prefix('\u{feff}').unwrap_or(raw)
                } else {
                    raw
                };
                let content = raw.trim_start_matches(' ');
                let indent = raw.len() - content.len();
                let content = strip_comment(content).trim_end();
                let marker = indent == 0
                    && (content == "---" || content == "..." || content.starts_with('%'));
                (!content.is_empty() && !marker).then_some(Line {
                    no: i + 1,
                    indent,
                    text: content,
                })
            })
            .collect();
        Scanner { lines, pos: 0 }
    }

    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    /// Parses the node starting at the current line. Scalars continue on lines indented deeper
    /// than `parent`.
    fn node(&mut self, parent: Option<usize>) -> Node {
        let Some(line) = self.peek() else {
            return Node::Scalar;
        };
        if is_seq_entry(line.text) {
            self.seq(line.indent)
        } else if split_key(line.text).is_some() {
            self.map(line.indent)
        } else {
            self.pos += 1;
            if let Some(p) = parent {
                self.skip_deeper(p);
            }
            Node::Scalar
        }
    }

    fn skip_deeper(&mut self, indent: usize) {
        while self.peek().is_some_and(|l| l.indent > indent) {
            self.pos += 1;
        }
    }

    fn seq(&mut self, indent: usize) -> Node {
        let mut entries = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent != indent || !is_seq_entry(line.text) {
                break;
            }
            let at = Pos {
                line: line.no,
                column: indent + 1,
            };
            let rest = &line.text[1..];
            let content = rest.trim_start_matches(' ');
            let node = if content.is_empty() {
                self.pos += 1;
                match self.peek() {
                    Some(next) if next.indent > indent => self.node(Some(indent)),
                    _ => Node::Scalar,
                }
            } else {
                // Treat the entry's content as a line of its own, indented past the dash.
                self.lines[self.pos] = Line {
                    no: line.no,
                    indent: indent + 1 + (rest.len() - content.len()),
                    text: content,
                };
                self.node(Some(indent))
            };
            entries.push((at, node));
        }
        Node::Seq(entries)
    }

    fn map(&mut self, indent: usize) -> Node {
        let mut entries = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                // Not expected in valid block YAML; skip rather than misread.
                self.pos += 1;
                continue;
            }
            if is_seq_entry(line.text) {
                break;
            }
            let Some((name, value_at)) = split_key(line.text) else {
                break;
            };
            self.pos += 1;
            let key = Pos {
                line: line.no,
                column: indent + 1,
            };
            let value_text = &line.text[value_at..];
            let property_only =
                value_text.starts_with(['&', '!']) && !value_text.contains(char::is_whitespace);
            let (value, value_pos) = if value_text.is_empty() || property_only {
                match self.peek() {
                    Some(next) if next.indent > indent => (self.node(Some(indent)), None),
                    Some(next) if next.indent == indent && is_seq_entry(next.text) => {
                        (self.seq(indent), None)
                    }
                    _ => (Node::Scalar, None),
                }
            } else {
                self.skip_deeper(indent);
                let column = indent + 1 + line.text[..value_at].chars().count();
                (
                    Node::Scalar,
                    Some(Pos {
                        line: line.no,
                        column,
                    }),
                )
            };
            entries.push((
                KeySpot {
                    name,
                    key,
                    value: value_pos,
                },
                value,
            ));
        }
        Node::Map(entries)
    }
}

fn is_seq_entry(text: &str) -> bool {
    text == "-" || text.starts_with("- ") || text.starts_with("-\t")
}

/// If the line is `key: value`, the key and the byte offset where the value starts.
fn split_key(text: &str) -> Option<(String, usize)> {
    let (name, colon) = match text.chars().next()? {
        q @ ('"' | '\'') => {
            let close = closing_quote(text, q)?;
            let after = &text[close + 1..];
            let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
            (text[1..close].to_string(), close + 1 + gap)
        }
        '[' | '{' | '|' | '>' | '&' | '*' | '!' | '?' | '#' | '%' | '@' | '`' => return None,
        _ => {
            let colon = text.char_indices().find_map(|(i, c)| {
                let next = text[i + c.len_utf8()..].chars().next();
                (c == ':' && next.is_none_or(|n| n == ' ' || n == '\t')).then_some(i)
            })?;
            (text[..colon].trim_end().to_string(), colon)
        }
    };
    let rest = text[colon..].strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let value = rest.trim_start_matches([' ', '\t']);
    Some((name, text.len() - value.len()))
}

/// Byte index of the quote that closes the one at index 0.
fn closing_quote(text: &str, quote: char) -> Option<usize> {
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                chars.next();
            } else {
                return Some(i);
            }
        }
    }
    None
}

/// The line without its `# comment`, leaving `#` inside quotes and words alone.
fn strip_comment(s: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev: Option<char> = None;
    let mut prev_solid: Option<char> = None;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some('"') => {
                if c == '\\' {
                    chars.next();
                } else if c == '"' {
                    quote = None;
                }
            }
            Some(_) => {
                if c == '\'' {
                    if chars.peek().is_some_and(|&(_, n)| n == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
            }
            None => {
                if c == '#' && prev.is_none_or(char::is_whitespace) {
                    return &s[..i];
                }
                let opens_scalar = prev.is_none_or(|p| p.is_whitespace() || "[{,".contains(p))
                    && prev_solid.is_none_or(|p| ":-[{,?".contains(p));
                if (c == '"' || c == '\'') && opens_scalar {
                    quote = Some(c);
                }
            }
        }
        prev = Some(c);
        if !c.is_whitespace() {
            prev_solid = Some(c);
        }
    }
    s
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
        assert_fails(
            "title: T\nsections:\n  - title: |\n      two\n      lines\n    items:\n      - title: I\n        minutes: 5\n",
            3,
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
        assert_fails(&section("-2"), 4, "negative");
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

    #[test]
    fn compact_and_flow_styles_still_locate_lines() {
        // Sequences at the same indent as their key, and flow-style items.
        let text = "title: T\nsections:\n- title: S\n  items:\n  - title: I\n    minutes: 5\n  - {title: J, minutes: 0}\n";
        assert_fails(text, 7, "at least 1");
        let text =
            "title: T\nsections:\n-\n  title: S\n  items:\n  -   title: I\n      minutes: 0\n";
        assert_fails(text, 7, "at least 1");
    }

    #[test]
    fn source_map_handles_block_scalars_and_comments() {
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
        assert_fails(text, 13, "at least 1");
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
