//! Issue 16 item 6: `wx -vv` (and `RUST_LOG=trace`) traces to stderr without a credential.
//! The real `wx` binary logs in to a `wx sim` process over loopback, lists contacts, sends
//! and listens at maximum verbosity; every credential of the saved session file (uin, sid,
//! skey, pass_ticket, the cookie values, in the forms they take in URLs) is then looked for in
//! everything it wrote to stderr.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::SimProcess;
use serde_json::Value;

/// Cookies whose values are credentials (protocol.md §2.6; the others hold a language or a
/// time).
const SECRET_COOKIES: [&str; 5] = [
    "wxuin",
    "wxsid",
    "webwx_data_ticket",
    "webwx_auth_ticket",
    "webwxuvid",
];

fn wx_cmd(args: &[&str], rust_log: Option<&str>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wx"));
    c.args(args)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(spec) = rust_log {
        c.env("RUST_LOG", spec);
    }
    c
}

fn run(args: &[&str], rust_log: Option<&str>) -> Output {
    let out = wx_cmd(args, rust_log).output().expect("run wx");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Percent-encoding of every byte outside `[A-Za-z0-9._~-]` (how values sit in a query).
fn encoded(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._~-".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn decoded(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every credential of the session file, in each form it may take on the wire.
fn credentials(file: &Path) -> Vec<String> {
    let v: Value = serde_json::from_slice(&std::fs::read(file).expect("session file")).unwrap();
    let mut raw: Vec<String> = ["sid", "skey", "pass_ticket"]
        .iter()
        .filter_map(|k| v[k].as_str().map(str::to_owned))
        .collect();
    raw.push(v["uin"].as_u64().expect("uin").to_string());
    for c in v["cookies"]["cookies"].as_array().expect("cookies") {
        if SECRET_COOKIES.contains(&c["name"].as_str().unwrap_or_default()) {
            raw.push(c["value"].as_str().expect("value").to_owned());
        }
    }
    let mut all = Vec::new();
    for r in raw {
        // skey is `@crypt_<hex>_<hex>`: its hex part is the secret whatever the `@` becomes.
        let core = r.trim_start_matches('@').to_owned();
        for form in [
            r.clone(),
            core,
            decoded(&r),
            encoded(&r),
            encoded(&decoded(&r)),
        ] {
            if form.len() >= 6 && !all.contains(&form) {
                all.push(form);
            }
        }
    }
    all
}

#[test]
fn maximum_verbosity_traces_the_session_without_printing_a_credential() {
    let sim = SimProcess::start(&[
        "--auto-confirm",
        "300",
        "--hold-ms",
        "1500",
        "--contacts",
        "4",
        "--groups",
        "1",
    ]);
    let dir: PathBuf = std::env::temp_dir().join(format!("wx-cli-tracing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let base = [
        "--base-url",
        sim.url.as_str(),
        "--state-dir",
        dir.to_str().unwrap(),
    ];
    let with = |cmd: &'static [&'static str]| -> Vec<&str> {
        let mut v = vec!["-vv"];
        v.extend_from_slice(cmd);
        v.extend_from_slice(&base);
        v
    };
    let mut traced = String::new();
    let login = run(&with(&["login", "--no-listen"]), None);
    traced.push_str(&String::from_utf8_lossy(&login.stderr));
    let contacts = run(&with(&["contacts", "--json"]), Some("trace"));
    traced.push_str(&String::from_utf8_lossy(&contacts.stderr));
    let friend = String::from_utf8_lossy(&contacts.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|c| {
            c["is_group"] == false
                && c["official"] == false
                && c["user_name"].as_str().is_some_and(|u| u.starts_with('@'))
                && c["nick_name"] != "SimUser0"
        })
        .and_then(|c| c["user_name"].as_str().map(str::to_owned))
        .expect("a friend");
    let mut send = with(&["send", "hello with tracing"]);
    send.extend(["--to", friend.as_str()]);
    traced.push_str(&String::from_utf8_lossy(&run(&send, None).stderr));

    // `wx -vv listen` until a pushed text is printed, then SIGTERM.
    let mut child = wx_cmd(&with(&["listen"]), None).spawn().expect("spawn");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let err_pump = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut printed = false;
    while !printed && Instant::now() < deadline {
        sim.control(
            "POST",
            "/__sim/push",
            r#"{"body":{"kind":"text","text":"traced ping"}}"#,
        );
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(700)) {
            if line.contains("traced ping") {
                printed = true;
                break;
            }
        }
    }
    common::terminate(&child);
    let _ = child.wait();
    traced.push_str(&err_pump.join().unwrap());
    assert!(printed, "the pushed text was not printed");

    let secrets = credentials(&dir.join("default.session.json"));
    let _ = std::fs::remove_dir_all(&dir);
    let lines = traced.lines().count();
    let events = traced
        .lines()
        .filter(|l| l.contains(" TRACE ") || l.contains(" DEBUG "))
        .count();
    eprintln!(
        "{lines} stderr lines, {events} trace/debug events, {} credential forms looked for",
        secrets.len()
    );
    // Not vacuous: the session was traced in detail, and the credentials are real.
    assert!(events > 100, "{traced}");
    for want in [
        "wx_proto::client",
        "kind=\"webwxsync\"",
        "kind=\"synccheck\"",
        "kind=\"webwxsendmsg\"",
    ] {
        assert!(traced.contains(want), "no {want:?} in the trace");
    }
    assert!(secrets.len() >= 8, "{}", secrets.len());
    for s in &secrets {
        assert!(
            !traced.contains(s.as_str()),
            "a credential ({} bytes, starting {:?}) is in the traced output",
            s.len(),
            &s[..3]
        );
    }
}

#[test]
fn an_invalid_rust_log_is_a_one_line_usage_error() {
    let out = wx_cmd(&["decode", "--list-kinds"], Some("wx=loud"))
        .output()
        .expect("run wx");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("wx: RUST_LOG: "), "{stderr}");
    // -v alone traces only this workspace's crates, at debug.
    let out = wx_cmd(&["-v", "decode", "--list-kinds"], None)
        .output()
        .expect("run wx");
    assert!(out.status.success());
}
