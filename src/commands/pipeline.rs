//! The front every command shares: find the files, read them and
//! aggregate them, then hand the values on (`run_report`,
//! `run_receivables`).

use std::path::PathBuf;

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
    let collected = ingest::discover::collect(&settings.paths)?;
    let files = ingest::discover::classify(&collected, &settings.explicit, &settings.config)?;
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
    let bounds = period::resolve(
        settings.period,
        settings.as_of,
        settings.config.as_of,
        settings.today,
    )?;
    crate::trace::phase("start");
    let mut activity = aggregate::Activity::new(bounds);
    let options = settings.ingest_options(stream_invoices, bounds.as_of);
    let mut ingested = ingest::ingest(&files, &settings.config, options, &mut activity)?;
    // Said in every output, as the reading's own warnings are.
    ingested.warnings.splice(0..0, collected.own_outputs);
    if ingested.invoices.is_empty()
        && activity.invoices_streamed == 0
        && activity.per_client.iter().any(|t| t.active)
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
    let streamed = activity.invoices_streamed > 0;
    let none_counts = (!streamed || activity.no_streamed_invoice_counts())
        && ingested.invoices.iter().all(|i| !i.counts());
    if (streamed || !ingested.invoices.is_empty()) && none_counts {
        // Otherwise an empty report, with no word of why.
        ingested.warnings.push(
            "no invoice counts: every invoice read is a draft, void, deleted or cancelled, so no client has revenue; export the issued invoices, or map the status words in [invoices.status] if they mean something else".to_string(),
        );
    }
    crate::trace::phase("ingested");
    let aggregated = aggregate::aggregate(&ingested, activity, bounds, &settings.config)?;
    crate::trace::phase("aggregated");
    // Everything read is an input that --output must never overwrite,
    // the config file included.
    let inputs = files
        .into_iter()
        .map(|f| f.path)
        .chain(settings.config.source.clone())
        .collect();
    Ok((ingested, aggregated, inputs))
}

/// Run the report pipeline; also returns the input files read.
pub fn run_report(settings: &ReportSettings) -> anyhow::Result<(report::Report, Vec<PathBuf>)> {
    let (mut ingested, aggregated, files) = read_inputs(&settings.input, true)?;
    report::check_owner(
        settings.selection.owner.as_deref(),
        ingested
            .registry
            .clients()
            .iter()
            .map(|c| c.owner.as_deref()),
    )?;
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
    report::check_owner(
        settings.owner.as_deref(),
        ingested
            .registry
            .clients()
            .iter()
            .map(|c| c.owner.as_deref()),
    )?;
    let view = report::receivables::build(
        &ingested,
        &aggregated,
        &settings.input.config,
        settings.owner.as_deref(),
        settings.top,
    )?;
    Ok((view, files))
}
