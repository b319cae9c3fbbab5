//! Reading a response head: the status line and headers (through `httparse`), interim
//! `1xx` answers skipped, and what follows it: how the body is framed and whether the
//! connection may carry another request afterwards.

use http::header::{CONNECTION, CONTENT_LENGTH, TRANSFER_ENCODING};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version};

use super::{H1Error, MAX_HEAD, MAX_HEADERS};

/// How a response's body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// No body (`HEAD`, a tunnel's `2xx`, `204`, `304`).
    Empty,
    /// Exactly this many bytes (`Content-Length`).
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Everything until the peer closes the connection.
    UntilClose,
}

/// A response head, read whole.
#[derive(Debug)]
pub struct Head {
    /// Status, version and headers; the body follows.
    pub response: http::Response<()>,
    /// How the body is delimited.
    pub framing: Framing,
    /// Whether the connection may be reused once the body has been read whole.
    pub keep_alive: bool,
}

/// Reads the head of the answer to a `method` request from the start of `input`: `None`
/// while it is incomplete, else the bytes it took (interim `1xx` answers before it
/// included) and the head. An incomplete head already longer than [`MAX_HEAD`] is
/// `HeadTooLarge`; a `101` is `BadHead` (no upgrade is ever asked for).
pub fn parse_head(input: &[u8], method: &Method) -> Result<Option<(usize, Head)>, H1Error> {
    let mut start = 0;
    loop {
        let rest = input.get(start..).unwrap_or_default();
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Response::new(&mut headers);
        let used = match parsed.parse(rest) {
            Ok(httparse::Status::Complete(used)) => used,
            Ok(httparse::Status::Partial) if input.len() > MAX_HEAD => {
                return Err(H1Error::HeadTooLarge);
            }
            Ok(httparse::Status::Partial) => return Ok(None),
            Err(httparse::Error::TooManyHeaders) => return Err(H1Error::HeadTooLarge),
            Err(_) => return Err(H1Error::BadHead("status line or header syntax")),
        };
        if start + used > MAX_HEAD {
            return Err(H1Error::HeadTooLarge);
        }
        let code = parsed.code.ok_or(H1Error::BadHead("status"))?;
        let status = StatusCode::from_u16(code).map_err(|_| H1Error::BadHead("status"))?;
        start += used;
        if status == StatusCode::SWITCHING_PROTOCOLS {
            return Err(H1Error::BadHead("101 Switching Protocols"));
        }
        if status.is_informational() {
            continue;
        }
        let version = match parsed.version {
            Some(0) => Version::HTTP_10,
            _ => Version::HTTP_11,
        };
        let mut map = HeaderMap::with_capacity(parsed.headers.len());
        for h in parsed.headers.iter() {
            let name = HeaderName::from_bytes(h.name.as_bytes());
            let value = HeaderValue::from_bytes(h.value);
            match (name, value) {
                (Ok(name), Ok(value)) => map.append(name, value),
                _ => return Err(H1Error::BadHead("header")),
            };
        }
        let framing = framing(method, status, &map)?;
        let chunked_and_sized =
            map.contains_key(TRANSFER_ENCODING) && map.contains_key(CONTENT_LENGTH);
        let keep_alive = framing != Framing::UntilClose
            && !chunked_and_sized
            && match version {
                Version::HTTP_10 => has_token(&map, "keep-alive"),
                _ => !has_token(&map, "close"),
            };
        let mut response = http::Response::new(());
        *response.status_mut() = status;
        *response.version_mut() = version;
        *response.headers_mut() = map;
        let head = Head {
            response,
            framing,
            keep_alive,
        };
        return Ok(Some((start, head)));
    }
}

/// The body's framing (RFC 9112 §6.3): a transfer coding ending in `chunked` wins over a
/// length, any other transfer coding runs until close, and several lengths must agree.
fn framing(method: &Method, status: StatusCode, headers: &HeaderMap) -> Result<Framing, H1Error> {
    let tunnel = method == Method::CONNECT && status.is_success();
    let bodiless = status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED;
    if method == Method::HEAD || tunnel || bodiless {
        return Ok(Framing::Empty);
    }
    if headers.contains_key(TRANSFER_ENCODING) {
        let last = list(headers, &TRANSFER_ENCODING).last();
        return Ok(match last {
            Some(coding) if coding.eq_ignore_ascii_case("chunked") => Framing::Chunked,
            _ => Framing::UntilClose,
        });
    }
    let mut length = None;
    for value in list(headers, &CONTENT_LENGTH) {
        let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
        let n = value
            .parse::<u64>()
            .ok()
            .filter(|_| digits)
            .ok_or(H1Error::BadLength)?;
        if length.is_some_and(|known| known != n) {
            return Err(H1Error::BadLength);
        }
        length = Some(n);
    }
    Ok(length.map_or(Framing::UntilClose, Framing::Length))
}

/// The comma-separated elements of every `name` header, trimmed (a value that is not
/// text gives one element that matches nothing).
fn list<'a>(headers: &'a HeaderMap, name: &HeaderName) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(name)
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("\u{0}").split(','))
        .map(str::trim)
}

/// Whether a `Connection` header lists `token`.
fn has_token(headers: &HeaderMap, token: &str) -> bool {
    list(headers, &CONNECTION).any(|t| t.eq_ignore_ascii_case(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(input: &[u8]) -> Result<Option<(usize, Head)>, H1Error> {
        parse_head(input, &Method::GET)
    }

    fn complete(input: &[u8]) -> (usize, Head) {
        head(input).expect("parses").expect("complete")
    }

    #[test]
    fn a_length_delimited_answer_keeps_its_connection() {
        let input = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello";
        let (used, head) = complete(input);
        assert_eq!(&input[used..], b"hello");
        assert_eq!(head.framing, Framing::Length(5));
        assert!(head.keep_alive);
        assert_eq!(head.response.headers()["x-a"], "b");
        assert_eq!(head.response.status(), 200);
    }

    #[test]
    fn an_incomplete_head_asks_for_more_until_it_is_too_long() {
        assert!(
            head(b"HTTP/1.1 200 OK\r\nContent-Le")
                .expect("partial")
                .is_none()
        );
        let mut long = b"HTTP/1.1 200 OK\r\nX: ".to_vec();
        long.resize(MAX_HEAD + 1, b'a');
        assert_eq!(head(&long).err(), Some(H1Error::HeadTooLarge));
        let many: String = (0..200).map(|i| format!("X-{i}: v\r\n")).collect();
        let many = format!("HTTP/1.1 200 OK\r\n{many}\r\n");
        assert_eq!(head(many.as_bytes()).err(), Some(H1Error::HeadTooLarge));
    }

    #[test]
    fn interim_answers_are_skipped_and_an_upgrade_is_refused() {
        let input = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: x\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
        let (used, head) = complete(input);
        assert_eq!(used, input.len());
        assert_eq!(head.response.status(), 204);
        assert_eq!(head.framing, Framing::Empty);
        let upgrade = b"HTTP/1.1 101 Switching Protocols\r\n\r\n";
        assert!(matches!(
            super::parse_head(upgrade, &Method::GET),
            Err(H1Error::BadHead(_))
        ));
    }

    #[test]
    fn chunked_wins_over_a_length_and_closes_the_connection() {
        let (_, head) = complete(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\nContent-Length: 3\r\n\r\n",
        );
        assert_eq!(head.framing, Framing::Chunked);
        assert!(!head.keep_alive);
        let (_, head) = complete(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n");
        assert_eq!(head.framing, Framing::UntilClose);
        assert!(!head.keep_alive);
    }

    #[test]
    fn lengths_must_be_one_number() {
        let (_, same) =
            complete(b"HTTP/1.1 200 OK\r\nContent-Length: 7, 7\r\nContent-Length: 7\r\n\r\n");
        assert_eq!(same.framing, Framing::Length(7));
        for bad in ["7, 8", "-1", "+7", "", "0x10", "99999999999999999999999"] {
            let input = format!("HTTP/1.1 200 OK\r\nContent-Length: {bad}\r\n\r\n");
            assert_eq!(
                head(input.as_bytes()).err(),
                Some(H1Error::BadLength),
                "{bad}"
            );
        }
    }

    #[test]
    fn reuse_follows_the_version_and_the_connection_header() {
        let (_, h) = complete(b"HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n");
        assert!(!h.keep_alive);
        let (_, h) = complete(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
        assert!(!h.keep_alive);
        assert_eq!(h.response.version(), Version::HTTP_10);
        let (_, h) =
            complete(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n");
        assert!(h.keep_alive);
        let (_, h) = complete(b"HTTP/1.1 200 OK\r\n\r\n");
        assert_eq!(h.framing, Framing::UntilClose);
        assert!(!h.keep_alive);
    }

    #[test]
    fn bodiless_answers_have_no_body_whatever_they_say() {
        let (_, h) = complete(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n");
        assert_eq!(h.framing, Framing::Empty);
        let tunnel = parse_head(
            b"HTTP/1.1 200 Connection established\r\n\r\n",
            &Method::CONNECT,
        );
        let (_, h) = tunnel.expect("parses").expect("complete");
        assert_eq!(h.framing, Framing::Empty);
        let refused = parse_head(
            b"HTTP/1.1 407 Auth\r\nContent-Length: 2\r\n\r\nno",
            &Method::CONNECT,
        );
        assert_eq!(
            refused.expect("parses").expect("complete").1.framing,
            Framing::Length(2)
        );
    }

    #[test]
    fn garbage_is_a_bad_head() {
        for bad in [
            &b"SMTP ready\r\n\r\n"[..],
            b"HTTP/1.1 2000 OK\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nX\x01: y\r\n\r\n",
        ] {
            assert!(matches!(head(bad), Err(H1Error::BadHead(_))), "{bad:?}");
        }
    }
}
