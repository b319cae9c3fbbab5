//! [`Session`]: one logged-in session's state, gone with it (credentials, yourself, the
//! contact book, the sync keys, the push host, the sync loop's and the contact loader's
//! state), and its start: webwxinit (and the re-init after repeated sync failures) and
//! webwxstatusnotify Code 3. The sync loop is in `sync_loop`, the contact loader in
//! `contacts`. Flows take the `Core` they send through and answer the engine with [`Next`].

use std::time::Instant;

use super::contacts::ContactLoader;
use super::core::{Core, Outcome};
use super::event::SnapshotReason;
use super::pacing::LoopPacer;
use super::triage::{Verdict, verdict};
use super::{Event, Hosts, Lane, LogoutReason, Phase, ProblemKind, Purpose};
use crate::Endpoint;
use crate::build::{self, Creds};
use crate::error::{ErrorKind, Format, ParseError};
use crate::model::{Contact, ContactBook};
use crate::parse::{SyncKey, parse_init};

/// What a session flow asks of the engine when it returns.
#[must_use]
#[derive(Debug)]
pub(super) enum Next {
    /// Nothing: the flow has queued what comes next.
    Go,
    /// The session is over.
    End(LogoutReason),
    /// A restored session the server no longer knows: report, then ask the phone.
    ResumeFailed(ProblemKind, Endpoint),
}

/// The sync keys.
#[derive(Debug, Clone, Default)]
pub(super) struct Keys {
    /// The SyncKey of the last applied webwxsync (or of webwxinit).
    pub(super) sync: SyncKey,
    /// The SyncCheckKey of the last applied webwxsync.
    pub(super) check: Option<SyncKey>,
}

/// The webpush host in use and the others to probe after a first-synccheck 1100.
#[derive(Debug, Clone)]
pub(super) struct PushHost {
    pub(super) host: String,
    pub(super) alternatives: Vec<String>,
    pub(super) first_synccheck_done: bool,
}

/// The sync loop's state (its pace, its parking, its re-inits).
#[derive(Debug, Default)]
pub(super) struct SyncState {
    pub(super) pacer: LoopPacer,
    /// webwxsync waits for the application to drain its events.
    pub(super) parked: bool,
    /// When the last re-init started.
    pub(super) last_reinit: Option<Instant>,
    /// A re-init is in flight.
    pub(super) reinit: bool,
    /// webwxinit failures in a row.
    pub(super) reinit_failures: u32,
}

/// One session, from its credentials until the next login drops it.
/// The official client's invite threshold when webwxinit gives none.
const DEFAULT_INVITE_START_COUNT: u32 = 40;

pub(super) struct Session {
    pub(super) creds: Creds,
    /// Yourself, from webwxinit.
    pub(super) me: Option<Contact>,
    /// Every known contact and group, by UserName, and their stable names.
    pub(super) book: ContactBook,
    pub(super) keys: Keys,
    /// When the session first logged in (Unix seconds; 0 until webwxinit).
    pub(super) start_s: i64,
    pub(super) push: PushHost,
    pub(super) sync: SyncState,
    /// A restored session's webwxinit is in flight.
    pub(super) resuming: bool,
    /// A restored session has not yet completed a sync cycle.
    pub(super) verifying: bool,
    pub(super) loader: ContactLoader,
    /// webwxinit's `InviteStartCount`: from this many members on, members are invited
    /// rather than added (40 when the server gives none).
    pub(super) invite_start_count: u32,
}

impl Session {
    /// A session of new credentials on the hosts of its login.
    pub(super) fn new(creds: Creds, hosts: &Hosts) -> Self {
        Self {
            creds,
            me: None,
            book: ContactBook::new(),
            invite_start_count: DEFAULT_INVITE_START_COUNT,
            keys: Keys::default(),
            start_s: 0,
            push: PushHost {
                host: hosts.push.clone(),
                alternatives: hosts.alternative_push_hosts(),
                first_synccheck_done: false,
            },
            sync: SyncState::default(),
            resuming: false,
            verifying: false,
            loader: ContactLoader::default(),
        }
    }

    /// Our own UserName (empty before webwxinit).
    pub(super) fn me_name(&self) -> &str {
        self.me.as_ref().map_or("", |m| m.user_name.as_str())
    }

    pub(super) fn send_init(&self, core: &mut Core, now: Instant) {
        let req = build::init(&core.ctx(now), &self.creds);
        core.send(Endpoint::Init, req, Purpose::Lane, now);
    }

    pub(super) fn on_init(&mut self, core: &mut Core, outcome: Outcome, now: Instant) -> Next {
        let parsed = outcome
            .body_2xx()
            .and_then(|b| parse_init(&b).map_err(ProblemKind::Malformed))
            .and_then(|init| {
                // Without `User` or `SyncKey` there is no session to run, whatever `Ret` says.
                let missing = if init.user.user_name.is_empty() {
                    Some("User")
                } else if !init.sync_key.is_usable() {
                    Some("SyncKey")
                } else {
                    None
                };
                match missing {
                    Some(field) if init.base_response.ret.is_ok() => {
                        Err(ProblemKind::Malformed(ParseError::new(
                            Format::Json(Endpoint::Init),
                            0,
                            ErrorKind::MissingField(field),
                        )))
                    }
                    _ => Ok(init),
                }
            });
        let init = match parsed {
            Ok(init) => {
                let code = init.base_response.ret;
                match verdict(code) {
                    Verdict::Ok => init,
                    // Rate limited: wait it out and ask again; no verdict on the session.
                    Verdict::Throttled => {
                        core.throttled(Endpoint::Init, Lane::Init, now);
                        return Next::Go;
                    }
                    // A restored session the server no longer knows: ask the phone instead.
                    _ if self.resuming => {
                        return Next::ResumeFailed(ProblemKind::Server(code), Endpoint::Init);
                    }
                    Verdict::Logout(reason) => return Next::End(reason),
                    Verdict::Failed(code) => {
                        return self.init_failed(core, ProblemKind::Server(code), now);
                    }
                }
            }
            Err(ProblemKind::Malformed(e)) if self.resuming => {
                return Next::ResumeFailed(ProblemKind::Malformed(e), Endpoint::Init);
            }
            Err(problem) => return self.init_failed(core, problem, now),
        };
        if !self.sync.reinit {
            // A re-init does not end a failure streak: only a completed sync round does.
            core.lane.failures = 0;
        }
        self.sync.reinit_failures = 0;
        // A re-init or a resume keeps the keys it has synced up to, so nothing that arrived
        // in between is skipped; a new login starts from the server's.
        if init.sync_key.is_usable() && !self.keys.sync.is_usable() {
            self.keys.sync = init.sync_key.clone();
        }
        if !init.skey.expose().is_empty() {
            self.creds.skey = init.skey.clone();
        }
        if init.user.uin.get() != 0 {
            self.creds.uin = init.user.uin;
        }
        if init.invite_start_count > 0 {
            self.invite_start_count = init.invite_start_count;
        }
        // Groups not saved to contacts come only from here (and from their messages):
        // they are merged like any other source.
        for c in init.contact_list {
            self.book.upsert(Contact::from(c));
        }
        for bad in init.bad_contacts {
            core.problem(ProblemKind::MalformedContact(bad), Endpoint::Init, None);
        }
        let was_reinit = std::mem::replace(&mut self.sync.reinit, false);
        self.resuming = false;
        core.account.last_uin = Some(self.creds.uin);
        let me = Contact::from(init.user);
        if !was_reinit {
            core.phase = Phase::Running;
            // A restored session keeps the start of its first login: what arrived while
            // the process was down is news, not history.
            if self.start_s == 0 {
                self.start_s = core.wall_ms(now) / 1000;
            }
            core.emit(Event::LoggedIn {
                uin: me.uin,
                user_name: me.user_name.clone(),
                nick_name: me.nick_name.clone(),
            });
            core.snapshot_changed(SnapshotReason::LoggedIn, now);
            // Code 3: the phone shows "web WeChat logged in". Its answer is not awaited.
            let name = me.user_name.as_str();
            let req = build::status_notify(&core.ctx(now), &self.creds, 3, name, name);
            core.send(Endpoint::StatusNotify, req, Purpose::FireAndForget, now);
            self.me = Some(me);
            self.start_contacts(core, now);
        } else {
            self.me = Some(me);
        }
        self.send_synccheck(core, now);
        Next::Go
    }

    fn init_failed(&mut self, core: &mut Core, problem: ProblemKind, now: Instant) -> Next {
        if self.sync.reinit {
            return self.reinit_failed(core, problem, now);
        }
        self.sync.reinit_failures += 1;
        if self.sync.reinit_failures >= core.config.max_reinit_failures {
            if self.resuming {
                self.sync.reinit_failures = 0;
                return Next::ResumeFailed(problem, Endpoint::Init);
            }
            core.problem(problem, Endpoint::Init, None);
            return Next::End(LogoutReason::InitFailed);
        }
        core.retry_lane(Endpoint::Init, problem, Lane::Init, now);
        Next::Go
    }

    /// A re-init failed: the sync loop goes on at its back-off (the next re-init comes no
    /// sooner than `reinit_min_interval`). Only a server that keeps refusing it with a code
    /// ends the session; transport faults and HTTP statuses only delay.
    fn reinit_failed(&mut self, core: &mut Core, problem: ProblemKind, now: Instant) -> Next {
        self.sync.reinit = false;
        if let ProblemKind::Server(_) = problem {
            self.sync.reinit_failures += 1;
            if self.sync.reinit_failures >= core.config.max_reinit_failures {
                core.problem(problem, Endpoint::Init, None);
                return Next::End(LogoutReason::InitFailed);
            }
        }
        core.lane.failures = core.lane.failures.saturating_add(1);
        let delay = core.backoff(core.lane.failures);
        if core.lane.first_report(Endpoint::Init, &problem) {
            core.problem(problem, Endpoint::Init, Some(delay));
        }
        core.set_lane_timer(now + delay, Lane::SyncCheck);
        Next::Go
    }

    /// Re-runs webwxinit with the current credentials after repeated sync failures.
    pub(super) fn start_reinit(&mut self, core: &mut Core, now: Instant) {
        self.sync.reinit = true;
        core.problem(ProblemKind::Reinitialising, Endpoint::Init, None);
        self.send_init(core, now);
    }
}
