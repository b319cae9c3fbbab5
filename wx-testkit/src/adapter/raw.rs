//! Loopback helpers on plain std sockets: a server that answers one canned response per
//! connection (recording the requests), and a minimal HTTP CONNECT proxy.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Reads one request head (and a Content-Length body); returns it as text.
fn read_request(stream: &mut BufReader<TcpStream>) -> Option<String> {
    read_request_and_body(stream).map(|(head, _)| head)
}

/// Reads one request: its head as text and its Content-Length body; `None` at the end.
pub(crate) fn read_request_and_body<R: Read>(
    stream: &mut BufReader<R>,
) -> Option<(String, Vec<u8>)> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0; len];
    stream.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// A server answering every request with `response` (raw bytes, written as is), after
/// `delay`. Returns its address and the request heads it saw.
pub fn canned(response: Vec<u8>, delay: Duration) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let response = response.clone();
            let log = log.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                while let Some(head) = read_request(&mut reader) {
                    log.lock().unwrap().push(head);
                    std::thread::sleep(delay);
                    if reader.get_mut().write_all(&response).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (addr, seen)
}

/// A response with these headers and body (Content-Length added).
pub fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A CONNECT-only proxy; counts the tunnels it opened.
pub fn connect_proxy() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let tunnels = Arc::new(AtomicUsize::new(0));
    let count = tunnels.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let count = count.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                let Some(head) = read_request(&mut reader) else {
                    return;
                };
                let mut parts = head.split_whitespace();
                if parts.next() != Some("CONNECT") {
                    let _ = reader
                        .get_mut()
                        .write_all(b"HTTP/1.1 405 Only CONNECT\r\n\r\n");
                    return;
                }
                let Some(target) = parts.next().map(str::to_string) else {
                    return;
                };
                let Ok(upstream) = TcpStream::connect(&target) else {
                    let _ = reader
                        .get_mut()
                        .write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
                    return;
                };
                count.fetch_add(1, Ordering::SeqCst);
                let mut client = reader.into_inner();
                let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                let (mut c2, mut u2) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
                let mut upstream = upstream;
                let t = std::thread::spawn(move || {
                    let _ = std::io::copy(&mut c2, &mut u2);
                    let _ = u2.shutdown(Shutdown::Write);
                });
                let _ = std::io::copy(&mut upstream, &mut client);
                let _ = client.shutdown(Shutdown::Write);
                let _ = t.join();
            });
        }
    });
    (addr, tunnels)
}

/// A TCP relay in front of a server that can "restart": cut every connection and turn
/// new ones away for a while. wx-sim cannot restart with its state kept, so this stands in
/// for the server's front end going down and coming back.
pub struct Relay {
    /// Where the relay listens.
    pub addr: SocketAddr,
    down: Arc<std::sync::atomic::AtomicBool>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    /// A relay on a loopback port, forwarding every connection to `upstream`.
    pub fn new(upstream: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let down = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let conns = Arc::new(Mutex::new(Vec::new()));
        let (d, c) = (down.clone(), conns.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(client) = stream else { return };
                if d.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(upstream) else {
                    continue;
                };
                {
                    let mut c = c.lock().unwrap();
                    c.push(client.try_clone().unwrap());
                    c.push(server.try_clone().unwrap());
                }
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(Shutdown::Both);
                        let _ = from.shutdown(Shutdown::Both);
                    });
                }
            }
        });
        Relay { addr, down, conns }
    }

    /// Cuts every connection, refuses new ones for `pause`, then serves again.
    pub fn restart(&self, pause: Duration) {
        self.down.store(true, Ordering::SeqCst);
        for s in self.conns.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
        std::thread::sleep(pause);
        self.down.store(false, Ordering::SeqCst);
    }
}
