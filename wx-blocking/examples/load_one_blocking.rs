//! One account under a message load, for the peers benchmark (`benches/peers/run.sh`), on
//! wx-blocking: logs in to a wx-sim started with `--auto-confirm`, prints `ready <unix time>`
//! once the contacts are loaded and the sync loop runs, counts the texts that start with
//! `load `, prints `done <count> <unix time>` at the COUNT-th, then stays alive (idle) for HOLD
//! seconds so the script can read its peak memory, and exits. A watchdog thread prints
//! `timeout <count>` and exits after TIMEOUT seconds. (Named apart from wx-tokio's `load_one`:
//! one workspace target dir holds both, as with `echo_bot_blocking`.)
//!
//! ```text
//! cargo run --release -p wx-blocking --example load_one_blocking -- BASE_URL [COUNT] [HOLD_S] [TIMEOUT_S] [PREFIX]
//! ```
//! PREFIX (default `load `) selects the texts counted: `steady ` for the simulator's
//! `--rate-ms` load. The `ready` line ends with `seen <n>`, the count so far.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use wx_testkit::load as load_common;

use std::time::Duration;

use load_common::{Args, Counter};
use wx_blocking::{Driver, HttpClient, HttpOptions};

fn main() {
    let args = Args::parse("load_one_blocking");
    let counter = Counter::new(&args);
    let seen = std::sync::Arc::clone(&counter.count);
    let timeout = args.timeout;
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(timeout));
        println!(
            "timeout {}",
            seen.load(std::sync::atomic::Ordering::Relaxed)
        );
        std::process::exit(1);
    });
    let http = HttpClient::new(HttpOptions::default()).unwrap();
    let mut client = load_common::client(&args.base);
    let mut driver = Driver::new(http);
    while !counter.on_event(driver.next_event(&mut client)) {}
    std::thread::sleep(Duration::from_secs(args.hold));
}
