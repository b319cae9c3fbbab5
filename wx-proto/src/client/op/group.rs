//! Group management: creating a group (webwxcreatechatroom) and adding, inviting, removing
//! members or leaving (webwxupdatechatroom). The result rules are the official client's:
//! Ret 0 and -2013 both succeed, -2013 partly; a member whose `MemberStatus` is not 0, or who
//! is missing from a -2013 answer, is reported as failed. A changed or new group is fetched
//! again for the contact book.

use super::{OpCx, Step, no_session, read_answer};
use crate::Endpoint;
use crate::build::{self, MemberChange};
use crate::client::command::{OpError, OpOutput};
use crate::client::core::Outcome;
use crate::error::{ErrorKind, Format, ParseError};
use crate::parse::{BaseResponse, Member, parse_create_chat_room, parse_update_chat_room};
use crate::ret_code::RetCode;

/// The code of a partial success (some members were not added).
const PARTIAL: RetCode = RetCode::Unknown(-2013);

/// A `BaseResponse` that says 0, for an answer that succeeded partly.
static PARTLY_OK: BaseResponse = BaseResponse {
    ret: RetCode::Ok,
    err_msg: String::new(),
};

/// The answer's `BaseResponse`, read as 0 when it is the partial success -2013.
fn partial_ok(base: &BaseResponse) -> &BaseResponse {
    if base.ret == PARTIAL {
        &PARTLY_OK
    } else {
        base
    }
}

/// What the op does.
#[derive(Debug)]
enum Kind {
    Create {
        topic: String,
    },
    /// Add, or invite when the group is large: decided at the start.
    Add,
    Remove,
    Quit,
}

/// A group operation in progress.
#[derive(Debug)]
pub(in crate::client) struct GroupOp {
    kind: Kind,
    group: String,
    members: Vec<String>,
    /// Members are invited rather than added.
    invited: bool,
}

impl GroupOp {
    pub(super) fn create(topic: String, members: Vec<String>) -> Self {
        Self::new(Kind::Create { topic }, String::new(), members)
    }

    pub(super) fn add(group: String, members: Vec<String>) -> Self {
        Self::new(Kind::Add, group, members)
    }

    pub(super) fn remove(group: String, members: Vec<String>) -> Self {
        Self::new(Kind::Remove, group, members)
    }

    pub(super) fn quit(group: String) -> Self {
        Self::new(Kind::Quit, group, Vec::new())
    }

    fn new(kind: Kind, group: String, members: Vec<String>) -> Self {
        Self {
            kind,
            group,
            members,
            invited: false,
        }
    }

    pub(super) fn start(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        let Some(creds) = cx.creds else {
            return no_session();
        };
        let (endpoint, request) = match &self.kind {
            Kind::Create { topic } => (
                Endpoint::CreateChatRoom,
                build::create_chat_room(&cx.ctx, creds, topic, &self.members),
            ),
            Kind::Add => {
                // The official client invites once the group would reach the threshold.
                let now = cx.book.get(&self.group).map_or(0, |g| {
                    g.group.member_count.max(g.group.members.len() as u32)
                });
                let after = now.saturating_add(self.members.len() as u32);
                self.invited = after >= cx.invite_start_count.max(1);
                let change = if self.invited {
                    MemberChange::Invite
                } else {
                    MemberChange::Add
                };
                let r = build::change_members(&cx.ctx, creds, change, &self.group, &self.members);
                (Endpoint::UpdateChatRoom, r)
            }
            Kind::Remove | Kind::Quit => {
                let change = if matches!(self.kind, Kind::Remove) {
                    MemberChange::Remove
                } else {
                    MemberChange::Quit
                };
                let r = build::change_members(&cx.ctx, creds, change, &self.group, &self.members);
                (Endpoint::UpdateChatRoom, r)
            }
        };
        vec![Step::Send(endpoint, request)]
    }

    pub(super) fn on_response(&mut self, endpoint: Endpoint, outcome: Outcome) -> Vec<Step> {
        if endpoint == Endpoint::CreateChatRoom {
            let created = match read_answer(endpoint, outcome, parse_create_chat_room, |r| {
                partial_ok(&r.base_response)
            }) {
                Ok(c) => c,
                Err(steps) => return steps,
            };
            if created.chat_room_name.is_empty() {
                let e = ParseError::new(
                    Format::Json(endpoint),
                    0,
                    ErrorKind::MissingField("ChatRoomName"),
                );
                return vec![Step::Done(Err(OpError::Malformed(e)))];
            }
            let partial = created.base_response.ret == PARTIAL;
            let (_, failed) = split(&self.members, &created.member_list, partial);
            return vec![
                Step::Refresh(created.chat_room_name.clone()),
                Step::Done(Ok(OpOutput::GroupCreated {
                    group: created.chat_room_name,
                    failed,
                })),
            ];
        }
        let changed = match read_answer(endpoint, outcome, parse_update_chat_room, |r| {
            partial_ok(&r.base_response)
        }) {
            Ok(c) => c,
            Err(steps) => return steps,
        };
        let refresh = Step::Refresh(self.group.clone());
        if matches!(self.kind, Kind::Quit) {
            return vec![refresh, Step::Done(Ok(OpOutput::Done))];
        }
        let partial = changed.base_response.ret == PARTIAL;
        // A removal's answer lists who is left, not who was removed.
        let (done, failed) = if matches!(self.kind, Kind::Remove) {
            self.members
                .iter()
                .cloned()
                .partition(|m| !changed.member_list.iter().any(|l| &l.user_name == m))
        } else {
            split(&self.members, &changed.member_list, partial)
        };
        vec![
            refresh,
            Step::Done(Ok(OpOutput::Members {
                done,
                failed,
                invited: self.invited,
            })),
        ]
    }
}

/// The asked members that the answer's list says were added, and the others: listed with a
/// `MemberStatus` other than 0, or missing from a partial (-2013) answer.
fn split(asked: &[String], listed: &[Member], partial: bool) -> (Vec<String>, Vec<String>) {
    asked
        .iter()
        .cloned()
        .partition(|m| match listed.iter().find(|l| &l.user_name == m) {
            Some(l) => l.member_status == 0,
            None => !partial,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str, status: i64) -> Member {
        Member {
            user_name: name.into(),
            member_status: status,
            ..Member::default()
        }
    }

    #[test]
    fn members_split_by_status_and_by_absence_from_a_partial_answer() {
        let asked = vec!["@a".to_owned(), "@b".to_owned(), "@c".to_owned()];
        let listed = [member("@a", 0), member("@b", 4)];
        assert_eq!(
            split(&asked, &listed, false),
            (vec!["@a".into(), "@c".into()], vec!["@b".into()])
        );
        assert_eq!(
            split(&asked, &listed, true),
            (vec!["@a".into()], vec!["@b".into(), "@c".into()])
        );
    }
}
