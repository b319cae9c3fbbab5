//! Where credentials may go: the hosts a login redirect or a snapshot may send the session
//! to. With the official servers only `https` URLs on the WeChat domains (protocol.md §1:
//! `qq.com`, `wechat.com`) are trusted; with a custom base URL (a simulator) only that URL's
//! scheme, host and port, unless `Config::trust_foreign_redirects` is set. Anything else is
//! an [`UntrustedHost`]: the login ends, or the snapshot is refused, and nothing is sent.

use super::hosts::Hosts;
use super::{Config, Server};

/// The registrable domains of the official host families (every family host is one of
/// them or a subdomain).
const WECHAT_DOMAINS: [&str; 2] = ["qq.com", "wechat.com"];

/// Why a URL is not trusted with the session's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UntrustedHost {
    /// Not an absolute `scheme://host` URL.
    #[error("not an absolute URL")]
    NotAUrl,
    /// The official servers are reached over https only.
    #[error("plain http, not https")]
    NotHttps,
    /// The host is outside the WeChat domains.
    #[error("a host outside the WeChat domains")]
    NotWeChat,
    /// A custom server's redirect left its scheme, host or port.
    #[error("another origin than the configured base URL")]
    NotTheBaseUrl,
}

/// `(scheme, host, port)` of an absolute URL, lower-cased, the port defaulted.
fn origin(url: &str) -> Option<(String, String, u16)> {
    let uri: http::Uri = url.parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let host = uri.host()?.to_ascii_lowercase();
    let port = uri
        .port_u16()
        .unwrap_or(if scheme == "https" { 443 } else { 80 });
    Some((scheme, host, port))
}

/// Whether `host` is a WeChat domain or one of its subdomains (not a look-alike such as
/// `evilqq.com` or `wx.qq.com.example`).
fn is_wechat_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    WECHAT_DOMAINS
        .iter()
        .any(|d| host == *d || host.strip_suffix(d).is_some_and(|rest| rest.ends_with('.')))
}

/// Checks a URL the server wants the session to use.
pub(crate) fn check_url(config: &Config, url: &str) -> Result<(), UntrustedHost> {
    let (scheme, host, port) = origin(url).ok_or(UntrustedHost::NotAUrl)?;
    if config.trust_foreign_redirects {
        return Ok(());
    }
    match &config.server {
        Server::Official if scheme != "https" => Err(UntrustedHost::NotHttps),
        Server::Official if !is_wechat_host(&host) => Err(UntrustedHost::NotWeChat),
        Server::Official => Ok(()),
        Server::Custom(base) => match origin(base) {
            Some(b) if b == (scheme, host, port) => Ok(()),
            _ => Err(UntrustedHost::NotTheBaseUrl),
        },
    }
}

/// Checks every host of a family (and the push host) read from a snapshot.
pub(crate) fn check_hosts(
    config: &Config,
    hosts: &Hosts,
    push: Option<&str>,
) -> Result<(), UntrustedHost> {
    if config.server != Server::Official {
        // A custom server's hosts come from the config, never from the file.
        return Ok(());
    }
    [
        &hosts.login,
        &hosts.main,
        &hosts.file,
        &hosts.push,
        &hosts.qr,
    ]
    .into_iter()
    .map(String::as_str)
    .chain(push)
    .try_for_each(|h| check_url(config, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_redirects_stay_on_https_wechat_hosts() {
        let c = Config::default();
        for ok in [
            "https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=t",
            "https://wx2.qq.com/x",
            "https://web.wechat.com/x",
            "https://login.weixin.qq.com/x",
            "https://WX8.QQ.COM/x",
        ] {
            assert_eq!(check_url(&c, ok), Ok(()), "{ok}");
        }
        assert_eq!(
            check_url(&c, "http://wx.qq.com/x"),
            Err(UntrustedHost::NotHttps)
        );
        for bad in [
            "https://evilqq.com/x",
            "https://wx.qq.com.example.net/x",
            "https://127.0.0.1/x",
            "https://example.com/?wx.qq.com",
        ] {
            assert_eq!(check_url(&c, bad), Err(UntrustedHost::NotWeChat), "{bad}");
        }
        assert_eq!(check_url(&c, "/relative"), Err(UntrustedHost::NotAUrl));
    }

    #[test]
    fn a_custom_server_keeps_its_origin_unless_the_user_opts_in() {
        let mut c = Config::for_base_url("http://127.0.0.1:8080");
        assert_eq!(
            check_url(&c, "http://127.0.0.1:8080/cgi-bin/x?ticket=t"),
            Ok(())
        );
        for bad in [
            "http://127.0.0.1:8081/x",
            "https://127.0.0.1:8080/x",
            "http://localhost:8080/x",
            "http://evil.example/x",
        ] {
            assert_eq!(
                check_url(&c, bad),
                Err(UntrustedHost::NotTheBaseUrl),
                "{bad}"
            );
        }
        c.trust_foreign_redirects = true;
        assert_eq!(check_url(&c, "http://evil.example/x"), Ok(()));
        assert_eq!(check_url(&c, "nonsense"), Err(UntrustedHost::NotAUrl));
    }

    #[test]
    fn snapshot_hosts_are_checked_for_the_official_servers_only() {
        let c = Config::default();
        let family = Hosts::family("wx2.qq.com");
        assert_eq!(check_hosts(&c, &family, None), Ok(()));
        assert_eq!(
            check_hosts(&c, &family, Some("https://webpush.evil.example")),
            Err(UntrustedHost::NotWeChat)
        );
        let planted = Hosts::single("http://10.0.0.1:80");
        assert_eq!(
            check_hosts(&c, &planted, None),
            Err(UntrustedHost::NotHttps)
        );
        let custom = Config::for_base_url("http://127.0.0.1:1");
        assert_eq!(check_hosts(&custom, &planted, None), Ok(()));
    }
}
