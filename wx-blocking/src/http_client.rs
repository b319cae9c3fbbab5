//! [`HttpClient`]: a ureq 3 agent with redirects off, no cookie store, rustls (ring) with
//! the webpki roots plus optional extra CAs, an optional CONNECT proxy (with Basic
//! credentials), per-request
//! timeouts, a body-size cap and gzip decoding. Cheap to clone; one can serve every session.

use std::time::Duration;

use std::io::{Read, Write};
use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};
use wx_driver::proxy::{ProxyReport, ProxyUrl, Refusal};
use wx_driver::{HttpError, HttpOptions};

use wx_driver::media::{BodyGate, Piece, Streamed};
use wx_proto::client::Failure;

/// The buffer a download's body is read through.
const FRAME: usize = 64 * 1024;

/// The HTTP executor shared by drivers. It follows no redirect, keeps no cookie, never
/// retries, and logs nothing of a request but its failure category.
#[derive(Clone)]
pub struct HttpClient {
    agent: ureq::Agent,
    max_body: usize,
    max_download: u64,
    proxy: Option<ProxyReport>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("max_body", &self.max_body)
            .field("max_download", &self.max_download)
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

fn root_certs(extra: &[String]) -> Result<RootCerts, HttpError> {
    if extra.is_empty() {
        return Ok(RootCerts::WebPki);
    }
    let mut certs: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .collect();
    for pem in extra {
        let cert = Certificate::from_pem(pem.as_bytes())
            .map_err(|e| HttpError::BadCertificate(e.to_string()))?;
        certs.push(cert);
    }
    Ok(RootCerts::new_with_certs(&certs))
}

impl HttpClient {
    /// Builds the client.
    pub fn new(options: HttpOptions) -> Result<Self, HttpError> {
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(root_certs(&options.extra_root_pem)?)
            .build();
        let proxy = match &options.proxy {
            None => None,
            Some(url) => Some(ureq_proxy(url).map_err(|_| HttpError::BadProxy)?),
        };
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .save_redirect_history(false)
            .proxy(proxy)
            .tls_config(tls)
            .timeout_connect(Some(options.connect_timeout))
            .max_idle_age(options.idle_timeout)
            .no_delay(true);
        if let Some(size) = options.read_buffer {
            config = config.input_buffer_size(size);
        }
        let agent = config.build().into();
        Ok(Self {
            agent,
            max_body: options.max_body,
            max_download: options.max_download,
            proxy: options.proxy.map(|url| ProxyReport::new(url.address())),
        })
    }

    /// Why the proxy refused the last request that failed to connect (a 407 is
    /// [`ProxyError::AuthFailed`](crate::ProxyError::AuthFailed)), unless one got through
    /// since; the request itself failed with `Failure::Connect`.
    pub fn proxy_error(&self) -> Option<crate::ProxyError> {
        self.proxy.as_ref()?.last()
    }

    /// Sends one request and reads the whole response within `timeout` (blocking).
    /// Redirects are returned as they are; a gzip body is decoded.
    pub fn execute(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> Result<http::Response<Vec<u8>>, Failure> {
        let (parts, mut body) = self.send(request, timeout)?.into_parts();
        let bytes = body
            .with_config()
            .limit(u64::try_from(self.max_body).unwrap_or(u64::MAX))
            .read_to_vec()
            .map_err(classify)?;
        Ok(http::Response::from_parts(parts, bytes))
    }

    /// Sends a download request (one whose `sink` is set) within `timeout` (blocking) and
    /// writes its body, as it arrives, to `sink` (flushed at the end), or drains and drops
    /// it, as `wx-driver`'s [`BodyGate`] says. It asks for no compression
    /// (`Accept-Encoding: identity`). Gives the head and the bytes written; a failed write
    /// is `Io`.
    pub(crate) fn stream<W: Write + ?Sized>(
        &self,
        mut request: http::Request<Vec<u8>>,
        timeout: Duration,
        mut sink: Option<&mut W>,
    ) -> Streamed {
        request
            .headers_mut()
            .entry(http::header::ACCEPT_ENCODING)
            .or_insert(http::HeaderValue::from_static("identity"));
        let (parts, body) = self.send(request, timeout)?.into_parts();
        let head = http::Response::from_parts(parts, ());
        let mut gate = BodyGate::new(&head, self.max_download)?;
        let mut reader = body.into_reader();
        let mut buf = vec![0; FRAME];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(classify_io(&e)),
            };
            match gate.next(n)? {
                Piece::Write => {
                    if let (Some(sink), Some(data)) = (sink.as_mut(), buf.get(..n)) {
                        sink.write_all(data).map_err(|_| Failure::Io)?;
                    }
                }
                Piece::Drop => {}
                Piece::Stop => break,
            }
        }
        if gate.writes()
            && let Some(sink) = sink.as_mut()
        {
            sink.flush().map_err(|_| Failure::Io)?;
        }
        Ok((head, gate.written()))
    }

    /// Sends one request and gives the response with its body still to read.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> Result<http::Response<ureq::Body>, Failure> {
        let request = self
            .agent
            .configure_request(request)
            .timeout_global(Some(timeout))
            .build();
        let response = self.agent.run(request);
        if let Some(report) = &self.proxy {
            match &response {
                Ok(_) => report.passed(),
                Err(ureq::Error::ConnectProxyFailed(why)) if why.contains(" 407") => {
                    report.refused(Refusal::Auth)
                }
                Err(ureq::Error::ConnectProxyFailed(why)) if why.contains("responded") => {
                    report.refused(Refusal::Other)
                }
                Err(_) => {}
            }
        }
        response.map_err(classify)
    }
}

/// ureq's proxy, built from the parsed URL (ureq percent-encodes the credentials again and
/// sends them as `Proxy-Authorization: Basic` on each CONNECT).
fn ureq_proxy(url: &ProxyUrl) -> Result<ureq::Proxy, ureq::Error> {
    let mut builder = ureq::Proxy::builder(ureq::ProxyProtocol::Http)
        .host(url.host())
        .port(url.port());
    if let Some((user, password)) = url.credentials() {
        builder = builder.username(user).password(password);
    }
    builder.build()
}

/// The failure of a read of a streamed body: ureq's own error when it is inside.
fn classify_io(e: &std::io::Error) -> Failure {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<ureq::Error>())
    {
        Some(ureq::Error::Timeout(_)) => Failure::Timeout,
        Some(ureq::Error::BodyExceedsLimit(_)) => Failure::BodyTooLarge,
        _ if e.kind() == std::io::ErrorKind::TimedOut => Failure::Timeout,
        _ => Failure::Io,
    }
}

fn classify(e: ureq::Error) -> Failure {
    use std::io::ErrorKind;
    match e {
        ureq::Error::Timeout(_) => Failure::Timeout,
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => Failure::Connect,
        ureq::Error::ConnectProxyFailed(_) => Failure::Connect,
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => Failure::Tls,
        ureq::Error::BodyExceedsLimit(_) => Failure::BodyTooLarge,
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::TimedOut | ErrorKind::WouldBlock => Failure::Timeout,
            ErrorKind::ConnectionRefused | ErrorKind::AddrNotAvailable => Failure::Connect,
            _ if io
                .get_ref()
                .is_some_and(|inner| inner.is::<rustls::Error>()) =>
            {
                Failure::Tls
            }
            _ => Failure::Io,
        },
        _ => Failure::Io,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn downloads_stream_under_the_cap_without_gzip() {
        wx_testkit::adapter::media::download_transport(&|url, max_download| {
            let http = HttpClient::new(HttpOptions {
                max_download,
                ..HttpOptions::default()
            })
            .unwrap();
            let request = http::Request::get(url).body(Vec::new()).unwrap();
            let mut sink = Vec::new();
            let result = http.stream(request, Duration::from_secs(5), Some(&mut sink));
            (result.map(|(head, n)| (head.status().as_u16(), n)), sink)
        });
    }
}
