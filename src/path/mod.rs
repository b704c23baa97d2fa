//! The learning-path model: sections with week windows holding items.
//!
//! This module owns the validated domain types. Loading and validating YAML lives in
//! [`load`] (on top of `yaml`: the YAML library, its positions and limits), reading the seeds'
//! checklist format in [`import`], and the bundled paths that are compiled into the binary in
//! [`bundled`]. Nothing here knows about days, hours or the solver.

pub mod bundled;
pub mod import;
pub mod load;
mod yaml;

use serde::{Deserialize, Serialize};
use std::fmt;

/// How important an item is. The order of the variants is the scheduling priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Required,
    Optional,
    Reference,
}

impl Kind {
    /// Lowercase name as used in path files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Required => "required",
            Kind::Optional => "optional",
            Kind::Reference => "reference",
        }
    }

    /// Capitalised label for people ("Required").
    pub fn label(self) -> &'static str {
        match self {
            Kind::Required => "Required",
            Kind::Optional => "Optional",
            Kind::Reference => "Reference",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A validated learning path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearningPath {
    pub id: String,
    pub title: String,
    pub summary: Option<String>,
    pub sections: Vec<Section>,
}

/// A 1-based, inclusive range of weeks counted from the plan's start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weeks {
    pub first: u32,
    pub last: u32,
}

impl Weeks {
    /// First day offset (0-based, from the start date) of the window.
    pub fn first_day(self) -> u32 {
        7 * (self.first - 1)
    }

    /// Last day offset (0-based, inclusive) of the window.
    pub fn last_day(self) -> u32 {
        7 * self.last - 1
    }

    /// `week 3` or `weeks 1-2`, as messages name a window.
    pub fn label(self) -> String {
        let s = if self.first == self.last { "" } else { "s" };
        format!("week{s} {self}")
    }
}

impl fmt::Display for Weeks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub weeks: Option<Weeks>,
    pub checkpoint: Option<String>,
    pub focus: Vec<String>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Id within the section (not the full id).
    pub id: String,
    pub title: String,
    pub kind: Kind,
    /// Estimate in minutes, always positive.
    pub minutes: u32,
    pub group: Option<String>,
    pub url: Option<String>,
    /// Full ids (`section-id/item-id`) of prerequisites.
    pub after: Vec<String>,
}

impl LearningPath {
    /// Every item with its section, in path order.
    pub fn items(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }

    /// What is valid but cannot work out as written: an item whose prerequisite's window starts
    /// after the item's own window ends can never be done in its window.
    pub fn warnings(&self) -> Vec<String> {
        self.prerequisites_after_window()
            .into_iter()
            .map(|(section, item, before, own, theirs)| {
                format!(
                    "{} ({}) comes after {before} ({}), which starts after {} ends: it \
                     cannot be done in its window",
                    full_id(section, item),
                    own.label(),
                    theirs.label(),
                    own.label()
                )
            })
            .collect()
    }

    /// Items whose prerequisite's window starts after the item's own window ends, with that
    /// prerequisite and both windows: such an item is late at any hours.
    pub fn prerequisites_after_window(&self) -> Vec<(&Section, &Item, &str, Weeks, Weeks)> {
        let windows: std::collections::HashMap<String, Weeks> = self
            .items()
            .filter_map(|(s, i)| s.weeks.map(|w| (full_id(s, i), w)))
            .collect();
        let mut out = Vec::new();
        for (section, item) in self.items() {
            let Some(own) = section.weeks else { continue };
            for before in &item.after {
                if let Some(&theirs) = windows.get(before).filter(|p| p.first > own.last) {
                    out.push((section, item, before.as_str(), own, theirs));
                }
            }
        }
        out
    }

    /// Total minutes of the items of one kind.
    pub fn minutes_of(&self, kind: Kind) -> u32 {
        self.items()
            .filter(|(_, i)| i.kind == kind)
            .map(|(_, i)| i.minutes)
            .sum()
    }
}

/// The full id of an item: `section-id/item-id`.
pub fn full_id(section: &Section, item: &Item) -> String {
    format!("{}/{}", section.id, item.id)
}

/// Lowercase ASCII slug: letters and digits kept, everything else collapsed into single dashes.
/// `"Query Planning & Optimization"` → `"query-planning-optimization"`,
/// `"HTTP/2 & HTTP/3"` → `"http-2-http-3"`. Letters of other scripts are transliterated
/// (`deunicode`: `"Übung"` → `"ubung"`, `"日本語"` → `"ri-ben-yu"`); symbols and emoji are
/// separators, as punctuation is. Falls back to `"item"` when nothing is left.
pub fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut dash = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    };
    for c in title.chars() {
        match deunicode::deunicode_char(c) {
            Some(ascii) if !c.is_ascii() && c.is_alphanumeric() => {
                for a in ascii.chars() {
                    push(a, &mut out);
                }
            }
            _ => push(c, &mut out),
        }
    }
    if out.is_empty() {
        out.push_str("item");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Query Planning & Optimization"),
            "query-planning-optimization"
        );
        assert_eq!(slug("HTTP/2 & HTTP/3"), "http-2-http-3");
        assert_eq!(slug("  N+1 Problem "), "n-1-problem");
        assert_eq!(slug("!!!"), "item");
        assert_eq!(slug("Übung: Grundlagen"), "ubung-grundlagen");
        assert_eq!(slug("日本語の基礎"), "ri-ben-yu-noji-chu");
        assert_eq!(slug("Ελληνικά"), "ellenika");
        // Emoji and symbols separate words, as punctuation does.
        assert_eq!(slug("⚙️ BackendCore MSA"), "backendcore-msa");
    }

    #[test]
    fn week_days() {
        let w = Weeks { first: 2, last: 3 };
        assert_eq!((w.first_day(), w.last_day()), (7, 20));
        assert_eq!(w.label(), "weeks 2-3");
        assert_eq!(Weeks { first: 4, last: 4 }.label(), "week 4");
    }
}
