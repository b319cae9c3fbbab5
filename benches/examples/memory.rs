//! Bytes of memory held by one idle logged-in Client, with no contacts and with 5,000.
//!
//! The client logs in against the wx-sim core in memory, idles through a few synccheck rounds,
//! then the simulator is dropped and the client is dropped inside a `stats_alloc` `Region`:
//! the heap bytes freed by that drop are the bytes the client held, to which its inline size
//! (`size_of::<Client>()`) is added. These are bytes requested from the allocator (malloc's
//! own overhead and fragmentation are not included).
//! Run: `CARGO_TARGET_DIR=/work/target-bench cargo run --release -p wx-benches --example memory`.

use std::alloc::System;
use std::time::Duration;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use wx_benches::pair::{Pair, world};
use wx_proto::client::Client;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// (contacts the client knows, heap bytes, allocations) held by an idle client.
fn held(contacts: usize) -> (usize, i128, usize) {
    let mut pair = Pair::logged_in(world(contacts, 0));
    pair.idle_for(Duration::from_secs(120));
    let (client, sim) = pair.into_parts();
    drop(sim);
    let known = client.contacts().count();
    let region = Region::new(GLOBAL);
    drop(client);
    let c = region.change();
    let bytes =
        c.bytes_deallocated as i128 - c.bytes_allocated as i128 - c.bytes_reallocated as i128;
    let blocks = c.deallocations.saturating_sub(c.allocations);
    (known, bytes, blocks)
}

fn main() {
    let inline = std::mem::size_of::<Client>();
    println!(
        "| world contacts | contacts in the client | heap bytes | inline bytes | total | KiB | heap blocks |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for n in [0, 5000] {
        let (known, heap, blocks) = held(n);
        let total = heap + inline as i128;
        println!(
            "| {n} | {known} | {heap} | {inline} | {total} | {:.1} | {blocks} |",
            total as f64 / 1024.0
        );
    }
}
