//! Gzip content encoding of `text/plain` replies (JSON and the login XML), as the real server.

use flate2::Compression;
use flate2::write::GzEncoder;
use http::{HeaderValue, Response};
use std::io::Write;

/// Gzips the body when the reply is `text/plain` and non-empty; leaves it alone otherwise
/// (or if compression fails, which writing to memory does not).
pub fn encode_text(resp: &mut Response<Vec<u8>>) {
    let is_text = resp
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if !is_text
        || resp.body().is_empty()
        || resp.headers().contains_key(http::header::CONTENT_ENCODING)
    {
        return;
    }
    let mut enc = GzEncoder::new(
        Vec::with_capacity(resp.body().len() / 2 + 32),
        Compression::fast(),
    );
    if enc.write_all(resp.body()).is_err() {
        return;
    }
    if let Ok(gz) = enc.finish() {
        *resp.body_mut() = gz;
        resp.headers_mut().insert(
            http::header::CONTENT_ENCODING,
            HeaderValue::from_static("gzip"),
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn gzips_text_plain_only() {
        let mut r = Response::new(b"{\"BaseResponse\": {\"Ret\": 0,\"ErrMsg\": \"\"}}".to_vec());
        r.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain"),
        );
        encode_text(&mut r);
        assert_eq!(r.headers()[http::header::CONTENT_ENCODING], "gzip");
        let mut out = String::new();
        flate2::read::GzDecoder::new(r.body().as_slice())
            .read_to_string(&mut out)
            .unwrap();
        assert!(out.starts_with("{\"BaseResponse\""));
        let mut js = Response::new(b"window.synccheck={retcode:\"0\",selector:\"0\"}".to_vec());
        js.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript"),
        );
        encode_text(&mut js);
        assert!(js.headers().get(http::header::CONTENT_ENCODING).is_none());
    }
}
