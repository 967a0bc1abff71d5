//! Stage 1: CSV exports → typed records.
//!
//! Tickets and meetings are streamed into a `Sink` row by row. Invoices
//! are needed whole (lines combine, later files replace earlier copies), so
//! they are kept, except that `report` streams those whose id no other row
//! carries (`IngestOptions::stream_invoices`, `store::Streaming`): memory
//! then grows with clients and repeated invoice ids, not with rows.

// What reads untrusted files must not panic on them: no unwrap or expect,
// no indexing that can be out of bounds, no arithmetic that can overflow.
// (Tests may: they build their own inputs.)
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]

pub mod clients;
pub mod columns;
pub mod date;
pub mod discover;
pub mod duration;
pub mod identity;
pub mod invoices;
pub mod meetings;
pub mod money;
pub mod reader;
pub mod records;
pub mod source;
pub mod status;
pub mod store;
pub mod tickets;

use rust_decimal::Decimal;

use crate::config::Config;
use crate::error;
use columns::Kind;
use discover::InputFile;
use identity::Registry;
use reader::{CsvFile, FileReport};
use records::{Invoice, Meeting, Ticket};
use source::Source;

/// Receives tickets and meetings as they are read, and invoices too when
/// `IngestOptions::stream_invoices` is set.
pub trait Sink {
    fn ticket(&mut self, ticket: &Ticket);
    fn meeting(&mut self, meeting: &Meeting);

    /// A final invoice (no other row carries its id), in the base currency.
    fn invoice(&mut self, _invoice: &Invoice) {}

    /// Forget every invoice received: the invoice files are read again.
    fn forget_invoices(&mut self) {}

    /// An empty sink of the same kind for another thread, or `None` to
    /// read every file on this one. A fork sees client ids of its own
    /// thread's registry; `absorb` maps them back.
    fn fork(&self) -> Option<Self>
    where
        Self: Sized,
    {
        None
    }

    /// Take in what a fork received; its client id `i` is `ids[i]` here.
    fn absorb(&mut self, _fork: Self, _ids: &[identity::ClientId])
    where
        Self: Sized,
    {
    }
}

/// What ingest hands to aggregation besides the streamed records.
#[derive(Debug)]
pub struct Ingested {
    pub files: Vec<InputFile>,
    pub registry: Registry,
    /// Combined invoices; they read back in the base currency.
    pub invoices: store::InvoiceStore,
    pub currency: Option<String>,
    pub warnings: Vec<String>,
    /// What each file turned out to be, in input order.
    pub reports: Vec<FileReport>,
    /// `check` only: an error that is not about one file (currencies).
    pub error: Option<String>,
}

/// How to read, beyond the config.
#[derive(Debug, Clone, Copy, Default)]
pub struct IngestOptions {
    /// Skip rows with bad values (recording them) instead of stopping.
    pub skip_bad_rows: bool,
    /// `check`: record a file's error in its report and go on with the
    /// next file, instead of stopping.
    pub keep_going: bool,
    /// Show a spinner on stderr when the inputs are large (the caller
    /// decides whether stderr is a terminal).
    pub progress: bool,
    /// Hand invoices that nothing can combine with or replace to the sink
    /// instead of keeping them (`report` needs only their sums; memory
    /// then grows with repeated invoice ids, not with invoices).
    pub stream_invoices: bool,
}

/// Inputs smaller than this read too fast to need a progress display.
const PROGRESS_MIN_BYTES: u64 = 32 * 1024 * 1024;

fn progress_bar(files: &[InputFile], wanted: bool) -> Option<indicatif::ProgressBar> {
    if !wanted {
        return None;
    }
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(&f.path).ok())
        .map(|m| m.len())
        .sum();
    // CLIENTFIT_PROGRESS_MIN_BYTES lowers the threshold (tests use it).
    let threshold = std::env::var("CLIENTFIT_PROGRESS_MIN_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(PROGRESS_MIN_BYTES);
    if bytes < threshold {
        return None;
    }
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg}: {pos} rows") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

/// Read every file, clients first (they define names, aliases and domains),
/// then invoices (which name the clients), then tickets and meetings.
///
/// When the sink can fork and the machine has more than one core, the
/// invoice, ticket and meeting files are read on threads of their own, each
/// with a copy of the registry; the copies are then merged in that order,
/// so client ids and names come out exactly as if read one after another.
pub fn ingest<S: Sink + Send>(
    files: &[InputFile],
    config: &Config,
    options: IngestOptions,
    sink: &mut S,
) -> anyhow::Result<Ingested> {
    let delimiter = config.delimiter_byte()?;
    let progress = progress_bar(files, options.progress);
    let markers = tickets::MarkerSet::new(&config.markers);
    let reader = GroupReader {
        files,
        config,
        delimiter,
        options,
        markers: &markers,
        progress: progress.as_ref(),
    };
    let mut reports: Vec<Option<FileReport>> = vec![None; files.len()];
    let mut registry = Registry::new(&config.clients.legal_forms);
    let mut clients = reader.read(&[Kind::Clients], registry, None::<&mut S>)?;
    registry = std::mem::take(&mut clients.registry);
    clients.place(&mut reports);

    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let groups = [Kind::Invoices, Kind::Tickets, Kind::Meetings];
    let forks: Option<Vec<S>> = if threads > 1 {
        groups.iter().map(|_| sink.fork()).collect()
    } else {
        None
    };
    let (book, registry) = match forks {
        None => {
            let mut all = reader.read(&groups, registry, Some(&mut *sink))?;
            all.place(&mut reports);
            (all.book, all.registry)
        }
        Some(forks) => {
            // One worker per core takes the kinds largest first, so the
            // kind that takes longest starts at once on a core of its own
            // instead of sharing one with the others (three threads on two
            // cores gave each a third less of a core for most of the run).
            let bytes_of = |kind: Kind| -> u64 {
                files
                    .iter()
                    .filter(|f| f.kind == kind)
                    .filter_map(|f| std::fs::metadata(&f.path).ok())
                    .map(|m| m.len())
                    .sum()
            };
            let mut queue: Vec<(usize, Kind, S)> = groups
                .iter()
                .zip(forks)
                .enumerate()
                .map(|(index, (kind, fork))| (index, *kind, fork))
                .collect();
            // Popped from the end: smallest first in the vector.
            queue.sort_by_key(|(index, kind, _)| (bytes_of(*kind), std::cmp::Reverse(*index)));
            let queue = std::sync::Mutex::new(queue);
            let workers = threads.min(groups.len());
            let mut slots: Vec<Option<anyhow::Result<(Group, S)>>> =
                (0..groups.len()).map(|_| None).collect();
            let finished: Vec<(usize, anyhow::Result<(Group, S)>)> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workers)
                    .map(|_| {
                        let (queue, registry, reader) = (&queue, &registry, &reader);
                        scope.spawn(move || {
                            let mut done = Vec::new();
                            loop {
                                let job = match queue.lock() {
                                    Ok(mut queue) => queue.pop(),
                                    Err(_) => None,
                                };
                                let Some((index, kind, mut fork)) = job else {
                                    break;
                                };
                                let result = reader
                                    .read(&[kind], registry.clone(), Some(&mut fork))
                                    .map(|group| (group, fork));
                                done.push((index, result));
                            }
                            done
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|handle| handle.join().unwrap_or_default())
                    .collect()
            });
            for (index, result) in finished {
                if let Some(slot) = slots.get_mut(index) {
                    *slot = Some(result);
                }
            }
            let results: Vec<anyhow::Result<(Group, S)>> = slots
                .into_iter()
                .map(|slot| slot.unwrap_or_else(|| Err(anyhow::anyhow!("a reading thread failed"))))
                .collect();
            // The first error in reading order, as a single thread would stop at.
            let mut done = Vec::with_capacity(results.len());
            for result in results {
                done.push(result?);
            }
            // The invoices' registry is the base: ids there are final.
            let mut done = done.into_iter();
            let Some((mut first, first_fork)) = done.next() else {
                anyhow::bail!("no reading thread ran");
            };
            let mut registry = std::mem::take(&mut first.registry);
            let book = std::mem::take(&mut first.book);
            let same: Vec<identity::ClientId> =
                (0..registry.len() as u32).map(identity::ClientId).collect();
            sink.absorb(first_fork, &same);
            first.place(&mut reports);
            for (mut group, fork) in done {
                let ids = registry.absorb(&group.registry);
                for report in group.reports.iter_mut().flatten() {
                    report.clients = report.clients.mapped(&ids);
                }
                sink.absorb(fork, &ids);
                group.place(&mut reports);
            }
            (book, registry)
        }
    };
    if let Some(progress) = &progress {
        progress.finish_and_clear();
    }
    let mut book = book;
    let files_read: Vec<FileReport> = reports.into_iter().flatten().collect();
    let warnings = warnings_of(&files_read);
    let currency = match convert_currencies(&mut book, config, files) {
        Ok(currency) => currency,
        Err(err) if options.keep_going => {
            return Ok(Ingested {
                files: files.to_vec(),
                registry,
                invoices: book,
                currency: None,
                warnings,
                reports: files_read,
                error: Some(format!("{err:#}")),
            });
        }
        Err(err) => return Err(err),
    };
    Ok(Ingested {
        files: files.to_vec(),
        registry,
        invoices: book,
        currency,
        warnings,
        reports: files_read,
        error: None,
    })
}

/// What reading the files of some kinds yields.
#[derive(Default)]
struct Group {
    registry: Registry,
    book: invoices::InvoiceBook,
    /// Per input file: its report, if this group read it.
    reports: Vec<Option<FileReport>>,
}

impl Group {
    fn place(&mut self, reports: &mut [Option<FileReport>]) {
        for (slot, report) in reports.iter_mut().zip(self.reports.iter_mut()) {
            if report.is_some() {
                *slot = report.take();
            }
        }
    }
}

/// Everything reading needs that does not change while reading.
struct GroupReader<'a> {
    files: &'a [InputFile],
    config: &'a Config,
    delimiter: Option<u8>,
    options: IngestOptions,
    markers: &'a tickets::MarkerSet,
    progress: Option<&'a indicatif::ProgressBar>,
}

impl GroupReader<'_> {
    /// Read the files of `kinds`, in that order, each kind in input order.
    fn read<S: Sink>(
        &self,
        kinds: &[Kind],
        registry: Registry,
        mut sink: Option<&mut S>,
    ) -> anyhow::Result<Group> {
        let files = self.files;
        let mut group = Group {
            registry,
            book: invoices::InvoiceBook::default(),
            reports: vec![None; files.len()],
        };
        let mut seen_tickets = tickets::SeenTickets::default();
        let mut no_sink = NoSink;
        let has_sink = sink.is_some();
        for kind in kinds {
            let kind = *kind;
            let sink: &mut dyn Sink = match sink.as_mut() {
                Some(sink) => &mut **sink,
                None => &mut no_sink,
            };
            let streaming = kind == Kind::Invoices
                && has_sink
                && self.options.stream_invoices
                && !self.options.keep_going;
            if !streaming {
                self.read_kind(kind, &mut group, &mut seen_tickets, sink)?;
                continue;
            }
            // Stream every invoice; if any id turns out to repeat, read the
            // invoice files again from the same start, storing those ids.
            let registry_before = group.registry.clone();
            group.book.stream();
            let first = self.read_kind(kind, &mut group, &mut seen_tickets, sink);
            // On an error too: a clash between repeated rows may come before it.
            let Some(repeated) = group.book.repeated_ids() else {
                first?;
                continue;
            };
            sink.forget_invoices();
            group.registry = registry_before;
            group.book = group.book.restart(repeated);
            for (slot, file) in group.reports.iter_mut().zip(self.files) {
                if file.kind == Kind::Invoices {
                    *slot = None;
                }
            }
            self.read_kind(kind, &mut group, &mut seen_tickets, sink)?;
        }
        Ok(group)
    }

    /// Read the files of one kind into `group`, in input order (tickets:
    /// newest first).
    fn read_kind(
        &self,
        kind: Kind,
        group: &mut Group,
        seen_tickets: &mut tickets::SeenTickets,
        sink: &mut dyn Sink,
    ) -> anyhow::Result<()> {
        let files = self.files;
        let mut of_kind: Vec<usize> = (0..files.len())
            .filter(|i| files.get(*i).is_some_and(|f| f.kind == kind))
            .collect();
        if kind == Kind::Tickets && of_kind.len() > 1 {
            // Newest (last) file first, so its copy of a ticket wins.
            of_kind.reverse();
            seen_tickets.active = true;
        }
        for index in of_kind {
            let Some(input) = files.get(index) else {
                continue;
            };
            let mut report = FileReport {
                path: input.path.clone(),
                kind: Some(kind),
                ..FileReport::default()
            };
            let result = read_one(
                input,
                index as u32,
                self.config,
                self.delimiter,
                self.options,
                &mut ReadState {
                    registry: &mut group.registry,
                    book: &mut group.book,
                    markers: self.markers,
                    seen_tickets: &mut *seen_tickets,
                    sink: &mut *sink,
                    progress: self.progress,
                },
                &mut report,
            );
            match result {
                Ok(()) => {}
                Err(err) if self.options.keep_going => report.error = Some(err),
                Err(err) => return Err(err.into()),
            }
            if let Some(slot) = group.reports.get_mut(index) {
                *slot = Some(report);
            }
        }
        Ok(())
    }
}

/// Where tickets and meetings go when only clients files are read.
struct NoSink;

impl Sink for NoSink {
    fn ticket(&mut self, _: &Ticket) {}
    fn meeting(&mut self, _: &Meeting) {}
}

/// What reading a file updates.
struct ReadState<'a> {
    registry: &'a mut Registry,
    book: &'a mut invoices::InvoiceBook,
    markers: &'a tickets::MarkerSet,
    seen_tickets: &'a mut tickets::SeenTickets,
    sink: &'a mut dyn Sink,
    progress: Option<&'a indicatif::ProgressBar>,
}

fn read_one(
    input: &InputFile,
    file_index: u32,
    config: &Config,
    delimiter: Option<u8>,
    options: IngestOptions,
    state: &mut ReadState,
    report: &mut FileReport,
) -> Result<(), error::InputError> {
    let kind = input.kind;
    let source = Source::open(&input.path, config.encoding, delimiter)?;
    let mapping = discover::mapping_for(config, kind);
    let mut file = CsvFile::open(&source, config.decimal, |headers| {
        columns::satisfies(kind, headers, mapping)
    })?;
    *report = file.report(kind);
    if let Some(progress) = state.progress {
        progress.set_message(format!("reading {}", input.path.display()));
        progress.set_position(0);
        file.progress = Some(progress.clone());
    }
    report.kind_from = input.kind_from;
    let skip = options.skip_bad_rows;
    match kind {
        Kind::Clients => clients::read(&mut file, config, state.registry, report),
        Kind::Invoices => invoices::read(
            &mut file,
            file_index,
            config,
            state.registry,
            state.book,
            state.sink,
            report,
            skip,
        ),
        Kind::Tickets => tickets::read(
            &mut file,
            file_index,
            config,
            state.markers,
            state.registry,
            state.sink,
            state.seen_tickets,
            report,
            skip,
        ),
        Kind::Meetings => meetings::read(
            &mut file,
            file_index,
            config,
            state.registry,
            state.sink,
            report,
            skip,
        ),
    }
}

/// What reading the files found that a user should hear about, in file order.
fn warnings_of(reports: &[FileReport]) -> Vec<String> {
    let mut warnings = Vec::new();
    for report in reports {
        let name = report.path.display();
        warnings.extend(report.warnings.iter().cloned());
        if report.replaced > 0 {
            warnings.push(format!(
                "{name}: {} row(s) carried an invoice or ticket id again; the copy in the later file was used",
                report.replaced
            ));
        }
        if report.section_rows > 0 {
            warnings.push(format!(
                "{name}: skipped {} section or total row(s) (no client and no date, or \"Total …\")",
                report.section_rows
            ));
        }
        if !report.bad_rows.is_empty() {
            let mut reasons: std::collections::BTreeMap<String, usize> =
                std::collections::BTreeMap::new();
            for bad in &report.bad_rows {
                let column = bad
                    .column
                    .as_deref()
                    .map(|c| format!("column {c:?}: "))
                    .unwrap_or_default();
                let problem = bad.problem.split(" (").next().unwrap_or(&bad.problem);
                let count = reasons.entry(format!("{column}{problem}")).or_default();
                // Cannot saturate: at most the number of bad rows.
                *count = count.saturating_add(1);
            }
            let summary: Vec<String> = reasons
                .iter()
                .map(|(why, n)| format!("{n} × {why}"))
                .collect();
            let lines: Vec<String> = report
                .bad_rows
                .iter()
                .take(10)
                .filter_map(|bad| bad.line.map(|l| l.to_string()))
                .collect();
            warnings.push(format!(
                "{name}: skipped {} bad row(s) ({}); lines {}{}",
                report.bad_rows.len(),
                summary.join("; "),
                lines.join(", "),
                if report.bad_rows.len() > 10 {
                    ", …"
                } else {
                    ""
                }
            ));
        }
    }
    warnings
}

/// Settle the base currency and convert every invoice into it.
fn convert_currencies(
    book: &mut invoices::InvoiceBook,
    config: &Config,
    files: &[InputFile],
) -> anyhow::Result<Option<String>> {
    // Where each currency first appears, so the user can find it.
    let first_seen = |code: &str| -> String {
        let location = (|| {
            let index = book.currencies.iter().position(|c| c == code)?;
            let origin = book.first_in_currency(index)?;
            let file = files.get(origin.file as usize)?;
            Some(format!("{}:{}", file.path.display(), origin.line))
        })();
        match location {
            Some(location) => format!("{code} first on {location}"),
            None => code.to_string(),
        }
    };
    // The rate lines to paste: 0 is refused as a rate, so pasting them
    // unedited cannot silently treat 1 EUR as 1 USD.
    let rate_lines = |codes: &[String], base: &str| -> String {
        codes
            .iter()
            .map(|c| format!("        {c} = 0   # fill in: 1 {c} in {base}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let base = match (&config.currency, book.currencies.as_slice()) {
        (Some(code), _) => Some(code.to_ascii_uppercase()),
        (None, []) => None,
        (None, [only]) => Some(only.clone()),
        (None, several @ [first, others @ ..]) => anyhow::bail!(
            "invoices are in several currencies ({}) and no base currency is set\n  hint: set the base currency and a rate for each other one in clientfit.toml:\n        currency = {:?}\n        [fx]\n{}",
            several
                .iter()
                .map(|c| first_seen(c))
                .collect::<Vec<_>>()
                .join("; "),
            first,
            rate_lines(others, first)
        ),
    };
    let Some(base) = base else {
        check_range(book, files)?;
        return Ok(None);
    };
    let mut rates: Vec<Decimal> = Vec::with_capacity(book.currencies.len());
    let mut missing = Vec::new();
    for code in &book.currencies {
        if *code == base {
            rates.push(Decimal::ONE);
        } else if let Some(rate) = config.fx.get(code) {
            rates.push(*rate);
        } else {
            rates.push(Decimal::ONE);
            missing.push(code.clone());
        }
    }
    if !missing.is_empty() {
        anyhow::bail!(
            "invoices in {} need an exchange rate to {base} ({})\n  hint: add to clientfit.toml:\n        [fx]\n{}",
            missing.join(", "),
            missing
                .iter()
                .map(|c| first_seen(c))
                .collect::<Vec<_>>()
                .join("; "),
            rate_lines(&missing, &base)
        );
    }
    for (index, rate) in rates.into_iter().enumerate() {
        book.set_rate(index, rate);
    }
    check_range(book, files)?;
    Ok(Some(base))
}

/// Refuse invoices whose amounts, converted, or less what was paid, leave
/// `Decimal`'s range: reading them would give wrong numbers or stop.
fn check_range(book: &invoices::InvoiceBook, files: &[InputFile]) -> anyhow::Result<()> {
    let Some(origin) = book.first_out_of_range() else {
        return Ok(());
    };
    let path = files
        .get(origin.file as usize)
        .map(|file| file.path.clone())
        .unwrap_or_default();
    Err(error::InputError::file(
        &path,
        "has an invoice whose amounts are too large to compute with (in the base currency, or less its paid amount or balance, they pass 7.9 × 10^28)",
    )
    .at(origin.line)
    .into())
}
