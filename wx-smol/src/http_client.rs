//! [`HttpClient`]: HTTP/1.1 over async-net and futures-rustls (ring), framed by
//! `wx-driver`'s codec ([`wx_driver::h1`]): connections pooled per origin, an optional HTTP
//! CONNECT proxy (Basic credentials), timeouts, a body-size cap and gzip decoding. Cheap
//! to clone; one can serve every session.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_rustls::TlsConnector;
use http::header::ACCEPT_ENCODING;
use rustls::pki_types::ServerName;
use smol::future::{FutureExt, poll_once};
use smol::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use smol::net::TcpStream;
use wx_driver::body::{chain_has, decode_body};
use wx_driver::h1::{self, ClientState, Next, Origin, Reader};
use wx_driver::media::{BodyGate, Piece, Streamed};
use wx_driver::{HttpError, HttpOptions};
use wx_proto::client::Failure;

/// A connection's byte stream: TCP, or TLS over it.
trait Stream: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Stream for T {}
type Conn = Box<dyn Stream>;

/// The HTTP executor shared by drivers. It follows no redirect, keeps no cookie, never
/// retries, and logs nothing of a request but its failure category.
#[derive(Clone)]
pub struct HttpClient(Arc<ClientState<Conn>>);

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("HttpClient").field(&self.0).finish()
    }
}

/// A response whose head has been read: its body comes through [`Reply::data`].
struct Reply {
    head: http::Response<()>,
    reader: Reader,
    conn: Conn,
    origin: Origin,
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

/// Reads from `conn` into `reader` until it holds the answer's head.
async fn read_head<S: AsyncRead + Unpin + ?Sized>(
    conn: &mut S,
    reader: &mut Reader,
) -> Result<http::Response<()>, Failure> {
    loop {
        if let Some(head) = reader.head().map_err(|_| Failure::Io)? {
            return Ok(head);
        }
        let n = conn.read(reader.space()).await.map_err(|e| broken(&e))?;
        reader.filled(n).map_err(|_| Failure::Io)?;
    }
}

impl HttpClient {
    /// Builds the client (no I/O). Requests run on any executor: their I/O is async-io's.
    pub fn new(options: HttpOptions) -> Result<Self, HttpError> {
        let provider = rustls::crypto::ring::default_provider();
        Ok(Self(Arc::new(ClientState::new(options, provider)?)))
    }

    /// Why the proxy refused the last request that failed to connect (a 407 is
    /// [`ProxyError::AuthFailed`](crate::ProxyError::AuthFailed)), unless one got through
    /// since; the request itself failed with `Failure::Connect`.
    pub fn proxy_error(&self) -> Option<crate::ProxyError> {
        self.0.proxy_error()
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
            loop {
                match reply.reader.step().map_err(|_| Failure::Io)? {
                    Next::Data(data) if body.len() + data.len() > max => {
                        return Err(Failure::BodyTooLarge);
                    }
                    Next::Data(data) => body.extend_from_slice(data),
                    Next::Read => reply.read().await?,
                    Next::Done => break,
                }
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
            loop {
                match reply.reader.step().map_err(|_| Failure::Io)? {
                    Next::Data(data) => match (gate.next(data.len())?, sink.as_mut()) {
                        (Piece::Write, Some(s)) => {
                            s.write_all(data).await.map_err(|_| Failure::Io)?;
                        }
                        (Piece::Stop, _) => break,
                        _ => {}
                    },
                    Next::Read => reply.read().await?,
                    Next::Done => break,
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
        let (origin, method, bytes) = h1::encode_request(request).map_err(|_| Failure::Connect)?;
        let mut conn = match self.check_out(&origin).await {
            Some(conn) => conn,
            None => self.connect(&origin).await?,
        };
        conn.write_all(&bytes).await.map_err(|e| broken(&e))?;
        conn.flush().await.map_err(|e| broken(&e))?;
        let buffer = self.0.read_buffer();
        let mut reader = Reader::new(method, buffer);
        let head = read_head(&mut conn, &mut reader).await?;
        Ok(Reply {
            head,
            reader,
            conn,
            origin,
        })
    }

    /// An idle connection to `origin` that is fresh and still open (a read that would not
    /// wait has nothing to say on a connection between two answers).
    async fn check_out(&self, origin: &Origin) -> Option<Conn> {
        loop {
            let mut conn = self.0.take_idle(origin, Instant::now())?;
            if poll_once(conn.read(&mut [0])).await.is_none() {
                return Some(conn);
            }
        }
    }

    /// Keeps the connection of a reply read whole, for the next request; gives the head.
    fn check_in(&self, reply: Reply) -> http::Response<()> {
        let reusable = reply.reader.reusable();
        self.0
            .keep(reply.origin, reply.conn, reusable, Instant::now());
        reply.head
    }

    /// A new connection: TCP (through the proxy's tunnel, if any), then TLS for `https`.
    async fn connect(&self, origin: &Origin) -> Result<Conn, Failure> {
        let o = &self.0.options;
        let tcp = within(o.connect_timeout, Failure::Connect, self.tcp(origin)).await?;
        if !origin.tls {
            return Ok(Box::new(tcp));
        }
        let name = ServerName::try_from(origin.bare_host().to_owned());
        let name = name.map_err(|_| Failure::Connect)?;
        match TlsConnector::from(self.0.tls.clone())
            .connect(name, tcp)
            .await
        {
            Ok(stream) => Ok(Box::new(stream)),
            Err(e) if chain_has::<rustls::Error>(&e) => Err(Failure::Tls),
            Err(_) => Err(Failure::Connect),
        }
    }

    /// A TCP stream to the origin, or a CONNECT tunnel there through the proxy.
    async fn tcp(&self, origin: &Origin) -> Result<TcpStream, Failure> {
        let dial = |host: &str, port| {
            let host = h1::bare(host).to_owned();
            async move {
                let s = TcpStream::connect((host.as_str(), port)).await;
                let s = s.map_err(|_| Failure::Connect)?;
                let _ = s.set_nodelay(true);
                Ok::<_, Failure>(s)
            }
        };
        let (Some(url), Some(report)) = (&self.0.options.proxy, &self.0.report) else {
            return dial(&origin.host, origin.port).await;
        };
        let mut s = dial(url.host(), url.port()).await?;
        let connect = url.connect_head(&origin.host, origin.port);
        s.write_all(&connect).await.map_err(|_| Failure::Connect)?;
        let mut reader = Reader::new(http::Method::CONNECT, 1024);
        let head = read_head(&mut s, &mut reader).await;
        let head = head.map_err(|_| Failure::Connect)?;
        // Bytes after the answer would be a proxy that spoke before the client did.
        match report.answered(head.status()) && !reader.has_unread() {
            true => Ok(s),
            false => Err(Failure::Connect),
        }
    }
}

impl Reply {
    /// One read from the connection into the reader.
    async fn read(&mut self) -> Result<(), Failure> {
        let n = self.conn.read(self.reader.space()).await;
        let n = n.map_err(|e| broken(&e))?;
        self.reader.filled(n).map_err(|_| Failure::Io)
    }
}
