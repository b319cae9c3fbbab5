//! The tolerant readings of the contact pages (webwxgetcontact, webwxbatchgetcontact), for
//! bodies the one-pass reading refuses: each member and each contact is read from its own
//! span (see `tolerant`), so one poisoned contact costs only itself.
//!
//! `BaseResponse` is required; so is webwxgetcontact's `Seq` once present (a malformed one
//! would end the paging early and silently). A malformed count is dropped (0).

use serde::Deserialize;

use super::common::BaseResponse;
use super::contact::{BatchGetContactResponse, GetContactResponse};
use super::lenient;
use super::tolerant::{Members, partition};
use crate::error::{Endpoint, Format, ParseError};

/// A count or a sequence number as the page types read it.
#[derive(Deserialize)]
#[serde(transparent)]
struct Num(#[serde(deserialize_with = "lenient::u64")] u64);

/// A count as the page types read it.
#[derive(Deserialize)]
#[serde(transparent)]
struct Count(#[serde(deserialize_with = "lenient::u32")] u32);

/// Reads a webwxgetcontact body member by member.
pub(crate) fn get_contact(body: &[u8]) -> Result<GetContactResponse, ParseError> {
    let format = Format::Json(Endpoint::GetContact);
    let m = Members::scan(
        body,
        format,
        &["BaseResponse", "MemberCount", "MemberList", "Seq"],
    )?;
    let base_response = m.present::<BaseResponse>("BaseResponse")?;
    let seq = m.required::<Num>("Seq")?.map_or(0, |n| n.0);
    let (member_list, bad_contacts) = partition(m.list("MemberList", format, "UserName")?);
    Ok(GetContactResponse {
        base_response,
        member_count: m.optional::<Count>("MemberCount").map_or(0, |n| n.0),
        member_list,
        seq,
        bad_contacts,
    })
}

/// Reads a webwxbatchgetcontact body member by member.
pub(crate) fn batch_get_contact(body: &[u8]) -> Result<BatchGetContactResponse, ParseError> {
    let format = Format::Json(Endpoint::BatchGetContact);
    let m = Members::scan(body, format, &["BaseResponse", "Count", "ContactList"])?;
    let base_response = m.present::<BaseResponse>("BaseResponse")?;
    let (contact_list, bad_contacts) = partition(m.list("ContactList", format, "UserName")?);
    Ok(BatchGetContactResponse {
        base_response,
        count: m.optional::<Count>("Count").map_or(0, |n| n.0),
        contact_list,
        bad_contacts,
    })
}
