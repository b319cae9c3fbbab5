//! `wx demo` end to end: the real binary, wx-sim in its process over loopback HTTP.

mod common;

use std::time::{Duration, Instant};

#[test]
fn demo_runs_a_whole_session_and_exits_0() {
    let started = Instant::now();
    let out = common::wx(&["demo"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "status {:?}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    for want in [
        "scan this QR code",
        "scanned (avatar:",
        "confirmed on the phone",
        "logged in as SimUser0",
        "ready: ",
        "[text] Hello! Are you a bot?",
        "[image]",
        "[text] Morning, everyone",
        "[voice] 4200 ms",
        "[app] Rust 2024 is out",
        "[location] Shenzhen Bay",
        "[text] Nice to meet you",
        "revoking the first reply",
        "-> revoked",
        "logged out: as requested",
        "7 messages received, 3 replies sent, 1 revoked",
    ] {
        assert!(stdout.contains(want), "missing {want:?} in:\n{stdout}");
    }
    assert_eq!(stdout.matches("-> replied (MsgID").count(), 3, "{stdout}");
    assert!(
        stdout.contains(" in "),
        "group messages name their group:\n{stdout}"
    );
}

#[test]
fn demo_qr_code_decodes_to_the_login_url() {
    let out = common::wx(&["demo"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.contains("scan this QR code"))
        .expect("QR heading")
        + 1;
    let end = lines
        .iter()
        .position(|l| l.contains("scanned (avatar"))
        .expect("scan line");
    let url = lines[start - 1]
        .rsplit_once('(')
        .and_then(|(_, u)| u.strip_suffix("):"))
        .expect("url in heading")
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.contains("/l/"),
        "{url}"
    );
    let decoded = common::decode_qr_art(&lines[start..end]).expect("a readable QR code");
    assert_eq!(decoded, url);
}
