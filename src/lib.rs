//! studyplan: plan a learning path into study sessions.
pub mod calendar;
pub mod error;
pub mod path;
pub mod plan;
pub mod solver;
pub mod schedule;
pub mod output;
pub mod progress;
pub mod app;
pub mod cli;
