//! The tolerant reading of a webwxinit body, for bodies the one-pass reading refuses: each
//! member and each `ContactList` contact is read from its own span (see `tolerant`).
//!
//! `BaseResponse`, `User` and `SyncKey` are required (a malformed one fails init: without
//! them the session cannot start); a malformed contact costs only itself; any other
//! malformed member is dropped (its default).

use serde::Deserialize;

use super::common::{BaseResponse, SyncKey};
use super::contact::Contact;
use super::init::{InitResponse, MpSubscribeMsg};
use super::lenient;
use super::tolerant::{Members, partition};
use crate::error::{Endpoint, Format, ParseError};
use crate::secret::Secret;

const NAMES: &[&str] = &[
    "BaseResponse",
    "Count",
    "ContactList",
    "SyncKey",
    "User",
    "ChatSet",
    "SKey",
    "ClientVersion",
    "SystemTime",
    "GrayScale",
    "InviteStartCount",
    "MPSubscribeMsgCount",
    "MPSubscribeMsgList",
    "ClickReportInterval",
];

/// A signed number as the init types read it.
#[derive(Deserialize)]
#[serde(transparent)]
struct Signed(#[serde(deserialize_with = "lenient::i64")] i64);

/// An unsigned number as the init types read it.
#[derive(Deserialize)]
#[serde(transparent)]
struct Unsigned(#[serde(deserialize_with = "lenient::u64")] u64);

/// A count as the init types read it.
#[derive(Deserialize)]
#[serde(transparent)]
struct Count(#[serde(deserialize_with = "lenient::u32")] u32);

/// A string as the init types read it.
#[derive(Deserialize)]
#[serde(transparent)]
struct Text(#[serde(deserialize_with = "lenient::string")] String);

/// Reads a webwxinit body member by member.
pub(crate) fn parse(body: &[u8]) -> Result<InitResponse, ParseError> {
    let format = Format::Json(Endpoint::Init);
    let m = Members::scan(body, format, NAMES)?;
    let base_response = m.present::<BaseResponse>("BaseResponse")?;
    let user = m.required::<Contact>("User")?.unwrap_or_default();
    let sync_key = m.required::<SyncKey>("SyncKey")?.unwrap_or_default();
    let (contact_list, bad_contacts) = partition(m.list("ContactList", format, "UserName")?);
    let count = |name| m.optional::<Count>(name).map_or(0, |n| n.0);
    let unsigned = |name| m.optional::<Unsigned>(name).map_or(0, |n| n.0);
    let signed = |name| m.optional::<Signed>(name).map_or(0, |n| n.0);
    Ok(InitResponse {
        base_response,
        count: count("Count"),
        contact_list,
        sync_key,
        user,
        chat_set: m
            .optional::<Text>("ChatSet")
            .map(|t| t.0)
            .unwrap_or_default(),
        skey: m.optional::<Secret<String>>("SKey").unwrap_or_default(),
        client_version: unsigned("ClientVersion"),
        system_time: signed("SystemTime"),
        gray_scale: signed("GrayScale"),
        invite_start_count: count("InviteStartCount"),
        mp_subscribe_msg_count: count("MPSubscribeMsgCount"),
        mp_subscribe_msg_list: m
            .optional::<Vec<MpSubscribeMsg>>("MPSubscribeMsgList")
            .unwrap_or_default(),
        click_report_interval: unsigned("ClickReportInterval"),
        bad_contacts,
    })
}
