//! The learning paths compiled into the binary, so `studyplan` works without any files.
//!
//! Each one is the YAML of a file in `paths/`, loaded with the same [`load_str`] as a user's
//! path file; the tests below keep them valid.

use super::load::load_str;
use super::LearningPath;
use crate::error::Error;
use std::path::Path;

/// A path file shipped inside the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bundled {
    /// The path's id, as written in its file.
    pub id: &'static str,
    /// Where the file lives in the repository, used as the file name in messages.
    pub file: &'static str,
    pub yaml: &'static str,
}

static BUNDLED: [Bundled; 2] = [
    Bundled {
        id: "backend-engineer",
        file: "paths/backend-engineer.yaml",
        yaml: include_str!("../../paths/backend-engineer.yaml"),
    },
    Bundled {
        id: "backend-beginner-to-advanced",
        file: "paths/backend-beginner-to-advanced.yaml",
        yaml: include_str!("../../paths/backend-beginner-to-advanced.yaml"),
    },
];

/// Every bundled path, in a fixed order.
#[must_use]
pub fn all() -> &'static [Bundled] {
    &BUNDLED
}

/// The bundled path with this id.
#[must_use]
pub fn find(id: &str) -> Option<&'static Bundled> {
    BUNDLED.iter().find(|b| b.id == id)
}

/// Parses and validates a bundled path.
///
/// # Errors
///
/// [`Error::PathFile`] if the bundled YAML is invalid, which the tests rule out.
pub fn load(b: &Bundled) -> Result<LearningPath, Error> {
    load_str(b.yaml, Path::new(b.file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::Kind;

    #[test]
    fn every_bundled_path_loads_with_its_id() {
        for b in all() {
            let path = load(b).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(path.id, b.id);
            assert!(b.file.ends_with(&format!("{}.yaml", b.id)));
            assert!(find(b.id).is_some());
        }
        assert!(find("no-such-path").is_none());
    }

    #[test]
    fn backend_engineer_counts() {
        let path = load(find("backend-engineer").unwrap()).unwrap();
        assert_eq!(path.sections.len(), 12);
        assert_eq!(path.items().count(), 184);
        assert_eq!(path.minutes_of(Kind::Required), 2525);
        assert_eq!(path.minutes_of(Kind::Optional), 1520);
        assert_eq!(path.minutes_of(Kind::Reference), 35);
        assert!(path.sections.iter().all(|s| s.weeks.is_some()));
        assert!(path.sections.iter().all(|s| s.checkpoint.is_some()));
        assert_eq!(path.sections[0].id, "database-fundamentals");
        assert_eq!(path.sections[0].items[1].id, "storage-engines");
    }

    #[test]
    fn beginner_to_advanced_has_three_windowless_levels() {
        let path = load(find("backend-beginner-to-advanced").unwrap()).unwrap();
        let ids: Vec<&str> = path.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["beginner", "intermediate", "advanced"]);
        assert!(path.sections.iter().all(|s| s.weeks.is_none()));
        assert!(path.sections.iter().all(|s| s.focus.len() == 3));
        assert!(path
            .sections
            .iter()
            .all(|s| s.items.iter().any(|i| i.kind == Kind::Required)));
        // The totals paths/README.md quotes.
        assert_eq!(path.items().count(), 17);
        assert_eq!(path.minutes_of(Kind::Required), 660);
        assert_eq!(path.minutes_of(Kind::Optional), 420);
    }
}
