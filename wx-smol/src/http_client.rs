//! [`HttpClient`]: HTTP/1.1 over async-net and futures-rustls (ring), framed by
//! `wx-driver`'s codec ([`wx_driver::h1`]): connections pooled per origin, an optional HTTP
//! CONNECT proxy (Basic credentials), timeouts, a body-size cap and gzip decoding. Cheap
//! to clone; one can serve every session.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_rustls::TlsConnector;
use http::header::ACCEPT_ENCODING;
use rustls::pki_types::ServerName;
use smol::future::{FutureExt, poll_once};
use smol::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use smol::net::TcpStream;
use wx_driver::body::{chain_has, decode_body};
use wx_driver::h1::{self, Body, MAX_HEAD};
use wx_driver::media::{BodyGate, Piece, Streamed};
use wx_driver::proxy::{ProxyReport, Refusal};
use wx_driver::{HttpError, HttpOptions};
use wx_proto::client::Failure;

/// A connection's byte stream: TCP, or TLS over it.
trait Stream: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Stream for T {}
type Conn = Box<dyn Stream>;

/// An origin: TLS or not, host, port.
type Origin = (bool, String, u16);

/// The HTTP executor shared by drivers. It follows no redirect, keeps no cookie, never
/// retries, and logs nothing of a request but its failure category.
#[derive(Clone)]
pub struct HttpClient(Arc<Shared>);

struct Shared {
    options: HttpOptions,
    tls: TlsConnector,
    report: Option<ProxyReport>,
    idle: Mutex<HashMap<Origin, Vec<(Conn, Instant)>>>,
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

/// A response whose head has been read: its body comes through [`Reply::data`].
struct Reply {
    head: http::Response<()>,
    keep_alive: bool,
    body: Body,
    conn: Conn,
    origin: Origin,
    /// Bytes read from `conn`; `buf[start..end]` are not decoded yet.
    buf: Vec<u8>,
    start: usize,
    end: usize,
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

/// A broken read or write: TLS's own failure, or the connection's.
fn broken(e: &std::io::Error) -> Failure {
    if chain_has::<rustls::Error>(e) {
        Failure::Tls
    } else {
        Failure::Io
    }
}

impl HttpClient {
    /// Builds the client (no I/O). Requests run on any executor: their I/O is async-io's.
    pub fn new(options: HttpOptions) -> Result<Self, HttpError> {
        let tls = wx_driver::options::tls_config(
            &options.extra_root_pem,
            rustls::crypto::ring::default_provider(),
        )?;
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
            let mut reply = self.send(request).await?;
            let max = self.0.options.max_body;
            let mut body = Vec::new();
            while let Some(data) = reply.data().await? {
                if body.len() + data.len() > max {
                    return Err(Failure::BodyTooLarge);
                }
                body.extend_from_slice(data);
            }
            let (mut parts, ()) = self.check_in(reply).into_parts();
            let body = decode_body(&mut parts.headers, body, max)?;
            Ok(http::Response::from_parts(parts, body))
        })
        .await
    }

    /// Sends a download request within `timeout` and writes its body, as it arrives, to
    /// `sink` (flushed at the end) or drops it, as `wx-driver`'s [`BodyGate`] says. No
    /// gzip is asked for. Gives the head and the bytes written; a failed write is `Io`.
    pub(crate) async fn stream<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
        mut sink: Option<&mut W>,
    ) -> Streamed {
        within(timeout, Failure::Timeout, async {
            let mut reply = self.send(request).await?;
            let mut gate = BodyGate::new(&reply.head, self.0.options.max_download)?;
            // A body left unread at `Stop` is not whole: `check_in` drops its connection.
            while let Some(data) = reply.data().await? {
                match (gate.next(data.len())?, sink.as_mut()) {
                    (Piece::Write, Some(s)) => s.write_all(data).await.map_err(|_| Failure::Io)?,
                    (Piece::Stop, _) => break,
                    _ => {}
                }
            }
            if let (true, Some(s)) = (gate.writes(), sink) {
                s.flush().await.map_err(|_| Failure::Io)?;
            }
            Ok((self.check_in(reply), gate.written()))
        })
        .await
    }

    /// Writes `request` on an idle or a new connection and reads its answer's head.
    async fn send(&self, request: http::Request<Vec<u8>>) -> Result<Reply, Failure> {
        let (parts, body) = request.into_parts();
        let (tls, host) = match (parts.uri.scheme_str(), parts.uri.host()) {
            (Some(s @ ("http" | "https")), Some(host)) => (s == "https", host.to_owned()),
            _ => return Err(Failure::Connect),
        };
        let port = parts.uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let mut bytes = h1::encode_head(&parts, body.len()).map_err(|_| Failure::Connect)?;
        bytes.extend_from_slice(&body);
        let origin = (tls, host, port);
        let mut conn = match self.check_out(&origin).await {
            Some(conn) => conn,
            None => self.connect(&origin).await?,
        };
        conn.write_all(&bytes).await.map_err(|e| broken(&e))?;
        conn.flush().await.map_err(|e| broken(&e))?;
        let mut buf = vec![0; self.0.options.read_buffer.unwrap_or(16 * 1024).max(1024)];
        let mut end = 0;
        let (start, head) = loop {
            if let Some(parsed) =
                h1::parse_head(&buf[..end], &parts.method).map_err(|_| Failure::Io)?
            {
                break parsed;
            }
            if end == buf.len() {
                buf.resize((buf.len() * 2).min(MAX_HEAD + 1024), 0);
            }
            match conn.read(&mut buf[end..]).await.map_err(|e| broken(&e))? {
                0 => return Err(Failure::Io),
                n => end += n,
            }
        };
        Ok(Reply {
            head: head.response,
            keep_alive: head.keep_alive,
            body: Body::new(head.framing),
            conn,
            origin,
            buf,
            start,
            end,
        })
    }

    /// An idle connection to `origin` that is fresh and still open (a read that would not
    /// wait has nothing to say on a connection between two answers).
    async fn check_out(&self, origin: &Origin) -> Option<Conn> {
        loop {
            let (mut conn, since) = self.0.idle.lock().ok()?.get_mut(origin)?.pop()?;
            let mut probe = [0];
            if since.elapsed() < self.0.options.idle_timeout
                && poll_once(conn.read(&mut probe)).await.is_none()
            {
                return Some(conn);
            }
        }
    }

    /// Keeps the connection of a reply read whole, for the next request; gives the head.
    fn check_in(&self, reply: Reply) -> http::Response<()> {
        let reusable = reply.keep_alive && reply.body.is_done() && reply.start == reply.end;
        if let (true, Ok(mut idle)) = (reusable, self.0.idle.lock()) {
            let list = idle.entry(reply.origin).or_default();
            list.retain(|(_, t)| t.elapsed() < self.0.options.idle_timeout);
            list.push((reply.conn, Instant::now()));
        }
        reply.head
    }

    /// A new connection: TCP (through the proxy's tunnel, if any), then TLS for `https`.
    async fn connect(&self, (tls, host, port): &Origin) -> Result<Conn, Failure> {
        let o = &self.0.options;
        let tcp = within(o.connect_timeout, Failure::Connect, self.tcp(host, *port)).await?;
        if !tls {
            return Ok(Box::new(tcp));
        }
        let name = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let name = ServerName::try_from(name).map_err(|_| Failure::Connect)?;
        match self.0.tls.connect(name, tcp).await {
            Ok(stream) => Ok(Box::new(stream)),
            Err(e) if chain_has::<rustls::Error>(&e) => Err(Failure::Tls),
            Err(_) => Err(Failure::Connect),
        }
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
        let connect = url.connect_head(host, port);
        s.write_all(&connect).await.map_err(|_| Failure::Connect)?;
        // The answer's head, byte by byte (what follows it is the tunnel's), parsed at each
        // line's end and never longer than a head may be.
        let mut answer = Vec::new();
        let head = loop {
            let mut byte = [0];
            s.read_exact(&mut byte)
                .await
                .map_err(|_| Failure::Connect)?;
            answer.push(byte[0]);
            if answer.len() > MAX_HEAD {
                return Err(Failure::Connect);
            }
            if byte[0] != b'\n' {
                continue;
            }
            match h1::parse_head(&answer, &http::Method::CONNECT) {
                Ok(Some((_, head))) => break head,
                Ok(None) => {}
                Err(_) => return Err(Failure::Connect),
            }
        };
        match Refusal::of(head.response.status()) {
            None => report.passed(),
            Some(refusal) => {
                report.refused(refusal);
                return Err(Failure::Connect);
            }
        }
        Ok(s)
    }
}

impl Reply {
    /// The next run of body data, `None` once the body is whole (the connection's end
    /// ends a body that runs until close; it cuts any other short: `Io`).
    async fn data(&mut self) -> Result<Option<&[u8]>, Failure> {
        loop {
            if self.body.is_done() {
                return Ok(None);
            }
            if self.start < self.end {
                let input = &self.buf[self.start..self.end];
                let (used, data) = self.body.decode(input).map_err(|_| Failure::Io)?;
                let from = self.start + used - data.len();
                self.start += used;
                if !data.is_empty() {
                    return Ok(Some(&self.buf[from..self.start]));
                }
                continue;
            }
            let n = self
                .conn
                .read(&mut self.buf)
                .await
                .map_err(|e| broken(&e))?;
            (self.start, self.end) = (0, n);
            if n == 0 {
                self.keep_alive = false;
                self.body.end_of_input().map_err(|_| Failure::Io)?;
            }
        }
    }
}
