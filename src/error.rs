//! One error type for the whole crate, mapped to the exit codes of the contract.

use std::path::PathBuf;

/// Exit code for invalid input: path file, flags, state file.
pub const EXIT_INVALID: i32 = 2;
/// Exit code with `--strict` when some required item had to be placed after its window.
pub const EXIT_LATE: i32 = 3;
/// Exit code for failures that are not the user's input (I/O on output, solver breakdown).
pub const EXIT_FAILURE: i32 = 1;
/// Exit code of `sync` when the CalDAV server cannot be reached, refuses (401, 403, 412, 5xx),
/// times out, or is not a CalDAV calendar. What was done before the failure is saved, so the
/// next `sync` finishes the job.
pub const EXIT_SYNC: i32 = 4;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A path file that does not parse or validate. `line`/`column` are 1-based when known.
    #[error("{}{}: {message}", file.display(), location(*line, *column))]
    PathFile {
        file: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    /// A checklist that `import` cannot read.
    #[error("{}{}: {message}", file.display(), location(*line, None))]
    Checklist {
        file: PathBuf,
        line: Option<usize>,
        message: String,
    },
    /// A command-line value that is out of range or malformed.
    #[error("invalid value for {flag}: {message}")]
    Flag { flag: String, message: String },
    /// A state file that is missing, unreadable, malformed or from a newer version.
    #[error("state file {}{}: {message}", file.display(), location(*line, *column))]
    State {
        file: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    /// An item name that matches nothing or more than one item.
    #[error("{message}")]
    Item { message: String },
    /// A path argument that is neither a file nor a bundled path's id.
    #[error(
        "cannot read {name}: no such file, and no bundled path has that id (bundled: {bundled})"
    )]
    NoPath { name: String, bundled: String },
    /// A state file made from a bundled path that this build does not have.
    #[error("the plan uses the bundled path {id:?}, which this build does not have")]
    MissingBundled { id: String },
    /// The path file a plan was made from is gone.
    #[error("cannot read {}: the plan was made from this path file and it no longer exists; restore it, or give its new place with `studyplan replan --path FILE`", file.display())]
    PathFileGone { file: PathBuf },
    /// A busy calendar (`--busy`) that cannot be read as iCalendar.
    #[error("busy calendar {0}")]
    Busy(#[from] crate::busy::BusyError),
    /// Reading an input file failed.
    #[error("cannot read {}: {source}", file.display())]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing an output file failed.
    #[error("cannot write {}: {source}", file.display())]
    Write {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing to stdout failed (other than a closed pipe).
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
    /// The chart could not be drawn.
    #[error("cannot draw the chart: {message}")]
    Chart { message: String },
    /// The optimizer broke down (not: found no perfect plan).
    #[error("solver failed: {0}")]
    Solver(String),
    /// `--strict` and some required work is late.
    #[error("{count} required session(s) had to be placed after their window (--strict)")]
    Late { count: usize },
    /// A CalDAV request that failed: no answer, an error status, or an answer that is not
    /// CalDAV. `status` is the HTTP status when there was one. Never holds the password.
    #[error("CalDAV {url}: {message}{}", http_status(*status))]
    CalDav {
        url: String,
        status: Option<u16>,
        message: String,
    },
}

fn http_status(status: Option<u16>) -> String {
    status.map_or_else(String::new, |s| format!(" (HTTP {s})"))
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::PathFile { .. }
            | Error::Checklist { .. }
            | Error::Flag { .. }
            | Error::State { .. }
            | Error::Item { .. }
            | Error::NoPath { .. }
            | Error::MissingBundled { .. }
            | Error::PathFileGone { .. }
            | Error::Busy(_)
            | Error::Read { .. } => EXIT_INVALID,
            Error::Late { .. } => EXIT_LATE,
            Error::CalDav { .. } => EXIT_SYNC,
            Error::Write { .. } | Error::Output(_) | Error::Chart { .. } | Error::Solver(_) => {
                EXIT_FAILURE
            }
        }
    }

    pub fn flag(flag: &str, message: impl Into<String>) -> Self {
        Error::Flag {
            flag: flag.to_string(),
            message: message.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
