//! [`Remote`]: a cloneable handle other tasks use to submit commands to a driven session
//! and await their typed results. It pushes to the driver's [`Inbox`] (the queue and its
//! end-of-session refusal live in `wx-driver`) and wakes the driver with a `Notify`.

use std::sync::Arc;

use tokio::sync::{Notify, oneshot};
use wx_driver::{Inbox, RemoteError, RemoteResult};
use wx_proto::client::{Command, OpOutput};

/// Where a remote command's result goes.
pub(crate) type Waiter = oneshot::Sender<RemoteResult>;

/// Submits commands to one session from any task. The driver runs them the next time it
/// is polled; their results come back here instead of as `OpDone` events.
#[derive(Clone)]
pub struct Remote {
    inbox: Inbox<Waiter>,
    /// Wakes the driver when a command is queued (a permit is kept if it is not waiting).
    queued: Arc<Notify>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote").finish_non_exhaustive()
    }
}

impl Remote {
    pub(crate) fn new(inbox: Inbox<Waiter>, queued: Arc<Notify>) -> Self {
        Self { inbox, queued }
    }

    /// Submits `command` and waits for its result. Resolves while the driver is being
    /// polled (`next_event`, the stream, or `shutdown`); at once with
    /// `Usage(SessionEnded)` once its session has ended, and with `Closed` once the driver
    /// is dropped.
    pub async fn submit(&self, command: Command) -> Result<OpOutput, RemoteError> {
        let (reply, rx) = oneshot::channel();
        self.inbox.push(command, reply)?;
        self.queued.notify_one();
        rx.await.unwrap_or(Err(RemoteError::Closed))
    }
}
