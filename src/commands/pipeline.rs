//! The front every command shares: find the files, read them and
//! aggregate them, then hand the values on (`run_report`,
//! `run_receivables`).

use std::path::PathBuf;

use crate::ingest::Sink;
use crate::model::{ClientId, Invoice, Meeting, Ticket};
use crate::settings::{InputSettings, ReceivablesSettings, ReportSettings};
use crate::{aggregate, error, ingest, period, report};

/// Read and aggregate the inputs: the shared front of `report` and
/// `receivables`. Also returns the input files (so an output file can be
/// checked against them).
///
/// `stream_invoices`: fold invoices into their clients' sums as they are
/// read rather than keeping them (when the caller needs only the sums).
pub fn read_inputs(
    settings: &InputSettings,
    stream_invoices: bool,
) -> anyhow::Result<(ingest::Ingested, aggregate::Aggregated, Vec<PathBuf>)> {
    let (ingested, aggregated, (), inputs) =
        read(settings, stream_invoices, |activity, _| activity)?;
    Ok((ingested, aggregated, inputs))
}

/// Read and aggregate the inputs as `read_inputs` does, and keep the
/// tickets and meetings of the period that name a client (`explain` shows
/// them; the sums alone do not say which rows they came from).
pub(crate) fn read_inputs_keeping_activity(
    settings: &InputSettings,
) -> anyhow::Result<(
    ingest::Ingested,
    aggregate::Aggregated,
    report::explain::Activity,
)> {
    let (ingested, aggregated, kept, _) = read(settings, false, |totals, bounds| Keeping {
        totals,
        bounds,
        kept: report::explain::Activity::default(),
    })?;
    Ok((ingested, aggregated, kept))
}

/// What reading hands each record to: the per-client sums, and whatever
/// else a command keeps (`Kept`).
trait Reading: Sink + Send + Sized {
    type Kept;
    fn totals(&self) -> &aggregate::Activity;
    fn split(self) -> (aggregate::Activity, Self::Kept);
}

impl Reading for aggregate::Activity {
    type Kept = ();

    fn totals(&self) -> &aggregate::Activity {
        self
    }

    fn split(self) -> (aggregate::Activity, ()) {
        (self, ())
    }
}

/// The sums, and every ticket and meeting of the period that names a
/// client (the period's start may be known only at the end: then every
/// one up to its end).
struct Keeping {
    totals: aggregate::Activity,
    bounds: period::Bounds,
    kept: report::explain::Activity,
}

impl Reading for Keeping {
    type Kept = report::explain::Activity;

    fn totals(&self) -> &aggregate::Activity {
        &self.totals
    }

    fn split(self) -> (aggregate::Activity, report::explain::Activity) {
        (self.totals, self.kept)
    }
}

impl Sink for Keeping {
    fn ticket(&mut self, ticket: &Ticket) {
        self.totals.ticket(ticket);
        if ticket.client.is_some() && self.bounds.contains(ticket.created) {
            self.kept.tickets.push(ticket.clone());
        }
    }

    fn meeting(&mut self, meeting: &Meeting) {
        self.totals.meeting(meeting);
        if meeting.client.is_some() && self.bounds.contains(meeting.date) {
            self.kept.meetings.push(meeting.clone());
        }
    }

    fn invoice(&mut self, invoice: &Invoice) {
        self.totals.invoice(invoice);
    }

    fn time_entry(&mut self, entry: &crate::model::TimeEntry) {
        self.totals.time_entry(entry);
    }

    fn forget_invoices(&mut self) {
        self.totals.forget_invoices();
    }

    fn forget_tickets(&mut self) {
        self.totals.forget_tickets();
        self.kept.tickets.clear();
    }

    fn prefetch_ticket(&self, ticket: &Ticket) {
        self.totals.prefetch_ticket(ticket);
    }

    fn prefetch_meeting(&self, meeting: &Meeting) {
        self.totals.prefetch_meeting(meeting);
    }

    fn prefetch_invoice(&self, invoice: &Invoice) {
        self.totals.prefetch_invoice(invoice);
    }

    fn fork(&self) -> Option<Keeping> {
        Some(Keeping {
            totals: self.totals.fork()?,
            bounds: self.bounds,
            kept: report::explain::Activity::default(),
        })
    }

    fn absorb(&mut self, fork: Keeping, ids: &[ClientId]) {
        self.totals.absorb(fork.totals, ids);
        // A fork's client `i` is `ids[i]` here; every kept record names one.
        let settled = |client: Option<ClientId>| client.and_then(|c| ids.get(c.index()).copied());
        self.kept
            .tickets
            .extend(fork.kept.tickets.into_iter().map(|mut ticket| {
                ticket.client = settled(ticket.client);
                ticket
            }));
        self.kept
            .meetings
            .extend(fork.kept.meetings.into_iter().map(|mut meeting| {
                meeting.client = settled(meeting.client);
                meeting
            }));
    }
}

/// No invoices file: stop, saying where clientfit looked.
fn require_invoices(
    settings: &InputSettings,
    files: &[ingest::discover::InputFile],
) -> anyhow::Result<()> {
    if !files
        .iter()
        .any(|f| f.kind == ingest::columns::Kind::Invoices)
    {
        let searched: Vec<String> = settings
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        return Err(error::UsageError(format!(
            "no invoices file found in {}: clientfit needs invoices to know what clients pay\n  hint: put a file with \"invoice\" in its name there, or pass --invoices FILE",
            if searched.is_empty() { "the files given".to_string() } else { searched.join(", ") }
        ))
        .into());
    }
    Ok(())
}

/// The front of `read_inputs`: `sink` wraps the sums with what else the
/// command keeps.
fn read<S: Reading>(
    settings: &InputSettings,
    stream_invoices: bool,
    sink: impl FnOnce(aggregate::Activity, period::Bounds) -> S,
) -> anyhow::Result<(
    ingest::Ingested,
    aggregate::Aggregated,
    S::Kept,
    Vec<PathBuf>,
)> {
    let collected = ingest::discover::collect(&settings.paths)?;
    let files = ingest::discover::classify(&collected, &settings.explicit, &settings.config)?;
    require_invoices(settings, &files)?;
    let bounds = period::resolve(
        settings.period,
        settings.as_of,
        settings.config.as_of,
        settings.today,
    )?;
    crate::trace::phase("start");
    let mut activity = sink(
        aggregate::Activity::new(bounds, settings.config.rates.card()),
        bounds,
    );
    let options = settings.ingest_options(stream_invoices, bounds.as_of);
    let mut ingested = ingest::ingest(&files, &settings.config, options, &mut activity)?;
    // Said in every output, as the reading's own warnings are.
    ingested.warnings.splice(0..0, collected.own_outputs);
    if ingested.invoices.is_empty()
        && activity.totals().invoices_streamed == 0
        && activity.totals().per_client.iter().any(|t| t.active)
    {
        // Same decision as for no invoices file: not a report in which
        // every client is unprofitable because their invoices are missing.
        let invoice_files: Vec<String> = files
            .iter()
            .filter(|f| f.kind == ingest::columns::Kind::Invoices)
            .map(|f| f.path.display().to_string())
            .collect();
        anyhow::bail!(
            "{} has no invoice rows, but tickets or meetings name clients: every client would show as unprofitable\n  hint: export the invoices of the same period again (the file holds only its header), or pass the right file with --invoices",
            invoice_files.join(", ")
        );
    }
    let streamed = activity.totals().invoices_streamed > 0;
    let none_counts = (!streamed || activity.totals().no_streamed_invoice_counts())
        && ingested.invoices.iter().all(|i| !i.counts());
    if (streamed || !ingested.invoices.is_empty()) && none_counts {
        // Otherwise an empty report, with no word of why.
        ingested.warnings.push(
            "no invoice counts: every invoice read is a draft, void, deleted or cancelled, so no client has revenue; export the issued invoices, or map the status words in [invoices.status] if they mean something else".to_string(),
        );
    }
    crate::trace::phase("ingested");
    let (activity, kept) = activity.split();
    let aggregated = aggregate::aggregate(&ingested, activity, bounds, &settings.config)?;
    crate::trace::phase("aggregated");
    // Everything read is an input that --output must never overwrite,
    // the config file included.
    let inputs = files
        .into_iter()
        .map(|f| f.path)
        .chain(settings.config.source.clone())
        .collect();
    Ok((ingested, aggregated, kept, inputs))
}

/// Run the report pipeline; also returns the input files read.
pub fn run_report(settings: &ReportSettings) -> anyhow::Result<(report::Report, Vec<PathBuf>)> {
    let (mut ingested, aggregated, files) = read_inputs(&settings.input, true)?;
    check_owner(settings.selection.owner.as_deref(), &ingested)?;
    // The lookups by spelling and key were for reading, and the report
    // is the last to need the clients: it takes their names rather than
    // copying them (with 100,000 clients, 400,000 strings).
    let clients = ingested.registry.take_clients();
    let report = report::build(
        &ingested,
        report::Clients::Taken(clients),
        aggregated,
        &settings.input.config,
        &settings.selection,
    )?;
    crate::trace::phase("report");
    Ok((report, files))
}

/// Run the receivables view.
pub(crate) fn run_receivables(
    settings: &ReceivablesSettings,
) -> anyhow::Result<(report::receivables::ReceivablesReport, Vec<PathBuf>)> {
    let (ingested, aggregated, files) = read_inputs(&settings.input, false)?;
    check_owner(settings.owner.as_deref(), &ingested)?;
    let view = report::receivables::build(
        &ingested,
        &aggregated,
        &settings.input.config,
        settings.owner.as_deref(),
        settings.top,
    )?;
    Ok((view, files))
}

/// What `check` reads: the files, clientfit's own outputs found among
/// them, what was read, and the timesheet hours no rate prices.
pub(crate) struct ReadForCheck {
    pub(crate) files: Vec<ingest::discover::InputFile>,
    pub(crate) own_outputs: Vec<String>,
    pub(crate) ingested: ingest::Ingested,
    pub(crate) unrated: Option<String>,
}

/// The front of `check`: every file found and read, going on past one that
/// fails, with no period (nothing is "after as-of") and nothing summed.
/// Also returns the files, the outputs of clientfit's own found among
/// them, and the timesheet hours no rate prices (which stop `report`).
pub(crate) fn read_everything(
    settings: &crate::settings::CheckSettings,
) -> anyhow::Result<ReadForCheck> {
    let collected = ingest::discover::collect(&settings.paths)?;
    let files = ingest::discover::classify(&collected, &settings.explicit, &settings.config)?;
    let bounds = period::Bounds {
        from: None,
        to: chrono::NaiveDate::MAX,
        as_of: chrono::NaiveDate::MAX,
    };
    let mut activity = aggregate::Activity::new(bounds, settings.config.rates.card());
    let options = crate::settings::check_ingest_options(settings.skip_bad_rows);
    let ingested = ingest::ingest(&files, &settings.config, options, &mut activity)?;
    let unrated = aggregate::unrated_hours(&activity, &files).map(|err| format!("{err:#}"));
    Ok(ReadForCheck {
        files,
        own_outputs: collected.own_outputs,
        ingested,
        unrated,
    })
}

/// `--owner` must name an owner some client has (a typo is no empty view).
fn check_owner(owner: Option<&str>, ingested: &ingest::Ingested) -> anyhow::Result<()> {
    let owners = ingested
        .registry
        .clients()
        .iter()
        .map(|c| c.owner.as_deref());
    Ok(report::check_owner(owner, owners)?)
}
