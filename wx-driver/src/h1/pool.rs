//! Where a request goes ([`Origin`]) and the idle connections kept per origin ([`Pool`]):
//! the newest fresh one is handed out first, stale ones are dropped. The time is passed
//! in; whether a connection is still open is the adapter's check, made on what it takes.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use http::Uri;

use super::H1Error;

/// The scheme, host and port a request connects to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// `https` (TLS over the connection) rather than `http`.
    pub tls: bool,
    /// The host as the URI spells it (an IPv6 address in brackets).
    pub host: String,
    /// The port, the scheme's default when the URI names none.
    pub port: u16,
}

impl Origin {
    /// The origin of an absolute `http` or `https` URI.
    pub fn of(uri: &Uri) -> Result<Self, H1Error> {
        let tls = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(H1Error::NoHost),
        };
        let host = uri.host().ok_or(H1Error::NoHost)?.to_owned();
        let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        Ok(Self { tls, host, port })
    }

    /// The host to dial and to name in TLS: without an IPv6 address's brackets.
    pub fn bare_host(&self) -> &str {
        bare(&self.host)
    }
}

/// `host` without the brackets of an IPv6 address.
pub fn bare(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// Idle connections of type `C`, per origin, each with the time it was put back.
#[derive(Debug)]
pub struct Pool<C> {
    idle: HashMap<Origin, Vec<(C, Instant)>>,
    idle_timeout: Duration,
}

impl<C> Pool<C> {
    /// A pool that keeps a connection for at most `idle_timeout`.
    pub fn new(idle_timeout: Duration) -> Self {
        Self {
            idle: HashMap::new(),
            idle_timeout,
        }
    }

    /// The newest connection to `origin` idle for less than the timeout at `now`; older
    /// ones to that origin are dropped.
    pub fn take(&mut self, origin: &Origin, now: Instant) -> Option<C> {
        let list = self.idle.get_mut(origin)?;
        let fresh = list
            .pop()
            .filter(|(_, since)| now.saturating_duration_since(*since) < self.idle_timeout);
        if fresh.is_none() {
            // The newest is stale: so are the older ones.
            list.clear();
        }
        if list.is_empty() {
            self.idle.remove(origin);
        }
        fresh.map(|(conn, _)| conn)
    }

    /// Keeps `conn` for the next request to `origin`, dropping that origin's stale ones.
    pub fn put(&mut self, origin: Origin, conn: C, now: Instant) {
        let timeout = self.idle_timeout;
        let list = self.idle.entry(origin).or_default();
        list.retain(|(_, since)| now.saturating_duration_since(*since) < timeout);
        list.push((conn, now));
    }

    /// How many connections are kept, over all origins.
    pub fn len(&self) -> usize {
        self.idle.values().map(Vec::len).sum()
    }

    /// Whether no connection is kept.
    pub fn is_empty(&self) -> bool {
        self.idle.is_empty()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::disallowed_methods)]
    use super::*;

    fn origin(uri: &str) -> Origin {
        Origin::of(&uri.parse().unwrap()).unwrap()
    }

    #[test]
    fn origins_take_the_scheme_default_port_and_lose_ipv6_brackets_to_dial() {
        let o = origin("https://[::1]/x?y");
        assert_eq!((o.tls, o.host.as_str(), o.port), (true, "[::1]", 443));
        assert_eq!(o.bare_host(), "::1");
        assert_eq!(origin("http://a.example:8080/").port, 8080);
        assert_eq!(origin("http://a.example/").port, 80);
        assert_eq!(
            Origin::of(&"/relative".parse().unwrap()),
            Err(H1Error::NoHost)
        );
        assert_eq!(
            Origin::of(&"ftp://a/".parse().unwrap()),
            Err(H1Error::NoHost)
        );
    }

    #[test]
    fn the_newest_fresh_connection_comes_first_and_stale_ones_go() {
        let t0 = Instant::now();
        let mut pool = Pool::new(Duration::from_secs(10));
        let a = origin("http://a/");
        pool.put(a.clone(), 1, t0);
        pool.put(a.clone(), 2, t0 + Duration::from_secs(5));
        pool.put(origin("http://b/"), 3, t0);
        assert_eq!(pool.len(), 3);
        assert_eq!(pool.take(&a, t0 + Duration::from_secs(6)), Some(2));
        // 1 is 11 s old: dropped, not handed out.
        assert_eq!(pool.take(&a, t0 + Duration::from_secs(11)), None);
        assert_eq!(pool.len(), 1);
        // Putting one back drops its origin's stale ones.
        let b = origin("http://b/");
        pool.put(b.clone(), 4, t0 + Duration::from_secs(20));
        assert_eq!(pool.len(), 1);
        assert_eq!(pool.take(&b, t0 + Duration::from_secs(20)), Some(4));
        assert!(pool.is_empty());
    }
}
