//! [`ClientState`]: what an HTTP/1.1 client on this codec keeps between requests (its
//! options, TLS configuration, proxy report and idle connections), shared by its clones.
//! The adapters (`wx-smol`, `wx-blocking`) add only their sockets and their waiting.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use super::{Origin, Pool};
use crate::proxy::{ProxyError, ProxyReport};
use crate::{HttpError, HttpOptions};

/// A client's settings and idle connections of type `C`.
pub struct ClientState<C> {
    /// The options it was built with.
    pub options: HttpOptions,
    /// The TLS configuration: the webpki roots and the extra ones of the options.
    pub tls: Arc<rustls::ClientConfig>,
    /// The proxy's last refusal, with a proxy.
    pub report: Option<ProxyReport>,
    idle: Mutex<Pool<C>>,
}

impl<C> std::fmt::Debug for ClientState<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientState")
            .field("proxy", &self.report)
            .field("max_body", &self.options.max_body)
            .field("max_download", &self.options.max_download)
            .finish_non_exhaustive()
    }
}

impl<C> ClientState<C> {
    /// The state for `options`, TLS through `provider` (the adapter's: this crate links
    /// no cryptography). Fails on a bad extra root certificate.
    pub fn new(
        options: HttpOptions,
        provider: rustls::crypto::CryptoProvider,
    ) -> Result<Self, HttpError> {
        let tls = crate::options::tls_config(&options.extra_root_pem, provider)?;
        let report = options
            .proxy
            .as_ref()
            .map(|u| ProxyReport::new(u.address()));
        let idle = Mutex::new(Pool::new(options.idle_timeout));
        Ok(Self {
            options,
            tls: Arc::new(tls),
            report,
            idle,
        })
    }

    /// Why the proxy refused the last request that failed to connect, unless one got
    /// through since.
    pub fn proxy_error(&self) -> Option<ProxyError> {
        self.report.as_ref()?.last()
    }

    /// The read buffer of a connection: the options' size, else 16 KiB.
    pub fn read_buffer(&self) -> usize {
        self.options.read_buffer.unwrap_or(16 * 1024)
    }

    /// The newest idle connection to `origin` still fresh at `now` (the caller then checks
    /// that it is still open).
    pub fn take_idle(&self, origin: &Origin, now: Instant) -> Option<C> {
        self.pool().take(origin, now)
    }

    /// Keeps `conn` for the next request to `origin` when `reusable` (its answer was read
    /// whole and the server keeps it); else drops it.
    pub fn keep(&self, origin: Origin, conn: C, reusable: bool, now: Instant) {
        if reusable {
            self.pool().put(origin, conn, now);
        }
    }

    fn pool(&self) -> std::sync::MutexGuard<'_, Pool<C>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::disallowed_methods)]
    use super::*;

    #[test]
    fn only_a_reusable_connection_is_kept_and_debug_shows_no_credential() {
        let options = HttpOptions {
            proxy: Some("http://user:s3cret-pass@127.0.0.1:3128".parse().unwrap()),
            read_buffer: Some(4096),
            ..HttpOptions::default()
        };
        let state = ClientState::new(options, rustls::crypto::ring::default_provider()).unwrap();
        let origin = Origin::of(&"https://a.example/".parse().unwrap()).unwrap();
        let now = Instant::now();
        state.keep(origin.clone(), 1, false, now);
        assert_eq!(state.take_idle(&origin, now), None);
        state.keep(origin.clone(), 2, true, now);
        assert_eq!(state.take_idle(&origin, now), Some(2));
        assert_eq!(state.read_buffer(), 4096);
        assert_eq!(state.proxy_error(), None);
        let debug = format!("{state:?}");
        assert!(debug.contains("127.0.0.1:3128"), "{debug}");
        assert!(!debug.contains("s3cret"), "{debug}");
    }
}
