//! Friend requests (37) and contact cards (42): `RecommendInfo` plus the escaped `<msg …/>` XML.

use serde::Serialize;

use super::text::{decode_display_text, unescape_content};
use super::xml::{self, Element};
use crate::error::ParseError;
use crate::parse::RecommendInfo;

/// A friend request (MsgType 37, from `fmessage`). Accept it with webwxverifyuser (§9.2)
/// using `user_name` and `ticket`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FriendRequest {
    /// The requester's session UserName (`@…`), from RecommendInfo.
    pub user_name: String,
    /// The requester's nickname.
    pub nick_name: String,
    /// The greeting they wrote.
    pub greeting: String,
    /// The ticket (`v2_…@stranger`) to accept with.
    pub ticket: String,
    /// Where the request came from (14: a group, …).
    pub scene: i64,
    /// `OpCode` (2: a new request).
    pub op_code: i64,
    /// WeChat id (alias), when shown.
    pub alias: String,
    /// Province.
    pub province: String,
    /// City.
    pub city: String,
    /// Signature.
    pub signature: String,
    /// 0 unknown, 1 male, 2 female.
    pub sex: u32,
    /// `encryptusername` (`v1_…@stranger`) of the XML.
    pub encrypt_user_name: Option<String>,
    /// `fromusername` of the XML: the requester's stable id (`wxid_…`).
    pub stable_user_name: Option<String>,
    /// `bigheadimgurl`.
    pub big_head_img_url: Option<String>,
    /// `smallheadimgurl`.
    pub small_head_img_url: Option<String>,
    /// `chatroomusername`: the group they found you in.
    pub chatroom_user_name: Option<String>,
}

/// A contact card (MsgType 42).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Card {
    /// The card's user (`@…`), from RecommendInfo.
    pub user_name: String,
    /// Nickname.
    pub nick_name: String,
    /// WeChat id.
    pub alias: String,
    /// Province.
    pub province: String,
    /// City.
    pub city: String,
    /// Signature (`sign`).
    pub signature: String,
    /// 0 unknown, 1 male, 2 female.
    pub sex: u32,
    /// RecommendInfo `VerifyFlag`; `& 8` marks an official account (§5.5).
    pub verify_flag: u64,
    /// `username` of the XML (`v1_…@stranger`).
    pub encrypt_user_name: Option<String>,
    /// `bigheadimgurl`.
    pub big_head_img_url: Option<String>,
    /// `smallheadimgurl`.
    pub small_head_img_url: Option<String>,
    /// `certflag`.
    pub cert_flag: Option<u64>,
    /// `certinfo`.
    pub cert_info: Option<String>,
    /// `antispamticket`.
    pub antispam_ticket: Option<String>,
}

impl Card {
    /// True when the card is an official (MP) account.
    pub fn is_official(&self) -> bool {
        self.verify_flag & 8 != 0
    }
}

/// Parses the `<msg …>` element of a 37/42 body, or `None` when the body is empty.
fn msg_element(body: &str) -> Result<Option<Element>, ParseError> {
    let text = unescape_content(body.trim());
    if text.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(xml::parse(&text)?))
}

/// `primary` when non-empty, else the attribute.
fn pick(primary: &str, el: Option<&Element>, attr: &str) -> String {
    if primary.is_empty() {
        el.and_then(|e| e.attr_string(attr)).unwrap_or_default()
    } else {
        primary.to_owned()
    }
}

/// RecommendInfo strings may hold emoji spans and entities.
fn display(s: &str) -> String {
    decode_display_text(s).into_owned()
}

pub(crate) fn friend_request(
    body: &str,
    info: &RecommendInfo,
) -> Result<FriendRequest, ParseError> {
    let el = msg_element(body)?;
    let el = el.as_ref();
    let attr = |name: &str| el.and_then(|e| e.attr_string(name));
    Ok(FriendRequest {
        user_name: info.user_name.clone(),
        nick_name: display(&pick(&info.nick_name, el, "fromnickname")),
        greeting: display(&pick(&info.content, el, "content")),
        ticket: pick(&info.ticket, el, "ticket"),
        scene: if info.scene != 0 {
            info.scene
        } else {
            el.and_then(|e| e.attr_num("scene")).unwrap_or(0)
        },
        op_code: if info.op_code != 0 {
            info.op_code
        } else {
            el.and_then(|e| e.attr_num("opcode")).unwrap_or(0)
        },
        alias: pick(&info.alias, el, "alias"),
        province: display(&pick(&info.province, el, "province")),
        city: display(&pick(&info.city, el, "city")),
        signature: display(&pick(&info.signature, el, "sign")),
        sex: if info.sex != 0 {
            info.sex
        } else {
            el.and_then(|e| e.attr_num("sex")).unwrap_or(0)
        },
        encrypt_user_name: attr("encryptusername"),
        stable_user_name: attr("fromusername"),
        big_head_img_url: attr("bigheadimgurl"),
        small_head_img_url: attr("smallheadimgurl"),
        chatroom_user_name: attr("chatroomusername"),
    })
}

pub(crate) fn card(body: &str, info: &RecommendInfo) -> Result<Card, ParseError> {
    let el = msg_element(body)?;
    let el = el.as_ref();
    let attr = |name: &str| el.and_then(|e| e.attr_string(name));
    Ok(Card {
        user_name: info.user_name.clone(),
        nick_name: display(&pick(&info.nick_name, el, "nickname")),
        alias: pick(&info.alias, el, "alias"),
        province: display(&pick(&info.province, el, "province")),
        city: display(&pick(&info.city, el, "city")),
        signature: display(&pick(&info.signature, el, "sign")),
        sex: if info.sex != 0 {
            info.sex
        } else {
            el.and_then(|e| e.attr_num("sex")).unwrap_or(0)
        },
        verify_flag: info.verify_flag,
        encrypt_user_name: attr("username"),
        big_head_img_url: attr("bigheadimgurl"),
        small_head_img_url: attr("smallheadimgurl"),
        cert_flag: el.and_then(|e| e.attr_num("certflag")),
        cert_info: attr("certinfo"),
        antispam_ticket: attr("antispamticket"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_falls_back_to_xml() {
        let body = "&lt;msg fromusername=\"wxid_a\" encryptusername=\"v1_e@stranger\" fromnickname=\"Ann\" content=\"hi &amp;quot;x&amp;quot;\" ticket=\"v2_t@stranger\" scene=\"14\" opcode=\"2\" sex=\"2\"&gt;&lt;brandlist count=\"0\"&gt;&lt;/brandlist&gt;&lt;/msg&gt;";
        let info = RecommendInfo {
            user_name: "@u".into(),
            ..RecommendInfo::default()
        };
        let r = friend_request(body, &info).expect("decodes");
        assert_eq!(r.user_name, "@u");
        assert_eq!(r.nick_name, "Ann");
        assert_eq!(r.greeting, "hi \"x\"");
        assert_eq!(r.ticket, "v2_t@stranger");
        assert_eq!((r.scene, r.op_code, r.sex), (14, 2, 2));
        assert_eq!(r.stable_user_name.as_deref(), Some("wxid_a"));
        assert_eq!(r.encrypt_user_name.as_deref(), Some("v1_e@stranger"));
        assert!(friend_request("&lt;msg a=\"", &info).is_err());
        let empty = friend_request("", &info).expect("empty content");
        assert_eq!(empty.ticket, "");
    }

    #[test]
    fn card_official() {
        let info = RecommendInfo {
            user_name: "@c".into(),
            nick_name: "Shop".into(),
            verify_flag: 24,
            ..RecommendInfo::default()
        };
        let body = "&lt;?xml version=\"1.0\"?&gt;<br/>&lt;msg username=\"v1_c@stranger\" nickname=\"Shop\" certflag=\"0\" antispamticket=\"v2_s@stranger\" /&gt;<br/>";
        let c = card(body, &info).expect("decodes");
        assert!(c.is_official());
        assert_eq!(c.encrypt_user_name.as_deref(), Some("v1_c@stranger"));
        assert_eq!(c.antispam_ticket.as_deref(), Some("v2_s@stranger"));
        assert_eq!(c.cert_flag, Some(0));
    }
}
