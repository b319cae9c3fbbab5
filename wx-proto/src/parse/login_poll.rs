//! The login poll body: `window.code=408;`, `window.code=201;window.userAvatar = '...';`,
//! `window.code=200;window.redirect_uri="...";` and the failure codes.

use std::borrow::Cow;

use super::js_assign::{JsValue, js_assignments};
use crate::error::{ErrorKind, Format, ParseError};

/// What a login poll answered (protocol.md §3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginPoll<'a> {
    /// 408: nothing yet; poll again.
    Waiting,
    /// 201: scanned, waiting for the confirmation on the phone.
    Scanned {
        /// The `data:img/jpg;base64,...` avatar URL, when sent.
        avatar: Option<Cow<'a, str>>,
    },
    /// 200: confirmed; follow the redirect to webwxnewloginpage.
    Confirmed {
        /// The `window.redirect_uri` value.
        redirect_uri: Cow<'a, str>,
    },
    /// 202: the user pressed cancel on the phone.
    Cancelled,
    /// 400: the uuid expired; get a new one.
    Expired,
    /// 500: server exception; restart the login.
    ServerError,
    /// Any other code.
    Other(i64),
}

/// Parses a login poll body.
pub fn parse_login_poll(body: &[u8]) -> Result<LoginPoll<'_>, ParseError> {
    let retag = |e: ParseError| ParseError::new(Format::LoginPoll, e.offset, e.kind);
    let mut code = None;
    let mut avatar = None;
    let mut redirect = None;
    for item in js_assignments(body).map_err(retag)? {
        let item = item.map_err(retag)?;
        match (item.name, item.value) {
            ("code", JsValue::Int(n)) => code = code.or(Some(n)),
            ("code", JsValue::Str(_)) => return Err(invalid("code")),
            ("userAvatar", JsValue::Str(s)) => avatar = avatar.or(Some(s)),
            ("redirect_uri", JsValue::Str(s)) => redirect = redirect.or(Some(s)),
            ("userAvatar" | "redirect_uri", JsValue::Int(_)) => {
                return Err(invalid("userAvatar/redirect_uri"));
            }
            _ => {}
        }
    }
    let code = code.ok_or(ParseError::new(
        Format::LoginPoll,
        body.len(),
        ErrorKind::MissingField("code"),
    ))?;
    Ok(match code {
        408 => LoginPoll::Waiting,
        201 => LoginPoll::Scanned {
            avatar: avatar.map(|s| s.value()),
        },
        200 => match redirect {
            Some(uri) if !uri.raw().is_empty() => LoginPoll::Confirmed {
                redirect_uri: uri.value(),
            },
            _ => {
                return Err(ParseError::new(
                    Format::LoginPoll,
                    body.len(),
                    ErrorKind::MissingField("redirect_uri"),
                ));
            }
        },
        202 => LoginPoll::Cancelled,
        400 => LoginPoll::Expired,
        500 => LoginPoll::ServerError,
        other => LoginPoll::Other(other),
    })
}

fn invalid(field: &'static str) -> ParseError {
    ParseError::new(Format::LoginPoll, 0, ErrorKind::InvalidValue(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code() {
        assert_eq!(
            parse_login_poll(b"window.code=408;"),
            Ok(LoginPoll::Waiting)
        );
        assert_eq!(
            parse_login_poll(b"window.code=201;"),
            Ok(LoginPoll::Scanned { avatar: None })
        );
        assert_eq!(
            parse_login_poll(b"window.code=201;window.userAvatar = 'data:img/jpg;base64,AA==';"),
            Ok(LoginPoll::Scanned {
                avatar: Some("data:img/jpg;base64,AA==".into())
            })
        );
        assert_eq!(
            parse_login_poll(
                b"window.code=200;\nwindow.redirect_uri=\"https://wx2.qq.com/x?a=1\";"
            ),
            Ok(LoginPoll::Confirmed {
                redirect_uri: "https://wx2.qq.com/x?a=1".into()
            })
        );
        assert_eq!(
            parse_login_poll(b"window.code=202;"),
            Ok(LoginPoll::Cancelled)
        );
        assert_eq!(
            parse_login_poll(b"window.code=400;"),
            Ok(LoginPoll::Expired)
        );
        assert_eq!(
            parse_login_poll(b"window.code=500;"),
            Ok(LoginPoll::ServerError)
        );
        assert_eq!(parse_login_poll(b"window.code=0;"), Ok(LoginPoll::Other(0)));
        let err = parse_login_poll(b"window.code=200;").expect_err("no redirect");
        assert_eq!(err.kind, ErrorKind::MissingField("redirect_uri"));
    }
}
