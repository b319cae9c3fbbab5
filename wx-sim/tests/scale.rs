//! What the loopback scale benchmark (benches/scale) relies on: `LoginPolicy::EachAccount`
//! gives every new login its own account, spread steady load pushes one stamped text per
//! account per period at the account's own offset, and `take_wakes` names only the held
//! synccheck of the session that got something.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use http::Method;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;
use wx_sim::sim::Wakes;
use wx_sim::{LoginPolicy, Reply};

const RATE: Duration = Duration::from_secs(3);

fn scale_config() -> wx_sim::Config {
    let mut c = config();
    c.world.accounts = 3;
    c.world.contacts = 2;
    c.login = LoginPolicy::EachAccount {
        scan_after: Duration::ZERO,
        confirm_after: Duration::ZERO,
    };
    c.steady_rate = Some(RATE);
    c.steady_spread = true;
    c
}

/// Logs in without touching the knobs (the policy scans and confirms): the credentials and
/// the session's cookies.
fn auto_login(h: &mut H) -> (Creds, BTreeMap<String, String>) {
    h.jar.clear();
    let uuid = h.jslogin();
    let creds = h.enter(&uuid, 0);
    (creds, h.jar.clone())
}

/// One webwxsync from scratch: the texts, and the synccheck `synckey` it leaves.
fn sync_texts(h: &mut H, c: &Creds, jar: &BTreeMap<String, String>) -> (Vec<String>, String) {
    h.jar = jar.clone();
    let url = format!("{API}/webwxsync?sid={}&skey={}", c.sid, c.skey);
    let s = h.post_json(
        &url,
        &json!({"BaseRequest": base_request(c), "SyncKey": {"Count": 0, "List": []}}),
    );
    let texts = s["AddMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["MsgType"] == 1)
        .map(|m| m["Content"].as_str().unwrap().to_string())
        .collect();
    let key = s["SyncCheckKey"]["List"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kv| format!("{}_{}", kv["Key"], kv["Val"]))
        .collect::<Vec<_>>()
        .join("|");
    (texts, key)
}

#[test]
fn each_login_gets_the_next_free_account_and_spread_load_stamps_each_once() {
    let mut h = H::new(scale_config());
    let start = h.now;
    let sessions: Vec<_> = (0..3).map(|_| auto_login(&mut h)).collect();
    let uins: Vec<u64> = sessions.iter().map(|(c, _)| c.uin).collect();
    let world: Vec<u64> = h.sim.world().accounts.iter().map(|a| a.uin).collect();
    assert_eq!(uins, world, "one account per login, in order");
    assert!((0..3).all(|a| h.sim.live_sessions(a) == 1));

    // One period later every account has had exactly one text, pushed at its own offset
    // (account a at a x RATE / 3) and stamped with the Unix time in microseconds.
    h.now = start + RATE + Duration::from_millis(1);
    h.sim.advance(h.now);
    let base_us = wall()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64;
    for (a, (c, jar)) in sessions.iter().enumerate() {
        let (texts, _) = sync_texts(&mut h, c, jar);
        assert_eq!(texts.len(), 1, "account {a}: {texts:?}");
        let stamp: u64 = texts[0].strip_prefix("steady @").unwrap().parse().unwrap();
        let offset = stamp - base_us;
        let slot = RATE.as_micros() as u64 * a as u64 / 3;
        // Pushed at the first advance after its slot; the sessions were made at `start`.
        assert!(
            offset >= slot,
            "account {a}: offset {offset} before slot {slot}"
        );
    }
}

#[test]
fn take_wakes_names_only_the_held_synccheck_that_got_a_text() {
    let mut h = H::new(scale_config());
    let start = h.now;
    let sessions: Vec<_> = (0..3).map(|_| auto_login(&mut h)).collect();
    let _ = h.sim.take_wakes();
    // Account 2's synccheck is held (nothing new for it after its first sync).
    let (c, jar) = &sessions[2];
    let (_, key) = sync_texts(&mut h, c, jar);
    h.jar = jar.clone();
    let req = h.request(
        Method::GET,
        &format!(
            "{API}/synccheck?sid={}&uin={}&skey={}&r=1&synckey={}&_=1",
            c.sid,
            c.uin,
            enc(&c.skey),
            enc(&key)
        ),
        Vec::new(),
    );
    let Reply::Held(id) = h.sim.handle(&req, h.now) else {
        panic!("synccheck not held");
    };
    assert_eq!(h.sim.take_wakes(), Wakes::None);
    // Account 1's slot (a third into the period): nothing held for it.
    h.sim.advance(start + RATE / 2);
    assert_eq!(h.sim.take_wakes(), Wakes::None);
    // Account 2's slot (two thirds in): its held synccheck is named.
    h.sim.advance(start + RATE * 5 / 6);
    assert_eq!(h.sim.take_wakes(), Wakes::Some(vec![id]));
    assert!(h.sim.poll_held(id, start + RATE * 2).is_some());
}
