//! [`Event`]: what the core tells its user, each handed out once by `poll_event`.

use std::time::Duration;

use crate::error::ParseError;
use crate::model::Contact;
use crate::model::Message;
use crate::parse::BadElement;
use crate::ret_code::RetCode;

use super::command::{OpError, OpId, OpOutput};
use super::request::Failure;
use crate::Endpoint;

/// Something happened.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// A QR code to show: encode `qr_text`, or fetch `image_url`.
    QrCode {
        /// The login uuid.
        uuid: String,
        /// The text to draw as a QR code (`https://login.weixin.qq.com/l/{uuid}`).
        qr_text: String,
        /// Where the server's own QR image is.
        image_url: String,
        /// 0 for the first code, then 1, 2, … for renewals after expiry.
        renewal: u32,
    },
    /// The code was scanned; the phone now asks its user to confirm.
    Scanned {
        /// The avatar image the server sent (JPEG bytes), when it sent one.
        avatar: Option<Vec<u8>>,
    },
    /// The phone confirmed; credentials are being fetched.
    Confirmed,
    /// The server refused the login (1203 and others); the session ends next.
    LoginRefused {
        /// The code.
        code: RetCode,
        /// The server's message, for the user.
        message: String,
    },
    /// webwxinit succeeded: the session is running (messages may arrive from now on).
    LoggedIn {
        /// Your uin.
        uin: crate::secret::Uin,
        /// Your session UserName.
        user_name: String,
        /// Your nickname.
        nick_name: String,
    },
    /// The contact list is loaded (pages and groups' members).
    Ready {
        /// Known contacts, groups included.
        contacts: usize,
        /// Known groups.
        groups: usize,
    },
    /// A message arrived (never twice).
    Message {
        /// The decoded message.
        message: Box<Message>,
        /// Created before this session started (replayed by the server).
        history: bool,
    },
    /// Contacts added or changed (sync pushes and batch fetches).
    ContactsChanged(Vec<Contact>),
    /// Contacts deleted (their UserNames).
    ContactsDeleted(Vec<String>),
    /// Your own profile changed.
    ProfileChanged {
        /// The new nickname, when it changed.
        nick_name: Option<String>,
        /// The new avatar path, when it changed.
        head_img_url: Option<crate::parse::RedactedUrl>,
    },
    /// How this login is proceeding: a saved session resumed (`Hot`), the phone was asked to
    /// confirm (`Push`), or a QR code is needed (`Qr`).
    LoginPath(LoginPath),
    /// The state worth saving changed (see `Client::snapshot`): save a new snapshot.
    SnapshotChanged(SnapshotReason),
    /// A command finished.
    OpDone {
        /// The command's id.
        op: OpId,
        /// Its result.
        result: Result<OpOutput, OpError>,
    },
    /// An upload wants the bytes `offset..offset + len` of its file: answer with
    /// `Client::handle_data(op, offset, bytes, now)` (exactly `len` bytes), or
    /// `Client::handle_data_failure` when they cannot be read. Asked once at a time per op,
    /// in order (a first pass over the file computes its MD5 when none was given; a chunk
    /// the server failed is asked again).
    DataWanted {
        /// The upload.
        op: OpId,
        /// Where the bytes start.
        offset: u64,
        /// How many (at most 512 KiB).
        len: usize,
    },
    /// An upload advanced by a chunk: `done` of `total` bytes. A download reports once,
    /// when its body is complete (`done` = `total` = the bytes written; the driver sees
    /// the bytes as they arrive).
    Progress {
        /// The op.
        op: OpId,
        /// Bytes done.
        done: u64,
        /// Bytes in all.
        total: u64,
    },
    /// Something went wrong and the core is handling it (retrying, skipping one message).
    Problem(Problem),
    /// The session ended; no more requests will be issued.
    LoggedOut(LogoutReason),
}

/// The ways a session gets its credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginPath {
    /// A restored snapshot is being verified (webwxinit with the saved credentials).
    Hot,
    /// Push login: the phone shows a confirmation prompt, no scan needed.
    Push,
    /// A QR code login.
    Qr,
}

/// Why a snapshot is worth saving again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotReason {
    /// A login (or a resume) completed.
    LoggedIn,
    /// The server set new cookies.
    Cookies,
    /// The skey rotated.
    SkeyRotated,
    /// The sync keys advanced (reported at most once per `Config::snapshot_interval`).
    SyncKey,
    /// The recent-chat list paired new stable names with UserNames (the snapshot keeps
    /// them for [`ContactKey`](crate::model::ContactKey)s).
    StableNames,
}

/// A trouble the core recovers from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What went wrong.
    pub kind: ProblemKind,
    /// The endpoint involved.
    pub request: Endpoint,
    /// When the core retries, if it does.
    pub retry_in: Option<Duration>,
}

/// The kinds of trouble.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProblemKind {
    /// No response (timeout, connection, TLS, I/O).
    Transport(Failure),
    /// An HTTP status the endpoint does not answer with.
    HttpStatus(u16),
    /// A body that does not parse.
    Malformed(ParseError),
    /// One malformed message inside an otherwise good webwxsync body: its siblings were
    /// delivered and the keys advanced. Carries its MsgId when it could be read (a message
    /// the server sends again with the same MsgId is reported once).
    MalformedMessage(BadElement),
    /// One malformed contact inside an otherwise good body (a webwxsync ModContactList or
    /// DelContactList entry, a contact page, webwxbatchgetcontact, webwxinit's list): the
    /// other contacts were applied. Carries its UserName when it could be read.
    MalformedContact(BadElement),
    /// A server code that is neither success nor a logout.
    Server(RetCode),
    /// The server rate-limited the session (1205).
    Throttled,
    /// The sync loop failed repeatedly: webwxinit runs again.
    Reinitialising,
    /// The first synccheck answered 1100: trying another webpush host.
    ProbingPushHost,
    /// The server makes the sync loop spin without news: the loop now waits between
    /// rounds (`retry_in`), longer while the pattern lasts. Raised once per pattern.
    Stalled(Stall),
    /// The cookie jar skipped a `Set-Cookie` (unparsable, too large, another domain's) or
    /// dropped old cookies to stay within its limits; the response was otherwise handled.
    /// Raised once per kind and session.
    Cookie(super::CookieProblem),
}

/// The ways a server can make the sync loop spin without delivering anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stall {
    /// synccheck answers selector 0 at once instead of holding the poll.
    PollNotHeld,
    /// synccheck announces news (selector 2, 3, 6, 7, …) that webwxsync does not bring:
    /// no new message, no contact or profile change (the keys may or may not move).
    EmptySync,
    /// webwxsync keeps answering `ContinueFlag` 1 without bringing anything new.
    ContinueWithoutProgress,
}

impl Stall {
    /// A short English description, for logs and the CLI.
    pub fn describe(self) -> &'static str {
        match self {
            Stall::PollNotHeld => "synccheck answers at once instead of holding the poll",
            Stall::EmptySync => "synccheck announces news that webwxsync does not bring",
            Stall::ContinueWithoutProgress => "webwxsync keeps asking to continue with nothing new",
        }
    }
}

/// Why a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogoutReason {
    /// You asked (the Logout command).
    UserRequested,
    /// 1100: logged out on the phone (or the session is gone).
    PhoneLoggedOut,
    /// 1101: the session is invalid (logged in elsewhere).
    SessionInvalid,
    /// 1102: kicked (cookies invalid, or quit on the phone).
    Kicked,
    /// The login was refused (see the `LoginRefused` event).
    LoginRefused(RetCode),
    /// The login needs a browser (a security check page).
    NeedsBrowser,
    /// The QR code expired more times than the config allows.
    QrExpired,
    /// webwxinit kept failing.
    InitFailed,
    /// The login redirect pointed at a host the session's credentials may not go to
    /// (see [`UntrustedHost`](super::UntrustedHost)); nothing was sent there.
    UntrustedHost(super::UntrustedHost),
}

impl LogoutReason {
    /// The reason for a logout code (1100, 1101, 1102).
    pub(crate) fn from_code(code: RetCode) -> Self {
        match code {
            RetCode::SessionNotExist => LogoutReason::PhoneLoggedOut,
            RetCode::SessionInvalid => LogoutReason::SessionInvalid,
            _ => LogoutReason::Kicked,
        }
    }
}
