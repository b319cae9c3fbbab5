//! Contact and group management: webwxoplog, webwxverifyuser, webwxcreatechatroom, webwxupdatechatroom.
//!
//! What the real server checks, the simulator checks: members must be friends of the account
//! (others are listed with a non-zero MemberStatus and the answer is `Ret` -2013, partial),
//! the group must exist (`Ret` 1201 for a gone one), a removal needs the owner. Every change
//! of a group or contact comes back in webwxsync as a ModContactList entry and, for
//! membership and names, a MsgType 10000 notice in the words of the real server (English
//! when the request says `lang=en…`, Chinese otherwise).

use super::{int, text};
use crate::content::{Body, Route};
use crate::endpoint::contacts::INVITE_START_COUNT;
use crate::group_knobs::MEMBER_STATUS_NOT_FRIEND;
use crate::model::{Contact, Member};
use crate::session::Event;
use crate::sim::{Req, Sim, json};
use crate::wire::json::{BaseResponse, bare, parse, to_body};
use crate::world::blank;
use http::Response;
use serde::Serialize;
use std::time::Instant;

/// `Ret` of webwxupdatechatroom for a group that is gone (dissolved, or we left it).
pub const RET_GROUP_GONE: i64 = 1201;

/// `Ret` of a member change that worked for some members only.
pub const RET_PARTIAL: i64 = -2013;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RoomReply {
    base_response: BaseResponse,
    member_count: usize,
    member_list: Vec<Member>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CreateReply {
    base_response: BaseResponse,
    topic: String,
    #[serde(rename = "PYInitial")]
    py_initial: String,
    quan_pin: String,
    member_count: usize,
    member_list: Vec<Member>,
    chat_room_name: String,
    black_list: String,
}

fn room_reply(ret: i64, members: Vec<Member>) -> Response<Vec<u8>> {
    json(to_body(&RoomReply {
        base_response: BaseResponse::err(ret),
        member_count: members.len(),
        member_list: members,
    }))
}

/// True when the request asks for English wordings (`lang=en_US`).
fn english(r: &Req<'_>) -> bool {
    r.q.get("lang")
        .is_some_and(|l| l.to_ascii_lowercase().starts_with("en"))
}

/// A friend: a person with the CONTACT bit, not an official account, not special.
fn is_friend(c: &Contact) -> bool {
    c.user_name.starts_with('@')
        && !c.is_group()
        && c.verify_flag & 8 == 0
        && c.contact_flag & 1 != 0
}

/// Nick names joined as the real server joins them in notices.
fn nicks(members: &[Member]) -> String {
    members
        .iter()
        .map(|m| m.nick_name.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

/// The 10000 notice of our own invitation (`room_join` wordings).
fn joined_note(en: bool, added: &[Member]) -> String {
    if en {
        format!("You invited {} to the group chat.   ", nicks(added))
    } else {
        format!("你邀请\"{}\"加入了群聊  ", nicks(added))
    }
}

/// The 10000 notice of a new friend (`friend_confirm` wordings).
pub(crate) fn friend_note(en: bool, nick: &str) -> String {
    if en {
        format!("You have added {nick} as your WeChat contact. Start chatting!")
    } else {
        format!("你已添加了{nick}，现在可以开始聊天了。")
    }
}

/// A comma-separated member list field (`AddMemberList` …), trimmed, without duplicates.
fn name_list(body: &serde_json::Value, key: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in text(body.get(key)).unwrap_or_default().split(',') {
        let n = n.trim();
        if !n.is_empty() && !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    }
    out
}

impl Sim {
    pub(crate) fn system_note(&mut self, account: usize, from: &str, note: &str, now: Instant) {
        let me = self
            .world
            .accounts
            .get(account)
            .map(|a| a.me.user_name.clone())
            .unwrap_or_default();
        let route = Route {
            from: from.to_string(),
            to: me,
            group_sender: None,
        };
        let id = self.rng.msg_id();
        let mut m = crate::content::build(
            &Body::System { text: note.into() },
            &route,
            id,
            self.clock.secs(now),
            "",
        );
        // The names in a notice are in their wire form already (emoji as `<span …>`, §11.3):
        // the server puts them in as they are.
        m.content = note.replace('\n', "<br/>");
        self.deliver(account, Event::Msg(Box::new(m)), now);
    }

    fn session_account(&self, r: &Req<'_>) -> Result<(usize, serde_json::Value), i64> {
        let body = parse(r.body).ok_or(1200)?;
        let idx = self.auth_base(r, &body)?;
        Ok((self.sessions.get(idx).map(|s| s.account).unwrap_or(0), body))
    }

    /// What adding each of `names` to a group of `account` gives: the member entry with its
    /// MemberStatus, 0 for a friend that can be added. Ourselves are left out.
    fn add_outcomes(&self, account: usize, names: &[String]) -> Vec<Member> {
        let Some(acc) = self.world.accounts.get(account) else {
            return Vec::new();
        };
        names
            .iter()
            .filter(|n| **n != acc.me.user_name)
            .map(|n| {
                let knob = self.failing_status(account, n);
                match acc.contact(n) {
                    Some(c) if is_friend(c) => {
                        let mut m = c.as_member();
                        m.member_status = knob.unwrap_or(0);
                        m
                    }
                    other => {
                        let mut m = other
                            .or_else(|| acc.person(n))
                            .map(Contact::as_member)
                            .unwrap_or_else(|| blank(n.clone(), String::new()).as_member());
                        m.member_status = knob.unwrap_or(MEMBER_STATUS_NOT_FRIEND);
                        m
                    }
                }
            })
            .collect()
    }

    pub(crate) fn oplog(&mut self, r: &Req<'_>, now: Instant) -> Response<Vec<u8>> {
        let (account, body) = match self.session_account(r) {
            Ok(x) => x,
            Err(ret) => return json(bare(ret)),
        };
        let name = text(body.get("UserName")).unwrap_or_default();
        let remark = text(body.get("RemarkName"));
        let cmd = int(body.get("CmdId"));
        let op = int(body.get("OP")).unwrap_or(0);
        let Some(c) = self
            .world
            .accounts
            .get_mut(account)
            .and_then(|a| a.contact_mut(&name))
        else {
            return json(bare(1));
        };
        match cmd {
            Some(2) => c.remark_name = remark.unwrap_or_default(),
            Some(3) => {
                // ContactFlag 0x800 TOP (§5.5): 2051 for a pinned friend.
                match op {
                    1 => c.contact_flag |= 0x800,
                    0 => c.contact_flag &= !0x800,
                    _ => return json(bare(1)),
                }
                // Leaving RemarkName out of a pin clears the remark (wechat4u's warning).
                c.remark_name = remark.unwrap_or_default();
            }
            _ => return json(bare(1)),
        }
        self.deliver(account, Event::Mod(name), now);
        json(bare(0))
    }

    pub(crate) fn verifyuser(&mut self, r: &Req<'_>, now: Instant) -> Response<Vec<u8>> {
        let (account, body) = match self.session_account(r) {
            Ok(x) => x,
            Err(ret) => return json(bare(ret)),
        };
        let Some(first) = body
            .get("VerifyUserList")
            .and_then(|l| l.as_array())
            .and_then(|l| l.first())
        else {
            return json(bare(1));
        };
        let value = text(first.get("Value")).unwrap_or_default();
        let ticket = text(first.get("VerifyUserTicket")).unwrap_or_default();
        match int(body.get("Opcode")) {
            Some(3) => {
                // itchat accepts with an empty VerifyUserTicket (it puts the ticket in
                // VerifyContent), and that worked: a pending request is enough then.
                let Some(i) = self.friend_requests.iter().position(|f| {
                    f.account == account
                        && f.user_name == value
                        && (ticket.is_empty() || f.ticket == ticket)
                }) else {
                    return json(bare(1));
                };
                let fr = self.friend_requests.remove(i);
                let mut c = blank(fr.user_name.clone(), fr.nick.clone());
                c.stable_name = format!("wxid_{}", self.rng.alnum(14).to_lowercase());
                c.head_seq = 600_000_000 + self.rng.below(100_000_000);
                if let Some(a) = self.world.accounts.get_mut(account) {
                    a.contacts.push(c);
                }
                self.deliver(account, Event::Mod(fr.user_name.clone()), now);
                let note = friend_note(english(r), &fr.nick);
                self.system_note(account, &fr.user_name, &note, now);
                json(bare(0))
            }
            Some(2) => {
                // A friend request to someone the account knows (a group member, a card):
                // recorded; `Sim::accept_sent_request` plays the other side's accept.
                let Some(acc) = self.world.accounts.get(account) else {
                    return json(bare(1100));
                };
                if acc.contact(&value).is_some_and(is_friend) {
                    return json(bare(0));
                }
                if acc.person(&value).is_none() || value == acc.me.user_name {
                    return json(bare(1));
                }
                let greeting = text(body.get("VerifyContent")).unwrap_or_default();
                self.group_knobs
                    .sent_requests
                    .push(crate::group_knobs::SentRequest {
                        account,
                        user_name: value,
                        greeting,
                        english: english(r),
                    });
                json(bare(0))
            }
            Some(4) | Some(1) | Some(5) | Some(6) => json(bare(0)),
            _ => json(bare(1)),
        }
    }

    pub(crate) fn createchatroom(&mut self, r: &Req<'_>, now: Instant) -> Response<Vec<u8>> {
        let (account, body) = match self.session_account(r) {
            Ok(x) => x,
            Err(ret) => return json(bare(ret)),
        };
        let mut names: Vec<String> = Vec::new();
        for n in body
            .get("MemberList")
            .and_then(|l| l.as_array())
            .into_iter()
            .flatten()
            .filter_map(|m| text(m.get("UserName")))
        {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        let topic = text(body.get("Topic")).unwrap_or_default();
        let outcomes = self.add_outcomes(account, &names);
        let added: Vec<Member> = outcomes
            .iter()
            .filter(|m| m.member_status == 0)
            .cloned()
            .collect();
        let mut reply = CreateReply {
            base_response: BaseResponse::err(1),
            topic: topic.clone(),
            py_initial: String::new(),
            quan_pin: String::new(),
            member_count: 0,
            member_list: Vec::new(),
            chat_room_name: String::new(),
            black_list: String::new(),
        };
        // Two others at least (OFF opens a 1:1 chat for one).
        if added.len() < 2 {
            return json(to_body(&reply));
        }
        let room = format!("@@{}", self.rng.hex(64));
        let encry = format!("@{}", self.rng.hex(32));
        let stable = format!(
            "{}@chatroom",
            10_000_000_000 + self.rng.below(9_000_000_000)
        );
        let head_seq = 600_000_000 + self.rng.below(100_000_000);
        let Some(acc) = self.world.accounts.get_mut(account) else {
            return json(bare(1100));
        };
        let mut group = blank(room.clone(), topic);
        group.contact_flag = 2;
        group.encry_chat_room_id = encry;
        group.stable_name = stable;
        group.head_seq = head_seq;
        group.is_owner = 1;
        group.owner_uin = acc.uin;
        group.statues = 1;
        let mut all = vec![acc.me.as_member()];
        all.extend(added.iter().cloned());
        group.member_count = all.len() as u32;
        group.member_list = all;
        acc.contacts.push(group);
        self.deliver(account, Event::Mod(room.clone()), now);
        self.system_note(account, &room, &joined_note(english(r), &added), now);
        if added.len() == outcomes.len() {
            reply.base_response = BaseResponse::ok();
            reply.base_response.err_msg = "Everything is OK".into();
        } else {
            reply.base_response = BaseResponse::err(RET_PARTIAL);
        }
        reply.member_count = outcomes.len();
        reply.member_list = outcomes;
        reply.chat_room_name = room;
        json(to_body(&reply))
    }

    pub(crate) fn updatechatroom(&mut self, r: &Req<'_>, now: Instant) -> Response<Vec<u8>> {
        let (account, body) = match self.session_account(r) {
            Ok(x) => x,
            Err(ret) => return json(bare(ret)),
        };
        let en = english(r);
        let fun = r.q.get("fun").unwrap_or("").to_string();
        let room = text(body.get("ChatRoomName")).unwrap_or_default();
        let exists = self
            .world
            .accounts
            .get(account)
            .and_then(|a| a.contact(&room))
            .is_some_and(Contact::is_group);
        // Not (or no longer) one of the account's groups: 1201, as for a dissolved group.
        if !exists || self.group_gone(account, &room) {
            return room_reply(RET_GROUP_GONE, Vec::new());
        }
        let requested = match fun.as_str() {
            "addmember" => name_list(&body, "AddMemberList"),
            "invitemember" => name_list(&body, "InviteMemberList"),
            _ => Vec::new(),
        };
        let outcomes = self.add_outcomes(account, &requested);
        let Some(acc) = self.world.accounts.get_mut(account) else {
            return json(bare(1100));
        };
        let me = acc.me.user_name.clone();
        let Some(group) = acc.contact_mut(&room) else {
            return room_reply(RET_GROUP_GONE, Vec::new());
        };
        let note = match fun.as_str() {
            "addmember" | "invitemember" => {
                if outcomes.is_empty() {
                    return room_reply(1, Vec::new());
                }
                // WXB: addmember answers Ret 1 in large groups; invitemember is the way then.
                if fun == "addmember"
                    && group.member_list.len() + outcomes.len() > INVITE_START_COUNT as usize
                {
                    return room_reply(1, Vec::new());
                }
                let ret = if outcomes.iter().all(|m| m.member_status == 0) {
                    0
                } else {
                    RET_PARTIAL
                };
                let fresh: Vec<Member> = outcomes
                    .iter()
                    .filter(|c| {
                        c.member_status == 0
                            && !group.member_list.iter().any(|m| m.user_name == c.user_name)
                    })
                    .cloned()
                    .collect();
                // invitemember sends invitation cards: nobody joins until they accept.
                if fun == "invitemember" || fresh.is_empty() {
                    return room_reply(ret, outcomes);
                }
                group.member_list.extend(fresh.iter().cloned());
                group.member_count = group.member_list.len() as u32;
                self.deliver(account, Event::Mod(room.clone()), now);
                self.system_note(account, &room, &joined_note(en, &fresh), now);
                return room_reply(ret, outcomes);
            }
            "delmember" => {
                if group.is_owner != 1 {
                    return room_reply(1, Vec::new());
                }
                let del = name_list(&body, "DelMemberList");
                let gone: Vec<Member> = group
                    .member_list
                    .iter()
                    .filter(|m| m.user_name != me && del.contains(&m.user_name))
                    .cloned()
                    .collect();
                if gone.is_empty() {
                    return room_reply(1, Vec::new());
                }
                group
                    .member_list
                    .retain(|m| !gone.iter().any(|g| g.user_name == m.user_name));
                group.member_count = group.member_list.len() as u32;
                let who = nicks(&gone);
                if en {
                    format!("You removed \"{who}\" from the group chat")
                } else {
                    format!("你将\"{who}\"移出了群聊")
                }
            }
            "modtopic" => {
                let topic = text(body.get("NewTopic")).unwrap_or_default();
                if topic.is_empty() {
                    return room_reply(1, Vec::new());
                }
                group.nick_name = topic.clone();
                if en {
                    format!("You changed the group name to \"{topic}\"")
                } else {
                    format!("你修改群名为“{topic}”")
                }
            }
            "quitchatroom" => {
                acc.contacts.retain(|c| c.user_name != room);
                self.deliver(account, Event::Del(room), now);
                return room_reply(0, Vec::new());
            }
            _ => return room_reply(1, Vec::new()),
        };
        self.deliver(account, Event::Mod(room.clone()), now);
        self.system_note(account, &room, &note, now);
        room_reply(0, Vec::new())
    }
}
