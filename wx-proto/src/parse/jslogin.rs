//! The jslogin body: `window.QRLogin.code = 200; window.QRLogin.uuid = "...";`.

use std::borrow::Cow;

use super::js_assign::{JsValue, js_assignments};
use crate::error::{ErrorKind, Format, ParseError};

/// What jslogin answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsLogin<'a> {
    /// Code 200 and a uuid to show as a QR code.
    Uuid(Cow<'a, str>),
    /// Any other code: the request failed (retry after a delay).
    Failed {
        /// The `QRLogin.code` value.
        code: i64,
    },
}

/// Parses a jslogin body.
pub fn parse_jslogin(body: &[u8]) -> Result<JsLogin<'_>, ParseError> {
    let mut code = None;
    let mut uuid = None;
    for item in js_assignments(body).map_err(|e| retag(e, body))? {
        let item = item.map_err(|e| retag(e, body))?;
        match (item.name, item.value) {
            ("QRLogin.code", JsValue::Int(n)) => code = code.or(Some(n)),
            ("QRLogin.code", JsValue::Str(_)) => return Err(invalid("QRLogin.code")),
            ("QRLogin.uuid", JsValue::Str(s)) => uuid = uuid.or(Some(s)),
            ("QRLogin.uuid", JsValue::Int(_)) => return Err(invalid("QRLogin.uuid")),
            _ => {}
        }
    }
    let code = code.ok_or_else(|| missing(body, "QRLogin.code"))?;
    match (code, uuid) {
        (200, Some(uuid)) if !uuid.raw().is_empty() => Ok(JsLogin::Uuid(uuid.value())),
        (200, _) => Err(missing(body, "QRLogin.uuid")),
        (code, _) => Ok(JsLogin::Failed { code }),
    }
}

fn retag(e: ParseError, _body: &[u8]) -> ParseError {
    ParseError::new(Format::JsLogin, e.offset, e.kind)
}

fn missing(body: &[u8], field: &'static str) -> ParseError {
    ParseError::new(Format::JsLogin, body.len(), ErrorKind::MissingField(field))
}

fn invalid(field: &'static str) -> ParseError {
    ParseError::new(Format::JsLogin, 0, ErrorKind::InvalidValue(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_and_failures() {
        let ok =
            parse_jslogin(br#"window.QRLogin.code = 200; window.QRLogin.uuid = "gfNHoe0rgA==";"#);
        assert_eq!(ok, Ok(JsLogin::Uuid("gfNHoe0rgA==".into())));
        let failed = parse_jslogin(b"window.QRLogin.code = 400;");
        assert_eq!(failed, Ok(JsLogin::Failed { code: 400 }));
        let err = parse_jslogin(b"window.QRLogin.code = 200;").expect_err("no uuid");
        assert_eq!(err.kind, ErrorKind::MissingField("QRLogin.uuid"));
        let err = parse_jslogin(b"").expect_err("empty");
        assert_eq!(err.kind, ErrorKind::MissingField("QRLogin.code"));
    }
}
