//! The session loop in memory (divan): a logged-in Client against the wx-sim core, no sockets.
//!
//! Each iteration pushes messages into the simulator and drives both sides with virtual time
//! until the client has emitted every `Event::Message`: the client parses the synccheck and
//! webwxsync bodies, dedupes, decodes the content and emits the events. The simulator's own
//! work (building the JSON bodies) is inside the measured time too, so these figures are a
//! lower bound on the Client's throughput; `examples/session_split.rs` reports the Client's
//! share on its own.
//! Run: `CARGO_TARGET_DIR=/work/target-bench cargo bench -p wx-benches --bench session`.

use divan::Bencher;
use divan::counter::ItemsCount;
use wx_benches::pair::{Pair, world};

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

/// 1,000 messages pushed at once, delivered 100 per webwxsync.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn burst_1000(bencher: Bencher) {
    let mut pair = Pair::logged_in(world(20, 3));
    bencher
        .counter(ItemsCount::new(1000usize))
        .bench_local(|| pair.burst(1000));
}

/// 100 messages, each pushed after the previous one was delivered: one synccheck and one
/// webwxsync round per message (an idle bot's pattern).
#[divan::bench(sample_count = 20, sample_size = 1)]
fn one_by_one_100(bencher: Bencher) {
    let mut pair = Pair::logged_in(world(20, 3));
    bencher
        .counter(ItemsCount::new(100usize))
        .bench_local(|| pair.one_by_one(100));
}
