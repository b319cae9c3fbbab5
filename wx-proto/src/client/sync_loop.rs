//! The sync loop: synccheck (long poll) → webwxsync when the selector is non-zero → apply
//! (profile, deleted and changed contacts, messages) → synccheck. Keys advance only when a
//! webwxsync body parses; messages are de-duplicated by MsgId.

use std::time::Instant;

use super::triage::{Verdict, verdict};
use super::{Client, Event, Lane, Outcome, Phase, ProblemKind, Purpose, Stall};
use crate::Endpoint;
use crate::build;
use crate::client::config::HistoryPolicy;
use crate::client::event::SnapshotReason;
use crate::model;
use crate::parse::{SyncResponse, parse_sync, parse_synccheck};
use crate::ret_code::RetCode;

/// A failure streak remembers at most this many distinct failures as reported.
const MAX_STREAK_KINDS: usize = 8;

impl Client {
    pub(super) fn send_synccheck(&mut self, now: Instant) {
        if self.phase == Phase::LoggedOut {
            return;
        }
        let key = match &self.sync_check_key {
            Some(k) if k.is_usable() => k.clone(),
            _ => self.sync_key.clone(),
        };
        let push = self.push_host.clone();
        let (ctx, creds) = self.ctx(now);
        let Some(creds) = creds else { return };
        let req = build::synccheck(&ctx, &push, creds, &key);
        self.send(Endpoint::SyncCheck, req, Purpose::Lane, now);
        self.pacer.poll_sent(now);
    }

    /// Sends webwxsync, unless the application has not drained its events: then the
    /// call waits (`sync_parked`) until `poll_event` has taken half of them.
    pub(super) fn send_sync(&mut self, now: Instant) {
        if self.events.len() >= self.config.max_undelivered_events.max(1) {
            tracing::debug!(
                queued = self.events.len(),
                "webwxsync waits for the events to drain"
            );
            self.sync_parked = true;
            return;
        }
        let key = self.sync_key.clone();
        let (ctx, creds) = self.ctx(now);
        let Some(creds) = creds else { return };
        let req = build::sync(&ctx, creds, &key);
        self.send(Endpoint::Sync, req, Purpose::Lane, now);
    }

    /// Resumes a webwxsync that waited for the events to drain.
    pub(super) fn unpark_sync(&mut self) {
        if self.sync_parked
            && self.events.len() <= self.config.max_undelivered_events / 2
            && self.phase == Phase::Running
        {
            self.sync_parked = false;
            let now = self.last_now;
            self.send_sync(now);
        }
    }

    /// One more consecutive failure of the sync loop: back off (to the cap, with jitter),
    /// and re-init only once the delay has reached the cap, at most once per
    /// `reinit_min_interval`. The same problem is reported once per streak.
    fn sync_failed(&mut self, kind: Endpoint, problem: ProblemKind, now: Instant) {
        self.lane_failures = self.lane_failures.saturating_add(1);
        let at_cap = self.backoff_at_cap(self.lane_failures);
        let reinit_due = at_cap
            && self.lane_failures >= self.config.reinit_after_failures.max(1)
            && self.last_reinit.is_none_or(|t| {
                now.saturating_duration_since(t) >= self.config.reinit_min_interval
            });
        if reinit_due {
            self.last_reinit = Some(now);
            if self.failure_reported(kind, &problem) {
                self.problem(problem, kind, None);
            }
            return self.start_reinit(now);
        }
        let delay = self.backoff(self.lane_failures);
        if self.failure_reported(kind, &problem) {
            self.problem(problem, kind, Some(delay));
        } else {
            tracing::debug!(
                request = kind.name(),
                ?delay,
                failures = self.lane_failures,
                "sync loop still failing"
            );
        }
        self.set_lane_timer(now + delay, Lane::SyncCheck);
    }

    /// A 1205 on a lane request: wait `throttle_delay`, then `lane`. Reported once per
    /// streak of 1205s, not once per answer.
    pub(super) fn throttled(&mut self, kind: Endpoint, lane: Lane, now: Instant) {
        let delay = self.config.throttle_delay;
        if self.failure_reported(kind, &ProblemKind::Throttled) {
            self.problem(ProblemKind::Throttled, kind, Some(delay));
        } else {
            tracing::debug!(request = kind.name(), ?delay, "still throttled");
        }
        self.set_lane_timer(now + delay, lane);
    }

    /// Records `problem` as reported in this failure streak; `true` when it is new to the
    /// streak (a storm alternating two failures reports each once, not at every turn).
    pub(super) fn failure_reported(&mut self, kind: Endpoint, problem: &ProblemKind) -> bool {
        if self
            .streak_reported
            .iter()
            .any(|(k, p)| *k == kind && p == problem)
        {
            return false;
        }
        if self.streak_reported.len() >= MAX_STREAK_KINDS {
            self.streak_reported.remove(0);
        }
        self.streak_reported.push((kind, problem.clone()));
        true
    }

    /// A round of the loop completed: the failure streak is over.
    fn round_ok(&mut self) {
        self.lane_failures = 0;
        self.streak_reported.clear();
    }

    /// A round that advanced nothing: wait the idle pace before the next synccheck.
    fn idle_round(&mut self, stall: Stall, kind: Endpoint, now: Instant) {
        let (base, cap) = (self.config.idle_round_pace, self.config.idle_round_cap);
        let pause = self.pacer.idle(stall, base, cap);
        let wait = self.jittered(pause.wait);
        if pause.report {
            self.problem(ProblemKind::Stalled(stall), kind, Some(wait));
        }
        tracing::debug!(
            ?stall,
            ?wait,
            rounds = self.pacer.idle_rounds(),
            "idle sync round"
        );
        self.set_lane_timer(now + wait, Lane::SyncCheck);
    }

    pub(super) fn on_synccheck(&mut self, outcome: Outcome, now: Instant) {
        let first = !std::mem::replace(&mut self.first_synccheck_done, true);
        let held = self.pacer.was_held(now);
        let parsed = outcome
            .body_2xx()
            .and_then(|b| parse_synccheck(&b).map_err(ProblemKind::Malformed));
        let check = match parsed {
            Ok(c) => c,
            Err(p) => return self.sync_failed(Endpoint::SyncCheck, p, now),
        };
        let code = check.retcode;
        match verdict(code) {
            Verdict::Logout(_) if self.verifying => {
                self.resume_failed(ProblemKind::Server(code), Endpoint::SyncCheck, now);
            }
            Verdict::Ok => {
                self.verifying = false;
                if check.selector != 0 {
                    self.send_sync(now);
                } else if held {
                    self.round_ok();
                    self.pacer.progress();
                    self.pacer.healed(Stall::PollNotHeld);
                    self.send_synccheck(now);
                } else {
                    self.round_ok();
                    self.idle_round(Stall::PollNotHeld, Endpoint::SyncCheck, now);
                }
            }
            Verdict::Logout(_)
                if code == RetCode::SessionNotExist
                    && first
                    && !self.push_alternatives.is_empty() =>
            {
                // Historically a wrong webpush host, not a logout: probe the others once.
                self.push_host = self.push_alternatives.remove(0);
                self.first_synccheck_done = false;
                self.problem(ProblemKind::ProbingPushHost, Endpoint::SyncCheck, None);
                self.send_synccheck(now);
            }
            Verdict::Logout(reason) => self.end_session(reason),
            Verdict::Throttled => self.throttled(Endpoint::SyncCheck, Lane::SyncCheck, now),
            Verdict::Failed(code) => {
                self.sync_failed(Endpoint::SyncCheck, ProblemKind::Server(code), now)
            }
        }
    }

    pub(super) fn on_sync(&mut self, outcome: Outcome, now: Instant) {
        let parsed = outcome
            .body_2xx()
            .and_then(|b| parse_sync(&b).map_err(ProblemKind::Malformed));
        let sync = match parsed {
            Ok(s) => s,
            Err(p) => return self.sync_failed(Endpoint::Sync, p, now),
        };
        let code = sync.base_response.ret;
        match verdict(code) {
            Verdict::Ok => {}
            Verdict::Logout(_) if self.verifying => {
                return self.resume_failed(ProblemKind::Server(code), Endpoint::Sync, now);
            }
            Verdict::Logout(reason) => return self.end_session(reason),
            Verdict::Throttled => return self.throttled(Endpoint::Sync, Lane::SyncCheck, now),
            Verdict::Failed(code) => {
                return self.sync_failed(Endpoint::Sync, ProblemKind::Server(code), now);
            }
        }
        self.round_ok();
        let again = sync.continue_flag != 0;
        let news = self.apply_sync(sync, now);
        if self.phase == Phase::LoggedOut {
            return;
        }
        if news {
            self.pacer.progress();
            self.pacer.healed(Stall::EmptySync);
        }
        if !again {
            self.pacer.healed(Stall::ContinueWithoutProgress);
        }
        // Once ContinueFlag has been seen to lie, it is ignored until a webwxsync ends
        // without it: synccheck (which the server answers at once when it has more) then
        // drives the loop, at the cost of one request per batch a healthy server costs too.
        let trusted = !self.pacer.is_reported(Stall::ContinueWithoutProgress);
        if again && trusted {
            if news || self.pacer.empty_continue(self.config.max_empty_continues) {
                return self.send_sync(now);
            }
            return self.idle_round(Stall::ContinueWithoutProgress, Endpoint::Sync, now);
        }
        if again && !news {
            return self.idle_round(Stall::ContinueWithoutProgress, Endpoint::Sync, now);
        }
        if news {
            self.send_synccheck(now);
        } else {
            self.idle_round(Stall::EmptySync, Endpoint::Sync, now);
        }
    }

    /// Applies a parsed webwxsync body in the official client's order: keys, profile,
    /// deletions, changes, then messages. Returns whether it brought anything new (a message
    /// not seen before, a contact or profile change); keys alone do not count, so a server
    /// that moves them without news cannot spin the loop.
    fn apply_sync(&mut self, sync: SyncResponse, now: Instant) -> bool {
        let mut news = false;
        // A re-delivered batch must be recognised whole: remember at least two batches.
        self.seen
            .hold_at_least(sync.add_msg_list.len().saturating_mul(2));
        let mut advanced = false;
        if let Some(k) = sync.sync_key.filter(|k| k.is_usable()) {
            advanced = k != self.sync_key;
            self.sync_key = k;
        }
        if let Some(k) = sync.sync_check_key.filter(|k| k.is_usable()) {
            self.sync_check_key = Some(k);
        }
        if let (Some(skey), Some(creds)) = (sync.skey, self.creds.as_mut())
            && creds.skey != skey
        {
            creds.skey = skey;
            self.snapshot_changed(SnapshotReason::SkeyRotated, now);
        }
        if advanced {
            self.snapshot_changed(SnapshotReason::SyncKey, now);
        }
        if let Some(profile) = sync.profile.filter(|p| p.changed()) {
            // Only what really differs is news (a server may repeat the same profile).
            let mine = self.me.as_ref();
            let nick = (!profile.nick_name.buff.is_empty()
                && mine.is_none_or(|m| m.nick_name != profile.nick_name.buff))
            .then(|| profile.nick_name.buff.clone());
            let head = (profile.head_img_update_flag != 0
                && !profile.head_img_url.is_empty()
                && mine.is_none_or(|m| m.head_img_url != profile.head_img_url))
            .then(|| profile.head_img_url.clone());
            if let Some(me) = self.me.as_mut() {
                if let Some(n) = &nick {
                    me.nick_name = n.clone();
                }
                if let Some(h) = &head {
                    me.head_img_url = h.clone();
                }
            }
            if nick.is_some() || head.is_some() {
                news = true;
                self.events.push_back(Event::ProfileChanged {
                    nick_name: nick,
                    head_img_url: head,
                });
            }
        }
        if !sync.del_contact_list.is_empty() {
            let names: Vec<String> = sync
                .del_contact_list
                .into_iter()
                .map(|d| d.user_name)
                .collect();
            for n in &names {
                news |= self.contacts.remove(n).is_some();
            }
            self.events.push_back(Event::ContactsDeleted(names));
        }
        let mut changed = Vec::new();
        for c in sync.mod_contact_list {
            match c {
                // A contact the server repeats unchanged is no news.
                Ok(c) if self.contacts.get(&c.user_name) == Some(&c) => {}
                Ok(c) => {
                    news = true;
                    self.contacts.insert(c.user_name.clone(), c.clone());
                    changed.push(c);
                }
                Err(e) => self.problem(ProblemKind::MalformedContact(e), Endpoint::Sync, None),
            }
        }
        for e in sync.bad_del_contacts {
            self.problem(ProblemKind::MalformedContact(e), Endpoint::Sync, None);
        }
        if !changed.is_empty() {
            self.events.push_back(Event::ContactsChanged(changed));
        }
        let me = self
            .me
            .as_ref()
            .map(|m| m.user_name.clone())
            .unwrap_or_default();
        for raw in sync.add_msg_list {
            let raw = match raw {
                Ok(raw) => raw,
                Err(e) => {
                    // Sent again (keys that did not advance): reported once, by its MsgId.
                    // Only a new MsgId is news: an element with no readable id cannot be
                    // told from its repetition, so it cannot speed up the loop.
                    let new_id = e.id.as_deref().map(|id| self.seen.insert(id));
                    news |= new_id == Some(true);
                    if new_id != Some(false) {
                        self.problem(ProblemKind::MalformedMessage(e), Endpoint::Sync, None);
                    }
                    continue;
                }
            };
            if !self.seen.insert(&raw.msg_id) {
                // The echo of our own send is news for the loop's pace, not for the user.
                news |= self.seen.take_echo(&raw.msg_id);
                tracing::trace!("re-delivered message dropped");
                continue;
            }
            news = true;
            let history = raw.create_time < self.session_start_s;
            if history && self.config.history == HistoryPolicy::Skip {
                continue;
            }
            let message = model::decode(raw, &me);
            let chat = message.chat.clone();
            self.events.push_back(Event::Message {
                message: Box::new(message),
                history,
            });
            self.learn_unknown_chat(&chat, now);
        }
        news
    }
}
