//! Pure request builders, one function per endpoint: the URL with its query, the headers
//! that do not depend on the cookie jar, and the body. The client adds `Cookie`.

mod download;
mod login;
mod manage;
mod media;
#[cfg(test)]
mod media_shapes;
mod ops;
mod session;
mod sync;

pub(crate) use download::*;
pub(crate) use login::*;
pub(crate) use manage::*;
pub(crate) use media::*;
pub(crate) use ops::*;
pub(crate) use session::*;
pub(crate) use sync::*;

use http::{Method, header};
use serde::Serialize;

use crate::Endpoint;
use crate::client::Config;
use crate::client::Hosts;
use crate::percent::encode;
use crate::secret::Secret;

/// The APPID of web WeChat's login (protocol.md §3.1).
pub(crate) const APP_ID: &str = "wx782c26e4c19acffb";

/// The session credentials every API call carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Creds {
    pub(crate) uin: crate::secret::Uin,
    pub(crate) sid: Secret<String>,
    pub(crate) skey: Secret<String>,
    /// As received in the XML (already percent-encoded once).
    pub(crate) pass_ticket_raw: Secret<String>,
    pub(crate) device_id: String,
}

/// `BaseRequest`, serialised straight from the credentials (keys in the order the bodies
/// have always had: alphabetical).
#[derive(Serialize)]
pub(crate) struct BaseRequest<'a> {
    #[serde(rename = "DeviceID")]
    device_id: &'a str,
    #[serde(rename = "Sid")]
    sid: &'a str,
    #[serde(rename = "Skey")]
    skey: &'a str,
    #[serde(rename = "Uin")]
    uin: u64,
}

impl Creds {
    pub(crate) fn base_request(&self) -> BaseRequest<'_> {
        BaseRequest {
            device_id: &self.device_id,
            sid: self.sid.expose(),
            skey: self.skey.expose(),
            uin: self.uin.get(),
        }
    }

    /// The pass_ticket query value: the XML text percent-encoded again, as the browser does.
    pub(crate) fn pass_ticket_query(&self) -> String {
        encode(self.pass_ticket_raw.expose())
    }
}

/// What a builder needs besides the endpoint's own arguments.
pub(crate) struct Ctx<'a> {
    pub(crate) config: &'a Config,
    pub(crate) hosts: &'a Hosts,
    /// Wall-clock milliseconds (13 digits).
    pub(crate) wall_ms: i64,
}

impl Ctx<'_> {
    /// `~new Date()`: the bitwise NOT of the ms timestamp truncated to int32.
    pub(crate) fn r_neg(&self) -> i32 {
        !(self.wall_ms as u32 as i32)
    }

    fn referer(&self) -> String {
        if self.config.desktop {
            format!("{}/?&lang={}&target=t", self.hosts.main, self.config.lang)
        } else {
            format!("{}/?lang={}", self.hosts.main, self.config.lang)
        }
    }

    fn base(&self, method: Method, url: String) -> http::request::Builder {
        http::Request::builder()
            .method(method)
            .uri(url)
            .header(header::USER_AGENT, self.config.user_agent.as_str())
            .header(header::ACCEPT, "application/json, text/plain, */*")
            .header(header::REFERER, self.referer())
    }

    pub(crate) fn get(&self, url: String) -> http::Request<Vec<u8>> {
        finish(self.base(Method::GET, url), Vec::new())
    }

    pub(crate) fn post_json(&self, url: String, body: &impl Serialize) -> http::Request<Vec<u8>> {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        let b = self
            .base(Method::POST, url)
            .header(header::ORIGIN, self.hosts.main.as_str())
            .header(header::CONTENT_TYPE, "application/json;charset=UTF-8");
        finish(b, bytes)
    }

    /// A `multipart/form-data` POST with this boundary.
    pub(crate) fn post_multipart(
        &self,
        url: String,
        boundary: &str,
        body: Vec<u8>,
    ) -> http::Request<Vec<u8>> {
        let b = self
            .base(Method::POST, url)
            .header(header::ORIGIN, self.hosts.main.as_str())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            );
        finish(b, body)
    }

    /// A GET with `Range: bytes=0-` (voice and video downloads).
    pub(crate) fn get_from_start(&self, url: String) -> http::Request<Vec<u8>> {
        let b = self
            .base(Method::GET, url)
            .header(header::RANGE, "bytes=0-");
        finish(b, Vec::new())
    }

    pub(crate) fn post_form(&self, url: String, body: String) -> http::Request<Vec<u8>> {
        let b = self
            .base(Method::POST, url)
            .header(header::ORIGIN, self.hosts.main.as_str())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        finish(b, body.into_bytes())
    }
}

/// Builds the request; the inputs are validated header values, so a failure here is a bug,
/// answered with an empty GET to the same URI rather than a panic.
fn finish(builder: http::request::Builder, body: Vec<u8>) -> http::Request<Vec<u8>> {
    let uri = builder.uri_ref().cloned().unwrap_or_default();
    builder.body(body).unwrap_or_else(|_| {
        let mut r = http::Request::new(Vec::new());
        *r.uri_mut() = uri;
        r
    })
}

/// `{host}{path}?{query}` for `endpoint` on `host` (`scheme://authority`).
pub(crate) fn url(host: &str, endpoint: Endpoint, query: &str) -> String {
    format!("{host}{}?{query}", endpoint.path())
}

/// `key=value` pairs joined with `&` (values already encoded by the caller).
pub(crate) fn query(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}
