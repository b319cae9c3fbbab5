//! Sending: webwxsendmsg and the media sends (checked against what was uploaded), revoke.

use super::{int, text};
use crate::content::escape;
use crate::model::Message;
use crate::refusal::Refusal;
use crate::session::Event;
use crate::sim::{Req, Sent, Sim, json};
use crate::wire::json::{BaseResponse, bare, parse, to_body};
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
struct RevokeReply {
    base_response: BaseResponse,
    introduction: String,
    sys_wording: String,
}

/// The text of `<attachid>` in appmsg XML (raw or HTML-escaped once).
fn attach_id(content: &str) -> Option<String> {
    element_text(content, "attachid")
}

/// The text of the first `<tag>…</tag>` of an appmsg (escaped or not), as written.
fn element_text(content: &str, tag: &str) -> Option<String> {
    let unescaped;
    let xml = if content.contains("&lt;") {
        unescaped = content.replace("&lt;", "<").replace("&gt;", ">");
        unescaped.as_str()
    } else {
        content
    };
    let (_, rest) = xml.split_once(&format!("<{tag}>"))?;
    let (text, _) = rest.split_once(&format!("</{tag}>"))?;
    Some(text.trim().to_string())
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

    /// The checks of a media send: a MediaId must be one uploaded or pushed, a file appmsg's
    /// `<attachid>` too, an emoticon needs a MediaId or a well-formed `EMoticonMd5`.
    fn check_media_send(
        &self,
        endpoint: &str,
        kind: i64,
        media_id: &str,
        content: &str,
        emoticon_md5: &str,
    ) -> Result<(), Refusal> {
        if !media_id.is_empty() && !self.known_media(media_id) {
            return Err(Refusal::UnknownMediaId {
                media_id: media_id.to_string(),
            });
        }
        match endpoint {
            // A forward or re-send carries the old Content and no MediaId (§7.4).
            "webwxsendmsgimg" | "webwxsendvideomsg"
                if media_id.is_empty() && content.is_empty() =>
            {
                Err(Refusal::NothingToSend)
            }
            "webwxsendemoticon" if media_id.is_empty() => {
                if emoticon_md5.is_empty() {
                    Err(Refusal::NothingToSend)
                } else if self.stickers.contains(&emoticon_md5.to_ascii_lowercase())
                    || crate::md5::well_formed(emoticon_md5)
                {
                    Ok(())
                } else {
                    Err(Refusal::BadEmoticonMd5 {
                        md5: emoticon_md5.to_string(),
                    })
                }
            }
            "webwxsendappmsg" if kind == 6 => {
                let attach_id = attach_id(content).unwrap_or_default();
                if !attach_id.is_empty() && self.known_media(&attach_id) {
                    Ok(())
                } else {
                    Err(Refusal::UnknownAttachId { attach_id })
                }
            }
            _ => Ok(()),
        }
    }

    /// True for a MediaId a client uploaded or a pushed message carries.
    pub(crate) fn known_media(&self, media_id: &str) -> bool {
        media_id.starts_with('@') && self.blobs.contains_key(media_id)
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
        let emoticon_md5 = text(msg.get("EMoticonMd5")).unwrap_or_default();
        if let Err(refusal) =
            self.check_media_send(endpoint, kind, &media_id, &content, &emoticon_md5)
        {
            return self.refuse(endpoint, Some(idx), refusal);
        }
        let scene = int(body.get("Scene")).unwrap_or(0);
        let signature = text(msg.get("Signature")).unwrap_or_default();
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
            scene,
            signature,
            emoticon_md5,
        });
        // A file send downloads by its attachment's MediaId; its echo carries that.
        let media_id = match (endpoint, media_id.is_empty()) {
            ("webwxsendappmsg", true) => attach_id(&content).unwrap_or_default(),
            _ => media_id,
        };
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
                // A file's echo names it, as the real server's does.
                file_name: if msg_type == 49 {
                    element_text(&content, "title").unwrap_or_default()
                } else {
                    String::new()
                },
                file_size: if msg_type == 49 {
                    element_text(&content, "totallen").unwrap_or_default()
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

    /// Queues the 10002 revoke sysmsg of our own recall of `svr` (sent to `to`) for every
    /// live session of `account`.
    fn revoke_echo(
        &mut self,
        account: usize,
        to: &str,
        svr: &str,
        old_s: u64,
        en: bool,
        now: Instant,
    ) {
        let Some(acc) = self.world.accounts.get(account) else {
            return;
        };
        let me = acc.me.user_name.clone();
        let session = crate::group_knobs::stable_of(acc, to);
        let replace = if en {
            "You recalled a message"
        } else {
            "你撤回了一条消息"
        };
        let xml = format!(
            "<sysmsg type=\"revokemsg\">\n\t<revokemsg>\n\t\t<session>{}</session>\n\t\t<oldmsgid>{old_s}</oldmsgid>\n\t\t<msgid>{}</msgid>\n\t\t<replacemsg><![CDATA[{replace}]]></replacemsg>\n\t</revokemsg>\n</sysmsg>\n",
            escape(&session),
            escape(svr)
        );
        let msg_id = self.rng.msg_id();
        let m = Message {
            msg_id: msg_id.to_string(),
            from_user_name: me,
            to_user_name: to.to_string(),
            msg_type: 10002,
            content: escape(&xml),
            status: 4,
            img_status: 1,
            create_time: self.clock.secs(now),
            new_msg_id: msg_id,
            ..Message::default()
        };
        self.deliver(account, Event::Msg(Box::new(m)), now);
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
        let (to, old_s) = (sent.to.clone(), sent.at_ms / 1000);
        // The real server syncs a recall to every device of the sender: the account's
        // sessions get the MsgType 10002 sysmsg (shape of addmsg/wwdk-revoke10002.json), from
        // ourselves to the peer, like the echo of a send. The peer's side (a friend's phone)
        // is not modelled; `Body::Revoke` pushes what a friend's recall looks like.
        if self.cfg.echo_sent {
            let en =
                r.q.get("lang")
                    .is_some_and(|l| l.to_ascii_lowercase().starts_with("en"));
            self.revoke_echo(account, &to, &svr, old_s, en, now);
        }
        json(to_body(&RevokeReply {
            base_response: BaseResponse::ok(),
            introduction: REVOKE_INTRO.into(),
            sys_wording: String::new(),
        }))
    }
}
