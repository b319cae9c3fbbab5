//! What webwxsync teaches the contact book, and what the book then wants fetched: deleted,
//! changed and member-changed contacts (`DelContactList`, `ModContactList`,
//! `ModChatRoomMemberList`), and from each message: the recent-chat list (MsgType 51 code
//! 4, with its stable names), a chat not known yet, a group member not known yet. Fetches go
//! through the contact loader's queue (`contacts.rs`), which de-duplicates them; a member
//! is asked about once per session, so a server that never lists them cannot make the
//! client ask again and again.

use std::collections::BTreeSet;
use std::time::Instant;

use super::Event;
use super::ProblemKind;
use super::core::Core;
use super::event::SnapshotReason;
use super::session::Session;
use crate::Endpoint;
use crate::model::{Contact, ContactBook, Message, MessageKind, Upsert};
use crate::parse::{BadElement, Contact as WireContact, DelContact};

/// At most this many unknown chats of one recent-chat list are fetched (a hostile list
/// cannot make the client fetch without bound; the official client fetches them all).
const MAX_RECENT_FETCHES: usize = 500;
/// At most this many (group, member) pairs are remembered as asked about; past it the
/// memory starts again (one more fetch per pair at worst).
const MAX_ASKED_MEMBERS: usize = 4096;

/// The members already asked about, by (group, member).
#[derive(Debug, Default)]
pub(super) struct AskedMembers(BTreeSet<(String, String)>);

impl AskedMembers {
    /// `true` the first time a pair is seen.
    fn first_time(&mut self, group: &str, member: &str) -> bool {
        if self.0.len() >= MAX_ASKED_MEMBERS {
            self.0.clear();
        }
        self.0.insert((group.to_owned(), member.to_owned()))
    }
}

/// Upserts `c` into `book`; the merged contact, when the upsert changed anything (what
/// `ContactsChanged` carries).
pub(super) fn upsert_changed(book: &mut ContactBook, c: Contact) -> Option<Contact> {
    let name = c.user_name.clone();
    if book.upsert(c) == Upsert::Unchanged {
        return None;
    }
    book.get(&name).cloned()
}

/// The contact lists of one webwxsync answer.
pub(super) struct ContactChanges {
    pub(super) deleted: Vec<DelContact>,
    pub(super) bad_deleted: Vec<BadElement>,
    pub(super) changed: Vec<Result<WireContact, BadElement>>,
    pub(super) members_changed: Vec<Result<WireContact, BadElement>>,
}

impl Session {
    /// Applies one answer's contact lists (deletions, then changes, then member changes)
    /// and emits `ContactsDeleted` / `ContactsChanged`. Returns whether anything changed.
    pub(super) fn apply_contact_changes(
        &mut self,
        core: &mut Core,
        changes: ContactChanges,
        now: Instant,
    ) -> bool {
        let mut news = false;
        if !changes.deleted.is_empty() {
            let names: Vec<String> = changes.deleted.into_iter().map(|d| d.user_name).collect();
            for n in &names {
                news |= self.book.remove(n).is_some();
            }
            core.emit(Event::ContactsDeleted(names));
        }
        for e in changes.bad_deleted {
            core.problem(ProblemKind::MalformedContact(e), Endpoint::Sync, None);
        }
        let mut changed: Vec<Contact> = Vec::new();
        for c in changes.changed {
            match c.map(Contact::from) {
                Ok(c) => {
                    // A contact the server repeats unchanged is no news.
                    let Some(merged) = upsert_changed(&mut self.book, c) else {
                        continue;
                    };
                    news = true;
                    // A count the list does not match (a leave told by its count alone):
                    // one fetch of the whole group.
                    if self.book.members_incomplete(&merged.user_name) {
                        self.refresh_contact(core, &merged.user_name, now);
                    }
                    changed.push(merged);
                }
                Err(e) => core.problem(ProblemKind::MalformedContact(e), Endpoint::Sync, None),
            }
        }
        for c in changes.members_changed {
            match c.map(Contact::from) {
                Ok(g) => {
                    let name = g.user_name.clone();
                    if self.book.get(&name).is_none() {
                        self.learn_unknown_chat(core, &name, now);
                    } else if self.book.merge_members(&name, g.group.members) {
                        news = true;
                        if let Some(merged) = self.book.get(&name) {
                            changed.push(merged.clone());
                        }
                    }
                }
                Err(e) => core.problem(ProblemKind::MalformedContact(e), Endpoint::Sync, None),
            }
        }
        if !changed.is_empty() {
            core.emit(Event::ContactsChanged(changed));
        }
        news
    }

    /// What a delivered message teaches the book: the chat when it is new, the sender when
    /// a group does not list them yet (the group is fetched again, once per member), and the
    /// recent-chat list's stable names and unknown chats.
    pub(super) fn learn_from_message(&mut self, core: &mut Core, message: &Message, now: Instant) {
        if let MessageKind::StatusNotify(notify) = &message.kind {
            let before = self.book.stable_names().len();
            let unknown = self.book.note_recent_chats(notify);
            if self.book.stable_names().len() != before {
                core.snapshot_changed(SnapshotReason::StableNames, now);
            }
            for name in unknown.iter().take(MAX_RECENT_FETCHES) {
                self.refresh_contact(core, name, now);
            }
            return;
        }
        let chat = message.chat.as_str();
        if self.book.get(chat).is_none() {
            self.learn_unknown_chat(core, chat, now);
            return;
        }
        let sender = message.sender.as_str();
        let unknown_member = message.is_group
            && !message.sent_by_me
            && sender.starts_with('@')
            && !sender.starts_with("@@")
            && sender != self.me_name()
            && !self.book.knows_member(chat, sender);
        if unknown_member && self.loader.asked.first_time(chat, sender) {
            self.refresh_contact(core, chat, now);
        }
    }
}
