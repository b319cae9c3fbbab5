//! Group and friend management requests (protocol.md §9): webwxcreatechatroom,
//! webwxupdatechatroom with addmember / invitemember / delmember / quitchatroom,
//! webwxverifyuser (accept a request, send one) and webwxoplog's pin (CmdId 3).

use serde_json::json;

use super::{Creds, Ctx, query, url};
use crate::Endpoint;

fn query_with_r(ctx: &Ctx<'_>, creds: &Creds, extra: &[(&str, &str)]) -> String {
    let r = ctx.wall_ms.to_string();
    let ticket = creds.pass_ticket_query();
    let mut pairs: Vec<(&str, &str)> = extra.to_vec();
    pairs.push(("r", &r));
    pairs.push(("lang", &ctx.config.lang));
    pairs.push(("pass_ticket", &ticket));
    query(&pairs)
}

/// `POST {main}/…/webwxcreatechatroom?r=…` with the members and the topic (§9.3).
pub(crate) fn create_chat_room(
    ctx: &Ctx<'_>,
    creds: &Creds,
    topic: &str,
    members: &[String],
) -> http::Request<Vec<u8>> {
    let list: Vec<_> = members.iter().map(|m| json!({ "UserName": m })).collect();
    let body = json!({
        "BaseRequest": creds.base_request(),
        "MemberCount": members.len(),
        "MemberList": list,
        "Topic": topic,
    });
    let q = query_with_r(ctx, creds, &[]);
    ctx.post_json(url(&ctx.hosts.main, Endpoint::CreateChatRoom, &q), &body)
}

/// What a webwxupdatechatroom call does to a group's members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MemberChange {
    /// `fun=addmember`, `AddMemberList`.
    Add,
    /// `fun=invitemember`, `InviteMemberList` (an invitation card instead).
    Invite,
    /// `fun=delmember`, `DelMemberList`.
    Remove,
    /// `fun=quitchatroom` (no list).
    Quit,
}

impl MemberChange {
    fn fun_and_key(self) -> (&'static str, Option<&'static str>) {
        match self {
            MemberChange::Add => ("addmember", Some("AddMemberList")),
            MemberChange::Invite => ("invitemember", Some("InviteMemberList")),
            MemberChange::Remove => ("delmember", Some("DelMemberList")),
            MemberChange::Quit => ("quitchatroom", None),
        }
    }
}

/// `POST {main}/…/webwxupdatechatroom?fun=…` changing `group`'s members: the list is one
/// comma-separated string (§9.4).
pub(crate) fn change_members(
    ctx: &Ctx<'_>,
    creds: &Creds,
    change: MemberChange,
    group: &str,
    members: &[String],
) -> http::Request<Vec<u8>> {
    let (fun, key) = change.fun_and_key();
    let mut body = json!({
        "BaseRequest": creds.base_request(),
        "ChatRoomName": group,
    });
    if let Some(key) = key {
        body[key] = json!(members.join(","));
    }
    let ticket = creds.pass_ticket_query();
    let q = query(&[
        ("fun", fun),
        ("lang", &ctx.config.lang),
        ("pass_ticket", &ticket),
    ]);
    ctx.post_json(url(&ctx.hosts.main, Endpoint::UpdateChatRoom, &q), &body)
}

/// `POST {main}/…/webwxverifyuser?r=…`: `opcode` 3 accepts a request (with its ticket), 2
/// sends one (with a greeting), scene 33 (§9.2).
pub(crate) fn verify_user(
    ctx: &Ctx<'_>,
    creds: &Creds,
    opcode: u32,
    user: &str,
    ticket: &str,
    content: &str,
) -> http::Request<Vec<u8>> {
    let body = json!({
        "BaseRequest": creds.base_request(),
        "Opcode": opcode,
        "VerifyUserListSize": 1,
        "VerifyUserList": [{ "Value": user, "VerifyUserTicket": ticket }],
        "VerifyContent": content,
        "SceneListCount": 1,
        "SceneList": [33],
        "skey": creds.skey.expose(),
    });
    let q = query_with_r(ctx, creds, &[]);
    ctx.post_json(url(&ctx.hosts.main, Endpoint::VerifyUser, &q), &body)
}

/// `POST {main}/…/webwxoplog` pinning (`OP` 1) or unpinning (0) a chat, with its current
/// remark (leaving it out clears it, §9.1).
pub(crate) fn pin(
    ctx: &Ctx<'_>,
    creds: &Creds,
    user: &str,
    pinned: bool,
    remark: &str,
) -> http::Request<Vec<u8>> {
    let body = json!({
        "BaseRequest": creds.base_request(),
        "UserName": user,
        "CmdId": 3,
        "OP": u32::from(pinned),
        "RemarkName": remark,
    });
    let ticket = creds.pass_ticket_query();
    let q = query(&[("lang", &ctx.config.lang), ("pass_ticket", &ticket)]);
    ctx.post_json(url(&ctx.hosts.main, Endpoint::OpLog, &q), &body)
}
