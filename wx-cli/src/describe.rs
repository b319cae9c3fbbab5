//! One message as a readable line (time, chat, sender, kind, text) or as one JSON object.

use serde_json::{Value, json};
use wx_proto::client::Client;
use wx_proto::model::{Message, MessageKind, terminal_safe, terminal_safe_line};
use wx_proto::parse::redact_params;

use crate::names;
use crate::style::Style;

/// The short name of a message kind and its text (or a summary of what it carries), with
/// credential parameters in it (a link's `pass_ticket=`, `skey=`, …) redacted as `--json`'s
/// detail is. Not yet safe for a terminal: see [`line()`].
pub fn kind_and_text(kind: &MessageKind) -> (&'static str, String) {
    let (name, text) = raw_kind_and_text(kind);
    (name, redact_params(&text).unwrap_or(text))
}

fn raw_kind_and_text(kind: &MessageKind) -> (&'static str, String) {
    match kind {
        MessageKind::Text(t) => ("text", t.text.clone()),
        MessageKind::Image(i) if i.width > 0 => ("image", format!("{}x{}", i.width, i.height)),
        MessageKind::Image(_) => ("image", String::new()),
        MessageKind::Voice(v) => ("voice", format!("{} ms", v.duration_ms)),
        MessageKind::FriendRequest(f) => {
            ("friend-request", format!("{}: {}", f.nick_name, f.greeting))
        }
        MessageKind::Card(c) => ("card", c.nick_name.clone()),
        MessageKind::Video(v) => ("video", format!("{} s", v.duration_s)),
        MessageKind::MicroVideo(v) => ("micro-video", format!("{} s", v.duration_s)),
        MessageKind::Emoticon(_) => ("sticker", String::new()),
        MessageKind::Location(l) => ("location", l.label.clone()),
        MessageKind::App(a) if a.url.is_empty() => ("app", a.title.clone()),
        MessageKind::App(a) => ("app", format!("{} <{}>", a.title, a.url)),
        MessageKind::StatusNotify(_) => ("status-notify", String::new()),
        MessageKind::System(n) => ("system", n.text.clone()),
        MessageKind::Revoke(r) => ("revoke", r.replace_text.clone()),
        MessageKind::SysMsg { sys_type, .. } => ("sysmsg", sys_type.clone()),
        MessageKind::Voip(_) => ("call", String::new()),
        MessageKind::Undecodable { msg_type, error } => {
            ("undecodable", format!("MsgType {msg_type}: {error}"))
        }
        MessageKind::Other { msg_type } => ("other", format!("MsgType {msg_type}")),
        _ => ("other", String::new()),
    }
}

/// Whether a message is a chat message worth showing (not the phone's chat-list sync).
pub fn is_chat(message: &Message) -> bool {
    !matches!(message.kind, MessageKind::StatusNotify(_))
}

fn clock(unix_s: i64) -> String {
    let day = unix_s.rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}

/// `12:03:44 Friends Group / Alice [text] hello` (UTC time of day). Newlines in the text
/// show as ` ⏎ `; every other control character and bidi override in the names and the text
/// is escaped (`\x1b`), so a message cannot drive the terminal.
pub fn line(client: &Client, message: &Message, style: Style) -> String {
    let (kind, text) = kind_and_text(&message.kind);
    let chat = terminal_safe_line(&names::of(client, &message.chat, None)).into_owned();
    let sender = if message.sent_by_me {
        "me".to_owned()
    } else {
        let name = names::of(client, &message.sender, Some(&message.chat));
        terminal_safe_line(&name).into_owned()
    };
    let who = if message.is_group {
        format!("{} / {}", style.bold(&chat), sender)
    } else if message.sent_by_me {
        format!("me -> {}", style.bold(&chat))
    } else {
        style.bold(&sender)
    };
    // Media show their MsgId, for `wx download MSGID`.
    let id = if wx_proto::client::Download::of_message(message).is_some() {
        style.dim(&format!(
            " (wx download {})",
            terminal_safe_line(&message.msg_id)
        ))
    } else {
        String::new()
    };
    format!(
        "{} {who} {} {}{id}",
        style.dim(&clock(message.create_time)),
        style.cyan(&format!("[{kind}]")),
        terminal_safe(&text.replace('\n', " ⏎ "))
    )
}

/// The message as one JSON object (for `wx listen --json`), credentials (a friend
/// request's ticket, URL parameters) redacted.
pub fn json(client: &Client, message: &Message, history: bool) -> Value {
    let (kind, text) = kind_and_text(&message.kind);
    let mut detail = serde_json::to_value(&message.kind).unwrap_or(Value::Null);
    crate::decode::redact(&mut detail);
    json!({
        "msg_id": message.msg_id,
        "time": message.create_time,
        "chat": message.chat,
        "chat_name": names::of(client, &message.chat, None),
        "sender": message.sender,
        "sender_name": names::of(client, &message.sender, Some(&message.chat)),
        "is_group": message.is_group,
        "sent_by_me": message.sent_by_me,
        "history": history,
        "kind": kind,
        "text": text,
        "detail": detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wx_proto::model::AppMessage;

    #[test]
    fn link_credentials_are_redacted_in_the_shown_text() {
        let app = AppMessage {
            title: "news".into(),
            url: "https://x/y?pass_ticket=PT&skey=@crypt_1&sid=S&uin=9&webwx_data_ticket=D&ticket=T&a=1".into(),
            ..AppMessage::default()
        };
        let (kind, text) = kind_and_text(&MessageKind::App(app));
        assert_eq!(kind, "app");
        assert_eq!(
            text,
            "news <https://x/y?pass_ticket=***&skey=***&sid=***&uin=***&webwx_data_ticket=***&ticket=***&a=1>"
        );
    }
}
