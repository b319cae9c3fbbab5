//! The tolerant reading of a body: its top-level members found by the structural scanner
//! (`split`), each known member read on its own, so a poisoned member (a raw
//! control byte or invalid UTF-8 in a string, a wrong type) costs only itself.
//!
//! The reading decides per member what a fault costs: a required member fails the body
//! ([`Members::required`]), an optional one is dropped ([`Members::optional`]), a list
//! loses only its bad elements ([`Members::list`]). Unknown members are never read.

use serde::Deserialize;

use super::element::{BadElement, element, key_is, value};
use super::split::{self, Span};
use crate::error::{ErrorKind, Format, ParseError};

/// How often a known member occurs.
#[derive(Clone, Copy)]
enum Slot {
    Absent,
    Once(Span),
    /// More than once: ambiguous; the offset of the second key.
    Repeated(usize),
}

/// The known members of a body's top-level object.
pub(crate) struct Members<'a> {
    body: &'a [u8],
    format: Format,
    names: &'static [&'static str],
    slots: Vec<Slot>,
    /// One past the closing `}` of the object (for a missing member's offset).
    end: usize,
}

impl<'a> Members<'a> {
    /// Splits `body`, whose top-level object must be whole, and finds `names` in it.
    pub fn scan(
        body: &'a [u8],
        format: Format,
        names: &'static [&'static str],
    ) -> Result<Self, ParseError> {
        let mut slots = vec![Slot::Absent; names.len()];
        for m in split::top_level(body, format)? {
            let Some(i) = names.iter().position(|n| key_is(body, m.key, n)) else {
                continue;
            };
            if let Some(slot) = slots.get_mut(i) {
                *slot = match slot {
                    Slot::Absent => Slot::Once(m.value),
                    Slot::Once(_) | Slot::Repeated(_) => {
                        Slot::Repeated(m.key.start.saturating_sub(1))
                    }
                };
            }
        }
        let end = body.trim_ascii_end().len().saturating_sub(1);
        Ok(Members {
            body,
            format,
            names,
            slots,
            end,
        })
    }

    fn slot(&self, name: &str) -> Slot {
        self.names
            .iter()
            .position(|n| *n == name)
            .and_then(|i| self.slots.get(i).copied())
            .unwrap_or(Slot::Absent)
    }

    /// A member the body cannot do without once present: `None` when absent, the member's
    /// own error when malformed, an error when repeated.
    pub fn required<T: Deserialize<'a>>(&self, name: &str) -> Result<Option<T>, ParseError> {
        match self.slot(name) {
            Slot::Absent => Ok(None),
            Slot::Once(span) => value(self.body, span, self.format).map(Some),
            Slot::Repeated(at) => Err(self.repeated(at)),
        }
    }

    /// As [`Members::required`], with a missing member an error too.
    pub fn present<T: Deserialize<'a>>(&self, name: &'static str) -> Result<T, ParseError> {
        self.required(name)?
            .ok_or_else(|| ParseError::new(self.format, self.end, ErrorKind::MissingField(name)))
    }

    /// A member the body can do without: `None` when absent, malformed or repeated.
    pub fn optional<T: Deserialize<'a>>(&self, name: &str) -> Option<T> {
        match self.slot(name) {
            Slot::Once(span) => value(self.body, span, self.format).ok(),
            Slot::Absent | Slot::Repeated(_) => None,
        }
    }

    /// A list member, each element read on its own as a `T` (errors in `element_format`,
    /// ids from `id_key`). Absent or `null` gives no elements; a value that is not an
    /// array, or the rest of an array after a structural fault, gives one error without an
    /// id. A repeated list is an error: which one to deliver is ambiguous.
    pub fn list<T: Deserialize<'a>>(
        &self,
        name: &str,
        element_format: Format,
        id_key: &str,
    ) -> Result<Vec<Result<T, BadElement>>, ParseError> {
        let span = match self.slot(name) {
            Slot::Absent => return Ok(Vec::new()),
            Slot::Once(span) => span,
            Slot::Repeated(at) => return Err(self.repeated(at)),
        };
        let bytes = span.of(self.body);
        if bytes == b"null" {
            return Ok(Vec::new());
        }
        if bytes.first() != Some(&b'[') {
            let error =
                ParseError::new(element_format, span.start, ErrorKind::InvalidValue("json"));
            return Ok(vec![Err(BadElement { error, id: None })]);
        }
        let mut out = Vec::new();
        for item in split::elements(self.body, span.start, element_format) {
            out.push(match item {
                Ok(at) => element(self.body, at, element_format, id_key),
                Err(error) => Err(BadElement { error, id: None }),
            });
        }
        Ok(out)
    }

    fn repeated(&self, at: usize) -> ParseError {
        ParseError::new(self.format, at, ErrorKind::InvalidValue("duplicate field"))
    }
}

/// Splits a list's results into the good elements and the bad ones.
pub(crate) fn partition<T>(items: Vec<Result<T, BadElement>>) -> (Vec<T>, Vec<BadElement>) {
    let mut good = Vec::with_capacity(items.len());
    let mut bad = Vec::new();
    for item in items {
        match item {
            Ok(v) => good.push(v),
            Err(e) => bad.push(e),
        }
    }
    (good, bad)
}
