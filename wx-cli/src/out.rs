//! Writing data to stdout without panicking: a reader that went away (`wx listen | head -1`)
//! ends the command quietly ([`CliError::StdoutClosed`], exit 0) instead of the panic of
//! `println!` on a broken pipe.

use std::fmt;
use std::io::{ErrorKind, Write};

use crate::error::{CliError, CliResult};

/// Writes one line to stdout and flushes it (so a closed pipe is seen at once).
pub fn line(args: fmt::Arguments<'_>) -> CliResult {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_fmt(args)
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush())
        .map_err(|e| match e.kind() {
            ErrorKind::BrokenPipe => CliError::StdoutClosed,
            _ => CliError::runtime(format!("cannot write to stdout: {e}")),
        })
}

/// Like [`line()`] for status text that must not stop the command (the demo's transcript,
/// the simulator's banner): a failed write is ignored.
pub fn line_lossy(args: fmt::Arguments<'_>) {
    let _ = line(args);
}

/// `outln!("…", args)`: [`line()`] with `format!` arguments; evaluates to a [`CliResult`].
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::out::line(format_args!($($arg)*))
    };
}
