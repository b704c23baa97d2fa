//! studyplan: plan a learning path into study sessions.

/// A line on stderr, as `eprintln!` writes it, except that a closed stderr is not a panic
/// (`studyplan replan 2>&1 | head -3`): a message nobody reads is no reason to stop before the
/// plan is saved. Every warning and note of the library goes through it.
macro_rules! stderr {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod busy;
mod calendar;
mod chart;
pub mod cli;
pub mod commands;
pub mod error;
mod need;
mod output;
pub mod path;
mod plan;
pub mod progress;
mod replan;
mod schedule;
mod settings;
mod solver;
mod spinner;
mod storage;
mod sync;
mod whatif;
