//! The server's bounds on what a client can make it hold: how long a request head may take
//! to arrive, how large one request body may be, and how many body bytes all requests
//! together may buffer at once (the in-flight budget).
//!
//! Every body may use [`FREE_BODY_BYTES`] without touching the budget (control commands,
//! JSON API calls); bytes beyond that are taken from the shared budget as they arrive and
//! given back when the request has been handled. A body over [`Limits::max_body`] gets 413,
//! one that finds the budget spent gets 503 with `Retry-After`, one slower than
//! [`Limits::body_timeout`] gets 408: none of them waits for memory.
//!
//! [`MediaLimits`] bounds what uploads may make the simulator keep: the largest file and
//! video, the size above which webwxcheckupload must come first, and the bytes of unfinished
//! uploads per session and in all (abandoned ones are dropped after a while). Those hold in
//! the sans-IO core too; the request-body limits belong to the loopback server.

#[cfg(feature = "server")]
use http::{HeaderMap, HeaderValue, Response, StatusCode};
#[cfg(feature = "server")]
use http_body_util::BodyExt;
#[cfg(feature = "server")]
use hyper::body::Incoming;
#[cfg(feature = "server")]
use std::sync::Arc;
use std::time::Duration;
#[cfg(feature = "server")]
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The upload chunk size every client uses: 512 KiB (protocol.md §7.2).
pub const CHUNK_BYTES: u64 = 524_288;

/// What uploads may make the simulator hold, and the sizes the real server refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaLimits {
    /// The largest attachment (any `mediatype` but `video`): 50 MiB (protocol.md §7.2).
    pub max_file: u64,
    /// The largest video (`mediatype=video`): 20 MiB (protocol.md §7.5).
    pub max_video: u64,
    /// Files larger than this need webwxcheckupload first: 25 MiB (protocol.md §7.3).
    pub need_check: u64,
    /// Bytes of unfinished uploads one session may hold: 60 MiB (one largest file fits).
    pub unfinished_per_session: u64,
    /// Bytes of unfinished uploads all sessions together may hold: 200 MiB.
    pub unfinished_total: u64,
    /// Unfinished uploads one session may have at once: 16.
    pub partials_per_session: usize,
    /// An unfinished upload that gets no chunk for this long is dropped: 10 minutes.
    pub abandon_after: Duration,
}

impl Default for MediaLimits {
    fn default() -> MediaLimits {
        MediaLimits {
            max_file: 50 * 1024 * 1024,
            max_video: 20 * 1024 * 1024,
            need_check: 25 * 1024 * 1024,
            unfinished_per_session: 60 * 1024 * 1024,
            unfinished_total: 200 * 1024 * 1024,
            partials_per_session: 16,
            abandon_after: Duration::from_secs(600),
        }
    }
}

/// Body bytes of each request that do not count against the in-flight budget: 64 KiB.
pub const FREE_BODY_BYTES: usize = 64 * 1024;

/// What one connection or request may make the server hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Time for a request head (and a TLS handshake) to arrive; a connection that sends
    /// nothing for this long between requests is closed too. Default 30 s.
    pub header_read_timeout: Duration,
    /// Time for a whole request body to arrive once its head has. Default 60 s.
    pub body_timeout: Duration,
    /// The largest request body: 16 MiB by default (uploads come in 512 KiB chunks).
    pub max_body: usize,
    /// Body bytes all requests together may buffer beyond their free 64 KiB: 64 MiB.
    pub body_budget: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(60),
            max_body: 16 * 1024 * 1024,
            body_budget: 64 * 1024 * 1024,
        }
    }
}

#[cfg(feature = "server")]
/// The in-flight budget shared by every connection (one permit a byte).
#[derive(Debug)]
pub(crate) struct Budget {
    permits: Arc<Semaphore>,
    total: usize,
}

#[cfg(feature = "server")]
impl Budget {
    pub(crate) fn new(bytes: usize) -> Budget {
        let total = bytes.min(Semaphore::MAX_PERMITS);
        Budget {
            permits: Arc::new(Semaphore::new(total)),
            total,
        }
    }
}

#[cfg(feature = "server")]
/// Budget taken by one request body, given back when dropped.
#[derive(Debug, Default)]
pub(crate) struct Taken(Option<OwnedSemaphorePermit>);

#[cfg(feature = "server")]
/// Why a request body was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Over `max_body` (announced by Content-Length or found while reading).
    TooLarge(usize),
    /// The in-flight budget is spent.
    Busy(usize),
    /// The body did not arrive within `body_timeout`.
    Timeout,
    /// The connection failed while the body was being read.
    Read,
}

#[cfg(feature = "server")]
impl BodyError {
    /// The answer to send instead of handling the request.
    pub(crate) fn response(self) -> Response<Vec<u8>> {
        let (status, text) = match self {
            BodyError::TooLarge(max) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("wx-sim: request body over the limit of {max} bytes\n"),
            ),
            BodyError::Busy(budget) => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "wx-sim: request bodies in flight already use the budget of {budget} bytes; \
                     retry later\n"
                ),
            ),
            BodyError::Timeout => (
                StatusCode::REQUEST_TIMEOUT,
                "wx-sim: the request body did not arrive in time\n".to_string(),
            ),
            BodyError::Read => (
                StatusCode::BAD_REQUEST,
                "wx-sim: the request body could not be read\n".to_string(),
            ),
        };
        let mut resp = Response::new(text.into_bytes());
        *resp.status_mut() = status;
        let h = resp.headers_mut();
        h.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        h.insert(http::header::CONNECTION, HeaderValue::from_static("close"));
        if matches!(self, BodyError::Busy(_)) {
            h.insert(http::header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        resp
    }
}

#[cfg(feature = "server")]
/// Reads a request body within `limits`, taking what it buffers beyond the free bytes from
/// `budget`; the budget comes back when the returned [`Taken`] is dropped.
pub(crate) async fn read_body(
    limits: &Limits,
    budget: &Budget,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<(Vec<u8>, Taken), BodyError> {
    let announced = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > limits.max_body as u64) {
        return Err(BodyError::TooLarge(limits.max_body));
    }
    match tokio::time::timeout(limits.body_timeout, collect(limits, budget, body)).await {
        Ok(r) => r,
        Err(_) => Err(BodyError::Timeout),
    }
}

#[cfg(feature = "server")]
async fn collect(
    limits: &Limits,
    budget: &Budget,
    mut body: Incoming,
) -> Result<(Vec<u8>, Taken), BodyError> {
    let mut bytes: Vec<u8> = Vec::new();
    let mut taken = Taken::default();
    // Budget taken so far: the buffer's capacity beyond the free bytes.
    let mut charged = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Read)?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        if bytes.len().saturating_add(data.len()) > limits.max_body {
            return Err(BodyError::TooLarge(limits.max_body));
        }
        bytes.reserve(data.len());
        let owed = bytes.capacity().saturating_sub(FREE_BODY_BYTES);
        if owed > charged {
            let n = u32::try_from(owed - charged).map_err(|_| BodyError::Busy(budget.total))?;
            let permit = budget
                .permits
                .clone()
                .try_acquire_many_owned(n)
                .map_err(|_| BodyError::Busy(budget.total))?;
            charged = owed;
            match &mut taken.0 {
                Some(p) => p.merge(permit),
                None => taken.0 = Some(permit),
            }
        }
        bytes.extend_from_slice(&data);
    }
    Ok((bytes, taken))
}
