//! One invoice row read into an `Invoice`: its amounts, discount,
//! currency, dates, status and payment, each checked and located.

use super::*;

/// Read a discount cell as config says: money as written, or a rate
/// turned into money off the invoice. Returns (amount invoiced, discount).
pub(super) fn discount_of(
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
pub(super) type Parsed<'a> = (Invoice, Option<Cow<'a, str>>, bool);

pub(super) fn parse_row<'a>(
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
pub(super) fn dollar_code(config: &Config) -> String {
    match &config.currency {
        Some(code) if code.len() == 3 && code.to_ascii_uppercase().ends_with('D') => {
            code.to_ascii_uppercase()
        }
        _ => "USD".to_string(),
    }
}

/// Does a column header say it holds percentages (`%`, `percent`, `pct`)?
pub(super) fn says_percent(header: &str) -> bool {
    let lower = header.to_lowercase();
    lower.contains('%')
        || lower.contains("percent")
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word == "pct")
}
