//! [`Remote`]: a cloneable handle other tasks use to submit commands to a driven session
//! and await their typed results.

use tokio::sync::{mpsc, oneshot};
use wx_proto::client::{Command, OpError, OpOutput, UsageError};

/// Why a command submitted through a [`Remote`] did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteError {
    /// The client refused the command (wrong phase, bad argument, session ended).
    #[error("refused: {0}")]
    Usage(#[from] UsageError),
    /// The operation ran and failed.
    #[error("failed: {0}")]
    Op(#[from] OpError),
    /// The session ended before the operation reported a result (a logout that raced
    /// with the server's own end of the session ends this way).
    #[error("the session ended before the operation finished")]
    Ended,
    /// The driver is gone.
    #[error("the session's driver is gone")]
    Closed,
}

/// A command on its way to the driver, with where to send its result.
pub(crate) struct Envelope {
    pub(crate) command: Command,
    pub(crate) reply: oneshot::Sender<Result<OpOutput, RemoteError>>,
}

/// Submits commands to one session from any task. The driver runs them the next time it
/// is polled; their results come back here instead of as `OpDone` events.
#[derive(Clone, Debug)]
pub struct Remote {
    tx: mpsc::UnboundedSender<Envelope>,
}

impl Remote {
    pub(crate) fn new(tx: mpsc::UnboundedSender<Envelope>) -> Self {
        Self { tx }
    }

    /// Submits `command` and waits for its result. Resolves only while the driver is being
    /// polled (`next_event`, the stream, or `shutdown`).
    pub async fn submit(&self, command: Command) -> Result<OpOutput, RemoteError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Envelope { command, reply })
            .map_err(|_| RemoteError::Closed)?;
        rx.await.unwrap_or(Err(RemoteError::Closed))
    }
}

impl std::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Envelope")
    }
}
