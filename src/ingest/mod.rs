//! Stage 1: CSV exports → typed records.
//!
//! Tickets, meetings and time entries are streamed into a `Sink` row by
//! row. Invoices
//! are needed whole (lines combine, later files replace earlier copies), so
//! they are kept, except that `report` streams those whose id no other row
//! carries (`IngestOptions::stream_invoices`, `store::Streaming`): memory
//! then grows with clients and repeated invoice ids, not with rows.
//!
//! On several threads, files are read in chunks (`parallel`, `chunks`),
//! with the same result as reading them one after another here.
//!
//! Layer: above `config` and `model`; must not import `aggregate` or anything above it (records leave through `Sink`).

mod batch;
pub(crate) mod chunks;
pub(crate) mod clients;
pub mod columns;
pub mod date;
pub mod discover;
pub mod duration;
mod finish;
pub mod identity;
pub(crate) mod invoices;
pub(crate) mod meetings;
mod memo;
pub mod money;
mod parallel;
pub(crate) mod reader;
mod repeats;
pub mod scan;
pub(crate) mod source;
pub(crate) mod status;
pub(crate) mod store;
pub(crate) mod tickets;
pub(crate) mod time;
mod words;

use batch::*;
pub(crate) use finish::invoice_notes;
use finish::*;
use rust_decimal::Decimal;

use crate::config::Config;
use crate::error;
use crate::model::{Invoice, Meeting, Ticket, TimeEntry};
use crate::wording::plural;
use columns::Kind;
use discover::InputFile;
use identity::Registry;
use reader::{CsvFile, FileReport, Part};
use source::Source;

/// Receives tickets, meetings and time entries as they are read, and invoices too when
/// `IngestOptions::stream_invoices` is set.
pub trait Sink {
    fn ticket(&mut self, ticket: &Ticket);
    fn meeting(&mut self, meeting: &Meeting);

    /// One entry of a timesheet; its texts live as long as its row.
    fn time_entry(&mut self, _entry: &TimeEntry) {}

    /// A final invoice (no other row carries its id), in the base currency.
    fn invoice(&mut self, _invoice: &Invoice) {}

    /// Forget every invoice received: the invoice files are read again.
    fn forget_invoices(&mut self) {}

    /// Forget every ticket received: the ticket files are read again, to
    /// merge rows that share a ticket id (see `tickets::Repeats`). Only
    /// invoices have been received before them.
    fn forget_tickets(&mut self);

    /// This record is about to be received: start fetching what it will
    /// update (see `crate::prefetch`). Changes nothing.
    fn prefetch_ticket(&self, _ticket: &Ticket) {}
    fn prefetch_meeting(&self, _meeting: &Meeting) {}
    fn prefetch_invoice(&self, _invoice: &Invoice) {}

    /// An empty sink of the same kind for reading one chunk on another
    /// thread, or `None` to read every file on this one. Its totals must
    /// be sums that `absorb` can add in any order: chunks finish in no
    /// set order. A fork sees client ids of the reading's shared table;
    /// `absorb` maps them to their settled ids.
    fn fork(&self) -> Option<Self>
    where
        Self: Sized,
    {
        None
    }

    /// Take in what a fork received; its client id `i` is `ids[i]` here.
    fn absorb(&mut self, _fork: Self, _ids: &[crate::model::ClientId])
    where
        Self: Sized,
    {
    }
}

/// What ingest hands to aggregation besides the streamed records.
#[derive(Debug)]
pub struct Ingested {
    pub(crate) files: Vec<InputFile>,
    pub(crate) registry: Registry,
    /// Combined invoices; they read back in the base currency.
    pub invoices: store::InvoiceStore,
    pub(crate) currency: Option<String>,
    pub warnings: Vec<String>,
    /// What each file turned out to be, in input order.
    pub(crate) reports: Vec<FileReport>,
    /// `check` only: an error that is not about one file (currencies).
    pub error: Option<String>,
    /// A file's discounts looked like rates, not money: every discount is
    /// left out of the report (a warning says so and how to read them).
    pub(crate) discounts_left_out: bool,
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
    /// The day the books are looked at: a void or write-off dated after it
    /// had not happened yet. `None`: every status holds (`check`).
    pub as_of: Option<chrono::NaiveDate>,
}

/// Inputs smaller than this read too fast to need a progress display.
const PROGRESS_MIN_BYTES: u64 = 32 * 1024 * 1024;

fn progress_bar(
    files: &[InputFile],
    wanted: bool,
    config: &Config,
) -> Option<indicatif::ProgressBar> {
    if !wanted {
        return None;
    }
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(&f.path).ok())
        .map(|m| m.len())
        .sum();
    // The tuning lowers the threshold (tests use it).
    let threshold = config
        .tuning
        .progress_min_bytes
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
/// With more than one thread, the files are cut into chunks at record
/// boundaries and read by a pool of threads (see `parallel`), each chunk
/// into totals of its own; those are merged in file-and-chunk order, so
/// client ids, names, warnings and file reports come out exactly as if
/// read on one thread. Whatever that cannot give exactly (an error, a cut
/// that fell inside a record, an invoice or ticket id on more than one
/// row) is read again the way one thread reads it.
pub fn ingest<S: Sink + Send>(
    files: &[InputFile],
    config: &Config,
    options: IngestOptions,
    sink: &mut S,
) -> anyhow::Result<Ingested> {
    let delimiter = config.delimiter_byte()?;
    let progress = progress_bar(files, options.progress, config);
    let markers = tickets::MarkerSet::new(&config.markers);
    let ticket_ids = hashbrown::DefaultHashBuilder::default();
    let reader = GroupReader {
        ticket_ids: &ticket_ids,
        files,
        config,
        delimiter,
        options,
        markers: &markers,
        progress: progress.as_ref(),
        verify_utf8: true,
    };
    let mut reports: Vec<Option<FileReport>> = vec![None; files.len()];
    let mut registry = Registry::new(&config.clients.legal_forms);
    let mut clients = reader.read(&[Kind::Clients], registry, None::<&mut S>)?;
    registry = std::mem::take(&mut clients.registry);
    clients.place(&mut reports);

    let threads = parallel::reading_threads(config);
    let groups = [Kind::Invoices, Kind::Tickets, Kind::Meetings, Kind::Time];
    let in_parallel = if threads > 1 && !options.keep_going {
        parallel::read(&reader, &registry, sink, threads)?
    } else {
        None
    };
    let (book, registry) = match in_parallel {
        Some(read) => {
            sink.absorb(read.totals, &read.ids);
            for (file, report) in read.reports {
                if let Some(slot) = reports.get_mut(file) {
                    *slot = Some(report);
                }
            }
            (read.book, read.registry)
        }
        None => {
            let mut all = reader.read(&groups, registry, Some(&mut *sink))?;
            all.place(&mut reports);
            (all.book, all.registry)
        }
    };
    if let Some(progress) = &progress {
        progress.finish_and_clear();
    }
    let mut book = book;
    if let Err(err) = check_payment_ranges(&book, &reports) {
        match reports
            .iter_mut()
            .flatten()
            .find(|report| report.path == err.file)
        {
            Some(report) if options.keep_going => report.error = Some(err),
            _ => return Err(err.into()),
        }
    }
    let files_read: Vec<FileReport> = reports.into_iter().flatten().collect();
    let warnings = warnings_of(&files_read, options.as_of, config);
    let discounts_left_out = files_read.iter().any(|r| r.discounts.look_like_rates());
    let currency = convert_currencies(&mut book, config, files).and_then(|currency| {
        check_time_currencies(&files_read, currency.as_deref())?;
        Ok(currency)
    });
    let currency = match currency {
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
                discounts_left_out,
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
        discounts_left_out,
    })
}

/// A timesheet's money must be in the base currency: when the config sets
/// none, the invoices' currency is the base, known only once they are
/// read, and a timesheet in another would be added up as if it were it.
fn check_time_currencies(reports: &[FileReport], base: Option<&str>) -> anyhow::Result<()> {
    let Some(base) = base else {
        return Ok(());
    };
    for report in reports.iter().filter(|r| r.kind == Some(Kind::Time)) {
        if let Some(other) = report
            .currencies
            .iter()
            .find(|code| !code.eq_ignore_ascii_case(base))
        {
            return Err(crate::error::InputError::file(
                &report.path,
                format!("costs and rates are in {other}, but the invoices are in {base}, the base currency"),
            )
            .hint("timesheet costs and rates are read in the base currency: export the timesheet in it, or convert its rates before reading (set currency in clientfit.toml to say which is the base)")
            .into());
        }
    }
    Ok(())
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
    /// Open files with `Source::open` (every byte checked to be UTF-8
    /// before reading, to decide the encoding), else with
    /// `Source::open_unverified`.
    verify_utf8: bool,
    /// Hashes ticket ids, the same on every thread (`tickets::Repeats`).
    ticket_ids: &'a hashbrown::DefaultHashBuilder,
}

/// How one file is read: all of it or one chunk, and what its chunks share.
#[derive(Default, Clone)]
struct FilePart {
    part: Option<Part>,
    /// The day/month orders settled, shared by the file's chunks.
    settled: Option<std::sync::Arc<std::sync::OnceLock<reader::Settled>>>,
}

impl<'a> GroupReader<'a> {
    /// The same reader, opening files with or without checking them for
    /// UTF-8 first.
    fn with_utf8_check(&self, verify_utf8: bool) -> GroupReader<'a> {
        GroupReader {
            verify_utf8,
            ..*self
        }
    }

    /// Read the files of `kinds`, in that order, each kind in input order.
    fn read<S: Sink>(
        &self,
        kinds: &[Kind],
        registry: Registry,
        sink: Option<&mut S>,
    ) -> anyhow::Result<Group> {
        let mut group = Group {
            registry,
            book: invoices::InvoiceBook::default(),
            reports: vec![None; self.files.len()],
        };
        self.read_into(kinds, &mut group, sink)?;
        Ok(group)
    }

    /// `read`, into `group`.
    fn read_into<S: Sink>(
        &self,
        kinds: &[Kind],
        group: &mut Group,
        mut sink: Option<&mut S>,
    ) -> anyhow::Result<()> {
        let mut seen_tickets = tickets::SeenTickets::default();
        let mut no_sink = NoSink;
        let has_sink = sink.is_some();
        for kind in kinds {
            let kind = *kind;
            let sink: &mut dyn Sink = match sink.as_mut() {
                Some(sink) => &mut **sink,
                None => &mut no_sink,
            };
            if kind == Kind::Tickets {
                self.read_tickets(group, sink)?;
                continue;
            }
            let streaming = kind == Kind::Invoices
                && has_sink
                && self.options.stream_invoices
                && !self.options.keep_going;
            if !streaming {
                self.read_kind(kind, group, &mut seen_tickets, sink)?;
                continue;
            }
            // Stream every invoice; if any id turns out to repeat, read the
            // invoice files again from the same start, storing those ids.
            let registry_before = group.registry.clone();
            group.book.stream();
            let first = self.read_kind(kind, group, &mut seen_tickets, sink);
            // On an error too: a clash between repeated rows may come before it.
            let Some(repeated) = group.book.repeated_ids() else {
                first?;
                if let Some(err) = group.book.take_deferred() {
                    return Err(err.into());
                }
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
            self.read_kind(kind, group, &mut seen_tickets, sink)?;
        }
        Ok(())
    }

    /// Read the ticket files, streaming every row; if rows of one file
    /// share an id, forget them and read the files again, merging those
    /// rows (see `tickets::Repeats`).
    fn read_tickets(&self, group: &mut Group, sink: &mut dyn Sink) -> anyhow::Result<()> {
        let mut seen = tickets::SeenTickets::collecting(self.ticket_ids.clone());
        self.read_kind(Kind::Tickets, group, &mut seen, sink)?;
        let repeated = seen.take_ids().repeated();
        if repeated.is_empty() {
            return Ok(());
        }
        sink.forget_tickets();
        for (slot, file) in group.reports.iter_mut().zip(self.files) {
            if file.kind == Kind::Tickets {
                *slot = None;
            }
        }
        let mut seen = tickets::SeenTickets {
            repeats: tickets::Repeats::Merge {
                repeated,
                lines: self.config.tickets.lines,
            },
            hasher: self.ticket_ids.clone(),
            ..tickets::SeenTickets::default()
        };
        self.read_kind(Kind::Tickets, group, &mut seen, sink)
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
            let (report, result) =
                self.read_file(index, group, seen_tickets, sink, &FilePart::default());
            match result {
                Ok(_) => {}
                Err(err) if self.options.keep_going => {
                    if let Some(slot) = group.reports.get_mut(index) {
                        *slot = Some(FileReport {
                            error: Some(err),
                            ..report
                        });
                    }
                    continue;
                }
                Err(err) => return Err(err.into()),
            }
            if let Some(slot) = group.reports.get_mut(index) {
                *slot = Some(report);
            }
        }
        Ok(())
    }

    /// Read one file, or the chunk of it that `part` says, into `group`:
    /// its report, and whether a chunk ended exactly at its cut.
    fn read_file(
        &self,
        index: usize,
        group: &mut Group,
        seen_tickets: &mut tickets::SeenTickets,
        sink: &mut dyn Sink,
        part: &FilePart,
    ) -> (FileReport, Result<bool, error::InputError>) {
        let mut report = FileReport::default();
        let Some(input) = self.files.get(index) else {
            return (report, Ok(false));
        };
        report.path = input.path.clone();
        report.kind = Some(input.kind);
        let mut batched = Batched::new(&mut *sink);
        let context = FileContext {
            index: index as u32,
            config: self.config,
            skip_bad_rows: self.options.skip_bad_rows,
            as_of: self.options.as_of,
        };
        let result = self.read_one(
            input,
            context,
            &mut ReadState {
                registry: &mut group.registry,
                book: &mut group.book,
                seen_tickets,
                sink: &mut batched,
            },
            part,
            &mut report,
        );
        // On an error too: `check` goes on with what was read.
        batched.flush();
        (report, result)
    }
}

/// What reading one file of any kind takes beside the file itself and
/// what it updates: the same for every row of the file.
#[derive(Clone, Copy)]
pub(crate) struct FileContext<'a> {
    /// The file's place among the inputs (an id in a later file replaces
    /// the same id in an earlier one).
    pub(crate) index: u32,
    pub(crate) config: &'a Config,
    /// Skip rows with bad values (recording them) instead of stopping.
    pub(crate) skip_bad_rows: bool,
    /// The day the books are looked at (`IngestOptions::as_of`).
    pub(crate) as_of: Option<chrono::NaiveDate>,
}

/// What reading a file updates.
struct ReadState<'a> {
    registry: &'a mut Registry,
    book: &'a mut invoices::InvoiceBook,
    seen_tickets: &'a mut tickets::SeenTickets,
    sink: &'a mut dyn Sink,
}

impl GroupReader<'_> {
    /// Read one file, or one chunk of it; `Ok(true)` when a chunk ended
    /// exactly at its cut.
    fn read_one(
        &self,
        input: &InputFile,
        context: FileContext<'_>,
        state: &mut ReadState,
        part: &FilePart,
        report: &mut FileReport,
    ) -> Result<bool, error::InputError> {
        let kind = input.kind;
        let config = self.config;
        let limit = source::in_memory_limit(config);
        let source = if self.verify_utf8 {
            Source::open(&input.path, config.encoding, self.delimiter, limit)?
        } else {
            Source::open_unverified(&input.path, config.encoding, self.delimiter, limit)?
        };
        let mapping = discover::mapping_for(config, kind);
        let mut file = CsvFile::open(&source, config.decimal, |headers| {
            columns::satisfies(kind, headers, mapping)
        })?;
        if let Some(chunk) = part.part {
            file.read_part(chunk)?;
        }
        file.settled.clone_from(&part.settled);
        *report = file.report(kind);
        if let Some(progress) = self.progress {
            // The spinner is on the terminal: a file's name is untrusted text.
            progress.set_message(format!(
                "reading {}",
                crate::safe::terminal(&input.path.display().to_string())
            ));
            file.progress = Some(progress.clone());
        }
        report.kind_from = input.kind_from;
        let result = match kind {
            Kind::Clients => clients::read(&mut file, config, state.registry, report),
            Kind::Invoices => invoices::read(
                &mut file,
                context,
                state.registry,
                state.book,
                state.sink,
                report,
            ),
            Kind::Tickets => tickets::read(
                &mut file,
                context,
                self.markers,
                state.registry,
                state.sink,
                state.seen_tickets,
                report,
            ),
            Kind::Meetings => {
                meetings::read(&mut file, context, state.registry, state.sink, report)
            }
            Kind::Time => time::read(&mut file, context, state.registry, state.sink, report),
        };
        result.map(|()| file.ended_at_cut)
    }
}

#[cfg(test)]
mod tests;
