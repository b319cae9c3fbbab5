//! The JavaScript-assignment format of jslogin and the login poll, parsed with nom, zero-copy.
//!
//! A body is a sequence of `window.<name> = <value>;` statements: any spacing, double or
//! single quotes, escapes inside strings, and an optional `;` after the last one.

use std::borrow::Cow;

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while, take_while1},
    character::complete::{char, digit1, multispace0},
    combinator::{opt, recognize},
    sequence::preceded,
};

use crate::error::{ErrorKind, Format, ParseError};

/// A string literal as it stands between its quotes, escapes not yet undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsStr<'a> {
    raw: &'a str,
    has_escapes: bool,
}

impl<'a> JsStr<'a> {
    /// The text between the quotes, as received.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// The value with JavaScript escapes undone; borrows when there are none.
    pub fn value(&self) -> Cow<'a, str> {
        if self.has_escapes {
            Cow::Owned(unescape(self.raw))
        } else {
            Cow::Borrowed(self.raw)
        }
    }
}

/// The right-hand side of an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsValue<'a> {
    /// An integer literal.
    Int(i64),
    /// A string literal (double- or single-quoted).
    Str(JsStr<'a>),
}

impl<'a> JsValue<'a> {
    /// The integer, if this is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            JsValue::Int(n) => Some(*n),
            JsValue::Str(_) => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<JsStr<'a>> {
        match self {
            JsValue::Str(s) => Some(*s),
            JsValue::Int(_) => None,
        }
    }
}

/// One statement: `window.<name> = <value>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsAssignment<'a> {
    /// The assigned path without the leading `window.`, e.g. `QRLogin.code`.
    pub name: &'a str,
    /// The assigned value.
    pub value: JsValue<'a>,
}

/// An iterator over the statements of a body. Yields one error and then stops on bad input.
#[derive(Debug, Clone)]
pub struct JsAssignments<'a> {
    input: &'a str,
    rest: &'a str,
    failed: bool,
}

/// Parses a JavaScript-assignment body lazily. The body must be UTF-8.
pub fn js_assignments(body: &[u8]) -> Result<JsAssignments<'_>, ParseError> {
    let input = std::str::from_utf8(body).map_err(|e| ParseError::utf8(Format::JsAssignment, e))?;
    Ok(JsAssignments {
        input,
        rest: input,
        failed: false,
    })
}

impl<'a> Iterator for JsAssignments<'a> {
    type Item = Result<JsAssignment<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let trimmed = skip_separators(self.rest);
        if trimmed.is_empty() {
            self.rest = trimmed;
            return None;
        }
        match statement(trimmed) {
            Ok((rest, item)) => {
                // A statement ends at `;`, at the end, or at whitespace before the next statement.
                let after = rest.trim_start();
                let separated = after.len() < rest.len() && after.starts_with("window.");
                if !after.is_empty() && !after.starts_with(';') && !separated {
                    return Some(Err(self.fail(after, ErrorKind::Syntax)));
                }
                self.rest = rest;
                Some(Ok(item))
            }
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                let kind = if e.input.is_empty() {
                    ErrorKind::UnexpectedEnd
                } else {
                    ErrorKind::Syntax
                };
                Some(Err(self.fail(e.input, kind)))
            }
            Err(nom::Err::Incomplete(_)) => Some(Err(self.fail("", ErrorKind::UnexpectedEnd))),
        }
    }
}

impl<'a> JsAssignments<'a> {
    fn fail(&mut self, at: &'a str, kind: ErrorKind) -> ParseError {
        self.failed = true;
        ParseError::new(Format::JsAssignment, self.input.len() - at.len(), kind)
    }

    /// Finds the first assignment to `name`, checking every statement for syntax on the way.
    pub fn find(self, name: &str) -> Result<Option<JsValue<'a>>, ParseError> {
        let mut found = None;
        for item in self {
            let item = item?;
            if found.is_none() && item.name == name {
                found = Some(item.value);
            }
        }
        Ok(found)
    }
}

fn skip_separators(s: &str) -> &str {
    s.trim_start_matches(|c: char| c == ';' || c.is_ascii_whitespace())
}

fn statement(input: &str) -> IResult<&str, JsAssignment<'_>> {
    let (input, _) = tag("window.").parse(input)?;
    let (input, name) =
        recognize((ident, nom::multi::many0_count(preceded(char('.'), ident)))).parse(input)?;
    let (input, _) = (multispace0, char('='), multispace0).parse(input)?;
    let (input, value) = alt((int_value, string_value)).parse(input)?;
    Ok((input, JsAssignment { name, value }))
}

fn ident(input: &str) -> IResult<&str, &str> {
    recognize((
        take_while1(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$'),
    ))
    .parse(input)
}

fn int_value(input: &str) -> IResult<&str, JsValue<'_>> {
    let (rest, digits) = recognize((opt(char('-')), digit1)).parse(input)?;
    match digits.parse::<i64>() {
        Ok(n) => Ok((rest, JsValue::Int(n))),
        Err(_) => Err(nom::Err::Failure(nom::error::Error::new(
            input,
            nom::error::ErrorKind::Digit,
        ))),
    }
}

fn string_value(input: &str) -> IResult<&str, JsValue<'_>> {
    let quote = match input.chars().next() {
        Some(q @ ('"' | '\'')) => q,
        _ => {
            return Err(nom::Err::Error(nom::error::Error::new(
                input,
                nom::error::ErrorKind::Char,
            )));
        }
    };
    let body = &input[1..];
    let mut has_escapes = false;
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            has_escapes = true;
            if chars.next().is_none() {
                break;
            }
        } else if c == quote {
            let raw = &body[..i];
            return Ok((&body[i + 1..], JsValue::Str(JsStr { raw, has_escapes })));
        } else if c == '\n' {
            // An unterminated line: JavaScript strings cannot span lines.
            return Err(nom::Err::Failure(nom::error::Error::new(
                &body[i..],
                nom::error::ErrorKind::Char,
            )));
        }
    }
    Err(nom::Err::Failure(nom::error::Error::new(
        &body[body.len()..],
        nom::error::ErrorKind::Eof,
    )))
}

/// Undoes JavaScript string escapes: `\n \r \t \b \f \v \0 \xHH \uXXXX \u{X..}` and `\<char>`.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('0') => out.push('\0'),
            Some('x') => push_hex(&mut out, &mut chars, 2, 'x'),
            Some('u') if chars.peek() == Some(&'{') => {
                chars.next();
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push(char::REPLACEMENT_CHARACTER),
                }
            }
            Some('u') => push_hex(&mut out, &mut chars, 4, 'u'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn push_hex(
    out: &mut String,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    width: usize,
    letter: char,
) {
    let mut hex = String::with_capacity(width);
    for _ in 0..width {
        match chars.peek() {
            Some(c) if c.is_ascii_hexdigit() => {
                hex.push(*c);
                chars.next();
            }
            _ => break,
        }
    }
    if hex.len() != width {
        out.push(letter);
        out.push_str(&hex);
        return;
    }
    let code = u32::from_str_radix(&hex, 16).ok();
    // A UTF-16 surrogate cannot stand alone; pair it with a following `\uXXXX` when present.
    if let Some(high @ 0xD800..=0xDBFF) = code {
        let mut look = chars.clone();
        if look.next() == Some('\\') && look.next() == Some('u') {
            let low: String = look.by_ref().take(4).collect();
            if let Ok(low @ 0xDC00..=0xDFFF) = u32::from_str_radix(&low, 16) {
                let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                if let Some(ch) = char::from_u32(combined) {
                    out.push(ch);
                    *chars = look;
                    return;
                }
            }
        }
    }
    out.push(
        code.and_then(char::from_u32)
            .unwrap_or(char::REPLACEMENT_CHARACTER),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(body: &str) -> Result<Vec<JsAssignment<'_>>, ParseError> {
        js_assignments(body.as_bytes())?.collect()
    }

    #[test]
    fn qrlogin_with_spaces() {
        let items = all(r#"window.QRLogin.code = 200; window.QRLogin.uuid = "gbyKnbsmqQ==";"#)
            .expect("parses");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].name, "QRLogin.code");
        assert_eq!(items[0].value, JsValue::Int(200));
        assert_eq!(items[1].name, "QRLogin.uuid");
        assert_eq!(
            items[1].value.as_str().map(|s| s.raw()),
            Some("gbyKnbsmqQ==")
        );
    }

    #[test]
    fn mixed_spacing_single_quotes_and_semicolons_inside_strings() {
        let body = "window.code=201;window.userAvatar = 'data:img/jpg;base64,/9j/4A==';";
        let items = all(body).expect("parses");
        assert_eq!(items[0].value, JsValue::Int(201));
        assert_eq!(
            items[1].value.as_str().map(|s| s.raw()),
            Some("data:img/jpg;base64,/9j/4A==")
        );
    }

    #[test]
    fn missing_final_semicolon_and_newlines() {
        let items = all("window.code=408\n").expect("parses");
        assert_eq!(items.len(), 1);
        let items = all("window.code = 200 ;\n window.redirect_uri = \"x\"").expect("parses");
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn escapes_are_undone_on_demand() {
        let items = all(r#"window.a = "q\"x\u0041\\\n"; window.b='it\'s';"#).expect("parses");
        assert_eq!(
            items[0].value.as_str().map(|s| s.value()),
            Some("q\"xA\\\n".into())
        );
        assert_eq!(
            items[1].value.as_str().map(|s| s.value()),
            Some("it's".into())
        );
        let items = all(r#"window.e = "\ud83d\ude00";"#).expect("parses");
        assert_eq!(
            items[0].value.as_str().map(|s| s.value()),
            Some("😀".into())
        );
    }

    #[test]
    fn empty_string_and_negative_number() {
        let items = all(r#"window.a = ""; window.b = -5;"#).expect("parses");
        assert_eq!(items[0].value.as_str().map(|s| s.raw()), Some(""));
        assert_eq!(items[1].value, JsValue::Int(-5));
    }

    #[test]
    fn errors_have_offsets() {
        let err = all("window.code=").expect_err("incomplete");
        assert_eq!(err.offset, 12);
        let err = all(r#"window.a = "open"#).expect_err("unterminated");
        assert_eq!(err.kind, ErrorKind::UnexpectedEnd);
        let err = all("window.code=2 00;").expect_err("junk");
        assert_eq!(err.offset, 14);
        let err = all("<html>").expect_err("html");
        assert_eq!(err.offset, 0);
        let err = all("window.code=99999999999999999999;").expect_err("overflow");
        assert_eq!(err.kind, ErrorKind::Syntax);
        let err = js_assignments(b"window.a='\xff'").expect_err("utf8");
        assert_eq!((err.offset, err.kind), (10, ErrorKind::InvalidUtf8));
    }
}
