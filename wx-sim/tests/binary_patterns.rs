//! The `wx-sim` binary's `--pattern` flag: sticky patterns from the start, for every account or
//! one, visible and clearable through the control API.
#![cfg(feature = "server")]
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn call(addr: &str, method: &str, pq: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {pq} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn pattern_flags_install_sticky_patterns_at_start() {
    let mut child = Kill(
        Command::new(env!("CARGO_BIN_EXE_wx-sim"))
            .args([
                "--port",
                "0",
                "--accounts",
                "4",
                "--pattern",
                r#"{"kind":"fault","endpoints":["jslogin"],"fault":{"kind":"status","code":503}}"#,
                "--pattern",
                r#"3:{"kind":"stuck_keys","selector":7}"#,
            ])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("wx-sim listening on http://")
        .unwrap()
        .to_string();
    for _ in 0..3 {
        let js = call(&addr, "GET", "/jslogin?appid=wx782c26e4c19acffb&fun=new");
        assert!(js.starts_with("HTTP/1.1 503"), "{js}");
    }
    let view = call(&addr, "GET", "/__sim/patterns");
    assert!(view.contains(r#""all":[{"kind":"fault","endpoints":["jslogin"],"fault":{"kind":"status","code":503}}]"#), "{view}");
    assert!(
        view.contains(r#""accounts":{"3":[{"kind":"stuck_keys","selector":7}]}"#),
        "{view}"
    );
    let stats = call(&addr, "GET", "/__sim/stats");
    assert!(
        stats.contains(r#""requests":{"jslogin":3},"total":3"#),
        "{stats}"
    );
    assert!(call(&addr, "POST", "/__sim/clear").starts_with("HTTP/1.1 200"));
    let js = call(&addr, "GET", "/jslogin?appid=wx782c26e4c19acffb&fun=new");
    assert!(js.contains("window.QRLogin.code = 200;"), "{js}");
}

#[test]
fn a_bad_pattern_flag_exits_2() {
    for arg in ["{\"kind\":\"nope\"}", "x:{}", "--port"] {
        let out = Command::new(env!("CARGO_BIN_EXE_wx-sim"))
            .args(["--pattern", arg])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{arg}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("wx-sim: --pattern"),
            "{arg}"
        );
    }
}
