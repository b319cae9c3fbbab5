//! One state machine per operation. An op is created from its [`Command`], started, fed the
//! answers to its own requests and its own timers, and answers each with [`Step`]s the
//! engine applies (`client/ops.rs`): send this request, wake me at, report this problem,
//! done with this result. An op owns its state (a `ClientMsgId`, later an upload's
//! position); the engine owns the table `OpId -> OpState`, the in-flight slots and the send
//! pace. A new operation is one file here (its state, `start`, `on_response`, `on_timer`)
//! plus its request builder in `build/`.

mod check;
mod download;
mod forward;
mod group;
mod logout;
mod members;
mod message;
mod one_request;
mod upload;

use std::time::Instant;

use super::command::{Command, OpError, OpOutput, UsageError};
use super::core::Outcome;
use super::event::{LogoutReason, ProblemKind};
use super::rng::Rng;
use super::triage::{Verdict, verdict};
use crate::Endpoint;
use crate::build::{Creds, Ctx};
use crate::error::ParseError;
use crate::model::{Contact, ContactBook};
use crate::parse::BaseResponse;

/// What an op asks the engine to do, in order.
#[derive(Debug)]
pub(super) enum Step {
    /// Send this request on the op's behalf; its answer comes back to `on_response`.
    Send(Endpoint, http::Request<Vec<u8>>),
    /// Call `on_timer` at this time.
    WakeAt(Instant),
    /// Ask the driver for bytes `offset..offset + len` of the op's file
    /// (`Event::DataWanted`); they come back to `on_data`.
    WantData {
        /// Where they start.
        offset: u64,
        /// How many.
        len: usize,
    },
    /// Report progress (`Event::Progress`).
    Progress {
        /// Bytes done.
        done: u64,
        /// Bytes in all.
        total: u64,
    },
    /// Report a problem (the op goes on or ends by its other steps).
    Problem(ProblemKind, Endpoint),
    /// The server answered 1205: a paced send waits for the pause and starts again; any
    /// other op fails `Throttled`.
    Throttled(Endpoint),
    /// A message of our own was sent with this `MsgID`: its echo through webwxsync is no
    /// message to deliver.
    OwnMessage(String),
    /// Fetch this contact or group again (webwxbatchgetcontact): it changed.
    Refresh(String),
    /// Profiles of members of this group came: their nicknames fill the book.
    Profiles(String, Vec<Contact>),
    /// Logout begins: the lane and the contact loader stop, other answers are ignored.
    BeginLogout,
    /// The op ended with this result (exactly once per op).
    Done(Result<OpOutput, OpError>),
    /// The answer says the session is over; comes after the op's `Done`.
    EndSession(LogoutReason),
}

/// What an op may read while it decides: the builders' context, the session's credentials
/// (`None` before a login completes), who we are, the seeded PRNG, the session's upload
/// counter and the `webwx_data_ticket` cookie, and the time.
pub(super) struct OpCx<'a> {
    pub(super) ctx: Ctx<'a>,
    pub(super) creds: Option<&'a Creds>,
    /// Our own UserName (empty before webwxinit).
    pub(super) me: &'a str,
    pub(super) rng: &'a mut Rng,
    /// The `n` of the next upload's `WU_FILE_<n>` (counts per session).
    pub(super) uploads: &'a mut u64,
    /// The `webwx_data_ticket` cookie's value (empty when the jar has none).
    pub(super) data_ticket: &'a str,
    /// The input's time.
    pub(super) now: Instant,
    /// The contact book (empty before a login).
    pub(super) book: &'a ContactBook,
    /// webwxinit's `InviteStartCount`.
    pub(super) invite_start_count: u32,
}

impl OpCx<'_> {
    /// A `ClientMsgId`/`LocalID`: the 13-digit wall-clock ms and 4 random digits, the first
    /// `0` as in the official client.
    pub(super) fn client_msg_id(&mut self) -> String {
        format!("{}0{}", self.ctx.wall_ms, self.rng.digits(3))
    }
}

/// The state of one operation.
#[derive(Debug)]
pub(super) enum OpState {
    /// A message send (text, forwarded image).
    Message(message::SendMessage),
    /// One request whose answer is a `BaseResponse` (mark read, revoke, remark, rename).
    OneRequest(one_request::OneRequest),
    /// Logging out.
    Logout(logout::Logout),
    /// Sending a file (upload, then the send for its kind).
    Upload(Box<upload::SendFile>),
    /// Forwarding a received message.
    Forward(forward::Forward),
    /// A download.
    Download(download::GetMedia),
    /// Creating a group, or changing its members.
    Group(group::GroupOp),
    /// Fetching members' profiles.
    Members(members::FetchMembers),
}

impl OpState {
    /// The op for a command, or why the command is refused (an empty receiver, a file the
    /// server would not take).
    pub(super) fn new(command: Command) -> Result<OpState, UsageError> {
        check::check(&command)?;
        Self::make(command)
    }

    /// The op of a checked command (a forward is refused here, where what it sends is
    /// worked out once).
    fn make(command: Command) -> Result<OpState, UsageError> {
        Ok(match command {
            Command::SendText { to, text } => {
                OpState::Message(message::SendMessage::text(to, text))
            }
            Command::ForwardImage { to, content } => {
                OpState::Message(message::SendMessage::forward_image(to, content))
            }
            Command::Logout => OpState::Logout(logout::Logout),
            Command::SendMedia { to, upload } => {
                OpState::Upload(Box::new(upload::SendFile::new(to, upload)))
            }
            Command::SendSticker { to, md5 } => OpState::Forward(forward::Forward::new(
                to,
                forward::Forwarded {
                    endpoint: Endpoint::SendEmoticon,
                    msg_type: 47,
                    content: String::new(),
                    emoticon_md5: Some(md5),
                },
            )),
            Command::Forward { to, message } => {
                let what = forward::what(&message)
                    .ok_or(UsageError::Media(super::media::MediaLimit::NotForwardable))?;
                OpState::Forward(forward::Forward::new(to, what))
            }
            Command::Download(what) => OpState::Download(download::GetMedia::new(what)),
            Command::CreateGroup { topic, members } => {
                OpState::Group(group::GroupOp::create(topic, members))
            }
            Command::AddMembers { group, members } => {
                OpState::Group(group::GroupOp::add(group, members))
            }
            Command::RemoveMembers { group, members } => {
                OpState::Group(group::GroupOp::remove(group, members))
            }
            Command::QuitGroup { group } => OpState::Group(group::GroupOp::quit(group)),
            Command::FetchMembers { group, members } => {
                OpState::Members(members::FetchMembers::new(group, members))
            }
            other => OpState::OneRequest(one_request::OneRequest::new(other)),
        })
    }

    /// The chat a message send goes to: such ops keep the send pace (an upload's send does
    /// not wait: the upload took its time).
    pub(super) fn paced_chat(&self) -> Option<&str> {
        match self {
            OpState::Message(m) => Some(m.to()),
            OpState::Forward(f) => Some(f.to()),
            _ => None,
        }
    }

    /// Whether it is the logout (it takes no in-flight slot and outlives `LoggingOut`).
    pub(super) fn is_logout(&self) -> bool {
        matches!(self, OpState::Logout(_))
    }

    /// Starts (or, after a 1205 pause, starts again).
    pub(super) fn start(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        match self {
            OpState::Message(op) => op.start(cx),
            OpState::OneRequest(op) => op.start(cx),
            OpState::Logout(op) => op.start(cx),
            OpState::Upload(op) => op.start(cx),
            OpState::Forward(op) => op.start(cx),
            OpState::Download(op) => op.start(cx),
            OpState::Group(op) => op.start(cx),
            OpState::Members(op) => op.start(cx),
        }
    }

    /// The answer to one of its requests.
    pub(super) fn on_response(
        &mut self,
        cx: &mut OpCx<'_>,
        endpoint: Endpoint,
        outcome: Outcome,
    ) -> Vec<Step> {
        match self {
            OpState::Message(op) => op.on_response(endpoint, outcome),
            OpState::OneRequest(op) => op.on_response(endpoint, outcome),
            OpState::Logout(op) => op.on_response(endpoint, outcome),
            OpState::Upload(op) => op.on_response(cx, endpoint, outcome),
            OpState::Forward(op) => op.on_response(endpoint, outcome),
            OpState::Download(op) => op.on_response(cx, endpoint, outcome),
            OpState::Group(op) => op.on_response(endpoint, outcome),
            OpState::Members(op) => op.on_response(cx, endpoint, outcome),
        }
    }

    /// A timer it asked for (`Step::WakeAt`) is due.
    pub(super) fn on_timer(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        match self {
            OpState::Upload(op) => op.on_timer(cx),
            OpState::Download(op) => op.on_timer(cx),
            _ => Vec::new(),
        }
    }

    /// Bytes of its file it asked for (`Step::WantData`). `Err` when it asked for none at
    /// `offset` with this length (the op goes on).
    pub(super) fn on_data(
        &mut self,
        cx: &mut OpCx<'_>,
        offset: u64,
        bytes: &[u8],
    ) -> Result<Vec<Step>, UsageError> {
        let steps = match self {
            OpState::Upload(op) => op.on_data(cx, offset, bytes),
            _ => None,
        };
        steps.ok_or(UsageError::UnexpectedData)
    }

    /// The driver could not read the bytes it asked for.
    pub(super) fn on_data_failure(&mut self) -> Vec<Step> {
        vec![Step::Done(Err(OpError::DataUnavailable))]
    }

    /// `Client::cancel`: ends now (an answer still in flight is ignored when it comes);
    /// the logout goes on.
    pub(super) fn cancel(&mut self) -> Vec<Step> {
        if self.is_logout() {
            return Vec::new();
        }
        vec![Step::Done(Err(OpError::Cancelled))]
    }
}

/// The common reading of an op's answer: a 2xx body that parses, whose `BaseResponse` says
/// 0. Anything else becomes the steps that end the op (a 1205 is left to the engine, a
/// logout code ends the session, a malformed body is also reported).
pub(super) fn read_answer<T>(
    endpoint: Endpoint,
    outcome: Outcome,
    parse: impl FnOnce(&[u8]) -> Result<T, ParseError>,
    base: impl FnOnce(&T) -> &BaseResponse,
) -> Result<T, Vec<Step>> {
    let body = match outcome {
        Outcome::Response {
            status: 200..=299,
            body,
        } => body,
        Outcome::Response { status, .. } => {
            return Err(vec![Step::Done(Err(OpError::HttpStatus(status)))]);
        }
        Outcome::Streamed(s) => {
            return Err(vec![Step::Done(Err(OpError::HttpStatus(s.status)))]);
        }
        Outcome::Failure(f) => return Err(vec![Step::Done(Err(OpError::Transport(f)))]),
    };
    let parsed = match parse(&body) {
        Ok(p) => p,
        Err(e) => {
            return Err(vec![
                Step::Problem(ProblemKind::Malformed(e), endpoint),
                Step::Done(Err(OpError::Malformed(e))),
            ]);
        }
    };
    let BaseResponse { ret, err_msg } = base(&parsed);
    match verdict(*ret) {
        Verdict::Ok => Ok(parsed),
        Verdict::Logout(reason) => Err(vec![
            Step::Done(Err(OpError::SessionEnded)),
            Step::EndSession(reason),
        ]),
        Verdict::Throttled => Err(vec![Step::Throttled(endpoint)]),
        Verdict::Failed(code) => Err(vec![Step::Done(Err(OpError::from_code(
            code,
            err_msg.clone(),
        )))]),
    }
}

/// The steps of an op that cannot start: the session it needs is gone.
pub(super) fn no_session() -> Vec<Step> {
    vec![Step::Done(Err(OpError::SessionEnded))]
}

#[cfg(test)]
mod tests;
