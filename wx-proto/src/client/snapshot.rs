//! Sessions that survive restarts: [`Snapshot`] (everything needed to resume without a
//! scan), [`Client::snapshot`], [`Client::restore`] and its fallbacks (push login, then a QR
//! code), and [`Client::login_again`] after a logout or a kick.
//!
//! Format: JSON with a `version` field ([`SNAPSHOT_VERSION`]). A reader accepts its own
//! version and older ones it knows how to read, and refuses newer ones with a clear error
//! instead of guessing. Version 2 added `session_started_unix_s` and `push_host`; a
//! version 1 file reads with both absent (history then counts from the restore, and the
//! push host is the family's default). Every credential is a [`Secret`] or a [`Uin`], so `Debug` shows none.

use std::time::{Instant, SystemTime};

use serde::{Deserialize, Serialize};

use super::{Client, Event, LoginPath, Phase, ProblemKind, Server, SnapshotReason};
use crate::Endpoint;
use crate::build::Creds;
use crate::client::config::Config;
use crate::client::cookies::CookieJar;
use crate::client::hosts::Hosts;
use crate::parse::{Contact, SyncKey};
use crate::secret::{Secret, Uin};

/// The snapshot format this crate writes.
pub const SNAPSHOT_VERSION: u32 = 2;
/// How many recent MsgIds a snapshot keeps, so a resumed session drops re-deliveries.
const SNAPSHOT_MSG_IDS: usize = 512;

/// Everything needed to resume a session without a scan. Serialise it with
/// [`Snapshot::to_json`]; the file holds credentials, so keep it private (0600).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Format version ([`SNAPSHOT_VERSION`]).
    pub version: u32,
    /// Wall time of the snapshot, Unix milliseconds.
    pub taken_at_unix_ms: i64,
    /// The host family of the session.
    pub hosts: Hosts,
    /// Desktop (UOS) mode.
    pub desktop: bool,
    /// The account's uin.
    pub uin: Uin,
    /// `wxsid`.
    pub sid: Secret<String>,
    /// The current skey.
    pub skey: Secret<String>,
    /// The pass_ticket as the login page gave it (percent-encoded once).
    pub pass_ticket: Secret<String>,
    /// The DeviceID in use.
    pub device_id: String,
    /// The cookie jar, with domains and expiry.
    pub cookies: CookieJar,
    /// The SyncKey of the last applied webwxsync.
    pub sync_key: SyncKey,
    /// The SyncCheckKey of the last applied webwxsync.
    pub sync_check_key: Option<SyncKey>,
    /// Yourself.
    pub me: Option<Contact>,
    /// The most recent MsgIds delivered (oldest first).
    pub recent_msg_ids: Vec<String>,
    /// When the session first logged in (Unix seconds): messages created before it are
    /// history, also after a restore (version 2; absent in version 1).
    #[serde(default)]
    pub session_started_unix_s: Option<i64>,
    /// The webpush host in use, when it is not the family's default (found by probing
    /// after a 1100 on the first synccheck; version 2).
    #[serde(default)]
    pub push_host: Option<String>,
}

/// Why a snapshot cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// Written by a newer wx: this version cannot read it.
    #[error(
        "snapshot format {found} is newer than this program supports ({supported}); upgrade wx or log in again"
    )]
    NewerVersion {
        /// The file's version.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// Not a snapshot (bad JSON, truncated, missing fields).
    #[error("not a valid snapshot: {0}")]
    Malformed(String),
}

#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

impl Snapshot {
    /// The JSON form.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// Reads the JSON form, refusing a newer format version before anything else.
    pub fn from_json(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        let version: VersionOnly = serde_json::from_slice(bytes).map_err(|e| {
            SnapshotError::Malformed(format!(
                "{:?} at line {} column {}",
                e.classify(),
                e.line(),
                e.column()
            ))
        })?;
        if version.version > SNAPSHOT_VERSION {
            return Err(SnapshotError::NewerVersion {
                found: version.version,
                supported: SNAPSHOT_VERSION,
            });
        }
        serde_json::from_slice(bytes).map_err(|e| {
            SnapshotError::Malformed(format!(
                "{:?} at line {} column {}",
                e.classify(),
                e.line(),
                e.column()
            ))
        })
    }
}

impl Client {
    /// The state worth saving, once logged in (`None` before the first login completes).
    /// The client emits `SnapshotChanged` when a new one is worth saving.
    pub fn snapshot(&self, now: Instant) -> Option<Snapshot> {
        let creds = self.creds.as_ref()?;
        Some(Snapshot {
            version: SNAPSHOT_VERSION,
            taken_at_unix_ms: self.wall_ms(now),
            hosts: self.hosts.clone(),
            desktop: self.config.desktop,
            uin: creds.uin,
            sid: creds.sid.clone(),
            skey: creds.skey.clone(),
            pass_ticket: creds.pass_ticket_raw.clone(),
            device_id: creds.device_id.clone(),
            cookies: self.jar.clone(),
            sync_key: self.sync_key.clone(),
            sync_check_key: self.sync_check_key.clone(),
            me: self.me.clone(),
            recent_msg_ids: self.seen.recent(SNAPSHOT_MSG_IDS),
            session_started_unix_s: (self.session_start_s > 0).then_some(self.session_start_s),
            push_host: (self.push_host != self.hosts.push).then(|| self.push_host.clone()),
        })
    }

    /// Resumes a saved session without a scan: verifies it (webwxinit, then the sync loop
    /// from the saved keys); if the server says it is gone, asks the phone to confirm (push
    /// login); if that is refused or expires, falls back to a QR code. `LoginPath` events
    /// say which path is taken.
    pub fn restore(
        config: Config,
        snapshot: Snapshot,
        seed: [u8; 32],
        now: Instant,
        wall: SystemTime,
    ) -> Result<Client, SnapshotError> {
        if snapshot.version > SNAPSHOT_VERSION {
            return Err(SnapshotError::NewerVersion {
                found: snapshot.version,
                supported: SNAPSHOT_VERSION,
            });
        }
        let mut client = Client::bare(config, seed, now, wall);
        if let Server::Official = client.config.server {
            client.hosts = snapshot.hosts;
        }
        client.push_host = match snapshot.push_host {
            Some(host) if client.config.server == Server::Official && !host.is_empty() => host,
            _ => client.hosts.push.clone(),
        };
        client.session_start_s = snapshot.session_started_unix_s.unwrap_or(0);
        client.jar = snapshot.cookies;
        client.creds = Some(Creds {
            uin: snapshot.uin,
            sid: snapshot.sid,
            skey: snapshot.skey,
            pass_ticket_raw: snapshot.pass_ticket,
            device_id: snapshot.device_id,
        });
        client.last_uin = Some(snapshot.uin);
        client.sync_key = snapshot.sync_key;
        client.sync_check_key = snapshot.sync_check_key;
        client.me = snapshot.me;
        for id in &snapshot.recent_msg_ids {
            client.seen.insert(id);
        }
        client.phase = Phase::LoggingIn;
        client.resuming = true;
        client.verifying = true;
        client.events.push_back(Event::LoginPath(LoginPath::Hot));
        client.send_init(now);
        Ok(client)
    }

    /// Starts a new login after the session ended (a logout, a kick, a refused resume):
    /// push login when the account is known and its long-lived cookies are kept, else a QR
    /// code. Everything of the old session is cleared first.
    pub fn login_again(&mut self, now: Instant) -> Result<(), super::UsageError> {
        if self.phase != Phase::LoggedOut {
            return Err(super::UsageError::StillRunning);
        }
        self.touch(now);
        self.qr_renewals = 0;
        if self.can_push_login() {
            self.start_push_login(now);
        } else {
            self.start_qr_login(now);
        }
        Ok(())
    }

    fn can_push_login(&self) -> bool {
        self.last_uin.is_some()
            && (self.jar.value("webwx_auth_ticket").is_some() || self.jar.value("wxuin").is_some())
    }

    /// Clears every trace of the previous session but the cookie jar and the seen MsgIds.
    pub(super) fn reset_session(&mut self) {
        self.creds = None;
        self.me = None;
        self.contacts.clear();
        self.sync_key = SyncKey::default();
        self.sync_check_key = None;
        self.reinit = false;
        self.resuming = false;
        self.verifying = false;
        self.push_login = false;
        self.first_synccheck_done = false;
        self.contact_seqs.clear();
        self.contact_pages = 0;
        self.contacts_failures = 0;
        self.batch_queue.clear();
        self.ready_sent = false;
        self.lane_failures = 0;
        self.streak_reported.clear();
        self.pacer = super::pacing::LoopPacer::default();
        self.sync_parked = false;
        self.last_reinit = None;
        self.session_start_s = 0;
        self.timers.clear();
        self.uuid = None;
        self.pending_redirect = None;
    }

    pub(super) fn start_qr_login(&mut self, now: Instant) {
        self.reset_session();
        self.hosts = match &self.config.server {
            Server::Official => Hosts::before_login(),
            Server::Custom(base) => Hosts::single(base),
        };
        self.events.push_back(Event::LoginPath(LoginPath::Qr));
        self.send_jslogin(now);
    }

    /// A resumed session turned out to be gone: try push login, once.
    pub(super) fn resume_failed(&mut self, problem: ProblemKind, kind: Endpoint, now: Instant) {
        self.problem(problem, kind, None);
        self.start_push_login(now);
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
