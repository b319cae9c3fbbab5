//! The endpoints of protocol.md, one file per group, as `impl Sim` blocks; shared checks here.

mod contacts;
mod control;
mod control_media;
mod control_sticky;
mod download;
mod login;
mod manage;
mod send;
mod sync;
mod upload;

pub(crate) use manage::friend_note;

use crate::sim::{Req, Sim};
use crate::wire::cookie;
use serde_json::Value;

/// A JSON value read as a string whether it was sent as a string or a number.
pub(crate) fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A JSON value read as an integer whether it was sent as a number or a string.
pub(crate) fn int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Sim {
    /// Index of the session whose wxsid is `sid`.
    pub(crate) fn session_by_sid(&self, sid: &str) -> Option<usize> {
        self.sid_index.get(sid).copied()
    }

    /// True when the request carries the session's wxsid and wxuin cookies.
    pub(crate) fn cookies_ok(&self, r: &Req<'_>, idx: usize) -> bool {
        let Some(s) = self.sessions.get(idx) else {
            return false;
        };
        cookie::get(&r.jar, "wxsid") == Some(s.sid.as_str())
            && cookie::get(&r.jar, "wxuin") == Some(s.uin.to_string().as_str())
    }

    /// Checks a JSON body's BaseRequest and the cookies: the session index, or the `Ret`
    /// the real server gives (1100 no such session, its end code, 1102 cookies missing).
    pub(crate) fn auth_base(&self, r: &Req<'_>, body: &Value) -> Result<usize, i64> {
        let br = body.get("BaseRequest").ok_or(1100)?;
        let sid = text(br.get("Sid")).ok_or(1100)?;
        let idx = self.session_by_sid(&sid).ok_or(1100)?;
        let s = self.sessions.get(idx).ok_or(1100)?;
        if let Some(code) = s.ended {
            return Err(i64::from(code));
        }
        let uin = text(br.get("Uin")).and_then(|u| u.trim().parse::<u64>().ok());
        if uin != Some(s.uin) {
            return Err(1100);
        }
        match text(br.get("Skey")) {
            Some(k) if s.skey_ok(&k) => {}
            // UOS-mode clients (itchat-uos 1.4.1) send `Skey: ""`: the real server then takes
            // the credentials from the wxsid/wxuin cookies alone (checked below).
            Some(k) if k.is_empty() => {}
            _ => return Err(1100),
        }
        if !self.cookies_ok(r, idx) {
            return Err(1102);
        }
        Ok(idx)
    }

    /// The `pass_ticket` check of webwxinit and webwxsync: a given ticket must be the
    /// session's, unless the request is a UOS-mode one (`BaseRequest.Skey` empty, credentials
    /// from the cookies), whose clients send their DeviceID there (itchat-uos 1.4.1).
    pub(crate) fn ticket_ok(&self, r: &Req<'_>, idx: usize, body: &Value) -> bool {
        let uos = body
            .get("BaseRequest")
            .and_then(|b| text(b.get("Skey")))
            .is_some_and(|k| k.is_empty());
        match r.q.get("pass_ticket") {
            Some(_) if uos => true,
            Some(pt) => self
                .sessions
                .get(idx)
                .is_some_and(|s| crate::wire::query::same_ticket(pt, &s.pass_ticket)),
            None => true,
        }
    }

    /// Finds the session of a GET request by its cookies (and `skey` when given).
    pub(crate) fn auth_cookie(&self, r: &Req<'_>) -> Result<usize, i64> {
        let sid = cookie::get(&r.jar, "wxsid").ok_or(1102)?;
        let idx = self.session_by_sid(sid).ok_or(1100)?;
        let s = self.sessions.get(idx).ok_or(1100)?;
        if let Some(code) = s.ended {
            return Err(i64::from(code));
        }
        if !self.cookies_ok(r, idx) {
            return Err(1102);
        }
        if let Some(k) = r.q.get("skey")
            && !k.is_empty()
            && !s.skey_ok(k)
        {
            return Err(1100);
        }
        Ok(idx)
    }
}
