//! [`NoProxy`]: the hosts that bypass the proxy, from a `NO_PROXY` list.

/// A parsed `NO_PROXY` value: a comma- (or space-) separated list of host names, domain
/// suffixes (`example.com` and `.example.com` both match `example.com` and every name
/// under it; `*.example.com` too), IP addresses (matched exactly; IPv6 with or without
/// brackets), or `*` for every host. A `:port` after an entry is ignored. Matching is
/// case-insensitive. CIDR ranges are not supported: they match nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoProxy {
    all: bool,
    entries: Vec<String>,
}

impl NoProxy {
    /// Parses a `NO_PROXY` value; empty entries are skipped.
    pub fn parse(list: &str) -> Self {
        let mut out = Self::default();
        for entry in list.split([',', ' ', '\t']).map(str::trim) {
            if entry == "*" {
                out.all = true;
            } else if let Some(host) = normalise(entry) {
                out.entries.push(host);
            }
        }
        out
    }

    /// Whether `host` (a name or an IP address, IPv6 with or without brackets) goes
    /// direct.
    pub fn matches(&self, host: &str) -> bool {
        if self.all {
            return true;
        }
        let host = unbracket(host).trim_end_matches('.').to_ascii_lowercase();
        self.entries.iter().any(|entry| {
            host == *entry
                || (host.len() > entry.len()
                    && host.ends_with(entry.as_str())
                    && host.as_bytes()[host.len() - entry.len() - 1] == b'.')
        })
    }
}

/// An entry without its `*.`/`.` prefix, `:port`, brackets and trailing dot, in lower case.
fn normalise(entry: &str) -> Option<String> {
    let entry = entry.strip_prefix("*.").unwrap_or(entry);
    let entry = entry.strip_prefix('.').unwrap_or(entry);
    let host = if let Some(rest) = entry.strip_prefix('[') {
        rest.split_once(']').map_or(rest, |(h, _)| h)
    } else if entry.matches(':').count() == 1 {
        entry.split_once(':').map_or(entry, |(h, _)| h)
    } else {
        entry // a bare IPv6 address, or a plain name
    };
    let host = host.trim_end_matches('.');
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn unbracket(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

#[cfg(test)]
mod tests {
    use super::NoProxy;

    #[test]
    fn names_suffixes_addresses_and_star() {
        let n = NoProxy::parse(
            " localhost, .corp.example ,*.lan,127.0.0.1,[::1]:8080, internal:3128,,",
        );
        for host in [
            "localhost",
            "LOCALHOST",
            "corp.example",
            "a.corp.example",
            "a.b.corp.example",
            "lan",
            "box.lan",
            "127.0.0.1",
            "::1",
            "[::1]",
            "internal",
        ] {
            assert!(n.matches(host), "{host}");
        }
        for host in [
            "wx.qq.com",
            "xcorp.example",
            "127.0.0.10",
            "127.0.0.2",
            "notlocalhost",
            "::2",
            "internal.x",
        ] {
            assert!(!n.matches(host), "{host}");
        }
        assert!(NoProxy::parse("a, *").matches("wx.qq.com"));
        assert!(!NoProxy::parse("").matches("wx.qq.com"));
        assert!(NoProxy::parse("::1").matches("[::1]"));
        assert!(NoProxy::parse("qq.com").matches("wx.qq.com."));
    }
}
