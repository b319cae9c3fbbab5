//! webwxsync: new messages, contact changes, profile changes and the next sync keys.
//!
//! A body is first read in one pass, every element typed; only if that fails is it read
//! again with each `AddMsgList`, `ModContactList` and `DelContactList` element on its own,
//! so one malformed element becomes one error while its siblings are still delivered. If
//! even that fails (an element holds a raw control byte or invalid UTF-8, which no JSON
//! parser will step over, or an optional member is malformed), the tolerant reading
//! (`sync_tolerant`) splits the body with the structural scanner and reads each
//! member and element from its own span. All readings use the same types, so a body that
//! an earlier reading accepts reads the same in the later ones.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::common::{BaseResponse, SyncKey, from_body, from_object, refuse_array};
use super::contact::Contact;
use super::element::{BadElement, element};
use super::lenient;
use super::message::RawMessage;
use super::split::Span;
use super::sync_tolerant;
use super::url::RedactedUrl;
use crate::error::{Endpoint, Format, ParseError};
use crate::secret::Secret;

/// A `{Buff: "..."}` string wrapper of the profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Buff {
    /// `Buff`.
    #[serde(rename = "Buff", deserialize_with = "lenient::string")]
    pub buff: String,
}

/// `Profile`: changes to your own profile (applied when `BitFlag == 190`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Profile {
    /// `BitFlag` (190 = changed).
    #[serde(deserialize_with = "lenient::i64")]
    pub bit_flag: i64,
    /// Your UserName.
    pub user_name: Buff,
    /// Your new nickname.
    pub nick_name: Buff,
    /// `HeadImgUpdateFlag`.
    #[serde(deserialize_with = "lenient::i64")]
    pub head_img_update_flag: i64,
    /// Your new avatar path.
    pub head_img_url: RedactedUrl,
    /// Your signature.
    #[serde(deserialize_with = "lenient::string")]
    pub signature: String,
    /// Your alias.
    #[serde(deserialize_with = "lenient::string")]
    pub alias: String,
    /// Sex.
    #[serde(deserialize_with = "lenient::u32")]
    pub sex: u32,
}

impl Profile {
    /// `BitFlag == 190`: the profile changed.
    pub fn changed(&self) -> bool {
        self.bit_flag == 190
    }
}

/// A `DelContactList` element.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DelContact {
    /// The deleted contact.
    #[serde(deserialize_with = "lenient::string")]
    pub user_name: String,
    /// Its ContactFlag.
    #[serde(deserialize_with = "lenient::u64")]
    pub contact_flag: u64,
}

/// The body, with its message, contact and deleted-contact elements of type `M`, `C` and
/// `D`: typed for the one-pass reading, `&RawValue` for the per-element one.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Envelope<M, C, D> {
    base_response: BaseResponse,
    #[serde(default = "absent")]
    add_msg_list: Option<Vec<M>>,
    #[serde(default = "absent")]
    mod_contact_list: Option<Vec<C>>,
    #[serde(default = "absent")]
    del_contact_list: Option<Vec<D>>,
    #[serde(default = "absent")]
    mod_chat_room_member_list: Option<Vec<C>>,
    #[serde(default)]
    profile: Option<Profile>,
    #[serde(default, deserialize_with = "lenient::i64")]
    continue_flag: i64,
    #[serde(default)]
    sync_key: Option<SyncKey>,
    #[serde(default)]
    sync_check_key: Option<SyncKey>,
    #[serde(rename = "SKey", default)]
    skey: Option<Secret<String>>,
}

/// A missing list (without the `Default` bound `#[serde(default)]` would put on `M`, `C`, `D`).
fn absent<T>() -> Option<T> {
    None
}

impl<M, C, D> Envelope<M, C, D> {
    /// The response, with the elements turned into results by `msg`, `contact` and `del`.
    fn into_response(
        self,
        msg: impl FnMut(M) -> Result<RawMessage, BadElement>,
        mut contact: impl FnMut(C) -> Result<Contact, BadElement>,
        del: impl FnMut(D) -> Result<DelContact, BadElement>,
    ) -> SyncResponse {
        let (del_contact_list, bad_del_contacts) = super::tolerant::partition(
            self.del_contact_list
                .unwrap_or_default()
                .into_iter()
                .map(del)
                .collect(),
        );
        SyncResponse {
            base_response: self.base_response,
            add_msg_list: self
                .add_msg_list
                .unwrap_or_default()
                .into_iter()
                .map(msg)
                .collect(),
            mod_contact_list: self
                .mod_contact_list
                .unwrap_or_default()
                .into_iter()
                .map(&mut contact)
                .collect(),
            mod_chat_room_member_list: self
                .mod_chat_room_member_list
                .unwrap_or_default()
                .into_iter()
                .map(&mut contact)
                .collect(),
            del_contact_list,
            bad_del_contacts,
            profile: self.profile,
            continue_flag: self.continue_flag,
            sync_key: self.sync_key,
            sync_check_key: self.sync_check_key,
            skey: self.skey.filter(|s| !s.expose().is_empty()),
        }
    }
}

/// webwxsync response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncResponse {
    /// `BaseResponse`.
    pub base_response: BaseResponse,
    /// New messages, in order; a malformed element is an `Err` with its offset in the body
    /// and its `MsgId` when readable.
    pub add_msg_list: Vec<Result<RawMessage, BadElement>>,
    /// Added or changed contacts; a malformed element is an `Err` with its `UserName` when
    /// readable.
    pub mod_contact_list: Vec<Result<Contact, BadElement>>,
    /// `ModChatRoomMemberList`: groups whose members changed, read as contacts (a group
    /// with its `MemberList`). protocol.md has never seen it non-empty and gives no shape;
    /// the contact shape is this crate's reading, and the book merges it like a partial
    /// `ModContactList` group.
    pub mod_chat_room_member_list: Vec<Result<Contact, BadElement>>,
    /// Deleted contacts (the well-formed elements, in order).
    pub del_contact_list: Vec<DelContact>,
    /// The malformed `DelContactList` elements, in order, each with its `UserName` when
    /// readable (errors in [`Format::SyncContact`] format).
    pub bad_del_contacts: Vec<BadElement>,
    /// Profile changes.
    pub profile: Option<Profile>,
    /// `ContinueFlag` (non-zero: sync again at once).
    pub continue_flag: i64,
    /// The next SyncKey (store it only when usable).
    pub sync_key: Option<SyncKey>,
    /// The next SyncCheckKey (absent in older responses).
    pub sync_check_key: Option<SyncKey>,
    /// A rotated skey, when non-empty.
    pub skey: Option<Secret<String>>,
}

/// Parses a webwxsync body.
///
/// Fails only when the envelope itself is unusable: the top-level object is not whole (a
/// truncated body, a structural fault outside strings), `BaseResponse` is missing or
/// malformed, `SyncKey` is malformed (the keys could not advance: the batch cannot be
/// acknowledged), or one of these or a list appears twice. A malformed element of
/// `AddMsgList`, `ModContactList`, `ModChatRoomMemberList` or `DelContactList` costs only itself (a
/// [`BadElement`]); a malformed `Profile`, `ContinueFlag`, `SyncCheckKey` or `SKey` is
/// dropped (absent, 0, absent, absent); unknown members are never read. When no reading
/// succeeds, the error is the per-element reading's (serde's first fault in the body).
pub fn parse_sync(body: &[u8]) -> Result<SyncResponse, ParseError> {
    if let Some(env) = one_pass(body) {
        return Ok(env.into_response(Ok, Ok, Ok));
    }
    parse_sync_per_element(body).or_else(|e| sync_tolerant::parse(body).map_err(|_| e))
}

/// The one-pass reading, for bodies that are UTF-8 throughout: the per-element reading
/// takes each element as text, so it refuses a body whose elements hold invalid UTF-8 even
/// where the element types would skip it (inside an unknown key); checking first keeps the
/// two readings the same. A top-level array is refused (see `common::from_object`).
fn one_pass(body: &[u8]) -> Option<Envelope<RawMessage, Contact, DelContact>> {
    refuse_array(body, Endpoint::Sync).ok()?;
    let text = std::str::from_utf8(body).ok()?;
    serde_json::from_str(text).ok()
}

/// The reading that isolates malformed elements of a well-formed envelope.
fn parse_sync_per_element(body: &[u8]) -> Result<SyncResponse, ParseError> {
    let env: Envelope<&RawValue, &RawValue, &RawValue> = from_object(body, Endpoint::Sync)?;
    Ok(env.into_response(
        |raw| raw_element(body, raw, Format::SyncMessage, "MsgId"),
        |raw| raw_element(body, raw, Format::SyncContact, "UserName"),
        |raw| raw_element(body, raw, Format::SyncContact, "UserName"),
    ))
}

/// Panics if the readings of `body` differ: the per-element and the tolerant readings
/// where the one-pass reading succeeds, and the tolerant one where the per-element one
/// succeeds (for the fuzz target).
#[cfg(feature = "fuzzing")]
pub(crate) fn check_one_pass_agrees(body: &[u8]) {
    let tolerant = sync_tolerant::parse(body);
    if let Some(env) = one_pass(body) {
        let one_pass = env.into_response(Ok, Ok, Ok);
        assert_eq!(
            Ok(&one_pass),
            parse_sync_per_element(body).as_ref(),
            "webwxsync readings disagree"
        );
        assert_eq!(
            Ok(one_pass),
            tolerant,
            "webwxsync tolerant reading disagrees"
        );
    } else if let Ok(per_element) = parse_sync_per_element(body) {
        assert_eq!(
            Ok(per_element),
            tolerant,
            "webwxsync tolerant and per-element readings disagree"
        );
    }
}

/// One element the envelope captured as raw text, read from its span of the body.
fn raw_element<'a, T: Deserialize<'a>>(
    body: &'a [u8],
    raw: &'a RawValue,
    format: Format,
    id_key: &str,
) -> Result<T, BadElement> {
    let text = raw.get();
    // The element borrows from the body: its offset is the distance between the two.
    let start = (text.as_ptr() as usize).saturating_sub(body.as_ptr() as usize);
    let span = Span {
        start,
        end: start + text.len(),
    };
    element(body, span, format, id_key)
}

/// Parses one `AddMsgList` element on its own (a captured message, a fuzz input).
pub fn parse_message(body: &[u8]) -> Result<RawMessage, ParseError> {
    from_body(body, Format::SyncMessage)
}
