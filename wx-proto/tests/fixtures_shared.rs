//! Conformance on real wire data: every real-server sample in the shared fixtures parses into
//! its typed value, and the values that matter are asserted file by file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::sync::Mutex;

use wx_proto::RetCode;
use wx_proto::parse::*;

/// Files this test checked, to prove at the end that none was left out.
static CHECKED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn load(rel: &str) -> Vec<u8> {
    CHECKED.lock().unwrap().insert(rel.to_owned());
    common::read(&common::shared_dir().expect("checked by the test").join(rel))
}

#[test]
fn jslogin_samples() {
    if common::shared_dir().is_none() {
        return;
    }
    for (file, uuid) in [
        ("jslogin/qjesus-capture.txt", "gbyKnbsmqQ=="),
        ("jslogin/wechat4u-nock.txt", "4dcaWx3uBw=="),
        ("jslogin/wwdk-doc.txt", "gfNHoe0rgA=="),
    ] {
        let body = load(file);
        assert_eq!(
            parse_jslogin(&body),
            Ok(JsLogin::Uuid(uuid.into())),
            "{file}"
        );
    }
}

#[test]
fn login_poll_samples() {
    if common::shared_dir().is_none() {
        return;
    }
    assert_eq!(
        parse_login_poll(&load("login/qjesus-capture-408-timeout.txt")),
        Ok(LoginPoll::Waiting)
    );
    assert_eq!(
        parse_login_poll(&load("login/wechat4u-nock-201-scanned.txt")),
        Ok(LoginPoll::Scanned { avatar: None })
    );
    let body = load("login/qjesus-capture-201-useravatar-truncated.txt");
    match parse_login_poll(&body).expect("parses") {
        LoginPoll::Scanned { avatar: Some(a) } => {
            assert!(a.starts_with("data:img/jpg;base64,/9j/4AAQ"), "{a}")
        }
        other => panic!("{other:?}"),
    }
    for (file, host) in [
        (
            "login/qjesus-capture-200-redirect.txt",
            "https://wx.qq.com/",
        ),
        (
            "login/wechat4u-nock-200-redirect.txt",
            "https://wx2.qq.com/",
        ),
    ] {
        let body = load(file);
        match parse_login_poll(&body).expect("parses") {
            LoginPoll::Confirmed { redirect_uri } => {
                assert!(redirect_uri.starts_with(host), "{redirect_uri}");
                assert!(redirect_uri.contains("@qrticket_0&uuid="), "{redirect_uri}");
            }
            other => panic!("{file}: {other:?}"),
        }
    }
}

#[test]
fn synccheck_samples() {
    if common::shared_dir().is_none() {
        return;
    }
    for (file, retcode, selector) in [
        ("synccheck/qjesus-capture-0-0.txt", RetCode::Ok, 0),
        ("synccheck/wechat4u-nock-0-0.txt", RetCode::Ok, 0),
        ("synccheck/wechat4u-nock-0-2.txt", RetCode::Ok, 2),
        ("synccheck/wechat4u-nock-2-2.txt", RetCode::Unknown(2), 2),
    ] {
        let body = load(file);
        assert_eq!(
            parse_synccheck(&body),
            Ok(SyncCheck { retcode, selector }),
            "{file}"
        );
    }
}

#[test]
fn login_page_samples() {
    if common::shared_dir().is_none() {
        return;
    }
    for (file, skey, uin, ticket) in [
        (
            "webwxnewloginpage/qjesus-capture-ok.xml",
            "@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50",
            176_666_155,
            "kbmy5Jt9nj+JzBaJZYNpUBQyBwRTejeXq1sM/YH7iOI=",
        ),
        (
            "webwxnewloginpage/wechat4u-nock-ok.xml",
            "@crypt_8e4ad7fa_2703a47aaf8cd4d3e61b855795e38568",
            155_217_200,
            "VgRra8tyYbvfTTS3LVlIHdFob0XowE6+ZV9X1PB9w9w=",
        ),
    ] {
        let body = load(file);
        let LoginPage::Ok(c) = parse_login_page(&body).expect("parses") else {
            panic!("{file}: not ok");
        };
        assert_eq!(c.skey.expose(), skey);
        assert_eq!(c.wxuin.get(), uin);
        assert_eq!(c.pass_ticket.expose(), ticket, "decoded once");
        assert!(c.pass_ticket_raw.expose().contains("%2B"));
        assert_eq!(c.is_grayscale, Some(1));
    }
}

#[test]
fn init_samples() {
    if common::shared_dir().is_none() {
        return;
    }
    for (file, uin, user_prefix, count, listed, first_key_val) in [
        (
            "webwxinit/qjesus-capture-mojibake.json",
            176_666_155,
            "@f0c04abe38959",
            9,
            2,
            698_325_105,
        ),
        (
            "webwxinit/wechat4u-test.json",
            155_217_200,
            "@2ea0ad63b5550",
            11,
            7,
            636_444_437,
        ),
        (
            "webwxinit/wwdk-doc-anon.json",
            1_882_092_380,
            "@xxxxxxxxx",
            1,
            1,
            100_000_000,
        ),
    ] {
        let init = parse_init(&load(file)).expect(file);
        assert_eq!(init.base_response.ret, RetCode::Ok);
        assert_eq!(init.user.uin.get(), uin, "{file}");
        assert!(init.user.user_name.starts_with(user_prefix), "{file}");
        assert_eq!(
            (init.count, init.contact_list.len()),
            (count, listed),
            "{file}"
        );
        assert_eq!(init.sync_key.count, 4);
        assert_eq!(init.sync_key.list.len(), 4);
        assert_eq!(init.sync_key.list[0].key, 1);
        assert_eq!(init.sync_key.list[0].val, first_key_val);
        assert!(init.skey.expose().starts_with("@crypt_"), "{file}");
        assert_eq!(init.invite_start_count, 40);
        assert_eq!(init.chat_set_names().first(), Some(&"filehelper"));
    }
    let init = parse_init(&load("webwxinit/qjesus-capture-mojibake.json")).expect("parses");
    assert!(!init.mp_subscribe_msg_list.is_empty());
    assert!(!init.mp_subscribe_msg_list[0].mp_article_list.is_empty());
    let init = parse_init(&load("webwxinit/wechat4u-test.json")).expect("parses");
    assert!(
        init.contact_list
            .iter()
            .any(|c| c.is_official_account() && c.key_word == "gh_")
    );
}

#[test]
fn get_contact_samples() {
    if common::shared_dir().is_none() {
        return;
    }
    for (file, member_count, listed) in [
        ("webwxgetcontact/qjesus-capture-seq0-mojibake.json", 64, 1),
        ("webwxgetcontact/wechat4u-test.json", 149, 7),
        ("webwxgetcontact/wwdk-doc-anon.json", 1, 1),
    ] {
        let page = parse_get_contact(&load(file)).expect(file);
        assert_eq!(page.base_response.ret, RetCode::Ok);
        assert_eq!(page.member_count, member_count, "{file}");
        assert_eq!(page.member_list.len(), listed, "{file}");
        assert_eq!(page.seq, 0, "{file}: last page (or no Seq key)");
        assert!(page.member_list.iter().all(|c| !c.user_name.is_empty()));
    }
    let page = parse_get_contact(&load("webwxgetcontact/wechat4u-test.json")).expect("parses");
    assert_eq!(
        page.member_list[0].user_name,
        "@7f504ff04e223e8cda9ece47f040c6b7"
    );
}

#[test]
fn batch_get_contact_samples() {
    if common::shared_dir().is_none() {
        return;
    }
    let qj = parse_batch_get_contact(&load(
        "webwxbatchgetcontact/qjesus-capture-chatroom-mojibake.json",
    ))
    .expect("parses");
    assert_eq!((qj.count, qj.contact_list.len()), (2, 1));
    let room = &qj.contact_list[0];
    assert!(room.is_group());
    assert!(room.user_name.starts_with("@@35c78783e0906eb4"));
    assert_eq!(room.member_count, 14);
    assert_eq!(room.member_list.len(), 1);
    assert!(
        room.member_list[0]
            .user_name
            .starts_with("@a53c1fbfce2d6ece")
    );
    assert!(room.encry_chat_room_id.starts_with('@'));

    // Hand-edited upstream: stray top-level keys after ContactList must be ignored.
    let w4u = parse_batch_get_contact(&load("webwxbatchgetcontact/wechat4u-test-chatroom.json"))
        .expect("parses");
    assert_eq!(w4u.contact_list.len(), 1);
    assert!(w4u.contact_list[0].is_group());

    let wwdk =
        parse_batch_get_contact(&load("webwxbatchgetcontact/wwdk-doc-anon.json")).expect("parses");
    assert_eq!(wwdk.contact_list.len(), 1);

    // A room contact object alone (client-decorated), parsed as a Contact.
    let body = load("webwxbatchgetcontact/wechaty-puppet-wechat-room-contact-clientdecorated.json");
    let room: Contact = serde_json::from_slice(&body).expect("parses");
    assert!(room.is_group());
    assert_eq!(room.member_count, 146);
    assert_eq!(room.member_list.len(), 10);
}

#[test]
fn sync_samples() {
    if common::shared_dir().is_none() {
        return;
    }
    let qj = parse_sync(&load(
        "webwxsync/qjesus-capture-emoticon47-status51-video43-text1.jsonc",
    ))
    .expect("parses");
    assert_eq!(qj.base_response.ret, RetCode::Ok);
    let msgs: Vec<_> = qj
        .add_msg_list
        .iter()
        .map(|m| m.as_ref().expect("message"))
        .collect();
    let kinds: Vec<u32> = msgs.iter().map(|m| m.msg_type).collect();
    assert_eq!(kinds, [47, 51, 43, 1]);
    assert_eq!(msgs[0].msg_id, "6929942228714508460");
    assert_eq!(
        msgs[0].new_msg_id, 6_929_942_228_714_508_460,
        "u64, beyond 2^53"
    );
    assert!(msgs[0].content.starts_with("&lt;msg&gt;&lt;emoji"));
    assert!(
        msgs[2].content.starts_with('@'),
        "video Content is an opaque token"
    );
    assert!(msgs[2].content.len() > 1000);
    assert_eq!(qj.sync_key.as_ref().map(|k| k.count), Some(7));
    assert_eq!(qj.sync_check_key.as_ref().map(|k| k.list.len()), Some(7));
    assert!(qj.profile.is_some());

    let w4u = parse_sync(&load(
        "webwxsync/wechat4u-test-statusnotify51-text1-modcontact.json",
    ))
    .expect("parses");
    let msgs: Vec<_> = w4u
        .add_msg_list
        .iter()
        .map(|m| m.as_ref().expect("message"))
        .collect();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0].msg_type, 51);
    assert_eq!(msgs[0].status_notify_code, 4);
    assert!(msgs[0].status_notify_user_name.contains(','));
    assert_eq!(
        (msgs[1].msg_type, msgs[1].content.as_str()),
        (1, "Hello World")
    );
    assert_eq!(w4u.sync_key.as_ref().map(|k| k.list.len()), Some(10));
    assert!(
        w4u.sync_check_key.is_none(),
        "this 2016 capture has no SyncCheckKey"
    );
    assert_eq!(w4u.skey, None, "an empty SKey is no rotation");
    let room = w4u.mod_contact_list[0].as_ref().expect("contact");
    assert!(room.user_name.starts_with("@@3ebf5e3b9aaae4fb00"));
    assert!(
        room.member_list
            .iter()
            .any(|m| m.nick_name.contains("emoji1f31b"))
    );

    let wwdk = parse_sync(&load("webwxsync/wwdk-doc-anon.jsonc")).expect("parses");
    let msg = wwdk.add_msg_list[0].as_ref().expect("message");
    assert!(msg.from_user_name.starts_with("@@"));
    assert!(msg.content.ends_with(":<br/>Test Message"));
    assert_eq!(wwdk.sync_check_key.as_ref().map(|k| k.count), Some(2));
    assert_eq!(wwdk.mod_contact_list.len(), 1);
}

#[test]
fn single_message_samples() {
    if common::shared_dir().is_none() {
        return;
    }
    for (file, msg_type, app_msg_type, msg_id, from_prefix) in [
        (
            "addmsg/wwdk-app49-file6-group.jsonc",
            49,
            6,
            "8800000000000000000",
            "@@",
        ),
        (
            "addmsg/wwdk-card42-group.jsonc",
            42,
            0,
            "8500000000000000000",
            "@@",
        ),
        (
            "addmsg/wwdk-emoticon47-group.jsonc",
            47,
            0,
            "67000000000000000",
            "@@",
        ),
        (
            "addmsg/wwdk-friendrequest37.jsonc",
            37,
            0,
            "1510000000000000000",
            "fmessage",
        ),
        (
            "addmsg/wwdk-image3-group.jsonc",
            3,
            0,
            "4600000000000000000",
            "@@",
        ),
        (
            "addmsg/wwdk-location-text1-sub48.jsonc",
            1,
            0,
            "790000000000000",
            "@",
        ),
        (
            "addmsg/wwdk-revoke10002.json",
            10002,
            0,
            "55000000000000000",
            "@",
        ),
        (
            "addmsg/wwdk-video43.jsonc",
            43,
            0,
            "6000000000000000000",
            "@",
        ),
        (
            "addmsg/wwdk-voice34-group.jsonc",
            34,
            0,
            "6100000000000000000",
            "@@",
        ),
        (
            "addmsg/wechaty-puppet-wechat-friendrequest37-clientdecorated.json",
            37,
            0,
            "3225371967511173931",
            "fmessage",
        ),
        (
            "addmsg/wechaty-puppet-wechat-group-text1-mention-clientdecorated.json",
            1,
            0,
            "5278536998175085820",
            "@@9cdc696e490b",
        ),
        (
            "addmsg/wechaty-puppet-wechat-group-text1-plain-clientdecorated.json",
            1,
            0,
            "6475340302153501409",
            "@@9cdc696e490b",
        ),
        (
            "addmsg/wechaty-puppet-wechat-system10000-friendadded-en-clientdecorated.json",
            10000,
            0,
            "3382012679535022763",
            "@04a0fa314d0d8",
        ),
        (
            "addmsg/wechaty-puppet-wechat-text1-private-clientdecorated.json",
            1,
            0,
            "179242112323992762",
            "@0bb3e4dd746fd",
        ),
    ] {
        let m = parse_message(&load(file)).expect(file);
        assert_eq!(
            (m.msg_type, m.app_msg_type, m.msg_id.as_str()),
            (msg_type, app_msg_type, msg_id),
            "{file}"
        );
        assert!(m.from_user_name.starts_with(from_prefix), "{file}");
    }
    let m = parse_message(&load("addmsg/wwdk-location-text1-sub48.jsonc")).expect("parses");
    assert_eq!(m.sub_msg_type, 48);
    assert!(m.ori_content.contains("<location"));
    let m = parse_message(&load("addmsg/wwdk-friendrequest37.jsonc")).expect("parses");
    assert_eq!(m.new_msg_id, 1_512_190_743_315_786_023);
    assert!(
        m.recommend_info.ticket.starts_with("v2_"),
        "{}",
        m.recommend_info.ticket
    );
    assert_eq!(m.recommend_info.op_code, 2);
    let m = parse_message(&load("addmsg/wwdk-app49-file6-group.jsonc")).expect("parses");
    assert!(m.media_id.starts_with("@crypt_"));
    assert!(!m.encry_file_name.is_empty() && !m.file_size.is_empty());

    // Cut after RecommendInfo by its source: closing the object makes it whole.
    let mut body = load("addmsg/wechat-api-fork-app49-link5-partial.txt");
    assert!(
        parse_message(&body).is_err(),
        "the cut body is an error, not a panic"
    );
    body.push(b'}');
    let m = parse_message(&body).expect("parses once closed");
    assert_eq!((m.msg_type, m.app_msg_type), (49, 5));
    assert_eq!(m.msg_id, "2321518457872379661");
    assert!(!m.url.is_empty() && !m.file_name.is_empty());
}

#[test]
fn small_body_samples() {
    if common::shared_dir().is_none() {
        return;
    }
    for (file, msg_id, local_id) in [
        (
            "webwxsendmsg/qjesus-capture.json",
            "3053194738703673101",
            "15462147414160521",
        ),
        (
            "webwxsendmsg/wwdk-doc-anon.json",
            "2900000000000000000",
            "15600000000000000",
        ),
    ] {
        let r = parse_send(&load(file)).expect(file);
        assert_eq!(
            (r.base_response.ret, r.msg_id.as_str(), r.local_id.as_str()),
            (RetCode::Ok, msg_id, local_id)
        );
    }
    for (file, msg_id) in [
        (
            "webwxstatusnotify/qjesus-capture.json",
            "8032721323945545465",
        ),
        (
            "webwxstatusnotify/wechat4u-nock.json",
            "3199705316661781423",
        ),
    ] {
        let r = parse_status_notify(&load(file)).expect(file);
        assert_eq!(
            (r.base_response.ret, r.msg_id.as_str()),
            (RetCode::Ok, msg_id)
        );
    }
    let up = parse_upload_media(&load("webwxuploadmedia/qjesus-capture-pic.json")).expect("ok");
    assert!(up.media_id.starts_with("@crypt_ca8428f8_"));
    assert_eq!(
        (
            up.start_pos,
            up.cdn_thumb_img_height,
            up.cdn_thumb_img_width
        ),
        (63048, 100, 66)
    );
    assert_eq!(up.encry_file_name, "IMG%5F1854%2EJPG");
    let up = parse_upload_media(&load("webwxuploadmedia/wwdk-doc-anon.jsonc")).expect("ok");
    assert_eq!(
        (up.start_pos, up.encry_file_name.as_str()),
        (1024, "xxxx%2Emp4")
    );

    let rv = parse_revoke(&load("webwxrevokemsg/wwdk-doc-anon.json")).expect("parses");
    assert_eq!(rv.base_response.ret, RetCode::Ok);
    assert!(rv.introduction.contains("2分钟"));
    let v = parse_verify_user(&load("webwxverifyuser/wwdk-doc.json")).expect("parses");
    assert_eq!(v.base_response.ret, RetCode::Ok);

    let cr = parse_create_chat_room(&load("webwxcreatechatroom/wwdk-doc-anon.jsonc")).expect("ok");
    assert_eq!(cr.base_response.err_msg, "Everything is OK");
    assert!(cr.chat_room_name.starts_with("@@"));
    assert_eq!((cr.member_count, cr.member_list.len()), (2, 2));

    let add = parse_update_chat_room(&load("webwxupdatechatroom/wwdk-doc-addmember.jsonc"))
        .expect("parses");
    assert_eq!(
        (add.base_response.ret, add.member_list.len()),
        (RetCode::Ok, 1)
    );
    let del = parse_update_chat_room(&load("webwxupdatechatroom/wwdk-doc-delmember-ret1.json"))
        .expect("parses");
    assert_eq!(del.base_response.ret, RetCode::ParamError);
    let topic = parse_update_chat_room(&load("webwxupdatechatroom/wwdk-doc-modtopic.json"))
        .expect("parses");
    assert_eq!(
        (topic.base_response.ret, topic.member_count),
        (RetCode::Ok, 0)
    );
}

/// Runs last by name order is not guaranteed, so it re-runs the others' loads itself: every
/// shared file outside `content/` (the model tests' domain) must be named by this test file.
#[test]
fn zz_every_shared_sample_is_checked() {
    if common::shared_dir().is_none() {
        return;
    }
    jslogin_samples();
    login_poll_samples();
    synccheck_samples();
    login_page_samples();
    init_samples();
    get_contact_samples();
    batch_get_contact_samples();
    sync_samples();
    single_message_samples();
    small_body_samples();
    let checked = CHECKED.lock().unwrap().clone();
    let dir = common::shared_dir().expect("checked above");
    let mut missing = Vec::new();
    for (sub, path) in common::all_files(&dir) {
        if sub == "content" {
            continue;
        }
        let rel = format!("{sub}/{}", path.file_name().unwrap().to_string_lossy());
        if !checked.contains(&rel) {
            missing.push(rel);
        }
    }
    assert!(
        missing.is_empty(),
        "shared samples with no assertions: {missing:?}"
    );
}
