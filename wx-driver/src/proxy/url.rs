//! [`ProxyUrl`]: an `http://[user[:password]@]host[:port]` proxy URL, parsed and checked
//! once, with its percent-decoded credentials kept out of `Debug` and `Display`.

use std::fmt;
use std::str::FromStr;

/// The port of a proxy URL that names none (`http://`'s).
pub const DEFAULT_PORT: u16 = 80;

/// An HTTP proxy that speaks `CONNECT`, and the Basic credentials it wants, if any.
///
/// `Display` writes `http://host:port` and `Debug` writes the address with the credentials
/// as `***`: neither ever shows the user name or the password.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    host: String,
    port: u16,
    credentials: Option<(String, String)>,
}

/// Why a proxy URL was refused. The messages never quote the URL (it may hold a password).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyUrlError {
    /// The scheme is not `http` (HTTPS and SOCKS proxies are not supported).
    #[error("the proxy URL's scheme must be http, not {0}")]
    Scheme(String),
    /// No host, or a host and port that do not parse.
    #[error("the proxy URL needs a host and an optional numeric port: http://host:port")]
    Host,
    /// Something after the host and port other than `/`.
    #[error("the proxy URL must not have a path, query or fragment")]
    Path,
    /// The user name or password is not valid percent-encoded UTF-8.
    #[error("the proxy URL's credentials are not valid percent-encoded UTF-8")]
    Encoding,
}

impl ProxyUrl {
    /// Parses `http://[user[:password]@]host[:port][/]` (a URL with no scheme is taken as
    /// `http://`). The user name and password are percent-decoded (`%40` for `@`, `%3A`
    /// for `:`).
    pub fn parse(url: &str) -> Result<Self, ProxyUrlError> {
        let url = url.trim();
        let rest = match url.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) => return Err(ProxyUrlError::Scheme(scheme.to_ascii_lowercase())),
            None => url,
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if !tail.is_empty() && tail != "/" {
            return Err(ProxyUrlError::Path);
        }
        let (credentials, host_port) = match authority.rsplit_once('@') {
            Some((userinfo, host_port)) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                (Some((decode(user)?, decode(password)?)), host_port)
            }
            None => (None, authority),
        };
        let parsed = http::uri::Authority::from_str(host_port).map_err(|_| ProxyUrlError::Host)?;
        if parsed.host().is_empty() || host_port.contains('@') {
            return Err(ProxyUrlError::Host);
        }
        let port = match host_port.strip_prefix(parsed.host()) {
            Some("") => DEFAULT_PORT,
            Some(port) => port
                .strip_prefix(':')
                .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|p| p.parse().ok())
                .ok_or(ProxyUrlError::Host)?,
            None => return Err(ProxyUrlError::Host),
        };
        Ok(Self {
            host: parsed.host().to_ascii_lowercase(),
            port,
            credentials,
        })
    }

    /// The host, as written (an IPv6 address keeps its brackets), in lower case.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port (80 when the URL names none).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `host:port`, for messages: it never holds the credentials.
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// The URL without its credentials, `http://host:port`.
    pub fn uri(&self) -> http::Uri {
        // The host and port were checked by `parse`; the fallback is never taken.
        format!("http://{}/", self.address())
            .parse()
            .unwrap_or_else(|_| http::Uri::from_static("http://invalid/"))
    }

    /// The percent-decoded user name and password. Secret: never log them.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.credentials
            .as_ref()
            .map(|(u, p)| (u.as_str(), p.as_str()))
    }

    /// The `Proxy-Authorization` value, `Basic base64(user:password)`, marked sensitive;
    /// `None` without credentials.
    pub fn basic_authorization(&self) -> Option<http::HeaderValue> {
        let (user, password) = self.credentials()?;
        let token = super::base64::encode(format!("{user}:{password}").as_bytes());
        let mut value = http::HeaderValue::from_str(&format!("Basic {token}")).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl ProxyUrl {
    /// The `CONNECT` request that opens a tunnel to `host:port` through this proxy, with
    /// its `Proxy-Authorization` when the URL has credentials (secret: never log it). An
    /// IPv6 `host` is given bracketed, as in a URI. Its answer is read with
    /// [`h1::parse_head`](crate::h1::parse_head) and judged by [`Refusal::of`](super::Refusal::of).
    pub fn connect_head(&self, host: &str, port: u16) -> Vec<u8> {
        let target = format!("{host}:{port}");
        let mut head = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n").into_bytes();
        if let Some(value) = self.basic_authorization() {
            head.extend_from_slice(b"Proxy-Authorization: ");
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(b"\r\n");
        head
    }
}

impl FromStr for ProxyUrl {
    type Err = ProxyUrlError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        Self::parse(url)
    }
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "http://{}", self.address())
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyUrl")
            .field("address", &self.address())
            .field("credentials", &self.credentials.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Strict percent-decoding: every `%` starts two hex digits, and the result is UTF-8.
fn decode(input: &str) -> Result<String, ProxyUrlError> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = input.get(i + 1..i + 3).ok_or(ProxyUrlError::Encoding)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| ProxyUrlError::Encoding)?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ProxyUrlError::Encoding)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_connect_head_names_the_target_and_carries_the_credentials() {
        let with = ProxyUrl::parse("http://u:p@127.0.0.1:3128").unwrap();
        assert_eq!(
            String::from_utf8(with.connect_head("[::1]", 443)).unwrap(),
            "CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\nProxy-Authorization: Basic dTpw\r\n\r\n"
        );
        let without = ProxyUrl::parse("http://127.0.0.1:3128").unwrap();
        let head = without.connect_head("wx.qq.com", 80);
        assert_eq!(
            head,
            b"CONNECT wx.qq.com:80 HTTP/1.1\r\nHost: wx.qq.com:80\r\n\r\n"
        );
    }

    #[test]
    fn credentials_are_decoded_and_never_shown() {
        let p = ProxyUrl::parse("http://us%40er:p%3Ass%20w@Proxy.Example:3128/").unwrap();
        assert_eq!(p.host(), "proxy.example");
        assert_eq!(p.port(), 3128);
        assert_eq!(p.credentials(), Some(("us@er", "p:ss w")));
        assert_eq!(p.to_string(), "http://proxy.example:3128");
        assert_eq!(p.uri().to_string(), "http://proxy.example:3128/");
        let debug = format!("{p:?}");
        assert_eq!(
            debug,
            r#"ProxyUrl { address: "proxy.example:3128", credentials: Some("***") }"#
        );
        let auth = p.basic_authorization().unwrap();
        assert!(auth.is_sensitive());
        // base64("us@er:p:ss w")
        assert_eq!(auth.to_str().unwrap(), "Basic dXNAZXI6cDpzcyB3");
    }

    #[test]
    fn forms_that_parse() {
        let p = ProxyUrl::parse("127.0.0.1:8080").unwrap();
        assert_eq!(
            (p.address().as_str(), p.credentials()),
            ("127.0.0.1:8080", None)
        );
        assert_eq!(p.basic_authorization(), None);
        let p = ProxyUrl::parse("HTTP://[::1]:3128").unwrap();
        assert_eq!(p.address(), "[::1]:3128");
        assert_eq!(ProxyUrl::parse("http://proxy").unwrap().port(), 80);
        let p = ProxyUrl::parse("http://user@proxy:1").unwrap();
        assert_eq!(p.credentials(), Some(("user", "")));
        let p = ProxyUrl::parse("http://a@b:c@proxy:1").unwrap();
        assert_eq!(p.credentials(), Some(("a@b", "c")));
    }

    #[test]
    fn forms_that_are_refused_without_quoting_the_url() {
        let cases = [
            (
                "https://u:secret@proxy:1",
                ProxyUrlError::Scheme("https".into()),
            ),
            ("socks5://proxy:1", ProxyUrlError::Scheme("socks5".into())),
            ("http://", ProxyUrlError::Host),
            ("http://u:secret@", ProxyUrlError::Host),
            ("http://u:secret@:8080", ProxyUrlError::Host),
            ("http://proxy:port", ProxyUrlError::Host),
            ("http://proxy:99999", ProxyUrlError::Host),
            ("http://proxy:", ProxyUrlError::Host),
            ("http://pro xy:1", ProxyUrlError::Host),
            ("http://proxy:1/path", ProxyUrlError::Path),
            ("http://proxy:1?q", ProxyUrlError::Path),
            ("http://u:secret%zz@proxy:1", ProxyUrlError::Encoding),
            ("http://u:secret%ff@proxy:1", ProxyUrlError::Encoding),
            ("http://u:secret%4@proxy:1", ProxyUrlError::Encoding),
        ];
        for (url, want) in cases {
            let got = ProxyUrl::parse(url).expect_err(url);
            assert_eq!(got, want, "{url}");
            assert!(!got.to_string().contains("secret"), "{url}: {got}");
        }
    }
}
