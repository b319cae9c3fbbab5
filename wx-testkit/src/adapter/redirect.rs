//! Where credentials may go, over real loopback sockets, for any adapter: a hostile login
//! server answers the QR poll with a redirect to another origin (a second loopback server
//! standing for a foreign host). The session must end `UntrustedHost` without ever
//! connecting to the foreign server, which would receive the login ticket. With the opt-in
//! set, the same redirect is followed (so the test can fail). The adapter runs a fresh
//! client with the given config ([`RunLogin`]).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use wx_proto::client::{Config, Event, LogoutReason, UntrustedHost};

/// How long a login may take before the run counts as hung.
pub const GUARD: Duration = Duration::from_secs(20);

/// Runs a fresh client (seed `[9; 32]`) with `config` on the adapter until the session ends
/// or `GUARD` passes; the events seen.
pub type RunLogin = fn(Config) -> Vec<Event>;

fn read_head(s: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") && buf.len() < 64 * 1024 {
        match s.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

fn answer(s: &mut TcpStream, body: &str) {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/javascript\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body.as_bytes());
}

/// A listener that counts connections and answers each with an empty page.
fn foreign_server() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("loopback");
    let port = listener.local_addr().expect("loopback").port();
    let hits = Arc::new(AtomicUsize::new(0));
    let count = hits.clone();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            let _ = read_head(&mut s);
            answer(&mut s, "<error><ret>1</ret></error>");
        }
    });
    (port, hits)
}

/// The hostile login server: a uuid, then a confirmed poll redirecting to `redirect`.
fn hostile_login_server(redirect: String) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("loopback");
    let port = listener.local_addr().expect("loopback").port();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let head = read_head(&mut s);
            let body = if head.starts_with("GET /jslogin") {
                "window.QRLogin.code = 200; window.QRLogin.uuid = \"QkF3Tz1hVw==\";".to_owned()
            } else if head.contains("/cgi-bin/mmwebwx-bin/login?") {
                format!("window.code=200;\nwindow.redirect_uri=\"{redirect}\";")
            } else {
                String::new()
            };
            answer(&mut s, &body);
        }
    });
    port
}

/// Runs a login against the hostile server; returns how it ended and the foreign hits.
fn login_with(trust_foreign: bool, run: RunLogin) -> (Option<LogoutReason>, bool, usize) {
    let (foreign, hits) = foreign_server();
    let redirect = format!(
        "http://127.0.0.1:{foreign}/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=SECRET_TICKET&uuid=QkF3Tz1hVw==&lang=en_US&scan=1"
    );
    let port = hostile_login_server(redirect);
    let mut config = Config::for_base_url(format!("http://127.0.0.1:{port}"));
    config.trust_foreign_redirects = trust_foreign;
    let events = run(config);
    let confirmed = events.iter().any(|e| matches!(e, Event::Confirmed));
    let ended = events.iter().find_map(|e| match e {
        Event::LoggedOut(reason) => Some(reason.clone()),
        _ => None,
    });
    (ended, confirmed, hits.load(Ordering::SeqCst))
}

/// An untrusted redirect ends the login and the foreign host is never contacted.
pub fn run_untrusted_redirect(run: RunLogin) {
    let (ended, confirmed, hits) = login_with(false, run);
    assert!(
        !confirmed,
        "an untrusted redirect is not announced as confirmed"
    );
    assert_eq!(
        ended,
        Some(LogoutReason::UntrustedHost(UntrustedHost::NotTheBaseUrl))
    );
    assert_eq!(hits, 0, "the foreign host got no connection, so no ticket");
}

/// With the opt-in, the same redirect is followed.
pub fn run_trusted_redirect(run: RunLogin) {
    let (ended, confirmed, hits) = login_with(true, run);
    assert!(confirmed);
    assert!(hits >= 1, "the redirect was followed to the other origin");
    assert!(
        !matches!(ended, Some(LogoutReason::UntrustedHost(_))),
        "{ended:?}"
    );
}
