//! The operations of one request whose answer is only a `BaseResponse`: mark a chat read
//! (webwxstatusnotify Code 1), revoke (webwxrevokemsg), set a remark (webwxoplog CmdId 2),
//! pin (webwxoplog CmdId 3), rename a group (webwxupdatechatroom modtopic), accept or send
//! a friend request (webwxverifyuser Opcode 3 or 2; an accepted friend is fetched).

use super::{OpCx, Step, no_session, read_answer};
use crate::Endpoint;
use crate::build;
use crate::client::command::{Command, OpOutput};
use crate::client::core::Outcome;
use crate::parse::{
    parse_oplog, parse_revoke, parse_status_notify, parse_update_chat_room, parse_verify_user,
};

/// One of the commands above, waiting for its answer.
#[derive(Debug)]
pub(in crate::client) struct OneRequest {
    command: Command,
}

impl OneRequest {
    /// The op for one of the commands above (the others have their own ops).
    pub(super) fn new(command: Command) -> Self {
        Self { command }
    }

    pub(super) fn start(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        let Some(creds) = cx.creds else {
            return no_session();
        };
        let ctx = &cx.ctx;
        let (endpoint, request) = match &self.command {
            Command::MarkRead { chat } => (
                Endpoint::StatusNotify,
                build::status_notify(ctx, creds, 1, cx.me, chat),
            ),
            Command::Revoke {
                to,
                msg_id,
                client_msg_id,
            } => (
                Endpoint::Revoke,
                build::revoke(ctx, creds, to, msg_id, client_msg_id),
            ),
            Command::SetRemark { user, remark } => {
                (Endpoint::OpLog, build::set_remark(ctx, creds, user, remark))
            }
            Command::RenameGroup { group, topic } => (
                Endpoint::UpdateChatRoom,
                build::rename_group(ctx, creds, group, topic),
            ),
            Command::Pin { user, pinned } => {
                let remark = cx.book.get(user).map_or("", |c| c.remark_name.as_str());
                (
                    Endpoint::OpLog,
                    build::pin(ctx, creds, user, *pinned, remark),
                )
            }
            Command::AcceptFriend { user_name, ticket } => (
                Endpoint::VerifyUser,
                build::verify_user(ctx, creds, 3, user_name, ticket, ""),
            ),
            Command::AddFriend {
                user_name,
                greeting,
            } => (
                Endpoint::VerifyUser,
                build::verify_user(ctx, creds, 2, user_name, "", greeting),
            ),
            // Built by their own ops; never here.
            _ => return no_session(),
        };
        vec![Step::Send(endpoint, request)]
    }

    pub(super) fn on_response(&mut self, endpoint: Endpoint, outcome: Outcome) -> Vec<Step> {
        let answer = match endpoint {
            Endpoint::StatusNotify => {
                read_answer(endpoint, outcome, parse_status_notify, |r| &r.base_response).map(drop)
            }
            Endpoint::Revoke => {
                read_answer(endpoint, outcome, parse_revoke, |r| &r.base_response).map(drop)
            }
            Endpoint::OpLog => {
                read_answer(endpoint, outcome, parse_oplog, |r| &r.base_response).map(drop)
            }
            Endpoint::VerifyUser => {
                read_answer(endpoint, outcome, parse_verify_user, |r| &r.base_response).map(drop)
            }
            _ => read_answer(endpoint, outcome, parse_update_chat_room, |r| {
                &r.base_response
            })
            .map(drop),
        };
        match (answer, &self.command) {
            (Ok(()), Command::AcceptFriend { user_name, .. }) => vec![
                Step::Refresh(user_name.clone()),
                Step::Done(Ok(OpOutput::Done)),
            ],
            (Ok(()), _) => vec![Step::Done(Ok(OpOutput::Done))],
            (Err(steps), _) => steps,
        }
    }
}
