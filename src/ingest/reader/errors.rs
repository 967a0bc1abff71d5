//! The errors of reading a file's text: a record past the limits, a quote
//! left open (with the rows it swallowed), text that is not what it says.

use super::*;

pub(super) fn scan_error(path: &Path, err: ScanError, line_shift: u64) -> InputError {
    use super::super::scan::{Limited, size_name};
    match err {
        ScanError::Utf8 { line } => InputError::file(path, "is not valid UTF-8 text")
            .at(line.saturating_add(line_shift))
            .of_whole_file()
            .hint("save it as UTF-8, or set encoding = \"windows-1252\" in clientfit.toml"),
        ScanError::Utf8Row { line, byte } => InputError::file(
            path,
            format!("is not valid UTF-8 text on this line (byte 0x{byte:02X}), in a file read as UTF-8"),
        )
        .at(line.saturating_add(line_shift))
        .hint("the row is damaged: correct it and save the file as UTF-8, or pass --skip-bad-rows to leave the row out (if the whole file is Windows-1252, set encoding = \"windows-1252\" in clientfit.toml)"),
        ScanError::UnclosedQuote { line, lost } => {
            let lost: Vec<u64> = lost
                .into_iter()
                .map(|lost| lost.saturating_add(line_shift))
                .collect();
            unclosed_quote_error(path, line.saturating_add(line_shift), &lost)
        }
        ScanError::QuoteClosedLate { line, closed_on } => InputError::file(
            path,
            format!(
                "a quote opened on this line runs over line breaks and only closes on line {}, with text right after it: the rows between were read as the text of one cell",
                closed_on.saturating_add(line_shift)
            ),
        )
        .at(line.saturating_add(line_shift))
        .of_whole_file()
        .hint("a cell probably lacks its closing quote (a cut or hand-edited export): close it, or export the file again"),
        ScanError::TooLong {
            line,
            what,
            limit,
            quote_line,
        } => {
            let problem = match what {
                Limited::Row => format!(
                    "the row starting on this line is longer than {}, the most clientfit reads in one row",
                    size_name(limit)
                ),
                Limited::Cell(column) => format!(
                    "cell {} of this row is longer than {}, the most clientfit reads in one cell",
                    column.saturating_add(1),
                    size_name(limit)
                ),
                Limited::Columns => format!(
                    "this row has more than {limit} cells, the most clientfit reads in one row"
                ),
            };
            let (problem, hint) = match quote_line {
                Some(quote) => (
                    format!(
                        "{problem}: a quote opened on line {} is still open {} on",
                        quote.saturating_add(line_shift),
                        size_name(limit)
                    ),
                    "a cell probably lacks its closing quote: close it, or export the file again",
                ),
                None => (
                    problem,
                    "this is not an export clientfit can read as it is: check the file (and its delimiter), or export it again",
                ),
            };
            InputError::file(path, problem)
                .at(line.saturating_add(line_shift))
                .of_whole_file()
                .hint(hint)
        }
        ScanError::Io(io) => InputError::file(path, format!("cannot be read: {io}")),
    }
}

/// The error for a quote opened on line `opened` and never closed, which
/// took the lines `lost` with it (those not blank, its own among them).
pub(super) fn unclosed_quote_error(path: &Path, opened: u64, lost: &[u64]) -> InputError {
    let problem = match (lost.first(), lost.last()) {
        (Some(first), Some(last)) if lost.len() > 1 => format!(
            "a quote opened on this line is never closed: the cell runs to the end of the file and swallows {} lines, {first} to {last}, that would be rows",
            lost.len()
        ),
        _ => {
            "a quote opened on this line is never closed: the file ends inside the cell".to_string()
        }
    };
    let error = InputError::file(path, problem).at(opened).hint(
        "the export was probably cut off, or a cell lacks its closing quote: export the file again, or close the quote",
    );
    // Skipped, each line counts as a bad row; too many, and it is the
    // file that is broken.
    if lost.len() > SKIPPABLE_LOST_ROWS {
        error.of_whole_file()
    } else {
        error
    }
}
