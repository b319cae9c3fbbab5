//! Sessions that survive restarts: [`Snapshot`] (everything needed to resume without a
//! scan), [`Client::snapshot`], [`Client::restore`] and its fallbacks (push login, then a QR
//! code), and [`Client::login_again`] after a logout or a kick.
//!
//! Format: JSON with a `version` field ([`SNAPSHOT_VERSION`]). A reader accepts its own
//! version and older ones it knows how to read, and refuses newer ones with a clear error
//! instead of guessing. Version 2 added `session_started_unix_s` and `push_host`; a
//! version 1 file reads with both absent (history then counts from the restore, and the
//! push host is the family's default). Version 3 keeps `me` as the domain
//! [`model::Contact`](crate::model::Contact) (names decoded, snake_case keys) instead of
//! the wire object; an older file's `me` is read as the wire object and converted. Every
//! credential is a [`Secret`] or a [`Uin`], so `Debug` shows none.

use std::collections::BTreeMap;
use std::time::{Instant, SystemTime};

use serde::{Deserialize, Serialize};

use super::session::{Keys, Session};
use super::{Client, Event, LoginPath, Phase, Server};
use crate::build::Creds;
use crate::client::config::Config;
use crate::client::cookies::CookieJar;
use crate::client::hosts::Hosts;
use crate::model::Contact;
use crate::parse::{self, SyncKey};
use crate::secret::{Secret, Uin};

/// The snapshot format this crate writes.
pub const SNAPSHOT_VERSION: u32 = 3;
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
    /// UserName → stable name (`wxid_…`, `…@chatroom`) pairs of the recent-chat list
    /// (MsgType 51, code 4): a restored session is not sent that list again, and
    /// [`ContactKey`](crate::model::ContactKey)s need it. Absent in files written before it
    /// was added (an optional field: no format version change, so older builds still read
    /// newer files).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stable_names: BTreeMap<String, String>,
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
    /// It names hosts the session's credentials may not go to (a planted file).
    #[error("the snapshot names an untrusted host: {0}")]
    UntrustedHost(#[from] super::UntrustedHost),
}

#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

impl Snapshot {
    /// The JSON form, in this build's format: its `version` is [`SNAPSHOT_VERSION`]
    /// whatever version the snapshot was read from (an older file is migrated on reading).
    pub fn to_json(&self) -> Vec<u8> {
        let current = Snapshot {
            version: SNAPSHOT_VERSION,
            ..self.clone()
        };
        serde_json::to_vec_pretty(&current).unwrap_or_default()
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
        if version.version < 3 {
            return Self::from_wire_me(bytes);
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

    /// Versions 1 and 2: `me` is the wire contact object; it becomes the domain one.
    fn from_wire_me(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        let malformed =
            |e: serde_json::Error| SnapshotError::Malformed(format!("{:?}", e.classify()));
        let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(malformed)?;
        if let Some(me) = value.get_mut("me")
            && !me.is_null()
        {
            let wire: parse::Contact = serde_json::from_value(me.take()).map_err(malformed)?;
            *me = serde_json::to_value(Contact::from(wire)).map_err(malformed)?;
        }
        serde_json::from_value(value).map_err(malformed)
    }
}

impl Client {
    /// The state worth saving, once logged in (`None` before the first login completes).
    /// The client emits `SnapshotChanged` when a new one is worth saving.
    pub fn snapshot(&self, now: Instant) -> Option<Snapshot> {
        let s = self.session.as_ref()?;
        let core = &self.core;
        Some(Snapshot {
            version: SNAPSHOT_VERSION,
            taken_at_unix_ms: core.wall_ms(now),
            hosts: core.hosts.clone(),
            desktop: core.config.desktop,
            uin: s.creds.uin,
            sid: s.creds.sid.clone(),
            skey: s.creds.skey.clone(),
            pass_ticket: s.creds.pass_ticket_raw.clone(),
            device_id: s.creds.device_id.clone(),
            cookies: core.jar.clone(),
            sync_key: s.keys.sync.clone(),
            sync_check_key: s.keys.check.clone(),
            me: s.me.clone(),
            recent_msg_ids: core.account.seen.recent(SNAPSHOT_MSG_IDS),
            session_started_unix_s: (s.start_s > 0).then_some(s.start_s),
            push_host: (s.push.host != core.hosts.push).then(|| s.push.host.clone()),
            stable_names: s.book.stable_names().clone(),
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
        super::trust::check_hosts(&config, &snapshot.hosts, snapshot.push_host.as_deref())?;
        let mut client = Client::bare(config, seed, now, wall);
        let core = &mut client.core;
        let official = core.config.server == Server::Official;
        if official {
            core.hosts = snapshot.hosts;
        }
        let creds = Creds {
            uin: snapshot.uin,
            sid: snapshot.sid,
            skey: snapshot.skey,
            pass_ticket_raw: snapshot.pass_ticket,
            device_id: snapshot.device_id,
        };
        let mut session = Session::new(creds, &core.hosts);
        // The push host was found (or probed) by the first login: no probing again.
        session.push.alternatives.clear();
        if let Some(host) = snapshot.push_host.filter(|h| official && !h.is_empty()) {
            session.push.host = host;
        }
        session.start_s = snapshot.session_started_unix_s.unwrap_or(0);
        session.keys = Keys {
            sync: snapshot.sync_key,
            check: snapshot.sync_check_key,
        };
        session.me = snapshot.me;
        session.book.restore_stable_names(snapshot.stable_names);
        session.resuming = true;
        session.verifying = true;
        core.jar = snapshot.cookies;
        core.account.last_uin = Some(snapshot.uin);
        for id in &snapshot.recent_msg_ids {
            core.account.seen.insert(id);
        }
        core.phase = Phase::LoggingIn;
        core.emit(Event::LoginPath(LoginPath::Hot));
        session.send_init(core, now);
        client.session = Some(session);
        Ok(client)
    }

    /// Starts a new login after the session ended (a logout, a kick, a refused resume):
    /// push login when the account is known and its long-lived cookies are kept, else a QR
    /// code. Everything of the old session is dropped first.
    pub fn login_again(&mut self, now: Instant) -> Result<(), super::UsageError> {
        if self.core.phase != Phase::LoggedOut {
            return Err(super::UsageError::StillRunning);
        }
        self.core.touch(now);
        self.login.qr_renewals = 0;
        if self.can_push_login() {
            self.start_push_login(now);
        } else {
            self.start_qr_login(now);
        }
        Ok(())
    }
}
