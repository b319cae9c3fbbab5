//! Group life over a session: joins (by a member's invitation or ours), removals, renames,
//! display names and quiet joins come back as the real server sends them (the 10000 notice
//! and a ModContactList entry with the full MemberCount but a partial MemberList), and
//! groups not saved to contacts are left out of webwxgetcontact.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{Value, json};
use wx_sim::{Body, Push, SimError, WorldSpec};

struct T {
    h: H,
    c: Creds,
    keys: Value,
}

impl T {
    fn with(world: WorldSpec) -> T {
        let mut cfg = config();
        cfg.world = world;
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

    fn new() -> T {
        T::with(WorldSpec {
            contacts: 10,
            members_per_group: 10,
            ..WorldSpec::default()
        })
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

    fn batch(&mut self, room: &str) -> Value {
        let v = self.post(
            "webwxbatchgetcontact",
            "type=ex&r=1&lang=zh_CN&",
            json!({"Count": 1, "List": [{"UserName": room, "EncryChatRoomId": ""}]}),
        );
        assert_eq!(v["Count"], 1, "{v}");
        v["ContactList"][0].clone()
    }

    fn members(&mut self, room: &str) -> Vec<String> {
        names(&self.batch(room)["MemberList"])
    }

    fn group(&self, i: usize) -> wx_sim::model::Contact {
        self.h.sim.world().accounts[0]
            .groups()
            .nth(i)
            .unwrap()
            .clone()
    }

    fn me(&self) -> String {
        self.h.sim.world().accounts[0].me.user_name.clone()
    }

    /// The members of group `i` but ourselves, in the order knobs pick them by index.
    fn others(&self, i: usize) -> Vec<wx_sim::model::Member> {
        let me = self.me();
        self.group(i)
            .member_list
            .into_iter()
            .filter(|m| m.user_name != me)
            .collect()
    }
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|m| m["UserName"].as_str().unwrap().to_string())
        .collect()
}

/// The 10000 notices of a sync answer: (FromUserName, Content).
fn notices(s: &Value) -> Vec<(String, String)> {
    s["AddMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["MsgType"] == 10000)
        .map(|m| {
            (
                m["FromUserName"].as_str().unwrap().to_string(),
                m["Content"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The one ModContactList entry of a sync answer.
fn only_mod(s: &Value) -> Value {
    assert_eq!(s["ModContactCount"], 1, "{s}");
    s["ModContactList"][0].clone()
}

#[test]
fn a_member_invites_someone_and_so_do_we() {
    let mut t = T::new();
    let g = t.group(1);
    let before = g.member_list.len();
    let inviter = t.others(1)[0].nick_name.clone();
    let new =
        t.h.sim
            .join_group(0, "1", "新来的", Some("0"), t.h.now)
            .unwrap();
    assert!(new.starts_with('@') && !new.starts_with("@@"));
    let stable = t.h.sim.world().accounts[0]
        .person(&new)
        .unwrap()
        .stable_name
        .clone();
    assert!(stable.starts_with("wxid_"), "{stable}");
    let s = t.sync();
    assert_eq!(
        notices(&s),
        vec![(
            g.user_name.clone(),
            format!("\"{inviter}\"邀请\"新来的\"加入了群聊")
        )]
    );
    let m = only_mod(&s);
    assert_eq!(m["UserName"], g.user_name.as_str());
    assert_eq!(m["MemberCount"], before + 1);
    assert_eq!(names(&m["MemberList"]), vec![new.clone()]);
    assert_eq!(m["MemberList"][0]["NickName"], "新来的");
    let members = t.members(&g.user_name);
    assert_eq!(members.len(), before + 1);
    assert_eq!(members.last(), Some(&new));

    // Invited by us (the inviter given by UserName works too, tested below by index).
    let ours =
        t.h.sim
            .join_group(0, &g.user_name, "我请的", None, t.h.now)
            .unwrap();
    let s = t.sync();
    assert_eq!(
        notices(&s),
        vec![(
            g.user_name.clone(),
            "你邀请\"我请的\"加入了群聊  ".to_string()
        )]
    );
    let m = only_mod(&s);
    assert_eq!(m["MemberCount"], before + 2);
    assert_eq!(names(&m["MemberList"]), vec![ours.clone()]);
    assert!(t.members(&g.user_name).contains(&ours));

    // The inviter by UserName.
    let by_name = t.others(1)[1].clone();
    t.h.sim
        .join_group(0, "1", "第三位", Some(&by_name.user_name), t.h.now)
        .unwrap();
    let s = t.sync();
    assert_eq!(
        notices(&s)[0].1,
        format!("\"{}\"邀请\"第三位\"加入了群聊", by_name.nick_name)
    );
}

#[test]
fn join_errors_change_nothing() {
    let mut t = T::new();
    let now = t.h.now;
    let before = t.group(0).member_list.len();
    let strangers = t.h.sim.world().accounts[0].strangers.len();
    assert_eq!(
        t.h.sim.join_group(0, "@@nope", "x", None, now),
        Err(SimError::NoContact)
    );
    assert_eq!(
        t.h.sim.join_group(0, "99", "x", None, now),
        Err(SimError::NoContact)
    );
    assert_eq!(
        t.h.sim.join_group(0, "0", "x", Some("999"), now),
        Err(SimError::NoContact)
    );
    let me = t.me();
    assert_eq!(
        t.h.sim.join_group(0, "0", "x", Some(&me), now),
        Err(SimError::NoContact)
    );
    assert_eq!(
        t.h.sim.join_group(5, "0", "x", None, now),
        Err(SimError::NoAccount)
    );
    assert_eq!(
        t.h.sim.add_member_quietly(0, "@@nope", "x"),
        Err(SimError::NoContact)
    );
    assert_eq!(t.group(0).member_list.len(), before);
    assert_eq!(t.h.sim.world().accounts[0].strangers.len(), strangers);
    let s = t.sync();
    assert_eq!(s["AddMsgCount"], 0);
    assert_eq!(s["ModContactCount"], 0);
}

#[test]
fn we_remove_a_member() {
    let mut t = T::new();
    let g = t.group(2);
    let gone = t.others(2)[3].clone();
    t.h.sim.remove_from_group(0, "2", "3", t.h.now).unwrap();
    let s = t.sync();
    assert_eq!(
        notices(&s),
        vec![(
            g.user_name.clone(),
            format!("你将\"{}\"移出了群聊", gone.nick_name)
        )]
    );
    let m = only_mod(&s);
    assert_eq!(m["UserName"], g.user_name.as_str());
    assert_eq!(m["MemberCount"], g.member_list.len() - 1);
    assert_eq!(m["MemberList"], json!([]));
    let members = t.members(&g.user_name);
    assert_eq!(members.len(), g.member_list.len() - 1);
    assert!(!members.contains(&gone.user_name));
    // The person is still known (a batchgetcontact of them answers).
    assert!(
        t.h.sim.world().accounts[0]
            .person(&gone.user_name)
            .is_some()
    );

    // By UserName; unknown members, members already gone and ourselves are errors.
    let next = t.others(2)[0].clone();
    t.h.sim
        .remove_from_group(0, &g.user_name, &next.user_name, t.h.now)
        .unwrap();
    let now = t.h.now;
    let me = t.me();
    for bad in [gone.user_name.as_str(), "@nobody", "99", me.as_str()] {
        assert_eq!(
            t.h.sim.remove_from_group(0, "2", bad, now),
            Err(SimError::NoContact),
            "{bad}"
        );
    }
    assert_eq!(
        t.h.sim.remove_from_group(0, "@@nope", "0", now),
        Err(SimError::NoContact)
    );
    let s = t.sync();
    assert_eq!(only_mod(&s)["MemberCount"], g.member_list.len() - 2);
}

#[test]
fn a_member_renames_the_group() {
    let mut t = T::new();
    let g = t.group(0);
    let who = t.others(0)[2].nick_name.clone();
    t.h.sim
        .rename_group_by(0, &g.user_name, "2", "周末爬山", t.h.now)
        .unwrap();
    let s = t.sync();
    assert_eq!(
        notices(&s),
        vec![(
            g.user_name.clone(),
            format!("\"{who}\"修改群名为“周末爬山”")
        )]
    );
    let m = only_mod(&s);
    assert_eq!(m["NickName"], "周末爬山");
    assert_eq!(m["MemberCount"], g.member_list.len());
    assert_eq!(m["MemberList"], json!([]));
    let b = t.batch(&g.user_name);
    assert_eq!(b["NickName"], "周末爬山");
    assert_eq!(names(&b["MemberList"]).len(), g.member_list.len());
    let now = t.h.now;
    assert_eq!(
        t.h.sim.rename_group_by(0, "0", "@nobody", "x", now),
        Err(SimError::NoContact)
    );
    assert_eq!(
        t.h.sim.rename_group_by(0, "7", "0", "x", now),
        Err(SimError::NoContact)
    );
    assert_eq!(t.group(0).nick_name, "周末爬山");
}

#[test]
fn a_member_sets_a_display_name() {
    let mut t = T::new();
    let g = t.group(1);
    let who = t.others(1)[4].clone();
    t.h.sim
        .set_member_display_name(0, "1", "4", "小王(财务)", t.h.now)
        .unwrap();
    let s = t.sync();
    assert_eq!(s["AddMsgCount"], 0, "no notice: {s}");
    let m = only_mod(&s);
    assert_eq!(m["UserName"], g.user_name.as_str());
    assert_eq!(m["MemberCount"], g.member_list.len());
    assert_eq!(names(&m["MemberList"]), vec![who.user_name.clone()]);
    assert_eq!(m["MemberList"][0]["DisplayName"], "小王(财务)");
    let b = t.batch(&g.user_name);
    let entry = b["MemberList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["UserName"] == who.user_name.as_str())
        .unwrap()
        .clone();
    assert_eq!(entry["DisplayName"], "小王(财务)");

    // Our own display name, by our UserName.
    let me = t.me();
    t.h.sim
        .set_member_display_name(0, &g.user_name, &me, "群主助理", t.h.now)
        .unwrap();
    let m = only_mod(&t.sync());
    assert_eq!(names(&m["MemberList"]), vec![me.clone()]);
    assert_eq!(m["MemberList"][0]["DisplayName"], "群主助理");
    let now = t.h.now;
    assert_eq!(
        t.h.sim.set_member_display_name(0, "1", "@nobody", "x", now),
        Err(SimError::NoContact)
    );
    assert_eq!(
        t.h.sim.set_member_display_name(0, "@@nope", "0", "x", now),
        Err(SimError::NoContact)
    );
}

#[test]
fn a_quiet_member_is_only_known_when_they_speak() {
    let mut t = T::new();
    let g = t.group(2);
    let new = t.h.sim.add_member_quietly(0, "2", "潜水员").unwrap();
    let s = t.sync();
    assert_eq!(s["AddMsgCount"], 0);
    assert_eq!(s["ModContactCount"], 0);
    t.h.sim
        .push(
            &Push {
                account: 0,
                group: Some(g.user_name.clone()),
                from: Some(new.clone()),
            },
            &Body::Text {
                text: "大家好".into(),
            },
            t.h.now,
        )
        .unwrap();
    let s = t.sync();
    assert_eq!(s["AddMsgCount"], 1);
    let msg = &s["AddMsgList"][0];
    assert_eq!(msg["FromUserName"], g.user_name.as_str());
    assert_eq!(msg["Content"], format!("{new}:<br/>大家好"));
    let b = t.batch(&g.user_name);
    assert_eq!(b["MemberCount"], g.member_list.len() + 1);
    assert!(names(&b["MemberList"]).contains(&new));
    // The member itself answers batchgetcontact (with the room), like any stranger.
    let v = t.post(
        "webwxbatchgetcontact",
        "type=ex&r=1&",
        json!({"Count": 1, "List": [{"UserName": new, "EncryChatRoomId": g.user_name}]}),
    );
    assert_eq!(v["ContactList"][0]["NickName"], "潜水员");
}

#[test]
fn new_members_keep_their_stable_names_across_a_new_login() {
    let mut t = T::new();
    let new = t.h.sim.join_group(0, "0", "老朋友", None, t.h.now).unwrap();
    let stable = t.h.sim.world().accounts[0]
        .person(&new)
        .unwrap()
        .stable_name
        .clone();
    let room_stable = t.group(0).stable_name.clone();
    t.c = t.h.login();
    let acc = &t.h.sim.world().accounts[0];
    let g = acc.groups().find(|g| g.stable_name == room_stable).unwrap();
    let person = acc
        .strangers
        .iter()
        .find(|p| p.stable_name == stable)
        .unwrap();
    assert_ne!(person.user_name, new, "UserNames are redrawn");
    assert!(
        g.member_list
            .iter()
            .any(|m| m.user_name == person.user_name)
    );
}

#[test]
fn the_knobs_are_under_sim() {
    let mut t = T::new();
    let g = t.group(1);
    let inviter = t.others(1)[0].nick_name.clone();
    let r = t.h.get(&format!(
        "/__sim/join_group?group=1&nick={}&inviter=0",
        enc("新人")
    ));
    assert_eq!(r.status(), 200);
    let v: Value = serde_json::from_slice(r.body()).unwrap();
    let new = v["UserName"].as_str().unwrap().to_string();
    let s = t.sync();
    assert_eq!(
        notices(&s)[0].1,
        format!("\"{inviter}\"邀请\"新人\"加入了群聊")
    );
    assert_eq!(names(&only_mod(&s)["MemberList"]), vec![new.clone()]);

    let r = t.h.get(&format!(
        "/__sim/member_display_name?group={}&member={}&display={}",
        enc(&g.user_name),
        enc(&new),
        enc("新名")
    ));
    assert_eq!(r.status(), 200);
    assert_eq!(only_mod(&t.sync())["MemberList"][0]["DisplayName"], "新名");

    let r = t.h.get(&format!(
        "/__sim/rename_group?group=1&member=0&topic={}",
        enc("改名了")
    ));
    assert_eq!(r.status(), 200);
    assert_eq!(only_mod(&t.sync())["NickName"], "改名了");

    let r = t.h.get(&format!(
        "/__sim/remove_from_group?group=1&member={}",
        enc(&new)
    ));
    assert_eq!(r.status(), 200);
    assert_eq!(only_mod(&t.sync())["MemberList"], json!([]));

    let r = t.h.get(&format!(
        "/__sim/add_member_quietly?group=1&nick={}",
        enc("静")
    ));
    assert_eq!(r.status(), 200);
    let v: Value = serde_json::from_slice(r.body()).unwrap();
    assert!(v["UserName"].as_str().unwrap().starts_with('@'));
    assert_eq!(t.sync()["ModContactCount"], 0);

    let r = t.h.get("/__sim/remove_from_group?group=1&member=@nobody");
    assert_eq!(r.status(), 400);
    let r = t.h.get("/__sim/join_group?group=1");
    assert_eq!(r.status(), 400);

    let r = t.h.get("/__sim/world");
    let w: Value = serde_json::from_slice(r.body()).unwrap();
    assert_eq!(w["groups"][1]["saved"], true);
}

#[test]
fn unsaved_groups_are_left_out_of_getcontact() {
    let mut cfg = config();
    cfg.contact_page = 7;
    cfg.world = WorldSpec {
        contacts: 10,
        groups: 4,
        unsaved_groups: 2,
        ..WorldSpec::default()
    };
    let mut h = H::new(cfg);
    let c = h.login();
    let acc = h.sim.world().accounts[0].clone();
    let groups: Vec<_> = acc.groups().cloned().collect();
    let (saved, unsaved) = groups.split_at(2);
    assert!(saved.iter().all(|g| g.saved));
    assert!(unsaved.iter().all(|g| !g.saved));
    assert!(h.sim.is_saved_group(0, "0") && h.sim.is_saved_group(0, &saved[1].user_name));
    assert!(!h.sim.is_saved_group(0, "2") && !h.sim.is_saved_group(0, &unsaved[1].user_name));
    assert!(!h.sim.is_saved_group(0, "@@nope"));

    // webwxgetcontact, page by page.
    let mut listed = Vec::new();
    let mut seq = 0;
    loop {
        let v: Value = serde_json::from_slice(
            h.get(&format!(
                "{API}/webwxgetcontact?r=1&seq={seq}&skey={}",
                enc(&c.skey)
            ))
            .body(),
        )
        .unwrap();
        assert_eq!(v["BaseResponse"]["Ret"], 0);
        listed.extend(names(&v["MemberList"]));
        seq = v["Seq"].as_u64().unwrap();
        if seq == 0 {
            break;
        }
    }
    assert_eq!(listed.len(), acc.contacts.len() - 2);
    for g in saved {
        assert!(listed.contains(&g.user_name));
    }
    for g in unsaved {
        assert!(!listed.contains(&g.user_name));
    }

    // webwxinit: the saved groups and the first unsaved one.
    let init = h.post_json(
        &format!("{API}/webwxinit?r=-1&pass_ticket={}", c.pass_ticket),
        &json!({ "BaseRequest": base_request(&c) }),
    );
    let recent = names(&init["ContactList"]);
    assert!(saved.iter().all(|g| recent.contains(&g.user_name)));
    assert!(recent.contains(&unsaved[0].user_name));
    assert!(!recent.contains(&unsaved[1].user_name));

    // The StatusNotify Code 4 list of the first sync holds every group.
    let s = h.post_json(
        &format!("{API}/webwxsync?sid={}&skey={}", c.sid, c.skey),
        &json!({"BaseRequest": base_request(&c), "SyncKey": {"Count": 0, "List": []}}),
    );
    let notify = s["AddMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["MsgType"] == 51 && m["StatusNotifyCode"] == 4)
        .unwrap()
        .clone();
    let users: Vec<&str> = notify["StatusNotifyUserName"]
        .as_str()
        .unwrap()
        .split(',')
        .collect();
    let content = notify["Content"].as_str().unwrap();
    for g in &groups {
        assert!(users.contains(&g.user_name.as_str()), "{}", g.user_name);
        assert!(content.contains(&g.stable_name), "{}", g.stable_name);
    }

    // batchgetcontact answers them with their full member list, and they take messages.
    for g in unsaved {
        let v = h.post_json(
            &format!(
                "{API}/webwxbatchgetcontact?type=ex&r=1&pass_ticket={}",
                c.pass_ticket
            ),
            &json!({"BaseRequest": base_request(&c), "Count": 1,
                    "List": [{"UserName": g.user_name, "EncryChatRoomId": ""}]}),
        );
        let got = &v["ContactList"][0];
        assert_eq!(got["UserName"], g.user_name.as_str());
        assert_eq!(got["MemberCount"], g.member_list.len());
        assert_eq!(names(&got["MemberList"]).len(), g.member_list.len());
        let id = h
            .sim
            .push(
                &Push {
                    account: 0,
                    group: Some(g.user_name.clone()),
                    from: Some("0".into()),
                },
                &Body::Text { text: "hi".into() },
                h.now,
            )
            .unwrap();
        assert!(!id.is_empty());
    }
}

#[test]
fn by_default_every_group_is_saved() {
    let mut h = H::new(config());
    let c = h.login();
    let acc = h.sim.world().accounts[0].clone();
    assert!(acc.groups().all(|g| g.saved));
    assert_eq!(acc.unsaved_groups().count(), 0);
    let v: Value = serde_json::from_slice(
        h.get(&format!(
            "{API}/webwxgetcontact?r=1&seq=0&skey={}",
            enc(&c.skey)
        ))
        .body(),
    )
    .unwrap();
    assert_eq!(
        v["MemberList"].as_array().unwrap().len(),
        acc.contacts.len()
    );
    assert_eq!(v["Seq"], 0);
}
