//! Throughput of many sessions in one process: N wx-tokio sessions (default 100) share one
//! HTTP client against one wx-sim on loopback; each gets M texts (default 20), first in
//! lock-step rounds, then in a burst. Prints messages per second; asserts nothing.
//!
//! ```text
//! cargo run --release -p wx-tokio --example many_sessions -- [SESSIONS] [TEXTS_PER_SESSION]
//! ```
#![allow(missing_docs, dead_code, clippy::unwrap_used, clippy::expect_used)]

// The very same run as the adapters' `many` test, so the two cannot drift apart.
#[path = "../tests/adapter/mod.rs"]
mod adapter;
use wx_testkit::adapter as common;

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let sessions = args.next().and_then(Result::ok).unwrap_or(100);
    let per = args.next().and_then(Result::ok).unwrap_or(20);
    let shared = adapter::http_for_plain();
    let m = common::runs::run_many(sessions, per, &adapter::start(Some(shared)));
    println!(
        "wx-tokio: {sessions} sessions, {}/{} messages delivered; lock-step {:.0} msg/s, burst {:.0} msg/s",
        m.received, m.pushed, m.lockstep_rate, m.burst_rate
    );
}
