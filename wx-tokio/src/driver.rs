//! [`Driver`]: owns one session's in-flight requests (a `JoinSet`), its timer and the
//! waiting of its [`Remote`]s, and runs the client until the next event. What to do next
//! (and the end-of-session rule, and which op has which reader or writer) is
//! `wx-driver`'s [`Pump`]; this file sends the requests, streams the downloads, reads the
//! uploads and waits with `select!`.
//!
//! Cancel-safety: everything that waits on I/O (a request, a download streaming into its
//! writer, an upload's read of its file) runs as a task of the driver's `JoinSet`, owning
//! what it needs (the writer or reader is lent to it and comes back with its result).
//! `next_event` only waits for those tasks, a `Notify` and a timer, so dropping its future
//! loses nothing: a read that was in progress completes in its task and is fed to the
//! client the next time the driver runs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::Stream;
use tokio::sync::Notify;
use tokio::task::{Id, JoinError, JoinSet};
use wx_driver::{Done, Job, Pump, Read, RemoteResult, Step};
use wx_proto::client::{Client, Event, Failure, OpId, Phase, Request};

use crate::http_client::HttpClient;
use crate::media::{Sink, Source, read_at};
use crate::remote::{Remote, Waiter};

/// What a task of the driver ends with.
type Ended = Done<Source, Sink>;

/// Runs one [`Client`] over an [`HttpClient`]. The caller keeps the client (to read its
/// state or submit commands directly); the driver keeps what is in flight.
pub struct Driver {
    http: HttpClient,
    tasks: JoinSet<Ended>,
    /// What each task is, to report it when it panicked or was aborted.
    ids: HashMap<Id, Job>,
    pub(crate) pump: Pump<Waiter, Source, Sink>,
    /// Rung by a [`Remote`] after it queued a command.
    queued: Arc<Notify>,
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("in_flight", &self.tasks.len())
            .field("waiting_remotes", &self.pump.waiting())
            .field("attached", &self.pump.attached())
            .finish_non_exhaustive()
    }
}

impl Driver {
    /// A driver for one session, sending through `http` (clone one client for many drivers).
    pub fn new(http: HttpClient) -> Self {
        Self {
            http,
            tasks: JoinSet::new(),
            ids: HashMap::new(),
            pump: Pump::default(),
            queued: Arc::default(),
        }
    }

    /// A handle for other tasks to submit commands.
    pub fn remote(&self) -> Remote {
        Remote::new(self.pump.inbox(), self.queued.clone())
    }

    /// Requests in flight (and upload reads in progress).
    pub fn in_flight(&self) -> usize {
        self.tasks.len()
    }

    /// Runs I/O until the client has an event, and returns it; `None` once the session has
    /// ended and every request is over. Cancel-safe: dropping the future (in `select!`)
    /// loses nothing, the requests keep running in the driver's `JoinSet`.
    pub async fn next_event(&mut self, client: &mut Client) -> Option<Event> {
        self.pump.begin(client);
        loop {
            match self.pump.step(client, Instant::now) {
                Step::Send(request) => self.start(request),
                Step::Stream { request, op, sink } => self.start_stream(request, op, sink),
                Step::Read(read) => self.start_read(read),
                Step::Event(event) => return Some(event),
                Step::Reply(waiter, result) => answer([(waiter, result)]),
                Step::Ended => {
                    self.finish(client).await;
                    return None;
                }
                Step::Wait => self.wait(client).await,
            }
        }
    }

    /// Waits for a request to end, a [`Remote`] command, or the client's timer.
    async fn wait(&mut self, client: &mut Client) {
        let wake = client
            .poll_timeout()
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        tokio::select! {
            Some(done) = self.tasks.join_next_with_id(), if !self.tasks.is_empty() => {
                self.complete(client, done);
            }
            () = self.queued.notified() => {}
            () = tokio::time::sleep_until(wake.into()) => client.handle_timeout(Instant::now()),
        }
    }

    /// The events of `client` as a stream, ending when the session does. Submit commands
    /// through a [`Remote`] taken before.
    pub fn into_stream(self, client: Client) -> impl Stream<Item = Event> + Send {
        futures_util::stream::unfold((self, client), |(mut driver, mut client)| async move {
            let event = driver.next_event(&mut client).await?;
            Some((event, (driver, client)))
        })
    }

    /// Ends the session gracefully: logs out (when a session is running), runs until the
    /// logout is done and every request has ended, and drops the events on the way.
    pub async fn shutdown(&mut self, client: &mut Client) {
        if client.phase() != Phase::LoggedOut {
            let _ = client.logout(Instant::now());
        }
        while self.next_event(client).await.is_some() {}
    }

    fn start(&mut self, request: Request) {
        let http = self.http.clone();
        let Request {
            id,
            timeout,
            http: req,
            ..
        } = request;
        tracing::trace!(id = id.0, "request started");
        let handle = self
            .tasks
            .spawn(async move { Done::Request(id, http.execute(req, timeout).await) });
        self.ids.insert(handle.id(), Job::Request(id));
    }

    fn start_stream(&mut self, request: Request, op: OpId, mut sink: Option<Sink>) {
        let http = self.http.clone();
        let Request {
            id,
            timeout,
            http: req,
            ..
        } = request;
        tracing::trace!(id = id.0, "download started");
        let handle = self.tasks.spawn(async move {
            let outcome = http.stream(req, timeout, sink.as_mut()).await;
            Done::Streamed(id, op, sink, outcome)
        });
        self.ids.insert(handle.id(), Job::Stream(id, op));
    }

    fn start_read(&mut self, read: Read<Source>) {
        let Read {
            op,
            offset,
            len,
            mut reader,
        } = read;
        let handle = self.tasks.spawn(async move {
            let bytes = read_at(&mut reader, offset, len).await;
            Done::Read(op, offset, Some(reader), bytes)
        });
        self.ids.insert(handle.id(), Job::Read(op, offset));
    }

    /// Feeds a task's end to the client; a task that panicked or was aborted is reported
    /// as what it was (a task not in `ids` was reported already).
    fn complete(&mut self, client: &mut Client, done: Result<(Id, Ended), JoinError>) {
        let done = match done {
            Ok((task, done)) => {
                self.ids.remove(&task);
                done
            }
            Err(e) => {
                let failure = if e.is_cancelled() {
                    Failure::Cancelled
                } else {
                    Failure::Io
                };
                let Some(job) = self.ids.remove(&e.id()) else {
                    return;
                };
                job.failed(failure)
            }
        };
        self.pump.complete(client, done, Instant::now());
    }

    /// The session is over: cancel what is still in flight (reporting each exactly once),
    /// then answer the remote callers (results due, `Ended`, or the refusal).
    async fn finish(&mut self, client: &mut Client) {
        self.tasks.abort_all();
        while let Some(done) = self.tasks.join_next_with_id().await {
            self.complete(client, done);
        }
        answer(self.pump.end(client));
    }
}

/// Sends each remote caller its result (a caller that stopped waiting is skipped).
fn answer(answers: impl IntoIterator<Item = (Waiter, RemoteResult)>) {
    for (waiter, result) in answers {
        let _ = waiter.send(result);
    }
}

impl Drop for Driver {
    /// Remotes still waiting get `Closed`, and later ones are refused at once.
    fn drop(&mut self) {
        answer(self.pump.close());
    }
}
