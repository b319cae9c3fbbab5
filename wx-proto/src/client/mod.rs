//! The sans-IO session engine: [`Client`] turns response bytes and the time it is given
//! into request descriptions and events. It never does I/O, reads a clock or draws OS
//! randomness (the seed feeds a PRNG), so the same config, seed and inputs give the same
//! requests and events.
//!
//! This module owns the `Client` type, its state and its public API (getters, inputs,
//! outputs). The shared mechanics (in-flight map, outbox, timers, watchdog, back-off) are in
//! `engine`; the sync loop's own pace in `pacing`, the pace of sends in `send_pacer`; the
//! flows in `login`, `session`, `sync_loop`, `ops` and `snapshot`.

mod base64;
mod command;
mod config;
mod cookies;
mod dedupe;
mod engine;
mod event;
mod hosts;
mod login;
mod op;
mod ops;
mod pacing;
mod request;
mod rng;
mod send_pacer;
mod session;
mod snapshot;
mod sync_loop;
mod timers;
mod triage;

pub use crate::Endpoint;
pub use command::{Command, OpError, OpId, OpOutput, UsageError};
pub use config::{Config, DEFAULT_EXTSPAM, HistoryPolicy, Rate, SendPacing, Server};
pub use cookies::{CookieJar, CookieProblem, Stored, StoredCookie};
pub use event::{Event, LoginPath, LogoutReason, Problem, ProblemKind, SnapshotReason, Stall};
pub use hosts::Hosts;
pub use request::{Failure, Request, RequestId};
pub use snapshot::{SNAPSHOT_VERSION, Snapshot, SnapshotError};
pub use timers::Wake;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::build::Creds;
use crate::parse::{Contact, SyncKey};
use dedupe::RecentIds;
use rng::Rng;

use engine::Outcome;

/// Extra time past a request's own timeout before the watchdog declares it lost.
const WATCHDOG_GRACE: Duration = Duration::from_secs(5);

/// Where a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Fetching a login uuid (jslogin).
    FetchingUuid,
    /// A QR code is shown; waiting for the scan.
    WaitingForScan,
    /// Scanned; waiting for the confirmation on the phone.
    WaitingForConfirm,
    /// Confirmed; exchanging the ticket for credentials and running webwxinit.
    LoggingIn,
    /// Logged in: the sync loop runs and commands are accepted.
    Running,
    /// A logout was requested and is being sent.
    LoggingOut,
    /// The session ended (see the `LoggedOut` event).
    LoggedOut,
}

/// What the one "lane" request (the login steps, then the sync loop) should do next.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Lane {
    JsLogin,
    LoginPoll,
    LoginPage(String),
    Init,
    SyncCheck,
}

/// The contact-loading steps, which run beside the sync loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ContactsStep {
    GetContact(u64),
    Batch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Lane,
    Contacts,
    Op(OpId),
    /// webwxstatusnotify Code 3 after init: its answer only matters for logging.
    FireAndForget,
}

#[derive(Debug)]
struct Pending {
    kind: Endpoint,
    host: String,
    deadline: Instant,
    purpose: Purpose,
}

/// The WeChat web session engine: one account's session as a pure state machine. See the
/// crate docs for the run loop.
///
/// Its methods come in four classes (the shape of quinn-proto's `Connection`):
/// - **getters** ([`Client::phase`], [`Client::me`], [`Client::contacts`],
///   [`Client::queued_sends`], [`Client::next_wake`], …) read state and change nothing;
/// - **inputs** ([`Client::handle_response`], [`Client::handle_failure`],
///   [`Client::handle_timeout`]) feed what the network and the clock did;
/// - **commands** ([`Client::submit`], [`Client::login_again`]) ask for something;
/// - **outputs** ([`Client::poll_request`], [`Client::poll_event`],
///   [`Client::poll_timeout`]) hand out what to do next.
///
/// After any input or command, drain the outputs: send every request `poll_request` gives,
/// take every event, then sleep until `poll_timeout`. Every request handed out gets exactly
/// one answer from the driver (a response or a failure; a late one after the watchdog is
/// accepted and ignored), and every submitted command ends in exactly one
/// [`Event::OpDone`], also when the session ends first.
pub struct Client {
    config: Config,
    rng: Rng,
    start: Instant,
    wall_start_ms: i64,
    last_now: Instant,
    next_request: u64,
    phase: Phase,
    hosts: Hosts,
    jar: CookieJar,
    pending: BTreeMap<RequestId, Pending>,
    /// Requests whose completion no longer matters (timed out, or the session ended).
    abandoned: BTreeSet<RequestId>,
    outbox: VecDeque<Request>,
    events: VecDeque<Event>,
    /// The lane's and the contact loader's timers.
    timers: timers::Timers,
    // Login.
    uuid: Option<String>,
    polls_for_uuid: u32,
    pending_redirect: Option<String>,
    qr_renewals: u32,
    lane_failures: u32,
    /// The failures reported in the current streak (each once, not once per retry).
    streak_reported: Vec<(Endpoint, ProblemKind)>,
    /// The sync loop's own pace.
    pacer: pacing::LoopPacer,
    /// webwxsync waits for the application to drain its events.
    sync_parked: bool,
    /// When the last re-init started.
    last_reinit: Option<Instant>,
    // Session.
    creds: Option<Creds>,
    me: Option<Contact>,
    contacts: BTreeMap<String, Contact>,
    sync_key: SyncKey,
    sync_check_key: Option<SyncKey>,
    session_start_s: i64,
    reinit: bool,
    reinit_failures: u32,
    first_synccheck_done: bool,
    push_host: String,
    push_alternatives: Vec<String>,
    seen: RecentIds,
    // Contact loading.
    contact_seqs: BTreeSet<u64>,
    contact_pages: u32,
    contacts_failures: u32,
    batch_queue: VecDeque<String>,
    ready_sent: bool,
    // Resume and re-login.
    /// A restored session's webwxinit is in flight.
    resuming: bool,
    /// A restored session has not yet completed a sync cycle.
    verifying: bool,
    /// The current uuid came from push login (expiry falls back to a QR code).
    push_login: bool,
    last_uin: Option<crate::secret::Uin>,
    last_key_snapshot: Option<Instant>,
    /// The running operations, their slots and their pace.
    ops: ops::Ops,
}

impl Client {
    /// A new session that starts logging in at once (the first request is jslogin).
    /// `seed` feeds the PRNG; `now` and `wall` anchor the clock (wall time is derived as
    /// `wall + (now' - now)` for every later input).
    pub fn new(config: Config, seed: [u8; 32], now: Instant, wall: SystemTime) -> Self {
        let mut client = Self::bare(config, seed, now, wall);
        client.fire_lane(Lane::JsLogin, now);
        client
    }

    /// A client with nothing queued.
    fn bare(config: Config, seed: [u8; 32], now: Instant, wall: SystemTime) -> Self {
        let wall_start_ms = wall
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        let hosts = match &config.server {
            Server::Official => Hosts::before_login(),
            Server::Custom(base) => Hosts::single(base),
        };
        let push_host = hosts.push.clone();
        Self {
            seen: RecentIds::new(config.dedupe_capacity),
            config,
            rng: Rng::new(seed),
            start: now,
            wall_start_ms,
            last_now: now,
            next_request: 0,
            phase: Phase::FetchingUuid,
            hosts,
            jar: CookieJar::default(),
            pending: BTreeMap::new(),
            abandoned: BTreeSet::new(),
            outbox: VecDeque::new(),
            events: VecDeque::new(),
            timers: timers::Timers::default(),
            uuid: None,
            polls_for_uuid: 0,
            pending_redirect: None,
            qr_renewals: 0,
            lane_failures: 0,
            streak_reported: Vec::new(),
            pacer: pacing::LoopPacer::default(),
            sync_parked: false,
            last_reinit: None,
            creds: None,
            me: None,
            contacts: BTreeMap::new(),
            sync_key: SyncKey::default(),
            sync_check_key: None,
            session_start_s: 0,
            reinit: false,
            reinit_failures: 0,
            first_synccheck_done: false,
            push_host,
            push_alternatives: Vec::new(),
            contact_seqs: BTreeSet::new(),
            contact_pages: 0,
            contacts_failures: 0,
            batch_queue: VecDeque::new(),
            ready_sent: false,
            resuming: false,
            verifying: false,
            push_login: false,
            last_uin: None,
            last_key_snapshot: None,
            ops: ops::Ops::default(),
        }
    }

    // ----- getters -----

    /// The current phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Yourself, once logged in.
    pub fn me(&self) -> Option<&Contact> {
        self.me.as_ref()
    }

    /// A known contact or group by UserName.
    pub fn contact(&self, user_name: &str) -> Option<&Contact> {
        self.contacts.get(user_name)
    }

    /// Every known contact and group, by UserName.
    pub fn contacts(&self) -> impl Iterator<Item = &Contact> {
        self.contacts.values()
    }

    /// The hosts in use.
    pub fn hosts(&self) -> &Hosts {
        &self.hosts
    }

    /// Message sends waiting for their pace (`Config::send_pacing`); they leave in order.
    pub fn queued_sends(&self) -> usize {
        self.ops.sends.len()
    }

    /// When the next queued send may leave (`None`: none is queued).
    pub fn next_send_at(&self) -> Option<Instant> {
        self.config
            .send_pacing
            .as_ref()
            .and_then(|p| self.ops.sends.next_due(p))
    }

    /// Events waiting in [`Client::poll_event`]. While `Config::max_undelivered_events`
    /// wait, no webwxsync is issued.
    pub fn queued_events(&self) -> usize {
        self.events.len()
    }

    /// Number of requests handed out (or queued) and not yet completed.
    pub fn in_flight(&self) -> usize {
        self.pending.len()
    }

    // ----- outputs -----

    /// The next request to send, if any.
    pub fn poll_request(&mut self) -> Option<Request> {
        self.outbox.pop_front()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        let event = self.events.pop_front();
        if self.sync_parked {
            self.unpark_sync();
        }
        event
    }

    /// When to call [`Client::handle_timeout`] next. While requests or events are queued it
    /// returns the last `now` given, so a driver that forgot to drain wakes at once.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.next_wake().map(|(at, _)| at)
    }

    /// The next wake-up, as [`Client::poll_timeout`] gives it, and why it is due (for logs).
    pub fn next_wake(&self) -> Option<(Instant, Wake)> {
        if !self.outbox.is_empty() || !self.events.is_empty() {
            return Some((self.last_now, Wake::Drain));
        }
        let watchdog = self
            .pending
            .values()
            .min_by_key(|p| p.deadline)
            .map(|p| (p.deadline, Wake::Watchdog(p.kind)));
        let sends = self.next_send_at().map(|t| (t, Wake::SendPace));
        self.timers.next(watchdog.into_iter().chain(sends))
    }

    // ----- inputs -----

    /// Feeds the response to request `id`. `Err` only for an id this client never issued.
    pub fn handle_response(
        &mut self,
        id: RequestId,
        response: http::Response<Vec<u8>>,
        now: Instant,
    ) -> Result<(), UsageError> {
        self.touch(now);
        let Some(pending) = self.take_pending(id)? else {
            return Ok(());
        };
        let now_s = self.wall_ms(now) / 1000;
        let host = pending.host.clone();
        let stored = self.jar.store_response(&host, response.headers(), now_s);
        if let Some(p) = stored.problem {
            self.problem(ProblemKind::Cookie(p), pending.kind, None);
        }
        if stored.changed > 0 && self.phase == Phase::Running {
            self.snapshot_changed(SnapshotReason::Cookies, now);
        }
        let status = response.status().as_u16();
        let body = response.into_body();
        tracing::debug!(
            id = id.0,
            kind = pending.kind.name(),
            status,
            len = body.len(),
            "response"
        );
        self.dispatch(pending, Outcome::Response { status, body }, now);
        self.after_input(now);
        Ok(())
    }

    /// Reports that request `id` produced no response.
    pub fn handle_failure(
        &mut self,
        id: RequestId,
        failure: Failure,
        now: Instant,
    ) -> Result<(), UsageError> {
        self.touch(now);
        let Some(pending) = self.take_pending(id)? else {
            return Ok(());
        };
        tracing::debug!(id = id.0, kind = pending.kind.name(), ?failure, "failure");
        self.dispatch(pending, Outcome::Failure(failure), now);
        self.after_input(now);
        Ok(())
    }

    /// Runs what is due at `now`: retries, the next poll, and the watchdog over lost requests.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.touch(now);
        let lost: Vec<RequestId> = self
            .pending
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in lost {
            if let Some(pending) = self.pending.remove(&id) {
                self.abandoned.insert(id);
                self.outbox.retain(|r| r.id != id);
                tracing::debug!(id = id.0, kind = pending.kind.name(), "watchdog timeout");
                self.dispatch(pending, Outcome::Failure(Failure::Timeout), now);
            }
        }
        if let Some(lane) = self.timers.take_due_lane(now) {
            self.fire_lane(lane, now);
        }
        if let Some(step) = self.timers.take_due_contacts(now) {
            self.fire_contacts(step, now);
        }
        self.fire_op_timers(now);
        self.release_sends(now);
        self.after_input(now);
    }

    /// Submits a command. It runs beside any long poll in flight; its result arrives as an
    /// `OpDone` event. Message sends keep the pace of `Config::send_pacing`: beyond it they
    /// wait in order (see [`Client::queued_sends`]), and a 1205 pauses them and retries.
    ///
    /// `Command::Logout` is the same as [`Client::logout`].
    pub fn submit(&mut self, command: Command, now: Instant) -> Result<OpId, UsageError> {
        self.touch(now);
        let op = self.check_command(&command)?;
        self.open_op(op, op::OpState::new(command), now);
        Ok(op)
    }

    /// Logs out (webwxlogout): everything else stops at once, and the session ends with
    /// `LogoutReason::UserRequested` whatever the answer; the op's `OpDone` comes first.
    /// Before a login has completed, the session just ends. It takes no in-flight slot.
    pub fn logout(&mut self, now: Instant) -> Result<OpId, UsageError> {
        self.submit(Command::Logout, now)
    }
}

impl std::fmt::Debug for Client {
    /// The phase and counters only: no credential, cookie, ticket or message content.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("phase", &self.phase)
            .field("main_host", &self.hosts.main)
            .field("in_flight", &self.pending.len())
            .field("ops", &self.ops.len())
            .field("queued_requests", &self.outbox.len())
            .field("queued_events", &self.events.len())
            .field("contacts", &self.contacts.len())
            .field("cookies", &self.jar.len())
            .field("lane_failures", &self.lane_failures)
            .finish_non_exhaustive()
    }
}
