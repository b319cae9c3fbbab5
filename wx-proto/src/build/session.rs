//! Session-start requests: webwxinit, webwxstatusnotify, webwxgetcontact,
//! webwxbatchgetcontact.

use serde_json::json;

use super::{Creds, Ctx, query, url};
use crate::Endpoint;
use crate::percent::encode;

/// `POST {main}/…/webwxinit?r=…&lang=…&pass_ticket=…` with `{BaseRequest}`.
pub(crate) fn init(ctx: &Ctx<'_>, creds: &Creds) -> http::Request<Vec<u8>> {
    let q = query(&[
        ("r", &ctx.r_neg().to_string()),
        ("lang", &ctx.config.lang),
        ("pass_ticket", &creds.pass_ticket_query()),
    ]);
    let body = json!({ "BaseRequest": creds.base_request() });
    ctx.post_json(url(&ctx.hosts.main, Endpoint::Init, &q), &body)
}

/// `POST {main}/…/webwxstatusnotify` with `Code` (3 after init, 1 to mark read).
pub(crate) fn status_notify(
    ctx: &Ctx<'_>,
    creds: &Creds,
    code: u32,
    from: &str,
    to: &str,
) -> http::Request<Vec<u8>> {
    let q = query(&[
        ("lang", &ctx.config.lang),
        ("pass_ticket", &creds.pass_ticket_query()),
    ]);
    let body = json!({
        "BaseRequest": creds.base_request(),
        "Code": code,
        "FromUserName": from,
        "ToUserName": to,
        "ClientMsgId": ctx.wall_ms,
    });
    ctx.post_json(url(&ctx.hosts.main, Endpoint::StatusNotify, &q), &body)
}

/// `GET {main}/…/webwxgetcontact?lang=…&pass_ticket=…&r=…&seq=…&skey=…`.
pub(crate) fn get_contact(ctx: &Ctx<'_>, creds: &Creds, seq: u64) -> http::Request<Vec<u8>> {
    let q = query(&[
        ("lang", &ctx.config.lang),
        ("pass_ticket", &creds.pass_ticket_query()),
        ("r", &ctx.wall_ms.to_string()),
        ("seq", &seq.to_string()),
        ("skey", &encode(creds.skey.expose())),
    ]);
    ctx.get(url(&ctx.hosts.main, Endpoint::GetContact, &q))
}

/// `POST {main}/…/webwxbatchgetcontact?type=ex&r=…` for at most 50 UserNames (contacts,
/// groups: `EncryChatRoomId` empty).
pub(crate) fn batch_get_contact(
    ctx: &Ctx<'_>,
    creds: &Creds,
    names: &[String],
) -> http::Request<Vec<u8>> {
    batch_get(ctx, creds, names, "")
}

/// webwxbatchgetcontact for at most 50 members of `room`, each entry with the group's
/// UserName as `EncryChatRoomId`: the official client's form (`addBatchgetChatroomMembersContact`;
/// itchat sends the group's `@hex` EncryChatRoomId instead, protocol.md §13 item 13).
pub(crate) fn batch_get_members(
    ctx: &Ctx<'_>,
    creds: &Creds,
    room: &str,
    members: &[String],
) -> http::Request<Vec<u8>> {
    batch_get(ctx, creds, members, room)
}

fn batch_get(ctx: &Ctx<'_>, creds: &Creds, names: &[String], room: &str) -> http::Request<Vec<u8>> {
    let q = query(&[
        ("type", "ex"),
        ("r", &ctx.wall_ms.to_string()),
        ("lang", &ctx.config.lang),
        ("pass_ticket", &creds.pass_ticket_query()),
    ]);
    let list: Vec<_> = names
        .iter()
        .map(|n| json!({ "UserName": n, "EncryChatRoomId": room }))
        .collect();
    let body = json!({
        "BaseRequest": creds.base_request(),
        "Count": list.len(),
        "List": list,
    });
    ctx.post_json(url(&ctx.hosts.main, Endpoint::BatchGetContact, &q), &body)
}
