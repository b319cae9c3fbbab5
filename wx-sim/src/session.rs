//! A logged-in web session: credentials, the sync event log, SyncKey arithmetic.

use crate::model::Message;
use crate::poison::Poison;
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::time::Instant;

/// Something webwxsync hands out.
#[derive(Debug, Clone)]
pub enum Event {
    /// An AddMsgList entry.
    Msg(Box<Message>),
    /// A ModContactList entry for this UserName (taken from the world when synced).
    Mod(String),
    /// A ModContactList entry for the group `group` (a UserName), taken from the world when
    /// synced, its MemberCount the full count but its MemberList only `members` (UserNames,
    /// in the world's order; an empty list for none), or the whole list with `None`: the
    /// partial shape the real server sends when members join, leave or are renamed.
    ModGroup {
        /// The group's UserName.
        group: String,
        /// The members to list, or `None` for all of them.
        members: Option<Vec<String>>,
    },
    /// A DelContactList entry.
    Del(String),
}

/// One web session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The account index.
    pub account: usize,
    /// The uin.
    pub uin: u64,
    /// wxsid.
    pub sid: String,
    /// Current skey.
    pub skey: String,
    /// The skey before the last rotation (still accepted).
    pub prev_skey: Option<String>,
    /// The raw pass_ticket (the XML carries it percent-encoded).
    pub pass_ticket: String,
    /// webwx_data_ticket cookie.
    pub data_ticket: String,
    /// Set when the session is over: the code clients get (1100, 1101, 1102).
    pub ended: Option<u32>,
    /// Undelivered-or-unacknowledged events, with their sequence numbers.
    pub events: VecDeque<(u64, Event)>,
    /// Sequence number of the newest event.
    pub seq: u64,
    /// Base of the SyncKey values.
    pub key_base: u64,
    /// Unix seconds of the login.
    pub login_s: u64,
    /// Unix seconds of the newest message.
    pub last_msg_s: u64,
    /// Return this skey in the next webwxsync `SKey`.
    pub announce_skey: bool,
    /// webwxinit has been called.
    pub inited: bool,
    /// When the session began.
    pub started: Instant,
    /// The client called webwxlogout.
    pub client_logout: bool,
    /// The last synccheck or webwxsync (for `Config::idle_timeout`).
    pub last_seen: Instant,
    /// Queued events sent poisoned, by sequence number (dropped with the event).
    pub poisoned: BTreeMap<u64, Poison>,
}

/// `{"Key": k,"Val": v}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyVal {
    /// Key.
    pub key: u64,
    /// Val.
    pub val: u64,
}

/// `{"Count": n,"List": [...]}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SyncKey {
    /// Number of entries.
    pub count: usize,
    /// The entries.
    pub list: Vec<KeyVal>,
}

impl SyncKey {
    fn of(list: Vec<KeyVal>) -> Self {
        SyncKey {
            count: list.len(),
            list,
        }
    }
}

impl Session {
    /// Adds an event and returns its sequence number.
    pub fn push(&mut self, e: Event, now_s: u64) -> u64 {
        self.seq += 1;
        if matches!(e, Event::Msg(_)) {
            self.last_msg_s = now_s;
        }
        self.events.push_back((self.seq, e));
        self.seq
    }

    /// Drops the events a client has acknowledged by syncing with `client_seq`.
    pub fn ack(&mut self, client_seq: u64) {
        while self.events.front().is_some_and(|(s, _)| *s <= client_seq) {
            self.events.pop_front();
        }
        if !self.poisoned.is_empty() {
            self.poisoned.retain(|s, _| *s > client_seq);
        }
    }

    /// The sequence a SyncKey value for key 1 stands for (values below the base mean 0).
    pub fn seq_of(&self, key1: u64) -> u64 {
        key1.saturating_sub(self.key_base)
    }

    /// The SyncKey of webwxinit (keys 1, 2, 3, 1000) at sequence `seq`.
    pub fn init_key(&self, seq: u64) -> SyncKey {
        SyncKey::of(vec![
            KeyVal {
                key: 1,
                val: self.key_base + seq,
            },
            KeyVal {
                key: 2,
                val: self.key_base + seq,
            },
            KeyVal {
                key: 3,
                val: self.key_base + 3,
            },
            KeyVal {
                key: 1000,
                val: self.login_s,
            },
        ])
    }

    /// The longer SyncKey / SyncCheckKey of webwxsync at sequence `seq`.
    pub fn sync_key(&self, seq: u64) -> SyncKey {
        SyncKey::of(vec![
            KeyVal {
                key: 1,
                val: self.key_base + seq,
            },
            KeyVal {
                key: 2,
                val: self.key_base + seq,
            },
            KeyVal {
                key: 3,
                val: self.key_base + 3,
            },
            KeyVal {
                key: 11,
                val: self.key_base + seq,
            },
            KeyVal {
                key: 201,
                val: self.last_msg_s.max(self.login_s),
            },
            KeyVal {
                key: 1000,
                val: self.login_s,
            },
            KeyVal {
                key: 1001,
                val: self.login_s + 1,
            },
        ])
    }

    /// Whether `skey` is accepted (current or just rotated away).
    pub fn skey_ok(&self, skey: &str) -> bool {
        skey == self.skey || self.prev_skey.as_deref() == Some(skey)
    }

    /// Whether events after `client_seq` are waiting; 2 for messages, 4 for contacts only.
    pub fn selector(&self, client_seq: u64) -> u32 {
        let mut sel = 0;
        for (s, e) in &self.events {
            if *s > client_seq {
                match e {
                    Event::Msg(_) => return 2,
                    _ => sel = 4,
                }
            }
        }
        sel
    }
}

/// Reads key 1 out of a synccheck `synckey` string `1_700000001|2_…`.
pub fn key1_of_string(s: &str) -> Option<u64> {
    s.split('|').find_map(|kv| {
        let (k, v) = kv.split_once('_')?;
        (k.trim() == "1").then(|| v.trim().parse().ok()).flatten()
    })
}

/// Reads key 1 out of a webwxsync body's `SyncKey` object.
pub fn key1_of_json(v: &serde_json::Value) -> Option<u64> {
    v.get("List")?.as_array()?.iter().find_map(|kv| {
        let k = kv.get("Key")?;
        let k = k.as_u64().or_else(|| k.as_str()?.parse().ok())?;
        let val = kv.get("Val")?;
        let val = val.as_u64().or_else(|| val.as_str()?.parse().ok())?;
        (k == 1).then_some(val)
    })
}
