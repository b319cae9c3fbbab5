//! An adapter's HTTP/1.1 on the wire (`wx-smol`'s and `wx-blocking`'s, on `wx-driver`'s
//! codec; `wx-tokio`'s hyper), against loopback servers that write raw bytes: the framings
//! a server may choose (chunks with extensions and trailers, interim answers, a body that
//! runs until close), connection reuse and a server that drops an idle connection, and
//! hostile answers (an endless head, a huge chunk, garbage, an unasked-for `101`) that
//! must end in a typed failure, quickly and without holding more than the caps.
//! Instantiated by [`adapter_tests!`](crate::adapter_tests)`(wire, make)`.

use std::io::{BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use wx_proto::client::Failure;

use super::raw::read_request_and_body;

/// One HTTP client's `execute` (a request, its timeout): what the checks drive.
pub type Execute =
    Box<dyn Fn(http::Request<Vec<u8>>, Duration) -> Result<http::Response<Vec<u8>>, Failure>>;

/// Builds an adapter's client with this `max_body` and these extra root certificates (PEM),
/// the other options at their defaults.
pub type Make = dyn Fn(usize, Vec<String>) -> Execute;

/// The default body cap, as the adapters' options have it.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A server handing each connection (and its number, from 0) to `serve` on its own thread;
/// counts the connections.
fn server(
    serve: impl Fn(usize, TcpStream) + Send + Sync + 'static,
) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let (counted, serve) = (count.clone(), Arc::new(serve));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let n = counted.fetch_add(1, Ordering::SeqCst);
            let serve = serve.clone();
            std::thread::spawn(move || serve(n, stream));
        }
    });
    (addr, count)
}

/// Reads one request head; `None` at the end.
fn request(reader: &mut BufReader<TcpStream>) -> Option<String> {
    read_request_and_body(reader).map(|(head, _)| head)
}

/// Answers every request on the connection with `answer`, keeping it open.
fn every_request(answer: &'static [u8]) -> impl Fn(usize, TcpStream) + Send + Sync {
    move |_, stream| {
        let mut reader = BufReader::new(stream);
        while request(&mut reader).is_some() {
            if reader.get_mut().write_all(answer).is_err() {
                return;
            }
        }
    }
}

/// Answers the connection's first request with `answer`, then with `fill` over and over
/// while the client reads (if any), then closes it.
fn first_request(
    answer: &'static [u8],
    fill: &'static [u8],
) -> impl Fn(usize, TcpStream) + Send + Sync {
    move |_, stream| {
        let mut reader = BufReader::new(stream);
        if request(&mut reader).is_some() {
            let stream = reader.get_mut();
            let _ = stream.write_all(answer);
            while !fill.is_empty() && stream.write_all(fill).is_ok() {}
        }
    }
}

/// A `GET` of `/x` at `addr`.
fn get(
    execute: &Execute,
    addr: SocketAddr,
    timeout: Duration,
) -> Result<http::Response<Vec<u8>>, Failure> {
    let request = http::Request::get(format!("http://{addr}/x"))
        .body(Vec::new())
        .unwrap();
    execute(request, timeout)
}

/// One wire check.
pub fn chunks_with_extensions_trailers_and_an_interim_answer_arrive_whole_and_reuse_the_connection(
    make: &Make,
) {
    let answer = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Kept: yes\r\n\r\n\
        6;ext=1\r\nwindow\r\n1\r\n=\r\n11\r\nsynccheck={r:0}\r\n\r\n0\r\nX-Trailer: t\r\n\r\n";
    let (addr, connections) = server(every_request(answer));
    let http = make(MAX_BODY, Vec::new());
    for _ in 0..3 {
        let response = get(&http, addr, Duration::from_secs(5)).unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-kept"], "yes");
        assert_eq!(response.body(), b"window=synccheck={r:0}\r\n");
        // hyper puts a connection back in its pool from the connection's task, just after
        // the body ends: give it the moment (the codec's adapters put it back at once).
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "one kept-alive connection"
    );
}

/// One wire check.
pub fn a_body_that_runs_until_close_is_read_to_the_end_and_its_connection_dropped(make: &Make) {
    let (addr, connections) = server(first_request(
        b"HTTP/1.0 200 OK\r\n\r\nall of it, then EOF",
        b"",
    ));
    let http = make(MAX_BODY, Vec::new());
    for _ in 0..2 {
        let response = get(&http, addr, Duration::from_secs(5)).unwrap();
        assert_eq!(response.body(), b"all of it, then EOF");
    }
    assert_eq!(connections.load(Ordering::SeqCst), 2, "never reused");
}

/// One wire check.
pub fn an_idle_connection_the_server_closed_is_not_reused(make: &Make) {
    // The server answers once per connection as if keeping it, then closes it.
    let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    let (addr, connections) = server(first_request(ok, b""));
    let http = make(MAX_BODY, Vec::new());
    for i in 0..4 {
        let response = get(&http, addr, Duration::from_secs(5));
        assert_eq!(
            response.map(|r| r.into_body()),
            Ok(b"ok".to_vec()),
            "request {i}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(connections.load(Ordering::SeqCst), 4);
}

/// One wire check.
pub fn an_endless_head_fails_at_its_cap_not_at_the_timeout(make: &Make) {
    let padding = b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
    let (addr, _) = server(first_request(b"HTTP/1.1 200 OK\r\n", padding));
    let started = Instant::now();
    assert_eq!(
        get(&make(MAX_BODY, Vec::new()), addr, Duration::from_secs(30)).err(),
        Some(Failure::Io)
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

/// One wire check.
pub fn a_huge_chunk_hits_the_body_cap(make: &Make) {
    let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\n";
    let (addr, _) = server(first_request(head, &[0; 64 * 1024]));
    let http = make(1024 * 1024, Vec::new());
    assert_eq!(
        get(&http, addr, Duration::from_secs(30)).err(),
        Some(Failure::BodyTooLarge)
    );
}

/// One wire check.
pub fn garbage_broken_chunks_and_a_cut_body_are_io_failures(make: &Make) {
    let answers: [&'static [u8]; 5] = [
        b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n",
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
    ];
    for answer in answers {
        let (addr, _) = server(every_request(answer));
        let got = get(&make(MAX_BODY, Vec::new()), addr, Duration::from_secs(5));
        assert_eq!(
            got.err(),
            Some(Failure::Io),
            "{}",
            String::from_utf8_lossy(answer)
        );
    }
    let cut = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort";
    let (addr, _) = server(first_request(cut, b""));
    assert_eq!(
        get(&make(MAX_BODY, Vec::new()), addr, Duration::from_secs(5)).err(),
        Some(Failure::Io)
    );
}

/// One wire check.
pub fn the_request_head_carries_host_length_and_body(make: &Make) {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let (addr, _) = server(move |_, stream| {
        let mut reader = BufReader::new(stream);
        let seen = read_request_and_body(&mut reader).unwrap_or_default();
        log.lock().unwrap().push(seen);
        let _ = reader
            .get_mut()
            .write_all(b"HTTP/1.1 204 No Content\r\n\r\n");
    });
    let request = http::Request::post(format!("http://{addr}/cgi-bin/mmwebwx-bin/webwxsync?sid=1"))
        .header("content-type", "application/json")
        .body(b"{\"a\":1}".to_vec())
        .unwrap();
    let response = make(MAX_BODY, Vec::new())(request, Duration::from_secs(5)).unwrap();
    assert_eq!(response.status(), 204);
    let (head, body) = seen.lock().unwrap()[0].clone();
    assert!(
        head.starts_with("POST /cgi-bin/mmwebwx-bin/webwxsync?sid=1 HTTP/1.1\r\n"),
        "{head}"
    );
    assert!(head.contains(&format!("host: {addr}\r\n")), "{head}");
    assert!(head.contains("content-length: 7\r\n"), "{head}");
    assert!(head.contains("accept-encoding: gzip\r\n"), "{head}");
    assert_eq!(body, b"{\"a\":1}");
}

/// A TLS server for `localhost`/`127.0.0.1` (a fresh self-signed certificate, given as
/// PEM) answering one request per connection as if keeping it, then closing it after
/// 50 ms: with a TLS `close_notify` on even connections, with a bare TCP close on odd ones.
fn tls_server_closing_idle_connections() -> (SocketAddr, Arc<AtomicUsize>, String) {
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let ck = rcgen::generate_simple_self_signed(names).unwrap();
    let pem = ck.cert.pem();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(ck.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![ck.cert.der().clone()], key)
        .unwrap();
    let config = Arc::new(config);
    let (addr, count) = server(move |n, tcp| {
        let Ok(conn) = rustls::ServerConnection::new(config.clone()) else {
            return;
        };
        let mut reader = BufReader::new(rustls::StreamOwned::new(conn, tcp));
        if read_request_and_body(&mut reader).is_none() {
            return;
        }
        let tls = reader.get_mut();
        let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        if tls.write_all(ok).and_then(|()| tls.flush()).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
        if n % 2 == 0 {
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
        let _ = tls.sock.shutdown(std::net::Shutdown::Both);
    });
    (addr, count, pem)
}

/// One wire check: an idle TLS connection the server closed (with or without
/// `close_notify`) is never used for the next request.
pub fn an_idle_tls_connection_the_server_closed_is_not_reused(make: &Make) {
    let (addr, connections, pem) = tls_server_closing_idle_connections();
    let http = make(MAX_BODY, vec![pem]);
    for i in 0..4 {
        let request = http::Request::get(format!("https://localhost:{}/x", addr.port()))
            .body(Vec::new())
            .unwrap();
        let response = http(request, Duration::from_secs(5));
        assert_eq!(
            response.map(|r| r.into_body()),
            Ok(b"ok".to_vec()),
            "request {i}"
        );
        std::thread::sleep(Duration::from_millis(150));
    }
    assert_eq!(connections.load(Ordering::SeqCst), 4);
}
