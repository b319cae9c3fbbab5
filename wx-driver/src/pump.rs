//! [`Pump`]: the order in which a driver runs its client, and the end-of-session rule,
//! as steps an adapter carries out with its own HTTP and its own waiting.

use std::time::Instant;

use wx_proto::client::{Client, Event, Phase, Request};

use crate::error::{RemoteError, RemoteResult};
use crate::inbox::Inbox;
use crate::waiters::{Routed, Waiters};

/// What the adapter does next.
#[derive(Debug)]
pub enum Step<W> {
    /// Send this request; feed its outcome to the client when it ends.
    Send(Request),
    /// Hand this event to the driver's caller.
    Event(Event),
    /// Send this result to a remote caller.
    Reply(W, RemoteResult),
    /// The session is over: end what is still in flight (feeding each to the client,
    /// exactly once), then call [`Pump::end`] and send its answers.
    Ended,
    /// Nothing to do: wait for a completion, a command pushed to the inbox, or the
    /// client's timer (`Client::poll_timeout`), then step again.
    Wait,
}

/// The shared half of a driver: the inbox its `Remote`s push to and the callers waiting
/// for results. Generic over `W`, the adapter's reply sender.
#[derive(Debug)]
pub struct Pump<W> {
    inbox: Inbox<W>,
    waiters: Waiters<W>,
}

impl<W> Default for Pump<W> {
    fn default() -> Self {
        Self {
            inbox: Inbox::default(),
            waiters: Waiters::default(),
        }
    }
}

impl<W> Pump<W> {
    /// The inbox, for a new `Remote`.
    pub fn inbox(&self) -> Inbox<W> {
        self.inbox.clone()
    }

    /// How many remote callers wait for a result.
    pub fn waiting(&self) -> usize {
        self.waiters.len()
    }

    /// Call first in every `next_event`: a client that runs again (a new login on the same
    /// driver) takes remote commands again.
    pub fn begin(&mut self, client: &Client) {
        if client.phase() != Phase::LoggedOut {
            self.inbox.reopen_after_end();
        }
    }

    /// The next thing to do: requests to send first, then events (results for remote
    /// callers among them), then the end of the session, then queued remote commands (run
    /// on the client at `now()`); [`Step::Wait`] when there is none of these.
    pub fn step(&mut self, client: &mut Client, now: impl Fn() -> Instant) -> Step<W> {
        loop {
            if let Some(request) = client.poll_request() {
                return Step::Send(request);
            }
            if let Some(event) = client.poll_event() {
                return match self.waiters.route(event) {
                    Routed::Event(event) => Step::Event(event),
                    Routed::Reply(reply, result) => Step::Reply(reply, result),
                };
            }
            if client.phase() == Phase::LoggedOut {
                return Step::Ended;
            }
            let Some((command, reply)) = self.inbox.pop() else {
                return Step::Wait;
            };
            match client.submit(command, now()) {
                Ok(op) => self.waiters.insert(op, reply),
                Err(e) => return Step::Reply(reply, Err(RemoteError::Usage(e))),
            }
        }
    }

    /// The end of the session, after [`Step::Ended`] and once every request is over: the
    /// results still due go to their callers, every other waiter gets `Ended`, the queued
    /// commands get `Usage(SessionEnded)` and so does every command pushed from now on,
    /// until [`Pump::begin`] sees the client run again. The other events are dropped.
    pub fn end(&mut self, client: &mut Client) -> Vec<(W, RemoteResult)> {
        let mut answers = Vec::new();
        while let Some(event) = client.poll_event() {
            if let Routed::Reply(reply, result) = self.waiters.route(event) {
                answers.push((reply, result));
            }
        }
        answers.extend(self.waiters.drain(&RemoteError::Ended));
        answers.extend(self.inbox.close(&RemoteError::SESSION_ENDED));
        answers
    }

    /// The driver is gone: every waiter and queued command gets `Closed`, and so does
    /// every command pushed from now on. Call from the driver's `Drop`.
    pub fn close(&mut self) -> Vec<(W, RemoteResult)> {
        let mut answers = self.waiters.drain(&RemoteError::Closed);
        answers.extend(self.inbox.close(&RemoteError::Closed));
        answers
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::disallowed_methods)]
    use super::*;
    use std::time::SystemTime;
    use wx_proto::client::{Command, Config, OpId, OpOutput, UsageError};

    fn client() -> Client {
        Client::new(
            Config::default(),
            [7; 32],
            Instant::now(),
            SystemTime::now(),
        )
    }

    fn text() -> Command {
        Command::SendText {
            to: "filehelper".into(),
            text: "hi".into(),
        }
    }

    fn steps(pump: &mut Pump<u8>, client: &mut Client, n: usize) -> Vec<Step<u8>> {
        (0..n).map(|_| pump.step(client, Instant::now)).collect()
    }

    #[test]
    fn requests_come_first_and_a_refused_command_is_answered_at_once() {
        let mut client = client();
        let mut pump = Pump::default();
        pump.begin(&client);
        assert_eq!(pump.inbox().push(text(), 1), Ok(()));
        let got = steps(&mut pump, &mut client, 3);
        assert!(matches!(got[0], Step::Send(_)), "{got:?}");
        let refused = Err(RemoteError::Usage(UsageError::NotRunning));
        assert!(
            matches!(&got[1], Step::Reply(1, r) if *r == refused),
            "{got:?}"
        );
        assert!(matches!(got[2], Step::Wait), "{got:?}");
    }

    #[test]
    fn an_op_done_goes_to_its_waiter_and_the_end_answers_everyone_else() {
        let mut client = client();
        let mut pump = Pump::default();
        pump.waiters.insert(OpId(99), 9);
        let remote = pump.inbox();
        assert_eq!(remote.push(Command::Logout, 1), Ok(()));
        assert_eq!(remote.push(text(), 2), Ok(()));
        let got = steps(&mut pump, &mut client, 4);
        assert!(matches!(got[0], Step::Send(_)), "{got:?}");
        assert!(
            matches!(&got[1], Step::Reply(1, Ok(OpOutput::Done))),
            "{got:?}"
        );
        assert!(
            matches!(got[2], Step::Event(Event::LoggedOut(_))),
            "{got:?}"
        );
        assert!(matches!(got[3], Step::Ended), "{got:?}");
        let ended = pump.end(&mut client);
        assert_eq!(
            ended,
            vec![
                (9, Err(RemoteError::Ended)),
                (2, Err(RemoteError::SESSION_ENDED))
            ]
        );
        assert_eq!(pump.waiting(), 0);
        assert_eq!(remote.push(text(), 3), Err(RemoteError::SESSION_ENDED));
        pump.begin(&client);
        assert_eq!(remote.push(text(), 4), Err(RemoteError::SESSION_ENDED));
        pump.begin(&self::client());
        assert_eq!(remote.push(text(), 5), Ok(()));
    }

    #[test]
    fn a_dropped_driver_answers_closed_for_good() {
        let mut pump = Pump::default();
        pump.waiters.insert(OpId(99), 9);
        let remote = pump.inbox();
        assert_eq!(remote.push(text(), 2), Ok(()));
        assert_eq!(
            pump.close(),
            vec![(9, Err(RemoteError::Closed)), (2, Err(RemoteError::Closed))]
        );
        assert_eq!(remote.push(text(), 3), Err(RemoteError::Closed));
        pump.begin(&client());
        assert_eq!(remote.push(text(), 4), Err(RemoteError::Closed));
    }
}
