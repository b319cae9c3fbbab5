//! Typed values as JSON: the core's parsers run, and small views build JSON for the types
//! that have no `Serialize` (credentials are still present here; see `redact`).

use serde::Serialize;
use serde_json::{Value, json};
use wx_proto::ParseError;
use wx_proto::model;
use wx_proto::parse::{self as p, BaseResponse, BodyKind, Contact, Member, RawMessage};

use super::kind::Kind;

/// Why a body did not decode: one line naming the format and the byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

impl From<ParseError> for Malformed {
    fn from(e: ParseError) -> Self {
        Malformed(e.to_string())
    }
}

fn to_json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn base(b: &BaseResponse) -> Value {
    json!({ "ret": b.ret.raw(), "err_msg": b.err_msg })
}

fn members(list: &[Member]) -> Value {
    to_json(&list)
}

fn message(raw: RawMessage) -> Value {
    to_json(&model::decode(raw, ""))
}

fn element<T>(r: Result<T, ParseError>, f: impl Fn(T) -> Value) -> Value {
    match r {
        Ok(v) => f(v),
        Err(e) => json!({ "error": e.to_string(), "offset": e.offset }),
    }
}

/// Decodes `body` as `kind`.
pub fn decode(kind: Kind, body: &[u8]) -> Result<Value, Malformed> {
    match kind {
        Kind::Body(k) => body_kind(k, body),
        Kind::Contact => serde_json::from_slice::<Contact>(body)
            .map(|c| to_json(&c))
            .map_err(|e| json_error("contact", body, &e)),
        Kind::Content => Ok(content(body)),
    }
}

fn json_error(what: &str, body: &[u8], e: &serde_json::Error) -> Malformed {
    // serde_json gives a line and column: turn them into a byte offset.
    let mut offset = 0;
    for (i, line) in body.split(|&b| b == b'\n').enumerate() {
        if i + 1 == e.line() {
            offset += e.column().saturating_sub(1).min(line.len());
            break;
        }
        offset += line.len() + 1;
    }
    Malformed(format!(
        "malformed {what} JSON body at byte {}: {e}",
        offset.min(body.len())
    ))
}

/// A message Content on its own: the MsgType is read from the XML root.
fn content(body: &[u8]) -> Value {
    let text = String::from_utf8_lossy(body).into_owned();
    let probe = text.replace("&lt;", "<");
    let msg_type = if probe.contains("<img") {
        3
    } else if probe.contains("<voicemsg") {
        34
    } else if probe.contains("<videomsg") {
        43
    } else if probe.contains("<emoji") {
        47
    } else if probe.contains("<appmsg") {
        49
    } else if probe.contains("<sysmsg") {
        10002
    } else if probe.contains("<op ") || probe.contains("<op>") {
        51
    } else if probe.contains("<location") {
        48
    } else if probe.contains("<msg") && probe.contains("username=") {
        42
    } else {
        1
    };
    // `@member:<br/>` before the XML: a group message's sender prefix.
    let group_prefix = text.starts_with('@') && text.get(..120).unwrap_or(&text).contains(":<br/>");
    let raw = RawMessage {
        msg_type,
        from_user_name: if group_prefix {
            "@@group".into()
        } else {
            String::new()
        },
        content: text,
        ..RawMessage::default()
    };
    let m = model::decode(raw, "");
    json!({ "msg_type": msg_type, "kind": to_json(&m.kind), "content": m.content })
}

fn body_kind(kind: BodyKind, body: &[u8]) -> Result<Value, Malformed> {
    Ok(match kind {
        BodyKind::JsLogin => match p::parse_jslogin(body)? {
            p::JsLogin::Uuid(uuid) => json!({ "code": 200, "uuid": uuid }),
            p::JsLogin::Failed { code } => json!({ "code": code }),
        },
        BodyKind::LoginPoll => match p::parse_login_poll(body)? {
            p::LoginPoll::Waiting => json!({ "code": 408, "state": "waiting" }),
            p::LoginPoll::Scanned { avatar } => json!({
                "code": 201, "state": "scanned",
                "avatar_bytes": avatar.as_ref().map(|a| a.len()),
            }),
            p::LoginPoll::Confirmed { redirect_uri } => {
                json!({ "code": 200, "state": "confirmed", "redirect_uri": redirect_uri })
            }
            p::LoginPoll::Cancelled => json!({ "code": 202, "state": "cancelled" }),
            p::LoginPoll::Expired => json!({ "code": 400, "state": "expired" }),
            p::LoginPoll::ServerError => json!({ "code": 500, "state": "server error" }),
            other => json!({ "state": format!("{other:?}") }),
        },
        BodyKind::SyncCheck => {
            let s = p::parse_synccheck(body)?;
            json!({ "retcode": s.retcode.raw(), "selector": s.selector })
        }
        BodyKind::LoginPage => match p::parse_login_page(body)? {
            p::LoginPage::Ok(c) => json!({
                "ret": 0, "skey": c.skey.expose(), "wxsid": c.wxsid.expose(),
                "wxuin": c.wxuin.get(), "pass_ticket": c.pass_ticket.expose(),
                "is_grayscale": c.is_grayscale,
            }),
            p::LoginPage::Refused { ret, message } => {
                json!({ "ret": ret.raw(), "message": message })
            }
            p::LoginPage::NeedsBrowser { url } => json!({ "redirecturl": url }),
        },
        BodyKind::SetCookie => {
            let text = std::str::from_utf8(body).unwrap_or_default();
            let mut out = Vec::new();
            let mut offset = 0;
            for line in text.split_inclusive('\n') {
                let l = line.trim_end_matches(['\r', '\n']);
                if !l.trim().is_empty() {
                    let c = p::parse_set_cookie(l.as_bytes()).map_err(|mut e| {
                        e.offset += offset;
                        e
                    })?;
                    out.push(json!({
                        "name": c.name, "value": "***", "value_len": c.value.expose().len(), "domain": c.domain,
                        "path": c.path, "expires": c.expires, "max_age": c.max_age,
                        "secure": c.secure, "http_only": c.http_only,
                    }));
                }
                offset += line.len();
            }
            if text.is_empty() {
                p::parse_set_cookie(body)?;
            }
            Value::Array(out)
        }
        BodyKind::Init => {
            let r = p::parse_init(body)?;
            let mps: Vec<Value> = r
                .mp_subscribe_msg_list
                .iter()
                .map(|m| {
                    let articles: Vec<Value> = m
                        .mp_article_list
                        .iter()
                        .map(|a| json!({ "title": a.title, "digest": a.digest, "cover": a.cover, "url": a.url }))
                        .collect();
                    json!({ "user_name": m.user_name, "nick_name": m.nick_name, "time": m.time, "articles": articles })
                })
                .collect();
            json!({
                "base_response": base(&r.base_response), "count": r.count,
                "user": to_json(&r.user), "contact_list": to_json(&r.contact_list),
                "sync_key": to_json(&r.sync_key), "chat_set": r.chat_set_names(),
                "skey": r.skey.expose(), "client_version": r.client_version,
                "system_time": r.system_time, "gray_scale": r.gray_scale,
                "invite_start_count": r.invite_start_count, "mp_subscribe_msg_list": mps,
                "click_report_interval": r.click_report_interval,
            })
        }
        BodyKind::GetContact => {
            let r = p::parse_get_contact(body)?;
            json!({
                "base_response": base(&r.base_response), "member_count": r.member_count,
                "member_list": to_json(&r.member_list), "seq": r.seq,
            })
        }
        BodyKind::BatchGetContact => {
            let r = p::parse_batch_get_contact(body)?;
            json!({
                "base_response": base(&r.base_response), "count": r.count,
                "contact_list": to_json(&r.contact_list),
            })
        }
        BodyKind::Sync => {
            let r = p::parse_sync(body)?;
            let msgs: Vec<Value> = r
                .add_msg_list
                .into_iter()
                .map(|m| element(m.map_err(|b| b.error), message))
                .collect();
            let mods: Vec<Value> = r
                .mod_contact_list
                .into_iter()
                .map(|c| element(c.map_err(|b| b.error), |c| to_json(&c)))
                .collect();
            let dels: Vec<Value> = r
                .del_contact_list
                .iter()
                .map(|d| json!({ "user_name": d.user_name, "contact_flag": d.contact_flag }))
                .collect();
            let profile = r.profile.as_ref().map(|pr| {
                json!({
                    "bit_flag": pr.bit_flag, "user_name": pr.user_name.buff,
                    "nick_name": pr.nick_name.buff, "head_img_update_flag": pr.head_img_update_flag,
                    "head_img_url": to_json(&pr.head_img_url), "signature": pr.signature,
                    "alias": pr.alias, "sex": pr.sex,
                })
            });
            json!({
                "base_response": base(&r.base_response), "add_msg_list": msgs,
                "mod_contact_list": mods, "del_contact_list": dels, "profile": profile,
                "continue_flag": r.continue_flag, "sync_key": to_json(&r.sync_key),
                "sync_check_key": to_json(&r.sync_check_key),
                "skey": r.skey.as_ref().map(|s| s.expose().clone()),
            })
        }
        BodyKind::Message => message(p::parse_message(body)?),
        BodyKind::Send => {
            let r = p::parse_send(body)?;
            json!({ "base_response": base(&r.base_response), "msg_id": r.msg_id, "local_id": r.local_id })
        }
        BodyKind::StatusNotify => {
            let r = p::parse_status_notify(body)?;
            json!({ "base_response": base(&r.base_response), "msg_id": r.msg_id })
        }
        BodyKind::UploadMedia => {
            let r = p::parse_upload_media(body)?;
            json!({
                "base_response": base(&r.base_response), "media_id": r.media_id,
                "start_pos": r.start_pos, "cdn_thumb_img_height": r.cdn_thumb_img_height,
                "cdn_thumb_img_width": r.cdn_thumb_img_width, "encry_file_name": r.encry_file_name,
            })
        }
        BodyKind::CheckUpload => {
            let r = p::parse_check_upload(body)?;
            json!({
                "base_response": base(&r.base_response), "media_id": r.media_id,
                "aes_key": r.aes_key, "signature": r.signature, "encry_file_name": r.encry_file_name,
            })
        }
        BodyKind::RevokeMsg => {
            let r = p::parse_revoke(body)?;
            json!({ "base_response": base(&r.base_response), "introduction": r.introduction, "sys_wording": r.sys_wording })
        }
        BodyKind::OpLog => json!({ "base_response": base(&p::parse_oplog(body)?.base_response) }),
        BodyKind::VerifyUser => {
            json!({ "base_response": base(&p::parse_verify_user(body)?.base_response) })
        }
        BodyKind::UpdateChatRoom => {
            let r = p::parse_update_chat_room(body)?;
            json!({
                "base_response": base(&r.base_response), "member_count": r.member_count,
                "member_list": members(&r.member_list),
            })
        }
        BodyKind::CreateChatRoom => {
            let r = p::parse_create_chat_room(body)?;
            json!({
                "base_response": base(&r.base_response), "topic": r.topic,
                "py_initial": r.py_initial, "quan_pin": r.quan_pin, "member_count": r.member_count,
                "member_list": members(&r.member_list), "chat_room_name": r.chat_room_name,
                "black_list": r.black_list,
            })
        }
        BodyKind::PushLoginUrl => match p::parse_push_login(body)? {
            p::PushLogin::Uuid(uuid) => json!({ "ret": 0, "uuid": uuid }),
            p::PushLogin::Refused { ret, msg } => json!({ "ret": ret.raw(), "msg": msg }),
        },
        other => {
            other.check(body)?;
            json!({ "ok": true })
        }
    })
}
