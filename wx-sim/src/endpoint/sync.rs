//! Receiving: synccheck (held long poll) and webwxsync (AddMsgList, Mod/DelContactList, keys).

use crate::model::{DelContact, Message, ModContact};
use crate::pattern::{CheckMode, SyncMode};
use crate::poison::{self, Poison};
use crate::session::{Event, key1_of_json, key1_of_string};
use crate::sim::{HeldKind, Reply, Req, Sim, json, respond};
use crate::wire::json::{BaseResponse, bare, parse, to_body};
use crate::wire::{cookie, js};
use http::{HeaderValue, Response};
use serde::Serialize;
use std::time::Instant;

/// At most this many events per webwxsync; the rest wait (ContinueFlag 1).
const SYNC_BATCH: usize = 100;

#[derive(Serialize, Default)]
struct Buff {
    #[serde(rename = "Buff")]
    buff: String,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
struct Profile {
    bit_flag: u32,
    user_name: Buff,
    nick_name: Buff,
    bind_uin: u64,
    bind_email: Buff,
    bind_mobile: Buff,
    status: u32,
    sex: u32,
    personal_card: u32,
    alias: String,
    head_img_update_flag: u32,
    head_img_url: String,
    signature: String,
}

/// A webwxsync answer; `K` is the SyncKey as built (`SyncKey`) or echoed (a JSON value).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SyncReply<K> {
    base_response: BaseResponse,
    add_msg_count: usize,
    add_msg_list: Vec<Message>,
    mod_contact_count: usize,
    mod_contact_list: Vec<ModContact>,
    del_contact_count: usize,
    del_contact_list: Vec<DelContact>,
    mod_chat_room_member_count: usize,
    mod_chat_room_member_list: Vec<ModContact>,
    profile: Profile,
    continue_flag: u32,
    sync_key: K,
    #[serde(rename = "SKey")]
    skey: String,
    sync_check_key: K,
}

impl<K> SyncReply<K> {
    /// Nothing new: Ret 0, empty lists, these keys.
    fn empty(continue_flag: u32, sync_key: K, sync_check_key: K) -> Self {
        SyncReply {
            base_response: BaseResponse::ok(),
            add_msg_count: 0,
            add_msg_list: Vec::new(),
            mod_contact_count: 0,
            mod_contact_list: Vec::new(),
            del_contact_count: 0,
            del_contact_list: Vec::new(),
            mod_chat_room_member_count: 0,
            mod_chat_room_member_list: Vec::new(),
            profile: Profile::default(),
            continue_flag,
            sync_key,
            skey: String::new(),
            sync_check_key,
        }
    }
}

fn js_resp(s: String) -> Response<Vec<u8>> {
    respond(200, "text/javascript", s.into_bytes())
}

impl Sim {
    pub(crate) fn synccheck(&mut self, r: &Req<'_>, now: Instant) -> Reply {
        let sid = r.q.get("sid").unwrap_or("");
        let Some(idx) = self.session_by_sid(sid) else {
            return Reply::Now(js_resp(js::synccheck(1100, 0)));
        };
        let Some(s) = self.sessions.get(idx) else {
            return Reply::Now(js_resp(js::synccheck(1100, 0)));
        };
        if let Some(code) = s.ended {
            return Reply::Now(js_resp(js::synccheck(code, 0)));
        }
        let uin_ok = r.q.get("uin").and_then(|u| u.trim().parse::<u64>().ok()) == Some(s.uin);
        // An empty skey (UOS mode, itchat-uos) leaves the credentials to the cookies below.
        let skey_ok =
            r.q.get("skey")
                .is_some_and(|k| k.is_empty() || s.skey_ok(k));
        if !uin_ok || !skey_ok {
            return Reply::Now(js_resp(js::synccheck(1100, 0)));
        }
        if cookie::get(&r.jar, "wxsid").is_none() || !self.cookies_ok(r, idx) {
            return Reply::Now(js_resp(js::synccheck(1102, 0)));
        }
        let acked = s.events.front().map(|(q, _)| q - 1).unwrap_or(s.seq);
        let client_seq =
            r.q.get("synckey")
                .and_then(key1_of_string)
                .map(|k| s.seq_of(k))
                .unwrap_or(acked);
        if let Some(s) = self.sessions.get_mut(idx) {
            s.last_seen = now;
        }
        match self.synccheck_ready(idx, client_seq, false) {
            Some(resp) => Reply::Now(resp),
            None => self.hold(
                HeldKind::SyncCheck {
                    session: idx,
                    client_seq,
                },
                now,
            ),
        }
    }

    /// synccheck's answer if one is due: the session ended, events wait, or the hold is over.
    pub(crate) fn synccheck_ready(
        &self,
        idx: usize,
        client_seq: u64,
        timed_out: bool,
    ) -> Option<Response<Vec<u8>>> {
        let Some(s) = self.sessions.get(idx) else {
            return Some(js_resp(js::synccheck(1100, 0)));
        };
        if let Some(code) = s.ended {
            return Some(js_resp(js::synccheck(code, 0)));
        }
        let mode = self.patterns.check_mode(Some(s.account));
        if let CheckMode::Instant(sel) = mode {
            return Some(js_resp(js::synccheck(0, sel)));
        }
        match s.selector(client_seq) {
            0 if timed_out || mode == CheckMode::NoHold => Some(js_resp(js::synccheck(0, 0))),
            0 => None,
            sel => Some(js_resp(js::synccheck(0, sel))),
        }
    }

    pub(crate) fn sync(&mut self, r: &Req<'_>, now: Instant, redeliver: bool) -> Response<Vec<u8>> {
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
        s.last_seen = now;
        let acked = s.events.front().map(|(q, _)| q - 1).unwrap_or(s.seq);
        let client_seq = body
            .get("SyncKey")
            .and_then(key1_of_json)
            .map(|k| s.seq_of(k))
            .unwrap_or(acked);
        s.ack(client_seq);
        let mode = self.patterns.sync_mode(Some(s.account));
        if mode == SyncMode::Stuck {
            // The client's own keys back, nothing delivered: the events stay queued.
            let keys = match body.get("SyncKey") {
                Some(k) if k.is_object() => k.clone(),
                _ => serde_json::to_value(s.sync_key(client_seq.max(acked))).unwrap_or_default(),
            };
            let reply = SyncReply::empty(0, &keys, &keys);
            return self.with_cookies(json(to_body(&reply)), idx, now);
        }
        let batch: Vec<(u64, Event)> = s
            .events
            .iter()
            .filter(|(q, _)| *q > client_seq)
            .take(SYNC_BATCH)
            .cloned()
            .collect();
        let more = s.events.iter().filter(|(q, _)| *q > client_seq).count() > batch.len();
        let mut new_seq = batch
            .last()
            .map(|(q, _)| *q)
            .unwrap_or(client_seq.max(acked));
        if redeliver
            && let Some((q, _)) = batch.iter().rev().find(|(_, e)| matches!(e, Event::Msg(_)))
        {
            new_seq = q - 1;
        }
        let skey = if s.announce_skey {
            s.announce_skey = false;
            s.skey.clone()
        } else {
            String::new()
        };
        // Only what the reply needs: copying the whole session (its queue of pending events
        // included) on every webwxsync made a backlog cost its square.
        let (account, session_skey) = (s.account, s.skey.clone());
        let sync_key = s.sync_key(new_seq);
        if !self.poison.next.is_empty() {
            self.poison.claim(account, &mut s.poisoned, &batch);
        }
        let marks: Vec<Option<Poison>> = if s.poisoned.is_empty() {
            Vec::new()
        } else {
            batch
                .iter()
                .map(|(q, _)| s.poisoned.get(q).copied())
                .collect()
        };
        let acc = self.world.accounts.get(account);
        let owner = acc.map(|a| a.me.user_name.clone()).unwrap_or_default();
        let mut msgs = Vec::new();
        let mut mods = Vec::new();
        let mut dels = Vec::new();
        for (i, (_, e)) in batch.into_iter().enumerate() {
            let mark = marks.get(i).copied().flatten();
            match e {
                Event::Msg(mut m) => {
                    if let Some(p) = mark {
                        poison::mark(&mut m.content, p);
                    }
                    msgs.push(*m)
                }
                Event::Mod(name) => {
                    if let Some(c) = acc.and_then(|a| a.contact(&name)) {
                        let c = c.for_session(&session_skey);
                        let own = if c.is_owner == 1 { owner.as_str() } else { "" };
                        let mut m = ModContact::from_contact(&c, own);
                        if let Some(p) = mark {
                            poison::mark(&mut m.nick_name, p);
                        }
                        mods.push(m);
                    }
                }
                Event::ModGroup { group, members } => {
                    if let Some(c) = acc.and_then(|a| a.contact(&group)) {
                        let c = c.for_session(&session_skey);
                        let own = if c.is_owner == 1 { owner.as_str() } else { "" };
                        let mut m = ModContact::from_contact(&c, own);
                        if let Some(keep) = &members {
                            m.member_list.retain(|x| keep.contains(&x.user_name));
                        }
                        if let Some(p) = mark {
                            poison::mark(&mut m.nick_name, p);
                        }
                        mods.push(m);
                    }
                }
                Event::Del(name) => dels.push(DelContact {
                    user_name: name,
                    contact_flag: 0,
                }),
            }
        }
        let reply = SyncReply {
            base_response: BaseResponse::ok(),
            add_msg_count: msgs.len(),
            add_msg_list: msgs,
            mod_contact_count: mods.len(),
            mod_contact_list: mods,
            del_contact_count: dels.len(),
            del_contact_list: dels,
            mod_chat_room_member_count: 0,
            mod_chat_room_member_list: Vec::new(),
            profile: Profile::default(),
            continue_flag: u32::from(more || mode == SyncMode::Continue),
            sync_check_key: sync_key.clone(),
            sync_key,
            skey,
        };
        let mut body = to_body(&reply);
        if marks.iter().any(Option::is_some) {
            poison::apply(&mut body);
        }
        self.with_cookies(json(body), idx, now)
    }

    /// Adds the session cookies webwxsync sets.
    fn with_cookies(
        &self,
        mut resp: Response<Vec<u8>>,
        idx: usize,
        now: Instant,
    ) -> Response<Vec<u8>> {
        for c in self.session_cookies(idx, now, false) {
            if let Ok(v) = HeaderValue::from_str(&c) {
                resp.headers_mut().append(http::header::SET_COOKIE, v);
            }
        }
        resp
    }
}
