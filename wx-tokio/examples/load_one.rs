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

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wx_proto::client::{Client, Config, Event};
use wx_tokio::{Driver, HttpClient, HttpOptions};

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

// One thread, as one account needs: the fair match for node's event loop.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .expect("usage: load_one BASE_URL [COUNT] [HOLD_S] [TIMEOUT_S] [PREFIX]");
    let mut num = |default: u64| args.next().and_then(|a| a.parse().ok()).unwrap_or(default);
    let (want, hold, timeout) = (num(5000), num(60), num(600));
    let prefix = args.next().unwrap_or_else(|| "load ".to_owned());
    let http = HttpClient::new(HttpOptions::default()).unwrap();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let mut seed = [0u8; 32];
    seed[..16].copy_from_slice(&nanos.to_le_bytes());
    let mut client = Client::new(
        Config::for_base_url(base.as_str()),
        seed,
        Instant::now(),
        SystemTime::now(),
    );
    let mut driver = Driver::new(http);
    let mut count = 0u64;
    let deadline = tokio::time::sleep(Duration::from_secs(timeout));
    tokio::pin!(deadline);
    loop {
        let event = tokio::select! {
            e = driver.next_event(&mut client) => e,
            () = &mut deadline => {
                println!("timeout {count}");
                std::process::exit(1);
            }
        };
        match event {
            None => {
                println!("ended {count}");
                std::process::exit(1);
            }
            Some(Event::Ready { contacts, groups }) => {
                println!(
                    "ready {:.6} {contacts} contacts {groups} groups seen {count}",
                    unix_now()
                );
            }
            Some(Event::Message { message, .. })
                if message
                    .text()
                    .is_some_and(|t| t.starts_with(prefix.as_str())) =>
            {
                count += 1;
                if count == want {
                    println!("done {count} {:.6}", unix_now());
                    break;
                }
            }
            Some(Event::LoggedOut(reason)) => println!("logged out: {reason:?}"),
            Some(_) => {}
        }
    }
    tokio::time::sleep(Duration::from_secs(hold)).await;
}
