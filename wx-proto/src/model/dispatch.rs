//! Picks the content decoder by MsgType (and AppMsgType, SubMsgType) and builds the [`MessageKind`].

use super::app::app_message;
use super::contact_msg::{card, friend_request};
use super::kind::{Emoticon, Image, MessageKind, Text, Video, Voice, Voip};
use super::location::{location, looks_like_location};
use super::media::{decode_media, emoji_info, image_info, video_info, voice_info};
use super::mention::tagged_mentions;
use super::notice::{SysMsg, status_notify, sys_msg, system_notice};
use super::text::decode_display_text;
use crate::error::ParseError;
use crate::parse::RawMessage;

/// Decodes the kind from the raw fields and `body`, the Content without its group prefix.
pub(crate) fn decode_kind(raw: &RawMessage, body: &str) -> MessageKind {
    let msg_type = raw.msg_type;
    let undecodable = |error: ParseError| MessageKind::Undecodable { msg_type, error };
    match msg_type {
        1 if raw.app_msg_type == 2001 => app(raw, body).unwrap_or_else(undecodable),
        1 if raw.sub_msg_type == 48 || looks_like_location(body, &raw.url) => {
            location(body, &raw.url, &raw.ori_content)
                .map(MessageKind::Location)
                .unwrap_or_else(undecodable)
        }
        48 => location(body, &raw.url, &raw.ori_content)
            .map(MessageKind::Location)
            .unwrap_or_else(undecodable),
        1 => {
            let text = decode_display_text(body).into_owned();
            let mentions = tagged_mentions(&text);
            MessageKind::Text(Text { text, mentions })
        }
        3 => decode_media(body, "img", image_info)
            .map(|content| {
                MessageKind::Image(Image {
                    width: raw.img_width,
                    height: raw.img_height,
                    content,
                })
            })
            .unwrap_or_else(undecodable),
        34 => decode_media(body, "voicemsg", voice_info)
            .map(|content| {
                let xml_ms = content.xml().and_then(|v| v.voice_length).unwrap_or(0);
                MessageKind::Voice(Voice {
                    duration_ms: if raw.voice_length != 0 {
                        raw.voice_length
                    } else {
                        xml_ms
                    },
                    content,
                })
            })
            .unwrap_or_else(undecodable),
        43 | 62 => decode_media(body, "videomsg", video_info)
            .map(|content| {
                let xml_s = content.xml().and_then(|v| v.play_length).unwrap_or(0);
                let video = Video {
                    duration_s: if raw.play_length != 0 {
                        raw.play_length
                    } else {
                        xml_s
                    },
                    width: raw.img_width,
                    height: raw.img_height,
                    content,
                };
                if msg_type == 43 {
                    MessageKind::Video(video)
                } else {
                    MessageKind::MicroVideo(video)
                }
            })
            .unwrap_or_else(undecodable),
        47 => decode_media(body, "emoji", emoji_info)
            .map(|content| {
                MessageKind::Emoticon(Emoticon {
                    store_sticker: raw.has_product_id == 1,
                    content,
                })
            })
            .unwrap_or_else(undecodable),
        37 => friend_request(body, &raw.recommend_info)
            .map(MessageKind::FriendRequest)
            .unwrap_or_else(undecodable),
        42 => card(body, &raw.recommend_info)
            .map(MessageKind::Card)
            .unwrap_or_else(undecodable),
        49 => app(raw, body).unwrap_or_else(undecodable),
        51 => status_notify(body, raw.status_notify_code, &raw.status_notify_user_name)
            .map(MessageKind::StatusNotify)
            .unwrap_or_else(undecodable),
        10000 => MessageKind::System(system_notice(body)),
        10002 => match sys_msg(body) {
            Ok(SysMsg::Revoke(r)) => MessageKind::Revoke(r),
            Ok(SysMsg::Other { sys_type, xml }) => MessageKind::SysMsg { sys_type, xml },
            Err(e) => undecodable(e),
        },
        50 => MessageKind::Voip(Voip::Call),
        52 => MessageKind::Voip(Voip::Notify),
        53 => MessageKind::Voip(Voip::Invite),
        _ => MessageKind::Other { msg_type },
    }
}

fn app(raw: &RawMessage, body: &str) -> Result<MessageKind, ParseError> {
    app_message(body, raw).map(MessageKind::App)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(msg_type: u32, content: &str, edit: impl FnOnce(&mut RawMessage)) -> MessageKind {
        let mut raw = RawMessage {
            msg_type,
            content: content.into(),
            ..RawMessage::default()
        };
        edit(&mut raw);
        decode_kind(&raw, &raw.content)
    }

    #[test]
    fn routes_by_type() {
        assert!(matches!(kind(1, "hi", |_| {}), MessageKind::Text(_)));
        let loc = kind(1, "Here:<br/>/cgi-bin/x?pictype=location", |r| {
            r.url = "http://apis.map.qq.com/uri/v1/geocoder?coord=1,2".into();
        });
        assert!(matches!(loc, MessageKind::Location(l) if l.label == "Here"));
        let red = kind(1, "", |r| r.app_msg_type = 2001);
        assert!(matches!(red, MessageKind::App(a) if a.app_msg_type == 2001));
        assert!(matches!(
            kind(48, "A:<br/>/p", |_| {}),
            MessageKind::Location(_)
        ));
        assert!(matches!(
            kind(62, "@tok", |_| {}),
            MessageKind::MicroVideo(_)
        ));
        assert_eq!(kind(52, "", |_| {}), MessageKind::Voip(Voip::Notify));
        assert_eq!(
            kind(9999, "x", |_| {}),
            MessageKind::Other { msg_type: 9999 }
        );
        let bad = kind(10002, "&lt;sysmsg", |_| {});
        assert!(matches!(
            bad,
            MessageKind::Undecodable {
                msg_type: 10002,
                ..
            }
        ));
        let voice = kind(34, "@tok", |r| r.voice_length = 900);
        assert!(matches!(voice, MessageKind::Voice(v) if v.duration_ms == 900));
    }
}
