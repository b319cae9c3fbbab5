//! Sending: webwxsendmsg and the media sends, chunked webwxuploadmedia, webwxcheckupload, revoke.

use super::{int, text};
use crate::content::{escape, js_escape};
use crate::model::Message;
use crate::session::Event;
use crate::sim::{Blob, BlobBytes, Req, Sent, Sim, json};
use crate::wire::json::{BaseResponse, bare, parse, to_body};
use crate::wire::{cookie, multipart};
use http::Response;
use serde::Serialize;
use std::time::Instant;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendReply {
    base_response: BaseResponse,
    #[serde(rename = "MsgID")]
    msg_id: String,
    #[serde(rename = "LocalID")]
    local_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UploadReply {
    base_response: BaseResponse,
    media_id: String,
    start_pos: usize,
    #[serde(rename = "CDNThumbImgHeight")]
    cdn_thumb_img_height: u32,
    #[serde(rename = "CDNThumbImgWidth")]
    cdn_thumb_img_width: u32,
    encry_file_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CheckReply {
    base_response: BaseResponse,
    media_id: String,
    #[serde(rename = "AESKey")]
    aes_key: String,
    signature: String,
    encry_file_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RevokeReply {
    base_response: BaseResponse,
    introduction: String,
    sys_wording: String,
}

/// The text of a successful revoke.
pub const REVOKE_INTRO: &str = "你可以撤回2分钟内发送的消息（部分旧版本微信不支持这个功能）。";

impl Sim {
    /// True when `name` can receive from `account`: self, filehelper, a contact or group.
    fn reachable(&self, account: usize, name: &str) -> bool {
        self.world
            .accounts
            .get(account)
            .is_some_and(|a| a.me.user_name == name || a.contact(name).is_some())
    }

    pub(crate) fn send(&mut self, endpoint: &str, r: &Req<'_>, now: Instant) -> Response<Vec<u8>> {
        let Some(body) = parse(r.body) else {
            return json(bare(1200));
        };
        let idx = match self.auth_base(r, &body) {
            Ok(i) => i,
            Err(ret) => return json(bare(ret)),
        };
        let Some(msg) = body.get("Msg") else {
            return json(bare(1));
        };
        let account = self.sessions.get(idx).map(|s| s.account).unwrap_or(0);
        let to = text(msg.get("ToUserName")).unwrap_or_default();
        if !self.reachable(account, &to) {
            return json(bare(1));
        }
        let kind = int(msg.get("Type")).unwrap_or(1);
        let content = text(msg.get("Content")).unwrap_or_default();
        let media_id = text(msg.get("MediaId")).unwrap_or_default();
        let local_id = text(msg.get("LocalID"))
            .or_else(|| text(msg.get("ClientMsgId")))
            .unwrap_or_default();
        let needs_media = matches!(endpoint, "webwxsendmsgimg" | "webwxsendvideomsg");
        if needs_media && media_id.is_empty() && content.is_empty() {
            return json(bare(1));
        }
        if !media_id.is_empty() && !self.blobs.contains_key(&media_id) {
            return json(bare(1));
        }
        if endpoint == "webwxsendemoticon"
            && media_id.is_empty()
            && text(msg.get("EMoticonMd5")).is_none_or(|m| m.is_empty())
        {
            return json(bare(1));
        }
        let msg_id = self.rng.msg_id();
        let now_s = self.clock.secs(now);
        self.sent.push(Sent {
            account,
            endpoint: endpoint.to_string(),
            msg_id: msg_id.to_string(),
            local_id: local_id.clone(),
            to: to.clone(),
            msg_type: kind,
            content: content.clone(),
            media_id: media_id.clone(),
            at_ms: self.clock.ms(now),
            revoked: false,
        });
        if let Some(blob) = self.blobs.get(&media_id).cloned() {
            self.blobs.insert(msg_id.to_string(), blob);
        }
        if self.cfg.echo_sent {
            let me = self
                .world
                .accounts
                .get(account)
                .map(|a| a.me.user_name.clone())
                .unwrap_or_default();
            let (msg_type, app_msg_type) = match endpoint {
                "webwxsendmsgimg" => (3, 0),
                "webwxsendvideomsg" => (43, 0),
                "webwxsendemoticon" => (47, 0),
                "webwxsendappmsg" => (49, kind as u32),
                _ => (kind as u32, 0),
            };
            let m = Message {
                msg_id: msg_id.to_string(),
                from_user_name: me,
                to_user_name: to,
                msg_type,
                content: escape(&content),
                status: 3,
                img_status: if msg_type == 3 { 2 } else { 1 },
                create_time: now_s,
                app_msg_type,
                media_id: if msg_type == 49 {
                    media_id
                } else {
                    String::new()
                },
                new_msg_id: msg_id,
                ..Message::default()
            };
            if let Some(s) = self.sessions.get_mut(idx) {
                s.push(Event::Msg(Box::new(m)), now_s);
            }
            self.touch(idx);
        }
        json(to_body(&SendReply {
            base_response: BaseResponse::ok(),
            msg_id: msg_id.to_string(),
            local_id,
        }))
    }

    pub(crate) fn upload(&mut self, r: &Req<'_>, _now: Instant) -> Response<Vec<u8>> {
        let ct = r
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let Some(parts) = multipart::boundary(ct).and_then(|b| multipart::parse(r.body, &b)) else {
            return json(bare(1200));
        };
        let field = |n: &str| {
            parts
                .iter()
                .find(|p| p.name == n)
                .map(|p| String::from_utf8_lossy(&p.data).into_owned())
        };
        let Some(req) = field("uploadmediarequest").and_then(|s| parse(s.as_bytes())) else {
            return json(bare(1200));
        };
        let idx = match self.auth_base(r, &req) {
            Ok(i) => i,
            Err(ret) => return json(bare(ret)),
        };
        let Some(s) = self.sessions.get(idx) else {
            return json(bare(1100));
        };
        let ticket_ok = field("webwx_data_ticket").as_deref() == Some(s.data_ticket.as_str())
            || cookie::get(&r.jar, "webwx_data_ticket") == Some(s.data_ticket.as_str());
        if !ticket_ok {
            return json(bare(1));
        }
        let Some(file) = parts
            .iter()
            .find(|p| p.filename.is_some() || p.name == "filename")
        else {
            return json(bare(1));
        };
        let name = field("name")
            .or_else(|| file.filename.clone())
            .unwrap_or_default();
        let mime = field("type").unwrap_or_else(|| "application/octet-stream".into());
        let media_type = field("mediatype").unwrap_or_default();
        let key = text(req.get("ClientMediaId"))
            .or_else(|| field("id"))
            .unwrap_or_else(|| name.clone());
        let chunks = field("chunks").and_then(|c| c.trim().parse::<u64>().ok());
        let chunk = field("chunk")
            .and_then(|c| c.trim().parse::<u64>().ok())
            .unwrap_or(0);
        let data = file.data.clone();
        let Some(s) = self.sessions.get_mut(idx) else {
            return json(bare(1100));
        };
        let up = s.uploads.entry(key.clone()).or_default();
        match chunks {
            Some(n) if chunk >= n => return json(bare(1)),
            Some(_) if chunk > up.next_chunk => return json(bare(1)),
            Some(_) if chunk < up.next_chunk => {}
            _ => {
                up.data.extend_from_slice(&data);
                up.next_chunk = chunk + 1;
            }
        }
        let received = up.data.len();
        let last = chunks.is_none_or(|n| up.next_chunk >= n);
        let encry = js_escape(&name);
        let pic = media_type == "pic";
        if !last {
            return json(to_body(&UploadReply {
                base_response: BaseResponse::ok(),
                media_id: String::new(),
                start_pos: received,
                cdn_thumb_img_height: 0,
                cdn_thumb_img_width: 0,
                encry_file_name: encry,
            }));
        }
        let bytes = s.uploads.remove(&key).map(|u| u.data).unwrap_or_default();
        if bytes.is_empty() {
            return json(bare(1));
        }
        let media_id = format!("@crypt_{}_{}", self.rng.hex(8), self.rng.hex(96));
        self.blobs.insert(
            media_id.clone(),
            Blob {
                content_type: mime,
                bytes: BlobBytes::Stored(bytes),
                name,
            },
        );
        json(to_body(&UploadReply {
            base_response: BaseResponse::ok(),
            media_id,
            start_pos: received,
            cdn_thumb_img_height: if pic { 100 } else { 0 },
            cdn_thumb_img_width: if pic { 66 } else { 0 },
            encry_file_name: encry,
        }))
    }

    pub(crate) fn checkupload(&mut self, r: &Req<'_>, _now: Instant) -> Response<Vec<u8>> {
        let Some(body) = parse(r.body) else {
            return json(bare(1200));
        };
        if let Err(ret) = self.auth_base(r, &body) {
            return json(bare(ret));
        }
        if int(body.get("FileSize")).is_none_or(|n| n <= 0) {
            return json(bare(1));
        }
        let name = text(body.get("FileName")).unwrap_or_default();
        json(to_body(&CheckReply {
            base_response: BaseResponse::ok(),
            media_id: String::new(),
            aes_key: self.rng.hex(32),
            signature: self.rng.hex(64),
            encry_file_name: js_escape(&name),
        }))
    }

    pub(crate) fn revoke(&mut self, r: &Req<'_>, now: Instant) -> Response<Vec<u8>> {
        let Some(body) = parse(r.body) else {
            return json(bare(1200));
        };
        let idx = match self.auth_base(r, &body) {
            Ok(i) => i,
            Err(ret) => return json(bare(ret)),
        };
        let account = self.sessions.get(idx).map(|s| s.account).unwrap_or(0);
        let svr = text(body.get("SvrMsgId")).unwrap_or_default();
        let now_ms = self.clock.ms(now);
        let window = self.cfg.revoke_window.as_millis() as u64;
        let Some(sent) = self
            .sent
            .iter_mut()
            .find(|s| s.msg_id == svr && s.account == account)
        else {
            return json(bare(1));
        };
        if now_ms.saturating_sub(sent.at_ms) > window || sent.revoked {
            return json(to_body(&RevokeReply {
                base_response: BaseResponse::err(-1),
                introduction: String::new(),
                sys_wording: "已超过可撤回的时间".into(),
            }));
        }
        sent.revoked = true;
        json(to_body(&RevokeReply {
            base_response: BaseResponse::ok(),
            introduction: REVOKE_INTRO.into(),
            sys_wording: String::new(),
        }))
    }
}
