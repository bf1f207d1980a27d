//! The one error every reader of files and text gives: this input is wrong
//! here. Rule packs and the lists Telltale imports, HAR files, OpenWPM crawls,
//! compiled packs, graph exports and the stored choices all say where (file,
//! line, column) and what was expected the same way; the CLI prints it and
//! Python raises it (`telltale.InputError`) in one place each.

use std::fmt;

/// Input that cannot be read, located where there is a place to name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file, or what stands for it (`<stdin>`, `stored choices`).
    pub file: String,
    /// 1-based; 0 when the error has no position (a missing file, a whole
    /// file of the wrong kind).
    pub line: usize,
    pub column: usize,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl InputError {
    /// An error at a line and column of `file`.
    pub fn at(file: &str, line: usize, column: usize, message: impl Into<String>) -> InputError {
        InputError { file: file.to_owned(), line, column, message: message.into() }
    }

    /// An error about `file` as a whole, with no position.
    pub fn whole(file: &str, message: impl Into<String>) -> InputError {
        InputError::at(file, 0, 0, message)
    }

    /// A JSON error at the line and column serde_json gives, its message
    /// without serde_json's own " at line L column C".
    pub fn json(file: &str, e: &serde_json::Error) -> InputError {
        InputError::at(file, e.line(), e.column(), json_message(e))
    }
}

/// What a serde_json error says, without its position (an [`InputError`] gives that).
pub fn json_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    msg.rsplit_once(" at line ").map_or_else(|| msg.clone(), |(m, _)| m.to_owned())
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        }
    }
}

impl std::error::Error for InputError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn located_and_whole_file_errors_read_as_compilers_write_them() {
        assert_eq!(InputError::at("pack.json", 3, 14, "expected a string").to_string(), "pack.json:3:14: expected a string");
        assert_eq!(InputError::whole("crawl.sqlite", "no table visits").to_string(), "crawl.sqlite: no table visits");
    }
}
