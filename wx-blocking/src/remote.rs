//! [`Remote`]: a cloneable handle other threads use to submit commands to a driven session
//! and wait for their typed results.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use wx_proto::client::{Command, OpError, OpOutput, UsageError};

use crate::driver::Msg;

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

/// Where a remote command's result goes.
pub(crate) type Reply = mpsc::SyncSender<Result<OpOutput, RemoteError>>;

/// Submits commands to one session from any thread. The driver runs them the next time it
/// waits; their results come back here instead of as `OpDone` events.
#[derive(Clone, Debug)]
pub struct Remote {
    tx: mpsc::Sender<Msg>,
    ended: Arc<AtomicBool>,
}

impl Remote {
    pub(crate) fn new(tx: mpsc::Sender<Msg>, ended: Arc<AtomicBool>) -> Self {
        Self { tx, ended }
    }

    /// Submits `command` and blocks until its result. Returns only while the driver is
    /// being run (`next_event`, the iterator, or `shutdown`), or once its session ended.
    pub fn submit(&self, command: Command) -> Result<OpOutput, RemoteError> {
        if self.ended.load(Ordering::Acquire) {
            return Err(RemoteError::Usage(UsageError::SessionEnded));
        }
        let (reply, rx) = mpsc::sync_channel(1);
        self.tx
            .send(Msg::Command(command, reply))
            .map_err(|_| RemoteError::Closed)?;
        rx.recv().unwrap_or(Err(RemoteError::Closed))
    }
}
