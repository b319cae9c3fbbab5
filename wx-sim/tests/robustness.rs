//! Bad input never panics: every endpoint, with and without a session, gets malformed bodies,
//! wrong JSON types, broken multipart and odd queries.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use http::Method;
use serde_json::json;

const ENDPOINTS: &[&str] = &[
    "login",
    "webwxnewloginpage",
    "webwxpushloginurl",
    "webwxinit",
    "webwxstatusnotify",
    "webwxgetcontact",
    "webwxbatchgetcontact",
    "synccheck",
    "webwxsync",
    "webwxsendmsg",
    "webwxsendmsgimg",
    "webwxsendvideomsg",
    "webwxsendappmsg",
    "webwxsendemoticon",
    "webwxuploadmedia",
    "webwxcheckupload",
    "webwxrevokemsg",
    "webwxgetmsgimg",
    "webwxgetvoice",
    "webwxgetvideo",
    "webwxgetmedia",
    "webwxgeticon",
    "webwxgetheadimg",
    "webwxgetpubliclinkimg",
    "webwxoplog",
    "webwxverifyuser",
    "webwxcreatechatroom",
    "webwxupdatechatroom",
    "webwxstatreport",
    "nope",
];

#[test]
fn malformed_requests_get_replies_not_panics() {
    let mut h = H::new(config());
    let c = h.login();
    let br = base_request(&c);
    let bodies: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"{".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x7b],
        json!({"BaseRequest": 5}).to_string().into_bytes(),
        json!({"BaseRequest": {"Uin": [], "Sid": {}, "Skey": 1}}).to_string().into_bytes(),
        json!({"BaseRequest": br, "Msg": 5, "List": "x", "SyncKey": [1], "MemberList": {}, "VerifyUserList": 3, "Code": "x", "CmdId": [], "SvrMsgId": {}, "ChatRoomName": 7}).to_string().into_bytes(),
        json!({"BaseRequest": br, "Msg": {"Type": "x", "ToUserName": 5, "MediaId": []}, "List": [1, "a", {"UserName": 3}], "SyncKey": {"List": [{"Key": "1", "Val": "x"}, 7]}, "MemberList": [{"UserName": null}], "VerifyUserList": [{}]}).to_string().into_bytes(),
        b"--XyZ\r\nContent-Disposition: form-data; name=\"uploadmediarequest\"\r\n\r\n{\"BaseRequest\":".to_vec(),
    ];
    let queries = [
        "",
        "?",
        "?uuid=&ticket=&seq=-1&synckey=1_x|_|&MsgID=&msgid=99999999999999999999&fun=nope&uin=abc",
        "?%zz=%&&&=",
        "?seq=18446744073709551615&skey=%40",
    ];
    let mut replies = 0;
    for ep in ENDPOINTS {
        for q in queries {
            for body in &bodies {
                for method in [Method::GET, Method::POST] {
                    for with_cookies in [true, false] {
                        let jar = h.jar.clone();
                        if !with_cookies {
                            h.jar.clear();
                        }
                        let mut req =
                            h.request(method.clone(), &format!("{API}/{ep}{q}"), body.clone());
                        req.headers_mut().insert(
                            "content-type",
                            "multipart/form-data; boundary=XyZ".parse().unwrap(),
                        );
                        req.headers_mut()
                            .insert("range", "bytes=9-1".parse().unwrap());
                        let _ = h.send_with(req, |_, _| None);
                        h.jar = jar;
                        replies += 1;
                    }
                }
            }
        }
    }
    assert_eq!(replies, ENDPOINTS.len() * queries.len() * bodies.len() * 4);
    // The session survived all of it.
    let v = h.post_json(
        &format!("{API}/webwxsync?sid={}&skey={}", c.sid, c.skey),
        &json!({"BaseRequest": base_request(&c), "SyncKey": {"Count": 0, "List": []}}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    // Logout takes anything too (and ends the session).
    for body in &bodies {
        let r = h.request(
            Method::POST,
            &format!("{API}/webwxlogout?redirect=1&type=0&skey="),
            body.clone(),
        );
        assert_eq!(h.send(r).status(), 200);
    }
    assert_eq!(h.sim.live_sessions(0), 0);
}

#[test]
fn control_api_rejects_bad_json() {
    let mut h = H::new(config());
    for (path, body) in [
        ("push", "{"),
        ("push", "{\"body\":{\"kind\":\"voice\"}}"),
        ("fault", "{\"fault\":{\"kind\":\"status\"}}"),
        ("fault", "[]"),
    ] {
        let r = h.request(
            Method::POST,
            &format!("/__sim/{path}"),
            body.as_bytes().to_vec(),
        );
        assert_eq!(h.send(r).status(), 400, "{path} {body}");
    }
}
