//! The state file: the plan, the settings it was made with, where its path came from, and the
//! progress log. Written atomically (temporary file in the same folder, flushed, renamed), so
//! an interrupted write leaves the previous state intact.

pub mod lock;
pub mod resolve;
pub mod status;

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

/// What the progress log says about one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ItemProgress {
    pub done: bool,
    pub skipped: bool,
    /// Minutes of partial progress recorded with `progress`.
    pub progress: u32,
    /// Actual minutes recorded with `done --minutes`, when given.
    pub actual: Option<u32>,
}

/// Fold the progress log into one [`ItemProgress`] per item id.
pub fn summarize(progress: &[Entry]) -> std::collections::BTreeMap<String, ItemProgress> {
    let mut out: std::collections::BTreeMap<String, ItemProgress> = Default::default();
    for e in progress {
        let p = out.entry(e.item.clone()).or_default();
        match e.action {
            Action::Done => {
                p.done = true;
                if let Some(m) = e.minutes {
                    p.actual = Some(p.actual.unwrap_or(0) + m);
                }
            }
            Action::Progress => p.progress = p.progress.saturating_add(e.minutes.unwrap_or(0)),
            Action::Skip => p.skipped = true,
        }
    }
    out
}

impl State {
    /// Items a name on the command line can refer to: those of the plan, and of `path` (the
    /// current path file) when it could be read.
    pub fn candidates(&self, path: Option<&crate::path::LearningPath>) -> Vec<resolve::Candidate> {
        let mut out: Vec<resolve::Candidate> = Vec::new();
        let mut push = |id: &str, title: &str| {
            if !out.iter().any(|c| c.id == id) {
                out.push(resolve::Candidate {
                    id: id.to_string(),
                    title: title.to_string(),
                });
            }
        };
        if let Some(p) = path {
            for (s, i) in p.items() {
                push(&crate::path::full_id(s, i), &i.title);
            }
        }
        for s in &self.plan.sessions {
            push(&s.item, &s.title);
        }
        for u in &self.plan.unscheduled {
            push(&u.item, &u.title);
        }
        out
    }

    /// Set `done` on the plan's sessions from the progress log: every session of a done item,
    /// and of an item with partial progress the first sessions that progress covers.
    pub fn refresh_done(&mut self) {
        let summary = summarize(&self.progress);
        let mut order: Vec<usize> = (0..self.plan.sessions.len()).collect();
        order.sort_by_key(|&i| (self.plan.sessions[i].start, self.plan.sessions[i].part));
        let mut covered: std::collections::BTreeMap<String, u32> = Default::default();
        for i in order {
            let s = &mut self.plan.sessions[i];
            let p = summary.get(&s.item).copied().unwrap_or_default();
            s.done = if p.done {
                true
            } else {
                let c = covered.entry(s.item.clone()).or_default();
                *c += s.minutes;
                *c <= p.progress
            };
        }
    }
}
