//! Host families (protocol.md §1): which login, main, file and webpush hosts a session uses,
//! chosen from the host of the login redirect, or one base URL for a simulated server.

/// The hosts of one family, each as `scheme://authority` with no trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hosts {
    /// The login host (jslogin, login poll).
    pub login: String,
    /// The main API host.
    pub main: String,
    /// The upload and attachment host.
    pub file: String,
    /// The synccheck (long poll) host.
    pub push: String,
    /// Where QR images live (`/qrcode/{uuid}`) and what the QR text points at (`/l/{uuid}`).
    pub qr: String,
}

impl Hosts {
    /// The hosts before login: `login.wx.qq.com` for jslogin and polling (protocol.md §1).
    pub fn before_login() -> Self {
        Self::family("wx.qq.com")
    }

    /// Every host set to one base URL (a simulated server on loopback).
    pub fn single(base: &str) -> Self {
        let base = base.trim_end_matches('/').to_owned();
        Self {
            login: base.clone(),
            main: base.clone(),
            file: base.clone(),
            push: base.clone(),
            qr: base,
        }
    }

    /// The family of a redirect host (the table of protocol.md §1, checked in order).
    pub fn family(redirect_host: &str) -> Self {
        let h = redirect_host.to_ascii_lowercase();
        let https = |host: &str| format!("https://{host}");
        let (main, login, file, push) = if h.contains("wx2.qq.com") {
            (
                "wx2.qq.com",
                "login.wx2.qq.com",
                "file.wx2.qq.com",
                "webpush.wx2.qq.com",
            )
        } else if h.contains("wx8.qq.com") {
            (
                "wx8.qq.com",
                "login.wx8.qq.com",
                "file.wx8.qq.com",
                "webpush.wx8.qq.com",
            )
        } else if h.contains("qq.com") {
            (
                "wx.qq.com",
                "login.wx.qq.com",
                "file.wx.qq.com",
                "webpush.wx.qq.com",
            )
        } else if h.contains("web2.wechat.com") {
            (
                "web2.wechat.com",
                "login.web2.wechat.com",
                "file.web2.wechat.com",
                "webpush.web2.wechat.com",
            )
        } else if h.contains("wechat.com") {
            (
                "web.wechat.com",
                "login.web.wechat.com",
                "file.web.wechat.com",
                "webpush.web.wechat.com",
            )
        } else {
            // The official client's default: the page host with the weixin.qq.com helpers.
            return Self {
                login: https("login.weixin.qq.com"),
                main: https(&h),
                file: https("file.wx.qq.com"),
                push: https("webpush.weixin.qq.com"),
                qr: https("login.weixin.qq.com"),
            };
        };
        Self {
            login: https(login),
            main: https(main),
            file: https(file),
            push: https(push),
            qr: https("login.weixin.qq.com"),
        }
    }

    /// Other webpush hosts to try when the first synccheck answers 1100 (protocol.md §1).
    pub fn alternative_push_hosts(&self) -> Vec<String> {
        let Some(main_host) = self.main.strip_prefix("https://") else {
            return Vec::new(); // a simulated single-host server has no alternatives
        };
        let mut out = vec![format!("https://webpush2.{main_host}")];
        for host in [
            "webpush.wx.qq.com",
            "webpush.wx2.qq.com",
            "webpush.wx8.qq.com",
            "webpush.weixin.qq.com",
            "webpush2.weixin.qq.com",
            "webpush.web.wechat.com",
            "webpush.web2.wechat.com",
        ] {
            let url = format!("https://{host}");
            if url != self.push && !out.contains(&url) {
                out.push(url);
            }
        }
        out
    }
}

/// The `scheme://authority` of a URL, or `None` when it has no authority.
pub(crate) fn origin_of(url: &str) -> Option<String> {
    let uri: http::Uri = url.parse().ok()?;
    Some(format!("{}://{}", uri.scheme_str()?, uri.authority()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_family_table() {
        let cases = [
            (
                "wx2.qq.com",
                "https://wx2.qq.com",
                "https://webpush.wx2.qq.com",
                "https://file.wx2.qq.com",
            ),
            (
                "wx8.qq.com",
                "https://wx8.qq.com",
                "https://webpush.wx8.qq.com",
                "https://file.wx8.qq.com",
            ),
            (
                "wx.qq.com",
                "https://wx.qq.com",
                "https://webpush.wx.qq.com",
                "https://file.wx.qq.com",
            ),
            (
                "web2.wechat.com",
                "https://web2.wechat.com",
                "https://webpush.web2.wechat.com",
                "https://file.web2.wechat.com",
            ),
            (
                "web.wechat.com",
                "https://web.wechat.com",
                "https://webpush.web.wechat.com",
                "https://file.web.wechat.com",
            ),
            (
                "example.org",
                "https://example.org",
                "https://webpush.weixin.qq.com",
                "https://file.wx.qq.com",
            ),
        ];
        for (host, main, push, file) in cases {
            let h = Hosts::family(host);
            assert_eq!(
                (h.main.as_str(), h.push.as_str(), h.file.as_str()),
                (main, push, file),
                "{host}"
            );
            assert_eq!(h.qr, "https://login.weixin.qq.com");
        }
        assert_eq!(
            Hosts::family("wx2.qq.com").login,
            "https://login.wx2.qq.com"
        );
        assert_eq!(
            Hosts::family("web.wechat.com").login,
            "https://login.web.wechat.com"
        );
    }

    #[test]
    fn single_base_and_alternatives() {
        let h = Hosts::single("http://127.0.0.1:8080/");
        assert_eq!(h.main, "http://127.0.0.1:8080");
        assert!(h.alternative_push_hosts().is_empty());
        let alt = Hosts::family("wx.qq.com").alternative_push_hosts();
        assert_eq!(alt[0], "https://webpush2.wx.qq.com");
        assert!(!alt.contains(&"https://webpush.wx.qq.com".to_owned()));
        assert_eq!(
            origin_of("https://wx2.qq.com/cgi-bin/x?y=1").as_deref(),
            Some("https://wx2.qq.com")
        );
    }
}
