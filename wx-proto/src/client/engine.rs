//! The mechanics every flow shares: the clock, the in-flight map and outbox, lane timers,
//! back-off, problem events, the end of a session, and routing a completed request to its
//! flow.

use std::time::{Duration, Instant};

use super::{
    Client, Endpoint, Event, Failure, Lane, LogoutReason, Pending, Phase, Problem, ProblemKind,
    Purpose, Request, RequestId, UsageError, WATCHDOG_GRACE,
};
use crate::build::{Creds, Ctx};

impl Client {
    pub(super) fn touch(&mut self, now: Instant) {
        if now > self.last_now {
            self.last_now = now;
        }
    }

    pub(super) fn take_pending(&mut self, id: RequestId) -> Result<Option<Pending>, UsageError> {
        match self.pending.remove(&id) {
            Some(p) => Ok(Some(p)),
            None if self.abandoned.remove(&id) => Ok(None),
            None => Err(UsageError::UnknownRequest(id)),
        }
    }

    pub(super) fn after_input(&mut self, now: Instant) {
        self.start_waiting_ops(now);
    }

    /// Wall-clock milliseconds at `now`.
    pub(super) fn wall_ms(&self, now: Instant) -> i64 {
        let elapsed = now.saturating_duration_since(self.start).as_millis() as i64;
        self.wall_start_ms + elapsed
    }

    pub(super) fn ctx(&self, now: Instant) -> (Ctx<'_>, Option<&Creds>) {
        (
            Ctx {
                config: &self.config,
                hosts: &self.hosts,
                wall_ms: self.wall_ms(now),
            },
            self.creds.as_ref(),
        )
    }

    /// Queues a request: adds the `Cookie` header and registers it in flight.
    pub(super) fn send(
        &mut self,
        kind: Endpoint,
        mut http: http::Request<Vec<u8>>,
        purpose: Purpose,
        now: Instant,
    ) -> RequestId {
        let id = RequestId(self.next_request);
        self.next_request += 1;
        let host = http.uri().host().unwrap_or_default().to_owned();
        let path = http.uri().path().to_owned();
        if let Some(cookie) = self.jar.header_for(&host, &path, self.wall_ms(now) / 1000)
            && let Ok(v) = http::HeaderValue::from_str(&cookie)
        {
            http.headers_mut().insert(http::header::COOKIE, v);
        }
        let timeout = if kind.is_long_poll() {
            self.config.long_poll_timeout
        } else {
            self.config.request_timeout
        };
        self.pending.insert(
            id,
            Pending {
                kind,
                host,
                deadline: now + timeout + WATCHDOG_GRACE,
                purpose,
            },
        );
        tracing::trace!(id = id.0, kind = kind.name(), "request queued");
        self.outbox.push_back(Request {
            id,
            kind,
            timeout,
            http,
        });
        id
    }

    /// A lane request is in flight, or webwxsync waits for the events to drain.
    pub(super) fn lane_busy(&self) -> bool {
        self.sync_parked || self.pending.values().any(|p| p.purpose == Purpose::Lane)
    }

    pub(super) fn set_lane_timer(&mut self, at: Instant, lane: Lane) {
        self.timers.set_lane(at, lane);
    }

    /// The retry delay after `failures` consecutive failures: exponential, capped, with
    /// ±20 % jitter from the seeded PRNG.
    pub(super) fn backoff(&mut self, failures: u32) -> Duration {
        let cap = self.config.backoff_cap.as_millis() as u64;
        let ms = self.uncapped_backoff_ms(failures).min(cap);
        self.jittered(Duration::from_millis(ms))
    }

    /// Whether `failures` consecutive failures have brought the retry delay to its cap.
    pub(super) fn backoff_at_cap(&self, failures: u32) -> bool {
        failures > 20
            || self.uncapped_backoff_ms(failures) >= self.config.backoff_cap.as_millis() as u64
    }

    /// `backoff_base` doubled per failure after the first (saturating, at most 2^20 times).
    fn uncapped_backoff_ms(&self, failures: u32) -> u64 {
        let base = self.config.backoff_base.as_millis() as u64;
        base.saturating_mul(1u64 << failures.saturating_sub(1).min(20))
    }

    /// `d` with ±20 % jitter from the seeded PRNG.
    pub(super) fn jittered(&mut self, d: Duration) -> Duration {
        let ms = d.as_millis().min(u128::from(u64::MAX)) as u64;
        let jitter = self.rng.below(ms / 5 * 2 + 1);
        Duration::from_millis(ms - ms / 5 + jitter)
    }

    pub(super) fn problem(
        &mut self,
        kind: ProblemKind,
        request: Endpoint,
        retry_in: Option<Duration>,
    ) {
        tracing::debug!(request = request.name(), ?retry_in, "problem");
        self.events.push_back(Event::Problem(Problem {
            kind,
            request,
            retry_in,
        }));
    }

    /// Ends the session: nothing more is sent; unfinished operations fail.
    pub(super) fn end_session(&mut self, reason: LogoutReason) {
        if self.phase == Phase::LoggedOut {
            return;
        }
        tracing::info!(?reason, "session ended");
        self.phase = Phase::LoggedOut;
        self.timers.clear();
        self.outbox.clear();
        let pending = std::mem::take(&mut self.pending);
        let mut in_flight = Vec::new();
        for (id, p) in pending {
            self.abandoned.insert(id);
            if let Purpose::Op(op) = p.purpose {
                in_flight.push(op);
            }
        }
        self.end_ops(in_flight);
        self.jar.clear_session();
        self.events.push_back(Event::LoggedOut(reason));
    }

    pub(super) fn dispatch(&mut self, pending: Pending, outcome: Outcome, now: Instant) {
        if matches!(self.phase, Phase::LoggedOut) {
            return;
        }
        // While a requested logout is on its way, the server may already answer the held
        // long poll with 1101: that is the logout itself, not a separate ending.
        if self.phase == Phase::LoggingOut && !matches!(pending.purpose, Purpose::Op(_)) {
            return;
        }
        match pending.purpose {
            Purpose::Lane => self.on_lane(pending.kind, outcome, now),
            Purpose::Contacts => self.on_contacts(pending.kind, outcome, now),
            Purpose::Op(op) => self.on_op(op, pending.kind, outcome, now),
            Purpose::FireAndForget => {
                if let Outcome::Failure(f) = outcome {
                    self.problem(ProblemKind::Transport(f), pending.kind, None);
                }
            }
        }
    }

    pub(super) fn on_lane(&mut self, kind: Endpoint, outcome: Outcome, now: Instant) {
        match kind {
            Endpoint::JsLogin => self.on_jslogin(outcome, now),
            Endpoint::LoginPoll => self.on_login_poll(outcome, now),
            Endpoint::LoginPage => self.on_login_page(outcome, now),
            Endpoint::Init => self.on_init(outcome, now),
            Endpoint::SyncCheck => self.on_synccheck(outcome, now),
            Endpoint::Sync => self.on_sync(outcome, now),
            Endpoint::PushLogin => self.on_push_login(outcome, now),
            _ => {}
        }
    }

    pub(super) fn fire_lane(&mut self, lane: Lane, now: Instant) {
        if self.phase == Phase::LoggedOut || self.lane_busy() {
            return;
        }
        match lane {
            Lane::JsLogin => self.send_jslogin(now),
            Lane::LoginPoll => self.send_login_poll(now),
            Lane::LoginPage(uri) => self.send_login_page(&uri, now),
            Lane::Init => self.send_init(now),
            Lane::SyncCheck => self.send_synccheck(now),
        }
    }
}

/// How a request ended.
#[derive(Debug)]
pub(super) enum Outcome {
    Response { status: u16, body: Vec<u8> },
    Failure(Failure),
}

impl Outcome {
    /// The body of a 2xx response, or the problem to report.
    pub(super) fn body_2xx(self) -> Result<Vec<u8>, ProblemKind> {
        match self {
            Outcome::Response { status, body } if (200..300).contains(&status) => Ok(body),
            Outcome::Response { status, .. } => Err(ProblemKind::HttpStatus(status)),
            Outcome::Failure(f) => Err(ProblemKind::Transport(f)),
        }
    }
}
