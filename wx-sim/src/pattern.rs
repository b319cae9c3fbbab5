//! Sticky misbehaviour: [`Pattern`]s that last until cleared, for every account or for one.
//!
//! A [`FaultRule`](crate::FaultRule) hits the next `times` requests; a pattern hits every
//! matching request until it is replaced or cleared. Patterns are kept per scope: those of one
//! account are consulted before those of every account, each list in the order added, and for
//! each aspect (a synccheck's answer, a webwxsync's answer, a fault on an endpoint) the first
//! pattern that says something about it wins. A one-shot fault rule still comes first.
//!
//! A request belongs to the account of its session (the `wxsid` cookie, else the `sid`
//! query parameter); requests before a session exists (jslogin, the login poll,
//! webwxnewloginpage) see only the patterns of every account.

use crate::fault::Fault;
use crate::sim::Sim;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A misbehaving-server pattern; it lasts until cleared ([`Sim::clear_patterns`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Pattern {
    /// synccheck answers `retcode:"0"` with `selector` at once (never held), and webwxsync
    /// answers Ret 0 echoing the SyncKey the client sent, with empty lists. Queued events stay
    /// queued; once cleared they are delivered normally.
    StuckKeys {
        /// The selector synccheck answers (2, 3, 7, …); 2 when absent from JSON.
        #[serde(default = "two")]
        selector: u32,
    },
    /// synccheck answers `selector:"0"` at once while nothing is queued (no hold); with events
    /// queued it answers 2 (or 4) as usual.
    NoHold,
    /// webwxsync answers ContinueFlag 1 every time. It makes no progress while nothing is
    /// queued (same keys, empty lists); queued events are still delivered, flag still 1.
    ContinueForever,
    /// Every request to `endpoints` (every endpoint when empty) meets `fault`, e.g. a 500
    /// storm (`Fault::Status { code: 500 }`) or throttling (`Fault::Ret { ret: 1205 }`:
    /// `BaseResponse.Ret`, or the `retcode` on synccheck).
    Fault {
        /// Last path segments (`synccheck`, `webwxsync`, …); empty: every endpoint.
        #[serde(default)]
        endpoints: Vec<String>,
        /// What goes wrong.
        fault: Fault,
    },
}

fn two() -> u32 {
    2
}

impl Pattern {
    /// HTTP `code` (e.g. 500) with an empty body on `endpoints`, until cleared.
    pub fn status(code: u16, endpoints: &[&str]) -> Pattern {
        Pattern::Fault {
            endpoints: endpoints.iter().map(|e| e.to_string()).collect(),
            fault: Fault::Status { code },
        }
    }

    /// Ret 1205 (the synccheck `retcode` on synccheck) on `endpoints`, until cleared.
    pub fn throttle(endpoints: &[&str]) -> Pattern {
        Pattern::Fault {
            endpoints: endpoints.iter().map(|e| e.to_string()).collect(),
            fault: Fault::Ret { ret: 1205 },
        }
    }
}

/// How synccheck answers under the patterns in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CheckMode {
    /// Held until events or the deadline.
    Normal,
    /// This selector at once.
    Instant(u32),
    /// Selector 0 at once when nothing is queued.
    NoHold,
}

/// How webwxsync answers under the patterns in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SyncMode {
    /// As usual.
    Normal,
    /// Ret 0, the client's SyncKey back, nothing delivered.
    Stuck,
    /// As usual but ContinueFlag 1.
    Continue,
}

/// The patterns in force, by scope.
#[derive(Debug, Clone, Default)]
pub(crate) struct Patterns {
    all: Vec<Pattern>,
    by_account: HashMap<usize, Vec<Pattern>>,
}

impl Patterns {
    fn is_empty(&self) -> bool {
        self.all.is_empty() && self.by_account.is_empty()
    }

    /// The patterns `account` is under: its own first, then those of every account.
    fn active(&self, account: Option<usize>) -> impl Iterator<Item = &Pattern> {
        account
            .and_then(|a| self.by_account.get(&a))
            .into_iter()
            .flatten()
            .chain(self.all.iter())
    }

    pub(crate) fn check_mode(&self, account: Option<usize>) -> CheckMode {
        if self.is_empty() {
            return CheckMode::Normal;
        }
        self.active(account)
            .find_map(|p| match p {
                Pattern::StuckKeys { selector } => Some(CheckMode::Instant(*selector)),
                Pattern::NoHold => Some(CheckMode::NoHold),
                _ => None,
            })
            .unwrap_or(CheckMode::Normal)
    }

    pub(crate) fn sync_mode(&self, account: Option<usize>) -> SyncMode {
        if self.is_empty() {
            return SyncMode::Normal;
        }
        self.active(account)
            .find_map(|p| match p {
                Pattern::StuckKeys { .. } => Some(SyncMode::Stuck),
                Pattern::ContinueForever => Some(SyncMode::Continue),
                _ => None,
            })
            .unwrap_or(SyncMode::Normal)
    }

    /// The sticky fault a request to `endpoint` of `account` meets, if any.
    pub(crate) fn fault(&self, endpoint: &str, account: Option<usize>) -> Option<Fault> {
        if self.is_empty() {
            return None;
        }
        self.active(account).find_map(|p| match p {
            Pattern::Fault { endpoints, fault }
                if endpoints.is_empty() || endpoints.iter().any(|e| e == endpoint) =>
            {
                Some(fault.clone())
            }
            _ => None,
        })
    }

    fn scope_mut(&mut self, account: Option<usize>) -> &mut Vec<Pattern> {
        match account {
            Some(a) => self.by_account.entry(a).or_default(),
            None => &mut self.all,
        }
    }

    fn set(&mut self, account: Option<usize>, pattern: Option<Pattern>) {
        let scope = self.scope_mut(account);
        scope.clear();
        scope.extend(pattern);
        if let Some(a) = account
            && self.by_account.get(&a).is_some_and(Vec::is_empty)
        {
            self.by_account.remove(&a);
        }
    }

    fn get(&self, account: Option<usize>) -> &[Pattern] {
        match account {
            Some(a) => self.by_account.get(&a).map_or(&[], Vec::as_slice),
            None => &self.all,
        }
    }
}

/// Every pattern in force: what `GET /__sim/patterns` answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PatternView {
    /// The patterns of every account.
    pub all: Vec<Pattern>,
    /// The patterns of single accounts, by account index.
    pub accounts: BTreeMap<usize, Vec<Pattern>>,
}

impl Sim {
    /// Replaces the patterns of every account with `pattern` (`None`: removes them); the
    /// patterns of single accounts stay.
    pub fn set_pattern(&mut self, pattern: Option<Pattern>) {
        self.patterns.set(None, pattern);
        self.wake_all = true;
    }

    /// Replaces the patterns of `account` alone with `pattern` (`None`: removes them). They
    /// are consulted before the patterns of every account.
    pub fn set_account_pattern(&mut self, account: usize, pattern: Option<Pattern>) {
        self.patterns.set(Some(account), pattern);
        self.wake_all = true;
    }

    /// Adds `pattern` after those already in force, for `account` (every account: `None`).
    pub fn add_pattern(&mut self, account: Option<usize>, pattern: Pattern) {
        self.patterns.scope_mut(account).push(pattern);
        self.wake_all = true;
    }

    /// The patterns set for `account` alone, or for every account with `None`.
    pub fn patterns(&self, account: Option<usize>) -> &[Pattern] {
        self.patterns.get(account)
    }

    /// Every pattern in force, by scope.
    pub fn pattern_view(&self) -> PatternView {
        PatternView {
            all: self.patterns.all.clone(),
            accounts: self
                .patterns
                .by_account
                .iter()
                .map(|(a, p)| (*a, p.clone()))
                .collect(),
        }
    }

    /// Ends every sticky misbehaviour: the patterns of every scope, pending poisons, poisoned
    /// page contacts, and the poison marks on queued events (they are sent clean from now on).
    /// One-shot fault rules stay (see [`Sim::clear_faults`]).
    pub fn clear_patterns(&mut self) {
        self.patterns = Patterns::default();
        self.clear_poison();
        self.wake_all = true;
    }

    /// Drops the fault rules not used up yet, and the media knobs (n-th faults, empty
    /// avatars, HTML downloads).
    pub fn clear_faults(&mut self) {
        self.faults.clear();
        self.media_knobs = Default::default();
    }
}
