//! The sync loop: synccheck (long poll) → webwxsync when the selector is non-zero → apply
//! (profile, deleted and changed contacts, messages) → synccheck. Keys advance only when a
//! webwxsync body parses; messages are de-duplicated by MsgId.

use std::time::Instant;

use super::{Client, Event, Lane, LogoutReason, Outcome, Phase, ProblemKind, Purpose};
use crate::build;
use crate::client::config::HistoryPolicy;
use crate::client::event::SnapshotReason;
use crate::client::request::RequestKind;
use crate::model;
use crate::parse::{SyncResponse, parse_sync, parse_synccheck};
use crate::ret_code::RetCode;

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
        self.send(RequestKind::SyncCheck, req, Purpose::Lane, now);
    }

    pub(super) fn send_sync(&mut self, now: Instant) {
        let key = self.sync_key.clone();
        let (ctx, creds) = self.ctx(now);
        let Some(creds) = creds else { return };
        let req = build::sync(&ctx, creds, &key);
        self.send(RequestKind::Sync, req, Purpose::Lane, now);
    }

    /// One more consecutive sync failure: back off, and re-init after every
    /// `reinit_after_failures` of them.
    fn sync_failed(&mut self, kind: RequestKind, problem: ProblemKind, now: Instant) {
        self.lane_failures += 1;
        if self
            .lane_failures
            .is_multiple_of(self.config.reinit_after_failures.max(1))
        {
            self.problem(problem, kind, None);
            return self.start_reinit(now);
        }
        let delay = self.backoff(self.lane_failures);
        self.problem(problem, kind, Some(delay));
        self.set_lane_timer(now + delay, Lane::SyncCheck);
    }

    pub(super) fn on_synccheck(&mut self, outcome: Outcome, now: Instant) {
        let first = !std::mem::replace(&mut self.first_synccheck_done, true);
        let parsed = outcome
            .body_2xx()
            .and_then(|b| parse_synccheck(&b).map_err(ProblemKind::Malformed));
        let check = match parsed {
            Ok(c) => c,
            Err(p) => return self.sync_failed(RequestKind::SyncCheck, p, now),
        };
        match check.retcode {
            code if self.verifying && code.is_logout() => {
                self.resume_failed(ProblemKind::Server(code), RequestKind::SyncCheck, now);
            }
            RetCode::Ok => {
                self.lane_failures = 0;
                self.verifying = false;
                if check.selector == 0 {
                    self.send_synccheck(now);
                } else {
                    self.send_sync(now);
                }
            }
            RetCode::SessionNotExist if first && !self.push_alternatives.is_empty() => {
                // Historically a wrong webpush host, not a logout: probe the others once.
                self.push_host = self.push_alternatives.remove(0);
                self.first_synccheck_done = false;
                self.problem(ProblemKind::ProbingPushHost, RequestKind::SyncCheck, None);
                self.send_synccheck(now);
            }
            code if code.is_logout() => self.end_session(LogoutReason::from_code(code)),
            RetCode::Throttled => {
                let delay = self.config.throttle_delay;
                self.problem(ProblemKind::Throttled, RequestKind::SyncCheck, Some(delay));
                self.set_lane_timer(now + delay, Lane::SyncCheck);
            }
            code => self.sync_failed(RequestKind::SyncCheck, ProblemKind::Server(code), now),
        }
    }

    pub(super) fn on_sync(&mut self, outcome: Outcome, now: Instant) {
        let parsed = outcome
            .body_2xx()
            .and_then(|b| parse_sync(&b).map_err(ProblemKind::Malformed));
        let sync = match parsed {
            Ok(s) => s,
            Err(p) => return self.sync_failed(RequestKind::Sync, p, now),
        };
        match sync.base_response.ret {
            RetCode::Ok => {}
            code if self.verifying && code.is_logout() => {
                return self.resume_failed(ProblemKind::Server(code), RequestKind::Sync, now);
            }
            code if code.is_logout() => return self.end_session(LogoutReason::from_code(code)),
            RetCode::Throttled => {
                let delay = self.config.throttle_delay;
                self.problem(ProblemKind::Throttled, RequestKind::Sync, Some(delay));
                return self.set_lane_timer(now + delay, Lane::SyncCheck);
            }
            code => return self.sync_failed(RequestKind::Sync, ProblemKind::Server(code), now),
        }
        self.lane_failures = 0;
        let again = sync.continue_flag != 0;
        self.apply_sync(sync, now);
        if self.phase == Phase::LoggedOut {
            return;
        }
        if again {
            self.send_sync(now);
        } else {
            self.send_synccheck(now);
        }
    }

    /// Applies a parsed webwxsync body in the official client's order: keys, profile,
    /// deletions, changes, then messages.
    fn apply_sync(&mut self, sync: SyncResponse, now: Instant) {
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
            let nick = (!profile.nick_name.buff.is_empty()).then(|| profile.nick_name.buff.clone());
            let head = (profile.head_img_update_flag != 0 && !profile.head_img_url.is_empty())
                .then(|| profile.head_img_url.clone());
            if let Some(me) = self.me.as_mut() {
                if let Some(n) = &nick {
                    me.nick_name = n.clone();
                }
                if let Some(h) = &head {
                    me.head_img_url = h.clone();
                }
            }
            self.events.push_back(Event::ProfileChanged {
                nick_name: nick,
                head_img_url: head,
            });
        }
        if !sync.del_contact_list.is_empty() {
            let names: Vec<String> = sync
                .del_contact_list
                .into_iter()
                .map(|d| d.user_name)
                .collect();
            for n in &names {
                self.contacts.remove(n);
            }
            self.events.push_back(Event::ContactsDeleted(names));
        }
        let mut changed = Vec::new();
        for c in sync.mod_contact_list {
            match c {
                Ok(c) => {
                    self.contacts.insert(c.user_name.clone(), c.clone());
                    changed.push(c);
                }
                Err(e) => self.problem(
                    ProblemKind::MalformedMessage(e.error),
                    RequestKind::Sync,
                    None,
                ),
            }
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
                    self.problem(
                        ProblemKind::MalformedMessage(e.error),
                        RequestKind::Sync,
                        None,
                    );
                    continue;
                }
            };
            if !self.seen.insert(&raw.msg_id) {
                tracing::trace!("re-delivered message dropped");
                continue;
            }
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
    }
}
