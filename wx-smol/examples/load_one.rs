//! One account under a message load through wx-smol, for the peers benchmark (`benches/peers/run.sh`): logs in
//! to a wx-sim started with `--auto-confirm`, prints `ready <unix time>` once the contacts are
//! loaded and the sync loop runs, counts the texts that start with `load `, prints
//! `done <count> <unix time>` at the COUNT-th, then stays alive (idle) for HOLD seconds so the
//! script can read its peak memory, and exits. Prints `timeout <count>` after TIMEOUT seconds.
//!
//! ```text
//! cargo run --release -p wx-smol --example load_one_smol -- BASE_URL [COUNT] [HOLD_S] [TIMEOUT_S] [PREFIX]
//! ```
//! PREFIX (default `load `) selects the texts counted: `steady ` for the simulator's
//! `--rate-ms` load. The `ready` line ends with `seen <n>`, the count so far.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use wx_testkit::load as load_common;

use std::time::Duration;

use load_common::{Args, Counter};
use smol::future::FutureExt;
use wx_smol::{Driver, HttpClient, HttpOptions};

// One thread, as one account needs (the driver runs its requests on the thread that awaits
// it): the fair match for node's event loop.
fn main() {
    let args = Args::parse("load_one_smol");
    let http = HttpClient::new(HttpOptions::default()).unwrap();
    let mut client = load_common::client(&args.base);
    let mut driver = Driver::new(http);
    let counter = Counter::new(&args);
    let timeout = Duration::from_secs(args.timeout);
    smol::block_on(async {
        let mut deadline = smol::Timer::after(timeout);
        loop {
            let event = async { driver.next_event(&mut client).await }
                .or(async {
                    (&mut deadline).await;
                    println!("timeout {}", counter.seen());
                    std::process::exit(1);
                })
                .await;
            if counter.on_event(event) {
                break;
            }
        }
        smol::Timer::after(Duration::from_secs(args.hold)).await;
    });
}
