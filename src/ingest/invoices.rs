//! Invoice files: rows to `Invoice`s, lines combined, later files replacing
//! earlier copies of the same invoice.

use chrono::{Days, NaiveDate};
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
    let resolver = Resolver::new(Kind::Invoices, file, config)?;
    report
        .notes
        .extend(resolver.resolution.notes.iter().cloned());
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

/// Read a discount cell as config says: money as written, or a rate
/// turned into money off the invoice. Returns (amount invoiced, discount).
fn discount_of(
    row: &Row,
    column: usize,
    value: Decimal,
    amount: Decimal,
    config: &Config,
) -> Result<(Decimal, Decimal), InputError> {
    let too_large = || row.error(column, "gives a discount too large to compute with");
    match (config.invoices.discount, config.invoices.discount_applied) {
        (Some(DiscountKind::Rate), applied) => {
            if value < Decimal::ZERO || value > Decimal::ONE {
                return Err(row
                    .error(column, "is not a discount rate between 0 and 1")
                    .hint("[invoices] discount = \"rate\" reads 0.2 as 20%; if the column holds money, set discount = \"amount\""));
            }
            match applied {
                // The amount is the price before the discount: what was
                // invoiced is the rest.
                Some(DiscountApplied::Before) | None => {
                    let discount = amount.checked_mul(value).ok_or_else(too_large)?;
                    let invoiced = amount.checked_sub(discount).ok_or_else(too_large)?;
                    Ok((invoiced, discount))
                }
                // The amount is what was invoiced, (1 − rate) of the price.
                Some(DiscountApplied::After) => {
                    // 0 ≤ value ≤ 1, so this cannot overflow.
                    let rest = Decimal::ONE.saturating_sub(value);
                    if rest.is_zero() {
                        if amount.is_zero() {
                            return Err(row
                                .error(column, "is a 100% discount on an amount of 0: the discount in money cannot be known")
                                .hint("with discount_applied = \"after\" the amount is what was invoiced; export the discount amount instead, or the price before it with discount_applied = \"before\""));
                        }
                        return Err(row.error(
                            column,
                            format!("is a 100% discount, but the invoice is of {amount} after it"),
                        ));
                    }
                    let discount = amount
                        .checked_mul(value)
                        .and_then(|product| product.checked_div(rest))
                        .ok_or_else(too_large)?;
                    Ok((amount, discount))
                }
            }
        }
        // Money off. After it (the default: exports give the total
        // invoiced), any discount of 0 or more fits: a 100% coupon leaves a
        // total of 0 beside the whole discount. A credit note's discount is
        // signed either way by the tools, so only invoices are judged.
        (Some(DiscountKind::Amount) | None, Some(DiscountApplied::After) | None) => {
            if amount >= Decimal::ZERO && value < Decimal::ZERO {
                return Err(row.error(column, "is a negative discount").hint(
                    "a discount is money off the invoice, 0 or more; check that the column holds this invoice's discount",
                ));
            }
            Ok((amount, value))
        }
        // Money off a price before it: within 0..amount, and what was
        // invoiced is the rest.
        (Some(DiscountKind::Amount) | None, Some(DiscountApplied::Before)) => {
            if !within(value, amount) {
                let problem = if amount < Decimal::ZERO {
                    format!("is outside {amount}..0, the range of a credit note's discount")
                } else if value < Decimal::ZERO {
                    "is a negative discount".to_string()
                } else {
                    format!("is a discount larger than the amount {amount} it is taken from")
                };
                return Err(row.error(column, problem).hint(
                    "with discount_applied = \"before\" a discount lies between 0 and the amount before it; check that the column holds this invoice's discount in money (if it holds rates, set [invoices] discount = \"rate\")",
                ));
            }
            let invoiced = amount.checked_sub(value).ok_or_else(too_large)?;
            Ok((invoiced, value))
        }
    }
}

/// One row: the invoice, the currency code it names, and whether a void or
/// write-off dated after as-of was set aside (the invoice then counts as
/// open, as it was that day).
type Parsed<'a> = (Invoice, Option<Cow<'a, str>>, bool);

fn parse_row<'a>(
    row: &Row<'a>,
    columns: &Columns,
    (config, payment_columns, as_of): (&Config, bool, Option<NaiveDate>),
    (custom_status, statuses): (&[(String, InvoiceStatus)], &mut status::Memo<InvoiceStatus>),
    registry: &mut Registry,
    file_index: u32,
) -> Result<Parsed<'a>, InputError> {
    let client_name = row.text(Some(columns.client));
    if client_name.is_empty() {
        return Err(row.error(columns.client, "is empty: every invoice needs a client"));
    }
    let client = registry.resolve(client_name).ok_or_else(|| {
        row.error(
            columns.client,
            "is not a client name: it has no letters or digits",
        )
    })?;
    let issued = row.required_date(columns.issued)?;
    let due = match row.date(columns.due)? {
        Some(due) => due,
        None => issued
            .checked_add_days(Days::new(u64::from(config.payment_terms_days)))
            .ok_or_else(|| {
                row.error(columns.issued, "is too late a date to add payment terms to")
            })?,
    };
    let paid = row.date(columns.paid)?;
    if let (Some(column), true) = (columns.due, due < issued) {
        return Err(row
            .error(column, format!("is before the issue date {issued}"))
            .hint("an invoice cannot fall due before it is issued; check the two columns are not swapped"));
    }
    if let (Some(column), Some(paid)) = (columns.paid, paid)
        && paid < issued
    {
        return Err(row
            .error(column, format!("is before the issue date {issued}"))
            .hint("an invoice cannot be paid before it is issued; check the two columns are not swapped"));
    }
    let amount = row
        .money(Some(columns.amount))?
        .ok_or_else(|| row.error(columns.amount, "is empty: every invoice needs an amount"))?;
    let paid_amount = row.money(columns.paid_amount)?;
    let balance = row.money(columns.balance)?;
    let discount = row.money(columns.discount)?;
    let rate_discount = config.invoices.discount == Some(DiscountKind::Rate);

    // The currency column wins; a code in the amount must agree with it.
    let mut currency = match columns.currency {
        Some(column) if !row.text(Some(column)).is_empty() => {
            let text = row.text(Some(column));
            // Codes are nearly always written in capitals already.
            let code = if text.bytes().any(|byte| byte.is_ascii_lowercase()) {
                Cow::Owned(text.to_ascii_uppercase())
            } else {
                Cow::Borrowed(text)
            };
            check_currency_code(&code).map_err(|problem| row.error(column, problem))?;
            Some(code)
        }
        _ => None,
    };
    for (money, column) in [
        (Some(&amount), Some(columns.amount)),
        (paid_amount.as_ref(), columns.paid_amount),
        (balance.as_ref(), columns.balance),
        // A rate has no currency.
        (
            discount.as_ref().filter(|_| !rate_discount),
            columns.discount,
        ),
    ] {
        let (Some(money), Some(column)) = (money, column) else {
            continue;
        };
        let marked = match &money.currency {
            Some(CurrencyMark::Code(code)) => Some(Cow::Owned(code.clone())),
            Some(CurrencyMark::Dollar) => Some(Cow::Owned(dollar_code(config))),
            None => None,
        };
        match (&currency, marked) {
            (_, None) => {}
            (None, Some(code)) => currency = Some(code),
            (Some(known), Some(code)) if *known == code => {}
            (Some(known), Some(code)) => {
                let source = match columns.currency {
                    Some(currency_column) if !row.text(Some(currency_column)).is_empty() => {
                        format!(
                            "column {} says {known}",
                            crate::error::quote(
                                row.file
                                    .headers
                                    .raw
                                    .get(currency_column)
                                    .map_or("", String::as_str)
                            )
                        )
                    }
                    _ => format!("another amount of the row is in {known}"),
                };
                return Err(row
                    .error(column, format!("is in {code}, but {source}"))
                    .hint("an invoice has one currency: fix the amount or the currency column"));
            }
        }
    }

    let status_text = row.text(columns.status);
    let mut status = statuses.lookup(custom_status, status_text, status::invoice_status).ok_or_else(|| {
        // `status_text` is only non-empty when the column exists.
        row.error(
            columns.status.unwrap_or(0),
            format!("is not an invoice status clientfit knows ({STATUS_WORDS}, and their usual spellings)"),
        )
        .hint(status_hint(
            "invoices",
            status_text,
            status::likely_invoice_status(status_text),
            STATUS_WORDS,
        ))
    })?;

    // A void or write-off holds from its date: before it the invoice was
    // open. A date with no status says what happened on it.
    let voided_at = row.date(columns.voided_at)?;
    let written_off_at = row.date(columns.written_off_at)?;
    if status == InvoiceStatus::Unstated {
        if voided_at.is_some() {
            status = InvoiceStatus::Excluded;
        } else if written_off_at.is_some() {
            status = InvoiceStatus::BadDebt;
        }
    }
    let since = match status {
        InvoiceStatus::Excluded => voided_at,
        InvoiceStatus::BadDebt => written_off_at,
        _ => None,
    };
    let status_later = matches!((since, as_of), (Some(since), Some(as_of)) if since > as_of);
    if status_later {
        status = InvoiceStatus::Open;
    }
    if !payment_columns && status == InvoiceStatus::Unstated {
        status = InvoiceStatus::PaymentUnknown;
    }

    let (amount, discount) = match (discount, columns.discount) {
        (Some(discount), Some(column)) => {
            discount_of(row, column, discount.amount, amount.amount, config)?
        }
        _ => (amount.amount, Decimal::ZERO),
    };
    let invoice = Invoice {
        client,
        index: 0,
        issued,
        due,
        paid,
        amount,
        paid_amount: paid_amount.map(|m| m.amount),
        balance: balance.map(|m| m.amount),
        status,
        discount,
        origin: Origin {
            file: file_index,
            line: row.line,
        },
    };
    // Lines are judged once combined (`check_payment_ranges`), or when
    // one streams whole.
    if !columns.lines
        && let Some(problem) = payment_out_of_range(&invoice)
    {
        return Err(problem.error(row, columns));
    }
    Ok((invoice, currency, status_later))
}

/// `$` means the configured currency when that is a dollar, else USD.
fn dollar_code(config: &Config) -> String {
    match &config.currency {
        Some(code) if code.len() == 3 && code.to_ascii_uppercase().ends_with('D') => {
            code.to_ascii_uppercase()
        }
        _ => "USD".to_string(),
    }
}

/// Does a column header say it holds percentages (`%`, `percent`, `pct`)?
fn says_percent(header: &str) -> bool {
    let lower = header.to_lowercase();
    lower.contains('%')
        || lower.contains("percent")
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word == "pct")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ClientId;

    fn line(amount: Decimal) -> Invoice {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        Invoice {
            client: ClientId(0),
            index: 0,
            issued: day,
            due: day,
            paid: None,
            amount,
            paid_amount: None,
            balance: None,
            status: InvoiceStatus::Open,
            discount: Decimal::ZERO,
            origin: Origin { file: 0, line: 2 },
        }
    }

    #[test]
    fn paid_amounts_and_balances_lie_between_zero_and_the_amount() {
        let with = |amount: i64, paid: Option<i64>, balance: Option<i64>| Invoice {
            paid_amount: paid.map(Decimal::from),
            balance: balance.map(Decimal::from),
            ..line(Decimal::from(amount))
        };
        // The edges are in: nothing or everything paid or owed.
        for (paid, balance) in [(Some(0), None), (Some(100), Some(0)), (None, Some(100))] {
            assert_eq!(payment_out_of_range(&with(100, paid, balance)), None);
        }
        // −50 paid on 100 (150 owed), a balance of 500 or of −20.
        let problem = payment_out_of_range(&with(100, Some(-50), None)).unwrap();
        assert_eq!(
            (problem.field, problem.value),
            ("paid_amount", Decimal::from(-50))
        );
        assert_eq!(
            payment_out_of_range(&with(100, None, Some(500))).map(|p| p.field),
            Some("balance")
        );
        assert!(payment_out_of_range(&with(100, None, Some(-20))).is_some());
        // A credit note mirrors the range.
        assert_eq!(
            payment_out_of_range(&with(-100, Some(-40), Some(-60))),
            None
        );
        let problem = payment_out_of_range(&with(-100, None, Some(-150))).unwrap();
        assert!(
            problem.problem().contains("outside -100..0"),
            "{}",
            problem.problem()
        );
        assert!(payment_out_of_range(&with(-100, Some(10), None)).is_some());
        // An invoice of 0 can have nothing paid or owed.
        assert!(payment_out_of_range(&with(0, None, Some(1))).is_some());
    }

    #[test]
    fn lines_add_up_or_say_they_are_too_large() {
        let mut earlier = line(Decimal::from(100));
        assert_eq!(
            combine(&mut earlier, &line(Decimal::new(2550, 2)), true),
            Ok(())
        );
        assert_eq!(earlier.amount, Decimal::new(12550, 2));
        // Past Decimal's range (7.9 × 10^28; about 10^14 rows at the 10^15
        // cell limit) the sum used to panic ("Addition overflowed").
        let mut earlier = line(Decimal::MAX);
        assert_eq!(
            combine(&mut earlier, &line(Decimal::ONE), true),
            Err(Clash::TooLarge("amount"))
        );
        assert_eq!(earlier.amount, Decimal::MAX);
    }
}
