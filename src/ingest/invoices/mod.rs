//! Invoice files: rows to `Invoice`s, lines combined, later files replacing
//! earlier copies of the same invoice.

mod row;

use chrono::{Days, NaiveDate};
use row::*;
use rust_decimal::Decimal;

use std::borrow::Cow;

use super::columns::{Kind, LINE_AMOUNT_HEADERS, Resolver, normalize_header};
use super::identity::Registry;
use super::money::{CurrencyMark, check_currency_code};
use super::reader::{CsvFile, FileReport, Row, RowBlock, count_row, keep, next_block};
use super::status;
use super::store::StreamRate;
use super::{FileContext, Sink};
use crate::config::{Config, DiscountApplied, DiscountKind};
use crate::error::InputError;
use crate::model::InvoiceStatus;
use crate::model::{Invoice, Origin};

const STATUS_WORDS: &str = "paid, open, void, bad-debt";

pub(crate) use super::store::InvoiceStore as InvoiceBook;

struct Columns {
    client: usize,
    invoice_id: Option<usize>,
    issued: usize,
    due: Option<usize>,
    paid: Option<usize>,
    amount: usize,
    paid_amount: Option<usize>,
    balance: Option<usize>,
    currency: Option<usize>,
    status: Option<usize>,
    discount: Option<usize>,
    voided_at: Option<usize>,
    written_off_at: Option<usize>,
    lines: bool,
}

pub(crate) fn read(
    file: &mut CsvFile,
    context: FileContext<'_>,
    registry: &mut Registry,
    book: &mut InvoiceBook,
    sink: &mut dyn Sink,
    report: &mut FileReport,
) -> Result<(), InputError> {
    let FileContext {
        index: file_index,
        config,
        skip_bad_rows,
        as_of,
    } = context;
    let resolver = Resolver::noting(Kind::Invoices, file, config, &mut report.notes)?;
    let amount = resolver.require("amount")?;
    let lines = config.invoices.lines
        || LINE_AMOUNT_HEADERS
            .iter()
            .any(|h| normalize_header(h) == amount.matched);
    let columns = Columns {
        client: resolver.require("client")?.index,
        invoice_id: resolver.index("invoice_id"),
        issued: resolver.require("issued")?.index,
        due: resolver.index("due"),
        paid: resolver.index("paid"),
        amount: amount.index,
        paid_amount: resolver.index("paid_amount"),
        balance: resolver.index("balance"),
        currency: resolver.index("currency"),
        status: resolver.index("status"),
        discount: discount_column(&resolver, config),
        voided_at: resolver.index("voided_at"),
        written_off_at: resolver.index("written_off_at"),
        lines,
    };
    report.mapping = resolver.mapping_report();
    report.lines = lines;
    report.payment_columns = [
        columns.paid,
        columns.paid_amount,
        columns.balance,
        columns.status,
    ]
    .iter()
    .any(Option::is_some);
    // Money discounts are watched for rates, unless config says what they are.
    let watch_discounts = columns.discount.is_some()
        && config.invoices.discount.is_none()
        && config.invoices.discount_applied.is_none();
    if columns.discount.is_none() {
        report.mapping.retain(|(field, _)| *field != "discount");
    }
    // Headers are matched without their punctuation, so `Discount (%)`
    // is found as the discount: its header, not its values, says what it
    // holds.
    report.discounts.percent_header = watch_discounts
        && report
            .mapping
            .iter()
            .any(|(field, header)| *field == "discount" && says_percent(header));
    let custom_status = status::custom_map(
        &config.invoices.status,
        "invoices",
        status::invoice_status,
        STATUS_WORDS,
    )
    .map_err(|err| InputError::file(&file.path, err.to_string()))?;
    let date_columns: Vec<usize> = [
        Some(columns.issued),
        columns.due,
        columns.paid,
        columns.voided_at,
        columns.written_off_at,
    ]
    .into_iter()
    .flatten()
    .collect();
    file.settle_date_orders(&date_columns, config.date_order, report)?;

    // About one invoice per 64 bytes: the leanest exports have rows about
    // that long, so the id table is built once, at about the size it ends
    // up anyway, rather than rebuilt as it grows. (Not when invoices
    // stream: then only repeated ids are stored.)
    if !book.is_streaming()
        && let Ok(metadata) = std::fs::metadata(&file.path)
    {
        book.reserve(usize::try_from(metadata.len() / 64).unwrap_or(0));
    }
    let mut statuses = status::Memo::default();
    let mut streaming_rates = StreamingRates::default();
    // The currency codes of this file so far, with their indexes: a file
    // names a handful, row after row.
    let mut known_currencies: Vec<(String, u8)> = Vec::new();
    // A totals row has neither; an invoice row has at least its date.
    let anchors: Vec<usize> = [Some(columns.issued), columns.invoice_id]
        .into_iter()
        .flatten()
        .collect();
    let mut block = RowBlock::new();
    while next_block(file, &mut block, report, skip_bad_rows)? {
        registry.prefetch(block.ahead_cells(file, Some(columns.client)));
        for record in block.records() {
            let row = Row::new(record, file);
            if row.is_section_or_total(&[columns.client, columns.issued], &anchors) {
                report.skipped_section(&row);
                continue;
            }
            let parsed = parse_row(
                &row,
                &columns,
                (config, report.payment_columns, as_of),
                (&custom_status, &mut statuses),
                registry,
                file_index,
            );
            let Some((invoice, currency, status_later)) = keep(parsed, report, skip_bad_rows)?
            else {
                continue;
            };
            if status_later {
                count_row(&mut report.status_after_as_of);
            }
            // Void and draft invoices say nothing of what the column holds:
            // adding one must not turn the discounts into rates.
            if watch_discounts && invoice.counts() {
                report.discounts.saw(invoice.amount, invoice.discount);
            }
            report.saw_date(invoice.issued);
            report.clients.insert(invoice.client.0);
            let currency = match currency {
                Some(code) => match known_currencies.iter().find(|(known, _)| *known == *code) {
                    Some((_, index)) => Some(*index),
                    None => {
                        if !report.currencies.contains(code.as_ref()) {
                            report.currencies.insert(code.to_string());
                        }
                        let index = book
                            .currency_index(&code, invoice.origin)
                            .map_err(|err| row.row_error(err.to_string()))?;
                        known_currencies.push((code.into_owned(), index));
                        Some(index)
                    }
                },
                None => None,
            };
            let id = row.text(columns.invoice_id);
            if book.streams(id) {
                // A line that streams is the whole invoice (its id is on no
                // other row), so its paid amount and balance can be judged
                // now; while every invoice streams to find the repeated ids,
                // only if none repeats, so the first problem waits till then.
                if columns.lines
                    && let Some(problem) = payment_out_of_range(&invoice)
                {
                    let err = problem.error(&row, &columns);
                    if book.is_collecting() {
                        book.defer(err);
                    } else if keep(Err::<(), _>(err), report, skip_bad_rows)?.is_none() {
                        continue;
                    }
                }
                let rate = streaming_rates.rate(book, currency, config);
                sink.invoice(&book.convert_streamed(&invoice, rate));
                continue;
            }
            let earlier = if id.is_empty() { None } else { book.find(id) };
            let stored = match earlier.and_then(|index| Some((index, book.get_as_written(index)?)))
            {
                // A row of an invoice first seen in this file: one of its lines.
                Some((index, mut earlier)) if earlier.origin.file == file_index => {
                    let combined = if book.currency_of(index) != currency.map(usize::from) {
                        Err(row.row_error(format!(
                            "invoice {id:?} is in another currency here than on line {}",
                            earlier.origin.line
                        )))
                    } else {
                        combine(&mut earlier, &invoice, columns.lines).map_err(|clash| {
                            let (what, here, before) = match clash {
                                Clash::Differs(what, here, before) => (what, here, before),
                                Clash::TooLarge(what) => {
                                    return row.row_error(format!(
                                        "invoice {id:?}: the {what}s of its lines add up to too large a number"
                                    ));
                                }
                            };
                            let line = earlier.origin.line;
                            let difference = if here.is_empty() {
                                format!("a different {what} here than on line {line}")
                            } else {
                                format!("{what} {here} here but {before} on line {line}")
                            };
                            row.row_error(format!(
                                "invoice {id:?} has {difference}; rows that share an invoice id must repeat the same invoice values"
                            ))
                            .hint("if each row is one line of the invoice, set `lines = true` under [invoices] in clientfit.toml")
                        })
                    };
                    if keep(combined, report, skip_bad_rows)?.is_none() {
                        continue;
                    }
                    book.set(index, &earlier, currency)
                }
                // A newer export of the same invoice carries its newer status.
                Some((index, _)) => {
                    count_row(&mut report.replaced);
                    book.set(index, &invoice, currency)
                }
                None => book
                    .push(&invoice, (!id.is_empty()).then_some(id), currency)
                    .map(|_| ()),
            };
            stored.map_err(|err| row.row_error(err.to_string()))?;
        }
    }
    Ok(())
}

/// The hint for a status word clientfit does not know: map it to the
/// status it most likely means (or list them all when nothing in the word
/// says), or say the column is no status column.
pub(crate) fn status_hint(kind: &str, text: &str, likely: Option<&str>, words: &str) -> String {
    let mapping = match likely {
        Some(likely) => {
            let others: Vec<&str> = words.split(", ").filter(|w| *w != likely).collect();
            format!("{text:?} = {likely:?}   # or {}", others.join(", "))
        }
        None => format!("{text:?} = \"<one of: {words}>\""),
    };
    format!(
        "if it is a status, map it in clientfit.toml:\n        [{kind}.status]\n        {mapping}\n      if the column holds something else, write status = \"\" under [{kind}.columns]"
    )
}

/// Exchange rates for invoices that stream, per currency index.
///
/// A streamed invoice is converted when read, before the base currency is
/// settled at the end of reading; the rate it gets is the one settling
/// would give, or else settling stops the run with an error (several
/// currencies and no base, or no rate for one), so no figure made with a
/// placeholder rate is ever shown.
#[derive(Default)]
struct StreamingRates(Vec<Option<StreamRate>>);

impl StreamingRates {
    fn rate(
        &mut self,
        book: &InvoiceBook,
        currency: Option<u8>,
        config: &Config,
    ) -> Option<&StreamRate> {
        let index = usize::from(currency?);
        while self.0.len() <= index {
            let code = book.currencies.get(self.0.len()).map(String::as_str);
            self.0.push(match (config.currency.as_deref(), code) {
                (Some(base), Some(code)) if !base.eq_ignore_ascii_case(code) => {
                    config.fx.get(code).copied().and_then(StreamRate::new)
                }
                _ => None,
            });
        }
        self.0.get(index)?.as_ref()
    }
}

/// The discount column, unless it is Xero's `Discount`: a percentage of
/// the line, not an amount (map `[invoices.columns] discount` to read an
/// amount column instead).
fn discount_column(resolver: &Resolver, config: &Config) -> Option<usize> {
    let found = resolver.find("discount")?;
    let is_xero = ["invoicenumber", "lineamount", "invoiceamountdue"]
        .iter()
        .all(|name| resolver.headers.positions(name).len() == 1);
    let mapped = config.invoices.columns.contains_key("discount");
    if is_xero && found.matched == "discount" && !mapped {
        return None;
    }
    Some(found.index)
}

/// Why two rows of the same invoice do not combine.
#[derive(Debug, PartialEq)]
enum Clash {
    /// A value disagrees: (what, value here, value on the earlier line).
    Differs(&'static str, String, String),
    /// Lines add up to more than a `Decimal` holds.
    TooLarge(&'static str),
}

/// Fold another row of the same invoice into `earlier`, or say why not.
fn combine(earlier: &mut Invoice, row: &Invoice, lines: bool) -> Result<(), Clash> {
    fn differ<T: PartialEq + std::fmt::Debug>(
        what: &'static str,
        here: &T,
        before: &T,
    ) -> Result<(), Clash> {
        if here == before {
            Ok(())
        } else {
            Err(Clash::Differs(what, show(here), show(before)))
        }
    }
    fn show<T: std::fmt::Debug>(value: &T) -> String {
        // Option<…> and dates print plainly: "2026-10-01", "none", "250.00".
        let text = format!("{value:?}");
        let text = text
            .strip_prefix("Some(")
            .and_then(|t| t.strip_suffix(')'))
            .unwrap_or(&text)
            .to_string();
        if text == "None" {
            "none".to_string()
        } else {
            text
        }
    }
    if row.client != earlier.client {
        // The ids mean nothing to a user; the rows show the names.
        return Err(Clash::Differs("client", String::new(), String::new()));
    }
    differ("issue date", &row.issued, &earlier.issued)?;
    differ("due date", &row.due, &earlier.due)?;
    differ("paid date", &row.paid, &earlier.paid)?;
    differ("status", &row.status, &earlier.status)?;
    differ("paid amount", &row.paid_amount, &earlier.paid_amount)?;
    differ("balance", &row.balance, &earlier.balance)?;
    if lines {
        let amount = earlier
            .amount
            .checked_add(row.amount)
            .ok_or(Clash::TooLarge("amount"))?;
        let discount = earlier
            .discount
            .checked_add(row.discount)
            .ok_or(Clash::TooLarge("discount"))?;
        earlier.amount = amount;
        earlier.discount = discount;
    } else {
        differ("amount", &row.amount, &earlier.amount)?;
        differ("discount", &row.discount, &earlier.discount)?;
    }
    Ok(())
}

/// An invoice's paid amount or balance outside 0..amount (amount..0 for a
/// credit note): what was paid or is owed cannot exceed what was invoiced,
/// nor run the other way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PaymentProblem {
    /// "paid_amount" or "balance".
    pub(crate) field: &'static str,
    pub(crate) value: Decimal,
    pub(crate) amount: Decimal,
}

impl PaymentProblem {
    pub(crate) fn problem(&self) -> String {
        let what = if self.field == "balance" {
            "balance"
        } else {
            "paid amount"
        };
        let range = if self.amount < Decimal::ZERO {
            format!("{}..0", self.amount)
        } else {
            format!("0..{}", self.amount)
        };
        format!(
            "is outside {range}: an invoice of {} cannot have a {what} of {}",
            self.amount, self.value
        )
    }

    pub(crate) fn hint(&self) -> &'static str {
        "a paid amount or balance lies between 0 and the invoice amount (for a credit note, between its negative amount and 0); check that the column holds this invoice's figure, or map the right one under [invoices.columns]"
    }

    fn error(&self, row: &Row, columns: &Columns) -> InputError {
        let column = if self.field == "balance" {
            columns.balance
        } else {
            columns.paid_amount
        };
        row.error(column.unwrap_or(columns.amount), self.problem())
            .hint(self.hint())
    }
}

/// Whether `value` lies between 0 and `amount`, either way round.
fn within(value: Decimal, amount: Decimal) -> bool {
    if amount < Decimal::ZERO {
        value >= amount && value <= Decimal::ZERO
    } else {
        value >= Decimal::ZERO && value <= amount
    }
}

/// The first of an invoice's paid amount and balance outside its range.
pub(crate) fn payment_out_of_range(invoice: &Invoice) -> Option<PaymentProblem> {
    [
        ("paid_amount", invoice.paid_amount),
        ("balance", invoice.balance),
    ]
    .into_iter()
    .find_map(|(field, value)| {
        let value = value?;
        (!within(value, invoice.amount)).then_some(PaymentProblem {
            field,
            value,
            amount: invoice.amount,
        })
    })
}

#[cfg(test)]
mod tests;
