//! Message bodies a test can push, and how each becomes an AddMsgList element (protocol.md §11).

use crate::model::{AppInfo, Message, RecommendInfo};
use serde::Deserialize;

/// What a pushed message carries. The JSON form (control API) is tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Body {
    /// MsgType 1.
    Text {
        /// Plain text; newlines become `<br/>`.
        text: String,
    },
    /// MsgType 3 (XML Content), downloadable with webwxgetmsgimg.
    Image,
    /// MsgType 3 whose Content is an opaque `@<hex>` token, the other form the real server
    /// uses (protocol.md §13 item 31); downloadable like `Image`.
    ImageToken,
    /// MsgType 34 whose Content is an opaque `@<hex>` token; downloadable like `Voice`.
    VoiceToken {
        /// Length in ms.
        ms: u32,
    },
    /// MsgType 34, downloadable with webwxgetvoice.
    Voice {
        /// Length in ms.
        ms: u32,
    },
    /// MsgType 37 from `fmessage`.
    FriendRequest {
        /// Nickname of the stranger.
        nick: String,
        /// Greeting.
        greeting: String,
    },
    /// MsgType 42.
    Card {
        /// Nickname on the card.
        nick: String,
    },
    /// MsgType 43, downloadable with webwxgetvideo.
    Video {
        /// Length in s.
        secs: u32,
        /// Size of the video bytes.
        size: usize,
    },
    /// MsgType 47.
    Emoticon,
    /// MsgType 47 from the sticker store: `HasProductId` 1, an empty md5; the real server
    /// does not serve it (webwxgetmsgimg answers an empty body).
    StoreSticker,
    /// MsgType 1 with SubMsgType 48.
    Location {
        /// Address label.
        label: String,
        /// Latitude.
        lat: f64,
        /// Longitude.
        lng: f64,
    },
    /// MsgType 49, AppMsgType 5.
    Link {
        /// Title.
        title: String,
        /// URL.
        url: String,
    },
    /// MsgType 49, AppMsgType 6, downloadable with webwxgetmedia.
    File {
        /// File name.
        name: String,
        /// Size in bytes.
        size: usize,
    },
    /// MsgType 10000 (no group prefix).
    System {
        /// The notice text.
        text: String,
    },
    /// MsgType 10002 for an earlier message.
    Revoke {
        /// MsgId of the recalled message.
        msg_id: String,
        /// Nickname in the replace text.
        nick: String,
    },
    /// MsgType 51.
    StatusNotify {
        /// StatusNotifyCode.
        code: u32,
        /// StatusNotifyUserName.
        user: String,
    },
}

/// HTML-escapes text as the server does, with `<br/>` for newlines.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br/>"),
            c => out.push(c),
        }
    }
    out
}

/// XML attribute escaping (before HTML-escaping the whole XML).
fn attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The server's EncryFileName escaping: every non-alphanumeric as `%XX` (`IMG%5F1854%2EJPG`).
pub fn js_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if (c as u32) < 256 {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            let mut buf = [0u16; 2];
            for u in c.encode_utf16(&mut buf) {
                out.push_str(&format!("%u{:04X}", u));
            }
        }
    }
    out
}

/// Who a message is from and to, as the server addresses it.
#[derive(Debug, Clone)]
pub struct Route {
    /// FromUserName (a contact, `fmessage`, or a group).
    pub from: String,
    /// ToUserName (our own UserName).
    pub to: String,
    /// The member who spoke, for group messages (adds the `@sender:<br/>` prefix).
    pub group_sender: Option<String>,
}

/// Builds the AddMsgList element for `body`; `media_key` names downloadable bytes.
pub fn build(body: &Body, route: &Route, msg_id: u64, now_s: u64, media_key: &str) -> Message {
    let mut m = Message {
        msg_id: msg_id.to_string(),
        from_user_name: route.from.clone(),
        to_user_name: route.to.clone(),
        status: 3,
        img_status: 1,
        create_time: now_s,
        new_msg_id: msg_id,
        ..Message::default()
    };
    let mut prefixed = true;
    let content: String = match body {
        Body::Text { text } => {
            m.msg_type = 1;
            escape(text)
        }
        Body::Image => {
            m.msg_type = 3;
            m.img_status = 2;
            m.img_height = 120;
            m.img_width = 67;
            escape(&format!(
                "<msg><img aeskey=\"{k}\" encryver=\"1\" cdnthumbaeskey=\"{k}\" cdnthumburl=\"{media_key}\" cdnthumblength=\"159\" cdnthumbheight=\"120\" cdnthumbwidth=\"67\" cdnmidheight=\"0\" cdnmidwidth=\"0\" cdnhdheight=\"0\" cdnhdwidth=\"0\" cdnmidimgurl=\"{media_key}\" length=\"159\" md5=\"{k}\" /></msg>",
                k = "00112233445566778899aabbccddeeff"
            ))
        }
        Body::ImageToken => {
            m.msg_type = 3;
            m.img_status = 2;
            format!("@{media_key}{media_key}")
        }
        Body::VoiceToken { ms } => {
            m.msg_type = 34;
            m.voice_length = *ms;
            format!("@{media_key}{media_key}")
        }
        Body::Voice { ms } => {
            m.msg_type = 34;
            m.voice_length = *ms;
            escape(&format!(
                "<msg><voicemsg endflag=\"1\" cancelflag=\"0\" forwardflag=\"0\" voiceformat=\"4\" voicelength=\"{ms}\" length=\"{}\" bufid=\"0\" clientmsgid=\"{media_key}\" fromusername=\"{}\" /></msg>",
                ms / 2,
                attr(route.group_sender.as_deref().unwrap_or(&route.from))
            ))
        }
        Body::FriendRequest { nick, greeting } => {
            m.msg_type = 37;
            prefixed = false;
            let ticket = format!("v2_{media_key}@stranger");
            m.recommend_info = RecommendInfo {
                user_name: route.from.clone(),
                nick_name: nick.clone(),
                content: greeting.clone(),
                scene: 14,
                ticket: ticket.clone(),
                op_code: 2,
                ..RecommendInfo::default()
            };
            m.from_user_name = "fmessage".into();
            escape(&format!(
                "<msg fromusername=\"wxid_{media_key}\" encryptusername=\"v1_{media_key}@stranger\" fromnickname=\"{}\" content=\"{}\" shortpy=\"\" imagestatus=\"3\" scene=\"14\" country=\"\" province=\"\" city=\"\" sign=\"\" percard=\"0\" sex=\"0\" alias=\"\" weibo=\"\" albumflag=\"0\" albumstyle=\"0\" albumbgimgid=\"\" snsflag=\"1\" snsbgimgid=\"\" snsbgobjectid=\"0\" mhash=\"\" mfullhash=\"\" bigheadimgurl=\"\" smallheadimgurl=\"\" ticket=\"{ticket}\" opcode=\"2\" googlecontact=\"\" qrticket=\"\" chatroomusername=\"\" sourceusername=\"\" sourcenickname=\"\"><brandlist count=\"0\" ver=\"0\"></brandlist></msg>",
                attr(nick),
                attr(greeting)
            ))
        }
        Body::Card { nick } => {
            m.msg_type = 42;
            m.recommend_info = RecommendInfo {
                user_name: format!("@{media_key}"),
                nick_name: nick.clone(),
                scene: 17,
                ..RecommendInfo::default()
            };
            escape(&format!(
                "<?xml version=\"1.0\"?>\n<msg bigheadimgurl=\"\" smallheadimgurl=\"\" username=\"v1_{media_key}@stranger\" nickname=\"{}\"  shortpy=\"\" alias=\"\" imagestatus=\"3\" scene=\"17\" province=\"\" city=\"\" sign=\"\" sex=\"0\" certflag=\"0\" certinfo=\"\" brandIconUrl=\"\" brandHomeUrl=\"\" brandSubscriptConfigUrl=\"\" brandFlags=\"0\" regionCode=\"\" antispamticket=\"v2_{media_key}@stranger\" />\n",
                attr(nick)
            ))
        }
        Body::Video { secs, .. } => {
            m.msg_type = 43;
            m.play_length = *secs;
            m.img_height = 400;
            m.img_width = 200;
            format!("@{media_key}")
        }
        Body::Emoticon => {
            m.msg_type = 47;
            m.img_status = 2;
            m.img_height = 80;
            m.img_width = 80;
            escape(&format!(
                "<msg><emoji fromusername=\"{f}\" tousername=\"{t}\" type=\"2\" idbuffer=\"media:0_0\" md5=\"{media_key}\" len=\"159\" productid=\"\" androidmd5=\"{media_key}\" androidlen=\"159\" cdnurl=\"http://emoji.qpic.cn/wx_emoji/{media_key}/\" designerid=\"\" thumburl=\"\" encrypturl=\"\" aeskey=\"\" externurl=\"\" externmd5=\"\" width=\"80\" height=\"80\" tpurl=\"\" tpauthkey=\"\" attachedtext=\"\" attachedtextcolor=\"\" lensid=\"\"></emoji><gameext type=\"0\" content=\"0\"></gameext></msg>",
                f = attr(route.group_sender.as_deref().unwrap_or(&route.from)),
                t = attr(&route.to)
            ))
        }
        Body::StoreSticker => {
            m.msg_type = 47;
            m.img_status = 2;
            m.img_height = 80;
            m.img_width = 80;
            m.has_product_id = 1;
            escape(&format!(
                "<msg><emoji fromusername=\"{f}\" tousername=\"{t}\" type=\"1\" idbuffer=\"media:0_0\" md5=\"\" len=\"0\" productid=\"com.tencent.xin.emoticon.{media_key}\" androidmd5=\"\" androidlen=\"0\" cdnurl=\"\" designerid=\"\" thumburl=\"\" encrypturl=\"\" aeskey=\"\" externurl=\"\" externmd5=\"\" width=\"80\" height=\"80\"></emoji></msg>",
                f = attr(route.group_sender.as_deref().unwrap_or(&route.from)),
                t = attr(&route.to)
            ))
        }
        Body::Location { label, lat, lng } => {
            m.msg_type = 1;
            m.sub_msg_type = 48;
            m.url = format!("http://apis.map.qq.com/uri/v1/geocoder?coord={lat:.6},{lng:.6}");
            m.ori_content = format!(
                "<?xml version=\"1.0\"?>\n<msg>\n\t<location x=\"{lat:.6}\" y=\"{lng:.6}\" scale=\"16\" label=\"{}\" maptype=\"0\" poiname=\"[位置]\" poiid=\"\" />\n</msg>\n",
                attr(label)
            );
            format!(
                "{}:<br/>/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&msgid={msg_id}&pictype=location",
                escape(label)
            )
        }
        Body::Link { title, url } => {
            m.msg_type = 49;
            m.app_msg_type = 5;
            m.file_name = title.clone();
            m.url = url.clone();
            escape(&format!(
                "<msg><appmsg appid=\"\" sdkver=\"0\"><title>{}</title><des></des><action></action><type>5</type><showtype>0</showtype><content></content><url>{}</url><lowurl></lowurl><appattach><totallen>0</totallen><attachid></attachid><fileext></fileext></appattach><extinfo></extinfo><sourceusername></sourceusername><sourcedisplayname></sourcedisplayname><commenturl></commenturl></appmsg><fromusername></fromusername><scene>0</scene><appinfo><version>1</version><appname></appname></appinfo><commenturl></commenturl></msg>",
                attr(title),
                attr(url)
            ))
        }
        Body::File { name, size } => {
            m.msg_type = 49;
            m.app_msg_type = 6;
            m.file_name = name.clone();
            m.file_size = size.to_string();
            m.media_id = format!("@crypt_{media_key}");
            m.encry_file_name = js_escape(name);
            let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
            escape(&format!(
                "<msg><appmsg appid=\"\" sdkver=\"0\"><title>{}</title><des></des><action>view</action><type>6</type><showtype>0</showtype><content></content><url></url><dataurl></dataurl><lowurl></lowurl><lowdataurl></lowdataurl><recorditem><![CDATA[]]></recorditem><thumburl></thumburl><messageaction></messageaction><extinfo></extinfo><sourceusername></sourceusername><sourcedisplayname></sourcedisplayname><commenturl></commenturl><appattach><totallen>{size}</totallen><attachid>@crypt_{media_key}</attachid><emoticonmd5></emoticonmd5><fileext>{}</fileext><cdnattachurl></cdnattachurl><aeskey></aeskey><encryver>0</encryver></appattach><weappinfo><pagepath></pagepath><username></username><appid></appid><appservicetype>0</appservicetype></weappinfo><websearch /></appmsg><fromusername></fromusername><scene>0</scene><appinfo><version>1</version><appname></appname></appinfo><commenturl></commenturl></msg>",
                attr(name),
                attr(ext)
            ))
        }
        Body::System { text } => {
            m.msg_type = 10000;
            m.status = 4;
            prefixed = false;
            escape(text)
        }
        Body::Revoke { msg_id: old, nick } => {
            m.msg_type = 10002;
            m.status = 4;
            if route.group_sender.is_some() {
                escape(&format!(
                    "<sysmsg type=\"revokemsg\"><revokemsg><session>{}</session><oldmsgid>{}</oldmsgid><msgid>{old}</msgid><replacemsg><![CDATA[\"{nick}\" 撤回了一条消息]]></replacemsg></revokemsg></sysmsg>",
                    attr(&route.from),
                    now_s
                ))
            } else {
                escape(&format!(
                    "<sysmsg type=\"revokemsg\">\n\t<revokemsg>\n\t\t<session>{}</session>\n\t\t<oldmsgid>{}</oldmsgid>\n\t\t<msgid>{old}</msgid>\n\t\t<replacemsg><![CDATA[\"{nick}\" 撤回了一条消息]]></replacemsg>\n\t</revokemsg>\n</sysmsg>\n",
                    attr(&route.from),
                    now_s
                ))
            }
        }
        Body::StatusNotify { code, user } => {
            m.msg_type = 51;
            m.status_notify_code = *code;
            m.status_notify_user_name = user.clone();
            prefixed = false;
            String::new()
        }
    };
    m.content = match (&route.group_sender, prefixed) {
        (Some(sender), true) => format!("{sender}:<br/>{content}"),
        _ => content,
    };
    if matches!(body, Body::Link { .. }) {
        m.app_info = AppInfo {
            app_id: String::new(),
            kind: 0,
        };
    }
    m
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn route(group: bool) -> Route {
        Route {
            from: if group { "@@g".into() } else { "@a".into() },
            to: "@me".into(),
            group_sender: group.then(|| "@a".into()),
        }
    }

    #[test]
    fn text_is_escaped_and_prefixed_in_groups() {
        let m = build(
            &Body::Text {
                text: "hi <3\nyo & co".into(),
            },
            &route(true),
            7,
            1,
            "k",
        );
        assert_eq!(m.content, "@a:<br/>hi &lt;3<br/>yo &amp; co");
        assert_eq!(m.msg_id, "7");
        let s = build(&Body::System { text: "x".into() }, &route(true), 8, 1, "k");
        assert_eq!(s.content, "x");
        assert_eq!(s.status, 4);
    }

    #[test]
    fn file_and_location_fields() {
        let f = build(
            &Body::File {
                name: "a b.pdf".into(),
                size: 10,
            },
            &route(false),
            9,
            1,
            "k",
        );
        assert_eq!(
            (f.msg_type, f.app_msg_type, f.file_size.as_str()),
            (49, 6, "10")
        );
        assert_eq!(f.encry_file_name, "a%20b%2Epdf");
        let l = build(
            &Body::Location {
                label: "深圳".into(),
                lat: 22.0,
                lng: 113.0,
            },
            &route(false),
            9,
            1,
            "k",
        );
        assert_eq!(l.sub_msg_type, 48);
        assert!(
            l.content
                .starts_with("深圳:<br/>/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?")
        );
        assert!(l.ori_content.contains("<location x=\"22.000000\""));
    }
}
