//! The session commands against a `wx sim` process over loopback: login (QR, scan, confirm,
//! saved 0600), contacts, send (by name, from stdin, unknown names), listen --json, logout.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::SimProcess;
use common::profile::Profile;
use serde_json::Value;

fn sim() -> SimProcess {
    SimProcess::start(&[
        "--auto-confirm",
        "300",
        "--hold-ms",
        "1500",
        "--contacts",
        "6",
        "--groups",
        "1",
    ])
}

fn login(p: &Profile) -> String {
    let (code, _, stderr) = p.run("login", &["--no-listen"]);
    assert_eq!(code, Some(0), "{stderr}");
    stderr
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("saved").permissions().mode() & 0o777
}

#[test]
fn login_shows_a_readable_qr_and_saves_a_private_session() {
    let sim = sim();
    let p = Profile::new(&sim, "login");
    let stderr = login(&p);
    for want in [
        "scan this QR code",
        "scanned (avatar",
        "confirmed on the phone",
        "logged in as SimUser0",
        "session saved to",
    ] {
        assert!(stderr.contains(want), "missing {want:?}:\n{stderr}");
    }
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.contains("scan this QR code"))
        .expect("heading")
        + 1;
    let end = lines
        .iter()
        .position(|l| l.contains("scanned (avatar"))
        .expect("scanned");
    let text = common::decode_qr_art(&lines[start..end]).expect("readable QR");
    assert!(text.starts_with(&format!("{}/l/", sim.url)), "{text}");
    assert_eq!(mode(&p.file()), 0o600);
    // A second command resumes the saved session: no QR code (a one-shot command does not
    // announce the resume; the long-running `wx listen` does).
    let (code, stdout, stderr) = p.run("contacts", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stdout.is_empty(), "{stderr}");
    assert_eq!(stderr.trim_end(), "logged in as SimUser0", "{stderr}");
}

#[test]
fn contacts_lists_friends_and_groups() {
    let sim = sim();
    let p = Profile::new(&sim, "contacts");
    login(&p);
    let (code, stdout, stderr) = p.run("contacts", &["--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let all: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert!(
        all.iter().filter(|c| c["is_group"] == false).count() >= 6,
        "{stdout}"
    );
    assert_eq!(
        all.iter().filter(|c| c["is_group"] == true).count(),
        1,
        "{stdout}"
    );
    let (code, stdout, _) = p.run("contacts", &["--groups"]);
    assert_eq!(code, Some(0));
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.contains("@@") && stdout.contains("members"),
        "{stdout}"
    );
}

/// A friend's display name and id, from `wx contacts --json`.
fn a_friend(p: &Profile) -> (String, String) {
    let (_, stdout, _) = p.run("contacts", &["--json"]);
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|c| {
            c["is_group"] == false
                && c["official"] == false
                && c["user_name"].as_str().is_some_and(|u| u.starts_with('@'))
                && c["nick_name"] != "SimUser0"
        })
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_owned(),
                c["user_name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .expect("a friend")
}

#[test]
fn send_by_name_by_id_and_from_stdin() {
    let sim = sim();
    let p = Profile::new(&sim, "send");
    login(&p);
    let (nick, id) = a_friend(&p);
    let (code, stdout, stderr) = p.run("send", &["--to", &nick, "hello from the test"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains(&format!("sent to {nick} (MsgID")),
        "{stdout}"
    );
    let (code, _, stderr) = p.run("send", &["--to", &id, "by id"]);
    assert_eq!(code, Some(0), "{stderr}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wx"))
        .args(p.args("send", &["--to", &nick, "-"]))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"line one\n\nline two\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .matches("sent to")
            .count(),
        2
    );
    let sent = sim.control("GET", "/__sim/sent", "");
    for text in ["hello from the test", "by id", "line one", "line two"] {
        assert!(sent.contains(text), "{text} not in {sent}");
    }
    assert!(sent.contains(&id), "{sent}");
    let (code, _, stderr) = p.run("send", &["--to", "Nobody Of That Name", "x"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("no contact named") && stderr.lines().count() > 0,
        "{stderr}"
    );
}

#[test]
fn listen_json_prints_pushed_messages_and_stops_on_sigterm() {
    let sim = sim();
    let p = Profile::new(&sim, "listen");
    login(&p);
    let (child, rx) = p.spawn_lines("listen", &["--json"]);
    // Push until the listener, once resumed, has printed it.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut got = None;
    while got.is_none() && Instant::now() < deadline {
        sim.control(
            "POST",
            "/__sim/push",
            r#"{"body":{"kind":"text","text":"ping from the sim"}}"#,
        );
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(700)) {
            let v: Value = serde_json::from_str(&line).expect("stdout holds only JSON lines");
            if v["text"] == "ping from the sim" {
                got = Some(v);
                break;
            }
        }
    }
    let v = got.expect("the pushed message was printed");
    assert_eq!(v["kind"], "text");
    assert_eq!(v["is_group"], false);
    assert!(
        v["sender_name"]
            .as_str()
            .is_some_and(|s| !s.is_empty() && !s.starts_with('@')),
        "{v}"
    );
    common::terminate(&child);
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{:?}", out.status);
    assert!(String::from_utf8_lossy(&out.stderr).contains("stays saved"));
    assert!(p.file().exists());
}

#[test]
fn logout_ends_the_session_and_deletes_the_file() {
    let sim = sim();
    let p = Profile::new(&sim, "logout");
    login(&p);
    let (code, _, stderr) = p.run("logout", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("logged out: ") && stderr.contains("deleted"),
        "{stderr}"
    );
    assert!(!p.file().exists());
    let (code, _, stderr) = p.run("logout", &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.starts_with("wx: no saved session"), "{stderr}");
}

#[test]
fn login_keeps_listening_in_text_and_logs_out_on_exit_when_asked() {
    let sim = sim();
    let p = Profile::new(&sim, "login-listen");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wx"))
        .args(p.args("login", &["--logout-on-exit"]))
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut got = None;
    while got.is_none() && Instant::now() < deadline {
        if p.file().exists() {
            sim.control(
                "POST",
                "/__sim/push",
                r#"{"group":"0","body":{"kind":"text","text":"hi group"}}"#,
            );
        }
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(700)) {
            if line.contains("hi group") {
                got = Some(line);
                break;
            }
        }
    }
    let line = got.expect("the group message was printed");
    // `HH:MM:SS group / sender [text] hi group`
    assert!(
        line.contains(" / ") && line.contains("[text] hi group"),
        "{line}"
    );
    assert_eq!(line.as_bytes().get(2), Some(&b':'), "{line}");
    common::terminate(&child);
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status:?}");
    assert!(!p.file().exists(), "--logout-on-exit deletes the session");
}

#[test]
fn sim_flags_shape_the_world_and_the_message_rate() {
    let sim = SimProcess::start(&[
        "--auto-confirm",
        "200",
        "--hold-ms",
        "1000",
        "--contacts",
        "3",
        "--groups",
        "2",
        "--official",
        "0",
        "--rate-ms",
        "300",
    ]);
    let p = Profile::new(&sim, "simflags");
    login(&p);
    let (code, stdout, stderr) = p.run("contacts", &["--groups", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    // The steady rate pushes texts by itself: `listen` prints one without any push.
    let mut child = Command::new(env!("CARGO_BIN_EXE_wx"))
        .args(p.args("listen", &["--json"]))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(20));
    common::terminate(&child);
    let _ = child.wait();
    let line = line.expect("a message within 20 s");
    let v: Value = serde_json::from_str(&line).expect("json");
    assert_eq!(v["kind"], "text", "{line}");
}
