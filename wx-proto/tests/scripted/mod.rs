//! The harness of the `client_scripted_*` tests: the Client state machine driven by
//! hand-written server answers (the project's own fixtures), in virtual time. The tests are
//! split by flow: login, session start, the sync loop, commands, and the end (logout,
//! restore, determinism and redaction).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods
)]

use std::time::{Duration, Instant, SystemTime};

use wx_proto::client::*;

use crate::common;

pub const ME: &str = "@0123456789abcdef0123456789abcdef";

pub struct Harness {
    pub client: Client,
    pub now: Instant,
    pub sent: Vec<String>,
    /// Events drained by `wake` (a driver drains before it sleeps), returned by `events`.
    pub stash: Vec<Event>,
}

pub fn fixture(rel: &str) -> Vec<u8> {
    common::read(&common::own_dir().join(rel))
}

pub fn wall() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000)
}

impl Harness {
    pub fn new(config: Config) -> Self {
        let now = Instant::now();
        Self {
            client: Client::new(config, [1; 32], now, wall()),
            now,
            sent: Vec::new(),
            stash: Vec::new(),
        }
    }

    pub fn expect(&mut self, kind: Endpoint) -> Request {
        let req = self
            .client
            .poll_request()
            .unwrap_or_else(|| panic!("expected a {kind:?} request, got none"));
        assert_eq!(req.kind, kind, "{req:?}");
        let mut line = format!("{} {}", req.http.method(), req.http.uri());
        for (k, v) in req.http.headers() {
            line.push_str(&format!("\n{k}: {}", v.to_str().unwrap_or("?")));
        }
        line.push('\n');
        line.push_str(&String::from_utf8_lossy(req.http.body()));
        self.sent.push(line);
        req
    }

    pub fn reply(&mut self, req: &Request, status: u16, body: &[u8], cookies: &[&str]) {
        if req.kind == Endpoint::SyncCheck {
            // The server held the long poll (a poll answered at once makes the loop pace
            // itself, which the pacing tests cover).
            self.now += Duration::from_secs(3);
        }
        let mut resp = http::Response::builder().status(status);
        for c in cookies {
            resp = resp.header(http::header::SET_COOKIE, *c);
        }
        let resp = resp.body(body.to_vec()).unwrap();
        self.client.handle_response(req.id, resp, self.now).unwrap();
    }

    pub fn events(&mut self) -> Vec<Event> {
        let mut out = std::mem::take(&mut self.stash);
        out.extend(std::iter::from_fn(|| self.client.poll_event()));
        out
    }

    /// Jumps virtual time to the next wake-up and runs it.
    pub fn wake(&mut self) {
        let drained: Vec<Event> = std::iter::from_fn(|| self.client.poll_event()).collect();
        self.stash.extend(drained);
        let at = self.client.poll_timeout().expect("a timer is armed");
        assert!(at >= self.now, "poll_timeout in the past");
        self.now = at;
        self.client.handle_timeout(self.now);
    }

    /// A sync round that brought nothing: the loop waits before the next request of `kind`.
    pub fn expect_paced(&mut self, kind: Endpoint) -> Request {
        self.no_request();
        self.wake();
        self.expect(kind)
    }

    pub fn no_request(&mut self) {
        assert!(self.client.poll_request().is_none());
    }

    /// Runs the login to a running session (wx2 family), returning the events seen.
    pub fn login(&mut self) -> Vec<Event> {
        let js = self.expect(Endpoint::JsLogin);
        self.reply(&js, 200, &fixture("jslogin/ok.txt"), &[]);
        let poll = self.expect(Endpoint::LoginPoll);
        self.reply(&poll, 200, b"window.code=201;", &[]);
        let poll = self.expect(Endpoint::LoginPoll);
        let redirect = "window.code=200;\nwindow.redirect_uri=\"https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T1@qrticket_0&uuid=AbCdEf12_Q==&lang=zh_CN&scan=1600000000\";";
        self.reply(&poll, 200, redirect.as_bytes(), &[]);
        let page = self.expect(Endpoint::LoginPage);
        self.reply(
            &page,
            301,
            &fixture("webwxnewloginpage/ok.xml"),
            &[
                "wxuin=1234567890; Domain=wx2.qq.com; Path=/",
                "wxsid=AbCdEfGh+IjK/LmN; Domain=wx2.qq.com; Path=/",
                "webwx_data_ticket=gSdTicket; Domain=.qq.com; Path=/",
            ],
        );
        let init = self.expect(Endpoint::Init);
        self.reply(&init, 200, &fixture("webwxinit/full.json"), &[]);
        self.events()
    }
}

impl Harness {
    /// Logs in and takes the session-start requests, returning the first synccheck (held).
    pub fn running(&mut self) -> Request {
        self.login();
        self.first_check()
    }

    /// After `login`: takes statusnotify and getcontact, returns the first synccheck.
    pub fn first_check(&mut self) -> Request {
        let _notify = self.expect(Endpoint::StatusNotify);
        let _contacts = self.expect(Endpoint::GetContact);
        self.expect(Endpoint::SyncCheck)
    }
}
