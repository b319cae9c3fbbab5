//! The contact book: every contact and group of one session by UserName, with the merge
//! rules that keep it right whatever shape an update comes in, the stable names the
//! recent-chat list (MsgType 51, code 4) pairs with UserNames, and the lookups (by name, a
//! member in a group, your own name in a group, a contact's [`ContactKey`]).
//!
//! The book is a plain value: the [`Client`](crate::Client) feeds it from webwxinit, the
//! contact pages, batch fetches, `ModContactList`, `ModChatRoomMemberList`,
//! `DelContactList` and status notifications, and decides what to fetch from what
//! [`ContactBook::upsert`] and [`ContactBook::note_recent_chats`] answer.
//!
//! Merge rules (the server's shapes, protocol.md §5 and the real samples):
//! - a group update without members (webwxinit, the contact pages' `MemberCount 0` shape,
//!   a rename in `ModContactList`) keeps the members already known, and a `MemberCount` of
//!   0 keeps the count known;
//! - a group update whose `MemberList` is shorter than its `MemberCount` is partial (the
//!   real `ModContactList` of a 462-member group carries one member): its members are
//!   merged into the known list by UserName; a list as long as the count replaces it;
//! - a group update without `EncryChatRoomId` or owner keeps the known ones.
//!
//! A group whose member list does not match its count afterwards
//! ([`ContactBook::members_incomplete`]) is worth one batch fetch; the client asks once per
//! change, never in a loop.

use std::collections::BTreeMap;

use super::contact::{Contact, Member};
use super::key::{self, ContactKey, KeySource};
use super::lookup::{LookupError, display_name, find_contact, find_member, member_name};
use super::notice::{NotifyCode, StatusNotify};
use super::text::decode_display_text;

/// At most this many UserName → stable name pairs are kept (a hostile recent-chat list
/// cannot grow the book without bound).
pub const MAX_STABLE_NAMES: usize = 20_000;

/// What an update did to the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    /// The contact was not known.
    Added,
    /// It was known and something changed.
    Changed,
    /// It was known and nothing changed (a repeated update).
    Unchanged,
}

/// Every known contact and group of one session, by UserName. See the module docs for the
/// merge rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactBook {
    contacts: BTreeMap<String, Contact>,
    /// UserName → stable name (`wxid_…`, `…@chatroom`, `gh_…`), from the code-4 list.
    stable: BTreeMap<String, String>,
}

impl ContactBook {
    /// An empty book, as a constant.
    pub const EMPTY: ContactBook = ContactBook {
        contacts: BTreeMap::new(),
        stable: BTreeMap::new(),
    };

    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many contacts and groups it holds.
    pub fn len(&self) -> usize {
        self.contacts.len()
    }

    /// It holds nothing.
    pub fn is_empty(&self) -> bool {
        self.contacts.is_empty()
    }

    /// A contact or group by UserName.
    pub fn get(&self, user_name: &str) -> Option<&Contact> {
        self.contacts.get(user_name)
    }

    /// Every contact and group, by UserName.
    pub fn iter(&self) -> impl Iterator<Item = &Contact> {
        self.contacts.values()
    }

    /// Every group.
    pub fn groups(&self) -> impl Iterator<Item = &Contact> {
        self.contacts.values().filter(|c| c.is_group())
    }

    /// The one contact or group whose UserName, remark, nickname or alias is `query`
    /// (exact, then ignoring case; see [`find_contact`]).
    pub fn find(&self, query: &str) -> Result<&Contact, LookupError> {
        find_contact(self.contacts.values(), query)
    }

    /// The one member of `group` whose UserName, display name or nickname is `query`.
    pub fn find_member(&self, group: &str, query: &str) -> Result<&Member, LookupError> {
        let g = self
            .get(group)
            .ok_or_else(|| LookupError::NotFound(group.to_owned()))?;
        find_member(g, query)
    }

    /// A member of `group` by UserName.
    pub fn member(&self, group: &str, user_name: &str) -> Option<&Member> {
        self.get(group)?.member(user_name)
    }

    /// The member is in the group's known list (`false` when the group is unknown).
    pub fn knows_member(&self, group: &str, user_name: &str) -> bool {
        self.member(group, user_name).is_some()
    }

    /// How a member is called in `group`: the display name there, else the nickname, else
    /// their contact's name when they are a contact, else `None`.
    pub fn name_in(&self, group: &str, user_name: &str) -> Option<String> {
        self.member(group, user_name)
            .map(member_name)
            .filter(|n| !n.is_empty() && n != user_name)
            .or_else(|| self.get(user_name).map(display_name))
    }

    /// Your own name in `group` (what others write after `@` to mention you): your
    /// display name there, else your nickname. `None` when the group or you in it are
    /// unknown.
    pub fn my_name_in(&self, group: &str, me: &Contact) -> Option<String> {
        let member = self.member(group, &me.user_name)?;
        let name = if member.display_name.is_empty() {
            &me.nick_name
        } else {
            &member.display_name
        };
        Some(decode_display_text(name).into_owned())
    }

    /// The group's member list does not match its `MemberCount` (members not fetched yet,
    /// or a change the server described only by its count).
    pub fn members_incomplete(&self, group: &str) -> bool {
        self.get(group)
            .is_some_and(|g| g.is_group() && g.group.member_count as usize != g.group.members.len())
    }

    /// The stable name the recent-chat list gave this UserName (`wxid_…`, `…@chatroom`).
    pub fn stable_name(&self, user_name: &str) -> Option<&str> {
        self.stable.get(user_name).map(String::as_str)
    }

    /// Every UserName → stable name pair known (kept in the snapshot).
    pub fn stable_names(&self) -> &BTreeMap<String, String> {
        &self.stable
    }

    /// The best-effort key of a contact that survives a new login (UserNames do not). See
    /// [`ContactKey`] for which fields it uses and when it breaks.
    pub fn key(&self, user_name: &str) -> Option<ContactKey> {
        let c = self.get(user_name)?;
        let shared = |fp| {
            self.iter()
                .any(|o| o.user_name != c.user_name && key::fingerprint(o) == Some(fp))
        };
        key::key_for(c, self.stable_name(user_name), shared)
    }

    /// Every contact's key, by UserName (one pass: cheaper than [`ContactBook::key`] for
    /// each).
    pub fn keys(&self) -> BTreeMap<String, ContactKey> {
        let mut seen: BTreeMap<u64, usize> = BTreeMap::new();
        for fp in self.iter().filter_map(key::fingerprint) {
            *seen.entry(fp).or_default() += 1;
        }
        let shared = |fp| seen.get(&fp).is_some_and(|n| *n > 1);
        self.iter()
            .filter_map(|c| {
                let k = key::key_for(c, self.stable_name(&c.user_name), shared)?;
                Some((c.user_name.clone(), k))
            })
            .collect()
    }

    /// The contact whose key is `key` now (after a new login, the same person's new
    /// UserName), if exactly one has it.
    pub fn by_key(&self, key: &ContactKey) -> Option<&Contact> {
        let candidates: Vec<&Contact> = match key.source {
            KeySource::StableName => self
                .stable
                .iter()
                .filter(|(_, s)| **s == key.value)
                .filter_map(|(u, _)| self.get(u))
                .collect(),
            KeySource::Alias => self.iter().filter(|c| c.alias == key.value).collect(),
            KeySource::Fingerprint => self
                .iter()
                .filter(|c| key::fingerprint(c).map(key::hex).as_deref() == Some(&key.value))
                .collect(),
        };
        let mut hits = candidates
            .into_iter()
            .filter(|c| self.key(&c.user_name).as_ref() == Some(key));
        match (hits.next(), hits.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    }

    /// Adds or updates a contact by the merge rules (module docs).
    pub fn upsert(&mut self, new: Contact) -> Upsert {
        match self.contacts.get_mut(&new.user_name) {
            None => {
                self.contacts.insert(new.user_name.clone(), new);
                Upsert::Added
            }
            Some(old) => {
                let merged = merge(old, new);
                if *old == merged {
                    Upsert::Unchanged
                } else {
                    *old = merged;
                    Upsert::Changed
                }
            }
        }
    }

    /// Removes a contact (`DelContactList`); `None` when it was not known.
    pub fn remove(&mut self, user_name: &str) -> Option<Contact> {
        self.contacts.remove(user_name)
    }

    /// Records a member list change of `group` (`ModChatRoomMemberList`, or a member seen
    /// in a message): the members are merged by UserName. `false` when the group is
    /// unknown or nothing changed.
    pub fn merge_members(&mut self, group: &str, members: Vec<Member>) -> bool {
        let Some(g) = self.contacts.get_mut(group) else {
            return false;
        };
        let before = g.group.members.clone();
        for m in members {
            upsert_member(&mut g.group.members, m);
        }
        let n = g.group.members.len() as u32;
        g.group.member_count = g.group.member_count.max(n);
        g.group.members != before
    }

    /// Fills members' nicknames from their profiles (`Command::FetchMembers`), where the
    /// member list has none or an older one; display names in the group are not touched.
    /// Returns whether anything changed.
    pub fn learn_profiles(&mut self, group: &str, profiles: &[Contact]) -> bool {
        let Some(g) = self.contacts.get_mut(group) else {
            return false;
        };
        let mut changed = false;
        for p in profiles.iter().filter(|p| !p.nick_name.is_empty()) {
            if let Some(m) = g
                .group
                .members
                .iter_mut()
                .find(|m| m.user_name == p.user_name)
                && m.nick_name != p.nick_name
            {
                m.nick_name = p.nick_name.clone();
                changed = true;
            }
        }
        changed
    }

    /// Learns from a status notification: the code-4 list pairs each UserName with its
    /// stable name. Returns the UserNames it names that the book does not hold (chats worth
    /// one batch fetch: groups not saved to contacts come back only this way or with their
    /// first message).
    pub fn note_recent_chats(&mut self, notify: &StatusNotify) -> Vec<String> {
        if notify.code != NotifyCode::SyncConversations {
            return Vec::new();
        }
        // Paired only when both lists have the same length: a shifted pair would give one
        // person another's key.
        if notify.user_names.len() == notify.stable_user_names.len() {
            for (u, s) in notify.user_names.iter().zip(&notify.stable_user_names) {
                if self.stable.len() >= MAX_STABLE_NAMES && !self.stable.contains_key(u) {
                    break;
                }
                if !u.is_empty() && !s.is_empty() {
                    self.stable.insert(u.clone(), s.clone());
                }
            }
        }
        notify
            .user_names
            .iter()
            .filter(|u| u.starts_with('@') && !self.contacts.contains_key(*u))
            .cloned()
            .collect()
    }

    /// Puts back the pairs a snapshot kept (a restored session: the code-4 list is not
    /// sent again). At most [`MAX_STABLE_NAMES`] are taken.
    pub fn restore_stable_names(&mut self, pairs: BTreeMap<String, String>) {
        for (u, s) in pairs {
            if self.stable.len() >= MAX_STABLE_NAMES {
                break;
            }
            self.stable.insert(u, s);
        }
    }
}

/// `new` merged over `old` by the rules of the module docs.
fn merge(old: &Contact, mut new: Contact) -> Contact {
    if !new.is_group() {
        return new;
    }
    let (og, ng) = (&old.group, &mut new.group);
    let partial = !ng.members.is_empty() && (ng.members.len() as u32) < ng.member_count;
    if ng.members.is_empty() {
        ng.members = og.members.clone();
    } else if partial && !og.members.is_empty() {
        let mut members = og.members.clone();
        for m in std::mem::take(&mut ng.members) {
            upsert_member(&mut members, m);
        }
        ng.members = members;
    }
    if ng.member_count == 0 {
        ng.member_count = og.member_count.max(ng.members.len() as u32);
    }
    if ng.encry_chat_room_id.is_empty() || ng.encry_chat_room_id == "0" {
        ng.encry_chat_room_id = og.encry_chat_room_id.clone();
    }
    if ng.owner.is_empty() {
        ng.owner = og.owner.clone();
    }
    new
}

/// Replaces the member with `m`'s UserName, or appends `m`. A member update with empty
/// names keeps the known ones (the shapes that carry only a UserName).
fn upsert_member(members: &mut Vec<Member>, mut m: Member) {
    match members.iter_mut().find(|x| x.user_name == m.user_name) {
        Some(old) => {
            if m.nick_name.is_empty() {
                m.nick_name = std::mem::take(&mut old.nick_name);
            }
            *old = m;
        }
        None => members.push(m),
    }
}

#[cfg(test)]
#[path = "book_tests.rs"]
mod tests;
