//! The contact loader: the contact list by `Seq` paging (webwxgetcontact), then
//! webwxbatchgetcontact for groups whose members are missing and for chats first seen in a
//! message, then the `Ready` event. Its state ([`ContactLoader`]) lives in the session; its
//! steps have the shape of an op's: `start`, `on_response`, `on_timer`.

use std::collections::{BTreeSet, VecDeque};
use std::time::Instant;

use super::book_updates::{AskedMembers, upsert_changed};
use super::core::{Core, Outcome};
use super::session::{Next, Session};
use super::triage::{Verdict, verdict};
use super::{ContactsStep, Event, Phase, ProblemKind, Purpose};
use crate::Endpoint;
use crate::build;
use crate::model::Contact;
use crate::parse::{parse_batch_get_contact, parse_get_contact};

/// At most this many contact pages are fetched (the official client stops after 16 extra).
const MAX_CONTACT_PAGES: u32 = 64;
/// webwxbatchgetcontact takes at most 50 names per call.
const BATCH_SIZE: usize = 50;
/// A contact-loading step is retried this many times before it is skipped.
const CONTACT_ATTEMPTS: u32 = 3;

/// Where the loading is.
#[derive(Debug, Default)]
pub(super) struct ContactLoader {
    /// The `Seq` values seen (a server that repeats one ends the paging).
    seqs: BTreeSet<u64>,
    pages: u32,
    /// Failures of the current step in a row.
    failures: u32,
    /// Names to fetch with webwxbatchgetcontact.
    queue: VecDeque<String>,
    /// `Ready` was emitted.
    ready_sent: bool,
    /// Group members asked about (fetched once when a message came from them).
    pub(super) asked: AskedMembers,
}

impl ContactLoader {
    fn last_seq(&self) -> u64 {
        self.seqs.last().copied().unwrap_or(0)
    }

    /// Forgets the batch just answered (or given up on).
    fn drop_batch(&mut self) {
        let n = self.queue.len().min(BATCH_SIZE);
        self.queue.drain(..n);
    }
}

impl Session {
    /// Starts loading: the first contact page.
    pub(super) fn start_contacts(&mut self, core: &mut Core, now: Instant) {
        self.fire_contacts(core, ContactsStep::GetContact(0), now);
    }

    /// A retry the loader asked for is due.
    pub(super) fn on_contacts_timer(&mut self, core: &mut Core, step: ContactsStep, now: Instant) {
        self.fire_contacts(core, step, now);
    }

    fn fire_contacts(&mut self, core: &mut Core, step: ContactsStep, now: Instant) {
        if core.phase == Phase::LoggedOut {
            return;
        }
        match step {
            ContactsStep::GetContact(seq) => {
                let req = build::get_contact(&core.ctx(now), &self.creds, seq);
                core.send(Endpoint::GetContact, req, Purpose::Contacts, now);
            }
            ContactsStep::Batch => {
                let n = self.loader.queue.len().min(BATCH_SIZE);
                if n == 0 {
                    return self.contacts_loaded(core);
                }
                let names: Vec<String> = self.loader.queue.iter().take(n).cloned().collect();
                let req = build::batch_get_contact(&core.ctx(now), &self.creds, &names);
                core.send(Endpoint::BatchGetContact, req, Purpose::Contacts, now);
            }
        }
    }

    /// The answer to a loader request.
    pub(super) fn on_contacts(
        &mut self,
        core: &mut Core,
        kind: Endpoint,
        outcome: Outcome,
        now: Instant,
    ) -> Next {
        let body = outcome.body_2xx();
        match kind {
            Endpoint::GetContact => {
                let page = body.and_then(|b| parse_get_contact(&b).map_err(ProblemKind::Malformed));
                match page.map(|p| (verdict(p.base_response.ret), p)) {
                    Ok((Verdict::Ok, page)) => {
                        self.loader.failures = 0;
                        self.loader.pages += 1;
                        for c in page.member_list {
                            self.book.upsert(Contact::from(c));
                        }
                        for bad in page.bad_contacts {
                            core.problem(ProblemKind::MalformedContact(bad), kind, None);
                        }
                        let more = page.seq != 0
                            && self.loader.seqs.insert(page.seq)
                            && self.loader.pages < MAX_CONTACT_PAGES;
                        if more {
                            self.fire_contacts(core, ContactsStep::GetContact(page.seq), now);
                        } else {
                            self.queue_groups_without_members();
                            self.fire_contacts(core, ContactsStep::Batch, now);
                        }
                    }
                    Ok((Verdict::Logout(reason), _)) => return Next::End(reason),
                    Ok((_, page)) => {
                        let step = ContactsStep::GetContact(self.loader.last_seq());
                        let problem = ProblemKind::Server(page.base_response.ret);
                        self.contacts_retry(core, kind, problem, step, now);
                    }
                    Err(p) => {
                        let step = ContactsStep::GetContact(self.loader.last_seq());
                        self.contacts_retry(core, kind, p, step, now);
                    }
                }
            }
            Endpoint::BatchGetContact => {
                let parsed =
                    body.and_then(|b| parse_batch_get_contact(&b).map_err(ProblemKind::Malformed));
                match parsed.map(|r| (verdict(r.base_response.ret), r)) {
                    Ok((Verdict::Ok, r)) => {
                        self.loader.failures = 0;
                        self.loader.drop_batch();
                        for bad in r.bad_contacts {
                            core.problem(ProblemKind::MalformedContact(bad), kind, None);
                        }
                        let changed: Vec<Contact> = r
                            .contact_list
                            .into_iter()
                            .filter_map(|c| upsert_changed(&mut self.book, Contact::from(c)))
                            .collect();
                        if self.loader.ready_sent && !changed.is_empty() {
                            core.emit(Event::ContactsChanged(changed));
                        }
                        self.fire_contacts(core, ContactsStep::Batch, now);
                    }
                    Ok((Verdict::Logout(reason), _)) => return Next::End(reason),
                    Ok((_, r)) => {
                        let problem = ProblemKind::Server(r.base_response.ret);
                        self.contacts_retry(core, kind, problem, ContactsStep::Batch, now);
                    }
                    Err(p) => self.contacts_retry(core, kind, p, ContactsStep::Batch, now),
                }
            }
            _ => {}
        }
        Next::Go
    }

    fn contacts_retry(
        &mut self,
        core: &mut Core,
        kind: Endpoint,
        problem: ProblemKind,
        step: ContactsStep,
        now: Instant,
    ) {
        self.loader.failures += 1;
        if self.loader.failures >= CONTACT_ATTEMPTS {
            // Give up on this step: what is known so far is kept.
            core.problem(problem, kind, None);
            self.loader.failures = 0;
            if step == ContactsStep::Batch {
                self.loader.drop_batch();
                return self.fire_contacts(core, ContactsStep::Batch, now);
            }
            self.queue_groups_without_members();
            return self.fire_contacts(core, ContactsStep::Batch, now);
        }
        let delay = core.backoff(self.loader.failures);
        core.problem(problem, kind, Some(delay));
        core.timers.set_contacts(now + delay, step);
    }

    fn queue_groups_without_members(&mut self) {
        // No members, or fewer than the count says (the real webwxinit lists a 14-member
        // group with one member).
        let missing: Vec<String> = self
            .book
            .groups()
            .filter(|c| c.group.members.is_empty() || self.book.members_incomplete(&c.user_name))
            .map(|c| c.user_name.clone())
            .collect();
        for name in missing {
            if !self.loader.queue.contains(&name) {
                self.loader.queue.push_back(name);
            }
        }
    }

    fn contacts_loaded(&mut self, core: &mut Core) {
        if self.loader.ready_sent {
            return;
        }
        self.loader.ready_sent = true;
        let groups = self.book.groups().count();
        core.emit(Event::Ready {
            contacts: self.book.len(),
            groups,
        });
    }

    /// Queues a batch fetch of a chat the client does not know yet (a message from a new
    /// group or stranger).
    pub(super) fn learn_unknown_chat(&mut self, core: &mut Core, name: &str, now: Instant) {
        if self.book.get(name).is_some() {
            return;
        }
        self.refresh_contact(core, name, now);
    }

    /// Queues a batch fetch of a chat, known or not (a group whose members changed, a new
    /// friend).
    pub(super) fn refresh_contact(&mut self, core: &mut Core, name: &str, now: Instant) {
        let special = !name.starts_with('@');
        if special || name.is_empty() || self.loader.queue.iter().any(|n| n == name) {
            return;
        }
        self.loader.queue.push_back(name.to_owned());
        let idle = self.loader.ready_sent
            && !core.timers.contacts_waiting()
            && !core.flight.any(Purpose::Contacts);
        if idle {
            self.fire_contacts(core, ContactsStep::Batch, now);
        }
    }
}
