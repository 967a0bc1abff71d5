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
mod memo;
pub mod money;
pub mod reader;
pub mod records;
mod repeats;
pub mod scan;
pub mod source;
pub mod status;
pub mod store;
pub mod tickets;
mod words;

use rust_decimal::Decimal;

use crate::config::Config;
use crate::error;
use columns::Kind;
use discover::InputFile;
use identity::Registry;
use reader::{CsvFile, FileReport, Part};
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

    /// This record is about to be received: start fetching what it will
    /// update (see `crate::prefetch`). Changes nothing.
    fn prefetch_ticket(&self, _ticket: &Ticket) {}
    fn prefetch_meeting(&self, _meeting: &Meeting) {}
    fn prefetch_invoice(&self, _invoice: &Invoice) {}

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
        split_source: std::sync::OnceLock::new(),
        verify_utf8: true,
    };
    let mut reports: Vec<Option<FileReport>> = vec![None; files.len()];
    let mut registry = Registry::new(&config.clients.legal_forms);
    let mut clients = reader.read(&[Kind::Clients], registry, None::<&mut S>, None)?;
    registry = std::mem::take(&mut clients.registry);
    clients.place(&mut reports);

    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let groups = [Kind::Invoices, Kind::Tickets, Kind::Meetings];
    let jobs = if threads > 1 && !options.keep_going {
        plan_jobs(files, &groups, threads)
    } else {
        groups
            .iter()
            .map(|kind| Job {
                kind: *kind,
                split: None,
            })
            .collect()
    };
    let forks: Option<Vec<S>> = if threads > 1 {
        jobs.iter().map(|_| sink.fork()).collect()
    } else {
        None
    };
    let (book, registry) = match forks {
        None => {
            let mut all = reader.read(&groups, registry, Some(&mut *sink), None)?;
            all.place(&mut reports);
            (all.book, all.registry)
        }
        Some(forks) => {
            // Files are first read without checking them for UTF-8 in a
            // pass of their own (that pass read every byte twice: 4% of
            // LARGE's time): the scanner checks every byte it reads. On
            // any error (a file that is not UTF-8 after all, or any
            // other), everything is read again with that check, so the
            // encoding, warnings and errors are exactly those of reading
            // with it.
            let unverified = reader.with_utf8_check(false);
            let first = run_jobs(&unverified, &jobs, forks, &registry, threads);
            let results = if first.iter().any(Result::is_err) {
                // What the first reading built goes before the second starts.
                drop(first);
                let forks: Option<Vec<S>> = jobs.iter().map(|_| sink.fork()).collect();
                let forks =
                    forks.ok_or_else(|| anyhow::anyhow!("a reading thread could not start"))?;
                run_jobs(
                    &reader.with_utf8_check(true),
                    &jobs,
                    forks,
                    &registry,
                    threads,
                )
            } else {
                first
            };
            // In reading order; the first error there is the one a single
            // thread would have stopped at. The second part of a file cut
            // in two counts only if the first part ended exactly where it
            // starts (else the first part read the whole file).
            let mut done: Vec<(Job, Group, S)> = Vec::with_capacity(results.len());
            let mut head_confirmed = false;
            for (job, result) in jobs.iter().zip(results) {
                match job.split {
                    Some(Split { head: false, .. }) if !head_confirmed => continue,
                    _ => {}
                }
                let (group, fork) = result?;
                if let Some(Split { head: true, .. }) = job.split {
                    head_confirmed = group.split_confirmed;
                }
                done.push((*job, group, fork));
            }
            // The invoices' registry is the base: ids there are final.
            let mut done = done.into_iter();
            let Some((_, mut first, first_fork)) = done.next() else {
                anyhow::bail!("no reading thread ran");
            };
            let mut registry = std::mem::take(&mut first.registry);
            let book = std::mem::take(&mut first.book);
            let same: Vec<identity::ClientId> =
                (0..registry.len() as u32).map(identity::ClientId).collect();
            sink.absorb(first_fork, &same);
            first.place(&mut reports);
            for (job, mut group, fork) in done {
                let ids = registry.absorb(&group.registry);
                for report in group.reports.iter_mut().flatten() {
                    report.clients = report.clients.mapped(&ids);
                }
                sink.absorb(fork, &ids);
                match job.split {
                    Some(Split {
                        head: false, file, ..
                    }) => {
                        let tail = group.reports.get_mut(file).and_then(Option::take);
                        if let (Some(Some(report)), Some(tail)) = (reports.get_mut(file), tail) {
                            report.absorb_part(tail);
                        }
                    }
                    _ => group.place(&mut reports),
                }
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

/// Files of a streamed kind at least this large may be cut in two.
const SPLIT_MIN_BYTES: u64 = 4 * 1024 * 1024;

fn split_min_bytes() -> u64 {
    // CLIENTFIT_SPLIT_MIN_BYTES lowers the threshold (tests use it, to cut
    // small files).
    std::env::var("CLIENTFIT_SPLIT_MIN_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(SPLIT_MIN_BYTES)
}

/// The part of a file one job reads: `head` up to the cut near `fraction`
/// of its bytes, or the rest.
#[derive(Debug, Clone, Copy)]
struct Split {
    file: usize,
    fraction: f64,
    head: bool,
}

/// The files of one kind, or one part of a file, for one worker.
#[derive(Debug, Clone, Copy)]
struct Job {
    kind: Kind,
    split: Option<Split>,
}

fn file_bytes(file: &InputFile) -> u64 {
    std::fs::metadata(&file.path).map_or(0, |m| m.len())
}

/// How long a byte of each kind takes to read, relative to a ticket byte
/// (measured on the LARGE benchmark, each kind read whole on one of two
/// threads: tickets 380 MB/s, invoices 243, meetings 268; an invoice row
/// has three dates and four amounts, a meeting row a date and time in
/// fewer bytes). Jobs are planned by this work, not by bytes: planned by
/// bytes, the worker given the invoices finished a tenth of a second after
/// the other.
fn work_per_byte(kind: Kind) -> u64 {
    match kind {
        Kind::Invoices => 156,
        Kind::Meetings => 142,
        Kind::Tickets | Kind::Clients => 100,
    }
}

/// The work of reading `bytes` of `kind`.
fn work(kind: Kind, bytes: u64) -> u64 {
    bytes.saturating_mul(work_per_byte(kind))
}

fn file_work(file: &InputFile) -> u64 {
    work(file.kind, file_bytes(file))
}

/// One job per kind, in reading order; and, when that makes the reading
/// end sooner, one ticket or meeting file (the only one of its kind) cut
/// in two parts, one job each.
fn plan_jobs(files: &[InputFile], groups: &[Kind], workers: usize) -> Vec<Job> {
    let sizes: Vec<(Kind, u64)> = files.iter().map(|f| (f.kind, file_bytes(f))).collect();
    plan_jobs_for(&sizes, groups, workers, split_min_bytes())
}

/// How finely a cut may be placed: at a 64th of the file.
const CUT_STEPS: u64 = 64;

/// `plan_jobs` for files of these kinds and sizes in bytes. Every place
/// to cut each file that may be cut (the first part at most half the
/// file, as the first part is counted through to find the cut) is tried
/// against reading with no cut, by `reading_ends`; the one that ends
/// soonest wins, if it ends at least a tenth sooner than no cut. A cut
/// costs more than its share of the work: each part builds a registry of
/// every client it meets, the line count up to the cut comes first, and
/// the parts are merged. On LARGE, a cut of the meetings that this count
/// put 5% sooner measured 2% later than reading them whole.
fn plan_jobs_for(
    sizes: &[(Kind, u64)],
    groups: &[Kind],
    workers: usize,
    min_bytes: u64,
) -> Vec<Job> {
    let kind_work = |kind: Kind| -> u64 {
        sizes
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(k, bytes)| work(*k, *bytes))
            .sum()
    };
    let whole: Vec<u64> = groups.iter().map(|kind| kind_work(*kind)).collect();
    let no_cut = reading_ends(&whole, workers);
    let mut best: Option<(u64, usize, u64)> = None;
    for kind in [Kind::Tickets, Kind::Meetings] {
        let mut of_kind = sizes.iter().enumerate().filter(|(_, (k, _))| *k == kind);
        let (Some((index, size)), None) = (of_kind.next(), of_kind.next()) else {
            continue;
        };
        if size.1 < min_bytes || !groups.contains(&kind) {
            continue;
        }
        let file_work = work(size.0, size.1);
        let others: Vec<u64> = groups
            .iter()
            .filter(|k| **k != kind)
            .map(|k| kind_work(*k))
            .collect();
        for step in 1..=CUT_STEPS / 2 {
            let head = file_work.saturating_mul(step) / CUT_STEPS;
            let mut loads = others.clone();
            loads.push(head);
            loads.push(file_work.saturating_sub(head));
            let ends = reading_ends(&loads, workers);
            if best.is_none_or(|(best_ends, _, _)| ends < best_ends) {
                best = Some((ends, index, step));
            }
        }
    }
    let cut = best
        .filter(|(ends, _, _)| ends.saturating_mul(10) <= no_cut.saturating_mul(9))
        .map(|(_, file, step)| (file, step as f64 / CUT_STEPS as f64));
    let mut jobs = Vec::new();
    for kind in groups {
        match cut.filter(|(file, _)| sizes.get(*file).is_some_and(|(k, _)| k == kind)) {
            Some((file, fraction)) => {
                for head in [true, false] {
                    jobs.push(Job {
                        kind: *kind,
                        split: Some(Split {
                            file,
                            fraction,
                            head,
                        }),
                    });
                }
            }
            None => jobs.push(Job {
                kind: *kind,
                split: None,
            }),
        }
    }
    jobs
}

/// When reading jobs of this much work ends, run as `run_jobs` runs them:
/// the largest first, each taken by the worker that is free first.
fn reading_ends(works: &[u64], workers: usize) -> u64 {
    let mut sorted = works.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    let mut free_at = vec![0u64; workers.max(1)];
    for work in sorted {
        if let Some(first_free) = free_at.iter_mut().min() {
            *first_free = first_free.saturating_add(work);
        }
    }
    free_at.into_iter().max().unwrap_or(0)
}

/// Run the jobs on `workers` threads, the largest first, each with its
/// own copy of the registry and its own sink; results in job order.
fn run_jobs<S: Sink + Send>(
    reader: &GroupReader,
    jobs: &[Job],
    forks: Vec<S>,
    registry: &Registry,
    workers: usize,
) -> Vec<anyhow::Result<(Group, S)>> {
    // The work of each job; a cut file's parts by their share.
    let size = |job: &Job| -> u64 {
        match job.split {
            Some(split) => {
                let work = reader.files.get(split.file).map_or(0, file_work);
                let head = (work as f64 * split.fraction) as u64;
                if split.head {
                    head
                } else {
                    work.saturating_sub(head)
                }
            }
            None => reader
                .files
                .iter()
                .filter(|f| f.kind == job.kind)
                .map(file_work)
                .sum(),
        }
    };
    let mut queue: Vec<(usize, Job, S)> = jobs
        .iter()
        .zip(forks)
        .enumerate()
        .map(|(index, (job, fork))| (index, *job, fork))
        .collect();
    // Popped from the end: the largest last in the vector.
    queue.sort_by_cached_key(|(index, job, _)| (size(job), std::cmp::Reverse(*index)));
    let queue = std::sync::Mutex::new(queue);
    let finished: Vec<(usize, anyhow::Result<(Group, S)>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.min(jobs.len()))
            .map(|_| {
                let queue = &queue;
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let job = match queue.lock() {
                            Ok(mut queue) => queue.pop(),
                            Err(_) => None,
                        };
                        let Some((index, job, mut fork)) = job else {
                            break;
                        };
                        let result = reader
                            .read(&[job.kind], registry.clone(), Some(&mut fork), job.split)
                            .map(|mut group| {
                                // All but the first job are merged into it.
                                if index > 0 {
                                    group.registry.keep_clients_only();
                                }
                                (group, fork)
                            });
                        crate::phase(&format!(
                            "{}{}",
                            job.kind.name(),
                            match job.split {
                                Some(Split { head: true, .. }) => " (first part)",
                                Some(Split { head: false, .. }) => " (second part)",
                                None => "",
                            }
                        ));
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
    let mut slots: Vec<Option<anyhow::Result<(Group, S)>>> =
        (0..jobs.len()).map(|_| None).collect();
    for (index, result) in finished {
        if let Some(slot) = slots.get_mut(index) {
            *slot = Some(result);
        }
    }
    slots
        .into_iter()
        .map(|slot| slot.unwrap_or_else(|| Err(anyhow::anyhow!("a reading thread failed"))))
        .collect()
}

/// What reading the files of some kinds yields.
#[derive(Default)]
struct Group {
    registry: Registry,
    book: invoices::InvoiceBook,
    /// Per input file: its report, if this group read it.
    reports: Vec<Option<FileReport>>,
    /// Reading the first part of a cut file: it ended where the second
    /// part starts.
    split_confirmed: bool,
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
    /// The file cut in two, opened once for both parts (opening it with
    /// `verify_utf8` checks every byte for its encoding), with the place
    /// of the cut.
    split_source: std::sync::OnceLock<SplitSource>,
    /// Open files with `Source::open` (every byte checked to be UTF-8
    /// before reading, to decide the encoding), else with
    /// `Source::open_unverified`.
    verify_utf8: bool,
}

type SplitSource = Result<(Source, Option<(u64, u64)>), error::InputError>;

impl<'a> GroupReader<'a> {
    /// The same reader, opening files with or without checking them for
    /// UTF-8 first; nothing opened yet.
    fn with_utf8_check(&self, verify_utf8: bool) -> GroupReader<'a> {
        GroupReader {
            split_source: std::sync::OnceLock::new(),
            verify_utf8,
            ..*self
        }
    }

    /// Read the files of `kinds`, in that order, each kind in input order.
    fn read<S: Sink>(
        &self,
        kinds: &[Kind],
        registry: Registry,
        mut sink: Option<&mut S>,
        split: Option<Split>,
    ) -> anyhow::Result<Group> {
        let files = self.files;
        let mut group = Group {
            registry,
            book: invoices::InvoiceBook::default(),
            reports: vec![None; files.len()],
            split_confirmed: false,
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
                self.read_kind(kind, &mut group, &mut seen_tickets, sink, split)?;
                continue;
            }
            // Stream every invoice; if any id turns out to repeat, read the
            // invoice files again from the same start, storing those ids.
            let registry_before = group.registry.clone();
            group.book.stream();
            let first = self.read_kind(kind, &mut group, &mut seen_tickets, sink, None);
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
            self.read_kind(kind, &mut group, &mut seen_tickets, sink, None)?;
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
        split: Option<Split>,
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
            let mut batched = Batched::new(&mut *sink);
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
                    sink: &mut batched,
                    progress: self.progress,
                    split: split.filter(|split| split.file == index),
                    split_source: &self.split_source,
                    split_confirmed: &mut group.split_confirmed,
                    verify_utf8: self.verify_utf8,
                },
                &mut report,
            );
            // On an error too: `check` goes on with what was read.
            batched.flush();
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

/// A sink that hands records on in batches. Each record updates the totals
/// of its client, and with 100,000 clients that is a cache miss. The sink
/// is asked to prefetch them when a record comes in, and receives it up to
/// 64 records later, by when they have arrived (tickets on LARGE: 8.6 s
/// to 7.2 s of CPU). Records arrive in the same order; `flush` must be
/// called when a file's reading ends, however it ends.
struct Batched<'a> {
    sink: &'a mut dyn Sink,
    tickets: Vec<Ticket>,
    meetings: Vec<Meeting>,
    invoices: Vec<Invoice>,
}

impl<'a> Batched<'a> {
    const SIZE: usize = 64;

    fn new(sink: &'a mut dyn Sink) -> Batched<'a> {
        Batched {
            sink,
            tickets: Vec::with_capacity(Self::SIZE),
            meetings: Vec::with_capacity(Self::SIZE),
            invoices: Vec::with_capacity(Self::SIZE),
        }
    }

    /// Deliver every record held. Only one kind is read at a time, so the
    /// order between kinds does not matter.
    fn flush(&mut self) {
        for ticket in self.tickets.drain(..) {
            self.sink.ticket(&ticket);
        }
        for meeting in self.meetings.drain(..) {
            self.sink.meeting(&meeting);
        }
        for invoice in self.invoices.drain(..) {
            self.sink.invoice(&invoice);
        }
    }
}

impl Sink for Batched<'_> {
    fn ticket(&mut self, ticket: &Ticket) {
        // Delivered up to a batch later: time for its totals to arrive.
        self.sink.prefetch_ticket(ticket);
        self.tickets.push(ticket.clone());
        if self.tickets.len() >= Self::SIZE {
            self.flush();
        }
    }

    fn meeting(&mut self, meeting: &Meeting) {
        // Delivered up to a batch later: time for its totals to arrive.
        self.sink.prefetch_meeting(meeting);
        self.meetings.push(meeting.clone());
        if self.meetings.len() >= Self::SIZE {
            self.flush();
        }
    }

    fn invoice(&mut self, invoice: &Invoice) {
        // Delivered up to a batch later: time for its totals to arrive.
        self.sink.prefetch_invoice(invoice);
        self.invoices.push(invoice.clone());
        if self.invoices.len() >= Self::SIZE {
            self.flush();
        }
    }

    /// Held invoices are forgotten with the rest; held tickets and
    /// meetings are delivered first, as they came first.
    fn forget_invoices(&mut self) {
        self.invoices.clear();
        self.flush();
        self.sink.forget_invoices();
    }
}

/// What reading a file updates.
struct ReadState<'a> {
    registry: &'a mut Registry,
    book: &'a mut invoices::InvoiceBook,
    markers: &'a tickets::MarkerSet,
    seen_tickets: &'a mut tickets::SeenTickets,
    sink: &'a mut dyn Sink,
    progress: Option<&'a indicatif::ProgressBar>,
    /// Read only this part of the file.
    split: Option<Split>,
    split_source: &'a std::sync::OnceLock<SplitSource>,
    split_confirmed: &'a mut bool,
    verify_utf8: bool,
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
    let open = if state.verify_utf8 {
        Source::open
    } else {
        Source::open_unverified
    };
    let (source, part) = match state.split {
        None => (open(&input.path, config.encoding, delimiter)?, None),
        Some(split) => {
            let (source, point) = state
                .split_source
                .get_or_init(|| {
                    let source = open(&input.path, config.encoding, delimiter)?;
                    let point = source.split_point(split.fraction);
                    Ok((source, point))
                })
                .clone()?;
            let part = point.map(|(at, line)| {
                if split.head {
                    Part::Head { at }
                } else {
                    Part::Tail { at, line }
                }
            });
            (source, part)
        }
    };
    if let (Some(Split { head: false, .. }), None) = (state.split, part) {
        // No place to cut: the first part reads the whole file.
        return Ok(());
    }
    let mapping = discover::mapping_for(config, kind);
    let mut file = CsvFile::open(&source, config.decimal, |headers| {
        columns::satisfies(kind, headers, mapping)
    })?;
    if let Some(part) = part {
        file.read_part(part)?;
    }
    *report = file.report(kind);
    if let Some(progress) = state.progress {
        progress.set_message(format!("reading {}", input.path.display()));
        progress.set_position(0);
        file.progress = Some(progress.clone());
    }
    report.kind_from = input.kind_from;
    let skip = options.skip_bad_rows;
    let result = match kind {
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
    };
    if file.split_confirmed {
        *state.split_confirmed = true;
    }
    result
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines of what it received, in order; `f` marks a forget.
    #[derive(Default)]
    struct Recorder(Vec<(char, u64)>);

    impl Sink for Recorder {
        fn ticket(&mut self, ticket: &Ticket) {
            self.0.push(('t', ticket.origin.line));
        }
        fn meeting(&mut self, meeting: &Meeting) {
            self.0.push(('m', meeting.origin.line));
        }
        fn forget_invoices(&mut self) {
            self.0.push(('f', 0));
        }
    }

    fn ticket(line: u64) -> Ticket {
        Ticket {
            client: None,
            created: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            minutes: rust_decimal::Decimal::ONE,
            scope_change: false,
            abusive: false,
            escalation: false,
            origin: records::Origin { file: 0, line },
        }
    }

    #[test]
    fn reading_ends_as_run_jobs_runs_the_jobs() {
        // Largest first, each to the worker free first: 7 and 5 start;
        // the 5 ends first and takes the 4 (9); the 7 takes the 3 (10).
        assert_eq!(reading_ends(&[3, 7, 4, 5], 2), 10);
        assert_eq!(reading_ends(&[3, 7, 4, 5], 1), 19);
        assert_eq!(reading_ends(&[], 2), 0);
    }

    /// Where the plan cuts file `file`: its first part's fraction, after
    /// checking that the second part follows it.
    fn cut_of(jobs: &[Job], file: usize) -> f64 {
        let at = jobs
            .iter()
            .position(|job| {
                job.split
                    .is_some_and(|split| split.file == file && split.head)
            })
            .unwrap_or_else(|| panic!("file {file} is not cut: {jobs:?}"));
        assert!(
            matches!(jobs.get(at + 1).and_then(|job| job.split), Some(Split { file: f, head: false, .. }) if f == file),
            "no second part after the first: {jobs:?}"
        );
        jobs[at].split.unwrap().fraction
    }

    #[test]
    fn jobs_are_planned_by_work_with_the_cut_that_ends_soonest() {
        const MB: u64 = 1_000_000;
        let groups = [Kind::Invoices, Kind::Tickets, Kind::Meetings];
        // LARGE: 382 MB of invoices, 661 MB of tickets, 99 MB of meetings.
        // Work (in MB × weight): 382 × 156 = 59,592; 661 × 100 = 66,100;
        // 99 × 142 = 14,058. Uncut, the tickets and invoices start, and the
        // invoices' worker takes the meetings: it ends at 73,650. Cutting
        // the meetings, a first part of h goes to the tickets' worker and
        // the rest to the other: 66,100 + h against 73,650 − h, equal at h
        // = 3,775. In 64ths of 14,058: 17/64 (3,734) ends at 73,650 −
        // 3,734 = 69,916; 18/64 (3,954) at 66,100 + 3,954 = 70,054. The
        // best cut of the tickets, 10/64 (10,328), puts the invoices and
        // that part on one worker (69,920) and the rest of the tickets
        // and the meetings on the other (69,830): 69,920, a little later.
        // 69,916 is only 5% sooner than 73,650: no cut.
        let sizes = [
            (Kind::Invoices, 382 * MB),
            (Kind::Tickets, 661 * MB),
            (Kind::Meetings, 99 * MB),
        ];
        let jobs = plan_jobs_for(&sizes, &groups, 2, 4 * MB);
        assert_eq!(jobs.len(), 3, "{jobs:?}");
        assert!(jobs.iter().all(|job| job.split.is_none()), "{jobs:?}");
        // With twice the meetings (198 MB, 28,116): uncut, 59,592 +
        // 28,116 = 87,708 on one worker. Cut, 66,100 + h against 87,708 −
        // h, equal at h = 10,804; 25/64 of 28,116 (10,982.8) ends at
        // 77,082.8, 24/64 (10,543.5) at 77,164.5: the first part of 25/64
        // is 12% sooner. Cut.
        let sizes = [
            (Kind::Invoices, 382 * MB),
            (Kind::Tickets, 661 * MB),
            (Kind::Meetings, 198 * MB),
        ];
        let jobs = plan_jobs_for(&sizes, &groups, 2, 4 * MB);
        assert_eq!(jobs.len(), 4, "{jobs:?}");
        assert!(jobs[0].split.is_none() && jobs[1].split.is_none());
        assert_eq!(cut_of(&jobs, 2), 25.0 / 64.0);
        // Tickets six times the invoices: cut the tickets. Work 60 × 156 =
        // 9,360 and 600 × 100 = 60,000 (total 69,360, half 34,680). A first
        // part h of the tickets: the rest (60,000 − h) starts on one
        // worker, the invoices on the other, which then takes h: equal at
        // 60,000 − h = 9,360 + h, h = 25,320; 27/64 of 60,000 is
        // 25,312.5, which ends at 60,000 − 25,312.5 = 34,687.5 (26/64 and
        // 28/64 end later).
        let sizes = [(Kind::Invoices, 60 * MB), (Kind::Tickets, 600 * MB)];
        let jobs = plan_jobs_for(&sizes, &groups, 2, 4 * MB);
        assert_eq!(cut_of(&jobs, 1), 27.0 / 64.0);
        // Nearly even: 300 MB of tickets (30,000) against 160 MB of
        // invoices (24,960): uncut 30,000, and at best (27,480) a cut is 8%
        // sooner, less than a tenth.
        let sizes = [(Kind::Invoices, 160 * MB), (Kind::Tickets, 300 * MB)];
        let jobs = plan_jobs_for(&sizes, &groups, 2, 4 * MB);
        assert!(jobs.iter().all(|job| job.split.is_none()), "{jobs:?}");
        // Below the least size to cut, or on one worker, nothing is cut.
        let sizes = [(Kind::Invoices, MB), (Kind::Tickets, 3 * MB)];
        let jobs = plan_jobs_for(&sizes, &groups, 2, 4 * MB);
        assert!(jobs.iter().all(|job| job.split.is_none()), "{jobs:?}");
        let sizes = [(Kind::Invoices, 60 * MB), (Kind::Tickets, 600 * MB)];
        let jobs = plan_jobs_for(&sizes, &groups, 1, 4 * MB);
        assert!(jobs.iter().all(|job| job.split.is_none()), "{jobs:?}");
    }

    #[test]
    fn a_batched_sink_delivers_everything_in_order() {
        let mut recorder = Recorder::default();
        let mut batched = Batched::new(&mut recorder);
        // Two full batches and part of a third: 64 + 64 + 22.
        for line in 1..=150 {
            batched.ticket(&ticket(line));
        }
        batched.flush();
        batched.flush();
        let expected: Vec<(char, u64)> = (1..=150).map(|line| ('t', line)).collect();
        assert_eq!(recorder.0, expected);

        // What is held when invoices are forgotten came before the forget.
        let mut recorder = Recorder::default();
        let mut batched = Batched::new(&mut recorder);
        batched.ticket(&ticket(1));
        batched.forget_invoices();
        batched.ticket(&ticket(2));
        batched.flush();
        assert_eq!(recorder.0, vec![('t', 1), ('f', 0), ('t', 2)]);
    }
}
