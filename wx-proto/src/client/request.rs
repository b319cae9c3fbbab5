//! What the core asks a driver to send ([`Request`]), its identity and purpose, and the
//! categories of transport failure a driver reports back ([`Failure`]).

use std::fmt;
use std::time::Duration;

use super::OpId;
use crate::Endpoint;

/// Names one HTTP exchange. Every polled request gets exactly one response or failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

/// A request for the driver to send. The driver must not follow redirects or store cookies.
pub struct Request {
    /// Its id, to pass back with the response or failure.
    pub id: RequestId,
    /// The endpoint.
    pub kind: Endpoint,
    /// How long the driver should wait for the whole response.
    pub timeout: Duration,
    /// The HTTP request (absolute URI, headers including `Cookie`, body).
    pub http: http::Request<Vec<u8>>,
    /// A download: the driver writes the body to this op's writer as it arrives (when
    /// [`streams_body`](super::streams_body) says so, else drops it) and reports the head
    /// and the bytes written with `Client::handle_streamed`, instead of `handle_response`.
    pub sink: Option<OpId>,
}

impl fmt::Debug for Request {
    /// Shows id, kind, method, host, path and body length: never the query or the cookies.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("id", &self.id.0)
            .field("kind", &self.kind)
            .field("method", self.http.method())
            .field("host", &self.http.uri().host().unwrap_or(""))
            .field("path", &self.http.uri().path())
            .field("body_len", &self.http.body().len())
            .field("sink", &self.sink.map(|op| op.0))
            .finish()
    }
}

/// Why a request produced no response: a category, never a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Failure {
    /// No complete response within the request's timeout.
    Timeout,
    /// The connection could not be made (DNS, refused, unreachable).
    Connect,
    /// The TLS handshake failed.
    Tls,
    /// The connection broke while sending or receiving.
    Io,
    /// The body exceeded the driver's size cap.
    BodyTooLarge,
    /// The driver dropped the request (shutting down).
    Cancelled,
}
