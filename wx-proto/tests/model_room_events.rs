//! Room events from group system messages: every group wording of the real sample
//! (read in place from `$WX_SHARED_FIXTURES`, skipped with a note when absent), the
//! project's own samples for the other forms (`fixtures/content/system10000-room-*.txt`,
//! `sysmsg10002-room-template-join.txt`), hostile names and unknown wordings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use wx_proto::model::*;
use wx_proto::parse::RawMessage;

const ME: &str = "@0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";
const PEER: &str = "@1a2b3c4d5e6f708192a3b4c5d6e7f809";
const GROUP: &str = "@@9e8d7c6b5a4938271605f4e3d2c1b0a9";

/// The shared real samples, or `None` (said once) when they are not on this machine;
/// `WX_REQUIRE_FIXTURES=1` panics instead (see `wx_testkit::fixtures`).
fn shared_dir() -> Option<PathBuf> {
    wx_testkit::fixtures::shared_dir()
}

fn own(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/content")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn message(msg_type: u32, from: &str, to: &str, content: &str) -> Message {
    decode(
        RawMessage {
            msg_id: "1000000000000000001".into(),
            msg_type,
            from_user_name: from.into(),
            to_user_name: to.into(),
            content: content.into(),
            ..RawMessage::default()
        },
        ME,
    )
}

/// The event of a 10000 notice in a group.
fn event(content: &str) -> Option<RoomEvent> {
    room_event(&message(10000, GROUP, ME, content))
}

fn you(word: &str) -> Actor {
    Actor {
        name: word.into(),
        is_you: true,
    }
}

fn n(name: &str) -> Actor {
    Actor {
        name: name.into(),
        is_you: false,
    }
}

fn ns(names: &[&str]) -> Vec<Actor> {
    names.iter().copied().map(n).collect()
}

fn joined(members: Vec<Actor>, inviter: Actor) -> RoomEvent {
    RoomEvent::Joined {
        members,
        via: JoinVia::Invitation { inviter },
    }
}

fn by_qr(member: &str, sharer: Actor) -> RoomEvent {
    RoomEvent::Joined {
        members: vec![n(member)],
        via: JoinVia::QrCode { sharer },
    }
}

fn removed(members: Vec<Actor>, by: Actor) -> RoomEvent {
    RoomEvent::Removed { members, by }
}

fn renamed(topic: &str, by: Actor) -> RoomEvent {
    RoomEvent::Renamed {
        topic: topic.into(),
        by,
    }
}

fn invited(inviter: &str, with: &[&str], members: &[&str]) -> RoomEvent {
    RoomEvent::Invited {
        inviter: n(inviter),
        with: ns(with),
        members: ns(members),
    }
}

#[test]
fn every_group_wording_of_the_real_sample() {
    let Some(dir) = shared_dir() else { return };
    let path = dir.join("content/wechaty-firer-system10000-contents.json");
    let table: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("the firer sample")).expect("json");
    let expected: [(&str, &[RoomEvent]); 3] = [
        (
            "room_join",
            &[
                joined(ns(&["管理员"]), you("You")),
                joined(ns(&["李卓桓.PreAngel", "Bruce LEE"]), you("You")),
                joined(ns(&["小桔建群助手"]), n("管理员")),
                joined(ns(&["庆次", "小桔妹"]), n("管理员")),
                joined(ns(&["管理员"]), you("你")),
                joined(ns(&["宁锐锋"]), n("管理员")),
                by_qr("管理员", you("你")),
                // The sample writes a space inside the quotes: names are trimmed.
                by_qr("桔小秘", n("李佳芮")),
                by_qr("管理员", you("you")),
                by_qr("宁锐锋", n("管理员")),
            ],
        ),
        (
            "room_leave",
            &[
                removed(ns(&["Bruce LEE"]), you("You")),
                removed(ns(&["李佳芮"]), you("你")),
                removed(vec![you("You")], n("桔小秘")),
                removed(vec![you("你")], n("李佳芮")),
            ],
        ),
        (
            "room_topic",
            &[
                renamed("ding", n("李卓桓.PreAngel")),
                renamed("dong", n("李佳芮")),
            ],
        ),
    ];
    let mut seen = 0;
    for (key, events) in expected {
        let texts = table[key].as_array().expect(key);
        assert_eq!(texts.len(), events.len(), "{key}");
        for (text, want) in texts.iter().zip(events) {
            let text = text.as_str().expect("a string");
            assert_eq!(event(text).as_ref(), Some(want), "{text:?}");
            // The same text in a private chat is no room event.
            assert_eq!(room_event(&message(10000, PEER, ME, text)), None);
            seen += 1;
        }
    }
    assert_eq!(seen, 16);
    // The friend notices of the same file are not room events, even in a group.
    for text in table["friend_confirm"].as_array().expect("friend_confirm") {
        assert_eq!(event(text.as_str().expect("a string")), None, "{text}");
    }
    // Every key of the file was looked at.
    let keys: Vec<&str> = table
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["friend_confirm", "room_join", "room_leave", "room_topic"]
    );
}

#[test]
fn the_real_private_notice_and_revoke_are_not_room_events() {
    let Some(dir) = shared_dir() else { return };
    for name in [
        "wechaty-puppet-wechat-system10000-friendadded-en-clientdecorated.json",
        "wwdk-revoke10002.json",
    ] {
        let bytes = std::fs::read(dir.join("addmsg").join(name)).expect(name);
        let raw = wx_proto::parse::parse_message(&bytes).expect(name);
        let m = decode(raw, ME);
        assert_eq!(room_event(&m), None, "{name}");
        // Not even when it is moved into a group.
        let mut raw = m.raw.clone();
        raw.from_user_name = GROUP.into();
        assert_eq!(room_event(&decode(raw, ME)), None, "{name}");
    }
}

#[test]
fn own_english_samples() {
    let text = own("system10000-room-en.txt");
    let want = [
        joined(ns(&["Bob", "Cy Wu", "Dee"]), n("Ann Lee")),
        joined(ns(&["Bob"]), n("Ann Lee")),
        removed(ns(&["Bob"]), n("Ann Lee")),
        renamed("Tea & Talk\u{1f375}", you("You")),
        renamed("Weekend hikes", n("Ann Lee")),
        invited("Ann Lee", &[], &["Bob", "Cy Wu"]),
        invited("Ann Lee", &["Bob"], &[]),
        invited("Ann Lee", &[], &[]),
        RoomEvent::Left { member: n("Bob") },
        joined(ns(&["Bob\u{1f338}"]), you("You")),
        by_qr("Bob", you("you")),
    ];
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), want.len());
    for (line, want) in lines.iter().zip(&want) {
        assert_eq!(event(line).as_ref(), Some(want), "{line:?}");
    }
}

#[test]
fn own_chinese_samples() {
    let text = own("system10000-room-zh.txt");
    let want = [
        invited("安妮", &[], &["鲍勃", "小赛"]),
        invited("安妮", &["鲍勃", "小赛"], &[]),
        removed(ns(&["鲍勃"]), n("安妮")),
        renamed("周末\u{1f3d5}爬山", you("你")),
        RoomEvent::Left {
            member: n("鲍勃")
        },
        joined(ns(&["鲍勃", "小赛"]), you("你")),
        joined(ns(&["鲍勃&小赛"]), n("安妮")),
        removed(ns(&["鲍勃", "小赛"]), you("你")),
    ];
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), want.len());
    for (line, want) in lines.iter().zip(&want) {
        assert_eq!(event(line).as_ref(), Some(want), "{line:?}");
    }
}

#[test]
fn own_sysmsg_template_join() {
    let content = own("sysmsg10002-room-template-join.txt");
    let m = message(10002, GROUP, ME, &content);
    assert!(
        matches!(&m.kind, MessageKind::SysMsg { sys_type, .. } if sys_type == "sysmsgtemplate"),
        "{:?}",
        m.kind
    );
    assert_eq!(
        room_event(&m),
        Some(joined(ns(&["Bob\u{1f338}", "Cy"]), n("Ann \"A\" Lee")))
    );
    // The same with a sender prefix, as other group 10002 messages carry.
    let m = message(10002, GROUP, ME, &format!("{PEER}:<br/>{content}"));
    assert!(room_event(&m).is_some());
    // In a private chat: none.
    assert_eq!(room_event(&message(10002, PEER, ME, &content)), None);
    // A template naming a link it lacks, or another sysmsg type: none.
    let broken = content.replace("$names$", "$missing$");
    assert_eq!(room_event(&message(10002, GROUP, ME, &broken)), None);
    let other = content.replace("sysmsgtemplate\"", "pat\"");
    assert_eq!(room_event(&message(10002, GROUP, ME, &other)), None);
}

#[test]
fn templates_of_your_own_invites_and_qr_joins() {
    let template = |text: &str, links: &str| {
        format!(
            "<sysmsg type=\"sysmsgtemplate\"><sysmsgtemplate><content_template type=\"tmpl_type_profile\"><plain><![CDATA[]]></plain><template><![CDATA[{text}]]></template><link_list>{links}</link_list></content_template></sysmsgtemplate></sysmsg>"
        )
    };
    let link = |name: &str, nick: &[&str]| {
        let members: String = nick
            .iter()
            .map(|n| format!("<member><username>wxid_x</username><nickname><![CDATA[{n}]]></nickname></member>"))
            .collect();
        format!(
            "<link name=\"{name}\" type=\"link_profile\"><memberlist>{members}</memberlist></link>"
        )
    };
    let xml = template(
        "你邀请\"$names$\"加入了群聊  $revoke$",
        &format!(
            "{}<link name=\"revoke\" type=\"link_revoke\" hidden=\"1\"><title>撤销</title></link>",
            link("names", &["A", "B"])
        ),
    );
    assert_eq!(
        RoomEvent::from_sysmsg_template(&xml),
        Some(joined(ns(&["A", "B"]), you("你")))
    );
    let xml = template(
        "\" $adder$\"通过扫描\"$from$\"分享的二维码加入群聊",
        &format!("{}{}", link("adder", &["A"]), link("from", &["B"])),
    );
    assert_eq!(
        RoomEvent::from_sysmsg_template(&xml),
        Some(by_qr("A", n("B")))
    );
    let xml = template(
        "\"$username$\"邀请你加入了群聊，群聊参与人还有：$others$",
        &format!(
            "{}{}",
            link("username", &["A"]),
            link("others", &["B", "C"])
        ),
    );
    assert_eq!(
        RoomEvent::from_sysmsg_template(&xml),
        Some(invited("A", &[], &["B", "C"]))
    );
    // A link without members, a broken document, a lone `$`.
    assert_eq!(
        RoomEvent::from_sysmsg_template(&template("\"$a$\"已退出群聊", &link("a", &[]))),
        None
    );
    assert_eq!(RoomEvent::from_sysmsg_template("<sysmsg type="), None);
    assert_eq!(
        RoomEvent::from_sysmsg_template(&template("\"$a\"已退出群聊", "")),
        None
    );
}

#[test]
fn hostile_names() {
    // Quotes inside names: the sentence's fixed words are found left to right.
    assert_eq!(
        event(r#""A"B"邀请"C "the" D"加入了群聊"#),
        Some(joined(ns(&["C \"the\" D"]), n("A\"B")))
    );
    assert_eq!(
        event(r#"You removed ""Q"" from the group chat"#),
        Some(removed(ns(&["\"Q\""]), you("You")))
    );
    assert_eq!(
        event(r#""X"修改群名为“a “b” c”"#),
        Some(renamed("a “b” c", n("X")))
    );
    assert_eq!(
        event("&quot;A&amp;B&quot;邀请&quot;&lt;b&gt;C&lt;/b&gt;&quot;加入了群聊"),
        Some(joined(ns(&["<b>C</b>"]), n("A&B")))
    );
    // `<br/>` is a line break inside the name; a literal `&lt;br/&gt;` stays text.
    assert_eq!(
        event("\"A<br/>B\"已退出群聊"),
        Some(RoomEvent::Left { member: n("A\nB") })
    );
    assert_eq!(
        event("\"A&lt;br/&gt;B\"已退出群聊"),
        Some(RoomEvent::Left {
            member: n("A<br/>B")
        })
    );
    // Control characters are kept as written (see `terminal_safe` to show them).
    assert_eq!(
        event("\"A\u{1b}[2J\u{0}\"将\"B\u{7}\"移出了群聊"),
        Some(removed(ns(&["B\u{7}"]), n("A\u{1b}[2J\u{0}")))
    );
    // Emoji spans are decoded in names and topics.
    assert_eq!(
        event(
            r#""<span class="emoji emoji1f1e81f1f3"></span>"修改群名为"<span class="emoji emoji1f604"></span>""#
        ),
        Some(renamed("\u{1f604}", n("\u{1f1e8}\u{1f1f3}")))
    );
    // Very long names and lists decode in linear time.
    let long = "名".repeat(100_000);
    assert_eq!(
        event(&format!("\"{long}\"邀请\"{long}\"加入了群聊")),
        Some(joined(ns(&[&long]), n(&long)))
    );
    let many: Vec<String> = (0..20_000).map(|i| format!("m{i}")).collect();
    let text = format!("你邀请\"{}\"加入了群聊", many.join("\"、\""));
    let Some(RoomEvent::Joined { members, .. }) = event(&text) else {
        panic!("not a join")
    };
    assert_eq!(members.len(), 20_000);
    assert_eq!(members[19_999].name, "m19999");
    let text = format!("X invited {} to the group chat", many.join(", "));
    let Some(RoomEvent::Joined { members, .. }) = event(&text) else {
        panic!("not a join")
    };
    assert_eq!(members.len(), 20_000);
    // A quote-only name, an empty name or an empty list entry is no event.
    for text in [
        r#"""已退出群聊"#,
        r#"" "已退出群聊"#,
        r#"你邀请""加入了群聊"#,
        r#"你邀请"A"、""加入了群聊"#,
        " invited A to the group chat",
        "X invited  to the group chat",
        "X changed the group name to T",
    ] {
        assert_eq!(event(text), None, "{text:?}");
    }
}

#[test]
fn unknown_wordings_and_other_messages() {
    for text in [
        "",
        "位置共享已经结束",
        "收到红包，请在手机上查看",
        "\"A\" 拍了拍 \"B\"",
        "群收款消息，请在手机上查看",
        "你已添加了李卓桓，现在可以开始聊天了。",
        "\"A\"邀请\"B\"加入了群聊，但是",
        "\"A\"邀请",
        "加入了群聊",
        "\"",
        "invited",
        "You",
        "The group chat was renamed",
        "\"X\"修改群名为",
        "\u{0}\u{ffff}",
    ] {
        assert_eq!(event(text), None, "{text:?}");
        assert_eq!(RoomEvent::from_text(text), None, "{text:?}");
    }
    // Other kinds in a group are never room events, even with a matching text.
    let text = "\"A\"邀请\"B\"加入了群聊";
    for msg_type in [1, 49, 51, 9999, 10002] {
        let m = message(msg_type, GROUP, ME, &format!("{PEER}:<br/>{text}"));
        assert_eq!(room_event(&m), None, "{msg_type}");
    }
    // A notice sent to a group from your phone still counts (the chat is the group).
    assert_eq!(
        room_event(&message(10000, ME, GROUP, text)),
        Some(joined(ns(&["B"]), n("A")))
    );
}

#[test]
fn events_serialize() {
    let e = event("\"A\"修改群名为“T”").expect("renamed");
    let json = serde_json::to_value(&e).expect("serializes");
    assert_eq!(json["Renamed"]["topic"], "T");
    assert_eq!(json["Renamed"]["by"]["is_you"], false);
}
