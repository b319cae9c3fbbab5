//! The Client's own share of the in-memory session loop.
//!
//! The divan `session` bench measures client and simulator together. This example runs the
//! same loops and adds up the wall time spent inside the Client's calls (`handle_response`,
//! `poll_request`, `poll_event`, `poll_timeout`, `handle_timeout`), to report messages per
//! second through the Client alone next to the whole loop's rate.
//! Run: `CARGO_TARGET_DIR=/work/target-bench cargo run --release -p wx-benches --example session_split`.

use std::time::{Duration, Instant};

use wx_benches::pair::{Pair, world};

fn run(name: &str, rounds: usize, per_round: usize, f: fn(&mut Pair, usize)) {
    let mut pair = Pair::logged_in(world(20, 3));
    f(&mut pair, per_round); // warm-up
    pair.client_time = Duration::ZERO;
    let start = Instant::now();
    for _ in 0..rounds {
        f(&mut pair, per_round);
    }
    let total = start.elapsed();
    let n = (rounds * per_round) as f64;
    let client = pair.client_time.as_secs_f64();
    println!(
        "| {name} | {} | {:.0} | {:.0} | {:.1}% | {:.2} |",
        rounds * per_round,
        n / total.as_secs_f64(),
        n / client,
        100.0 * client / total.as_secs_f64(),
        client * 1e6 / n,
    );
}

fn main() {
    println!(
        "| loop | messages | msg/s, whole loop | msg/s, Client only | Client share | µs per message in the Client |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    run(
        "burst (1,000 at once, 100 per webwxsync)",
        20,
        1000,
        Pair::burst,
    );
    run(
        "one by one (a synccheck and a webwxsync each)",
        20,
        100,
        Pair::one_by_one,
    );
}
