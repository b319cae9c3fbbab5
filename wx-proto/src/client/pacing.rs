//! The sync loop's own pace: how long to wait before the next synccheck after a round that
//! brought nothing, how many ContinueFlag rounds without news to follow, and which stall
//! pattern has already been reported.
//!
//! A healthy server paces the loop itself: it holds synccheck ~25 s and answers a non-zero
//! selector only when webwxsync has news. A misbehaving one answers at once (selector 0 or
//! a selector whose webwxsync brings nothing) or keeps saying `ContinueFlag` 1; without a
//! pace of its own the loop then runs as fast as the network allows. [`LoopPacer`] counts
//! consecutive rounds that advanced nothing and turns them into a growing wait, reset by
//! real progress or by a poll the server held.

use std::time::{Duration, Instant};

use super::event::Stall;

/// A synccheck answered sooner than this with selector 0 was not held.
pub(crate) const MIN_HOLD: Duration = Duration::from_secs(2);
/// A stall is reported once it lasted this many rounds (one slow round is normal).
const REPORT_AFTER: u32 = 2;

/// The pace state of one session's sync loop.
#[derive(Debug, Clone, Default)]
pub(crate) struct LoopPacer {
    /// Consecutive rounds that advanced nothing.
    idle_rounds: u32,
    /// Consecutive webwxsync rounds with `ContinueFlag` set and nothing new.
    empty_continues: u32,
    /// The stalls reported and not yet healed (one `Problem` per pattern, not per round).
    reported: Vec<Stall>,
    /// When the synccheck in flight was sent.
    poll_sent: Option<Instant>,
}

/// The wait after an idle round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pause {
    /// How long (without jitter).
    pub(crate) wait: Duration,
    /// The stall is new: raise one `Problem` for it.
    pub(crate) report: bool,
}

impl LoopPacer {
    /// A synccheck was sent at `now`.
    pub(crate) fn poll_sent(&mut self, now: Instant) {
        self.poll_sent = Some(now);
    }

    /// Whether the synccheck answered at `now` was held by the server.
    pub(crate) fn was_held(&mut self, now: Instant) -> bool {
        self.poll_sent
            .take()
            .is_some_and(|sent| now.saturating_duration_since(sent) >= MIN_HOLD)
    }

    /// Real progress (messages, contacts, profile, or a poll the server held): the pace
    /// resets.
    pub(crate) fn progress(&mut self) {
        self.idle_rounds = 0;
        self.empty_continues = 0;
    }

    /// The server showed the healthy form of `stall` (a held poll, a webwxsync with news,
    /// one without `ContinueFlag`): the next time it stalls that way is reported again.
    pub(crate) fn healed(&mut self, stall: Stall) {
        self.reported.retain(|s| *s != stall);
    }

    /// A round that advanced nothing, of pattern `stall`.
    pub(crate) fn idle(&mut self, stall: Stall, base: Duration, cap: Duration) -> Pause {
        self.empty_continues = 0;
        self.idle_rounds = self.idle_rounds.saturating_add(1);
        let doublings = self.idle_rounds.saturating_sub(1).min(20);
        let wait = base.saturating_mul(1 << doublings).min(cap);
        // ContinueFlag has already repeated `max_empty_continues` times when it gets here.
        let lasted = self.idle_rounds >= REPORT_AFTER || stall == Stall::ContinueWithoutProgress;
        let report = lasted && !self.reported.contains(&stall);
        if report {
            self.reported.push(stall);
        }
        Pause { wait, report }
    }

    /// A webwxsync with `ContinueFlag` set that brought nothing new: whether to follow it
    /// (`true`) or to treat the round as idle (`false`, after `max` such rounds in a row).
    pub(crate) fn empty_continue(&mut self, max: u32) -> bool {
        self.empty_continues = self.empty_continues.saturating_add(1);
        self.empty_continues <= max
    }

    /// Whether `stall` was reported and has not healed since.
    pub(crate) fn is_reported(&self, stall: Stall) -> bool {
        self.reported.contains(&stall)
    }

    /// Consecutive idle rounds so far.
    pub(crate) fn idle_rounds(&self) -> u32 {
        self.idle_rounds
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_secs(1);
    const CAP: Duration = Duration::from_secs(30);

    fn wait(pause: Pause) -> Duration {
        pause.wait
    }

    #[test]
    fn idle_rounds_wait_longer_up_to_the_cap_and_progress_resets() {
        let mut p = LoopPacer::default();
        let waits: Vec<u64> = (0..8)
            .map(|_| wait(p.idle(Stall::PollNotHeld, BASE, CAP)).as_secs())
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30, 30]);
        p.progress();
        assert_eq!(wait(p.idle(Stall::PollNotHeld, BASE, CAP)).as_secs(), 1);
    }

    #[test]
    fn each_stall_is_reported_once_until_it_heals() {
        let mut p = LoopPacer::default();
        let reports =
            |p: &mut LoopPacer, stall| (0..5).filter(|_| p.idle(stall, BASE, CAP).report).count();
        assert_eq!(reports(&mut p, Stall::EmptySync), 1);
        assert_eq!(reports(&mut p, Stall::EmptySync), 0);
        assert_eq!(
            reports(&mut p, Stall::PollNotHeld),
            1,
            "a new pattern is news"
        );
        p.progress();
        assert_eq!(
            reports(&mut p, Stall::PollNotHeld),
            0,
            "progress is no cure"
        );
        p.healed(Stall::PollNotHeld);
        p.progress();
        assert_eq!(reports(&mut p, Stall::PollNotHeld), 1);
        assert_eq!(reports(&mut p, Stall::EmptySync), 0, "still not healed");
    }

    #[test]
    fn a_single_idle_round_is_not_reported() {
        let mut p = LoopPacer::default();
        assert!(!p.idle(Stall::EmptySync, BASE, CAP).report);
    }

    #[test]
    fn empty_continues_are_followed_up_to_the_limit() {
        let mut p = LoopPacer::default();
        let followed = (0..10).take_while(|_| p.empty_continue(3)).count();
        assert_eq!(followed, 3);
        let _ = p.idle(Stall::ContinueWithoutProgress, BASE, CAP);
        assert!(p.empty_continue(3), "an idle round starts the count again");
    }

    #[test]
    fn a_poll_is_held_only_when_it_took_long_enough() {
        let t = Instant::now();
        let mut p = LoopPacer::default();
        assert!(!p.was_held(t), "nothing was sent");
        p.poll_sent(t);
        assert!(!p.was_held(t + Duration::from_millis(300)));
        p.poll_sent(t);
        assert!(p.was_held(t + MIN_HOLD));
    }
}
