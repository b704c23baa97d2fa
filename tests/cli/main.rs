//! Integration tests: one binary that runs the built `studyplan` in temporary directories.
//!
//! - [`util`]: the command builder and its assertions.
//! - [`model`], [`checker`], [`greedy`]: the test's own view of paths and availability, an
//!   independent checker of the contract's scheduling rules, and a reference list scheduler.
//! - [`rules`]: plans of fixed fixtures and the bundled path checked rule by rule, and an
//!   instance built so that a greedy scheduler loses required minutes and the optimizer does not.
//! - [`proptests`]: the same checks on random paths and availabilities ([`gen`] draws the paths).
//! - [`optimum`]: tiny instances against an exhaustive reference solver, optimal at every level.
//! - [`crosscheck`]: larger random plans and replans, the walks against the MIP alone.
//! - [`output`]: output formats, determinism, `show`, closed pipes, bundled paths by id.
//! - [`replan`]: done / progress / skip / undo / status / replan, the state lock and broken
//!   state files.
//! - [`errors`]: invalid input exits with code 2 and names the file or flag.
//! - [`snapshots`]: `insta` snapshots of the table and `validate` output.
//! - [`bad_inputs`]: a catalogue of hostile inputs, the size limits, random bytes at the loaders.
//! - [`busy`]: study windows, busy calendars and breaks: flags, state, replan notes, bad input.
//! - [`ics`]: calendars read back by independent parsers (Rust and Python), DST, replans.
//! - [`import`]: the seeds' checklists become path files; the 12-week seed equals the bundled path.
//! - [`whatif`]: `plan --fit` against brute force with `plan` at every 5-minute step.
//! - [`needed`]: `plan`'s advice, `plan --fit` and `status` agree on the hours a day needed,
//!   within study windows and around busy time; sessions keep to the free gaps.
//! - [`chart`]: the SVG parsed as XML, with its series and labels.
//! - [`finish`]: `paths`, completions, man pages, examples in every `--help`, no spinner in pipes.
//! - [`examples`]: the worked examples in `examples/`, re-run and compared with their output.
//! - [`sync`]: `sync` against real CalDAV servers (Radicale; Xandikos for the whole cycle too)
//!   started per test: the learner's moves and deletions, foreign events, faults injected by a
//!   proxy, passwords.

mod bad_inputs;
mod busy;
mod chart;
mod checker;
mod crosscheck;
mod errors;
mod examples;
mod finish;
mod gen;
mod greedy;
mod ics;
mod import;
mod model;
mod needed;
mod optimum;
mod output;
mod proptests;
mod replan;
mod rules;
mod snapshots;
mod sync;
mod util;
mod whatif;
