//! The message model on the project's own samples (`fixtures/addmsg`, `fixtures/content`),
//! written from protocol.md with made-up values: one per message type and AppMsgType,
//! including the gaps of the real samples (raw image and voice XML, card, file, location).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod model_support;

use model_support::*;
use wx_proto::ParseError;
use wx_proto::model::*;

const ME: &str = "@0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";
const PEER: &str = "@1a2b3c4d5e6f708192a3b4c5d6e7f809";
const GROUP: &str = "@@9e8d7c6b5a4938271605f4e3d2c1b0a99e8d7c6b5a4938271605f4e3d2c1b0a9";
const MEMBER: &str = "@5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c";
const AES: &str = "8e1f0c2d3b4a59687766554433221100";
const CDN: &str = "3057020100044b30490201000204a1b2c3d402032f56c10204aa00bb110204656e3a2c0424";

fn app(m: &Message) -> &AppMessage {
    match &m.kind {
        MessageKind::App(a) => a,
        other => panic!("not an app message: {other:?}"),
    }
}

/// The §7.4 metadata of the sample image (the group one and the one sent by me).
fn check_sample_image(i: &Image) {
    let info = i.content.xml().expect("image xml");
    assert_eq!(info.aes_key.as_deref(), Some(AES));
    assert_eq!(info.cdn_thumb_aes_key.as_deref(), Some(AES));
    assert_eq!(info.cdn_thumb_url.as_deref(), Some(CDN));
    assert_eq!(info.cdn_mid_img_url.as_deref(), Some(CDN));
    assert_eq!(
        info.md5.as_deref(),
        Some("0123456789abcdef0123456789abcdef")
    );
    assert_eq!(info.length, Some(400_112));
    assert_eq!(info.cdn_thumb_length, Some(3326));
    assert_eq!(
        (info.cdn_thumb_width, info.cdn_thumb_height),
        (Some(67), Some(120))
    );
    assert_eq!((info.cdn_mid_width, info.cdn_hd_height), (Some(0), Some(0)));
    assert_eq!(info.encry_ver, Some(1));
    assert_eq!((i.width, i.height), (67, 120));
}

fn check_pay(m: &Message) -> (&AppMessage, &PayInfo) {
    let a = app(m);
    match &a.detail {
        AppDetail::Transfer(p) | AppDetail::RedPacket(p) => (a, p),
        other => panic!("{other:?}"),
    }
}

fn check_addmsg(name: &str, m: &Message) {
    match name {
        "text1-private-entities-emoji.json" => {
            assert_eq!((m.chat.as_str(), m.sender.as_str()), (PEER, PEER));
            assert!(!m.is_group && !m.sent_by_me);
            // `&lt;br/&gt;` typed by the user stays text; 1f639 is remapped to 1f602.
            assert_eq!(
                m.text(),
                Some("I <3 you & \"you\"\n2nd line 'ok' <br/>\u{1f604}\u{1f1e8}\u{1f1f3}\u{1f602}")
            );
        }
        "text1-group-mention-me.json" => {
            assert!(m.is_group && !m.sent_by_me);
            assert_eq!((m.chat.as_str(), m.sender.as_str()), (GROUP, MEMBER));
            let MessageKind::Text(t) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(t.text, "@Alice Wong\u{2005}@Bob please look");
            assert_eq!(t.mentions, ["Alice Wong"]);
            assert!(is_mentioned(&t.text, "Alice Wong"));
            assert_eq!(
                mentions(&t.text, &["Carol", "Bob", "Alice Wong"]),
                ["Bob", "Alice Wong"]
            );
        }
        "text1-group-sent-by-me.json" => {
            // Sent from the phone: no prefix, so `abc:<br/>` is text.
            assert!(m.is_group && m.sent_by_me);
            assert_eq!((m.chat.as_str(), m.sender.as_str()), (GROUP, ME));
            assert_eq!(m.text(), Some("abc:\ndef"));
        }
        "text1-sent-by-me-private.json" => {
            assert!(m.sent_by_me && !m.is_group);
            assert_eq!((m.chat.as_str(), m.sender.as_str()), (PEER, ME));
            assert_eq!(m.text(), Some("see you"));
        }
        "image3-group-xml.json" | "image3-group-sent-by-me-xml.json" => {
            let mine = name.contains("by-me");
            assert_eq!(m.sent_by_me, mine);
            assert_eq!(m.sender, if mine { ME } else { MEMBER });
            assert_eq!(m.chat, GROUP);
            let MessageKind::Image(i) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            check_sample_image(i);
            // The forwardable form (§7.4): unescaped XML without the prefix.
            assert!(
                m.content
                    .starts_with("<?xml version=\"1.0\"?>\n<msg>\n\t<img aeskey=")
            );
        }
        "image3-private-token.json" => {
            let MessageKind::Image(i) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            let MediaContent::Token(t) = &i.content else {
                panic!("{:?}", i.content)
            };
            assert!(t.starts_with("@0123456789abcdef") && t.len() == 257);
            assert_eq!((i.width, i.height), (640, 480));
        }
        "voice34-private-xml.json" => {
            let MessageKind::Voice(v) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(v.duration_ms, 2100);
            let info = v.content.xml().expect("xml");
            assert_eq!((info.voice_length, info.length), (Some(2100), Some(3460)));
            assert_eq!(info.from_user_name.as_deref(), Some("wxid_peer0001"));
            assert_eq!(info.buf_id.as_deref(), Some("433890671251537920"));
        }
        "video43-private-xml.json" => {
            let MessageKind::Video(v) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!((v.duration_s, v.width, v.height), (7, 360, 640));
            let info = v.content.xml().expect("xml");
            assert_eq!(info.aes_key.as_deref(), Some(AES));
            assert_eq!(
                info.cdn_video_url.as_deref(),
                Some("30570201000450304e020100")
            );
            assert_eq!((info.length, info.play_length), (Some(912_345), Some(7)));
            assert_eq!(
                info.md5.as_deref(),
                Some("fedcba9876543210fedcba9876543210")
            );
            assert_eq!(
                (info.cdn_thumb_width, info.cdn_thumb_height),
                (Some(360), Some(640))
            );
        }
        "microvideo62-group-token.json" => {
            assert_eq!(m.sender, MEMBER);
            let MessageKind::MicroVideo(v) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert!(matches!(&v.content, MediaContent::Token(t) if t.len() == 257));
            assert_eq!(v.duration_s, 4);
        }
        "emoticon47-store-sticker.json" => {
            let MessageKind::Emoticon(e) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert!(e.store_sticker);
            assert_eq!(e.content, MediaContent::Empty);
            assert_eq!(e.forward_md5(), None);
        }
        "friendrequest37-qr-scan.json" => {
            let MessageKind::FriendRequest(r) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(r.user_name, "@77aa77aa77aa77aa77aa77aa77aa77aa");
            assert_eq!(r.nick_name, "Ann Lee\u{1f338}");
            assert_eq!(r.greeting, "Hi, I am Ann & we met at the \"meetup\"");
            assert_eq!(r.ticket, "v2_9f8e7d6c5b4a@stranger");
            assert_eq!((r.scene, r.op_code, r.sex), (30, 2, 2));
            assert_eq!(r.alias, "ann_lee_1");
            assert_eq!(r.signature, "Hello");
            assert_eq!(r.stable_user_name.as_deref(), Some("wxid_newfriend01"));
            assert_eq!(
                r.encrypt_user_name.as_deref(),
                Some("v1_0a0b0c0d0e0f@stranger")
            );
            assert_eq!(r.chatroom_user_name, None);
            assert_eq!(
                r.small_head_img_url.as_deref(),
                Some("http://wx.qlogo.cn/mmhead/ver_1/annsmall/96")
            );
        }
        "card42-private-official.json" => {
            let MessageKind::Card(c) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(c.user_name, "@c0ffeec0ffeec0ffeec0ffeec0ffee00");
            assert_eq!(
                (c.nick_name.as_str(), c.alias.as_str()),
                ("Example Store", "example_store")
            );
            assert!(c.is_official());
            assert_eq!(c.signature, "Fresh bread daily");
            assert_eq!(c.encrypt_user_name.as_deref(), Some("v1_5e5e5e5e@stranger"));
            assert_eq!(
                (c.cert_flag, c.cert_info.as_deref()),
                (Some(24), Some("Example Store Ltd."))
            );
            assert_eq!(c.antispam_ticket.as_deref(), Some("v2_4d4d4d4d@stranger"));
        }
        "location1-sub48-group.json" => {
            assert_eq!(m.sender, MEMBER);
            let MessageKind::Location(l) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(l.label, "8 Harbour Road, Auckland");
            assert_eq!(
                (l.lat, l.lng, l.scale),
                (Some(-36.848461), Some(174.763336), Some(15))
            );
            assert_eq!(l.poi_name.as_deref(), Some("Harbour Cafe"));
            assert_eq!(l.poi_id.as_deref(), Some("qqmap_1234567890"));
            assert!(
                l.image_path
                    .as_deref()
                    .unwrap()
                    .ends_with("&pictype=location")
            );
        }
        "location48-private.json" => {
            let MessageKind::Location(l) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(l.label, "Civic Square");
            // No OriContent: the coordinates come from the map URL.
            assert_eq!((l.lat, l.lng), (Some(31.230416), Some(121.473701)));
            assert_eq!(l.poi_name, None);
        }
        "app49-link5-mpreader.json" => {
            let a = app(m);
            assert_eq!(a.app_msg_type, 5);
            assert_eq!(a.detail, AppDetail::Link { mp_articles: true });
            assert_eq!(a.title, "Ten tips for <faster> builds");
            assert_eq!(a.description, "Issue 42 of the weekly digest");
            assert_eq!(
                a.url,
                "https://mp.weixin.qq.com/s?__biz=MzA1&mid=2650&idx=1"
            );
            assert_eq!(a.source_display_name.as_deref(), Some("Build Weekly"));
            assert_eq!(a.attach, None);
        }
        "app49-file6-private.json" => {
            let a = app(m);
            assert_eq!(a.app_id.as_deref(), Some("wxeb7ec651dd0aefa9"));
            let AppDetail::File(f) = &a.detail else {
                panic!("{:?}", a.detail)
            };
            assert_eq!(f.file_name, "Q3 report & notes.pdf");
            assert_eq!((f.size, f.ext.as_deref()), (Some(523_264), Some("pdf")));
            assert_eq!(f.attach_id.as_deref(), Some("@cdn_30570201_0aa1"));
            assert_eq!(f.media_id, "@crypt_1d2e3f4a_0123456789abcdef");
            assert_eq!(f.encry_file_name, "Q3%20report%20%26%20notes%2Epdf");
            assert!(m.content.starts_with("<appmsg appid='wxeb7ec651dd0aefa9'"));
        }
        "app49-music3.json" => {
            let a = app(m);
            assert_eq!(
                (a.title.as_str(), a.description.as_str()),
                ("Morning Song", "The Example Band")
            );
            assert_eq!(a.app_name.as_deref(), Some("Music App"));
            let AppDetail::Music {
                data_url,
                low_data_url,
            } = &a.detail
            else {
                panic!("{:?}", a.detail)
            };
            assert_eq!(
                data_url.as_deref(),
                Some("http://stream.example.com/12.m4a?vkey=AB12&guid=ff00")
            );
            assert_eq!(
                low_data_url.as_deref(),
                Some("http://stream.example.com/12-low.m4a")
            );
        }
        "app49-gif8-group.json" => {
            assert_eq!(m.sender, MEMBER);
            let a = app(m);
            let md5 = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
            assert_eq!(
                a.detail,
                AppDetail::Gif {
                    emoticon_md5: Some(md5.into())
                }
            );
            let at = a.attach.as_ref().expect("appattach");
            assert_eq!(
                (at.total_len, at.file_ext.as_deref()),
                (Some(98_304), Some("gif"))
            );
        }
        "app49-chathistory0-unsupported.json" => {
            let a = app(m);
            assert_eq!(a.app_msg_type, 0);
            assert_eq!(a.detail, AppDetail::ChatHistory { record_item: None });
            assert_eq!(a.description, "该类型暂不支持，请在手机上查看");
        }
        "app49-chathistory19.json" => {
            let a = app(m);
            assert_eq!(a.app_msg_type, 19);
            assert_eq!(a.description, "Ann: hello\nBob: hi there");
            let AppDetail::ChatHistory {
                record_item: Some(r),
            } = &a.detail
            else {
                panic!("{:?}", a.detail)
            };
            assert!(r.starts_with("<recordinfo><title>Chat history</title>"));
        }
        "app49-miniprogram33.json" => {
            let a = app(m);
            assert_eq!(
                a.detail,
                AppDetail::MiniProgram {
                    page_path: Some("pages/index/index.html?shop=12".into()),
                    user_name: Some("gh_abcdef012345@app".into()),
                    app_id: Some("wx0123456789abcdef".into()),
                    app_service_type: Some(0),
                }
            );
            assert_eq!(a.title, "Order lunch");
        }
        "app49-transfer2000.json" => {
            let (a, p) = check_pay(m);
            assert!(matches!(a.detail, AppDetail::Transfer(_)));
            assert_eq!(a.title, "微信转账");
            assert_eq!(a.description, "收到转账0.10元。如需收钱，请在手机上查看。");
            assert_eq!(
                (p.pay_sub_type, p.fee_desc.as_deref()),
                (Some(1), Some("￥0.10"))
            );
            assert_eq!(
                p.transaction_id.as_deref(),
                Some("100005010123112300061234")
            );
            assert_eq!(p.transfer_id.as_deref(), Some("1000050001202311231234567"));
            assert_eq!(p.memo.as_deref(), Some("lunch"));
        }
        "app49-redpacket2001.json" | "text1-app2001-redpacket.json" => {
            // OFF remaps MsgType 1 + AppMsgType 2001 to an app message.
            let (a, p) = check_pay(m);
            assert!(matches!(a.detail, AppDetail::RedPacket(_)));
            assert_eq!(a.title, "恭喜发财，大吉大利");
            assert_eq!(a.description, "我给你发了一个红包，赶紧去拆!");
            assert_eq!(*p, PayInfo::default());
        }
        "app49-unknown17-live-location.json" => {
            let a = app(m);
            assert_eq!((a.app_msg_type, a.title.as_str()), (17, "我发起了位置共享"));
            let AppDetail::Unknown { xml } = &a.detail else {
                panic!("{:?}", a.detail)
            };
            assert!(xml.starts_with("<msg><appmsg") && xml.contains("<type>17</type>"));
        }
        "app49-link5-broken-xml.json" => {
            let MessageKind::Undecodable { msg_type, error } = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(*msg_type, 49);
            assert_eq!(error.format, wx_proto::Format::ContentXml);
            assert_eq!(error.kind, wx_proto::ErrorKind::UnexpectedEnd);
            // Nothing is lost: the raw fields are still there.
            assert_eq!(
                (m.raw.app_msg_type, m.raw.url.as_str()),
                (5, "http://example.com/cut")
            );
            assert!(
                serde_json::to_string(m)
                    .unwrap()
                    .contains("unexpected end of input")
            );
        }
        "statusnotify51-code4-sync.json" => {
            let MessageKind::StatusNotify(n) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(n.code, NotifyCode::SyncConversations);
            assert_eq!(n.user_names, [ME, "filehelper", GROUP, PEER]);
            assert_eq!(
                n.stable_user_names,
                [
                    "wxid_me000001",
                    "filehelper",
                    "12345678@chatroom",
                    "wxid_peer0001"
                ]
            );
            assert_eq!(n.unread_chats.len(), 1);
            assert_eq!(n.unread_chats[0].user_name, "12345678@chatroom");
            assert_eq!(n.unread_chats[0].last_read_time, 1_699_999_000);
        }
        "statusnotify51-code2-enter-group.json" => {
            assert!(m.sent_by_me && m.is_group);
            assert_eq!(m.chat, GROUP);
            let MessageKind::StatusNotify(n) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(n.code, NotifyCode::EnterSession);
            assert_eq!(n.user_names, [GROUP]);
        }
        "system10000-group-invite-link.json" => {
            assert_eq!((m.chat.as_str(), m.sender.as_str()), (GROUP, ""));
            let MessageKind::System(s) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(s.text, "\"Alice Wong\"邀请\"Bob Li\"加入了群聊  撤销");
            assert_eq!(s.names, ["Alice Wong", "Bob Li"]);
        }
        "system10000-redpacket-notice.json" => {
            let MessageKind::System(s) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(s.text, "收到红包，请在手机上查看");
            assert!(s.names.is_empty());
        }
        "revoke10002-group.json" => {
            assert_eq!((m.chat.as_str(), m.sender.as_str()), (GROUP, MEMBER));
            let MessageKind::Revoke(r) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(r.revoked_msg_id, "7100000000005000015");
            assert_eq!(
                (r.old_msg_id.as_str(), r.session.as_str()),
                ("1234567890", "12345678@chatroom")
            );
            assert_eq!(r.replace_text, "\"Bob Li\" 撤回了一条消息");
        }
        "revoke10002-private-msgid0.json" => {
            assert!(m.sent_by_me);
            let MessageKind::Revoke(r) = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(
                (r.revoked_msg_id.as_str(), r.replace_text.as_str()),
                ("0", "你撤回了一条消息")
            );
        }
        "sysmsg10002-pat.json" => {
            let MessageKind::SysMsg { sys_type, xml } = &m.kind else {
                panic!("{:?}", m.kind)
            };
            assert_eq!(sys_type, "pat");
            assert!(xml.contains("<pattedusername>wxid_me000001</pattedusername>"));
        }
        "voip50-call.json" => assert_eq!(m.kind, MessageKind::Voip(Voip::Call)),
        "voip52-notify.json" => assert_eq!(m.kind, MessageKind::Voip(Voip::Notify)),
        "voip53-invite.json" => assert_eq!(m.kind, MessageKind::Voip(Voip::Invite)),
        "possiblefriend40-other.json" => {
            assert_eq!(m.kind, MessageKind::Other { msg_type: 40 });
            assert_eq!(m.raw.recommend_info.nick_name, "Maybe Friend");
        }
        "sysnotice9999-other.json" => {
            assert_eq!(m.kind, MessageKind::Other { msg_type: 9999 });
            assert_eq!(m.content, "ignored notice");
        }
        other => panic!("no assertions for fixtures/addmsg/{other}: add them"),
    }
}

#[test]
fn own_addmsg_samples() {
    let dir = own_dir();
    let names = names(&dir, "addmsg");
    assert_eq!(names.len(), 39, "{names:?}");
    let mut decoded = Vec::new();
    for name in names {
        let m = decode(raw_message(&dir.join("addmsg").join(&name)), ME);
        check_addmsg(&name, &m);
        assert_eq!(m.msg_id, m.new_msg_id.to_string(), "{name}");
        serde_json::to_string(&m).unwrap_or_else(|e| panic!("{name}: {e}"));
        decoded.push(m);
    }
    // §7.4: a revoked image can be re-sent from the XML kept before the revoke.
    let revoke = decoded.iter().find_map(|m| match &m.kind {
        MessageKind::Revoke(r) if m.is_group => Some(r),
        _ => None,
    });
    let revoked = revoke.expect("group revoke").revoked_msg_id.as_str();
    let image = decoded
        .iter()
        .find(|m| m.msg_id == revoked)
        .expect("revoked image");
    let MessageKind::Image(i) = &image.kind else {
        panic!("{:?}", image.kind)
    };
    check_sample_image(i);
}

#[test]
fn own_content_samples() {
    let dir = own_dir();
    let names = names(&dir, "content");
    assert_eq!(names.len(), 12, "{names:?}");
    for name in names {
        let text = read_text(&dir.join("content").join(&name));
        let kind = |msg_type: u32| decode(raw(msg_type, PEER, ME, &text), ME).kind;
        match name.as_str() {
            "image3-xml-full.txt" => {
                let MessageKind::Image(i) = kind(3) else {
                    panic!()
                };
                let info = i.content.xml().expect("xml");
                assert_eq!(
                    info.md5.as_deref(),
                    Some("0123456789abcdef0123456789abcdef")
                );
                assert_eq!(info.cdn_thumb_url.as_deref(), Some(CDN));
                assert_eq!(info.length, Some(400_112));
            }
            "image3-xml-uwb-old.txt" => {
                let MessageKind::Image(i) = kind(3) else {
                    panic!()
                };
                let info = i.content.xml().expect("xml");
                assert_eq!(
                    (info.length, info.hd_length, info.aes_key.as_deref()),
                    (Some(6503), Some(0), None)
                );
            }
            "voice34-xml.txt" => {
                let MessageKind::Voice(v) = kind(34) else {
                    panic!()
                };
                assert_eq!(v.duration_ms, 2100);
                assert_eq!(v.content.xml().and_then(|i| i.voice_format), Some(4));
            }
            "video43-xml.txt" => {
                let MessageKind::Video(v) = kind(43) else {
                    panic!()
                };
                assert_eq!(v.duration_s, 7);
                assert_eq!(v.content.xml().and_then(|i| i.cdn_thumb_length), Some(8120));
            }
            "card42-personal.txt" => {
                let MessageKind::Card(c) = kind(42) else {
                    panic!()
                };
                // No RecommendInfo here: everything comes from the XML.
                assert_eq!(c.nick_name, "Bob & Co");
                assert_eq!(
                    (c.province.as_str(), c.city.as_str(), c.sex),
                    ("Zhejiang", "Hangzhou", 1)
                );
                assert_eq!(c.encrypt_user_name.as_deref(), Some("v1_3c3c3c3c@stranger"));
                assert!(!c.is_official());
            }
            "app49-file6-send-template.txt" => {
                let mut r = raw(49, PEER, ME, &text);
                r.app_msg_type = 6;
                let m = decode(r, ME);
                let AppDetail::File(f) = &app(&m).detail else {
                    panic!()
                };
                assert_eq!(
                    (f.file_name.as_str(), f.size),
                    ("Q3 report & notes.pdf", Some(523_264))
                );
                assert_eq!(f.attach_id.as_deref(), Some("@cdn_30570201_0aa1"));
            }
            "revoke10002-private-multiline.txt" => {
                let MessageKind::Revoke(r) = kind(10002) else {
                    panic!()
                };
                assert_eq!(
                    (r.revoked_msg_id.as_str(), r.session.as_str()),
                    ("0", "wxid_peer0001")
                );
            }
            "statusnotify51-code4.txt" => {
                let MessageKind::StatusNotify(n) = kind(51) else {
                    panic!()
                };
                assert_eq!(n.stable_user_names.len(), 4);
                assert_eq!(n.code, NotifyCode::Other(0));
            }
            "display-names-emoji.txt" => {
                let lines: Vec<_> = text.lines().map(decode_display_text).collect();
                assert_eq!(lines[0], "Ann\u{1f338} & Bob0\u{20e3}");
                assert_eq!(lines[1], "Flag\u{1f1e8}\u{1f1f3}");
                assert_eq!(lines[2], "Cut\u{1f450}");
                assert_eq!(lines[3], "Wrong\u{1f622}'s");
            }
            // One notice per line; each line's event is asserted in model_room_events.rs.
            "system10000-room-en.txt" | "system10000-room-zh.txt" => {
                for line in text.lines() {
                    let m = decode(raw(10000, GROUP, ME, line), ME);
                    assert!(room_event(&m).is_some(), "{line}");
                }
            }
            "sysmsg10002-room-template-join.txt" => {
                let m = decode(raw(10002, GROUP, ME, &text), ME);
                assert!(
                    matches!(room_event(&m), Some(RoomEvent::Joined { members, .. }) if members.len() == 2)
                );
            }
            other => panic!("no assertions for fixtures/content/{other}: add them"),
        }
    }
}

/// Keeps the `ParseError` import honest: `Undecodable` carries the crate's typed error.
#[test]
fn undecodable_carries_a_typed_error() {
    let m = decode(
        raw(3, PEER, ME, "&lt;msg&gt;&lt;img a=\"1\"&gt;&lt;/msg&gt;"),
        ME,
    );
    let MessageKind::Undecodable { msg_type: 3, error } = m.kind else {
        panic!("{:?}", m.kind)
    };
    let _: ParseError = error;
    assert_eq!(error.kind, wx_proto::ErrorKind::Syntax);
}
