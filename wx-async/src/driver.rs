//! [`Driver`]: owns one session's in-flight requests (tasks of its own executor, run on
//! the task that awaits `next_event`: no thread hop per request), its timer and the
//! waiting of its [`Remote`]s. What to do next is `wx-driver`'s [`Pump`]; this file spawns
//! the requests, downloads and upload reads, and waits on a completion channel, a wake
//! channel and the adapter's timer while running those tasks.
//!
//! Cancel-safety: every wait on I/O runs in a task the driver owns (the writer or reader
//! lent to it comes back with its result through the channel); `next_event` only waits
//! on channels and a timer, so dropping its future loses nothing: the tasks stay with the
//! driver and go on the next time it is polled.

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use async_channel::{Receiver, Sender, bounded, unbounded};
use futures_lite::{FutureExt, Stream};
use wx_driver::{Done, Job, Pump, Read, RemoteResult, Step};
use wx_proto::client::{Client, Event, Failure, OpId, Phase, Request};

use crate::AsyncIo;
use crate::remote::{Remote, Waiter};

/// What a task of the driver ends with.
type Ended<R> = Done<<R as AsyncIo>::Source, <R as AsyncIo>::Sink>;

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
    /// The tasks of this session, polled only inside `next_event`.
    tasks: async_executor::Executor<'static>,
    /// Tasks spawned and not yet received from `done`.
    in_flight: usize,
    done: (Sender<Ended<R>>, Receiver<Ended<R>>),
    /// Closed to cancel the tasks in flight (at the end of a session, or on drop).
    cancel: (Sender<()>, Receiver<()>),
    pub(crate) pump: Pump<Waiter, R::Source, R::Sink>,
    /// A one-permit channel a [`Remote`] rings after it queued a command.
    queued: (Sender<()>, Receiver<()>),
}

impl<R: AsyncIo> std::fmt::Debug for Driver<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("in_flight", &self.in_flight)
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
            tasks: async_executor::Executor::new(),
            in_flight: 0,
            done: unbounded(),
            cancel: bounded(1),
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
        self.in_flight
    }

    /// Runs I/O until the client has an event, and returns it; `None` once the session has
    /// ended and every request is over. Cancel-safe: dropping the future (in a race with
    /// another one) loses nothing, the requests keep running in the driver's tasks.
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
                    self.finish(client).await;
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
        let done = async {
            self.done
                .1
                .recv()
                .await
                .map_or(Woke::<R>::Queued, Woke::Done)
        };
        let queued = async {
            let _ = self.queued.1.recv().await;
            Woke::Queued
        };
        let timer = async {
            R::sleep_until(wake).await;
            Woke::Timer
        };
        match self.tasks.run(done.or(queued).or(timer)).await {
            Woke::Done(done) => self.complete(client, done),
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

    /// Runs `work` as a task; one that panics or is cancelled ends as `job` failed.
    fn spawn(&mut self, job: Job, work: impl Future<Output = Ended<R>> + Send + 'static) {
        let (done, cancel) = (self.done.0.clone(), self.cancel.1.clone());
        self.in_flight += 1;
        let work = async {
            AssertUnwindSafe(work)
                .catch_unwind()
                .await
                .map_err(|_| Failure::Io)
        };
        let cancelled = async move {
            let _ = cancel.recv().await;
            Err(Failure::Cancelled)
        };
        let task = async move {
            let ended = work.or(cancelled).await.unwrap_or_else(|f| job.failed(f));
            let _ = done.try_send(ended);
        };
        self.tasks.spawn(task).detach();
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

    fn complete(&mut self, client: &mut Client, done: Ended<R>) {
        self.in_flight -= 1;
        self.pump.complete(client, done, Instant::now());
    }

    /// The session is over: cancel what is still in flight (feeding each to the client
    /// exactly once), then answer the remote callers (results due, `Ended`, or the refusal).
    async fn finish(&mut self, client: &mut Client) {
        self.cancel.0.close();
        while self.in_flight > 0 {
            let Ok(done) = self.tasks.run(self.done.1.recv()).await else {
                break;
            };
            self.complete(client, done);
        }
        self.cancel = bounded(1);
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
    /// Drops the tasks in flight (with the executor); remotes still waiting get `Closed`,
    /// later ones are refused at once.
    fn drop(&mut self) {
        self.cancel.0.close();
        answer(self.pump.close());
    }
}
