//! Error values that know how the process should exit.
//!
//! Everything fallible returns `anyhow::Result`; the leaf errors below carry
//! the facts a user needs (where, what, how to fix) and `exit_code` maps a
//! whole error chain to the process exit code in one place.
//!
//! Layer: a plain helper; may import `safe`, `numbers` and `wording`, nothing of the pipeline.

use std::fmt;

use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// A bad value or structure in an input file, located like a compiler error:
/// `tickets.csv:418: column "Time spent": "1h20" is not a number of minutes`.
///
/// Boxed, so the `Result`s that carry it through every row stay small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(Box<Location>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub(crate) file: PathBuf,
    /// 1-based physical line number of the record (`None` for file-level problems).
    pub(crate) line: Option<u64>,
    pub(crate) column: Option<String>,
    pub(crate) value: Option<String>,
    /// What is wrong, phrased to follow the value: "is not a date".
    pub(crate) problem: String,
    /// How to fix it, when there is something the user can do.
    pub(crate) hint: Option<String>,
    /// A problem of the whole file found at a line (its encoding): it is
    /// never skipped as one bad row, since the rows after it cannot be read.
    pub(crate) whole_file: bool,
}

impl std::ops::Deref for InputError {
    type Target = Location;

    fn deref(&self) -> &Location {
        &self.0
    }
}

impl InputError {
    pub(crate) fn file(file: &Path, problem: impl Into<String>) -> Self {
        InputError(Box::new(Location {
            file: file.to_path_buf(),
            line: None,
            column: None,
            value: None,
            problem: problem.into(),
            hint: None,
            whole_file: false,
        }))
    }

    /// Mark the problem as one of the whole file, though found at a line.
    pub(crate) fn of_whole_file(mut self) -> Self {
        self.0.whole_file = true;
        self
    }

    pub(crate) fn at(mut self, line: u64) -> Self {
        self.0.line = Some(line);
        self
    }

    pub(crate) fn column(mut self, column: impl Into<String>) -> Self {
        self.0.column = Some(column.into());
        self
    }

    pub(crate) fn value(mut self, value: impl Into<String>) -> Self {
        self.0.value = Some(value.into());
        self
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.0.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(column) = &self.column {
            write!(f, "column {}: ", quote(column))?;
        }
        if let Some(value) = &self.value {
            write!(f, "{} ", quote(value))?;
        }
        f.write_str(&self.problem)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// A command line that asks for something impossible (exit code 2, like
/// clap's own usage errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// How a run that produced its output should end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Done,
    /// Exit 3: `--fail-on` matched a shown client; the report was still written.
    FailOnMatched,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Done => 0,
            Outcome::FailOnMatched => 3,
        }
    }
}

/// What a failed run should do: exit quietly (a closed pipe), as a usage error
/// (2) or as an error (1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    BrokenPipe,
    Usage,
    Error,
}

impl Failure {
    pub fn of(err: &anyhow::Error) -> Failure {
        for cause in err.chain() {
            if let Some(io) = cause.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::BrokenPipe
            {
                return Failure::BrokenPipe;
            }
        }
        if err.chain().any(|cause| cause.is::<UsageError>()) {
            Failure::Usage
        } else {
            Failure::Error
        }
    }

    pub fn exit_code(self) -> u8 {
        match self {
            Failure::BrokenPipe => 0,
            Failure::Usage => 2,
            Failure::Error => 1,
        }
    }
}

/// Amounts past what a `Decimal` holds exactly (about 7.9 × 10^28): only
/// absurd amounts at absurd exchange rates get there, and a rounded figure
/// would be a wrong one, so the run stops and names the amounts.
fn amounts_out_of_range(what: &str, a: Decimal, operator: char, b: Decimal) -> anyhow::Error {
    anyhow::anyhow!(
        "{what}: {a} {operator} {b} is past the largest amount clientfit counts exactly (about 7.9 × 10^28); check the amounts, and the exchange rates under [fx] in clientfit.toml"
    )
}

/// `a + b` of two amounts (`what` names the result), or the error naming them.
pub(crate) fn add_amounts(what: &str, a: Decimal, b: Decimal) -> anyhow::Result<Decimal> {
    a.checked_add(b)
        .ok_or_else(|| amounts_out_of_range(what, a, '+', b))
}

/// `a − b` of two amounts, or the error naming them.
pub(crate) fn subtract_amounts(what: &str, a: Decimal, b: Decimal) -> anyhow::Result<Decimal> {
    a.checked_sub(b)
        .ok_or_else(|| amounts_out_of_range(what, a, '-', b))
}

/// `a × b` of an amount and a factor, or the error naming them.
pub(crate) fn multiply_amounts(what: &str, a: Decimal, b: Decimal) -> anyhow::Result<Decimal> {
    a.checked_mul(b)
        .ok_or_else(|| amounts_out_of_range(what, a, '×', b))
}

/// Quote a value for an error message, escaping anything that could disturb
/// a terminal (control characters, ANSI escapes) so untrusted file content
/// is shown, never executed.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len().saturating_add(2));
    out.push('"');
    const LIMIT: usize = 80;
    for (count, ch) in text.chars().enumerate() {
        if count == LIMIT {
            out.push('…');
            break;
        }
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if crate::safe::is_hazard(c) => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_past_the_decimal_range_are_named_not_rounded() {
        let max = Decimal::MAX;
        assert_eq!(
            add_amounts("x", Decimal::ONE, Decimal::TWO).ok(),
            Some(Decimal::new(3, 0))
        );
        let message = |result: anyhow::Result<Decimal>| result.err().map(|err| err.to_string());
        assert_eq!(
            message(subtract_amounts(
                "the change in profit",
                Decimal::MIN,
                Decimal::ONE
            ))
            .as_deref(),
            Some(
                "the change in profit: -79228162514264337593543950335 - 1 is past the largest amount clientfit counts exactly (about 7.9 × 10^28); check the amounts, and the exchange rates under [fx] in clientfit.toml"
            )
        );
        assert!(
            message(multiply_amounts("the overdue threshold", max, Decimal::TWO)).is_some_and(
                |text| text.starts_with(
                    "the overdue threshold: 79228162514264337593543950335 × 2 is past"
                )
            )
        );
    }

    #[test]
    fn input_error_reads_like_a_compiler_message() {
        let err = InputError::file(Path::new("tickets.csv"), "is not a number of minutes")
            .at(418)
            .column("Time spent")
            .value("1h20")
            .hint("write minutes as 80, 1:20 or 1h 20m");
        assert_eq!(
            err.to_string(),
            "tickets.csv:418: column \"Time spent\": \"1h20\" is not a number of minutes\n  hint: write minutes as 80, 1:20 or 1h 20m"
        );
    }

    #[test]
    fn quote_escapes_terminal_control_sequences() {
        assert_eq!(quote("a\u{1b}[31mb\n"), "\"a\\u{1b}[31mb\\n\"");
    }

    #[test]
    fn failure_kinds_map_to_exit_codes() {
        let pipe = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            .context("writing the report");
        assert_eq!(Failure::of(&pipe).exit_code(), 0);
        let usage = anyhow::Error::new(UsageError("bad period".into()));
        assert_eq!(Failure::of(&usage).exit_code(), 2);
        assert_eq!(Failure::of(&anyhow::anyhow!("boom")).exit_code(), 1);
        assert_eq!(Outcome::FailOnMatched.exit_code(), 3);
    }
}
