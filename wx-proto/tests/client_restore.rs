//! Sessions that survive restarts, against the wx-sim core in memory: a saved session
//! resumes with no scan and no message lost or repeated; an expired one goes to push login;
//! a refused push login falls back to a QR code; re-login after a kick starts clean; bad
//! snapshot files give clear errors; snapshots never show credentials in Debug.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wx_testkit::pair;

use std::time::Duration;

use pair::Pair;
use wx_proto::client::*;
use wx_sim::{Body, Push, WorldSpec};

fn world() -> WorldSpec {
    WorldSpec {
        contacts: 8,
        groups: 1,
        ..WorldSpec::default()
    }
}

fn text(p: &mut Pair, t: &str) -> String {
    p.sim
        .push(&Push::default(), &Body::Text { text: t.into() }, p.now)
        .unwrap()
}

fn restored(p: &Pair, snap: Snapshot) -> Client {
    let json = snap.to_json();
    let snap = Snapshot::from_json(&json).unwrap();
    Client::restore(
        Config::for_base_url(pair::BASE),
        snap,
        [8; 32],
        p.now,
        pair::wall() + p.now.duration_since(p.start),
    )
    .unwrap()
}

fn paths(p: &Pair) -> Vec<LoginPath> {
    p.events
        .iter()
        .filter_map(|e| match e {
            Event::LoginPath(l) => Some(*l),
            _ => None,
        })
        .collect()
}

#[test]
fn a_saved_session_resumes_without_a_scan_and_loses_nothing() {
    let mut p = Pair::with_world(world());
    p.login();
    assert!(
        p.events
            .iter()
            .any(|e| matches!(e, Event::SnapshotChanged(SnapshotReason::LoggedIn)))
    );
    let before: Vec<String> = (0..3)
        .map(|i| text(&mut p, &format!("before {i}")))
        .collect();
    p.run_for(Duration::from_secs(5));
    let snap = p.client.snapshot(p.now).expect("logged in");
    // The process stops; messages arrive meanwhile.
    let during: Vec<String> = (0..2)
        .map(|i| text(&mut p, &format!("during {i}")))
        .collect();
    p.run_for(Duration::ZERO);
    let client = restored(&p, snap);
    p.events.clear();
    p.restart_with(client);
    let after = text(&mut p, "after");
    p.run_until(Duration::from_secs(30), |p| p.messages().len() >= 3);
    p.run_for(Duration::from_secs(5));
    assert_eq!(paths(&p), [LoginPath::Hot]);
    assert!(
        !p.events.iter().any(|e| matches!(e, Event::QrCode { .. })),
        "no scan"
    );
    assert_eq!(p.client.phase(), Phase::Running);
    let ids: Vec<&str> = p.messages().iter().map(|m| m.msg_id.as_str()).collect();
    let mut expected: Vec<&str> = during.iter().map(String::as_str).collect();
    expected.push(&after);
    assert_eq!(
        ids, expected,
        "downtime messages once, nothing from before the snapshot"
    );
    assert!(before.iter().all(|b| !ids.contains(&b.as_str())));
}

#[test]
fn an_expired_session_goes_to_push_login_and_continues() {
    let mut p = Pair::with_world(world());
    p.login();
    let snap = p.client.snapshot(p.now).unwrap();
    p.sim.expire_sessions(0);
    let client = restored(&p, snap);
    p.events.clear();
    p.restart_with(client);
    p.run_until(Duration::from_secs(60), Pair::ready);
    assert_eq!(paths(&p), [LoginPath::Hot, LoginPath::Push]);
    assert!(
        !p.events.iter().any(|e| matches!(e, Event::QrCode { .. })),
        "the phone confirmed, no scan"
    );
    assert!(p.events.iter().any(|e| matches!(e, Event::LoggedIn { .. })));
    let id = text(&mut p, "hello again");
    p.run_for(Duration::from_secs(5));
    assert!(p.messages().iter().any(|m| m.msg_id == id));
}

#[test]
fn a_refused_push_login_falls_back_to_a_qr_code() {
    let mut p = Pair::with_world(world());
    p.login();
    let mut snap = p.client.snapshot(p.now).unwrap();
    snap.uin = wx_proto::Uin(42); // the server knows no such account
    p.sim.expire_sessions(0);
    let client = restored(&p, snap);
    p.events.clear();
    p.restart_with(client);
    p.run_until(Duration::from_secs(60), Pair::ready);
    assert_eq!(paths(&p), [LoginPath::Hot, LoginPath::Qr]);
    assert!(p.events.iter().any(|e| matches!(e, Event::QrCode { .. })));
    assert_eq!(p.client.phase(), Phase::Running);
}

#[test]
fn login_again_after_a_kick_starts_clean() {
    let mut p = Pair::with_world(world());
    p.login();
    let old_me = p.client.me().unwrap().user_name.clone();
    p.sim.kick(0);
    p.run_until(Duration::from_secs(60), |p| {
        p.client.phase() == Phase::LoggedOut
    });
    assert!(matches!(
        p.events.last(),
        Some(Event::LoggedOut(LogoutReason::Kicked))
    ));
    assert_eq!(
        p.client
            .submit(Command::MarkRead { chat: "@x".into() }, p.now),
        Err(UsageError::SessionEnded)
    );
    p.events.clear();
    p.client.login_again(p.now).unwrap();
    p.run_until(Duration::from_secs(60), Pair::ready);
    assert_eq!(paths(&p), [LoginPath::Push]);
    assert_eq!(p.client.phase(), Phase::Running);
    let new_me = p.client.me().unwrap().user_name.clone();
    assert_ne!(old_me, new_me, "a new login has new UserNames");
    assert!(p.client.contacts().all(|c| c.user_name != old_me));
    let id = text(&mut p, "back");
    p.run_for(Duration::from_secs(5));
    assert!(p.messages().iter().any(|m| m.msg_id == id));
    assert_eq!(p.client.login_again(p.now), Err(UsageError::StillRunning));
}

#[test]
fn snapshot_files_are_checked_and_never_show_credentials() {
    let mut p = Pair::with_world(world());
    p.login();
    let snap = p.client.snapshot(p.now).unwrap();
    let debug = format!("{snap:?}");
    for secret in &p.secrets {
        assert!(
            !debug.contains(&format!("\"{secret}\"")),
            "a credential in Snapshot's Debug"
        );
    }
    let json = snap.to_json();
    // The JSON form round-trips (avatar URLs are stored with their skey redacted).
    assert_eq!(Snapshot::from_json(&json).unwrap().to_json(), json);
    for cut in [0, 1, json.len() / 2, json.len() - 2] {
        assert!(
            matches!(
                Snapshot::from_json(&json[..cut]),
                Err(SnapshotError::Malformed(_))
            ),
            "cut at {cut}"
        );
    }
    let mut v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    v["version"] = serde_json::json!(SNAPSHOT_VERSION + 1);
    v["a_field_from_the_future"] = serde_json::json!(true);
    let newer = serde_json::to_vec(&v).unwrap();
    let err = Snapshot::from_json(&newer).unwrap_err();
    assert_eq!(
        err,
        SnapshotError::NewerVersion {
            found: SNAPSHOT_VERSION + 1,
            supported: SNAPSHOT_VERSION
        }
    );
    assert!(err.to_string().contains("newer"));
}

#[test]
fn messages_that_arrived_while_the_process_was_down_are_news_not_history() {
    let mut p = Pair::with_world(world());
    p.login();
    p.run_for(Duration::from_secs(60));
    let snap = p.client.snapshot(p.now).expect("logged in");
    assert!(snap.session_started_unix_s.is_some());
    // Down for ten minutes; two messages arrive meanwhile.
    let start = p.now;
    let client = restored(&p, snap.clone());
    p.restart_with(client);
    let during: Vec<String> = (0..2).map(|i| text(&mut p, &format!("down {i}"))).collect();
    p.now += Duration::from_secs(600);
    p.sim.advance(p.now);
    let client = restored(&p, snap);
    p.events.clear();
    p.restart_with(client);
    assert!(p.run_until(Duration::from_secs(60), |p| p.messages().len() >= 2));
    let got: Vec<(String, bool)> = p
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Message { message, history } => Some((message.msg_id.clone(), *history)),
            _ => None,
        })
        .collect();
    assert_eq!(
        got,
        during
            .iter()
            .map(|id| (id.clone(), false))
            .collect::<Vec<_>>(),
        "created after the first login: not history (restored at +{:?})",
        p.now - start
    );
}

#[test]
fn a_version_1_snapshot_still_restores() {
    let mut p = Pair::with_world(world());
    p.login();
    let snap = p.client.snapshot(p.now).expect("logged in");
    let mut v: serde_json::Value = serde_json::from_slice(&snap.to_json()).unwrap();
    v["version"] = serde_json::json!(1);
    let obj = v.as_object_mut().unwrap();
    obj.remove("session_started_unix_s");
    obj.remove("push_host");
    let old = Snapshot::from_json(&serde_json::to_vec(&v).unwrap()).unwrap();
    assert_eq!(old.version, 1);
    assert_eq!(old.session_started_unix_s, None);
    let client = restored(&p, old);
    p.events.clear();
    p.restart_with(client);
    let id = text(&mut p, "after v1");
    assert!(p.run_until(Duration::from_secs(60), |p| {
        p.messages().iter().any(|m| m.msg_id == id)
    }));
}

#[test]
fn a_version_2_snapshot_with_the_wire_contact_migrates_and_restores() {
    let mut p = Pair::with_world(world());
    p.login();
    let snap = p.client.snapshot(p.now).expect("logged in");
    let me = snap.me.clone().expect("me");
    let mut v: serde_json::Value = serde_json::from_slice(&snap.to_json()).unwrap();
    // What version 2 wrote: `me` as the server's object (PascalCase, names not decoded).
    v["version"] = serde_json::json!(2);
    v["me"] = serde_json::json!({
        "UserName": me.user_name,
        "NickName": "Me &amp; <span class=\"emoji emoji1f604\"></span>",
        "Uin": 42,
        "HeadImgUrl": "/cgi-bin/mmwebwx-bin/webwxgeticon?seq=1",
    });
    let old = Snapshot::from_json(&serde_json::to_vec(&v).unwrap()).unwrap();
    assert_eq!(old.version, 2);
    let migrated = old.me.clone().expect("me kept");
    assert_eq!(migrated.user_name, me.user_name);
    assert_eq!(migrated.nick_name, "Me & 😄", "names decoded on migration");
    assert_eq!(migrated.uin.get(), 42);
    // Written again, it is version 3 with the domain form, and reads back the same.
    let json = old.to_json();
    let again = Snapshot::from_json(&json).unwrap();
    assert_eq!(again.me, Some(migrated));
    let client = restored(&p, old);
    p.events.clear();
    p.restart_with(client);
    let id = text(&mut p, "after v2");
    assert!(p.run_until(Duration::from_secs(60), |p| {
        p.messages().iter().any(|m| m.msg_id == id)
    }));
}
