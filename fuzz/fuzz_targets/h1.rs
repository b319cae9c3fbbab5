//! Fuzz target: wx-driver's HTTP/1.1 response codec. The first byte picks the request
//! method and a feeding step; the rest is what a server sent. Never a panic, and decoding
//! the body in pieces gives exactly what decoding it whole does.
#![no_main]
use wx_driver::h1::{Body, parse_head};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
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
    let rest = &input[used..];
    let whole = decode(Body::new(head.framing), rest, rest.len().max(1));
    let pieces = decode(Body::new(head.framing), rest, step);
    assert_eq!(whole, pieces, "step {step}");
});

/// The data, the bytes left over and the outcome, fed `step` bytes at a time.
fn decode(mut body: Body, input: &[u8], step: usize) -> (Vec<u8>, usize, bool) {
    let (mut data, mut pending) = (Vec::new(), Vec::new());
    for piece in input.chunks(step) {
        pending.extend_from_slice(piece);
        loop {
            match body.decode(&pending) {
                Ok((used, out)) => {
                    assert!(used <= pending.len());
                    data.extend_from_slice(out);
                    pending.drain(..used);
                    if used == 0 || pending.is_empty() {
                        break;
                    }
                }
                Err(_) => return (data, 0, false),
            }
        }
    }
    let ended = body.is_done() || body.end_of_input().is_ok();
    (data, pending.len(), ended)
}
