//! The sans-IO simulator: world state, `handle(request, now)`, held long polls and the knobs.

use crate::clock::{self, Clock};
use crate::fault::{Fault, FaultRule, GARBAGE};
use crate::login::{Login, LoginPolicy};
use crate::pattern::Patterns;
use crate::poison::PoisonState;
use crate::rng::Rng;
use crate::session::Session;
use crate::stats::AccountCounts;
use crate::wire::cookie;
use crate::wire::query::Params;
use crate::world::{World, WorldSpec};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant, SystemTime};

/// Settings of a simulator.
#[derive(Debug, Clone)]
pub struct Config {
    /// The base URL clients reach the simulator on, e.g. `http://127.0.0.1:8080`. Every host
    /// family (login, main, file, webpush) is served there; `redirect_uri` points back at it.
    pub base_url: String,
    /// The world to generate.
    pub world: WorldSpec,
    /// How QR logins get scanned and confirmed.
    pub login: LoginPolicy,
    /// How long a long poll (login poll, synccheck) is held: about 25 s on the real server.
    pub poll_hold: Duration,
    /// How long a uuid lives unconfirmed before the poll says 400.
    pub qr_lifetime: Duration,
    /// Contacts per webwxgetcontact page (`Seq` paging).
    pub contact_page: usize,
    /// Messages a client sends come back to its own session through webwxsync.
    pub echo_sent: bool,
    /// Revoking is allowed this long after sending (2 minutes).
    pub revoke_window: Duration,
    /// Serve the `/__sim/` control API.
    pub control_api: bool,
    /// Push a text from a friend to every live session at this interval (load tests).
    pub steady_rate: Option<Duration>,
    /// With `steady_rate`: spread the pushes over the interval instead of pushing to every
    /// session at once. Account `a` of `n` gets its text at offset `a × rate / n` in every
    /// period (when it has a live session), and the text is `steady @<µs>`, the push's
    /// Unix time in microseconds, so a client on the same machine can measure the delay
    /// from the push to its event.
    pub steady_spread: bool,
    /// Seed for ids and tickets.
    pub seed: u64,
    /// Draw new UserNames at every login, as the real server does (off: fixed per world).
    pub redraw_user_names: bool,
    /// End a session with 1100 when it has not polled (synccheck or webwxsync) for this long;
    /// `None`: sessions never expire by themselves.
    pub idle_timeout: Option<Duration>,
    /// Gzip `text/plain` replies (JSON, the login XML) when the request accepts gzip, as the
    /// real server does.
    pub gzip: bool,
    /// What uploads may make the simulator hold, and the sizes it refuses.
    pub media: crate::limits::MediaLimits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            base_url: "http://127.0.0.1:8080".into(),
            world: WorldSpec::default(),
            login: LoginPolicy::Manual,
            poll_hold: Duration::from_secs(25),
            qr_lifetime: Duration::from_secs(240),
            contact_page: 500,
            echo_sent: true,
            revoke_window: Duration::from_secs(120),
            control_api: true,
            steady_rate: None,
            steady_spread: false,
            seed: 7,
            redraw_user_names: true,
            gzip: true,
            idle_timeout: None,
            media: crate::limits::MediaLimits::default(),
        }
    }
}

/// Names a request the simulator is holding (a long poll).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HeldId(pub u64);

/// Which held requests may have an answer now: what [`Sim::take_wakes`] returns, so a server
/// wakes only those instead of every held request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wakes {
    /// Nothing held changed.
    None,
    /// Anything may have changed (a knob, a control request): poll every held request.
    All,
    /// Only these.
    Some(Vec<HeldId>),
}

/// What to do with a request.
#[derive(Debug)]
pub enum Reply {
    /// Answer now.
    Now(Response<Vec<u8>>),
    /// Answer at this instant (an injected delay).
    Later(Response<Vec<u8>>, Instant),
    /// A long poll: call `Sim::poll_held` after events, and at `Sim::wake_at` at the latest.
    Held(HeldId),
    /// Close the connection without an answer (an injected fault).
    Drop,
}

#[derive(Debug, Clone)]
pub(crate) enum HeldKind {
    LoginPoll { uuid: String },
    SyncCheck { session: usize, client_seq: u64 },
}

#[derive(Debug, Clone)]
pub(crate) struct Held {
    pub kind: HeldKind,
    pub deadline: Instant,
    pub post: Option<Fault>,
}

pub use crate::blob::{Blob, BlobBytes};

/// A message a client sent, as the simulator recorded it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Sent {
    /// Account index of the sender.
    pub account: usize,
    /// The endpoint (`webwxsendmsg`, `webwxsendmsgimg`, …).
    pub endpoint: String,
    /// The MsgID the server assigned.
    pub msg_id: String,
    /// LocalID / ClientMsgId as sent (stringified).
    pub local_id: String,
    /// ToUserName.
    pub to: String,
    /// Msg.Type.
    pub msg_type: i64,
    /// Msg.Content.
    pub content: String,
    /// Msg.MediaId.
    pub media_id: String,
    /// Unix ms when received.
    pub at_ms: u64,
    /// Revoked later.
    pub revoked: bool,
    /// The body's `Scene` (0 a normal send, 2 a forward).
    pub scene: i64,
    /// Msg.Signature (from webwxcheckupload, on file sends), empty when absent.
    pub signature: String,
    /// Msg.EMoticonMd5 (emoticon sends by md5), empty when absent.
    pub emoticon_md5: String,
}

/// A pending friend request (MsgType 37) that webwxverifyuser can accept.
#[derive(Debug, Clone)]
pub(crate) struct FriendRequest {
    pub account: usize,
    pub user_name: String,
    pub nick: String,
    pub ticket: String,
}

/// Errors of the knobs (never of `handle`: protocol trouble becomes a reply).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// No such account index.
    #[error("no such account")]
    NoAccount,
    /// No such uuid, or not in a state for this.
    #[error("no such login")]
    NoLogin,
    /// The sender or group named does not exist.
    #[error("no such contact or group")]
    NoContact,
    /// A pushed medium larger than the simulator serves (see [`crate::blob`]).
    #[error("{what} is {asked}, over the limit of {limit}: push a smaller one")]
    MediaTooLarge {
        /// What was too large (`video size`, `voice ms`, …).
        what: &'static str,
        /// The value asked for.
        asked: u64,
        /// The largest value accepted.
        limit: u64,
    },
}

/// Where a pushed message comes from.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct Push {
    /// Account index (default 0).
    #[serde(default)]
    pub account: usize,
    /// A friend's UserName, or a decimal index into the friends (default: the first friend).
    /// In a group: the member's UserName or index among the other members.
    #[serde(default)]
    pub from: Option<String>,
    /// A group's UserName or index: the message is said in that group.
    #[serde(default)]
    pub group: Option<String>,
}

/// The simulated server.
#[derive(Debug)]
pub struct Sim {
    pub(crate) cfg: Config,
    pub(crate) clock: Clock,
    pub(crate) rng: Rng,
    pub(crate) world: World,
    pub(crate) logins: Vec<Login>,
    /// The first this many logins are settled (see `Login::settled`): `advance` skips them.
    pub(crate) logins_settled: usize,
    pub(crate) sessions: Vec<Session>,
    pub(crate) held: BTreeMap<HeldId, Held>,
    pub(crate) next_held: u64,
    pub(crate) faults: Vec<FaultRule>,
    pub(crate) blobs: HashMap<String, Blob>,
    pub(crate) sent: Vec<Sent>,
    pub(crate) friend_requests: Vec<FriendRequest>,
    pub(crate) next_steady: Option<Instant>,
    /// Spread steady load: the start of the schedule and the next slot (slot `k` is account
    /// `k % n` at `start + k × rate / n`).
    pub(crate) steady_start: Instant,
    pub(crate) steady_slot: u64,
    /// Session index by wxsid.
    pub(crate) sid_index: HashMap<String, usize>,
    /// Session indexes of each account, oldest first.
    pub(crate) by_account: HashMap<usize, Vec<usize>>,
    /// Held synccheck requests by session index.
    pub(crate) held_by_session: HashMap<usize, Vec<HeldId>>,
    /// Sessions whose held synccheck may have an answer now.
    pub(crate) touched: Vec<usize>,
    /// Anything may have changed: wake every held request.
    pub(crate) wake_all: bool,
    /// Round-robin cursor of `LoginPolicy::EachAccount`.
    pub(crate) next_account: usize,
    pub(crate) served: u64,
    pub(crate) served_by: BTreeMap<String, u64>,
    pub(crate) account_counts: AccountCounts,
    /// Sticky misbehaviour (`pattern.rs`) and poisoned elements (`poison.rs`).
    pub(crate) patterns: Patterns,
    pub(crate) poison: PoisonState,
    /// Unfinished uploads, finished ones and checkupload answers (`upload.rs`).
    pub(crate) partials: crate::upload::Partials,
    pub(crate) registry: crate::upload::Registry,
    /// Why recent uploads and sends were refused (`refusal.rs`).
    pub(crate) refusals: crate::refusal::RefusalLog,
    /// Generated download bytes in flight (`blob.rs`).
    pub(crate) generated: crate::blob::Generated,
    /// The md5 of every sticker pushed, lowercase (webwxsendemoticon by `EMoticonMd5`).
    pub(crate) stickers: std::collections::HashSet<String>,
    /// Download misbehaviour knobs (`media_knobs.rs`).
    pub(crate) media_knobs: crate::media_knobs::MediaKnobs,
    /// Gone groups and failing members (`group_knobs.rs`).
    pub(crate) group_knobs: crate::group_knobs::GroupKnobs,
}

pub(crate) const API: &str = "/cgi-bin/mmwebwx-bin/";

/// A parsed request, as the endpoint functions see it.
pub(crate) struct Req<'a> {
    pub method: &'a Method,
    pub q: Params,
    pub jar: Vec<(String, String)>,
    pub headers: &'a http::HeaderMap,
    pub body: &'a [u8],
}

/// Builds a response; header values that cannot be represented are left out.
pub(crate) fn respond(status: u16, content_type: &str, body: Vec<u8>) -> Response<Vec<u8>> {
    let mut r = Response::new(body);
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert(http::header::CONTENT_TYPE, v);
    }
    r
}

/// A JSON API answer (`text/plain`, as the real server labels it).
pub(crate) fn json(body: Vec<u8>) -> Response<Vec<u8>> {
    respond(200, "text/plain", body)
}

impl Sim {
    /// A simulator with a freshly generated world; `now` and `wall` name the same instant.
    pub fn new(cfg: Config, now: Instant, wall: SystemTime) -> Sim {
        let world = World::generate(&cfg.world);
        let next_steady = cfg.steady_rate.map(|d| clock::after(now, d));
        Sim {
            rng: Rng::new(cfg.seed),
            clock: Clock::new(now, wall),
            world,
            logins: Vec::new(),
            logins_settled: 0,
            sessions: Vec::new(),
            held: BTreeMap::new(),
            next_held: 1,
            faults: Vec::new(),
            blobs: HashMap::new(),
            sent: Vec::new(),
            friend_requests: Vec::new(),
            next_steady,
            steady_start: now,
            steady_slot: 0,
            sid_index: HashMap::new(),
            by_account: HashMap::new(),
            held_by_session: HashMap::new(),
            touched: Vec::new(),
            wake_all: false,
            next_account: 0,
            served: 0,
            served_by: BTreeMap::new(),
            account_counts: AccountCounts::default(),
            patterns: Patterns::default(),
            poison: PoisonState::default(),
            partials: Default::default(),
            registry: Default::default(),
            refusals: Default::default(),
            generated: Default::default(),
            stickers: Default::default(),
            media_knobs: Default::default(),
            group_knobs: Default::default(),
            cfg,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Changes the base URL (the server learns its port after binding).
    pub fn set_base_url(&mut self, base: &str) {
        self.cfg.base_url = base.trim_end_matches('/').to_string();
    }

    /// The world (accounts, contacts, groups).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The world, to script it (e.g. set `refuse_login`).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// Messages clients have sent, oldest first.
    pub fn sent(&self) -> &[Sent] {
        &self.sent
    }

    /// Requests answered or held so far.
    pub fn served(&self) -> u64 {
        self.served
    }

    /// Requests received per endpoint (last path segment).
    pub fn served_by(&self) -> &BTreeMap<String, u64> {
        &self.served_by
    }

    /// Re-anchors the wall clock: `now` is `wall`. A server calls it now and then so that
    /// Unix times (the steady texts' stamps) follow the system clock rather than drift with
    /// the monotonic one.
    pub fn set_wall(&mut self, now: Instant, wall: SystemTime) {
        self.clock = Clock::new(now, wall);
    }

    /// Which held requests may have an answer since the last call (events queued for their
    /// session, a session ended, or anything after a knob or control request). A server
    /// polls those (and every held request at its [`Sim::wake_at`] anyway).
    pub fn take_wakes(&mut self) -> Wakes {
        if std::mem::take(&mut self.wake_all) {
            self.touched.clear();
            return Wakes::All;
        }
        if self.touched.is_empty() {
            return Wakes::None;
        }
        let mut ids = Vec::new();
        for i in std::mem::take(&mut self.touched) {
            if let Some(held) = self.held_by_session.get(&i) {
                ids.extend(held.iter().copied());
            }
        }
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            Wakes::None
        } else {
            Wakes::Some(ids)
        }
    }

    /// Marks session `idx` as changed for [`Sim::take_wakes`].
    pub(crate) fn touch(&mut self, idx: usize) {
        if self.held_by_session.contains_key(&idx) {
            self.touched.push(idx);
        }
    }

    /// Adds the newest session to the indexes.
    pub(crate) fn index_session(&mut self, idx: usize) {
        if let Some(s) = self.sessions.get(idx) {
            self.sid_index.insert(s.sid.clone(), idx);
            self.by_account.entry(s.account).or_default().push(idx);
        }
    }

    /// Decides the reply to one request at `now`.
    pub fn handle(&mut self, req: &Request<Vec<u8>>, now: Instant) -> Reply {
        let mut reply = self.handle_shared(req, now);
        crate::shared_body::materialize_reply(&mut reply);
        reply
    }

    /// [`Sim::handle`], but a download's bytes may stay shared with the store: such an
    /// answer has an empty body and a [`SharedBody`](crate::shared_body::SharedBody) in its
    /// extensions (its `Content-Length` header gives the length). The loopback server uses
    /// it so that concurrent large downloads share one buffer.
    pub fn handle_shared(&mut self, req: &Request<Vec<u8>>, now: Instant) -> Reply {
        self.served += 1;
        self.advance(now);
        let path = req.uri().path().to_string();
        let q = Params::parse(req.uri().query().unwrap_or(""));
        let r = Req {
            method: req.method(),
            q,
            jar: cookie::jar(req.headers()),
            headers: req.headers(),
            body: req.body(),
        };
        if let Some(rest) = path.strip_prefix("/__sim/")
            && self.cfg.control_api
        {
            self.wake_all = true;
            return Reply::Now(self.control(rest, &r, now));
        }
        let endpoint = endpoint_name(&path);
        // The endpoints of a running session mark what they change (`touch`); after any
        // other, every held request is looked at again.
        if !matches!(
            endpoint.as_str(),
            "synccheck"
                | "webwxsync"
                | "login"
                | "jslogin"
                | "webwxnewloginpage"
                | "webwxinit"
                | "webwxstatusnotify"
                | "webwxgetcontact"
                | "webwxbatchgetcontact"
                | "webwxsendmsg"
                | "webwxgeticon"
                | "webwxgetheadimg"
                | "qrcode"
        ) {
            self.wake_all = true;
        }
        let counter = self.counter_name(&endpoint);
        match self.served_by.get_mut(counter) {
            Some(n) => *n += 1,
            None => {
                self.served_by.insert(counter.to_string(), 1);
            }
        }
        let account = self.request_account(&r);
        if let Some(a) = account {
            self.account_counts.count(a, counter);
        }
        let fault = self
            .take_fault(&endpoint)
            .or_else(|| self.patterns.fault(&endpoint, account));
        match &fault {
            Some(Fault::Drop) => return Reply::Drop,
            Some(Fault::Status { code }) => {
                return Reply::Now(respond(*code, "text/html", Vec::new()));
            }
            Some(Fault::Ret { ret }) => return Reply::Now(self.ret_reply(&endpoint, *ret)),
            _ => {}
        }
        let mut reply = self.route(&path, &endpoint, &r, now, fault.as_ref());
        if let Reply::Now(resp) = &mut reply
            && self.cfg.gzip
            && accepts_gzip(req.headers())
            && !resp.headers().contains_key(http::header::CONTENT_LENGTH)
        {
            crate::wire::gzip::encode_text(resp);
        }
        if let (Reply::Now(resp), Some(Fault::Truncate { .. } | Fault::Garbage)) =
            (&mut reply, &fault)
        {
            crate::shared_body::materialize(resp);
        }
        match (reply, fault) {
            (Reply::Now(resp), Some(f)) => apply_post(resp, &f, now),
            (Reply::Held(id), Some(f)) => {
                if let Some(h) = self.held.get_mut(&id) {
                    h.post = Some(f);
                }
                Reply::Held(id)
            }
            (reply, _) => reply,
        }
    }

    fn route(
        &mut self,
        path: &str,
        endpoint: &str,
        r: &Req<'_>,
        now: Instant,
        fault: Option<&Fault>,
    ) -> Reply {
        if path == "/jslogin" || path == "/jslogin/" {
            return Reply::Now(self.jslogin(r, now));
        }
        if let Some(uuid) = path.strip_prefix("/qrcode/") {
            return Reply::Now(self.qrcode(uuid, now));
        }
        if let Some(uuid) = path.strip_prefix("/l/") {
            return Reply::Now(respond(
                200,
                "text/html; charset=utf-8",
                format!("<html><body>scan {uuid} with WeChat</body></html>").into_bytes(),
            ));
        }
        if !matches!(*r.method, Method::GET | Method::POST | Method::HEAD) {
            return Reply::Now(respond(405, "text/plain", Vec::new()));
        }
        if !path.starts_with(API) {
            if path == "/" {
                return Reply::Now(respond(
                    200,
                    "text/html; charset=utf-8",
                    b"<html><body>wx-sim</body></html>".to_vec(),
                ));
            }
            return Reply::Now(respond(404, "text/plain", Vec::new()));
        }
        let redeliver = matches!(fault, Some(Fault::Redeliver));
        match endpoint {
            "login" => self.login_poll(r, now),
            "webwxnewloginpage" => Reply::Now(self.newloginpage(r, now)),
            "webwxpushloginurl" => Reply::Now(self.pushloginurl(r, now)),
            "webwxlogout" => Reply::Now(self.logout(r, now)),
            "webwxinit" => Reply::Now(self.init(r, now)),
            "webwxstatusnotify" => Reply::Now(self.statusnotify(r, now)),
            "webwxgetcontact" => Reply::Now(self.getcontact(r, now)),
            "webwxbatchgetcontact" => Reply::Now(self.batchgetcontact(r, now)),
            "synccheck" => self.synccheck(r, now),
            "webwxsync" => Reply::Now(self.sync(r, now, redeliver)),
            "webwxsendmsg" | "webwxsendmsgimg" | "webwxsendvideomsg" | "webwxsendappmsg"
            | "webwxsendemoticon" => Reply::Now(self.send(endpoint, r, now)),
            "webwxuploadmedia" => Reply::Now(self.upload(r, now)),
            "webwxcheckupload" => Reply::Now(self.checkupload(r, now)),
            "webwxrevokemsg" => Reply::Now(self.revoke(r, now)),
            "webwxgetmsgimg"
            | "webwxgetvoice"
            | "webwxgetvideo"
            | "webwxgetmedia"
            | "webwxgeticon"
            | "webwxgetheadimg"
            | "webwxgetpubliclinkimg" => Reply::Now(self.download(endpoint, r, now)),
            "webwxoplog" => Reply::Now(self.oplog(r, now)),
            "webwxverifyuser" => Reply::Now(self.verifyuser(r, now)),
            "webwxcreatechatroom" => Reply::Now(self.createchatroom(r, now)),
            "webwxupdatechatroom" => Reply::Now(self.updatechatroom(r, now)),
            "webwxstatreport" => Reply::Now(json(crate::wire::json::bare(0))),
            _ => Reply::Now(respond(404, "text/plain", Vec::new())),
        }
    }

    fn ret_reply(&self, endpoint: &str, ret: i64) -> Response<Vec<u8>> {
        match endpoint {
            "synccheck" => respond(
                200,
                "text/javascript",
                crate::wire::js::synccheck(ret.max(0) as u32, 0).into_bytes(),
            ),
            "login" => respond(
                200,
                "text/javascript",
                crate::wire::js::login_code(ret.max(0) as u32).into_bytes(),
            ),
            _ => json(crate::wire::json::bare(ret)),
        }
    }

    /// The account of the request's session: its `wxsid` cookie, else its `sid` parameter.
    fn request_account(&self, r: &Req<'_>) -> Option<usize> {
        let sid = cookie::get(&r.jar, "wxsid").or_else(|| r.q.get("sid"))?;
        let idx = self.session_by_sid(sid)?;
        self.sessions.get(idx).map(|s| s.account)
    }

    fn take_fault(&mut self, endpoint: &str) -> Option<Fault> {
        if let Some(f) = self.media_knobs.take_nth(endpoint) {
            return Some(f);
        }
        let i = self
            .faults
            .iter()
            .position(|f| f.times > 0 && f.endpoint.as_deref().is_none_or(|e| e == endpoint))?;
        let rule = self.faults.get_mut(i)?;
        rule.times -= 1;
        let fault = rule.fault.clone();
        if rule.times == 0 {
            self.faults.remove(i);
        }
        Some(fault)
    }

    /// Adds a fault rule; rules apply in the order added.
    pub fn inject(&mut self, rule: FaultRule) {
        self.faults.push(rule);
    }

    /// Fault rules not used up yet.
    pub fn pending_faults(&self) -> usize {
        self.faults.len()
    }
}

fn accepts_gzip(h: &http::HeaderMap) -> bool {
    h.get_all(http::header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',')
                .any(|e| e.trim().split(';').next() == Some("gzip"))
        })
}

/// The last path segment, which names the endpoint (`/cgi-bin/mmwebwx-bin/synccheck`).
pub fn endpoint_name(path: &str) -> String {
    if path.starts_with("/qrcode/") {
        return "qrcode".into();
    }
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string()
}

pub(crate) fn apply_post(mut resp: Response<Vec<u8>>, f: &Fault, now: Instant) -> Reply {
    match f {
        Fault::Truncate { keep } => {
            let k = (*keep).min(resp.body().len());
            resp.body_mut().truncate(k);
            if resp.headers().contains_key(http::header::CONTENT_LENGTH) {
                resp.headers_mut()
                    .insert(http::header::CONTENT_LENGTH, HeaderValue::from(k));
            }
            Reply::Now(resp)
        }
        Fault::Garbage => {
            *resp.body_mut() = GARBAGE.to_vec();
            resp.headers_mut().remove(http::header::CONTENT_LENGTH);
            Reply::Now(resp)
        }
        Fault::Delay { ms } => Reply::Later(resp, clock::after(now, Duration::from_millis(*ms))),
        _ => Reply::Now(resp),
    }
}
