//! The sync loop: synccheck (long poll) → webwxsync when the selector is non-zero → apply
//! (profile, deleted and changed contacts, messages) → synccheck. Keys advance only when a
//! webwxsync body parses; messages are de-duplicated by MsgId. The loop's state lives in
//! the [`Session`]; its flows send through the [`Core`] and answer with [`Next`].

use std::time::Instant;

use super::book_updates::ContactChanges;
use super::core::{Core, Outcome};
use super::session::{Next, Session};
use super::triage::{Verdict, verdict};
use super::{Event, Lane, Phase, ProblemKind, Purpose, Stall};
use crate::Endpoint;
use crate::build;
use crate::client::config::HistoryPolicy;
use crate::client::event::SnapshotReason;
use crate::model::{self, decode_display_text};
use crate::parse::{SyncResponse, parse_sync, parse_synccheck};
use crate::ret_code::RetCode;

impl Session {
    pub(super) fn send_synccheck(&mut self, core: &mut Core, now: Instant) {
        if core.phase == Phase::LoggedOut {
            return;
        }
        let key = match &self.keys.check {
            Some(k) if k.is_usable() => k,
            _ => &self.keys.sync,
        };
        let req = build::synccheck(&core.ctx(now), &self.push.host, &self.creds, key);
        core.send(Endpoint::SyncCheck, req, Purpose::Lane, now);
        self.sync.pacer.poll_sent(now);
    }

    /// Sends webwxsync, unless the application has not drained its events: then the
    /// call waits (`parked`) until `poll_event` has taken half of them.
    pub(super) fn send_sync(&mut self, core: &mut Core, now: Instant) {
        if core.events.len() >= core.config.max_undelivered_events.max(1) {
            tracing::debug!(
                queued = core.events.len(),
                "webwxsync waits for the events to drain"
            );
            self.sync.parked = true;
            return;
        }
        let req = build::sync(&core.ctx(now), &self.creds, &self.keys.sync);
        core.send(Endpoint::Sync, req, Purpose::Lane, now);
    }

    /// Resumes a webwxsync that waited for the events to drain.
    pub(super) fn unpark_sync(&mut self, core: &mut Core) {
        if self.sync.parked
            && core.events.len() <= core.config.max_undelivered_events / 2
            && core.phase == Phase::Running
        {
            self.sync.parked = false;
            let now = core.last_now();
            self.send_sync(core, now);
        }
    }

    /// One more consecutive failure of the sync loop: back off (to the cap, with jitter),
    /// and re-init only once the delay has reached the cap, at most once per
    /// `reinit_min_interval`. The same problem is reported once per streak.
    fn sync_failed(&mut self, core: &mut Core, kind: Endpoint, problem: ProblemKind, now: Instant) {
        core.lane.failures = core.lane.failures.saturating_add(1);
        let failures = core.lane.failures;
        let at_cap = core.backoff_at_cap(failures);
        let reinit_due = at_cap
            && failures >= core.config.reinit_after_failures.max(1)
            && self.sync.last_reinit.is_none_or(|t| {
                now.saturating_duration_since(t) >= core.config.reinit_min_interval
            });
        if reinit_due {
            self.sync.last_reinit = Some(now);
            if core.lane.first_report(kind, &problem) {
                core.problem(problem, kind, None);
            }
            return self.start_reinit(core, now);
        }
        let delay = core.backoff(failures);
        if core.lane.first_report(kind, &problem) {
            core.problem(problem, kind, Some(delay));
        } else {
            tracing::debug!(
                request = kind.name(),
                ?delay,
                failures,
                "sync loop still failing"
            );
        }
        core.set_lane_timer(now + delay, Lane::SyncCheck);
    }

    /// A round that advanced nothing: wait the idle pace before the next synccheck.
    fn idle_round(&mut self, core: &mut Core, stall: Stall, kind: Endpoint, now: Instant) {
        let (base, cap) = (core.config.idle_round_pace, core.config.idle_round_cap);
        let pause = self.sync.pacer.idle(stall, base, cap);
        let wait = core.jittered(pause.wait);
        if pause.report {
            core.problem(ProblemKind::Stalled(stall), kind, Some(wait));
        }
        tracing::debug!(
            ?stall,
            ?wait,
            rounds = self.sync.pacer.idle_rounds(),
            "idle sync round"
        );
        core.set_lane_timer(now + wait, Lane::SyncCheck);
    }

    pub(super) fn on_synccheck(&mut self, core: &mut Core, outcome: Outcome, now: Instant) -> Next {
        let first = !std::mem::replace(&mut self.push.first_synccheck_done, true);
        let held = self.sync.pacer.was_held(now);
        let parsed = outcome
            .body_2xx()
            .and_then(|b| parse_synccheck(&b).map_err(ProblemKind::Malformed));
        let check = match parsed {
            Ok(c) => c,
            Err(p) => {
                self.sync_failed(core, Endpoint::SyncCheck, p, now);
                return Next::Go;
            }
        };
        let code = check.retcode;
        match verdict(code) {
            Verdict::Logout(_) if self.verifying => {
                return Next::ResumeFailed(ProblemKind::Server(code), Endpoint::SyncCheck);
            }
            Verdict::Ok => {
                self.verifying = false;
                if check.selector != 0 {
                    self.send_sync(core, now);
                } else if held {
                    core.lane.ok();
                    self.sync.pacer.progress();
                    self.sync.pacer.healed(Stall::PollNotHeld);
                    self.send_synccheck(core, now);
                } else {
                    core.lane.ok();
                    self.idle_round(core, Stall::PollNotHeld, Endpoint::SyncCheck, now);
                }
            }
            Verdict::Logout(_)
                if code == RetCode::SessionNotExist
                    && first
                    && !self.push.alternatives.is_empty() =>
            {
                // Historically a wrong webpush host, not a logout: probe the others once.
                self.push.host = self.push.alternatives.remove(0);
                self.push.first_synccheck_done = false;
                core.problem(ProblemKind::ProbingPushHost, Endpoint::SyncCheck, None);
                self.send_synccheck(core, now);
            }
            Verdict::Logout(reason) => return Next::End(reason),
            Verdict::Throttled => core.throttled(Endpoint::SyncCheck, Lane::SyncCheck, now),
            Verdict::Failed(code) => {
                self.sync_failed(core, Endpoint::SyncCheck, ProblemKind::Server(code), now)
            }
        }
        Next::Go
    }

    pub(super) fn on_sync(&mut self, core: &mut Core, outcome: Outcome, now: Instant) -> Next {
        let parsed = outcome
            .body_2xx()
            .and_then(|b| parse_sync(&b).map_err(ProblemKind::Malformed));
        let sync = match parsed {
            Ok(s) => s,
            Err(p) => {
                self.sync_failed(core, Endpoint::Sync, p, now);
                return Next::Go;
            }
        };
        let code = sync.base_response.ret;
        match verdict(code) {
            Verdict::Ok => {}
            Verdict::Logout(_) if self.verifying => {
                return Next::ResumeFailed(ProblemKind::Server(code), Endpoint::Sync);
            }
            Verdict::Logout(reason) => return Next::End(reason),
            Verdict::Throttled => {
                core.throttled(Endpoint::Sync, Lane::SyncCheck, now);
                return Next::Go;
            }
            Verdict::Failed(code) => {
                self.sync_failed(core, Endpoint::Sync, ProblemKind::Server(code), now);
                return Next::Go;
            }
        }
        core.lane.ok();
        let again = sync.continue_flag != 0;
        let news = self.apply_sync(core, sync, now);
        if core.phase == Phase::LoggedOut {
            return Next::Go;
        }
        let pacer = &mut self.sync.pacer;
        if news {
            pacer.progress();
            pacer.healed(Stall::EmptySync);
        }
        if !again {
            pacer.healed(Stall::ContinueWithoutProgress);
        }
        // Once ContinueFlag has been seen to lie, it is ignored until a webwxsync ends
        // without it: synccheck (which the server answers at once when it has more) then
        // drives the loop, at the cost of one request per batch a healthy server costs too.
        let trusted = !pacer.is_reported(Stall::ContinueWithoutProgress);
        if again && trusted {
            if news || pacer.empty_continue(core.config.max_empty_continues) {
                self.send_sync(core, now);
            } else {
                self.idle_round(core, Stall::ContinueWithoutProgress, Endpoint::Sync, now);
            }
        } else if again && !news {
            self.idle_round(core, Stall::ContinueWithoutProgress, Endpoint::Sync, now);
        } else if news {
            self.send_synccheck(core, now);
        } else {
            self.idle_round(core, Stall::EmptySync, Endpoint::Sync, now);
        }
        Next::Go
    }

    /// Applies a parsed webwxsync body in the official client's order: keys, profile,
    /// deletions, changes, then messages. Returns whether it brought anything new (a message
    /// not seen before, a contact or profile change); keys alone do not count, so a server
    /// that moves them without news cannot spin the loop.
    fn apply_sync(&mut self, core: &mut Core, sync: SyncResponse, now: Instant) -> bool {
        let mut news = false;
        // A re-delivered batch must be recognised whole: remember at least two batches.
        core.account
            .seen
            .hold_at_least(sync.add_msg_list.len().saturating_mul(2));
        let mut advanced = false;
        if let Some(k) = sync.sync_key.filter(|k| k.is_usable()) {
            advanced = k != self.keys.sync;
            self.keys.sync = k;
        }
        if let Some(k) = sync.sync_check_key.filter(|k| k.is_usable()) {
            self.keys.check = Some(k);
        }
        if let Some(skey) = sync.skey
            && self.creds.skey != skey
        {
            self.creds.skey = skey;
            core.snapshot_changed(SnapshotReason::SkeyRotated, now);
        }
        if advanced {
            core.snapshot_changed(SnapshotReason::SyncKey, now);
        }
        if let Some(profile) = sync.profile.filter(|p| p.changed()) {
            // Only what really differs is news (a server may repeat the same profile).
            let mine = self.me.as_ref();
            let new_nick = decode_display_text(&profile.nick_name.buff);
            let nick = (!new_nick.is_empty() && mine.is_none_or(|m| m.nick_name != new_nick))
                .then(|| new_nick.into_owned());
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
                core.emit(Event::ProfileChanged {
                    nick_name: nick,
                    head_img_url: head,
                });
            }
        }
        let changes = ContactChanges {
            deleted: sync.del_contact_list,
            bad_deleted: sync.bad_del_contacts,
            changed: sync.mod_contact_list,
            members_changed: sync.mod_chat_room_member_list,
        };
        news |= self.apply_contact_changes(core, changes, now);
        let me = self.me_name().to_owned();
        for raw in sync.add_msg_list {
            let raw = match raw {
                Ok(raw) => raw,
                Err(e) => {
                    // Sent again (keys that did not advance): reported once, by its MsgId.
                    // Only a new MsgId is news: an element with no readable id cannot be
                    // told from its repetition, so it cannot speed up the loop.
                    let new_id = e.id.as_deref().map(|id| core.account.seen.insert(id));
                    news |= new_id == Some(true);
                    if new_id != Some(false) {
                        core.problem(ProblemKind::MalformedMessage(e), Endpoint::Sync, None);
                    }
                    continue;
                }
            };
            if !core.account.seen.insert(&raw.msg_id) {
                // The echo of our own send is news for the loop's pace, not for the user.
                news |= core.account.seen.take_echo(&raw.msg_id);
                tracing::trace!("re-delivered message dropped");
                continue;
            }
            news = true;
            let history = raw.create_time < self.start_s;
            if history && core.config.history == HistoryPolicy::Skip {
                continue;
            }
            let message = model::decode(raw, &me);
            self.learn_from_message(core, &message, now);
            core.emit(Event::Message {
                message: Box::new(message),
                history,
            });
        }
        news
    }
}
