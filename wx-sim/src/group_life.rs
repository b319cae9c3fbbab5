//! Group life as the phone and the other members make it: someone joins (invited by a member
//! or by us), we remove someone, a member renames the group, a member sets a display name, a
//! member joins without any notice. Also under `/__sim/` as `join_group`,
//! `remove_from_group`, `rename_group`, `member_display_name` and `add_member_quietly`.
//!
//! The sync side has the real server's shapes: a MsgType 10000 notice said in the group (the
//! wordings of shared/fixtures/content/wechaty-firer-system10000-contents.json) and a
//! ModContactList entry for the group whose MemberCount is the full count but whose
//! MemberList holds only the members concerned (the new one, the renamed one) or none at all
//! (a removal, a rename of the group): the client must ask webwxbatchgetcontact for the rest.

use crate::model::{Contact, Member};
use crate::session::Event;
use crate::sim::{Sim, SimError};
use crate::world::{Account, blank};
use std::time::Instant;

/// The index of `group` (a UserName `@@…`, or an index among the groups) in `acc.contacts`.
fn group_index(acc: &Account, group: &str) -> Option<usize> {
    let name = match group.parse::<usize>() {
        Ok(i) => acc.groups().nth(i)?.user_name.clone(),
        Err(_) => group.to_string(),
    };
    acc.contacts
        .iter()
        .position(|c| c.is_group() && c.user_name == name)
}

/// The index in `g.member_list` of `sel`: a UserName, or an index among the members other
/// than `me`. `me` itself is accepted by UserName only when `allow_me`.
fn member_index(g: &Contact, me: &str, sel: &str, allow_me: bool) -> Option<usize> {
    match sel.parse::<usize>() {
        Ok(i) => g
            .member_list
            .iter()
            .enumerate()
            .filter(|(_, m)| m.user_name != me)
            .nth(i)
            .map(|(k, _)| k),
        Err(_) => g
            .member_list
            .iter()
            .position(|m| m.user_name == sel && (allow_me || m.user_name != me)),
    }
}

impl Sim {
    /// The account and the index of its group, or the error a knob answers.
    fn group_at(&self, account: usize, group: &str) -> Result<usize, SimError> {
        let acc = self
            .world
            .accounts
            .get(account)
            .ok_or(SimError::NoAccount)?;
        group_index(acc, group).ok_or(SimError::NoContact)
    }

    /// Group `group` of `account` and the index of its member `member` (a UserName, ours
    /// only when `allow_me`, or an index among the members other than us).
    fn member_at(
        &mut self,
        account: usize,
        group: &str,
        member: &str,
        allow_me: bool,
    ) -> Result<(&mut Contact, usize), SimError> {
        let gi = self.group_at(account, group)?;
        let acc = self
            .world
            .accounts
            .get_mut(account)
            .ok_or(SimError::NoAccount)?;
        let me = acc.me.user_name.clone();
        let g = acc.contacts.get_mut(gi).ok_or(SimError::NoContact)?;
        let k = member_index(g, &me, member, allow_me).ok_or(SimError::NoContact)?;
        Ok((g, k))
    }

    /// Tells every live session of `account`: a ModContactList entry for `room` with only
    /// `members` in its MemberList, then the 10000 `note` from the group (when there is one).
    fn announce(
        &mut self,
        account: usize,
        room: &str,
        members: Vec<String>,
        note: Option<&str>,
        now: Instant,
    ) {
        let event = Event::ModGroup {
            group: room.to_owned(),
            members: Some(members),
        };
        self.deliver(account, event, now);
        if let Some(note) = note {
            self.system_note(account, room, note, now);
        }
    }

    /// A new person (fresh `@…` UserName, a stable name `wxid_…`, nickname `nick`) added to
    /// group `gi` of `account` (and to the account's strangers, so batchgetcontact knows them).
    /// Returns the UserName.
    fn add_person(&mut self, account: usize, gi: usize, nick: &str) -> Result<String, SimError> {
        let user_name = format!("@{}", self.rng.hex(32));
        let mut p = blank(user_name.clone(), nick.to_string());
        p.contact_flag = 0;
        p.stable_name = format!("wxid_{}", self.rng.alnum(14).to_lowercase());
        p.attr_status = self.rng.below(40_000_000) as i64;
        p.head_seq = 600_000_000 + self.rng.below(100_000_000);
        p.sns_flag = 1;
        let acc = self
            .world
            .accounts
            .get_mut(account)
            .ok_or(SimError::NoAccount)?;
        let member = p.as_member();
        acc.strangers.push(p);
        let g = acc.contacts.get_mut(gi).ok_or(SimError::NoContact)?;
        g.member_list.push(member);
        g.member_count = g.member_list.len() as u32;
        Ok(user_name)
    }

    /// Someone joins `group` of `account` (a UserName `@@…` or an index among the account's
    /// groups): a new person with the nickname `nick` (a fresh UserName and a stable name
    /// `wxid_…`, so they survive the redraw of a new login) is added to the group's members.
    /// `inviter` is the member who invited them (a UserName, or an index among the members
    /// other than us), `None` when we did. Every live session gets the 10000 notice
    /// `"<inviter>"邀请"<nick>"加入了群聊` (or `你邀请"<nick>"加入了群聊  `, two trailing spaces
    /// as in the real sample) from the group, and a ModContactList entry for the group with
    /// the new MemberCount and only the new member in MemberList. Returns the new member's
    /// UserName. `SimError::NoContact` for an unknown group or inviter (nothing changes).
    pub fn join_group(
        &mut self,
        account: usize,
        group: &str,
        nick: &str,
        inviter: Option<&str>,
        now: Instant,
    ) -> Result<String, SimError> {
        let gi = self.group_at(account, group)?;
        let (room, inviter_nick) = {
            let acc = self
                .world
                .accounts
                .get(account)
                .ok_or(SimError::NoAccount)?;
            let g = acc.contacts.get(gi).ok_or(SimError::NoContact)?;
            let who = match inviter {
                Some(sel) => {
                    let k = member_index(g, &acc.me.user_name, sel, false)
                        .ok_or(SimError::NoContact)?;
                    g.member_list.get(k).map(|m| m.nick_name.clone())
                }
                None => None,
            };
            (g.user_name.clone(), who)
        };
        let user_name = self.add_person(account, gi, nick)?;
        let note = match inviter_nick {
            Some(who) => format!("\"{who}\"邀请\"{nick}\"加入了群聊"),
            None => format!("你邀请\"{nick}\"加入了群聊  "),
        };
        self.announce(account, &room, vec![user_name.clone()], Some(&note), now);
        Ok(user_name)
    }

    /// We remove `member` (a UserName, or an index among the members other than us) from
    /// `group` of `account` (no owner check: the phone did it). Every live session gets the
    /// 10000 notice `你将"<nick>"移出了群聊` from the group and a ModContactList entry for the
    /// group with the new MemberCount and an empty MemberList (the client re-fetches the
    /// group with webwxbatchgetcontact to learn who is gone). The person stays known to the
    /// account. `SimError::NoContact` for an unknown group or member.
    pub fn remove_from_group(
        &mut self,
        account: usize,
        group: &str,
        member: &str,
        now: Instant,
    ) -> Result<(), SimError> {
        let (g, k) = self.member_at(account, group, member, false)?;
        let gone = g.member_list.remove(k);
        g.member_count = g.member_list.len() as u32;
        let room = g.user_name.clone();
        let note = format!("你将\"{}\"移出了群聊", gone.nick_name);
        self.announce(account, &room, Vec::new(), Some(&note), now);
        Ok(())
    }

    /// `member` (a UserName, or an index among the members other than us) renames `group`
    /// of `account` to `topic`: the group's NickName becomes `topic`; every live session gets
    /// the 10000 notice `"<member nick>"修改群名为“<topic>”` (curly quotes around the topic, as
    /// in the real sample) from the group and a ModContactList entry with the new NickName,
    /// the full MemberCount and an empty MemberList. `SimError::NoContact` for an unknown
    /// group or member.
    pub fn rename_group_by(
        &mut self,
        account: usize,
        group: &str,
        member: &str,
        topic: &str,
        now: Instant,
    ) -> Result<(), SimError> {
        let (g, k) = self.member_at(account, group, member, false)?;
        let who = g
            .member_list
            .get(k)
            .map(|m| m.nick_name.clone())
            .unwrap_or_default();
        g.nick_name = topic.to_string();
        let room = g.user_name.clone();
        let note = format!("\"{who}\"修改群名为“{topic}”");
        self.announce(account, &room, Vec::new(), Some(&note), now);
        Ok(())
    }

    /// `member` of `group` of `account` sets their DisplayName there to `display` (`member`
    /// is a UserName, ours included, or an index among the members other than us). Every
    /// live session gets a ModContactList entry for the group with the full MemberCount and
    /// only that member in MemberList; there is no notice. `SimError::NoContact` for an
    /// unknown group or member.
    pub fn set_member_display_name(
        &mut self,
        account: usize,
        group: &str,
        member: &str,
        display: &str,
        now: Instant,
    ) -> Result<(), SimError> {
        let (g, k) = self.member_at(account, group, member, true)?;
        let room = g.user_name.clone();
        let m: &mut Member = g.member_list.get_mut(k).ok_or(SimError::NoContact)?;
        m.display_name = display.to_string();
        let name = m.user_name.clone();
        self.announce(account, &room, vec![name], None, now);
        Ok(())
    }

    /// A new person with the nickname `nick` joins `group` of `account` without any notice
    /// or ModContactList entry: the client learns of them only when they speak (push a
    /// message with `Push { group: Some(group), from: Some(user_name), .. }`) or when it
    /// re-fetches the group. Returns the new member's UserName (its stable name is `wxid_…`).
    /// `SimError::NoContact` for an unknown group.
    pub fn add_member_quietly(
        &mut self,
        account: usize,
        group: &str,
        nick: &str,
    ) -> Result<String, SimError> {
        let gi = self.group_at(account, group)?;
        self.add_person(account, gi, nick)
    }

    /// True when `group` (a UserName `@@…`, or an index among the groups) of `account` is
    /// saved to contacts; false for the groups [`crate::WorldSpec`]'s `unsaved_groups` makes
    /// (and for unknown ones). See [`crate::model::Contact::saved`].
    pub fn is_saved_group(&self, account: usize, group: &str) -> bool {
        self.world.accounts.get(account).is_some_and(|acc| {
            group_index(acc, group)
                .and_then(|i| acc.contacts.get(i))
                .is_some_and(|g| g.saved)
        })
    }
}
