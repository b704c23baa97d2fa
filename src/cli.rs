//! Command-line definitions (clap derive types only). Values stay raw strings here where the
//! contract fixes a format; [`crate::settings`] validates them into settings with messages that
//! name the flag.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "studyplan",
    version,
    about = "Plan a learning path into study sessions and a calendar, optimally",
    long_about = "Plan a learning path into study sessions and a calendar, optimally.\n\n\
        A learning path is a YAML file of sections with week windows, holding required, \
        optional and reference items with minute estimates. `studyplan plan` places required \
        work inside its windows first, then optional and reference work, with an exact \
        optimizer, and writes an .ics calendar you can import into any calendar app.",
    after_help = "Examples:\n  \
        studyplan plan backend-engineer --start 2026-12-01 --hours 1\n  \
        studyplan plan my-path.yaml --start 2026-12-01 --hours 1 --off 2026-12-24..2026-12-26\n  \
        studyplan plan backend-engineer --start 2026-12-01 --hours 0.5 --fit\n  \
        studyplan show --week 2\n  \
        studyplan import checklist.txt -o my-path.yaml\n  \
        studyplan validate my-path.yaml\n  \
        studyplan paths"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Plan a learning path from a start date and write the calendar and state file
    #[command(after_help = "Examples:\n  \
        studyplan plan backend-engineer --start 2026-12-01 --hours 1\n  \
        studyplan plan my-path.yaml --start 2026-12-01 --hours 0.5 --weekend-hours 2 --days mon-fri,sun\n  \
        studyplan plan my-path.yaml --start 2026-12-01 --hours 1.5 --tz Europe/Berlin --at 07:30\n  \
        studyplan plan backend-engineer --start 2026-12-01 --hours 0.5 --weekend-hours 2 --fit",
        mut_arg("hours", |a| a.required(true)))]
    Plan(Box<PlanArgs>),
    /// Print the saved plan again
    #[command(after_help = "Examples:\n  studyplan show\n  studyplan show --week 3 --format md")]
    Show(ShowArgs),
    /// Check a path file and print a short summary
    #[command(after_help = "Example:\n  studyplan validate paths/backend-engineer.yaml")]
    Validate(ValidateArgs),
    /// Record items as done (marks their sessions done in the saved plan)
    #[command(
        after_help = "Examples:\n  studyplan done database-fundamentals/storage-engines\n  studyplan done \"Storage Engines\" --minutes 45 --on 2026-12-02"
    )]
    Done(DoneArgs),
    /// Record partial progress on items: the remainder is what a replan plans
    #[command(
        after_help = "Example:\n  studyplan progress database-fundamentals/storage-engines --minutes 20"
    )]
    Progress(DoneArgs),
    /// Never plan these items again
    #[command(after_help = "Example:\n  studyplan skip database-fundamentals/some-reading")]
    Skip(SkipArgs),
    /// Remove the last recorded entry (done, progress or skip)
    #[command(
        after_help = "Examples:\n  studyplan undo\n  studyplan undo --state ~/plans/sql.yaml"
    )]
    Undo(UndoArgs),
    /// Done and remaining minutes, ahead/behind, projected finish, hours needed, pace
    #[command(
        after_help = "Examples:\n  studyplan status\n  studyplan status --today 2026-12-10 --format json"
    )]
    Status(StatusArgs),
    /// Plan what is left from a day on, keeping what happened before it
    #[command(
        after_help = "Examples:\n  studyplan replan\n  studyplan replan --from 2026-12-10 --hours 2 --format json"
    )]
    Replan(Box<ReplanArgs>),
    /// Convert a checklist (the seeds' text format) into a path file
    #[command(after_help = "Examples:\n  \
        studyplan import backend-engineer-learning-path.txt -o my-path.yaml\n  \
        studyplan import checklist.txt --strict > my-path.yaml\n  \
        cat checklist.txt | studyplan import - -o my-path.yaml\n\n\
        Lines the path format has no place for are reported on stderr with their line numbers;\n\
        --strict turns them into errors (exit code 2).")]
    Import(ImportArgs),
    /// List the learning paths bundled into the binary
    #[command(after_help = "Examples:\n  \
        studyplan paths\n  \
        studyplan paths --format json\n  \
        studyplan plan backend-engineer --start 2026-12-01 --hours 1")]
    Paths(PathsArgs),
    /// Draw the saved plan as an SVG chart: minutes per week, burndown, section windows
    #[command(after_help = "Examples:\n  \
        studyplan chart                       # writes <path-id>.svg next to the state file\n  \
        studyplan chart -o progress.svg\n  \
        studyplan chart --state ~/plans/sql.yaml -o - > chart.svg")]
    Chart(ChartArgs),
    /// Print a shell completion script
    #[command(after_help = "Examples:\n  \
        studyplan completions bash > ~/.local/share/bash-completion/completions/studyplan\n  \
        studyplan completions zsh > ~/.zfunc/_studyplan\n  \
        studyplan completions fish > ~/.config/fish/completions/studyplan.fish")]
    Completions(CompletionsArgs),
    /// Print the man page (roff) of studyplan or of one of its commands
    #[command(after_help = "Examples:\n  \
        studyplan man | man -l -\n  \
        studyplan man plan > studyplan-plan.1\n  \
        studyplan man > ~/.local/share/man/man1/studyplan.1")]
    Man(ManArgs),
    /// Keep a CalDAV calendar in step with the saved plan: one event per session
    #[command(after_help = "Examples:\n  \
        STUDYPLAN_CALDAV_PASSWORD=... studyplan sync --caldav https://dav.example.com/me/study/ --user me\n  \
        studyplan sync --caldav https://dav.example.com/me/ --user me --password-command 'pass caldav'\n  \
        studyplan sync                  # later: the URL, user and password command are remembered\n  \
        studyplan sync --dry-run        # list what would change, change nothing\n  \
        studyplan replan --sync\n\n\
        Events you move in your calendar app stay where you put them (pinned for later replans);\n\
        events you delete there are planned again by the next replan. Events studyplan did not\n\
        create are never touched. Exit code 4: the server failed or refused; run sync again.")]
    Sync(SyncArgs),
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub state: StateArg,
    /// URL of the CalDAV calendar collection (remembered in the state file)
    #[arg(long, value_name = "URL")]
    pub caldav: Option<String>,
    /// User name for the server (remembered)
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// Command whose first line of output is the password, run with `sh -c` (remembered;
    /// the password itself is never stored). Otherwise STUDYPLAN_CALDAV_PASSWORD
    #[arg(long, value_name = "CMD")]
    pub password_command: Option<String>,
    /// Print every create, update, delete and pin that a sync would do; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Seconds each request may take
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Pin "now" (RFC 3339); also SOURCE_DATE_EPOCH
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The checklist to read (`-` for stdin)
    #[arg(value_name = "CHECKLIST")]
    pub checklist: PathBuf,
    /// Where to write the path file [default: stdout]
    #[arg(short, long, value_name = "PATH_FILE.yaml")]
    pub output: Option<PathBuf>,
    /// Treat lines that are not understood as errors (exit code 2)
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct PathsArgs {
    /// What goes to stdout
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ChartArgs {
    #[command(flatten)]
    pub state: StateArg,
    /// Where to write the SVG (`-` for stdout) [default: <path-id>.svg next to the state file]
    #[arg(short, long, value_name = "FILE.svg")]
    pub output: Option<PathBuf>,
    /// The day that splits done from still planned [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command to print the page of (e.g. `plan`) [default: studyplan itself]
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// `--state`, shared by the progress commands.
#[derive(Debug, Args, Clone)]
pub struct StateArg {
    /// Where the plan and progress live
    #[arg(
        long,
        value_name = "FILE",
        default_value = "studyplan.yaml",
        env = "STUDYPLAN_STATE"
    )]
    pub state: PathBuf,
}

#[derive(Debug, Args)]
pub struct DoneArgs {
    /// Items: full id (section/item), a unique prefix of one, or a title
    #[arg(required = true, value_name = "ITEM")]
    pub items: Vec<String>,
    /// Day it was done, today or earlier [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub on: Option<String>,
    /// Minutes actually spent (done: for the pace; progress: the minutes of progress)
    #[arg(long, value_name = "N", value_parser = whole_minutes, allow_hyphen_values = true)]
    pub minutes: Option<u32>,
    #[command(flatten)]
    pub state: StateArg,
    /// Pin "now" (RFC 3339) for today, the default and latest --on; also SOURCE_DATE_EPOCH
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
}

#[derive(Debug, Args)]
pub struct SkipArgs {
    /// Items: full id (section/item), a unique prefix of one, or a title
    #[arg(required = true, value_name = "ITEM")]
    pub items: Vec<String>,
    #[command(flatten)]
    pub state: StateArg,
    /// Pin "now" (RFC 3339); also SOURCE_DATE_EPOCH
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    #[command(flatten)]
    pub state: StateArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub state: StateArg,
    /// The day to report on [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// What goes to stdout
    #[arg(long, value_enum, default_value_t = StatusFormat::Table)]
    pub format: StatusFormat,
    /// When to colour the progress bars (NO_COLOR and a non-terminal stdout turn colour off)
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

#[derive(Debug, Args)]
pub struct ReplanArgs {
    /// First day that may change [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Plan from this path file (or bundled id) from now on, e.g. after moving the file
    #[arg(long, value_name = "PATH_FILE")]
    pub path: Option<String>,
    #[command(flatten)]
    pub availability: AvailabilityArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Table,
    Json,
    Csv,
    Md,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Path file (YAML), or the id of a bundled path such as `backend-engineer`
    pub path: String,
    /// First day of the plan (day 0 of week 1), YYYY-MM-DD
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub start: String,
    #[command(flatten)]
    pub availability: AvailabilityArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// What-if instead of a plan: the smallest hours per day (5-minute steps) at which every
    /// required item fits its window, per overloaded window, and the finish dates at the given
    /// hours. Writes no files; --format table or json
    #[arg(long)]
    pub fit: bool,
}

/// Availability flags, shared by `plan` and `replan`.
#[derive(Debug, Args, Clone, Default)]
pub struct AvailabilityArgs {
    /// Study hours per day, decimal (e.g. 1.5)
    #[arg(long, value_name = "H", allow_negative_numbers = true)]
    pub hours: Option<String>,
    /// Study hours on Saturday and Sunday (default: --hours)
    #[arg(long, value_name = "H", allow_negative_numbers = true)]
    pub weekend_hours: Option<String>,
    /// Study weekdays, e.g. mon,tue,thu or mon-fri (default: all seven)
    #[arg(long, value_name = "DAYS")]
    pub days: Option<String>,
    /// A day or an inclusive range with no study at all (repeatable)
    #[arg(long, value_name = "YYYY-MM-DD[..YYYY-MM-DD]")]
    pub off: Vec<String>,
    /// Local time the first session of a day starts [default: 19:00]
    #[arg(long, value_name = "HH:MM")]
    pub at: Option<String>,
    /// IANA time zone, e.g. Europe/Berlin [default: the system's zone ($TZ, else the
    /// machine's), UTC if unknown]
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Longest single session in minutes [default: 90]
    #[arg(long, value_name = "MIN", allow_negative_numbers = true)]
    pub max_session: Option<u32>,
    /// Shortest part of a split item in minutes; shorter parts get a warning [default: 15]
    #[arg(long, value_name = "MIN", allow_negative_numbers = true)]
    pub min_session: Option<u32>,
    /// Seconds the optimizer may take before it returns its best plan [default: 10]
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// Lift the path-order rule: items of a section may start in any order (remembered)
    #[arg(long)]
    pub any_order: bool,
    /// When study may happen, e.g. mon-fri=18:00-21:30 (repeatable; several windows a day
    /// allowed). Without it a day's study runs from --at
    #[arg(long = "window", value_name = "DAYS=HH:MM-HH:MM")]
    pub windows: Vec<String>,
    /// An existing calendar (.ics, or - for stdin) whose events no session may overlap
    /// (repeatable; remembered for replan)
    #[arg(long = "busy", value_name = "FILE")]
    pub busy: Vec<String>,
    /// What all-day events of the --busy calendars do [default: block]
    #[arg(long, value_name = "POLICY", value_parser = ["block", "ignore"])]
    pub busy_all_day: Option<String>,
    /// Minutes kept free between two sessions and between a session and a busy event
    /// [default: 0]
    #[arg(long = "break", value_name = "MIN", value_parser = whole_minutes, allow_hyphen_values = true)]
    pub break_minutes: Option<u32>,
}

/// Output flags shared by commands that write a plan.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Where to write the calendar [default: <path-id>.ics next to the state file]
    #[arg(long, value_name = "FILE")]
    pub ics: Option<PathBuf>,
    /// Do not write a calendar
    #[arg(long, conflicts_with = "ics")]
    pub no_ics: bool,
    /// What goes to stdout
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Where the plan and progress live
    #[arg(
        long,
        value_name = "FILE",
        default_value = "studyplan.yaml",
        env = "STUDYPLAN_STATE"
    )]
    pub state: PathBuf,
    /// Pin the generation time (RFC 3339) so outputs are byte-identical; also SOURCE_DATE_EPOCH
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Exit with code 3 when some required item had to be placed after its window
    #[arg(long)]
    pub strict: bool,
    /// Add a reminder to every calendar event, e.g. 10m or 1h
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub remind: Option<String>,
    /// Add an all-day checkpoint event at the end of each section's window
    #[arg(long)]
    pub milestones: bool,
    /// When to colour the tables (NO_COLOR and a non-terminal stdout turn colour off)
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// After writing, sync the CalDAV calendar set up with `studyplan sync --caldav URL`
    #[arg(long)]
    pub sync: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Where the plan and progress live
    #[arg(
        long,
        value_name = "FILE",
        default_value = "studyplan.yaml",
        env = "STUDYPLAN_STATE"
    )]
    pub state: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Only week N of the plan (1-based)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub week: Option<u32>,
    /// When to colour the tables
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Path file (YAML), or the id of a bundled path
    pub path: String,
}

/// A count of minutes as people type it: `20`, not `1.5`, `-5` or `twenty`.
fn whole_minutes(s: &str) -> Result<u32, String> {
    s.trim()
        .parse::<u32>()
        .map_err(|_| format!("a whole number of minutes such as 20, not {s:?}"))
}
