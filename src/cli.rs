//! Command-line arguments, resolved once into plain settings: nothing
//! downstream reads clap.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::assess::Verdict;
use crate::config::DateOrder;
use crate::config::{Config, ConfigOrigin};
use crate::error::{Outcome, UsageError};
use crate::ingest::columns::Kind;
use crate::ingest::discover::ExplicitFiles;
use crate::period::{PeriodRequest, parse_day, parse_period};
use crate::render::{Format, Style, Width};
use crate::report::{Selection, SortKey};

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
const MAN_PAGES: [&str; 8] = [
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
    pub subcommand: Option<String>,
    /// Write every page (clientfit.1 and clientfit-SUBCOMMAND.1) into DIR instead
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The command tree as the man pages see it: built (so subcommands carry
/// their `clientfit-NAME` display names), without the `help` subcommand.
fn man_command() -> clap::Command {
    let mut command = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    command.build();
    command
}

/// One page as roff: the main one, or a subcommand's.
fn man_page(command: &clap::Command, subcommand: Option<&str>) -> anyhow::Result<Vec<u8>> {
    let page = match subcommand {
        None => command.clone(),
        Some(name) => command
            .find_subcommand(name)
            .cloned()
            .ok_or_else(|| UsageError(format!("no subcommand {name:?}")))?,
    };
    let mut buffer = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut buffer)
        .context("rendering the man page")?;
    if subcommand.is_none() {
        // Where the options of each subcommand are.
        buffer.extend_from_slice(b".SH \"SEE ALSO\"\n");
        let pages: Vec<String> = MAN_PAGES
            .iter()
            .map(|name| format!("\\fBclientfit\\-{name}\\fR(1)"))
            .collect();
        buffer.extend_from_slice(pages.join(", ").as_bytes());
        buffer.push(b'\n');
    }
    Ok(buffer)
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
    pub input: InputArgs,
    #[command(flatten)]
    pub when: PeriodArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write the output to FILE (atomically) instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show only clients of this account manager (clients.csv owner)
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
    /// Show only the first N rows
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Exit with code 3 when any invoice is overdue by more than DAYS
    #[arg(long, value_name = "DAYS")]
    pub fail_on_overdue: Option<i64>,
    /// No warnings or progress on standard error (the output itself is still written, and errors still print)
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The client: its name, an alias, or the start of its name
    pub client: String,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub when: PeriodArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older snapshot
    pub old: PathBuf,
    /// The newer snapshot
    pub new: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: crate::diff::DiffFormat,
    /// Exit with code 3 when a client moved to this verdict or a worse one (new clients included)
    #[arg(long, value_enum, value_name = "VERDICT")]
    pub fail_on_move_to: Option<FailOn>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
    pub input: InputArgs,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to write clientfit.toml into [default: .]
    pub dir: Option<PathBuf>,
    /// Overwrite an existing clientfit.toml
    #[arg(long)]
    pub force: bool,
    /// Print the file instead of writing it
    #[arg(long, conflicts_with_all = ["dir", "force"])]
    pub stdout: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerdictArg {
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
pub enum FailOn {
    Fire,
    Refer,
    Restructure,
}

/// Options about which data to read and how to read it.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Files or directories of CSV exports (a directory gives its *.csv and clientfit.toml) [default: .]
    pub paths: Vec<PathBuf>,
    /// An invoices file (repeatable; `-` for standard input)
    #[arg(long = "invoices", value_name = "FILE")]
    pub invoices: Vec<PathBuf>,
    /// A tickets file (repeatable)
    #[arg(long = "tickets", value_name = "FILE")]
    pub tickets: Vec<PathBuf>,
    /// A meetings file (repeatable)
    #[arg(long = "meetings", value_name = "FILE")]
    pub meetings: Vec<PathBuf>,
    /// The clients master list (repeatable)
    #[arg(long = "clients", value_name = "FILE")]
    pub clients: Vec<PathBuf>,
    /// Config file [default: clientfit.toml in the data directory, else beside the files named, else in the current directory]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Day/month order of numeric dates like 03/04/2026
    #[arg(long, value_enum, value_name = "ORDER")]
    pub date_order: Option<DateOrderArg>,
    /// Base currency (ISO code) [default: config currency, else the only one seen]
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// Skip rows with bad values (listed on stderr and in JSON warnings) instead of stopping
    #[arg(long)]
    pub skip_bad_rows: bool,
}

/// Options about the period and the as-of day.
#[derive(Debug, Clone, Args)]
pub struct PeriodArgs {
    /// Period: 2026-10, 2026-Q3, 2026, 2026-10-01..2026-12-31, this-month, last-month, this-quarter, last-quarter, ytd or last-12-months [default: earliest event to as-of]
    #[arg(long, value_name = "P")]
    pub period: Option<String>,
    /// First day of the period (inclusive), YYYY-MM-DD
    #[arg(long, value_name = "DATE", conflicts_with = "period")]
    pub from: Option<String>,
    /// Last day of the period (inclusive), YYYY-MM-DD
    #[arg(long, value_name = "DATE", conflicts_with = "period")]
    pub to: Option<String>,
    /// The day the books are looked at, YYYY-MM-DD or `today` [default: config as_of, else period end if past, else today]
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DateOrderArg {
    Dmy,
    Mdy,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub when: PeriodArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write the output to FILE (atomically) instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Row order
    #[arg(long, value_enum, default_value = "profit")]
    pub sort: SortKey,
    /// Show only clients with this verdict (repeatable)
    #[arg(long, value_enum)]
    pub verdict: Vec<VerdictArg>,
    /// Show only clients of this account manager (clients.csv owner)
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
    /// Show only the first N rows
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Exit with code 3 when a shown client has this verdict or a worse one
    #[arg(long, value_enum, value_name = "VERDICT")]
    pub fail_on: Option<FailOn>,
    /// Colour the verdicts
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// No warnings or progress on standard error (the output itself is still written, and errors still print)
    #[arg(long, short)]
    pub quiet: bool,
}

/// Everything `report` needs, resolved from arguments, config and environment.
#[derive(Debug, Clone)]
pub struct ReportSettings {
    pub paths: Vec<PathBuf>,
    pub explicit: ExplicitFiles,
    pub config: Config,
    pub period: PeriodRequest,
    pub as_of: Option<NaiveDate>,
    pub today: NaiveDate,
    pub selection: Selection,
    pub format: Format,
    pub style: Style,
    pub output: Option<PathBuf>,
    pub fail_on: Option<Verdict>,
    pub quiet: bool,
    pub skip_bad_rows: bool,
    /// Show progress on stderr for large inputs (stderr is a terminal, not quiet).
    pub progress: bool,
}

impl InputArgs {
    fn explicit(&self) -> ExplicitFiles {
        let mut files = Vec::new();
        for (kind, paths) in [
            (Kind::Clients, &self.clients),
            (Kind::Invoices, &self.invoices),
            (Kind::Tickets, &self.tickets),
            (Kind::Meetings, &self.meetings),
        ] {
            files.extend(paths.iter().map(|p| (kind, p.clone())));
        }
        ExplicitFiles { files }
    }

    fn paths(&self) -> Vec<PathBuf> {
        let has_explicit = !(self.invoices.is_empty()
            && self.tickets.is_empty()
            && self.meetings.is_empty()
            && self.clients.is_empty());
        if self.paths.is_empty() && !has_explicit {
            vec![PathBuf::from(".")]
        } else {
            self.paths.clone()
        }
    }

    /// Load the config (see `find_config`); flags then override its values.
    fn config(&self, paths: &[PathBuf]) -> anyhow::Result<Config> {
        let found = match &self.config {
            Some(path) => Some((path.clone(), ConfigOrigin::Flag)),
            None => self.find_config(paths)?,
        };
        let mut config = match found {
            Some((path, origin)) => {
                let mut config = Config::load(&path)?;
                config.origin = origin;
                config
            }
            None => Config::default(),
        };
        if let Some(order) = self.date_order {
            config.date_order = Some(match order {
                DateOrderArg::Dmy => DateOrder::Dmy,
                DateOrderArg::Mdy => DateOrder::Mdy,
            });
        }
        if let Some(code) = &self.currency {
            crate::ingest::money::check_currency_code(code)
                .map_err(|problem| UsageError(format!("--currency {code:?} {problem}")))?;
            config.currency = Some(code.to_ascii_uppercase());
        }
        Ok(config)
    }
}

impl InputArgs {
    /// With no `--config`: the `clientfit.toml` of each data directory
    /// given and the one beside each file named (by path or by flag); if
    /// they are several, they must be the same file or say the same, else
    /// it is an error naming them. With none of those and no directory
    /// given, the one in the current directory.
    fn find_config(&self, paths: &[PathBuf]) -> anyhow::Result<Option<(PathBuf, ConfigOrigin)>> {
        let name = crate::config::CONFIG_FILE_NAME;
        let named_files = paths
            .iter()
            .filter(|p| !p.is_dir())
            .chain(&self.invoices)
            .chain(&self.tickets)
            .chain(&self.meetings)
            .chain(&self.clients)
            .filter(|p| !crate::ingest::reader::is_stdin(p));
        let beside = named_files.map(|file| {
            let folder = file.parent().unwrap_or(Path::new(""));
            (folder.join(name), ConfigOrigin::BesideFiles)
        });
        let mut found: Vec<(PathBuf, ConfigOrigin)> = Vec::new();
        for (candidate, origin) in paths
            .iter()
            .filter(|p| p.is_dir())
            .map(|dir| (dir.join(name), ConfigOrigin::DataDirectory))
            .chain(beside)
        {
            if !candidate.is_file() {
                continue;
            }
            let same = |(known, _): &(PathBuf, ConfigOrigin)| {
                *known == candidate
                    || matches!(
                        (known.canonicalize(), candidate.canonicalize()),
                        (Ok(a), Ok(b)) if a == b
                    )
            };
            if !found.iter().any(same) {
                found.push((candidate, origin));
            }
        }
        let Some((first, origin)) = found.first().cloned() else {
            let directory_given = paths.iter().any(|p| p.is_dir());
            let here = PathBuf::from(name);
            return Ok((!directory_given && here.is_file())
                .then_some((here, ConfigOrigin::CurrentDirectory)));
        };
        let text = |path: &Path| std::fs::read(path).ok();
        if let Some((other, _)) = found
            .iter()
            .skip(1)
            .find(|(other, _)| text(other) != text(&first))
        {
            return Err(UsageError(format!(
                "two different config files apply to the files given: {} and {}; choose one with --config (or make them the same)",
                crate::safe::terminal(&first.display().to_string()),
                crate::safe::terminal(&other.display().to_string())
            ))
            .into());
        }
        Ok(Some((first, origin)))
    }
}

impl PeriodArgs {
    fn period(&self) -> Result<PeriodRequest, UsageError> {
        if let Some(text) = &self.period {
            return parse_period(text);
        }
        let day = |flag: &str, text: &Option<String>| -> Result<Option<NaiveDate>, UsageError> {
            text.as_deref()
                .map(|t| parse_day(t).map_err(|err| UsageError(format!("--{flag}: {err}"))))
                .transpose()
        };
        let from = day("from", &self.from)?;
        let to = day("to", &self.to)?;
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err(UsageError(format!("--to {to} is before --from {from}")));
        }
        Ok(PeriodRequest {
            from,
            to,
            relative: None,
        })
    }
}

/// `-o -`: standard output, as `-` is standard input for an input.
fn is_dash(path: &std::path::Path) -> bool {
    path.as_os_str() == "-"
}

fn env_is_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

/// Colour only on a terminal, without NO_COLOR, and not on a dumb terminal.
pub fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal
                && !env_is_set("NO_COLOR")
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// The width to fit: `COLUMNS` when set, else the terminal's, else none.
fn width(is_terminal: bool) -> Width {
    match std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
    {
        Some(columns) if columns > 0 => Width::Fixed(columns),
        _ if is_terminal => Width::Terminal,
        _ => Width::Unlimited,
    }
}

impl ReportArgs {
    pub fn resolve(&self) -> anyhow::Result<ReportSettings> {
        let paths = self.input.paths();
        let config = self.input.config(&paths)?;
        let as_of = self
            .when
            .as_of
            .as_deref()
            .map(|t| {
                if t.eq_ignore_ascii_case("today") {
                    crate::period::today()
                } else {
                    parse_day(t).map_err(|err| UsageError(format!("--as-of: {err}")))
                }
            })
            .transpose()?;
        let writes_to_terminal =
            self.output.as_deref().is_none_or(is_dash) && std::io::stdout().is_terminal();
        Ok(ReportSettings {
            explicit: self.input.explicit(),
            paths,
            period: self.when.period()?,
            as_of,
            today: crate::period::today()?,
            config,
            selection: Selection {
                sort: self.sort,
                verdicts: self.verdict.iter().map(|v| Verdict::from(*v)).collect(),
                owner: self.owner.clone(),
                top: self.top,
            },
            format: self.format,
            style: Style {
                color: use_color(self.color, writes_to_terminal),
                width: width(writes_to_terminal),
                terminal: writes_to_terminal,
            },
            output: self.output.clone().filter(|path| !is_dash(path)),
            fail_on: self.fail_on.map(|f| match f {
                FailOn::Fire => Verdict::Fire,
                FailOn::Refer => Verdict::Refer,
                FailOn::Restructure => Verdict::Restructure,
            }),
            quiet: self.quiet,
            skip_bad_rows: self.input.skip_bad_rows,
            progress: !self.quiet && std::io::stderr().is_terminal(),
        })
    }
}

/// Print warnings (unless quiet), then the output to stdout or, atomically,
/// to `--output`.
fn write_out(
    text: &str,
    warnings: &[String],
    settings: &ReportSettings,
    inputs: &[PathBuf],
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<()> {
    if !settings.quiet {
        for warning in warnings {
            writeln!(stderr, "warning: {}", crate::safe::message(warning))
                .context("writing warnings")?;
        }
    }
    match &settings.output {
        Some(path) => crate::output::write_atomically(path, text.as_bytes(), inputs),
        None => stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
            .context("writing the output"),
    }
}

/// The report's warnings on stderr, then the report itself, streamed to
/// `--output` (atomically) or stdout.
fn write_report(
    report: &crate::report::Report,
    settings: &ReportSettings,
    inputs: &[PathBuf],
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<()> {
    if !settings.quiet {
        for warning in &report.warnings {
            writeln!(stderr, "warning: {}", crate::safe::message(warning))
                .context("writing warnings")?;
        }
        // CSV has no head to name the settings in (a line above the
        // header row would break every reader of it): they go to stderr.
        if settings.format == Format::Csv {
            writeln!(
                stderr,
                "config: {}",
                crate::safe::terminal(&settings.config.provenance())
            )
            .context("writing warnings")?;
            // Its empty `delivery_cost` cells say the cost is unknown; the
            // sentence that says what to set goes beside the config line.
            // Rows left out by --owner, --verdict or --top: the other
            // formats say so under their table.
            for note in report.notes() {
                if let crate::report::Note::Showing { .. } = note {
                    writeln!(stderr, "note: {}", crate::safe::message(&note.text()))
                        .context("writing warnings")?;
                }
            }
            for assumption in report.assumptions() {
                writeln!(stderr, "note: {}", crate::safe::message(&assumption))
                    .context("writing warnings")?;
            }
        }
    }
    let render = |out: &mut dyn Write| {
        crate::render::render_to(report, settings.format, settings.style, out)
    };
    match &settings.output {
        Some(path) => crate::output::write_atomically_with(path, inputs, render),
        None => render(&mut *stdout)
            .and_then(|()| Ok(stdout.flush()?))
            .context("writing the output"),
    }
}

impl Command {
    pub fn execute(
        &self,
        stdout: &mut dyn Write,
        stderr: &mut dyn Write,
    ) -> anyhow::Result<Outcome> {
        match self {
            Command::Report(args) => {
                let settings = args.resolve()?;
                let (report, files) = crate::run_report(&settings)?;
                write_report(&report, &settings, &files, stdout, stderr)?;
                crate::trace::phase("written");
                let failed = settings
                    .fail_on
                    .is_some_and(|verdict| report.any_shown_at_least(verdict));
                // The process ends next: freeing a large report piece by
                // piece (with 100,000 clients, millions of small strings)
                // took a tenth of a second that the operating system does
                // at once when the process exits.
                std::mem::forget(report);
                Ok(if failed {
                    Outcome::FailOnMatched
                } else {
                    Outcome::Done
                })
            }
            Command::Check(args) => {
                let paths = args.input.paths();
                let settings = crate::check::CheckSettings {
                    config: args.input.config(&paths)?,
                    explicit: args.input.explicit(),
                    paths,
                    skip_bad_rows: args.input.skip_bad_rows,
                };
                let outcome = crate::check::run(&settings)?;
                // File names, headers and messages from the files.
                stdout
                    .write_all(crate::safe::message(&outcome.text).as_bytes())
                    .and_then(|()| stdout.flush())
                    .context("writing the check")?;
                if outcome.ok {
                    Ok(Outcome::Done)
                } else {
                    Err(anyhow::anyhow!(
                        "check found problems: report would stop (see above)"
                    ))
                }
            }
            Command::Receivables(args) => {
                let report_args = ReportArgs {
                    input: args.input.clone(),
                    when: args.when.clone(),
                    format: args.format,
                    output: args.output.clone(),
                    sort: SortKey::Profit,
                    verdict: Vec::new(),
                    owner: args.owner.clone(),
                    top: args.top,
                    fail_on: None,
                    color: ColorChoice::Never,
                    quiet: args.quiet,
                };
                let settings = report_args.resolve()?;
                let (view, files) = crate::run_receivables(&settings)?;
                let text =
                    crate::render::receivables::render(&view, settings.format, settings.style)?;
                write_out(&text, &view.warnings, &settings, &files, stdout, stderr)?;
                let failed = args
                    .fail_on_overdue
                    .is_some_and(|days| view.max_days_past_due > days);
                Ok(if failed {
                    Outcome::FailOnMatched
                } else {
                    Outcome::Done
                })
            }
            Command::Explain(args) => {
                let report_args = ReportArgs {
                    input: args.input.clone(),
                    when: args.when.clone(),
                    format: Format::Table,
                    output: None,
                    sort: SortKey::Profit,
                    verdict: Vec::new(),
                    owner: None,
                    top: None,
                    fail_on: None,
                    color: ColorChoice::Never,
                    quiet: true,
                };
                let settings = report_args.resolve()?;
                let text = crate::explain::run(&settings, &args.client)?;
                stdout
                    .write_all(text.as_bytes())
                    .and_then(|()| stdout.flush())
                    .context("writing the explanation")?;
                Ok(Outcome::Done)
            }
            Command::Diff(args) => {
                let diff = crate::diff::compare(&args.old, &args.new)?;
                let mut text = crate::diff::render(&diff, args.format)?;
                if args.format != crate::diff::DiffFormat::Json {
                    // Names and flags from the snapshots, escaped where
                    // written; the whole text once more.
                    text = crate::safe::terminal_text(&text);
                }
                stdout
                    .write_all(text.as_bytes())
                    .and_then(|()| stdout.flush())
                    .context("writing the diff")?;
                let verdict = args.fail_on_move_to.map(Verdict::from);
                Ok(if verdict.is_some_and(|v| diff.moved_to(v)) {
                    Outcome::FailOnMatched
                } else {
                    Outcome::Done
                })
            }
            Command::Completions(args) => {
                let mut command = <Cli as clap::CommandFactory>::command();
                let mut buffer = Vec::new();
                clap_complete::generate(args.shell, &mut command, "clientfit", &mut buffer);
                stdout
                    .write_all(&buffer)
                    .and_then(|()| stdout.flush())
                    .context("writing completions")?;
                Ok(Outcome::Done)
            }
            Command::Man(args) => {
                let command = man_command();
                if let Some(dir) = &args.dir {
                    std::fs::create_dir_all(dir).with_context(|| {
                        format!(
                            "cannot create {}",
                            crate::safe::terminal(&dir.display().to_string())
                        )
                    })?;
                    let pages = std::iter::once(None).chain(MAN_PAGES.iter().map(|n| Some(*n)));
                    for page in pages {
                        let name = match page {
                            None => "clientfit.1".to_string(),
                            Some(sub) => format!("clientfit-{sub}.1"),
                        };
                        let path = dir.join(name);
                        crate::output::write_atomically(&path, &man_page(&command, page)?, &[])?;
                        writeln!(
                            stdout,
                            "wrote {}",
                            crate::safe::terminal(&path.display().to_string())
                        )
                        .context("writing to stdout")?;
                    }
                    return Ok(Outcome::Done);
                }
                let buffer = man_page(&command, args.subcommand.as_deref())?;
                stdout
                    .write_all(&buffer)
                    .and_then(|()| stdout.flush())
                    .context("writing the man page")?;
                Ok(Outcome::Done)
            }
            Command::Init(args) => {
                if args.stdout {
                    stdout
                        .write_all(crate::config::DEFAULTS_TOML.as_bytes())
                        .and_then(|()| stdout.flush())
                        .context("writing clientfit.toml")?;
                    return Ok(Outcome::Done);
                }
                let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
                let path = dir.join(crate::config::CONFIG_FILE_NAME);
                if path.exists() && !args.force {
                    anyhow::bail!(
                        "{} already exists; use --force to overwrite it, or --stdout to see the defaults",
                        path.display()
                    );
                }
                std::fs::create_dir_all(&dir).with_context(|| {
                    format!(
                        "cannot create {}",
                        crate::safe::terminal(&dir.display().to_string())
                    )
                })?;
                crate::output::write_atomically(
                    &path,
                    crate::config::DEFAULTS_TOML.as_bytes(),
                    &[],
                )?;
                writeln!(
                    stdout,
                    "wrote {}",
                    crate::safe::terminal(&path.display().to_string())
                )
                .context("writing to stdout")?;
                Ok(Outcome::Done)
            }
        }
    }
}
