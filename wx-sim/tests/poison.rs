//! Poisoned elements: exactly one message or contact of a reply carries a raw control byte or
//! an invalid UTF-8 byte, its siblings stay valid, keys advance, and the element is poisoned
//! again whenever it is sent again, until cleared.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{Value, json};
use wx_sim::{Body, Poison, Push};

fn sync_raw(h: &mut H, c: &Creds, key: &Value) -> Vec<u8> {
    let url = format!(
        "{API}/webwxsync?sid={}&skey={}&lang=zh_CN&pass_ticket={}",
        c.sid,
        c.skey,
        enc(&c.pass_ticket)
    );
    let r = h.post(
        &url,
        &json!({"BaseRequest": base_request(c), "SyncKey": key, "rr": -5}),
    );
    assert_eq!(r.status().as_u16(), 200);
    r.into_body()
}

fn ready(h: &mut H) -> (Creds, Value) {
    let c = h.login();
    let v: Value =
        serde_json::from_slice(&sync_raw(h, &c, &json!({"Count": 0, "List": []}))).unwrap();
    (c, v["SyncKey"].clone())
}

/// The body has `poison`'s byte exactly once and is unreadable; with that byte replaced by
/// `?` it is valid JSON: returns that.
fn only_poison(body: &[u8], poison: Poison) -> Value {
    let b = poison.byte();
    assert_eq!(
        body.iter().filter(|&&x| x == b).count(),
        1,
        "one poison byte"
    );
    match poison {
        Poison::ControlByte => assert!(serde_json::from_slice::<Value>(body).is_err()),
        Poison::InvalidUtf8 => assert!(std::str::from_utf8(body).is_err()),
    }
    let fixed: Vec<u8> = body
        .iter()
        .map(|&x| if x == b { b'?' } else { x })
        .collect();
    serde_json::from_slice(&fixed).expect("valid JSON but for the poison byte")
}

fn clean(body: &[u8]) -> Value {
    assert!(!body.iter().any(|&x| x == 0x01 || x == 0xFF));
    serde_json::from_slice(body).expect("valid JSON")
}

#[test]
fn poisoned_message_pair_has_one_bad_byte_beside_a_valid_message() {
    for poison in [Poison::ControlByte, Poison::InvalidUtf8] {
        let mut h = H::new(config());
        let (c, key) = ready(&mut h);
        let pair = h
            .sim
            .push_poisoned_pair(&Push::default(), poison, h.now)
            .unwrap();
        let body = sync_raw(&mut h, &c, &key);
        let v = only_poison(&body, poison);
        assert_eq!(v["AddMsgCount"], 2);
        let list = v["AddMsgList"].as_array().unwrap();
        assert_eq!(list[0]["MsgId"], pair.poisoned.as_str());
        assert_eq!(list[0]["Content"], "poisoned? message");
        assert_eq!(list[1]["MsgId"], pair.valid.as_str());
        assert_eq!(list[1]["Content"], "valid message");
        // The valid element alone, cut out of the raw body, is valid JSON.
        let start = format!("{{\"MsgId\": \"{}\"", pair.valid);
        let at = body
            .windows(start.len())
            .position(|w| w == start.as_bytes())
            .unwrap();
        let tail = &body[at..];
        let mut it = serde_json::Deserializer::from_slice(tail).into_iter::<Value>();
        assert_eq!(it.next().unwrap().unwrap()["Content"], "valid message");
        // Keys advance normally.
        assert_ne!(v["SyncKey"], key);
        // Not advancing the keys: the same element, poisoned again.
        let again = sync_raw(&mut h, &c, &key);
        assert_eq!(
            only_poison(&again, poison)["AddMsgList"][0]["MsgId"],
            pair.poisoned.as_str()
        );
        // Advancing: nothing poisoned any more.
        let next = clean(&sync_raw(&mut h, &c, &v["SyncKey"]));
        assert_eq!(next["AddMsgCount"], 0);
    }
}

#[test]
fn poison_next_message_hits_the_first_message_of_the_next_batch_once() {
    let mut h = H::new(config());
    let (c, key) = ready(&mut h);
    h.sim.poison_next_message(Some(0), Poison::ControlByte);
    for t in ["one", "two", "three"] {
        h.sim
            .push(&Push::default(), &Body::Text { text: t.into() }, h.now)
            .unwrap();
    }
    let body = sync_raw(&mut h, &c, &key);
    let v = only_poison(&body, Poison::ControlByte);
    let contents: Vec<&str> = v["AddMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Content"].as_str().unwrap())
        .collect();
    assert_eq!(contents, ["o?ne", "two", "three"]);
    // Re-sent (old keys): poisoned again; the pending poison is used up.
    only_poison(&sync_raw(&mut h, &c, &key), Poison::ControlByte);
    h.sim
        .push(
            &Push::default(),
            &Body::Text {
                text: "four".into(),
            },
            h.now,
        )
        .unwrap();
    let v = clean(&sync_raw(&mut h, &c, &v["SyncKey"]));
    assert_eq!(v["AddMsgList"][0]["Content"], "four");
}

#[test]
fn poison_waits_for_its_account_and_for_a_batch_with_messages() {
    let mut h = H::new(config());
    let (c, key) = ready(&mut h);
    h.sim.poison_next_message(Some(5), Poison::ControlByte);
    h.sim.poison_next_mod_contact(None, Poison::InvalidUtf8);
    let v = clean(&sync_raw(&mut h, &c, &key));
    assert_eq!(v["AddMsgCount"], 0, "an empty batch uses no poison");
    h.sim
        .push(&Push::default(), &Body::Text { text: "hi".into() }, h.now)
        .unwrap();
    let v = clean(&sync_raw(&mut h, &c, &key));
    assert_eq!(
        v["AddMsgList"][0]["Content"], "hi",
        "the poison is account 5's"
    );
}

#[test]
fn poisoned_contact_pair_in_mod_contact_list() {
    let mut h = H::new(config());
    let (c, key) = ready(&mut h);
    let pair = h
        .sim
        .push_poisoned_contacts(0, Poison::InvalidUtf8, h.now)
        .unwrap();
    let body = sync_raw(&mut h, &c, &key);
    let v = only_poison(&body, Poison::InvalidUtf8);
    let list = v["ModContactList"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["UserName"], pair.poisoned.as_str());
    assert!(list[0]["NickName"].as_str().unwrap().contains('?'));
    assert_eq!(list[1]["UserName"], pair.valid.as_str());
    let nick = &h.sim.world().accounts[0]
        .contact(&pair.valid)
        .unwrap()
        .nick_name;
    assert_eq!(list[1]["NickName"], nick.as_str());
    assert_ne!(v["SyncKey"], key);
}

#[test]
fn poison_next_mod_contact_hits_a_remark_change() {
    let mut h = H::new(config());
    let (c, key) = ready(&mut h);
    h.sim.poison_next_mod_contact(Some(0), Poison::ControlByte);
    let friend = h.sim.world().accounts[0]
        .friends()
        .next()
        .unwrap()
        .user_name
        .clone();
    let r = h.post_json(
        &format!("{API}/webwxoplog?pass_ticket={}", enc(&c.pass_ticket)),
        &json!({"BaseRequest": base_request(&c), "UserName": friend, "CmdId": 2, "RemarkName": "R"}),
    );
    assert_eq!(r["BaseResponse"]["Ret"], 0);
    let v = only_poison(&sync_raw(&mut h, &c, &key), Poison::ControlByte);
    assert_eq!(v["ModContactList"][0]["UserName"], friend.as_str());
    assert_eq!(v["ModContactList"][0]["RemarkName"], "R");
}

#[test]
fn poisoned_page_contact_is_poisoned_every_time_its_page_is_served() {
    let mut h = H::new(wx_sim::Config {
        contact_page: 10,
        ..config()
    });
    let c = h.login();
    let name = h
        .sim
        .poison_page_contact(0, 3, Poison::ControlByte)
        .unwrap();
    let url = format!("{API}/webwxgetcontact?r=1&seq=0&skey={}", enc(&c.skey));
    for _ in 0..2 {
        let body = h.get(&url).into_body();
        let v = only_poison(&body, Poison::ControlByte);
        let list = v["MemberList"].as_array().unwrap();
        assert_eq!(list.len(), 10);
        assert_eq!(list[3]["UserName"], name.as_str());
        assert!(list[3]["NickName"].as_str().unwrap().contains('?'));
    }
    let page2 = format!("{API}/webwxgetcontact?r=1&seq=10&skey={}", enc(&c.skey));
    clean(&h.get(&page2).into_body());
    assert!(
        h.sim
            .poison_page_contact(0, 10_000, Poison::ControlByte)
            .is_err()
    );
    h.sim.clear_patterns();
    clean(&h.get(&url).into_body());
}

#[test]
fn clearing_sends_queued_poisoned_elements_clean() {
    let mut h = H::new(config());
    let (c, key) = ready(&mut h);
    h.sim
        .push_poisoned_pair(&Push::default(), Poison::ControlByte, h.now)
        .unwrap();
    only_poison(&sync_raw(&mut h, &c, &key), Poison::ControlByte);
    h.sim.clear_patterns();
    let v = clean(&sync_raw(&mut h, &c, &key));
    assert_eq!(v["AddMsgList"][0]["Content"], "poisoned message");
    assert_eq!(v["AddMsgList"][1]["Content"], "valid message");
}
