//! The tolerant reading of a webwxsync body, for bodies the per-element reading refuses:
//! each member and each list element is read from its own span (see `tolerant`).
//!
//! `BaseResponse` and `SyncKey` are required for correctness: a malformed one (or a
//! missing `BaseResponse`) fails the body, since without `SyncKey` the keys cannot advance.
//! The lists keep their good elements; `Profile`, `ContinueFlag`, `SyncCheckKey` and `SKey`
//! are dropped when malformed.

use serde::Deserialize;

use super::common::{BaseResponse, SyncKey};
use super::lenient;
use super::sync::{Profile, SyncResponse};
use super::tolerant::{Members, partition};
use crate::error::{Endpoint, Format, ParseError};
use crate::secret::Secret;

const NAMES: &[&str] = &[
    "BaseResponse",
    "AddMsgList",
    "ModContactList",
    "DelContactList",
    "ModChatRoomMemberList",
    "Profile",
    "ContinueFlag",
    "SyncKey",
    "SyncCheckKey",
    "SKey",
];

/// `ContinueFlag` as the envelope reads it.
#[derive(Deserialize)]
#[serde(transparent)]
struct Int(#[serde(deserialize_with = "lenient::i64")] i64);

/// Reads `body` member by member.
pub(crate) fn parse(body: &[u8]) -> Result<SyncResponse, ParseError> {
    let m = Members::scan(body, Format::Json(Endpoint::Sync), NAMES)?;
    let base_response = m.present::<BaseResponse>("BaseResponse")?;
    let sync_key = m.required::<Option<SyncKey>>("SyncKey")?;
    let contact = Format::SyncContact;
    let add_msg_list = m.list("AddMsgList", Format::SyncMessage, "MsgId")?;
    let mod_contact_list = m.list("ModContactList", contact, "UserName")?;
    let (del_contact_list, bad_del_contacts) =
        partition(m.list("DelContactList", contact, "UserName")?);
    let mod_chat_room_member_list = m.list("ModChatRoomMemberList", contact, "UserName")?;
    Ok(SyncResponse {
        base_response,
        add_msg_list,
        mod_contact_list,
        mod_chat_room_member_list,
        del_contact_list,
        bad_del_contacts,
        profile: m.optional::<Option<Profile>>("Profile").flatten(),
        continue_flag: m.optional::<Int>("ContinueFlag").map_or(0, |f| f.0),
        sync_key: sync_key.flatten(),
        sync_check_key: m.optional::<Option<SyncKey>>("SyncCheckKey").flatten(),
        skey: m
            .optional::<Option<Secret<String>>>("SKey")
            .flatten()
            .filter(|s| !s.expose().is_empty()),
    })
}
