//! The sync loop's requests: synccheck (long poll on the push host) and webwxsync.

use serde::Serialize;

use super::{BaseRequest, Creds, Ctx, query, url};
use crate::Endpoint;
use crate::parse::SyncKey;
use crate::percent::encode;

/// `GET {push}/…/synccheck?r=…&skey=…&sid=…&uin=…&deviceid=…&synckey=…&_=…`.
pub(crate) fn synccheck(
    ctx: &Ctx<'_>,
    push_host: &str,
    creds: &Creds,
    key: &SyncKey,
) -> http::Request<Vec<u8>> {
    let q = query(&[
        ("r", &ctx.wall_ms.to_string()),
        ("skey", &encode(creds.skey.expose())),
        ("sid", &encode(creds.sid.expose())),
        ("uin", &creds.uin.get().to_string()),
        ("deviceid", &creds.device_id),
        ("synckey", &encode(&key.to_query_value())),
        ("_", &ctx.wall_ms.to_string()),
    ]);
    ctx.get(url(push_host, Endpoint::SyncCheck, &q))
}

/// `POST {main}/…/webwxsync?sid=…&skey=…&lang=…&pass_ticket=…` with the SyncKey object.
pub(crate) fn sync(ctx: &Ctx<'_>, creds: &Creds, key: &SyncKey) -> http::Request<Vec<u8>> {
    let q = query(&[
        ("sid", &encode(creds.sid.expose())),
        ("skey", &encode(creds.skey.expose())),
        ("lang", &ctx.config.lang),
        ("pass_ticket", &creds.pass_ticket_query()),
    ]);
    /// The body, serialised directly (no intermediate `Value`): this request is sent for
    /// every batch of messages.
    #[derive(Serialize)]
    struct Body<'a> {
        #[serde(rename = "BaseRequest")]
        base_request: BaseRequest<'a>,
        #[serde(rename = "SyncKey")]
        sync_key: &'a SyncKey,
        rr: i32,
    }
    let body = Body {
        base_request: creds.base_request(),
        sync_key: key,
        rr: ctx.r_neg(),
    };
    ctx.post_json(url(&ctx.hosts.main, Endpoint::Sync, &q), &body)
}
