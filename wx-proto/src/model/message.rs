//! [`Message`] and [`decode`]: who sent a raw message, in which chat, and what it is.

use serde::Serialize;

use super::dispatch::decode_kind;
use super::kind::MessageKind;
use super::prefix::split_group_prefix;
use super::text::unescape_content;
use crate::parse::{RawMessage, is_group_name};

/// A received message, decoded. Owned; the raw element is kept in `raw` so nothing the
/// server sent is lost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    /// `MsgId` (decimal text): use it for downloads, revokes and de-duplication.
    pub msg_id: String,
    /// `NewMsgId`.
    pub new_msg_id: u64,
    /// `FromUserName`.
    pub from: String,
    /// `ToUserName`.
    pub to: String,
    /// `CreateTime`, seconds.
    pub create_time: i64,
    /// The chat this message belongs to: the group (`@@…`) for group messages, else the
    /// peer (`to` when you sent it, `from` otherwise).
    pub chat: String,
    /// Who wrote it: the member from the `@id:<br/>` prefix in groups, yourself when you
    /// sent it, else `from`. Empty when a group message carries no prefix (a notice).
    pub sender: String,
    /// Whether `from` or `to` is a group.
    pub is_group: bool,
    /// Whether you sent it (from another device): `from` is you or empty (OFF `MMIsSend`).
    pub sent_by_me: bool,
    /// The Content with the group prefix removed, `<br/>` turned into `\n` and entities
    /// decoded (emoji spans kept): the XML or token §7.4 and §7.6 forward.
    pub content: String,
    /// What the message is.
    pub kind: MessageKind,
    /// The element as received.
    pub raw: RawMessage,
}

impl Message {
    /// The text of a text message.
    pub fn text(&self) -> Option<&str> {
        match &self.kind {
            MessageKind::Text(t) => Some(&t.text),
            _ => None,
        }
    }

    /// What happened in the group, when this is a group's system message about its
    /// members or its name (see [`super::room_event`]).
    pub fn room_event(&self) -> Option<super::RoomEvent> {
        super::room_event(self)
    }
}

/// Decodes one `AddMsgList` element. Never fails and never panics: a content that cannot
/// be decoded gives [`MessageKind::Undecodable`] with the error, an unknown type gives
/// [`MessageKind::Other`]. `own_user_name` is your session UserName (`@…`).
pub fn decode(raw: RawMessage, own_user_name: &str) -> Message {
    let from = raw.from_user_name.as_str();
    let to = raw.to_user_name.as_str();
    let sent_by_me = from.is_empty() || (!own_user_name.is_empty() && from == own_user_name);
    let is_group = is_group_name(from) || is_group_name(to);
    let chat = if is_group_name(from) {
        from
    } else if is_group_name(to) || sent_by_me {
        to
    } else {
        from
    };
    let me = if own_user_name.is_empty() {
        from
    } else {
        own_user_name
    };
    let (sender, body) = sender_and_body(&raw, is_group, sent_by_me, me);
    let kind = decode_kind(&raw, body);
    let content = unescape_content(body).into_owned();
    Message {
        msg_id: raw.msg_id.clone(),
        new_msg_id: raw.new_msg_id,
        from: raw.from_user_name.clone(),
        to: raw.to_user_name.clone(),
        create_time: raw.create_time,
        chat: chat.to_owned(),
        sender: sender.to_owned(),
        is_group,
        sent_by_me,
        content,
        kind,
        raw,
    }
}

/// The sender and the Content without its group prefix (§11.2).
fn sender_and_body<'a>(
    raw: &'a RawMessage,
    is_group: bool,
    sent_by_me: bool,
    me: &'a str,
) -> (&'a str, &'a str) {
    let from = raw.from_user_name.as_str();
    let content = raw.content.as_str();
    if sent_by_me {
        // No prefix is expected; strip one only if it names you.
        return match split_group_prefix(content) {
            Some((id, rest)) if is_group && id == me => (me, rest),
            _ => (me, content),
        };
    }
    if !is_group {
        return (from, content);
    }
    // System notices (10000) and status notifications carry no prefix.
    let fallback = if is_group_name(from) { "" } else { from };
    if matches!(raw.msg_type, 10000 | 51) {
        return (fallback, content);
    }
    match split_group_prefix(content) {
        Some((id, rest)) => (id, rest),
        None => (fallback, content),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(msg_type: u32, from: &str, to: &str, content: &str) -> RawMessage {
        RawMessage {
            msg_id: "1".into(),
            msg_type,
            from_user_name: from.into(),
            to_user_name: to.into(),
            content: content.into(),
            ..RawMessage::default()
        }
    }

    fn who(m: &Message) -> (&str, &str, bool, bool) {
        (&m.chat, &m.sender, m.is_group, m.sent_by_me)
    }

    #[test]
    fn private_chats() {
        let m = decode(raw(1, "@peer", "@me", "hi"), "@me");
        assert_eq!(who(&m), ("@peer", "@peer", false, false));
        let m = decode(raw(1, "@me", "@peer", "hi"), "@me");
        assert_eq!(who(&m), ("@peer", "@me", false, true));
        // An empty From is a message sent by you too (OFF).
        let m = decode(raw(1, "", "@peer", "hi"), "@me");
        assert_eq!(who(&m), ("@peer", "@me", false, true));
        // A private text that looks like a prefix is left alone.
        let m = decode(raw(1, "@peer", "@me", "wxid_a:<br/>x"), "@me");
        assert_eq!(m.text(), Some("wxid_a:\nx"));
    }

    #[test]
    fn group_chats() {
        let m = decode(raw(1, "@@g", "@me", "@m1:<br/>hi"), "@me");
        assert_eq!(who(&m), ("@@g", "@m1", true, false));
        assert_eq!((m.content.as_str(), m.text()), ("hi", Some("hi")));
        // Sent from the phone: no prefix expected, one naming someone else is text.
        let m = decode(raw(1, "@me", "@@g", "@m1:<br/>hi"), "@me");
        assert_eq!(who(&m), ("@@g", "@me", true, true));
        assert_eq!(m.text(), Some("@m1:\nhi"));
        let m = decode(raw(1, "@me", "@@g", "@me:<br/>hi"), "@me");
        assert_eq!(m.text(), Some("hi"));
        // System notices have no prefix; the sender is unknown.
        let m = decode(raw(10000, "@@g", "@me", "wxid_a:<br/>joined"), "@me");
        assert_eq!(who(&m), ("@@g", "", true, false));
        // No prefix on a group message from others: sender unknown, content kept.
        let m = decode(raw(1, "@@g", "@me", "no prefix"), "@me");
        assert_eq!((m.sender.as_str(), m.text()), ("", Some("no prefix")));
        // Stable group names count as groups too.
        let m = decode(raw(1, "1@chatroom", "@me", "@m2:<br/>x"), "@me");
        assert_eq!(who(&m), ("1@chatroom", "@m2", true, false));
    }

    #[test]
    fn unknown_own_name() {
        let m = decode(raw(1, "@peer", "@x", "hi"), "");
        assert_eq!(who(&m), ("@peer", "@peer", false, false));
        let m = decode(raw(1, "", "@peer", "hi"), "");
        assert_eq!(who(&m), ("@peer", "", false, true));
    }
}
