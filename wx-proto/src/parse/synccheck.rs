//! The synccheck object literal: `window.synccheck={retcode:"0",selector:"2"}`, with no
//! allocation: the exact form the server sends is read by a byte scanner, anything else
//! (spacing, other quotes, other key order, errors) by the nom parser, which alone decides
//! what an input means: the scanner only accepts inputs whose reading is the same.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while1},
    character::complete::{char, digit1, multispace0},
    combinator::opt,
    sequence::delimited,
};

use crate::error::{ErrorKind, Format, ParseError};
use crate::ret_code::RetCode;

/// A synccheck answer. Any selector other than 0 means "call webwxsync now".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncCheck {
    /// The `retcode` (0 = OK; 1100, 1101, 1102 = logged out).
    pub retcode: RetCode,
    /// The `selector` (0 = nothing new; 2, 3, 4, 6, 7 = something to sync).
    pub selector: u32,
}

/// Parses a synccheck body. Keys may come in any order, values quoted or bare.
pub fn parse_synccheck(body: &[u8]) -> Result<SyncCheck, ParseError> {
    match scan_canonical(body) {
        Some(check) => Ok(check),
        None => parse_general(body),
    }
}

/// The form every captured answer has, `window.synccheck={retcode:"N",selector:"N"}` with
/// an optional `;` and trailing whitespace; `None` for anything else.
fn scan_canonical(body: &[u8]) -> Option<SyncCheck> {
    let rest = body.strip_prefix(b"window.synccheck={retcode:\"")?;
    let (negative, rest) = match rest.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let (magnitude, rest) = digits(rest)?;
    let rest = rest.strip_prefix(b"\",selector:\"")?;
    let (selector, rest) = digits(rest)?;
    let rest = rest.strip_prefix(b"\"}")?;
    let rest = rest.strip_prefix(b";").unwrap_or(rest);
    if !rest.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let retcode = i64::try_from(magnitude).ok()?;
    Some(SyncCheck {
        retcode: RetCode::from_raw(if negative { -retcode } else { retcode }),
        selector: u32::try_from(selector).ok()?,
    })
}

/// One to eighteen ASCII digits (no overflow possible) and what follows them.
fn digits(input: &[u8]) -> Option<(u64, &[u8])> {
    let len = input.iter().take_while(|b| b.is_ascii_digit()).count();
    if len == 0 || len > 18 {
        return None;
    }
    let (digits, rest) = input.split_at(len);
    let value = digits
        .iter()
        .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    Some((value, rest))
}

/// Panics if the fast scanner accepts `body` with another reading than the general parser
/// (for the fuzz target).
#[cfg(feature = "fuzzing")]
pub(crate) fn check_scanner_agrees(body: &[u8]) {
    if let Some(fast) = scan_canonical(body) {
        assert_eq!(Ok(fast), parse_general(body), "synccheck scanner disagrees");
    }
}

/// The nom parser for every accepted form, with typed errors.
fn parse_general(body: &[u8]) -> Result<SyncCheck, ParseError> {
    let input = std::str::from_utf8(body).map_err(|e| ParseError::utf8(Format::SyncCheck, e))?;
    let at = |rest: &str| input.len() - rest.len();
    let (mut rest, _) = head(input).map_err(|e| nom_error(input, e))?;
    let mut retcode = None;
    let mut selector = None;
    loop {
        let (r, (key, value)) = field(rest).map_err(|e| nom_error(input, e))?;
        let value_at = at(rest);
        match key {
            "retcode" => {
                let n = value
                    .parse::<i64>()
                    .map_err(|_| err(value_at, ErrorKind::InvalidValue("retcode")))?;
                retcode = Some(RetCode::from_raw(n));
            }
            "selector" => {
                let n = value
                    .parse::<u32>()
                    .map_err(|_| err(value_at, ErrorKind::InvalidValue("selector")))?;
                selector = Some(n);
            }
            _ => {}
        }
        let (r, sep) = delimited(multispace0, alt((char(','), char('}'))), multispace0)
            .parse(r)
            .map_err(|e| nom_error(input, e))?;
        rest = r;
        if sep == '}' {
            break;
        }
    }
    let (rest, _) = opt(char::<&str, nom::error::Error<&str>>(';'))
        .parse(rest)
        .map_err(|e| nom_error(input, e))?;
    if !rest.trim().is_empty() {
        return Err(err(at(rest.trim_start()), ErrorKind::Syntax));
    }
    Ok(SyncCheck {
        retcode: retcode.ok_or(err(input.len(), ErrorKind::MissingField("retcode")))?,
        selector: selector.ok_or(err(input.len(), ErrorKind::MissingField("selector")))?,
    })
}

fn err(offset: usize, kind: ErrorKind) -> ParseError {
    ParseError::new(Format::SyncCheck, offset, kind)
}

fn nom_error(input: &str, e: nom::Err<nom::error::Error<&str>>) -> ParseError {
    match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => {
            let kind = if e.input.is_empty() {
                ErrorKind::UnexpectedEnd
            } else {
                ErrorKind::Syntax
            };
            err(input.len() - e.input.len(), kind)
        }
        nom::Err::Incomplete(_) => err(input.len(), ErrorKind::UnexpectedEnd),
    }
}

fn head(input: &str) -> IResult<&str, ()> {
    let (input, _) = (
        multispace0,
        tag("window.synccheck"),
        multispace0,
        char('='),
        multispace0,
        char('{'),
        multispace0,
    )
        .parse(input)?;
    Ok((input, ()))
}

fn field(input: &str) -> IResult<&str, (&str, &str)> {
    let (input, key) = alt((
        delimited(char('"'), key_chars, char('"')),
        delimited(char('\''), key_chars, char('\'')),
        key_chars,
    ))
    .parse(input)?;
    let (input, _) = (multispace0, char(':'), multispace0).parse(input)?;
    let (input, value) = alt((
        delimited(char('"'), signed_digits, char('"')),
        delimited(char('\''), signed_digits, char('\'')),
        signed_digits,
    ))
    .parse(input)?;
    Ok((input, (key, value)))
}

fn key_chars(input: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_').parse(input)
}

fn signed_digits(input: &str) -> IResult<&str, &str> {
    nom::combinator::recognize((opt(char('-')), digit1)).parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_and_variants() {
        let ok = parse_synccheck(br#"window.synccheck={retcode:"0",selector:"2"}"#);
        assert_eq!(
            ok,
            Ok(SyncCheck {
                retcode: RetCode::Ok,
                selector: 2
            })
        );
        let spaced = parse_synccheck(b"window.synccheck = { selector : '7' , retcode: 1101 };\n");
        assert_eq!(
            spaced,
            Ok(SyncCheck {
                retcode: RetCode::SessionInvalid,
                selector: 7
            })
        );
    }

    /// The scanner agrees with the nom parser wherever it answers, and declines the rest.
    #[test]
    fn scanner_agrees_with_the_general_parser() {
        let accepted: &[&[u8]] = &[
            br#"window.synccheck={retcode:"0",selector:"2"}"#,
            br#"window.synccheck={retcode:"1101",selector:"0"};"#,
            b"window.synccheck={retcode:\"-14\",selector:\"7\"}\r\n",
            br#"window.synccheck={retcode:"000000000000000001",selector:"4294967295"}"#,
        ];
        for body in accepted {
            let fast = scan_canonical(body).expect("canonical");
            assert_eq!(Ok(fast), parse_general(body));
        }
        let declined: &[&[u8]] = &[
            br#"window.synccheck={retcode:"0",selector:"4294967296"}"#,
            br#"window.synccheck={retcode:"9999999999999999999",selector:"0"}"#,
            br#"window.synccheck={retcode:"",selector:"0"}"#,
            br#"window.synccheck={retcode:"-",selector:"0"}"#,
            br#"window.synccheck={retcode:"0",selector:"-1"}"#,
            br#"window.synccheck={retcode:"0",selector:"2"};x"#,
            br#"window.synccheck={retcode:"0",selector:"2"};;"#,
            br#"window.synccheck = {retcode:"0",selector:"2"}"#,
            br#"window.synccheck={selector:"2",retcode:"0"}"#,
            br#"window.synccheck={retcode:"0",selector:"2""#,
        ];
        for body in declined {
            assert_eq!(
                scan_canonical(body),
                None,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        // Every cut and every single-byte change of the canonical form: the fast path and
        // the general parser read the same thing, or the fast path declines.
        let base = br#"window.synccheck={retcode:"1102",selector:"6"};"#;
        for cut in 0..=base.len() {
            let body = &base[..cut];
            if let Some(fast) = scan_canonical(body) {
                assert_eq!(Ok(fast), parse_general(body));
            }
        }
        for at in 0..base.len() {
            for byte in [
                b'0', b'9', b'-', b'"', b'\'', b' ', b';', b'}', b'x', 0, 0xff,
            ] {
                let mut body = base.to_vec();
                body[at] = byte;
                if let Some(fast) = scan_canonical(&body) {
                    assert_eq!(
                        Ok(fast),
                        parse_general(&body),
                        "{}",
                        String::from_utf8_lossy(&body)
                    );
                }
            }
        }
    }

    #[test]
    fn errors() {
        let e = parse_synccheck(br#"window.synccheck={retcode:"0"}"#).expect_err("no selector");
        assert_eq!(e.kind, ErrorKind::MissingField("selector"));
        let e = parse_synccheck(br#"window.synccheck={retcode:"0",selector:"2""#).expect_err("cut");
        assert_eq!(e.kind, ErrorKind::UnexpectedEnd);
        let e = parse_synccheck(br#"window.synccheck={retcode:"x"}"#).expect_err("bad");
        assert_eq!(e.offset, 26);
        let e = parse_synccheck(br#"window.synccheck={retcode:"0",selector:"99999999999"}"#)
            .expect_err("range");
        assert_eq!(e.kind, ErrorKind::InvalidValue("selector"));
    }
}
