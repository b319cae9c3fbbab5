//! Contact and group management: webwxoplog, webwxverifyuser, webwxcreatechatroom, webwxupdatechatroom.

use super::{int, text};
use crate::content::{Body, Route};
use crate::endpoint::contacts::INVITE_START_COUNT;
use crate::model::Member;
use crate::session::Event;
use crate::sim::{Req, Sim, json};
use crate::wire::json::{BaseResponse, bare, parse, to_body};
use crate::world::blank;
use http::Response;
use serde::Serialize;
use std::time::Instant;

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

impl Sim {
    fn system_note(&mut self, account: usize, from: &str, note: &str, now: Instant) {
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
        let m = crate::content::build(
            &Body::System { text: note.into() },
            &route,
            id,
            self.clock.secs(now),
            "",
        );
        self.deliver(account, Event::Msg(Box::new(m)), now);
    }

    fn session_account(&self, r: &Req<'_>) -> Result<(usize, serde_json::Value), i64> {
        let body = parse(r.body).ok_or(1200)?;
        let idx = self.auth_base(r, &body)?;
        Ok((self.sessions.get(idx).map(|s| s.account).unwrap_or(0), body))
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
                if op == 1 {
                    c.contact_flag |= 0x800;
                } else {
                    c.contact_flag &= !0x800;
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
                let note = format!("你已添加了{}，现在可以开始聊天了。", fr.nick);
                self.system_note(account, &fr.user_name, &note, now);
                json(bare(0))
            }
            Some(2) | Some(4) | Some(1) | Some(5) | Some(6) => json(bare(0)),
            _ => json(bare(1)),
        }
    }

    pub(crate) fn createchatroom(&mut self, r: &Req<'_>, now: Instant) -> Response<Vec<u8>> {
        let (account, body) = match self.session_account(r) {
            Ok(x) => x,
            Err(ret) => return json(bare(ret)),
        };
        let names: Vec<String> = body
            .get("MemberList")
            .and_then(|l| l.as_array())
            .map(|l| l.iter().filter_map(|m| text(m.get("UserName"))).collect())
            .unwrap_or_default();
        let topic = text(body.get("Topic")).unwrap_or_default();
        let room = format!("@@{}", self.rng.hex(64));
        let encry = format!("@{}", self.rng.hex(32));
        let stable = format!(
            "{}@chatroom",
            10_000_000_000 + self.rng.below(9_000_000_000)
        );
        let Some(acc) = self.world.accounts.get_mut(account) else {
            return json(bare(1100));
        };
        let members: Vec<Member> = names
            .iter()
            .filter_map(|n| {
                acc.contact(n)
                    .filter(|c| !c.is_group())
                    .map(|c| c.as_member())
            })
            .collect();
        if members.len() < 2 {
            return json(bare(1));
        }
        let mut group = blank(room.clone(), topic.clone());
        group.contact_flag = 2;
        group.encry_chat_room_id = encry;
        group.stable_name = stable;
        group.is_owner = 1;
        group.owner_uin = acc.uin;
        group.statues = 1;
        let mut all = vec![acc.me.as_member()];
        all.extend(members.iter().cloned());
        group.member_count = all.len() as u32;
        group.member_list = all;
        acc.contacts.push(group);
        self.deliver(account, Event::Mod(room.clone()), now);
        self.system_note(account, &room, "你邀请加入了群聊", now);
        let mut reply = CreateReply {
            base_response: BaseResponse::ok(),
            topic,
            py_initial: String::new(),
            quan_pin: String::new(),
            member_count: members.len(),
            member_list: members,
            chat_room_name: room,
            black_list: String::new(),
        };
        reply.base_response.err_msg = "Everything is OK".into();
        json(to_body(&reply))
    }

    pub(crate) fn updatechatroom(&mut self, r: &Req<'_>, now: Instant) -> Response<Vec<u8>> {
        let (account, body) = match self.session_account(r) {
            Ok(x) => x,
            Err(ret) => return json(bare(ret)),
        };
        let fun = r.q.get("fun").unwrap_or("").to_string();
        let room = text(body.get("ChatRoomName")).unwrap_or_default();
        let list = |key: &str| -> Vec<String> {
            text(body.get(key))
                .map(|s| {
                    s.split(',')
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let Some(acc) = self.world.accounts.get_mut(account) else {
            return json(bare(1100));
        };
        let me = acc.me.user_name.clone();
        let candidates: Vec<Member> = match fun.as_str() {
            "addmember" => list("AddMemberList"),
            "invitemember" => list("InviteMemberList"),
            _ => Vec::new(),
        }
        .iter()
        .filter_map(|n| {
            acc.contact(n)
                .filter(|c| !c.is_group())
                .map(|c| c.as_member())
        })
        .collect();
        let Some(group) = acc.contact_mut(&room).filter(|g| g.is_group()) else {
            return json(bare(1));
        };
        let room_reply = |ret: i64, members: Vec<Member>| {
            json(to_body(&RoomReply {
                base_response: BaseResponse::err(ret),
                member_count: members.len(),
                member_list: members,
            }))
        };
        let (reply, note) = match fun.as_str() {
            "addmember" | "invitemember" => {
                if candidates.is_empty() {
                    return room_reply(1, Vec::new());
                }
                if fun == "addmember"
                    && group.member_list.len() + candidates.len() > INVITE_START_COUNT as usize
                {
                    return room_reply(1, Vec::new());
                }
                let fresh: Vec<Member> = candidates
                    .into_iter()
                    .filter(|c| !group.member_list.iter().any(|m| m.user_name == c.user_name))
                    .collect();
                if fun == "addmember" {
                    group.member_list.extend(fresh.iter().cloned());
                    group.member_count = group.member_list.len() as u32;
                }
                let note = format!(
                    "你邀请\"{}\"加入了群聊",
                    fresh
                        .iter()
                        .map(|m| m.nick_name.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                );
                (room_reply(0, fresh), Some(note))
            }
            "delmember" => {
                if group.is_owner != 1 {
                    return room_reply(1, Vec::new());
                }
                let del = list("DelMemberList");
                group
                    .member_list
                    .retain(|m| m.user_name == me || !del.contains(&m.user_name));
                group.member_count = group.member_list.len() as u32;
                (room_reply(0, Vec::new()), None)
            }
            "modtopic" => {
                let topic = text(body.get("NewTopic")).unwrap_or_default();
                if topic.is_empty() {
                    return room_reply(1, Vec::new());
                }
                group.nick_name = topic.clone();
                (
                    room_reply(0, Vec::new()),
                    Some(format!("你修改群名为“{topic}”")),
                )
            }
            "quitchatroom" => {
                acc.contacts.retain(|c| c.user_name != room);
                self.deliver(account, Event::Del(room), now);
                return room_reply(0, Vec::new());
            }
            _ => return room_reply(1, Vec::new()),
        };
        self.deliver(account, Event::Mod(room.clone()), now);
        if let Some(n) = note {
            self.system_note(account, &room, &n, now);
        }
        reply
    }
}
