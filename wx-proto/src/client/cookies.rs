//! The session's cookie jar: reads every `Set-Cookie`, writes the `Cookie` header of every
//! request (RFC 6265 domain and path matching, expiry by wall time). Values are secrets.

use crate::parse::parse_set_cookie;
use crate::secret::Secret;

/// One stored cookie.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredCookie {
    /// Name.
    pub name: String,
    /// Value (a credential).
    #[serde(with = "secret_string")]
    pub value: Secret<String>,
    /// The domain it is sent to (lower case, no leading dot).
    pub domain: String,
    /// `true` when set without `Domain`: sent to that exact host only.
    pub host_only: bool,
    /// The path prefix it is sent to.
    pub path: String,
    /// Expiry in Unix seconds; `None` for a session cookie.
    pub expires: Option<i64>,
}

mod secret_string {
    use crate::secret::Secret;

    pub(super) fn serialize<S: serde::Serializer>(
        v: &Secret<String>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.expose())
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Secret<String>, D::Error> {
        <String as serde::Deserialize>::deserialize(d).map(Secret::new)
    }
}

/// The jar.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CookieJar {
    cookies: Vec<StoredCookie>,
}

impl CookieJar {
    /// Stores the cookies of a response from `host` (`Set-Cookie` values; bad ones skipped).
    /// Returns how many changed (new, a new value or expiry, or removed).
    pub fn store_response(
        &mut self,
        host: &str,
        headers: &http::HeaderMap,
        now_unix: i64,
    ) -> usize {
        let host = host.to_ascii_lowercase();
        let mut stored = 0;
        for value in headers.get_all(http::header::SET_COOKIE) {
            let Ok(c) = parse_set_cookie(value.as_bytes()) else {
                continue;
            };
            let (domain, host_only) = match c.domain {
                Some(d) => {
                    let d = d.to_ascii_lowercase();
                    // A server may only set cookies for itself or a parent domain.
                    if !domain_matches(&host, &d) {
                        continue;
                    }
                    (d, false)
                }
                None => (host.clone(), true),
            };
            let expires = match (c.max_age, c.expires) {
                (Some(age), _) => Some(now_unix.saturating_add(age)),
                (None, e) => e,
            };
            let cookie = StoredCookie {
                name: c.name.to_owned(),
                value: Secret::new((*c.value.expose()).to_owned()),
                domain,
                host_only,
                path: c.path.unwrap_or("/").to_owned(),
                expires,
            };
            let same_slot = |old: &StoredCookie| {
                old.name == cookie.name && old.domain == cookie.domain && old.path == cookie.path
            };
            let live = cookie.expires.is_none_or(|e| e > now_unix);
            let unchanged = self.cookies.iter().any(|old| {
                same_slot(old) && old.value == cookie.value && old.expires == cookie.expires
            });
            if unchanged && live {
                continue;
            }
            let existed = self.cookies.iter().any(same_slot);
            self.cookies.retain(|old| !same_slot(old));
            if live {
                self.cookies.push(cookie);
            } else if !existed {
                continue;
            }
            stored += 1;
        }
        stored
    }

    /// The `Cookie` header for a request to `host` and `path`, or `None` when nothing matches.
    pub fn header_for(&self, host: &str, path: &str, now_unix: i64) -> Option<String> {
        let host = host.to_ascii_lowercase();
        let mut out = String::new();
        for c in &self.cookies {
            let host_ok = if c.host_only {
                c.domain == host
            } else {
                domain_matches(&host, &c.domain)
            };
            if !host_ok || !path.starts_with(&c.path) || c.expires.is_some_and(|e| e <= now_unix) {
                continue;
            }
            if !out.is_empty() {
                out.push_str("; ");
            }
            out.push_str(&c.name);
            out.push('=');
            out.push_str(c.value.expose());
        }
        (!out.is_empty()).then_some(out)
    }

    /// The value of the first live cookie named `name` (e.g. `webwx_data_ticket`).
    pub fn value(&self, name: &str) -> Option<&Secret<String>> {
        self.cookies
            .iter()
            .find(|c| c.name == name)
            .map(|c| &c.value)
    }

    /// Drops every cookie but the long-lived ones push login needs.
    pub fn clear_session(&mut self) {
        self.cookies
            .retain(|c| matches!(c.name.as_str(), "webwxuvid" | "webwx_auth_ticket" | "wxuin"));
    }

    /// Number of stored cookies.
    pub fn len(&self) -> usize {
        self.cookies.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }
}

/// RFC 6265 domain matching: `host` is `domain` or a subdomain of it.
fn domain_matches(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for v in values {
            h.append(http::header::SET_COOKIE, v.parse().expect("header"));
        }
        h
    }

    #[test]
    fn domain_cookies_reach_the_family_hosts() {
        let mut jar = CookieJar::default();
        let n = jar.store_response(
            "wx.qq.com",
            &headers(&[
                "wxuin=123; Domain=wx.qq.com; Path=/",
                "webwx_data_ticket=T+1; Domain=.qq.com; Path=/",
                "evil=1; Domain=example.com",
                "host=1",
            ]),
            1_000,
        );
        assert_eq!(n, 3);
        assert_eq!(
            jar.header_for("webpush.wx.qq.com", "/cgi-bin/mmwebwx-bin/synccheck", 1_000)
                .as_deref(),
            Some("wxuin=123; webwx_data_ticket=T+1")
        );
        assert_eq!(
            jar.header_for("wx.qq.com", "/", 1_000).as_deref(),
            Some("wxuin=123; webwx_data_ticket=T+1; host=1")
        );
        assert_eq!(jar.header_for("qq.com.evil.org", "/", 1_000), None);
        assert_eq!(
            jar.value("webwx_data_ticket").map(|v| v.expose().as_str()),
            Some("T+1")
        );
        assert!(!format!("{jar:?}").contains("T+1"));
    }

    #[test]
    fn replace_expire_and_clear() {
        let mut jar = CookieJar::default();
        jar.store_response(
            "h",
            &headers(&["a=1", "b=2; Max-Age=10", "webwxuvid=u"]),
            100,
        );
        jar.store_response("h", &headers(&["a=3"]), 100);
        assert_eq!(
            jar.header_for("h", "/", 105).as_deref(),
            Some("b=2; webwxuvid=u; a=3")
        );
        assert_eq!(
            jar.header_for("h", "/", 111).as_deref(),
            Some("webwxuvid=u; a=3")
        );
        jar.store_response("h", &headers(&["a=; Max-Age=0"]), 200);
        assert_eq!(
            jar.header_for("h", "/", 200).as_deref(),
            Some("webwxuvid=u")
        );
        jar.clear_session();
        assert_eq!(jar.len(), 1);
    }
}
