//! [`Command`]s a user submits, their [`OpId`], typed results and errors, and the
//! [`UsageError`] for API misuse.

use crate::error::ParseError;
use crate::ret_code::RetCode;

use super::request::{Failure, RequestId};

/// Names one user operation (which may span several requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpId(pub u64);

/// An operation on a running session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// Send a text message (plain UTF-8, `\n` for new lines).
    SendText {
        /// The receiver's UserName (`@…`, `@@…` or `filehelper`).
        to: String,
        /// The text.
        text: String,
    },
    /// Mark a chat as read (webwxstatusnotify Code 1).
    MarkRead {
        /// The chat's UserName.
        chat: String,
    },
    /// Revoke a message you sent (within 2 minutes).
    Revoke {
        /// The chat it was sent to.
        to: String,
        /// The server's `MsgID` from the send result.
        msg_id: String,
        /// The `ClientMsgId` from the send result.
        client_msg_id: String,
    },
    /// Send an image again by its XML (a received, or revoked, image), without uploading.
    ForwardImage {
        /// The receiver.
        to: String,
        /// The image message's Content (the `<msg><img …/></msg>` XML or the `@…` token),
        /// as in `Message::content`.
        content: String,
    },
    /// Set a contact's remark name (webwxoplog CmdId 2).
    SetRemark {
        /// The contact.
        user: String,
        /// The new remark.
        remark: String,
    },
    /// Rename a group (webwxupdatechatroom fun=modtopic).
    RenameGroup {
        /// The group (`@@…`).
        group: String,
        /// The new name.
        topic: String,
    },
    /// Log out (webwxlogout); the session ends with `LogoutReason::UserRequested`.
    Logout,
}

/// A successful operation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpOutput {
    /// A message was sent: keep both ids to revoke it.
    Sent {
        /// The server's `MsgID`.
        msg_id: String,
        /// The `ClientMsgId`/`LocalID` that was sent.
        client_msg_id: String,
    },
    /// Done, nothing to report.
    Done,
}

/// A failed operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpError {
    /// 1201: the group no longer exists.
    #[error("the group no longer exists")]
    GroupGone,
    /// 1204: the server refused the send.
    #[error("the server refused the operation")]
    Refused,
    /// 1205: rate limited.
    #[error("rate limited by the server")]
    Throttled,
    /// Another non-zero code, with the server's message.
    #[error("server answered {code:?}: {message}")]
    Server {
        /// The code.
        code: RetCode,
        /// `ErrMsg`.
        message: String,
    },
    /// No response.
    #[error("transport failure: {0:?}")]
    Transport(Failure),
    /// An HTTP status other than 200.
    #[error("HTTP status {0}")]
    HttpStatus(u16),
    /// The answer did not parse.
    #[error("malformed answer: {0}")]
    Malformed(ParseError),
    /// The session ended before the operation finished.
    #[error("the session ended")]
    SessionEnded,
}

impl OpError {
    pub(crate) fn from_code(code: RetCode, message: String) -> Self {
        match code {
            RetCode::ChatRoomGone => OpError::GroupGone,
            RetCode::SendRejected => OpError::Refused,
            RetCode::Throttled => OpError::Throttled,
            code => OpError::Server { code, message },
        }
    }
}

/// The caller misused the API (never caused by the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UsageError {
    /// The command needs a running session (after `LoggedIn`, before `LoggedOut`).
    #[error("the command needs a running session")]
    NotRunning,
    /// The session ended.
    #[error("the session ended")]
    SessionEnded,
    /// `login_again` while a session is still running or logging in (it takes an ended one).
    #[error("a session is still running: log out first")]
    StillRunning,
    /// A response or failure for a request id the core never issued.
    #[error("unknown request id {}", .0.0)]
    UnknownRequest(RequestId),
    /// An argument is empty or invalid (e.g. an empty receiver).
    #[error("invalid argument: {0}")]
    InvalidArgument(&'static str),
}
