//! The YAML layer of path files: text → the file-format structs of [`super::load`], with the
//! position of every value, under the path file's limits; and the YAML library's errors → one-line
//! messages with a line and column.
//!
//! The library is serde-saphyr. It deserializes straight into the `Raw*` structs; its [`Spanned`]
//! wrapper records where each value was written, in block and flow style alike; it rejects a
//! duplicate key at the second occurrence; and its budget refuses deep nesting and runaway alias
//! expansion while parsing. Nothing here reads the YAML text itself, except to quote back the
//! value a type error points at. serde_path_to_error supplies the key path
//! (`sections[0].items[1]`) that prefixes structural errors.

use super::load::MAX_FILE_BYTES;
use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_path_to_error::Segment;
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::{DefaultMessageFormatter, Error as YamlError, Location, MessageFormatter as _};
use std::fmt;

pub(super) use serde_saphyr::Spanned;

/// The deepest nesting of YAML collections (block or flow) accepted. A path file needs six levels
/// (the file, `sections`, a section, `items`, an item, `after`); the limit keeps a hostile file of
/// nested brackets from costing the parser time and stack.
pub(super) const MAX_DEPTH: usize = 64;

/// A 1-based line and column (counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pos {
    pub(super) line: usize,
    pub(super) column: usize,
}

impl Pos {
    /// Where a value was written; for a value reached through an alias (`*name`), where the alias
    /// is, since that is the place in the file that uses it.
    pub(super) fn of<T>(spanned: &Spanned<T>) -> Option<Pos> {
        Pos::from_location(spanned.referenced)
    }

    fn from_location(location: Location) -> Option<Pos> {
        let line = usize::try_from(location.line()).ok().filter(|&l| l > 0)?;
        let column = usize::try_from(location.column()).ok().filter(|&c| c > 0)?;
        Some(Pos { line, column })
    }
}

/// A YAML error turned into a message: what is wrong and, where the library knows it, where.
#[derive(Debug)]
pub(super) struct Problem {
    pub(super) at: Option<Pos>,
    pub(super) message: String,
}

/// Parses `text` into `T`. `expecting` names what belongs at a key path such as
/// `sections[0]` (`None` where the YAML type alone says it: a list, a text).
pub(super) fn parse<T: DeserializeOwned>(
    text: &str,
    expecting: fn(&str) -> Option<&'static str>,
) -> Result<T, Problem> {
    let typed = || options(serde_saphyr::Options::default());
    let first = match serde_saphyr::from_str_with_options::<T>(text, typed()) {
        Ok(parsed) => return Ok(parsed),
        Err(e) => e,
    };
    // The typed pass streams, so it meets a wrong type before a syntax error or a limit further
    // on (`title: [[[…`). Those come first, as the whole text is YAML before it is a path file:
    // check it again without types.
    let untyped = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
    };
    serde_saphyr::from_str_with_options::<IgnoredAny>(text, options(untyped))
        .map_err(|e| describe(text, &e, None, expecting))?;
    // A structure error: parse once more, tracking the key path for the message. (Only now:
    // tracking it makes parsing more than twice as slow.)
    let mut path = None;
    let again = serde_saphyr::with_deserializer_from_str_with_options(text, typed(), |de| {
        serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
            path = Some(e.path().clone());
            e.into_inner()
        })
    });
    Err(match again {
        Err(e) => describe(text, &e, path.as_ref(), expecting),
        // Not expected, as the text is the same; the first error still stands.
        Ok(_) => describe(text, &first, None, expecting),
    })
}

/// `base` with the path file's limits, and errors without the library's source snippets.
fn options(mut base: serde_saphyr::Options) -> serde_saphyr::Options {
    base.budget = serde_saphyr::budget! {
        max_depth: MAX_DEPTH,
        // The parser's own bound on flow nesting (`[`, `{`). It looks ahead, so on a long run of
        // brackets it is met before the budget's depth; both give the same message.
        flow_nesting_limit: MAX_DEPTH,
        // Every node and event takes at least a byte of text, so these never bind before the
        // file-size limit does; anchors and aliases have limits of their own.
        max_nodes: 2 * MAX_FILE_BYTES,
        max_events: 4 * MAX_FILE_BYTES,
    };
    // `.nan` and `.inf` reach the minutes check, which explains what to write instead.
    base.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::PassThrough;
    base.with_snippet = false;
    base
}

/// The message for a library error: the key path where serde's structure checks failed, then
/// the problem in the library's words or ours, and the fix where there is a usual one.
fn describe(
    text: &str,
    error: &YamlError,
    path: Option<&serde_path_to_error::Path>,
    expecting: fn(&str) -> Option<&'static str>,
) -> Problem {
    let at = error.location().and_then(Pos::from_location);
    let mut inner = error.without_snippet();
    // An error inside an aliased value: the alias is where the location points.
    while let YamlError::AliasError { error, .. } = inner {
        inner = error.without_snippet();
    }
    let path = path.map(|p| render_path(p, inner)).unwrap_or_default();
    let structural = match inner {
        YamlError::SerdeUnknownField {
            field, expected, ..
        } => format!(
            "unknown field `{field}`, expected {}; check the spelling",
            one_of(expected)
        ),
        YamlError::DuplicateMappingKey { key, .. } => match key {
            Some(key) => {
                format!("duplicate field `{key}`; each key may appear once per mapping")
            }
            None => String::from("duplicate key; each key may appear once per mapping"),
        },
        YamlError::Unexpected { expected, .. } => {
            invalid_type(text, inner.location(), expected, expecting(&path))
        }
        YamlError::SerdeInvalidType { .. }
        | YamlError::SerdeInvalidValue { .. }
        | YamlError::SerdeMissingField { .. }
        | YamlError::NullIntoString { .. }
        | YamlError::TaggedScalarCannotDeserializeIntoString { .. } => library_text(inner),
        other => {
            return Problem {
                at,
                message: unstructural(other),
            }
        }
    };
    let message = if path.is_empty() {
        structural
    } else {
        format!("{path}: {structural}")
    };
    Problem { at, message }
}

/// Syntax errors and limits: no key path (the position says where), and a fix where one helps.
fn unstructural(error: &YamlError) -> String {
    let too_deep = || {
        format!(
            "the YAML is nested more than {MAX_DEPTH} levels deep; a path file needs six at most \
             (file, sections, section, items, item, after)"
        )
    };
    let expands = |what: &str| {
        format!(
            "{what}; a path file never comes near that, so the file is refused: write repeated \
             values out instead of using aliases (`*name`), or split the path into several files"
        )
    };
    match error {
        YamlError::Budget { breach, .. } => match breach {
            BudgetBreach::Depth { .. } => too_deep(),
            BudgetBreach::Aliases { aliases } => {
                expands(&format!("the file uses {aliases} aliases"))
            }
            BudgetBreach::Anchors { anchors } => {
                expands(&format!("the file sets {anchors} anchors"))
            }
            BudgetBreach::RecordedAnchorEvents { .. }
            | BudgetBreach::RecordedAnchorBytes { .. }
            | BudgetBreach::AliasAnchorRatio { .. } => {
                expands("the file's anchors and aliases (`&name`, `*name`) repeat too much text")
            }
            other => expands(&format!("the file is past a YAML parser limit ({other:?})")),
        },
        YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayStackDepthExceeded { .. }
        | YamlError::AliasReplayCounterOverflow { .. } => {
            expands("the file's anchors and aliases (`&name`, `*name`) repeat too much text")
        }
        YamlError::MultipleDocuments { .. } => String::from(
            "the file holds more than one YAML document (a `---` line after the path); a path \
             file is one document, so remove the `---` and what follows or move it to a file of \
             its own",
        ),
        YamlError::InvalidScalar { .. } | YamlError::UnsupportedTag { .. } => format!(
            "{}: the value does not fit its YAML tag (`!!…`); remove the tag",
            library_text(error)
        ),
        _ => {
            let text = library_text(error);
            if text == "recursion limit exceeded" {
                // The parser's own bound on flow nesting, should it come before the budget's.
                too_deep()
            } else if text.contains("tab") {
                format!("{text}; indent with spaces, YAML does not allow tabs there")
            } else {
                text
            }
        }
    }
}

/// The library's own wording, without its ` at line …` suffix (the position is reported apart).
fn library_text(error: &YamlError) -> String {
    DefaultMessageFormatter.format_message(error).into_owned()
}

/// `invalid type: <found>, expected <what>`, worded like serde's errors. What was found is read
/// from the span the library reports: the opening bracket of a flow collection, nothing for a
/// block collection, or the scalar's text.
fn invalid_type(
    text: &str,
    location: Option<Location>,
    expected: &str,
    what: Option<&'static str>,
) -> String {
    let (want, other, fix) = match expected {
        "sequence start" => (
            "a sequence",
            "map",
            "; write a list such as `[a, b]`, or one `- ` line per entry",
        ),
        "mapping start" => ("a map", "sequence", ""),
        "string scalar" => (
            "a string",
            "sequence or map",
            "; write the text on one line, in quotes if it starts with `[` or `{`",
        ),
        _ => ("", "", ""),
    };
    // What belongs at the path describes the mapping there, not a key inside it (`? [a]: b`).
    let (want, fix) = match what {
        Some(what) if expected == "mapping start" => (what, ""),
        _ => (want, fix),
    };
    if want.is_empty() {
        return format!("expected {expected}");
    }
    let written = location
        .and_then(|l| {
            let span = l.span();
            let start = usize::try_from(span.byte_offset()?).ok()?;
            let len = usize::try_from(span.byte_len()?).ok()?;
            text.get(start..start.checked_add(len)?)
        })
        .map(str::trim);
    let found = match written {
        Some("") | None => other.to_string(),
        Some(w) if w.starts_with('[') => "sequence".into(),
        Some(w) if w.starts_with('{') => "map".into(),
        Some(w) if w.starts_with(['*', '&', '!']) => other.to_string(),
        Some(w) => format!("`{w}`"),
    };
    format!("invalid type: {found}, expected {want}{fix}")
}

/// `one of `a`, `b`, `c`` / `a` or `b` / `a`, as serde words a list of expected fields.
fn one_of(names: &[&str]) -> String {
    match names {
        [] => String::from("no fields here"),
        [one] => format!("`{one}`"),
        [a, b] => format!("`{a}` or `{b}`"),
        many => {
            let quoted: Vec<String> = many.iter().map(|n| format!("`{n}`")).collect();
            format!("one of {}", quoted.join(", "))
        }
    }
}

/// `sections[0].items[1]`: the keys and indexes down to the mapping or value at fault. The
/// `value` keys that [`Spanned`] wraps each value in are not part of the file and are left out,
/// and so is the offending key of an unknown or duplicate field, which the message names.
fn render_path(path: &serde_path_to_error::Path, error: &YamlError) -> String {
    let mut segments: Vec<&Segment> = path
        .iter()
        .filter(|s| !matches!(s, Segment::Map { key } if key == "value"))
        .filter(|s| !matches!(s, Segment::Unknown))
        .collect();
    if let (YamlError::SerdeUnknownField { field, .. }, Some(Segment::Map { key })) =
        (error, segments.last())
    {
        if key == field {
            segments.pop();
        }
    }
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// Deserializes a key that is present as `Some`, even when its value is null, so that the check
/// knows where the key was written (`minutes: ~` is "no minutes" at that spot).
pub(super) fn present<'de, D, T>(deserializer: D) -> Result<Option<Spanned<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Spanned::<T>::deserialize(deserializer).map(Some)
}

/// Any YAML value, for the keys whose type the checks decide rather than serde: minutes, weeks
/// and `after` accept several spellings and explain a wrong one in the path file's terms.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Null,
    Bool(bool),
    /// Any integer; wider than any limit, so range checks see the number as written.
    Int(i128),
    Float(f64),
    Text(String),
    List(Vec<Spanned<Value>>),
    Map,
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(v)))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        // Past i128 only as a float: still far over every limit.
        #[expect(
            clippy::cast_precision_loss,
            reason = "only compared with small limits"
        )]
        Ok(i128::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Text(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Text(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut list = Vec::new();
        while let Some(entry) = seq.next_element()? {
            list.push(entry);
        }
        Ok(Value::List(list))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Value::Map)
    }
}
