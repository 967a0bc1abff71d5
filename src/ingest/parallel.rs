//! Reading on several threads: every file cut into chunks at record
//! boundaries (`chunks`), the chunks read by a pool of threads, each into
//! partial totals of its own, merged in file-and-chunk order.
//!
//! Merging in that order is what keeps the result that of one thread:
//! client ids are given in the order clients are first met, a client's
//! name is its first spelling, file reports list their skipped rows in
//! line order. A chunk's reader starts from the clients of `clients.csv`
//! and meets the rest in its own order; merging two neighbouring chunks
//! takes the second one's new clients into the first one's registry,
//! which is exactly what reading them one after the other would do.
//!
//! Some rules join rows far apart, and a chunk cannot apply them alone:
//! rows of one file that share a ticket id, invoice rows that share an id
//! (lines, or a later export replacing an earlier one), several ticket
//! files (the newest copy of a ticket wins). Those kinds are read whole,
//! the files of one kind one after the other on one thread, as
//! `GroupReader::read_into` does, while the other kinds' chunks go on in
//! parallel: for several ticket files or stored invoices from the start,
//! for repeated ids once the merged id hashes show them. Anything else
//! that one thread would have stopped at or read otherwise (an error, a
//! file that is not UTF-8, a cut that fell inside a quoted cell because
//! the file's quotes do not pair up) makes `read` return `None`, and the
//! caller reads everything again on one thread.

use rayon::prelude::*;

use super::columns::Kind;
use super::identity::{ClientId, Registry};
use super::reader::{CsvFile, FileReport, Part};
use super::source::Source;
use super::{FilePart, Group, GroupReader, Sink, chunks, discover, invoices, repeats, tickets};

/// How many threads read the files: one per core.
pub fn reading_threads() -> usize {
    // CLIENTFIT_READING_THREADS sets it, from 1 to 16 (tests use it, to
    // compare reading on one thread with reading on several on any
    // machine); anything else is ignored.
    std::env::var("CLIENTFIT_READING_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|threads| (1..=16).contains(threads))
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// Chunks per thread: enough that a thread that finishes early finds
/// work left, few enough that what each chunk builds for itself (a
/// registry of the clients it meets, their names normalised once per
/// chunk, and totals for each) stays a small cost.
const CHUNKS_PER_THREAD: u64 = 2;
const MIN_CHUNK_BYTES: u64 = 4 * 1024 * 1024;

/// The chunk size: CLIENTFIT_CHUNK_BYTES (tests use it, to cut small
/// files into many chunks), else the input shared out.
fn chunk_bytes(total: u64, threads: usize) -> u64 {
    if let Some(bytes) = std::env::var("CLIENTFIT_CHUNK_BYTES")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|bytes| *bytes > 0)
    {
        return bytes;
    }
    let chunks = (threads as u64).saturating_mul(CHUNKS_PER_THREAD).max(1);
    total
        .checked_div(chunks)
        .unwrap_or(total)
        .max(MIN_CHUNK_BYTES)
}

/// One unit of work for a reading thread.
enum Piece {
    /// Every file of a kind, one after the other (their rows depend on
    /// each other).
    Kind(Kind),
    /// One file, or one chunk of it.
    File { index: usize, part: FilePart },
}

/// What one or more neighbouring pieces read.
pub struct Partial<S> {
    pub registry: Registry,
    pub fork: S,
    pub book: invoices::InvoiceBook,
    /// Per file read, in reading order: its report (the chunks of a file
    /// merged into one).
    pub reports: Vec<(usize, FileReport)>,
    ticket_ids: repeats::IdHashes,
    /// The last piece was a chunk with a cut after it: whether its last
    /// record ended there.
    ended_at_cut: Option<bool>,
    /// Something one thread reads otherwise (see the module comment).
    read_again: bool,
}

/// Read the invoice, ticket and meeting files on `threads` threads into
/// partial totals, merged in reading order; `None` when they must be read
/// on one thread instead. `registry` holds the clients of `clients.csv`.
pub fn read<S: Sink + Send>(
    reader: &GroupReader,
    registry: &Registry,
    sink: &S,
    threads: usize,
) -> anyhow::Result<Option<Partial<S>>> {
    if sink.fork().is_none() {
        return Ok(None);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    // Files are opened without a pass of their own to check that they are
    // UTF-8: the scanner checks every byte it reads, and a file that is
    // not fails, which reads everything again with that check.
    let reader = reader.with_utf8_check(false);
    let mut whole: Vec<Kind> = Vec::new();
    if !reader.options.stream_invoices {
        // Every invoice is kept: the book is filled in order by one reader.
        whole.push(Kind::Invoices);
    }
    if reader
        .files
        .iter()
        .filter(|f| f.kind == Kind::Tickets)
        .count()
        > 1
    {
        whole.push(Kind::Tickets);
    }
    let plan = pool.install(|| plan(&reader, threads, &whole));
    let mut read = run(&reader, &pool, &plan, registry, sink);
    crate::phase("read in chunks");
    // Ids on more than one row: read those kinds whole, and the rest again.
    let repeated = |read: &mut Partial<S>| -> Vec<Kind> {
        let mut kinds = Vec::new();
        if read.book.repeated_ids().is_some() {
            kinds.push(Kind::Invoices);
        }
        if !std::mem::take(&mut read.ticket_ids).repeated().is_empty() {
            kinds.push(Kind::Tickets);
        }
        kinds
    };
    if let Some(first) = read.as_mut().filter(|read| !read.read_again) {
        let more = repeated(first);
        if !more.is_empty() {
            drop(read.take());
            whole.extend(more);
            let plan = pool.install(|| self::plan(&reader, threads, &whole));
            read = run(&reader, &pool, &plan, registry, sink);
            crate::phase("read again, kinds with repeated ids whole");
        }
    }
    let Some(mut read) = read.filter(|read| !read.read_again) else {
        return Ok(None);
    };
    if read.book.is_collecting() && read.book.repeated_ids().is_some() {
        return Ok(None);
    }
    if read.book.take_deferred().is_some() {
        return Ok(None);
    }
    Ok(Some(read))
}

/// The pieces to read, in reading order: invoices, tickets, meetings,
/// each kind's files in input order; kinds in `whole` as one piece, the
/// other files cut into chunks.
fn plan(reader: &GroupReader, threads: usize, whole: &[Kind]) -> Vec<Piece> {
    let kinds = [Kind::Invoices, Kind::Tickets, Kind::Meetings];
    let total: u64 = reader
        .files
        .iter()
        .filter(|file| kinds.contains(&file.kind))
        .filter_map(|file| std::fs::metadata(&file.path).ok())
        .map(|metadata| metadata.len())
        .sum();
    let chunk_bytes = chunk_bytes(total, threads);
    let mut pieces = Vec::new();
    for kind in kinds {
        let of_kind = reader
            .files
            .iter()
            .enumerate()
            .filter(|(_, file)| file.kind == kind);
        if whole.contains(&kind) {
            if of_kind.count() > 0 {
                pieces.push(Piece::Kind(kind));
            }
            continue;
        }
        for (index, _) in of_kind {
            let parts = cut(reader, index, chunk_bytes);
            pieces.extend(parts.into_iter().map(|part| Piece::File { index, part }));
        }
    }
    pieces
}

/// The chunks of a file: one for the whole file unless it is a regular
/// UTF-8 file larger than a chunk.
fn cut(reader: &GroupReader, index: usize, chunk_bytes: u64) -> Vec<FilePart> {
    let whole = vec![FilePart::default()];
    let Some(input) = reader.files.get(index) else {
        return whole;
    };
    let Ok(source) = Source::open_unverified(&input.path, reader.config.encoding, reader.delimiter)
    else {
        return whole;
    };
    let Some(size) = source.size_if_cuttable() else {
        return whole;
    };
    if size <= chunk_bytes {
        return whole;
    }
    // Chunks of one size for the file, rather than a short one at its end.
    let chunk_bytes = size
        .checked_div(size.div_ceil(chunk_bytes))
        .unwrap_or(chunk_bytes);
    let mapping = discover::mapping_for(reader.config, input.kind);
    let Ok(file) = CsvFile::open(&source, reader.config.decimal, |headers| {
        super::columns::satisfies(input.kind, headers, mapping)
    }) else {
        return whole;
    };
    let Ok(cuts) = chunks::find(
        &input.path,
        source.text_start(),
        file.data_start(),
        size,
        chunk_bytes,
    ) else {
        return whole;
    };
    if cuts.is_empty() {
        return whole;
    }
    let settled = Some(std::sync::Arc::new(std::sync::OnceLock::new()));
    let mut parts = Vec::with_capacity(cuts.len().saturating_add(1));
    let mut from = None;
    for cut in cuts.iter().copied().map(Some).chain([None]) {
        parts.push(FilePart {
            part: Some(Part {
                from,
                to: cut.map(|cut| cut.at),
            }),
            settled: settled.clone(),
        });
        from = cut;
    }
    parts
}

/// Read the pieces on the pool and merge what they read, in order.
fn run<S: Sink + Send>(
    reader: &GroupReader,
    pool: &rayon::ThreadPool,
    plan: &[Piece],
    registry: &Registry,
    sink: &S,
) -> Option<Partial<S>> {
    let forks: Vec<S> = plan.iter().map(|_| sink.fork()).collect::<Option<_>>()?;
    let base = registry.len();
    pool.install(|| {
        plan.par_iter()
            .zip(forks)
            .map(|(piece, fork)| read_piece(reader, piece, registry.clone(), fork))
            .reduce_with(|first, second| merge(first, second, base))
    })
}

/// Read one piece, starting from the clients of `clients.csv`.
fn read_piece<S: Sink>(
    reader: &GroupReader,
    piece: &Piece,
    registry: Registry,
    mut fork: S,
) -> Partial<S> {
    let mut group = Group {
        registry,
        book: invoices::InvoiceBook::default(),
        reports: vec![None; reader.files.len()],
    };
    let partial = |group: Group,
                   fork: S,
                   read_again: bool,
                   ended_at_cut: Option<bool>,
                   ticket_ids: repeats::IdHashes| {
        let Group {
            registry,
            book,
            reports,
        } = group;
        Partial {
            registry,
            fork,
            book,
            reports: reports
                .into_iter()
                .enumerate()
                .filter_map(|(index, report)| Some((index, report?)))
                .collect(),
            ticket_ids,
            ended_at_cut,
            read_again,
        }
    };
    match piece {
        Piece::Kind(kind) => {
            let result = reader.read_into(&[*kind], &mut group, Some(&mut fork));
            partial(
                group,
                fork,
                result.is_err(),
                None,
                repeats::IdHashes::default(),
            )
        }
        Piece::File { index, part } => {
            let kind = reader.files.get(*index).map(|file| file.kind);
            let mut seen = match kind {
                Some(Kind::Tickets) => tickets::SeenTickets::collecting(reader.ticket_ids.clone()),
                _ => tickets::SeenTickets::default(),
            };
            if kind == Some(Kind::Invoices) {
                group.book.stream_with(reader.ticket_ids.clone());
            }
            let (report, result) = reader.read_file(*index, &mut group, &mut seen, &mut fork, part);
            if let Some(slot) = group.reports.get_mut(*index) {
                *slot = Some(report);
            }
            let ended_at_cut = part
                .part
                .and_then(|part| part.to)
                .map(|_| matches!(result, Ok(true)));
            if let (Some(kind), Some(part)) = (kind, part.part) {
                crate::phase(&format!(
                    "read a chunk of {} from line {}",
                    kind.name(),
                    part.from.map_or(1, |cut| cut.line)
                ));
            }
            partial(
                group,
                fork,
                result.is_err(),
                ended_at_cut,
                seen.take_hashes(),
            )
        }
    }
}

/// What `first` and then `second`, the pieces right after it, read: as
/// if one reader had read both. Both registries started with the same
/// `base` clients (those of clients.csv).
fn merge<S: Sink>(mut first: Partial<S>, second: Partial<S>, base: usize) -> Partial<S> {
    if first.read_again || second.read_again || first.ended_at_cut == Some(false) {
        first.read_again = true;
        return first;
    }
    // The second's clients after the base are taken in, in the order it
    // met them.
    let mut ids: Vec<ClientId> = (0..base as u32).map(ClientId).collect();
    ids.extend(
        second
            .registry
            .clients()
            .iter()
            .skip(base)
            .map(|info| first.registry.absorb_one(info)),
    );
    let identity = ids
        .iter()
        .enumerate()
        .all(|(index, id)| id.index() == index);
    // Only the first piece keeps invoices (its ids are final); ids in any
    // later book would need mapping.
    if !second.book.is_empty() && !identity {
        first.read_again = true;
        return first;
    }
    if !first.book.absorb(second.book) {
        first.read_again = true;
        return first;
    }
    first.fork.absorb(second.fork, &ids);
    for (index, mut report) in second.reports {
        report.clients = report.clients.mapped(&ids);
        match first.reports.last_mut() {
            // The next chunk of the same file.
            Some((last, earlier)) if *last == index => earlier.absorb_part(report),
            _ => first.reports.push((index, report)),
        }
    }
    first.ticket_ids.absorb(second.ticket_ids);
    first.ended_at_cut = second.ended_at_cut;
    first
}
