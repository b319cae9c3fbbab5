//! How to build an adapter's HTTP client, the same in all three: [`HttpOptions`] (its
//! fields and defaults) and [`HttpError`]; and the rustls configuration `wx-tokio` and
//! `wx-smol` share ([`tls_config`]: the webpki roots plus extra CAs, with the provider the
//! adapter passes).

use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::{CertificateDer, pem::PemObject};

use crate::proxy::ProxyUrl;

/// Largest response body accepted by default, after gzip decoding: 32 MiB.
pub const DEFAULT_MAX_BODY: usize = 32 * 1024 * 1024;

/// How long a TCP connect may take by default (`connect_timeout`): 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest download body written to a writer by default: 256 MiB; a longer body fails
/// the download with `Failure::BodyTooLarge`.
pub const DEFAULT_MAX_DOWNLOAD: u64 = 256 * 1024 * 1024;

/// How to build an adapter's `HttpClient` (`wx_tokio::HttpOptions`, `wx_smol::…` and
/// `wx_blocking::…` are this one type).
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Extra trusted CA certificates (PEM), on top of the webpki roots: a self-signed test
    /// server's certificate, or a corporate CA.
    pub extra_root_pem: Vec<String>,
    /// An HTTP proxy that speaks CONNECT, e.g. `http://user:pass@127.0.0.1:3128`: every
    /// connection (HTTP or HTTPS) is tunnelled through it, with the credentials as
    /// `Proxy-Authorization: Basic` on the CONNECT. `Debug` hides them. The environment's
    /// proxy variables are never read (see [`proxy::from_env`](crate::proxy::from_env)).
    pub proxy: Option<ProxyUrl>,
    /// Largest response body accepted, after gzip decoding ([`DEFAULT_MAX_BODY`]).
    pub max_body: usize,
    /// Largest download body written to a writer ([`DEFAULT_MAX_DOWNLOAD`]); a longer one
    /// fails `Failure::BodyTooLarge`.
    pub max_download: u64,
    /// How long a TCP connect (and a proxy's answer to CONNECT) may take; the request's
    /// own timeout bounds it too.
    pub connect_timeout: Duration,
    /// How long an idle pooled connection is kept (60 s).
    pub idle_timeout: Duration,
    /// Size in bytes of each connection's read buffer. `None` (the default): the HTTP
    /// stack's own (hyper's adaptive one in `wx-tokio`, 8 KiB growing to about 400 KiB for
    /// big bodies; 16 KiB in `wx-smol` and `wx-blocking`, whose buffer grows only for a
    /// response head longer than it). A smaller size saves memory on every open connection
    /// (each session holds one for its synccheck) at the price of more reads for big
    /// bodies; with hyper a response head must fit in it.
    pub read_buffer: Option<usize>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            extra_root_pem: Vec::new(),
            proxy: None,
            max_body: DEFAULT_MAX_BODY,
            max_download: DEFAULT_MAX_DOWNLOAD,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            idle_timeout: Duration::from_secs(60),
            read_buffer: None,
        }
    }
}

/// Why an adapter's `HttpClient` could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// A CA certificate PEM held no usable certificate.
    #[error("bad CA certificate: {0}")]
    BadCertificate(String),
    /// rustls refused the configuration.
    #[error("TLS configuration: {0}")]
    Tls(#[from] rustls::Error),
}

/// The rustls client configuration of `wx-tokio` and `wx-smol`: the webpki roots plus the
/// certificates of `extra` (each PEM must hold at least one), with `provider` (the
/// adapters pass ring's, explicitly: this crate links no cryptography of its own).
pub fn tls_config(
    extra: &[String],
    provider: rustls::crypto::CryptoProvider,
) -> Result<rustls::ClientConfig, HttpError> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for pem in extra {
        let before = roots.len();
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            roots.add(cert.map_err(|e| HttpError::BadCertificate(e.to_string()))?)?;
        }
        if roots.len() == before {
            return Err(HttpError::BadCertificate("no certificate in PEM".into()));
        }
    }
    Ok(
        rustls::ClientConfig::builder_with_provider(Arc::new(provider))
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pem_without_a_certificate_is_refused() {
        let ring = rustls::crypto::ring::default_provider;
        assert!(tls_config(&[], ring()).is_ok());
        let err = tls_config(&["not a certificate".into()], ring()).err();
        assert!(matches!(err, Some(HttpError::BadCertificate(_))), "{err:?}");
    }
}
