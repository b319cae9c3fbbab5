//! The pace of message sends: a token bucket for the account and one per chat (kept as
//! GCRA "theoretical arrival times", one `Instant` each), the queue of sends waiting for a
//! token, and the pause after a 1205 with its automatic retries.
//!
//! Sends to one chat leave in the order they were submitted; a send to another chat may
//! overtake one that waits for its own chat's token. Nothing is ever dropped: a send waits
//! until it may go, or fails `Throttled` after the configured retries.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use super::command::OpId;
use super::config::{Rate, SendPacing};

/// One send waiting for its turn, or in flight.
#[derive(Debug, Clone)]
pub(crate) struct PacedSend {
    pub(crate) op: OpId,
    /// The chat it goes to.
    pub(crate) chat: String,
    /// 1205s this send has had so far.
    pub(crate) throttled: u32,
}

/// The send queue and its buckets.
#[derive(Debug, Default)]
pub(crate) struct SendPacer {
    queue: VecDeque<PacedSend>,
    /// Sends in flight, kept to retry them after a 1205.
    in_flight: BTreeMap<OpId, PacedSend>,
    /// The account bucket's theoretical arrival time (`None`: full).
    account: Option<Instant>,
    /// Each chat's, for chats whose bucket is not full.
    chats: BTreeMap<String, Instant>,
    /// No send leaves before this (after a 1205).
    paused_until: Option<Instant>,
    /// 1205s in a row, for the pause's back-off.
    throttles_in_row: u32,
}

/// The earliest time a bucket at `tat` lets one more go (`None`: it is full, so now).
fn earliest(tat: Option<Instant>, rate: Rate) -> Option<Instant> {
    let tolerance = rate.interval.saturating_mul(rate.burst.max(1) - 1);
    tat.map(|t| t.checked_sub(tolerance).unwrap_or(t))
}

fn take(tat: &mut Option<Instant>, rate: Rate, now: Instant) {
    let from = tat.map_or(now, |t| t.max(now));
    *tat = Some(from + rate.interval);
}

impl SendPacer {
    /// Queues a send to `chat`.
    pub(crate) fn push(&mut self, op: OpId, chat: String) {
        self.queue.push_back(PacedSend {
            op,
            chat,
            throttled: 0,
        });
    }

    /// Sends waiting for a token.
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }

    /// The sends that may leave at `now`, in order, each taking its tokens.
    pub(crate) fn due(&mut self, now: Instant, pacing: &SendPacing) -> Vec<PacedSend> {
        // Runs at every timeout: nothing to do without a queue (the buckets are pruned later).
        if self.queue.is_empty() {
            return Vec::new();
        }
        self.chats.retain(|_, tat| *tat > now);
        if self.account.is_some_and(|t| t <= now) {
            self.account = None;
        }
        let mut out = Vec::new();
        if self.paused_until.is_some_and(|t| t > now) {
            return out;
        }
        self.paused_until = None;
        let mut blocked: BTreeSet<String> = BTreeSet::new();
        let mut i = 0;
        while i < self.queue.len() {
            if earliest(self.account, pacing.account).is_some_and(|t| t > now) {
                break;
            }
            let chat = self
                .queue
                .get(i)
                .map(|s| s.chat.clone())
                .unwrap_or_default();
            let chat_tat = self.chats.get(&chat).copied();
            if blocked.contains(&chat) || earliest(chat_tat, pacing.chat).is_some_and(|t| t > now) {
                blocked.insert(chat);
                i += 1;
                continue;
            }
            let Some(send) = self.queue.remove(i) else {
                break;
            };
            take(&mut self.account, pacing.account, now);
            let mut tat = chat_tat;
            take(&mut tat, pacing.chat, now);
            if let Some(t) = tat {
                self.chats.insert(chat, t);
            }
            out.push(send);
        }
        out
    }

    /// When the next queued send may leave (`None`: nothing queued).
    pub(crate) fn next_due(&self, pacing: &SendPacing) -> Option<Instant> {
        if self.queue.is_empty() {
            return None;
        }
        let mut seen = BTreeSet::new();
        let chat_soonest = self
            .queue
            .iter()
            .map(|s| s.chat.as_str())
            .filter(|c| seen.insert(*c))
            .map(|c| earliest(self.chats.get(c).copied(), pacing.chat))
            .min()
            .flatten();
        [
            self.paused_until,
            earliest(self.account, pacing.account),
            chat_soonest,
        ]
        .into_iter()
        .flatten()
        .max()
    }

    /// A send left: keep it until its answer, to retry it after a 1205.
    pub(crate) fn sent(&mut self, send: PacedSend) {
        self.in_flight.insert(send.op, send);
    }

    /// The answer to `op` was not a 1205 (or `op` was no paced send).
    pub(crate) fn answered(&mut self, op: OpId) {
        if self.in_flight.remove(&op).is_some() {
            self.throttles_in_row = 0;
        }
    }

    /// `op` got a 1205: pause the queue and put it first again, unless it used up its
    /// retries (then `false`: it fails `Throttled`). The pause doubles per 1205 in a row.
    pub(crate) fn throttled(
        &mut self,
        op: OpId,
        now: Instant,
        pacing: &SendPacing,
        cap: Duration,
    ) -> bool {
        let Some(mut send) = self.in_flight.remove(&op) else {
            return false;
        };
        let pause = pacing
            .throttle_pause
            .saturating_mul(1 << self.throttles_in_row.min(20))
            .min(cap.max(pacing.throttle_pause));
        self.throttles_in_row = self.throttles_in_row.saturating_add(1);
        self.paused_until = Some(now + pause);
        if send.throttled >= pacing.throttle_retries {
            return false;
        }
        send.throttled += 1;
        self.queue.push_front(send);
        true
    }

    /// 1205s in a row on sends (0 once a send went through).
    pub(crate) fn throttles_in_row(&self) -> u32 {
        self.throttles_in_row
    }

    /// Everything queued (the session ended); the sends in flight are forgotten.
    pub(crate) fn drain(&mut self) -> Vec<PacedSend> {
        self.in_flight.clear();
        self.queue.drain(..).collect()
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;

    fn text(to: &str, n: u64) -> (OpId, String) {
        (OpId(n), to.to_owned())
    }

    fn pacing() -> SendPacing {
        SendPacing {
            account: Rate {
                interval: Duration::from_secs(1),
                burst: 3,
            },
            chat: Rate {
                interval: Duration::from_secs(2),
                burst: 2,
            },
            ..SendPacing::default()
        }
    }

    /// Runs the queue to empty, returning (op, seconds after start) per send.
    fn schedule(p: &mut SendPacer, t0: Instant, pacing: &SendPacing) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut now = t0;
        for _ in 0..100 {
            for s in p.due(now, pacing) {
                out.push((s.op.0, (now - t0).as_secs()));
                p.sent(s.clone());
                p.answered(s.op);
            }
            match p.next_due(pacing) {
                Some(t) => {
                    assert!(t > now, "the next wake-up moves forward");
                    now = t;
                }
                None => break,
            }
        }
        out
    }

    #[test]
    fn one_chat_gets_its_burst_then_its_interval_in_order() {
        let (t0, pacing) = (Instant::now(), pacing());
        let mut p = SendPacer::default();
        for n in 0..5 {
            let (op, c) = text("@a", n);
            p.push(op, c);
        }
        assert_eq!(p.len(), 5);
        assert_eq!(
            schedule(&mut p, t0, &pacing),
            [(0, 0), (1, 0), (2, 2), (3, 4), (4, 6)]
        );
    }

    #[test]
    fn another_chat_overtakes_but_the_account_rate_holds() {
        let (t0, pacing) = (Instant::now(), pacing());
        let mut p = SendPacer::default();
        for (to, n) in [
            ("@a", 0),
            ("@a", 1),
            ("@a", 2),
            ("@b", 3),
            ("@b", 4),
            ("@c", 5),
        ] {
            let (op, c) = text(to, n);
            p.push(op, c);
        }
        let got = schedule(&mut p, t0, &pacing);
        // Account: burst 3, then one a second; @a's third waits for @a's bucket.
        assert_eq!(got, [(0, 0), (1, 0), (3, 0), (4, 1), (2, 2), (5, 3)]);
        let order_a: Vec<u64> = got.iter().map(|g| g.0).filter(|n| *n < 3).collect();
        assert_eq!(order_a, [0, 1, 2], "one chat's sends keep their order");
    }

    #[test]
    fn a_1205_pauses_the_queue_retries_first_and_gives_up_after_the_retries() {
        let (t0, pacing) = (Instant::now(), SendPacing::default());
        let cap = Duration::from_secs(60);
        let mut p = SendPacer::default();
        let (op, c) = text("@a", 7);
        p.push(op, c);
        let (op2, c2) = text("@a", 8);
        p.push(op2, c2);
        let first = p.due(t0, &pacing);
        assert_eq!(first.len(), 2);
        for s in first {
            p.sent(s);
        }
        p.answered(op2);
        assert!(p.throttled(op, t0, &pacing, cap));
        assert_eq!(p.next_due(&pacing), Some(t0 + Duration::from_secs(10)));
        assert!(p.due(t0 + Duration::from_secs(9), &pacing).is_empty());
        let mut now = t0;
        for retry in 1..=pacing.throttle_retries {
            now = p.next_due(&pacing).unwrap_or(now);
            let again = p.due(now, &pacing);
            assert_eq!(again.len(), 1);
            assert_eq!(again[0].throttled, retry);
            p.sent(again[0].clone());
            let gave_up = !p.throttled(op, now, &pacing, cap);
            assert_eq!(gave_up, retry == pacing.throttle_retries);
        }
        assert_eq!(p.len(), 0);
    }
}
