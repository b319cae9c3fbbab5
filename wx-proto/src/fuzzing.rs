//! Entry points for the cargo-fuzz targets and the corpus replay test (feature `fuzzing`).
//!
//! Each function feeds arbitrary bytes to a family of parsers and walks the results, so the
//! lazily evaluated parts (string unescaping, per-message elements) are exercised too.

use crate::parse::{self, BodyKind, JsValue};

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

/// The synccheck object literal.
pub fn synccheck(data: &[u8]) {
    let _ = parse::parse_synccheck(data);
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

/// The webwxsync envelope with its per-element messages and contacts.
pub fn sync(data: &[u8]) {
    if let Ok(sync) = parse::parse_sync(data) {
        for msg in sync.add_msg_list.into_iter().flatten() {
            let _ = msg.msg_id.len();
        }
    }
    let _ = parse::parse_message(data);
}

/// The contact-bearing bodies: webwxinit, webwxgetcontact, webwxbatchgetcontact.
pub fn contacts(data: &[u8]) {
    if let Ok(init) = parse::parse_init(data) {
        let _ = init.chat_set_names();
        let _ = init.sync_key.to_query_value();
    }
    let _ = parse::parse_get_contact(data);
    let _ = parse::parse_batch_get_contact(data);
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

/// Dispatches by name: used by the corpus replay test.
pub fn by_target(target: &str, data: &[u8]) -> bool {
    let f: fn(&[u8]) = match target {
        "js_assignment" => js_assignment,
        "synccheck" => synccheck,
        "login_page" => login_page,
        "set_cookie" => set_cookie,
        "sync" => sync,
        "contacts" => contacts,
        "json_small" => json_small,
        _ => return false,
    };
    f(data);
    true
}
