//! Routing: each answer goes to the part that asked for it (the login, the session's lane
//! and contact loader, an op), and what a flow answers (`Next`, `LoginNext`) is applied
//! here: a new session, the end of one, the fallback to push login or a QR code.

use std::time::Instant;

use super::core::{LaneRetry, Outcome, Pending, hosts_before_login};
use super::login::LoginNext;
use super::session::{Next, Session};
use super::{Client, Endpoint, Event, Lane, LoginPath, LogoutReason, Phase, ProblemKind, Purpose};

impl Client {
    /// After any input: start what waited for a slot.
    pub(super) fn after_input(&mut self, now: Instant) {
        self.start_waiting_ops(now);
    }

    pub(super) fn dispatch(&mut self, pending: Pending, outcome: Outcome, now: Instant) {
        if self.core.phase == Phase::LoggedOut {
            return;
        }
        // While a requested logout is on its way, the server may already answer the held
        // long poll with 1101: that is the logout itself, not a separate ending.
        if self.core.phase == Phase::LoggingOut && !matches!(pending.purpose, Purpose::Op(_)) {
            return;
        }
        let kind = pending.kind;
        match pending.purpose {
            Purpose::Lane => self.on_lane(kind, outcome, now),
            Purpose::Contacts => {
                if let Some(session) = self.session.as_mut() {
                    let next = session.on_contacts(&mut self.core, kind, outcome, now);
                    self.apply_next(next, now);
                }
            }
            Purpose::Op(op) => self.on_op(op, kind, outcome, now),
            Purpose::FireAndForget => {
                if let Outcome::Failure(f) = outcome {
                    self.core.problem(ProblemKind::Transport(f), kind, None);
                }
            }
        }
    }

    fn on_lane(&mut self, kind: Endpoint, outcome: Outcome, now: Instant) {
        let core = &mut self.core;
        let next = match kind {
            Endpoint::JsLogin => {
                self.login.on_jslogin(core, outcome, now);
                LoginNext::Go
            }
            Endpoint::LoginPoll => self.login.on_login_poll(core, outcome, now),
            Endpoint::LoginPage => self.login.on_login_page(core, outcome, now),
            Endpoint::PushLogin => self.login.on_push_login(core, outcome, now),
            Endpoint::Init | Endpoint::SyncCheck | Endpoint::Sync => {
                // Only a session sends these, and it is dropped only by a new login, whose
                // first request is not one of them.
                let Some(session) = self.session.as_mut() else {
                    return;
                };
                let next = match kind {
                    Endpoint::Init => session.on_init(core, outcome, now),
                    Endpoint::SyncCheck => session.on_synccheck(core, outcome, now),
                    _ => session.on_sync(core, outcome, now),
                };
                return self.apply_next(next, now);
            }
            _ => LoginNext::Go,
        };
        self.apply_login(next, now);
    }

    fn apply_login(&mut self, next: LoginNext, now: Instant) {
        match next {
            LoginNext::Go => {}
            LoginNext::End(reason) => self.end_session(reason),
            LoginNext::Credentials(creds) => {
                let session = Session::new(creds, &self.core.hosts);
                session.send_init(&mut self.core, now);
                self.session = Some(session);
            }
            LoginNext::QrLogin => self.start_qr_login(now),
        }
    }

    fn apply_next(&mut self, next: Next, now: Instant) {
        match next {
            Next::Go => {}
            Next::End(reason) => self.end_session(reason),
            Next::ResumeFailed(problem, kind) => self.resume_failed(problem, kind, now),
        }
    }

    /// Runs a lane step whose timer is due (unless the lane is busy or the session over).
    pub(super) fn fire_lane(&mut self, lane: Lane, now: Instant) {
        let parked = self.session.as_ref().is_some_and(|s| s.sync.parked);
        if self.core.phase == Phase::LoggedOut || parked || self.core.flight.any(Purpose::Lane) {
            return;
        }
        let core = &mut self.core;
        match lane {
            Lane::JsLogin => self.login.send_jslogin(core, now),
            Lane::LoginPoll => self.login.send_login_poll(core, now),
            Lane::LoginPage(uri) => self.login.send_login_page(core, &uri, now),
            Lane::Init => {
                if let Some(session) = &self.session {
                    session.send_init(core, now);
                }
            }
            Lane::SyncCheck => {
                if let Some(session) = self.session.as_mut() {
                    session.send_synccheck(core, now);
                }
            }
        }
    }

    /// Ends the session: nothing more is sent; unfinished operations fail.
    pub(super) fn end_session(&mut self, reason: LogoutReason) {
        if self.core.phase == Phase::LoggedOut {
            return;
        }
        tracing::info!(?reason, "session ended");
        self.core.phase = Phase::LoggedOut;
        self.core.timers.clear();
        self.core.outbox.clear();
        let in_flight = self
            .core
            .flight
            .abandon_all()
            .into_iter()
            .filter_map(|p| match p.purpose {
                Purpose::Op(op) => Some(op),
                _ => None,
            })
            .collect();
        self.end_ops(in_flight);
        self.core.jar.clear_session();
        self.core.emit(Event::LoggedOut(reason));
    }

    /// Drops the last session and every trace of its login; the cookie jar and what the
    /// account keeps (seen MsgIds, the last uin) stay.
    fn drop_session(&mut self) {
        self.session = None;
        self.login.reset();
        self.core.lane = LaneRetry::default();
        self.core.timers.clear();
    }

    /// A new login by push (the phone confirms), or by QR code when no account is known.
    pub(super) fn start_push_login(&mut self, now: Instant) {
        let last = self.session.as_ref().map(|s| s.creds.uin);
        let Some(uin) = self.core.account.last_uin.or(last) else {
            return self.start_qr_login(now);
        };
        self.drop_session();
        self.core.account.last_uin = Some(uin);
        self.login.send_push_login(&mut self.core, uin, now);
    }

    /// A new login by QR code.
    pub(super) fn start_qr_login(&mut self, now: Instant) {
        self.drop_session();
        self.core.hosts = hosts_before_login(&self.core.config);
        self.core.emit(Event::LoginPath(LoginPath::Qr));
        self.login.send_jslogin(&mut self.core, now);
    }

    /// A resumed session turned out to be gone: try push login, once.
    pub(super) fn resume_failed(&mut self, problem: ProblemKind, kind: Endpoint, now: Instant) {
        self.core.problem(problem, kind, None);
        self.start_push_login(now);
    }

    /// Whether push login can be tried: an account is known and its long-lived cookies kept.
    pub(super) fn can_push_login(&self) -> bool {
        let jar = &self.core.jar;
        self.core.account.last_uin.is_some()
            && (jar.value("webwx_auth_ticket").is_some() || jar.value("wxuin").is_some())
    }
}
