//! webwxsync: new messages, contact changes, profile changes and the next sync keys.
//!
//! A body is first read in one pass, every element typed; only if that fails is it read
//! again with each `AddMsgList` and `ModContactList` element on its own, so one malformed
//! element becomes one error while its siblings are still delivered. Both readings use the
//! same element types, so a body both accept reads the same either way.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::common::{BaseResponse, SyncKey, from_body, json_error};
use super::contact::Contact;
use super::lenient;
use super::message::RawMessage;
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

/// The body, with its message and contact elements of type `M` and `C`: typed for the
/// one-pass reading, `&RawValue` for the per-element one.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Envelope<M, C> {
    base_response: BaseResponse,
    #[serde(default = "absent")]
    add_msg_list: Option<Vec<M>>,
    #[serde(default = "absent")]
    mod_contact_list: Option<Vec<C>>,
    #[serde(default)]
    del_contact_list: Option<Vec<DelContact>>,
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

/// A missing list (without the `Default` bound `#[serde(default)]` would put on `M`, `C`).
fn absent<T>() -> Option<T> {
    None
}

impl<M, C> Envelope<M, C> {
    /// The response, with the elements turned into results by `msg` and `contact`.
    fn into_response(
        self,
        msg: impl FnMut(M) -> Result<RawMessage, ParseError>,
        contact: impl FnMut(C) -> Result<Contact, ParseError>,
    ) -> SyncResponse {
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
                .map(contact)
                .collect(),
            del_contact_list: self.del_contact_list.unwrap_or_default(),
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
    /// New messages, in order; a malformed element is an `Err` with its offset in the body.
    pub add_msg_list: Vec<Result<RawMessage, ParseError>>,
    /// Added or changed contacts; a malformed element is an `Err`.
    pub mod_contact_list: Vec<Result<Contact, ParseError>>,
    /// Deleted contacts.
    pub del_contact_list: Vec<DelContact>,
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

/// Parses a webwxsync body. Fails only when the envelope itself is malformed.
pub fn parse_sync(body: &[u8]) -> Result<SyncResponse, ParseError> {
    match one_pass(body) {
        Some(env) => Ok(env.into_response(Ok, Ok)),
        None => parse_sync_per_element(body),
    }
}

/// The one-pass reading, for bodies that are UTF-8 throughout: the per-element reading
/// takes each element as text, so it refuses a body whose elements hold invalid UTF-8 even
/// where the element types would skip it (inside an unknown key); checking first keeps the
/// two readings the same.
fn one_pass(body: &[u8]) -> Option<Envelope<RawMessage, Contact>> {
    let text = std::str::from_utf8(body).ok()?;
    serde_json::from_str(text).ok()
}

/// The reading that isolates malformed elements (and gives the envelope's own errors).
fn parse_sync_per_element(body: &[u8]) -> Result<SyncResponse, ParseError> {
    let env: Envelope<&RawValue, &RawValue> = from_body(body, Endpoint::Sync)?;
    Ok(env.into_response(
        |raw| element(body, raw, Endpoint::SyncMessage),
        |raw| element(body, raw, Endpoint::SyncContact),
    ))
}

/// Panics if the one-pass and the per-element readings of `body` differ where the one-pass
/// reading succeeds (for the fuzz target).
#[cfg(feature = "fuzzing")]
pub(crate) fn check_one_pass_agrees(body: &[u8]) {
    if let Some(env) = one_pass(body) {
        let one_pass = env.into_response(Ok, Ok);
        assert_eq!(
            Ok(one_pass),
            parse_sync_per_element(body),
            "webwxsync readings disagree"
        );
    }
}

fn element<'a, T: Deserialize<'a>>(
    body: &'a [u8],
    raw: &'a RawValue,
    endpoint: Endpoint,
) -> Result<T, ParseError> {
    let text = raw.get();
    // The element borrows from the body: its offset is the distance between the two.
    let base = (text.as_ptr() as usize).saturating_sub(body.as_ptr() as usize);
    serde_json::from_str(text).map_err(|e| {
        let mut err = json_error(text.as_bytes(), &e, Format::Json(endpoint));
        err.offset += base;
        err
    })
}

/// Parses one `AddMsgList` element on its own (a captured message, a fuzz input).
pub fn parse_message(body: &[u8]) -> Result<RawMessage, ParseError> {
    from_body(body, Endpoint::SyncMessage)
}
