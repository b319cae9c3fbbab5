//! The fuzz target's property for the HTTP/1.1 response codec (feature `fuzzing`), shared
//! by `fuzz/fuzz_targets/h1.rs` and the replay test: never a panic, and decoding a body in
//! pieces gives exactly what decoding it whole does, and so does a [`Reader`] fed reads of
//! any size.

use super::{Body, Next, Reader, parse_head};

/// Runs `data` through the codec: its first byte picks the request method and a feeding
/// step, the rest is what a server sent. Panics only when the property fails.
pub fn response(data: &[u8]) {
    let Some((&first, input)) = data.split_first() else {
        return;
    };
    let method = match first & 3 {
        0 => http::Method::GET,
        1 => http::Method::POST,
        2 => http::Method::HEAD,
        _ => http::Method::CONNECT,
    };
    let step = usize::from(first >> 2) + 1;
    let Ok(Some((used, head))) = parse_head(input, &method) else {
        return;
    };
    let rest = input.get(used..).unwrap_or_default();
    let whole = decode(Body::new(head.framing), rest, rest.len().max(1));
    let pieces = decode(Body::new(head.framing), rest, step);
    assert_eq!(whole, pieces, "step {step}");
    let (status, data, ended) = read(method, input, step);
    assert_eq!(status, Some(head.response.status()), "the reader's head");
    assert_eq!((data, ended), (whole.0, whole.2), "the reader, step {step}");
}

/// The status, data and whether the body ended well, as a [`Reader`] gives them from
/// reads of at most `step` bytes (then the end of input).
fn read(
    method: http::Method,
    mut input: &[u8],
    step: usize,
) -> (Option<http::StatusCode>, Vec<u8>, bool) {
    let mut reader = Reader::new(method, step);
    let mut status = None;
    let mut data = Vec::new();
    loop {
        match reader.head() {
            Ok(Some(head)) => status = Some(head.status()),
            Ok(None) => {}
            Err(_) => return (status, data, false),
        }
        let next = match reader.step() {
            Ok(next) => next,
            Err(_) => return (status, data, false),
        };
        match next {
            Next::Data(d) => data.extend_from_slice(d),
            Next::Done => return (status, data, true),
            Next::Read => {
                let space = reader.space();
                let n = space.len().min(step).min(input.len());
                let (now, later) = input.split_at(n);
                if let Some(to) = space.get_mut(..n) {
                    to.copy_from_slice(now);
                }
                input = later;
                if reader.filled(n).is_err() {
                    return (status, data, false);
                }
            }
        }
    }
}

/// The data, the bytes left over (none after an error) and whether the body ended well,
/// fed `step` bytes at a time.
fn decode(mut body: Body, input: &[u8], step: usize) -> (Vec<u8>, usize, bool) {
    let (mut data, mut pending) = (Vec::new(), Vec::new());
    for piece in input.chunks(step) {
        pending.extend_from_slice(piece);
        loop {
            let Ok((used, out)) = body.decode(&pending) else {
                return (data, 0, false);
            };
            assert!(used <= pending.len(), "took more than it was given");
            data.extend_from_slice(out);
            pending.drain(..used);
            if used == 0 || pending.is_empty() {
                break;
            }
        }
    }
    let ended = body.is_done() || body.end_of_input().is_ok();
    (data, pending.len(), ended)
}
