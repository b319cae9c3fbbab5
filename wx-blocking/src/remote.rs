//! [`Remote`]: a cloneable handle other threads use to submit commands to a driven session
//! and wait for their typed results. It pushes to the driver's [`Inbox`] (the queue and its
//! end-of-session refusal live in `wx-driver`) and wakes the driver on its one channel.

use std::sync::mpsc;

use wx_driver::{Inbox, RemoteError, RemoteResult};
use wx_proto::client::{Command, OpOutput};

use crate::driver::Msg;

/// Where a remote command's result goes.
pub(crate) type Reply = mpsc::SyncSender<RemoteResult>;

/// Submits commands to one session from any thread. The driver runs them the next time it
/// waits; their results come back here instead of as `OpDone` events.
#[derive(Clone, Debug)]
pub struct Remote {
    inbox: Inbox<Reply>,
    wake: mpsc::Sender<Msg>,
}

impl Remote {
    pub(crate) fn new(inbox: Inbox<Reply>, wake: mpsc::Sender<Msg>) -> Self {
        Self { inbox, wake }
    }

    /// Submits `command` and blocks until its result. Returns while the driver is being
    /// run (`next_event`, the iterator, or `shutdown`); at once with `Usage(SessionEnded)`
    /// once its session has ended, and with `Closed` once the driver is dropped.
    pub fn submit(&self, command: Command) -> Result<OpOutput, RemoteError> {
        let (reply, rx) = mpsc::sync_channel(1);
        self.inbox.push(command, reply)?;
        // A driver that is gone has answered the queued command already (`Closed`).
        let _ = self.wake.send(Msg::Wake);
        rx.recv().unwrap_or(Err(RemoteError::Closed))
    }
}
