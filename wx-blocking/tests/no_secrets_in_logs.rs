//! A session through wx-blocking with every `log` record and every `tracing` event at
//! TRACE captured (its own, the codec's, rustls'): none holds the session's skey, sid or
//! pass_ticket. (Under ureq, which logged each URL at debug, this failed.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Instant, SystemTime};

use wx_blocking::{Driver, HttpClient, HttpOptions};
use wx_proto::client::{Client, Command, Event};
use wx_testkit::adapter::{self as common, secrets};

#[test]
fn a_logged_session_holds_no_credential() {
    secrets::logged_session_holds_no_credential(|env, friend| {
        let http = HttpClient::new(HttpOptions {
            extra_root_pem: env.cert.iter().cloned().collect(),
            ..HttpOptions::default()
        })
        .unwrap();
        let config = common::client_config(&env.base);
        let mut client = Client::new(config, [3; 32], Instant::now(), SystemTime::now());
        let mut driver = Driver::new(http);
        while !matches!(driver.next_event(&mut client), Some(Event::Ready { .. })) {}
        let send = Command::SendText {
            to: friend,
            text: "hello".into(),
        };
        let op = client.submit(send, Instant::now()).unwrap();
        loop {
            match driver.next_event(&mut client) {
                Some(Event::OpDone { op: o, result }) if o == op => {
                    result.unwrap();
                    break;
                }
                Some(_) => {}
                None => panic!("the session ended"),
            }
        }
        let snapshot = client.snapshot(Instant::now()).unwrap();
        driver.shutdown(&mut client);
        snapshot
    });
}
