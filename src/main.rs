//! The `studyplan` binary: parse the command line, run, print the error once, exit.

use clap::Parser;
use std::io::Write as _;

fn main() {
    let cli = studyplan::cli::Cli::parse();
    if let Err(e) = studyplan::commands::run(cli) {
        // Every message already includes its cause: print it once. A closed stderr does not
        // change the exit code.
        let _ = writeln!(std::io::stderr(), "error: {e}");
        std::process::exit(e.exit_code());
    }
}
