//! The project's own samples (`fixtures/`, written from protocol.md, covering what the real
//! samples lack): each parses into its typed value and its key values are asserted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use wx_proto::parse::*;
use wx_proto::{ErrorKind, RetCode};

fn load(rel: &str) -> Vec<u8> {
    common::read(&common::own_dir().join(rel))
}

#[test]
fn login_flow_samples() {
    assert_eq!(
        parse_jslogin(&load("jslogin/ok.txt")),
        Ok(JsLogin::Uuid("AbCdEf12_Q==".into()))
    );
    assert_eq!(
        parse_jslogin(&load("jslogin/single-quotes-no-final-semicolon.txt")),
        Ok(JsLogin::Uuid("Zz9_yX-w8A==".into()))
    );
    assert_eq!(
        parse_jslogin(&load("jslogin/failed-400.txt")),
        Ok(JsLogin::Failed { code: 400 })
    );
    assert_eq!(
        parse_login_poll(&load("login/408-waiting.txt")),
        Ok(LoginPoll::Waiting)
    );
    assert_eq!(
        parse_login_poll(&load("login/400-expired.txt")),
        Ok(LoginPoll::Expired)
    );
    assert_eq!(
        parse_login_poll(&load("login/202-cancelled.txt")),
        Ok(LoginPoll::Cancelled)
    );
    assert_eq!(
        parse_login_poll(&load("login/500-server-error.txt")),
        Ok(LoginPoll::ServerError)
    );
    match parse_login_poll(&load("login/201-scanned-avatar.txt")).expect("parses") {
        LoginPoll::Scanned { avatar: Some(a) } => assert!(a.ends_with("//2Q==")),
        other => panic!("{other:?}"),
    }
    match parse_login_poll(&load("login/200-confirmed-wx8.txt")).expect("parses") {
        LoginPoll::Confirmed { redirect_uri } => {
            assert!(
                redirect_uri.starts_with(
                    "https://wx8.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket="
                )
            );
            assert!(redirect_uri.ends_with("&scan=1600000000"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn synccheck_every_code() {
    for (file, retcode, selector) in [
        ("0-0", RetCode::Ok, 0),
        ("0-2", RetCode::Ok, 2),
        ("0-3", RetCode::Ok, 3),
        ("0-4", RetCode::Ok, 4),
        ("0-6", RetCode::Ok, 6),
        ("0-7", RetCode::Ok, 7),
        ("1100-0", RetCode::SessionNotExist, 0),
        ("1101-0", RetCode::SessionInvalid, 0),
        ("1102-0", RetCode::CookieInvalid, 0),
        ("1205-0", RetCode::Throttled, 0),
    ] {
        assert_eq!(
            parse_synccheck(&load(&format!("synccheck/{file}.txt"))),
            Ok(SyncCheck { retcode, selector }),
            "{file}"
        );
    }
}

#[test]
fn login_page_samples() {
    let LoginPage::Ok(c) = parse_login_page(&load("webwxnewloginpage/ok.xml")).expect("ok") else {
        panic!("not ok")
    };
    assert_eq!(c.wxsid.expose(), "AbCdEfGh+IjK/LmN");
    assert_eq!(c.pass_ticket.expose(), "AbC+dEf/gHi=");
    let LoginPage::Ok(c) =
        parse_login_page(&load("webwxnewloginpage/ok-message-ok-big-uin.xml")).expect("ok")
    else {
        panic!("not ok")
    };
    assert_eq!(c.wxuin.get(), 3_600_000_001, "uin beyond 2^31");
    match parse_login_page(&load("webwxnewloginpage/refused-1203.xml")).expect("parses") {
        LoginPage::Refused { ret, message } => {
            assert_eq!(ret, RetCode::LoginRefused);
            assert!(message.starts_with("为了你的帐号安全"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        parse_login_page(&load("webwxnewloginpage/redirecturl.xml")),
        Ok(LoginPage::NeedsBrowser {
            url: "https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxcheckurl?a=1&b=2".into()
        })
    );
}

#[test]
fn set_cookie_samples() {
    let text = String::from_utf8(load("set-cookie/newloginpage.txt")).expect("utf8");
    let cookies: Vec<SetCookie<'_>> = text
        .lines()
        .map(|l| parse_set_cookie(l.as_bytes()).expect(l))
        .collect();
    let names: Vec<&str> = cookies.iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "wxuin",
            "wxsid",
            "wxloadtime",
            "mm_lang",
            "webwx_data_ticket",
            "webwxuvid",
            "webwx_auth_ticket",
            "wxloadtime"
        ]
    );
    assert_eq!(cookies[4].domain, Some("qq.com"));
    assert_eq!(cookies[0].domain, Some("wx.qq.com"));
    assert_eq!(cookies[0].expires, Some(1_601_510_400));
    assert!(
        cookies[6].expires > cookies[0].expires,
        "long-lived auth ticket"
    );
    assert_eq!(*cookies[1].value.expose(), "AbCdEfGh+IjK/LmN");
    assert_eq!(
        (cookies[7].max_age, cookies[7].secure),
        (Some(43200), false)
    );
}

#[test]
fn init_and_contact_samples() {
    let init = parse_init(&load("webwxinit/full.json")).expect("parses");
    assert_eq!(init.user.uin.get(), 1_234_567_890);
    assert_eq!(init.contact_list.len(), 3);
    assert!(init.contact_list[1].is_group());
    assert_eq!(init.contact_list[1].member_list.len(), 2);
    assert!(init.contact_list[2].is_official_account());
    assert_eq!(
        init.sync_key.to_query_value(),
        "1_700000001|2_700000002|3_700000003|1000_1600000000"
    );
    assert_eq!(
        init.chat_set_names().len(),
        3,
        "duplicates and the trailing comma dropped"
    );
    assert_eq!(
        init.mp_subscribe_msg_list[0].mp_article_list[0].title,
        "标题"
    );
    let gone = parse_init(&load("webwxinit/ret-1101.json")).expect("parses");
    assert_eq!(gone.base_response.ret, RetCode::SessionInvalid);
    assert!(gone.base_response.ret.is_logout());

    let page = parse_get_contact(&load("webwxgetcontact/page-seq-nonzero.json")).expect("ok");
    assert_eq!((page.seq, page.member_list.len()), (604_229_284, 3));
    let last = parse_get_contact(&load("webwxgetcontact/last-page-seq0.json")).expect("ok");
    assert_eq!(last.seq, 0);
    assert!(last.member_list[0].is_group() && last.member_list[1].is_official_account());

    let batch =
        parse_batch_get_contact(&load("webwxbatchgetcontact/group-with-members.json")).expect("ok");
    let room = &batch.contact_list[0];
    assert_eq!(
        (room.member_count, room.member_list.len(), room.is_owner),
        (3, 3, 1)
    );
    assert_eq!(room.member_list[1].display_name, "阿丽");
    assert_eq!(room.member_list[0].attr_status, 2_147_584_103);
}

#[test]
fn sync_samples() {
    let s = parse_sync(&load("webwxsync/text-private-and-group.json")).expect("parses");
    let msgs: Vec<_> = s
        .add_msg_list
        .iter()
        .map(|m| m.as_ref().expect("ok"))
        .collect();
    assert_eq!(msgs[0].content, "hi &lt;3<br/>second line");
    assert_eq!(msgs[1].new_msg_id, 9_223_372_036_854_775_001);
    assert!(msgs[1].from_user_name.starts_with("@@"));
    assert_eq!(s.sync_check_key.as_ref().map(|k| k.list.len()), Some(7));

    let s = parse_sync(&load("webwxsync/empty-keys-unchanged.json")).expect("parses");
    assert!(s.add_msg_list.is_empty());
    assert!(
        !s.sync_key.as_ref().expect("present").is_usable(),
        "Count 0: keep the old key"
    );

    let s = parse_sync(&load("webwxsync/ret-1101.json")).expect("parses");
    assert_eq!(s.base_response.ret, RetCode::SessionInvalid);

    // One malformed element: its siblings are still there, the bad one is a typed error.
    let body = load("webwxsync/one-malformed-message.json");
    let s = parse_sync(&body).expect("the envelope parses");
    assert_eq!(s.add_msg_list.len(), 3);
    assert_eq!(s.add_msg_list[0].as_ref().expect("first").content, "first");
    assert_eq!(s.add_msg_list[2].as_ref().expect("third").content, "third");
    let err = s.add_msg_list[1].as_ref().expect_err("second is malformed");
    assert_eq!(err.kind, ErrorKind::InvalidValue("json"));
    // serde detects a wrong type once the value is read: the offset is its last byte.
    let before = std::str::from_utf8(&body[..=err.offset]).expect("utf8");
    assert!(
        before.ends_with("\"MsgType\":\"not-a-number\""),
        "offset: {}",
        err.offset
    );

    let s = parse_sync(&load("webwxsync/mod-del-profile-skey.json")).expect("parses");
    let room = s.mod_contact_list[0].as_ref().expect("contact");
    assert_eq!(room.nick_name, "改名后的群");
    assert_eq!(room.chat_room_owner, "@aa11bb22cc33dd44ee55ff6600112233");
    assert_eq!(
        s.del_contact_list[0].user_name,
        "@bb22cc33dd44ee55ff66001122334455"
    );
    let profile = s.profile.as_ref().expect("profile");
    assert!(profile.changed());
    assert_eq!(profile.nick_name.buff, "New Me");
    assert_eq!(
        s.skey.as_ref().map(|k| k.expose().as_str()),
        Some("@crypt_0a1b2c3d_rotated0000000000000000000000000")
    );
    assert_eq!(s.continue_flag, 1);
}

#[test]
fn small_body_samples() {
    let ok = parse_send(&load("webwxsendmsg/ok.json")).expect("ok");
    assert_eq!(
        (ok.msg_id.as_str(), ok.local_id.as_str()),
        ("2900000000000000001", "16000000001230456")
    );
    assert_eq!(
        parse_send(&load("webwxsendmsg/ret-1204.json"))
            .expect("ok")
            .base_response
            .ret,
        RetCode::SendRejected
    );
    assert_eq!(
        parse_send(&load("webwxsendmsg/ret-1201-group-gone.json"))
            .expect("ok")
            .base_response
            .ret,
        RetCode::ChatRoomGone
    );
    assert_eq!(
        parse_status_notify(&load("webwxstatusnotify/ok.json"))
            .expect("ok")
            .msg_id,
        "1234567890123456789"
    );
    let last = parse_upload_media(&load("webwxuploadmedia/last-chunk.json")).expect("ok");
    assert!(last.media_id.starts_with("@crypt_"));
    let mid = parse_upload_media(&load("webwxuploadmedia/intermediate-chunk.json")).expect("ok");
    assert_eq!((mid.media_id.as_str(), mid.start_pos), ("", 524_288));
    let check = parse_check_upload(&load("webwxcheckupload/needs-upload.json")).expect("ok");
    assert_eq!(
        (check.media_id.as_str(), check.signature.as_str()),
        ("", "AbCdEf0123456789")
    );
    assert_eq!(check.aes_key.len(), 32);
    let done = parse_check_upload(&load("webwxcheckupload/already-uploaded.json")).expect("ok");
    assert!(!done.media_id.is_empty());
    assert!(
        parse_revoke(&load("webwxrevokemsg/ok.json"))
            .expect("ok")
            .introduction
            .contains("2分钟")
    );
    let late = parse_revoke(&load("webwxrevokemsg/too-late.json")).expect("ok");
    assert_eq!(late.base_response.ret, RetCode::Unknown(-1));
    assert_eq!(
        parse_oplog(&load("webwxoplog/ok.json"))
            .expect("ok")
            .base_response
            .ret,
        RetCode::Ok
    );
    let add = parse_update_chat_room(&load("webwxupdatechatroom/addmember.json")).expect("ok");
    assert_eq!(add.member_list[0].nick_name, "Carol");
    let partial =
        parse_update_chat_room(&load("webwxupdatechatroom/addmember-minus-2013.json")).expect("ok");
    assert_eq!(partial.base_response.ret, RetCode::Unknown(-2013));
    let created = parse_create_chat_room(&load("webwxcreatechatroom/ok.json")).expect("ok");
    assert_eq!(created.chat_room_name.len(), 66);
    assert_eq!(
        parse_verify_user(&load("webwxverifyuser/ok.json"))
            .expect("ok")
            .base_response
            .ret,
        RetCode::Ok
    );
    assert_eq!(
        parse_push_login(&load("webwxpushloginurl/ok.json")),
        Ok(PushLogin::Uuid("AbCdEf12_Q==".into()))
    );
    assert_eq!(
        parse_push_login(&load("webwxpushloginurl/bad-uin.json")),
        Ok(PushLogin::Refused {
            ret: RetCode::ParamError,
            msg: "param error".into()
        })
    );
}

/// Every own sample is in a directory named after its kind and parses as that kind.
#[test]
fn every_own_sample_parses_as_its_directory_kind() {
    let mut seen = 0;
    for (sub, path) in common::all_files(&common::own_dir()) {
        if sub == "set-cookie" {
            continue; // one header per line, checked above
        }
        let Some(kind) = BodyKind::from_name(&sub) else {
            continue; // model samples (addmsg/, content/) are the model tests' domain
        };
        if kind == BodyKind::Message {
            continue;
        }
        kind.check(&common::read(&path))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        seen += 1;
    }
    assert!(seen >= 40, "only {seen} own samples found");
}
