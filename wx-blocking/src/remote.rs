//! [`Remote`]: a cloneable handle other threads use to submit commands to a driven session
//! and wait for their typed results, and the gate that decides whether the driver takes them.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};

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
    #[error("the session ended")]
    Ended,
    /// The driver is gone.
    #[error("the session's driver is gone")]
    Closed,
}

/// Where a remote command's result goes.
pub(crate) type Reply = mpsc::SyncSender<Result<OpOutput, RemoteError>>;

/// Whether the driver takes commands: `None` while it does, else the answer every new
/// command gets. A command is queued while this lock is held, and the driver closes the
/// gate under the same lock before it drains its channel: a command is either queued before
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

/// Submits commands to one session from any thread. The driver runs them the next time it
/// waits; their results come back here instead of as `OpDone` events.
#[derive(Clone, Debug)]
pub struct Remote {
    tx: mpsc::Sender<Msg>,
    gate: Gate,
}

impl Remote {
    pub(crate) fn new(tx: mpsc::Sender<Msg>, gate: Gate) -> Self {
        Self { tx, gate }
    }

    /// Submits `command` and blocks until its result. Returns while the driver is being
    /// run (`next_event`, the iterator, or `shutdown`); at once with `Usage(SessionEnded)`
    /// once its session has ended, and with `Closed` once the driver is dropped.
    pub fn submit(&self, command: Command) -> Result<OpOutput, RemoteError> {
        let (reply, rx) = mpsc::sync_channel(1);
        {
            let gate = self.gate.lock();
            if let Some(refusal) = gate.as_ref() {
                return Err(refusal.clone());
            }
            self.tx
                .send(Msg::Command(command, reply))
                .map_err(|_| RemoteError::Closed)?;
        }
        rx.recv().unwrap_or(Err(RemoteError::Closed))
    }
}
