//! studyplan: plan a learning path into study sessions.
pub mod app;
pub mod calendar;
pub mod chart;
pub mod cli;
pub mod error;
pub mod output;
pub mod path;
pub mod plan;
pub mod progress;
pub mod replan;
pub mod schedule;
pub mod solver;
pub mod spinner;
pub mod sync;
pub mod whatif;
