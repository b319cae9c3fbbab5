//! The Client state machine driven by hand-written server answers (the project's own
//! fixtures, through the harness in `scripted/`), one flow per test; here commands: beside the long poll, and before the login (usage errors), with the
//! logout ending cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

mod common;
mod scripted;

use scripted::*;
use wx_proto::client::*;

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
    let send = h.expect(Endpoint::SendMsg);
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
    let rename = h.expect(Endpoint::UpdateChatRoom);
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
    let _ = h.expect(Endpoint::SyncCheck);
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
    let logout = h.expect(Endpoint::Logout);
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
