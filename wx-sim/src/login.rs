//! QR login state: one uuid from jslogin (or push login) until it is redeemed or expires.

use std::time::Instant;

/// How logins get scanned and confirmed.
#[derive(Debug, Clone, PartialEq)]
pub enum LoginPolicy {
    /// Only the knobs (`Sim::scan`, `Sim::confirm`, or the control API) move a login on.
    Manual,
    /// Scan `scan_after` the uuid is issued and confirm `confirm_after` later, as `account`.
    Auto {
        /// Delay from jslogin to the scan.
        scan_after: std::time::Duration,
        /// Delay from the scan to the confirmation.
        confirm_after: std::time::Duration,
        /// The account index that scans.
        account: usize,
    },
    /// Like `Auto`, but every new login is scanned by the next account (round-robin over the
    /// world's accounts) that has no live session: one session per account, for load tests
    /// with many clients.
    EachAccount {
        /// Delay from jslogin to the scan.
        scan_after: std::time::Duration,
        /// Delay from the scan to the confirmation.
        confirm_after: std::time::Duration,
    },
}

/// Where a uuid stands at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginState {
    /// Nothing yet.
    Waiting,
    /// Scanned on the phone.
    Scanned,
    /// Confirmed: the ticket can be redeemed.
    Confirmed,
    /// Too old (400).
    Expired,
    /// The user pressed "cancel" on the phone (202 once, then 400).
    Cancelled,
}

/// One uuid.
#[derive(Debug, Clone)]
pub struct Login {
    /// The uuid.
    pub uuid: String,
    /// When jslogin issued it.
    pub created: Instant,
    /// When it stops being usable unless confirmed.
    pub expires: Instant,
    /// Who scanned it.
    pub account: Option<usize>,
    /// Scan time.
    pub scanned_at: Option<Instant>,
    /// Confirmation time.
    pub confirmed_at: Option<Instant>,
    /// Auto policy: scheduled scan.
    pub auto_scan: Option<(Instant, usize)>,
    /// Auto policy: scheduled confirmation.
    pub auto_confirm: Option<Instant>,
    /// The 201 has been reported to a poll.
    pub reported_scan: bool,
    /// The ticket in the redirect_uri.
    pub ticket: String,
    /// Scan time in Unix seconds (the `scan=` parameter).
    pub scan_s: u64,
    /// The ticket has been exchanged for a session.
    pub redeemed: bool,
    /// Cancelled on the phone.
    pub cancelled: bool,
}

impl Login {
    /// Applies scheduled (auto) transitions due by `now`.
    pub fn advance(&mut self, now: Instant) {
        if let Some((at, acc)) = self.auto_scan
            && at <= now
            && self.scanned_at.is_none()
            && now < self.expires
        {
            self.scanned_at = Some(at);
            self.account = Some(acc);
        }
        if let Some(at) = self.auto_confirm
            && at <= now
            && self.scanned_at.is_some()
            && self.confirmed_at.is_none()
        {
            self.confirmed_at = Some(at);
        }
    }

    /// Whether `advance` can never change this login again (from `now` on): its scheduled
    /// scan and confirmation have happened, or the scan can no longer happen (expired).
    pub fn settled(&self, now: Instant) -> bool {
        let scan_pending = self.auto_scan.is_some() && self.scanned_at.is_none();
        let scan_possible = scan_pending && now < self.expires;
        let confirm_pending = self.auto_confirm.is_some()
            && self.confirmed_at.is_none()
            && (self.scanned_at.is_some() || scan_possible);
        !scan_possible && !confirm_pending
    }

    /// The state at `now` (after `advance`).
    pub fn state(&self, now: Instant) -> LoginState {
        if self.confirmed_at.is_some() {
            LoginState::Confirmed
        } else if self.cancelled {
            LoginState::Cancelled
        } else if now >= self.expires {
            LoginState::Expired
        } else if self.scanned_at.is_some() {
            LoginState::Scanned
        } else {
            LoginState::Waiting
        }
    }

    /// The next instant at which this login changes by itself.
    pub fn next_change(&self) -> Option<Instant> {
        let mut t = None::<Instant>;
        let mut consider = |x: Instant| t = Some(t.map_or(x, |t: Instant| t.min(x)));
        if self.confirmed_at.is_none() && !self.cancelled {
            consider(self.expires);
        }
        if let (Some((at, _)), None) = (self.auto_scan, self.scanned_at) {
            consider(at);
        }
        if let (Some(at), None) = (self.auto_confirm, self.confirmed_at) {
            consider(at);
        }
        t
    }
}
