//! Long polls: holding a request, re-polling it after events or at its deadline, and time-driven
//! changes (scheduled logins, the steady message rate).

use crate::clock;
use crate::content::Body;
use crate::sim::{Held, HeldId, HeldKind, Push, Reply, Sim, apply_post};
use std::time::{Duration, Instant};

impl Sim {
    pub(crate) fn hold(&mut self, kind: HeldKind, now: Instant) -> Reply {
        let id = HeldId(self.next_held);
        self.next_held += 1;
        let deadline = clock::after(now, self.cfg.poll_hold);
        if let HeldKind::SyncCheck { session, .. } = kind {
            self.held_by_session.entry(session).or_default().push(id);
        }
        self.held.insert(
            id,
            Held {
                kind,
                deadline,
                post: None,
            },
        );
        Reply::Held(id)
    }

    /// Re-examines a held request at `now`: `Some` when it is answered (it is then forgotten).
    pub fn poll_held(&mut self, id: HeldId, now: Instant) -> Option<Reply> {
        self.advance(now);
        let held = self.held.get(&id)?.clone();
        let resp = match &held.kind {
            HeldKind::LoginPoll { uuid } => self.login_ready(uuid, now, now >= held.deadline),
            HeldKind::SyncCheck {
                session,
                client_seq,
            } => self.synccheck_ready(*session, *client_seq, now >= held.deadline),
        }?;
        self.forget_held(id);
        Some(match held.post {
            Some(f) => apply_post(resp, &f, now),
            None => Reply::Now(resp),
        })
    }

    /// When a held request must be polled again even if nothing happens.
    pub fn wake_at(&self, id: HeldId) -> Option<Instant> {
        let h = self.held.get(&id)?;
        let mut t = h.deadline;
        if let HeldKind::LoginPoll { uuid } = &h.kind
            && let Some(c) = self
                .logins
                .iter()
                .find(|l| &l.uuid == uuid)
                .and_then(|l| l.next_change())
        {
            t = t.min(c);
        }
        Some(t)
    }

    /// The earliest instant anything held, or the steady message rate, needs attention.
    pub fn next_wake(&self) -> Option<Instant> {
        let held = self.held.keys().filter_map(|id| self.wake_at(*id)).min();
        match (held, self.next_steady) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Ids of the requests being held.
    pub fn held_ids(&self) -> Vec<HeldId> {
        self.held.keys().copied().collect()
    }

    /// Forgets a held request whose connection went away.
    pub fn cancel_held(&mut self, id: HeldId) {
        self.forget_held(id);
    }

    fn forget_held(&mut self, id: HeldId) {
        if let Some(Held {
            kind: HeldKind::SyncCheck { session, .. },
            ..
        }) = self.held.remove(&id)
            && let Some(ids) = self.held_by_session.get_mut(&session)
        {
            ids.retain(|h| *h != id);
            if ids.is_empty() {
                self.held_by_session.remove(&session);
            }
        }
    }

    /// Applies what is due by `now`: scheduled logins and the steady message rate.
    pub fn advance(&mut self, now: Instant) {
        // Logins `advance` can no longer change are skipped: under load (thousands of
        // logins in the table) this runs for every request.
        let mut settled = self.logins_settled;
        for (i, l) in self.logins.iter_mut().enumerate().skip(self.logins_settled) {
            l.advance(now);
            if i == settled && l.settled(now) {
                settled += 1;
            }
        }
        self.logins_settled = settled;
        if let Some(idle) = self.cfg.idle_timeout {
            let polling: Vec<usize> = self
                .held
                .values()
                .filter_map(|h| match h.kind {
                    HeldKind::SyncCheck { session, .. } => Some(session),
                    HeldKind::LoginPoll { .. } => None,
                })
                .collect();
            for (i, s) in self.sessions.iter_mut().enumerate() {
                if polling.contains(&i) {
                    s.last_seen = now;
                } else if s.ended.is_none() && now.saturating_duration_since(s.last_seen) > idle {
                    s.ended = Some(1100);
                    self.wake_all = true;
                }
            }
        }
        if let (Some(rate), true) = (self.cfg.steady_rate, self.cfg.steady_spread) {
            self.advance_spread(rate, now);
        } else if let (Some(rate), Some(mut next)) = (self.cfg.steady_rate, self.next_steady) {
            let mut budget = 1000;
            while next <= now && budget > 0 {
                budget -= 1;
                let live: Vec<usize> = self
                    .sessions
                    .iter()
                    .filter(|s| s.ended.is_none())
                    .map(|s| s.account)
                    .collect();
                for acc in live {
                    let n = self.rng.below(1_000_000);
                    let _ = self.push(
                        &Push {
                            account: acc,
                            ..Push::default()
                        },
                        &Body::Text {
                            text: format!("steady {n}"),
                        },
                        now,
                    );
                }
                next = clock::after(next, rate.max(Duration::from_millis(1)));
            }
            if budget == 0 && next <= now {
                // Far behind (a big time jump): skip ahead instead of flooding.
                next = clock::after(now, rate);
            }
            self.next_steady = Some(next);
        }
    }

    /// Spread steady load: slot `k` is account `k % n` at `start + k × rate / n`; every due
    /// slot whose account has a live session pushes one text stamped with the Unix time in
    /// microseconds. At most one period is caught up; further behind, the schedule skips.
    fn advance_spread(&mut self, rate: Duration, now: Instant) {
        let n = self.world.accounts.len().max(1) as u128;
        let rate_ns = rate.max(Duration::from_millis(1)).as_nanos();
        let due = |start: Instant, k: u64| {
            let ns = rate_ns.saturating_mul(u128::from(k)) / n;
            clock::after(
                start,
                Duration::from_nanos(u64::try_from(ns).unwrap_or(u64::MAX)),
            )
        };
        let mut budget = n;
        while due(self.steady_start, self.steady_slot) <= now {
            if budget == 0 {
                // Far behind: restart the schedule from the slot due now.
                let elapsed = now.saturating_duration_since(self.steady_start).as_nanos();
                self.steady_slot = u64::try_from(elapsed.saturating_mul(n) / rate_ns)
                    .unwrap_or(u64::MAX)
                    .saturating_add(1);
                break;
            }
            budget -= 1;
            let account = (u128::from(self.steady_slot) % n) as usize;
            self.steady_slot += 1;
            if self.live_sessions(account) == 0 {
                continue;
            }
            let text = format!("steady @{}", self.clock.micros(now));
            let _ = self.push(
                &Push {
                    account,
                    ..Push::default()
                },
                &Body::Text { text },
                now,
            );
        }
        self.next_steady = Some(due(self.steady_start, self.steady_slot));
    }
}
