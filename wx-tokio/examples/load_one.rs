//! One account under a message load, for the peers benchmark (`benches/peers/run.sh`): logs in
//! to a wx-sim started with `--auto-confirm`, prints `ready <unix time>` once the contacts are
//! loaded and the sync loop runs, counts the texts that start with `load `, prints
//! `done <count> <unix time>` at the COUNT-th, then stays alive (idle) for HOLD seconds so the
//! script can read its peak memory, and exits. Prints `timeout <count>` after TIMEOUT seconds.
//!
//! ```text
//! cargo run --release -p wx-tokio --example load_one -- BASE_URL [COUNT] [HOLD_S] [TIMEOUT_S] [PREFIX]
//! ```
//! PREFIX (default `load `) selects the texts counted: `steady ` for the simulator's
//! `--rate-ms` load. The `ready` line ends with `seen <n>`, the count so far.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use wx_testkit::load as load_common;

use std::time::Duration;

use load_common::{Args, Counter};
use wx_tokio::{Driver, HttpClient, HttpOptions};

// One thread, as one account needs: the fair match for node's event loop.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::parse("load_one");
    let http = HttpClient::new(HttpOptions::default()).unwrap();
    let mut client = load_common::client(&args.base);
    let mut driver = Driver::new(http);
    let counter = Counter::new(&args);
    let deadline = tokio::time::sleep(Duration::from_secs(args.timeout));
    tokio::pin!(deadline);
    loop {
        let event = tokio::select! {
            e = driver.next_event(&mut client) => e,
            () = &mut deadline => {
                println!("timeout {}", counter.seen());
                std::process::exit(1);
            }
        };
        if counter.on_event(event) {
            break;
        }
    }
    tokio::time::sleep(Duration::from_secs(args.hold)).await;
}
