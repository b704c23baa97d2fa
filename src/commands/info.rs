//! `validate`, `paths`, `completions` and `man`: commands that tell about studyplan and its
//! inputs without a plan.

use super::{json_to_stdout, resolve_path, to_stdout};
use crate::cli::{Cli, CompletionsArgs, ListFormat, ManArgs, PathsArgs, ValidateArgs};
use crate::error::{Error, Result};
use crate::output::report::{self, PathRow};
use crate::path::bundled;
use clap::CommandFactory;

/// `validate`: check a path file and summarise it.
pub(super) fn validate(args: &ValidateArgs) -> Result<()> {
    let (path, _) = resolve_path(&args.path)?;
    for w in path.warnings() {
        stderr!("warning: {w}");
    }
    to_stdout(|w| report::write_validation(&path, w))
}

/// `paths`: the bundled learning paths.
pub(super) fn paths(args: &PathsArgs) -> Result<()> {
    let rows = bundled::all()
        .iter()
        .map(|b| bundled::load(b).map(|p| PathRow::of(&p)))
        .collect::<Result<Vec<_>>>()?;
    match args.format {
        ListFormat::Json => json_to_stdout(&rows),
        ListFormat::Table => to_stdout(|w| report::write_paths(&rows, w)),
    }
}

/// `completions SHELL`: the completion script, generated from the clap definitions.
pub(super) fn completions(args: &CompletionsArgs) -> Result<()> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "studyplan", &mut buf);
    to_stdout(|w| w.write_all(&buf))
}

/// `man [COMMAND]`: the man page in roff, generated from the clap definitions.
pub(super) fn man(args: &ManArgs) -> Result<()> {
    // `help` has no page of its own (`studyplan help` is `--help`), so the top page does not
    // list it.
    let cmd = Cli::command()
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_subcommand(true);
    let cmd = match &args.command {
        None => cmd,
        Some(name) => {
            let names: Vec<String> = cmd
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            let Some(sub) = cmd.find_subcommand(name) else {
                return Err(Error::flag(
                    "COMMAND",
                    format!("{name:?} is not a command (commands: {})", names.join(", ")),
                ));
            };
            let full = format!("studyplan-{}", sub.get_name());
            // clap names are &'static str without its `string` feature; this runs once.
            let leaked: &'static str = Box::leak(full.clone().into_boxed_str());
            sub.clone()
                .name(leaked)
                .bin_name(format!("studyplan {}", sub.get_name()))
                .display_name(full)
                .version(env!("CARGO_PKG_VERSION"))
                // The version is in the page's header; only `studyplan -V` takes the flag.
                .disable_version_flag(true)
        }
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .map_err(Error::Output)?;
    to_stdout(|w| w.write_all(&buf))
}
