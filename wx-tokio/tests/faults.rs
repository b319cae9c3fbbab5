//! Faults injected by wx-sim (dropped connections, 5xx, truncated and garbage bodies, a
//! redelivery, a stall past the request timeout) over HTTP and HTTPS, and the server's front
//! end restarting: the session recovers with nothing lost and nothing delivered twice.
#![allow(clippy::unwrap_used)]

mod adapter;
mod common;

#[test]
fn faults_lose_and_duplicate_nothing_over_http_and_https() {
    let start = adapter::start(None);
    let https = std::thread::spawn({
        let start = start.clone();
        move || common::runs::run_faults(true, &start)
    });
    let http = common::runs::run_faults(false, &start);
    for (lost, dup, problems) in [http, https.join().unwrap()] {
        assert_eq!((lost, dup), (0, 0), "lost, duplicated");
        assert!(
            problems >= 6,
            "the faults were seen as problems: {problems}"
        );
    }
}

#[test]
fn the_server_front_end_restarting_mid_session_loses_nothing() {
    let (lost, dup) = common::runs::run_restart(&adapter::start(None));
    assert_eq!((lost, dup), (0, 0), "lost, duplicated");
}
