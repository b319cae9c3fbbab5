//! The sans-IO session engine: [`Client`] turns response bytes and the time it is given
//! into request descriptions and events. It never does I/O, reads a clock or draws OS
//! randomness (the seed feeds a PRNG), so the same config, seed and inputs give the same
//! requests and events.
//!
//! This module owns the `Client` type and its public API (getters, inputs, outputs). Its
//! state is in parts that own it (the shape of str0m's `Rtc`): the `Core` every
//! flow shares (config, clock, PRNG, cookie jar, in-flight map, outbox, events, timers),
//! the `Login` in progress, the `Session` (credentials, keys, the contact book, the sync
//! loop's and the contact loader's state: a new login drops it whole), and the `Ops`
//! (one state machine per operation, in `op/`). `route` hands each answer to the part
//! that asked for it.

mod base64;
mod book_updates;
mod command;
mod config;
mod contacts;
mod cookies;
mod core;
mod dedupe;
mod event;
mod hosts;
mod login;
mod media;
mod op;
mod ops;
mod pacing;
mod request;
mod rng;
mod route;
mod send_pacer;
mod session;
mod snapshot;
mod sync_loop;
mod timers;
mod triage;
mod trust;

pub use crate::Endpoint;
pub use command::{Command, OpError, OpId, OpOutput, UsageError};
pub use config::{Config, DEFAULT_EXTSPAM, HistoryPolicy, Rate, SendPacing, Server};
pub use cookies::{CookieJar, CookieProblem, Stored, StoredCookie};
pub use event::{Event, LoginPath, LogoutReason, Problem, ProblemKind, SnapshotReason, Stall};
pub use hosts::Hosts;
#[cfg(feature = "fuzzing")]
pub(crate) use media::disposition_file_name;
pub(crate) use media::extension as media_extension;
pub use media::{
    CHECK_UPLOAD_ABOVE, Download, ImageSize, MAX_FILE, MAX_IMAGE, MAX_VIDEO, MediaKind, MediaLimit,
    UPLOAD_CHUNK, Upload, extension_for, streams_body,
};
pub use request::{Failure, Request, RequestId};
pub use snapshot::{SNAPSHOT_VERSION, Snapshot, SnapshotError};
pub use timers::Wake;
pub use trust::UntrustedHost;

use std::time::{Instant, SystemTime};

use crate::model::{Contact, ContactBook};
use core::{Core, Outcome};
use login::Login;
use ops::Ops;
use session::Session;

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
    core: Core,
    login: Login,
    /// The current session, or the last one after it ended (the next login drops it).
    session: Option<Session>,
    ops: Ops,
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
        Self {
            core: Core::new(config, seed, now, wall),
            login: Login::default(),
            session: None,
            ops: Ops::default(),
        }
    }

    // ----- getters -----

    /// The current phase.
    pub fn phase(&self) -> Phase {
        self.core.phase
    }

    /// Yourself, once logged in.
    pub fn me(&self) -> Option<&Contact> {
        self.session.as_ref().and_then(|s| s.me.as_ref())
    }

    /// The contact book of the session (empty before a login): every known contact and
    /// group, their members, stable names and keys.
    pub fn book(&self) -> &ContactBook {
        static EMPTY: ContactBook = ContactBook::EMPTY;
        self.session.as_ref().map_or(&EMPTY, |s| &s.book)
    }

    /// A known contact or group by UserName.
    pub fn contact(&self, user_name: &str) -> Option<&Contact> {
        self.book().get(user_name)
    }

    /// Every known contact and group, by UserName.
    pub fn contacts(&self) -> impl Iterator<Item = &Contact> {
        self.book().iter()
    }

    /// Your own name in `group`: your display name there, else your nickname (what others
    /// write after `@` to mention you). `None` when the group or you in it are unknown.
    pub fn my_name_in(&self, group: &str) -> Option<String> {
        self.book().my_name_in(group, self.me()?)
    }

    /// The one contact or group whose UserName, remark, nickname or alias is `query`
    /// (exact, then ignoring case; see [`crate::model::find_contact`]).
    pub fn find(&self, query: &str) -> Result<&Contact, crate::model::LookupError> {
        self.book().find(query)
    }

    /// The hosts in use.
    pub fn hosts(&self) -> &Hosts {
        &self.core.hosts
    }

    /// Message sends waiting for their pace (`Config::send_pacing`); they leave in order.
    pub fn queued_sends(&self) -> usize {
        self.ops.sends.len()
    }

    /// When the next queued send may leave (`None`: none is queued).
    pub fn next_send_at(&self) -> Option<Instant> {
        self.core
            .config
            .send_pacing
            .as_ref()
            .and_then(|p| self.ops.sends.next_due(p))
    }

    /// Events waiting in [`Client::poll_event`]. While `Config::max_undelivered_events`
    /// wait, no webwxsync is issued.
    pub fn queued_events(&self) -> usize {
        self.core.events.len()
    }

    /// Number of requests handed out (or queued) and not yet completed.
    pub fn in_flight(&self) -> usize {
        self.core.flight.len()
    }

    // ----- outputs -----

    /// The next request to send, if any.
    pub fn poll_request(&mut self) -> Option<Request> {
        self.core.outbox.pop_front()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        let event = self.core.events.pop_front();
        if let Some(session) = self.session.as_mut() {
            session.unpark_sync(&mut self.core);
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
        if !self.core.outbox.is_empty() || !self.core.events.is_empty() {
            return Some((self.core.last_now(), Wake::Drain));
        }
        let watchdog = self
            .core
            .flight
            .next_deadline()
            .map(|(at, kind)| (at, Wake::Watchdog(kind)));
        let sends = self.next_send_at().map(|t| (t, Wake::SendPace));
        self.core.timers.next(watchdog.into_iter().chain(sends))
    }

    // ----- inputs -----

    /// Feeds the response to request `id`. `Err` only for an id this client never issued.
    pub fn handle_response(
        &mut self,
        id: RequestId,
        response: http::Response<Vec<u8>>,
        now: Instant,
    ) -> Result<(), UsageError> {
        self.core.touch(now);
        let Some(pending) = self.core.take_pending(id)? else {
            return Ok(());
        };
        self.store_cookies(&pending, response.headers(), now);
        let status = response.status().as_u16();
        let body = response.into_body();
        tracing::debug!(
            id = id.0,
            kind = pending.kind.name(),
            status,
            len = body.len(),
            "response"
        );
        let outcome = if pending.kind.streams_body() {
            // A driver that reads a download whole: the bytes are counted, not kept.
            tracing::warn!(id = id.0, "a download answered whole: use handle_streamed");
            Outcome::Streamed(core::Streamed {
                status,
                headers: http::HeaderMap::new(),
                written: body.len() as u64,
            })
        } else {
            Outcome::Response { status, body }
        };
        self.dispatch(pending, outcome, now);
        self.after_input(now);
        Ok(())
    }

    /// Stores the cookies of an answer (and reports what the jar refused).
    fn store_cookies(&mut self, pending: &core::Pending, headers: &http::HeaderMap, now: Instant) {
        let now_s = self.core.wall_ms(now) / 1000;
        let stored = self.core.jar.store_response(&pending.host, headers, now_s);
        if let Some(p) = stored.problem {
            self.core
                .problem(ProblemKind::Cookie(p), pending.kind, None);
        }
        if stored.changed > 0 && self.core.phase == Phase::Running {
            self.core.snapshot_changed(SnapshotReason::Cookies, now);
        }
    }

    /// Reports that request `id` produced no response.
    pub fn handle_failure(
        &mut self,
        id: RequestId,
        failure: Failure,
        now: Instant,
    ) -> Result<(), UsageError> {
        self.core.touch(now);
        let Some(pending) = self.core.take_pending(id)? else {
            return Ok(());
        };
        tracing::debug!(id = id.0, kind = pending.kind.name(), ?failure, "failure");
        self.dispatch(pending, Outcome::Failure(failure), now);
        self.after_input(now);
        Ok(())
    }

    /// Runs what is due at `now`: retries, the next poll, and the watchdog over lost requests.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.core.touch(now);
        for (id, pending) in self.core.flight.take_lost(now) {
            self.core.unqueue(id);
            tracing::debug!(id = id.0, kind = pending.kind.name(), "watchdog timeout");
            self.dispatch(pending, Outcome::Failure(Failure::Timeout), now);
        }
        if let Some(lane) = self.core.timers.take_due_lane(now) {
            self.fire_lane(lane, now);
        }
        if let Some(step) = self.core.timers.take_due_contacts(now)
            && let Some(session) = self.session.as_mut()
        {
            session.on_contacts_timer(&mut self.core, step, now);
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
        self.core.touch(now);
        let (op, state) = self.check_command(command)?;
        self.open_op(op, state, now);
        Ok(op)
    }

    /// Gives an upload the bytes it asked for with `Event::DataWanted`: exactly `len` bytes
    /// at `offset`. Data for an op that has ended is ignored; data it did not ask for (another
    /// offset or length) is `Err(UnexpectedData)` and the op goes on waiting.
    pub fn handle_data(
        &mut self,
        op: OpId,
        offset: u64,
        bytes: &[u8],
        now: Instant,
    ) -> Result<(), UsageError> {
        self.core.touch(now);
        let result = self.op_data(op, offset, bytes, now);
        self.after_input(now);
        result
    }

    /// The driver could not read the bytes an upload asked for: it fails
    /// `DataUnavailable`.
    pub fn handle_data_failure(&mut self, op: OpId, now: Instant) {
        self.core.touch(now);
        self.end_op_with(op, now, op::OpState::on_data_failure);
        self.after_input(now);
    }

    /// Ends an operation now: its `OpDone` is `Err(Cancelled)` (an answer still in flight
    /// is ignored when it comes). An op that has ended already is left alone. The logout
    /// cannot be cancelled.
    pub fn cancel(&mut self, op: OpId, now: Instant) {
        self.core.touch(now);
        self.end_op_with(op, now, op::OpState::cancel);
        self.after_input(now);
    }

    /// Feeds the end of a streamed download (a request whose `sink` is set): its head, and
    /// how many body bytes the driver wrote to the op's writer (0 when
    /// [`streams_body`] said not to write). `Err` only for an id this client never issued.
    pub fn handle_streamed(
        &mut self,
        id: RequestId,
        head: http::Response<()>,
        written: u64,
        now: Instant,
    ) -> Result<(), UsageError> {
        self.core.touch(now);
        let Some(pending) = self.core.take_pending(id)? else {
            return Ok(());
        };
        self.store_cookies(&pending, head.headers(), now);
        let status = head.status().as_u16();
        let (parts, ()) = head.into_parts();
        tracing::debug!(
            id = id.0,
            kind = pending.kind.name(),
            status,
            written,
            "streamed"
        );
        let streamed = core::Streamed {
            status,
            headers: parts.headers,
            written,
        };
        self.dispatch(pending, Outcome::Streamed(streamed), now);
        self.after_input(now);
        Ok(())
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
            .field("phase", &self.core.phase)
            .field("main_host", &self.core.hosts.main)
            .field("in_flight", &self.core.flight.len())
            .field("ops", &self.ops.len())
            .field("queued_requests", &self.core.outbox.len())
            .field("queued_events", &self.core.events.len())
            .field("contacts", &self.contacts().count())
            .field("cookies", &self.core.jar.len())
            .field("lane_failures", &self.core.lane.failures)
            .finish_non_exhaustive()
    }
}
