//! The knobs tests and the control API turn: scan, confirm, cancel, expire, end sessions,
//! refuse, throttle, rotate the skey, push messages.

use crate::content::{self, Body, Route};
use crate::fault::{Fault, FaultRule};
use crate::login::LoginState;
use crate::poison::Poison;
use crate::session::Event;
use crate::sim::{FriendRequest, Push, Sim, SimError};
use std::time::Instant;

impl Sim {
    /// The newest uuid issued by jslogin or push login.
    pub fn latest_uuid(&self) -> Option<&str> {
        self.logins.last().map(|l| l.uuid.as_str())
    }

    /// Every uuid issued so far, oldest first.
    pub fn uuids(&self) -> Vec<String> {
        self.logins.iter().map(|l| l.uuid.clone()).collect()
    }

    /// The phone of `account` scans `uuid`.
    pub fn scan(&mut self, uuid: &str, account: usize, now: Instant) -> Result<(), SimError> {
        if account >= self.world.accounts.len() {
            return Err(SimError::NoAccount);
        }
        let l = self
            .logins
            .iter_mut()
            .find(|l| l.uuid == uuid)
            .ok_or(SimError::NoLogin)?;
        l.advance(now);
        if l.state(now) != LoginState::Waiting {
            return Err(SimError::NoLogin);
        }
        l.scanned_at = Some(now);
        l.account = Some(account);
        Ok(())
    }

    /// The phone confirms a scanned `uuid`.
    pub fn confirm(&mut self, uuid: &str, now: Instant) -> Result<(), SimError> {
        let l = self
            .logins
            .iter_mut()
            .find(|l| l.uuid == uuid)
            .ok_or(SimError::NoLogin)?;
        l.advance(now);
        if l.state(now) != LoginState::Scanned {
            return Err(SimError::NoLogin);
        }
        l.confirmed_at = Some(now);
        l.scan_s = self.clock.secs(now);
        Ok(())
    }

    /// The user presses "cancel" on the phone after scanning `uuid`: the next poll answers
    /// 202 (the official client's code), later ones 400.
    pub fn cancel(&mut self, uuid: &str, now: Instant) -> Result<(), SimError> {
        let l = self
            .logins
            .iter_mut()
            .find(|l| l.uuid == uuid)
            .ok_or(SimError::NoLogin)?;
        l.advance(now);
        if l.state(now) != LoginState::Scanned {
            return Err(SimError::NoLogin);
        }
        l.cancelled = true;
        l.reported_scan = true;
        Ok(())
    }

    /// Throttles: the next `times` requests to `endpoint` (any when `None`) answer `Ret` 1205.
    pub fn throttle(&mut self, endpoint: Option<&str>, times: u32) {
        self.inject(FaultRule {
            endpoint: endpoint.map(str::to_string),
            fault: Fault::Ret { ret: 1205 },
            times,
        });
    }

    /// Makes `uuid` expire now (the next poll answers 400).
    pub fn expire_qr(&mut self, uuid: &str, now: Instant) -> Result<(), SimError> {
        let l = self
            .logins
            .iter_mut()
            .find(|l| l.uuid == uuid)
            .ok_or(SimError::NoLogin)?;
        l.expires = now;
        Ok(())
    }

    /// Ends every live session of `account` with `code`: 1100 (expired / logged out on the
    /// phone), 1101 (logged in elsewhere) or 1102 (kicked). Returns how many ended.
    pub fn end_sessions(&mut self, account: usize, code: u32) -> usize {
        let mut ended = Vec::new();
        for &i in self.by_account.get(&account).into_iter().flatten() {
            if let Some(s) = self.sessions.get_mut(i)
                && s.ended.is_none()
            {
                s.ended = Some(code);
                ended.push(i);
            }
        }
        for &i in &ended {
            self.touch(i);
        }
        ended.len()
    }

    /// Expires the sessions of `account` (1100).
    pub fn expire_sessions(&mut self, account: usize) -> usize {
        self.end_sessions(account, 1100)
    }

    /// Kicks the sessions of `account` (1102).
    pub fn kick(&mut self, account: usize) -> usize {
        self.end_sessions(account, 1102)
    }

    /// Makes the login page refuse `account` with ret 1203 (or allow it again).
    pub fn refuse_login(&mut self, account: usize, refuse: bool) -> Result<(), SimError> {
        let a = self
            .world
            .accounts
            .get_mut(account)
            .ok_or(SimError::NoAccount)?;
        a.refuse_login = refuse;
        Ok(())
    }

    /// Rotates the skey of the live sessions of `account`; the next webwxsync announces it.
    pub fn rotate_skey(&mut self, account: usize) {
        for i in 0..self.sessions.len() {
            let fresh = format!("@crypt_{}_{}", self.rng.hex(8), self.rng.hex(32));
            if let Some(s) = self.sessions.get_mut(i)
                && s.account == account
                && s.ended.is_none()
            {
                s.prev_skey = Some(std::mem::replace(&mut s.skey, fresh));
                s.announce_skey = true;
            }
        }
    }

    /// Live sessions of `account`.
    pub fn live_sessions(&self, account: usize) -> usize {
        self.by_account
            .get(&account)
            .into_iter()
            .flatten()
            .filter(|&&i| self.sessions.get(i).is_some_and(|s| s.ended.is_none()))
            .count()
    }

    /// Pushes a message into `push.account` as if a contact (or group member) sent it.
    /// Returns the MsgId. Every live session of the account gets it via webwxsync.
    pub fn push(&mut self, push: &Push, body: &Body, now: Instant) -> Result<String, SimError> {
        self.push_marked(push, body, None, now)
    }

    /// [`Sim::push`], the message marked with `poison` in every session it is queued for.
    pub(crate) fn push_marked(
        &mut self,
        push: &Push,
        body: &Body,
        poison: Option<Poison>,
        now: Instant,
    ) -> Result<String, SimError> {
        crate::blob::check_media(body)?;
        let route = self.route_for(push, body)?;
        let msg_id = self.rng.msg_id();
        let key = match body {
            Body::Emoticon => {
                let k = self.rng.hex(32);
                self.stickers.insert(k.clone());
                k
            }
            _ => self.rng.hex(32),
        };
        let now_s = self.clock.secs(now);
        let msg = content::build(body, &route, msg_id, now_s, &key);
        self.store_media(body, &msg, &key);
        if let Body::FriendRequest { nick, .. } = body {
            self.friend_requests.push(FriendRequest {
                account: push.account,
                user_name: route.from.clone(),
                nick: nick.clone(),
                ticket: msg.recommend_info.ticket.clone(),
            });
        }
        let id = msg.msg_id.clone();
        self.deliver_marked(push.account, Event::Msg(Box::new(msg)), poison, now);
        Ok(id)
    }

    /// Who a message pushed into `push.account` comes from (a friend, a group member, a
    /// stranger for friend requests, ourselves for status notifications).
    pub(crate) fn route_for(&mut self, push: &Push, body: &Body) -> Result<Route, SimError> {
        let acc = self
            .world
            .accounts
            .get(push.account)
            .ok_or(SimError::NoAccount)?;
        let me = acc.me.user_name.clone();
        let route = match &push.group {
            Some(g) => {
                let group = pick(acc.groups(), g).ok_or(SimError::NoContact)?;
                let others: Vec<_> = group
                    .member_list
                    .iter()
                    .filter(|m| m.user_name != me)
                    .collect();
                let member = match &push.from {
                    Some(f) => match f.parse::<usize>() {
                        Ok(i) => others.get(i).map(|m| m.user_name.clone()),
                        Err(_) => others
                            .iter()
                            .find(|m| &m.user_name == f)
                            .map(|m| m.user_name.clone()),
                    },
                    None => others.first().map(|m| m.user_name.clone()),
                }
                .ok_or(SimError::NoContact)?;
                Route {
                    from: group.user_name.clone(),
                    to: me.clone(),
                    group_sender: Some(member),
                }
            }
            None if matches!(body, Body::FriendRequest { .. }) => Route {
                from: format!("@{}", self.rng.hex(32)),
                to: me.clone(),
                group_sender: None,
            },
            None if matches!(body, Body::StatusNotify { .. }) => Route {
                from: me.clone(),
                to: me.clone(),
                group_sender: None,
            },
            None => {
                let from = match &push.from {
                    Some(f) => pick(acc.friends(), f).or_else(|| acc.contact(f)),
                    None => acc.friends().next(),
                }
                .ok_or(SimError::NoContact)?;
                Route {
                    from: from.user_name.clone(),
                    to: me.clone(),
                    group_sender: None,
                }
            }
        };
        Ok(route)
    }

    /// Queues an event for every live session of `account`.
    pub(crate) fn deliver(&mut self, account: usize, e: Event, now: Instant) {
        self.deliver_marked(account, e, None, now);
    }

    /// [`Sim::deliver`], the event marked with `poison` in every session.
    pub(crate) fn deliver_marked(
        &mut self,
        account: usize,
        e: Event,
        poison: Option<Poison>,
        now: Instant,
    ) {
        let now_s = self.clock.secs(now);
        let mut live = Vec::new();
        for &i in self.by_account.get(&account).into_iter().flatten() {
            if let Some(s) = self.sessions.get_mut(i)
                && s.ended.is_none()
            {
                let seq = s.push(e.clone(), now_s);
                if let Some(p) = poison {
                    s.poisoned.insert(seq, p);
                }
                live.push(i);
            }
        }
        for i in live {
            self.touch(i);
        }
    }

    /// Pushes a friend request (MsgType 37); accept it with webwxverifyuser Opcode 3.
    pub fn push_friend_request(
        &mut self,
        account: usize,
        nick: &str,
        greeting: &str,
        now: Instant,
    ) -> Result<String, SimError> {
        self.push(
            &Push {
                account,
                ..Push::default()
            },
            &Body::FriendRequest {
                nick: nick.into(),
                greeting: greeting.into(),
            },
            now,
        )
    }
}

fn pick<'a>(
    mut it: impl Iterator<Item = &'a crate::model::Contact>,
    sel: &str,
) -> Option<&'a crate::model::Contact> {
    match sel.parse::<usize>() {
        Ok(i) => it.nth(i),
        Err(_) => it.find(|c| c.user_name == sel),
    }
}
