//! Request counters: requests per endpoint since start, in total and per account, so tests
//! can measure how fast a client polls.
//!
//! Every request but the control API's is counted under its endpoint (the last path segment:
//! `jslogin`, `login`, `webwxinit`, `synccheck`, `webwxsync`, …), faulted ones included. A
//! request is also counted for the account of its session (its `wxsid` cookie, else its `sid`
//! query parameter); requests before a session exists belong to no account.
//!
//! The table is bounded: the endpoints the simulator serves always have their own counter,
//! other names (unknown paths) get one each only up to [`MAX_UNKNOWN_NAMES`], and every
//! later unknown name is counted under [`OTHER`], so a client walking random paths cannot
//! grow it.

use crate::sim::Sim;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A snapshot of the counters: what `GET /__sim/stats` answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Requests per endpoint since start.
    pub requests: BTreeMap<String, u64>,
    /// Their sum.
    pub total: u64,
    /// Requests per endpoint of each account's sessions, by account index.
    pub by_account: BTreeMap<usize, BTreeMap<String, u64>>,
}

/// Distinct unknown endpoint names counted on their own; later ones count under [`OTHER`].
pub const MAX_UNKNOWN_NAMES: usize = 64;

/// The counter of unknown endpoint names past [`MAX_UNKNOWN_NAMES`].
pub const OTHER: &str = "(other)";

/// Every endpoint name the simulator answers (the last path segment).
const KNOWN: &[&str] = &[
    "",
    "jslogin",
    "qrcode",
    "login",
    "webwxnewloginpage",
    "webwxpushloginurl",
    "webwxlogout",
    "webwxinit",
    "webwxstatusnotify",
    "webwxgetcontact",
    "webwxbatchgetcontact",
    "synccheck",
    "webwxsync",
    "webwxsendmsg",
    "webwxsendmsgimg",
    "webwxsendvideomsg",
    "webwxsendappmsg",
    "webwxsendemoticon",
    "webwxuploadmedia",
    "webwxcheckupload",
    "webwxrevokemsg",
    "webwxgetmsgimg",
    "webwxgetvoice",
    "webwxgetvideo",
    "webwxgetmedia",
    "webwxgeticon",
    "webwxgetheadimg",
    "webwxgetpubliclinkimg",
    "webwxoplog",
    "webwxverifyuser",
    "webwxcreatechatroom",
    "webwxupdatechatroom",
    "webwxstatreport",
];

/// Per-account counters, kept by the simulator.
#[derive(Debug, Clone, Default)]
pub(crate) struct AccountCounts {
    by_account: HashMap<usize, BTreeMap<String, u64>>,
    /// Unknown endpoint names with a counter of their own so far.
    unknown_names: usize,
}

impl AccountCounts {
    pub(crate) fn count(&mut self, account: usize, endpoint: &str) {
        let m = self.by_account.entry(account).or_default();
        match m.get_mut(endpoint) {
            Some(n) => *n += 1,
            None => {
                m.insert(endpoint.to_string(), 1);
            }
        }
    }
}

impl Sim {
    /// The counter `endpoint` is counted under: itself, or [`OTHER`] for an unknown name once
    /// [`MAX_UNKNOWN_NAMES`] of them have counters.
    pub(crate) fn counter_name<'a>(&mut self, endpoint: &'a str) -> &'a str {
        if KNOWN.contains(&endpoint) || self.served_by.contains_key(endpoint) {
            return endpoint;
        }
        let names = &mut self.account_counts.unknown_names;
        if *names < MAX_UNKNOWN_NAMES {
            *names += 1;
            endpoint
        } else {
            OTHER
        }
    }

    /// Requests to `endpoint` (last path segment) since start.
    pub fn requests(&self, endpoint: &str) -> u64 {
        self.served_by.get(endpoint).copied().unwrap_or(0)
    }

    /// Requests to `endpoint` from the sessions of `account` since start.
    pub fn account_requests(&self, account: usize, endpoint: &str) -> u64 {
        self.account_counts
            .by_account
            .get(&account)
            .and_then(|m| m.get(endpoint))
            .copied()
            .unwrap_or(0)
    }

    /// Every counter; `with_accounts: false` leaves `by_account` empty (many accounts).
    pub fn stats(&self, with_accounts: bool) -> Stats {
        Stats {
            requests: self.served_by.clone(),
            total: self.served_by.values().sum(),
            by_account: if with_accounts {
                self.account_counts
                    .by_account
                    .iter()
                    .map(|(a, m)| (*a, m.clone()))
                    .collect()
            } else {
                BTreeMap::new()
            },
        }
    }
}
