//! [`RoomEvent`]: a group's membership or name change, read from the group's system
//! messages (MsgType 10000 text, and 10002 `<sysmsg type="sysmsgtemplate">`, §11.1).
//!
//! The notices are sentences written for people, in the language of the account that
//! received them. They name people by their **display names as written in the text**
//! (the group nickname or the nickname, whatever the server chose), never by UserName:
//! match them against a member list yourself, and expect ambiguity when two members share
//! a name. "You" (`你` / `You`) is a flag on the [`Actor`], not a name.
//!
//! The decoder is a fixed set of wordings (Chinese and English, see [`RoomEvent::from_text`]);
//! anything else gives `None`. It never panics and runs in time linear in the text for
//! each wording.

use serde::Serialize;

use super::kind::MessageKind;
use super::message::Message;
use super::text::decode_emoji;
use super::xml::{self, Element};

/// Someone named in a room notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// The display name as written in the notice, surrounding quotes and whitespace
    /// removed, emoji decoded; for yourself, the word the notice used (`你`, `You`, `you`).
    /// It is not a UserName.
    pub name: String,
    /// Whether the notice means you, the account that received it.
    pub is_you: bool,
}

impl Actor {
    fn you(word: &str) -> Self {
        Actor {
            name: word.to_owned(),
            is_you: true,
        }
    }

    /// A name that may still carry its quotes (`"Bob"` in English sentences).
    fn named(name: &str) -> Option<Self> {
        Actor::plain(unquote(name.trim()))
    }

    /// A name as it is, trimmed.
    fn plain(name: &str) -> Option<Self> {
        let name = name.trim();
        (!name.is_empty()).then(|| Actor {
            name: name.to_owned(),
            is_you: false,
        })
    }
}

/// How members came into a group ([`RoomEvent::Joined`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum JoinVia {
    /// Added by a member (`"X"邀请"Y"加入了群聊`, `X invited Y to the group chat`).
    Invitation {
        /// Who added them.
        inviter: Actor,
    },
    /// By scanning a group QR code (`…通过扫描…分享的二维码加入群聊`).
    QrCode {
        /// Whose shared QR code was scanned.
        sharer: Actor,
    },
}

/// A change of a group, decoded from one of its system messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum RoomEvent {
    /// Members joined the group (invited by someone, or through a QR code).
    Joined {
        /// Who joined, in the order of the text (at least one).
        members: Vec<Actor>,
        /// How they joined.
        via: JoinVia,
    },
    /// You were brought into a group by someone: the first notice of a new group
    /// (`"X"邀请你加入了群聊，群聊参与人还有：…`, `X invited you to a group chat with …`).
    Invited {
        /// Who invited you.
        inviter: Actor,
        /// Those invited together with you (`你和"Y"` / `you and Y`).
        with: Vec<Actor>,
        /// The members already there (`群聊参与人还有：` / `a group chat with`).
        members: Vec<Actor>,
    },
    /// A member left the group by themselves.
    Left {
        /// Who left.
        member: Actor,
    },
    /// Members were removed from the group.
    Removed {
        /// Who was removed (at least one; yourself when you were removed).
        members: Vec<Actor>,
        /// Who removed them.
        by: Actor,
    },
    /// The group was renamed.
    Renamed {
        /// The new name, as written between the quotes (not trimmed, emoji decoded).
        topic: String,
        /// Who renamed it.
        by: Actor,
    },
}

/// The room event of a group's system message: a 10000 notice
/// ([`MessageKind::System`]) or a 10002 `sysmsgtemplate` ([`MessageKind::SysMsg`]) in a
/// group chat ([`Message::is_group`]). `None` for anything else, for a private chat and
/// for wordings this decoder does not know.
pub fn room_event(message: &Message) -> Option<RoomEvent> {
    if !message.is_group {
        return None;
    }
    match &message.kind {
        MessageKind::System(notice) => RoomEvent::from_text(&notice.text),
        MessageKind::SysMsg { sys_type, xml } if sys_type == "sysmsgtemplate" => {
            RoomEvent::from_sysmsg_template(xml)
        }
        _ => None,
    }
}

impl RoomEvent {
    /// Decodes the text of a group system notice ([`SystemNotice::text`](super::SystemNotice::text):
    /// entities, `<br/>`, emoji and links already decoded). English words compare
    /// ASCII case-insensitively; surrounding whitespace, a final `.`/`。` and a trailing
    /// revoke link label (`撤销`, `Revoke`, `$revoke$`) are ignored.
    ///
    /// Wordings (`X`, `Y` names, `A、B` lists, `T` a topic):
    /// - joined: `你邀请"A"、"B"加入了群聊`, `"X"邀请"A"、"B"加入了群聊`,
    ///   `You invited A、B to the group chat`, `X invited A, B and C to the group chat`,
    ///   `"X"通过扫描你分享的二维码加入群聊`, `"X"通过扫描"Y"分享的二维码加入群聊`,
    ///   `"X" joined (the) group chat via the QR code you shared`,
    ///   `"X" joined (the) group chat via the QR Code shared by "Y"`;
    /// - invited: `"X"邀请你加入了群聊`, `"X"邀请你加入了群聊，群聊参与人还有：A、B`,
    ///   `"X"邀请你和"Y"加入了群聊`, `X invited you to a group chat with A, B`,
    ///   `X invited you and Y to the group chat`, `X invited you to the group chat`;
    /// - removed: `你将"A"移出了群聊`, `"X"将"A"移出了群聊`, `你被"X"移出群聊`,
    ///   `You removed "A" from the group chat`, `X removed A from the group chat`,
    ///   `You were removed from the group chat by "X"`;
    /// - renamed: `"X"修改群名为“T”` (or `"T"`), `你修改群名为“T”`,
    ///   `X changed the group name to "T"`, `You changed the group name to "T"`;
    /// - left: `"X"已退出群聊`, `"X"退出了群聊`, `X left the group chat`,
    ///   `X has left the group chat`.
    ///
    /// Names are split at the list separators (`"、"`, `、`, `, `, ` and `): a name that
    /// itself contains one is split too, and unquoted English names are ambiguous by nature.
    /// The first occurrence of a sentence's fixed words wins when a name contains them.
    pub fn from_text(text: &str) -> Option<RoomEvent> {
        let t = normalize(text);
        invited(t)
            .or_else(|| joined(t))
            .or_else(|| removed(t))
            .or_else(|| renamed(t))
            .or_else(|| left(t))
    }

    /// Decodes the unescaped XML of a 10002 `<sysmsg type="sysmsgtemplate">`: its
    /// `<template>` (else `<plain>`) with each `$name$` replaced by the nicknames of the
    /// `<link name="name">` members (joined by the link's `<separator>`, else `、`) and
    /// `$revoke$` dropped, then read as [`RoomEvent::from_text`]. `None` when the XML does
    /// not parse, is another type, or names a link it does not carry.
    pub fn from_sysmsg_template(xml: &str) -> Option<RoomEvent> {
        let root = xml::parse(xml.trim()).ok()?;
        if root.name != "sysmsg" || root.attr("type") != Some("sysmsgtemplate") {
            return None;
        }
        let template = root.find("content_template")?;
        let text = template
            .child_text("template")
            .or_else(|| template.child_text("plain"))?;
        let links = template.child("link_list");
        let rendered = render(&text, links)?;
        RoomEvent::from_text(&decode_emoji(&rendered))
    }
}

/// Fills the `$name$` placeholders of a template from its `<link_list>`.
fn render(template: &str, links: Option<&Element>) -> Option<String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('$') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('$')?;
        let key = &after[..close];
        let link = links.and_then(|l| {
            l.children
                .iter()
                .find(|c| c.name == "link" && c.attr("name") == Some(key))
        });
        match link {
            Some(link) if link.attr("type") != Some("link_revoke") => {
                let separator = link
                    .child("separator")
                    .map(|s| s.text.as_str())
                    .filter(|s| !s.is_empty())
                    .unwrap_or("、");
                let names: Vec<&str> = link
                    .child("memberlist")
                    .map(|list| {
                        list.children
                            .iter()
                            .filter(|m| m.name == "member")
                            .filter_map(|m| m.child("nickname"))
                            .map(|n| n.text.trim())
                            .collect()
                    })
                    .unwrap_or_default();
                if names.is_empty() {
                    return None;
                }
                // In `"$names$"` each name gets its own quotes, as the server writes them.
                let quoted = out.ends_with('"') && after[close + 1..].starts_with('"');
                let joiner = if quoted {
                    format!("\"{separator}\"")
                } else {
                    separator.to_owned()
                };
                out.push_str(&names.join(&joiner));
            }
            Some(_) => {}
            None if key == "revoke" => {}
            None => return None,
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Trims the text, a trailing revoke link label and a final full stop.
fn normalize(text: &str) -> &str {
    let mut t = text.trim();
    for label in ["$revoke$", "撤销", "Revoke"] {
        if let Some(s) = strip_suffix_ci(t, label)
            && s.ends_with(char::is_whitespace)
        {
            t = s.trim_end();
            break;
        }
    }
    t.strip_suffix(['.', '。']).unwrap_or(t).trim_end()
}

/// The leftmost ASCII-case-insensitive occurrence of `needle` in `hay`. Every match
/// starts and ends on a char boundary: `needle` is whole UTF-8, and its first byte is not
/// a continuation byte.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.as_bytes().get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix.as_bytes())
        .then(|| s.get(prefix.len()..))
        .flatten()
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let at = s.len().checked_sub(suffix.len())?;
    let tail = s.as_bytes().get(at..)?;
    tail.eq_ignore_ascii_case(suffix.as_bytes())
        .then(|| s.get(..at))
        .flatten()
}

/// Matches `text` against `parts`: the first is a prefix, the last a suffix, and those
/// between are found left to right. Returns the non-empty pieces between the parts
/// (`parts.len() - 1` of them).
fn fill<'a, const N: usize>(text: &'a str, parts: &[&str]) -> Option<[&'a str; N]> {
    let (first, rest) = parts.split_first()?;
    let (last, middle) = rest.split_last()?;
    let mut t = strip_prefix_ci(text, first)?;
    t = strip_suffix_ci(t, last)?;
    let mut out = [""; N];
    let mut slots = out.iter_mut();
    for part in middle {
        let at = find_ci(t, part)?;
        *slots.next()? = t.get(..at)?;
        t = t.get(at + part.len()..)?;
    }
    *slots.next()? = t;
    if slots.next().is_some() || out.iter().any(|s| s.trim().is_empty()) {
        return None;
    }
    Some(out)
}

/// Removes one pair of surrounding quotes (`"…"` or `“…”`).
fn unquote(s: &str) -> &str {
    for (open, close) in [('"', '"'), ('“', '”')] {
        if let Some(inner) = s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            return inner;
        }
    }
    s
}

/// Splits `s` at every occurrence of any separator (the earliest, then the longest,
/// first). Each separator's next occurrence is remembered, so the text is scanned once
/// per separator.
fn split_any<'a>(s: &'a str, separators: &[&str]) -> Vec<&'a str> {
    let next_from = |from: usize, sep: &str| {
        s.get(from..)
            .and_then(|rest| find_ci(rest, sep))
            .map(|at| from + at)
    };
    let mut next: Vec<Option<usize>> = separators.iter().map(|sep| next_from(0, sep)).collect();
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        let found = next
            .iter()
            .zip(separators)
            .filter_map(|(at, sep)| at.map(|at| (at, sep.len())))
            .min_by_key(|&(at, len)| (at, std::cmp::Reverse(len)));
        let Some((at, len)) = found else {
            out.extend(s.get(start..));
            return out;
        };
        out.extend(s.get(start..at));
        start = at + len;
        for (slot, sep) in next.iter_mut().zip(separators) {
            if slot.is_some_and(|p| p < start) {
                *slot = next_from(start, sep);
            }
        }
    }
}

/// A list of names as written: quoted (`"A"、"B"`, `"A", "B"`) or not (`A、B`,
/// `A, B and C`). `None` when a name is empty.
fn list(s: &str) -> Option<Vec<Actor>> {
    let s = s.trim();
    let quoted = unquote(s);
    if quoted.len() < s.len() {
        // Inside the outer quotes a name is taken as it is, quotes and all.
        split_any(
            quoted,
            &["\"、\"", "\", and \"", "\", \"", "\" and \"", "\",\""],
        )
        .into_iter()
        .map(Actor::plain)
        .collect()
    } else {
        split_any(s, &["、", ", and ", ", ", " and "])
            .into_iter()
            .map(Actor::named)
            .collect()
    }
}

/// The `list` of a slot that sits between quotes of the sentence (`你邀请"…"加入了群聊`).
fn inner_list(s: &str) -> Option<Vec<Actor>> {
    list(&format!("\"{s}\""))
}

/// Yourself in an English sentence that starts with `You`, as written.
fn you_en(t: &str) -> Actor {
    Actor::you(t.get(..3).unwrap_or("You"))
}

fn invited(t: &str) -> Option<RoomEvent> {
    let event = |inviter: &str, with: Vec<Actor>, members: Vec<Actor>| {
        Some(RoomEvent::Invited {
            inviter: Actor::named(inviter)?,
            with,
            members,
        })
    };
    if let Some([x, m]) = fill(t, &["\"", "\"邀请你加入了群聊，群聊参与人还有：", ""])
    {
        return event(x, Vec::new(), list(m)?);
    }
    if let Some([x, y]) = fill(t, &["\"", "\"邀请你和\"", "\"加入了群聊"]) {
        return event(x, inner_list(y)?, Vec::new());
    }
    if let Some([x]) = fill(t, &["\"", "\"邀请你加入了群聊"]) {
        return event(x, Vec::new(), Vec::new());
    }
    if let Some([x, m]) = fill(t, &["", " invited you to a group chat with ", ""]) {
        return event(x, Vec::new(), list(m)?);
    }
    if let Some([x, y]) = fill(t, &["", " invited you and ", " to the group chat"]) {
        return event(x, list(y)?, Vec::new());
    }
    if let Some([x]) = fill(t, &["", " invited you to the group chat"]) {
        return event(x, Vec::new(), Vec::new());
    }
    None
}

fn joined(t: &str) -> Option<RoomEvent> {
    let invitation = |inviter: Actor, members: Vec<Actor>| RoomEvent::Joined {
        members,
        via: JoinVia::Invitation { inviter },
    };
    let qr = |member: &str, sharer: Actor| {
        Some(RoomEvent::Joined {
            members: vec![Actor::named(member)?],
            via: JoinVia::QrCode { sharer },
        })
    };
    if let Some([y]) = fill(t, &["你邀请\"", "\"加入了群聊"]) {
        return Some(invitation(Actor::you("你"), inner_list(y)?));
    }
    if let Some([x, y]) = fill(t, &["\"", "\"邀请\"", "\"加入了群聊"]) {
        return Some(invitation(Actor::named(x)?, inner_list(y)?));
    }
    if let Some([y]) = fill(t, &["You invited ", " to the group chat"]) {
        return Some(invitation(you_en(t), list(y)?));
    }
    if let Some([x, y]) = fill(t, &["", " invited ", " to the group chat"]) {
        return Some(invitation(Actor::named(x)?, list(y)?));
    }
    if let Some([x]) = fill(t, &["\"", "\"通过扫描你分享的二维码加入群聊"]) {
        return qr(x, Actor::you("你"));
    }
    if let Some([x, y]) = fill(t, &["\"", "\"通过扫描\"", "\"分享的二维码加入群聊"]) {
        return qr(x, Actor::named(y)?);
    }
    for joined in ["joined group chat via", "joined the group chat via"] {
        let you_shared = format!(" {joined} the QR code you shared");
        if let Some([x]) = fill(t, &["", &you_shared]) {
            return qr(x, Actor::you("you"));
        }
        let shared_by = format!(" {joined} the QR code shared by ");
        if let Some([x, y]) = fill(t, &["", &shared_by, ""]) {
            return qr(x, Actor::named(y)?);
        }
    }
    None
}

fn removed(t: &str) -> Option<RoomEvent> {
    let event = |members: Vec<Actor>, by: Actor| Some(RoomEvent::Removed { members, by });
    if let Some([y]) = fill(t, &["你将\"", "\"移出了群聊"]) {
        return event(inner_list(y)?, Actor::you("你"));
    }
    if let Some([x]) = fill(t, &["你被\"", "\"移出群聊"]) {
        return event(vec![Actor::you("你")], Actor::named(x)?);
    }
    if let Some([x, y]) = fill(t, &["\"", "\"将\"", "\"移出了群聊"]) {
        return event(inner_list(y)?, Actor::named(x)?);
    }
    if let Some([x]) = fill(t, &["You were removed from the group chat by ", ""]) {
        return event(vec![you_en(t)], Actor::named(x)?);
    }
    if let Some([y]) = fill(t, &["You removed ", " from the group chat"]) {
        return event(list(y)?, you_en(t));
    }
    if let Some([x, y]) = fill(t, &["", " removed ", " from the group chat"]) {
        return event(list(y)?, Actor::named(x)?);
    }
    None
}

fn renamed(t: &str) -> Option<RoomEvent> {
    let event = |by: Actor, topic: &str| {
        let quoted = unquote(topic);
        // The topic must be quoted; an empty one (`“”`) is a removed name.
        (quoted.len() < topic.len()).then(|| RoomEvent::Renamed {
            topic: quoted.to_owned(),
            by,
        })
    };
    // `fill` refuses an empty slot, so the quotes of the topic stay in it.
    if let Some([topic]) = fill(t, &["你修改群名为", ""]) {
        return event(Actor::you("你"), topic);
    }
    if let Some([x, topic]) = fill(t, &["\"", "\"修改群名为", ""]) {
        return event(Actor::named(x)?, topic);
    }
    if let Some([topic]) = fill(t, &["You changed the group name to ", ""]) {
        return event(you_en(t), topic);
    }
    if let Some([x, topic]) = fill(t, &["", " changed the group name to ", ""]) {
        return event(Actor::named(x)?, topic);
    }
    None
}

fn left(t: &str) -> Option<RoomEvent> {
    let event = |x: &str| {
        Some(RoomEvent::Left {
            member: Actor::named(x)?,
        })
    };
    for (start, end) in [
        ("\"", "\"已退出群聊"),
        ("\"", "\"退出了群聊"),
        ("", " has left the group chat"),
        ("", " left the group chat"),
    ] {
        if let Some([x]) = fill(t, &[start, end]) {
            return event(x);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(actors: &[Actor]) -> Vec<&str> {
        actors.iter().map(|a| a.name.as_str()).collect()
    }

    #[test]
    fn fill_matches_parts_in_order() {
        assert_eq!(fill(r#""a"x"b""#, &["\"", "\"x\"", "\""]), Some(["a", "b"]));
        assert_eq!(fill::<1>("abc", &["a", "c"]), Some(["b"]));
        assert_eq!(fill::<1>("ac", &["a", "c"]), None);
        assert_eq!(fill::<1>("a", &["a", "a"]), None);
        assert_eq!(
            fill::<2>("xINVITEDy", &["", "invited", ""]),
            Some(["x", "y"])
        );
        // The wrong slot count never matches.
        assert_eq!(fill::<2>("abc", &["a", "c"]), None);
    }

    #[test]
    fn lists() {
        let l = list("A、B").expect("list");
        assert_eq!(names(&l), ["A", "B"]);
        let l = list("\"A\"、\"B, C\"").expect("list");
        assert_eq!(names(&l), ["A", "B, C"]);
        let l = list("A, B and C").expect("list");
        assert_eq!(names(&l), ["A", "B", "C"]);
        assert_eq!(list("A、"), None);
    }

    #[test]
    fn normalizing() {
        assert_eq!(normalize("x  撤销"), "x");
        assert_eq!(normalize("x.   "), "x");
        assert_eq!(normalize("x撤销"), "x撤销");
        assert_eq!(
            normalize("x to the group chat.  Revoke"),
            "x to the group chat"
        );
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn template_rendering() {
        let xml = r#"<sysmsg type="sysmsgtemplate"><sysmsgtemplate><content_template type="tmpl_type_profile"><plain><![CDATA[]]></plain><template><![CDATA["$username$"邀请"$names$"加入了群聊]]></template><link_list><link name="username" type="link_profile"><memberlist><member><username><![CDATA[wxid_a]]></username><nickname><![CDATA[Ann]]></nickname></member></memberlist></link><link name="names" type="link_profile"><memberlist><member><username>wxid_b</username><nickname>Bob</nickname></member><member><username>wxid_c</username><nickname>Cy</nickname></member></memberlist><separator><![CDATA[、]]></separator></link></link_list></content_template></sysmsgtemplate></sysmsg>"#;
        let Some(RoomEvent::Joined { members, via }) = RoomEvent::from_sysmsg_template(xml) else {
            panic!("not a join")
        };
        // The separator joins the nicknames without quotes: `"Bob、Cy"` is read as a list.
        assert_eq!(names(&members), ["Bob", "Cy"]);
        assert!(matches!(via, JoinVia::Invitation { inviter } if inviter.name == "Ann"));
        assert_eq!(render("a $x$", None), None);
        assert_eq!(render("a $revoke$", None).as_deref(), Some("a "));
        assert_eq!(render("a $x", None), None);
    }
}
