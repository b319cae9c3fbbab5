//! Login requests: jslogin, the login poll, webwxnewloginpage, push login, logout.

use super::{APP_ID, Creds, Ctx, query, url};
use crate::Endpoint;
use crate::percent::encode;

/// `GET {login}/jslogin?appid=…&redirect_uri=…&fun=new&lang=…&_=…`.
pub(crate) fn jslogin(ctx: &Ctx<'_>) -> http::Request<Vec<u8>> {
    let mut redirect = format!("{}{}", ctx.hosts.main, Endpoint::LoginPage.path());
    if ctx.config.desktop {
        redirect.push_str("?mod=desktop");
    }
    let ms = ctx.wall_ms.to_string();
    let q = query(&[
        ("appid", APP_ID),
        ("redirect_uri", &encode(&redirect)),
        ("fun", "new"),
        ("lang", &ctx.config.lang),
        ("_", &ms),
    ]);
    ctx.get(url(&ctx.hosts.login, Endpoint::JsLogin, &q))
}

/// `GET {login}/cgi-bin/mmwebwx-bin/login?loginicon=true&uuid=…&tip=…&r=…&_=…`.
pub(crate) fn login_poll(ctx: &Ctx<'_>, uuid: &str, tip: u8) -> http::Request<Vec<u8>> {
    let q = query(&[
        ("loginicon", "true"),
        ("uuid", &encode(uuid)),
        ("tip", &tip.to_string()),
        ("r", &ctx.r_neg().to_string()),
        ("_", &ctx.wall_ms.to_string()),
    ]);
    ctx.get(url(&ctx.hosts.login, Endpoint::LoginPoll, &q))
}

/// `GET <redirect_uri>&fun=new&version=v2[&mod=desktop]`, with the desktop headers.
pub(crate) fn login_page(ctx: &Ctx<'_>, redirect_uri: &str) -> http::Request<Vec<u8>> {
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    let mut url = format!("{redirect_uri}{sep}fun=new&version=v2");
    if ctx.config.desktop {
        url.push_str("&mod=desktop");
    }
    let mut req = ctx.get(url);
    if ctx.config.desktop {
        let headers = req.headers_mut();
        if let Ok(v) = http::HeaderValue::from_str(&ctx.config.client_version) {
            headers.insert("client-version", v);
        }
        if let Ok(v) = http::HeaderValue::from_str(&ctx.config.extspam) {
            headers.insert("extspam", v);
        }
    }
    req
}

/// `GET {main}/cgi-bin/mmwebwx-bin/webwxpushloginurl?uin=…[&mod=desktop]`.
pub(crate) fn push_login(ctx: &Ctx<'_>, uin: u64) -> http::Request<Vec<u8>> {
    let mut q = format!("uin={uin}");
    if ctx.config.desktop {
        q.push_str("&mod=desktop");
    }
    ctx.get(url(&ctx.hosts.main, Endpoint::PushLogin, &q))
}

/// `POST {main}/…/webwxlogout?redirect=1&type=…&skey=…` with form `sid=…&uin=…`.
pub(crate) fn logout(ctx: &Ctx<'_>, creds: &Creds, kind: u8) -> http::Request<Vec<u8>> {
    let q = query(&[
        ("redirect", "1"),
        ("type", &kind.to_string()),
        ("skey", &encode(creds.skey.expose())),
    ]);
    let body = format!("sid={}&uin={}", encode(creds.sid.expose()), creds.uin.get());
    ctx.post_form(url(&ctx.hosts.main, Endpoint::Logout, &q), body)
}
