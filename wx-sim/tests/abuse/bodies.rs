//! Large request bodies: twelve concurrent 60 MB POSTs, announced (Content-Length) and not
//! (chunked). Each is cut off at the per-request cap (413) or by the in-flight budget (503);
//! the simulator's peak memory stays near the budget, and a client is served throughout.

use crate::process::{SimProcess, client_logs_in, parse};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const BODY: usize = 60_000_000;

/// POSTs 60 MB (chunked when `chunked`) and returns the status, if the server answered
/// before closing.
fn post_60mb(addr: &str, chunked: bool) -> Option<u16> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let head = if chunked {
        "POST /__sim/push HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_string()
    } else {
        format!("POST /__sim/push HTTP/1.1\r\nHost: x\r\nContent-Length: {BODY}\r\n\r\n")
    };
    s.write_all(head.as_bytes()).ok()?;
    let block = vec![b'x'; 64 * 1024];
    let mut sent = 0;
    while sent < BODY {
        let wrote = if chunked {
            s.write_all(format!("{:x}\r\n", block.len()).as_bytes())
                .and_then(|()| s.write_all(&block))
                .and_then(|()| s.write_all(b"\r\n"))
        } else {
            s.write_all(&block)
        };
        // The server answers and closes as soon as it refuses: writing then fails.
        if wrote.is_err() {
            break;
        }
        sent += block.len();
    }
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    parse(&out).map(|r| r.status)
}

fn attack(chunked: bool) {
    let sim = SimProcess::start(&[]);
    let before = sim.rss_mib();
    let stop = Arc::new(AtomicBool::new(false));
    let client = {
        let (addr, stop) = (sim.addr.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut logins = 0;
            while !stop.load(Ordering::Relaxed) {
                assert!(client_logs_in(&addr), "a client logs in during the uploads");
                logins += 1;
            }
            logins
        })
    };
    let posts: Vec<_> = (0..12)
        .map(|_| {
            let addr = sim.addr.clone();
            std::thread::spawn(move || post_60mb(&addr, chunked))
        })
        .collect();
    let statuses: Vec<Option<u16>> = posts.into_iter().map(|t| t.join().unwrap()).collect();
    stop.store(true, Ordering::Relaxed);
    let logins = client.join().unwrap();
    let peak = sim.peak_rss_mib();
    println!(
        "bodies (chunked: {chunked}): statuses {statuses:?}; {logins} logins during; RSS \
         {before} MiB before, peak {peak} MiB"
    );
    for s in &statuses {
        assert!(
            matches!(s, None | Some(413) | Some(503)),
            "a 60 MB body is refused: {statuses:?}"
        );
    }
    assert!(
        statuses.iter().any(Option::is_some),
        "refusals are answered: {statuses:?}"
    );
    assert!(logins >= 1);
    // The budget (64 MiB) plus the per-request allowances; 12 × 60 MB would be 687 MiB.
    assert!(
        peak < before + 160,
        "peak RSS {peak} MiB (from {before} MiB)"
    );
    assert!(client_logs_in(&sim.addr), "served afterwards");
}

#[test]
fn announced_huge_bodies_get_413_at_once() {
    attack(false);
}

#[test]
fn chunked_huge_bodies_are_cut_off_by_the_cap_and_the_budget() {
    attack(true);
}
