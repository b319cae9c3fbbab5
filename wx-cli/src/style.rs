//! Colours, only when the stream is a terminal (and `NO_COLOR` is unset).

use std::io::IsTerminal;

/// Decides once whether stdout gets ANSI colours.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    /// Colours when stdout is a terminal and `NO_COLOR` is not set.
    pub fn stdout() -> Self {
        let on = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Style { on }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Dim text (times, ids).
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    /// Bold text (names).
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Cyan text (message kinds).
    pub fn cyan(self, text: &str) -> String {
        self.paint("36", text)
    }
}
