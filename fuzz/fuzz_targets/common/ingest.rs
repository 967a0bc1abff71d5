//! Shared body of the `ingest_*` targets: write the input to a file of the
//! given kind (beside fixed companion files), ingest, aggregate.
//!
//! Errors are expected; panics, hangs and running out of memory are
//! findings, and so is any text from the input that reaches a
//! human-readable rendering (table, markdown, HTML; report and
//! receivables) with a control character or a bidirectional mark in it.

use std::path::PathBuf;
use std::sync::OnceLock;

use clientfit::aggregate::{Activity, aggregate};
use clientfit::config::Config;
use clientfit::ingest::columns::Kind;
use clientfit::ingest::discover::InputFile;
use clientfit::ingest::{IngestOptions, ingest};
use clientfit::period::{PeriodRequest, resolve};

/// A small valid invoices file, so tickets, meetings and clients have
/// clients to match against.
pub const INVOICES: &str = "\
client,invoice_id,issued,due,paid,amount,currency,status
Acme Corp,INV-1,2026-08-01,2026-08-31,2026-08-20,1200.00,USD,paid
Acme Corp,INV-2,2026-09-01,2026-10-01,,800.50,USD,open
Globex,INV-3,2026-07-15,2026-08-14,2026-09-30,4500,USD,paid
Initech LLC,INV-4,2026-10-01,2026-10-31,,-150.00,USD,open
";

/// Where this process keeps its files (one directory per process, so
/// several fuzzers may run side by side).
fn directory() -> &'static PathBuf {
    static DIRECTORY: OnceLock<PathBuf> = OnceLock::new();
    DIRECTORY.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("clientfit-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the fuzz temp directory");
        dir
    })
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = directory().join(name);
    std::fs::write(&path, bytes).expect("write a fuzz input file");
    path
}

/// The input as a file of `kind`, plus a fixed invoices file when the input
/// is not itself the invoices.
pub fn run(kind: Kind, data: &[u8]) {
    let mut files = Vec::new();
    if kind != Kind::Invoices {
        static COMPANION: OnceLock<PathBuf> = OnceLock::new();
        let path = COMPANION.get_or_init(|| write("companion-invoices.csv", INVOICES.as_bytes()));
        files.push(InputFile {
            path: path.clone(),
            kind: Kind::Invoices,
            kind_from: "flag",
        });
    }
    files.push(InputFile {
        path: write(&format!("input-{}.csv", kind.name()), data),
        kind,
        kind_from: "flag",
    });

    // Every hour of a timesheet priced, so its rows reach the figures.
    let mut config = Config::default();
    config.rates.cost_hourly = "50".parse().ok();
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
    let bounds = resolve(PeriodRequest::default(), Some(as_of), None, as_of)
        .expect("a fixed as-of date resolves");
    // As `report` reads by default (stop at the first bad row), then as
    // `--skip-bad-rows` and `check` do (read on past bad rows and files).
    let strict = IngestOptions::default();
    let lenient = IngestOptions {
        skip_bad_rows: true,
        keep_going: true,
        ..IngestOptions::default()
    };
    for options in [strict, lenient] {
        let mut activity = Activity::new(bounds, config.rates.card());
        match ingest(&files, &config, options, &mut activity) {
            Ok(ingested) => {
                // `aggregate` may refuse (e.g. totals out of range): an
                // error, not a finding.
                let aggregated = aggregate(&ingested, activity, bounds, &config);
                if debug() {
                    eprintln!(
                        "{options:?}: ingested {} invoice(s), warnings {:?}, error {:?}; aggregate: {}",
                        ingested.invoices.len(),
                        ingested.warnings,
                        ingested.error,
                        match &aggregated {
                            Ok(aggregated) => format!("{} client(s)", aggregated.clients.len()),
                            Err(err) => format!("{err:#}"),
                        }
                    );
                }
                if let Ok(aggregated) = aggregated {
                    render_every_human_format(&ingested, aggregated, &config);
                }
            }
            Err(err) if debug() => eprintln!("{options:?}: {err:#}"),
            Err(_) => {}
        }
    }
}

/// Render the report and the receivables view in every human-readable
/// format and check that no control character (but line breaks and tabs)
/// or bidirectional mark from the input got through.
fn render_every_human_format(
    ingested: &clientfit::ingest::Ingested,
    aggregated: clientfit::aggregate::Aggregated,
    config: &Config,
) {
    use clientfit::render::{Format, Style, Width};
    use clientfit::safe;
    let style = Style {
        color: false,
        width: Width::Fixed(100),
        terminal: false,
    };
    // Sums past the decimal range are an error, not a report: nothing to render.
    let Ok(receivables) =
        clientfit::report::receivables::build(ingested, &aggregated, config, None, Some(3))
    else {
        return;
    };
    let Ok(report) = clientfit::report::build(
        ingested,
        clientfit::report::Clients::Copied,
        aggregated,
        config,
        &clientfit::report::Selection {
            top: Some(3),
            ..Default::default()
        },
    ) else {
        return;
    };
    for format in [Format::Table, Format::Markdown, Format::Html] {
        for text in [
            clientfit::render::render(&report, format, style),
            clientfit::render::receivables::render(&receivables, format, style),
        ] {
            let text = text.expect("rendering a built report succeeds");
            let raw = text
                .chars()
                .find(|c| safe::is_hazard(*c) && *c != '\n' && *c != '\t');
            assert!(raw.is_none(), "{format:?} wrote {raw:?} raw:\n{text}");
        }
    }
}

/// `CLIENTFIT_FUZZ_DEBUG=1` prints what each run read (to check the harness
/// and the companion file; keep it off while fuzzing).
fn debug() -> bool {
    static DEBUG: OnceLock<bool> = OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("CLIENTFIT_FUZZ_DEBUG").is_some())
}
