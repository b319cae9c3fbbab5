//! Sessions that survive a process restart, over real loopback sockets: the shared runs of
//! `wx_testkit::adapter::restore` on this adapter's driver.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod adapter;

use std::time::{Duration, Instant};

use wx_proto::client::{Client, Event};
use wx_smol::{Driver, HttpClient, HttpOptions};
use wx_testkit::adapter::Env;
use wx_testkit::adapter::restore::{Driven, run_expired_then_refused, run_resume_after_restart};

const TAG: &str = "smol";

struct D(Driver);

impl Driven for D {
    fn run_until(
        &mut self,
        _env: &Env,
        client: &mut Client,
        events: &mut Vec<Event>,
        done: &mut dyn FnMut(&[Event]) -> bool,
    ) {
        smol::block_on(async {
            let end = Instant::now() + Duration::from_secs(30);
            while !done(events) {
                assert!(Instant::now() < end, "hung; events: {events:?}");
                let next = adapter::timeout(Duration::from_secs(30), self.0.next_event(client));
                match next.await {
                    Ok(Some(e)) => events.push(e),
                    Ok(None) => panic!("the session ended: {events:?}"),
                    Err(_) => panic!("hung; events: {events:?}"),
                }
            }
        });
    }

    fn shutdown(&mut self, _env: &Env, client: &mut Client) {
        smol::block_on(self.0.shutdown(client));
    }
}

fn new() -> Box<dyn Driven> {
    Box::new(D(Driver::new(
        HttpClient::new(HttpOptions::default()).unwrap(),
    )))
}

#[test]
fn a_saved_session_resumes_after_a_restart_with_nothing_lost_or_repeated() {
    run_resume_after_restart(TAG, new);
}

#[test]
fn an_expired_session_goes_to_push_login_and_a_refused_one_to_a_qr_code() {
    run_expired_then_refused(TAG, new);
}
