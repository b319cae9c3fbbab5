//! [`AuthProxy`]: a CONNECT proxy on loopback (std threads) that wants
//! `Proxy-Authorization: Basic base64(user:password)`, answers 407 otherwise, and records
//! what it saw. Plain-HTTP (absolute-form) requests are answered 405 and counted: the
//! adapters tunnel every connection, so a test can assert none came.

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// What the proxy saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxySeen {
    /// CONNECT requests with the right credentials: tunnels opened.
    pub tunnels: usize,
    /// Requests answered 407 (no or wrong credentials).
    pub refused: usize,
    /// Requests that were not CONNECT (answered 405).
    pub not_connect: usize,
    /// The `CONNECT` targets, in order (`host:port`).
    pub targets: Vec<String>,
    /// Every `Proxy-Authorization` value received (`None` when absent), in order.
    pub authorizations: Vec<Option<String>>,
}

/// A running proxy (it lives as long as the test process).
#[derive(Debug, Clone)]
pub struct AuthProxy {
    /// Where it listens.
    pub addr: SocketAddr,
    seen: Arc<Mutex<ProxySeen>>,
}

impl AuthProxy {
    /// Listens on a free loopback port, wanting these credentials.
    pub fn start(user: &str, password: &str) -> AuthProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let addr = listener.local_addr().expect("its address");
        let want = format!("Basic {}", base64(format!("{user}:{password}").as_bytes()));
        let seen = Arc::new(Mutex::new(ProxySeen::default()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (log, want) = (log.clone(), want.clone());
                std::thread::spawn(move || serve(stream, &want, &log));
            }
        });
        AuthProxy { addr, seen }
    }

    /// `http://user:password@127.0.0.1:PORT` (the arguments as given: percent-encode them).
    pub fn url(&self, user: &str, password: &str) -> String {
        format!("http://{user}:{password}@{}", self.addr)
    }

    /// What it saw so far.
    pub fn seen(&self) -> ProxySeen {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, want: &str, log: &Mutex<ProxySeen>) {
    let mut reader = BufReader::new(stream);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => head.push(line.trim_end().to_owned()),
        }
    }
    let mut request_line = head
        .first()
        .map(|l| l.split_whitespace())
        .into_iter()
        .flatten();
    let (method, target) = (request_line.next(), request_line.next().map(str::to_owned));
    let auth = head.iter().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("proxy-authorization")
            .then(|| v.trim().to_owned())
    });
    let mut client = reader.into_inner();
    let mut seen = log.lock().unwrap();
    seen.authorizations.push(auth.clone());
    let (Some("CONNECT"), Some(target)) = (method, target) else {
        seen.not_connect += 1;
        drop(seen);
        let _ = client.write_all(b"HTTP/1.1 405 Only CONNECT\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if auth.as_deref() != Some(want) {
        seen.refused += 1;
        drop(seen);
        let _ = client.write_all(
            b"HTTP/1.1 407 Proxy Authentication Required\r\n\
Proxy-Authenticate: Basic realm=\"wx-test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        let _ = client.shutdown(Shutdown::Write);
        return;
    }
    seen.tunnels += 1;
    seen.targets.push(target.clone());
    drop(seen);
    let Ok(upstream) = TcpStream::connect(&target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let (Ok(mut c2), Ok(mut u2)) = (client.try_clone(), upstream.try_clone()) else {
        return;
    };
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c2, &mut u2);
        let _ = u2.shutdown(Shutdown::Write);
    });
    let mut upstream = upstream;
    let _ = std::io::copy(&mut upstream, &mut client);
    let _ = client.shutdown(Shutdown::Write);
    let _ = up.join();
}

/// Standard base64 with padding, written here independently of the code under test.
fn base64(input: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in input.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        let chars = [18, 12, 6, 0].map(|s| A[(n >> s & 63) as usize] as char);
        out.extend(&chars[..c.len() + 1]);
        out.extend(std::iter::repeat_n('=', 3 - c.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_of_credentials() {
        assert_eq!(super::base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(super::base64(b"a"), "YQ==");
        assert_eq!(super::base64(b"ab"), "YWI=");
    }
}
