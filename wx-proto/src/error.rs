//! The typed parse error every wire parser returns: which format, where, and what kind of fault.
//!
//! Errors never carry body text: a body may hold credentials or message content.

use std::fmt;

pub use crate::endpoint::Endpoint;

/// The wire format a parser was reading when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// JavaScript assignment statements (`window.QRLogin.code = 200; ...`).
    JsAssignment,
    /// The jslogin body (a JS assignment with `QRLogin.code` and `QRLogin.uuid`).
    JsLogin,
    /// The login poll body (`window.code=...`).
    LoginPoll,
    /// The synccheck object literal (`window.synccheck={retcode:"0",selector:"2"}`).
    SyncCheck,
    /// The webwxnewloginpage XML (`<error><ret>0</ret>...</error>`).
    LoginPage,
    /// A `Set-Cookie` header value.
    SetCookie,
    /// A JSON body of the named endpoint.
    Json(Endpoint),
    /// One element of `AddMsgList` inside a `webwxsync` body (or a captured message).
    SyncMessage,
    /// One element of `ModContactList` or `DelContactList` inside a `webwxsync` body.
    SyncContact,
    /// The XML inside a message `Content`.
    ContentXml,
}

impl From<Endpoint> for Format {
    fn from(endpoint: Endpoint) -> Self {
        Format::Json(endpoint)
    }
}

/// What went wrong, as a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The body is not valid UTF-8 (the offset is the first invalid byte).
    InvalidUtf8,
    /// The bytes do not follow the grammar of the format.
    Syntax,
    /// The body ended before the value was complete.
    UnexpectedEnd,
    /// A field that must be present is missing.
    MissingField(&'static str),
    /// A field is present but its value has the wrong type or range.
    InvalidValue(&'static str),
}

/// A parse failure: the format, the byte offset in the input where it was found, and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParseError {
    /// The format being parsed.
    pub format: Format,
    /// Byte offset into the input at which the fault was detected.
    pub offset: usize,
    /// The category of the fault.
    pub kind: ErrorKind,
}

impl ParseError {
    /// Builds an error.
    pub fn new(format: Format, offset: usize, kind: ErrorKind) -> Self {
        Self {
            format,
            offset,
            kind,
        }
    }

    pub(crate) fn utf8(format: Format, err: std::str::Utf8Error) -> Self {
        Self::new(format, err.valid_up_to(), ErrorKind::InvalidUtf8)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Format::JsAssignment => f.write_str("JavaScript assignment"),
            Format::JsLogin => f.write_str("jslogin"),
            Format::LoginPoll => f.write_str("login poll"),
            Format::SyncCheck => f.write_str("synccheck"),
            Format::LoginPage => f.write_str("webwxnewloginpage XML"),
            Format::SetCookie => f.write_str("Set-Cookie"),
            Format::Json(endpoint) => write!(f, "{endpoint:?} JSON"),
            Format::SyncMessage => f.write_str("SyncMessage JSON"),
            Format::SyncContact => f.write_str("SyncContact JSON"),
            Format::ContentXml => f.write_str("message content XML"),
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::InvalidUtf8 => f.write_str("invalid UTF-8"),
            ErrorKind::Syntax => f.write_str("syntax error"),
            ErrorKind::UnexpectedEnd => f.write_str("unexpected end of input"),
            ErrorKind::MissingField(name) => write!(f, "missing field `{name}`"),
            ErrorKind::InvalidValue(name) => write!(f, "invalid value for `{name}`"),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed {} body at byte {}: {}",
            self.format, self.offset, self.kind
        )
    }
}

impl std::error::Error for ParseError {}
