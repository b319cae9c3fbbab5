//! Fuzz target: wx_proto::fuzzing::content, then the terminal sanitiser
//! (wx_proto::model::terminal_safe, terminal_safe_line) on the same bytes as text and on that
//! text after the display decoder (which turns `&#27;` into a real ESC). The output must hold
//! no character the sanitiser escapes (but `\n`/`\t` where kept), must be unchanged by a
//! second pass, and must keep every safe character of the input in order.
#![no_main]

use wx_proto::model::{decode_display_text, is_terminal_unsafe, terminal_safe, terminal_safe_line};

fn check(text: &str) {
    for (out, keep) in [(terminal_safe(text), true), (terminal_safe_line(text), false)] {
        let allowed = |c: char| !is_terminal_unsafe(c) || (keep && matches!(c, '\n' | '\t'));
        assert!(out.chars().all(allowed), "unsafe character left in {out:?}");
        let again = if keep { terminal_safe(&out) } else { terminal_safe_line(&out) };
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
});
