//! The worker threads of one driver: at most `cap` of them, started on demand, taking jobs
//! from a shared queue and posting completions to the driver's channel. They end when the
//! driver drops or renews the queue (after the request they are running).

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use wx_proto::client::Request;

use crate::driver::Msg;
use crate::http_client::HttpClient;

/// A bounded, lazily grown pool of request threads.
pub(crate) struct Workers {
    http: HttpClient,
    jobs: mpsc::Sender<Request>,
    queue: Arc<Mutex<mpsc::Receiver<Request>>>,
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
    pub(crate) fn send(&mut self, request: Request, in_flight: usize) -> bool {
        if in_flight > self.started && self.started < self.cap {
            self.spawn();
        }
        self.jobs.send(request).is_ok()
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

fn work(queue: &Mutex<mpsc::Receiver<Request>>, done: &mpsc::Sender<Msg>, http: &HttpClient) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(request) = job else { return };
        let id = request.id;
        let result = http.execute(request.http, request.timeout);
        if done.send(Msg::Done(id, result)).is_err() {
            return;
        }
    }
}
