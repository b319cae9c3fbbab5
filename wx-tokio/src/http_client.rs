//! [`HttpClient`]: one pooled hyper-util client over hyper-rustls (ring), with an optional
//! HTTP CONNECT proxy (with Basic credentials), per-request timeouts, a body-size cap and gzip decoding. Cheap to
//! clone; one can serve every session of a process.

use std::error::Error as StdError;
use std::time::Duration;

use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as Pool;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::rt::TokioExecutor;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use wx_driver::media::{BodyGate, Piece, Streamed};
use wx_driver::proxy::{ProxyReport, Refusal};
use wx_driver::{HttpError, HttpOptions};
use wx_proto::client::Failure;

use wx_driver::body::{chain_has, decode_body};

type Direct = Pool<HttpsConnector<HttpConnector>, Full<Bytes>>;
type Proxied = Pool<HttpsConnector<Tunnel<HttpConnector>>, Full<Bytes>>;

#[derive(Clone)]
enum Inner {
    Direct(Direct),
    Proxied(Proxied),
}

/// The HTTP executor shared by drivers. It follows no redirect, keeps no cookie, never
/// retries, and logs nothing of a request but its failure category.
#[derive(Clone)]
pub struct HttpClient {
    inner: Inner,
    max_body: usize,
    max_download: u64,
    proxy: Option<ProxyReport>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("proxy", &self.proxy)
            .field("max_body", &self.max_body)
            .field("max_download", &self.max_download)
            .finish()
    }
}

impl HttpClient {
    /// Builds the client. Needs no runtime; requests must run inside tokio.
    pub fn new(options: HttpOptions) -> Result<Self, HttpError> {
        let tls = wx_driver::options::tls_config(
            &options.extra_root_pem,
            rustls::crypto::ring::default_provider(),
        )?;
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(Some(options.connect_timeout));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1();
        let mut pool = Pool::builder(TokioExecutor::new());
        pool.pool_idle_timeout(options.idle_timeout)
            .retry_canceled_requests(false);
        if let Some(size) = options.read_buffer {
            pool.http1_read_buf_exact_size(size);
        }
        let inner = match &options.proxy {
            None => Inner::Direct(pool.build(https.wrap_connector(tcp))),
            Some(url) => {
                let mut tunnel = Tunnel::new(url.uri(), tcp);
                if let Some(auth) = url.basic_authorization() {
                    tunnel = tunnel.with_auth(auth);
                }
                Inner::Proxied(pool.build(https.wrap_connector(tunnel)))
            }
        };
        let proxy = options.proxy.map(|url| ProxyReport::new(url.address()));
        Ok(Self {
            inner,
            max_body: options.max_body,
            max_download: options.max_download,
            proxy,
        })
    }

    /// Why the proxy refused the last request that failed to connect (a 407 is
    /// [`ProxyError::AuthFailed`](crate::ProxyError::AuthFailed)), unless one got through
    /// since; the request itself failed with `Failure::Connect`.
    pub fn proxy_error(&self) -> Option<crate::ProxyError> {
        self.proxy.as_ref()?.last()
    }

    /// Sends one request and reads the whole response within `timeout`. Redirects are
    /// returned as they are; a gzip body is decoded.
    pub async fn execute(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> Result<http::Response<Vec<u8>>, Failure> {
        match tokio::time::timeout(timeout, self.exchange(request)).await {
            Ok(result) => result,
            Err(_) => Err(Failure::Timeout),
        }
    }

    async fn exchange(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, Failure> {
        let mut request = request.map(|b| Full::new(Bytes::from(b)));
        request
            .headers_mut()
            .entry(http::header::ACCEPT_ENCODING)
            .or_insert(http::HeaderValue::from_static("gzip"));
        let (mut parts, body) = self.send(request).await?.into_parts();
        let bytes = Limited::new(body, self.max_body)
            .collect()
            .await
            .map_err(|e| {
                if e.downcast_ref::<LengthLimitError>().is_some() {
                    Failure::BodyTooLarge
                } else {
                    Failure::Io
                }
            })?
            .to_bytes();
        let body = decode_body(&mut parts.headers, bytes.to_vec(), self.max_body)?;
        Ok(http::Response::from_parts(parts, body))
    }

    /// Sends a download request (one whose `sink` is set) within `timeout` and writes its
    /// body, frame by frame as it arrives, to `sink` (flushed at the end), or drains and
    /// drops it, as `wx-driver`'s [`BodyGate`] says. No gzip is asked for, so none is
    /// decoded. Gives the head and the bytes written; a failed write is `Io`.
    pub(crate) async fn stream<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
        sink: Option<&mut W>,
    ) -> Streamed {
        match tokio::time::timeout(timeout, self.stream_body(request, sink)).await {
            Ok(result) => result,
            Err(_) => Err(Failure::Timeout),
        }
    }

    async fn stream_body<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        request: http::Request<Vec<u8>>,
        mut sink: Option<&mut W>,
    ) -> Streamed {
        let response = self
            .send(request.map(|b| Full::new(Bytes::from(b))))
            .await?;
        let (parts, mut body) = response.into_parts();
        let head = http::Response::from_parts(parts, ());
        let mut gate = BodyGate::new(&head, self.max_download)?;
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame.map_err(|_| Failure::Io)?.into_data() else {
                continue;
            };
            match gate.next(data.len())? {
                Piece::Write => {
                    if let Some(sink) = sink.as_mut() {
                        sink.write_all(&data).await.map_err(|_| Failure::Io)?;
                    }
                }
                Piece::Drop => {}
                Piece::Stop => break,
            }
        }
        if gate.writes()
            && let Some(sink) = sink.as_mut()
        {
            sink.flush().await.map_err(|_| Failure::Io)?;
        }
        Ok((head, gate.written()))
    }

    /// Sends one request and gives the response with its body still to read.
    async fn send(
        &self,
        request: http::Request<Full<Bytes>>,
    ) -> Result<http::Response<Incoming>, Failure> {
        let response = match &self.inner {
            Inner::Direct(c) => c.request(request).await,
            Inner::Proxied(c) => c.request(request).await,
        };
        if let Some(report) = &self.proxy {
            match &response {
                Ok(_) => report.passed(),
                Err(e) => tunnel_refusal(e)
                    .into_iter()
                    .for_each(|r| report.refused(r)),
            }
        }
        let response = response.map_err(|e| {
            let tls = chain_has::<rustls::Error>(&e);
            if tls {
                Failure::Tls
            } else if e.is_connect() {
                Failure::Connect
            } else {
                Failure::Io
            }
        })?;
        // A final 1xx (hyper passes a `101` through) answers no request of ours: no
        // upgrade is ever asked for. The other adapters' codec refuses it the same way.
        if response.status().is_informational() {
            return Err(Failure::Io);
        }
        Ok(response)
    }
}

/// How the CONNECT proxy refused, if it did: hyper-util's `TunnelError` is not exported,
/// so it is recognised by its message (the adapter tests catch a change).
fn tunnel_refusal(e: &(dyn StdError + 'static)) -> Option<Refusal> {
    let mut next: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = next {
        match err.to_string().as_str() {
            "tunnel error: proxy authorization required" => return Some(Refusal::Auth),
            "tunnel error: unsuccessful" => return Some(Refusal::Other),
            _ => next = err.source(),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn downloads_stream_under_the_cap_without_gzip() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        wx_testkit::adapter::media::download_transport(&|url, max_download| {
            let http = HttpClient::new(HttpOptions {
                max_download,
                ..HttpOptions::default()
            })
            .unwrap();
            let request = http::Request::get(url).body(Vec::new()).unwrap();
            let mut sink = Vec::new();
            let result = rt.block_on(http.stream(request, Duration::from_secs(5), Some(&mut sink)));
            (result.map(|(head, n)| (head.status().as_u16(), n)), sink)
        });
    }
}
