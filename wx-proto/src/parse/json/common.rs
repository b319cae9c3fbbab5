//! Pieces shared by the JSON bodies: `BaseResponse`, the sync key, and error mapping.

use serde::Deserialize;

use super::lenient;
use crate::error::{ErrorKind, Format, ParseError};
use crate::ret_code::RetCode;

/// `BaseResponse`: present in every JSON API response.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BaseResponse {
    /// `Ret`, typed.
    #[serde(deserialize_with = "ret_code")]
    pub ret: RetCode,
    /// `ErrMsg`, as sent (often empty).
    #[serde(default, deserialize_with = "lenient::string")]
    pub err_msg: String,
}

fn ret_code<'de, D: serde::Deserializer<'de>>(d: D) -> Result<RetCode, D::Error> {
    lenient::i64(d).map(RetCode::from_raw)
}

/// One `{Key, Val}` pair of a sync key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct SyncKeyPair {
    /// `Key`.
    #[serde(rename = "Key", deserialize_with = "lenient::u64")]
    pub key: u64,
    /// `Val`.
    #[serde(rename = "Val", deserialize_with = "lenient::u64")]
    pub val: u64,
}

/// `SyncKey` / `SyncCheckKey`: `{Count, List:[{Key,Val}]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct SyncKey {
    /// `Count` as sent.
    #[serde(rename = "Count", default, deserialize_with = "lenient::u32")]
    pub count: u32,
    /// `List`.
    #[serde(rename = "List", default)]
    pub list: Vec<SyncKeyPair>,
}

impl SyncKey {
    /// The synccheck query form: `K_V|K_V|...` in list order.
    pub fn to_query_value(&self) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(self.list.len() * 14);
        for (i, pair) in self.list.iter().enumerate() {
            if i > 0 {
                out.push('|');
            }
            // Writing to a String cannot fail.
            let _ = write!(out, "{}_{}", pair.key, pair.val);
        }
        out
    }

    /// True when the server sent a usable key (`Count > 0`, list not empty).
    pub fn is_usable(&self) -> bool {
        self.count > 0 && !self.list.is_empty()
    }
}

/// Deserialises a whole JSON body of `endpoint`, mapping serde errors to a typed offset.
pub(crate) fn from_body<'a, T: Deserialize<'a>>(
    body: &'a [u8],
    format: impl Into<Format>,
) -> Result<T, ParseError> {
    let format = format.into();
    serde_json::from_slice(body).map_err(|e| json_error(body, &e, format))
}

/// As [`from_body`] for a body that must be an object: serde's derived structs would also
/// read a top-level array positionally, which no server sends and which the tolerant
/// readings (objects only) could not agree with.
pub(crate) fn from_object<'a, T: Deserialize<'a>>(
    body: &'a [u8],
    format: impl Into<Format>,
) -> Result<T, ParseError> {
    let format = format.into();
    refuse_array(body, format)?;
    from_body(body, format)
}

/// An error if the body's top-level value is an array.
pub(crate) fn refuse_array(body: &[u8], format: impl Into<Format>) -> Result<(), ParseError> {
    let first = body.iter().position(|b| !b" \t\n\r".contains(b));
    match first {
        Some(at) if body.get(at) == Some(&b'[') => Err(ParseError::new(
            format.into(),
            at,
            ErrorKind::InvalidValue("json"),
        )),
        _ => Ok(()),
    }
}

/// Maps a serde_json error to a [`ParseError`] at the byte offset of its line and column.
/// The message is dropped: it may quote body text.
pub(crate) fn json_error(body: &[u8], e: &serde_json::Error, format: Format) -> ParseError {
    let offset = line_col_to_offset(body, e.line(), e.column());
    let kind = match e.classify() {
        serde_json::error::Category::Eof => ErrorKind::UnexpectedEnd,
        serde_json::error::Category::Data => {
            if e.to_string().starts_with("missing field") {
                ErrorKind::MissingField(missing_field_name(e))
            } else {
                ErrorKind::InvalidValue("json")
            }
        }
        serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
            if std::str::from_utf8(body).is_err() && e.to_string().contains("UTF-8") {
                ErrorKind::InvalidUtf8
            } else {
                ErrorKind::Syntax
            }
        }
    };
    ParseError::new(format, offset, kind)
}

/// Field names that appear as required in these bodies; serde reports which one is missing
/// in its message, which is mapped back to a static name here.
fn missing_field_name(e: &serde_json::Error) -> &'static str {
    let msg = e.to_string();
    for name in [
        "BaseResponse",
        "Ret",
        "MsgId",
        "MsgType",
        "UserName",
        "Key",
        "Val",
        "ret",
    ] {
        if msg.starts_with(&format!("missing field `{name}`")) {
            return name;
        }
    }
    "field"
}

fn line_col_to_offset(body: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let mut current = 1;
    let mut start = 0;
    for (i, &b) in body.iter().enumerate() {
        if current == line {
            break;
        }
        if b == b'\n' {
            current += 1;
            start = i + 1;
        }
    }
    (start + column).saturating_sub(1).min(body.len())
}

/// A body with only `BaseResponse` (webwxoplog, webwxverifyuser).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BaseOnly {
    /// `BaseResponse`.
    pub base_response: BaseResponse,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Endpoint;

    #[test]
    fn offsets_point_at_the_fault() {
        let body = b"{\"BaseResponse\": {\"Ret\": x}}";
        let e = from_body::<BaseOnly>(body, Endpoint::OpLog).expect_err("bad");
        assert_eq!(body[e.offset], b'x');
        let e = from_body::<BaseOnly>(b"{\n}", Endpoint::OpLog).expect_err("missing");
        assert_eq!(e.kind, ErrorKind::MissingField("BaseResponse"));
        let e = from_body::<BaseOnly>(b"{\"BaseResponse\":", Endpoint::OpLog).expect_err("eof");
        assert_eq!(e.kind, ErrorKind::UnexpectedEnd);
    }

    #[test]
    fn sync_key_query() {
        let k: SyncKey = serde_json::from_str(
            r#"{"Count":2,"List":[{"Key":1,"Val":7},{"Key":1000,"Val":"9"}]}"#,
        )
        .expect("parses");
        assert_eq!(k.to_query_value(), "1_7|1000_9");
        assert!(k.is_usable());
    }
}
