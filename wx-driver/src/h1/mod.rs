//! A small HTTP/1.1 client codec, free of I/O, for an adapter whose runtime has no HTTP
//! client of its own (`wx-smol`): the request head to write ([`encode_head`]), the
//! response head read from the bytes received ([`parse_head`], which skips interim `1xx`
//! answers and decides the body's [`Framing`] and whether the connection can be reused),
//! and the body's decoder ([`Body`]: a length, chunks, or everything until the peer
//! closes). [`Reader`] holds one response's bytes and runs head and body over them, and
//! [`Pool`] keeps idle connections per [`Origin`]: an adapter only moves bytes. It never logs: a request's head holds the session's credentials.
//!
//! Bounds: a response head over [`MAX_HEAD`] bytes or [`MAX_HEADERS`] headers, a chunk
//! size that does not fit in 64 bits and trailers over [`MAX_HEAD`] bytes are errors,
//! never an allocation.

mod body;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod head;
mod pool;
mod reader;
mod request;
mod state;

pub use body::Body;
pub use head::{Framing, Head, parse_head};
pub use pool::{Origin, Pool, bare};
pub use reader::{Next, Reader};
pub use request::{encode_head, encode_request};
pub use state::ClientState;

/// The largest response head (status line and headers) accepted, in bytes.
pub const MAX_HEAD: usize = 64 * 1024;
/// The most headers a response head may have.
pub const MAX_HEADERS: usize = 128;

/// Why bytes could not be read or written as HTTP/1.1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum H1Error {
    /// The request's URI has no host to connect to or to name in `Host`.
    #[error("the request's URI has no host")]
    NoHost,
    /// The response head is not HTTP/1.x (`what` says which part failed).
    #[error("malformed response head: {0}")]
    BadHead(&'static str),
    /// The response head is longer than [`MAX_HEAD`] bytes or has too many headers.
    #[error("response head too large")]
    HeadTooLarge,
    /// The `Content-Length` headers are not one non-negative number.
    #[error("bad Content-Length")]
    BadLength,
    /// The chunked body's framing is broken (`what` says where).
    #[error("malformed chunked body: {0}")]
    BadChunk(&'static str),
    /// The connection ended before the body did.
    #[error("the connection closed before the body ended")]
    Truncated,
}
