//! [`HttpClient`]: hyper 1's HTTP/1 connections over async-net and futures-rustls (ring),
//! pooled per origin, with an optional HTTP CONNECT proxy (Basic credentials), timeouts,
//! a body-size cap and gzip decoding. Cheap to clone; one can serve every session.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_rustls::TlsConnector;
use http::header::{ACCEPT_ENCODING, HOST};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http1::{Builder, SendRequest};
use rustls_pki_types::{CertificateDer, ServerName, pem::PemObject};
use smol::future::FutureExt;
use smol::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use smol::net::TcpStream;
use smol_hyper::rt::FuturesIo;
use wx_driver::body::{chain_has, decode_body};
use wx_driver::media::{BodyGate, Piece, Streamed};
use wx_driver::options;
use wx_driver::proxy::{ProxyReport, ProxyUrl, Refusal};
use wx_proto::client::Failure;

/// How to build an [`HttpClient`] (the same fields and defaults as `wx-tokio`'s).
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Extra trusted CA certificates (PEM), on top of the webpki roots.
    pub extra_root_pem: Vec<String>,
    /// An HTTP proxy that speaks CONNECT, e.g. `http://user:pass@127.0.0.1:3128`: every
    /// connection is tunnelled through it, the credentials sent as `Proxy-Authorization:
    /// Basic`. `Debug` hides them.
    pub proxy: Option<ProxyUrl>,
    /// Largest response body accepted, after gzip decoding.
    pub max_body: usize,
    /// Largest download body written to a writer; a longer one fails `BodyTooLarge`.
    pub max_download: u64,
    /// How long a TCP connect (and the proxy's CONNECT answer) may take.
    pub connect_timeout: Duration,
    /// How long an idle pooled connection is kept.
    pub idle_timeout: Duration,
    /// Exact size of each connection's read buffer; `None`: hyper's adaptive one.
    pub read_buffer: Option<usize>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            extra_root_pem: Vec::new(),
            proxy: None,
            max_body: options::DEFAULT_MAX_BODY,
            max_download: options::DEFAULT_MAX_DOWNLOAD,
            connect_timeout: options::DEFAULT_CONNECT_TIMEOUT,
            idle_timeout: Duration::from_secs(60),
            read_buffer: None,
        }
    }
}

/// Why an [`HttpClient`] could not be built.
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

/// An origin: TLS or not, host, port.
type Origin = (bool, String, u16);
type Sender = SendRequest<Full<Bytes>>;

/// The HTTP executor shared by drivers. It follows no redirect, keeps no cookie, never
/// retries, and logs nothing of a request but its failure category.
#[derive(Clone)]
pub struct HttpClient(Arc<Shared>);

struct Shared {
    options: HttpOptions,
    tls: TlsConnector,
    report: Option<ProxyReport>,
    idle: Mutex<HashMap<Origin, Vec<(Sender, Instant)>>>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let o = &self.0.options;
        f.debug_struct("HttpClient")
            .field("proxy", &self.0.report)
            .field("max_body", &o.max_body)
            .field("max_download", &o.max_download)
            .finish()
    }
}

/// `f`, or `failure` once `limit` has passed.
async fn within<T>(
    limit: Duration,
    failure: Failure,
    f: impl Future<Output = Result<T, Failure>>,
) -> Result<T, Failure> {
    f.or(async {
        smol::Timer::after(limit).await;
        Err(failure)
    })
    .await
}

impl HttpClient {
    /// Builds the client (no I/O). Requests run on any executor: their I/O is async-io's.
    pub fn new(options: HttpOptions) -> Result<Self, HttpError> {
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for pem in &options.extra_root_pem {
            let before = roots.len();
            for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                roots.add(cert.map_err(|e| HttpError::BadCertificate(e.to_string()))?)?;
            }
            if roots.len() == before {
                return Err(HttpError::BadCertificate("no certificate in PEM".into()));
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let report = options
            .proxy
            .as_ref()
            .map(|u| ProxyReport::new(u.address()));
        Ok(Self(Arc::new(Shared {
            options,
            tls: TlsConnector::from(Arc::new(tls)),
            report,
            idle: Mutex::default(),
        })))
    }

    /// Why the proxy refused the last request that failed to connect (a 407 is
    /// [`ProxyError::AuthFailed`](crate::ProxyError::AuthFailed)), unless one got through
    /// since; the request itself failed with `Failure::Connect`.
    pub fn proxy_error(&self) -> Option<crate::ProxyError> {
        self.0.report.as_ref()?.last()
    }

    /// Sends one request and reads the whole response within `timeout`. Redirects are
    /// returned as they are; a gzip body is decoded.
    pub async fn execute(
        &self,
        mut request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> Result<http::Response<Vec<u8>>, Failure> {
        let gzip = http::HeaderValue::from_static("gzip");
        request.headers_mut().entry(ACCEPT_ENCODING).or_insert(gzip);
        within(timeout, Failure::Timeout, async {
            let (response, conn) = self.send(request).await?;
            let (mut parts, body) = response.into_parts();
            let max = self.0.options.max_body;
            let body = Limited::new(body, max).collect().await.map_err(|e| match e
                .downcast_ref::<LengthLimitError>()
            {
                Some(_) => Failure::BodyTooLarge,
                None => Failure::Io,
            })?;
            self.check_in(conn);
            let body = decode_body(&mut parts.headers, body.to_bytes().to_vec(), max)?;
            Ok(http::Response::from_parts(parts, body))
        })
        .await
    }

    /// Sends a download request within `timeout` and writes its body, frame by frame, to
    /// `sink` (flushed at the end) or drops it, as `wx-driver`'s [`BodyGate`] says. No
    /// gzip is asked for. Gives the head and the bytes written; a failed write is `Io`.
    pub(crate) async fn stream<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
        mut sink: Option<&mut W>,
    ) -> Streamed {
        within(timeout, Failure::Timeout, async {
            let (response, conn) = self.send(request).await?;
            let (parts, mut body) = response.into_parts();
            let head = http::Response::from_parts(parts, ());
            let mut gate = BodyGate::new(&head, self.0.options.max_download)?;
            let mut whole = true;
            while let Some(frame) = body.frame().await {
                let Ok(data) = frame.map_err(|_| Failure::Io)?.into_data() else {
                    continue;
                };
                match (gate.next(data.len())?, sink.as_mut()) {
                    (Piece::Write, Some(s)) => s.write_all(&data).await.map_err(|_| Failure::Io)?,
                    (Piece::Stop, _) => {
                        whole = false;
                        break;
                    }
                    _ => {}
                }
            }
            if let (true, Some(s)) = (gate.writes(), sink) {
                s.flush().await.map_err(|_| Failure::Io)?;
            }
            if whole {
                self.check_in(conn);
            }
            Ok((head, gate.written()))
        })
        .await
    }

    /// Sends `request` on an idle or a new connection: the response with its body still
    /// to read, and the connection to check in once it is read.
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<(http::Response<Incoming>, (Origin, Sender)), Failure> {
        let (mut parts, body) = request.into_parts();
        let (tls, host) = match (parts.uri.scheme_str(), parts.uri.host()) {
            (Some(s @ ("http" | "https")), Some(host)) => (s == "https", host.to_owned()),
            _ => return Err(Failure::Connect),
        };
        let port = parts.uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        if let Some(authority) = parts
            .uri
            .authority()
            .filter(|_| !parts.headers.contains_key(HOST))
        {
            let host = authority.as_str().rsplit('@').next().unwrap_or_default();
            parts
                .headers
                .insert(HOST, host.parse().map_err(|_| Failure::Connect)?);
        }
        let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        parts.uri = target.parse().map_err(|_| Failure::Connect)?;
        let origin = (tls, host, port);
        let mut conn = match self.check_out(&origin).await {
            Some(conn) => conn,
            None => self.connect(&origin).await?,
        };
        let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
        match conn.send_request(request).await {
            Ok(response) => Ok((response, (origin, conn))),
            Err(e) if chain_has::<rustls::Error>(&e) => Err(Failure::Tls),
            Err(_) => Err(Failure::Io),
        }
    }

    /// An idle connection to `origin` that is still open and fresh.
    async fn check_out(&self, origin: &Origin) -> Option<Sender> {
        loop {
            let (mut conn, since) = self.0.idle.lock().ok()?.get_mut(origin)?.pop()?;
            if since.elapsed() < self.0.options.idle_timeout && conn.ready().await.is_ok() {
                return Some(conn);
            }
        }
    }

    /// Keeps a connection whose response has been read whole, for the next request.
    fn check_in(&self, (origin, conn): (Origin, Sender)) {
        let Ok(mut idle) = self.0.idle.lock() else {
            return;
        };
        let list = idle.entry(origin).or_default();
        list.retain(|(c, t)| !c.is_closed() && t.elapsed() < self.0.options.idle_timeout);
        list.push((conn, Instant::now()));
    }

    /// A new connection: TCP (through the proxy's tunnel, if any), TLS, the HTTP/1 handshake.
    async fn connect(&self, (tls, host, port): &Origin) -> Result<Sender, Failure> {
        let o = &self.0.options;
        let tcp = within(o.connect_timeout, Failure::Connect, self.tcp(host, *port)).await?;
        if !tls {
            return self.handshake(tcp).await;
        }
        let name = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let name = ServerName::try_from(name).map_err(|_| Failure::Connect)?;
        match self.0.tls.connect(name, tcp).await {
            Ok(stream) => self.handshake(stream).await,
            Err(e) if chain_has::<rustls::Error>(&e) => Err(Failure::Tls),
            Err(_) => Err(Failure::Connect),
        }
    }

    async fn handshake<T>(&self, io: T) -> Result<Sender, Failure>
    where
        T: AsyncRead + AsyncWrite + Send + Unpin + 'static,
    {
        let mut builder = Builder::new();
        builder.read_buf_exact_size(self.0.options.read_buffer);
        let (sender, conn) = builder
            .handshake(FuturesIo::new(io))
            .await
            .map_err(|_| Failure::Io)?;
        smol::spawn(conn).detach();
        Ok(sender)
    }

    /// A TCP stream to `host:port`, or a CONNECT tunnel there through the proxy.
    async fn tcp(&self, host: &str, port: u16) -> Result<TcpStream, Failure> {
        let dial = |h: &str, p| {
            let h = h.trim_start_matches('[').trim_end_matches(']').to_owned();
            async move {
                let s = TcpStream::connect((h.as_str(), p)).await;
                let s = s.map_err(|_| Failure::Connect)?;
                let _ = s.set_nodelay(true);
                Ok::<_, Failure>(s)
            }
        };
        let (Some(url), Some(report)) = (&self.0.options.proxy, &self.0.report) else {
            return dial(host, port).await;
        };
        let mut s = dial(url.host(), url.port()).await?;
        let mut head = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n");
        if let Some(auth) = url
            .basic_authorization()
            .and_then(|v| v.to_str().ok().map(str::to_owned))
        {
            head = format!("{head}Proxy-Authorization: {auth}\r\n");
        }
        s.write_all(format!("{head}\r\n").as_bytes())
            .await
            .map_err(|_| Failure::Connect)?;
        // The answer's head, byte by byte: what follows it is the tunnel's.
        let mut answer = Vec::new();
        while !answer.ends_with(b"\r\n\r\n") && answer.len() < 8192 {
            let mut byte = [0];
            s.read_exact(&mut byte)
                .await
                .map_err(|_| Failure::Connect)?;
            answer.push(byte[0]);
        }
        let status = String::from_utf8_lossy(&answer);
        let refusal = match status.split(' ').nth(1) {
            Some(code) if code.starts_with('2') => None,
            Some("407") => Some(Refusal::Auth),
            _ => Some(Refusal::Other),
        };
        match refusal {
            None => report.passed(),
            Some(refusal) => report.refused(refusal),
        }
        refusal.map_or(Ok(s), |_| Err(Failure::Connect))
    }
}
