//! The contact model: [`Contact`] and [`Member`] as the engine keeps them and hands them out
//! (from webwxinit, the contact pages, batch fetches and ModContactList). Names are decoded
//! (emoji spans to Unicode, HTML entities to characters, `<br/>` to `\n`) once, here; the
//! wire form is [`crate::parse::Contact`].
//!
//! Decoded names are the server's text: they may hold control characters (see
//! [`terminal_safe`](super::terminal_safe) before printing them).

use serde::{Deserialize, Serialize};

use super::text::decode_display_text;
use crate::parse::json::contact::flags;
use crate::parse::{self, RedactedUrl, is_group_name};
use crate::secret::Uin;

/// A friend, group, official account or special account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    /// Session-scoped id: `@…` users, `@@…` groups, plain names for special accounts.
    pub user_name: String,
    /// Nickname (decoded).
    pub nick_name: String,
    /// Your remark for this contact (decoded; empty when none).
    pub remark_name: String,
    /// The WeChat id, if set (`gh_…` for official accounts).
    pub alias: String,
    /// `Uin` (usually 0; non-zero for yourself).
    pub uin: Uin,
    /// Avatar path relative to the main host (its query holds the skey: redacted in Debug).
    pub head_img_url: RedactedUrl,
    /// The last update of this contact said its avatar changed (ModContactList
    /// `HeadImgUpdateFlag`): a cached avatar is stale.
    pub avatar_changed: bool,
    /// ContactFlag bitmask (protocol.md §5.5).
    pub contact_flag: u64,
    /// VerifyFlag bitmask (§5.5); `& 8` means an official account.
    pub verify_flag: u64,
    /// 0 unknown, 1 male, 2 female.
    pub sex: u32,
    /// Signature (decoded).
    pub signature: String,
    /// Where: province and city.
    pub region: Region,
    /// A group's own fields (empty for others).
    pub group: GroupInfo,
}

/// Province and city, as the profile says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Region {
    /// Province.
    pub province: String,
    /// City.
    pub city: String,
}

/// What only a group has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupInfo {
    /// Member count as the server sent it (members may not be fetched yet).
    pub member_count: u32,
    /// Members (often empty until batch-fetched).
    pub members: Vec<Member>,
    /// `EncryChatRoomId` (`@hex`, needed for member avatars).
    pub encry_chat_room_id: String,
    /// The owner's UserName (from ModContactList).
    pub owner: String,
    /// The owner's uin.
    pub owner_uin: u64,
    /// You own the group.
    pub is_owner: bool,
}

/// A member of a group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Member {
    /// Session-scoped id (`@…`).
    pub user_name: String,
    /// Nickname (decoded).
    pub nick_name: String,
    /// Nickname inside the group (decoded; empty when none).
    pub display_name: String,
    /// `Uin` (usually 0).
    pub uin: Uin,
}

impl Contact {
    /// A group: the UserName starts with `@@` or ends with `@chatroom`.
    pub fn is_group(&self) -> bool {
        is_group_name(&self.user_name)
    }

    /// An official account (`VerifyFlag & 8`).
    pub fn is_official_account(&self) -> bool {
        flags::official(self.verify_flag)
    }

    /// A saved friend (`ContactFlag & 1`).
    pub fn is_friend(&self) -> bool {
        flags::friend(self.contact_flag)
    }

    /// Pinned (`ContactFlag & 0x800`).
    pub fn is_pinned(&self) -> bool {
        flags::pinned(self.contact_flag)
    }

    /// The best name to show: the remark, else the nickname, else the id.
    pub fn label(&self) -> &str {
        [&self.remark_name, &self.nick_name, &self.user_name]
            .into_iter()
            .find(|s| !s.is_empty())
            .map_or("", |s| s.as_str())
    }

    /// A member of this group by UserName.
    pub fn member(&self, user_name: &str) -> Option<&Member> {
        self.group.members.iter().find(|m| m.user_name == user_name)
    }
}

impl Member {
    /// The name to show: the display name in the group, else the nickname, else the id.
    pub fn label(&self) -> &str {
        [&self.display_name, &self.nick_name, &self.user_name]
            .into_iter()
            .find(|s| !s.is_empty())
            .map_or("", |s| s.as_str())
    }
}

fn decoded(s: &str) -> String {
    decode_display_text(s).into_owned()
}

impl From<parse::Contact> for Contact {
    fn from(c: parse::Contact) -> Self {
        Contact {
            nick_name: decoded(&c.nick_name),
            remark_name: decoded(&c.remark_name),
            signature: decoded(&c.signature),
            user_name: c.user_name,
            alias: c.alias,
            uin: c.uin,
            head_img_url: c.head_img_url,
            avatar_changed: c.head_img_update_flag != 0,
            contact_flag: c.contact_flag,
            verify_flag: c.verify_flag,
            sex: c.sex,
            region: Region {
                province: c.province,
                city: c.city,
            },
            group: GroupInfo {
                member_count: c.member_count,
                members: c.member_list.into_iter().map(Member::from).collect(),
                encry_chat_room_id: c.encry_chat_room_id,
                owner: c.chat_room_owner,
                owner_uin: c.owner_uin,
                is_owner: c.is_owner == 1,
            },
        }
    }
}

impl From<parse::Member> for Member {
    fn from(m: parse::Member) -> Self {
        Member {
            nick_name: decoded(&m.nick_name),
            display_name: decoded(&m.display_name),
            user_name: m.user_name,
            uin: m.uin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_decoded_once_and_groups_keep_their_members() {
        let wire = parse::Contact {
            user_name: "@@g".into(),
            nick_name: "A&amp;B <span class=\"emoji emoji1f604\"></span>".into(),
            remark_name: "R&lt;1&gt;".into(),
            member_count: 2,
            member_list: vec![parse::Member {
                user_name: "@m".into(),
                nick_name: "m&amp;m".into(),
                display_name: String::new(),
                ..parse::Member::default()
            }],
            is_owner: 1,
            ..parse::Contact::default()
        };
        let c = Contact::from(wire);
        assert_eq!(c.nick_name, "A&B 😄");
        assert_eq!(c.remark_name, "R<1>");
        assert_eq!(c.label(), "R<1>");
        assert!(c.is_group() && c.group.is_owner);
        assert_eq!(c.group.member_count, 2);
        assert_eq!(c.member("@m").map(Member::label), Some("m&m"));
        assert_eq!(c.member("@x"), None);
    }

    #[test]
    fn the_label_falls_back_to_the_id() {
        let c = Contact {
            user_name: "filehelper".into(),
            ..Contact::default()
        };
        assert_eq!(c.label(), "filehelper");
        assert!(!c.is_group() && !c.is_friend() && !c.is_official_account() && !c.is_pinned());
    }
}
