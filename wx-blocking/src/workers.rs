//! The worker threads of one driver: at most `cap` of them, started on demand, taking jobs
//! from a shared queue and posting completions to the driver's channel. They end when the
//! driver drops or renews the queue (after the request they are running).

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use wx_proto::client::{OpId, Request, RequestId};

use crate::driver::Msg;
use crate::http_client::HttpClient;
use crate::media::Sink;

/// What a worker does: send a request, or send a download and stream its body to the op's
/// writer (lent to the worker, and given back with the result).
pub(crate) enum Job {
    /// A request, its response read whole.
    Plain(Request),
    /// A download, its body written to the writer.
    Stream(Request, OpId, Option<Sink>),
}

impl Job {
    /// The request's id.
    pub(crate) fn id(&self) -> RequestId {
        match self {
            Job::Plain(r) | Job::Stream(r, ..) => r.id,
        }
    }
}

/// A bounded, lazily grown pool of request threads.
pub(crate) struct Workers {
    http: HttpClient,
    jobs: mpsc::Sender<Job>,
    queue: Arc<Mutex<mpsc::Receiver<Job>>>,
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
    pub(crate) fn send(&mut self, job: Job, in_flight: usize) -> bool {
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

fn work(queue: &Mutex<mpsc::Receiver<Job>>, done: &mpsc::Sender<Msg>, http: &HttpClient) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let msg = match job {
            Err(_) => return,
            Ok(Job::Plain(request)) => {
                Msg::Done(request.id, http.execute(request.http, request.timeout))
            }
            Ok(Job::Stream(request, op, mut sink)) => {
                let outcome = http.stream(request.http, request.timeout, sink.as_mut());
                Msg::Streamed(request.id, op, sink, outcome)
            }
        };
        if done.send(msg).is_err() {
            return;
        }
    }
}
