//! The `studyplan` binary: parse the command line, run, print the error once, exit.

use clap::Parser;

fn main() {
    let cli = studyplan::cli::Cli::parse();
    if let Err(e) = studyplan::commands::run(cli) {
        // Every message already includes its cause: print it once.
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
