//! [`Pump`]: the order in which a driver runs its client, and the end-of-session rule,
//! as steps an adapter carries out with its own HTTP and its own waiting.

use std::time::Instant;

use wx_proto::client::{Client, Event, OpId, Phase, Request, RequestId};

use crate::attach::{Attachments, Claimed, Read};
use crate::error::{RemoteError, RemoteResult};
use crate::inbox::Inbox;
use crate::media::{Io, Streamed, check_io, feed_streamed};
use crate::waiters::{Routed, Waiters};

/// What the adapter does next.
#[derive(Debug)]
pub enum Step<W, R = (), S = ()> {
    /// Send this request; feed its outcome to the client when it ends.
    Send(Request),
    /// Send this download request of `op` and write its body, as it arrives, to `sink`
    /// when [`streams_body`](wx_proto::client::streams_body) says so (with no writer
    /// attached, count the body and drop it); flush it, then call [`Pump::streamed`] with
    /// the writer and the head. Never read the body into memory.
    Stream {
        /// The request (its `sink` is `op`).
        request: Request,
        /// The download.
        op: OpId,
        /// The op's writer, lent until [`Pump::streamed`].
        sink: Option<S>,
    },
    /// Read these bytes of an attached upload's reader (seek to the offset, read exactly
    /// `len` bytes), then call [`Pump::read_done`] with the reader.
    Read(Read<R>),
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

/// The shared half of a driver: the inbox its `Remote`s push to, the callers waiting
/// for results, and the readers and writers attached to media ops. Generic over `W`, the
/// adapter's reply sender, and its reader `R` and writer `S`.
#[derive(Debug)]
pub struct Pump<W, R = (), S = ()> {
    inbox: Inbox<W, R, S>,
    waiters: Waiters<W>,
    attachments: Attachments<R, S>,
}

impl<W, R, S> Default for Pump<W, R, S> {
    fn default() -> Self {
        Self {
            inbox: Inbox::default(),
            waiters: Waiters::default(),
            attachments: Attachments::default(),
        }
    }
}

impl<W, R, S> Pump<W, R, S> {
    /// The inbox, for a new `Remote`.
    pub fn inbox(&self) -> Inbox<W, R, S> {
        self.inbox.clone()
    }

    /// How many remote callers wait for a result.
    pub fn waiting(&self) -> usize {
        self.waiters.len()
    }

    /// How many ops have a reader or writer attached.
    pub fn attached(&self) -> usize {
        self.attachments.len()
    }

    /// Attaches `io` to `op`, an op the driver's caller submitted itself: the driver then
    /// answers its `DataWanted` from the reader (the event is not handed out) or writes its
    /// download bodies to the writer; its `Progress` and `OpDone` still go to the caller.
    /// Dropped when the op ends (or the session does).
    pub fn attach(&mut self, op: OpId, io: Io<R, S>) {
        self.attachments.attach(op, Some(io), None, false);
    }

    /// A [`Step::Read`] is over: `reader` (when the adapter still has it) goes back to
    /// `op`, and the bytes (exactly the `len` asked for at `offset`) or the read's failure
    /// go to the client (the op fails `DataUnavailable` on a failure or a short read).
    pub fn read_done(
        &mut self,
        client: &mut Client,
        op: OpId,
        offset: u64,
        reader: Option<R>,
        bytes: std::io::Result<Vec<u8>>,
        now: Instant,
    ) {
        if let Some(reader) = reader {
            self.attachments.put_back(op, Io::Source(reader));
        }
        match bytes {
            Ok(bytes) => {
                if client.handle_data(op, offset, &bytes, now).is_err() {
                    tracing::debug!(op = op.0, "the upload took no such data");
                    client.handle_data_failure(op, now);
                }
            }
            Err(e) => {
                tracing::debug!(op = op.0, kind = ?e.kind(), "an upload's read failed");
                client.handle_data_failure(op, now);
            }
        }
    }

    /// A [`Step::Stream`] is over: the writer (when the adapter still has it) goes back to
    /// `op` for a retry, and the outcome of request `id` goes to the client.
    pub fn streamed(
        &mut self,
        client: &mut Client,
        id: RequestId,
        op: OpId,
        sink: Option<S>,
        outcome: Streamed,
        now: Instant,
    ) {
        if let Some(sink) = sink {
            self.attachments.put_back(op, Io::Sink(sink));
        }
        feed_streamed(client, id, outcome, now);
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
    ///
    /// The events of ops with something attached are claimed first: a `DataWanted` becomes
    /// a [`Step::Read`], a `Progress` goes to the op's callback (a remote caller's op's
    /// never reaches the driver's caller), an `OpDone` drops the op's reader or writer. A
    /// request of a download lends out the op's writer ([`Step::Stream`]).
    pub fn step(&mut self, client: &mut Client, now: impl Fn() -> Instant) -> Step<W, R, S> {
        loop {
            if let Some(request) = client.poll_request() {
                return match request.sink {
                    Some(op) => {
                        let sink = self.attachments.take_sink(op);
                        Step::Stream { request, op, sink }
                    }
                    None => Step::Send(request),
                };
            }
            if let Some(event) = client.poll_event() {
                let event = match self.attachments.claim(event) {
                    Claimed::Event(event) => event,
                    Claimed::Read(read) => return Step::Read(read),
                    Claimed::Taken => continue,
                    Claimed::Unreadable(op) => {
                        client.handle_data_failure(op, now());
                        continue;
                    }
                };
                return match self.waiters.route(event) {
                    Routed::Event(event) => Step::Event(event),
                    Routed::Reply(reply, result) => Step::Reply(reply, result),
                };
            }
            if client.phase() == Phase::LoggedOut {
                return Step::Ended;
            }
            let Some((command, reply, extra)) = self.inbox.pop() else {
                return Step::Wait;
            };
            if let Err(e) = check_io(&command, extra.io.as_ref()) {
                return Step::Reply(reply, Err(RemoteError::Usage(e)));
            }
            match client.submit(command, now()) {
                Ok(op) => {
                    self.waiters.insert(op, reply);
                    if extra.io.is_some() || extra.progress.is_some() {
                        self.attachments.attach(op, extra.io, extra.progress, true);
                    }
                }
                Err(e) => return Step::Reply(reply, Err(RemoteError::Usage(e))),
            }
        }
    }

    /// The end of the session, after [`Step::Ended`] and once every request is over: the
    /// results still due go to their callers, every other waiter gets `Ended`, the queued
    /// commands get `Usage(SessionEnded)` and so does every command pushed from now on,
    /// until [`Pump::begin`] sees the client run again. The other events are dropped.
    /// Every reader and writer still attached is dropped first.
    pub fn end(&mut self, client: &mut Client) -> Vec<(W, RemoteResult)> {
        self.attachments.clear();
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
        self.attachments.clear();
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
        let mut pump: Pump<u8> = Pump::default();
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
        let mut pump: Pump<u8> = Pump::default();
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
    fn a_media_command_without_its_io_is_refused_and_a_refused_one_drops_its_io() {
        use crate::media::Extra;
        use std::sync::Arc;
        use wx_proto::client::Download;
        let mut client = client();
        let mut pump: Pump<u8, (), Arc<()>> = Pump::default();
        let remote = pump.inbox();
        let get = || Command::Download(Download::Voice { msg_id: "1".into() });
        assert_eq!(remote.push(get(), 1), Ok(()));
        let sink = Arc::new(());
        let extra = Extra {
            io: Some(Io::Sink(sink.clone())),
            progress: None,
        };
        assert_eq!(remote.push_with(get(), 2, extra), Ok(()));
        let mut got = Vec::new();
        loop {
            match pump.step(&mut client, Instant::now) {
                Step::Reply(w, r) => got.push((w, r)),
                Step::Wait => break,
                _ => {}
            }
        }
        assert!(
            matches!(
                &got[0],
                (1, Err(RemoteError::Usage(UsageError::InvalidArgument(_))))
            ),
            "{got:?}"
        );
        assert_eq!(got[1], (2, Err(RemoteError::Usage(UsageError::NotRunning))));
        assert_eq!(
            Arc::strong_count(&sink),
            1,
            "the refused command's writer is dropped"
        );
        assert_eq!(pump.attached(), 0);
    }

    #[test]
    fn a_dropped_driver_answers_closed_for_good() {
        let mut pump: Pump<u8> = Pump::default();
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
