//! Entry points for the cargo-fuzz targets and the corpus replay test (feature `fuzzing`).
//!
//! Each function feeds arbitrary bytes to a family of parsers and walks the results, so the
//! lazily evaluated parts (string unescaping, per-message elements) are exercised too.

use crate::parse::{self, BodyKind, JsValue};

#[path = "fuzzing_session.rs"]
mod session_check;

/// The JavaScript-assignment parsers: the raw statements, jslogin and the login poll.
pub fn js_assignment(data: &[u8]) {
    if let Ok(items) = parse::js_assignments(data) {
        for item in items.flatten() {
            if let JsValue::Str(s) = item.value {
                let _ = s.value();
            }
        }
    }
    let _ = parse::parse_jslogin(data);
    let _ = parse::parse_login_poll(data);
}

/// The synccheck object literal; where the fast scanner answers, the general parser must
/// read the same values (a difference is a crash).
pub fn synccheck(data: &[u8]) {
    let _ = parse::parse_synccheck(data);
    parse::synccheck::check_scanner_agrees(data);
}

/// The webwxnewloginpage XML.
pub fn login_page(data: &[u8]) {
    let _ = parse::parse_login_page(data);
}

/// One `Set-Cookie` value, and the cookie date reader.
pub fn set_cookie(data: &[u8]) {
    let _ = parse::parse_set_cookie(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse::parse_cookie_date(text);
    }
}

/// The webwxsync envelope with its per-element messages and contacts; its three readings
/// must agree where the earlier ones succeed (a difference is a crash).
pub fn sync(data: &[u8]) {
    parse::json::sync::check_one_pass_agrees(data);
    if let Ok(sync) = parse::parse_sync(data) {
        for msg in sync.add_msg_list.into_iter().flatten() {
            let _ = msg.msg_id.len();
        }
    }
    let _ = parse::parse_message(data);
}

/// The contact-bearing bodies: webwxinit, webwxgetcontact, webwxbatchgetcontact; their
/// tolerant readings must agree with the one-pass ones where those succeed.
pub fn contacts(data: &[u8]) {
    parse::json::init::check_tolerant_agrees(data);
    parse::json::contact::check_tolerant_agrees(data);
    if let Ok(init) = parse::parse_init(data) {
        let _ = init.chat_set_names();
        let _ = init.sync_key.to_query_value();
    }
    let _ = parse::parse_get_contact(data);
    let _ = parse::parse_batch_get_contact(data);
}

/// The tolerant structural scanner: it never panics, its spans lie inside the input in
/// order, and where the input is a JSON object serde_json reads, it finds the same members
/// and elements, each itself JSON.
pub fn split(data: &[u8]) {
    parse::json::split_check::check_invariants(data);
}

/// Every other JSON body (send, status notify, upload, check upload, revoke, oplog, group
/// management, verify user, push login).
pub fn json_small(data: &[u8]) {
    for kind in [
        BodyKind::Send,
        BodyKind::StatusNotify,
        BodyKind::UploadMedia,
        BodyKind::CheckUpload,
        BodyKind::RevokeMsg,
        BodyKind::OpLog,
        BodyKind::UpdateChatRoom,
        BodyKind::CreateChatRoom,
        BodyKind::VerifyUser,
        BodyKind::PushLoginUrl,
    ] {
        let _ = kind.check(data);
    }
}

/// One `AddMsgList` element, then the message model's decoding of it.
pub fn message(data: &[u8]) {
    if let Ok(raw) = parse::parse_message(data) {
        let msg = crate::model::decode(raw, "@0123456789abcdef");
        let _ = msg.text();
        let _ = crate::model::room_event(&msg);
    }
}

/// Message content decoding: the first two bytes choose the MsgType and AppMsgType, the rest
/// is the Content of a message from a group member (so the prefix path is taken too).
pub fn content(data: &[u8]) {
    const TYPES: [u32; 16] = [
        1, 3, 34, 37, 42, 43, 47, 48, 49, 50, 51, 62, 10000, 10002, 9999, 0,
    ];
    const APP_TYPES: [u32; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 17, 19, 33, 36, 2000, 2001, 100];
    let (msg_type, app_msg_type, rest) = match data {
        [a, b, rest @ ..] => (TYPES[(a & 15) as usize], APP_TYPES[(b & 15) as usize], rest),
        _ => (1, 0, data),
    };
    let text = String::from_utf8_lossy(rest);
    let from_group = data.first().is_some_and(|a| a & 16 != 0);
    let raw = parse::RawMessage {
        msg_id: "1".into(),
        msg_type,
        app_msg_type,
        sub_msg_type: if msg_type == 48 { 48 } else { 0 },
        from_user_name: if from_group {
            "@@room".into()
        } else {
            "@peer".into()
        },
        to_user_name: "@me".into(),
        content: text.clone().into_owned(),
        ori_content: text.clone().into_owned(),
        status_notify_user_name: text.clone().into_owned(),
        ..Default::default()
    };
    let msg = crate::model::decode(raw, "@me");
    let _ = msg.text();
    let _ = crate::model::decode_display_text(&text);
    let _ = crate::model::split_group_prefix(&text);
    let _ = crate::model::tagged_mentions(&text);
    let _ = crate::model::is_mentioned(&text, "Me");
}

/// The media builders and readers on an arbitrary file name, size and answer header:
/// the appmsg XML stays well formed and its title reads back as the name, no name can
/// add or break a multipart part, the `Content-Disposition` reader and the kind sniffer
/// never panic.
pub fn media(data: &[u8]) {
    let (size, rest) = match data {
        [a, b, c, rest @ ..] => (u64::from_le_bytes([*a, *b, *c, 0, 0, 0, 0, 0]), rest),
        _ => (0, data),
    };
    let text = String::from_utf8_lossy(rest);
    let name = text.as_ref();
    let _ = crate::client::MediaKind::detect(name, rest);
    let _ = crate::client::disposition_file_name(name);
    let xml = crate::build::file_appmsg(name, size, name, size % 2 == 0);
    let parsed = crate::model::xml::parse(&xml);
    let Ok(appmsg) = parsed else {
        panic!("the appmsg XML does not parse: {xml}");
    };
    let plain = !name.chars().any(|c| c.is_control() || c.is_whitespace());
    if plain && !name.is_empty() {
        assert_eq!(appmsg.child_text("title").as_deref(), Some(name), "{xml}");
    }
    check_multipart(name, size);
}

/// No file name adds, drops or breaks a part of the upload form.
fn check_multipart(name: &str, size: u64) {
    use crate::build::{Creds, Ctx, UploadForm, upload_chunk};
    use crate::secret::{Secret, Uin};
    let config = crate::client::Config::default();
    let hosts = crate::client::Hosts::single("http://127.0.0.1:1");
    let ctx = Ctx {
        config: &config,
        hosts: &hosts,
        wall_ms: 1,
    };
    let creds = Creds {
        uin: Uin(1),
        sid: Secret::new("s".into()),
        skey: Secret::new("k".into()),
        pass_ticket_raw: Secret::new(name.into()),
        device_id: "e1".into(),
    };
    let form = UploadForm {
        file_number: size,
        name,
        mime: "application/octet-stream",
        size,
        media_type: "doc",
        request: name,
        data_ticket: name,
        last_modified: name,
    };
    let boundary = "----WebKitFormBoundaryFuzz0000000";
    let data = b"DATA";
    let r = upload_chunk(&ctx, &creds, &form, Some((2, 1)), data, boundary);
    let body = r.body();
    let delimiter = format!("\r\n--{boundary}");
    let text = String::from_utf8_lossy(body);
    // 11 fields and the file part: 11 delimiters after the first part, and the closing one.
    let inner = text.matches(delimiter.as_str()).count();
    assert_eq!(inner, 12, "a name broke the form");
    assert!(text.starts_with(&format!("--{boundary}\r\n")));
    assert!(text.ends_with(&format!("\r\n--{boundary}--\r\n")));
}

/// A whole session: a logged-in client fed arbitrary responses, statuses, failures,
/// orderings, commands and time steps, with the invariants checked after every step.
pub fn session(data: &[u8]) {
    session_report(data);
}

/// As [`session`], returning how many messages were delivered and requests issued.
pub fn session_report(data: &[u8]) -> (usize, usize) {
    session_check::run(data)
}

/// Dispatches by name: used by the corpus replay test.
pub fn by_target(target: &str, data: &[u8]) -> bool {
    let f: fn(&[u8]) = match target {
        "js_assignment" => js_assignment,
        "synccheck" => synccheck,
        "login_page" => login_page,
        "set_cookie" => set_cookie,
        "sync" => sync,
        "contacts" => contacts,
        "split" => split,
        "json_small" => json_small,
        "message" => message,
        "content" => content,
        "media" => media,
        "session" => session,
        _ => return false,
    };
    f(data);
    true
}
