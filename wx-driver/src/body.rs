//! Response bodies: gzip decoding under the size cap (the adapters ask for gzip and decode
//! here), and finding the TLS error in a failure's chain.

use std::io::Read;

use wx_proto::client::Failure;

/// Decodes a `Content-Encoding: gzip` body (and drops the encoding headers, since the body
/// handed on is the decoded one). Other bodies pass unchanged. A body that decodes past
/// `cap` bytes is `BodyTooLarge`; a corrupt gzip stream is an I/O failure.
pub fn decode_body(
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

/// Whether an error of type `E` is in the chain of `e`, looking inside `io::Error`s too
/// (how a TLS failure is told from other transport faults: `E` is `rustls::Error`).
pub fn chain_has<E: std::error::Error + 'static>(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        if err.is::<E>() {
            return true;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && chain_has::<E>(inner)
        {
            return true;
        }
        next = err.source();
    }
    false
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
    fn an_error_is_found_through_sources_and_io_errors() {
        #[derive(Debug, thiserror::Error)]
        #[error("deep")]
        struct Deep;
        #[derive(Debug, thiserror::Error)]
        #[error("outer")]
        struct Outer(#[source] std::io::Error);
        let wrapped = Outer(std::io::Error::other(Deep));
        assert!(chain_has::<Deep>(&wrapped));
        assert!(!chain_has::<Deep>(&Outer(std::io::Error::other("plain"))));
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
