//! The state file: the plan, the settings it was made with, where its path came from, and the
//! progress log. Written atomically (temporary file in the same folder, flushed, renamed), so
//! an interrupted write leaves the previous state intact.

use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::schedule::Settings;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Format version of the state file this build writes and reads.
pub const VERSION: u32 = 1;

/// Where the learning path of a plan came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A path bundled into the binary, by id.
    Bundled(String),
    /// A path file, absolute.
    File(PathBuf),
}

/// One thing the learner recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Full item id.
    pub item: String,
    pub action: Action,
    pub on: NaiveDate,
    /// Actual minutes spent (done) or minutes of progress (progress).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Done,
    Progress,
    Skip,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub version: u32,
    pub source: Source,
    pub settings: Settings,
    #[serde(default)]
    pub progress: Vec<Entry>,
    pub plan: Plan,
}

impl State {
    /// Read and check a state file.
    pub fn load(file: &Path) -> Result<State> {
        let bytes = std::fs::read(file).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => Error::State {
                file: file.to_path_buf(),
                line: None,
                column: None,
                message: "not found: make a plan first with `studyplan plan` (or pass --state)"
                    .into(),
            },
            _ => Error::Read {
                file: file.to_path_buf(),
                source,
            },
        })?;
        let state_err = |line, column, message: String| Error::State {
            file: file.to_path_buf(),
            line,
            column,
            message,
        };
        let text = String::from_utf8(bytes).map_err(|_| {
            state_err(
                None,
                None,
                "is not UTF-8 text; it was not written by studyplan".into(),
            )
        })?;
        // Check the version before the shape, so a newer file gets the right message.
        if let Ok(v) = serde_norway::from_str::<VersionOnly>(&text) {
            if v.version > VERSION {
                return Err(state_err(
                    None,
                    None,
                    format!(
                        "was written by a newer studyplan (format {}, this build reads {VERSION}); upgrade studyplan",
                        v.version
                    ),
                ));
            }
        }
        serde_norway::from_str::<State>(&text).map_err(|e| {
            let loc = e.location();
            state_err(
                loc.as_ref().map(|l| l.line()),
                loc.as_ref().map(|l| l.column()),
                format!("is not a valid studyplan state file: {e}"),
            )
        })
    }

    /// Write atomically: a temporary file next to `file`, flushed and synced, renamed over it.
    pub fn save(&self, file: &Path) -> Result<()> {
        let text = serde_norway::to_string(self)
            .map_err(|e| Error::Solver(format!("cannot serialise the state: {e}")))?;
        write_atomic(file, text.as_bytes())
    }
}

#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

/// Replace `file` with `bytes` atomically.
pub fn write_atomic(file: &Path, bytes: &[u8]) -> Result<()> {
    let write_err = |source| Error::Write {
        file: file.to_path_buf(),
        source,
    };
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".studyplan-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(write_err)?;
    tmp.write_all(bytes).map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    tmp.persist(file).map_err(|e| write_err(e.error))?;
    Ok(())
}
