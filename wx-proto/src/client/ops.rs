//! Commands: validation per phase, the requests of each operation, and their typed results.

use std::time::Instant;

use super::triage::{Verdict, verdict};
use super::{
    Client, Command, Event, LogoutReason, OpError, OpId, OpOutput, Outcome, Phase, ProblemKind,
    Purpose, UsageError,
};
use crate::Endpoint;
use crate::build;
use crate::parse::{
    BaseResponse, parse_oplog, parse_revoke, parse_send, parse_status_notify,
    parse_update_chat_room,
};

impl Client {
    /// Checks that `command` may run now and gives it an id.
    pub(super) fn check_command(&mut self, command: &Command) -> Result<OpId, UsageError> {
        match self.phase {
            Phase::LoggedOut => return Err(UsageError::SessionEnded),
            Phase::LoggingOut => return Err(UsageError::SessionEnded),
            Phase::Running => {}
            _ if *command == Command::Logout => {}
            _ => return Err(UsageError::NotRunning),
        }
        let empty = |s: &str, what: &'static str| {
            if s.trim().is_empty() {
                Err(UsageError::InvalidArgument(what))
            } else {
                Ok(())
            }
        };
        match command {
            Command::SendText { to, text } => {
                empty(to, "to")?;
                empty(text, "text")?;
            }
            Command::MarkRead { chat } => empty(chat, "chat")?,
            Command::Revoke {
                to,
                msg_id,
                client_msg_id,
            } => {
                empty(to, "to")?;
                empty(msg_id, "msg_id")?;
                empty(client_msg_id, "client_msg_id")?;
            }
            Command::ForwardImage { to, content } => {
                empty(to, "to")?;
                empty(content, "content")?;
            }
            Command::SetRemark { user, .. } => empty(user, "user")?,
            Command::RenameGroup { group, topic } => {
                empty(group, "group")?;
                empty(topic, "topic")?;
            }
            Command::Logout => {}
        }
        let op = OpId(self.next_op);
        self.next_op += 1;
        Ok(op)
    }

    /// A `ClientMsgId`/`LocalID`: the 13-digit wall-clock ms and 4 random digits, the first
    /// `0` as in the official client.
    fn client_msg_id(&mut self, now: Instant) -> String {
        format!("{}0{}", self.wall_ms(now), self.rng.digits(3))
    }

    pub(super) fn start_op(&mut self, op: OpId, command: Command, now: Instant) {
        if command == Command::Logout {
            return self.start_logout(op, now);
        }
        let me = self
            .me
            .as_ref()
            .map(|m| m.user_name.clone())
            .unwrap_or_default();
        let client_msg_id = match &command {
            Command::SendText { .. } | Command::ForwardImage { .. } => self.client_msg_id(now),
            _ => String::new(),
        };
        let (ctx, creds) = self.ctx(now);
        let Some(creds) = creds else { return };
        let (kind, req) = match &command {
            Command::SendText { to, text } => (
                Endpoint::SendMsg,
                build::send_text(&ctx, creds, &me, to, text, &client_msg_id),
            ),
            Command::ForwardImage { to, content } => (
                Endpoint::SendMsgImg,
                build::forward_image(&ctx, creds, &me, to, content, &client_msg_id),
            ),
            Command::MarkRead { chat } => (
                Endpoint::StatusNotify,
                build::status_notify(&ctx, creds, 1, &me, chat),
            ),
            Command::Revoke {
                to,
                msg_id,
                client_msg_id,
            } => (
                Endpoint::Revoke,
                build::revoke(&ctx, creds, to, msg_id, client_msg_id),
            ),
            Command::SetRemark { user, remark } => (
                Endpoint::OpLog,
                build::set_remark(&ctx, creds, user, remark),
            ),
            Command::RenameGroup { group, topic } => (
                Endpoint::UpdateChatRoom,
                build::rename_group(&ctx, creds, group, topic),
            ),
            Command::Logout => return,
        };
        self.send(kind, req, Purpose::Op(op), now);
        if !client_msg_id.is_empty() {
            self.op_client_ids.insert(op, client_msg_id);
        }
    }

    fn start_logout(&mut self, op: OpId, now: Instant) {
        let (ctx, creds) = self.ctx(now);
        let Some(creds) = creds else {
            // Not logged in yet: nothing to tell the server.
            self.events.push_back(Event::OpDone {
                op,
                result: Ok(OpOutput::Done),
            });
            return self.end_session(LogoutReason::UserRequested);
        };
        let req = build::logout(&ctx, creds, 0);
        // Stop everything else: the lane and contact loading end here.
        self.timers.clear();
        self.phase = Phase::LoggingOut;
        self.send(Endpoint::Logout, req, Purpose::Op(op), now);
    }

    pub(super) fn on_op(&mut self, op: OpId, kind: Endpoint, outcome: Outcome, now: Instant) {
        if kind == Endpoint::Logout {
            // Whatever the answer (a redirect page), the session is over.
            self.events.push_back(Event::OpDone {
                op,
                result: Ok(OpOutput::Done),
            });
            return self.end_session(LogoutReason::UserRequested);
        }
        if self.phase == Phase::LoggingOut {
            self.events.push_back(Event::OpDone {
                op,
                result: Err(OpError::SessionEnded),
            });
            return;
        }
        let client_msg_id = self.op_client_ids.remove(&op).unwrap_or_default();
        let body = match outcome {
            Outcome::Response {
                status: 200..=299,
                body,
            } => body,
            Outcome::Response { status, .. } => {
                return self.op_done(op, Err(OpError::HttpStatus(status)));
            }
            Outcome::Failure(f) => return self.op_done(op, Err(OpError::Transport(f))),
        };
        let parsed: Result<(BaseResponse, Option<String>), _> = match kind {
            Endpoint::SendMsg | Endpoint::SendMsgImg => {
                parse_send(&body).map(|r| (r.base_response, Some(r.msg_id)))
            }
            Endpoint::StatusNotify => parse_status_notify(&body).map(|r| (r.base_response, None)),
            Endpoint::Revoke => parse_revoke(&body).map(|r| (r.base_response, None)),
            Endpoint::OpLog => parse_oplog(&body).map(|r| (r.base_response, None)),
            Endpoint::UpdateChatRoom => {
                parse_update_chat_room(&body).map(|r| (r.base_response, None))
            }
            _ => return,
        };
        let (base, msg_id) = match parsed {
            Ok(p) => p,
            Err(e) => {
                self.problem(ProblemKind::Malformed(e), kind, None);
                return self.op_done(op, Err(OpError::Malformed(e)));
            }
        };
        match verdict(base.ret) {
            Verdict::Ok => {}
            Verdict::Logout(reason) => {
                self.op_done(op, Err(OpError::SessionEnded));
                return self.end_session(reason);
            }
            Verdict::Throttled
                if let Some(pacing) = self.config.send_pacing
                    && self
                        .sends
                        .throttled(op, now, &pacing, self.config.backoff_cap) =>
            {
                // Paused and queued first again: the op goes on, its result comes later. The
                // pause is reported when it starts, not at every 1205 of the same pause.
                if self.sends.throttles_in_row() == 1 {
                    let retry_in = self
                        .next_send_at()
                        .map(|t| t.saturating_duration_since(now));
                    self.problem(ProblemKind::Throttled, kind, retry_in);
                }
                return;
            }
            Verdict::Throttled | Verdict::Failed(_) => {
                return self.op_done(op, Err(OpError::from_code(base.ret, base.err_msg)));
            }
        }
        let result = match msg_id {
            Some(msg_id) => {
                // The server echoes our own sends through webwxsync: not a message to
                // deliver, but a sign of a healthy loop (see `apply_sync`).
                self.seen.insert_own(&msg_id);
                OpOutput::Sent {
                    msg_id,
                    client_msg_id,
                }
            }
            None => OpOutput::Done,
        };
        self.op_done(op, Ok(result));
    }

    fn op_done(&mut self, op: OpId, result: Result<OpOutput, OpError>) {
        self.sends.answered(op);
        self.events.push_back(Event::OpDone { op, result });
    }
}
