//! Helpers shared by the binary tests: run `wx`, decode a drawn QR code.
#![allow(dead_code)]

pub mod profile;
pub mod proxy;

use std::process::{Command, Output};

/// Runs the `wx` binary with `args` (and no colours); killed after 60 s so a hang fails
/// the test instead of stalling it.
pub fn wx(args: &[&str]) -> Output {
    use std::process::Stdio;
    let child = Command::new(env!("CARGO_BIN_EXE_wx"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wx");
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if rx.recv_timeout(std::time::Duration::from_secs(60)).is_err() {
            let _ = Command::new("kill")
                .args(["-KILL", &id.to_string()])
                .status();
        }
    });
    let out = child.wait_with_output().expect("wait for wx");
    let _ = tx.send(());
    let _ = watchdog.join();
    out
}

/// Runs `wx` like [`wx`], killed after `limit` (a hang fails the test): the output and
/// how long it took.
pub fn wx_within(args: &[&str], limit: std::time::Duration) -> (Output, std::time::Duration) {
    use std::process::Stdio;
    let start = std::time::Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wx"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wx");
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().expect("wait for wx");
            panic!(
                "wx {args:?} still ran after {limit:?}; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("wait for wx");
    (out, start.elapsed())
}

/// Decodes a QR code drawn with half blocks for a dark terminal (inverted colours: a full
/// block is two light modules) and returns its text.
pub fn decode_qr_art(lines: &[&str]) -> Option<String> {
    let scale = 4usize;
    let width = lines.iter().map(|l| l.chars().count()).max()?;
    let height = lines.len() * 2;
    let mut light = vec![true; width * height];
    for (row, line) in lines.iter().enumerate() {
        for (col, ch) in line.chars().enumerate() {
            let (top_light, bottom_light) = match ch {
                '█' => (true, true),
                '▀' => (true, false),
                '▄' => (false, true),
                _ => (false, false),
            };
            light[2 * row * width + col] = top_light;
            light[(2 * row + 1) * width + col] = bottom_light;
        }
    }
    let img = rqrr::PreparedImage::prepare_from_greyscale(width * scale, height * scale, |x, y| {
        if light[(y / scale) * width + x / scale] {
            255
        } else {
            0
        }
    });
    let mut img = img;
    let grids = img.detect_grids();
    let (_, text) = grids.first()?.decode().ok()?;
    Some(text)
}

/// A `wx sim` process on loopback, killed when dropped.
pub struct SimProcess {
    child: std::process::Child,
    /// Its base URL.
    pub url: String,
    /// The certificate it printed (with `--https`).
    pub cert: Option<String>,
}

impl SimProcess {
    /// Starts `wx sim` with `args` and waits for its `listening on` line.
    pub fn start(args: &[&str]) -> SimProcess {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_wx"))
            .arg("sim")
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn wx sim");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        let mut cert = None;
        let url = loop {
            let line = lines.next().expect("wx sim printed nothing").expect("line");
            if let Some(path) = line.strip_prefix("wx-sim certificate ") {
                cert = Some(path.trim().to_owned());
            }
            if let Some(url) = line.strip_prefix("wx-sim listening on ") {
                break url.trim().to_owned();
            }
        };
        SimProcess { child, url, cert }
    }

    /// A raw HTTP/1.0 request to the control API; returns the response body.
    pub fn control(&self, method: &str, path: &str, body: &str) -> String {
        use std::io::{Read, Write};
        let addr = self.url.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(addr).expect("connect");
        write!(
            s,
            "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .expect("write");
        let mut out = String::new();
        s.read_to_string(&mut out).expect("read");
        out.split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default()
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends SIGTERM to a child (how a user's Ctrl-C or a service manager stops it).
pub fn terminate(child: &std::process::Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
}
