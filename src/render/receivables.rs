//! Rendering the receivables view: table, csv, json, markdown, html.

use serde::Serialize;

use super::fit::{self, Column};
use super::json::Money;
use super::{Format, Style, Width};
use crate::numbers::{cents, grouped, round_to};
use crate::report::receivables::{Receivable, ReceivablesReport};
use crate::safe;

fn days(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{v:.1}"))
}

/// The oldest overdue invoice: its id is text from the file, escaped for
/// the target format by `escape`.
fn oldest(row: &Receivable, escape: fn(&str) -> String) -> String {
    let Some((id, days)) = &row.oldest_overdue else {
        return "–".to_string();
    };
    format!("{}, {days} d", escape(id))
}

fn headers(report: &ReceivablesReport) -> Vec<String> {
    let mut headers = vec!["client".to_string(), "outstanding".to_string()];
    headers.extend(report.bucket_labels());
    headers.extend(
        [
            "overdue",
            "oldest overdue",
            "DSO",
            "ADD",
            "CEI %",
            "late %",
            "avg days late",
        ]
        .map(String::from),
    );
    headers
}

/// A row's cells, the texts from the files (name, invoice id) escaped by
/// `escape` for the target format.
fn cells(row: &Receivable, escape: fn(&str) -> String) -> Vec<String> {
    let mut cells = vec![escape(&row.name), grouped(row.outstanding)];
    cells.extend(row.buckets.iter().map(|b| grouped(*b)));
    cells.push(grouped(row.overdue));
    cells.push(oldest(row, escape));
    cells.push(days(row.dso));
    cells.push(days(row.average_days_delinquent));
    cells.push(days(row.collection_effectiveness));
    cells.push(
        row.late_share
            .map_or_else(|| "–".to_string(), |v| format!("{:.0}%", v * 100.0)),
    );
    cells.push(days(row.avg_days_late));
    cells
}

pub fn render(report: &ReceivablesReport, format: Format, style: Style) -> anyhow::Result<String> {
    match format {
        Format::Table => Ok(table(report, style)),
        Format::Markdown => Ok(markdown(report)),
        Format::Html => Ok(html(report)),
        Format::Csv => csv(report),
        Format::Json => json(report),
    }
}

fn title(report: &ReceivablesReport) -> String {
    format!(
        "clientfit receivables — as of {} (period {} to {}, {} {}{})",
        report.period.as_of,
        report.period.from,
        report.period.to,
        report.period.days,
        crate::wording::plural(report.period.days.unsigned_abs(), "day", "days"),
        report
            .currency
            .as_deref()
            .map(|c| format!(", {c}"))
            .unwrap_or_default()
    )
}

/// The receivables columns and how soon each is dropped when the terminal
/// is narrow (lower goes first; 0 never): the client, what is outstanding,
/// what is overdue and the oldest aging bucket stay; the ratios go first,
/// then the younger buckets.
fn columns(report: &ReceivablesReport) -> Vec<Column> {
    let number = |header: &str, drop_order: u8| Column {
        header: header.to_string(),
        numeric: true,
        drop_order,
        wrap_at_least: None,
    };
    let mut columns = vec![
        Column {
            header: "client".to_string(),
            numeric: false,
            drop_order: 0,
            wrap_at_least: Some(14),
        },
        number("outstanding", 0),
    ];
    let labels = report.bucket_labels();
    let last = labels.len().saturating_sub(1);
    for (index, label) in labels.iter().enumerate() {
        // current 7, then the next youngest 8, …; the oldest never.
        let order = if index == last {
            0
        } else {
            u8::try_from(index.saturating_add(7)).unwrap_or(u8::MAX)
        };
        columns.push(number(label, order));
    }
    columns.push(number("overdue", 0));
    columns.push(Column {
        header: "oldest overdue".to_string(),
        numeric: false,
        drop_order: 5,
        wrap_at_least: Some(10),
    });
    columns.push(number("DSO", 6));
    columns.push(number("ADD", 1));
    columns.push(number("CEI %", 2));
    columns.push(number("late %", 4));
    columns.push(number("avg days late", 3));
    columns
}

fn table(report: &ReceivablesReport, style: Style) -> String {
    let columns = columns(report);
    debug_assert_eq!(columns.len(), headers(report).len());
    let rows: Vec<Vec<String>> = report
        .shown()
        .chain(std::iter::once(&report.total))
        // Names are untrusted text: one of megabytes would swamp the
        // terminal; the other formats show them whole.
        .map(|row| {
            // The oldest invoice's id is untrusted text too.
            let mut cells = cells(row, safe::terminal);
            if let Some(name) = cells.first_mut() {
                *name = fit::cut(name, super::table::NAME_CHARS);
            }
            cells
        })
        .collect();
    let width = match style.width {
        Width::Fixed(width) => Some(usize::from(width)),
        Width::Terminal => comfy_table::Table::new().width().map(usize::from),
        Width::Unlimited => None,
    };
    let layout = fit::layout(&columns, &rows, width);
    let line = |out: &mut String, text: &str| out.push_str(&fit::wrap_footer(text, width));
    let mut out = String::new();
    line(&mut out, &title(report));
    line(
        &mut out,
        &format!("config: {}", safe::terminal(&report.config)),
    );
    out.push_str(&fit::render(&columns, &rows, &layout, false, |_, _| None));
    out.push('\n');
    if let Some(note) = fit::hidden_note(&fit::hidden(&columns, &layout)) {
        line(&mut out, &note);
    }
    line(&mut out, LEGEND);
    for text in super::notes_as_text(&report.notes()).lines() {
        line(&mut out, text);
    }
    out
}

/// What the abbreviations of the headers stand for, under every human format.
const LEGEND: &str = "DSO: days sales outstanding · ADD: average days delinquent (DSO − DSO of current receivables) · CEI: collection effectiveness over the period";

fn html(report: &ReceivablesReport) -> String {
    use std::fmt::Write as _;
    let escape = safe::html;
    let headers = headers(report);
    let text_column = |index: usize| index == 0 || index == report.edges.len().saturating_add(5);
    let mut body = format!(
        "<p class=\"meta\">Config: {}</p>\n<div class=\"scroll\"><table><thead><tr>",
        safe::html(&report.config)
    );
    for (index, header) in headers.iter().enumerate() {
        let class = if text_column(index) {
            ""
        } else {
            " class=\"num\""
        };
        let _ = write!(body, "<th{class}>{}</th>", escape(header));
    }
    body.push_str("</tr></thead><tbody>\n");
    let rows = report
        .shown()
        .map(|row| (row, ""))
        .chain(std::iter::once((&report.total, " class=\"total\"")));
    for (row, row_class) in rows {
        let _ = write!(body, "<tr{row_class}>");
        for (index, text) in cells(row, safe::html).iter().enumerate() {
            let class = if text_column(index) {
                ""
            } else {
                " class=\"num\""
            };
            let _ = write!(body, "<td{class}>{text}</td>");
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</tbody></table></div>\n");
    let _ = writeln!(body, "<p class=\"meta\">{}</p>", escape(LEGEND));
    body.push_str(&super::notes_as_html(&report.notes()));
    super::page::document(&title(report), &body)
}

fn markdown(report: &ReceivablesReport) -> String {
    let headers = headers(report);
    let mut out = format!(
        "## {}\n\nConfig: {}\n\n| {} |\n|",
        title(report),
        safe::markdown(&report.config),
        headers.join(" | ")
    );
    for index in 0..headers.len() {
        out.push_str(if index == 0 { "---|" } else { "--:|" });
    }
    out.push('\n');
    for row in report.shown().chain(std::iter::once(&report.total)) {
        out.push_str(&format!("| {} |\n", cells(row, safe::markdown).join(" | ")));
    }
    out.push('\n');
    out.push_str(&safe::markdown(LEGEND));
    out.push('\n');
    let notes = super::notes_as_markdown(&report.notes());
    if !notes.is_empty() {
        out.push('\n');
        out.push_str(&notes);
    }
    out
}

/// `1-30` → `d1_30`, `90+` → `d90_plus`, as the report's own bucket names.
fn column_name(label: &str) -> String {
    if let Some(low) = label.strip_suffix('+') {
        format!("d{low}_plus")
    } else if let Some((low, high)) = label.split_once('-') {
        format!("d{low}_{high}")
    } else {
        label.to_string()
    }
}

fn csv(report: &ReceivablesReport) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut headers = vec![
        "client".to_string(),
        "key".to_string(),
        "outstanding".to_string(),
    ];
    headers.extend(
        report
            .bucket_labels()
            .iter()
            .map(|label| column_name(label)),
    );
    headers.extend(
        [
            "overdue",
            "oldest_overdue_invoice",
            "oldest_overdue_days",
            "dso",
            "best_possible_dso",
            "average_days_delinquent",
            "opening_ar",
            "credit_sales",
            "collection_effectiveness",
            "invoices_due",
            "late_invoices",
            "late_share",
            "avg_days_late",
        ]
        .map(String::from),
    );
    writer.write_record(&headers)?;
    let optional = |value: Option<f64>, decimals| {
        value
            .map(|v| round_to(v, decimals).to_string())
            .unwrap_or_default()
    };
    for row in report.shown().chain(std::iter::once(&report.total)) {
        let mut record = vec![
            safe::csv(&row.name),
            safe::csv(&row.key),
            cents(row.outstanding).to_string(),
        ];
        record.extend(row.buckets.iter().map(|b| cents(*b).to_string()));
        record.push(cents(row.overdue).to_string());
        record.push(safe::csv(
            &row.oldest_overdue
                .as_ref()
                .map(|(id, _)| id.clone())
                .unwrap_or_default(),
        ));
        record.push(
            row.oldest_overdue
                .as_ref()
                .map(|(_, d)| d.to_string())
                .unwrap_or_default(),
        );
        record.push(optional(row.dso, 1));
        record.push(optional(row.best_possible_dso, 1));
        record.push(optional(row.average_days_delinquent, 1));
        record.push(cents(row.opening_ar).to_string());
        record.push(cents(row.credit_sales).to_string());
        record.push(optional(row.collection_effectiveness, 1));
        record.push(row.invoices_due.to_string());
        record.push(row.late_invoices.to_string());
        record.push(optional(row.late_share, 4));
        record.push(optional(row.avg_days_late, 1));
        writer.write_record(&record)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|err| anyhow::anyhow!("{err}"))?;
    Ok(String::from_utf8(bytes)?)
}

#[derive(Serialize)]
struct Bucket {
    label: String,
    amount: Money,
}

#[derive(Serialize)]
struct RowJson<'a> {
    client: &'a str,
    key: &'a str,
    owner: Option<&'a str>,
    outstanding: Money,
    buckets: Vec<Bucket>,
    overdue: Money,
    oldest_overdue: Option<OldestJson<'a>>,
    revenue: Money,
    dso: Option<f64>,
    best_possible_dso: Option<f64>,
    average_days_delinquent: Option<f64>,
    opening_ar: Money,
    credit_sales: Money,
    collection_effectiveness: Option<f64>,
    invoices_due: u64,
    late_invoices: u64,
    late_share: Option<f64>,
    avg_days_late: Option<f64>,
}

#[derive(Serialize)]
struct OldestJson<'a> {
    invoice: &'a str,
    days: i64,
}

fn row_json<'a>(row: &'a Receivable, labels: &[String]) -> RowJson<'a> {
    let day = |v: Option<f64>| v.map(|v| round_to(v, 1));
    RowJson {
        client: &row.name,
        key: &row.key,
        owner: row.owner.as_deref(),
        outstanding: Money(row.outstanding),
        buckets: labels
            .iter()
            .zip(&row.buckets)
            .map(|(label, amount)| Bucket {
                label: label.clone(),
                amount: Money(*amount),
            })
            .collect(),
        overdue: Money(row.overdue),
        oldest_overdue: row.oldest_overdue.as_ref().map(|(id, days)| OldestJson {
            invoice: id,
            days: *days,
        }),
        revenue: Money(row.revenue),
        dso: day(row.dso),
        best_possible_dso: day(row.best_possible_dso),
        average_days_delinquent: day(row.average_days_delinquent),
        opening_ar: Money(row.opening_ar),
        credit_sales: Money(row.credit_sales),
        collection_effectiveness: day(row.collection_effectiveness),
        invoices_due: row.invoices_due,
        late_invoices: row.late_invoices,
        late_share: row.late_share.map(|v| round_to(v, 4)),
        avg_days_late: day(row.avg_days_late),
    }
}

fn json(report: &ReceivablesReport) -> anyhow::Result<String> {
    let labels = report.bucket_labels();
    let document = serde_json::json!({
        "tool": "clientfit",
        "version": env!("CARGO_PKG_VERSION"),
        "schema": super::json::SCHEMA_VERSION,
        "view": "receivables",
        "period": {"from": report.period.from.to_string(), "to": report.period.to.to_string(), "days": report.period.days},
        "as_of": report.period.as_of.to_string(),
        "currency": report.currency,
        "aging_edges": report.edges,
        "config_file": report.config_file,
        "clients": report.shown().map(|row| row_json(row, &labels)).collect::<Vec<_>>(),
        "total": row_json(&report.total, &labels),
        "warnings": report.warnings,
    });
    let mut text = serde_json::to_string_pretty(&document)?;
    text.push('\n');
    Ok(text)
}
