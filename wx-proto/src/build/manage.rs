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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{Config, Hosts};
    use crate::secret::{Secret, Uin};
    use serde_json::Value;

    fn creds() -> Creds {
        Creds {
            uin: Uin(42),
            sid: Secret::new("sid".into()),
            skey: Secret::new("@crypt_1".into()),
            pass_ticket_raw: Secret::new("t".into()),
            device_id: "e1".into(),
        }
    }

    fn body(r: &http::Request<Vec<u8>>) -> Value {
        serde_json::from_slice(r.body()).unwrap_or(Value::Null)
    }

    fn query_keys(r: &http::Request<Vec<u8>>) -> Vec<&str> {
        r.uri()
            .query()
            .unwrap_or("")
            .split('&')
            .map(|p| p.split('=').next().unwrap_or(""))
            .collect()
    }

    /// protocol.md §9.1-§9.4, field for field.
    #[test]
    fn the_management_requests_match_the_reference() {
        let (config, hosts, creds) = (
            Config::default(),
            Hosts::single("https://wx.qq.com"),
            creds(),
        );
        let ctx = Ctx {
            config: &config,
            hosts: &hosts,
            wall_ms: 1_600_000_000_000,
        };
        let members = vec!["@a".to_owned(), "@b".to_owned()];

        let r = create_chat_room(&ctx, &creds, "T", &members);
        assert_eq!(r.uri().path(), "/cgi-bin/mmwebwx-bin/webwxcreatechatroom");
        assert_eq!(query_keys(&r), ["r", "lang", "pass_ticket"]);
        let v = body(&r);
        assert_eq!(v["MemberCount"], 2);
        assert_eq!(v["MemberList"][1]["UserName"], "@b");
        assert_eq!(v["Topic"], "T");

        for (change, fun, key) in [
            (MemberChange::Add, "addmember", Some("AddMemberList")),
            (
                MemberChange::Invite,
                "invitemember",
                Some("InviteMemberList"),
            ),
            (MemberChange::Remove, "delmember", Some("DelMemberList")),
            (MemberChange::Quit, "quitchatroom", None),
        ] {
            let r = change_members(&ctx, &creds, change, "@@g", &members);
            assert_eq!(r.uri().path(), "/cgi-bin/mmwebwx-bin/webwxupdatechatroom");
            assert!(
                r.uri()
                    .query()
                    .unwrap_or("")
                    .starts_with(&format!("fun={fun}&"))
            );
            let v = body(&r);
            assert_eq!(v["ChatRoomName"], "@@g");
            if let Some(key) = key {
                assert_eq!(v[key], "@a,@b", "a comma-separated string");
            }
            assert!(v["BaseRequest"]["Uin"] == 42);
        }

        let r = verify_user(&ctx, &creds, 3, "@s", "v1_t", "");
        assert_eq!(r.uri().path(), "/cgi-bin/mmwebwx-bin/webwxverifyuser");
        assert_eq!(query_keys(&r), ["r", "lang", "pass_ticket"]);
        let v = body(&r);
        assert_eq!(v["Opcode"], 3);
        assert_eq!(v["VerifyUserListSize"], 1);
        assert_eq!(v["VerifyUserList"][0]["Value"], "@s");
        assert_eq!(v["VerifyUserList"][0]["VerifyUserTicket"], "v1_t");
        assert_eq!(
            (v["SceneListCount"].clone(), v["SceneList"][0].clone()),
            (1.into(), 33.into())
        );
        assert_eq!(v["skey"], "@crypt_1");
        assert_eq!(v["VerifyContent"], "");

        let r = pin(&ctx, &creds, "@u", true, "Bob");
        assert_eq!(r.uri().path(), "/cgi-bin/mmwebwx-bin/webwxoplog");
        let v = body(&r);
        assert_eq!(
            (v["CmdId"].clone(), v["OP"].clone(), v["RemarkName"].clone()),
            (3.into(), 1.into(), "Bob".into())
        );
        assert_eq!(body(&pin(&ctx, &creds, "@u", false, ""))["OP"], 0);
    }
}
