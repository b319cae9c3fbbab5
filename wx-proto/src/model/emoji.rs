//! Emoji spans (`<span class="emoji emoji1f604"></span>`) turned into Unicode (protocol.md §11.3).

/// The opening of an emoji span, up to the hex code.
pub(crate) const SPAN_OPEN: &str = "<span class=\"emoji emoji";
/// What closes a span after the hex code (a truncated span stops after `</span`).
const SPAN_CLOSE: &str = "\"></span";

/// Known wrong code points the server sends, mapped to what the sender typed
/// (the union of wechat4u's and itchat's tables; they do not conflict).
const REMAP: [(u32, u32); 9] = [
    (0x1f639, 0x1f602),
    (0x1f64d, 0x1f614),
    (0x1f63c, 0x1f601),
    (0x1f63a, 0x1f603),
    (0x1f4ab, 0x1f616),
    (0x1f63b, 0x1f60d),
    (0x1f63d, 0x1f618),
    (0x1f64e, 0x1f621),
    (0x1f63f, 0x1f622),
];

/// Tries to read one emoji span at the start of `s`. On success returns the decoded
/// characters and the number of bytes the span used (the `>` of `</span>` is optional,
/// so a span truncated by the server is repaired).
pub(crate) fn span_at(s: &str) -> Option<(EmojiChars, usize)> {
    let rest = s.strip_prefix(SPAN_OPEN)?;
    let hex_len = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
    let hex = &rest[..hex_len];
    let after = rest[hex_len..].strip_prefix(SPAN_CLOSE)?;
    let chars = decode_hex(hex)?;
    let mut used = SPAN_OPEN.len() + hex_len + SPAN_CLOSE.len();
    if after.starts_with('>') {
        used += 1;
    }
    Some((chars, used))
}

/// Up to two decoded characters of one span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EmojiChars(char, Option<char>);

impl EmojiChars {
    pub(crate) fn push_to(self, out: &mut String) {
        out.push(self.0);
        if let Some(c) = self.1 {
            out.push(c);
        }
    }
}

/// Splits the hex code of a span into code points: 1–5 digits are one code point,
/// 6 = 2+4 (keycaps), 7 = 3+4, 8 = 4+4, 9 = 4+5, 10 = 5+5 (flags). Anything else, or a
/// value that is not a Unicode scalar, gives `None` (the span is then kept as text).
fn decode_hex(hex: &str) -> Option<EmojiChars> {
    let split = match hex.len() {
        1..=5 => None,
        6 => Some(2),
        7 => Some(3),
        8 => Some(4),
        9 => Some(4),
        10 => Some(5),
        _ => return None,
    };
    match split {
        None => Some(EmojiChars(code_point(hex)?, None)),
        Some(at) => Some(EmojiChars(
            code_point(&hex[..at])?,
            Some(code_point(&hex[at..])?),
        )),
    }
}

fn code_point(hex: &str) -> Option<char> {
    let value = u32::from_str_radix(hex, 16).ok()?;
    let value = REMAP
        .iter()
        .find(|(wrong, _)| *wrong == value)
        .map_or(value, |(_, right)| *right);
    char::from_u32(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(span: &str) -> Option<(String, usize)> {
        span_at(span).map(|(c, n)| {
            let mut s = String::new();
            c.push_to(&mut s);
            (s, n)
        })
    }

    #[test]
    fn splits_by_length() {
        let one = "<span class=\"emoji emoji1f604\"></span>";
        assert_eq!(decode(one), Some(("\u{1f604}".into(), one.len())));
        let four = "<span class=\"emoji emoji2600\"></span>";
        assert_eq!(decode(four), Some(("\u{2600}".into(), four.len())));
        let keycap = "<span class=\"emoji emoji3020e3\"></span>";
        assert_eq!(decode(keycap), Some(("0\u{20e3}".into(), keycap.len())));
        let eight = "<span class=\"emoji emoji260e20e3\"></span>";
        assert_eq!(
            decode(eight),
            Some(("\u{260e}\u{20e3}".into(), eight.len()))
        );
        let flag = "<span class=\"emoji emoji1f1e81f1f3\"></span>";
        assert_eq!(
            decode(flag),
            Some(("\u{1f1e8}\u{1f1f3}".into(), flag.len()))
        );
    }

    #[test]
    fn remaps_wrong_code_points() {
        for (wrong, right) in REMAP {
            let span = format!("<span class=\"emoji emoji{wrong:x}\"></span>");
            let want = char::from_u32(right).map(String::from);
            assert_eq!(decode(&span).map(|d| d.0), want, "{wrong:x}");
        }
    }

    #[test]
    fn truncated_span_and_failures() {
        let cut = "<span class=\"emoji emoji1f450\"></span";
        assert_eq!(decode(cut), Some(("\u{1f450}".into(), cut.len())));
        assert_eq!(decode("<span class=\"emoji emoji\"></span>"), None);
        assert_eq!(decode("<span class=\"emoji emojid800\"></span>"), None);
        assert_eq!(
            decode("<span class=\"emoji emoji1f6041f6041\"></span>"),
            None
        );
        assert_eq!(decode("<span class=\"emoji emoji1f604\">"), None);
        assert_eq!(decode("<span class=\"emoji emoji1f60"), None);
    }
}
