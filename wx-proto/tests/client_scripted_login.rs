//! The Client state machine driven by hand-written server answers (the project's own
//! fixtures, through the harness in `scripted/`), one flow per test; here the login: every step and its requests, a refusal, QR renewal, transport failures
//! with back-off, and the desktop mode's parameters.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

mod common;
mod scripted;

use std::time::Duration;

use scripted::*;
use wx_proto::RetCode;
use wx_proto::client::*;

#[test]
fn login_walks_every_step_with_the_right_requests() {
    let mut h = Harness::new(Config::default());
    let js = h.expect(Endpoint::JsLogin);
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
    let poll = h.expect(Endpoint::LoginPoll);
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
    let poll = h.expect(Endpoint::LoginPoll);
    assert!(poll.http.uri().to_string().contains("&tip=0&"));
    h.reply(&poll, 200, &fixture("login/201-scanned-avatar.txt"), &[]);
    match h.events().as_slice() {
        [Event::Scanned { avatar: Some(jpeg) }] => assert_eq!(&jpeg[..3], &[0xff, 0xd8, 0xff]),
        other => panic!("{other:?}"),
    }
    assert_eq!(h.client.phase(), Phase::WaitingForConfirm);
    let poll = h.expect(Endpoint::LoginPoll);
    h.reply(&poll, 200, &fixture("login/200-confirmed-wx8.txt"), &[]);
    assert!(matches!(h.events().as_slice(), [Event::Confirmed]));
    assert_eq!(h.client.hosts().push, "https://webpush.wx8.qq.com");
    let page = h.expect(Endpoint::LoginPage);
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
    let init = h.expect(Endpoint::Init);
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
    let notify = h.expect(Endpoint::StatusNotify);
    let body: serde_json::Value = serde_json::from_slice(notify.http.body()).unwrap();
    assert_eq!(
        (body["Code"].as_u64(), body["ToUserName"].as_str()),
        (Some(3), Some(ME))
    );
    let contacts = h.expect(Endpoint::GetContact);
    assert!(
        contacts
            .http
            .uri()
            .to_string()
            .contains("&seq=0&skey=%40crypt_0a1b2c3d_ffeeddcc"),
        "skey rotated by init"
    );
    let check = h.expect(Endpoint::SyncCheck);
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
    let js = h.expect(Endpoint::JsLogin);
    h.reply(&js, 200, &fixture("jslogin/ok.txt"), &[]);
    let poll = h.expect(Endpoint::LoginPoll);
    h.reply(&poll, 200, &fixture("login/200-confirmed-wx8.txt"), &[]);
    let page = h.expect(Endpoint::LoginPage);
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
        let js = h.expect(Endpoint::JsLogin);
        h.reply(
            &js,
            200,
            format!("window.QRLogin.code = 200; window.QRLogin.uuid = \"uuid{renewal}==\";")
                .as_bytes(),
            &[],
        );
        let poll = h.expect(Endpoint::LoginPoll);
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
    let js = h.expect(Endpoint::JsLogin);
    h.client
        .handle_failure(js.id, Failure::Connect, h.now)
        .unwrap();
    match h.events().as_slice() {
        [
            Event::Problem(Problem {
                kind: ProblemKind::Transport(Failure::Connect),
                request: Endpoint::JsLogin,
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
    let js = h.expect(Endpoint::JsLogin);
    h.reply(&js, 500, b"oops", &[]);
    assert!(matches!(
        h.events().as_slice(),
        [Event::Problem(Problem {
            kind: ProblemKind::HttpStatus(500),
            ..
        })]
    ));
    h.wake();
    let js = h.expect(Endpoint::JsLogin);
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
fn desktop_mode_sends_its_parameters_and_headers() {
    let mut h = Harness::new(Config {
        desktop: true,
        ..Config::default()
    });
    let js = h.expect(Endpoint::JsLogin);
    assert!(
        js.http
            .uri()
            .to_string()
            .contains("webwxnewloginpage%3Fmod%3Ddesktop&fun=new")
    );
    h.reply(&js, 200, &fixture("jslogin/ok.txt"), &[]);
    let poll = h.expect(Endpoint::LoginPoll);
    h.reply(&poll, 200, &fixture("login/200-confirmed-wx8.txt"), &[]);
    let page = h.expect(Endpoint::LoginPage);
    assert!(
        page.http
            .uri()
            .to_string()
            .ends_with("&fun=new&version=v2&mod=desktop")
    );
    assert_eq!(page.http.headers()["client-version"], "2.0.0");
    assert_eq!(page.http.headers()["extspam"].len(), 880);
}
