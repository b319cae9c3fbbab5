//! The `wx-sim` binary: flags, the announced base URL, auto-confirm.
#![cfg(feature = "server")]
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(addr: &str, pq: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {pq} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn binary_serves_with_its_flags_and_auto_confirms() {
    let mut child = Kill(
        Command::new(env!("CARGO_BIN_EXE_wx-sim"))
            .args([
                "--port",
                "0",
                "--contacts",
                "1000",
                "--page",
                "300",
                "--auto-confirm",
                "10",
                "--rate-ms",
                "50",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("wx-sim listening on http://")
        .unwrap()
        .to_string();
    let js = get(&base, "/jslogin?appid=wx782c26e4c19acffb&fun=new");
    assert!(js.contains("window.QRLogin.code = 200;"), "{js}");
    let world = get(&base, "/__sim/world");
    assert!(world.contains("\"contacts\":"), "{world}");
    assert!(
        world.contains("\"contacts\":1006"),
        "filehelper + 1000 friends + 2 official + 3 groups: {world}"
    );
    let t = Instant::now();
    loop {
        let state = get(&base, "/__sim/state");
        if state.contains("\"state\":\"confirmed\"") {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "auto-confirm: {state}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn bad_flags_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_wx-sim"))
        .arg("--nope")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: wx-sim"));
}
