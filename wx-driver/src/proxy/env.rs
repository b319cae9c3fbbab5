//! [`from_env`]: the proxy a target should use according to the usual environment
//! variables (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, in either case). The
//! variables are read through a function, so this stays pure and testable.

use super::{NoProxy, ProxyUrl, ProxyUrlError};

/// The variables tried for an HTTPS target, in order (the first non-empty one wins).
pub const HTTPS_VARS: [&str; 4] = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];
/// The variables tried for a plain-HTTP target, in order.
pub const HTTP_VARS: [&str; 4] = ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];
/// The bypass lists, in order (the first non-empty one is used).
pub const NO_PROXY_VARS: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// A proxy variable held a URL that cannot be used. The message names the variable, never
/// its value (it may hold a password).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {error}")]
pub struct EnvProxyError {
    /// The variable.
    pub var: &'static str,
    /// What is wrong with its value.
    pub error: ProxyUrlError,
}

/// The proxy for a target on `host` (HTTPS when `https`): the first non-empty variable of
/// [`HTTPS_VARS`] or [`HTTP_VARS`], unless the host matches the [`NoProxy`] list of
/// [`NO_PROXY_VARS`] (then `None`, and the variable is not parsed). Returns the proxy and
/// the variable it came from. `var` reads one variable (`std::env::var(name).ok()`).
pub fn from_env(
    https: bool,
    host: &str,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<(ProxyUrl, &'static str)>, EnvProxyError> {
    let first = |names: &[&'static str]| {
        names.iter().find_map(|&name| {
            var(name)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (name, v))
        })
    };
    let Some((name, value)) = first(if https { &HTTPS_VARS } else { &HTTP_VARS }) else {
        return Ok(None);
    };
    if let Some((_, list)) = first(&NO_PROXY_VARS)
        && NoProxy::parse(&list).matches(host)
    {
        return Ok(None);
    }
    ProxyUrl::parse(&value)
        .map(|url| Some((url, name)))
        .map_err(|error| EnvProxyError { var: name, error })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    fn pick(https: bool, host: &str, pairs: &[(&str, &str)]) -> Option<(String, &'static str)> {
        from_env(https, host, env(pairs))
            .unwrap()
            .map(|(url, var)| (url.address(), var))
    }

    #[test]
    fn the_scheme_picks_the_variables_in_order() {
        let all = [
            ("https_proxy", "http://s:1"),
            ("HTTP_PROXY", "http://h:2"),
            ("all_proxy", "http://a:3"),
        ];
        assert_eq!(
            pick(true, "wx.qq.com", &all),
            Some(("s:1".into(), "https_proxy"))
        );
        assert_eq!(
            pick(false, "wx.qq.com", &all),
            Some(("h:2".into(), "HTTP_PROXY"))
        );
        let upper_first = [("HTTPS_PROXY", "http://S:1"), ("https_proxy", "http://s:9")];
        assert_eq!(
            pick(true, "x", &upper_first),
            Some(("s:1".into(), "HTTPS_PROXY"))
        );
        let only_all = [("ALL_PROXY", "http://a:3"), ("HTTPS_PROXY", " ")];
        assert_eq!(
            pick(true, "x", &only_all),
            Some(("a:3".into(), "ALL_PROXY"))
        );
        assert_eq!(
            pick(false, "x", &only_all),
            Some(("a:3".into(), "ALL_PROXY"))
        );
        assert_eq!(pick(false, "x", &[("HTTPS_PROXY", "http://s:1")]), None);
        assert_eq!(pick(true, "x", &[]), None);
    }

    #[test]
    fn no_proxy_bypasses_and_an_unused_variable_is_not_parsed() {
        let vars = [
            ("HTTP_PROXY", "socks5://u:pw@x:1"),
            ("no_proxy", "127.0.0.1"),
        ];
        assert_eq!(pick(false, "127.0.0.1", &vars), None);
        let err = from_env(false, "wx.qq.com", env(&vars)).unwrap_err();
        assert_eq!(err.var, "HTTP_PROXY");
        assert_eq!(
            err.to_string(),
            "HTTP_PROXY: the proxy URL's scheme must be http, not socks5"
        );
        let vars = [("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "*")];
        assert_eq!(pick(true, "wx.qq.com", &vars), None);
        let vars = [("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "qq.com")];
        assert_eq!(pick(true, "wx.qq.com", &vars), None);
        assert!(pick(true, "example.com", &vars).is_some());
    }
}
