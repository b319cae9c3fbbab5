//! The message model on every real sample (third-party data read in place from
//! `$WX_SHARED_FIXTURES`): `addmsg/`, `content/` and the messages of `webwxsync/`. Each
//! file has its own assertions; a file without any fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod model_support;

use model_support::*;
use serde_json::Value;
use wx_proto::model::*;

/// Cross-checks a client-decorated sample against what the official web client computed
/// (`MMActualSender`, `MMIsSend`, `MMIsChatRoom`, `MMPeerUserName`, `MMActualContent`).
fn check_against_official_client(m: &Message, json: &Value) {
    assert_eq!(
        m.sender,
        json["MMActualSender"].as_str().expect("MMActualSender")
    );
    assert_eq!(m.sent_by_me, json["MMIsSend"].as_bool().expect("MMIsSend"));
    assert_eq!(
        m.is_group,
        json["MMIsChatRoom"].as_bool().expect("MMIsChatRoom")
    );
    assert_eq!(
        m.chat,
        json["MMPeerUserName"].as_str().expect("MMPeerUserName")
    );
    if let MessageKind::Text(t) = &m.kind {
        let official = json["MMActualContent"].as_str().expect("MMActualContent");
        assert_eq!(t.text, decode_display_text(official));
    }
}

fn check_addmsg(name: &str, m: &Message) {
    match name {
        "wechat-api-fork-app49-link5-partial.txt" => {
            assert_eq!(m.msg_id, "2321518457872379661");
            assert!(!m.is_group && !m.sent_by_me);
            assert_eq!(m.chat, m.from);
            let MessageKind::App(a) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(a.app_msg_type, 5);
            assert_eq!(a.detail, AppDetail::Link { mp_articles: false });
            assert_eq!(a.title, "约返:0.99 优惠卷:5 付费价33.00");
            assert_eq!(a.title, m.raw.file_name);
            assert!(a.description.starts_with("唯资眉笔水眉笔"));
            assert_eq!(a.url, "http://t.cn/RrBhwLB");
            assert!(
                a.thumb_url
                    .as_deref()
                    .unwrap()
                    .starts_with("https://img.alicdn.com/")
            );
            let at = a.attach.as_ref().expect("appattach");
            assert_eq!(
                at.cdn_thumb_aes_key.as_deref(),
                Some("4a1d522fac524893a3d68637a09e512f")
            );
            assert_eq!(at.aes_key, at.cdn_thumb_aes_key);
            assert_eq!(at.cdn_thumb_length, Some(278_462));
            assert_eq!(
                (at.cdn_thumb_width, at.cdn_thumb_height),
                (Some(800), Some(800))
            );
            assert!(at.cdn_thumb_url.as_deref().unwrap().starts_with("304f0201"));
            assert_eq!(at.total_len, None);
            assert_eq!(a.app_id, None);
        }
        "wechaty-puppet-wechat-friendrequest37-clientdecorated.json" => {
            assert_eq!(m.msg_id, "3225371967511173931");
            // NewMsgId went through a JS number in this capture and lost its low digits.
            assert_eq!(m.new_msg_id, 3_225_371_967_511_174_000);
            assert_eq!((m.from.as_str(), m.chat.as_str()), ("fmessage", "fmessage"));
            let MessageKind::FriendRequest(r) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(
                r.user_name,
                "@04a0fa314d0d8d50dc54e2ec908744ebf46b87404d143fd9a6692182dd90bd49"
            );
            assert_eq!(r.nick_name, "李卓桓.PreAngel");
            assert_eq!(r.greeting, "我是群聊\"Wechaty\"的李卓桓.PreAngel");
            assert!(r.ticket.starts_with("v2_ba70dfbdb1b10168") && r.ticket.ends_with("@stranger"));
            assert_eq!((r.scene, r.op_code, r.sex), (14, 2, 1));
            assert_eq!(r.alias, "zixia008");
            assert_eq!((r.province.as_str(), r.city.as_str()), ("北京", "海淀"));
            assert_eq!(r.stable_user_name.as_deref(), Some("wxid_a8d806dzznm822"));
            assert!(
                r.encrypt_user_name
                    .as_deref()
                    .unwrap()
                    .starts_with("v1_c1e03a32")
            );
            assert_eq!(r.chatroom_user_name.as_deref(), Some("2332413729@chatroom"));
            assert!(r.big_head_img_url.as_deref().unwrap().ends_with("/0"));
        }
        "wechaty-puppet-wechat-group-text1-mention-clientdecorated.json" => {
            assert!(m.is_group && !m.sent_by_me);
            assert_eq!(m.sender, "@4c32c97337cbb325442c304d6a44e374");
            let MessageKind::Text(t) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(t.text, "@wuli舞哩客服\u{2005}和@小桔同学\u{2005}是好朋友");
            assert_eq!(t.mentions, ["wuli舞哩客服", "小桔同学"]);
            assert!(is_mentioned(&t.text, "小桔同学"));
            assert!(!is_mentioned(&t.text, "小桔"));
        }
        "wechaty-puppet-wechat-group-text1-plain-clientdecorated.json" => {
            assert!(m.is_group);
            assert_eq!(m.sender, "@4c32c97337cbb325442c304d6a44e374");
            assert_eq!(m.text(), Some("@_@"));
            let MessageKind::Text(t) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert!(t.mentions.is_empty());
        }
        "wechaty-puppet-wechat-system10000-friendadded-en-clientdecorated.json" => {
            let MessageKind::System(s) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(
                s.text,
                "You have added 李卓桓.PreAngel as your WeChat contact. Start chatting!"
            );
            assert_eq!(s.names, ["李卓桓.PreAngel"]);
            assert_eq!(m.raw.status, 4);
        }
        "wechaty-puppet-wechat-text1-private-clientdecorated.json" => {
            assert_eq!(m.text(), Some("test123"));
            assert_eq!(m.msg_id, "179242112323992762");
            assert_eq!(m.create_time, 1_461_652_670);
        }
        "wwdk-app49-file6-group.jsonc" => {
            assert!(m.is_group && !m.sent_by_me);
            assert_eq!(m.chat, "@@xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
            assert_eq!(m.sender, "@xxxxxxxxxxxxxxxxx");
            // The XML is followed by an escaped `<br/>` and a real one: tolerated.
            assert!(m.content.starts_with("<msg><appmsg") && m.content.ends_with("</msg><br/>\n"));
            let MessageKind::App(a) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(a.app_msg_type, 6);
            assert_eq!(a.app_id.as_deref(), Some("wx6618f1cfc6c132f8"));
            assert_eq!(a.app_name.as_deref(), Some("微信电脑版"));
            let AppDetail::File(f) = &a.detail else {
                panic!("{:?}", a.detail)
            };
            assert_eq!(f.file_name, "fileName.zip");
            assert_eq!(f.size, Some(1024));
            assert_eq!(f.ext.as_deref(), Some("zip"));
            assert_eq!(f.attach_id.as_deref(), Some("@cdn_qwerty_abcd_1"));
            assert_eq!(f.media_id, "@crypt_xxxxxxxxxxxxxxxxxxxxxxxxxxx");
            assert_eq!(f.encry_file_name, "fileName%2Ezip");
            assert_eq!(f.md5.as_deref(), Some("xxxx"));
            let at = a.attach.as_ref().expect("appattach");
            assert_eq!(at.cdn_attach_url.as_deref(), Some("qwerty"));
            assert_eq!(at.aes_key.as_deref(), Some("abcd"));
        }
        "wwdk-card42-group.jsonc" => {
            assert!(m.is_group);
            assert_eq!(m.sender, "@xxxxxxxxxxx");
            let MessageKind::Card(c) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(c.user_name, "@xxxxxxxxxxxxxxx");
            assert_eq!(c.nick_name, "xxx");
            assert_eq!(c.encrypt_user_name.as_deref(), Some("v1_xxxx@stranger"));
            assert_eq!(c.antispam_ticket.as_deref(), Some("v2_xxxx@stranger"));
            assert_eq!(
                c.big_head_img_url.as_deref(),
                Some("http://wx.qlogo.cn/mmhead/ver_1/xxxx/0")
            );
            assert_eq!(c.cert_flag, Some(0));
            assert!(!c.is_official());
            assert_eq!(m.raw.recommend_info.scene, 17);
        }
        "wwdk-emoticon47-group.jsonc" => {
            assert_eq!(m.sender, "@xxxxxxxxxxxxxxxxxxxxxxxxx");
            let MessageKind::Emoticon(e) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert!(!e.store_sticker);
            assert_eq!(e.forward_md5(), Some("xxxx"));
            let info = e.content.xml().expect("xml");
            assert_eq!(info.len, Some(1024));
            assert_eq!(info.emoji_type, Some(2));
            assert_eq!(
                info.cdn_url.as_deref(),
                Some("http://emoji.qpic.cn/wx_emoji/xxxxxxxx/")
            );
            assert_eq!((info.width, info.height), (Some(80), Some(80)));
            assert_eq!(info.product_id, None);
        }
        "wwdk-friendrequest37.jsonc" => {
            let MessageKind::FriendRequest(r) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(r.user_name, "@xxxxxxxxxxxxxxxxxxxxxxxxxx");
            assert_eq!(r.ticket, "v2_xxxxxxxxx@stranger");
            // RecommendInfo wins over the XML (which says "我是xxxxxxxxxx" in this anonymised sample).
            assert_eq!(r.greeting, "我是xxxx");
            assert_eq!((r.scene, r.op_code), (14, 2));
            assert_eq!(r.stable_user_name.as_deref(), Some("wx_id"));
            assert_eq!(r.chatroom_user_name.as_deref(), Some("1000000@chatroom"));
            assert_eq!(m.chat, "fmessage");
        }
        "wwdk-image3-group.jsonc" => {
            assert_eq!(m.chat, "@@xxxxxxxxxxxxxxxxx");
            assert_eq!(m.sender, "@xxxxxxxxxxx");
            let MessageKind::Image(i) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(
                i.content,
                MediaContent::Token("@xxxxxxxxxxxxxxxxxxxxxxxxxxxx".into())
            );
            assert_eq!(m.content, "@xxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        }
        "wwdk-location-text1-sub48.jsonc" => {
            assert!(!m.is_group);
            let MessageKind::Location(l) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(l.label, "深圳市xxxx");
            assert_eq!((l.lat, l.lng, l.scale), (Some(22.0), Some(113.0), Some(16)));
            assert_eq!(l.poi_name.as_deref(), Some("[位置]"));
            assert_eq!(
                l.image_path.as_deref(),
                Some(
                    "/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&msgid=790000000000000&pictype=location"
                )
            );
            assert_eq!(
                l.map_url,
                "http://apis.map.qq.com/uri/v1/geocoder?coord=22.000000,113.000000"
            );
        }
        "wwdk-revoke10002.json" => {
            assert!(!m.is_group);
            let MessageKind::Revoke(r) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(r.revoked_msg_id, "41000000000000000");
            assert_eq!(r.old_msg_id, "1660000000");
            assert_eq!(r.session, "wxid_xxxxxxx");
            assert_eq!(r.replace_text, "\"xx\" 撤回了一条消息");
        }
        "wwdk-video43.jsonc" => {
            // From is a user and To a group; with From not being us, the prefix names the sender.
            assert!(m.is_group && !m.sent_by_me);
            assert_eq!(m.chat, "@@xxxxxxxxxxxxxxxxxxxxxxxxx");
            assert_eq!(m.sender, "@xxxx");
            let MessageKind::Video(v) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(v.content, MediaContent::Token("@xxxxxxx".into()));
            assert_eq!((v.duration_s, v.width, v.height), (1, 200, 400));
        }
        "wwdk-voice34-group.jsonc" => {
            assert_eq!(m.sender, "@xxxxxxxxxxx");
            let MessageKind::Voice(v) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(v.duration_ms, 3215);
            assert_eq!(
                v.content,
                MediaContent::Token("@xxxxxxxxxxxxxxxxxxxxxxx".into())
            );
        }
        other => panic!("no assertions for addmsg/{other}: add them"),
    }
}

/// Your own UserName in each sample (the `To` of messages you receive), or a stranger's
/// when the sample does not show it.
fn own_user_name(m: &wx_proto::parse::RawMessage) -> String {
    if m.to_user_name.starts_with("@@") {
        "@me".into()
    } else {
        m.to_user_name.clone()
    }
}

#[test]
fn real_addmsg_samples() {
    let Some(dir) = shared_dir() else {
        return;
    };
    let names = names(&dir, "addmsg");
    assert_eq!(names.len(), 15, "{names:?}");
    for name in names {
        let path = dir.join("addmsg").join(&name);
        let raw = raw_message(&path);
        let me = own_user_name(&raw);
        let m = decode(raw, &me);
        if name.contains("clientdecorated") {
            let json: Value = serde_json::from_slice(&read(&path)).expect("json");
            check_against_official_client(&m, &json);
        }
        check_addmsg(&name, &m);
        assert!(serde_json::to_string(&m).is_ok(), "{name}: serializes");
    }
}

#[test]
fn real_webwxsync_messages() {
    let Some(dir) = shared_dir() else {
        return;
    };
    let names = names(&dir, "webwxsync");
    assert_eq!(names.len(), 3, "{names:?}");
    for name in names {
        let path = dir.join("webwxsync").join(&name);
        let msgs = sync_messages(&path);
        match name.as_str() {
            "qjesus-capture-emoticon47-status51-video43-text1.jsonc" => {
                let me = "@f0c04abe389590b02d91684d99584439";
                let m: Vec<Message> = msgs.into_iter().map(|r| decode(r, me)).collect();
                assert_eq!(m.len(), 4);
                let peer = "@d77f22c1444fcbd7092fa2464899391a3cc0d6a9ec79b0770ce91be01a66a09b";
                assert_eq!(m[0].new_msg_id, 6_929_942_228_714_508_460);
                assert_eq!(m[0].msg_id, m[0].new_msg_id.to_string());
                assert_eq!((m[0].chat.as_str(), m[0].sent_by_me), (peer, false));
                let MessageKind::Emoticon(e) = &m[0].kind else {
                    panic!("{:?}", m[0].kind)
                };
                assert_eq!(e.forward_md5(), Some("594560af0d32d92224682ee2c292877a"));
                let info = e.content.xml().expect("xml");
                assert_eq!(info.len, Some(447_446));
                assert_eq!((info.width, info.height), (Some(240), Some(210)));
                assert_eq!(
                    info.aes_key.as_deref(),
                    Some("f63eaffcd7e1b1efce4ca891a7034ade")
                );
                assert_eq!(
                    info.extern_md5.as_deref(),
                    Some("627c87c363940e825cc92bbfc09235b7")
                );
                assert_eq!((m[1].chat.as_str(), m[1].sent_by_me), (peer, true));
                let MessageKind::StatusNotify(n) = &m[1].kind else {
                    panic!("{:?}", m[1].kind)
                };
                assert_eq!(n.code, NotifyCode::Read);
                assert_eq!(n.user_names, [peer]);
                assert!(n.stable_user_names.is_empty());
                let MessageKind::Video(v) = &m[2].kind else {
                    panic!("{:?}", m[2].kind)
                };
                let MediaContent::Token(token) = &v.content else {
                    panic!("{:?}", v.content)
                };
                assert!(token.starts_with("@70a713006499") && token.len() > 1000);
                assert_eq!((v.duration_s, v.width, v.height), (10, 290, 512));
                // Mojibake in the capture itself: kept byte for byte.
                assert_eq!(m[3].text(), Some("ä¸ºä»€ä¹ˆè¿™ä¹ˆå†·"));
            }
            "wechat4u-test-statusnotify51-text1-modcontact.json" => {
                let me = "@2ea0ad63b5550c8842c95cb987adea2491fc9e3db0899696f696149cd30688e8";
                let m: Vec<Message> = msgs.into_iter().map(|r| decode(r, me)).collect();
                assert_eq!(m.len(), 2);
                assert!(m[0].sent_by_me && !m[0].is_group);
                let MessageKind::StatusNotify(n) = &m[0].kind else {
                    panic!("{:?}", m[0].kind)
                };
                assert_eq!(n.code, NotifyCode::SyncConversations);
                assert_eq!((n.user_names.len(), n.stable_user_names.len()), (99, 99));
                assert_eq!(n.stable_user_names[0], "wxid_7313013130512");
                assert_eq!(n.stable_user_names[98], "wxid_gsbo9hlenvoq22");
                // Same order in both lists (IT pairs them): filehelper sits at index 1 in each.
                assert_eq!(
                    (n.user_names[1].as_str(), n.stable_user_names[1].as_str()),
                    ("filehelper", "filehelper")
                );
                assert!(
                    n.user_names[2].starts_with("@@")
                        && n.stable_user_names[2].ends_with("@chatroom")
                );
                assert_eq!(n.unread_chats.len(), 5);
                assert_eq!(n.unread_chats[0].user_name, "902809793@chatroom");
                assert_eq!(n.unread_chats[0].last_read_time, 1_463_754_424);
                assert_eq!(n.unread_chats[4].user_name, "MomentsUnreadMsgStatus");
                assert_eq!(m[1].text(), Some("Hello World"));
                assert!(m[1].sent_by_me);
                assert_eq!(m[1].chat, me);
            }
            "wwdk-doc-anon.jsonc" => {
                let m: Vec<Message> = msgs
                    .into_iter()
                    .map(|r| decode(r, "@xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"))
                    .collect();
                assert_eq!(m.len(), 1);
                assert!(m[0].is_group && !m[0].sent_by_me);
                assert_eq!(m[0].chat, "@@xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
                assert_eq!(m[0].sender, "@xxxxxxxxxxxxxxxxxxxxx");
                assert_eq!(m[0].text(), Some("Test Message"));
            }
            other => panic!("no assertions for webwxsync/{other}: add them"),
        }
    }
}

/// The expected names of each system notice of the firer table, in file order.
const FIRER_NAMES: [(&str, &[&[&str]]); 4] = [
    (
        "friend_confirm",
        &[
            &["李卓桓"],
            &["李卓桓"],
            &["johnbassserver@gmail.com"],
            &["johnbassserver@gmail.com"],
        ],
    ),
    (
        "room_join",
        &[
            &["管理员"],
            &["李卓桓.PreAngel", "Bruce LEE"],
            &["管理员", "小桔建群助手"],
            &["管理员", "庆次", "小桔妹"],
            &["管理员"],
            &["管理员", "宁锐锋"],
            &["管理员"],
            &["桔小秘", "李佳芮"],
            &["管理员"],
            &["宁锐锋", "管理员"],
        ],
    ),
    (
        "room_leave",
        &[&["Bruce LEE"], &["李佳芮"], &["桔小秘"], &["李佳芮"]],
    ),
    ("room_topic", &[&["李卓桓.PreAngel"], &["李佳芮"]]),
];

#[test]
fn real_content_samples() {
    let Some(dir) = shared_dir() else {
        return;
    };
    let names = names(&dir, "content");
    assert_eq!(names.len(), 6, "{names:?}");
    let group = "@@0000000000000000000000000000000000000000000000000000000000000000";
    for name in names {
        let path = dir.join("content").join(&name);
        let text = read_text(&path);
        match name.as_str() {
            "maweiming-revoke10002-group-with-sender-prefix.txt" => {
                let m = decode(raw(10002, group, "@me", text.trim_end()), "@me");
                assert_eq!(
                    m.sender,
                    "@9abcdb1f46f547ddddd16c5b76270106b05af1d40affcd65d7c0f57bb2f051e6"
                );
                assert_eq!(m.chat, group);
                let MessageKind::Revoke(r) = &m.kind else {
                    panic!("{:?}", m.kind)
                };
                assert_eq!(r.revoked_msg_id, "7032570294236529159");
                assert_eq!(r.old_msg_id, "1088798387");
                assert_eq!(r.session, "10635087412@chatroom");
                assert_eq!(r.replace_text, "\"施嘉威\" 撤回了一条消息");
            }
            "urinx-readme-image3-notation.txt" => {
                let m = decode(raw(3, "@a", "@me", &notation_content(&text)), "@me");
                let MessageKind::Image(i) = &m.kind else {
                    panic!("{:?}", m.kind)
                };
                let info = i.content.xml().expect("xml");
                assert_eq!((info.length, info.hd_length), (Some(6503), Some(0)));
                assert_eq!(info.md5, None);
            }
            "urinx-readme-voice34-notation.txt" => {
                let m = decode(raw(34, "@a", "@me", &notation_content(&text)), "@me");
                let MessageKind::Voice(v) = &m.kind else {
                    panic!("{:?}", m.kind)
                };
                // VoiceLength is 0 in this raw message: the XML's voicelength is used.
                assert_eq!(v.duration_ms, 1580);
                let info = v.content.xml().expect("xml");
                assert_eq!(
                    (info.length, info.voice_format, info.end_flag),
                    (Some(2026), Some(4), Some(1))
                );
                assert_eq!(info.buf_id.as_deref(), Some("216825389722501519"));
                assert_eq!(
                    info.client_msg_id.as_deref(),
                    Some("49efec63a9774a65a932a4e5fcd4e923filehelper174_1454602489")
                );
                assert_eq!(info.from_user_name, None);
            }
            "urinx-readme-emoticon47-notation.txt" => {
                let m = decode(raw(47, "@a", "@me", &notation_content(&text)), "@me");
                let MessageKind::Emoticon(e) = &m.kind else {
                    panic!("{:?}", m.kind)
                };
                let info = e.content.xml().expect("xml");
                // Spaces around `=` in this sample's attributes.
                assert_eq!(
                    info.md5.as_deref(),
                    Some("e68363487d8f0519c4e1047de403b2e7")
                );
                assert_eq!(info.len, Some(86_235));
                assert_eq!(
                    info.product_id.as_deref(),
                    Some("com.tencent.xin.emoticon.bilibili")
                );
                assert_eq!(
                    info.aes_key.as_deref(),
                    Some("a911cc2ec96ddb781b5ca85d24143642")
                );
                assert!(
                    info.cdn_url
                        .as_deref()
                        .unwrap()
                        .starts_with("http://emoji.qpic.cn/wx_emoji/eFyg")
                );
            }
            "urinx-readme-app49-music3-notation.txt" => {
                assert_eq!(notation_field(&text, "AppMsgType"), Some("3"));
                let mut r = raw(49, "@a", "@me", &notation_content(&text));
                r.app_msg_type = 3;
                let m = decode(r, "@me");
                let MessageKind::App(a) = &m.kind else {
                    panic!("{:?}", m.kind)
                };
                assert_eq!(a.app_msg_type, 3);
                assert_eq!(a.app_id.as_deref(), Some("wx485a97c844086dc9"));
                assert_eq!(a.app_name.as_deref(), Some("摇一摇搜歌"));
                assert_eq!(
                    a.thumb_url.as_deref(),
                    Some("http://imgcache.qq.com/music/photo/album/63/180_albumpic_143163_0.jpg")
                );
                let AppDetail::Music {
                    data_url,
                    low_data_url,
                } = &a.detail
                else {
                    panic!("{:?}", a.detail)
                };
                let want = "http://ws.stream.qqmusic.qq.com/C100003i9hMt1bgui0.m4a?vkey=6867EF99F3684&guid=ffffffffc104ea2964a111cf3ff3edaf&fromtag=46";
                assert_eq!(data_url.as_deref(), Some(want));
                assert_eq!(low_data_url.as_deref(), Some(want));
            }
            "wechaty-firer-system10000-contents.json" => {
                let table: Value = serde_json::from_str(&text).expect("json");
                let mut seen = 0;
                for (key, expected) in FIRER_NAMES {
                    let list = table[key].as_array().expect(key);
                    assert_eq!(list.len(), expected.len(), "{key}");
                    for (content, want) in list.iter().zip(expected) {
                        let content = content.as_str().expect("string");
                        // System notices in groups carry no sender prefix.
                        let m = decode(raw(10000, group, "@me", content), "@me");
                        assert_eq!(m.sender, "");
                        let MessageKind::System(s) = &m.kind else {
                            panic!("{:?}", m.kind)
                        };
                        assert_eq!(s.text, content);
                        assert_eq!(s.names, *want, "{content}");
                        seen += 1;
                    }
                }
                assert_eq!(seen, 20);
            }
            other => panic!("no assertions for content/{other}: add them"),
        }
    }
}
