//! `--proxy URL`, `--no-proxy` and the proxy environment variables: which proxy (if any)
//! the session's HTTP client tunnels through. The proxy's credentials never reach a
//! message, a trace or a `Debug` output: only its `host:port` does.

use std::fmt;

use clap::Args;
use wx_tokio::ProxyUrl;

use crate::error::{CliError, CliResult};

/// The proxy flags of the session commands.
#[derive(Clone, Default, Args)]
pub struct ProxyArgs {
    /// Tunnel every connection through this HTTP proxy (CONNECT), with optional Basic
    /// credentials: `http://[user:pass@]host:port` (percent-encode `@` and `:` in them).
    /// Without it, HTTPS_PROXY or https_proxy, then ALL_PROXY or all_proxy are used
    /// (HTTP_PROXY or http_proxy first for an http:// --base-url), unless NO_PROXY or
    /// no_proxy (hosts, .domains, IP addresses, *) matches the server's host.
    #[arg(long, value_name = "URL", conflicts_with = "no_proxy")]
    pub proxy: Option<String>,
    /// Connect directly: ignore the proxy environment variables.
    #[arg(long)]
    pub no_proxy: bool,
}

impl fmt::Debug for ProxyArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let proxy = self.proxy.as_deref().map(ProxyUrl::parse);
        f.debug_struct("ProxyArgs")
            .field("proxy", &proxy.map(|p| p.map_err(|_| "(invalid)")))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl ProxyArgs {
    /// Checks `--proxy` (run before any command, so a bad URL is a usage error at once).
    pub fn validate(&self) -> CliResult {
        self.flag().map(|_| ())
    }

    fn flag(&self) -> CliResult<Option<ProxyUrl>> {
        self.proxy
            .as_deref()
            .map(|url| ProxyUrl::parse(url).map_err(|e| CliError::usage(format!("--proxy: {e}"))))
            .transpose()
    }

    /// The proxy for a session with this `--base-url` (none: WeChat's HTTPS servers, matched
    /// against `NO_PROXY` as `wx.qq.com`); `var` reads an environment variable.
    pub fn resolve(
        &self,
        base_url: Option<&str>,
        var: impl Fn(&str) -> Option<String>,
    ) -> CliResult<Option<ProxyUrl>> {
        if let Some(url) = self.flag()? {
            tracing::debug!(proxy = %url, "proxy from --proxy");
            return Ok(Some(url));
        }
        if self.no_proxy {
            return Ok(None);
        }
        let (https, host) = target(base_url);
        let picked = wx_driver::proxy::from_env(https, &host, var)
            .map_err(|e| CliError::usage(format!("{e} (--no-proxy ignores the environment)")))?;
        Ok(picked.map(|(url, var)| {
            tracing::debug!(proxy = %url, var, "proxy from the environment");
            url
        }))
    }
}

/// Whether the server is HTTPS, and its host (brackets removed); without a base URL, the
/// official servers' main host before login (the core's `Hosts::before_login`).
fn target(base_url: Option<&str>) -> (bool, String) {
    let official = wx_proto::client::Hosts::before_login().main;
    let base = base_url.unwrap_or(&official);
    let uri: Option<http::Uri> = base.trim().parse().ok();
    let https = uri.as_ref().and_then(|u| u.scheme_str()) != Some("http");
    let host = uri.as_ref().and_then(|u| u.host()).unwrap_or_default();
    (https, host.trim_matches(['[', ']']).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    fn args(proxy: Option<&str>, no_proxy: bool) -> ProxyArgs {
        ProxyArgs {
            proxy: proxy.map(str::to_owned),
            no_proxy,
        }
    }

    fn address(r: CliResult<Option<ProxyUrl>>) -> Option<String> {
        r.ok().flatten().map(|u| u.address())
    }

    const ENV: &[(&str, &str)] = &[
        ("HTTPS_PROXY", "http://u:pw@s:1"),
        ("HTTP_PROXY", "http://h:2"),
        ("NO_PROXY", "localhost,10.0.0.1"),
    ];

    #[test]
    fn the_flag_wins_then_the_environment_by_scheme_and_no_proxy() {
        let flag = args(Some("http://f:9"), false);
        assert_eq!(address(flag.resolve(None, env(ENV))), Some("f:9".into()));
        let none = args(None, false);
        assert_eq!(address(none.resolve(None, env(ENV))), Some("s:1".into()));
        let http = Some("http://127.0.0.1:8080");
        assert_eq!(address(none.resolve(http, env(ENV))), Some("h:2".into()));
        let https = Some("https://127.0.0.1:8443");
        assert_eq!(address(none.resolve(https, env(ENV))), Some("s:1".into()));
        assert_eq!(
            address(none.resolve(Some("http://10.0.0.1:1"), env(ENV))),
            None
        );
        assert_eq!(
            address(none.resolve(Some("http://localhost"), env(ENV))),
            None
        );
        assert_eq!(address(args(None, true).resolve(None, env(ENV))), None);
    }

    #[test]
    fn bad_urls_are_usage_errors_that_do_not_quote_the_credentials() {
        let bad = args(Some("https://user:sEcret@p:1"), false);
        let e = bad.validate().expect_err("refused");
        assert_eq!(e.exit_code(), crate::error::EXIT_USAGE);
        assert_eq!(
            e.to_string(),
            "--proxy: the proxy URL's scheme must be http, not https"
        );
        let e = args(None, false)
            .resolve(None, env(&[("ALL_PROXY", "socks5://u:sEcret@p:1")]))
            .expect_err("refused");
        assert_eq!(
            e.to_string(),
            "ALL_PROXY: the proxy URL's scheme must be http, not socks5 (--no-proxy ignores the environment)"
        );
        let debug = format!("{:?}", args(Some("http://user:sEcret@p:1"), false));
        assert!(
            !debug.contains("sEcret") && !debug.contains("user"),
            "{debug}"
        );
    }
}
