//! [`Remote`]: a cloneable handle other tasks use to submit commands to a driven session
//! and await their typed results, and the gate that decides whether the driver takes them.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

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

/// Whether the driver takes commands: `None` while it does, else the answer every new
/// command gets. A command is queued while this lock is held, and the driver closes the
/// gate under the same lock before it drains its inbox: a command is either queued before
/// the close (and answered by the drain) or refused here, never left in between unanswered.
#[derive(Clone, Debug, Default)]
pub(crate) struct Gate(Arc<Mutex<Option<RemoteError>>>);

impl Gate {
    fn lock(&self) -> MutexGuard<'_, Option<RemoteError>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Refuses new commands with `refusal` from now on.
    pub(crate) fn close(&self, refusal: RemoteError) {
        *self.lock() = Some(refusal);
    }

    /// Takes commands again after the session ended (a new login on the same driver);
    /// a driver that is gone stays closed.
    pub(crate) fn reopen_after_end(&self) {
        let mut gate = self.lock();
        if *gate == Some(RemoteError::Usage(UsageError::SessionEnded)) {
            *gate = None;
        }
    }
}

/// Submits commands to one session from any task. The driver runs them the next time it
/// is polled; their results come back here instead of as `OpDone` events.
#[derive(Clone, Debug)]
pub struct Remote {
    tx: mpsc::UnboundedSender<Envelope>,
    gate: Gate,
}

impl Remote {
    pub(crate) fn new(tx: mpsc::UnboundedSender<Envelope>, gate: Gate) -> Self {
        Self { tx, gate }
    }

    /// Submits `command` and waits for its result. Resolves while the driver is being
    /// polled (`next_event`, the stream, or `shutdown`); at once with
    /// `Usage(SessionEnded)` once its session has ended, and with `Closed` once the driver
    /// is dropped.
    pub async fn submit(&self, command: Command) -> Result<OpOutput, RemoteError> {
        let (reply, rx) = oneshot::channel();
        {
            let gate = self.gate.lock();
            if let Some(refusal) = gate.as_ref() {
                return Err(refusal.clone());
            }
            self.tx
                .send(Envelope { command, reply })
                .map_err(|_| RemoteError::Closed)?;
        }
        rx.await.unwrap_or(Err(RemoteError::Closed))
    }
}

impl std::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Envelope")
    }
}
