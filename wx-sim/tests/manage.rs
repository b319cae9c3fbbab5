//! Contact and group management, fault injection and the control API, in memory.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use http::Method;
use serde_json::{Value, json};
use wx_sim::{Fault, FaultRule, Reply};

fn sync(h: &mut H, c: &Creds) -> Value {
    h.post_json(
        &format!("{API}/webwxsync?sid={}&skey={}", c.sid, c.skey),
        &json!({"BaseRequest": base_request(c), "SyncKey": {"Count": 0, "List": []}}),
    )
}

#[test]
fn oplog_remark_and_pin_come_back_as_modcontact() {
    if !common::fixtures_present() {
        return;
    }
    let mut h = H::new(config());
    let c = h.login();
    let f = h.sim.world().accounts[0]
        .friends()
        .next()
        .unwrap()
        .user_name
        .clone();
    let url = format!(
        "{API}/webwxoplog?lang=zh_CN&pass_ticket={}",
        enc(&c.pass_ticket)
    );
    let v = h.post_json(&url, &json!({"BaseRequest": base_request(&c), "UserName": f, "CmdId": 2, "RemarkName": "老同学"}));
    assert_eq!(v, json!({"BaseResponse": {"Ret": 0, "ErrMsg": ""}}));
    let v = h.post_json(&url, &json!({"BaseRequest": base_request(&c), "UserName": f, "CmdId": 3, "OP": 1, "RemarkName": "老同学"}));
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    let acc = &h.sim.world().accounts[0];
    let fc = acc.contact(&f).unwrap();
    assert_eq!(
        (fc.remark_name.as_str(), fc.contact_flag & 0x800),
        ("老同学", 0x800)
    );
    // Pinning without RemarkName clears the remark (the trap wechat4u warns about).
    h.post_json(
        &url,
        &json!({"BaseRequest": base_request(&c), "UserName": f, "CmdId": 3, "OP": 0}),
    );
    assert_eq!(
        h.sim.world().accounts[0].contact(&f).unwrap().remark_name,
        ""
    );
    let s = h.post_json(&format!("{API}/webwxsync?sid={}&skey={}", c.sid, c.skey), &json!({"BaseRequest": base_request(&c), "SyncKey": {"Count": 1, "List": [{"Key": 1, "Val": 0}]}}));
    let mods = s["ModContactList"].as_array().unwrap();
    assert!(mods.iter().any(|m| m["UserName"] == f.as_str()));
    let mut fixture = fixture_json("webwxsync/wwdk-doc-anon.jsonc");
    fixture["AddMsgList"] = json!([]);
    let mut diffs = Vec::new();
    shape_diff(
        &fixture["ModContactList"],
        &s["ModContactList"],
        "$.ModContactList",
        &mut diffs,
    );
    assert!(diffs.is_empty(), "{diffs:?}");
    assert_eq!(
        h.post_json(
            &url,
            &json!({"BaseRequest": base_request(&c), "UserName": "@nobody", "CmdId": 2})
        )["BaseResponse"]["Ret"],
        1
    );
    assert_eq!(
        h.post_json(
            &url,
            &json!({"BaseRequest": base_request(&c), "UserName": f, "CmdId": 9})
        )["BaseResponse"]["Ret"],
        1
    );
}

#[test]
fn accepting_a_friend_request_adds_the_contact() {
    let mut h = H::new(config());
    let c = h.login();
    sync(&mut h, &c);
    h.sim
        .push_friend_request(0, "新朋友", "你好", h.now)
        .unwrap();
    let s = sync(&mut h, &c);
    let m = s["AddMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["MsgType"] == 37)
        .unwrap()
        .clone();
    assert_eq!(m["FromUserName"], "fmessage");
    let (user, ticket) = (
        m["RecommendInfo"]["UserName"].as_str().unwrap(),
        m["RecommendInfo"]["Ticket"].as_str().unwrap(),
    );
    let url = format!(
        "{API}/webwxverifyuser?r=1&lang=zh_CN&pass_ticket={}",
        enc(&c.pass_ticket)
    );
    let body = |t: &str| json!({"BaseRequest": base_request(&c), "Opcode": 3, "VerifyUserListSize": 1, "VerifyUserList": [{"Value": user, "VerifyUserTicket": t}], "VerifyContent": "", "SceneListCount": 1, "SceneList": [33], "skey": c.skey});
    assert_eq!(
        h.post_json(&url, &body("v2_wrong@stranger"))["BaseResponse"]["Ret"],
        1
    );
    let v = h.post_json(&url, &body(ticket));
    assert_shape("webwxverifyuser/wwdk-doc.json", &v);
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    assert!(h.sim.world().accounts[0].contact(user).is_some());
    let s = h.post_json(
        &format!("{API}/webwxsync?sid={}&skey={}", c.sid, c.skey),
        &json!({"BaseRequest": base_request(&c), "SyncKey": s["SyncKey"]}),
    );
    assert_eq!(s["ModContactList"][0]["UserName"], user);
    assert_eq!(s["AddMsgList"][0]["MsgType"], 10000);
    assert_eq!(
        s["AddMsgList"][0]["Content"],
        "你已添加了新朋友，现在可以开始聊天了。"
    );
    // The ticket works once.
    assert_eq!(h.post_json(&url, &body(ticket))["BaseResponse"]["Ret"], 1);
    // itchat's form: no ticket, but a pending request from that user.
    h.sim.push_friend_request(0, "又一个", "hi", h.now).unwrap();
    let s = sync(&mut h, &c);
    let m = s["AddMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|m| m["MsgType"] == 37)
        .unwrap()
        .clone();
    let user = m["RecommendInfo"]["UserName"].as_str().unwrap();
    let itchat = json!({"BaseRequest": base_request(&c), "Opcode": 3, "VerifyUserListSize": 1, "VerifyUserList": [{"Value": user, "VerifyUserTicket": ""}], "VerifyContent": m["Ticket"], "SceneListCount": 1, "SceneList": [33], "skey": c.skey});
    assert_eq!(h.post_json(&url, &itchat)["BaseResponse"]["Ret"], 0);
    let stranger = json!({"BaseRequest": base_request(&c), "Opcode": 3, "VerifyUserList": [{"Value": "@nobody", "VerifyUserTicket": ""}]});
    assert_eq!(h.post_json(&url, &stranger)["BaseResponse"]["Ret"], 1);
}

#[test]
fn create_and_update_chatrooms() {
    let mut h = H::new(config());
    let c = h.login();
    let friends: Vec<String> = h.sim.world().accounts[0]
        .friends()
        .map(|f| f.user_name.clone())
        .take(5)
        .collect();
    let url = format!(
        "{API}/webwxcreatechatroom?r=1&lang=zh_CN&pass_ticket={}",
        enc(&c.pass_ticket)
    );
    let v = h.post_json(&url, &json!({"BaseRequest": base_request(&c), "MemberCount": 2, "MemberList": [{"UserName": friends[0]}, {"UserName": friends[1]}], "Topic": ""}));
    assert_shape("webwxcreatechatroom/wwdk-doc-anon.jsonc", &v);
    let room = v["ChatRoomName"].as_str().unwrap().to_string();
    assert!(room.starts_with("@@"));
    assert_eq!(v["MemberCount"], 2);
    assert_eq!(h.post_json(&url, &json!({"BaseRequest": base_request(&c), "MemberCount": 1, "MemberList": [{"UserName": friends[0]}]}))["BaseResponse"]["Ret"], 1);

    let upd = |fun: &str| {
        format!(
            "{API}/webwxupdatechatroom?fun={fun}&lang=zh_CN&pass_ticket={}",
            enc(&c.pass_ticket)
        )
    };
    let v = h.post_json(&upd("addmember"), &json!({"BaseRequest": base_request(&c), "ChatRoomName": room, "AddMemberList": format!("{},{}", friends[2], friends[3])}));
    assert_shape("webwxupdatechatroom/wwdk-doc-addmember.jsonc", &v);
    assert_eq!(v["MemberCount"], 2);
    let v = h.post_json(
        &upd("modtopic"),
        &json!({"BaseRequest": base_request(&c), "ChatRoomName": room, "NewTopic": "新群名"}),
    );
    assert_shape("webwxupdatechatroom/wwdk-doc-modtopic.json", &v);
    assert_eq!(
        h.sim.world().accounts[0].contact(&room).unwrap().nick_name,
        "新群名"
    );
    let v = h.post_json(&upd("delmember"), &json!({"BaseRequest": base_request(&c), "ChatRoomName": room, "DelMemberList": friends[2]}));
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    assert_eq!(
        h.sim.world().accounts[0]
            .contact(&room)
            .unwrap()
            .member_list
            .len(),
        4
    );
    // Not the owner of group 1: delmember answers Ret 1, like the sample.
    let other = h.sim.world().accounts[0]
        .groups()
        .nth(1)
        .unwrap()
        .user_name
        .clone();
    let v = h.post_json(&upd("delmember"), &json!({"BaseRequest": base_request(&c), "ChatRoomName": other, "DelMemberList": friends[0]}));
    assert_shape("webwxupdatechatroom/wwdk-doc-delmember-ret1.json", &v);
    assert_eq!(v["BaseResponse"]["Ret"], 1);
    // Invite goes out; quitting removes the group through DelContactList.
    let v = h.post_json(&upd("invitemember"), &json!({"BaseRequest": base_request(&c), "ChatRoomName": room, "InviteMemberList": friends[4]}));
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    let v = h.post_json(
        &upd("quitchatroom"),
        &json!({"BaseRequest": base_request(&c), "ChatRoomName": room}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    let s = sync(&mut h, &c);
    assert!(
        s["DelContactList"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["UserName"] == room.as_str())
    );
    assert!(
        s["AddMsgList"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["Content"] == "你修改群名为“新群名”")
    );
    assert!(h.sim.world().accounts[0].contact(&room).is_none());
}

#[test]
fn faults_apply_once_to_their_endpoint() {
    let mut h = H::new(config());
    let pq = "/jslogin?appid=wx782c26e4c19acffb";
    let rule = |fault| FaultRule {
        endpoint: Some("jslogin".into()),
        fault,
        times: 1,
    };
    h.sim.inject(rule(Fault::Status { code: 500 }));
    h.sim.inject(rule(Fault::Truncate { keep: 10 }));
    h.sim.inject(rule(Fault::Garbage));
    h.sim.inject(rule(Fault::Drop));
    h.sim.inject(rule(Fault::Delay { ms: 1500 }));
    h.sim.inject(FaultRule {
        endpoint: Some("synccheck".into()),
        fault: Fault::Garbage,
        times: 2,
    });
    assert_eq!(h.get(pq).status(), 500);
    assert_eq!(text(&h.get(pq)), "window.QRL");
    assert_eq!(h.get(pq).body().as_slice(), wx_sim::fault::GARBAGE);
    let req = h.request(Method::GET, pq, Vec::new());
    assert!(matches!(h.sim.handle(&req, h.now), Reply::Drop));
    let req = h.request(Method::GET, pq, Vec::new());
    match h.sim.handle(&req, h.now) {
        Reply::Later(r, at) => {
            assert_eq!(at - h.now, std::time::Duration::from_millis(1500));
            assert!(text(&r).starts_with("window.QRLogin.code = 200;"));
        }
        other => panic!("{other:?}"),
    }
    assert!(text(&h.get(pq)).starts_with("window.QRLogin.code = 200;"));
    assert_eq!(h.sim.pending_faults(), 1);
}

fn control(h: &mut H, method: Method, path: &str, body: Option<Value>) -> (u16, String) {
    let r = h.request(
        method,
        &format!("/__sim/{path}"),
        body.map(|b| serde_json::to_vec(&b).unwrap())
            .unwrap_or_default(),
    );
    let r = h.send(r);
    (r.status().as_u16(), text(&r))
}

#[test]
fn control_api_drives_the_world() {
    let mut h = H::new(config());
    let uuid = h.jslogin();
    assert_eq!(
        control(&mut h, Method::POST, &format!("login?uuid={uuid}"), None),
        (200, "ok".into())
    );
    let (code, body) = control(&mut h, Method::GET, "state", None);
    assert_eq!(code, 200);
    let state: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(state["logins"][0]["state"], "confirmed");
    let world: Value =
        serde_json::from_str(&control(&mut h, Method::GET, "world", None).1).unwrap();
    assert_eq!(world["groups"].as_array().unwrap().len(), 3);
    let (code, body) = control(
        &mut h,
        Method::POST,
        "push",
        Some(json!({"group": "1", "from": "2", "body": {"kind": "text", "text": "hi"}})),
    );
    assert_eq!(code, 200, "{body}");
    assert!(
        serde_json::from_str::<Value>(&body).unwrap()["MsgId"]
            .as_str()
            .unwrap()
            .len()
            >= 19
    );
    assert_eq!(
        control(
            &mut h,
            Method::POST,
            "push",
            Some(json!({"body": {"kind": "nope"}}))
        )
        .0,
        400
    );
    assert_eq!(
        control(
            &mut h,
            Method::POST,
            "push",
            Some(json!({"group": "99", "body": {"kind": "image"}}))
        )
        .0,
        400
    );
    assert_eq!(
        control(
            &mut h,
            Method::POST,
            "fault",
            Some(json!({"endpoint": "synccheck", "fault": {"kind": "status", "code": 503}}))
        )
        .0,
        200
    );
    assert_eq!(h.sim.pending_faults(), 1);
    assert_eq!(control(&mut h, Method::POST, "end?code=1101", None).0, 200);
    assert_eq!(
        control(&mut h, Method::POST, "refuse?account=0", None).0,
        200
    );
    assert!(h.sim.world().accounts[0].refuse_login);
    assert_eq!(control(&mut h, Method::POST, "scan?uuid=nope", None).0, 400);
    assert_eq!(
        control(&mut h, Method::GET, "sent", None),
        (200, "[]".into())
    );
    assert_eq!(control(&mut h, Method::GET, "nope", None).0, 404);
}

#[test]
fn steady_rate_pushes_to_live_sessions() {
    let mut h = H::new(wx_sim::Config {
        steady_rate: Some(std::time::Duration::from_secs(1)),
        ..config()
    });
    let c = h.login();
    sync(&mut h, &c);
    h.now += std::time::Duration::from_secs(10);
    let s = h.post_json(
        &format!("{API}/webwxsync?sid={}&skey={}", c.sid, c.skey),
        &json!({"BaseRequest": base_request(&c), "SyncKey": {"Count": 0, "List": []}}),
    );
    let steady = s["AddMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["Content"].as_str().unwrap().starts_with("steady "))
        .count();
    assert!((9..=11).contains(&steady), "{steady}");
}

#[test]
fn idle_sessions_expire_when_configured() {
    let mut h = H::new(wx_sim::Config {
        idle_timeout: Some(std::time::Duration::from_secs(60)),
        ..config()
    });
    let c = h.login();
    let v = sync(&mut h, &c);
    let ks: String = v["SyncCheckKey"]["List"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kv| format!("{}_{}", kv["Key"], kv["Val"]))
        .collect::<Vec<_>>()
        .join("|");
    let check = format!(
        "{API}/synccheck?skey={}&sid={}&uin={}&synckey={}",
        enc(&c.skey),
        enc(&c.sid),
        c.uin,
        enc(&ks)
    );
    // Polling keeps it alive well past the timeout (four 25 s holds).
    for _ in 0..4 {
        assert_eq!(
            text(&h.get(&check)),
            "window.synccheck={retcode:\"0\",selector:\"0\"}"
        );
    }
    // Silence does not.
    h.now += std::time::Duration::from_secs(61);
    assert_eq!(sync(&mut h, &c)["BaseResponse"]["Ret"], 1100);
    assert_eq!(h.sim.live_sessions(0), 0);
}
