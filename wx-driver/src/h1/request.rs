//! The request head an HTTP/1.1 client writes before the body: the request line with the
//! origin-form target, `Host` from the URI unless given, and the body's `Content-Length`.

use http::header::{CONTENT_LENGTH, HOST, TRANSFER_ENCODING};
use http::{Method, request::Parts};

use super::H1Error;

/// The head of `parts` with a body of `body_len` bytes: `METHOD /path?query HTTP/1.1`,
/// `Host` (from the URI's authority, without credentials, unless the request sets one),
/// `Content-Length` (for any body, and for an empty `POST`/`PUT`/`PATCH`; a
/// `Content-Length` or `Transfer-Encoding` the request carries is replaced), then its
/// other headers as they are, and the empty line.
pub fn encode_head(parts: &Parts, body_len: usize) -> Result<Vec<u8>, H1Error> {
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut head = Vec::with_capacity(256 + target.len());
    for piece in [parts.method.as_str(), " ", target, " HTTP/1.1\r\n"] {
        head.extend_from_slice(piece.as_bytes());
    }
    if !parts.headers.contains_key(HOST) {
        let authority = parts.uri.authority().ok_or(H1Error::NoHost)?.as_str();
        let host = authority.rsplit('@').next().unwrap_or(authority);
        line(&mut head, HOST.as_str(), host.as_bytes());
    }
    let bodied = matches!(parts.method, Method::POST | Method::PUT | Method::PATCH);
    if body_len > 0 || bodied {
        line(
            &mut head,
            CONTENT_LENGTH.as_str(),
            body_len.to_string().as_bytes(),
        );
    }
    for (name, value) in &parts.headers {
        if name != CONTENT_LENGTH && name != TRANSFER_ENCODING {
            line(&mut head, name.as_str(), value.as_bytes());
        }
    }
    head.extend_from_slice(b"\r\n");
    Ok(head)
}

/// Appends `name: value` and the line end (`http`'s types hold no CR or LF).
fn line(head: &mut Vec<u8>, name: &str, value: &[u8]) {
    head.extend_from_slice(name.as_bytes());
    head.extend_from_slice(b": ");
    head.extend_from_slice(value);
    head.extend_from_slice(b"\r\n");
}

/// What a client writes for `request`: its origin (where to connect), its method (what
/// the answer is read for) and its bytes (head, then body).
pub fn encode_request(
    request: http::Request<Vec<u8>>,
) -> Result<(super::Origin, Method, Vec<u8>), H1Error> {
    let (parts, body) = request.into_parts();
    let origin = super::Origin::of(&parts.uri)?;
    let mut bytes = encode_head(&parts, body.len())?;
    bytes.extend_from_slice(&body);
    Ok((origin, parts.method, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(request: http::Request<()>, body_len: usize) -> String {
        let (parts, ()) = request.into_parts();
        String::from_utf8(encode_head(&parts, body_len).expect("head")).expect("utf-8")
    }

    #[test]
    fn a_get_names_its_host_and_target_and_has_no_length() {
        let request = http::Request::get("https://u:p@wx.qq.com:8443/cgi-bin/x?a=1&b=%20")
            .header("cookie", "k=v")
            .body(())
            .expect("request");
        assert_eq!(
            head(request, 0),
            "GET /cgi-bin/x?a=1&b=%20 HTTP/1.1\r\nhost: wx.qq.com:8443\r\ncookie: k=v\r\n\r\n"
        );
    }

    #[test]
    fn a_post_gets_its_own_length_and_loses_a_wrong_one() {
        let request = http::Request::post("http://127.0.0.1/")
            .header("content-length", "999")
            .header("transfer-encoding", "chunked")
            .header("host", "example.test")
            .body(())
            .expect("request");
        assert_eq!(
            head(request, 12),
            "POST / HTTP/1.1\r\ncontent-length: 12\r\nhost: example.test\r\n\r\n"
        );
        let empty = http::Request::post("http://h/").body(()).expect("request");
        assert!(head(empty, 0).contains("content-length: 0\r\n"));
    }

    #[test]
    fn a_uri_without_a_host_is_refused() {
        let (parts, ()) = http::Request::get("/relative")
            .body(())
            .expect("request")
            .into_parts();
        assert_eq!(encode_head(&parts, 0), Err(H1Error::NoHost));
    }
}
