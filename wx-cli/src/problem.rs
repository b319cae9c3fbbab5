//! Problems of the session in words: which server could not be used and why, for the line
//! a long-running command prints before it retries and the error a one-shot command ends
//! with. Never a Rust `Debug` name.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use wx_proto::Endpoint;
use wx_proto::client::{Failure, Hosts, Problem, ProblemKind};

/// Consecutive failed tries after which a one-shot command gives up.
pub const ONE_SHOT_TRIES: u32 = 3;

/// Whether the problem is a failure to use the server at all (no answer, an HTTP error,
/// an answer that does not parse, an error code): what a one-shot command counts.
pub fn is_failure(kind: &ProblemKind) -> bool {
    matches!(
        kind,
        ProblemKind::Transport(_)
            | ProblemKind::HttpStatus(_)
            | ProblemKind::Malformed(_)
            | ProblemKind::Server(_)
    )
}

/// The base URL a request to `endpoint` went to.
pub fn url_of(hosts: &Hosts, endpoint: Endpoint) -> &str {
    match endpoint {
        Endpoint::JsLogin | Endpoint::LoginPoll => &hosts.login,
        Endpoint::SyncCheck => &hosts.push,
        Endpoint::UploadMedia | Endpoint::GetMedia => &hosts.file,
        _ => &hosts.main,
    }
}

/// The problem as one English line (without the retry): `cannot reach URL: cause`.
/// `proxy` is the proxy's `host:port` when one is used; `probe` asks the operating system
/// why a connection fails (only when giving up: it opens a connection of its own).
pub fn describe(p: &Problem, url: &str, proxy: Option<&str>, probe: bool) -> String {
    let endpoint = p.request.name();
    match &p.kind {
        ProblemKind::Transport(failure) => {
            let cause = match failure {
                Failure::Connect => match proxy {
                    Some(proxy) => format!("cannot connect through the proxy at {proxy}"),
                    None if probe => connect_cause(url),
                    None => "cannot connect".to_owned(),
                },
                Failure::Tls => "the TLS handshake failed (not an HTTPS server, or its \
                                 certificate is not trusted: see --ca-cert)"
                    .to_owned(),
                Failure::Timeout => "no answer in time".to_owned(),
                Failure::Io => "the connection broke".to_owned(),
                Failure::BodyTooLarge => format!("its answer to {endpoint} is too large"),
                Failure::Cancelled => "the request was cancelled".to_owned(),
                _ => "the request failed".to_owned(),
            };
            format!("cannot reach {url}: {cause}")
        }
        ProblemKind::HttpStatus(code) => {
            format!("cannot use {url}: it answered HTTP {code} to {endpoint}")
        }
        ProblemKind::Malformed(e) => {
            format!("cannot use {url}: its answer to {endpoint} does not parse ({e})")
        }
        ProblemKind::Server(code) => {
            format!("{url} answered {endpoint} with error code {}", code.raw())
        }
        ProblemKind::MalformedMessage(bad) => format!(
            "skipped a malformed message{}: {}",
            bad.id
                .as_deref()
                .map_or(String::new(), |id| format!(" ({id})")),
            bad.error
        ),
        ProblemKind::MalformedContact(bad) => format!(
            "skipped a malformed contact{}: {}",
            bad.id
                .as_deref()
                .map_or(String::new(), |id| format!(" ({id})")),
            bad.error
        ),
        ProblemKind::Throttled => "the server is rate-limiting this session (1205)".to_owned(),
        ProblemKind::Reinitialising => {
            "the sync loop keeps failing; starting the session again".to_owned()
        }
        ProblemKind::ProbingPushHost => {
            "the push host does not know this session; trying another".to_owned()
        }
        ProblemKind::Stalled(stall) => {
            format!("the server misbehaves: {}; slowing down", stall.describe())
        }
        ProblemKind::Cookie(c) => format!("the server's cookies: {}", c.describe()),
        _ => format!("a problem with {endpoint} at {url}"),
    }
}

/// Why a TCP connection to the URL's host fails, in the operating system's words
/// (`connection refused`, `cannot resolve HOST`); the core only says "connect".
fn connect_cause(url: &str) -> String {
    let Ok(uri) = url.parse::<http::Uri>() else {
        return "cannot connect".to_owned();
    };
    let Some(host) = uri.host() else {
        return "cannot connect".to_owned();
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = uri
        .port_u16()
        .unwrap_or(if uri.scheme_str() == Some("http") {
            80
        } else {
            443
        });
    let addrs: Vec<_> = match (host, port).to_socket_addrs() {
        Ok(a) => a.collect(),
        Err(_) => return format!("cannot resolve {host}"),
    };
    let Some(addr) = addrs.first() else {
        return format!("cannot resolve {host}");
    };
    match TcpStream::connect_timeout(addr, Duration::from_secs(3)) {
        Ok(_) => "cannot connect".to_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused".to_owned()
        }
        Err(e) if e.kind() == std::io::ErrorKind::TimedOut => "no answer (timed out)".to_owned(),
        Err(e) => {
            let text = e.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            text.to_lowercase()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_port_is_connection_refused() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(1);
        assert_eq!(
            connect_cause(&format!("http://127.0.0.1:{port}")),
            "connection refused"
        );
    }
}
