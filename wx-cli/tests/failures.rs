//! Issue 17 item 2: the failure paths of the real binary. Each ends at once (a time bound)
//! with its exit status and exactly one line on stderr: no saved session, a bad
//! `--base-url`, an empty text, a closed port, TLS against plain HTTP, a server answering
//! 404; `wx listen` retries in English; a closed stdout ends the command quietly.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::profile::Profile;
use common::{SimProcess, wx_within};

/// Well under the 30 s the issue allows against a closed port.
const LIMIT: Duration = Duration::from_secs(20);

fn state_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wx-cli-fail-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A port on 127.0.0.1 that was bound and released: nothing listens there.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A loopback server that answers every request with 404 (one thread, for the test).
fn not_found_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found",
                );
            });
        }
    });
    url
}

/// Runs `wx args`, checks the exit status, one stderr line and the time bound; returns
/// the line.
fn fails(args: &[&str], code: i32) -> String {
    let (out, took) = wx_within(args, LIMIT);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    assert!(took < LIMIT, "{args:?} took {took:?}");
    assert!(
        !stderr.contains("Transport(") && !stderr.contains("panicked"),
        "{stderr}"
    );
    stderr.trim_end().to_owned()
}

fn sim(extra: &[&str]) -> SimProcess {
    let mut args = vec!["--auto-confirm", "300", "--hold-ms", "1500"];
    args.extend_from_slice(extra);
    SimProcess::start(&args)
}

/// A profile logged in against `sim`.
fn logged_in(sim: &SimProcess, name: &str) -> Profile {
    let p = Profile::new(sim, name);
    let (code, _, stderr) = p.run("login", &["--no-listen"]);
    assert_eq!(code, Some(0), "{stderr}");
    p
}

#[test]
fn every_session_command_without_a_saved_session_fails_at_once() {
    let dir = state_dir("nosession");
    let dir = dir.to_str().expect("utf8");
    // A closed port: even a command that tried the network would not reach anything.
    let url = format!("http://127.0.0.1:{}", closed_port());
    let commands: [&[&str]; 10] = [
        &["contacts"],
        &["send", "--to", "Alice", "hi"],
        &["listen"],
        &["logout"],
        &["download", "4452930394930393"],
        &["avatar", "Alice", "--out", "/tmp/never.jpg"],
        &["group", "members", "Weekend"],
        &["group", "rename", "Weekend", "Long weekend"],
        &["friend", "accept"],
        &["friend", "add", "@1a2b", "hello"],
    ];
    for cmd in commands {
        let mut args = cmd.to_vec();
        args.extend(["--base-url", &url, "--state-dir", dir]);
        let start = Instant::now();
        let line = fails(&args, 1);
        assert_eq!(line, "wx: no saved session (run wx login)", "{cmd:?}");
        assert!(start.elapsed() < Duration::from_secs(5), "{cmd:?}");
    }
    let mut args = vec!["contacts", "--profile", "work", "--state-dir", dir];
    args.extend(["--base-url", &url]);
    assert_eq!(
        fails(&args, 1),
        "wx: no saved session for profile work (run wx login --profile work)"
    );
    assert!(
        !std::path::Path::new(dir)
            .join("default.session.json")
            .exists()
    );
}

#[test]
fn a_bad_base_url_is_a_usage_error_before_any_network() {
    let dir = state_dir("baseurl");
    let dir = dir.to_str().expect("utf8");
    for (url, why) in [
        ("not-a-url", "needs http:// or https://"),
        ("ftp://127.0.0.1/x", "scheme must be http or https, not ftp"),
        ("http://", "not a URL"),
        ("https://:8080", "needs a host"),
    ] {
        for cmd in ["login", "contacts", "listen"] {
            let line = fails(&[cmd, "--base-url", url, "--state-dir", dir], 2);
            assert!(line.starts_with("wx: --base-url "), "{line}");
            assert!(line.contains(why), "{url}: {line}");
        }
    }
}

#[test]
fn an_empty_text_is_a_usage_error_before_any_login() {
    let dir = state_dir("empty");
    let dir = dir.to_str().expect("utf8");
    let url = format!("http://127.0.0.1:{}", closed_port());
    for text in ["", "   "] {
        let line = fails(
            &[
                "send",
                "--to",
                "Alice",
                text,
                "--base-url",
                &url,
                "--state-dir",
                dir,
            ],
            2,
        );
        assert!(line.starts_with("wx: nothing to send"), "{line}");
    }
}

#[test]
fn one_shot_commands_give_up_on_a_closed_port_naming_it() {
    let sim = sim(&[]);
    let p = logged_in(&sim, "closed");
    let url = format!("http://127.0.0.1:{}", closed_port());
    let dir = p.dir.to_str().expect("utf8");
    let want = format!("wx: cannot reach {url}: connection refused");
    for cmd in [
        &["contacts"][..],
        &["send", "--to", "filehelper", "hello"][..],
        &["group", "members", "Weekend"][..],
        &["logout"][..],
    ] {
        let mut args = cmd.to_vec();
        args.extend(["--base-url", &url, "--state-dir", dir]);
        assert_eq!(fails(&args, 1), want, "{cmd:?}");
    }
    // The session is still saved: the server, not the session, was the trouble.
    assert!(p.file().exists());
    // A login against the closed port gives up too.
    let fresh = state_dir("closed-login");
    let fresh = fresh.to_str().expect("utf8");
    let line = fails(
        &[
            "login",
            "--no-listen",
            "--base-url",
            &url,
            "--state-dir",
            fresh,
        ],
        1,
    );
    assert_eq!(line, want);
}

#[test]
fn tls_against_a_plain_http_server_is_one_line() {
    let sim = sim(&[]);
    let p = logged_in(&sim, "tls");
    let https = sim.url.replacen("http://", "https://", 1);
    let dir = p.dir.to_str().expect("utf8");
    let line = fails(&["contacts", "--base-url", &https, "--state-dir", dir], 1);
    assert!(
        line.starts_with(&format!(
            "wx: cannot reach {https}: the TLS handshake failed"
        )),
        "{line}"
    );
}

#[test]
fn a_server_answering_404_is_one_line() {
    let url = not_found_server();
    let dir = state_dir("404");
    let dir_s = dir.to_str().expect("utf8");
    let line = fails(
        &[
            "login",
            "--no-listen",
            "--base-url",
            &url,
            "--state-dir",
            dir_s,
        ],
        1,
    );
    assert_eq!(
        line,
        format!("wx: cannot use {url}: it answered HTTP 404 to jslogin")
    );
    // A saved session whose server now answers 404.
    let sim = sim(&[]);
    let p = logged_in(&sim, "404-saved");
    let dir = p.dir.to_str().expect("utf8");
    let line = fails(&["contacts", "--base-url", &url, "--state-dir", dir], 1);
    assert_eq!(
        line,
        format!("wx: cannot use {url}: it answered HTTP 404 to webwxinit")
    );
}

#[test]
fn listen_keeps_retrying_and_says_so_in_english() {
    let sim = sim(&[]);
    let p = logged_in(&sim, "retry");
    let url = format!("http://127.0.0.1:{}", closed_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_wx"))
        .args(["listen", "--base-url", &url, "--state-dir"])
        .arg(&p.dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let want = format!("cannot reach {url}: connection refused; retrying in ");
    let mut retries = 0;
    let mut seen = Vec::new();
    let deadline = Instant::now() + LIMIT;
    while retries < 2 && Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            assert!(
                !line.contains("Transport(") && !line.contains("JsLogin"),
                "{line}"
            );
            retries += usize::from(line.starts_with(&want));
            seen.push(line);
        }
    }
    assert!(
        child.try_wait().expect("wait").is_none(),
        "listen gave up: {seen:?}"
    );
    common::terminate(&child);
    let status = child.wait().expect("wait");
    assert_eq!(retries, 2, "{seen:?}");
    assert_eq!(status.code(), Some(0), "{seen:?}");
}

#[test]
fn listen_into_a_reader_that_stops_after_one_line_exits_0_quietly() {
    let sim = sim(&["--rate-ms", "300"]);
    let p = logged_in(&sim, "head");
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wx"))
        .args(p.args("listen", &["--json"]))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // `| head -1`: one line read, then the reading end closed.
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("a line");
    assert!(first.starts_with('{'), "{first}");
    drop(stdout);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("wx listen went on after its reader left");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    let _ = child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr);
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{stderr}"
    );
    assert!(p.file().exists(), "the session stays saved");
}

#[test]
fn decode_into_a_closed_pipe_exits_0_quietly() {
    let body = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/webwxinit")
        .read_dir()
        .expect("own webwxinit samples")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.is_file())
        .expect("a sample");
    for _ in 0..5 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wx"))
            .arg("decode")
            .arg(&body)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // The reader has gone before wx writes anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(stderr.is_empty(), "{stderr}");
    }
}
