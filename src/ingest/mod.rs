//! Stage 1: CSV exports → typed records.
//!
//! Invoices are kept (they are needed whole: lines combine, later files
//! replace earlier copies); tickets and meetings are streamed into a `Sink`
//! row by row, so memory grows with clients and invoices, not with rows.

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
pub mod status;
pub mod tickets;

use rust_decimal::Decimal;

use crate::config::Config;
use columns::Kind;
use discover::InputFile;
use identity::Registry;
use reader::CsvFile;
use records::{Invoice, Meeting, Ticket};

/// Receives tickets and meetings as they are read.
pub trait Sink {
    fn ticket(&mut self, ticket: &Ticket);
    fn meeting(&mut self, meeting: &Meeting);
}

/// What ingest hands to aggregation besides the streamed records.
#[derive(Debug)]
pub struct Ingested {
    pub files: Vec<InputFile>,
    pub registry: Registry,
    /// Combined invoices, amounts converted to the base currency.
    pub invoices: Vec<Invoice>,
    pub currency: Option<String>,
    pub warnings: Vec<String>,
}

/// Read every file, clients first (they define names, aliases and domains),
/// then invoices (which name the clients), then tickets and meetings.
pub fn ingest(
    files: &[InputFile],
    config: &Config,
    sink: &mut dyn Sink,
) -> anyhow::Result<Ingested> {
    let mut registry = Registry::new(&config.clients.legal_forms);
    let mut book = invoices::InvoiceBook::default();
    let markers = tickets::MarkerSet::new(&config.markers);
    for kind in [Kind::Clients, Kind::Invoices, Kind::Tickets, Kind::Meetings] {
        for (index, input) in files.iter().enumerate().filter(|(_, f)| f.kind == kind) {
            let mut file = CsvFile::open(&input.path)?;
            let index = index as u32;
            match kind {
                Kind::Clients => clients::read(&mut file, config, &mut registry)?,
                Kind::Invoices => {
                    invoices::read(&mut file, index, config, &mut registry, &mut book)?
                }
                Kind::Tickets => {
                    tickets::read(&mut file, index, config, &markers, &mut registry, sink)?
                }
                Kind::Meetings => meetings::read(&mut file, index, config, &mut registry, sink)?,
            }
        }
    }
    let mut warnings = Vec::new();
    if book.replaced > 0 {
        warnings.push(format!(
            "{} invoice(s) appeared again in a later file; the later copy was used",
            book.replaced
        ));
    }
    let currency = convert_currencies(&mut book, config, files)?;
    Ok(Ingested {
        files: files.to_vec(),
        registry,
        invoices: book.invoices,
        currency,
        warnings,
    })
}

/// Settle the base currency and convert every invoice into it.
fn convert_currencies(
    book: &mut invoices::InvoiceBook,
    config: &Config,
    files: &[InputFile],
) -> anyhow::Result<Option<String>> {
    let base = match (&config.currency, book.currencies.as_slice()) {
        (Some(code), _) => Some(code.to_ascii_uppercase()),
        (None, []) => None,
        (None, [only]) => Some(only.clone()),
        (None, several) => anyhow::bail!(
            "invoices are in several currencies ({}) and no base currency is set\n  hint: set the base currency and a rate for each other one in clientfit.toml:\n        currency = {:?}\n        [fx]\n{}",
            several.join(", "),
            several[0],
            several[1..]
                .iter()
                .map(|c| format!("        {c} = 1.0   # 1 {c} in {}", several[0]))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    let Some(base) = base else { return Ok(None) };
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
        // Name one invoice per missing currency so the user can find it.
        let examples: Vec<String> = missing
            .iter()
            .filter_map(|code| {
                let index = book.currencies.iter().position(|c| c == code)? as u16;
                let at = book.currency_of.iter().position(|c| *c == Some(index))?;
                let origin = book.invoices[at].origin;
                let file = files.get(origin.file as usize)?;
                Some(format!(
                    "{code} first on {}:{}",
                    file.path.display(),
                    origin.line
                ))
            })
            .collect();
        anyhow::bail!(
            "invoices in {} need an exchange rate to {base} ({})\n  hint: add to clientfit.toml:\n        [fx]\n{}",
            missing.join(", "),
            examples.join("; "),
            missing
                .iter()
                .map(|c| format!("        {c} = 1.0   # 1 {c} in {base}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    for (invoice, currency) in book.invoices.iter_mut().zip(&book.currency_of) {
        let Some(index) = currency else { continue };
        let rate = rates[*index as usize];
        if rate == Decimal::ONE {
            continue;
        }
        invoice.amount *= rate;
        invoice.discount *= rate;
        invoice.paid_amount = invoice.paid_amount.map(|v| v * rate);
        invoice.balance = invoice.balance.map(|v| v * rate);
    }
    Ok(Some(base))
}
