//! [`HttpClient`]: HTTP/1.1 over std sockets and rustls (ring), framed by `wx-driver`'s
//! codec ([`wx_driver::h1`]): connections pooled per origin, an optional HTTP CONNECT
//! proxy (Basic credentials), timeouts, a body-size cap and gzip decoding. Cheap to clone;
//! one can serve every session. It logs nothing of a request: the URL and the cookies
//! carry the session's credentials.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::header::ACCEPT_ENCODING;
use rustls::pki_types::ServerName;
use rustls::{ClientConnection, StreamOwned};
use wx_driver::body::{chain_has, decode_body};
use wx_driver::h1::{self, ClientState, Next, Origin, Reader};
use wx_driver::media::{BodyGate, Piece, Streamed};
use wx_driver::{HttpError, HttpOptions};
use wx_proto::client::Failure;

/// The HTTP executor shared by drivers. It follows no redirect, keeps no cookie, never
/// retries, and logs nothing of a request but its failure category.
#[derive(Clone)]
pub struct HttpClient(Arc<ClientState<Conn>>);

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("HttpClient").field(&self.0).finish()
    }
}

/// A connection: TCP, or TLS over it.
enum Conn {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Conn {
    fn tcp(&self) -> &TcpStream {
        match self {
            Conn::Plain(tcp) => tcp,
            Conn::Tls(tls) => &tls.sock,
        }
    }

    /// Whether a read that does not wait finds nothing: an idle connection between two
    /// answers has nothing to say (a close, an alert or stray bytes make it unusable).
    fn is_quiet(&mut self) -> bool {
        if self.tcp().set_nonblocking(true).is_err() {
            return false;
        }
        let quiet = matches!(self.read(&mut [0]), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        quiet && self.tcp().set_nonblocking(false).is_ok()
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(tcp) => tcp.read(buf),
            Conn::Tls(tls) => tls.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(tcp) => tcp.write(buf),
            Conn::Tls(tls) => tls.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(tcp) => tcp.flush(),
            Conn::Tls(tls) => tls.flush(),
        }
    }
}

/// Bounds the next reads and writes on `tcp` by `deadline`; `failure` once it has passed.
fn bound(tcp: &TcpStream, deadline: Instant, failure: Failure) -> Result<(), Failure> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(failure);
    }
    let set = tcp
        .set_read_timeout(Some(left))
        .and(tcp.set_write_timeout(Some(left)));
    set.map_err(|_| Failure::Io)
}

/// A failed read or write: its deadline passed, TLS failed, or the connection did.
fn broken(e: &io::Error, late: Failure) -> Failure {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => late,
        _ if chain_has::<rustls::Error>(e) => Failure::Tls,
        _ => Failure::Io,
    }
}

/// A response whose head has been read: its body comes through `reader`.
struct Reply {
    head: http::Response<()>,
    reader: Reader,
    conn: Conn,
    origin: Origin,
    deadline: Instant,
}

impl Reply {
    /// One read from the connection into the reader, by the request's deadline.
    fn read(&mut self) -> Result<(), Failure> {
        bound(self.conn.tcp(), self.deadline, Failure::Timeout)?;
        let n = read_some(&mut self.conn, self.reader.space(), Failure::Timeout)?;
        self.reader.filled(n).map_err(|_| Failure::Io)
    }
}

/// One read (retried when interrupted).
fn read_some(conn: &mut impl Read, buf: &mut [u8], late: Failure) -> Result<usize, Failure> {
    loop {
        match conn.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => return other.map_err(|e| broken(&e, late)),
        }
    }
}

/// Reads from `conn` into `reader` until it holds the answer's head (the caller bounds
/// the reads).
fn read_head(
    conn: &mut impl Read,
    reader: &mut Reader,
    late: Failure,
) -> Result<http::Response<()>, Failure> {
    loop {
        if let Some(head) = reader.head().map_err(|_| Failure::Io)? {
            return Ok(head);
        }
        let n = read_some(conn, reader.space(), late)?;
        reader.filled(n).map_err(|_| Failure::Io)?;
    }
}

impl HttpClient {
    /// Builds the client (no I/O).
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

    /// Sends one request and reads the whole response within `timeout` (blocking).
    /// Redirects are returned as they are; a gzip body is decoded.
    pub fn execute(
        &self,
        mut request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> Result<http::Response<Vec<u8>>, Failure> {
        let gzip = http::HeaderValue::from_static("gzip");
        request.headers_mut().entry(ACCEPT_ENCODING).or_insert(gzip);
        let mut reply = self.send(request, timeout)?;
        let max = self.0.options.max_body;
        let mut body = Vec::new();
        loop {
            match reply.reader.step().map_err(|_| Failure::Io)? {
                Next::Data(data) if body.len() + data.len() > max => {
                    return Err(Failure::BodyTooLarge);
                }
                Next::Data(data) => body.extend_from_slice(data),
                Next::Read => reply.read()?,
                Next::Done => break,
            }
        }
        let (mut parts, ()) = self.check_in(reply).into_parts();
        let body = decode_body(&mut parts.headers, body, max)?;
        Ok(http::Response::from_parts(parts, body))
    }

    /// Sends a download request within `timeout` (blocking) and writes its body, as it
    /// arrives, to `sink` (flushed at the end), or drops it, as `wx-driver`'s [`BodyGate`]
    /// says. No gzip is asked for. Gives the head and the bytes written; a failed write is
    /// `Io`.
    pub(crate) fn stream<W: Write + ?Sized>(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
        mut sink: Option<&mut W>,
    ) -> Streamed {
        let mut reply = self.send(request, timeout)?;
        let mut gate = BodyGate::new(&reply.head, self.0.options.max_download)?;
        // A body left unread at `Stop` is not whole: `check_in` drops its connection.
        loop {
            match reply.reader.step().map_err(|_| Failure::Io)? {
                Next::Data(data) => match (gate.next(data.len())?, sink.as_mut()) {
                    (Piece::Write, Some(s)) => s.write_all(data).map_err(|_| Failure::Io)?,
                    (Piece::Stop, _) => break,
                    _ => {}
                },
                Next::Read => reply.read()?,
                Next::Done => break,
            }
        }
        if let (true, Some(s)) = (gate.writes(), sink) {
            s.flush().map_err(|_| Failure::Io)?;
        }
        Ok((self.check_in(reply), gate.written()))
    }

    /// Writes `request` on an idle or a new connection and reads its answer's head, all
    /// by `timeout`.
    fn send(&self, request: http::Request<Vec<u8>>, timeout: Duration) -> Result<Reply, Failure> {
        let deadline = Instant::now() + timeout;
        let (origin, method, bytes) = h1::encode_request(request).map_err(|_| Failure::Connect)?;
        let mut conn = match self.check_out(&origin) {
            Some(conn) => conn,
            None => self.connect(&origin, deadline)?,
        };
        bound(conn.tcp(), deadline, Failure::Timeout)?;
        conn.write_all(&bytes)
            .and_then(|()| conn.flush())
            .map_err(|e| broken(&e, Failure::Timeout))?;
        let buffer = self.0.read_buffer();
        let mut reader = Reader::new(method, buffer);
        let head = read_head(&mut conn, &mut reader, Failure::Timeout)?;
        Ok(Reply {
            head,
            reader,
            conn,
            origin,
            deadline,
        })
    }

    /// An idle connection to `origin` that is fresh and still open.
    fn check_out(&self, origin: &Origin) -> Option<Conn> {
        loop {
            let mut conn = self.0.take_idle(origin, Instant::now())?;
            if conn.is_quiet() {
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

    /// A new connection by the connect timeout (and `deadline`): TCP (through the proxy's
    /// tunnel, if any), then the TLS handshake for `https`.
    fn connect(&self, origin: &Origin, deadline: Instant) -> Result<Conn, Failure> {
        let by = deadline.min(Instant::now() + self.0.options.connect_timeout);
        let mut tcp = self.tcp(origin, by)?;
        if !origin.tls {
            return Ok(Conn::Plain(tcp));
        }
        let name = ServerName::try_from(origin.bare_host().to_owned());
        let name = name.map_err(|_| Failure::Connect)?;
        let mut tls = ClientConnection::new(self.0.tls.clone(), name).map_err(|_| Failure::Tls)?;
        while tls.is_handshaking() {
            if let Err(e) = tls.complete_io(&mut tcp) {
                return Err(match broken(&e, Failure::Connect) {
                    Failure::Io => Failure::Connect,
                    other => other,
                });
            }
        }
        Ok(Conn::Tls(Box::new(StreamOwned::new(tls, tcp))))
    }

    /// A TCP stream to the origin by `by`, or a CONNECT tunnel there through the proxy.
    /// Its reads and writes are bounded by `by`.
    fn tcp(&self, origin: &Origin, by: Instant) -> Result<TcpStream, Failure> {
        let (Some(url), Some(report)) = (&self.0.options.proxy, &self.0.report) else {
            return dial(&origin.host, origin.port, by);
        };
        let mut s = dial(url.host(), url.port(), by)?;
        let connect = url.connect_head(&origin.host, origin.port);
        s.write_all(&connect).map_err(|_| Failure::Connect)?;
        let mut reader = Reader::new(http::Method::CONNECT, 1024);
        let head = read_head(&mut s, &mut reader, Failure::Connect);
        let head = head.map_err(|_| Failure::Connect)?;
        // Bytes after the answer would be a proxy that spoke before the client did.
        match report.answered(head.status()) && !reader.has_unread() {
            true => Ok(s),
            false => Err(Failure::Connect),
        }
    }
}

/// A TCP connection to `host:port` by `by`, its reads and writes bounded by `by` too.
fn dial(host: &str, port: u16, by: Instant) -> Result<TcpStream, Failure> {
    let addrs = crate::resolve::addresses(h1::bare(host), port, by);
    for addr in addrs.ok_or(Failure::Connect)? {
        let left = by.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        if let Ok(tcp) = TcpStream::connect_timeout(&addr, left) {
            let _ = tcp.set_nodelay(true);
            bound(&tcp, by, Failure::Connect)?;
            return Ok(tcp);
        }
    }
    Err(Failure::Connect)
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
