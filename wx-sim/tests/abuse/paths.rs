//! 20,000 distinct unknown paths: the per-endpoint counters keep 64 unknown names and count
//! the rest under "(other)", so the table (and the memory) stays small.

use crate::process::{SimProcess, client_logs_in, get};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

const PATHS: usize = 20_000;

/// Sends `GET /nope/p<i>` for `range` on one keep-alive connection, reading every answer.
fn walk(addr: &str, range: std::ops::Range<usize>) -> usize {
    let s = TcpStream::connect(addr).unwrap();
    // One small write a request: without this, delayed ACKs make each one take 40 ms.
    s.set_nodelay(true).unwrap();
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    let mut answered = 0;
    for i in range {
        write!(w, "GET /nope/p{i} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut len = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            r.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body).unwrap();
        answered += 1;
    }
    answered
}

#[test]
fn unknown_paths_share_one_counter_past_the_first_64() {
    let sim = SimProcess::start(&[]);
    let before = sim.rss_mib();
    let walkers: Vec<_> = (0..4)
        .map(|k| {
            let addr = sim.addr.clone();
            std::thread::spawn(move || walk(&addr, k * PATHS / 4..(k + 1) * PATHS / 4))
        })
        .collect();
    let answered: usize = walkers.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(answered, PATHS);
    assert!(client_logs_in(&sim.addr));
    let stats: serde_json::Value =
        serde_json::from_str(&get(&sim.addr, "/__sim/stats").unwrap().body).unwrap();
    let requests = stats["requests"].as_object().unwrap();
    let unknown = requests
        .keys()
        .filter(|k| k.starts_with('p') && k[1..].bytes().all(|b| b.is_ascii_digit()))
        .count();
    let other = requests["(other)"].as_u64().unwrap();
    let after = sim.rss_mib();
    println!(
        "paths: {} counters, {unknown} unknown names, (other) = {other}; RSS {before} MiB \
         before, {after} MiB after",
        requests.len()
    );
    assert_eq!(unknown, 64);
    assert_eq!(other, (PATHS - 64) as u64);
    assert!(requests.len() < 100, "{} counters", requests.len());
    assert_eq!(
        requests["jslogin"], 1,
        "known endpoints keep their own counters"
    );
    assert!(after < before + 16, "RSS {after} MiB (from {before} MiB)");
}
