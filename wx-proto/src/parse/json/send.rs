//! The answers of the send endpoints (webwxsendmsg, …msgimg, …videomsg, …appmsg, …emoticon)
//! and of webwxstatusnotify.

use serde::Deserialize;

use super::common::{BaseResponse, from_body};
use super::lenient;
use crate::error::{Endpoint, ParseError};

/// The answer to a send: the server's id for the message and the echoed local id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendResponse {
    /// `BaseResponse`.
    pub base_response: BaseResponse,
    /// `MsgID` (a decimal string): the `SvrMsgId` to revoke with.
    #[serde(rename = "MsgID", default, deserialize_with = "lenient::string")]
    pub msg_id: String,
    /// `LocalID` (the `ClientMsgId` that was sent).
    #[serde(rename = "LocalID", default, deserialize_with = "lenient::string")]
    pub local_id: String,
}

/// Parses the body of any send endpoint.
pub fn parse_send(body: &[u8]) -> Result<SendResponse, ParseError> {
    from_body(body, Endpoint::SendMsg)
}

/// webwxstatusnotify answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatusNotifyResponse {
    /// `BaseResponse`.
    pub base_response: BaseResponse,
    /// `MsgID` (a decimal string).
    #[serde(rename = "MsgID", default, deserialize_with = "lenient::string")]
    pub msg_id: String,
}

/// Parses a webwxstatusnotify body.
pub fn parse_status_notify(body: &[u8]) -> Result<StatusNotifyResponse, ParseError> {
    from_body(body, Endpoint::StatusNotify)
}
