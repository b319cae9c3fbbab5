//! [`Driver`]: owns one session's in-flight requests (a `JoinSet`), its timer and the inbox
//! of its [`Remote`]s, and runs the client until the next event.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::Stream;
use tokio::sync::oneshot;
use tokio::task::{Id, JoinError, JoinSet};
use wx_proto::client::{
    Client, Command, Event, Failure, OpId, OpOutput, Phase, Request, RequestId, UsageError,
};

use crate::http_client::HttpClient;
use crate::remote::{Envelope, Inbox, Remote, RemoteError};

type Completion = (RequestId, Result<http::Response<Vec<u8>>, Failure>);
type Waiter = oneshot::Sender<Result<OpOutput, RemoteError>>;

/// Runs one [`Client`] over an [`HttpClient`]. The caller keeps the client (to read its
/// state or submit commands directly); the driver keeps what is in flight.
pub struct Driver {
    http: HttpClient,
    tasks: JoinSet<Completion>,
    ids: HashMap<Id, RequestId>,
    inbox: Inbox,
    waiters: HashMap<OpId, Waiter>,
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("in_flight", &self.tasks.len())
            .field("waiting_remotes", &self.waiters.len())
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
            inbox: Inbox::default(),
            waiters: HashMap::new(),
        }
    }

    /// A handle for other tasks to submit commands.
    pub fn remote(&self) -> Remote {
        Remote::new(self.inbox.clone())
    }

    /// Requests in flight.
    pub fn in_flight(&self) -> usize {
        self.tasks.len()
    }

    /// Runs I/O until the client has an event, and returns it; `None` once the session has
    /// ended and every request is over. Cancel-safe: dropping the future (in `select!`)
    /// loses nothing, the requests keep running in the driver's `JoinSet`.
    pub async fn next_event(&mut self, client: &mut Client) -> Option<Event> {
        if client.phase() != Phase::LoggedOut {
            self.inbox.reopen_after_end();
        }
        loop {
            while let Some(request) = client.poll_request() {
                self.start(request);
            }
            while let Some(event) = client.poll_event() {
                if let Some(event) = self.route(event) {
                    return Some(event);
                }
            }
            if client.phase() == Phase::LoggedOut {
                self.finish(client).await;
                return None;
            }
            if let Some(envelope) = self.inbox.pop() {
                self.command(client, envelope);
                continue;
            }
            let wake = client
                .poll_timeout()
                .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            tokio::select! {
                Some(done) = self.tasks.join_next_with_id(), if !self.tasks.is_empty() => {
                    self.complete(client, done);
                }
                () = self.inbox.queued() => {}
                () = tokio::time::sleep_until(wake.into()) => client.handle_timeout(Instant::now()),
            }
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
            let _ = client.submit(Command::Logout, Instant::now());
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
            .spawn(async move { (id, http.execute(req, timeout).await) });
        self.ids.insert(handle.id(), id);
    }

    fn complete(&mut self, client: &mut Client, done: Result<(Id, Completion), JoinError>) {
        let now = Instant::now();
        let (id, result) = match done {
            Ok((task, completion)) => {
                self.ids.remove(&task);
                completion
            }
            Err(e) => match self.ids.remove(&e.id()) {
                Some(id) if e.is_cancelled() => (id, Err(Failure::Cancelled)),
                Some(id) => (id, Err(Failure::Io)),
                None => return,
            },
        };
        let fed = match result {
            Ok(response) => client.handle_response(id, response, now),
            Err(failure) => {
                tracing::debug!(id = id.0, ?failure, "request failed");
                client.handle_failure(id, failure, now)
            }
        };
        if fed.is_err() {
            tracing::warn!(id = id.0, "the client did not know a completed request");
        }
    }

    fn command(&mut self, client: &mut Client, envelope: Envelope) {
        match client.submit(envelope.command, Instant::now()) {
            Ok(op) => {
                self.waiters.insert(op, envelope.reply);
            }
            Err(e) => {
                let _ = envelope.reply.send(Err(RemoteError::Usage(e)));
            }
        }
    }

    /// Hands results of remote-submitted commands to their callers; other events pass on.
    fn route(&mut self, event: Event) -> Option<Event> {
        if let Event::OpDone { op, result } = &event
            && let Some(waiter) = self.waiters.remove(op)
        {
            let _ = waiter.send(result.clone().map_err(RemoteError::Op));
            return None;
        }
        Some(event)
    }

    /// The session is over: cancel what is still in flight (reporting each exactly once),
    /// and refuse queued remote commands.
    async fn finish(&mut self, client: &mut Client) {
        self.tasks.abort_all();
        while let Some(done) = self.tasks.join_next_with_id().await {
            self.complete(client, done);
        }
        while let Some(event) = client.poll_event() {
            let _ = self.route(event);
        }
        for (_, waiter) in self.waiters.drain() {
            let _ = waiter.send(Err(RemoteError::Ended));
        }
        self.close_inbox(RemoteError::Usage(UsageError::SessionEnded));
    }

    /// Refuses new remote commands with `refusal`, and answers the queued ones with it.
    fn close_inbox(&mut self, refusal: RemoteError) {
        self.inbox.close(&refusal);
    }
}

impl Drop for Driver {
    /// Remotes still waiting get `Closed`, and later ones are refused at once.
    fn drop(&mut self) {
        self.close_inbox(RemoteError::Closed);
    }
}
