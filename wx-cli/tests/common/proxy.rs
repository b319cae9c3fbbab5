//! A hostile server for the binary tests: an HTTP/1.1 proxy on loopback in front of a
//! `wx sim` process that rewrites reply bodies (to smuggle control characters into names and
//! texts) and adds `Set-Cookie` headers to synccheck replies (a cookie flood), and records
//! the largest `Cookie` header it received. One request per connection (it answers with
//! `Connection: close`); a thread per connection, so held long polls do not block others.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the proxy does to the traffic.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// `(from, to)`: every `from` in a reply body becomes `to` (bodies are JSON, JS or XML).
    pub rewrite: Vec<(String, String)>,
    /// New cookies added to every synccheck reply (each of `cookie_bytes` name and value).
    pub cookies_per_synccheck: usize,
    /// The size of each added cookie (name, `=` and value).
    pub cookie_bytes: usize,
}

/// What the proxy saw.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// Requests forwarded.
    pub requests: usize,
    /// synccheck requests among them.
    pub synccheck: usize,
    /// The longest `Cookie` header value received.
    pub max_cookie_header: usize,
    /// The longest `Cookie` header of a synccheck request after the first flood.
    pub max_cookie_after_flood: usize,
}

/// A running proxy; stops accepting when dropped.
pub struct Proxy {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    seen: Arc<Mutex<Seen>>,
    stop: Arc<AtomicBool>,
    addr: String,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream` (`http://127.0.0.1:PORT`);
    /// `upstream`'s address in reply bodies becomes the proxy's.
    pub fn start(upstream: &str, rules: Rules) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let addr = listener.local_addr().expect("addr").to_string();
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let stop = Arc::new(AtomicBool::new(false));
        // URLs the simulator hands out (the login redirect) point back at the proxy.
        let mut rules = rules;
        rules.rewrite.insert(0, (upstream.clone(), addr.clone()));
        let rules = Arc::new(rules);
        {
            let (seen, stop) = (seen.clone(), stop.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let (seen, rules, upstream) = (seen.clone(), rules.clone(), upstream.clone());
                    std::thread::spawn(move || {
                        let _ = serve(conn, &upstream, &rules, &seen);
                    });
                }
            });
        }
        Proxy {
            url: format!("http://{addr}"),
            seen,
            stop,
            addr,
        }
    }

    /// What it saw so far.
    pub fn seen(&self) -> Seen {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(&self.addr); // wakes the accept loop
    }
}

/// Reads a head (up to the blank line) as lines; `None` at a clean EOF.
fn read_head(r: &mut impl BufRead) -> std::io::Result<Option<Vec<String>>> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        if line.is_empty() {
            return Ok(Some(lines));
        }
        lines.push(line);
    }
}

fn header<'a>(lines: &'a [String], name: &str) -> Option<&'a str> {
    lines.iter().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn serve(
    conn: TcpStream,
    upstream: &str,
    rules: &Rules,
    seen: &Mutex<Seen>,
) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let Some(head) = read_head(&mut reader)? else {
        return Ok(());
    };
    let len: usize = header(&head, "content-length").map_or(0, |v| v.parse().unwrap_or(0));
    assert!(
        header(&head, "transfer-encoding").is_none(),
        "chunked requests are not used"
    );
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let request_line = head.first().cloned().unwrap_or_default();
    let path = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
    let is_synccheck = path.contains("/synccheck");
    let cookie = header(&head, "cookie").unwrap_or("").to_owned();
    {
        let mut s = seen.lock().unwrap();
        s.requests += 1;
        s.max_cookie_header = s.max_cookie_header.max(cookie.len());
        if is_synccheck {
            s.synccheck += 1;
            if cookie.contains("bomb") {
                s.max_cookie_after_flood = s.max_cookie_after_flood.max(cookie.len());
            }
        }
    }
    // Upstream: HTTP/1.0 (a whole body, no chunks), no gzip, the flood's cookies left out.
    let mut up = TcpStream::connect(upstream)?;
    let method = request_line.split(' ').next().unwrap_or("GET");
    let mut out = format!("{method} {path} HTTP/1.0\r\n");
    for line in head.iter().skip(1) {
        let name = line
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if matches!(
            name.as_str(),
            "connection" | "keep-alive" | "accept-encoding" | "cookie"
        ) {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    let kept: Vec<&str> = cookie
        .split(';')
        .map(str::trim)
        .filter(|c| !c.is_empty() && !c.starts_with("bomb"))
        .collect();
    if !kept.is_empty() {
        out.push_str(&format!("Cookie: {}\r\n", kept.join("; ")));
    }
    out.push_str("\r\n");
    up.write_all(out.as_bytes())?;
    up.write_all(&body)?;
    let mut reply = Vec::new();
    up.read_to_end(&mut reply)?;
    let split = reply
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(reply.len());
    let head_text = String::from_utf8_lossy(&reply[..split]).into_owned();
    let mut rbody = reply.get(split + 4..).unwrap_or_default().to_vec();
    if let Ok(text) = std::str::from_utf8(&rbody) {
        let mut text = text.to_owned();
        for (from, to) in &rules.rewrite {
            text = text.replace(from.as_str(), to);
        }
        rbody = text.into_bytes();
    }
    let mut lines = head_text.split("\r\n");
    let status = lines.next().unwrap_or("HTTP/1.0 502 Bad Gateway");
    let status = status.replacen("HTTP/1.0", "HTTP/1.1", 1);
    let mut resp = format!("{status}\r\n");
    for line in lines {
        let name = line
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if matches!(
            name.as_str(),
            "content-length" | "connection" | "transfer-encoding"
        ) {
            continue;
        }
        resp.push_str(line);
        resp.push_str("\r\n");
    }
    if is_synccheck && rules.cookies_per_synccheck > 0 {
        let n = seen.lock().unwrap().synccheck;
        for i in 0..rules.cookies_per_synccheck {
            let name = format!("bomb{n}_{i}");
            let value = "v".repeat(rules.cookie_bytes.saturating_sub(name.len() + 1));
            resp.push_str(&format!("Set-Cookie: {name}={value}; Path=/\r\n"));
        }
    }
    resp.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        rbody.len()
    ));
    let mut conn = conn;
    conn.write_all(resp.as_bytes())?;
    conn.write_all(&rbody)?;
    conn.flush()
}
