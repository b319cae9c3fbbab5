//! The client half of the loopback scale benchmark (benches/scale/run.sh): N wx-tokio
//! sessions share one HttpClient against a separate `wx-sim --each-account --spread`
//! process, log in gradually (bounded concurrency), and, once all are Ready, run for a
//! measured window. For every steady text (`steady @<µs>`, stamped by the simulator when it
//! pushed it) it records the delay to the moment the driver handed out the event; it samples
//! its own resident memory (/proc/self/status VmRSS, VmHWM) before starting sessions, when
//! all are Ready and at the end, and its CPU time (/proc/self/stat). Prints one JSON line
//! (`scale-result {...}`) and a human line; asserts nothing.
//!
//! ```text
//! cargo run --release -p wx-tokio --example scale_client -- \
//!     --base http://127.0.0.1:PORT --sessions N [--seconds 60] [--concurrency 64]
//!     [--ramp-timeout 900] [--workers 2] [--read-buffer BYTES] [--dedupe IDS]
//! ```
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use wx_proto::client::{Client, Config, Event};
use wx_tokio::{Driver, HttpClient, HttpOptions};

struct Args {
    base: String,
    sessions: usize,
    seconds: u64,
    concurrency: usize,
    ramp_timeout: u64,
    workers: usize,
    read_buffer: Option<usize>,
    dedupe: Option<usize>,
}

fn args() -> Args {
    let mut a = Args {
        base: "http://127.0.0.1:8080".into(),
        sessions: 1,
        seconds: 60,
        concurrency: 64,
        ramp_timeout: 900,
        workers: 2,
        read_buffer: None,
        dedupe: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--base" => a.base = val(),
            "--sessions" => a.sessions = val().parse().expect("--sessions N"),
            "--seconds" => a.seconds = val().parse().expect("--seconds S"),
            "--concurrency" => a.concurrency = val().parse().expect("--concurrency N"),
            "--ramp-timeout" => a.ramp_timeout = val().parse().expect("--ramp-timeout S"),
            "--workers" => a.workers = val().parse().expect("--workers N"),
            "--dedupe" => a.dedupe = Some(val().parse().expect("--dedupe N")),
            "--read-buffer" => a.read_buffer = Some(val().parse().expect("--read-buffer BYTES")),
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

/// Resident memory now and its peak, in KiB (VmRSS, VmHWM), and the private anonymous part
/// of it (RssAnon: the heap and stacks, not the mapped binary).
fn rss_kib() -> (u64, u64) {
    let (rss, hwm, _) = memory_kib();
    (rss, hwm)
}

fn memory_kib() -> (u64, u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"), field("RssAnon:"))
}

/// User + system CPU seconds of this process (USER_HZ is 100 on Linux).
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0)) as f64 / 100.0
}

fn soft_fd_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Open file descriptors of this process (sockets, mostly).
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

fn unix_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

#[derive(Default)]
struct Stats {
    ready: AtomicU64,
    ended: AtomicU64,
    /// Steady texts received before the window (while logging in).
    before: AtomicU64,
    /// Steady texts received after the window.
    after: AtomicU64,
    measuring: AtomicBool,
    done: AtomicBool,
    /// Latencies in µs of the steady texts received in the window.
    latencies: Mutex<Vec<u64>>,
}

/// One session; `permit` is its login slot, given back when it is Ready (or ends).
async fn session(
    i: usize,
    http: HttpClient,
    config: Config,
    stats: Arc<Stats>,
    permit: OwnedSemaphorePermit,
) {
    let mut permit = Some(permit);
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
    let mut client = Client::new(config, seed, Instant::now(), SystemTime::now());
    let mut driver = Driver::new(http);
    let mut was_ready = false;
    while let Some(event) = driver.next_event(&mut client).await {
        match event {
            Event::Ready { .. } => {
                if !was_ready {
                    was_ready = true;
                    stats.ready.fetch_add(1, Ordering::Relaxed);
                }
                // The next session may log in.
                permit.take();
            }
            Event::Message { message, .. } => {
                let Some(stamp) = message
                    .text()
                    .and_then(|t| t.strip_prefix("steady @"))
                    .and_then(|t| t.trim().parse::<u64>().ok())
                else {
                    continue;
                };
                let now = unix_us();
                if stats.done.load(Ordering::Relaxed) {
                    stats.after.fetch_add(1, Ordering::Relaxed);
                } else if stats.measuring.load(Ordering::Relaxed) {
                    let lat = now.saturating_sub(stamp);
                    stats.latencies.lock().unwrap().push(lat);
                } else {
                    stats.before.fetch_add(1, Ordering::Relaxed);
                }
            }
            _ => {}
        }
    }
    drop(permit);
    stats.ended.fetch_add(1, Ordering::Relaxed);
    eprintln!("scale_client: session {i} ended");
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1000.0
}

fn main() {
    let a = args();
    if let Some(limit) = soft_fd_limit()
        && limit < (a.sessions as u64) + 64
    {
        eprintln!(
            "scale_client: warning: soft fd limit {limit} is low for {} sessions (ulimit -n)",
            a.sessions
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(a.workers)
        .enable_all()
        .build()
        .unwrap();
    let http = HttpClient::new(HttpOptions {
        read_buffer: a.read_buffer,
        ..HttpOptions::default()
    })
    .unwrap();
    let stats = Arc::new(Stats::default());
    let mut config = Config::for_base_url(a.base.clone());
    if let Some(n) = a.dedupe {
        config.dedupe_capacity = n;
    }
    let gate = Arc::new(Semaphore::new(a.concurrency.max(1)));
    let (rss_base, _) = rss_kib();
    let cpu_base = cpu_s();
    let started = Instant::now();
    rt.block_on(async {
        for i in 0..a.sessions {
            // At most `concurrency` sessions log in at once: the next starts when one of
            // them is Ready.
            let permit = gate.clone().acquire_owned().await.unwrap();
            tokio::spawn(session(
                i,
                http.clone(),
                config.clone(),
                stats.clone(),
                permit,
            ));
        }
        let ramp_end = started + Duration::from_secs(a.ramp_timeout);
        let mut last_print = Instant::now();
        while (stats.ready.load(Ordering::Relaxed) as usize) < a.sessions
            && Instant::now() < ramp_end
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if last_print.elapsed() >= Duration::from_secs(10) {
                last_print = Instant::now();
                eprintln!(
                    "scale_client: {:.0} s, {} of {} ready, {} ended",
                    started.elapsed().as_secs_f64(),
                    stats.ready.load(Ordering::Relaxed),
                    a.sessions,
                    stats.ended.load(Ordering::Relaxed)
                );
            }
        }
    });
    let login_s = started.elapsed().as_secs_f64();
    let ready = stats.ready.load(Ordering::Relaxed);
    let (rss_ready, hwm_ready) = rss_kib();
    let cpu_ready = cpu_s();
    eprintln!(
        "scale_client: {ready} of {} ready after {login_s:.1} s; measuring {} s",
        a.sessions, a.seconds
    );
    stats.measuring.store(true, Ordering::Relaxed);
    let window_start = Instant::now();
    rt.block_on(async { tokio::time::sleep(Duration::from_secs(a.seconds)).await });
    stats.done.store(true, Ordering::Relaxed);
    let window = window_start.elapsed().as_secs_f64();
    let (rss_end, hwm_end, anon_end) = memory_kib();
    let cpu_end = cpu_s();
    let fds = open_fds();
    let mut lat = std::mem::take(&mut *stats.latencies.lock().unwrap());
    lat.sort_unstable();
    let n = a.sessions.max(1) as f64;
    let messages = lat.len();
    let rate = messages as f64 / window;
    let (p50, p99, max) = (pct(&lat, 0.50), pct(&lat, 0.99), pct(&lat, 1.0));
    let per_account = rss_end.saturating_sub(rss_base) as f64 / n;
    let per_account_ready = rss_ready.saturating_sub(rss_base) as f64 / n;
    let ended = stats.ended.load(Ordering::Relaxed);
    let fmt = |x: f64| {
        if x.is_finite() {
            format!("{x:.3}")
        } else {
            "null".into()
        }
    };
    println!(
        "scale-result {{\"accounts\":{},\"ready\":{ready},\"ended\":{ended},\"login_s\":{login_s:.1},\
         \"window_s\":{window:.1},\"messages\":{messages},\"before_window\":{},\"msg_per_s\":{rate:.1},\
         \"p50_ms\":{},\"p99_ms\":{},\"max_ms\":{},\"rss_base_kib\":{rss_base},\
         \"rss_ready_kib\":{rss_ready},\"rss_end_kib\":{rss_end},\"rss_anon_end_kib\":{anon_end},\"hwm_kib\":{},\
         \"kib_per_account\":{per_account:.2},\"kib_per_account_ready\":{per_account_ready:.2},\
         \"cpu_login_s\":{:.2},\"cpu_window_s\":{:.2},\"fds_end\":{fds},\"read_buffer\":{},\"dedupe\":{}}}",
        a.sessions,
        stats.before.load(Ordering::Relaxed),
        fmt(p50),
        fmt(p99),
        fmt(max),
        hwm_end.max(hwm_ready),
        cpu_ready - cpu_base,
        cpu_end - cpu_ready,
        a.read_buffer.map_or("null".to_string(), |b| b.to_string()),
        config.dedupe_capacity,
    );
    println!(
        "wx-tokio scale: {} accounts ({ready} ready in {login_s:.1} s, {ended} ended), {messages} messages in {window:.1} s = {rate:.1} msg/s, latency p50 {} ms p99 {} ms max {} ms, RSS {rss_base} -> {rss_end} KiB = {per_account:.1} KiB per account, CPU {:.2} s in the window",
        a.sessions,
        fmt(p50),
        fmt(p99),
        fmt(max),
        cpu_end - cpu_ready
    );
    // Ending 10,000 sessions politely is not what is measured: leave at once.
    std::process::exit(0);
}
