//! What the two `load_one` examples (wx-tokio's and wx-blocking's `load_one_blocking`)
//! share: their arguments, the client, and the counting of the
//! load's texts with the lines `benches/peers/run.sh` reads (`ready`, `done`, `ended`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use wx_proto::client::{Client, Config, Event};

/// `BASE_URL [COUNT] [HOLD_S] [TIMEOUT_S] [PREFIX]`.
pub struct Args {
    /// The simulator's base URL.
    pub base: String,
    /// How many texts to count (COUNT).
    pub want: u64,
    /// Seconds to stay alive after the COUNT-th text (HOLD_S).
    pub hold: u64,
    /// Seconds before the watchdog gives up (TIMEOUT_S).
    pub timeout: u64,
    /// The start of the texts counted (PREFIX).
    pub prefix: String,
}

impl Args {
    /// The command line of the example `name`.
    pub fn parse(name: &str) -> Args {
        let mut args = std::env::args().skip(1);
        let base = args.next().unwrap_or_else(|| {
            panic!("usage: {name} BASE_URL [COUNT] [HOLD_S] [TIMEOUT_S] [PREFIX]")
        });
        let mut num = |default: u64| args.next().and_then(|a| a.parse().ok()).unwrap_or(default);
        let (want, hold, timeout) = (num(5000), num(60), num(600));
        let prefix = args.next().unwrap_or_else(|| "load ".to_owned());
        Args {
            base,
            want,
            hold,
            timeout,
            prefix,
        }
    }
}

/// The wall clock in seconds since the Unix epoch.
pub fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// A client for `base`, seeded from the clock.
pub fn client(base: &str) -> Client {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let mut seed = [0u8; 32];
    seed[..16].copy_from_slice(&nanos.to_le_bytes());
    Client::new(
        Config::for_base_url(base),
        seed,
        Instant::now(),
        SystemTime::now(),
    )
}

/// Counts the texts that start with the prefix (shared with a watchdog).
pub struct Counter {
    want: u64,
    prefix: String,
    /// Texts counted so far (shared with the watchdog).
    pub count: Arc<AtomicU64>,
}

impl Counter {
    /// A counter of the texts `args` asks for.
    pub fn new(args: &Args) -> Counter {
        Counter {
            want: args.want,
            prefix: args.prefix.clone(),
            count: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Texts counted so far.
    pub fn seen(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// Reports `event` as the script expects; `true` at the COUNT-th text. Exits the process
    /// if the session ended first.
    pub fn on_event(&self, event: Option<Event>) -> bool {
        match event {
            None => {
                println!("ended {}", self.seen());
                std::process::exit(1);
            }
            Some(Event::Ready { contacts, groups }) => {
                println!(
                    "ready {:.6} {contacts} contacts {groups} groups seen {}",
                    unix_now(),
                    self.seen()
                );
            }
            Some(Event::Message { message, .. })
                if message
                    .text()
                    .is_some_and(|t| t.starts_with(self.prefix.as_str())) =>
            {
                let n = self.count.fetch_add(1, Ordering::Relaxed) + 1;
                if n == self.want {
                    println!("done {n} {:.6}", unix_now());
                    return true;
                }
            }
            Some(Event::LoggedOut(reason)) => println!("logged out: {reason:?}"),
            Some(_) => {}
        }
        false
    }
}
