//! Contact and group management answers: webwxrevokemsg, webwxoplog, webwxverifyuser,
//! webwxcreatechatroom, webwxupdatechatroom.

use serde::Deserialize;

use super::common::{BaseOnly, BaseResponse, from_body};
use super::contact::Member;
use super::lenient;
use crate::error::{Endpoint, ParseError};

/// webwxrevokemsg answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevokeResponse {
    /// `BaseResponse`.
    pub base_response: BaseResponse,
    /// `Introduction` (the 2-minute rule, in the server's words).
    #[serde(default, deserialize_with = "lenient::string")]
    pub introduction: String,
    /// `SysWording`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub sys_wording: String,
}

/// Parses a webwxrevokemsg body.
pub fn parse_revoke(body: &[u8]) -> Result<RevokeResponse, ParseError> {
    from_body(body, Endpoint::Revoke)
}

/// Parses a webwxoplog body (remark, pin).
pub fn parse_oplog(body: &[u8]) -> Result<BaseOnly, ParseError> {
    from_body(body, Endpoint::OpLog)
}

/// Parses a webwxverifyuser body (friend requests).
pub fn parse_verify_user(body: &[u8]) -> Result<BaseOnly, ParseError> {
    from_body(body, Endpoint::VerifyUser)
}

/// webwxupdatechatroom answer (addmember, invitemember, delmember, modtopic, quitchatroom).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateChatRoomResponse {
    /// `BaseResponse` (-2013 on addmember is treated as success by the official client).
    pub base_response: BaseResponse,
    /// `MemberCount`.
    #[serde(default, deserialize_with = "lenient::u32")]
    pub member_count: u32,
    /// `MemberList`.
    #[serde(default)]
    pub member_list: Vec<Member>,
}

/// Parses a webwxupdatechatroom body.
pub fn parse_update_chat_room(body: &[u8]) -> Result<UpdateChatRoomResponse, ParseError> {
    from_body(body, Endpoint::UpdateChatRoom)
}

/// webwxcreatechatroom answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateChatRoomResponse {
    /// `BaseResponse`.
    pub base_response: BaseResponse,
    /// `Topic`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub topic: String,
    /// `PYInitial`.
    #[serde(rename = "PYInitial", default, deserialize_with = "lenient::string")]
    pub py_initial: String,
    /// `QuanPin`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub quan_pin: String,
    /// `MemberCount`.
    #[serde(default, deserialize_with = "lenient::u32")]
    pub member_count: u32,
    /// `MemberList`.
    #[serde(default)]
    pub member_list: Vec<Member>,
    /// The new group's UserName (`@@…`).
    #[serde(default, deserialize_with = "lenient::string")]
    pub chat_room_name: String,
    /// `BlackList`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub black_list: String,
}

/// Parses a webwxcreatechatroom body.
pub fn parse_create_chat_room(body: &[u8]) -> Result<CreateChatRoomResponse, ParseError> {
    from_body(body, Endpoint::CreateChatRoom)
}
