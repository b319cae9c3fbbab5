//! A simulated week: N clients (one per account) against one wx-sim core in memory, in
//! virtual time, under every fault and sticky pattern the simulator has, beside a no-fault
//! baseline with the same traffic (issue 12, item 7). Prints the tables of BENCHMARKS.md.
//!
//! ```text
//! cargo run --release -p wx-benches --example week -- --accounts 100 --days 7 [--no-poison] [--baseline] [--seed N]
//! ```
//!
//! `--baseline` runs the baseline alone; `--no-poison` leaves the poison episodes out of the
//! fault week. Peak heap: a `stats_alloc` counting allocator, sampled after every instant of
//! virtual time; the clients' own heap is what dropping them at the end frees.

use std::alloc::System;
use std::process::ExitCode;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use wx_benches::week::{Report, Week, WeekConfig, report};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn heap() -> i128 {
    let s = GLOBAL.stats();
    // stats_alloc already adds a realloc's growth to `bytes_allocated` (and its shrinking
    // to `bytes_deallocated`); `bytes_reallocated` is the same again, not to be added.
    s.bytes_allocated as i128 - s.bytes_deallocated as i128
}

fn run(cfg: WeekConfig) -> Result<Report, String> {
    let before = heap();
    let mut peak = before;
    let mut week = Week::new(cfg);
    let mut r = week.run(&mut || peak = peak.max(heap()))?;
    let (clients, sim) = week.into_parts();
    drop(sim);

    let region = Region::new(GLOBAL);
    drop(clients);
    let c = region.change();
    let freed = c.bytes_deallocated as i128 - c.bytes_allocated as i128;
    r.peak_heap = u64::try_from(peak - before).ok();
    r.clients_heap = u64::try_from(freed).ok();
    Ok(r)
}

fn main() -> ExitCode {
    let mut cfg = WeekConfig::new(100, 7);
    let mut baseline_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = |what: &str| -> Option<u64> {
            let v = args.next().and_then(|v| v.parse().ok());
            if v.is_none() {
                eprintln!("{what} needs a number");
            }
            v
        };
        match a.as_str() {
            "--accounts" => match num("--accounts") {
                Some(n) => cfg.accounts = n as usize,
                None => return ExitCode::FAILURE,
            },
            "--days" => match num("--days") {
                Some(n) => cfg.duration = std::time::Duration::from_secs(86_400 * n),
                None => return ExitCode::FAILURE,
            },
            "--seed" => match num("--seed") {
                Some(n) => cfg.seed = n,
                None => return ExitCode::FAILURE,
            },
            "--no-poison" => cfg.poison = false,
            "--baseline" => baseline_only = true,
            other => {
                eprintln!("unknown argument {other}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!(
        "week: {} accounts, {:.1} days, seed {}, drain {:?}",
        cfg.accounts,
        cfg.duration.as_secs_f64() / 86_400.0,
        cfg.seed,
        cfg.drain
    );
    let mut runs = Vec::new();
    if !baseline_only {
        match run(cfg.clone()) {
            Ok(r) => runs.push(r),
            Err(e) => {
                eprintln!("fault week failed: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    match run(WeekConfig {
        faults: false,
        ..cfg
    }) {
        Ok(r) => runs.push(r),
        Err(e) => {
            eprintln!("baseline week failed: {e}");
            return ExitCode::FAILURE;
        }
    }
    let refs: Vec<&Report> = runs.iter().collect();
    println!("\n{}", report::table(&refs));
    println!("{}", report::endpoint_table(&refs));
    for r in &runs {
        println!("{}", report::details(r));
    }
    if let Ok(s) = std::fs::read_to_string("/proc/self/status")
        && let Some(l) = s.lines().find(|l| l.starts_with("VmHWM"))
    {
        println!("process peak RSS ({l})");
    }
    let bad = runs.iter().any(|r| r.lost + r.duplicated > 0);
    if bad {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
