//! Safe local file names: a name the server sent (an attachment's `FileName` or title, a
//! message's `EncryFileName`) made fit to create on any file system before it reaches one.
//! The raw name stays where it came from (the message); this only derives a local one.
//!
//! The result has no path separator, no control or bidi character, no character Windows
//! refuses, no leading or trailing dot or space (so never `.`, `..` or a hidden file), no
//! reserved device name (`CON`, `NUL`, `COM1`, …), at most [`MAX_FILE_NAME_BYTES`] bytes,
//! and the extension kept when it is short and plain. It is never empty.

use super::terminal::is_terminal_unsafe;

/// The longest name [`safe_file_name`] returns, in UTF-8 bytes (file systems allow 255).
pub const MAX_FILE_NAME_BYTES: usize = 200;
/// The longest extension kept whole when a name is shortened.
const MAX_EXTENSION_BYTES: usize = 16;
/// The name when nothing usable is left.
const FALLBACK: &str = "file";
/// Windows' device names, refused as a name's stem in any case and with any extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Whether `c` cannot stand in a file name on some system.
fn is_refused(c: char) -> bool {
    matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || is_terminal_unsafe(c)
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A local file name for the server's `raw` name (see the module docs). Stable: a safe
/// name maps to itself.
pub fn safe_file_name(raw: &str) -> String {
    // A cut can leave a new tail (`… .W` out of `… .W…`) that a second pass reads as an
    // extension; the second pass never cuts or prefixes again, so two passes are stable.
    one_pass(&one_pass(raw))
}

fn one_pass(raw: &str) -> String {
    let replaced: String = raw
        .chars()
        .map(|c| if is_refused(c) { '_' } else { c })
        .collect();
    let trimmed = replaced.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if trimmed.chars().all(|c| c == '_' || c == '.') {
        return FALLBACK.to_owned();
    }
    let (stem, ext) = match trimmed.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && ext.len() <= MAX_EXTENSION_BYTES
                && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            (stem, Some(ext))
        }
        _ => (trimmed, None),
    };
    let device = stem.split('.').next().unwrap_or(stem);
    let prefix = if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(device)) {
        "_"
    } else {
        ""
    };
    let room = MAX_FILE_NAME_BYTES - prefix.len() - ext.map_or(0, |e| e.len() + 1);
    let stem = cut(stem, room).trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    let mut name = format!("{prefix}{stem}");
    if name.is_empty() {
        name.push_str(FALLBACK);
    }
    if let Some(ext) = ext {
        name.push('.');
        name.push_str(ext);
    }
    // Only stand-ins left (also after the cut): nothing of the name survived.
    if name.chars().all(|c| c == '_' || c == '.') {
        return FALLBACK.to_owned();
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_plain_names() {
        let cases = [
            ("report.pdf", "report.pdf"),
            ("报告 2024.docx", "报告 2024.docx"),
            ("../../etc/passwd", "_.._etc_passwd"),
            ("..", "file"),
            (".", "file"),
            ("", "file"),
            ("///", "file"),
            ("__", "file"),
            (".bashrc", "bashrc"),
            ("name. ", "name"),
            (
                "C:\\Windows\\system32\\evil.dll",
                "C__Windows_system32_evil.dll",
            ),
            ("a\u{202e}gpj.exe", "a_gpj.exe"),
            ("\u{1b}]0;title\u{7}x.txt", "_]0;title_x.txt"),
            ("\u{1b}[2Jclear", "_[2Jclear"),
            ("nul\0byte.bin", "nul_byte.bin"),
            ("line\nbreak.txt", "line_break.txt"),
            ("CON", "_CON"),
            ("con.txt", "_con.txt"),
            ("Com1.tar.gz", "_Com1.tar.gz"),
            ("CONSOLE.txt", "CONSOLE.txt"),
            ("what?.<x>|y*.png", "what_._x__y_.png"),
        ];
        for (raw, want) in cases {
            assert_eq!(safe_file_name(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn long_names_are_cut_on_a_character_keeping_the_extension() {
        let long = format!("{}.pdf", "文".repeat(300));
        let name = safe_file_name(&long);
        assert!(name.len() <= MAX_FILE_NAME_BYTES, "{}", name.len());
        assert!(name.ends_with("文.pdf"), "{name}");
        let odd_ext = format!("{}.{}", "a".repeat(250), "x".repeat(40));
        let name = safe_file_name(&odd_ext);
        assert_eq!(name.len(), MAX_FILE_NAME_BYTES);
        let lost = format!("{}x", "\0".repeat(300));
        assert_eq!(
            safe_file_name(&lost),
            "file",
            "only stand-ins left after the cut"
        );
        let reserved_long = format!("con.{}.p", "b".repeat(300));
        let name = safe_file_name(&reserved_long);
        assert!(name.starts_with("_con.") && name.ends_with("b.p"), "{name}");
        assert!(name.len() <= MAX_FILE_NAME_BYTES);
    }

    #[test]
    fn the_result_is_always_safe_and_stable() {
        for raw in [
            "../x",
            "a/b\\c",
            "\u{85}\u{9b}z",
            " . .",
            "x\u{2066}y",
            "LPT9.",
            "a.b.c",
        ] {
            let name = safe_file_name(raw);
            assert!(!name.is_empty() && name.len() <= MAX_FILE_NAME_BYTES);
            assert!(!name.chars().any(is_refused), "{name:?}");
            assert!(!name.starts_with('.') && !name.ends_with('.') && !name.ends_with(' '));
            assert_eq!(safe_file_name(&name), name, "idempotent on {raw:?}");
        }
    }
}
