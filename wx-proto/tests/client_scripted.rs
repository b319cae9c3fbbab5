//! The Client state machine driven by hand-written server answers (the project's own
//! fixtures), one flow per test: login, refusal, QR renewal, session start, the sync loop,
//! commands during a long poll, logout, determinism and redaction.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

mod common;

use std::time::{Duration, Instant, SystemTime};

use wx_proto::RetCode;
use wx_proto::client::*;

const ME: &str = "@0123456789abcdef0123456789abcdef";

struct Harness {
    client: Client,
    now: Instant,
    sent: Vec<String>,
    /// Events drained by `wake` (a driver drains before it sleeps), returned by `events`.
    stash: Vec<Event>,
}

fn fixture(rel: &str) -> Vec<u8> {
    common::read(&common::own_dir().join(rel))
}

fn wall() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000)
}

impl Harness {
    fn new(config: Config) -> Self {
        let now = Instant::now();
        Self {
            client: Client::new(config, [1; 32], now, wall()),
            now,
            sent: Vec::new(),
            stash: Vec::new(),
        }
    }

    fn expect(&mut self, kind: RequestKind) -> Request {
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

    fn reply(&mut self, req: &Request, status: u16, body: &[u8], cookies: &[&str]) {
        if req.kind == RequestKind::SyncCheck {
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

    fn events(&mut self) -> Vec<Event> {
        let mut out = std::mem::take(&mut self.stash);
        out.extend(std::iter::from_fn(|| self.client.poll_event()));
        out
    }

    /// Jumps virtual time to the next wake-up and runs it.
    fn wake(&mut self) {
        let drained: Vec<Event> = std::iter::from_fn(|| self.client.poll_event()).collect();
        self.stash.extend(drained);
        let at = self.client.poll_timeout().expect("a timer is armed");
        assert!(at >= self.now, "poll_timeout in the past");
        self.now = at;
        self.client.handle_timeout(self.now);
    }

    /// A sync round that brought nothing: the loop waits before the next request of `kind`.
    fn expect_paced(&mut self, kind: RequestKind) -> Request {
        self.no_request();
        self.wake();
        self.expect(kind)
    }

    fn no_request(&mut self) {
        assert!(self.client.poll_request().is_none());
    }

    /// Runs the login to a running session (wx2 family), returning the events seen.
    fn login(&mut self) -> Vec<Event> {
        let js = self.expect(RequestKind::JsLogin);
        self.reply(&js, 200, &fixture("jslogin/ok.txt"), &[]);
        let poll = self.expect(RequestKind::LoginPoll);
        self.reply(&poll, 200, b"window.code=201;", &[]);
        let poll = self.expect(RequestKind::LoginPoll);
        let redirect = "window.code=200;\nwindow.redirect_uri=\"https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T1@qrticket_0&uuid=AbCdEf12_Q==&lang=zh_CN&scan=1600000000\";";
        self.reply(&poll, 200, redirect.as_bytes(), &[]);
        let page = self.expect(RequestKind::LoginPage);
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
        let init = self.expect(RequestKind::Init);
        self.reply(&init, 200, &fixture("webwxinit/full.json"), &[]);
        self.events()
    }
}

impl Harness {
    /// Logs in and takes the session-start requests, returning the first synccheck (held).
    fn running(&mut self) -> Request {
        self.login();
        self.first_check()
    }

    /// After `login`: takes statusnotify and getcontact, returns the first synccheck.
    fn first_check(&mut self) -> Request {
        let _notify = self.expect(RequestKind::StatusNotify);
        let _contacts = self.expect(RequestKind::GetContact);
        self.expect(RequestKind::SyncCheck)
    }
}

#[test]
fn login_walks_every_step_with_the_right_requests() {
    let mut h = Harness::new(Config::default());
    let js = h.expect(RequestKind::JsLogin);
    let uri = js.http.uri().to_string();
    assert!(uri.starts_with("https://login.wx.qq.com/jslogin?appid=wx782c26e4c19acffb&redirect_uri=https%3A%2F%2Fwx.qq.com%2Fcgi-bin%2Fmmwebwx-bin%2Fwebwxnewloginpage&fun=new&lang=zh_CN&_=1600000000000"), "{uri}");
    h.reply(&js, 200, &fixture("jslogin/ok.txt"), &[]);
    match h.events().as_slice() {
        [
            Event::QrCode {
                uuid,
                qr_text,
                image_url,
                renewal: 0,
            },
        ] => {
            assert_eq!(uuid, "AbCdEf12_Q==");
            assert_eq!(qr_text, "https://login.weixin.qq.com/l/AbCdEf12_Q==");
            assert_eq!(image_url, "https://login.weixin.qq.com/qrcode/AbCdEf12_Q==");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.client.phase(), Phase::WaitingForScan);
    let poll = h.expect(RequestKind::LoginPoll);
    let uri = poll.http.uri().to_string();
    assert!(
        uri.contains("loginicon=true&uuid=AbCdEf12_Q%3D%3D&tip=1&r="),
        "{uri}"
    );
    let r = uri
        .split("&r=")
        .nth(1)
        .and_then(|s| s.split('&').next())
        .unwrap();
    assert_eq!(
        r.parse::<i32>().unwrap(),
        !(1_600_000_000_000u64 as u32 as i32),
        "~new Date()"
    );
    h.reply(&poll, 200, &fixture("login/408-waiting.txt"), &[]);
    let poll = h.expect(RequestKind::LoginPoll);
    assert!(poll.http.uri().to_string().contains("&tip=0&"));
    h.reply(&poll, 200, &fixture("login/201-scanned-avatar.txt"), &[]);
    match h.events().as_slice() {
        [Event::Scanned { avatar: Some(jpeg) }] => assert_eq!(&jpeg[..3], &[0xff, 0xd8, 0xff]),
        other => panic!("{other:?}"),
    }
    assert_eq!(h.client.phase(), Phase::WaitingForConfirm);
    let poll = h.expect(RequestKind::LoginPoll);
    h.reply(&poll, 200, &fixture("login/200-confirmed-wx8.txt"), &[]);
    assert!(matches!(h.events().as_slice(), [Event::Confirmed]));
    assert_eq!(h.client.hosts().push, "https://webpush.wx8.qq.com");
    let page = h.expect(RequestKind::LoginPage);
    let uri = page.http.uri().to_string();
    assert!(uri.starts_with("https://wx8.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket="));
    assert!(
        uri.ends_with("&scan=1600000000&fun=new&version=v2"),
        "{uri}"
    );
    assert!(page.http.headers().get("extspam").is_none());
    h.reply(
        &page,
        301,
        &fixture("webwxnewloginpage/ok.xml"),
        &[
            "wxuin=1234567890; Domain=wx8.qq.com; Path=/; Secure",
            "wxsid=AbCdEfGh+IjK/LmN; Domain=wx8.qq.com; Path=/",
            "webwx_data_ticket=gSdTicket; Domain=.qq.com; Path=/",
        ],
    );
    let init = h.expect(RequestKind::Init);
    let uri = init.http.uri().to_string();
    assert!(uri.starts_with("https://wx8.qq.com/cgi-bin/mmwebwx-bin/webwxinit?r="));
    assert!(
        uri.ends_with("&lang=zh_CN&pass_ticket=AbC%252BdEf%252FgHi%253D"),
        "double-encoded: {uri}"
    );
    let cookie = init.http.headers()[http::header::COOKIE].to_str().unwrap();
    assert_eq!(
        cookie,
        "wxuin=1234567890; wxsid=AbCdEfGh+IjK/LmN; webwx_data_ticket=gSdTicket"
    );
    let body: serde_json::Value = serde_json::from_slice(init.http.body()).unwrap();
    assert_eq!(body["BaseRequest"]["Uin"], 1234567890);
    assert_eq!(body["BaseRequest"]["Sid"], "AbCdEfGh+IjK/LmN");
    let device = body["BaseRequest"]["DeviceID"].as_str().unwrap();
    assert!(device.len() == 16 && device.starts_with('e'));
    h.reply(&init, 200, &fixture("webwxinit/full.json"), &[]);
    match h.events().as_slice() {
        [
            Event::LoggedIn {
                uin: wx_proto::Uin(1234567890),
                user_name,
                nick_name,
            },
            Event::SnapshotChanged(SnapshotReason::LoggedIn),
        ] => {
            assert_eq!((user_name.as_str(), nick_name.as_str()), (ME, "Me"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.client.phase(), Phase::Running);
    let notify = h.expect(RequestKind::StatusNotify);
    let body: serde_json::Value = serde_json::from_slice(notify.http.body()).unwrap();
    assert_eq!(
        (body["Code"].as_u64(), body["ToUserName"].as_str()),
        (Some(3), Some(ME))
    );
    let contacts = h.expect(RequestKind::GetContact);
    assert!(
        contacts
            .http
            .uri()
            .to_string()
            .contains("&seq=0&skey=%40crypt_0a1b2c3d_ffeeddcc"),
        "skey rotated by init"
    );
    let check = h.expect(RequestKind::SyncCheck);
    let uri = check.http.uri().to_string();
    assert!(
        uri.starts_with("https://webpush.wx8.qq.com/cgi-bin/mmwebwx-bin/synccheck?r="),
        "{uri}"
    );
    assert!(uri.contains("&uin=1234567890&deviceid=e"));
    assert!(
        uri.contains("&synckey=1_700000001%7C2_700000002%7C3_700000003%7C1000_1600000000&_="),
        "{uri}"
    );
    let cookie = check.http.headers()[http::header::COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("webwx_data_ticket=gSdTicket"),
        "domain cookie reaches webpush"
    );
    assert_eq!(check.timeout, Duration::from_secs(35));
    h.no_request();
}

#[test]
fn refusal_1203_ends_the_login_with_the_servers_message() {
    let mut h = Harness::new(Config::default());
    let js = h.expect(RequestKind::JsLogin);
    h.reply(&js, 200, &fixture("jslogin/ok.txt"), &[]);
    let poll = h.expect(RequestKind::LoginPoll);
    h.reply(&poll, 200, &fixture("login/200-confirmed-wx8.txt"), &[]);
    let page = h.expect(RequestKind::LoginPage);
    h.reply(
        &page,
        200,
        &fixture("webwxnewloginpage/refused-1203.xml"),
        &[],
    );
    let events = h.events();
    assert!(
        matches!(&events[..], [Event::QrCode { .. }, Event::Confirmed, Event::LoginRefused { code: RetCode::LoginRefused, message }, Event::LoggedOut(LogoutReason::LoginRefused(RetCode::LoginRefused))] if message.starts_with("为了你的帐号安全")),
        "{events:?}"
    );
    h.no_request();
    assert_eq!(h.client.poll_timeout(), None, "nothing left to do");
    assert_eq!(
        h.client.submit(Command::Logout, h.now),
        Err(UsageError::SessionEnded)
    );
}

#[test]
fn expired_qr_codes_are_renewed_up_to_the_limit() {
    let mut h = Harness::new(Config {
        max_qr_renewals: 2,
        ..Config::default()
    });
    for renewal in 0..=2 {
        let js = h.expect(RequestKind::JsLogin);
        h.reply(
            &js,
            200,
            format!("window.QRLogin.code = 200; window.QRLogin.uuid = \"uuid{renewal}==\";")
                .as_bytes(),
            &[],
        );
        let poll = h.expect(RequestKind::LoginPoll);
        assert!(
            poll.http.uri().to_string().contains("&tip=1&"),
            "tip=1 after each new uuid"
        );
        h.reply(&poll, 200, &fixture("login/400-expired.txt"), &[]);
        let events = h.events();
        assert!(
            matches!(&events[0], Event::QrCode { renewal: r, uuid, .. } if *r == renewal && uuid == &format!("uuid{renewal}==")),
            "{events:?}"
        );
    }
    assert!(h.client.poll_event().is_none());
    h.no_request();
    assert_eq!(h.client.phase(), Phase::LoggedOut);
}

#[test]
fn transport_failures_retry_with_backoff() {
    let mut h = Harness::new(Config::default());
    let js = h.expect(RequestKind::JsLogin);
    h.client
        .handle_failure(js.id, Failure::Connect, h.now)
        .unwrap();
    match h.events().as_slice() {
        [
            Event::Problem(Problem {
                kind: ProblemKind::Transport(Failure::Connect),
                request: RequestKind::JsLogin,
                retry_in: Some(d),
            }),
        ] => {
            assert!(
                *d >= Duration::from_millis(1600) && *d <= Duration::from_millis(2400),
                "{d:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    h.no_request();
    let before = h.now;
    h.wake();
    assert!(h.now > before);
    let js = h.expect(RequestKind::JsLogin);
    h.reply(&js, 500, b"oops", &[]);
    assert!(matches!(
        h.events().as_slice(),
        [Event::Problem(Problem {
            kind: ProblemKind::HttpStatus(500),
            ..
        })]
    ));
    h.wake();
    let js = h.expect(RequestKind::JsLogin);
    h.reply(&js, 200, b"<html>garbage</html>", &[]);
    assert!(matches!(
        h.events().as_slice(),
        [Event::Problem(Problem {
            kind: ProblemKind::Malformed(_),
            ..
        })]
    ));
    // A response for an id never issued is a usage error; a late one after the watchdog is not.
    let bogus = http::Response::new(Vec::new());
    assert_eq!(
        h.client.handle_response(RequestId(999), bogus, h.now),
        Err(UsageError::UnknownRequest(RequestId(999)))
    );
}

#[test]
fn sync_loop_delivers_each_message_once_and_advances_keys() {
    let mut h = Harness::new(Config::default());
    let check = h.running();
    h.reply(&check, 200, &fixture("synccheck/0-0.txt"), &[]);
    let check = h.expect(RequestKind::SyncCheck);
    h.reply(&check, 200, &fixture("synccheck/0-2.txt"), &[]);
    let sync = h.expect(RequestKind::Sync);
    let body: serde_json::Value = serde_json::from_slice(sync.http.body()).unwrap();
    assert_eq!(body["SyncKey"]["Count"], 4, "the SyncKey object from init");
    h.reply(
        &sync,
        200,
        &fixture("webwxsync/text-private-and-group.json"),
        &["wxpluginkey=k; Domain=wx2.qq.com"],
    );
    let msgs: Vec<_> = h
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Message { message, history } => Some((message, history)),
            _ => None,
        })
        .collect();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0].0.text(), Some("hi <3\nsecond line"));
    assert!(!msgs[0].1, "created after the session started");
    assert!(msgs[1].0.is_group);
    let check = h.expect(RequestKind::SyncCheck);
    let uri = check.http.uri().to_string();
    assert!(uri.contains("synckey=1_700000001%7C2_700000010%7C3_700000003%7C11_700000004%7C201_1600000100%7C1000_1600000000%7C1001_1600000050"), "SyncCheckKey after the first sync: {uri}");
    // The same messages again: nothing is delivered twice.
    h.reply(&check, 200, &fixture("synccheck/0-2.txt"), &[]);
    let sync = h.expect(RequestKind::Sync);
    let body: serde_json::Value = serde_json::from_slice(sync.http.body()).unwrap();
    assert_eq!(body["SyncKey"]["Count"], 7, "the new SyncKey");
    h.reply(
        &sync,
        200,
        &fixture("webwxsync/text-private-and-group.json"),
        &[],
    );
    assert!(
        !h.events()
            .iter()
            .any(|e| matches!(e, Event::Message { .. }))
    );
    // Count 0 keys keep the old ones; one malformed message does not hide its siblings.
    let check = h.expect_paced(RequestKind::SyncCheck);
    h.reply(&check, 200, &fixture("synccheck/0-2.txt"), &[]);
    let sync = h.expect(RequestKind::Sync);
    h.reply(
        &sync,
        200,
        &fixture("webwxsync/one-malformed-message.json"),
        &[],
    );
    let events = h.events();
    let texts: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Message { message, .. } => message.text().map(str::to_owned),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["first", "third"]);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Problem(Problem {
            kind: ProblemKind::MalformedMessage(_),
            ..
        })
    )));
}

#[test]
fn logout_codes_and_the_first_1100_probe() {
    let mut h = Harness::new(Config::default());
    let check = h.running();
    assert!(
        check
            .http
            .uri()
            .to_string()
            .starts_with("https://webpush.wx2.qq.com/")
    );
    h.reply(&check, 200, &fixture("synccheck/1100-0.txt"), &[]);
    assert!(matches!(
        h.events().as_slice(),
        [Event::Problem(Problem {
            kind: ProblemKind::ProbingPushHost,
            ..
        })]
    ));
    let check = h.expect(RequestKind::SyncCheck);
    assert!(
        check
            .http
            .uri()
            .to_string()
            .starts_with("https://webpush2.wx2.qq.com/")
    );
    h.reply(&check, 200, &fixture("synccheck/0-0.txt"), &[]);
    let check = h.expect(RequestKind::SyncCheck);
    h.reply(&check, 200, &fixture("synccheck/1102-0.txt"), &[]);
    let events = h.events();
    assert!(
        matches!(events.last(), Some(Event::LoggedOut(LogoutReason::Kicked))),
        "{events:?}"
    );
    assert_eq!(h.client.phase(), Phase::LoggedOut);
}

#[test]
fn commands_run_beside_the_long_poll() {
    let mut h = Harness::new(Config::default());
    let check = h.running();
    let op = h
        .client
        .submit(
            Command::SendText {
                to: "@aa11".into(),
                text: "hello\nworld".into(),
            },
            h.now,
        )
        .unwrap();
    let send = h.expect(RequestKind::SendMsg);
    let body: serde_json::Value = serde_json::from_slice(send.http.body()).unwrap();
    let local = body["Msg"]["LocalID"].as_str().unwrap().to_owned();
    assert_eq!(local.len(), 17);
    assert_eq!(body["Msg"]["ClientMsgId"], local.as_str());
    assert_eq!(
        (
            body["Msg"]["Content"].as_str(),
            body["Msg"]["FromUserName"].as_str()
        ),
        (Some("hello\nworld"), Some(ME))
    );
    assert_eq!(
        h.client.in_flight(),
        4,
        "synccheck, getcontact, statusnotify and the send"
    );
    h.reply(&send, 200, &fixture("webwxsendmsg/ok.json"), &[]);
    match h.events().as_slice() {
        [
            Event::OpDone {
                op: done,
                result:
                    Ok(OpOutput::Sent {
                        msg_id,
                        client_msg_id,
                    }),
            },
        ] => {
            assert_eq!(*done, op);
            assert_eq!(
                (msg_id.as_str(), client_msg_id),
                ("2900000000000000001", &local)
            );
        }
        other => panic!("{other:?}"),
    }
    let op = h
        .client
        .submit(
            Command::RenameGroup {
                group: "@@g".into(),
                topic: "new".into(),
            },
            h.now,
        )
        .unwrap();
    let rename = h.expect(RequestKind::UpdateChatRoom);
    assert!(
        rename
            .http
            .uri()
            .to_string()
            .contains("webwxupdatechatroom?fun=modtopic&lang=zh_CN&pass_ticket=")
    );
    h.reply(
        &rename,
        200,
        &fixture("webwxsendmsg/ret-1201-group-gone.json"),
        &[],
    );
    assert!(
        matches!(h.events().as_slice(), [Event::OpDone { op: o, result: Err(OpError::GroupGone) }] if *o == op)
    );
    assert_eq!(
        h.client.submit(
            Command::SendText {
                to: " ".into(),
                text: "x".into()
            },
            h.now
        ),
        Err(UsageError::InvalidArgument("to"))
    );
    // The long poll answered last is still handled.
    h.reply(&check, 200, &fixture("synccheck/0-0.txt"), &[]);
    let _ = h.expect(RequestKind::SyncCheck);
}

#[test]
fn commands_before_login_are_usage_errors_and_logout_ends_cleanly() {
    let mut h = Harness::new(Config::default());
    assert_eq!(
        h.client
            .submit(Command::MarkRead { chat: "@a".into() }, h.now),
        Err(UsageError::NotRunning)
    );
    let check = h.running();
    let op = h.client.submit(Command::Logout, h.now).unwrap();
    let logout = h.expect(RequestKind::Logout);
    assert_eq!(logout.http.method(), http::Method::POST);
    let uri = logout.http.uri().to_string();
    assert!(
        uri.starts_with(
            "https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxlogout?redirect=1&type=0&skey=%40crypt_"
        ),
        "{uri}"
    );
    assert_eq!(
        std::str::from_utf8(logout.http.body()).unwrap(),
        "sid=AbCdEfGh%2BIjK%2FLmN&uin=1234567890"
    );
    h.reply(&logout, 302, b"", &[]);
    let events = h.events();
    assert!(
        matches!(&events[..], [Event::OpDone { op: o, result: Ok(OpOutput::Done) }, Event::LoggedOut(LogoutReason::UserRequested)] if *o == op),
        "{events:?}"
    );
    // The long poll still completes afterwards and is ignored.
    h.reply(&check, 200, &fixture("synccheck/0-2.txt"), &[]);
    h.no_request();
    assert!(h.events().is_empty());
}

#[test]
fn repeated_sync_failures_reinit_with_the_same_credentials() {
    let mut h = Harness::new(Config {
        // The contact page stays unanswered: its watchdog must not be the next wake-up.
        request_timeout: Duration::from_secs(3600),
        ..Config::default()
    });
    h.login();
    let _ = h.expect(RequestKind::StatusNotify);
    let _ = h.expect(RequestKind::GetContact);
    // The delay doubles from 2 s; webwxinit runs again only once it has reached the cap.
    let mut waits = Vec::new();
    for _ in 0..5 {
        let check = h.expect(RequestKind::SyncCheck);
        h.client
            .handle_failure(check.id, Failure::Io, h.now)
            .unwrap();
        let before = h.now;
        h.wake();
        waits.push((h.now - before).as_secs_f64());
    }
    for (w, nominal) in waits.iter().zip([2.0, 4.0, 8.0, 16.0, 32.0]) {
        assert!((nominal * 0.8..=nominal * 1.2).contains(w), "{waits:?}");
    }
    let check = h.expect(RequestKind::SyncCheck);
    h.client
        .handle_failure(check.id, Failure::Timeout, h.now)
        .unwrap();
    let init = h.expect(RequestKind::Init);
    let events = h.events();
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Problem(Problem {
            kind: ProblemKind::Reinitialising,
            ..
        })
    )));
    h.reply(&init, 200, &fixture("webwxinit/full.json"), &[]);
    assert!(
        !h.events()
            .iter()
            .any(|e| matches!(e, Event::LoggedIn { .. })),
        "a re-init is not a new login"
    );
    // The re-init did not end the streak: the next failure waits the cap, and no second
    // re-init comes within five minutes.
    let mut requests = 0;
    let start = h.now;
    while h.now - start < Duration::from_secs(290) {
        let check = h.expect(RequestKind::SyncCheck);
        requests += 1;
        h.client
            .handle_failure(check.id, Failure::Io, h.now)
            .unwrap();
        let before = h.now;
        h.wake();
        assert!(h.now - before >= Duration::from_secs(48), "at the cap");
    }
    assert!(requests <= 6, "{requests} synccheck in 290 s");
    let _ = h.expect(RequestKind::SyncCheck);
}

#[test]
fn desktop_mode_sends_its_parameters_and_headers() {
    let mut h = Harness::new(Config {
        desktop: true,
        ..Config::default()
    });
    let js = h.expect(RequestKind::JsLogin);
    assert!(
        js.http
            .uri()
            .to_string()
            .contains("webwxnewloginpage%3Fmod%3Ddesktop&fun=new")
    );
    h.reply(&js, 200, &fixture("jslogin/ok.txt"), &[]);
    let poll = h.expect(RequestKind::LoginPoll);
    h.reply(&poll, 200, &fixture("login/200-confirmed-wx8.txt"), &[]);
    let page = h.expect(RequestKind::LoginPage);
    assert!(
        page.http
            .uri()
            .to_string()
            .ends_with("&fun=new&version=v2&mod=desktop")
    );
    assert_eq!(page.http.headers()["client-version"], "2.0.0");
    assert_eq!(page.http.headers()["extspam"].len(), 880);
}

/// Runs a scripted session and returns every request as text.
fn transcript(seed: [u8; 32]) -> Vec<String> {
    let now = Instant::now();
    let mut h = Harness {
        client: Client::new(Config::default(), seed, now, wall()),
        now,
        sent: Vec::new(),
        stash: Vec::new(),
    };
    let check = h.running();
    h.client
        .handle_failure(check.id, Failure::Io, h.now)
        .unwrap();
    h.wake();
    let _ = h.client.submit(
        Command::SendText {
            to: "@x".into(),
            text: "t".into(),
        },
        h.now,
    );
    let check = h.expect(RequestKind::SyncCheck);
    let _ = h.expect(RequestKind::SendMsg);
    h.reply(&check, 200, &fixture("synccheck/0-0.txt"), &[]);
    let _ = h.expect(RequestKind::SyncCheck);
    h.sent
}

#[test]
fn same_seed_same_requests_byte_for_byte() {
    assert_eq!(transcript([9; 32]), transcript([9; 32]));
    assert_ne!(
        transcript([9; 32]),
        transcript([10; 32]),
        "the seed matters (DeviceID, ids, jitter)"
    );
}

#[test]
fn debug_output_never_shows_credentials() {
    let mut h = Harness::new(Config::default());
    let events = h.login();
    let _ = h.expect(RequestKind::StatusNotify);
    let req = h.expect(RequestKind::GetContact);
    let dump = format!("{:?}\n{:?}\n{:?}", h.client, req, events);
    for secret in [
        "@crypt_0a1b2c3d",
        "AbCdEfGh+IjK",
        "AbC%2BdEf",
        "AbC+dEf",
        "gSdTicket",
    ] {
        assert!(!dump.contains(secret), "{secret} leaked in Debug output");
    }
}

fn old_messages_body() -> Vec<u8> {
    let mut v: serde_json::Value =
        serde_json::from_slice(&fixture("webwxsync/text-private-and-group.json")).unwrap();
    v["AddMsgList"][0]["CreateTime"] = serde_json::json!(1_599_999_000);
    serde_json::to_vec(&v).unwrap()
}

fn sync_once(h: &mut Harness, body: &[u8]) -> Vec<Event> {
    let check = h.first_check();
    h.reply(&check, 200, &fixture("synccheck/0-2.txt"), &[]);
    let sync = h.expect(RequestKind::Sync);
    h.reply(&sync, 200, body, &[]);
    h.events()
}

#[test]
fn messages_from_before_the_session_are_marked_or_skipped() {
    let mut h = Harness::new(Config::default());
    h.login();
    let flags: Vec<bool> = sync_once(&mut h, &old_messages_body())
        .into_iter()
        .filter_map(|e| match e {
            Event::Message { history, .. } => Some(history),
            _ => None,
        })
        .collect();
    assert_eq!(flags, [true, false]);

    let mut h = Harness::new(Config {
        history: HistoryPolicy::Skip,
        ..Config::default()
    });
    h.login();
    let ids: Vec<String> = sync_once(&mut h, &old_messages_body())
        .into_iter()
        .filter_map(|e| match e {
            Event::Message { message, .. } => Some(message.msg_id),
            _ => None,
        })
        .collect();
    assert_eq!(ids, ["9223372036854775001"]);
}

#[test]
fn contact_changes_and_profile_become_events() {
    let mut h = Harness::new(Config::default());
    h.login();
    let events = sync_once(&mut h, &fixture("webwxsync/mod-del-profile-skey.json"));
    assert!(events.iter().any(|e| matches!(e, Event::ProfileChanged { nick_name: Some(n), head_img_url: Some(_) } if n == "New Me")));
    assert!(events.iter().any(
        |e| matches!(e, Event::ContactsDeleted(d) if d == &["@bb22cc33dd44ee55ff66001122334455"])
    ));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ContactsChanged(c) if c[0].nick_name == "改名后的群"))
    );
    assert_eq!(h.client.me().map(|m| m.nick_name.as_str()), Some("New Me"));
    // ContinueFlag 1: sync again at once; the rotated SKey is used from now on.
    let again = h.expect(RequestKind::Sync);
    let uri = again.http.uri().to_string();
    assert!(uri.contains("skey=%40crypt_0a1b2c3d_rotated"), "{uri}");
}

#[test]
fn every_nonzero_selector_syncs_and_unknown_retcodes_back_off() {
    let mut h = Harness::new(Config {
        // The contact page stays unanswered: its watchdog must not be the next wake-up.
        request_timeout: Duration::from_secs(3600),
        ..Config::default()
    });
    let mut check = h.running();
    let mut stalls = 0;
    for selector in ["0-2", "0-3", "0-4", "0-6", "0-7"] {
        h.reply(
            &check,
            200,
            &fixture(&format!("synccheck/{selector}.txt")),
            &[],
        );
        let sync = h.expect(RequestKind::Sync);
        h.reply(
            &sync,
            200,
            &fixture("webwxsync/empty-keys-unchanged.json"),
            &[],
        );
        // Nothing new: the loop waits before it asks again.
        check = h.expect_paced(RequestKind::SyncCheck);
        stalls += h
            .events()
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Event::Problem(Problem {
                        kind: ProblemKind::Stalled(Stall::EmptySync),
                        ..
                    })
                )
            })
            .count();
    }
    assert_eq!(stalls, 1, "the pattern is reported once");
    // An unknown retcode (the 2016 capture's "2") is a problem with a retry, not a logout.
    h.reply(
        &check,
        200,
        b"window.synccheck={retcode:\"2\",selector:\"2\"}",
        &[],
    );
    match h.events().as_slice() {
        [
            Event::Problem(Problem {
                kind: ProblemKind::Server(wx_proto::RetCode::Unknown(2)),
                retry_in: Some(_),
                ..
            }),
        ] => {}
        other => panic!("{other:?}"),
    }
    h.no_request();
    h.wake();
    let check = h.expect(RequestKind::SyncCheck);
    h.reply(&check, 200, &fixture("synccheck/1101-0.txt"), &[]);
    assert!(matches!(
        h.events().last(),
        Some(Event::LoggedOut(LogoutReason::SessionInvalid))
    ));
}

#[test]
fn a_1101_racing_the_requested_logout_is_still_the_users_logout() {
    let mut h = Harness::new(Config::default());
    let check = h.running();
    let op = h.client.submit(Command::Logout, h.now).unwrap();
    let logout = h.expect(RequestKind::Logout);
    // The server ends the session: the held synccheck answers first with 1101.
    h.reply(&check, 200, &fixture("synccheck/1101-0.txt"), &[]);
    assert!(
        h.events().is_empty(),
        "nothing ends before the logout's own answer"
    );
    h.no_request();
    h.client
        .handle_failure(logout.id, Failure::Io, h.now)
        .unwrap();
    let events = h.events();
    assert!(
        matches!(&events[..], [Event::OpDone { op: o, result: Ok(OpOutput::Done) }, Event::LoggedOut(LogoutReason::UserRequested)] if *o == op),
        "{events:?}"
    );
}

#[test]
fn a_probed_push_host_is_saved_in_the_snapshot_and_used_on_restore() {
    let mut h = Harness::new(Config::default());
    let check = h.running();
    h.reply(&check, 200, &fixture("synccheck/1100-0.txt"), &[]);
    let check = h.expect(RequestKind::SyncCheck);
    assert!(
        check
            .http
            .uri()
            .to_string()
            .starts_with("https://webpush2.wx2.qq.com/")
    );
    let snap = h.client.snapshot(h.now).expect("logged in");
    assert_eq!(
        snap.push_host.as_deref(),
        Some("https://webpush2.wx2.qq.com")
    );
    let snap = Snapshot::from_json(&snap.to_json()).unwrap();
    let mut r = Harness {
        client: Client::restore(Config::default(), snap, [2; 32], h.now, wall()).unwrap(),
        now: h.now,
        sent: Vec::new(),
        stash: Vec::new(),
    };
    let init = r.expect(RequestKind::Init);
    r.reply(&init, 200, &fixture("webwxinit/full.json"), &[]);
    let check = std::iter::from_fn(|| r.client.poll_request())
        .find(|q| q.kind == RequestKind::SyncCheck)
        .expect("the restored loop polls");
    let uri = check.http.uri().to_string();
    assert!(uri.starts_with("https://webpush2.wx2.qq.com/"), "{uri}");
}

#[test]
fn a_webwxinit_without_user_or_synckey_is_a_failed_init() {
    for body in [
        &br#"{"BaseResponse":{"Ret":0,"ErrMsg":""},"SyncKey":{"Count":1,"List":[{"Key":1,"Val":5}]}}"#[..],
        br#"{"BaseResponse":{"Ret":0,"ErrMsg":""},"User":{"Uin":1,"UserName":"@me","NickName":"me"}}"#,
    ] {
        let mut h = Harness::new(Config::default());
        let js = h.expect(RequestKind::JsLogin);
        h.reply(&js, 200, &fixture("jslogin/ok.txt"), &[]);
        let poll = h.expect(RequestKind::LoginPoll);
        let redirect = "window.code=200;\nwindow.redirect_uri=\"https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T1@qrticket_0&uuid=AbCdEf12_Q==&lang=zh_CN&scan=1600000000\";";
        h.reply(&poll, 200, redirect.as_bytes(), &[]);
        let page = h.expect(RequestKind::LoginPage);
        h.reply(&page, 301, &fixture("webwxnewloginpage/ok.xml"), &["wxsid=AbCdEfGh+IjK/LmN; Domain=wx2.qq.com; Path=/"]);
        let init = h.expect(RequestKind::Init);
        h.reply(&init, 200, body, &[]);
        let events = h.events();
        assert!(!events.iter().any(|e| matches!(e, Event::LoggedIn { .. })), "{events:?}");
        assert!(events.iter().any(|e| matches!(
            e,
            Event::Problem(Problem {
                kind: ProblemKind::Malformed(wx_proto::ParseError {
                    kind: wx_proto::ErrorKind::MissingField("User" | "SyncKey"),
                    ..
                }),
                retry_in: Some(_),
                ..
            })
        )), "{events:?}");
        assert_ne!(h.client.phase(), Phase::Running);
        h.wake();
        let again = h.expect(RequestKind::Init);
        h.reply(&again, 200, &fixture("webwxinit/full.json"), &[]);
        assert!(h.events().iter().any(|e| matches!(e, Event::LoggedIn { .. })));
    }
}

#[test]
fn a_redelivered_batch_of_ten_thousand_messages_is_not_delivered_twice() {
    let mut h = Harness::new(Config::default());
    let check = h.running();
    let msgs: Vec<String> = (0..10_000u64)
        .map(|i| {
            format!(
                r#"{{"MsgId":"{}","FromUserName":"@friend","ToUserName":"{ME}","MsgType":1,"Content":"n{i}","CreateTime":1600000100}}"#,
                8_000_000_000_000_000_000u64 + i
            )
        })
        .collect();
    let body = |keys: u64| {
        format!(
            r#"{{"BaseResponse":{{"Ret":0,"ErrMsg":""}},"AddMsgCount":10000,"AddMsgList":[{}],"ContinueFlag":0,"SyncKey":{{"Count":1,"List":[{{"Key":1,"Val":{keys}}}]}}}}"#,
            msgs.join(",")
        )
    };
    h.reply(&check, 200, &fixture("synccheck/0-2.txt"), &[]);
    let sync = h.expect(RequestKind::Sync);
    h.reply(&sync, 200, body(1).as_bytes(), &[]);
    let count = |h: &mut Harness| {
        h.events()
            .iter()
            .filter(|e| matches!(e, Event::Message { .. }))
            .count()
    };
    assert_eq!(count(&mut h), 10_000);
    let check = h.expect(RequestKind::SyncCheck);
    h.reply(&check, 200, &fixture("synccheck/0-2.txt"), &[]);
    let sync = h.expect(RequestKind::Sync);
    h.reply(&sync, 200, body(2).as_bytes(), &[]);
    assert_eq!(
        count(&mut h),
        0,
        "the whole batch again, and nothing delivered twice"
    );
}
