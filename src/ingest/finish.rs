//! What is said and checked once every file is read: the warnings, in
//! file order; payments out of range; amounts converted to the base
//! currency with `[fx]`.

use super::*;

/// What reading the files found that a user should hear about, in file order.
pub(super) fn warnings_of(
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
        if report.zero_cost_entries > 0 {
            warnings.push(format!(
                "{name}: {} {} a cost of 0, read as no cost given (as Harvest writes when cost rates are not in use): priced at [rates.people], [rates.roles] or [rates] cost_hourly instead",
                report.zero_cost_entries,
                plural(report.zero_cost_entries, "entry has", "entries have"),
            ));
        }
        if report.blank_billable_entries > 0 {
            warnings.push(format!(
                "{name}: {} {} a blank billable cell in a column of ticks (1 or blank, as Kimai writes it), read as not billable; if blank means unknown, map billable = \"\" under [time.columns]",
                report.blank_billable_entries,
                plural(report.blank_billable_entries, "entry has", "entries have"),
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
pub(crate) fn invoice_notes(report: &FileReport, as_of: Option<chrono::NaiveDate>) -> Vec<String> {
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
pub(super) fn check_payment_ranges(
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
pub(super) fn convert_currencies(
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
pub(super) fn check_range(book: &invoices::InvoiceBook, files: &[InputFile]) -> anyhow::Result<()> {
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
