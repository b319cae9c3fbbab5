//! HTTP proxy settings the adapters share, written once and free of I/O: the proxy URL
//! with its credentials ([`ProxyUrl`], whose `Debug` and `Display` never show them), the
//! `Proxy-Authorization: Basic` value, the `NO_PROXY` list ([`NoProxy`]), picking a proxy
//! from the usual environment variables ([`from_env`]), the `CONNECT` request
//! ([`ProxyUrl::connect_head`]) for an adapter that opens its own tunnel, and what a
//! proxy's refusal becomes
//! ([`ProxyError`], remembered by a [`ProxyReport`] an adapter shares with its caller).
//!
//! The adapters tunnel every connection, HTTP or HTTPS, through `CONNECT`, and send the
//! credentials on the `CONNECT` request.

mod base64;
mod env;
mod no_proxy;
mod report;
mod url;

pub use env::{EnvProxyError, HTTP_VARS, HTTPS_VARS, NO_PROXY_VARS, from_env};
pub use no_proxy::NoProxy;
pub use report::{ProxyError, ProxyReport, Refusal};
pub use url::{DEFAULT_PORT, ProxyUrl, ProxyUrlError};
