//! The state file: the plan, the settings it was made with, where its path came from, and the
//! progress log. Written atomically (temporary file in the same folder, flushed, renamed), so
//! an interrupted write leaves the previous state intact.

pub mod resolve;
pub mod status;

use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::schedule::Settings;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
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
#[serde(try_from = "RawEntry")]
pub struct Entry {
    /// Full item id.
    pub item: String,
    pub action: Action,
    pub on: NaiveDate,
    /// Actual minutes spent (done) or minutes of progress (progress).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
}

/// [`Entry`] as a state file holds it, before the check that a `progress` entry has minutes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    item: String,
    action: Action,
    on: NaiveDate,
    #[serde(default)]
    minutes: Option<u32>,
}

impl TryFrom<RawEntry> for Entry {
    type Error = String;

    fn try_from(r: RawEntry) -> std::result::Result<Entry, String> {
        if r.action == Action::Progress && r.minutes.is_none_or(|m| m == 0) {
            return Err(format!(
                "the progress entry for {} on {} has no minutes",
                r.item, r.on
            ));
        }
        Ok(Entry {
            item: r.item,
            action: r.action,
            on: r.on,
            minutes: r.minutes,
        })
    }
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
    /// Calendar options of the last `plan`/`replan`, so a later replan writes the same kind of
    /// calendar to the same file unless told otherwise.
    #[serde(default)]
    pub calendar: Calendar,
    /// The CalDAV calendar `sync` keeps in step, and what it knows about it.
    #[serde(default, skip_serializing_if = "crate::sync::SyncState::is_empty")]
    pub sync: crate::sync::SyncState,
    pub plan: Plan,
}

/// Remembered calendar options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_minutes: Option<u32>,
    #[serde(default)]
    pub milestones: bool,
    /// Where the calendar was written, when not the default next to the state file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
}

/// A state file larger than this is refused rather than read (a 20,000-item plan is far below).
const MAX_STATE_BYTES: u64 = 256 << 20;

impl State {
    /// Read and check a state file.
    pub fn load(file: &Path) -> Result<State> {
        let bytes = crate::storage::read_limited(file, MAX_STATE_BYTES).map_err(|source| {
            match source.kind() {
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
            }
        })?;
        let state_err = |line, column, message: String| Error::State {
            file: file.to_path_buf(),
            line,
            column,
            message,
        };
        let Some(bytes) = bytes else {
            return Err(state_err(
                None,
                None,
                format!(
                    "is larger than {} MB; it was not written by studyplan",
                    MAX_STATE_BYTES >> 20
                ),
            ));
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(state_err(
                None,
                None,
                "is empty: it was not written by studyplan, or its write was cut off; make a plan again with `studyplan plan`".into(),
            ));
        }
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
            // The position leads the message; serde_norway also ends its text with it.
            let text = e.to_string();
            let text = match (&loc, text.rfind(" at line ")) {
                (Some(_), Some(at)) => &text[..at],
                _ => &text,
            };
            state_err(
                loc.as_ref().map(serde_norway::Location::line),
                loc.as_ref().map(serde_norway::Location::column),
                format!("is not a valid studyplan state file: {text}"),
            )
        })
    }

    /// Write atomically: a temporary file next to `file`, flushed and synced, renamed over it.
    pub fn save(&self, file: &Path) -> Result<()> {
        let text = serde_norway::to_string(self).map_err(|e| Error::Write {
            file: file.to_path_buf(),
            source: std::io::Error::other(format!("cannot serialise the state: {e}")),
        })?;
        crate::storage::write_atomic(file, text.as_bytes())
    }
}

#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
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
    let mut out = std::collections::BTreeMap::<String, ItemProgress>::default();
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
    /// and of an item with partial progress the first sessions that progress covers, after the
    /// minutes an earlier replan already took off its sessions.
    pub fn refresh_done(&mut self) {
        let summary = summarize(&self.progress);
        let mut order: Vec<usize> = (0..self.plan.sessions.len()).collect();
        order.sort_by_key(|&i| (self.plan.sessions[i].start, self.plan.sessions[i].part));
        let mut covered = self.plan.progress_off_sessions.clone();
        for i in order {
            let s = &mut self.plan.sessions[i];
            let p = summary.get(&s.item).copied().unwrap_or_default();
            s.done = if p.done {
                true
            } else {
                let c = covered.entry(s.item.clone()).or_default();
                *c = c.saturating_add(s.minutes);
                *c <= p.progress
            };
        }
    }
}

/// A state holding [`crate::output::sample_plan`] and `progress` done entries, for tests.
#[cfg(test)]
pub(crate) fn sample_state(progress: usize) -> State {
    let start = NaiveDate::from_ymd_opt(2027, 3, 22).expect("date");
    State {
        version: VERSION,
        source: Source::Bundled("backend-engineer".into()),
        settings: Settings {
            availability: crate::calendar::Availability {
                start,
                weekday_minutes: [90; 7],
                off: Vec::new(),
                at: chrono::NaiveTime::from_hms_opt(19, 0, 0).expect("time"),
                timezone: "Europe/Berlin".into(),
                free: crate::calendar::FreeTime::default(),
            },
            max_session: 90,
            min_session: 15,
            time_limit: 10.0,
            any_order: false,
            without_order_cost: false,
            trace: crate::schedule::Trace::default(),
        },
        progress: (0..progress)
            .map(|i| Entry {
                item: format!("section/item-{i}"),
                action: Action::Done,
                on: start,
                minutes: Some(30),
            })
            .collect(),
        calendar: Calendar::default(),
        sync: crate::sync::SyncState::default(),
        plan: crate::output::sample_plan(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{write_atomic, write_atomic_with};
    use std::io::Write;

    /// A writer that takes `left` more bytes and then fails, like a full disk or a crash.
    struct FailAfter<'a> {
        inner: &'a mut dyn Write,
        left: usize,
    }

    impl Write for FailAfter<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.left == 0 {
                return Err(std::io::Error::other("injected failure"));
            }
            let n = self.inner.write(&buf[..buf.len().min(self.left)])?;
            self.left -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.inner.flush()
        }
    }

    fn state(progress: usize) -> State {
        sample_state(progress)
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Every cut point for small files; for big ones every byte near both ends and a sweep of
    /// about 300 points in between.
    fn cut_points(len: usize) -> Vec<usize> {
        let step = (len / 300).max(1);
        let mut cuts: Vec<usize> = (0..=len.min(64)).chain((0..=len).step_by(step)).collect();
        cuts.extend(len.saturating_sub(64)..=len);
        cuts.sort_unstable();
        cuts.dedup();
        cuts
    }

    #[test]
    fn a_write_that_fails_part_way_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("studyplan.yaml");
        state(1).save(&file).expect("first save");
        let old = std::fs::read(&file).expect("read");
        let new = serde_norway::to_string(&state(40)).expect("serialise");
        let new = new.as_bytes();
        assert!(new.len() > 2000, "a realistic state file");
        for cut in cut_points(new.len()) {
            let result = write_atomic_with(&file, new, |out, bytes| {
                FailAfter {
                    inner: out,
                    left: cut,
                }
                .write_all(bytes)
            });
            assert_eq!(files_in(dir.path()), ["studyplan.yaml"], "cut at {cut}");
            if cut < new.len() {
                let e = result.expect_err("the injected failure");
                assert!(e.to_string().contains("injected failure"), "{e}");
                assert!(std::fs::read(&file).expect("read") == old, "cut at {cut}");
                assert!(State::load(&file).is_ok());
            } else {
                result.expect("the whole write succeeds");
                assert!(std::fs::read(&file).expect("read") == new);
                assert_eq!(State::load(&file).expect("load"), state(40));
                std::fs::write(&file, &old).expect("restore");
            }
        }
    }

    #[test]
    fn a_failed_rename_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("temp dir");
        // The target is a non-empty folder: the rename fails after the data is written.
        let target = dir.path().join("state");
        std::fs::create_dir(&target).expect("mkdir");
        std::fs::write(target.join("keep"), "x").expect("write");
        assert!(write_atomic(&target, b"new").is_err());
        assert_eq!(files_in(dir.path()), ["state"]);
        assert_eq!(files_in(&target), ["keep"]);
    }

    #[test]
    fn state_round_trips() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("s.yaml");
        let s = state(3);
        s.save(&file).expect("save");
        assert_eq!(State::load(&file).expect("load"), s);
    }
}
