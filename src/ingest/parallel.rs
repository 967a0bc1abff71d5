//! Reading on several threads: every file cut into chunks at record
//! boundaries (`chunks`), the chunks read by a pool of threads, and what
//! they read merged in file-and-chunk order.
//!
//! Merging in that order is what keeps the result that of one thread:
//! client ids are given in the order clients are first met, a client's
//! name is its first spelling, file reports list their skipped rows in
//! line order. While reading, every chunk's reader takes ids from one
//! shared table (`identity::SharedIds`: each spelling normalised once,
//! whichever reader meets it first) and notes the clients it meets in
//! its own order; at the end those lists, in chunk order, settle each
//! client's id and name as one reader would have (`Registry::settle`).
//! Totals are sums, which do not depend on order: each thread adds every
//! chunk it reads to one total of its own, and the threads' totals are
//! added up at the end.
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

use super::columns::Kind;
use super::identity::{Met, Registry, SharedIds};
use super::reader::{CsvFile, FileReport, Part};
use super::source::Source;
use super::{FilePart, Group, GroupReader, Sink, chunks, discover, invoices, repeats, tickets};
use crate::model::ClientId;

/// How many threads read the files: one per core.
pub(crate) fn reading_threads(config: &crate::config::Config) -> usize {
    // The tuning sets it, from 1 to 16 (tests use it, to compare reading
    // on one thread with reading on several on any machine); anything
    // else is ignored.
    config
        .tuning
        .reading_threads
        .filter(|threads| (1..=16).contains(threads))
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// Chunks per thread: enough that a thread that finishes early finds
/// work left, few enough that what each chunk builds for itself (the
/// list of clients it meets with their spellings, its file report, the
/// opening of its file) stays a small cost.
const CHUNKS_PER_THREAD: u64 = 2;
const MIN_CHUNK_BYTES: u64 = 4 * 1024 * 1024;

/// The chunk size: the tuning's (tests use it, to cut small files into
/// many chunks), else the input shared out.
fn chunk_bytes(tuned: Option<u64>, total: u64, threads: usize) -> u64 {
    if let Some(bytes) = tuned.filter(|bytes| *bytes > 0) {
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
    /// One file, or one chunk of it (`chunk`: the file's cutting and
    /// which chunk), with what its chunks share.
    File {
        index: usize,
        chunk: Option<(std::sync::Arc<chunks::Cutting>, usize)>,
        settled: Option<std::sync::Arc<std::sync::OnceLock<super::reader::Settled>>>,
    },
}

/// What one or more neighbouring pieces read, totals aside.
struct Partial {
    book: invoices::InvoiceBook,
    /// Per file read, in reading order: its report (the chunks of a file
    /// merged into one).
    reports: Vec<(usize, FileReport)>,
    /// The clients met beyond those of clients.csv, in reading order,
    /// each once (`met_ids`: those in it, a bit per id).
    met: Vec<Met>,
    met_ids: Vec<u64>,
    /// Kinds found to carry an id on more than one row.
    repeated: Vec<Kind>,
    ticket_ids: repeats::SeenIds,
    /// The last piece was a chunk with a cut after it: whether its last
    /// record ended there.
    ended_at_cut: Option<bool>,
    /// Something one thread reads otherwise (see the module comment).
    read_again: bool,
}

/// What reading on several threads gives: as `GroupReader::read` on one.
pub(crate) struct Read<S> {
    pub(crate) registry: Registry,
    /// The totals of every chunk; client `i` here is `ids[i]` in `registry`.
    pub(crate) totals: S,
    pub(crate) ids: Vec<ClientId>,
    pub(crate) book: invoices::InvoiceBook,
    /// Per file read, in input order of the kinds: its report (client ids
    /// settled).
    pub(crate) reports: Vec<(usize, FileReport)>,
}

/// Read the invoice, ticket, meeting and time files on `threads` threads; `None`
/// when they must be read on one thread instead. `registry` holds the
/// clients of `clients.csv`.
pub(crate) fn read<S: Sink + Send>(
    reader: &GroupReader,
    registry: &Registry,
    sink: &S,
    threads: usize,
) -> anyhow::Result<Option<Read<S>>> {
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
    let shared = std::sync::Arc::new(SharedIds::new(registry));
    let plan = plan(&reader, threads, &whole);
    crate::trace::phase("cut into chunks");
    let mut read = run(&reader, &pool, &plan, &shared, sink);
    crate::trace::phase("read in chunks");
    // Ids on more than one row: read those kinds whole, and the rest again.
    if let Some((partial, _)) = read.as_mut().filter(|(partial, _)| !partial.read_again)
        && !partial.repeated.is_empty()
    {
        whole.append(&mut partial.repeated);
        drop(read.take());
        let plan = self::plan(&reader, threads, &whole);
        read = run(&reader, &pool, &plan, &shared, sink);
        crate::trace::phase("read again, kinds with repeated ids whole");
    }
    let Some((mut partial, totals)) = read.filter(|(partial, _)| !partial.read_again) else {
        return Ok(None);
    };
    if !partial.repeated.is_empty() || partial.book.take_deferred().is_some() {
        return Ok(None);
    }
    let mut registry = registry.clone();
    let ids = registry.settle(&shared, partial.met);
    partial.book.map_clients(&ids);
    for (_, report) in &mut partial.reports {
        report.clients = report.clients.mapped(&ids);
    }
    Ok(Some(Read {
        registry,
        totals,
        ids,
        book: partial.book,
        reports: partial.reports,
    }))
}

/// The pieces to read, in reading order: invoices, tickets, meetings,
/// time entries,
/// each kind's files in input order; kinds in `whole` as one piece, the
/// other files cut into chunks.
fn plan(reader: &GroupReader, threads: usize, whole: &[Kind]) -> Vec<Piece> {
    let kinds = [Kind::Invoices, Kind::Tickets, Kind::Meetings, Kind::Time];
    let total: u64 = reader
        .files
        .iter()
        .filter(|file| kinds.contains(&file.kind))
        .filter_map(|file| std::fs::metadata(&file.path).ok())
        .map(|metadata| metadata.len())
        .sum();
    let chunk_bytes = chunk_bytes(reader.config.tuning.chunk_bytes, total, threads);
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
            match cut(reader, index, chunk_bytes) {
                Some(cutting) => {
                    let cutting = std::sync::Arc::new(cutting);
                    let settled = Some(std::sync::Arc::new(std::sync::OnceLock::new()));
                    pieces.extend((0..cutting.chunks()).map(|chunk| Piece::File {
                        index,
                        chunk: Some((cutting.clone(), chunk)),
                        settled: settled.clone(),
                    }));
                }
                None => pieces.push(Piece::File {
                    index,
                    chunk: None,
                    settled: None,
                }),
            }
        }
    }
    pieces
}

/// How a file is cut into chunks, unless it is read whole: it is not a
/// regular UTF-8 file larger than a chunk.
fn cut(reader: &GroupReader, index: usize, chunk_bytes: u64) -> Option<chunks::Cutting> {
    let input = reader.files.get(index)?;
    let source = Source::open_unverified(
        &input.path,
        reader.config.encoding,
        reader.delimiter,
        super::source::in_memory_limit(reader.config),
    )
    .ok()?;
    let size = source.size_if_cuttable()?;
    if size <= chunk_bytes {
        return None;
    }
    // Chunks of one size for the file, rather than a short one at its end.
    let chunk_bytes = size
        .checked_div(size.div_ceil(chunk_bytes))
        .unwrap_or(chunk_bytes);
    let mapping = discover::mapping_for(reader.config, input.kind);
    let file = CsvFile::open(&source, reader.config.decimal, |headers| {
        super::columns::satisfies(input.kind, headers, mapping)
    })
    .ok()?;
    chunks::Cutting::new(
        &input.path,
        source.text_start(),
        file.data_start(),
        size,
        chunk_bytes,
    )
}

/// Read the pieces on the pool: what they read merged in order as they
/// finish, and their totals added up.
fn run<S: Sink + Send>(
    reader: &GroupReader,
    pool: &rayon::ThreadPool,
    plan: &[Piece],
    shared: &std::sync::Arc<SharedIds>,
    sink: &S,
) -> Option<(Partial, S)> {
    // One total per thread, kept from chunk to chunk (sums, added in any
    // order), and added up at the end.
    let totals: Vec<std::sync::Mutex<S>> = (0..pool.current_num_threads())
        .map(|_| sink.fork().map(std::sync::Mutex::new))
        .collect::<Option<_>>()?;
    let own_totals: Vec<Option<S>> = plan
        .iter()
        .map(|piece| match piece {
            Piece::Kind(_) => sink.fork(),
            Piece::File { .. } => None,
        })
        .collect();
    let kinds: Vec<Option<Kind>> = plan.iter().map(|piece| piece.kind(reader)).collect();
    let (sender, finished) = std::sync::mpsc::channel::<(usize, Partial)>();
    let mut merged: Option<Partial> = None;
    pool.in_place_scope_fifo(|scope| {
        // Spawned in order and taken in order: pieces finish about in
        // order, and few wait to be merged.
        for (index, (piece, own)) in plan.iter().zip(own_totals).enumerate() {
            let (sender, totals) = (sender.clone(), &totals);
            scope.spawn_fifo(move |_| {
                let thread = rayon::current_thread_index().and_then(|at| totals.get(at));
                let partial = match (thread.map(|total| total.lock()), piece) {
                    // A chunk only adds to the totals.
                    (Some(Ok(mut total)), Piece::File { .. }) => {
                        read_piece(reader, piece, Registry::sharing(shared), &mut *total)
                    }
                    // Reading a kind whole may forget what it read so far
                    // (and read it again): into totals of its own.
                    (Some(Ok(mut total)), Piece::Kind(_)) => match own {
                        Some(mut fork) => {
                            let partial =
                                read_piece(reader, piece, Registry::sharing(shared), &mut fork);
                            let ids: Vec<ClientId> =
                                (0..shared.len() as u32).map(ClientId).collect();
                            total.absorb(fork, &ids);
                            partial
                        }
                        None => Partial::failed(),
                    },
                    _ => Partial::failed(),
                };
                let _ = sender.send((index, partial));
            });
        }
        drop(sender);
        let mut waiting = std::collections::BTreeMap::new();
        let mut next = 0usize;
        for (index, partial) in finished.iter() {
            waiting.insert(index, partial);
            while let Some(partial) = waiting.remove(&next) {
                let mut done = match merged.take() {
                    Some(earlier) => merge(earlier, partial),
                    None => partial,
                };
                next = next.saturating_add(1);
                // The last piece of a kind: its ids are all in, and their
                // hashes need not wait for the other kinds.
                let kind = kinds.get(next.saturating_sub(1)).copied().flatten();
                if kind != kinds.get(next).copied().flatten() {
                    done.judge_repeats(kind);
                }
                merged = Some(done);
            }
        }
    });
    let mut threads = totals
        .into_iter()
        .filter_map(|total| total.into_inner().ok());
    let mut all = threads.next()?;
    let ids: Vec<ClientId> = (0..shared.len() as u32).map(ClientId).collect();
    for total in threads {
        all.absorb(total, &ids);
    }
    Some((merged?, all))
}

impl Piece {
    fn kind(&self, reader: &GroupReader) -> Option<Kind> {
        match self {
            Piece::Kind(kind) => Some(*kind),
            Piece::File { index, .. } => reader.files.get(*index).map(|file| file.kind),
        }
    }
}

impl Partial {
    /// A piece that could not be read here: read everything on one thread.
    fn failed() -> Partial {
        Partial {
            book: invoices::InvoiceBook::default(),
            reports: Vec::new(),
            met: Vec::new(),
            met_ids: Vec::new(),
            repeated: Vec::new(),
            ticket_ids: repeats::SeenIds::default(),
            ended_at_cut: None,
            read_again: true,
        }
    }

    /// Every piece of `kind` is merged: whether its ids repeat, and the
    /// hashes freed.
    fn judge_repeats(&mut self, kind: Option<Kind>) {
        let repeated = match kind {
            Some(Kind::Invoices) => self.book.repeated_ids().is_some(),
            Some(Kind::Tickets) => !std::mem::take(&mut self.ticket_ids).repeated().is_empty(),
            _ => false,
        };
        if let (true, Some(kind)) = (repeated, kind) {
            self.repeated.push(kind);
        }
    }
}

/// Read one piece with ids from the shared table.
fn read_piece<S: Sink>(
    reader: &GroupReader,
    piece: &Piece,
    registry: Registry,
    fork: &mut S,
) -> Partial {
    let mut group = Group {
        registry,
        book: invoices::InvoiceBook::default(),
        reports: vec![None; reader.files.len()],
    };
    let partial = |group: Group,
                   read_again: bool,
                   ended_at_cut: Option<bool>,
                   ticket_ids: repeats::SeenIds| {
        let Group {
            mut registry,
            book,
            reports,
        } = group;
        Partial {
            book,
            reports: reports
                .into_iter()
                .enumerate()
                .filter_map(|(index, report)| Some((index, report?)))
                .collect(),
            met: registry.take_met(),
            met_ids: Vec::new(),
            repeated: Vec::new(),
            ticket_ids,
            ended_at_cut,
            read_again,
        }
    };
    match piece {
        Piece::Kind(kind) => {
            let result = reader.read_into(&[*kind], &mut group, Some(fork));
            partial(group, result.is_err(), None, repeats::SeenIds::default())
        }
        Piece::File {
            index,
            chunk,
            settled,
        } => {
            let part = match chunk {
                None => FilePart::default(),
                Some((cutting, chunk)) => match cutting.part(*chunk) {
                    Some((start, to)) => FilePart {
                        part: Some(Part {
                            from: match start {
                                chunks::Start::Header => None,
                                chunks::Start::At(cut) => Some(cut),
                            },
                            to,
                        }),
                        settled: settled.clone(),
                    },
                    // Nothing to read: a record ran past the chunk.
                    None => return partial(group, false, None, repeats::SeenIds::default()),
                },
            };
            let part = &part;
            let kind = reader.files.get(*index).map(|file| file.kind);
            let mut seen = match kind {
                Some(Kind::Tickets) => tickets::SeenTickets::collecting(reader.ticket_ids.clone()),
                _ => tickets::SeenTickets::default(),
            };
            if kind == Some(Kind::Invoices) {
                group.book.stream_with(reader.ticket_ids.clone());
            }
            let (report, result) = reader.read_file(*index, &mut group, &mut seen, fork, part);
            if let Some(slot) = group.reports.get_mut(*index) {
                *slot = Some(report);
            }
            let ended_at_cut = part
                .part
                .and_then(|part| part.to)
                .map(|_| matches!(result, Ok(true)));
            if let (Some(kind), Some(part)) = (kind, part.part) {
                crate::trace::phase(&format!(
                    "read a chunk of {} from line {}",
                    kind.name(),
                    part.from.map_or(1, |cut| cut.line)
                ));
            }
            partial(group, result.is_err(), ended_at_cut, seen.take_ids())
        }
    }
}

/// Set the bit of `id`; whether it was clear.
fn mark(bits: &mut Vec<u64>, id: ClientId) -> bool {
    let (word, bit) = (id.index() / 64, id.index() % 64);
    if bits.len() <= word {
        bits.resize(word.saturating_add(1), 0);
    }
    match bits.get_mut(word) {
        Some(slot) if *slot & (1 << bit) == 0 => {
            *slot |= 1 << bit;
            true
        }
        _ => false,
    }
}

/// What `first` and then `second`, the pieces right after it, read: as
/// if one reader had read both.
fn merge(mut first: Partial, second: Partial) -> Partial {
    if first.read_again || second.read_again || first.ended_at_cut == Some(false) {
        first.read_again = true;
        return first;
    }
    // Only one reader keeps invoices, in order: that of the invoices read
    // whole, which comes first.
    if !first.book.absorb(second.book) {
        first.read_again = true;
        return first;
    }
    // A client met in both pieces is placed where the first met it: its
    // name too, as only one piece reads files newest first (several
    // ticket files), so no later piece can name it from an earlier row.
    if first.met_ids.is_empty() {
        for met in &first.met {
            mark(&mut first.met_ids, met.id);
        }
    }
    for met in second.met {
        if mark(&mut first.met_ids, met.id) {
            first.met.push(met);
        }
    }
    first.repeated.extend(second.repeated);
    for (index, report) in second.reports {
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
