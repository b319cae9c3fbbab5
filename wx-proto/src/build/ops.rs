//! Operation requests: send text, forward an image by its XML, revoke, set a remark, rename
//! a group.

use serde_json::json;

use super::{Creds, Ctx, query, url};
use crate::Endpoint;

fn api_query(ctx: &Ctx<'_>, creds: &Creds, extra: &[(&str, &str)]) -> String {
    let ticket = creds.pass_ticket_query();
    let mut pairs: Vec<(&str, &str)> = extra.to_vec();
    pairs.push(("lang", &ctx.config.lang));
    pairs.push(("pass_ticket", &ticket));
    query(&pairs)
}

/// `POST {main}/…/webwxsendmsg` with a text `Msg` (Type 1).
pub(crate) fn send_text(
    ctx: &Ctx<'_>,
    creds: &Creds,
    from: &str,
    to: &str,
    text: &str,
    client_msg_id: &str,
) -> http::Request<Vec<u8>> {
    let body = json!({
        "BaseRequest": creds.base_request(),
        "Msg": {
            "Type": 1,
            "Content": text,
            "FromUserName": from,
            "ToUserName": to,
            "LocalID": client_msg_id,
            "ClientMsgId": client_msg_id,
        },
        "Scene": 0,
    });
    let q = api_query(ctx, creds, &[]);
    ctx.post_json(url(&ctx.hosts.main, Endpoint::SendMsg, &q), &body)
}

/// `POST {main}/…/webwxsendmsgimg?fun=async&f=json` re-sending an image by its XML
/// (`MediaId` empty, `Scene` 2: the official client's forward, §7.4).
pub(crate) fn forward_image(
    ctx: &Ctx<'_>,
    creds: &Creds,
    from: &str,
    to: &str,
    content_xml: &str,
    client_msg_id: &str,
) -> http::Request<Vec<u8>> {
    let body = json!({
        "BaseRequest": creds.base_request(),
        "Msg": {
            "Type": 3,
            "MediaId": "",
            "Content": content_xml,
            "FromUserName": from,
            "ToUserName": to,
            "LocalID": client_msg_id,
            "ClientMsgId": client_msg_id,
        },
        "Scene": 2,
    });
    let q = api_query(ctx, creds, &[("fun", "async"), ("f", "json")]);
    ctx.post_json(url(&ctx.hosts.main, Endpoint::SendMsgImg, &q), &body)
}

/// `POST {main}/…/webwxrevokemsg` with `SvrMsgId`, `ToUserName`, `ClientMsgId`.
pub(crate) fn revoke(
    ctx: &Ctx<'_>,
    creds: &Creds,
    to: &str,
    svr_msg_id: &str,
    client_msg_id: &str,
) -> http::Request<Vec<u8>> {
    let body = json!({
        "BaseRequest": creds.base_request(),
        "SvrMsgId": svr_msg_id,
        "ToUserName": to,
        "ClientMsgId": client_msg_id,
    });
    let q = api_query(ctx, creds, &[]);
    ctx.post_json(url(&ctx.hosts.main, Endpoint::Revoke, &q), &body)
}

/// `POST {main}/…/webwxoplog` with `CmdId` 2 (set remark).
pub(crate) fn set_remark(
    ctx: &Ctx<'_>,
    creds: &Creds,
    user: &str,
    remark: &str,
) -> http::Request<Vec<u8>> {
    let body = json!({
        "BaseRequest": creds.base_request(),
        "UserName": user,
        "CmdId": 2,
        "RemarkName": remark,
    });
    let q = api_query(ctx, creds, &[]);
    ctx.post_json(url(&ctx.hosts.main, Endpoint::OpLog, &q), &body)
}

/// `POST {main}/…/webwxupdatechatroom?fun=modtopic` with `NewTopic`.
pub(crate) fn rename_group(
    ctx: &Ctx<'_>,
    creds: &Creds,
    group: &str,
    topic: &str,
) -> http::Request<Vec<u8>> {
    let body = json!({
        "BaseRequest": creds.base_request(),
        "ChatRoomName": group,
        "NewTopic": topic,
    });
    let q = api_query(ctx, creds, &[("fun", "modtopic")]);
    ctx.post_json(url(&ctx.hosts.main, Endpoint::UpdateChatRoom, &q), &body)
}
