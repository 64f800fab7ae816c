//! Errors that stop a run. Each names the file (and where it can, line and column)
//! and says what was expected; the binary prints it and exits 2.

use std::fmt;

/// A problem found in a rules file, at a position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Everything that makes `shouwen` refuse to audit (exit code 2).
#[derive(Debug)]
pub enum Error {
    /// The rules file has one or more problems; all are listed.
    Rules(Vec<Diagnostic>),
    /// An input file cannot be used at all (unreadable, empty, missing a required column…).
    Input { file: String, message: String },
    /// A command-line argument is wrong (unknown rule id in --select, bad --period…).
    Usage(String),
    /// `--strict` and some rows were rejected.
    Strict { rejected: usize },
    /// Writing the report failed; the previous report is left in place.
    Output { path: String, message: String },
    /// Anything else, with context.
    Other(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Rules(diags) => {
                for (i, d) in diags.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{d}")?;
                }
                if diags.len() > 1 {
                    write!(f, "\n{} errors in the rules file", diags.len())?;
                }
                Ok(())
            }
            Error::Input { file, message } => write!(f, "{file}: error: {message}"),
            Error::Usage(m) => write!(f, "error: {m}"),
            Error::Strict { rejected } => write!(
                f,
                "error: --strict: {rejected} input row(s) were rejected (see the messages above); nothing was written"
            ),
            Error::Output { path, message } => write!(
                f,
                "{path}: error: could not write the report: {message} (the previous report, if any, is left intact)"
            ),
            Error::Other(m) => write!(f, "error: {m}"),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn input(file: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Input {
            file: file.into(),
            message: message.into(),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut line = 1;
    let mut line_start = 0;
    for (i, b) in text.as_bytes()[..offset].iter().enumerate() {
        if *b == b'\n' {
            line += 1;
            line_start = i + 1;
        }
    }
    let col = text
        .get(line_start..offset)
        // a byte-order mark (Notepad writes one) is not a column an editor shows
        .map(|s| s.chars().filter(|&c| c != '\u{feff}').count())
        .unwrap_or(offset - line_start)
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let t = "a = 1\nid = \"首问\" x";
        let off = t.find('x').unwrap();
        assert_eq!(line_col(t, off), (2, 11));
        assert_eq!(line_col(t, 0), (1, 1));
    }

    #[test]
    fn a_byte_order_mark_is_no_column() {
        let t = "\u{feff}[metta]\nx = 1";
        assert_eq!(line_col(t, t.find("metta").unwrap()), (1, 2));
        assert_eq!(line_col(t, t.find('x').unwrap()), (2, 1));
    }
}
