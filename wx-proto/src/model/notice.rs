//! Non-chat messages: status notify (51, §11.6), system notices (10000) and revokes (10002).

use serde::Serialize;

use super::text::{decode_display_text, unescape_content};
use super::xml;
use crate::error::{ErrorKind, Format, ParseError};

/// `StatusNotifyCode` (§11.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NotifyCode {
    /// 1: a chat was read on another device.
    Read,
    /// 2: the phone opened a chat.
    EnterSession,
    /// 3: inited.
    Inited,
    /// 4: the recent-chat list, right after login.
    SyncConversations,
    /// 5: the phone left a chat.
    QuitSession,
    /// Any other code.
    Other(u32),
}

impl NotifyCode {
    /// The code for a raw value.
    pub fn from_raw(code: u32) -> Self {
        match code {
            1 => NotifyCode::Read,
            2 => NotifyCode::EnterSession,
            3 => NotifyCode::Inited,
            4 => NotifyCode::SyncConversations,
            5 => NotifyCode::QuitSession,
            n => NotifyCode::Other(n),
        }
    }
}

/// A status notification (MsgType 51). Not a chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusNotify {
    /// `StatusNotifyCode`.
    pub code: NotifyCode,
    /// `StatusNotifyUserName` split at commas: session UserNames (`@…`, `@@…`, `filehelper`).
    pub user_names: Vec<String>,
    /// The `<op><username>` list of the Content (code 4): stable names (`wxid_…`,
    /// `…@chatroom`) in the same order as `user_names`.
    pub stable_user_names: Vec<String>,
    /// `<unreadchatlist>` of the Content (code 4).
    pub unread_chats: Vec<UnreadChat>,
}

/// One `<chat>` of a code-4 `<unreadchatlist>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreadChat {
    /// `<username>` (a stable name).
    pub user_name: String,
    /// `<lastreadtime>`, seconds.
    pub last_read_time: i64,
}

/// A recalled message (MsgType 10002, `<sysmsg type="revokemsg">`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revoke {
    /// `<msgid>`: the MsgId of the recalled message (`"0"`: your own last message, OFF).
    pub revoked_msg_id: String,
    /// `<oldmsgid>`.
    pub old_msg_id: String,
    /// `<session>`: the chat's stable name (`wxid_…`, `…@chatroom`).
    pub session: String,
    /// `<replacemsg>`: the text to show instead (`"Nick" 撤回了一条消息`).
    pub replace_text: String,
}

/// A system notice (MsgType 10000).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SystemNotice {
    /// The decoded text, with `<a …>label</a>` links reduced to their label.
    pub text: String,
    /// Display names found in the text: the `"quoted"` ones, or those of the friend-added
    /// and invite sentences (best effort; a renamed group's new name is not included).
    pub names: Vec<String>,
}

pub(crate) fn status_notify(
    body: &str,
    code: u32,
    user_names: &str,
) -> Result<StatusNotify, ParseError> {
    let mut notify = StatusNotify {
        code: NotifyCode::from_raw(code),
        user_names: split_names(user_names),
        stable_user_names: Vec::new(),
        unread_chats: Vec::new(),
    };
    let text = unescape_content(body.trim());
    if text.trim().is_empty() {
        return Ok(notify);
    }
    let root = xml::parse(&text)?;
    if let Some(op) = root.find("op") {
        if let Some(names) = op.child("username") {
            notify.stable_user_names = split_names(&names.text);
        }
        if let Some(list) = op.child("unreadchatlist") {
            notify.unread_chats = list
                .children
                .iter()
                .filter(|c| c.name == "chat")
                .map(|c| UnreadChat {
                    user_name: c.child_text("username").unwrap_or_default(),
                    last_read_time: c.child_num("lastreadtime").unwrap_or(0),
                })
                .collect();
        }
    }
    Ok(notify)
}

fn split_names(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What a 10002 body holds: a revoke, or another `<sysmsg>` type kept as XML.
pub(crate) enum SysMsg {
    Revoke(Revoke),
    Other { sys_type: String, xml: String },
}

pub(crate) fn sys_msg(body: &str) -> Result<SysMsg, ParseError> {
    let text = unescape_content(body.trim());
    let root = xml::parse(&text)?;
    let sys_type = root.attr("type").unwrap_or_default().to_owned();
    let Some(revoke) = root.find("revokemsg") else {
        return Ok(SysMsg::Other {
            sys_type,
            xml: text.into_owned(),
        });
    };
    let missing = |name| {
        ParseError::new(
            Format::ContentXml,
            text.len(),
            ErrorKind::MissingField(name),
        )
    };
    let revoked_msg_id = revoke.child_text("msgid").ok_or(missing("msgid"))?;
    Ok(SysMsg::Revoke(Revoke {
        revoked_msg_id,
        old_msg_id: revoke.child_text("oldmsgid").unwrap_or_default(),
        session: revoke.child_text("session").unwrap_or_default(),
        replace_text: revoke.child_text("replacemsg").unwrap_or_default(),
    }))
}

pub(crate) fn system_notice(body: &str) -> SystemNotice {
    let text = strip_links(&decode_display_text(body));
    let names = names_in(&text);
    SystemNotice { text, names }
}

/// Replaces `<a …>label</a>` by `label` (OFF strips `weixin://` links).
fn strip_links(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find("<a ") {
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        out.push_str(&rest[..open]);
        rest = &rest[open + close + 1..];
        if let Some(end) = rest.find("</a>") {
            out.push_str(&rest[..end]);
            rest = &rest[end + "</a>".len()..];
        }
    }
    out.push_str(rest);
    out
}

/// Names in a system notice (see [`SystemNotice::names`]).
fn names_in(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    // The quoted part after these is a group name, not a person.
    let topic_markers = ["group name to ", "修改群名为"];
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        let Some(len) = rest[open + 1..].find('"') else {
            break;
        };
        let before = &rest[..open];
        let name = rest[open + 1..open + 1 + len].trim();
        if !name.is_empty() && !topic_markers.iter().any(|m| before.ends_with(m)) {
            names.push(name.to_owned());
        }
        rest = &rest[open + len + 2..];
    }
    if !names.is_empty() {
        return names;
    }
    let t = text.trim();
    let patterns = [
        ("你已添加了", "，"),
        ("You have added ", " as your WeChat contact"),
        ("", "刚刚把你添加到通讯录"),
        ("", " just added you to"),
    ];
    let found = patterns.iter().find_map(|(start, end)| {
        let s = t.strip_prefix(start)?;
        s.find(end).map(|i| &s[..i])
    });
    if let Some(name) = found {
        names.push(name.trim().to_owned());
    } else if let Some(i) = t.find(" invited ")
        && let Some(j) = t.find(" to the group chat")
        && i + " invited ".len() <= j
    {
        if !t.starts_with("You invited") {
            names.push(t[..i].trim().to_owned());
        }
        for name in t[i + " invited ".len()..j].split('、') {
            names.push(name.trim().to_owned());
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let cases: [(&str, &[&str]); 8] = [
            ("你已添加了李卓桓，现在可以开始聊天了。", &["李卓桓"]),
            (
                "You have added Ann B as your WeChat contact. Start chatting!",
                &["Ann B"],
            ),
            (
                "x@y.com just added you to his/her contacts list.",
                &["x@y.com"],
            ),
            (
                "管理员 invited 庆次、小桔妹 to the group chat",
                &["管理员", "庆次", "小桔妹"],
            ),
            ("You invited 管理员 to the group chat.   ", &["管理员"]),
            ("\"管理员\"邀请\"宁锐锋\"加入了群聊", &["管理员", "宁锐锋"]),
            ("\"李佳芮\"修改群名为“dong”", &["李佳芮"]),
            ("\"A\" changed the group name to \"ding\"", &["A"]),
        ];
        for (text, want) in cases {
            assert_eq!(system_notice(text).names, want, "{text}");
        }
        assert!(system_notice("位置共享已经结束").names.is_empty());
    }

    #[test]
    fn links_are_reduced() {
        let n = system_notice(
            "Ann开启了朋友验证。&lt;a href=\"weixin://findfriend/verifycontact\"&gt;发送朋友验证&lt;/a&gt;",
        );
        assert_eq!(n.text, "Ann开启了朋友验证。发送朋友验证");
        assert_eq!(strip_links("a<a href=x>b"), "ab");
        assert_eq!(strip_links("a<a href"), "a<a href");
    }

    #[test]
    fn revoke_and_other_sysmsg() {
        let body = "&lt;sysmsg type=\"revokemsg\"&gt;&lt;revokemsg&gt;&lt;session&gt;1@chatroom&lt;/session&gt;&lt;oldmsgid&gt;10&lt;/oldmsgid&gt;&lt;msgid&gt;70&lt;/msgid&gt;&lt;replacemsg&gt;&lt;![CDATA[\"N\" 撤回了一条消息]]&gt;&lt;/replacemsg&gt;&lt;/revokemsg&gt;&lt;/sysmsg&gt;";
        let SysMsg::Revoke(r) = sys_msg(body).expect("decodes") else {
            panic!("not a revoke")
        };
        assert_eq!(
            (r.revoked_msg_id.as_str(), r.old_msg_id.as_str()),
            ("70", "10")
        );
        assert_eq!(r.session, "1@chatroom");
        assert_eq!(r.replace_text, "\"N\" 撤回了一条消息");
        let e = sys_msg("&lt;sysmsg type=\"revokemsg\"&gt;&lt;revokemsg/&gt;&lt;/sysmsg&gt;").err();
        assert_eq!(e.map(|e| e.kind), Some(ErrorKind::MissingField("msgid")));
        let pat = "&lt;sysmsg type=\"pat\"&gt;&lt;pat/&gt;&lt;/sysmsg&gt;";
        let SysMsg::Other { sys_type, xml } = sys_msg(pat).expect("other") else {
            panic!("not other")
        };
        assert_eq!(sys_type, "pat");
        assert_eq!(xml, "<sysmsg type=\"pat\"><pat/></sysmsg>");
    }

    #[test]
    fn status_notify_lists() {
        let body = "&lt;msg&gt;<br/>&lt;op id='4'&gt;<br/>&lt;username&gt;wxid_a,filehelper,1@chatroom&lt;/username&gt;<br/>&lt;unreadchatlist&gt;&lt;chat&gt;&lt;username&gt;1@chatroom&lt;/username&gt;&lt;lastreadtime&gt;1463754424&lt;/lastreadtime&gt;&lt;/chat&gt;&lt;/unreadchatlist&gt;&lt;/op&gt;&lt;/msg&gt;";
        let n = status_notify(body, 4, "@a,filehelper,@@c").expect("decodes");
        assert_eq!(n.code, NotifyCode::SyncConversations);
        assert_eq!(n.user_names, ["@a", "filehelper", "@@c"]);
        assert_eq!(n.stable_user_names, ["wxid_a", "filehelper", "1@chatroom"]);
        assert_eq!(n.unread_chats[0].last_read_time, 1_463_754_424);
        let read = status_notify("", 1, "@peer").expect("empty");
        assert_eq!((read.code, read.user_names.len()), (NotifyCode::Read, 1));
        assert!(status_notify("&lt;msg&gt;&lt;op", 4, "").is_err());
    }
}
