//! Fuzz target: wx_proto::fuzzing::content, then the terminal sanitiser
//! (wx_proto::model::terminal_safe, terminal_safe_line) on the same bytes as text and on that
//! text after the display decoder (which turns `&#27;` into a real ESC). The output must hold
//! no character the sanitiser escapes (but `\n`/`\t` where kept), must be unchanged by a
//! second pass, and must keep every safe character of the input in order. Then the same text
//! as a server-sent file name (wx_proto::model::safe_file_name): never empty, never over the
//! cap, no separator, control, bidi or Windows-refused character, no leading or trailing dot
//! or space, and stable under a second pass.
#![no_main]

use wx_proto::model::{
    MAX_FILE_NAME_BYTES, decode_display_text, is_terminal_unsafe, safe_file_name, terminal_safe,
    terminal_safe_line,
};

fn check_file_name(text: &str) {
    let name = safe_file_name(text);
    assert!(
        !name.is_empty() && name.len() <= MAX_FILE_NAME_BYTES,
        "{name:?}"
    );
    let refused = |c: char| "/\\:*?\"<>|".contains(c) || is_terminal_unsafe(c);
    assert!(!name.chars().any(refused), "refused character in {name:?}");
    assert!(
        !name.starts_with(['.', ' ']) && !name.ends_with(['.', ' ']),
        "{name:?}"
    );
    assert_eq!(safe_file_name(&name), name, "not stable");
}

fn check(text: &str) {
    for (out, keep) in [
        (terminal_safe(text), true),
        (terminal_safe_line(text), false),
    ] {
        let allowed = |c: char| !is_terminal_unsafe(c) || (keep && matches!(c, '\n' | '\t'));
        assert!(out.chars().all(allowed), "unsafe character left in {out:?}");
        let again = if keep {
            terminal_safe(&out)
        } else {
            terminal_safe_line(&out)
        };
        assert_eq!(again, out, "not idempotent");
        let kept: String = text.chars().filter(|&c| allowed(c)).collect();
        let mut rest = kept.chars().peekable();
        for c in out.chars() {
            if rest.peek() == Some(&c) {
                rest.next();
            }
        }
        assert!(rest.peek().is_none(), "a safe character was dropped");
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wx_proto::fuzzing::content(data);
    let text = String::from_utf8_lossy(data);
    check(&text);
    check(&decode_display_text(&text));
    check_file_name(&text);
});
