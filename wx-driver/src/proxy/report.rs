//! [`ProxyError`] and [`ProxyReport`]: a proxy's refusal in words, and where an adapter
//! leaves it for its caller. The client core only learns that the connection failed
//! (`Failure::Connect`); whoever runs the session asks the report why.

use std::sync::{Arc, Mutex, PoisonError};

/// Why the proxy did not open a tunnel. The message names the proxy's `host:port`, never
/// its credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyError {
    /// The proxy answered `407 Proxy Authentication Required`: no credentials, or wrong
    /// ones. Retrying does not help.
    #[error("proxy authentication failed at {0}")]
    AuthFailed(String),
    /// The proxy answered the `CONNECT` with another status than 200.
    #[error("the proxy at {0} refused to open a tunnel")]
    Refused(String),
}

/// The last refusal of one proxy, shared by an HTTP client and its clones (cheap to
/// clone). A request that gets through clears it.
#[derive(Debug, Clone)]
pub struct ProxyReport {
    address: String,
    last: Arc<Mutex<Option<ProxyError>>>,
}

/// How a proxy refused, as an adapter recognises it in its HTTP stack's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 407.
    Auth,
    /// Any other non-200 answer to `CONNECT`.
    Other,
}

impl Refusal {
    /// How a proxy's answer to `CONNECT` refuses, if it does: a `2xx` opens the tunnel.
    pub fn of(status: http::StatusCode) -> Option<Self> {
        match status.as_u16() {
            200..=299 => None,
            407 => Some(Self::Auth),
            _ => Some(Self::Other),
        }
    }
}

impl ProxyReport {
    /// A report for the proxy at `address` (`host:port`).
    pub fn new(address: String) -> Self {
        Self {
            address,
            last: Arc::default(),
        }
    }

    /// Records a refusal.
    pub fn refused(&self, how: Refusal) {
        let error = match how {
            Refusal::Auth => ProxyError::AuthFailed(self.address.clone()),
            Refusal::Other => ProxyError::Refused(self.address.clone()),
        };
        tracing::debug!(proxy = %self.address, %error, "proxy refusal");
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(error);
    }

    /// Records that a request got through the proxy.
    pub fn passed(&self) {
        self.last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    /// Records the proxy's answer to `CONNECT` (a refusal, or a request through); whether
    /// it opened the tunnel.
    pub fn answered(&self, status: http::StatusCode) -> bool {
        match Refusal::of(status) {
            None => self.passed(),
            Some(how) => self.refused(how),
        }
        status.is_success()
    }

    /// The last refusal, unless a request got through since.
    pub fn last(&self) -> Option<ProxyError> {
        self.last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_2xx_opens_the_tunnel_and_407_is_authentication() {
        use http::StatusCode as S;
        assert_eq!(Refusal::of(S::OK), None);
        assert_eq!(Refusal::of(S::NO_CONTENT), None);
        assert_eq!(
            Refusal::of(S::PROXY_AUTHENTICATION_REQUIRED),
            Some(Refusal::Auth)
        );
        assert_eq!(Refusal::of(S::FORBIDDEN), Some(Refusal::Other));
        assert_eq!(Refusal::of(S::MOVED_PERMANENTLY), Some(Refusal::Other));
    }

    #[test]
    fn an_answer_is_recorded_and_says_whether_the_tunnel_opened() {
        use http::StatusCode as S;
        let report = ProxyReport::new("127.0.0.1:3128".into());
        assert!(!report.answered(S::PROXY_AUTHENTICATION_REQUIRED));
        assert!(matches!(report.last(), Some(ProxyError::AuthFailed(_))));
        assert!(!report.answered(S::BAD_GATEWAY));
        assert!(matches!(report.last(), Some(ProxyError::Refused(_))));
        assert!(report.answered(S::OK));
        assert_eq!(report.last(), None);
    }

    #[test]
    fn the_last_refusal_until_a_request_passes() {
        let report = ProxyReport::new("127.0.0.1:3128".into());
        let clone = report.clone();
        assert_eq!(report.last(), None);
        clone.refused(Refusal::Auth);
        assert_eq!(
            report.last().map(|e| e.to_string()),
            Some("proxy authentication failed at 127.0.0.1:3128".into())
        );
        clone.refused(Refusal::Other);
        assert_eq!(
            report.last(),
            Some(ProxyError::Refused("127.0.0.1:3128".into()))
        );
        report.passed();
        assert_eq!(clone.last(), None);
    }
}
