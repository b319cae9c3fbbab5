//! Looking a host's addresses up within a deadline. The system's resolver (getaddrinfo)
//! takes no timeout, so a name that is not an IP literal is resolved on a short-lived
//! thread of its own, waited for until the deadline; a lookup still running then finishes
//! alone and its answer is dropped.

use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::time::Instant;

/// The addresses of `host:port` (`host` without brackets), or `None` when the lookup
/// fails or has not answered by `by`.
pub(crate) fn addresses(host: &str, port: u16, by: Instant) -> Option<Vec<SocketAddr>> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Some(vec![SocketAddr::new(ip, port)]);
    }
    let name = host.to_owned();
    within(by, move || {
        (name.as_str(), port)
            .to_socket_addrs()
            .map(Iterator::collect)
    })
}

/// Runs `lookup` on a thread of its own and waits for its answer until `by`.
fn within(
    by: Instant,
    lookup: impl FnOnce() -> io::Result<Vec<SocketAddr>> + Send + 'static,
) -> Option<Vec<SocketAddr>> {
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("wx-resolve".into())
        .spawn(move || {
            let _ = tx.send(lookup());
        })
        .ok()?;
    let left = by.saturating_duration_since(Instant::now());
    rx.recv_timeout(left).ok()?.ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn an_ip_literal_needs_no_lookup() {
        let past = Instant::now() - Duration::from_secs(1);
        let v6 = addresses("::1", 443, past);
        assert_eq!(
            v6,
            Some(vec![SocketAddr::from(([0u16, 0, 0, 0, 0, 0, 0, 1], 443))])
        );
        assert_eq!(
            addresses("127.0.0.1", 80, past),
            Some(vec![SocketAddr::from(([127, 0, 0, 1], 80))])
        );
    }

    #[test]
    fn a_lookup_that_hangs_is_given_up_at_the_deadline() {
        let start = Instant::now();
        let hung = within(start + Duration::from_millis(100), || {
            std::thread::sleep(Duration::from_secs(10));
            Ok(vec![SocketAddr::from(([127, 0, 0, 1], 80))])
        });
        assert_eq!(hung, None);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
        let quick = within(Instant::now() + Duration::from_secs(5), || {
            Ok(vec![SocketAddr::from(([127, 0, 0, 1], 80))])
        });
        assert_eq!(quick, Some(vec![SocketAddr::from(([127, 0, 0, 1], 80))]));
        let failed = within(Instant::now() + Duration::from_secs(5), || {
            Err(io::Error::other("no such host"))
        });
        assert_eq!(failed, None);
    }
}
