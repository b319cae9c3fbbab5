//! One process, one HTTP client, 100 sessions against one wx-sim: all get their messages.
#![allow(clippy::unwrap_used)]

mod adapter;
mod common;

/// Texts per session: 10, or `WX_LOAD_PER` for a throughput measurement
/// (`WX_LOAD_PER=100 cargo test --release -p CRATE --test many -- --nocapture`).
fn per() -> usize {
    std::env::var("WX_LOAD_PER")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

#[test]
fn a_hundred_sessions_share_one_http_client() {
    let shared = adapter::http_for_plain();
    let m = common::runs::run_many(100, per(), &adapter::start(Some(shared)));
    eprintln!(
        "wx-tokio: 100 sessions, {}/{} messages; lock-step {:.0} msg/s, burst {:.0} msg/s",
        m.received, m.pushed, m.lockstep_rate, m.burst_rate
    );
    assert_eq!(m.received, m.pushed);
}
