//! The `studyplan` binary: parse the command line, run, print the error once, exit.

use clap::Parser;

fn main() {
    let cli = studyplan::cli::Cli::parse();
    if let Err(e) = studyplan::app::run(cli) {
        let mut message = format!("error: {e}");
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        eprintln!("{message}");
        std::process::exit(e.exit_code());
    }
}
