//! The `push_many` control command (the peers benchmark's load): `count` numbered texts in one
//! call, delivered in order through webwxsync like single pushes; bad requests are refused.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use http::Method;
use serde_json::{Value, json};

fn control(h: &mut H, path: &str, body: &Value) -> (u16, String) {
    let r = h.request(
        Method::POST,
        &format!("/__sim/{path}"),
        serde_json::to_vec(body).unwrap(),
    );
    let r = h.send(r);
    (r.status().as_u16(), text(&r))
}

#[test]
fn push_many_delivers_numbered_texts_in_order() {
    let mut h = H::new(config());
    let c = h.login();
    let friend = h.sim.world().accounts[0]
        .friends()
        .next()
        .unwrap()
        .user_name
        .clone();
    let (code, body) = control(
        &mut h,
        "push_many?count=250",
        &json!({"from": "0", "body": {"kind": "text", "text": "load"}}),
    );
    assert_eq!((code, body.as_str()), (200, r#"{"pushed":250}"#));

    let url = format!("{API}/webwxsync?sid={}&skey={}", c.sid, c.skey);
    let mut key = json!({"Count": 0, "List": []});
    let mut texts = Vec::new();
    let mut batches = Vec::new();
    let mut notices = 0;
    for _ in 0..10 {
        let s = h.post_json(
            &url,
            &json!({"BaseRequest": base_request(&c), "SyncKey": key}),
        );
        assert_eq!(s["BaseResponse"]["Ret"], 0);
        let list = s["AddMsgList"].as_array().unwrap();
        batches.push(list.len());
        // The login's own status notification (MsgType 51) comes first.
        notices += list.iter().filter(|m| m["MsgType"] == 51).count();
        for m in list.iter().filter(|m| m["MsgType"] != 51) {
            assert_eq!(m["MsgType"], 1);
            assert_eq!(m["FromUserName"], friend.as_str());
            texts.push(m["Content"].as_str().unwrap().to_string());
        }
        key = s["SyncKey"].clone();
        if s["ContinueFlag"] == 0 {
            break;
        }
    }
    let want: Vec<String> = (0..250).map(|i| format!("load {i}")).collect();
    assert_eq!(texts, want);
    // At most 100 per webwxsync, the rest announced by ContinueFlag.
    let all = 250 + notices;
    assert_eq!(batches.iter().sum::<usize>(), all);
    assert_eq!(batches.len(), all.div_ceil(100), "{batches:?}");
}

#[test]
fn push_many_refuses_bad_requests() {
    let mut h = H::new(config());
    h.login();
    let text = json!({"body": {"kind": "text", "text": "load"}});
    for path in ["push_many", "push_many?count=0", "push_many?count=x"] {
        assert_eq!(control(&mut h, path, &text).0, 400, "{path}");
    }
    let image = json!({"body": {"kind": "image"}});
    assert_eq!(control(&mut h, "push_many?count=3", &image).0, 400);
    let nobody = json!({"group": "99", "body": {"kind": "text", "text": "load"}});
    assert_eq!(control(&mut h, "push_many?count=3", &nobody).0, 400);
}
