//! Session start: webwxinit (and re-init after repeated sync failures), webwxstatusnotify
//! Code 3, the contact list by `Seq` paging, and webwxbatchgetcontact for groups whose
//! members are missing and for unknown chats, then the `Ready` event.

use std::time::Instant;

use super::triage::{Verdict, verdict};
use super::{
    Client, ContactsStep, Event, Lane, LogoutReason, Outcome, Phase, ProblemKind, Purpose,
};
use crate::Endpoint;
use crate::build;
use crate::client::event::SnapshotReason;
use crate::error::{ErrorKind, Format, ParseError};
use crate::parse::{Contact, parse_batch_get_contact, parse_get_contact, parse_init};

/// At most this many contact pages are fetched (the official client stops after 16 extra).
const MAX_CONTACT_PAGES: u32 = 64;
/// webwxbatchgetcontact takes at most 50 names per call.
const BATCH_SIZE: usize = 50;
/// A contact-loading step is retried this many times before it is skipped.
const CONTACT_ATTEMPTS: u32 = 3;

impl Client {
    pub(super) fn send_init(&mut self, now: Instant) {
        let (ctx, creds) = self.ctx(now);
        let Some(creds) = creds else { return };
        let req = build::init(&ctx, creds);
        self.send(Endpoint::Init, req, Purpose::Lane, now);
    }

    pub(super) fn on_init(&mut self, outcome: Outcome, now: Instant) {
        let parsed = outcome
            .body_2xx()
            .and_then(|b| parse_init(&b).map_err(ProblemKind::Malformed))
            .and_then(|init| {
                // Without `User` or `SyncKey` there is no session to run, whatever `Ret` says.
                let missing = if init.user.user_name.is_empty() {
                    Some("User")
                } else if !init.sync_key.is_usable() {
                    Some("SyncKey")
                } else {
                    None
                };
                match missing {
                    Some(field) if init.base_response.ret.is_ok() => {
                        Err(ProblemKind::Malformed(ParseError::new(
                            Format::Json(Endpoint::Init),
                            0,
                            ErrorKind::MissingField(field),
                        )))
                    }
                    _ => Ok(init),
                }
            });
        let init = match parsed {
            Ok(init) => {
                let code = init.base_response.ret;
                match verdict(code) {
                    Verdict::Ok => init,
                    // Rate limited: wait it out and ask again; no verdict on the session.
                    Verdict::Throttled => {
                        return self.throttled(Endpoint::Init, Lane::Init, now);
                    }
                    // A restored session the server no longer knows: ask the phone instead.
                    _ if self.resuming => {
                        return self.resume_failed(ProblemKind::Server(code), Endpoint::Init, now);
                    }
                    Verdict::Logout(reason) => return self.end_session(reason),
                    Verdict::Failed(code) => {
                        return self.init_failed(ProblemKind::Server(code), now);
                    }
                }
            }
            Err(ProblemKind::Malformed(e)) if self.resuming => {
                return self.resume_failed(ProblemKind::Malformed(e), Endpoint::Init, now);
            }
            Err(problem) => return self.init_failed(problem, now),
        };
        if !self.reinit {
            // A re-init does not end a failure streak: only a completed sync round does.
            self.lane_failures = 0;
        }
        self.reinit_failures = 0;
        // A re-init or a resume keeps the keys it has synced up to, so nothing that arrived
        // in between is skipped; a new login starts from the server's.
        if init.sync_key.is_usable() && !self.sync_key.is_usable() {
            self.sync_key = init.sync_key.clone();
        }
        if let Some(creds) = self.creds.as_mut()
            && !init.skey.expose().is_empty()
        {
            creds.skey = init.skey.clone();
        }
        if init.user.uin.get() != 0
            && let Some(creds) = self.creds.as_mut()
        {
            creds.uin = init.user.uin;
        }
        for c in &init.contact_list {
            self.contacts.insert(c.user_name.clone(), c.clone());
        }
        for bad in init.bad_contacts.iter().cloned() {
            self.problem(ProblemKind::MalformedContact(bad), Endpoint::Init, None);
        }
        let was_reinit = std::mem::replace(&mut self.reinit, false);
        self.resuming = false;
        self.last_uin = self.creds.as_ref().map(|c| c.uin);
        self.me = Some(init.user.clone());
        if !was_reinit {
            self.phase = Phase::Running;
            // A restored session keeps the start of its first login: what arrived while
            // the process was down is news, not history.
            if self.session_start_s == 0 {
                self.session_start_s = self.wall_ms(now) / 1000;
            }
            self.events.push_back(Event::LoggedIn {
                uin: init.user.uin,
                user_name: init.user.user_name.clone(),
                nick_name: init.user.nick_name.clone(),
            });
            self.snapshot_changed(SnapshotReason::LoggedIn, now);
            // Code 3: the phone shows "web WeChat logged in". Its answer is not awaited.
            let me = init.user.user_name.clone();
            let (ctx, creds) = self.ctx(now);
            if let Some(creds) = creds {
                let req = build::status_notify(&ctx, creds, 3, &me, &me);
                self.send(Endpoint::StatusNotify, req, Purpose::FireAndForget, now);
            }
            self.fire_contacts(ContactsStep::GetContact(0), now);
        }
        self.send_synccheck(now);
    }

    fn init_failed(&mut self, problem: ProblemKind, now: Instant) {
        if self.reinit {
            return self.reinit_failed(problem, now);
        }
        self.reinit_failures += 1;
        if self.reinit_failures >= self.config.max_reinit_failures {
            if self.resuming {
                self.reinit_failures = 0;
                return self.resume_failed(problem, Endpoint::Init, now);
            }
            self.problem(problem, Endpoint::Init, None);
            return self.end_session(LogoutReason::InitFailed);
        }
        self.retry_lane(Endpoint::Init, problem, Lane::Init, now);
    }

    /// A re-init failed: the sync loop goes on at its back-off (the next re-init comes no
    /// sooner than `reinit_min_interval`). Only a server that keeps refusing it with a code
    /// ends the session; transport faults and HTTP statuses only delay.
    fn reinit_failed(&mut self, problem: ProblemKind, now: Instant) {
        self.reinit = false;
        if let ProblemKind::Server(_) = problem {
            self.reinit_failures += 1;
            if self.reinit_failures >= self.config.max_reinit_failures {
                self.problem(problem, Endpoint::Init, None);
                return self.end_session(LogoutReason::InitFailed);
            }
        }
        self.lane_failures = self.lane_failures.saturating_add(1);
        let delay = self.backoff(self.lane_failures);
        if self.failure_reported(Endpoint::Init, &problem) {
            self.problem(problem, Endpoint::Init, Some(delay));
        }
        self.set_lane_timer(now + delay, Lane::SyncCheck);
    }

    /// Re-runs webwxinit with the current credentials after repeated sync failures.
    pub(super) fn start_reinit(&mut self, now: Instant) {
        self.reinit = true;
        self.problem(ProblemKind::Reinitialising, Endpoint::Init, None);
        self.send_init(now);
    }

    pub(super) fn fire_contacts(&mut self, step: ContactsStep, now: Instant) {
        if self.phase == Phase::LoggedOut {
            return;
        }
        let (ctx, creds) = self.ctx(now);
        let Some(creds) = creds else { return };
        match step {
            ContactsStep::GetContact(seq) => {
                let req = build::get_contact(&ctx, creds, seq);
                self.send(Endpoint::GetContact, req, Purpose::Contacts, now);
            }
            ContactsStep::Batch => {
                let n = self.batch_queue.len().min(BATCH_SIZE);
                if n == 0 {
                    return self.contacts_loaded();
                }
                let names: Vec<String> = self.batch_queue.iter().take(n).cloned().collect();
                let req = build::batch_get_contact(&ctx, creds, &names);
                self.send(Endpoint::BatchGetContact, req, Purpose::Contacts, now);
            }
        }
    }

    pub(super) fn on_contacts(&mut self, kind: Endpoint, outcome: Outcome, now: Instant) {
        let body = outcome.body_2xx();
        match kind {
            Endpoint::GetContact => {
                let page = body.and_then(|b| parse_get_contact(&b).map_err(ProblemKind::Malformed));
                match page.map(|p| (verdict(p.base_response.ret), p)) {
                    Ok((Verdict::Ok, page)) => {
                        self.contacts_failures = 0;
                        self.contact_pages += 1;
                        for c in page.member_list {
                            self.contacts.insert(c.user_name.clone(), c);
                        }
                        for bad in page.bad_contacts {
                            self.problem(ProblemKind::MalformedContact(bad), kind, None);
                        }
                        let more = page.seq != 0
                            && self.contact_seqs.insert(page.seq)
                            && self.contact_pages < MAX_CONTACT_PAGES;
                        if more {
                            self.fire_contacts(ContactsStep::GetContact(page.seq), now);
                        } else {
                            self.queue_groups_without_members();
                            self.fire_contacts(ContactsStep::Batch, now);
                        }
                    }
                    Ok((Verdict::Logout(reason), _)) => self.end_session(reason),
                    Ok((_, page)) => {
                        let step = ContactsStep::GetContact(self.last_contact_seq());
                        self.contacts_retry(
                            kind,
                            ProblemKind::Server(page.base_response.ret),
                            step,
                            now,
                        );
                    }
                    Err(p) => {
                        let step = ContactsStep::GetContact(self.last_contact_seq());
                        self.contacts_retry(kind, p, step, now);
                    }
                }
            }
            Endpoint::BatchGetContact => {
                let parsed =
                    body.and_then(|b| parse_batch_get_contact(&b).map_err(ProblemKind::Malformed));
                match parsed.map(|r| (verdict(r.base_response.ret), r)) {
                    Ok((Verdict::Ok, r)) => {
                        self.contacts_failures = 0;
                        let n = self.batch_queue.len().min(BATCH_SIZE);
                        self.batch_queue.drain(..n);
                        for bad in r.bad_contacts {
                            self.problem(ProblemKind::MalformedContact(bad), kind, None);
                        }
                        let changed: Vec<Contact> = r.contact_list;
                        for c in &changed {
                            self.contacts.insert(c.user_name.clone(), c.clone());
                        }
                        if self.ready_sent && !changed.is_empty() {
                            self.events.push_back(Event::ContactsChanged(changed));
                        }
                        self.fire_contacts(ContactsStep::Batch, now);
                    }
                    Ok((Verdict::Logout(reason), _)) => self.end_session(reason),
                    Ok((_, r)) => self.contacts_retry(
                        kind,
                        ProblemKind::Server(r.base_response.ret),
                        ContactsStep::Batch,
                        now,
                    ),
                    Err(p) => self.contacts_retry(kind, p, ContactsStep::Batch, now),
                }
            }
            _ => {}
        }
    }

    fn last_contact_seq(&self) -> u64 {
        self.contact_seqs.last().copied().unwrap_or(0)
    }

    fn contacts_retry(
        &mut self,
        kind: Endpoint,
        problem: ProblemKind,
        step: ContactsStep,
        now: Instant,
    ) {
        self.contacts_failures += 1;
        if self.contacts_failures >= CONTACT_ATTEMPTS {
            // Give up on this step: what is known so far is kept.
            self.problem(problem, kind, None);
            self.contacts_failures = 0;
            if step == ContactsStep::Batch {
                let n = self.batch_queue.len().min(BATCH_SIZE);
                self.batch_queue.drain(..n);
                return self.fire_contacts(ContactsStep::Batch, now);
            }
            self.queue_groups_without_members();
            return self.fire_contacts(ContactsStep::Batch, now);
        }
        let delay = self.backoff(self.contacts_failures);
        self.problem(problem, kind, Some(delay));
        self.timers.set_contacts(now + delay, step);
    }

    fn queue_groups_without_members(&mut self) {
        let missing: Vec<String> = self
            .contacts
            .values()
            .filter(|c| c.is_group() && c.member_list.is_empty())
            .map(|c| c.user_name.clone())
            .collect();
        for name in missing {
            if !self.batch_queue.contains(&name) {
                self.batch_queue.push_back(name);
            }
        }
    }

    fn contacts_loaded(&mut self) {
        if self.ready_sent {
            return;
        }
        self.ready_sent = true;
        let groups = self.contacts.values().filter(|c| c.is_group()).count();
        self.events.push_back(Event::Ready {
            contacts: self.contacts.len(),
            groups,
        });
    }

    /// Queues a batch fetch of a chat the client does not know yet (a message from a new
    /// group or stranger).
    pub(super) fn learn_unknown_chat(&mut self, name: &str, now: Instant) {
        let special = !name.starts_with('@');
        if special
            || name.is_empty()
            || self.contacts.contains_key(name)
            || self.batch_queue.iter().any(|n| n == name)
        {
            return;
        }
        self.batch_queue.push_back(name.to_owned());
        let idle = self.ready_sent
            && !self.timers.contacts_waiting()
            && !self
                .pending
                .values()
                .any(|p| p.purpose == Purpose::Contacts);
        if idle {
            self.fire_contacts(ContactsStep::Batch, now);
        }
    }
}
