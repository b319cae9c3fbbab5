//! [`Inbox`]: the commands on their way from `Remote` handles to one driver, and the rule
//! that decides whether the driver still takes them.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use wx_proto::client::Command;

use crate::error::{RemoteError, RemoteResult};
use crate::media::Extra;

/// A queued command: where its result goes, and its reader or writer and progress callback.
pub type Queued<W, R, S> = (Command, W, Extra<R, S>);

/// The queue and whether it is open: `refusal` is `None` while the driver takes commands,
/// else the answer every new command gets.
struct State<W, R, S> {
    refusal: Option<RemoteError>,
    queue: VecDeque<Queued<W, R, S>>,
}

/// The inbox shared by a driver and its `Remote`s, generic over `W`, where the adapter
/// sends a command's result (a oneshot or channel sender), and over the adapter's reader
/// `R` and writer `S` a media command carries along. Cheap to clone.
///
/// A command is queued under the lock, and the driver closes the inbox under the same lock
/// when it takes the queue to answer it: a command is either queued before the close (and
/// answered then) or refused at once, never left in between unanswered. Waking the driver
/// after a push is the adapter's job. An empty queue allocates nothing.
pub struct Inbox<W, R = (), S = ()>(Arc<Mutex<State<W, R, S>>>);

impl<W, R, S> Clone for Inbox<W, R, S> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<W, R, S> Default for Inbox<W, R, S> {
    fn default() -> Self {
        Self(Arc::new(Mutex::new(State {
            refusal: None,
            queue: VecDeque::new(),
        })))
    }
}

impl<W, R, S> std::fmt::Debug for Inbox<W, R, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("Inbox")
            .field("refusal", &state.refusal)
            .field("queued", &state.queue.len())
            .finish()
    }
}

impl<W, R, S> Inbox<W, R, S> {
    fn lock(&self) -> MutexGuard<'_, State<W, R, S>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `command` with where to answer it, or gives back the refusal when the driver
    /// takes no more (then `reply` is dropped: answer the caller with the error).
    pub fn push(&self, command: Command, reply: W) -> Result<(), RemoteError> {
        self.push_with(command, reply, Extra::default())
    }

    /// [`push`](Self::push) with the reader or writer the command needs and its progress
    /// callback (dropped with `reply` when refused).
    pub fn push_with(
        &self,
        command: Command,
        reply: W,
        extra: Extra<R, S>,
    ) -> Result<(), RemoteError> {
        let mut state = self.lock();
        if let Some(refusal) = &state.refusal {
            return Err(refusal.clone());
        }
        state.queue.push_back((command, reply, extra));
        Ok(())
    }

    /// The oldest queued command.
    pub fn pop(&self) -> Option<Queued<W, R, S>> {
        self.lock().queue.pop_front()
    }

    /// Refuses new commands with `refusal` from now on, and gives back the queued ones,
    /// each with its answer (`refusal`).
    pub fn close(&self, refusal: &RemoteError) -> Vec<(W, RemoteResult)> {
        let queued = {
            let mut state = self.lock();
            state.refusal = Some(refusal.clone());
            std::mem::take(&mut state.queue)
        };
        queued
            .into_iter()
            .map(|(_, reply, _)| (reply, Err(refusal.clone())))
            .collect()
    }

    /// Takes commands again after the session ended (a new login on the same driver);
    /// an inbox closed because its driver is gone stays closed.
    pub fn reopen_after_end(&self) {
        let mut state = self.lock();
        if state.refusal == Some(RemoteError::SESSION_ENDED) {
            state.refusal = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logout() -> Command {
        Command::Logout
    }

    #[test]
    fn queued_commands_come_out_in_order() {
        let inbox: Inbox<u8> = Inbox::default();
        assert_eq!(inbox.push(logout(), 1), Ok(()));
        assert_eq!(inbox.push(logout(), 2), Ok(()));
        assert_eq!(inbox.pop().map(|(_, w, _)| w), Some(1));
        assert_eq!(inbox.pop().map(|(_, w, _)| w), Some(2));
        assert!(inbox.pop().is_none());
    }

    #[test]
    fn the_end_answers_the_queue_and_refuses_later_commands_until_a_reopen() {
        let inbox: Inbox<u8> = Inbox::default();
        let remote = inbox.clone();
        assert_eq!(remote.push(logout(), 1), Ok(()));
        let answered = inbox.close(&RemoteError::SESSION_ENDED);
        assert_eq!(answered, vec![(1, Err(RemoteError::SESSION_ENDED))]);
        assert_eq!(remote.push(logout(), 2), Err(RemoteError::SESSION_ENDED));
        assert!(inbox.pop().is_none());
        inbox.reopen_after_end();
        assert_eq!(remote.push(logout(), 3), Ok(()));
    }

    #[test]
    fn a_dropped_driver_stays_closed() {
        let inbox: Inbox<u8> = Inbox::default();
        assert_eq!(inbox.push(logout(), 1), Ok(()));
        assert_eq!(
            inbox.close(&RemoteError::Closed),
            vec![(1, Err(RemoteError::Closed))]
        );
        inbox.reopen_after_end();
        assert_eq!(inbox.push(logout(), 2), Err(RemoteError::Closed));
    }

    #[test]
    fn a_push_racing_the_close_is_answered_or_refused_never_lost() {
        for _ in 0..200 {
            let inbox: Inbox<()> = Inbox::default();
            let remote = inbox.clone();
            let pusher = std::thread::spawn(move || remote.push(logout(), ()));
            let answered = inbox.close(&RemoteError::SESSION_ENDED).len();
            let pushed = pusher.join().unwrap_or(Err(RemoteError::Closed));
            let answered = answered + inbox.close(&RemoteError::SESSION_ENDED).len();
            match pushed {
                Ok(()) => assert_eq!(answered, 1),
                Err(e) => {
                    assert_eq!(e, RemoteError::SESSION_ENDED);
                    assert_eq!(answered, 0);
                }
            }
        }
    }
}
