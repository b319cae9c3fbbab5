//! [`Command`]s a user submits, their [`OpId`], typed results and errors, and the
//! [`UsageError`] for API misuse.

use crate::error::ParseError;
use crate::ret_code::RetCode;

use super::media::{Download, MediaLimit, Upload};
use super::request::{Failure, RequestId};
use crate::model::Message;

/// Names one user operation (which may span several requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpId(pub u64);

/// An operation on a running session.
#[derive(Debug, Clone, PartialEq)]
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
    /// Send a file: an image, a video, an attachment or a GIF (webwxcheckupload above
    /// 25 MB, webwxuploadmedia in 512 KiB chunks, then the send for its kind). The op asks
    /// for the file's bytes with `Event::DataWanted` (answer with `Client::handle_data`),
    /// reports `Event::Progress` per chunk, and ends `Sent`.
    SendMedia {
        /// The receiver.
        to: String,
        /// The file.
        upload: Upload,
    },
    /// Send a sticker by its md5 (webwxsendemoticon `EMoticonMd5`), e.g. a received one's
    /// (`Emoticon::forward_md5`).
    SendSticker {
        /// The receiver.
        to: String,
        /// The sticker's md5.
        md5: String,
    },
    /// Forward a received message with `Scene` 2, without uploading: a text, an image (its
    /// XML), a video, a file attachment (its appmsg with the MediaId as attachid), a
    /// sticker (its md5).
    Forward {
        /// The receiver.
        to: String,
        /// The received message.
        message: Box<Message>,
    },
    /// Create a group with at least two other members (webwxcreatechatroom); the new group
    /// joins the contact book. Ends `GroupCreated`.
    CreateGroup {
        /// Its name (may be empty: the server names it after the members).
        topic: String,
        /// The members' UserNames (friends).
        members: Vec<String>,
    },
    /// Add members to a group (webwxupdatechatroom addmember, or invitemember once the
    /// group has `InviteStartCount` members or more, from webwxinit). Ends `Members`.
    AddMembers {
        /// The group (`@@…`).
        group: String,
        /// The members to add.
        members: Vec<String>,
    },
    /// Remove members from a group you own (webwxupdatechatroom delmember). Ends `Members`.
    RemoveMembers {
        /// The group.
        group: String,
        /// The members to remove.
        members: Vec<String>,
    },
    /// Leave a group (webwxupdatechatroom quitchatroom).
    QuitGroup {
        /// The group.
        group: String,
    },
    /// Accept a friend request (webwxverifyuser Opcode 3), with the `UserName` and `Ticket`
    /// of its MsgType 37 message (see `Command::accept`). The new friend is fetched.
    AcceptFriend {
        /// The requester's UserName (`RecommendInfo.UserName`).
        user_name: String,
        /// `RecommendInfo.Ticket`.
        ticket: String,
    },
    /// Send a friend request (webwxverifyuser Opcode 2) with a greeting. The server may
    /// refuse it on web accounts (protocol.md §9.2).
    AddFriend {
        /// The user's UserName.
        user_name: String,
        /// The greeting shown with the request.
        greeting: String,
    },
    /// Pin a chat to the top of the list, or unpin it (webwxoplog CmdId 3; the current
    /// remark is sent along, since leaving it out clears it).
    Pin {
        /// The contact or group.
        user: String,
        /// Pin (`true`) or unpin.
        pinned: bool,
    },
    /// Fetch group members' full profiles (webwxbatchgetcontact with the group as
    /// `EncryChatRoomId`, 50 a request): nicknames the member list lacks fill the book, and
    /// the op ends `Profiles`. No members named: every known member but you.
    FetchMembers {
        /// The group (`@@…`).
        group: String,
        /// The members' UserNames (empty: all known members).
        members: Vec<String>,
    },
    /// Download a message's media or an avatar. The body goes to the driver's writer as it
    /// arrives (the request's `sink` names the op); the op ends `Downloaded`.
    Download(Download),
}

impl Command {
    /// The command that accepts the friend request `message` (MsgType 37), if it is one.
    pub fn accept(message: &Message) -> Option<Command> {
        let info = &message.raw.recommend_info;
        let is_request = message.raw.msg_type == 37;
        (is_request && !info.user_name.is_empty()).then(|| Command::AcceptFriend {
            user_name: info.user_name.clone(),
            ticket: info.ticket.clone(),
        })
    }
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
    /// A group was created.
    GroupCreated {
        /// Its UserName (`@@…`).
        group: String,
        /// The members the server did not add (a `MemberStatus` other than 0, or left out of
        /// a -2013 answer).
        failed: Vec<String>,
    },
    /// Members were added, invited or removed; -2013 and a partial list are partial
    /// successes.
    Members {
        /// The members the change applied to.
        done: Vec<String>,
        /// The members it did not (a `MemberStatus` other than 0, or left out of a -2013
        /// answer).
        failed: Vec<String>,
        /// The server was asked to invite (an invitation card) rather than add.
        invited: bool,
    },
    /// Group members' profiles (`Command::FetchMembers`), as the server gave them: only
    /// members asked about, in the server's order; a member it did not answer for is
    /// missing.
    Profiles(Vec<crate::model::Contact>),
    /// A download ended: its body went to the driver's writer.
    Downloaded {
        /// Bytes written.
        bytes: u64,
        /// The answer's `Content-Type`, when it had one.
        content_type: Option<String>,
        /// The file name of the answer's `Content-Disposition`, as sent (make it safe with
        /// `model::safe_file_name` before using it as a path).
        file_name: Option<String>,
    },
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
    /// The server has nothing to download there: an empty or HTML answer (store stickers,
    /// expired media), after the retries where peers found it transient (avatars).
    #[error("the server has nothing to download for this")]
    NotDownloadable,
    /// The upload ended without a MediaId from the server.
    #[error("the server gave no MediaId for the upload")]
    NoMediaId,
    /// The driver could not read the file to upload (or it changed size).
    #[error("the file to upload could not be read")]
    DataUnavailable,
    /// The command names a group or contact the book does not hold.
    #[error("not in the contact book")]
    UnknownChat,
    /// `Client::cancel` ended the operation.
    #[error("cancelled")]
    Cancelled,
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
    /// A media command the server would refuse (empty or too large a file).
    #[error("{0}")]
    Media(MediaLimit),
    /// Data for an op that asked for none at this offset and length, or for an op that is
    /// not an upload.
    #[error("data the op did not ask for")]
    UnexpectedData,
}
