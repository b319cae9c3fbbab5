//! Text decoding of `Content` and display names: `<br/>`, HTML entities, emoji spans (§11.2, §11.3).
//!
//! All passes run in one left-to-right scan, so the output of one step is never fed to the
//! next: a user who typed `&lt;br/&gt;` gets the text `<br/>`, not a newline (the same result
//! as replacing `<br/>` before decoding entities, the order OFF uses). Input without any
//! `<` or `&` is returned borrowed.

use std::borrow::Cow;

use super::emoji;

#[derive(Clone, Copy)]
struct Passes {
    br: bool,
    entities: bool,
    emoji: bool,
}

/// Decodes a display string (NickName, RemarkName, DisplayName, Signature) or the text of a
/// text message: `<br/>` to `\n`, emoji spans to Unicode, HTML entities to characters.
pub fn decode_display_text(s: &str) -> Cow<'_, str> {
    scan(
        s,
        Passes {
            br: true,
            entities: true,
            emoji: true,
        },
    )
}

/// Unescapes an escaped XML `Content`: `<br/>` to `\n`, then HTML entities (no emoji pass).
/// The result is the XML the server meant (e.g. `&lt;msg&gt;` becomes `<msg>`).
pub fn unescape_content(s: &str) -> Cow<'_, str> {
    scan(
        s,
        Passes {
            br: true,
            entities: true,
            emoji: false,
        },
    )
}

/// Decodes HTML entities only: `&lt; &gt; &amp; &quot; &apos; &nbsp;` and numeric
/// references (`&#39;`, `&#x27;`). Unknown or malformed references are kept as text.
pub fn html_unescape(s: &str) -> Cow<'_, str> {
    scan(
        s,
        Passes {
            br: false,
            entities: true,
            emoji: false,
        },
    )
}

/// Replaces every `<br/>` with `\n` (nothing else).
pub fn br_to_newline(s: &str) -> Cow<'_, str> {
    scan(
        s,
        Passes {
            br: true,
            entities: false,
            emoji: false,
        },
    )
}

/// Replaces emoji spans with Unicode (nothing else); a span that cannot be decoded is kept.
pub fn decode_emoji(s: &str) -> Cow<'_, str> {
    scan(
        s,
        Passes {
            br: false,
            entities: false,
            emoji: true,
        },
    )
}

fn scan(s: &str, passes: Passes) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    // Bytes of `s` before `copied` are already in `out` (or need no change).
    let mut copied = 0;
    let mut i = 0;
    let bytes = s.as_bytes();
    while let Some(off) = memchr::memchr2(b'<', b'&', &bytes[i..]) {
        i += off;
        let rest = &s[i..];
        let mut replaced = |text: &mut dyn FnMut(&mut String), used: usize| {
            let buf = out.get_or_insert_with(|| String::with_capacity(s.len()));
            buf.push_str(&s[copied..i]);
            text(buf);
            copied = i + used;
            copied
        };
        let step = if bytes[i] == b'<' {
            if passes.br && rest.starts_with("<br/>") {
                Some(replaced(&mut |b| b.push('\n'), 5))
            } else if passes.emoji
                && let Some((chars, used)) = emoji::span_at(rest)
            {
                Some(replaced(&mut |b| chars.push_to(b), used))
            } else {
                None
            }
        } else if passes.entities
            && let Some((c, used)) = entity_at(rest)
        {
            Some(replaced(&mut |b| b.push(c), used))
        } else {
            None
        };
        i = step.unwrap_or(i + 1);
    }
    match out {
        None => Cow::Borrowed(s),
        Some(mut buf) => {
            buf.push_str(&s[copied..]);
            Cow::Owned(buf)
        }
    }
}

/// Reads one entity reference at the start of `s` (which starts with `&`).
fn entity_at(s: &str) -> Option<(char, usize)> {
    // The longest reference accepted is `&#x10FFFF;` / `&#1114111;` (10 bytes).
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let name = &s[1..end];
    let c = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let num = name.strip_prefix('#')?;
            let value = match num.strip_prefix(['x', 'X']) {
                Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    u32::from_str_radix(hex, 16).ok()?
                }
                None if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => {
                    num.parse().ok()?
                }
                _ => return None,
            };
            char::from_u32(value).filter(|&c| c != '\0')?
        }
    };
    Some((c, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_when_nothing_to_do() {
        assert!(matches!(
            decode_display_text("plain text"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(decode_display_text("a < b & c"), Cow::Borrowed(_)));
        assert!(matches!(unescape_content("中文"), Cow::Borrowed(_)));
    }

    #[test]
    fn entities() {
        assert_eq!(
            html_unescape("&lt;a&gt; &amp; &quot;q&quot; &#39;s&#39; &#x41;&apos;"),
            "<a> & \"q\" 's' A'"
        );
        // One pass: `&amp;lt;` is `&lt;`, not `<`.
        assert_eq!(html_unescape("&amp;lt;"), "&lt;");
        // Unknown, unterminated, empty and invalid references stay as they are.
        for keep in [
            "&foo;",
            "&lt",
            "& x;",
            "&#;",
            "&#x;",
            "&#xD800;",
            "&#0;",
            "&#99999999;",
        ] {
            assert_eq!(html_unescape(keep), keep);
        }
        assert_eq!(html_unescape("a&nbsp;b"), "a\u{a0}b");
    }

    #[test]
    fn br_before_entities() {
        assert_eq!(unescape_content("a<br/>b"), "a\nb");
        assert_eq!(unescape_content("&lt;br/&gt;"), "<br/>");
        assert_eq!(
            unescape_content("&lt;msg&gt;<br/>&lt;/msg&gt;"),
            "<msg>\n</msg>"
        );
        assert_eq!(br_to_newline("&lt;<br/>"), "&lt;\n");
        assert_eq!(unescape_content("<br>"), "<br>");
    }

    #[test]
    fn display_text_with_emoji() {
        assert_eq!(
            decode_display_text("Hi<span class=\"emoji emoji1f604\"></span>&amp;<br/>x"),
            "Hi\u{1f604}&\nx"
        );
        // An escaped span typed by a user stays text.
        assert_eq!(
            decode_display_text("&lt;span class=\"emoji emoji1f604\"&gt;&lt;/span&gt;"),
            "<span class=\"emoji emoji1f604\"></span>"
        );
        assert_eq!(
            decode_emoji("a<span class=\"emoji emoji1f31b\"></span"),
            "a\u{1f31b}"
        );
        assert_eq!(decode_emoji("<span>&amp;</span>"), "<span>&amp;</span>");
    }

    #[test]
    fn never_splits_a_char() {
        let s = "你&好<span class=\"emoji emoji1f604\"></span>&#x4F60;";
        for end in 0..=s.len() {
            if s.is_char_boundary(end) {
                let _ = decode_display_text(&s[..end]);
            }
        }
        assert_eq!(decode_display_text(s), "你&好\u{1f604}你");
    }
}
