//! The Client state machine driven by hand-written server answers (the project's own
//! fixtures, through the harness in `scripted/`), one flow per test; here the sync loop: each message once with the keys advancing, messages from before the
//! session, contact and profile changes, every selector and unknown codes, a redelivered
//! batch.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

mod common;
mod scripted;

use std::time::Duration;

use scripted::*;
use wx_proto::client::*;

#[test]
fn sync_loop_delivers_each_message_once_and_advances_keys() {
    let mut h = Harness::new(Config::default());
    let check = h.running();
    h.reply(&check, 200, &fixture("synccheck/0-0.txt"), &[]);
    let check = h.expect(Endpoint::SyncCheck);
    h.reply(&check, 200, &fixture("synccheck/0-2.txt"), &[]);
    let sync = h.expect(Endpoint::Sync);
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
    let check = h.expect(Endpoint::SyncCheck);
    let uri = check.http.uri().to_string();
    assert!(uri.contains("synckey=1_700000001%7C2_700000010%7C3_700000003%7C11_700000004%7C201_1600000100%7C1000_1600000000%7C1001_1600000050"), "SyncCheckKey after the first sync: {uri}");
    // The same messages again: nothing is delivered twice.
    h.reply(&check, 200, &fixture("synccheck/0-2.txt"), &[]);
    let sync = h.expect(Endpoint::Sync);
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
    let check = h.expect_paced(Endpoint::SyncCheck);
    h.reply(&check, 200, &fixture("synccheck/0-2.txt"), &[]);
    let sync = h.expect(Endpoint::Sync);
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

fn old_messages_body() -> Vec<u8> {
    let mut v: serde_json::Value =
        serde_json::from_slice(&fixture("webwxsync/text-private-and-group.json")).unwrap();
    v["AddMsgList"][0]["CreateTime"] = serde_json::json!(1_599_999_000);
    serde_json::to_vec(&v).unwrap()
}

fn sync_once(h: &mut Harness, body: &[u8]) -> Vec<Event> {
    let check = h.first_check();
    h.reply(&check, 200, &fixture("synccheck/0-2.txt"), &[]);
    let sync = h.expect(Endpoint::Sync);
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
    let again = h.expect(Endpoint::Sync);
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
        let sync = h.expect(Endpoint::Sync);
        h.reply(
            &sync,
            200,
            &fixture("webwxsync/empty-keys-unchanged.json"),
            &[],
        );
        // Nothing new: the loop waits before it asks again.
        check = h.expect_paced(Endpoint::SyncCheck);
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
    let check = h.expect(Endpoint::SyncCheck);
    h.reply(&check, 200, &fixture("synccheck/1101-0.txt"), &[]);
    assert!(matches!(
        h.events().last(),
        Some(Event::LoggedOut(LogoutReason::SessionInvalid))
    ));
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
    let sync = h.expect(Endpoint::Sync);
    h.reply(&sync, 200, body(1).as_bytes(), &[]);
    let count = |h: &mut Harness| {
        h.events()
            .iter()
            .filter(|e| matches!(e, Event::Message { .. }))
            .count()
    };
    assert_eq!(count(&mut h), 10_000);
    let check = h.expect(Endpoint::SyncCheck);
    h.reply(&check, 200, &fixture("synccheck/0-2.txt"), &[]);
    let sync = h.expect(Endpoint::Sync);
    h.reply(&sync, 200, body(2).as_bytes(), &[]);
    assert_eq!(
        count(&mut h),
        0,
        "the whole batch again, and nothing delivered twice"
    );
}
