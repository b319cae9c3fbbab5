//! A small test-only webwx client (own code, written from protocol.md) that replays the
//! scenario table against the simulator in virtual time.
#![allow(dead_code, clippy::unwrap_used)]

use super::{API, BASE, Creds, H, Outcome, base_request, creds_of, enc, text};
use http::Method;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::{Duration, Instant};
use wx_sim::scenario::{Case, Expect, Progress, Runner};

/// What the client saw.
#[derive(Debug, Default)]
pub struct Seen {
    pub logged_in: bool,
    pub refused: Option<i64>,
    pub logged_out: Option<u32>,
    pub texts: Vec<String>,
    pub types: HashSet<u32>,
    pub ids: Vec<String>,
    pub duplicates_dropped: usize,
    pub contacts: usize,
    pub faults_survived: usize,
    pub requests: usize,
}

fn strip_prefix(content: &str) -> &str {
    match content.split_once(":<br/>") {
        Some((p, rest)) if p.starts_with('@') && !p.contains(' ') => rest,
        _ => content,
    }
}

fn unescape(s: &str) -> String {
    s.replace("<br/>", "\n")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

pub struct Replay<'c> {
    pub h: H,
    pub case: &'c Case,
    pub runner: Runner,
    pub seen: Seen,
    deadline: Instant,
}

impl<'c> Replay<'c> {
    pub fn new(case: &'c Case) -> Self {
        let h = H::new(case.config(BASE));
        let deadline = h.now + Duration::from_secs(1800);
        Replay {
            runner: Runner::new(case),
            h,
            case,
            seen: Seen::default(),
            deadline,
        }
    }

    fn step(&mut self) -> Option<Instant> {
        match self.runner.step(&mut self.h.sim, self.h.now) {
            Progress::Until(t) => Some(t),
            _ => None,
        }
    }

    /// One request; held ones let the scenario run meanwhile. `None`: the connection failed
    /// or the server said 5xx (the client backs off one second).
    fn call(&mut self, method: Method, pq: &str, body: Vec<u8>) -> Option<http::Response<Vec<u8>>> {
        self.seen.requests += 1;
        self.step();
        let req = self.h.request(method, pq, body);
        let runner = &mut self.runner;
        let out = self
            .h
            .send_with(req, |sim, now| match runner.step(sim, now) {
                Progress::Until(t) => Some(t),
                _ => None,
            });
        match out {
            Outcome::Answer(r) if r.status().is_server_error() => {
                self.seen.faults_survived += 1;
                self.h.now += Duration::from_secs(1);
                None
            }
            Outcome::Answer(r) => Some(r),
            Outcome::Dropped => {
                self.seen.faults_survived += 1;
                self.h.now += Duration::from_secs(1);
                None
            }
        }
    }

    fn post(&mut self, pq: &str, v: &Value) -> Option<Value> {
        let r = self.call(Method::POST, pq, serde_json::to_vec(v).unwrap())?;
        match serde_json::from_slice(r.body()) {
            Ok(v) => Some(v),
            Err(_) => {
                self.seen.faults_survived += 1;
                None
            }
        }
    }

    fn expired(&self) -> bool {
        self.h.now > self.deadline
    }

    fn login(&mut self) -> Option<Creds> {
        'qr: while !self.expired() {
            let r = self.call(
                Method::GET,
                "/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh_CN&_=1",
                Vec::new(),
            )?;
            let body = text(&r);
            let uuid = body
                .split("uuid = \"")
                .nth(1)?
                .trim_end_matches("\";")
                .to_string();
            let mut tip = 1;
            while !self.expired() {
                let Some(r) = self.call(
                    Method::GET,
                    &format!("{API}/login?loginicon=true&uuid={uuid}&tip={tip}&r=-1&_=1"),
                    Vec::new(),
                ) else {
                    continue;
                };
                tip = 0;
                let b = text(&r);
                if b.starts_with("window.code=408;") || b.starts_with("window.code=201;") {
                    continue;
                }
                if b.starts_with("window.code=400;") || b.starts_with("window.code=202;") {
                    continue 'qr;
                }
                let uri = b
                    .split("window.redirect_uri=\"")
                    .nth(1)?
                    .trim_end_matches("\";");
                let path = uri.strip_prefix(BASE)?.to_string();
                let r = self.call(
                    Method::GET,
                    &format!("{path}&fun=new&version=v2"),
                    Vec::new(),
                )?;
                let xml = text(&r);
                let ret: i64 = super::xml_field(&xml, "ret")?.parse().ok()?;
                if ret != 0 {
                    self.seen.refused = Some(ret);
                    return None;
                }
                return Some(creds_of(&xml));
            }
        }
        None
    }

    pub fn run(mut self) -> (Seen, H) {
        let Some(mut creds) = self.login() else {
            return (self.seen, self.h);
        };
        let pt = creds.pass_ticket.clone();
        let init = loop {
            if self.expired() {
                return (self.seen, self.h);
            }
            if let Some(v) = self.post(
                &format!("{API}/webwxinit?r=-1&lang=zh_CN&pass_ticket={}", enc(&pt)),
                &json!({"BaseRequest": base_request(&creds)}),
            ) {
                break v;
            }
        };
        let ret = init["BaseResponse"]["Ret"].as_i64().unwrap_or(-1);
        if ret != 0 {
            self.seen.logged_out = Some(ret as u32);
            return (self.seen, self.h);
        }
        self.seen.logged_in = true;
        creds.user_name = init["User"]["UserName"].as_str().unwrap_or("").to_string();
        let mut sync_key = init["SyncKey"].clone();
        let mut check_key = init["SyncKey"].clone();
        self.post(&format!("{API}/webwxstatusnotify?lang=zh_CN&pass_ticket={}", enc(&pt)), &json!({"BaseRequest": base_request(&creds), "Code": 3, "FromUserName": creds.user_name, "ToUserName": creds.user_name, "ClientMsgId": 1}));
        let mut seq = 0u64;
        loop {
            let Some(r) = self.call(
                Method::GET,
                &format!(
                    "{API}/webwxgetcontact?lang=zh_CN&pass_ticket={}&r=1&seq={seq}&skey={}",
                    enc(&pt),
                    creds.skey
                ),
                Vec::new(),
            ) else {
                continue;
            };
            let Ok(v) = serde_json::from_slice::<Value>(r.body()) else {
                continue;
            };
            self.seen.contacts += v["MemberList"].as_array().map_or(0, Vec::len);
            seq = v["Seq"].as_u64().unwrap_or(0);
            if seq == 0 {
                break;
            }
        }
        let mut replied = false;
        let wants_logout = self.case.expect.contains(&Expect::ClientLoggedOut);
        let mut known: HashSet<String> = HashSet::new();
        while !self.expired() {
            if self.runner.remaining() == 0 && self.satisfied() {
                break;
            }
            let keystr: String = check_key["List"]
                .as_array()
                .unwrap()
                .iter()
                .map(|kv| format!("{}_{}", kv["Key"], kv["Val"]))
                .collect::<Vec<_>>()
                .join("|");
            let pq = format!(
                "{API}/synccheck?r=1&skey={}&sid={}&uin={}&deviceid=e1&synckey={}&_=1",
                enc(&creds.skey),
                enc(&creds.sid),
                creds.uin,
                enc(&keystr)
            );
            let Some(r) = self.call(Method::GET, &pq, Vec::new()) else {
                continue;
            };
            let b = text(&r);
            let Some(rest) = b.strip_prefix("window.synccheck={retcode:\"") else {
                self.seen.faults_survived += 1;
                continue;
            };
            let (retcode, rest) = rest.split_once('"').unwrap();
            let selector = rest
                .trim_start_matches(",selector:\"")
                .trim_end_matches("\"}");
            if retcode != "0" {
                self.seen.logged_out = Some(retcode.parse().unwrap());
                break;
            }
            if selector == "0" {
                continue;
            }
            let Some(v) = self.post(
                &format!(
                    "{API}/webwxsync?sid={}&skey={}&lang=zh_CN&pass_ticket={}",
                    enc(&creds.sid),
                    creds.skey,
                    enc(&pt)
                ),
                &json!({"BaseRequest": base_request(&creds), "SyncKey": sync_key, "rr": -1}),
            ) else {
                continue;
            };
            let ret = v["BaseResponse"]["Ret"].as_i64().unwrap_or(-1);
            if ret != 0 {
                self.seen.logged_out = Some(ret as u32);
                break;
            }
            if v["SyncKey"]["Count"].as_u64().unwrap_or(0) > 0 {
                sync_key = v["SyncKey"].clone();
            }
            if v["SyncCheckKey"]["Count"].as_u64().unwrap_or(0) > 0 {
                check_key = v["SyncCheckKey"].clone();
            }
            if let Some(k) = v["SKey"].as_str().filter(|k| !k.is_empty()) {
                creds.skey = k.to_string();
            }
            for m in v["AddMsgList"].as_array().unwrap() {
                let id = m["MsgId"].as_str().unwrap().to_string();
                assert_eq!(m["NewMsgId"].as_u64().unwrap().to_string(), id);
                if !known.insert(id.clone()) {
                    self.seen.duplicates_dropped += 1;
                    continue;
                }
                self.seen.ids.push(id);
                let t = m["MsgType"].as_u64().unwrap() as u32;
                self.seen.types.insert(t);
                if t == 1 {
                    let content = unescape(strip_prefix(m["Content"].as_str().unwrap()));
                    if content == "ping" && !replied {
                        replied = true;
                        let to = m["FromUserName"].as_str().unwrap().to_string();
                        self.post(&format!("{API}/webwxsendmsg?lang=zh_CN&pass_ticket={}", enc(&pt)), &json!({"BaseRequest": base_request(&creds), "Msg": {"Type": 1, "Content": "pong", "FromUserName": creds.user_name, "ToUserName": to, "LocalID": "17000000000000001", "ClientMsgId": "17000000000000001"}, "Scene": 0}));
                    }
                    self.seen.texts.push(content);
                }
            }
        }
        if wants_logout && self.seen.logged_out.is_none() {
            let form = format!("sid={}&uin={}", enc(&creds.sid), creds.uin);
            self.call(
                Method::POST,
                &format!(
                    "{API}/webwxlogout?redirect=1&type=0&skey={}",
                    enc(&creds.skey)
                ),
                form.into_bytes(),
            );
        }
        (self.seen, self.h)
    }

    fn satisfied(&self) -> bool {
        self.case.expect.iter().all(|e| {
            check(e, &self.seen)
                || matches!(
                    e,
                    Expect::ClientLoggedOut | Expect::SentAtLeast(_) | Expect::UuidsAtLeast(_)
                )
        })
    }
}

/// Whether the client-side expectation holds for what the client saw.
pub fn check(e: &Expect, seen: &Seen) -> bool {
    match e {
        Expect::LoggedIn => seen.logged_in,
        Expect::LoginRefused(ret) => seen.refused == Some(*ret),
        Expect::LoggedOut(code) => seen.logged_out == Some(*code),
        Expect::ReceivedText(t) => seen.texts.iter().filter(|x| *x == t).count() == 1,
        Expect::ReceivedTypes(ts) => ts.iter().all(|t| seen.types.contains(t)),
        Expect::ContactsAtLeast(n) => seen.contacts >= *n,
        Expect::NoDuplicates => {
            let set: HashSet<_> = seen.ids.iter().collect();
            set.len() == seen.ids.len()
        }
        Expect::UuidsAtLeast(_) | Expect::SentAtLeast(_) | Expect::ClientLoggedOut => true,
    }
}
