//! Group and contact management as the real server checks it: friends only, 1201 for a gone
//! group, the -2013 partial answer with MemberStatus, the sync side (ModContactList and the
//! MsgType 10000 notices), friend requests both ways, pins, the revoke sysmsg.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{Value, json};
use wx_sim::group_knobs::{MEMBER_STATUS_NOT_FRIEND, MEMBER_STATUS_REFUSED};

struct T {
    h: H,
    c: Creds,
    keys: Value,
}

impl T {
    fn new() -> T {
        // Few friends, big groups: the last members of each group are strangers.
        let mut cfg = config();
        cfg.world.contacts = 10;
        cfg.world.members_per_group = 10;
        let mut h = H::new(cfg);
        let c = h.login();
        let mut t = T {
            h,
            c,
            keys: json!({"Count": 0, "List": []}),
        };
        t.sync();
        t
    }

    fn friends(&self, n: usize) -> Vec<String> {
        self.h.sim.world().accounts[0]
            .friends()
            .skip(1)
            .take(n)
            .map(|f| f.user_name.clone())
            .collect()
    }

    fn nick(&self, user: &str) -> String {
        self.h.sim.world().accounts[0]
            .person(user)
            .unwrap()
            .nick_name
            .clone()
    }

    fn post(&mut self, ep: &str, query: &str, mut body: Value) -> Value {
        body["BaseRequest"] = base_request(&self.c);
        let url = format!("{API}/{ep}?{query}pass_ticket={}", enc(&self.c.pass_ticket));
        self.h.post_json(&url, &body)
    }

    fn sync(&mut self) -> Value {
        let s = self.h.post_json(
            &format!("{API}/webwxsync?sid={}&skey={}", self.c.sid, self.c.skey),
            &json!({"BaseRequest": base_request(&self.c), "SyncKey": self.keys}),
        );
        assert_eq!(s["BaseResponse"]["Ret"], 0);
        self.keys = s["SyncKey"].clone();
        s
    }

    fn members(&mut self, room: &str) -> Vec<String> {
        let v = self.post(
            "webwxbatchgetcontact",
            "type=ex&r=1&lang=zh_CN&",
            json!({"Count": 1, "List": [{"UserName": room, "EncryChatRoomId": ""}]}),
        );
        v["ContactList"][0]["MemberList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["UserName"].as_str().unwrap().to_string())
            .collect()
    }
}

fn notices(s: &Value) -> Vec<String> {
    s["AddMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["MsgType"] == 10000)
        .map(|m| m["Content"].as_str().unwrap().to_string())
        .collect()
}

fn mod_names(s: &Value) -> Vec<String> {
    s["ModContactList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["UserName"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn create_checks_friends_and_announces_the_group() {
    let mut t = T::new();
    let f = t.friends(2);
    let stranger = t.h.sim.world().accounts[0].strangers[0].user_name.clone();
    let v = t.post(
        "webwxcreatechatroom",
        "r=1&lang=zh_CN&",
        json!({"MemberCount": 3, "MemberList": [{"UserName": f[0]}, {"UserName": f[1]}, {"UserName": stranger}], "Topic": ""}),
    );
    assert_shape("webwxcreatechatroom/wwdk-doc-anon.jsonc", &v);
    assert_eq!(v["BaseResponse"]["Ret"], -2013, "{v}");
    assert_eq!(v["MemberCount"], 3);
    let status: Vec<(String, u64)> = v["MemberList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["UserName"].as_str().unwrap().to_string(),
                m["MemberStatus"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        status,
        vec![
            (f[0].clone(), 0),
            (f[1].clone(), 0),
            (stranger.clone(), u64::from(MEMBER_STATUS_NOT_FRIEND))
        ]
    );
    let room = v["ChatRoomName"].as_str().unwrap().to_string();
    // In the world, with us and the two friends.
    let g = t.h.sim.world().accounts[0].contact(&room).unwrap();
    assert_eq!(g.member_list.len(), 3);
    let s = t.sync();
    let m = s["ModContactList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["UserName"] == room.as_str())
        .unwrap();
    assert_eq!(m["MemberCount"], 3);
    assert_eq!(m["MemberList"].as_array().unwrap().len(), 3);
    let want = format!("你邀请\"{}、{}\"加入了群聊  ", t.nick(&f[0]), t.nick(&f[1]));
    assert_eq!(notices(&s), vec![want]);
    // All friends: Ret 0, "Everything is OK". Unknown names only: Ret 1, no group.
    let v = t.post(
        "webwxcreatechatroom",
        "r=1&lang=zh_CN&",
        json!({"MemberCount": 2, "MemberList": [{"UserName": f[0]}, {"UserName": f[1]}], "Topic": "t"}),
    );
    assert_eq!(
        v["BaseResponse"],
        json!({"Ret": 0, "ErrMsg": "Everything is OK"})
    );
    let before = t.h.sim.world().accounts[0].contacts.len();
    let v = t.post(
        "webwxcreatechatroom",
        "r=1&lang=zh_CN&",
        json!({"MemberCount": 2, "MemberList": [{"UserName": "@nobody"}, {"UserName": "@nobody2"}], "Topic": ""}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 1);
    assert_eq!(t.h.sim.world().accounts[0].contacts.len(), before);
}

#[test]
fn addmember_partial_and_delmember_show_in_batchgetcontact_and_sync() {
    let mut t = T::new();
    let f = t.friends(4);
    let v = t.post(
        "webwxcreatechatroom",
        "r=1&lang=en_US&",
        json!({"MemberCount": 2, "MemberList": [{"UserName": f[0]}, {"UserName": f[1]}], "Topic": ""}),
    );
    let room = v["ChatRoomName"].as_str().unwrap().to_string();
    let s = t.sync();
    assert_eq!(
        notices(&s),
        vec![format!(
            "You invited {}、{} to the group chat.   ",
            t.nick(&f[0]),
            t.nick(&f[1])
        )]
    );
    t.h.sim
        .fail_members(0, &[&f[3]], MEMBER_STATUS_REFUSED)
        .unwrap();
    let v = t.post(
        "webwxupdatechatroom",
        "fun=addmember&lang=en_US&",
        json!({"ChatRoomName": room, "AddMemberList": format!("{},{}", f[2], f[3])}),
    );
    assert_shape("webwxupdatechatroom/wwdk-doc-addmember.jsonc", &v);
    assert_eq!(v["BaseResponse"]["Ret"], -2013, "{v}");
    assert_eq!(v["MemberCount"], 2);
    assert_eq!(v["MemberList"][0]["UserName"], f[2].as_str());
    assert_eq!(v["MemberList"][0]["MemberStatus"], 0);
    assert_eq!(v["MemberList"][1]["UserName"], f[3].as_str());
    assert_eq!(v["MemberList"][1]["MemberStatus"], MEMBER_STATUS_REFUSED);
    let members = t.members(&room);
    assert!(members.contains(&f[2]) && !members.contains(&f[3]));
    let s = t.sync();
    assert!(mod_names(&s).contains(&room));
    assert_eq!(
        notices(&s),
        vec![format!(
            "You invited {} to the group chat.   ",
            t.nick(&f[2])
        )]
    );
    // Cleared: the member goes in, Ret 0.
    t.h.sim.clear_failing_members(0);
    let v = t.post(
        "webwxupdatechatroom",
        "fun=addmember&lang=zh_CN&",
        json!({"ChatRoomName": room, "AddMemberList": f[3]}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    assert!(t.members(&room).contains(&f[3]));
    t.sync();
    // Removal: gone from the MemberList, ModContactList, "你将…移出了群聊".
    let v = t.post(
        "webwxupdatechatroom",
        "fun=delmember&lang=zh_CN&",
        json!({"ChatRoomName": room, "DelMemberList": f[2]}),
    );
    assert_shape("webwxupdatechatroom/wwdk-doc-modtopic.json", &v);
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    assert!(!t.members(&room).contains(&f[2]));
    let s = t.sync();
    assert!(mod_names(&s).contains(&room));
    assert_eq!(
        notices(&s),
        vec![format!("你将\"{}\"移出了群聊", t.nick(&f[2]))]
    );
    // Removing someone who is not a member: Ret 1.
    let v = t.post(
        "webwxupdatechatroom",
        "fun=delmember&lang=zh_CN&",
        json!({"ChatRoomName": room, "DelMemberList": f[2]}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 1);
    // invitemember: cards go out, nobody joins yet.
    let more = t.friends(6);
    let v = t.post(
        "webwxupdatechatroom",
        "fun=invitemember&lang=zh_CN&",
        json!({"ChatRoomName": room, "InviteMemberList": more[5]}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    assert!(!t.members(&room).contains(&more[5]));
}

#[test]
fn a_gone_group_answers_1201() {
    let mut t = T::new();
    let g = t.h.sim.world().accounts[0]
        .groups()
        .next()
        .unwrap()
        .user_name
        .clone();
    let f = t.friends(1);
    t.h.sim.set_group_gone(0, "0", true).unwrap();
    assert!(t.h.sim.group_gone(0, &g));
    for (fun, body) in [
        ("modtopic", json!({"ChatRoomName": g, "NewTopic": "x"})),
        (
            "addmember",
            json!({"ChatRoomName": g, "AddMemberList": f[0]}),
        ),
        (
            "delmember",
            json!({"ChatRoomName": g, "DelMemberList": f[0]}),
        ),
    ] {
        let v = t.post(
            "webwxupdatechatroom",
            &format!("fun={fun}&lang=zh_CN&"),
            body,
        );
        assert_shape("webwxupdatechatroom/wwdk-doc-delmember-ret1.json", &v);
        assert_eq!(v["BaseResponse"]["Ret"], 1201, "{fun}: {v}");
    }
    // A group the account never had, or has left: 1201 too.
    let v = t.post(
        "webwxupdatechatroom",
        "fun=modtopic&lang=zh_CN&",
        json!({"ChatRoomName": "@@0000", "NewTopic": "x"}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 1201);
    t.h.sim.set_group_gone(0, &g, false).unwrap();
    let v = t.post(
        "webwxupdatechatroom",
        "fun=modtopic&lang=en_US&",
        json!({"ChatRoomName": g, "NewTopic": "x"}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    let s = t.sync();
    assert_eq!(
        notices(&s),
        vec!["You changed the group name to \"x\"".to_string()]
    );
    assert!(t.h.sim.set_group_gone(0, "@@nope", true).is_err());
    assert!(t.h.sim.fail_members(0, &["@nope"], 4).is_err());
}

#[test]
fn friend_requests_both_ways() {
    let mut t = T::new();
    t.h.sim
        .push_friend_request(0, "Newbie", "hi", t.h.now)
        .unwrap();
    let s = t.sync();
    let m = s["AddMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["MsgType"] == 37)
        .unwrap()
        .clone();
    let user = m["RecommendInfo"]["UserName"].as_str().unwrap().to_string();
    let v = t.post(
        "webwxverifyuser",
        "r=1&lang=en_US&",
        json!({"Opcode": 3, "VerifyUserListSize": 1, "VerifyUserList": [{"Value": user, "VerifyUserTicket": m["RecommendInfo"]["Ticket"]}], "VerifyContent": "", "SceneListCount": 1, "SceneList": [33], "skey": t.c.skey}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    let s = t.sync();
    let c = s["ModContactList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["UserName"] == user.as_str())
        .unwrap();
    assert_eq!(c["ContactFlag"].as_u64().unwrap() & 1, 1);
    assert_eq!(
        notices(&s),
        vec!["You have added Newbie as your WeChat contact. Start chatting!".to_string()]
    );
    // Opcode 2 to a group member who is no friend: recorded; the other side accepts.
    let stranger = t.h.sim.world().accounts[0].strangers[0].clone();
    let v = t.post(
        "webwxverifyuser",
        "r=1&lang=zh_CN&",
        json!({"Opcode": 2, "VerifyUserListSize": 1, "VerifyUserList": [{"Value": stranger.user_name, "VerifyUserTicket": ""}], "VerifyContent": "我是模拟", "SceneListCount": 1, "SceneList": [33], "skey": t.c.skey}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    let sent = t.h.sim.sent_friend_requests();
    assert_eq!(
        (sent[0].user_name.as_str(), sent[0].greeting.as_str()),
        (stranger.user_name.as_str(), "我是模拟")
    );
    let now = t.h.now;
    t.h.sim
        .accept_sent_request(0, &stranger.user_name, now)
        .unwrap();
    assert!(
        t.h.sim.world().accounts[0]
            .contact(&stranger.user_name)
            .is_some()
    );
    let s = t.sync();
    assert!(mod_names(&s).contains(&stranger.user_name));
    assert_eq!(
        notices(&s),
        vec![format!(
            "你已添加了{}，现在可以开始聊天了。",
            stranger.nick_name
        )]
    );
    assert!(
        t.h.sim
            .accept_sent_request(0, &stranger.user_name, now)
            .is_err()
    );
    // Opcode 2 to nobody the account knows: Ret 1.
    let v = t.post(
        "webwxverifyuser",
        "r=1&lang=zh_CN&",
        json!({"Opcode": 2, "VerifyUserListSize": 1, "VerifyUserList": [{"Value": "@nobody", "VerifyUserTicket": ""}], "VerifyContent": "", "SceneListCount": 1, "SceneList": [33]}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 1);
}

#[test]
fn pin_sets_the_top_bit_in_mod_contact() {
    let mut t = T::new();
    let f = t.friends(1);
    let v = t.post(
        "webwxoplog",
        "lang=zh_CN&",
        json!({"UserName": f[0], "CmdId": 3, "OP": 1, "RemarkName": ""}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    let s = t.sync();
    let c = s["ModContactList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["UserName"] == f[0].as_str())
        .unwrap();
    assert_eq!(c["ContactFlag"], 2051);
    t.post(
        "webwxoplog",
        "lang=zh_CN&",
        json!({"UserName": f[0], "CmdId": 3, "OP": 0, "RemarkName": ""}),
    );
    let s = t.sync();
    assert_eq!(s["ModContactList"][0]["ContactFlag"], 3);
}

#[test]
fn a_revoke_comes_back_as_the_10002_sysmsg() {
    if !common::fixtures_present() {
        return;
    }
    let mut t = T::new();
    let f = t.friends(1);
    let v = t.post(
        "webwxsendmsg",
        "lang=zh_CN&",
        json!({"Msg": {"Type": 1, "Content": "oops", "FromUserName": t.c.user_name, "ToUserName": f[0], "LocalID": "17000000000000001", "ClientMsgId": "17000000000000001"}, "Scene": 0}),
    );
    let id = v["MsgID"].as_str().unwrap().to_string();
    t.sync();
    let v = t.post(
        "webwxrevokemsg",
        "lang=zh_CN&",
        json!({"SvrMsgId": id, "ToUserName": f[0], "ClientMsgId": "17000000000000001"}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    let s = t.sync();
    let m = s["AddMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["MsgType"] == 10002)
        .unwrap()
        .clone();
    let mut diffs = Vec::new();
    shape_diff(
        &fixture_json("addmsg/wwdk-revoke10002.json"),
        &m,
        "$",
        &mut diffs,
    );
    assert!(diffs.is_empty(), "{diffs:?}");
    assert_eq!(m["FromUserName"], t.c.user_name.as_str());
    assert_eq!(m["ToUserName"], f[0].as_str());
    assert_eq!(m["Status"], 4);
    let content = m["Content"].as_str().unwrap();
    assert!(content.starts_with("&lt;sysmsg type=\"revokemsg\"&gt;<br/>\t&lt;revokemsg&gt;"));
    assert!(content.contains(&format!("&lt;msgid&gt;{id}&lt;/msgid&gt;")));
    assert!(content.contains("你撤回了一条消息"));
    let stable = &t.h.sim.world().accounts[0]
        .contact(&f[0])
        .unwrap()
        .stable_name;
    assert!(content.contains(&format!("&lt;session&gt;{stable}&lt;/session&gt;")));
}
