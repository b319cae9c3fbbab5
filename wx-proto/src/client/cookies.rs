//! The session's cookie jar: reads every `Set-Cookie`, writes the `Cookie` header of every
//! request (RFC 6265 domain and path matching, expiry by wall time). Values are secrets.
//!
//! The server decides what it sets, so the jar is bounded (RFC 6265 §6.1 practice): a
//! cookie's name and value are at most [`CookieJar::MAX_COOKIE_BYTES`]; at most
//! [`CookieJar::MAX_PER_DOMAIN`] cookies share a domain, at most [`CookieJar::MAX_COOKIES`]
//! and [`CookieJar::MAX_BYTES`] are kept in all, and past a limit the oldest go first (those
//! the protocol needs, `wxsid`, `wxuin`, `webwx_data_ticket`, …, only after every other). A
//! `Set-Cookie` that does not parse, is too large or names a domain that is not the host's
//! is skipped; the rest of the response is stored as usual, and the first skip (and the first
//! eviction) of each kind is reported once by [`Stored::problem`].

use crate::error::ParseError;
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
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CookieJar {
    cookies: Vec<StoredCookie>,
    /// The kinds of [`CookieProblem`] already reported (bits of [`CookieProblem::bit`]); not
    /// part of the jar's value (nor of a snapshot).
    #[serde(skip)]
    reported: u8,
}

/// Two jars are equal when they hold the same cookies in the same order.
impl PartialEq for CookieJar {
    fn eq(&self, other: &Self) -> bool {
        self.cookies == other.cookies
    }
}

impl Eq for CookieJar {}

/// What [`CookieJar::store_response`] did with one response's `Set-Cookie` headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    /// Cookies that changed: new, a new value or expiry, or removed.
    pub changed: usize,
    /// `Set-Cookie` headers skipped: unparsable, too large, or for another domain.
    pub rejected: usize,
    /// Cookies dropped to stay within the limits (oldest first).
    pub evicted: usize,
    /// The first trouble of a kind this jar had not reported before, if any.
    pub problem: Option<CookieProblem>,
}

/// Why the jar did not keep what a response set (reported once per kind and jar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CookieProblem {
    /// A `Set-Cookie` that does not parse (the error has an offset, never the text).
    Unparsable(ParseError),
    /// A cookie whose name and value together exceed [`CookieJar::MAX_COOKIE_BYTES`].
    TooLarge {
        /// Its name and value length in bytes.
        bytes: usize,
    },
    /// A `Domain` attribute that is neither the host nor a parent domain of it (or any
    /// other domain, when the host is an IP address).
    ForeignDomain,
    /// The server sets more than the limits allow: the oldest cookies were dropped.
    Evicted,
}

impl CookieProblem {
    /// A short English description, for logs and the CLI.
    pub fn describe(&self) -> String {
        match self {
            CookieProblem::Unparsable(e) => {
                format!("a Set-Cookie header does not parse ({e}); skipped")
            }
            CookieProblem::TooLarge { bytes } => format!(
                "a {bytes}-byte cookie exceeds the {}-byte limit; skipped",
                CookieJar::MAX_COOKIE_BYTES
            ),
            CookieProblem::ForeignDomain => "a cookie for another domain; skipped".into(),
            CookieProblem::Evicted => format!(
                "more cookies than the jar keeps ({} per domain, {} KiB in all); dropping the oldest",
                CookieJar::MAX_PER_DOMAIN,
                CookieJar::MAX_BYTES / 1024
            ),
        }
    }

    fn bit(&self) -> u8 {
        match self {
            CookieProblem::Unparsable(_) => 1,
            CookieProblem::TooLarge { .. } => 2,
            CookieProblem::ForeignDomain => 4,
            CookieProblem::Evicted => 8,
        }
    }
}

/// Cookies the protocol needs (protocol.md §2.6): evicted only after every other.
const SESSION_COOKIES: [&str; 8] = [
    "wxuin",
    "wxsid",
    "webwx_data_ticket",
    "webwxuvid",
    "webwx_auth_ticket",
    "wxloadtime",
    "mm_lang",
    "wxpluginkey",
];

impl StoredCookie {
    /// What it costs: name, value, domain and path bytes.
    fn size(&self) -> usize {
        self.name.len() + self.value.expose().len() + self.domain.len() + self.path.len()
    }

    fn is_session(&self) -> bool {
        SESSION_COOKIES.contains(&self.name.as_str())
    }
}

impl CookieJar {
    /// The most bytes a cookie's name and value may take together (RFC 6265 §6.1: at least
    /// 4096); a larger one is not stored.
    pub const MAX_COOKIE_BYTES: usize = 4096;
    /// The most cookies kept for one domain (RFC 6265 §6.1: at least 50).
    pub const MAX_PER_DOMAIN: usize = 50;
    /// The most cookies kept in all.
    pub const MAX_COOKIES: usize = 150;
    /// The most bytes (names, values, domains, paths) kept in all: room for one domain full
    /// of the largest cookies. A `Cookie` header is therefore at most this plus two bytes
    /// per cookie.
    pub const MAX_BYTES: usize = 256 * 1024;

    /// Stores the cookies of a response from `host` (`Set-Cookie` values; bad ones skipped,
    /// expired ones dropped, the limits applied). See [`Stored`].
    pub fn store_response(
        &mut self,
        host: &str,
        headers: &http::HeaderMap,
        now_unix: i64,
    ) -> Stored {
        let host = host.to_ascii_lowercase();
        let mut out = Stored::default();
        let mut trouble: Option<CookieProblem> = None;
        let mut note = |p: CookieProblem, out: &mut Stored| {
            out.rejected += 1;
            trouble.get_or_insert(p);
        };
        let mut any_set = false;
        for value in headers.get_all(http::header::SET_COOKIE) {
            let c = match parse_set_cookie(value.as_bytes()) {
                Ok(c) => c,
                Err(e) => {
                    note(CookieProblem::Unparsable(e), &mut out);
                    continue;
                }
            };
            let bytes = c.name.len() + c.value.expose().len();
            if bytes > Self::MAX_COOKIE_BYTES {
                note(CookieProblem::TooLarge { bytes }, &mut out);
                continue;
            }
            let (domain, host_only) = match c.domain {
                Some(d) => {
                    let d = d.to_ascii_lowercase();
                    // A server may only set cookies for itself or a parent domain.
                    if !domain_matches(&host, &d) {
                        note(CookieProblem::ForeignDomain, &mut out);
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
                any_set = true;
            } else if !existed {
                continue;
            }
            out.changed += 1;
        }
        if any_set {
            out.evicted = self.enforce_limits(now_unix);
            if out.evicted > 0 {
                trouble.get_or_insert(CookieProblem::Evicted);
            }
        }
        if let Some(p) = trouble.filter(|p| self.reported & p.bit() == 0) {
            self.reported |= p.bit();
            out.problem = Some(p);
        }
        out
    }

    /// Drops expired cookies, then the oldest (others before session cookies) until every
    /// limit holds. Returns how many live cookies were dropped.
    fn enforce_limits(&mut self, now_unix: i64) -> usize {
        self.cookies
            .retain(|c| c.expires.is_none_or(|e| e > now_unix));
        let mut evicted = 0;
        // Per domain: the newest cookie's domain is the one that may have grown.
        let mut domains: Vec<String> = self.cookies.iter().map(|c| c.domain.clone()).collect();
        domains.sort();
        domains.dedup();
        for d in domains {
            while self.cookies.iter().filter(|c| c.domain == d).count() > Self::MAX_PER_DOMAIN {
                if !self.evict_oldest(|c| c.domain == d) {
                    break;
                }
                evicted += 1;
            }
        }
        while self.cookies.len() > Self::MAX_COOKIES
            || self.cookies.iter().map(StoredCookie::size).sum::<usize>() > Self::MAX_BYTES
        {
            if !self.evict_oldest(|_| true) {
                break;
            }
            evicted += 1;
        }
        evicted
    }

    /// Removes the oldest cookie among those `pick` selects, a non-session one if any.
    fn evict_oldest(&mut self, pick: impl Fn(&StoredCookie) -> bool) -> bool {
        let victim = self
            .cookies
            .iter()
            .position(|c| pick(c) && !c.is_session())
            .or_else(|| self.cookies.iter().position(&pick));
        match victim {
            Some(i) => {
                self.cookies.remove(i);
                true
            }
            None => false,
        }
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

    /// Drops every cookie but the long-lived ones push login needs (and forgets which
    /// problems were reported: the next session reports its own).
    pub fn clear_session(&mut self) {
        self.reported = 0;
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

    /// Bytes held: the names, values, domains and paths of every cookie (at most
    /// [`CookieJar::MAX_BYTES`]).
    pub fn bytes(&self) -> usize {
        self.cookies.iter().map(StoredCookie::size).sum()
    }
}

/// RFC 6265 §5.1.3 domain matching: `host` is `domain`, or a host name that is a subdomain
/// of it. An IP address (as the host or as the domain) matches only itself.
fn domain_matches(host: &str, domain: &str) -> bool {
    host == domain
        || (!is_ip_address(host)
            && !is_ip_address(domain)
            && host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

/// An IPv4 or IPv6 literal (bracketed or not), as a URL host may be.
fn is_ip_address(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<std::net::IpAddr>().is_ok()
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
        assert_eq!((n.changed, n.rejected), (3, 1));
        assert_eq!(n.problem, Some(CookieProblem::ForeignDomain));
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

    fn bomb(round: usize, n: usize, len: usize) -> http::HeaderMap {
        let value = "v".repeat(len);
        let lines: Vec<String> = (0..n)
            .map(|i| format!("bomb{round}_{i}={value}; Path=/"))
            .collect();
        headers(&lines.iter().map(String::as_str).collect::<Vec<_>>())
    }

    fn session(jar: &mut CookieJar) {
        jar.store_response(
            "127.0.0.1",
            &headers(&[
                "wxuin=1; Path=/",
                "wxsid=S; Path=/",
                "webwx_data_ticket=T; Path=/",
            ]),
            100,
        );
    }

    #[test]
    fn a_cookie_flood_stays_within_the_limits_and_keeps_the_session_cookies() {
        let mut jar = CookieJar::default();
        session(&mut jar);
        let name_len = "bomb00_00=".len();
        let mut problems = Vec::new();
        for round in 0..40 {
            let out = jar.store_response("127.0.0.1", &bomb(round, 90, 4096 - name_len), 100);
            problems.extend(out.problem);
            assert!(jar.len() <= CookieJar::MAX_PER_DOMAIN, "{}", jar.len());
            assert!(jar.bytes() <= CookieJar::MAX_BYTES);
        }
        assert_eq!(problems, [CookieProblem::Evicted], "reported once");
        assert!(
            problems[0]
                .describe()
                .starts_with("more cookies than the jar keeps (50")
        );
        let header = jar.header_for("127.0.0.1", "/", 100).expect("cookies");
        assert!(header.len() <= CookieJar::MAX_BYTES + 2 * CookieJar::MAX_COOKIES);
        assert!(
            header.starts_with("wxuin=1; wxsid=S; webwx_data_ticket=T; "),
            "{}",
            &header[..80]
        );
        // The newest flood cookies are the ones kept.
        assert!(header.contains("bomb39_89=") && !header.contains("bomb38_"));
        // A snapshot of it stays small too.
        let json = serde_json::to_string(&jar).expect("serialises");
        assert!(json.len() < 2 * CookieJar::MAX_BYTES, "{}", json.len());
    }

    #[test]
    fn the_total_limits_hold_across_domains() {
        let mut jar = CookieJar::default();
        for sub in 0..6 {
            let host = format!("h{sub}.wx.qq.com");
            let lines: Vec<String> = (0..60)
                .map(|i| format!("c{i}={}", "x".repeat(3000)))
                .collect();
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            jar.store_response(&host, &headers(&refs), 0);
            assert!(jar.len() <= CookieJar::MAX_COOKIES);
            assert!(jar.bytes() <= CookieJar::MAX_BYTES, "{}", jar.bytes());
        }
        assert!(
            jar.header_for("h5.wx.qq.com", "/", 0)
                .is_some_and(|h| h.contains("c59="))
        );
    }

    #[test]
    fn oversized_and_unparsable_cookies_are_skipped_with_one_problem_each() {
        let mut jar = CookieJar::default();
        let big = format!("big={}", "x".repeat(4094));
        let fits = format!("fits={}", "x".repeat(4091));
        let out = jar.store_response("h", &headers(&[&big, "novalue", &fits, "ok=1"]), 0);
        assert_eq!((out.changed, out.rejected), (2, 2));
        assert_eq!(out.problem, Some(CookieProblem::TooLarge { bytes: 4097 }));
        // The unparsable one is reported by the next response (one problem per response).
        let out = jar.store_response("h", &headers(&["=x", "ok=2"]), 0);
        assert_eq!((out.changed, out.rejected), (1, 1));
        assert!(matches!(out.problem, Some(CookieProblem::Unparsable(_))));
        let out = jar.store_response("h", &headers(&["=y", &big]), 0);
        assert_eq!((out.rejected, out.problem), (2, None));
        assert_eq!(
            jar.header_for("h", "/", 0).map(|h| h.len()),
            Some(4096 + 2 + 4)
        );
        // Equality and snapshots ignore what was reported.
        let copy: CookieJar =
            serde_json::from_str(&serde_json::to_string(&jar).expect("json")).expect("parses");
        assert_eq!(copy, jar);
    }

    #[test]
    fn a_domain_attribute_never_suffix_matches_an_ip_address() {
        let mut jar = CookieJar::default();
        let out = jar.store_response(
            "127.0.0.1",
            &headers(&[
                "a=1; Domain=0.0.1",
                "b=1; Domain=.0.1",
                "c=1; Domain=1",
                "d=1; Domain=127.0.0.1",
                "e=1",
            ]),
            0,
        );
        assert_eq!((out.changed, out.rejected), (2, 3));
        assert_eq!(
            jar.header_for("127.0.0.1", "/", 0).as_deref(),
            Some("d=1; e=1")
        );
        assert_eq!(jar.header_for("10.127.0.0.1", "/", 0), None);
        let out = jar.store_response(
            "[::1]",
            &headers(&["a=1; Domain=:1", "b=1; Domain=[::1]"]),
            0,
        );
        assert_eq!((out.changed, out.rejected), (1, 1));
        assert!(is_ip_address("::1") && is_ip_address("[::1]") && !is_ip_address("wx.qq.com"));
        // Host names still match their parent domains.
        assert!(domain_matches("webpush.wx.qq.com", "qq.com"));
    }

    #[test]
    fn expired_cookies_are_dropped_when_anything_is_stored() {
        let mut jar = CookieJar::default();
        jar.store_response("h", &headers(&["a=1; Max-Age=5", "b=1"]), 0);
        jar.store_response("h", &headers(&["c=1"]), 10);
        assert_eq!(jar.len(), 2);
    }
}
