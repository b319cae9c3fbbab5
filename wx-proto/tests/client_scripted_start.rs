//! The Client state machine driven by hand-written server answers (the project's own
//! fixtures, through the harness in `scripted/`), one flow per test; here the session start: a webwxinit missing its user or sync key, and a re-init with the
//! same credentials after repeated sync failures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

mod common;
mod scripted;

use std::time::Duration;

use scripted::*;
use wx_proto::client::*;

#[test]
fn a_webwxinit_without_user_or_synckey_is_a_failed_init() {
    for body in [
        &br#"{"BaseResponse":{"Ret":0,"ErrMsg":""},"SyncKey":{"Count":1,"List":[{"Key":1,"Val":5}]}}"#[..],
        br#"{"BaseResponse":{"Ret":0,"ErrMsg":""},"User":{"Uin":1,"UserName":"@me","NickName":"me"}}"#,
    ] {
        let mut h = Harness::new(Config::default());
        let js = h.expect(Endpoint::JsLogin);
        h.reply(&js, 200, &fixture("jslogin/ok.txt"), &[]);
        let poll = h.expect(Endpoint::LoginPoll);
        let redirect = "window.code=200;\nwindow.redirect_uri=\"https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T1@qrticket_0&uuid=AbCdEf12_Q==&lang=zh_CN&scan=1600000000\";";
        h.reply(&poll, 200, redirect.as_bytes(), &[]);
        let page = h.expect(Endpoint::LoginPage);
        h.reply(&page, 301, &fixture("webwxnewloginpage/ok.xml"), &["wxsid=AbCdEfGh+IjK/LmN; Domain=wx2.qq.com; Path=/"]);
        let init = h.expect(Endpoint::Init);
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
        let again = h.expect(Endpoint::Init);
        h.reply(&again, 200, &fixture("webwxinit/full.json"), &[]);
        assert!(h.events().iter().any(|e| matches!(e, Event::LoggedIn { .. })));
    }
}

#[test]
fn repeated_sync_failures_reinit_with_the_same_credentials() {
    let mut h = Harness::new(Config {
        // The contact page stays unanswered: its watchdog must not be the next wake-up.
        request_timeout: Duration::from_secs(3600),
        ..Config::default()
    });
    h.login();
    let _ = h.expect(Endpoint::StatusNotify);
    let _ = h.expect(Endpoint::GetContact);
    // The delay doubles from 2 s; webwxinit runs again only once it has reached the cap.
    let mut waits = Vec::new();
    for _ in 0..5 {
        let check = h.expect(Endpoint::SyncCheck);
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
    let check = h.expect(Endpoint::SyncCheck);
    h.client
        .handle_failure(check.id, Failure::Timeout, h.now)
        .unwrap();
    let init = h.expect(Endpoint::Init);
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
        let check = h.expect(Endpoint::SyncCheck);
        requests += 1;
        h.client
            .handle_failure(check.id, Failure::Io, h.now)
            .unwrap();
        let before = h.now;
        h.wake();
        assert!(h.now - before >= Duration::from_secs(48), "at the cap");
    }
    assert!(requests <= 6, "{requests} synccheck in 290 s");
    let _ = h.expect(Endpoint::SyncCheck);
}
