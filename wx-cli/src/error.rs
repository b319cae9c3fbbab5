//! [`CliError`]: every failure of a command, as one line and an exit status.

use std::fmt;

/// Exit status of a runtime failure (network, server, session).
pub const EXIT_RUNTIME: u8 = 1;
/// Exit status of a usage error or a malformed body given to `wx decode`.
pub const EXIT_USAGE: u8 = 2;

/// A failure, printed as one line (`wx: <message>`) with its exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CliError {
    /// Bad arguments, unusable input, or a malformed body (exit 2).
    Usage(String),
    /// The command ran and failed (exit 1).
    Runtime(String),
    /// Whoever read stdout has gone (`| head -1`): the command ends quietly (exit 0).
    StdoutClosed,
}

impl CliError {
    /// A usage error.
    pub fn usage(msg: impl Into<String>) -> Self {
        CliError::Usage(msg.into())
    }

    /// A runtime failure.
    pub fn runtime(msg: impl Into<String>) -> Self {
        CliError::Runtime(msg.into())
    }

    /// The exit status.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => EXIT_USAGE,
            CliError::Runtime(_) => EXIT_RUNTIME,
            CliError::StdoutClosed => 0,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Runtime(m) => f.write_str(m),
            CliError::StdoutClosed => f.write_str("stdout was closed"),
        }
    }
}

/// Shorthand for command results.
pub type CliResult<T = ()> = Result<T, CliError>;
