//! Where credentials may go (issue 16 item 3), over real loopback sockets: the shared runs
//! of `wx_testkit::adapter::redirect` on this adapter (a redirect to another origin ends
//! the login without contacting it; with the opt-in it is followed).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::mpsc::channel;
use std::time::{Instant, SystemTime};

use wx_blocking::{Driver, HttpClient, HttpOptions};
use wx_proto::client::{Client, Config, Event};
use wx_testkit::adapter::redirect::{GUARD, run_trusted_redirect, run_untrusted_redirect};

/// A fresh client on wx-blocking (on its own thread) until the session ends (or the guard).
fn run(config: Config) -> Vec<Event> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut driver = Driver::new(HttpClient::new(HttpOptions::default()).unwrap());
        let mut client = Client::new(config, [9; 32], Instant::now(), SystemTime::now());
        while let Some(event) = driver.next_event(&mut client) {
            let end = matches!(event, Event::LoggedOut(_));
            if tx.send(event).is_err() || end {
                break;
            }
        }
    });
    let deadline = Instant::now() + GUARD;
    let mut events = Vec::new();
    while let Ok(event) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        events.push(event);
    }
    events
}

#[test]
fn a_redirect_to_another_origin_ends_the_login_and_the_foreign_host_is_never_contacted() {
    run_untrusted_redirect(run);
}

#[test]
fn with_the_opt_in_the_same_redirect_is_followed() {
    run_trusted_redirect(run);
}
