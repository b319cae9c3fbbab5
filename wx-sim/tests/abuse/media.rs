//! `POST /__sim/push` asking for gigabytes of media: refused with 400 and the limit, nothing
//! allocated, the simulator still serving and still stopping on SIGTERM.

use crate::process::{SimProcess, client_logs_in, exchange};
use std::time::{Duration, Instant};

fn push(sim: &SimProcess, body: &str) -> crate::process::Resp {
    exchange(&sim.addr, "POST", "/__sim/push", body.as_bytes()).expect("an answer")
}

#[test]
fn huge_pushed_media_is_refused_without_allocating() {
    let sim = SimProcess::start(&[]);
    let before = sim.rss_mib();
    for (body, what) in [
        (
            r#"{"body":{"kind":"video","secs":1,"size":8000000000}}"#,
            "video size",
        ),
        (
            r#"{"body":{"kind":"file","name":"a.bin","size":8000000000}}"#,
            "file size",
        ),
        (r#"{"body":{"kind":"voice","ms":4000000000}}"#, "voice ms"),
        (
            r#"{"body":{"kind":"voice_token","ms":4000000000}}"#,
            "voice ms",
        ),
    ] {
        let t = Instant::now();
        let r = push(&sim, body);
        assert_eq!(r.status, 400, "{body}: {r:?}");
        assert!(
            r.body.contains(what) && r.body.contains("over the limit of"),
            "{body}: {}",
            r.body
        );
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "{body}: {:?}",
            t.elapsed()
        );
        assert!(client_logs_in(&sim.addr), "a client logs in after {body}");
    }
    // The largest accepted media cost nothing at push time either: 20 pushes of 16 MiB.
    for _ in 0..20 {
        let r = push(
            &sim,
            r#"{"body":{"kind":"file","name":"big.bin","size":16777216}}"#,
        );
        assert_eq!(r.status, 200, "{r:?}");
    }
    let peak = sim.peak_rss_mib();
    println!("media: RSS {before} MiB before, peak {peak} MiB after the pushes");
    assert!(
        peak < before + 32,
        "peak RSS {peak} MiB (from {before} MiB)"
    );
    assert!(client_logs_in(&sim.addr));
    assert!(
        sim.terminate(Duration::from_secs(5)),
        "SIGTERM stops the simulator"
    );
}
