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
use crate::wording::plural;
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

    /// Forget every ticket received: the ticket files are read again, to
    /// merge rows that share a ticket id (see `tickets::Repeats`). Only
    /// invoices have been received before them.
    fn forget_tickets(&mut self);

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
    /// A file's discounts looked like rates, not money: every discount is
    /// left out of the report (a warning says so and how to read them).
    pub discounts_left_out: bool,
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
/// invoice, ticket and meeting files are read on several threads (see
/// `plan_jobs_for`), each with a copy of the registry; what they read is
/// then merged in reading order, so client ids and names come out exactly
/// as if read one after another.
pub fn ingest<S: Sink + Send>(
    files: &[InputFile],
    config: &Config,
    options: IngestOptions,
    sink: &mut S,
) -> anyhow::Result<Ingested> {
    let delimiter = config.delimiter_byte()?;
    let progress = progress_bar(files, options.progress);
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
        split_source: std::sync::OnceLock::new(),
        verify_utf8: true,
    };
    let mut reports: Vec<Option<FileReport>> = vec![None; files.len()];
    let mut registry = Registry::new(&config.clients.legal_forms);
    let mut clients = reader.read(&[Kind::Clients], registry, None::<&mut S>, None)?;
    registry = std::mem::take(&mut clients.registry);
    clients.place(&mut reports);

    let threads = reading_threads();
    let groups = [Kind::Invoices, Kind::Tickets, Kind::Meetings];
    let jobs = if threads > 1 && !options.keep_going {
        plan_jobs(files, &groups, threads)
    } else {
        groups.iter().map(|kind| Job::whole(*kind)).collect()
    };
    // A sink per segment of each job.
    let fork_all = |sink: &S| -> Option<Vec<Vec<S>>> {
        jobs.iter()
            .map(|job| job.segments.iter().map(|_| sink.fork()).collect())
            .collect()
    };
    let forks = if threads > 1 { fork_all(sink) } else { None };
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
            // `check` goes on past errors, so it would not find out it
            // should read again: it checks first.
            let unverified = reader.with_utf8_check(options.keep_going);
            let first = run_jobs(&unverified, &jobs, forks, &registry, threads);
            // A second part that failed does not count when its first part
            // read the whole file (a cut inside a quoted cell).
            let results = if counted(&groups, &jobs, &first).is_err() {
                // What the first reading built goes before the second starts.
                drop(first);
                let forks = fork_all(sink)
                    .ok_or_else(|| anyhow::anyhow!("a reading thread could not start"))?;
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
            let mut results = results;
            if tickets_repeat(&groups, &jobs, &mut results) {
                // Rows of one ticket file share an id: read everything on
                // this thread, which merges them (`read_tickets`). Such
                // files are event logs, rarely large.
                drop(results);
                let mut all = reader.read(&groups, registry, Some(&mut *sink), None)?;
                all.place(&mut reports);
                (all.book, all.registry)
            } else {
                merge(&groups, &jobs, results, sink, &mut reports)?
            }
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

/// Whether rows of one ticket file share an id, over every segment that
/// counts: the parts of a cut file were read by different jobs, and a
/// repeat across the cut is seen by neither alone.
fn tickets_repeat<S>(groups: &[Kind], jobs: &[Job], results: &mut [JobDone<S>]) -> bool {
    // On an error, `merge` reports it.
    let Ok(counted) = counted(groups, jobs, results) else {
        return false;
    };
    let mut read: Vec<repeats::IdHashes> = counted
        .into_iter()
        .filter_map(|(job, segment)| {
            results
                .get_mut(job)?
                .segments
                .get_mut(segment)?
                .ticket_ids
                .take()
        })
        .collect();
    let Some(mut all) = read.pop() else {
        return false;
    };
    for hashes in read {
        all.absorb(hashes);
    }
    !all.repeated().is_empty()
}

/// The segments that count, as (job, segment), in reading order: every
/// segment but the second part of a file whose first part did not end
/// where it starts (that first part read the whole file). `Err(job)`: a
/// segment that counts was not read, because `job` failed there (the
/// first such failure in reading order, which a single thread would have
/// stopped at).
fn counted<S>(
    groups: &[Kind],
    jobs: &[Job],
    results: &[JobDone<S>],
) -> Result<Vec<(usize, usize)>, usize> {
    let segment_of = |(job, segment): (usize, usize)| {
        jobs.get(job)
            .and_then(|planned| planned.segments.get(segment))
    };
    let mut order: Vec<(usize, usize)> = jobs
        .iter()
        .enumerate()
        .flat_map(|(job, planned)| (0..planned.segments.len()).map(move |segment| (job, segment)))
        .collect();
    order.sort_by_key(|at| segment_of(*at).map(|segment| reading_position(groups, segment)));
    let mut counted = Vec::with_capacity(order.len());
    let mut head_confirmed = false;
    for (job, segment) in order {
        let split = segment_of((job, segment)).and_then(|segment| segment.split);
        if split.is_some_and(|split| !split.head) && !head_confirmed {
            continue;
        }
        let Some(done) = results
            .get(job)
            .and_then(|result| result.segments.get(segment))
        else {
            return Err(job);
        };
        if split.is_some_and(|split| split.head) {
            head_confirmed = done.split_confirmed;
        }
        counted.push((job, segment));
    }
    Ok(counted)
}

/// Merge what the jobs read, segment by segment in reading order, into
/// `sink` and one registry, so that client ids, names and file reports
/// come out exactly as if every file were read one after another. The
/// first error in that order is the one a single thread would have
/// stopped at. The second part of a file cut in two counts only if the
/// first part ended exactly where it starts (else the first part read the
/// whole file).
fn merge<S: Sink>(
    groups: &[Kind],
    jobs: &[Job],
    mut results: Vec<JobDone<S>>,
    sink: &mut S,
    reports: &mut [Option<FileReport>],
) -> anyhow::Result<(invoices::InvoiceBook, Registry)> {
    let counted = match counted(groups, jobs, &results) {
        Ok(counted) => counted,
        Err(job) => {
            let failed = results.get_mut(job).and_then(|job| job.failed.take());
            return Err(failed.unwrap_or_else(|| anyhow::anyhow!("a reading thread failed")));
        }
    };
    let mut segments: Vec<Vec<Option<SegmentDone<S>>>> = results
        .iter_mut()
        .map(|job| {
            std::mem::take(&mut job.segments)
                .into_iter()
                .map(Some)
                .collect()
        })
        .collect();
    // The base is the job that read first (the invoices), as far as its
    // first segment: those ids are final. Its later segments' clients
    // are taken in after the segments that come before them.
    let Some(&(base_job, _)) = counted.first() else {
        anyhow::bail!("no reading thread ran");
    };
    // `run_jobs` keeps the lookups of job 0 only, which the base needs to
    // take the other jobs' clients in by key: the plan puts the job that
    // reads first (the invoices) first.
    if base_job != 0 {
        anyhow::bail!("the reading plan did not start with the invoices");
    }
    let Some(base) = results.get_mut(base_job) else {
        anyhow::bail!("no reading thread ran");
    };
    let base_end = segments
        .get(base_job)
        .and_then(|of_job| of_job.first())
        .and_then(Option::as_ref)
        .map_or(0, |done| done.clients_end);
    let mut registry = std::mem::take(&mut base.registry);
    let base_later = registry.split_off(base_end);
    let book = std::mem::take(&mut base.book);
    let mut ids: Vec<Vec<identity::ClientId>> = vec![Vec::new(); jobs.len()];
    if let Some(base_ids) = ids.get_mut(base_job) {
        *base_ids = (0..base_end as u32).map(identity::ClientId).collect();
    }
    for (job, segment) in counted {
        let Some(mut done) = segments
            .get_mut(job)
            .and_then(|of_job| of_job.get_mut(segment))
            .and_then(Option::take)
        else {
            continue;
        };
        let (Some(job_ids), Some(result)) = (ids.get_mut(job), results.get(job)) else {
            continue;
        };
        // The job's clients first met in this segment.
        let (clients, first) = if job == base_job {
            (base_later.as_slice(), base_end)
        } else {
            (result.registry.clients(), 0)
        };
        while job_ids.len() < done.clients_end {
            let Some(info) = job_ids
                .len()
                .checked_sub(first)
                .and_then(|index| clients.get(index))
            else {
                break;
            };
            job_ids.push(registry.absorb_one(info));
        }
        for report in done.reports.iter_mut().flatten() {
            report.clients = report.clients.mapped(job_ids);
        }
        sink.absorb(done.fork, job_ids);
        match jobs
            .get(job)
            .and_then(|planned| planned.segments.get(segment))
            .and_then(|segment| segment.split)
        {
            Some(Split {
                head: false, file, ..
            }) => {
                let tail = done.reports.get_mut(file).and_then(Option::take);
                if let (Some(Some(report)), Some(tail)) = (reports.get_mut(file), tail) {
                    report.absorb_part(tail);
                }
            }
            _ => place(reports, &mut done.reports),
        }
    }
    Ok((book, registry))
}

/// How many threads read the files: one per core.
fn reading_threads() -> usize {
    // CLIENTFIT_READING_THREADS sets it, from 1 to 16 (tests use it, to
    // compare reading on one thread with reading on several on any
    // machine); anything else is ignored.
    std::env::var("CLIENTFIT_READING_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|threads| (1..=16).contains(threads))
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
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

/// Where to cut a file that the plan cuts, instead of where the readers'
/// progress says: CLIENTFIT_CUT_AT, a fraction of the file's bytes
/// strictly between 0 and 1 (tests use it, to cut where the run-time
/// decision seldom does); anything else is ignored.
fn cut_at() -> Option<f64> {
    std::env::var("CLIENTFIT_CUT_AT")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|fraction| *fraction > 0.0 && *fraction < 1.0)
}

/// The part of a file one job reads: `head` up to the cut near `fraction`
/// of its bytes, or the rest.
#[derive(Debug, Clone, Copy)]
struct Split {
    file: usize,
    fraction: f64,
    head: bool,
}

/// The files of one kind, or one part of a cut file.
#[derive(Debug, Clone, Copy)]
struct Segment {
    kind: Kind,
    split: Option<Split>,
}

/// What one worker reads, segment after segment in reading order, into
/// one registry: each segment's new clients are the next range of its
/// ids. A part of a cut file can so be read with whole kinds on the same
/// worker and find their clients known, where a part read into a registry
/// of its own built one of nearly every client again (with 100,000
/// clients, the cost that made cutting LARGE's meetings not worth it).
#[derive(Debug, Clone)]
struct Job {
    segments: Vec<Segment>,
}

impl Job {
    fn whole(kind: Kind) -> Job {
        Job {
            segments: vec![Segment { kind, split: None }],
        }
    }
}

/// Where a segment comes when everything is read one file after another:
/// its kind's place in `groups`, and a second part after the first.
fn reading_position(groups: &[Kind], segment: &Segment) -> (usize, bool) {
    (
        groups
            .iter()
            .position(|kind| *kind == segment.kind)
            .unwrap_or(usize::MAX),
        segment.split.is_some_and(|split| !split.head),
    )
}

fn file_bytes(file: &InputFile) -> u64 {
    std::fs::metadata(&file.path).map_or(0, |m| m.len())
}

/// How long a byte of each kind takes to read, relative to a ticket byte
/// (measured on the LARGE benchmark, both threads busy: tickets about 434
/// MB/s, invoices 263, meetings 355; an invoice row has three dates and
/// four amounts, a meeting row a date and time in fewer bytes). Jobs are
/// planned by this work, not by bytes: planned by bytes, the worker given
/// the invoices finished a tenth of a second after the other. Invoices
/// count 162 rather than the 165 those rates give: with 165, LARGE's
/// meetings are cut at 24/64 and the tickets' worker ends 20 ms after the
/// other on average; at 162 the cut is 21/64, and the two end 17 ms apart
/// on average.
fn work_per_byte(kind: Kind) -> u64 {
    match kind {
        Kind::Invoices => 162,
        Kind::Meetings => 122,
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

/// The jobs for `workers` threads, one per worker at most (see
/// `plan_jobs_for`).
fn plan_jobs(files: &[InputFile], groups: &[Kind], workers: usize) -> Vec<Job> {
    let sizes: Vec<(Kind, u64)> = files.iter().map(|f| (f.kind, file_bytes(f))).collect();
    plan_jobs_for(&sizes, groups, workers, split_min_bytes())
}

/// How finely a cut may be placed: at a 64th of the file.
const CUT_STEPS: u64 = 64;

/// The kinds, whole, shared out among `workers` as a queue would run
/// them: the largest first, each to the worker with least to do (the
/// first of equals). Per worker: its work and its kinds.
fn share_out(
    kinds: &[Kind],
    kind_work: &dyn Fn(Kind) -> u64,
    workers: usize,
) -> Vec<(u64, Vec<Kind>)> {
    let mut largest_first = kinds.to_vec();
    // Stable: equal work stays in reading order.
    largest_first.sort_by_key(|kind| std::cmp::Reverse(kind_work(*kind)));
    let mut bins: Vec<(u64, Vec<Kind>)> = vec![(0, Vec::new()); workers.max(1)];
    for kind in largest_first {
        if let Some(bin) = bins.iter_mut().min_by_key(|(work, _)| *work) {
            bin.0 = bin.0.saturating_add(kind_work(kind));
            bin.1.push(kind);
        }
    }
    bins
}

/// A cut that planning found: which file, where, and which worker reads
/// each part after its whole kinds.
#[derive(Debug, Clone, Copy)]
struct Cut {
    ends: u64,
    file: usize,
    step: u64,
    head_bin: usize,
    tail_bin: usize,
}

/// `plan_jobs` for files of these kinds and sizes in bytes. The kinds are
/// shared out among the workers whole (`share_out`); then every place to
/// cut a ticket or meeting file that is the only one of its kind is tried
/// (the first part at most half the file, as the first part is counted
/// through to find the cut; where a cut really falls is decided while
/// reading, see `Balance`), each part with the whole kinds of a
/// different worker, which reads its kinds and part in reading order;
/// the second part only with kinds read before its own, so that it comes
/// last. The cut that ends the
/// reading soonest is kept if it is soon enough against no cut: 3% sooner
/// when both parts follow other kinds (counting the lines up to the cut
/// and merging one more part cost a little), a tenth when a part is read
/// on its own, into a registry of its own (which costs a registry of
/// nearly every client again).
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
    // Kinds with nothing to read are jobs of their own (they may still
    // have an empty file to report on): placed among the others, they
    // could stand before a part that must follow them in reading order.
    let present: Vec<Kind> = groups
        .iter()
        .copied()
        .filter(|k| kind_work(*k) > 0)
        .collect();
    let whole = share_out(&present, &kind_work, workers);
    let no_cut = whole.iter().map(|(work, _)| *work).max().unwrap_or(0);
    let mut best: Option<Cut> = None;
    for kind in [Kind::Tickets, Kind::Meetings] {
        let mut of_kind = sizes.iter().enumerate().filter(|(_, (k, _))| *k == kind);
        let (Some((file, size)), None) = (of_kind.next(), of_kind.next()) else {
            continue;
        };
        // A kind with nothing to read is a job of its own, never cut.
        if size.1 < min_bytes || !present.contains(&kind) {
            continue;
        }
        let file_work = work(size.0, size.1);
        let others: Vec<Kind> = present.iter().copied().filter(|k| *k != kind).collect();
        let bins = share_out(&others, &kind_work, workers);
        let place = groups.iter().position(|k| *k == kind);
        let before = |bin: &(u64, Vec<Kind>)| {
            bin.1
                .iter()
                .all(|k| groups.iter().position(|g| g == k) < place)
        };
        for step in 1..=CUT_STEPS / 2 {
            let head = file_work.saturating_mul(step) / CUT_STEPS;
            let tail = file_work.saturating_sub(head);
            for (head_bin, with_head) in bins.iter().enumerate() {
                for (tail_bin, with_tail) in bins.iter().enumerate() {
                    // The second part comes last on its worker: a part
                    // that does not count (its first part read the whole
                    // file) is then left out with nothing after it.
                    if head_bin == tail_bin || !before(with_tail) {
                        continue;
                    }
                    let ends = bins
                        .iter()
                        .enumerate()
                        .map(|(at, (work, _))| {
                            let part = if at == head_bin {
                                head
                            } else if at == tail_bin {
                                tail
                            } else {
                                0
                            };
                            work.saturating_add(part)
                        })
                        .max()
                        .unwrap_or(0);
                    let alone = with_head.1.is_empty() || with_tail.1.is_empty();
                    let needed = if alone { 90 } else { 97 };
                    let soon_enough = ends.saturating_mul(100) <= no_cut.saturating_mul(needed);
                    if soon_enough && best.is_none_or(|best| ends < best.ends) {
                        best = Some(Cut {
                            ends,
                            file,
                            step,
                            head_bin,
                            tail_bin,
                        });
                    }
                }
            }
        }
    }
    let (bins, cut) = match best {
        Some(cut) => {
            let kind = sizes.get(cut.file).map_or(Kind::Tickets, |(k, _)| *k);
            let others: Vec<Kind> = present.iter().copied().filter(|k| *k != kind).collect();
            (share_out(&others, &kind_work, workers), Some((cut, kind)))
        }
        None => (whole, None),
    };
    let mut jobs: Vec<Job> = bins
        .into_iter()
        .enumerate()
        .map(|(at, (_, mut kinds))| {
            kinds.sort_by_key(|kind| groups.iter().position(|g| g == kind));
            let mut segments: Vec<Segment> = kinds
                .into_iter()
                .map(|kind| Segment { kind, split: None })
                .collect();
            if let Some((cut, kind)) = cut
                && (at == cut.head_bin || at == cut.tail_bin)
            {
                segments.push(Segment {
                    kind,
                    split: Some(Split {
                        file: cut.file,
                        fraction: cut.step as f64 / CUT_STEPS as f64,
                        head: at == cut.head_bin,
                    }),
                });
            }
            // Stable: a first part before the kinds read after its own.
            segments.sort_by_key(|segment| reading_position(groups, segment));
            Job { segments }
        })
        .filter(|job| !job.segments.is_empty())
        .chain(
            groups
                .iter()
                .filter(|kind| !present.contains(kind))
                .map(|kind| Job::whole(*kind)),
        )
        .collect();
    // The job that reads first is job 0: it is the base of the merge, and
    // the only one whose lookups `run_jobs` keeps.
    jobs.sort_by_key(|job| job.segments.first().map(|s| reading_position(groups, s)));
    jobs
}

/// How far each job has read, so that a file cut in two is cut where
/// both its readers will end together. The plan cuts by the work each
/// kind is expected to take (`work_per_byte`), but how long a kind really
/// takes varies from machine to machine and from run to run (on LARGE,
/// when each worker finished its whole kinds moved by ±35 ms between
/// runs). So the first reader to reach the cut file decides the cut,
/// from the work both have done in the same time; the planned cut stays
/// for small inputs, where that is too little to go by.
///
/// It is a heuristic, and only ever moves the cut, never what is read:
/// - finding the cut counts the lines up to it, on the reader that
///   decides (on LARGE's 99 MB of meetings, 5 to 9 ms at a third of the
///   way, 13 to 15 ms near the end), which the model leaves out; the plan
///   keeps its first part within half the file for this, the run-time cut
///   goes as far as the balance asks;
/// - work is counted in bytes of text, while the work still to do comes
///   from file sizes: they differ for a file decoded from UTF-16 or
///   Windows-1252, and invoices read again (repeated ids) count twice.
#[derive(Debug, Default)]
struct Balance {
    /// Per job: its work read so far (see `reader::Tally`).
    done: Vec<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    /// The jobs that read the two parts of the cut file, when each reads
    /// its part last (after all its whole kinds).
    cut: Option<CutJobs>,
}

#[derive(Debug, Clone, Copy)]
struct CutJobs {
    head_job: usize,
    tail_job: usize,
    /// The work of each job's whole kinds, before its part.
    head_before: u64,
    tail_before: u64,
    /// The work of the whole cut file.
    file_work: u64,
}

impl Balance {
    fn for_jobs(
        jobs: &[Job],
        segment_work: &dyn Fn(&Segment) -> u64,
        file_work: &dyn Fn(usize) -> u64,
    ) -> Balance {
        let done = jobs
            .iter()
            .map(|_| std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0)))
            .collect();
        // The job whose last segment is the `head` part, and the work before it.
        let reading_last = |head: bool| {
            jobs.iter().enumerate().find_map(|(at, job)| {
                let (last, before) = job.segments.split_last()?;
                let split = last.split.filter(|split| split.head == head)?;
                let work = before
                    .iter()
                    .filter(|segment| segment.split.is_none())
                    .map(segment_work)
                    .sum::<u64>();
                Some((at, work, split.file))
            })
        };
        let cut = match (reading_last(true), reading_last(false)) {
            (Some((head_job, head_before, file)), Some((tail_job, tail_before, tail_file)))
                if file == tail_file && head_job != tail_job =>
            {
                Some(CutJobs {
                    head_job,
                    tail_job,
                    head_before,
                    tail_before,
                    file_work: file_work(file),
                })
            }
            _ => None,
        };
        Balance { done, cut }
    }

    /// Where job `job`, the first to reach the cut file, cuts it: a
    /// fraction of its bytes, `split.fraction` as planned when the jobs'
    /// progress cannot tell; and the work the two jobs had read when it
    /// was decided (this job's, the other's), when there were two.
    fn decide(&self, job: usize, split: Split) -> (f64, Option<(u64, u64)>) {
        let progress = |job: usize| {
            self.done
                .get(job)
                .map_or(0, |done| done.load(std::sync::atomic::Ordering::Relaxed))
        };
        let Some(cut) = self.cut else {
            return (split.fraction, None);
        };
        let (mine, other, other_before) = if split.head && job == cut.head_job {
            (cut.head_job, cut.tail_job, cut.tail_before)
        } else if !split.head && job == cut.tail_job {
            (cut.tail_job, cut.head_job, cut.head_before)
        } else {
            return (split.fraction, None);
        };
        let (mine, other_done) = (progress(mine), progress(other));
        let fraction = balanced_fraction(
            mine,
            other_done,
            other_before.saturating_sub(other_done),
            cut.file_work,
            split.head,
        )
        .unwrap_or(split.fraction);
        (fraction, Some((mine, other_done)))
    }
}

/// The cut (a fraction of the file's bytes, from its start) that ends two
/// workers together: one arrives at the file having done `arriving_done`
/// work, while the other, with `other_done` done in the same time, has
/// `other_left` to do before its part. Each goes on at the rate it has
/// shown, so the arriving one takes the share `(other_left + file_work) ×
/// arriving_done / (arriving_done + other_done)` of the file's work.
/// `None` when either has done too little to show a rate. The cut is kept
/// from the file's first and last 64th, so that each part is asked to read
/// something (the first part still reads on to the next record's start,
/// or to the end when the cut falls inside a quoted cell).
fn balanced_fraction(
    arriving_done: u64,
    other_done: u64,
    other_left: u64,
    file_work: u64,
    arriving_reads_head: bool,
) -> Option<f64> {
    // 16 MiB of tickets: a few tens of milliseconds of reading.
    const ENOUGH: u64 = 16 * 1024 * 1024 * 100;
    if arriving_done < ENOUGH || other_done < ENOUGH || file_work == 0 {
        return None;
    }
    let (arriving, other) = (arriving_done as f64, other_done as f64);
    let share = (other_left as f64 + file_work as f64) * arriving / (arriving + other);
    let step = 1.0 / CUT_STEPS as f64;
    let share = (share / file_work as f64).clamp(step, 1.0 - step);
    Some(if arriving_reads_head {
        share
    } else {
        1.0 - share
    })
}

/// What a job read: its registry (every segment's clients, a range after
/// another) and invoices, and each segment read, in order. `failed` is
/// the error of the segment after those, if one failed: the job stops
/// there.
struct JobDone<S> {
    registry: Registry,
    book: invoices::InvoiceBook,
    segments: Vec<SegmentDone<S>>,
    failed: Option<anyhow::Error>,
    /// The work it read, as its readers told the other jobs (`Balance`).
    work_read: u64,
}

/// What one segment of a job read.
struct SegmentDone<S> {
    /// Its own sink, so that a segment can be left out (the second part
    /// of a file whose first part read it all).
    fork: S,
    /// Per input file: its report, if this segment read it.
    reports: Vec<Option<FileReport>>,
    /// Tickets: the hashes of the ids read.
    ticket_ids: Option<repeats::IdHashes>,
    /// The first part of a cut file ended where the second starts.
    split_confirmed: bool,
    /// How many clients the job's registry held after this segment.
    clients_end: usize,
}

/// Run the jobs on `workers` threads, the largest first, each with its
/// own copy of the registry and a sink per segment; results in job order.
fn run_jobs<S: Sink + Send>(
    reader: &GroupReader,
    jobs: &[Job],
    forks: Vec<Vec<S>>,
    registry: &Registry,
    workers: usize,
) -> Vec<JobDone<S>> {
    // The work of each segment; a cut file's parts by their share.
    let segment_work = |segment: &Segment| -> u64 {
        match segment.split {
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
                .filter(|f| f.kind == segment.kind)
                .map(file_work)
                .sum(),
        }
    };
    let size = |job: &Job| -> u64 { job.segments.iter().map(segment_work).sum() };
    let balance = std::sync::Arc::new(Balance::for_jobs(jobs, &segment_work, &|file| {
        reader.files.get(file).map_or(0, file_work)
    }));
    let mut queue: Vec<(usize, &Job, Vec<S>)> = jobs
        .iter()
        .zip(forks)
        .enumerate()
        .map(|(index, (job, forks))| (index, job, forks))
        .collect();
    // Popped from the end: the largest last in the vector.
    queue.sort_by_cached_key(|(index, job, _)| (size(job), std::cmp::Reverse(*index)));
    let queue = std::sync::Mutex::new(queue);
    let finished: Vec<(usize, JobDone<S>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.min(jobs.len()))
            .map(|_| {
                let (queue, balance) = (&queue, &balance);
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let job = match queue.lock() {
                            Ok(mut queue) => queue.pop(),
                            Err(_) => None,
                        };
                        let Some((index, job, forks)) = job else {
                            break;
                        };
                        let mut result =
                            reader.read_job(job, registry.clone(), forks, (balance.clone(), index));
                        result.work_read = balance
                            .done
                            .get(index)
                            .map_or(0, |done| done.load(std::sync::atomic::Ordering::Relaxed));
                        // All but the first job are merged into it, and
                        // need only their clients for that. The rest is
                        // freed on a thread of its own: this worker may be
                        // the last to finish, with the merge waiting.
                        if index > 0 {
                            let lookups = result.registry.take_lookups();
                            let _ = std::thread::Builder::new().spawn(move || drop(lookups));
                        }
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
    let mut slots: Vec<Option<JobDone<S>>> = (0..jobs.len()).map(|_| None).collect();
    for (index, result) in finished {
        if let Some(slot) = slots.get_mut(index) {
            *slot = Some(result);
        }
    }
    slots
        .into_iter()
        .map(|slot| {
            slot.unwrap_or_else(|| JobDone {
                registry: Registry::default(),
                book: invoices::InvoiceBook::default(),
                segments: Vec::new(),
                failed: Some(anyhow::anyhow!("a reading thread failed")),
                work_read: 0,
            })
        })
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
    /// Reading as one of several jobs: how far they all are, and which
    /// job this is.
    balance: Option<(std::sync::Arc<Balance>, usize)>,
    /// Reading as one of several jobs: the ticket id hashes read (see
    /// `ingest`, which judges them).
    ticket_ids: Option<repeats::IdHashes>,
}

impl Group {
    fn place(&mut self, reports: &mut [Option<FileReport>]) {
        place(reports, &mut self.reports);
    }
}

/// Move the file reports read (`read`: per input file, if read) into
/// their places in `reports`.
fn place(reports: &mut [Option<FileReport>], read: &mut [Option<FileReport>]) {
    for (slot, report) in reports.iter_mut().zip(read.iter_mut()) {
        if report.is_some() {
            *slot = report.take();
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
    /// Hashes ticket ids, the same on every thread (`tickets::Repeats`).
    ticket_ids: &'a hashbrown::DefaultHashBuilder,
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
        sink: Option<&mut S>,
        split: Option<Split>,
    ) -> anyhow::Result<Group> {
        let mut group = Group {
            registry,
            book: invoices::InvoiceBook::default(),
            reports: vec![None; self.files.len()],
            split_confirmed: false,
            balance: None,
            ticket_ids: None,
        };
        self.read_into(kinds, &mut group, sink, split)?;
        Ok(group)
    }

    /// Read a job's segments in order, into one registry, each into its
    /// own sink (`forks`, one per segment).
    fn read_job<S: Sink>(
        &self,
        job: &Job,
        registry: Registry,
        forks: Vec<S>,
        balance: (std::sync::Arc<Balance>, usize),
    ) -> JobDone<S> {
        let mut group = Group {
            registry,
            book: invoices::InvoiceBook::default(),
            reports: Vec::new(),
            split_confirmed: false,
            balance: Some(balance),
            ticket_ids: None,
        };
        let mut segments = Vec::new();
        let mut failed = (forks.len() != job.segments.len())
            .then(|| anyhow::anyhow!("a reading thread had no sink for a part"));
        if failed.is_none() {
            for (segment, mut fork) in job.segments.iter().zip(forks) {
                group.reports = vec![None; self.files.len()];
                group.split_confirmed = false;
                let result =
                    self.read_into(&[segment.kind], &mut group, Some(&mut fork), segment.split);
                crate::phase(&format!(
                    "{}{}",
                    segment.kind.name(),
                    match segment.split {
                        // Whether the second part counts: a cut inside a
                        // quoted cell leaves the whole file to the first.
                        Some(Split { head: true, .. }) if group.split_confirmed => {
                            " (first part, ended at the cut)"
                        }
                        Some(Split { head: true, .. }) => " (first part, read to the end)",
                        Some(Split { head: false, .. }) => " (second part)",
                        None => "",
                    }
                ));
                if let Err(err) = result {
                    failed = Some(err);
                    break;
                }
                segments.push(SegmentDone {
                    fork,
                    ticket_ids: group.ticket_ids.take(),
                    reports: std::mem::take(&mut group.reports),
                    split_confirmed: group.split_confirmed,
                    clients_end: group.registry.len(),
                });
            }
        }
        JobDone {
            registry: group.registry,
            book: group.book,
            segments,
            failed,
            work_read: 0,
        }
    }

    /// `read`, into `group`.
    fn read_into<S: Sink>(
        &self,
        kinds: &[Kind],
        group: &mut Group,
        mut sink: Option<&mut S>,
        split: Option<Split>,
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
                self.read_tickets(group, sink, split)?;
                continue;
            }
            let streaming = kind == Kind::Invoices
                && has_sink
                && self.options.stream_invoices
                && !self.options.keep_going;
            if !streaming {
                self.read_kind(kind, group, &mut seen_tickets, sink, split)?;
                continue;
            }
            // Stream every invoice; if any id turns out to repeat, read the
            // invoice files again from the same start, storing those ids.
            let registry_before = group.registry.clone();
            group.book.stream();
            let first = self.read_kind(kind, group, &mut seen_tickets, sink, None);
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
            self.read_kind(kind, group, &mut seen_tickets, sink, None)?;
        }
        Ok(())
    }

    /// Read the ticket files, streaming every row; if rows of one file
    /// share an id, forget them and read the files again, merging those
    /// rows (see `tickets::Repeats`). As one of several jobs, only the id
    /// hashes are kept: a file cut between jobs has repeats that neither
    /// part sees, so `ingest` judges them all together.
    fn read_tickets(
        &self,
        group: &mut Group,
        sink: &mut dyn Sink,
        split: Option<Split>,
    ) -> anyhow::Result<()> {
        let mut seen = tickets::SeenTickets::collecting(self.ticket_ids.clone());
        let first = self.read_kind(Kind::Tickets, group, &mut seen, sink, split);
        let hashes = seen.take_hashes();
        if group.balance.is_some() {
            group.ticket_ids = Some(hashes);
            return first;
        }
        first?;
        let repeated = hashes.repeated();
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
        self.read_kind(Kind::Tickets, group, &mut seen, sink, split)
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
                    balance: group.balance.as_ref(),
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
    fn forget_tickets(&mut self) {}
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

    /// Held tickets are forgotten with the rest.
    fn forget_tickets(&mut self) {
        self.tickets.clear();
        self.flush();
        self.sink.forget_tickets();
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
    /// Reading as one of several jobs: how far they all are, and which
    /// job this is.
    balance: Option<&'a (std::sync::Arc<Balance>, usize)>,
}

/// Where to cut `source` for the part `split`: decided by the first of
/// the two readers to get here, from how far both have come (see
/// `Balance`), or forced by CLIENTFIT_CUT_AT. Once a run.
fn find_cut(
    source: &Source,
    path: &std::path::Path,
    split: Split,
    balance: Option<&(std::sync::Arc<Balance>, usize)>,
) -> Option<(u64, u64)> {
    let (decided, work) = balance.map_or((split.fraction, None), |(balance, job)| {
        balance.decide(*job, split)
    });
    let fraction = cut_at().unwrap_or(decided);
    let point = source.split_point(fraction);
    // Shown with CLIENTFIT_PHASES.
    let place = match point {
        Some((at, line)) => format!(
            "at {:.1}% (planned {:.1}%), byte {at}, line {line}",
            fraction * 100.0,
            split.fraction * 100.0
        ),
        None => "not cut (no line starts after the place)".to_string(),
    };
    let work = work.map_or(String::new(), |(mine, other)| {
        let part = if split.head { "first" } else { "second" };
        format!("; work read by the {part} part's reader {mine}, by the other {other}")
    });
    crate::phase(&format!("cut {} {place}{work}", path.display()));
    point
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
                    let point = find_cut(&source, &input.path, split, state.balance);
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
    file.tally = state.balance.and_then(|(balance, job)| {
        let done = balance.done.get(*job)?;
        Some(reader::Tally::new(done.clone(), work_per_byte(kind)))
    });
    if let Some(progress) = state.progress {
        // The spinner is on the terminal: a file's name is untrusted text.
        progress.set_message(format!(
            "reading {}",
            crate::safe::terminal(&input.path.display().to_string())
        ));
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
            (skip, options.as_of),
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
fn warnings_of(
    reports: &[FileReport],
    as_of: Option<chrono::NaiveDate>,
    config: &Config,
) -> Vec<String> {
    let ticket_lines = config.tickets.lines;
    let mut warnings = Vec::new();
    for report in reports {
        let name = report.path.display();
        warnings.extend(report.warnings.iter().cloned());
        warnings.extend(report.notes.iter().map(|note| format!("{name}: {note}")));
        if report.kind == Some(Kind::Invoices) {
            warnings.extend(invoice_notes(report, as_of));
        }
        if report.replaced > 0 {
            warnings.push(format!(
                "{name}: {} {} an invoice or ticket id again; the copy in the later file was used",
                report.replaced,
                plural(report.replaced, "row carried", "rows carried")
            ));
        }
        if report.merged_rows > 0 {
            warnings.push(if ticket_lines {
                format!(
                    "{name}: {} rows were time entries of {} ticket(s) (the same ticket id); their minutes were added up ([tickets] lines = true)",
                    report.merged_rows, report.merged_tickets
                )
            } else {
                format!(
                    "{name}: {} rows shared a ticket id and were merged into {} ticket(s), as updates of each: its last row gave its client, minutes, type, tags and priority, its earliest row its created date; if the rows are separate time entries, set `[tickets] lines = true` to add their minutes up",
                    report.merged_rows, report.merged_tickets
                )
            });
        }
        if report.default_minutes_meetings > 0 {
            warnings.push(format!(
                "{name}: {} {} no duration and no end time of day: each was counted as {} minutes (default_meeting_minutes); map a duration, or the times of day of start and end, under [meetings.columns]",
                report.default_minutes_meetings,
                plural(report.default_minutes_meetings, "meeting had", "meetings had"),
                config.default_meeting_minutes
            ));
        }
        if report.merged_client_changes > 0 {
            warnings.push(format!(
                "{name}: {} merged ticket(s) named another client on an earlier row than on their last; the last row's client was used",
                report.merged_client_changes
            ));
        }
        if report.section_rows > 0 {
            warnings.push(format!(
                "{name}: skipped {} section or total {} (no client and no date, or \"Total …\" with no date and no id; `clientfit check` lists them)",
                report.section_rows,
                plural(report.section_rows, "row", "rows")
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
                "{name}: skipped {} bad {} ({}); {} {}{}",
                report.bad_rows.len(),
                plural(report.bad_rows.len() as u64, "row", "rows"),
                summary.join("; "),
                plural(lines.len() as u64, "line", "lines"),
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

/// What an invoices file leaves unknown or set aside, for the warnings of
/// every output and for `check`.
pub fn invoice_notes(report: &FileReport, as_of: Option<chrono::NaiveDate>) -> Vec<String> {
    let name = report.path.display();
    let mut notes = Vec::new();
    if !report.payment_columns && report.rows_read > 0 {
        notes.push(format!(
            "{name}: no column says whether or when its invoices were paid (paid date, paid amount, balance or status), so lateness and receivables cannot be known for them: they are left out of late invoices, overdue and outstanding, and late-payer and seriously-overdue are not judged on them; export one of those columns, or map it under [invoices.columns]"
        ));
    }
    if report.discounts.percent_header {
        notes.push(format!(
            "{name}: its discount column's header says it holds percentages, not money, so discounts are left out of the report; to read them as rates, write them as fractions (0.2 for 20%) and set discount = \"rate\" and discount_applied = \"before\" or \"after\" under [invoices] in clientfit.toml; to read no discounts, map discount = \"\" under [invoices.columns]"
        ));
    } else if report.discounts.look_like_rates() {
        notes.push(format!(
            "{name}: every discount lies between 0 and 1 while the amounts do not: they look like rates (0.2 for 20%), not money, so discounts are left out of the report; if they are rates, set discount = \"rate\" and discount_applied = \"before\" or \"after\" (is the amount before or after the discount?) under [invoices] in clientfit.toml; if they are money, set discount = \"amount\"; to read no discounts, map discount = \"\" under [invoices.columns]"
        ));
    }
    if report.status_after_as_of > 0 {
        let day = as_of.map(|d| d.to_string()).unwrap_or_default();
        notes.push(format!(
            "{name}: {} invoice(s) voided or written off after as-of {day} count as open at as-of: the void or write-off had not happened yet",
            report.status_after_as_of
        ));
    }
    notes
}

/// Refuse combined line-item invoices whose paid amount or balance lies
/// outside 0..amount (single rows are judged as they are read).
fn check_payment_ranges(
    book: &invoices::InvoiceBook,
    reports: &[Option<FileReport>],
) -> Result<(), error::InputError> {
    let line_files: Vec<bool> = reports
        .iter()
        .map(|report| report.as_ref().is_some_and(|r| r.lines))
        .collect();
    if !line_files.contains(&true) {
        return Ok(());
    }
    for invoice in book.iter() {
        let file = invoice.origin.file as usize;
        if !line_files.get(file).copied().unwrap_or(false) {
            continue;
        }
        let Some(problem) = invoices::payment_out_of_range(&invoice) else {
            continue;
        };
        let Some(report) = reports.get(file).and_then(Option::as_ref) else {
            continue;
        };
        let header = report
            .mapping
            .iter()
            .find(|(field, _)| *field == problem.field)
            .map(|(_, header)| header.clone())
            .unwrap_or_default();
        let id = book.id(&invoice).unwrap_or_default();
        return Err(error::InputError::file(
            &report.path,
            format!(
                "invoice {id:?}, its lines added up: {} {}",
                problem.value,
                problem.problem()
            ),
        )
        .at(invoice.origin.line)
        .column(header)
        .hint(problem.hint()));
    }
    Ok(())
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
        fn forget_tickets(&mut self) {
            self.0.push(('g', 0));
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
    fn kinds_are_shared_out_largest_first_to_the_least_loaded() {
        let work = |kind: Kind| match kind {
            Kind::Invoices => 3,
            Kind::Tickets => 7,
            Kind::Meetings => 5,
            Kind::Clients => 0,
        };
        let kinds = [Kind::Invoices, Kind::Tickets, Kind::Meetings];
        // 7 to the first worker, 5 to the second, 3 to the second (5 < 7).
        assert_eq!(
            share_out(&kinds, &work, 2),
            vec![
                (7, vec![Kind::Tickets]),
                (8, vec![Kind::Meetings, Kind::Invoices])
            ]
        );
        // Equal work stays in reading order, and goes to the first of
        // equally loaded workers: 4 to the first, 4 to the second, 4 to
        // the first again.
        let even = |_: Kind| 4;
        assert_eq!(
            share_out(&kinds, &even, 2),
            vec![
                (8, vec![Kind::Invoices, Kind::Meetings]),
                (4, vec![Kind::Tickets])
            ]
        );
        // One worker: everything, largest first (jobs put them back in
        // reading order).
        assert_eq!(
            share_out(&kinds, &work, 1),
            vec![(15, vec![Kind::Tickets, Kind::Meetings, Kind::Invoices])]
        );
    }

    /// Per job, per segment: `(kind, None)` for every file of a kind,
    /// `(kind, Some((fraction, head)))` for a part of one.
    type Shape = Vec<Vec<(Kind, Option<(f64, bool)>)>>;

    /// The plan, as kinds and parts.
    fn shape(jobs: &[Job]) -> Shape {
        jobs.iter()
            .map(|job| {
                job.segments
                    .iter()
                    .map(|s| (s.kind, s.split.map(|split| (split.fraction, split.head))))
                    .collect()
            })
            .collect()
    }

    /// LARGE's shape of plan: the invoices and then the meetings' second
    /// part on one worker, the tickets and then their first part on the
    /// other, cut at `fraction`.
    fn meetings_cut(fraction: f64) -> Shape {
        let (i, t, m) = (Kind::Invoices, Kind::Tickets, Kind::Meetings);
        vec![
            vec![(i, None), (m, Some((fraction, false)))],
            vec![(t, None), (m, Some((fraction, true)))],
        ]
    }

    /// LARGE's files (382 MB of invoices, 661 MB of tickets, 99 MB of
    /// meetings) and the plan for two workers.
    fn large_plan() -> ([(Kind, u64); 3], Vec<Job>) {
        const MB: u64 = 1_000_000;
        let groups = [Kind::Invoices, Kind::Tickets, Kind::Meetings];
        let sizes = [
            (Kind::Invoices, 382 * MB),
            (Kind::Tickets, 661 * MB),
            (Kind::Meetings, 99 * MB),
        ];
        let jobs = plan_jobs_for(&sizes, &groups, 2, 4 * MB);
        (sizes, jobs)
    }

    #[test]
    fn jobs_are_planned_by_work_with_the_cut_that_ends_soonest() {
        const MB: u64 = 1_000_000;
        let groups = [Kind::Invoices, Kind::Tickets, Kind::Meetings];
        let (i, t, m) = (Kind::Invoices, Kind::Tickets, Kind::Meetings);
        // LARGE: 382 MB of invoices, 661 MB of tickets, 99 MB of meetings.
        // Work (in MB × weight): 382 × 162 = 61,884; 661 × 100 = 66,100;
        // 99 × 122 = 12,078. Uncut, the tickets go to one worker, the
        // invoices and then the meetings to the other: 73,962. Cutting the
        // meetings, a first part of h after the tickets and the rest after
        // the invoices: 66,100 + h against 73,962 − h, equal at h = 3,931.
        // In 64ths of 12,078 (188.72 each): 21/64 (3,963.1) ends at 66,100
        // + 3,963.1 = 70,063.1; 20/64 (3,774.4) at 73,962 − 3,774.4 =
        // 70,187.6. The other way round (first part after the invoices)
        // the first part would have to be 8,147 (61,884 + h = 66,100 +
        // 12,078 − h), more than half. The tickets, cut, would have their
        // second part after the invoices (never on the meetings' worker:
        // the meetings are read after the tickets) and their first part
        // on the meetings' worker, before the meetings, at most half:
        // 61,884 + 33,050 = 94,934 at best, later than uncut. 70,063.1 is
        // 5% sooner than 73,962, and both parts go with other kinds (3%
        // needed): cut at 21/64.
        let (_, jobs) = large_plan();
        assert_eq!(shape(&jobs), meetings_cut(21.0 / 64.0));
        let parts = jobs
            .iter()
            .flat_map(|job| &job.segments)
            .filter_map(|s| s.split);
        assert!(parts.clone().count() == 2 && parts.clone().all(|split| split.file == 2));
        // With twice the meetings (198 MB, 24,156): uncut, 61,884 +
        // 24,156 = 86,040 on one worker. Cut, 66,100 + h against 86,040 −
        // h, equal at h = 9,970; 26/64 of 24,156 (9,813.4) ends at 86,040
        // − 9,813.4 = 76,226.6, 27/64 (10,190.8) at 66,100 + 10,190.8 =
        // 76,290.8. Cut at 26/64.
        let sizes = [(i, 382 * MB), (t, 661 * MB), (m, 198 * MB)];
        let jobs = plan_jobs_for(&sizes, &groups, 2, 4 * MB);
        assert_eq!(shape(&jobs), meetings_cut(26.0 / 64.0));
        // Tickets ten times the invoices, no meetings: cut the tickets.
        // Work 60 × 162 = 9,720 and 600 × 100 = 60,000. A first part h
        // after the invoices, the rest on the other worker, alone: 9,720
        // + h against 60,000 − h, equal at h = 25,140; 27/64 of 60,000
        // (25,312.5) ends at 9,720 + 25,312.5 = 35,032.5 (26/64 ends at
        // 60,000 − 24,375 = 35,625, 28/64 at 35,970). 42% sooner: more
        // than the tenth a part read alone needs. The meetings, with
        // nothing to read, are a job of their own.
        let sizes = [(i, 60 * MB), (t, 600 * MB)];
        let jobs = plan_jobs_for(&sizes, &groups, 2, 4 * MB);
        let cut = 27.0 / 64.0;
        assert_eq!(
            shape(&jobs),
            vec![
                vec![(i, None), (t, Some((cut, true)))],
                vec![(t, Some((cut, false)))],
                vec![(m, None)]
            ]
        );
        // Nearly even: 300 MB of tickets (30,000) against 160 MB of
        // invoices (25,920): uncut 30,000. The best cut, a first part of
        // 4/64 (1,875) after the invoices, ends at 30,000 − 1,875 =
        // 28,125: 6% sooner, less than the tenth a part read alone needs.
        let sizes = [(i, 160 * MB), (t, 300 * MB)];
        let jobs = plan_jobs_for(&sizes, &groups, 2, 4 * MB);
        assert_eq!(
            shape(&jobs),
            vec![vec![(i, None)], vec![(t, None)], vec![(m, None)]]
        );
        // Nothing to read is nothing to cut, even when any size may be cut.
        let sizes = [(i, 0), (m, 0)];
        let jobs = plan_jobs_for(&sizes, &groups, 3, 0);
        assert_eq!(
            shape(&jobs),
            vec![vec![(i, None)], vec![(t, None)], vec![(m, None)]]
        );
        // Below the least size to cut, or on one worker, nothing is cut.
        let sizes = [(i, MB), (t, 3 * MB)];
        let jobs = plan_jobs_for(&sizes, &groups, 2, 4 * MB);
        assert_eq!(
            shape(&jobs),
            vec![vec![(i, None)], vec![(t, None)], vec![(m, None)]]
        );
        let sizes = [(i, 60 * MB), (t, 600 * MB)];
        let jobs = plan_jobs_for(&sizes, &groups, 1, 4 * MB);
        assert_eq!(
            shape(&jobs),
            vec![vec![(i, None), (t, None)], vec![(m, None)]]
        );
    }

    #[test]
    fn a_cut_decided_at_run_time_ends_both_readers_together() {
        // Equal rates (2e9 done each), the other with 1e9 left before its
        // part, a file of 3e9: the one arriving takes (1e9 + 3e9) / 2 =
        // 2e9, two thirds of the file: as the first part, a cut at 2/3;
        // as the second, at 1/3. Both then end after 2e9 more work.
        let fraction = |done, other, left, file, head| {
            balanced_fraction(done, other, left, file, head).unwrap()
        };
        assert!(
            (fraction(2e9 as u64, 2e9 as u64, 1e9 as u64, 3e9 as u64, true) - 2.0 / 3.0).abs()
                < 1e-12
        );
        assert!(
            (fraction(2e9 as u64, 2e9 as u64, 1e9 as u64, 3e9 as u64, false) - 1.0 / 3.0).abs()
                < 1e-12
        );
        // Twice as fast (4e9 against 2e9), nothing left for the other: it
        // takes 3e9 × 4/6 = 2e9 (0.5 of its time units) and the other 1e9
        // (also 0.5).
        assert!((fraction(4e9 as u64, 2e9 as u64, 0, 3e9 as u64, true) - 2.0 / 3.0).abs() < 1e-12);
        // So much left for the other that the arriving one would read it
        // all: still a 64th for the other part.
        assert_eq!(
            fraction(4e9 as u64, 2e9 as u64, 1e12 as u64, 3e9 as u64, false),
            1.0 / 64.0
        );
        assert_eq!(
            fraction(4e9 as u64, 2e9 as u64, 1e12 as u64, 3e9 as u64, true),
            63.0 / 64.0
        );
        // Too little read by either to tell a rate: the plan's cut.
        let little = 16 * 1024 * 1024 * 100 - 1;
        assert_eq!(
            balanced_fraction(little, 4e9 as u64, 0, 3e9 as u64, true),
            None
        );
        assert_eq!(
            balanced_fraction(4e9 as u64, little, 0, 3e9 as u64, true),
            None
        );
        assert_eq!(balanced_fraction(4e9 as u64, 4e9 as u64, 0, 0, true), None);
    }

    /// `Balance::for_jobs` for files of these kinds and sizes in bytes:
    /// each whole kind's work, and each file's.
    fn balance_for(jobs: &[Job], sizes: &[(Kind, u64)]) -> Balance {
        let kind_work = |kind: Kind| {
            sizes
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(k, bytes)| work(*k, *bytes))
                .sum::<u64>()
        };
        Balance::for_jobs(jobs, &|segment| kind_work(segment.kind), &|file| {
            sizes.get(file).map_or(0, |(k, bytes)| work(*k, *bytes))
        })
    }

    #[test]
    fn the_jobs_that_read_a_cut_file_last_balance_it() {
        const MB: u64 = 1_000_000;
        let (i, t, m) = (Kind::Invoices, Kind::Tickets, Kind::Meetings);
        let (sizes, jobs) = large_plan();
        assert_eq!(shape(&jobs), meetings_cut(21.0 / 64.0));
        let balance = balance_for(&jobs, &sizes);
        // The invoices' job reads the second part, the tickets' the first;
        // before them, 382 MB × 162 and 661 MB × 100; the meetings' work
        // is 99 MB × 122.
        let cut = balance.cut.unwrap();
        assert_eq!((cut.tail_job, cut.head_job), (0, 1));
        assert_eq!(
            (cut.tail_before, cut.head_before),
            (61_884 * MB, 66_100 * MB)
        );
        assert_eq!(cut.file_work, 12_078 * MB);
        // The invoices' job arrives first, all 61,884 done, with the
        // tickets' at 56,100 (100 MB of tickets, 10,000, left). It takes
        // (10,000 + 12,078) × 61,884 / (61,884 + 56,100) = 11,580.17 of
        // the meetings' 12,078, 95.88%: the cut at 4.12%. Each then ends
        // 0.18713 of the time so far later (11,580.17 / 61,884 and
        // (22,078 − 11,580.17) / 56,100).
        let store = |job: usize, done: u64| {
            balance.done[job].store(done, std::sync::atomic::Ordering::Relaxed)
        };
        store(0, 61_884 * MB);
        store(1, 56_100 * MB);
        let decide = |job, head| {
            balance.decide(
                job,
                Split {
                    file: 2,
                    fraction: 0.3,
                    head,
                },
            )
        };
        let (fraction, read) = decide(0, false);
        assert!((fraction - 0.041_217_794).abs() < 1e-9, "{fraction}");
        assert_eq!(read, Some((61_884 * MB, 56_100 * MB)));
        // The tickets' job arriving first instead, with the invoices' at
        // 50,000 of 61,884 (11,884 left): it takes (11,884 + 12,078) ×
        // 66,100 / (66,100 + 50,000) = 13,642.45, 112.95% of the file:
        // all but a 64th.
        store(0, 50_000 * MB);
        store(1, 66_100 * MB);
        assert_eq!(
            decide(1, true),
            (63.0 / 64.0, Some((66_100 * MB, 50_000 * MB)))
        );
        // Asked for the other part than its own, a job keeps the plan.
        assert_eq!(decide(0, true), (0.3, None));
        assert_eq!(decide(1, false), (0.3, None));
        // A part read before other kinds: nothing to balance by.
        let sizes = [(i, 60 * MB), (t, 600 * MB), (m, 100 * MB)];
        let jobs = vec![
            Job {
                segments: vec![
                    Segment {
                        kind: t,
                        split: Some(Split {
                            file: 1,
                            fraction: 0.25,
                            head: true,
                        }),
                    },
                    Segment {
                        kind: m,
                        split: None,
                    },
                ],
            },
            Job {
                segments: vec![
                    Segment {
                        kind: i,
                        split: None,
                    },
                    Segment {
                        kind: t,
                        split: Some(Split {
                            file: 1,
                            fraction: 0.25,
                            head: false,
                        }),
                    },
                ],
            },
        ];
        let balance = balance_for(&jobs, &sizes);
        assert!(balance.cut.is_none());
        let first_part = Split {
            file: 1,
            fraction: 0.25,
            head: true,
        };
        assert_eq!(balance.decide(0, first_part), (0.25, None));
    }

    #[test]
    fn each_job_tells_the_others_the_work_it_has_read() {
        use std::fmt::Write as _;
        let dir = tempfile::tempdir().unwrap();
        let mut invoices = String::from("invoice_id,client,issued,due,paid,amount\n");
        let mut tickets = String::from("ticket_id,client,created,minutes\n");
        let mut meetings = String::from("client,date,minutes,status,attendees\n");
        for i in 0..5000 {
            writeln!(
                invoices,
                "INV-{i},Client {},2026-01-05,2026-02-04,,{i}.50",
                i % 40
            )
            .unwrap();
            writeln!(
                tickets,
                "T-{i},Client {},2026-01-0{},{}",
                i % 40,
                1 + i % 9,
                i % 90
            )
            .unwrap();
            writeln!(
                meetings,
                "Client {},2026-01-10 14:00,45,attended,{}",
                i % 40,
                1 + i % 3
            )
            .unwrap();
        }
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let files = vec![
            InputFile {
                path: write("invoices.csv", &invoices),
                kind: Kind::Invoices,
                kind_from: "file name",
            },
            InputFile {
                path: write("tickets.csv", &tickets),
                kind: Kind::Tickets,
                kind_from: "file name",
            },
            InputFile {
                path: write("meetings.csv", &meetings),
                kind: Kind::Meetings,
                kind_from: "file name",
            },
        ];
        let config = Config::default();
        let markers = tickets::MarkerSet::new(&config.markers);
        let ticket_ids = hashbrown::DefaultHashBuilder::default();
        let reader = GroupReader {
            ticket_ids: &ticket_ids,
            files: &files,
            config: &config,
            delimiter: None,
            options: IngestOptions::default(),
            markers: &markers,
            progress: None,
            split_source: std::sync::OnceLock::new(),
            verify_utf8: true,
        };
        // As the plan would have it: the invoices and the second half of
        // the meetings on one worker, the tickets and the first half on
        // the other.
        let part = |head| {
            Some(Split {
                file: 2,
                fraction: 0.5,
                head,
            })
        };
        let jobs = vec![
            Job {
                segments: vec![
                    Segment {
                        kind: Kind::Invoices,
                        split: None,
                    },
                    Segment {
                        kind: Kind::Meetings,
                        split: part(false),
                    },
                ],
            },
            Job {
                segments: vec![
                    Segment {
                        kind: Kind::Tickets,
                        split: None,
                    },
                    Segment {
                        kind: Kind::Meetings,
                        split: part(true),
                    },
                ],
            },
        ];
        let forks = || vec![Recorder::default(), Recorder::default()];
        let registry = Registry::new(&config.clients.legal_forms);
        let done = run_jobs(&reader, &jobs, vec![forks(), forks()], &registry, 2);
        assert!(done.iter().all(|job| job.failed.is_none()));
        // Far too little read to go by: cut where planned, at the first
        // line that starts half way through the meetings or after.
        let source = Source::open(&files[2].path, source::EncodingSetting::Auto, None).unwrap();
        let (cut, _) = source.split_point(0.5).unwrap();
        let (i, t, m) = (
            invoices.len() as u64,
            tickets.len() as u64,
            meetings.len() as u64,
        );
        // Each job's whole files (every byte, the header's too) at their
        // kind's work per byte, and its part of the meetings at 122.
        assert_eq!(done[0].work_read, i * 162 + (m - cut) * 122);
        assert_eq!(done[1].work_read, t * 100 + cut * 122);
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
