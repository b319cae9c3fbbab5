//! Download bodies shared with the simulator's store: a [`SharedBody`] in a response's
//! extensions stands for its body, so the loopback server sends stored bytes without copying
//! them per request. [`Sim::handle`](crate::Sim::handle) copies them into the body;
//! [`Sim::handle_shared`](crate::Sim::handle_shared) leaves them shared.

use crate::sim::Reply;
use http::Response;
use std::sync::Arc;

/// Bytes of a download answer, shared with the store (a range of one buffer).
#[derive(Debug, Clone)]
pub struct SharedBody {
    bytes: Arc<[u8]>,
    start: usize,
    end: usize,
}

impl SharedBody {
    /// `bytes[start..end]`, clamped to the buffer.
    pub fn new(bytes: Arc<[u8]>, start: usize, end: usize) -> SharedBody {
        let end = end.min(bytes.len());
        SharedBody {
            start: start.min(end),
            end,
            bytes,
        }
    }

    /// The bytes of the body.
    pub fn as_slice(&self) -> &[u8] {
        self.bytes.get(self.start..self.end).unwrap_or_default()
    }

    /// The whole buffer the body is a range of (to check that downloads share it).
    pub fn buffer(&self) -> &Arc<[u8]> {
        &self.bytes
    }
}

impl AsRef<[u8]> for SharedBody {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

/// Moves a shared body into the response's own body.
pub(crate) fn materialize(resp: &mut Response<Vec<u8>>) {
    if let Some(b) = resp.extensions_mut().remove::<SharedBody>() {
        *resp.body_mut() = b.as_slice().to_vec();
    }
}

/// [`materialize`] for a reply.
pub(crate) fn materialize_reply(reply: &mut Reply) {
    match reply {
        Reply::Now(resp) | Reply::Later(resp, _) => materialize(resp),
        Reply::Held(_) | Reply::Drop => {}
    }
}
