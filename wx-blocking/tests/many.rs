//! One process, one HTTP client, 100 sessions against one wx-sim: all get their messages.
#![allow(clippy::unwrap_used)]

mod adapter;
#[path = "../../wx-tokio/tests/common/mod.rs"]
mod common;

#[test]
fn a_hundred_sessions_share_one_http_client() {
    let shared = adapter::http_for_plain();
    let (received, pushed, secs) = common::runs::run_many(100, 10, &adapter::start(Some(shared)));
    eprintln!(
        "wx-blocking: 100 sessions, {received}/{pushed} messages in {secs:.2} s ({:.0} msg/s)",
        received as f64 / secs
    );
    assert_eq!(received, pushed);
}
