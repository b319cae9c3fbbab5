//! Making server-provided text safe to print on a terminal: [`terminal_safe`] and
//! [`terminal_safe_line`].
//!
//! Decoded text is the server's (or a peer's) choice, byte for byte. Nicknames, remarks,
//! group names and message texts may hold any Unicode scalar, and the decoders of this crate
//! ([`decode_display_text`](super::decode_display_text), [`html_unescape`](super::html_unescape))
//! turn numeric references such as `&#27;` or `&#x9b;` into the real characters. Printed
//! raw, such text can drive the terminal: ESC starts CSI sequences (clear the screen, move
//! the cursor, recolour) and OSC sequences (set the window title, write the clipboard on
//! some terminals, make hyperlinks); the 8-bit C1 controls (U+0080–U+009F, e.g. U+009B CSI)
//! do the same on terminals that honour them; CR and BS overwrite what was printed; NUL and
//! BEL do their own mischief; bidirectional overrides and isolates reorder what follows them
//! on screen (a filename `exe.txt` shown as `txt.exe`).
//!
//! The sanitiser escapes all of them as visible text, so the line shows *that* something
//! was there without obeying it:
//!
//! - C0 controls (U+0000–U+001F) and DEL (U+007F) become `\xHH` (ESC is `\x1b`), except
//!   `\n` and `\t` in [`terminal_safe`], which keeps them;
//! - C1 controls (U+0080–U+009F) become `\u{HH}`;
//! - the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the
//!   line and paragraph separators (U+2028, U+2029) become `\u{HHHH}`.
//!
//! The bidi *marks* (U+200E LRM, U+200F RLM, U+061C ALM) are kept: they hold no state past
//! the character they sit beside, and names in right-to-left scripts use them. Everything
//! else, emoji and zero-width joiners included, passes through unchanged. A backslash is not
//! escaped, so the output is for reading, not for decoding back.
//!
//! Machine-readable output (JSON) does not need this: its encoder escapes controls already.

use std::borrow::Cow;

/// Whether `c` is escaped by [`terminal_safe_line`] (by [`terminal_safe`] too, but for `\n`
/// and `\t`).
pub fn is_terminal_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Text safe to print on a terminal, newlines and tabs kept: every other control
/// character, C1 control, bidi override or isolate and line separator is escaped as
/// visible text (see the module documentation). Borrowed when nothing needed escaping.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

/// [`terminal_safe`] for one-line fields (a name in a table, a status line): `\n` and `\t`
/// are escaped too (as `\x0a` and `\x09`), so the text cannot start a line of its own.
pub fn terminal_safe_line(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

fn escape(s: &str, keep_breaks: bool) -> Cow<'_, str> {
    let unsafe_here = |c: char| is_terminal_unsafe(c) && !(keep_breaks && matches!(c, '\n' | '\t'));
    let Some(first) = s.find(unsafe_here) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        if !unsafe_here(c) {
            out.push(c);
        } else if u32::from(c) < 0x80 {
            push_hex(&mut out, "\\x", c, 2, "");
        } else if u32::from(c) < 0x100 {
            push_hex(&mut out, "\\u{", c, 2, "}");
        } else {
            push_hex(&mut out, "\\u{", c, 4, "}");
        }
    }
    Cow::Owned(out)
}

fn push_hex(out: &mut String, open: &str, c: char, digits: u32, close: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str(open);
    let v = u32::from(c);
    for i in (0..digits).rev() {
        out.push(char::from(HEX[((v >> (4 * i)) & 0xf) as usize]));
    }
    out.push_str(close);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decode_display_text;

    fn all_safe(s: &str, keep_breaks: bool) -> bool {
        s.chars()
            .all(|c| !is_terminal_unsafe(c) || (keep_breaks && matches!(c, '\n' | '\t')))
    }

    #[test]
    fn plain_text_is_borrowed() {
        for s in [
            "",
            "Alice",
            "王小明 🌸",
            "a\tb\nc",
            "\u{200f}שלום\u{200e}",
            "a\\x1b",
        ] {
            assert!(matches!(terminal_safe(s), Cow::Borrowed(_)), "{s:?}");
        }
        assert!(matches!(terminal_safe_line("Alice 🌸"), Cow::Borrowed(_)));
    }

    #[test]
    fn escapes_every_control_and_override() {
        let attack = "\x1b]0;pwned\x07\x1b[2J\rok\x08\x00\u{7f}\u{9b}31m\u{85}\u{202e}txt.exe\u{2066}\u{2028}";
        assert_eq!(
            terminal_safe(attack),
            "\\x1b]0;pwned\\x07\\x1b[2J\\x0dok\\x08\\x00\\x7f\\u{9b}31m\\u{85}\\u{202e}txt.exe\\u{2066}\\u{2028}"
        );
        assert_eq!(terminal_safe("a\nb\tc"), "a\nb\tc");
        assert_eq!(terminal_safe_line("a\nb\tc"), "a\\x0ab\\x09c");
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let s = c.to_string();
            assert!(all_safe(&terminal_safe(&s), true), "{c:?}");
            assert!(all_safe(&terminal_safe_line(&s), false), "{c:?}");
        }
    }

    #[test]
    fn decoded_entities_are_caught_after_decoding() {
        // The decoder turns references into the real bytes; the sanitiser runs after it.
        let name = decode_display_text("&#27;]0;title&#7;&#x1b;[2J&#155;&#8238;x");
        assert!(name.contains('\x1b') && name.contains('\u{9b}') && name.contains('\u{202e}'));
        let shown = terminal_safe_line(&name);
        assert_eq!(shown, "\\x1b]0;title\\x07\\x1b[2J\\u{9b}\\u{202e}x");
    }

    #[test]
    fn idempotent_and_never_shorter() {
        let s = "x\x1b[1m\u{202d}y\u{0}";
        let once = terminal_safe(s).into_owned();
        assert_eq!(terminal_safe(&once), once);
        assert!(once.len() >= s.len());
    }
}
