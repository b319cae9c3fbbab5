//! The webwxnewloginpage XML: `<error><ret>0</ret><skey>..</skey>...</error>`, and its refusals.

use quick_xml::{Reader, events::Event};

use crate::error::{ErrorKind, Format, ParseError};
use crate::percent;
use crate::ret_code::RetCode;
use crate::secret::{Secret, Uin};

/// The credentials of a successful login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginCredentials {
    /// `<skey>`.
    pub skey: Secret<String>,
    /// `<wxsid>`.
    pub wxsid: Secret<String>,
    /// `<wxuin>`.
    pub wxuin: Uin,
    /// `<pass_ticket>` exactly as received (it arrives percent-encoded).
    pub pass_ticket_raw: Secret<String>,
    /// `<pass_ticket>` percent-decoded once.
    pub pass_ticket: Secret<String>,
    /// `<isgrayscale>`, when present.
    pub is_grayscale: Option<i64>,
}

/// What webwxnewloginpage answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginPage {
    /// `ret` 0 and every credential present.
    Ok(LoginCredentials),
    /// `ret` ≠ 0 (1203: this account may not use web login): the login ends.
    Refused {
        /// The code.
        ret: RetCode,
        /// The server's `<message>` (shown to the user).
        message: String,
    },
    /// The server wants a browser (a security check at `<redirecturl>`).
    NeedsBrowser {
        /// The `<redirecturl>` value.
        url: String,
    },
}

#[derive(Default)]
struct Fields {
    ret: Option<String>,
    message: Option<String>,
    skey: Option<String>,
    wxsid: Option<String>,
    wxuin: Option<String>,
    pass_ticket: Option<String>,
    isgrayscale: Option<String>,
    redirecturl: Option<String>,
}

impl Fields {
    fn slot(&mut self, name: &[u8]) -> Option<&mut Option<String>> {
        Some(match name {
            b"ret" => &mut self.ret,
            b"message" => &mut self.message,
            b"skey" => &mut self.skey,
            b"wxsid" => &mut self.wxsid,
            b"wxuin" => &mut self.wxuin,
            b"pass_ticket" => &mut self.pass_ticket,
            b"isgrayscale" => &mut self.isgrayscale,
            b"redirecturl" => &mut self.redirecturl,
            _ => return None,
        })
    }
}

/// Parses a webwxnewloginpage body (served with 200 or 301; both carry the XML).
pub fn parse_login_page(body: &[u8]) -> Result<LoginPage, ParseError> {
    let text = std::str::from_utf8(body).map_err(|e| ParseError::utf8(Format::LoginPage, e))?;
    let fields = read_fields(text)?;
    let end = body.len();
    let ret_text = fields
        .ret
        .as_deref()
        .ok_or(err(end, ErrorKind::MissingField("ret")))?;
    let ret = ret_text
        .trim()
        .parse::<i64>()
        .map_err(|_| err(end, ErrorKind::InvalidValue("ret")))?;
    if ret != 0 {
        return Ok(LoginPage::Refused {
            ret: RetCode::from_raw(ret),
            message: fields.message.unwrap_or_default(),
        });
    }
    if let Some(url) = fields.redirecturl.filter(|u| !u.trim().is_empty()) {
        return Ok(LoginPage::NeedsBrowser { url });
    }
    let need = |v: Option<String>, name: &'static str| -> Result<String, ParseError> {
        v.filter(|s| !s.is_empty())
            .ok_or(err(end, ErrorKind::MissingField(name)))
    };
    let skey = need(fields.skey, "skey")?;
    let wxsid = need(fields.wxsid, "wxsid")?;
    let wxuin = need(fields.wxuin, "wxuin")?
        .trim()
        .parse::<u64>()
        .map_err(|_| err(end, ErrorKind::InvalidValue("wxuin")))?;
    let raw_ticket = need(fields.pass_ticket, "pass_ticket")?;
    let is_grayscale = fields.isgrayscale.and_then(|g| g.trim().parse().ok());
    Ok(LoginPage::Ok(LoginCredentials {
        skey: Secret::new(skey),
        wxsid: Secret::new(wxsid),
        wxuin: Uin(wxuin),
        pass_ticket: Secret::new(percent::decode(&raw_ticket)),
        pass_ticket_raw: Secret::new(raw_ticket),
        is_grayscale,
    }))
}

fn err(offset: usize, kind: ErrorKind) -> ParseError {
    ParseError::new(Format::LoginPage, offset, kind)
}

fn read_fields(text: &str) -> Result<Fields, ParseError> {
    let mut reader = Reader::from_str(text);
    let mut fields = Fields::default();
    let mut depth = 0usize;
    let mut saw_root = false;
    // The child element (depth 2) whose text is being collected.
    let mut current: Option<Vec<u8>> = None;
    let mut buf = String::new();
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|_| {
            let at = (reader.error_position() as usize).min(text.len());
            err(at, ErrorKind::Syntax)
        })?;
        match event {
            Event::Start(start) => {
                depth += 1;
                if depth == 1 {
                    if start.name().as_ref() != b"error" {
                        return Err(err(pos, ErrorKind::Syntax));
                    }
                    saw_root = true;
                } else if depth == 2 {
                    current = Some(start.name().as_ref().to_vec());
                    buf.clear();
                }
            }
            Event::Empty(start) => {
                if depth == 0 {
                    return Err(err(pos, ErrorKind::Syntax));
                }
                if depth == 1
                    && let Some(slot) = fields.slot(start.name().as_ref())
                {
                    slot.get_or_insert_default();
                }
            }
            Event::End(_) => {
                if depth == 2
                    && let Some(name) = current.take()
                    && let Some(slot) = fields.slot(&name)
                {
                    *slot = Some(std::mem::take(&mut buf));
                }
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            Event::Text(t) if depth == 2 => {
                let s = t.decode().map_err(|_| err(pos, ErrorKind::InvalidUtf8))?;
                buf.push_str(&s);
            }
            Event::CData(t) if depth == 2 => {
                let s = t.decode().map_err(|_| err(pos, ErrorKind::InvalidUtf8))?;
                buf.push_str(&s);
            }
            Event::GeneralRef(r) if depth == 2 => {
                push_reference(&mut buf, &r).ok_or(err(pos, ErrorKind::Syntax))?;
            }
            Event::Text(t) if depth == 0 && !t.iter().all(|b| b.is_ascii_whitespace()) => {
                return Err(err(pos, ErrorKind::Syntax));
            }
            Event::Eof => {
                return Err(err(
                    text.len(),
                    if saw_root {
                        ErrorKind::UnexpectedEnd
                    } else {
                        ErrorKind::MissingField("error")
                    },
                ));
            }
            _ => {}
        }
    }
    Ok(fields)
}

/// Appends the text of an entity or character reference (`&amp;`, `&#x41;`).
pub(crate) fn push_reference(buf: &mut String, r: &quick_xml::events::BytesRef<'_>) -> Option<()> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        buf.push(c);
        return Some(());
    }
    let name = r.decode().ok()?;
    let c = match name.as_ref() {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    };
    buf.push(c);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ok_body() {
        let body = b"<error><ret>0</ret><message></message><skey>@crypt_0a1b2c3d_00</skey><wxsid>AbC+/d</wxsid><wxuin>3600000000</wxuin><pass_ticket>AbC%2BdEf%2FgHi%3D</pass_ticket><isgrayscale>1</isgrayscale></error>";
        let LoginPage::Ok(c) = parse_login_page(body).expect("parses") else {
            panic!("not ok");
        };
        assert_eq!(c.skey.expose(), "@crypt_0a1b2c3d_00");
        assert_eq!(c.wxsid.expose(), "AbC+/d");
        assert_eq!(c.wxuin.get(), 3_600_000_000);
        assert_eq!(c.pass_ticket.expose(), "AbC+dEf/gHi=");
        assert_eq!(c.pass_ticket_raw.expose(), "AbC%2BdEf%2FgHi%3D");
        assert_eq!(c.is_grayscale, Some(1));
        let debug = format!("{c:?}");
        assert!(
            !debug.contains("crypt") && !debug.contains("AbC"),
            "{debug}"
        );
    }

    #[test]
    fn refusal_1203() {
        let body = "<error><ret>1203</ret><message>为了你的帐号安全，此微信号不能登录网页微信。</message></error>";
        assert_eq!(
            parse_login_page(body.as_bytes()),
            Ok(LoginPage::Refused {
                ret: RetCode::LoginRefused,
                message: "为了你的帐号安全，此微信号不能登录网页微信。".into()
            })
        );
    }

    #[test]
    fn redirect_and_failures() {
        let body =
            b"<error><ret>0</ret><redirecturl>https://x/check?a=1&amp;b=2</redirecturl></error>";
        assert_eq!(
            parse_login_page(body),
            Ok(LoginPage::NeedsBrowser {
                url: "https://x/check?a=1&b=2".into()
            })
        );
        let e =
            parse_login_page(b"<error><ret>0</ret><skey>x</skey></error>").expect_err("missing");
        assert_eq!(e.kind, ErrorKind::MissingField("wxsid"));
        let e = parse_login_page(b"<html><body>hi</body></html>").expect_err("html");
        assert_eq!((e.offset, e.kind), (0, ErrorKind::Syntax));
        let e = parse_login_page(b"<error><ret>0</ret><skey>").expect_err("cut");
        assert_eq!(e.kind, ErrorKind::UnexpectedEnd);
    }
}
