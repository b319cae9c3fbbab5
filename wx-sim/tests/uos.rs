//! UOS-mode requests (itchat-uos 1.4.1): an empty Skey, the DeviceID as pass_ticket, the
//! credentials from the wxsid/wxuin cookies. Accepted as the real server accepts them; a wrong
//! sid, uin or cookie still fails.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{Value, json};

const DEVICE: &str = "e123456789012345";

fn uos_base(c: &Creds) -> Value {
    json!({"Uin": c.uin.to_string(), "Sid": c.sid, "Skey": "", "DeviceID": DEVICE})
}

#[test]
fn empty_skey_with_the_session_cookies_is_accepted() {
    let mut h = H::new(config());
    let c = h.login();
    let init = h.post_json(
        &format!("{API}/webwxinit?r=-1&lang=zh_CN&pass_ticket={DEVICE}"),
        &json!({"BaseRequest": uos_base(&c)}),
    );
    assert_eq!(init["BaseResponse"]["Ret"], 0, "{init}");
    let sync = h.post_json(
        &format!("{API}/webwxsync?sid={}&skey=&pass_ticket={DEVICE}", c.sid),
        &json!({"BaseRequest": uos_base(&c), "SyncKey": init["SyncKey"], "rr": -1}),
    );
    assert_eq!(sync["BaseResponse"]["Ret"], 0, "{sync}");
    // synccheck with skey= (empty) and the cookies: not 1100.
    let r = h.get(&format!(
        "{API}/synccheck?r=1&skey=&sid={}&uin={}&deviceid={DEVICE}&synckey=1_1&_=1",
        enc(&c.sid),
        c.uin
    ));
    assert!(text(&r).contains("retcode:\"0\""), "{}", text(&r));
    let send = h.post_json(
        &format!("{API}/webwxsendmsg?pass_ticket={DEVICE}"),
        &json!({"BaseRequest": uos_base(&c), "Msg": {"Type": 1, "Content": "hi", "FromUserName": c.user_name, "ToUserName": "filehelper", "LocalID": "1", "ClientMsgId": "1"}}),
    );
    assert_eq!(send["BaseResponse"]["Ret"], 0, "{send}");
}

#[test]
fn empty_skey_stays_strict_on_sid_uin_and_cookies() {
    let mut h = H::new(config());
    let c = h.login();
    let url = format!("{API}/webwxinit?r=-1&lang=zh_CN&pass_ticket={DEVICE}");
    let mut bad_uin = uos_base(&c);
    bad_uin["Uin"] = json!((c.uin + 1).to_string());
    assert_eq!(
        h.post_json(&url, &json!({"BaseRequest": bad_uin}))["BaseResponse"]["Ret"],
        1100
    );
    let mut bad_sid = uos_base(&c);
    bad_sid["Sid"] = json!("nope");
    assert_eq!(
        h.post_json(&url, &json!({"BaseRequest": bad_sid}))["BaseResponse"]["Ret"],
        1100
    );
    // A wrong (non-empty) skey is still refused, and so is a wrong pass_ticket with the real skey.
    let mut bad_skey = uos_base(&c);
    bad_skey["Skey"] = json!("@crypt_00000000_00000000000000000000000000000000");
    assert_eq!(
        h.post_json(&url, &json!({"BaseRequest": bad_skey}))["BaseResponse"]["Ret"],
        1100
    );
    assert_eq!(
        h.post_json(&url, &json!({"BaseRequest": base_request(&c)}))["BaseResponse"]["Ret"],
        1100
    );
    // Another session's wxuin cookie: 1102; no cookies at all: 1102 too (synccheck as well).
    h.jar.insert("wxuin".into(), (c.uin + 1).to_string());
    assert_eq!(
        h.post_json(&url, &json!({"BaseRequest": uos_base(&c)}))["BaseResponse"]["Ret"],
        1102
    );
    h.jar.clear();
    assert_eq!(
        h.post_json(&url, &json!({"BaseRequest": uos_base(&c)}))["BaseResponse"]["Ret"],
        1102
    );
    let r = h.get(&format!(
        "{API}/synccheck?r=1&skey=&sid={}&uin={}&deviceid={DEVICE}&synckey=1_1&_=1",
        enc(&c.sid),
        c.uin
    ));
    assert!(text(&r).contains("retcode:\"1102\""), "{}", text(&r));
}
