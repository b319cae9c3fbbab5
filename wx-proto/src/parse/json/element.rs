//! One element of a list (a message, a contact) read on its own from its span of the body,
//! and [`BadElement`], the error of an element that cannot be read.

use std::fmt;

use serde::Deserialize;

use super::common::json_error;
use super::lenient;
use super::split::{self, Span};
use crate::error::{ErrorKind, Format, ParseError};

/// A list element that could not be read: the fault, and the element's id when it could
/// still be found (a message's `MsgId`, a contact's `UserName`).
///
/// It dereferences to its [`ParseError`]. Neither `Debug` nor `Display` shows any element
/// content beyond the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadElement {
    /// Why the element was refused; its offset is in the whole body.
    pub error: ParseError,
    /// The element's id, if a string or number value of its id key could be read.
    pub id: Option<String>,
}

impl std::ops::Deref for BadElement {
    type Target = ParseError;

    fn deref(&self) -> &ParseError {
        &self.error
    }
}

impl fmt::Display for BadElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{} (element {id})", self.error),
            None => self.error.fmt(f),
        }
    }
}

impl std::error::Error for BadElement {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Reads the element at `span` of `body` as a `T`; on failure, the error with the value of
/// the element's `id_key` member if readable.
pub(crate) fn element<'a, T: Deserialize<'a>>(
    body: &'a [u8],
    span: Span,
    format: Format,
    id_key: &str,
) -> Result<T, BadElement> {
    value(body, span, format).map_err(|error| BadElement {
        error,
        id: element_id(body, span, format, id_key),
    })
}

/// Reads the value at `span` of `body` as a `T`; errors carry offsets in `body`. Invalid
/// UTF-8 is refused only where a string is read (as in a whole-body
/// `serde_json::from_slice`), not inside skipped members.
pub(crate) fn value<'a, T: Deserialize<'a>>(
    body: &'a [u8],
    span: Span,
    format: Format,
) -> Result<T, ParseError> {
    let bytes = span.of(body);
    serde_json::from_slice(bytes).map_err(|e| {
        let mut err = json_error(bytes, &e, format);
        if let Some(at) = utf8_fault(bytes, &e, err.offset) {
            err.kind = ErrorKind::InvalidUtf8;
            err.offset = at;
        }
        err.offset += span.start;
        err
    })
}

/// Where serde refused a string for its invalid UTF-8 (it reports the string's end, at
/// `offset`): the last invalid byte before that.
fn utf8_fault(bytes: &[u8], e: &serde_json::Error, offset: usize) -> Option<usize> {
    if !e.to_string().starts_with("invalid unicode code point") {
        return None;
    }
    let mut at = 0;
    let mut last = None;
    for chunk in bytes.utf8_chunks() {
        at += chunk.valid().len();
        if !chunk.invalid().is_empty() && at <= offset {
            last = Some(at);
        }
        at += chunk.invalid().len();
    }
    last
}

/// The value of the element's `id_key` member, when the element is an object whose
/// structure can be followed that far and the value is a readable string or number.
fn element_id(body: &[u8], span: Span, format: Format, id_key: &str) -> Option<String> {
    let member = split::members(body, span.start, format)
        .map_while(Result::ok)
        .find(|m| key_is(body, m.key, id_key))?;
    let first = member.value.of(body).first()?;
    if !(*first == b'"' || *first == b'-' || first.is_ascii_digit()) {
        return None;
    }
    value::<Id>(body, member.value, format)
        .ok()
        .map(|id| id.0)
        .filter(|id| !id.is_empty())
}

/// An id as the element types read it: a string, or a number as its decimal text.
#[derive(Deserialize)]
#[serde(transparent)]
struct Id(#[serde(deserialize_with = "lenient::string")] String);

/// True when the key at `key` (between its quotes) reads as `name`: byte for byte, or once
/// its escapes are decoded.
pub(crate) fn key_is(body: &[u8], key: Span, name: &str) -> bool {
    let raw = key.of(body);
    if raw == name.as_bytes() {
        return true;
    }
    if !raw.contains(&b'\\') {
        return false;
    }
    let quoted = Span {
        start: key.start.saturating_sub(1),
        end: key.end + 1,
    };
    serde_json::from_slice::<String>(quoted.of(body)).is_ok_and(|k| k == name)
}
