//! How the shared test runs (wx_testkit::adapter) start a wx-blocking
//! session: a thread iterates the driver's events into a std channel; commands go through
//! the driver's Remote.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use wx_blocking::{Driver, HttpClient, HttpOptions, RemoteError};
use wx_proto::client::Client;

use wx_testkit::adapter::{Env, Session, Start, SubmitError};

/// An HTTP client trusting the simulator's certificate, if it has one.
pub fn http_for(env: &Env) -> HttpClient {
    HttpClient::new(HttpOptions {
        extra_root_pem: env.cert.iter().cloned().collect(),
        ..HttpOptions::default()
    })
    .unwrap()
}

/// An HTTP client for plain-HTTP simulators.
pub fn http_for_plain() -> HttpClient {
    HttpClient::new(HttpOptions::default()).unwrap()
}

/// Starts sessions; with `shared`, every session uses that one HTTP client.
pub fn start(shared: Option<HttpClient>) -> Start {
    Arc::new(move |env: &Env, config, seed| {
        let http = shared.clone().unwrap_or_else(|| http_for(env));
        let (tx, rx) = std::sync::mpsc::channel();
        let mut client = Client::new(config, [seed; 32], Instant::now(), SystemTime::now());
        let mut driver = Driver::new(http);
        let remote = driver.remote();
        std::thread::spawn(move || {
            for event in driver.events(&mut client) {
                let _ = tx.send(event);
            }
        });
        Session {
            events: rx,
            submit: Box::new(move |command| {
                remote.submit(command).map_err(|e| match e {
                    RemoteError::Ended => SubmitError::Ended,
                    e => SubmitError::Other(e.to_string()),
                })
            }),
        }
    })
}

/// Starts sessions whose HTTP client tunnels through `proxy` (and trusts the simulator).
pub fn start_proxied(proxy: String) -> Start {
    Arc::new(move |env: &Env, config, seed| {
        let http = HttpClient::new(HttpOptions {
            extra_root_pem: env.cert.iter().cloned().collect(),
            proxy: Some(proxy.parse().unwrap()),
            ..HttpOptions::default()
        })
        .unwrap();
        start(Some(http))(env, config, seed)
    })
}
