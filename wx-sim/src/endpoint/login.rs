//! Login endpoints: jslogin, the QR image, the login poll, webwxnewloginpage, push login, logout.

use crate::clock::{self, cookie_date};
use crate::content::{Body, Route};
use crate::login::{Login, LoginPolicy, LoginState};
use crate::session::{Event, Session};
use crate::sim::{HeldKind, Reply, Req, Sim, respond};
use crate::wire::{cookie, js, json, media, query, xml};
use http::{HeaderValue, Response};
use serde::Serialize;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The only appid jslogin accepts.
pub const APPID: &str = "wx782c26e4c19acffb";
const REDIRECT_VALID: Duration = Duration::from_secs(300);

#[derive(Serialize)]
struct PushLogin {
    ret: String,
    msg: String,
    uuid: String,
}

impl Sim {
    fn new_uuid(&mut self) -> String {
        const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        format!("{}==", self.rng.string(B64, 10))
    }

    fn issue_login(&mut self, now: Instant) -> String {
        let uuid = self.new_uuid();
        let ticket = format!(
            "A{}",
            self.rng.string(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_",
                23
            )
        );
        let (auto_scan, auto_confirm) = match self.cfg.login.clone() {
            LoginPolicy::Manual => (None, None),
            LoginPolicy::Auto {
                scan_after,
                confirm_after,
                account,
            } => {
                let s = clock::after(now, scan_after);
                (Some((s, account)), Some(clock::after(s, confirm_after)))
            }
            LoginPolicy::EachAccount {
                scan_after,
                confirm_after,
            } => {
                let account = self.next_free_account();
                let s = clock::after(now, scan_after);
                (Some((s, account)), Some(clock::after(s, confirm_after)))
            }
        };
        self.logins.push(Login {
            uuid: uuid.clone(),
            created: now,
            expires: clock::after(now, self.cfg.qr_lifetime),
            account: None,
            scanned_at: None,
            confirmed_at: None,
            auto_scan,
            auto_confirm,
            reported_scan: false,
            ticket,
            scan_s: 0,
            redeemed: false,
            cancelled: false,
        });
        // Keep the table small under load: forget logins long gone.
        if self.logins.len() > 4096 {
            self.logins.drain(..1024);
            self.logins_settled = self.logins_settled.saturating_sub(1024);
        }
        uuid
    }

    /// The next account, round-robin from the last one handed out, without a live session
    /// (when every account has one, simply the next).
    fn next_free_account(&mut self) -> usize {
        let n = self.world.accounts.len().max(1);
        let start = self.next_account % n;
        let pick = (0..n)
            .map(|i| (start + i) % n)
            .find(|a| self.live_sessions(*a) == 0)
            .unwrap_or(start);
        self.next_account = pick + 1;
        pick
    }

    pub(crate) fn jslogin(&mut self, r: &Req<'_>, now: Instant) -> Response<Vec<u8>> {
        let form = query::Params::parse(&String::from_utf8_lossy(r.body));
        let appid = r.q.get("appid").or_else(|| form.get("appid"));
        if appid != Some(APPID) {
            return respond(
                200,
                "text/javascript",
                js::jslogin_err(400, "invalid appid").into_bytes(),
            );
        }
        let uuid = self.issue_login(now);
        let mut resp = respond(200, "text/javascript", js::jslogin_ok(&uuid).into_bytes());
        // The captured reply carries two Content-Type headers; keep both.
        resp.headers_mut().append(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=gbk"),
        );
        resp
    }

    pub(crate) fn qrcode(&self, uuid: &str, now: Instant) -> Response<Vec<u8>> {
        let known = self
            .logins
            .iter()
            .any(|l| l.uuid == uuid && l.state(now) != LoginState::Expired);
        if !known {
            return respond(404, "text/plain", Vec::new());
        }
        match media::qr_png(&format!("https://login.weixin.qq.com/l/{uuid}")) {
            Some(png) => respond(200, "image/png", png),
            None => respond(500, "text/plain", Vec::new()),
        }
    }

    pub(crate) fn login_poll(&mut self, r: &Req<'_>, now: Instant) -> Reply {
        let uuid = r.q.get("uuid").unwrap_or("").to_string();
        match self.login_ready(&uuid, now, false) {
            Some(resp) => Reply::Now(resp),
            None => self.hold(HeldKind::LoginPoll { uuid }, now),
        }
    }

    /// The login poll's answer if one is due (`timed_out`: the hold is over, say 408).
    pub(crate) fn login_ready(
        &mut self,
        uuid: &str,
        now: Instant,
        timed_out: bool,
    ) -> Option<Response<Vec<u8>>> {
        let base = self.cfg.base_url.clone();
        let clock = self.clock;
        let js_resp = |s: String| respond(200, "text/javascript", s.into_bytes());
        let Some(l) = self.logins.iter_mut().find(|l| l.uuid == uuid) else {
            return Some(js_resp(js::login_code(400)));
        };
        l.advance(now);
        match l.state(now) {
            LoginState::Confirmed => {
                if l.scan_s == 0 {
                    l.scan_s = l
                        .scanned_at
                        .map(|t| clock.secs(t))
                        .unwrap_or_else(|| clock.secs(now));
                }
                let uri = format!(
                    "{base}/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket={}@qrticket_0&uuid={}&lang=zh_CN&scan={}",
                    l.ticket, l.uuid, l.scan_s
                );
                Some(js_resp(js::login_confirmed(&uri)))
            }
            LoginState::Expired => Some(js_resp(js::login_code(400))),
            LoginState::Cancelled => {
                // 202 once (the official client's "cancelled" code), then the uuid is gone.
                let code = if l.reported_scan { 202 } else { 400 };
                l.reported_scan = false;
                l.expires = now;
                Some(js_resp(js::login_code(code)))
            }
            LoginState::Scanned if !l.reported_scan => {
                l.reported_scan = true;
                Some(js_resp(js::login_scanned(&media::base64(media::TINY_JPEG))))
            }
            _ if timed_out => Some(js_resp(js::login_code(408))),
            _ => None,
        }
    }

    pub(crate) fn newloginpage(&mut self, r: &Req<'_>, now: Instant) -> Response<Vec<u8>> {
        let status = if r.q.get("version") == Some("v2") {
            200
        } else {
            301
        };
        let xml_resp =
            |body: String| respond(status, "text/plain;charset=utf-8", body.into_bytes());
        let ticket = r.q.get("ticket").unwrap_or("");
        let ticket = ticket.strip_suffix("@qrticket_0").unwrap_or(ticket);
        let uuid = r.q.get("uuid").unwrap_or("");
        let found = self
            .logins
            .iter()
            .position(|l| l.uuid == uuid && l.ticket == ticket);
        let Some(li) = found else {
            return xml_resp(xml::login_err(-14, "ticket error"));
        };
        let Some(login) = self.logins.get(li).cloned() else {
            return xml_resp(xml::login_err(-14, "ticket error"));
        };
        let (Some(account), Some(confirmed)) = (login.account, login.confirmed_at) else {
            return xml_resp(xml::login_err(-14, "ticket error"));
        };
        if now.saturating_duration_since(confirmed) > REDIRECT_VALID {
            return xml_resp(xml::login_err(-14, "ticket expired"));
        }
        if self
            .world
            .accounts
            .get(account)
            .is_some_and(|a| a.refuse_login)
        {
            return xml_resp(xml::login_err(1203, xml::REFUSED_1203));
        }
        // A ticket redeemed again within its validity gives the same session (retries).
        let idx = match (
            login.redeemed,
            self.by_account.get(&account).and_then(|v| {
                v.iter()
                    .rev()
                    .copied()
                    .find(|&i| self.sessions.get(i).is_some_and(|s| s.ended.is_none()))
            }),
        ) {
            (true, Some(i)) => i,
            (true, None) => return xml_resp(xml::login_err(-14, "ticket error")),
            (false, _) => self.start_session(account, now),
        };
        if let Some(l) = self.logins.get_mut(li) {
            l.redeemed = true;
        }
        let Some(s) = self.sessions.get(idx) else {
            return xml_resp(xml::login_err(-1, ""));
        };
        let body = xml::login_ok(&xml::LoginXml {
            skey: &s.skey,
            sid: &s.sid,
            uin: s.uin,
            pass_ticket_encoded: &query::encode(&s.pass_ticket),
        });
        let mut resp = xml_resp(body);
        let cookies = self.session_cookies(idx, now, true);
        for c in cookies {
            if let Ok(v) = HeaderValue::from_str(&c) {
                resp.headers_mut().append(http::header::SET_COOKIE, v);
            }
        }
        resp
    }

    /// The Set-Cookie lines of a session (all of them at login; the session ones on sync).
    pub(crate) fn session_cookies(&self, idx: usize, now: Instant, login: bool) -> Vec<String> {
        let Some(s) = self.sessions.get(idx) else {
            return Vec::new();
        };
        let secure = self.cfg.base_url.starts_with("https://");
        let now_s = self.clock.secs(now);
        let short = cookie_date(now_s + 12 * 3600);
        let long = cookie_date(now_s + 10 * 365 * 86400);
        let mut v = vec![
            cookie::set_cookie("wxuin", &s.uin.to_string(), &short, None, secure),
            cookie::set_cookie("wxsid", &s.sid, &short, None, secure),
        ];
        if login {
            v.push(cookie::set_cookie(
                "wxloadtime",
                &s.login_s.to_string(),
                &short,
                None,
                secure,
            ));
            v.push(cookie::set_cookie("mm_lang", "zh_CN", &short, None, secure));
        }
        v.push(cookie::set_cookie(
            "webwx_data_ticket",
            &s.data_ticket,
            &short,
            None,
            secure,
        ));
        if login {
            let uvid = format!("{:032x}", s.uin.wrapping_mul(0x9E37_79B9));
            v.push(cookie::set_cookie("webwxuvid", &uvid, &long, None, secure));
            v.push(cookie::set_cookie(
                "webwx_auth_ticket",
                &format!("CIsBEM{}", s.data_ticket),
                &long,
                None,
                secure,
            ));
        } else {
            v.push(cookie::set_cookie(
                "wxpluginkey",
                &s.login_s.to_string(),
                &short,
                None,
                secure,
            ));
        }
        v
    }

    fn start_session(&mut self, account: usize, now: Instant) -> usize {
        // A new web login ends the account's other web sessions ("logged in elsewhere").
        self.end_sessions(account, 1101);
        if self.cfg.redraw_user_names && self.by_account.contains_key(&account) {
            let map = self.world.redraw_user_names(account, &mut self.rng);
            for f in self
                .friend_requests
                .iter_mut()
                .filter(|f| f.account == account)
            {
                if let Some(n) = map.get(&f.user_name) {
                    f.user_name = n.clone();
                }
            }
        }
        let uin = self.world.accounts.get(account).map(|a| a.uin).unwrap_or(0);
        const SID: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let sid = self.rng.string(SID, 16);
        let skey = format!("@crypt_{}_{}", self.rng.hex(8), self.rng.hex(32));
        let pass_ticket = format!(
            "{}+{}/{}=",
            self.rng.alnum(20),
            self.rng.alnum(12),
            self.rng.alnum(10)
        );
        let data_ticket = format!("gSc{}+{}", self.rng.alnum(40), self.rng.alnum(20));
        let login_s = self.clock.secs(now);
        self.sessions.push(Session {
            account,
            uin,
            sid,
            skey,
            prev_skey: None,
            pass_ticket,
            data_ticket,
            ended: None,
            events: VecDeque::new(),
            seq: 0,
            key_base: 600_000_000 + self.rng.below(100_000_000),
            login_s,
            last_msg_s: login_s,
            announce_skey: false,
            inited: false,
            started: now,
            client_logout: false,
            last_seen: now,
            poisoned: Default::default(),
        });
        let idx = self.sessions.len() - 1;
        self.index_session(idx);
        // The phone's chat list arrives first, as MsgType 51 / StatusNotifyCode 4.
        if let Some(acc) = self.world.accounts.get(account) {
            let mut names: Vec<&crate::model::Contact> = acc.contacts.iter().take(30).collect();
            // Every group not saved to contacts is in the list (the phone's chats are the
            // only way a client learns of them besides their messages).
            for g in acc.unsaved_groups() {
                if !names.iter().any(|c| c.user_name == g.user_name) {
                    names.push(g);
                }
            }
            let user = names
                .iter()
                .map(|c| c.user_name.as_str())
                .collect::<Vec<_>>()
                .join(",");
            let stable = names
                .iter()
                .map(|c| c.stable_name.as_str())
                .collect::<Vec<_>>()
                .join(",");
            let route = Route {
                from: acc.me.user_name.clone(),
                to: acc.me.user_name.clone(),
                group_sender: None,
            };
            let msg_id = self.rng.msg_id();
            let mut m = crate::content::build(
                &Body::StatusNotify { code: 4, user },
                &route,
                msg_id,
                login_s,
                "",
            );
            m.content = format!(
                "&lt;msg&gt;<br/>&lt;op id='4'&gt;<br/>&lt;username&gt;{stable}&lt;/username&gt;<br/>&lt;unreadchatlist&gt;<br/>&lt;/unreadchatlist&gt;<br/>&lt;unreadfunctionlist&gt;<br/>&lt;/unreadfunctionlist&gt;<br/>&lt;/op&gt;<br/>&lt;/msg&gt;"
            );
            if let Some(s) = self.sessions.get_mut(idx) {
                s.push(Event::Msg(Box::new(m)), login_s);
            }
        }
        idx
    }

    pub(crate) fn pushloginurl(&mut self, r: &Req<'_>, now: Instant) -> Response<Vec<u8>> {
        let uin = r.q.get("uin").and_then(|u| u.trim().parse::<u64>().ok());
        let account = uin.and_then(|u| self.world.accounts.iter().position(|a| a.uin == u));
        let remembered = account.is_some_and(|a| {
            let auth = cookie::get(&r.jar, "webwx_auth_ticket");
            let wxuin = cookie::get(&r.jar, "wxuin");
            self.sessions.iter().any(|s| {
                s.account == a
                    && (auth == Some(format!("CIsBEM{}", s.data_ticket).as_str())
                        || wxuin == Some(s.uin.to_string().as_str()))
            })
        });
        let reply = match (account, remembered) {
            (Some(acc), true) => {
                let uuid = self.issue_login(now);
                let confirm_after = match &self.cfg.login {
                    LoginPolicy::Auto { confirm_after, .. }
                    | LoginPolicy::EachAccount { confirm_after, .. } => Some(*confirm_after),
                    LoginPolicy::Manual => None,
                };
                if let Some(l) = self.logins.last_mut() {
                    l.scanned_at = Some(now);
                    l.account = Some(acc);
                    l.auto_scan = None;
                    l.auto_confirm = confirm_after.map(|d| clock::after(now, d));
                }
                PushLogin {
                    ret: "0".into(),
                    msg: "all ok".into(),
                    uuid,
                }
            }
            _ => PushLogin {
                ret: "1".into(),
                msg: "param error".into(),
                uuid: String::new(),
            },
        };
        respond(200, "text/plain", json::to_body(&reply))
    }

    pub(crate) fn logout(&mut self, r: &Req<'_>, _now: Instant) -> Response<Vec<u8>> {
        let form = query::Params::parse(&String::from_utf8_lossy(r.body));
        let sid = cookie::get(&r.jar, "wxsid")
            .map(str::to_string)
            .or_else(|| form.get("sid").map(str::to_string));
        let skey = r.q.get("skey").map(str::to_string);
        let idx = sid
            .and_then(|s| self.session_by_sid(&s))
            .or_else(|| skey.and_then(|k| self.sessions.iter().rposition(|s| s.skey == k)));
        if let Some(s) = idx.and_then(|i| self.sessions.get_mut(i))
            && s.ended.is_none()
        {
            s.ended = Some(1101);
            s.client_logout = true;
        }
        if let Some(i) = idx {
            self.touch(i);
        }
        let mut resp = respond(
            200,
            "text/html; charset=utf-8",
            b"<html><head></head><body></body></html>".to_vec(),
        );
        for name in ["wxuin", "wxsid", "webwx_data_ticket"] {
            let c = cookie::set_cookie(name, "", "Thu, 01-Jan-1970 00:00:00 GMT", None, false);
            if let Ok(v) = HeaderValue::from_str(&c) {
                resp.headers_mut().append(http::header::SET_COOKIE, v);
            }
        }
        resp
    }
}
