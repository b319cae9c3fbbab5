//! The worker threads of one driver: at most `cap` of them, started on demand, taking jobs
//! from a shared queue and posting completions to the driver's channel. They end when the
//! driver drops or renews the queue (after the request they are running).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use wx_driver::{Done, Job};
use wx_proto::client::{Failure, OpId, Request, RequestId};

use crate::driver::Msg;
use crate::http_client::HttpClient;
use crate::media::{Sink, Source};

/// What a worker does: send a request, or send a download and stream its body to the op's
/// writer (lent to the worker, and given back with the result).
pub(crate) enum Work {
    /// A request, its response read whole.
    Plain(Request),
    /// A download, its body written to the writer.
    Stream(Request, OpId, Option<Sink>),
}

impl Work {
    /// The request's id.
    pub(crate) fn id(&self) -> RequestId {
        match self {
            Work::Plain(r) | Work::Stream(r, ..) => r.id,
        }
    }

    /// What the work is, to report it when it panics.
    fn job(&self) -> Job {
        match self {
            Work::Plain(r) => Job::Request(r.id),
            Work::Stream(r, op, _) => Job::Stream(r.id, *op),
        }
    }
}

/// A bounded, lazily grown pool of request threads.
pub(crate) struct Workers {
    http: HttpClient,
    jobs: mpsc::Sender<Work>,
    queue: Arc<Mutex<mpsc::Receiver<Work>>>,
    done: mpsc::Sender<Msg>,
    started: usize,
    cap: usize,
}

impl Workers {
    pub(crate) fn new(http: HttpClient, done: mpsc::Sender<Msg>, cap: usize) -> Self {
        let (jobs, queue) = mpsc::channel();
        Self {
            http,
            jobs,
            queue: Arc::new(Mutex::new(queue)),
            done,
            started: 0,
            cap: cap.max(1),
        }
    }

    /// Queues `request`; starts another thread when more requests are in flight than
    /// threads exist and the cap allows. `false` if it could not be queued.
    pub(crate) fn send(&mut self, job: Work, in_flight: usize) -> bool {
        if in_flight > self.started && self.started < self.cap {
            self.spawn();
        }
        self.jobs.send(job).is_ok()
    }

    /// Replaces the pool with an empty one: the old threads take no more jobs and end
    /// after their current request; new threads start on demand as before.
    pub(crate) fn renew(&mut self) {
        let (jobs, queue) = mpsc::channel();
        self.jobs = jobs;
        self.queue = Arc::new(Mutex::new(queue));
        self.started = 0;
    }

    fn spawn(&mut self) {
        let queue = self.queue.clone();
        let done = self.done.clone();
        let http = self.http.clone();
        let spawned = std::thread::Builder::new()
            .name("wx-blocking-worker".into())
            .spawn(move || work(&queue, &done, &http));
        match spawned {
            Ok(_) => self.started += 1,
            Err(_) => tracing::warn!("could not start a worker thread"),
        }
    }
}

fn work(queue: &Mutex<mpsc::Receiver<Work>>, done: &mpsc::Sender<Msg>, http: &HttpClient) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(work) = job else { return };
        let job = work.job();
        // A writer that panics (user code) fails its download; the worker goes on.
        let ended = catch_unwind(AssertUnwindSafe(|| run(work, http)))
            .unwrap_or_else(|_| job.failed(Failure::Io));
        if done.send(Msg::Done(ended)).is_err() {
            return;
        }
    }
}

/// Sends one request (a download's body into its writer).
fn run(work: Work, http: &HttpClient) -> Done<Source, Sink> {
    match work {
        Work::Plain(request) => {
            Done::Request(request.id, http.execute(request.http, request.timeout))
        }
        Work::Stream(request, op, mut sink) => {
            let outcome = http.stream(request.http, request.timeout, sink.as_mut());
            Done::Streamed(request.id, op, sink, outcome)
        }
    }
}
