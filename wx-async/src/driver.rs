//! [`Driver`]: owns one session's in-flight requests (futures of its own set, polled by
//! the task that awaits `next_event`: no spawn and no thread hop per request), its timer
//! and the waiting of its [`Remote`]s. What to do next is `wx-driver`'s [`Pump`]; this
//! file starts the requests, downloads and upload reads, and waits for the first of them
//! to end, a wake channel or the adapter's timer.
//!
//! Cancel-safety: every wait on I/O is a future the driver owns (the writer or reader lent
//! to it comes back with its result); `next_event` only borrows them, so dropping its
//! future loses nothing: they stay with the driver and go on the next time it is polled.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use async_channel::{Receiver, Sender, bounded};
use futures_lite::{FutureExt, Stream, StreamExt};
use futures_util::stream::FuturesUnordered;
use wx_driver::{Done, Job, Pump, Read, RemoteResult, Step};
use wx_proto::client::{Client, Event, Failure, OpId, Phase, Request};

use crate::AsyncIo;
use crate::remote::{Remote, Waiter};

/// What a task of the driver ends with.
type Ended<R> = Done<<R as AsyncIo>::Source, <R as AsyncIo>::Sink>;

/// One request, download or upload read in flight, and what it is (to report it when it
/// panics or is cancelled).
struct Task<R: AsyncIo> {
    job: Job,
    work: Pin<Box<dyn Future<Output = Ended<R>> + Send>>,
}

impl<R: AsyncIo> Future for Task<R> {
    type Output = Ended<R>;

    /// Polls the work; one that panics ends as its job failed with `Io`.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Ended<R>> {
        let job = self.job;
        catch_unwind(AssertUnwindSafe(|| self.work.as_mut().poll(cx)))
            .unwrap_or_else(|_| Poll::Ready(job.failed(Failure::Io)))
    }
}

/// What ended a wait.
enum Woke<R: AsyncIo> {
    Done(Ended<R>),
    Queued,
    Timer,
}

/// Runs one [`Client`] over the adapter's HTTP client `R`. The caller keeps the client (to
/// read its state or submit commands directly); the driver keeps what is in flight.
pub struct Driver<R: AsyncIo> {
    http: R,
    /// The session's requests, downloads and reads, polled only inside `next_event`.
    tasks: FuturesUnordered<Task<R>>,
    pub(crate) pump: Pump<Waiter, R::Source, R::Sink>,
    /// A one-permit channel a [`Remote`] rings after it queued a command.
    queued: (Sender<()>, Receiver<()>),
}

impl<R: AsyncIo> std::fmt::Debug for Driver<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("in_flight", &self.tasks.len())
            .field("waiting_remotes", &self.pump.waiting())
            .field("attached", &self.pump.attached())
            .finish_non_exhaustive()
    }
}

impl<R: AsyncIo> Driver<R> {
    /// A driver for one session, sending through `http` (clone one client for many drivers).
    pub fn new(http: R) -> Self {
        Self {
            http,
            tasks: FuturesUnordered::new(),
            pump: Pump::default(),
            queued: bounded(1),
        }
    }

    /// A handle for other tasks to submit commands.
    pub fn remote(&self) -> Remote<R> {
        Remote::new(self.pump.inbox(), self.queued.0.clone())
    }

    /// Requests in flight (and upload reads in progress).
    pub fn in_flight(&self) -> usize {
        self.tasks.len()
    }

    /// Runs I/O until the client has an event, and returns it; `None` once the session has
    /// ended and every request is over. Cancel-safe: dropping the future (in a race with
    /// another one) loses nothing, the requests stay with the driver.
    pub async fn next_event(&mut self, client: &mut Client) -> Option<Event> {
        self.pump.begin(client);
        loop {
            match self.pump.step(client, Instant::now) {
                Step::Send(request) => self.start(request, None),
                Step::Stream { request, op, sink } => self.start(request, Some((op, sink))),
                Step::Read(read) => self.start_read(read),
                Step::Event(event) => return Some(event),
                Step::Reply(waiter, result) => answer([(waiter, result)]),
                Step::Ended => {
                    self.finish(client);
                    return None;
                }
                Step::Wait => self.wait(client).await,
            }
        }
    }

    /// Waits for a task to end, a [`Remote`] command, or the client's timer.
    async fn wait(&mut self, client: &mut Client) {
        let wake = client
            .poll_timeout()
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        let (tasks, queued) = (&mut self.tasks, &self.queued.1);
        let done = async {
            match tasks.next().await {
                Some(done) => Woke::<R>::Done(done),
                // No task: wait for the others.
                None => std::future::pending().await,
            }
        };
        let queued = async {
            let _ = queued.recv().await;
            Woke::Queued
        };
        let timer = async {
            R::sleep_until(wake).await;
            Woke::Timer
        };
        match done.or(queued).or(timer).await {
            Woke::Done(done) => self.pump.complete(client, done, Instant::now()),
            Woke::Queued => {}
            Woke::Timer => client.handle_timeout(Instant::now()),
        }
    }

    /// The events of `client` as a stream, ending when the session does. Submit commands
    /// through a [`Remote`] taken before.
    pub fn into_stream(self, client: Client) -> impl Stream<Item = Event> + Send {
        futures_lite::stream::unfold((self, client), |(mut driver, mut client)| async move {
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

    fn spawn(&mut self, job: Job, work: impl Future<Output = Ended<R>> + Send + 'static) {
        let work = Box::pin(work);
        self.tasks.push(Task { job, work });
    }

    fn start(&mut self, request: Request, download: Option<(OpId, Option<R::Sink>)>) {
        let http = self.http.clone();
        let (id, timeout, req) = (request.id, request.timeout, request.http);
        tracing::trace!(id = id.0, "request started");
        match download {
            None => self.spawn(Job::Request(id), async move {
                Done::Request(id, http.execute(req, timeout).await)
            }),
            Some((op, mut sink)) => self.spawn(Job::Stream(id, op), async move {
                let outcome = http.stream(req, timeout, sink.as_mut()).await;
                Done::Streamed(id, op, sink, outcome)
            }),
        }
    }

    fn start_read(&mut self, read: Read<R::Source>) {
        let Read {
            op,
            offset,
            len,
            mut reader,
        } = read;
        self.spawn(Job::Read(op, offset), async move {
            let bytes = R::read_at(&mut reader, offset, len).await;
            Done::Read(op, offset, Some(reader), bytes)
        });
    }

    /// The session is over: cancel what is still in flight (feeding each to the client
    /// exactly once, as cancelled), then answer the remote callers (results due, `Ended`,
    /// or the refusal).
    fn finish(&mut self, client: &mut Client) {
        for task in std::mem::take(&mut self.tasks) {
            let cancelled = task.job.failed(Failure::Cancelled);
            self.pump.complete(client, cancelled, Instant::now());
        }
        answer(self.pump.end(client));
    }
}

/// Sends each remote caller its result (a caller that stopped waiting is skipped).
fn answer(answers: impl IntoIterator<Item = (Waiter, RemoteResult)>) {
    for (waiter, result) in answers {
        let _ = waiter.try_send(result);
    }
}

impl<R: AsyncIo> Drop for Driver<R> {
    /// Drops what is in flight; remotes still waiting get `Closed`, later ones are refused
    /// at once.
    fn drop(&mut self) {
        answer(self.pump.close());
    }
}
