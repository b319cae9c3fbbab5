//! The contact object (ContactList, MemberList, ModContactList) and the contact endpoints:
//! webwxgetcontact (paged by `Seq`) and webwxbatchgetcontact.
//!
//! A page is read in one pass; only if that fails is it read again tolerantly
//! (`contact_tolerant`), each contact from its own span, so one malformed contact (even one
//! holding a raw control byte or invalid UTF-8) is listed in `bad_contacts` while the others
//! are kept.

use serde::Deserialize;

use super::common::{BaseResponse, from_object};
use super::contact_tolerant;
use super::element::BadElement;
use super::lenient;
use super::url::RedactedUrl;
use crate::error::{Endpoint, ParseError};
use crate::secret::Uin;

/// A group member entry (`MemberList` item of a group).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Member {
    /// `Uin` (usually 0).
    pub uin: Uin,
    /// Session-scoped id (`@…`).
    #[serde(deserialize_with = "lenient::string")]
    pub user_name: String,
    /// Nickname (may hold emoji spans).
    #[serde(deserialize_with = "lenient::string")]
    pub nick_name: String,
    /// Nickname inside the group.
    #[serde(deserialize_with = "lenient::string")]
    pub display_name: String,
    /// Attribute bitfield.
    #[serde(deserialize_with = "lenient::i64")]
    pub attr_status: i64,
    /// `MemberStatus`.
    #[serde(deserialize_with = "lenient::i64")]
    pub member_status: i64,
    /// `KeyWord`.
    #[serde(deserialize_with = "lenient::string")]
    pub key_word: String,
}

/// A contact: friend, group, official account or special account (protocol.md §5.4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Contact {
    /// `Uin` (usually 0; non-zero for yourself).
    pub uin: Uin,
    /// Session-scoped id: `@…` users, `@@…` groups, plain names for special accounts.
    #[serde(deserialize_with = "lenient::string")]
    pub user_name: String,
    /// Nickname (may hold emoji spans).
    #[serde(deserialize_with = "lenient::string")]
    pub nick_name: String,
    /// Your remark for this contact.
    #[serde(deserialize_with = "lenient::string")]
    pub remark_name: String,
    /// Avatar path relative to the main host (its query holds the skey: redacted in Debug).
    pub head_img_url: RedactedUrl,
    /// ContactFlag bitmask (§5.5).
    #[serde(deserialize_with = "lenient::u64")]
    pub contact_flag: u64,
    /// VerifyFlag bitmask (§5.5); `& 8` means an official account.
    #[serde(deserialize_with = "lenient::u64")]
    pub verify_flag: u64,
    /// Member count (groups).
    #[serde(deserialize_with = "lenient::u32")]
    pub member_count: u32,
    /// Members (groups; often empty until batch-fetched).
    #[serde(deserialize_with = "null_as_empty")]
    pub member_list: Vec<Member>,
    /// 0 unknown, 1 male, 2 female.
    #[serde(deserialize_with = "lenient::u32")]
    pub sex: u32,
    /// Signature.
    #[serde(deserialize_with = "lenient::string")]
    pub signature: String,
    /// Province.
    #[serde(deserialize_with = "lenient::string")]
    pub province: String,
    /// City.
    #[serde(deserialize_with = "lenient::string")]
    pub city: String,
    /// WeChat id, if set (e.g. `gh_…` for official accounts).
    #[serde(deserialize_with = "lenient::string")]
    pub alias: String,
    /// `KeyWord`.
    #[serde(deserialize_with = "lenient::string")]
    pub key_word: String,
    /// Nickname inside a group (member entries).
    #[serde(deserialize_with = "lenient::string")]
    pub display_name: String,
    /// `EncryChatRoomId` (groups: `@hex`, needed for member avatars).
    #[serde(deserialize_with = "lenient::string")]
    pub encry_chat_room_id: String,
    /// Group owner's uin.
    #[serde(deserialize_with = "lenient::u64")]
    pub owner_uin: u64,
    /// 1 if you own the group.
    #[serde(deserialize_with = "lenient::u32")]
    pub is_owner: u32,
    /// Groups: notifications on (1) or off (0). The field name is the server's spelling.
    #[serde(deserialize_with = "lenient::i64")]
    pub statues: i64,
    /// Attribute bitfield.
    #[serde(deserialize_with = "lenient::i64")]
    pub attr_status: i64,
    /// Moments flag.
    #[serde(deserialize_with = "lenient::i64")]
    pub sns_flag: i64,
    /// 1 = starred.
    #[serde(deserialize_with = "lenient::i64")]
    pub star_friend: i64,
    /// `HideInputBarFlag`.
    #[serde(deserialize_with = "lenient::i64")]
    pub hide_input_bar_flag: i64,
    /// `AppAccountFlag`.
    #[serde(deserialize_with = "lenient::i64")]
    pub app_account_flag: i64,
    /// `UniFriend`.
    #[serde(deserialize_with = "lenient::i64")]
    pub uni_friend: i64,
    /// Pinyin initials of the nickname.
    #[serde(rename = "PYInitial", deserialize_with = "lenient::string")]
    pub py_initial: String,
    /// Full pinyin of the nickname.
    #[serde(rename = "PYQuanPin", deserialize_with = "lenient::string")]
    pub py_quan_pin: String,
    /// Pinyin initials of the remark.
    #[serde(rename = "RemarkPYInitial", deserialize_with = "lenient::string")]
    pub remark_py_initial: String,
    /// Full pinyin of the remark.
    #[serde(rename = "RemarkPYQuanPin", deserialize_with = "lenient::string")]
    pub remark_py_quan_pin: String,
    /// ModContactList: the group owner's UserName.
    #[serde(deserialize_with = "lenient::string")]
    pub chat_room_owner: String,
    /// ModContactList: avatar changed.
    #[serde(deserialize_with = "lenient::i64")]
    pub head_img_update_flag: i64,
    /// ModContactList: `ContactType`.
    #[serde(deserialize_with = "lenient::i64")]
    pub contact_type: i64,
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
}

/// The meaning of the flag bits (protocol.md §5.5), for the wire and the domain contact.
pub(crate) mod flags {
    /// `VerifyFlag & 8`: an official account.
    pub(crate) fn official(verify_flag: u64) -> bool {
        verify_flag & 8 != 0
    }

    /// `ContactFlag & 1`: a saved friend.
    pub(crate) fn friend(contact_flag: u64) -> bool {
        contact_flag & 1 != 0
    }

    /// `ContactFlag & 0x800`: pinned.
    pub(crate) fn pinned(contact_flag: u64) -> bool {
        contact_flag & 0x800 != 0
    }
}

/// True for group UserNames (`@@…` or `…@chatroom`).
pub fn is_group_name(user_name: &str) -> bool {
    user_name.starts_with("@@") || user_name.ends_with("@chatroom")
}

fn null_as_empty<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// webwxgetcontact: one page of the contact list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetContactResponse {
    /// `BaseResponse`.
    pub base_response: BaseResponse,
    /// `MemberCount` as sent (do not rely on it; count `member_list`).
    #[serde(default, deserialize_with = "lenient::u32")]
    pub member_count: u32,
    /// The contacts of this page.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub member_list: Vec<Contact>,
    /// The next page's `seq`; 0 (or absent) on the last page.
    #[serde(default, deserialize_with = "lenient::u64")]
    pub seq: u64,
    /// The malformed `MemberList` elements, in order, each with its `UserName` when
    /// readable (not in `member_list`).
    #[serde(skip)]
    pub bad_contacts: Vec<BadElement>,
}

/// Parses a webwxgetcontact body. Fails only when the page itself is unusable: the
/// top-level object is not whole, `BaseResponse` is missing or malformed, `Seq` is
/// malformed, or one of these or `MemberList` appears twice. A malformed contact costs
/// only itself (see [`GetContactResponse::bad_contacts`]). When both readings fail, the
/// error is the one-pass reading's (serde's first fault in the body).
pub fn parse_get_contact(body: &[u8]) -> Result<GetContactResponse, ParseError> {
    from_object(body, Endpoint::GetContact)
        .or_else(|e| contact_tolerant::get_contact(body).map_err(|_| e))
}

/// webwxbatchgetcontact: details of the requested users and groups.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetContactResponse {
    /// `BaseResponse`.
    pub base_response: BaseResponse,
    /// `Count` as sent.
    #[serde(default, deserialize_with = "lenient::u32")]
    pub count: u32,
    /// The contacts.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub contact_list: Vec<Contact>,
    /// The malformed `ContactList` elements, in order, each with its `UserName` when
    /// readable (not in `contact_list`).
    #[serde(skip)]
    pub bad_contacts: Vec<BadElement>,
}

/// Parses a webwxbatchgetcontact body. Fails only when the body itself is unusable: the
/// top-level object is not whole, `BaseResponse` is missing or malformed, or it or
/// `ContactList` appears twice. A malformed contact costs only itself (see
/// [`BatchGetContactResponse::bad_contacts`]). When both readings fail, the error is the
/// one-pass reading's.
pub fn parse_batch_get_contact(body: &[u8]) -> Result<BatchGetContactResponse, ParseError> {
    from_object(body, Endpoint::BatchGetContact)
        .or_else(|e| contact_tolerant::batch_get_contact(body).map_err(|_| e))
}

/// Panics if the tolerant readings of the contact pages differ from the one-pass ones
/// where those succeed (for the fuzz target).
#[cfg(feature = "fuzzing")]
pub(crate) fn check_tolerant_agrees(body: &[u8]) {
    if let Ok(page) = from_object::<GetContactResponse>(body, Endpoint::GetContact) {
        assert_eq!(
            Ok(page),
            contact_tolerant::get_contact(body),
            "webwxgetcontact readings disagree"
        );
    }
    if let Ok(page) = from_object::<BatchGetContactResponse>(body, Endpoint::BatchGetContact) {
        assert_eq!(
            Ok(page),
            contact_tolerant::batch_get_contact(body),
            "webwxbatchgetcontact readings disagree"
        );
    }
}
