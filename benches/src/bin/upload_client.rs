//! One file sent through wx-tokio to a wx-sim process, for the upload benchmark
//! (`benches/upload/run.sh`, measured by `benches/upload/measure.py`).
//!
//! Logs in to a wx-sim started with `--auto-confirm`, idles in its sync loop for IDLE_MS,
//! reads its own resident set (`/proc/self/status`), resets the peak (`/proc/self/clear_refs`,
//! `5`), sends FILE as an attachment (`Command::SendMedia`, `MediaKind::File`, no MD5 given:
//! the core reads the file once for it, then uploads it in 512 KiB chunks, after a
//! webwxcheckupload above 25 MiB) with `Driver::send_file`, which reads the file one chunk at
//! a time where the op asks, and prints one JSON line:
//!
//! ```text
//! {"client":"wx-tokio","ok":true,"bytes":…,"secs":…,"idle_rss_kib":…,"idle_hwm_kib":…,
//!  "peak_hwm_kib":…,"after_rss_kib":…,"hwm_reset":true,"msg_id":"…","to":"@…"}
//! ```
//!
//! `peak_hwm_kib` is the peak resident set during the upload when `hwm_reset` is true (the
//! kernel took the reset), else the peak of the whole process.
//!
//! ```text
//! cargo run --release -p wx-benches --bin upload_client -- BASE_URL FILE [IDLE_MS] [TIMEOUT_S]
//! ```
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use wx_proto::client::{Event, MediaKind, OpOutput};
use wx_tokio::{Driver, HttpClient, HttpOptions};

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets the peak resident set (`VmHWM`) to the current one; false where the kernel refuses.
fn reset_hwm() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn fail(what: &str) -> ! {
    println!("{{\"client\":\"wx-tokio\",\"ok\":false,\"error\":{what:?}}}");
    std::process::exit(1);
}

// One thread, as one session needs (and as the peers benchmark runs it).
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .expect("usage: upload_client BASE_URL FILE [IDLE_MS] [TIMEOUT_S]");
    let path = args.next().expect("FILE");
    let idle_ms: u64 = args.next().map_or(1000, |a| a.parse().expect("IDLE_MS"));
    let timeout_s: u64 = args.next().map_or(600, |a| a.parse().expect("TIMEOUT_S"));
    let deadline = Instant::now() + Duration::from_secs(timeout_s);

    let http = HttpClient::new(HttpOptions::default()).unwrap();
    let mut client = wx_testkit::load::client(&base);
    let mut driver = Driver::new(http);

    // Log in and load the contacts.
    loop {
        match tokio::time::timeout_at(deadline.into(), driver.next_event(&mut client)).await {
            Err(_) => fail("timeout before login"),
            Ok(None) => fail("session ended before login"),
            Ok(Some(Event::Ready { .. })) => break,
            Ok(Some(_)) => {}
        }
    }
    // Idle in the sync loop: what a logged-in session costs.
    let idle_until = Instant::now() + Duration::from_millis(idle_ms);
    while let Ok(event) =
        tokio::time::timeout_at(idle_until.into(), driver.next_event(&mut client)).await
    {
        if event.is_none() {
            fail("session ended while idle");
        }
    }
    let idle_rss = status_kib("VmRSS:").unwrap_or(0);
    let idle_hwm = status_kib("VmHWM:").unwrap_or(0);
    let hwm_reset = reset_hwm();

    let me = client.me().map(|c| c.user_name.clone()).unwrap_or_default();
    let to = client
        .contacts()
        .map(|c| c.user_name.clone())
        .find(|u| u.starts_with('@') && !u.starts_with("@@") && *u != me)
        .unwrap_or_else(|| fail("no friend to send to"));

    // The adapter's own path: it opens the file, reads it one chunk at a time where the
    // op asks (an MD5 pass, then the upload), and returns Progress and OpDone.
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    let started = Instant::now();
    let op = driver
        .send_file(&mut client, to.clone(), &path, Some(MediaKind::File))
        .await
        .unwrap_or_else(|e| fail(&format!("send_file: {e}")));
    let result = loop {
        let event =
            match tokio::time::timeout_at(deadline.into(), driver.next_event(&mut client)).await {
                Err(_) => fail("timeout during the upload"),
                Ok(None) => fail("session ended during the upload"),
                Ok(Some(event)) => event,
            };
        if let Event::OpDone { op: o, result } = event
            && o == op
        {
            break result;
        }
    };
    let secs = started.elapsed().as_secs_f64();
    let peak_hwm = status_kib("VmHWM:").unwrap_or(0);
    let after_rss = status_kib("VmRSS:").unwrap_or(0);
    match result {
        Ok(OpOutput::Sent { msg_id, .. }) => println!(
            "{{\"client\":\"wx-tokio\",\"ok\":true,\"bytes\":{size},\"secs\":{secs:.6},\
             \"idle_rss_kib\":{idle_rss},\"idle_hwm_kib\":{idle_hwm},\"peak_hwm_kib\":{peak_hwm},\
             \"after_rss_kib\":{after_rss},\"hwm_reset\":{hwm_reset},\"msg_id\":{msg_id:?},\
             \"to\":{to:?}}}"
        ),
        Ok(other) => fail(&format!("unexpected output {other:?}")),
        Err(e) => println!(
            "{{\"client\":\"wx-tokio\",\"ok\":false,\"error\":{:?},\"bytes\":{size},\
             \"secs\":{secs:.6},\"idle_rss_kib\":{idle_rss},\"peak_hwm_kib\":{peak_hwm}}}",
            e.to_string()
        ),
    }
}
