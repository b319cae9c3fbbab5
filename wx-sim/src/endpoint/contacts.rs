//! Session start and contacts: webwxinit, webwxstatusnotify, webwxgetcontact, webwxbatchgetcontact.

use super::{int, text};
use crate::model::Contact;
use crate::poison;
use crate::session::SyncKey;
use crate::sim::{Req, Sim, json};
use crate::wire::json::{BaseResponse, bare, parse, to_body};
use http::Response;
use serde::Serialize;
use std::time::Instant;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct User {
    uin: u64,
    user_name: String,
    nick_name: String,
    head_img_url: String,
    remark_name: String,
    #[serde(rename = "PYInitial")]
    py_initial: String,
    #[serde(rename = "PYQuanPin")]
    py_quan_pin: String,
    #[serde(rename = "RemarkPYInitial")]
    remark_py_initial: String,
    #[serde(rename = "RemarkPYQuanPin")]
    remark_py_quan_pin: String,
    hide_input_bar_flag: u32,
    star_friend: u32,
    sex: u32,
    signature: String,
    app_account_flag: u32,
    verify_flag: u32,
    contact_flag: u32,
    web_wx_plugin_switch: u32,
    head_img_flag: u32,
    sns_flag: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Article {
    title: String,
    digest: String,
    cover: String,
    url: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct MpMsg {
    user_name: String,
    #[serde(rename = "MPArticleCount")]
    mp_article_count: u32,
    #[serde(rename = "MPArticleList")]
    mp_article_list: Vec<Article>,
    time: u64,
    nick_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Init {
    base_response: BaseResponse,
    count: usize,
    contact_list: Vec<Contact>,
    sync_key: SyncKey,
    user: User,
    chat_set: String,
    #[serde(rename = "SKey")]
    skey: String,
    client_version: u64,
    system_time: u64,
    gray_scale: u32,
    invite_start_count: u32,
    #[serde(rename = "MPSubscribeMsgCount")]
    mp_subscribe_msg_count: usize,
    #[serde(rename = "MPSubscribeMsgList")]
    mp_subscribe_msg_list: Vec<MpMsg>,
    click_report_interval: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Notify {
    base_response: BaseResponse,
    #[serde(rename = "MsgID")]
    msg_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ContactPage {
    base_response: BaseResponse,
    seq: u64,
    member_count: usize,
    member_list: Vec<Contact>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Batch {
    base_response: BaseResponse,
    count: usize,
    contact_list: Vec<Contact>,
}

/// The number of members past which groups need `invitemember` (webwxinit's InviteStartCount).
pub const INVITE_START_COUNT: u32 = 40;

impl Sim {
    pub(crate) fn init(&mut self, r: &Req<'_>, now: Instant) -> Response<Vec<u8>> {
        let Some(body) = parse(r.body) else {
            return json(bare(1200));
        };
        let idx = match self.auth_base(r, &body) {
            Ok(i) => i,
            Err(ret) => return json(bare(ret)),
        };
        if !self.ticket_ok(r, idx, &body) {
            return json(bare(1100));
        }
        let Some(s) = self.sessions.get_mut(idx) else {
            return json(bare(1100));
        };
        s.inited = true;
        let s = s.clone();
        let Some(acc) = self.world.accounts.get(s.account) else {
            return json(bare(1100));
        };
        // Groups not saved to contacts: only the first of them is among the recent chats.
        let first_unsaved = acc.unsaved_groups().next().map(|g| g.user_name.as_str());
        let recent: Vec<Contact> = acc
            .contacts
            .iter()
            .filter(|c| {
                c.user_name == "filehelper"
                    || (c.is_group() && (c.saved || Some(c.user_name.as_str()) == first_unsaved))
            })
            .chain(acc.friends().take(5))
            .chain(
                acc.contacts
                    .iter()
                    .filter(|c| c.verify_flag & 8 != 0)
                    .take(1),
            )
            .map(|c| c.for_session(&s.skey))
            .collect();
        let mut chat_set: String = recent.iter().map(|c| format!("{},", c.user_name)).collect();
        chat_set.push_str("filehelper,");
        let mp: Vec<MpMsg> = acc
            .contacts
            .iter()
            .filter(|c| c.verify_flag & 8 != 0)
            .take(1)
            .map(|c| MpMsg {
                user_name: c.user_name.clone(),
                mp_article_count: 1,
                mp_article_list: vec![Article {
                    title: "模拟推送".into(),
                    digest: "wx-sim".into(),
                    cover: "http://mmbiz.qpic.cn/mmbiz_jpg/sim/300".into(),
                    url: "http://mp.weixin.qq.com/s?__biz=sim".into(),
                }],
                time: s.login_s,
                nick_name: c.nick_name.clone(),
            })
            .collect();
        let me = acc.me.for_session(&s.skey);
        let acked = s.events.front().map(|(q, _)| q - 1).unwrap_or(s.seq);
        let reply = Init {
            base_response: BaseResponse::ok(),
            count: recent.len(),
            contact_list: recent,
            sync_key: s.init_key(acked),
            user: User {
                uin: s.uin,
                user_name: me.user_name,
                nick_name: me.nick_name,
                head_img_url: me.head_img_url,
                remark_name: String::new(),
                py_initial: String::new(),
                py_quan_pin: String::new(),
                remark_py_initial: String::new(),
                remark_py_quan_pin: String::new(),
                hide_input_bar_flag: 0,
                star_friend: 0,
                sex: me.sex,
                signature: me.signature,
                app_account_flag: 0,
                verify_flag: 0,
                contact_flag: 0,
                web_wx_plugin_switch: 0,
                head_img_flag: 1,
                sns_flag: me.sns_flag,
            },
            chat_set,
            skey: s.skey.clone(),
            client_version: 385_876_258,
            system_time: self.clock.secs(now),
            gray_scale: 1,
            invite_start_count: INVITE_START_COUNT,
            mp_subscribe_msg_count: mp.len(),
            mp_subscribe_msg_list: mp,
            click_report_interval: 600_000,
        };
        json(to_body(&reply))
    }

    pub(crate) fn statusnotify(&mut self, r: &Req<'_>, _now: Instant) -> Response<Vec<u8>> {
        let Some(body) = parse(r.body) else {
            return json(bare(1200));
        };
        if let Err(ret) = self.auth_base(r, &body) {
            return json(bare(ret));
        }
        if int(body.get("Code")).is_none() {
            return json(bare(1));
        }
        let msg_id = self.rng.msg_id().to_string();
        json(to_body(&Notify {
            base_response: BaseResponse::ok(),
            msg_id,
        }))
    }

    pub(crate) fn getcontact(&mut self, r: &Req<'_>, _now: Instant) -> Response<Vec<u8>> {
        let idx = match self.auth_cookie(r) {
            Ok(i) => i,
            Err(ret) => return json(bare(ret)),
        };
        let Some(s) = self.sessions.get(idx) else {
            return json(bare(1100));
        };
        let Some(acc) = self.world.accounts.get(s.account) else {
            return json(bare(1100));
        };
        let start =
            r.q.get("seq")
                .and_then(|q| q.parse::<usize>().ok())
                .unwrap_or(0);
        let page = self.cfg.contact_page.max(1);
        let mut poisoned = false;
        // The real server lists only the groups saved to contacts (peers.md item 10). `Seq`
        // (and the page poison) stay indices into the world's contacts: a page skips the
        // unsaved groups, its `Seq` is the index after the last one it holds.
        let taken: Vec<(usize, &Contact)> = acc
            .contacts
            .iter()
            .enumerate()
            .skip(start)
            .filter(|(_, c)| c.saved)
            .take(page)
            .collect();
        let next = taken.last().map_or(acc.contacts.len(), |(i, _)| i + 1);
        let list: Vec<Contact> = taken
            .into_iter()
            .map(|(i, c)| {
                let mut c = c.for_session(&s.skey);
                // The real shape (shared/fixtures/webwxgetcontact): a group comes with
                // MemberCount 0 and no members; they come only from webwxbatchgetcontact.
                c.member_list.clear();
                if c.is_group() {
                    c.member_count = 0;
                }
                if let Some(p) = self.page_poison(s.account, i) {
                    poison::mark(&mut c.nick_name, p);
                    poisoned = true;
                }
                c
            })
            .collect();
        let more = acc.contacts.iter().skip(next).any(|c| c.saved);
        let seq = if more { next as u64 } else { 0 };
        let mut body = to_body(&ContactPage {
            base_response: BaseResponse::ok(),
            seq,
            member_count: list.len(),
            member_list: list,
        });
        if poisoned {
            poison::apply(&mut body);
        }
        json(body)
    }

    pub(crate) fn batchgetcontact(&mut self, r: &Req<'_>, _now: Instant) -> Response<Vec<u8>> {
        let Some(body) = parse(r.body) else {
            return json(bare(1200));
        };
        let idx = match self.auth_base(r, &body) {
            Ok(i) => i,
            Err(ret) => return json(bare(ret)),
        };
        let Some(list) = body.get("List").and_then(|l| l.as_array()) else {
            return json(bare(1));
        };
        let Some(s) = self.sessions.get(idx) else {
            return json(bare(1100));
        };
        let Some(acc) = self.world.accounts.get(s.account) else {
            return json(bare(1100));
        };
        let mut out = Vec::new();
        for item in list {
            let Some(name) = text(item.get("UserName")) else {
                continue;
            };
            if let Some(c) = acc.contact(&name) {
                out.push(c.for_session(&s.skey));
            } else if let Some(p) = acc.person(&name) {
                let mut p = p.for_session(&s.skey);
                p.contact_flag = 0;
                let room =
                    text(item.get("EncryChatRoomId")).or_else(|| text(item.get("ChatRoomId")));
                if let Some(room) = room.filter(|r| !r.is_empty()) {
                    p.head_img_url.push_str(&format!("&chatroomid={room}"));
                }
                out.push(p);
            }
        }
        json(to_body(&Batch {
            base_response: BaseResponse::ok(),
            count: out.len(),
            contact_list: out,
        }))
    }
}
