//! JSON bodies in the real server's layout: `{"Key": value,"Next": ...}` with raw UTF-8.

use serde::Serialize;
use serde_json::ser::Formatter;
use std::io;

/// serde_json's compact layout with `": "` after every key, as the captured server replies.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerFormatter;

impl Formatter for ServerFormatter {
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }
}

/// Serializes `v` in the server layout. Serializing our own structs cannot fail; if it ever
/// did, the body is `{}` (a client would see an unparseable reply, never a panic here).
pub fn to_body<T: Serialize>(v: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, ServerFormatter);
    if v.serialize(&mut ser).is_err() {
        return b"{}".to_vec();
    }
    out
}

/// `{"Ret": n,"ErrMsg": ""}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BaseResponse {
    /// 0 = OK (protocol.md §2.9).
    pub ret: i64,
    /// Usually empty.
    pub err_msg: String,
}

impl BaseResponse {
    /// `Ret` 0.
    pub fn ok() -> Self {
        BaseResponse {
            ret: 0,
            err_msg: String::new(),
        }
    }
    /// A non-zero `Ret`.
    pub fn err(ret: i64) -> Self {
        BaseResponse {
            ret,
            err_msg: String::new(),
        }
    }
}

/// A reply made of a `BaseResponse` alone.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BareReply {
    /// The status.
    pub base_response: BaseResponse,
}

/// `{"BaseResponse": {"Ret": ret,"ErrMsg": ""}}`.
pub fn bare(ret: i64) -> Vec<u8> {
    to_body(&BareReply {
        base_response: BaseResponse::err(ret),
    })
}

/// Reads a request body as JSON, tolerating a UTF-8 BOM and trailing whitespace.
pub fn parse(body: &[u8]) -> Option<serde_json::Value> {
    let b = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    serde_json::from_slice(b).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Notify {
        base_response: BaseResponse,
        #[serde(rename = "MsgID")]
        msg_id: String,
    }

    #[test]
    fn layout_matches_the_capture_byte_for_byte() {
        let body = to_body(&Notify {
            base_response: BaseResponse::ok(),
            msg_id: "8032721323945545465".into(),
        });
        assert_eq!(
            String::from_utf8_lossy(&body),
            r#"{"BaseResponse": {"Ret": 0,"ErrMsg": ""},"MsgID": "8032721323945545465"}"#
        );
        assert_eq!(to_body(&"文件"), "\"文件\"".as_bytes());
    }
}
