//! [`Driver`]: owns one session's in-flight set, its worker pool and its one channel, and
//! runs the client until the next event with `recv_timeout` as the whole select. What to
//! do next (and the end-of-session rule, and which op has which reader or writer) is
//! `wx-driver`'s [`Pump`]; this file sends the requests and downloads to the workers,
//! reads the uploads' chunks on its own thread, and waits.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::Instant;

use wx_driver::{Done, Job, Pump, Read, RemoteResult, Step};
use wx_proto::client::{Client, Event, Failure, Phase, RequestId};

use crate::http_client::HttpClient;
use crate::media::{Sink, Source, read_at};
use crate::remote::{Remote, Reply};
use crate::workers::{Work, Workers};

/// What arrives on the driver's one channel.
pub(crate) enum Msg {
    /// A request or a download ended (a download's writer given back).
    Done(Done<Source, Sink>),
    /// A [`Remote`] queued a command in the inbox (it may have been run already).
    Wake,
}

/// Worker threads per session unless told otherwise: the core's default in-flight cap
/// (8) plus one for a logout sent while the cap is reached.
const DEFAULT_WORKERS: usize = 9;

/// Runs one [`Client`] over an [`HttpClient`] on blocking threads. The caller keeps the
/// client; the driver keeps what is in flight.
pub struct Driver {
    rx: mpsc::Receiver<Msg>,
    tx: mpsc::Sender<Msg>,
    workers: Workers,
    in_flight: BTreeSet<RequestId>,
    pub(crate) pump: Pump<Reply, Source, Sink>,
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("in_flight", &self.in_flight.len())
            .field("waiting_remotes", &self.pump.waiting())
            .field("attached", &self.pump.attached())
            .finish_non_exhaustive()
    }
}

impl Driver {
    /// A driver for one session, sending through `http` (clone one client for many
    /// drivers), with at most 9 worker threads.
    pub fn new(http: HttpClient) -> Self {
        Self::with_workers(http, DEFAULT_WORKERS)
    }

    /// A driver with at most `cap` worker threads: give it the client's
    /// `Config::max_in_flight` plus one (requests beyond it wait for a free thread).
    pub fn with_workers(http: HttpClient, cap: usize) -> Self {
        let (tx, rx) = mpsc::channel();
        Self {
            workers: Workers::new(http, tx.clone(), cap),
            rx,
            tx,
            in_flight: BTreeSet::new(),
            pump: Pump::default(),
        }
    }

    /// A handle for other threads to submit commands.
    pub fn remote(&self) -> Remote {
        Remote::new(self.pump.inbox(), self.tx.clone())
    }

    /// Requests (and downloads) in flight.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Runs I/O until the client has an event, and returns it; `None` once the session has
    /// ended (requests still running are reported cancelled and left to finish alone).
    pub fn next_event(&mut self, client: &mut Client) -> Option<Event> {
        self.pump.begin(client);
        loop {
            match self.pump.step(client, Instant::now) {
                Step::Send(request) => self.start(client, Work::Plain(request)),
                Step::Stream { request, op, sink } => {
                    self.start(client, Work::Stream(request, op, sink));
                }
                Step::Read(read) => self.read(client, read),
                Step::Event(event) => return Some(event),
                Step::Reply(reply, result) => answer([(reply, result)]),
                Step::Ended => {
                    self.finish(client);
                    return None;
                }
                Step::Wait => self.wait(client),
            }
        }
    }

    /// Waits for a request to end, a [`Remote`] command, or the client's timer.
    fn wait(&mut self, client: &mut Client) {
        let msg = match client.poll_timeout() {
            Some(at) => self
                .rx
                .recv_timeout(at.saturating_duration_since(Instant::now()))
                .ok(),
            None => self.rx.recv().ok(),
        };
        match msg {
            Some(Msg::Done(done)) => self.complete(client, done),
            Some(Msg::Wake) => {}
            None => client.handle_timeout(Instant::now()),
        }
    }

    /// The events of `client`, ending when the session does.
    pub fn events<'a>(&'a mut self, client: &'a mut Client) -> Events<'a> {
        Events {
            driver: self,
            client,
        }
    }

    /// Ends the session gracefully: logs out (when a session is running), runs until the
    /// logout is done, and drops the events on the way.
    pub fn shutdown(&mut self, client: &mut Client) {
        if client.phase() != Phase::LoggedOut {
            let _ = client.logout(Instant::now());
        }
        while self.next_event(client).is_some() {}
    }

    /// Queues a request, or a download with the writer its body goes to.
    fn start(&mut self, client: &mut Client, work: Work) {
        let id = work.id();
        self.in_flight.insert(id);
        tracing::trace!(id = id.0, "request queued for a worker");
        if !self.workers.send(work, self.in_flight.len()) {
            self.in_flight.remove(&id);
            let _ = client.handle_failure(id, Failure::Cancelled, Instant::now());
        }
    }

    /// Reads an upload's chunk here, on the driver's thread (one chunk, at most 512 KiB:
    /// the core asks for the next only after this one is sent).
    fn read(&mut self, client: &mut Client, read: Read<Source>) {
        let Read {
            op,
            offset,
            len,
            mut reader,
        } = read;
        // A reader that panics (user code) fails its upload; the reader is dropped.
        let done = match catch_unwind(AssertUnwindSafe(|| read_at(&mut reader, offset, len))) {
            Ok(bytes) => Done::Read(op, offset, Some(reader), bytes),
            Err(_) => Job::Read(op, offset).failed(Failure::Io),
        };
        self.pump.complete(client, done, Instant::now());
    }

    /// Feeds a worker's result to the client, unless its request is no longer in flight
    /// (reported cancelled when its session ended).
    fn complete(&mut self, client: &mut Client, done: Done<Source, Sink>) {
        if let Job::Request(id) | Job::Stream(id, _) = done.job()
            && !self.in_flight.remove(&id)
        {
            return;
        }
        self.pump.complete(client, done, Instant::now());
    }

    /// The session is over: report what is still in flight as cancelled (each exactly
    /// once), stop the workers, then answer the remote callers (results due, `Ended`, or
    /// the refusal).
    fn finish(&mut self, client: &mut Client) {
        // A fresh pool for a new login on this driver; the old threads end after the
        // request they run, and its completion is ignored (no longer in flight).
        self.workers.renew();
        let now = Instant::now();
        for id in std::mem::take(&mut self.in_flight) {
            let _ = client.handle_failure(id, Failure::Cancelled, now);
        }
        answer(self.pump.end(client));
        // Completions of the cancelled requests (already reported) and spent wakes.
        while self.rx.try_recv().is_ok() {}
    }
}

/// Sends each remote caller its result (a caller that stopped waiting is skipped).
fn answer(answers: impl IntoIterator<Item = (Reply, RemoteResult)>) {
    for (reply, result) in answers {
        let _ = reply.try_send(result);
    }
}

impl Drop for Driver {
    /// Remotes still waiting get `Closed`, and later ones are refused at once.
    fn drop(&mut self) {
        answer(self.pump.close());
    }
}

/// The iterator of [`Driver::events`].
pub struct Events<'a> {
    driver: &'a mut Driver,
    client: &'a mut Client,
}

impl std::fmt::Debug for Events<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events").finish_non_exhaustive()
    }
}

impl Iterator for Events<'_> {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        self.driver.next_event(self.client)
    }
}
