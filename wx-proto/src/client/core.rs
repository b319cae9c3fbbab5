//! [`Core`]: what every flow shares, owned in one place. The config and the hosts, the
//! phase, the clock, the seeded PRNG, the cookie jar, the in-flight map and the outbox, the
//! events, the timer table, the lane's failure streak, and what outlives a session (the
//! seen MsgIds, the last uin). Its methods are the shared mechanics: sending a request,
//! back-off with jitter, problem events, snapshot hints.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::dedupe::RecentIds;
use super::rng::Rng;
use super::timers::Timers;
use super::{
    Config, CookieJar, Event, Failure, Hosts, Lane, Phase, Problem, ProblemKind, Purpose, Request,
    RequestId, Server, SnapshotReason, UsageError,
};
use crate::Endpoint;
use crate::build::Ctx;
use crate::secret::Uin;

/// Extra time past a request's own timeout before the watchdog declares it lost.
const WATCHDOG_GRACE: Duration = Duration::from_secs(5);
/// A failure streak remembers at most this many distinct failures as reported.
const MAX_STREAK_KINDS: usize = 8;

/// The shared state of one client.
pub(super) struct Core {
    pub(super) config: Config,
    /// The hosts in use (the login's family, or one simulator URL).
    pub(super) hosts: Hosts,
    pub(super) phase: Phase,
    pub(super) rng: Rng,
    clock: Clock,
    pub(super) jar: CookieJar,
    pub(super) flight: InFlight,
    pub(super) outbox: VecDeque<Request>,
    pub(super) events: VecDeque<Event>,
    /// The lane's, the contact loader's and the operations' timers.
    pub(super) timers: Timers,
    /// The failure streak of the lane (the login steps, then the sync loop).
    pub(super) lane: LaneRetry,
    /// What outlives a session.
    pub(super) account: Account,
    /// When the last `SnapshotChanged(SyncKey)` was emitted.
    last_key_snapshot: Option<Instant>,
}

/// The clock: inputs bring `now`; wall time is derived from the anchor.
struct Clock {
    start: Instant,
    wall_start_ms: i64,
    last_now: Instant,
}

/// The requests handed out and not yet answered.
#[derive(Default)]
pub(super) struct InFlight {
    next: u64,
    pending: BTreeMap<RequestId, Pending>,
    /// Requests whose answer no longer matters (timed out, or the session ended).
    abandoned: BTreeSet<RequestId>,
}

/// One request in flight.
#[derive(Debug)]
pub(super) struct Pending {
    pub(super) kind: Endpoint,
    pub(super) host: String,
    pub(super) deadline: Instant,
    pub(super) purpose: Purpose,
}

/// A streak of lane failures: how many, and which were reported (each once per streak).
#[derive(Debug, Default)]
pub(super) struct LaneRetry {
    pub(super) failures: u32,
    reported: Vec<(Endpoint, ProblemKind)>,
}

/// What one account keeps across its sessions.
pub(super) struct Account {
    /// Recently delivered MsgIds: a new login does not deliver them again.
    pub(super) seen: RecentIds,
    /// The uin of the last session that completed webwxinit (push login asks for it).
    pub(super) last_uin: Option<Uin>,
}

impl InFlight {
    /// Requests in flight.
    pub(super) fn len(&self) -> usize {
        self.pending.len()
    }

    /// Whether a request for `purpose` is in flight.
    pub(super) fn any(&self, purpose: Purpose) -> bool {
        self.pending.values().any(|p| p.purpose == purpose)
    }

    /// The earliest watchdog deadline, with its endpoint.
    pub(super) fn next_deadline(&self) -> Option<(Instant, Endpoint)> {
        self.pending
            .values()
            .min_by_key(|p| p.deadline)
            .map(|p| (p.deadline, p.kind))
    }

    /// Takes out the requests past their deadline at `now` (they become abandoned).
    pub(super) fn take_lost(&mut self, now: Instant) -> Vec<(RequestId, Pending)> {
        let lost: Vec<RequestId> = self
            .pending
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        let mut out = Vec::new();
        for id in lost {
            if let Some(p) = self.pending.remove(&id) {
                self.abandoned.insert(id);
                out.push((id, p));
            }
        }
        out
    }

    /// Takes out every request (the session ended); their answers will be ignored.
    pub(super) fn abandon_all(&mut self) -> Vec<Pending> {
        let pending = std::mem::take(&mut self.pending);
        let mut out = Vec::new();
        for (id, p) in pending {
            self.abandoned.insert(id);
            out.push(p);
        }
        out
    }
}

impl LaneRetry {
    /// Records `problem` as reported in this streak; `true` when it is new to the streak
    /// (a storm alternating two failures reports each once, not at every turn).
    pub(super) fn first_report(&mut self, kind: Endpoint, problem: &ProblemKind) -> bool {
        if self
            .reported
            .iter()
            .any(|(k, p)| *k == kind && p == problem)
        {
            return false;
        }
        if self.reported.len() >= MAX_STREAK_KINDS {
            self.reported.remove(0);
        }
        self.reported.push((kind, problem.clone()));
        true
    }

    /// A round completed: the streak is over.
    pub(super) fn ok(&mut self) {
        *self = LaneRetry::default();
    }
}

impl Core {
    pub(super) fn new(config: Config, seed: [u8; 32], now: Instant, wall: SystemTime) -> Self {
        let wall_start_ms = wall
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Self {
            hosts: hosts_before_login(&config),
            phase: Phase::FetchingUuid,
            rng: Rng::new(seed),
            clock: Clock {
                start: now,
                wall_start_ms,
                last_now: now,
            },
            jar: CookieJar::default(),
            flight: InFlight::default(),
            outbox: VecDeque::new(),
            events: VecDeque::new(),
            timers: Timers::default(),
            lane: LaneRetry::default(),
            account: Account {
                seen: RecentIds::new(config.dedupe_capacity),
                last_uin: None,
            },
            last_key_snapshot: None,
            config,
        }
    }

    pub(super) fn touch(&mut self, now: Instant) {
        if now > self.clock.last_now {
            self.clock.last_now = now;
        }
    }

    /// The latest `now` any input brought.
    pub(super) fn last_now(&self) -> Instant {
        self.clock.last_now
    }

    /// Wall-clock milliseconds at `now`.
    pub(super) fn wall_ms(&self, now: Instant) -> i64 {
        let elapsed = now.saturating_duration_since(self.clock.start).as_millis() as i64;
        self.clock.wall_start_ms + elapsed
    }

    /// What the request builders need at `now`.
    pub(super) fn ctx(&self, now: Instant) -> Ctx<'_> {
        Ctx {
            config: &self.config,
            hosts: &self.hosts,
            wall_ms: self.wall_ms(now),
        }
    }

    /// Queues a request: adds the `Cookie` header and registers it in flight.
    pub(super) fn send(
        &mut self,
        kind: Endpoint,
        mut http: http::Request<Vec<u8>>,
        purpose: Purpose,
        now: Instant,
    ) -> RequestId {
        let id = RequestId(self.flight.next);
        self.flight.next += 1;
        let host = http.uri().host().unwrap_or_default().to_owned();
        let path = http.uri().path().to_owned();
        if let Some(cookie) = self.jar.header_for(&host, &path, self.wall_ms(now) / 1000)
            && let Ok(v) = http::HeaderValue::from_str(&cookie)
        {
            http.headers_mut().insert(http::header::COOKIE, v);
        }
        let timeout = if kind.is_long_poll() {
            self.config.long_poll_timeout
        } else if kind.streams_body() {
            self.config.transfer_timeout
        } else {
            self.config.request_timeout
        };
        let sink = match purpose {
            Purpose::Op(op) if kind.streams_body() => Some(op),
            _ => None,
        };
        self.flight.pending.insert(
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
            sink,
        });
        id
    }

    /// The request `id` was answered: its record, `None` for one that no longer matters.
    pub(super) fn take_pending(&mut self, id: RequestId) -> Result<Option<Pending>, UsageError> {
        match self.flight.pending.remove(&id) {
            Some(p) => Ok(Some(p)),
            None if self.flight.abandoned.remove(&id) => Ok(None),
            None => Err(UsageError::UnknownRequest(id)),
        }
    }

    /// Drops a queued request that was declared lost before it was handed out.
    pub(super) fn unqueue(&mut self, id: RequestId) {
        self.outbox.retain(|r| r.id != id);
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

    pub(super) fn emit(&mut self, event: Event) {
        self.events.push_back(event);
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

    /// Retries the lane step after a failure, with back-off, and reports the problem.
    pub(super) fn retry_lane(
        &mut self,
        kind: Endpoint,
        problem: ProblemKind,
        lane: Lane,
        now: Instant,
    ) {
        self.lane.failures += 1;
        let delay = self.backoff(self.lane.failures);
        self.problem(problem, kind, Some(delay));
        self.set_lane_timer(now + delay, lane);
    }

    /// A 1205 on a lane request: wait `throttle_delay`, then `lane`. Reported once per
    /// streak of 1205s, not once per answer.
    pub(super) fn throttled(&mut self, kind: Endpoint, lane: Lane, now: Instant) {
        let delay = self.config.throttle_delay;
        if self.lane.first_report(kind, &ProblemKind::Throttled) {
            self.problem(ProblemKind::Throttled, kind, Some(delay));
        } else {
            tracing::debug!(request = kind.name(), ?delay, "still throttled");
        }
        self.set_lane_timer(now + delay, lane);
    }

    /// Reports a snapshot-worthy change (sync keys at most once per interval).
    pub(super) fn snapshot_changed(&mut self, reason: SnapshotReason, now: Instant) {
        if reason == SnapshotReason::SyncKey
            && let Some(last) = self.last_key_snapshot
            && now.saturating_duration_since(last) < self.config.snapshot_interval
        {
            return;
        }
        self.last_key_snapshot = Some(now);
        self.events.push_back(Event::SnapshotChanged(reason));
    }
}

/// The hosts before a login: the official login host, or the simulator's URL.
pub(super) fn hosts_before_login(config: &Config) -> Hosts {
    match &config.server {
        Server::Official => Hosts::before_login(),
        Server::Custom(base) => Hosts::single(base),
    }
}

/// How a request ended.
#[derive(Debug)]
pub(super) enum Outcome {
    Response {
        status: u16,
        body: Vec<u8>,
    },
    /// A download whose body the driver wrote to the op's writer (or dropped).
    Streamed(Streamed),
    Failure(Failure),
}

/// The head of a streamed download and how much of its body the driver wrote.
#[derive(Debug)]
pub(super) struct Streamed {
    pub(super) status: u16,
    pub(super) headers: http::HeaderMap,
    pub(super) written: u64,
}

impl Outcome {
    /// The body of a 2xx response, or the problem to report.
    pub(super) fn body_2xx(self) -> Result<Vec<u8>, ProblemKind> {
        match self {
            Outcome::Response { status, body } if (200..300).contains(&status) => Ok(body),
            Outcome::Response { status, .. } => Err(ProblemKind::HttpStatus(status)),
            Outcome::Streamed(s) => Err(ProblemKind::HttpStatus(s.status)),
            Outcome::Failure(f) => Err(ProblemKind::Transport(f)),
        }
    }
}
