//! Response bodies: gzip decoding under the size cap.

use std::io::Read;

use wx_proto::client::Failure;

/// Decodes a `Content-Encoding: gzip` body (and drops the encoding headers, since the body
/// handed on is the decoded one). Other bodies pass unchanged. A body that decodes past
/// `cap` bytes is `BodyTooLarge`; a corrupt gzip stream is an I/O failure.
pub(crate) fn decode_body(
    headers: &mut http::HeaderMap,
    body: Vec<u8>,
    cap: usize,
) -> Result<Vec<u8>, Failure> {
    let gzip = headers
        .get(http::header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("gzip"));
    if !gzip {
        return Ok(body);
    }
    let mut out = Vec::new();
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    flate2::read::MultiGzDecoder::new(body.as_slice())
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|_| Failure::Io)?;
    if out.len() > cap {
        return Err(Failure::BodyTooLarge);
    }
    headers.remove(http::header::CONTENT_ENCODING);
    headers.remove(http::header::CONTENT_LENGTH);
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn gzip_headers() -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        h.insert(http::header::CONTENT_ENCODING, "gzip".parse().unwrap());
        h
    }

    #[test]
    fn gzip_is_decoded_and_the_header_dropped() {
        let mut h = gzip_headers();
        assert_eq!(decode_body(&mut h, gz(b"hello"), 100).unwrap(), b"hello");
        assert!(h.get(http::header::CONTENT_ENCODING).is_none());
    }

    #[test]
    fn plain_bodies_pass_and_bombs_and_garbage_fail() {
        let mut h = http::HeaderMap::new();
        assert_eq!(decode_body(&mut h, b"x".to_vec(), 1).unwrap(), b"x");
        let bomb = gz(&vec![0u8; 10_000]);
        assert_eq!(
            decode_body(&mut gzip_headers(), bomb, 1000),
            Err(Failure::BodyTooLarge)
        );
        assert_eq!(
            decode_body(&mut gzip_headers(), b"not gzip".to_vec(), 1000),
            Err(Failure::Io)
        );
    }
}
