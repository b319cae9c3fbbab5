//! A tolerant structural scanner for JSON bodies: it finds the members of an object and the
//! elements of an array as byte spans, without reading any value.
//!
//! Inside strings it tolerates what a JSON parser refuses (raw control bytes, invalid UTF-8):
//! a string ends at the first unescaped `"`, and a backslash escapes the next byte, whatever
//! it is. Outside strings it follows the structure only (`{` `}` `[` `]` `,` `:` and
//! whitespace); scalars are taken as the bytes up to the next delimiter, unread. So one
//! poisoned value can be delimited, then refused on its own by the real parser, while its
//! siblings are read. It allocates nothing, never panics, and refuses nesting deeper than
//! [`MAX_DEPTH`] (serde_json's own limit) without recursing.

use memchr::memchr2;

use crate::error::{ErrorKind, Format, ParseError};

/// Containers nested deeper than this inside one value are refused.
pub(crate) const MAX_DEPTH: usize = 128;

/// A byte range of the body: `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The bytes of the span (empty if it lies outside `body`).
    pub fn of(self, body: &[u8]) -> &[u8] {
        body.get(self.start..self.end).unwrap_or_default()
    }
}

/// One member of an object: the key's bytes between its quotes (escapes not decoded) and
/// the value's span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Member {
    /// The key, without its quotes.
    pub key: Span,
    /// The value, without surrounding whitespace.
    pub value: Span,
}

/// The members of the object whose `{` is at `open`, in order. The iterator ends after the
/// closing `}` (see [`Members::end`]) or at the first structural fault, which it yields.
pub(crate) fn members(body: &[u8], open: usize, format: Format) -> Members<'_> {
    Members {
        seq: Seq::new(body, open, b'{', format),
    }
}

/// The element spans of the array whose `[` is at `open`, in order; as [`members`].
pub(crate) fn elements(body: &[u8], open: usize, format: Format) -> Elements<'_> {
    Elements {
        seq: Seq::new(body, open, b'[', format),
    }
}

/// The members of the body's top-level object, which must close the body (only
/// whitespace may follow it).
pub(crate) fn top_level(body: &[u8], format: Format) -> Result<Vec<Member>, ParseError> {
    let open = skip_ws(body, 0);
    let mut it = members(body, open, format);
    let out = it.by_ref().collect::<Result<Vec<_>, _>>()?;
    let end = it.end().unwrap_or(body.len());
    let rest = skip_ws(body, end);
    if rest < body.len() {
        return Err(ParseError::new(format, rest, ErrorKind::Syntax));
    }
    Ok(out)
}

/// Iterator of [`members`].
pub(crate) struct Members<'a> {
    seq: Seq<'a>,
}

impl Members<'_> {
    /// One past the closing `}`, once the iterator has reached it.
    pub fn end(&self) -> Option<usize> {
        self.seq.end()
    }
}

impl Iterator for Members<'_> {
    type Item = Result<Member, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        let seq = &mut self.seq;
        let start = seq.next_item()?;
        Some(
            start
                .and_then(|at| {
                    if seq.body.get(at) != Some(&b'"') {
                        return Err(seq.fail(at));
                    }
                    let key_end = string_end(seq.body, at, seq.format)?;
                    let colon = skip_ws(seq.body, key_end);
                    if seq.body.get(colon) != Some(&b':') {
                        return Err(seq.fail(colon));
                    }
                    let value_start = skip_ws(seq.body, colon + 1);
                    let value_end = value_end(seq.body, value_start, seq.format)?;
                    seq.pos = value_end;
                    Ok(Member {
                        key: Span {
                            start: at + 1,
                            end: key_end - 1,
                        },
                        value: Span {
                            start: value_start,
                            end: value_end,
                        },
                    })
                })
                .inspect_err(|_| seq.state = State::Done),
        )
    }
}

/// Iterator of [`elements`].
pub(crate) struct Elements<'a> {
    seq: Seq<'a>,
}

impl Iterator for Elements<'_> {
    type Item = Result<Span, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        let seq = &mut self.seq;
        let start = seq.next_item()?;
        Some(
            start
                .and_then(|at| {
                    let end = value_end(seq.body, at, seq.format)?;
                    seq.pos = end;
                    Ok(Span { start: at, end })
                })
                .inspect_err(|_| seq.state = State::Done),
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first item (just after the opening bracket).
    First,
    /// After an item.
    Next,
    /// The closing bracket was read (`end` is one past it), or a fault was yielded.
    Done,
}

/// The separators of an object or an array: where each item starts.
struct Seq<'a> {
    body: &'a [u8],
    format: Format,
    close: u8,
    pos: usize,
    state: State,
    end: Option<usize>,
    /// A fault found before the first item (no opening bracket), yielded once.
    pending: Option<ParseError>,
}

impl<'a> Seq<'a> {
    fn new(body: &'a [u8], open: usize, bracket: u8, format: Format) -> Self {
        let close = if bracket == b'{' { b'}' } else { b']' };
        let pending = (body.get(open) != Some(&bracket)).then(|| fault(body, open, format));
        Seq {
            body,
            format,
            close,
            pos: open + 1,
            state: State::First,
            end: None,
            pending,
        }
    }

    fn end(&self) -> Option<usize> {
        self.end
    }

    fn fail(&self, at: usize) -> ParseError {
        fault(self.body, at, self.format)
    }

    /// The start of the next item, `None` after the closing bracket, or the fault.
    fn next_item(&mut self) -> Option<Result<usize, ParseError>> {
        if let Some(e) = self.pending.take() {
            self.state = State::Done;
            return Some(Err(e));
        }
        let at = skip_ws(self.body, self.pos);
        let b = self.body.get(at).copied();
        let item = match self.state {
            State::Done => return None,
            State::First if b == Some(self.close) => None,
            State::First => Some(at),
            State::Next if b == Some(self.close) => None,
            State::Next if b == Some(b',') => Some(skip_ws(self.body, at + 1)),
            State::Next => {
                self.state = State::Done;
                return Some(Err(self.fail(at)));
            }
        };
        match item {
            None => {
                self.state = State::Done;
                self.end = Some(at + 1);
                None
            }
            Some(start) => {
                self.state = State::Next;
                Some(Ok(start))
            }
        }
    }
}

/// A fault at `at`: the end of the input if `at` is past it, a syntax error otherwise.
fn fault(body: &[u8], at: usize, format: Format) -> ParseError {
    if at >= body.len() {
        ParseError::new(format, body.len(), ErrorKind::UnexpectedEnd)
    } else {
        ParseError::new(format, at, ErrorKind::Syntax)
    }
}

/// The first non-whitespace position at or after `at`.
fn skip_ws(body: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = body.get(at) {
        at += 1;
    }
    at
}

/// One past the end of the value starting at `at`.
pub(crate) fn value_end(body: &[u8], at: usize, format: Format) -> Result<usize, ParseError> {
    match body.get(at) {
        Some(b'"') => string_end(body, at, format),
        Some(b'{' | b'[') => container_end(body, at, format),
        _ => {
            let mut end = at;
            while let Some(&b) = body.get(end) {
                if matches!(
                    b,
                    b',' | b':' | b'{' | b'}' | b'[' | b']' | b'"' | b' ' | b'\t' | b'\n' | b'\r'
                ) {
                    break;
                }
                end += 1;
            }
            if end == at {
                Err(fault(body, at, format))
            } else {
                Ok(end)
            }
        }
    }
}

/// One past the closing quote of the string whose opening quote is at `at`.
pub(crate) fn string_end(body: &[u8], at: usize, format: Format) -> Result<usize, ParseError> {
    let mut pos = at + 1;
    loop {
        let rest = body.get(pos..).unwrap_or_default();
        let Some(i) = memchr2(b'"', b'\\', rest) else {
            return Err(fault(body, body.len(), format));
        };
        if rest.get(i) == Some(&b'"') {
            return Ok(pos + i + 1);
        }
        // A backslash: the next byte is escaped, whatever it is.
        pos += i + 2;
    }
}

/// One past the bracket that closes the container opened at `at`, matching bracket kinds,
/// with strings skipped.
fn container_end(body: &[u8], at: usize, format: Format) -> Result<usize, ParseError> {
    // Bit `d` of `objects` is set when the container at depth `d` is an object.
    let mut objects: u128 = 0;
    let mut depth = 0usize;
    let mut pos = at;
    while let Some(&b) = body.get(pos) {
        match b {
            b'"' => {
                pos = string_end(body, pos, format)?;
                continue;
            }
            b'{' | b'[' => {
                if depth == MAX_DEPTH {
                    return Err(ParseError::new(format, pos, ErrorKind::Syntax));
                }
                let bit = 1u128 << depth;
                objects = if b == b'{' {
                    objects | bit
                } else {
                    objects & !bit
                };
                depth += 1;
            }
            b'}' | b']' => {
                // depth >= 1 here: the scan starts at an opening bracket.
                depth -= 1;
                let is_object = objects & (1u128 << depth) != 0;
                if is_object != (b == b'}') {
                    return Err(ParseError::new(format, pos, ErrorKind::Syntax));
                }
                if depth == 0 {
                    return Ok(pos + 1);
                }
            }
            _ => {}
        }
        pos += 1;
    }
    Err(fault(body, body.len(), format))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Endpoint;

    const F: Format = Format::Json(Endpoint::Sync);

    fn keys(body: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        top_level(body, F)
            .expect("splits")
            .into_iter()
            .map(|m| (m.key.of(body).to_vec(), m.value.of(body).to_vec()))
            .collect()
    }

    #[test]
    fn members_and_values_are_delimited() {
        let body = br#" { "a" : 1 , "b":"x\"y", "c":{"d":[1,{"e":"]"}]}, "f":[ ] } "#;
        assert_eq!(
            keys(body),
            vec![
                (b"a".to_vec(), b"1".to_vec()),
                (b"b".to_vec(), br#""x\"y""#.to_vec()),
                (b"c".to_vec(), br#"{"d":[1,{"e":"]"}]}"#.to_vec()),
                (b"f".to_vec(), b"[ ]".to_vec()),
            ]
        );
        assert_eq!(keys(b"{}"), vec![]);
    }

    #[test]
    fn raw_control_bytes_and_invalid_utf8_inside_strings_are_tolerated() {
        let body = b"{\"a\":\"x\x01\xff\",\"b\xfe\":[\"\x00\",2]}";
        let m = top_level(body, F).expect("splits");
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].key.of(body), b"b\xfe");
        let items: Vec<Span> = elements(body, m[1].value.start, F)
            .collect::<Result<_, _>>()
            .expect("elements");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].of(body), b"\"\x00\"");
        assert_eq!(items[1].of(body), b"2");
    }

    #[test]
    fn truncation_and_garbage_are_faults_inside_the_input() {
        let whole = br#"{"a":[1,{"b":"c"}],"d":"e"}"#;
        for len in 0..whole.len() {
            let e = top_level(&whole[..len], F).expect_err("cut");
            assert!(e.offset <= len);
        }
        for bad in [
            &b"{\"a\" 1}"[..],
            b"{\"a\":1 2}",
            b"{\"a\":}",
            b"{\"a\":[}]}",
            b"{1:2}",
            b"{} x",
            b"[]",
        ] {
            let e = top_level(bad, F).expect_err("malformed");
            assert!(e.offset <= bad.len());
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let mut body = b"{\"a\":".to_vec();
        body.extend(std::iter::repeat_n(b'[', MAX_DEPTH));
        body.extend(std::iter::repeat_n(b']', MAX_DEPTH));
        body.push(b'}');
        assert!(top_level(&body, F).is_ok());
        let mut deep = b"{\"a\":".to_vec();
        deep.extend(std::iter::repeat_n(b'[', 100_000));
        assert!(top_level(&deep, F).is_err());
    }
}
