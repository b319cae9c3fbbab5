//! [`Remote`]: a cloneable handle other tasks use to submit commands to a driven session
//! and await their typed results, and the inbox they share with the driver.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::{Notify, oneshot};
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
    #[error("the session ended")]
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

/// The commands on their way to one driver, and whether it takes more: `refusal` is `None`
/// while it does, else the answer every new command gets. A command is queued under this
/// lock, and the driver sets `refusal` under the same lock when it takes the queue to answer
/// it: a command is either queued before (and answered then) or refused at once, never left
/// in between unanswered. An empty queue allocates nothing.
#[derive(Default)]
struct InboxState {
    refusal: Option<RemoteError>,
    queue: VecDeque<Envelope>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<InboxState>,
    /// Wakes the driver when a command is queued (a permit is kept if it is not waiting).
    queued: Notify,
}

/// The inbox shared by a driver and its [`Remote`]s.
#[derive(Clone, Default)]
pub(crate) struct Inbox(Arc<Shared>);

impl Inbox {
    fn lock(&self) -> MutexGuard<'_, InboxState> {
        self.0.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `envelope`, or gives back the refusal when the driver takes no more.
    fn push(&self, envelope: Envelope) -> Result<(), RemoteError> {
        {
            let mut state = self.lock();
            if let Some(refusal) = &state.refusal {
                return Err(refusal.clone());
            }
            state.queue.push_back(envelope);
        }
        self.0.queued.notify_one();
        Ok(())
    }

    /// The oldest queued command.
    pub(crate) fn pop(&self) -> Option<Envelope> {
        self.lock().queue.pop_front()
    }

    /// Resolves when a command may have been queued since the last call.
    pub(crate) async fn queued(&self) {
        self.0.queued.notified().await;
    }

    /// Refuses new commands with `refusal` from now on, and answers the queued ones with it.
    pub(crate) fn close(&self, refusal: &RemoteError) {
        let queued = {
            let mut state = self.lock();
            state.refusal = Some(refusal.clone());
            std::mem::take(&mut state.queue)
        };
        for envelope in queued {
            let _ = envelope.reply.send(Err(refusal.clone()));
        }
    }

    /// Takes commands again after the session ended (a new login on the same driver);
    /// a driver that is gone stays closed.
    pub(crate) fn reopen_after_end(&self) {
        let mut state = self.lock();
        if state.refusal == Some(RemoteError::Usage(UsageError::SessionEnded)) {
            state.refusal = None;
        }
    }
}

/// Submits commands to one session from any task. The driver runs them the next time it
/// is polled; their results come back here instead of as `OpDone` events.
#[derive(Clone)]
pub struct Remote {
    inbox: Inbox,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote").finish_non_exhaustive()
    }
}

impl Remote {
    pub(crate) fn new(inbox: Inbox) -> Self {
        Self { inbox }
    }

    /// Submits `command` and waits for its result. Resolves while the driver is being
    /// polled (`next_event`, the stream, or `shutdown`); at once with
    /// `Usage(SessionEnded)` once its session has ended, and with `Closed` once the driver
    /// is dropped.
    pub async fn submit(&self, command: Command) -> Result<OpOutput, RemoteError> {
        let (reply, rx) = oneshot::channel();
        self.inbox.push(Envelope { command, reply })?;
        rx.await.unwrap_or(Err(RemoteError::Closed))
    }
}

impl std::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Envelope")
    }
}
