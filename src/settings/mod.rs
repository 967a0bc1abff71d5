//! Settings resolved once: arguments, the config file and the
//! environment made into plain structs that the commands take. Nothing
//! outside this module (and `main`) reads the environment: the
//! `CLIENTFIT_*` tuning travels down inside `Config` (`config::Tuning`),
//! "today" inside `InputSettings`.
//!
//! Sits above the pipeline (it builds `IngestOptions`, checks a config
//! file against what ingest knows) and below `commands`: must not import
//! `commands`.

pub(crate) mod config_file;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::assess::Verdict;
use crate::cli::{
    ColorChoice, DateOrderArg, ExplainArgs, FailOn, FormatArg, InputArgs, PeriodArgs,
    ReceivablesArgs, ReportArgs,
};
use crate::config::{Config, ConfigOrigin, DateOrder, Tuning};
use crate::error::UsageError;
use crate::ingest::IngestOptions;
use crate::ingest::columns::Kind;
use crate::ingest::discover::ExplicitFiles;
use crate::period::{PeriodRequest, parse_day, parse_period};
use crate::render::{Format, Style, Width};
use crate::report::Selection;

/// What every command that reads the inputs needs: which files, the
/// config (with the environment's tuning in it), the period and the day.
#[derive(Debug, Clone)]
pub struct InputSettings {
    pub paths: Vec<PathBuf>,
    pub explicit: ExplicitFiles,
    pub config: Config,
    pub period: PeriodRequest,
    pub as_of: Option<NaiveDate>,
    /// Today, or `CLIENTFIT_TODAY` (tests and reproducible runs).
    pub today: NaiveDate,
    pub skip_bad_rows: bool,
    /// Show progress on stderr for large inputs (stderr is a terminal, not quiet).
    pub progress: bool,
}

/// Where and how a command's output is written.
#[derive(Debug, Clone)]
pub struct OutputSettings {
    pub format: Format,
    pub style: Style,
    /// `--output FILE`; `None`: standard output.
    pub file: Option<PathBuf>,
    /// No warnings on stderr.
    pub quiet: bool,
}

/// Everything `report` needs.
#[derive(Debug, Clone)]
pub struct ReportSettings {
    pub input: InputSettings,
    pub output: OutputSettings,
    pub selection: Selection,
    pub fail_on: Option<Verdict>,
}

/// Everything `receivables` needs.
#[derive(Debug, Clone)]
pub(crate) struct ReceivablesSettings {
    pub(crate) input: InputSettings,
    pub(crate) output: OutputSettings,
    /// `--owner`: only this account manager's clients.
    pub(crate) owner: Option<String>,
    /// `--top`: only the first rows.
    pub(crate) top: Option<usize>,
    /// `--fail-on-overdue DAYS`.
    pub(crate) fail_on_overdue: Option<i64>,
}

/// Everything `explain` needs.
#[derive(Debug, Clone)]
pub(crate) struct ExplainSettings {
    pub(crate) input: InputSettings,
    /// The client asked about: a name, an alias or the start of a name.
    pub(crate) query: String,
}

impl InputSettings {
    /// Resolve the inputs of a command; `quiet` turns the progress
    /// display off.
    pub(crate) fn resolve(
        input: &InputArgs,
        when: &PeriodArgs,
        quiet: bool,
    ) -> anyhow::Result<InputSettings> {
        let paths = input.paths();
        let config = input.config(&paths)?;
        let today = today()?;
        let as_of = when
            .as_of
            .as_deref()
            .map(|t| {
                if t.eq_ignore_ascii_case("today") {
                    Ok(today)
                } else {
                    parse_day(t).map_err(|err| UsageError(format!("--as-of: {err}")))
                }
            })
            .transpose()?;
        Ok(InputSettings {
            explicit: input.explicit(),
            paths,
            period: when.period()?,
            as_of,
            today,
            config,
            skip_bad_rows: input.skip_bad_rows,
            progress: !quiet && std::io::stderr().is_terminal(),
        })
    }

    /// How `report`, `receivables` and `explain` read: stop at the first
    /// error (unless `--skip-bad-rows`), nothing dated after `as_of`
    /// counts. `stream_invoices`: fold invoices into their clients' sums
    /// as they are read rather than keeping them.
    pub(crate) fn ingest_options(&self, stream_invoices: bool, as_of: NaiveDate) -> IngestOptions {
        IngestOptions {
            skip_bad_rows: self.skip_bad_rows,
            keep_going: false,
            progress: self.progress,
            stream_invoices,
            as_of: Some(as_of),
        }
    }
}

/// How `check` reads: every file, each one's error recorded and the next
/// one read, every status holds (no as-of), no progress display.
pub(crate) fn check_ingest_options(skip_bad_rows: bool) -> IngestOptions {
    IngestOptions {
        skip_bad_rows,
        keep_going: true,
        progress: false,
        stream_invoices: false,
        as_of: None,
    }
}

/// Today, or `CLIENTFIT_TODAY` when set (tests and reproducible runs).
fn today() -> Result<NaiveDate, UsageError> {
    match std::env::var("CLIENTFIT_TODAY") {
        Ok(text) => parse_day(&text).map_err(|err| UsageError(format!("CLIENTFIT_TODAY: {err}"))),
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}

/// The `CLIENTFIT_*` tuning variables, each read once here. A value the
/// stage does not accept is ignored there, as an unset one is. With
/// `CLIENTFIT_PHASES` set, the phase timer starts.
fn tuning() -> Tuning {
    fn number<T: std::str::FromStr>(name: &str) -> Option<T> {
        std::env::var(name).ok().and_then(|text| text.parse().ok())
    }
    if std::env::var_os("CLIENTFIT_PHASES").is_some() {
        crate::trace::start();
    }
    Tuning {
        reading_threads: number("CLIENTFIT_READING_THREADS"),
        chunk_bytes: number("CLIENTFIT_CHUNK_BYTES"),
        in_memory_limit: number("CLIENTFIT_IN_MEMORY_LIMIT"),
        progress_min_bytes: number("CLIENTFIT_PROGRESS_MIN_BYTES"),
        parallel_clients: number("CLIENTFIT_PARALLEL_CLIENTS"),
        json_block: number("CLIENTFIT_JSON_BLOCK"),
    }
}

impl OutputSettings {
    fn resolve(format: FormatArg, file: Option<&Path>, color: ColorChoice, quiet: bool) -> Self {
        let writes_to_terminal = file.is_none_or(is_dash) && std::io::stdout().is_terminal();
        OutputSettings {
            format: format.into(),
            style: Style {
                color: use_color(color, writes_to_terminal),
                width: width(writes_to_terminal),
                terminal: writes_to_terminal,
            },
            file: file.filter(|path| !is_dash(path)).map(Path::to_path_buf),
            quiet,
        }
    }
}

impl ReportArgs {
    pub(crate) fn resolve(&self) -> anyhow::Result<ReportSettings> {
        Ok(ReportSettings {
            input: InputSettings::resolve(&self.input, &self.when, self.quiet)?,
            output: OutputSettings::resolve(
                self.format,
                self.output.as_deref(),
                self.color,
                self.quiet,
            ),
            selection: Selection {
                sort: self.sort.into(),
                verdicts: self.verdict.iter().map(|v| Verdict::from(*v)).collect(),
                owner: self.owner.clone(),
                top: self.top,
            },
            fail_on: self.fail_on.map(|f| match f {
                FailOn::Fire => Verdict::Fire,
                FailOn::Refer => Verdict::Refer,
                FailOn::Restructure => Verdict::Restructure,
            }),
        })
    }
}

impl ReceivablesArgs {
    pub(crate) fn resolve(&self) -> anyhow::Result<ReceivablesSettings> {
        Ok(ReceivablesSettings {
            input: InputSettings::resolve(&self.input, &self.when, self.quiet)?,
            // The receivables view has no verdicts to colour.
            output: OutputSettings::resolve(
                self.format,
                self.output.as_deref(),
                ColorChoice::Never,
                self.quiet,
            ),
            owner: self.owner.clone(),
            top: self.top,
            fail_on_overdue: self.fail_on_overdue,
        })
    }
}

impl ExplainArgs {
    pub(crate) fn resolve(&self) -> anyhow::Result<ExplainSettings> {
        Ok(ExplainSettings {
            // Quiet: no progress display for the explanation's readings.
            input: InputSettings::resolve(&self.input, &self.when, true)?,
            query: self.client.clone(),
        })
    }
}

impl InputArgs {
    pub(crate) fn explicit(&self) -> ExplicitFiles {
        let mut files = Vec::new();
        for (kind, paths) in [
            (Kind::Clients, &self.clients),
            (Kind::Invoices, &self.invoices),
            (Kind::Tickets, &self.tickets),
            (Kind::Meetings, &self.meetings),
            (Kind::Time, &self.time),
        ] {
            files.extend(paths.iter().map(|p| (kind, p.clone())));
        }
        ExplicitFiles { files }
    }

    pub(crate) fn paths(&self) -> Vec<PathBuf> {
        let has_explicit = !(self.invoices.is_empty()
            && self.tickets.is_empty()
            && self.meetings.is_empty()
            && self.clients.is_empty()
            && self.time.is_empty());
        if self.paths.is_empty() && !has_explicit {
            vec![PathBuf::from(".")]
        } else {
            self.paths.clone()
        }
    }

    /// Load the config (see `find_config`); flags then override its values.
    pub(crate) fn config(&self, paths: &[PathBuf]) -> anyhow::Result<Config> {
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
        config.tuning = tuning();
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
            .chain(&self.time)
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
fn is_dash(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn env_is_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

/// Colour only on a terminal, without NO_COLOR, and not on a dumb terminal.
pub(crate) fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
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

impl From<crate::cli::FormatArg> for Format {
    fn from(format: crate::cli::FormatArg) -> Format {
        use crate::cli::FormatArg;
        match format {
            FormatArg::Table => Format::Table,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html,
        }
    }
}

impl From<crate::cli::SortArg> for crate::report::SortKey {
    fn from(sort: crate::cli::SortArg) -> crate::report::SortKey {
        use crate::cli::SortArg;
        use crate::report::SortKey;
        match sort {
            SortArg::Profit => SortKey::Profit,
            SortArg::Margin => SortKey::Margin,
            SortArg::Revenue => SortKey::Revenue,
            SortArg::Risk => SortKey::Risk,
            SortArg::Name => SortKey::Name,
        }
    }
}

/// What `check` needs.
#[derive(Debug, Clone)]
pub(crate) struct CheckSettings {
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) explicit: ExplicitFiles,
    pub(crate) config: Config,
    pub(crate) skip_bad_rows: bool,
}
