//! Command-line arguments, resolved once into plain settings: nothing
//! downstream reads clap.
//!
//! Layer: above the pipeline, below `settings`: it holds types only and must not import `settings` or `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::assess::Verdict;

const EXAMPLES: &str = "\
EXAMPLES:
    clientfit report fixtures/demo
    clientfit report exports/ --period 2026-Q3 --sort risk
    clientfit report --invoices stripe.csv --tickets zendesk.csv --as-of 2026-10-31
    clientfit report exports/ --format json --output snapshot.json
    clientfit report exports/ --verdict fire --verdict refer --fail-on fire";

#[derive(Debug, Parser)]
#[command(
    name = "clientfit",
    version,
    about = "Which clients to keep, restructure, refer or fire — from the CSV exports you already have.",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The ranked per-client table: revenue against cost to serve, red flags, verdict.
    #[command(after_help = EXAMPLES)]
    Report(ReportArgs),
    /// Check exports without a report: kinds, encodings, columns mapped, rows read and skipped, dates, currencies, unmatched names.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Write a commented clientfit.toml holding every default.
    #[command(after_help = INIT_EXAMPLES)]
    Init(InitArgs),
    /// Everything behind one client's verdict: metrics against the median, flags, evidence, playbook.
    #[command(
        after_help = "EXAMPLES:\n    clientfit explain \"Pied Piper\" fixtures/demo\n    clientfit explain acme exports/ --period 2026-Q3"
    )]
    Explain(ExplainArgs),
    /// Finance view: outstanding, aging buckets, DSO, days delinquent, collection effectiveness.
    #[command(after_help = RECEIVABLES_EXAMPLES)]
    Receivables(ReceivablesArgs),
    /// What changed between two `report --format json` snapshots.
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "EXAMPLES:\n    clientfit completions bash > /etc/bash_completion.d/clientfit\n    clientfit completions zsh > ~/.zfunc/_clientfit"
    )]
    Completions(CompletionsArgs),
    /// Print a man page (roff), or write all of them, generated from the same definitions as --help.
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
}

const MAN_EXAMPLES: &str = "\
EXAMPLES:
    clientfit man | man -l -                 # read the main page
    clientfit man report | man -l -          # every option of report
    clientfit man --dir ~/.local/share/man/man1   # install all pages for `man clientfit-report`";

/// The subcommands with a page of their own (`clientfit-NAME(1)`).
pub(crate) const MAN_PAGES: [&str; 8] = [
    "report",
    "check",
    "init",
    "explain",
    "receivables",
    "diff",
    "completions",
    "man",
];

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print [default: the main page]
    #[arg(value_parser = MAN_PAGES, conflicts_with = "dir")]
    pub(crate) subcommand: Option<String>,
    /// Write every page (clientfit.1 and clientfit-SUBCOMMAND.1) into DIR instead
    #[arg(long, value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,
}

const RECEIVABLES_EXAMPLES: &str = "\
EXAMPLES:
    clientfit receivables exports/
    clientfit receivables exports/ --period last-quarter --format csv
    clientfit receivables exports/ --fail-on-overdue 60";

const DIFF_EXAMPLES: &str = "\
EXAMPLES:
    clientfit diff 2026-09.json 2026-10.json
    clientfit diff 2026-09.json 2026-10.json --format markdown
    clientfit diff 2026-09.json 2026-10.json --fail-on-move-to fire";

#[derive(Debug, Args)]
pub struct ReceivablesArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) when: PeriodArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub(crate) format: FormatArg,
    /// Write the output to FILE (atomically) instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Show only clients of this account manager (clients.csv owner)
    #[arg(long, value_name = "NAME")]
    pub(crate) owner: Option<String>,
    /// Show only the first N rows
    #[arg(long, value_name = "N")]
    pub(crate) top: Option<usize>,
    /// Exit with code 3 when any invoice is overdue by more than DAYS
    #[arg(long, value_name = "DAYS")]
    pub(crate) fail_on_overdue: Option<i64>,
    /// No warnings or progress on standard error (the output itself is still written, and errors still print)
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The client: its name, an alias, or the start of its name
    pub(crate) client: String,
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) when: PeriodArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older snapshot
    pub(crate) old: PathBuf,
    /// The newer snapshot
    pub(crate) new: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub(crate) format: DiffFormatArg,
    /// Exit with code 3 when a client moved to this verdict or a worse one (new clients included)
    #[arg(long, value_enum, value_name = "VERDICT")]
    pub(crate) fail_on_move_to: Option<FailOn>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

const CHECK_EXAMPLES: &str = "\
EXAMPLES:
    clientfit check exports/
    clientfit check --invoices xero.csv --tickets zendesk.csv --date-order dmy";

const INIT_EXAMPLES: &str = "\
EXAMPLES:
    clientfit init            # writes ./clientfit.toml
    clientfit init exports/   # writes exports/clientfit.toml
    clientfit init --stdout   # prints it";

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to write clientfit.toml into [default: .]
    pub(crate) dir: Option<PathBuf>,
    /// Overwrite an existing clientfit.toml
    #[arg(long)]
    pub(crate) force: bool,
    /// Print the file instead of writing it
    #[arg(long, conflicts_with_all = ["dir", "force"])]
    pub(crate) stdout: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum VerdictArg {
    Fire,
    Refer,
    Restructure,
    Keep,
}

impl From<FailOn> for Verdict {
    fn from(value: FailOn) -> Verdict {
        match value {
            FailOn::Fire => Verdict::Fire,
            FailOn::Refer => Verdict::Refer,
            FailOn::Restructure => Verdict::Restructure,
        }
    }
}

impl From<VerdictArg> for Verdict {
    fn from(value: VerdictArg) -> Verdict {
        match value {
            VerdictArg::Fire => Verdict::Fire,
            VerdictArg::Refer => Verdict::Refer,
            VerdictArg::Restructure => Verdict::Restructure,
            VerdictArg::Keep => Verdict::Keep,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    Fire,
    Refer,
    Restructure,
}

/// Options about which data to read and how to read it.
#[derive(Debug, Clone, Args)]
pub(crate) struct InputArgs {
    /// Files or directories of CSV exports (a directory gives its *.csv and clientfit.toml) [default: .]
    pub(crate) paths: Vec<PathBuf>,
    /// An invoices file (repeatable; `-` for standard input)
    #[arg(long = "invoices", value_name = "FILE")]
    pub(crate) invoices: Vec<PathBuf>,
    /// A tickets file (repeatable)
    #[arg(long = "tickets", value_name = "FILE")]
    pub(crate) tickets: Vec<PathBuf>,
    /// A meetings file (repeatable)
    #[arg(long = "meetings", value_name = "FILE")]
    pub(crate) meetings: Vec<PathBuf>,
    /// The clients master list (repeatable)
    #[arg(long = "clients", value_name = "FILE")]
    pub(crate) clients: Vec<PathBuf>,
    /// A timesheet: time entries (repeatable)
    #[arg(long = "time", value_name = "FILE")]
    pub(crate) time: Vec<PathBuf>,
    /// Config file [default: clientfit.toml in the data directory, else beside the files named, else in the current directory]
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Day/month order of numeric dates like 03/04/2026
    #[arg(long, value_enum, value_name = "ORDER")]
    pub(crate) date_order: Option<DateOrderArg>,
    /// Base currency (ISO code) [default: config currency, else the only one seen]
    #[arg(long, value_name = "CODE")]
    pub(crate) currency: Option<String>,
    /// Skip rows with bad values (listed on stderr and in JSON warnings) instead of stopping
    #[arg(long)]
    pub(crate) skip_bad_rows: bool,
}

/// Options about the period and the as-of day.
#[derive(Debug, Clone, Args)]
pub(crate) struct PeriodArgs {
    /// Period: 2026-10, 2026-Q3, 2026, 2026-10-01..2026-12-31, this-month, last-month, this-quarter, last-quarter, ytd or last-12-months [default: earliest event to as-of]
    #[arg(long, value_name = "P")]
    pub(crate) period: Option<String>,
    /// First day of the period (inclusive), YYYY-MM-DD
    #[arg(long, value_name = "DATE", conflicts_with = "period")]
    pub(crate) from: Option<String>,
    /// Last day of the period (inclusive), YYYY-MM-DD
    #[arg(long, value_name = "DATE", conflicts_with = "period")]
    pub(crate) to: Option<String>,
    /// The day the books are looked at, YYYY-MM-DD or `today` [default: config as_of, else period end if past, else today]
    #[arg(long, value_name = "DATE")]
    pub(crate) as_of: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DateOrderArg {
    Dmy,
    Mdy,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) when: PeriodArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub(crate) format: FormatArg,
    /// Write the output to FILE (atomically) instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Row order
    #[arg(long, value_enum, default_value = "profit")]
    pub(crate) sort: SortArg,
    /// Show only clients with this verdict (repeatable)
    #[arg(long, value_enum)]
    pub(crate) verdict: Vec<VerdictArg>,
    /// Show only clients of this account manager (clients.csv owner)
    #[arg(long, value_name = "NAME")]
    pub(crate) owner: Option<String>,
    /// Show only the first N rows
    #[arg(long, value_name = "N")]
    pub(crate) top: Option<usize>,
    /// Exit with code 3 when a shown client has this verdict or a worse one
    #[arg(long, value_enum, value_name = "VERDICT")]
    pub(crate) fail_on: Option<FailOn>,
    /// Colour the verdicts
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) color: ColorChoice,
    /// No warnings or progress on standard error (the output itself is still written, and errors still print)
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// `--format` of `report`, `receivables` and `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// A table for people (default on a terminal).
    Table,
    /// One row per client, for spreadsheets.
    Csv,
    /// Everything, for scripts.
    Json,
    /// A GitHub-flavoured markdown table, for documents.
    Markdown,
    /// One self-contained HTML file with charts.
    Html,
}

/// `--sort` of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub(crate) enum SortArg {
    /// Profit, highest first.
    #[default]
    Profit,
    /// Margin, highest first; clients without revenue last.
    Margin,
    /// Revenue, highest first.
    Revenue,
    /// Worst verdict first, then most severe flags, then lowest profit.
    Risk,
    /// Client name, A to Z.
    Name,
}

/// `--format` of `diff`: its moves are lists, not one table, so there is
/// no csv.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormatArg {
    /// Plain text for people.
    Table,
    /// Everything, for scripts.
    Json,
    /// Markdown lists, for documents.
    Markdown,
    /// One self-contained HTML file.
    Html,
}
