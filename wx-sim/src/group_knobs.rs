//! Group-management knobs: a group made gone (webwxupdatechatroom answers Ret 1201) and
//! members whose adding fails (the -2013 partial answer), also under `/__sim/` as
//! `group_gone` and `fail_members`.
//!
//! Both are keyed by stable names (`…@chatroom`, `wxid_…`), so they survive the new
//! UserNames the real server (and the simulator) draws at every login.

use crate::session::Event;
use crate::sim::{Sim, SimError};
use crate::world::Account;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// The MemberStatus wx-sim gives a member it could not add because that member is not a
/// friend of the account or unknown. protocol.md gives no values: this is the simulator's.
pub const MEMBER_STATUS_NOT_FRIEND: u32 = 3;

/// The MemberStatus [`Sim::fail_members`] uses when a test does not care which.
pub const MEMBER_STATUS_REFUSED: u32 = 4;

/// A friend request a client sent (webwxverifyuser Opcode 2).
#[derive(Debug, Clone, Serialize)]
pub struct SentRequest {
    /// The account that sent it.
    pub account: usize,
    /// To whom (`VerifyUserList[0].Value`).
    pub user_name: String,
    /// `VerifyContent`.
    pub greeting: String,
    /// The request said `lang=en…`: the accept notice is in English.
    pub english: bool,
}

/// What the group knobs hold.
#[derive(Debug, Default)]
pub(crate) struct GroupKnobs {
    /// (account, stable name of the group).
    pub gone: BTreeSet<(usize, String)>,
    /// (account, stable name of the member) → MemberStatus.
    pub failing: BTreeMap<(usize, String), u32>,
    /// Friend requests clients sent, oldest first.
    pub sent_requests: Vec<SentRequest>,
}

/// The stable name of a person or group of `acc` (its UserName when it has none).
pub(crate) fn stable_of(acc: &Account, user_name: &str) -> String {
    acc.person(user_name)
        .or_else(|| acc.contact(user_name))
        .map(|c| c.stable_name.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| user_name.to_string())
}

impl Sim {
    /// Makes `group` (a UserName `@@…`, or the group's index among the account's groups)
    /// of `account` gone, or back with `gone = false`: webwxupdatechatroom on it answers
    /// `Ret` 1201 with MemberCount 0 and an empty MemberList. The group stays in the world.
    pub fn set_group_gone(
        &mut self,
        account: usize,
        group: &str,
        gone: bool,
    ) -> Result<(), SimError> {
        let acc = self
            .world
            .accounts
            .get(account)
            .ok_or(SimError::NoAccount)?;
        let g = match group.parse::<usize>() {
            Ok(i) => acc.groups().nth(i),
            Err(_) => acc.contact(group).filter(|c| c.is_group()),
        }
        .ok_or(SimError::NoContact)?;
        let key = (account, stable_of(acc, &g.user_name));
        if gone {
            self.group_knobs.gone.insert(key);
        } else {
            self.group_knobs.gone.remove(&key);
        }
        Ok(())
    }

    /// True when `group` of `account` was made gone by [`Sim::set_group_gone`].
    pub fn group_gone(&self, account: usize, group: &str) -> bool {
        self.world.accounts.get(account).is_some_and(|acc| {
            self.group_knobs
                .gone
                .contains(&(account, stable_of(acc, group)))
        })
    }

    /// Makes adding these members (UserNames) of `account` fail, in webwxupdatechatroom
    /// `fun=addmember|invitemember` and webwxcreatechatroom: each is listed in the answer's
    /// MemberList with `member_status` (e.g. [`MEMBER_STATUS_REFUSED`]) and is not added; the
    /// answer's `Ret` is -2013 (partial). Names unknown to the account are refused with
    /// `SimError::NoContact` (nothing is set).
    pub fn fail_members(
        &mut self,
        account: usize,
        members: &[&str],
        member_status: u32,
    ) -> Result<(), SimError> {
        let acc = self
            .world
            .accounts
            .get(account)
            .ok_or(SimError::NoAccount)?;
        let mut keys = Vec::with_capacity(members.len());
        for m in members {
            if acc.person(m).is_none() {
                return Err(SimError::NoContact);
            }
            keys.push((account, stable_of(acc, m)));
        }
        for k in keys {
            self.group_knobs.failing.insert(k, member_status);
        }
        Ok(())
    }

    /// Undoes [`Sim::fail_members`] for `account`.
    pub fn clear_failing_members(&mut self, account: usize) {
        self.group_knobs.failing.retain(|(a, _), _| *a != account);
    }

    /// The MemberStatus set by [`Sim::fail_members`] for this member, if any.
    pub(crate) fn failing_status(&self, account: usize, member: &str) -> Option<u32> {
        let acc = self.world.accounts.get(account)?;
        self.group_knobs
            .failing
            .get(&(account, stable_of(acc, member)))
            .copied()
    }

    /// The friend requests clients sent (webwxverifyuser Opcode 2), oldest first.
    pub fn sent_friend_requests(&self) -> &[SentRequest] {
        &self.group_knobs.sent_requests
    }

    /// The other side accepts the friend request `account` sent to `user_name`: that person
    /// becomes a friend (ContactFlag 3), announced as a ModContactList entry and the 10000
    /// notice "You have added … as your WeChat contact. Start chatting!" (or its Chinese form,
    /// as the request's `lang`). `SimError::NoContact` when no such request is pending.
    pub fn accept_sent_request(
        &mut self,
        account: usize,
        user_name: &str,
        now: Instant,
    ) -> Result<(), SimError> {
        let i = self
            .group_knobs
            .sent_requests
            .iter()
            .position(|q| q.account == account && q.user_name == user_name)
            .ok_or(SimError::NoContact)?;
        let req = self.group_knobs.sent_requests.remove(i);
        let acc = self
            .world
            .accounts
            .get_mut(account)
            .ok_or(SimError::NoAccount)?;
        let nick = match acc.contact_mut(user_name) {
            Some(c) => {
                c.contact_flag |= 3;
                c.nick_name.clone()
            }
            None => {
                let mut c = acc
                    .strangers
                    .iter()
                    .find(|s| s.user_name == user_name)
                    .cloned()
                    .ok_or(SimError::NoContact)?;
                c.contact_flag = 3;
                let nick = c.nick_name.clone();
                acc.contacts.push(c);
                nick
            }
        };
        self.deliver(account, Event::Mod(user_name.to_string()), now);
        let note = crate::endpoint::friend_note(req.english, &nick);
        self.system_note(account, user_name, &note, now);
        Ok(())
    }
}
