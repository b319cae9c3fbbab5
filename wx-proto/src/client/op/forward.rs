//! Forwarding a received message without uploading it again (`Scene` 2, as the official
//! client and wechat4u do): what to send for each kind, and the op that sends it.

use super::{OpCx, Step, no_session, read_answer};
use crate::Endpoint;
use crate::build;
use crate::client::command::OpOutput;
use crate::client::core::Outcome;
use crate::model::{Message, MessageKind};
use crate::parse::parse_send;

/// The `Msg` a forward sends: its endpoint, `Type`, `Content` and, for a sticker, its md5.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::client) struct Forwarded {
    pub(in crate::client) endpoint: Endpoint,
    pub(in crate::client) msg_type: u32,
    pub(in crate::client) content: String,
    pub(in crate::client) emoticon_md5: Option<String>,
}

/// What forwarding `message` sends, or `None` when it cannot be sent again (a store
/// sticker, a file without MediaId, a notice, a call).
pub(in crate::client) fn what(message: &Message) -> Option<Forwarded> {
    let plain = |endpoint, msg_type, content: &str| {
        Some(Forwarded {
            endpoint,
            msg_type,
            content: content.to_owned(),
            emoticon_md5: None,
        })
    };
    match &message.kind {
        MessageKind::Text(t) => plain(Endpoint::SendMsg, 1, &t.text),
        MessageKind::Location(_) if !message.raw.ori_content.is_empty() => {
            plain(Endpoint::SendMsg, 48, &message.raw.ori_content)
        }
        MessageKind::Image(_) => plain(Endpoint::SendMsgImg, 3, &message.content),
        MessageKind::Video(_) | MessageKind::MicroVideo(_) => {
            plain(Endpoint::SendVideoMsg, 43, &message.content)
        }
        MessageKind::Emoticon(e) => Some(Forwarded {
            endpoint: Endpoint::SendEmoticon,
            msg_type: 47,
            content: String::new(),
            emoticon_md5: Some(e.forward_md5()?.to_owned()),
        }),
        MessageKind::App(app) => {
            let appmsg = appmsg_of(&message.content)?;
            let content = if app.app_msg_type == 6 {
                if message.raw.media_id.is_empty() {
                    return None;
                }
                with_attach_id(appmsg, &message.raw.media_id)?
            } else {
                appmsg.to_owned()
            };
            plain(Endpoint::SendAppMsg, app.app_msg_type, &content)
        }
        _ => None,
    }
}

/// The `<appmsg …>…</appmsg>` element of an app message's content (the `<msg>` wrapper
/// and the XML declaration dropped).
fn appmsg_of(content: &str) -> Option<&str> {
    let start = content.find("<appmsg")?;
    let end = content[start..].rfind("</appmsg>")? + start + "</appmsg>".len();
    Some(&content[start..end])
}

/// `appmsg` with the text of its `<attachid>` replaced by `media_id` (XML-escaped).
fn with_attach_id(appmsg: &str, media_id: &str) -> Option<String> {
    const OPEN: &str = "<attachid>";
    const CLOSE: &str = "</attachid>";
    let start = appmsg.find(OPEN)? + OPEN.len();
    let end = appmsg[start..].find(CLOSE)? + start;
    Some(format!(
        "{}{}{}",
        &appmsg[..start],
        build::xml_escape(media_id),
        &appmsg[end..]
    ))
}

/// A forward in progress.
#[derive(Debug)]
pub(in crate::client) struct Forward {
    to: String,
    what: Forwarded,
    client_msg_id: String,
}

impl Forward {
    pub(super) fn new(to: String, what: Forwarded) -> Self {
        Self {
            to,
            what,
            client_msg_id: String::new(),
        }
    }

    /// The receiver.
    pub(super) fn to(&self) -> &str {
        &self.to
    }

    pub(super) fn start(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        self.client_msg_id = cx.client_msg_id();
        let Some(creds) = cx.creds else {
            return no_session();
        };
        let msg = build::MediaMsg {
            msg_type: self.what.msg_type,
            media_id: "",
            content: &self.what.content,
            emoticon_md5: self.what.emoticon_md5.as_deref(),
            signature: None,
        };
        let request = build::send_media(
            &cx.ctx,
            creds,
            self.what.endpoint,
            cx.me,
            &self.to,
            &msg,
            &self.client_msg_id,
            2,
        );
        vec![Step::Send(self.what.endpoint, request)]
    }

    pub(super) fn on_response(&mut self, endpoint: Endpoint, outcome: Outcome) -> Vec<Step> {
        match read_answer(endpoint, outcome, parse_send, |r| &r.base_response) {
            Ok(sent) => vec![
                Step::OwnMessage(sent.msg_id.clone()),
                Step::Done(Ok(OpOutput::Sent {
                    msg_id: sent.msg_id,
                    client_msg_id: std::mem::take(&mut self.client_msg_id),
                })),
            ],
            Err(steps) => steps,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attach_id_is_replaced_inside_the_appmsg_only() {
        let content = "<?xml version=\"1.0\"?><msg><appmsg appid='' sdkver=''><title>a.pdf</title><type>6</type><appattach><totallen>3</totallen><attachid>old</attachid></appattach></appmsg><fromusername>x</fromusername></msg>";
        let appmsg = appmsg_of(content).unwrap_or_default();
        assert!(appmsg.starts_with("<appmsg") && appmsg.ends_with("</appmsg>"));
        let replaced = with_attach_id(appmsg, "@crypt_1&2").unwrap_or_default();
        assert!(
            replaced.contains("<attachid>@crypt_1&amp;2</attachid>"),
            "{replaced}"
        );
        assert!(!replaced.contains("fromusername"));
        assert_eq!(with_attach_id("<appmsg></appmsg>", "x"), None);
    }
}
