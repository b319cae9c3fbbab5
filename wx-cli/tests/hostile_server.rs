//! Issue 16: the real `wx` process against a hostile server over loopback (a `wx sim`
//! process behind the rewriting proxy of `common::proxy`).
//!
//! - Terminal injection: every nickname, remark and group member name, and pushed texts and
//!   link titles, carry raw ESC/OSC/CSI/CR/BS/NUL, C1 controls, bidi overrides and `&#27;`
//!   entities; the bytes `wx login`, `wx contacts`, `wx send` and `wx listen` write hold no
//!   control byte but `\n` and `\t`, no C1 control, no bidi override. A link whose URL carries
//!   credentials is shown with them redacted.
//! - Cookie flood: 90 new 4 KB cookies on every synccheck reply, for many rounds; the
//!   `Cookie` header the server receives and the saved session file stay bounded, and the
//!   session goes on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use common::proxy::{Proxy, Rules};
use common::{SimProcess, wx};
use wx_proto::client::CookieJar;

/// The payload, as it appears inside a JSON string on the wire: raw controls (JSON-escaped,
/// so the client's decoder makes them real), C1 controls, bidi overrides and isolates, a
/// line separator, and HTML entities the display decoder turns into controls.
const EVIL: &str = concat!(
    r"\u001b]0;pwned\u0007",
    r"\u001b[2J\u001b[H",
    r"\rX\b\u0000\u007f",
    r"\u009b31m\u0085",
    r"\u202eexe.txt\u2066\u2028",
    "&#27;[1;31m&#x1b;]2;t&#7;&#155;&#8238;&#13;",
    r"\t!"
);

const SECRETS: [&str; 6] = [
    "SECRETPT",
    "SECRETSK",
    "SECRETSID",
    "4242424242",
    "SECRETDT",
    "SECRETTK",
];

/// Every reason a decoded character must not reach a terminal.
fn unsafe_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| unsafe_char(c)) {
        let from = text[..i].char_indices().rev().nth(40).map_or(0, |(j, _)| j);
        panic!("{what}: {c:?} at byte {i}, after {:?}", &text[from..i]);
    }
}

/// The peak resident set of a process (`VmHWM`), 0 when unknown.
fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_owned();
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

fn proxied(sim: &SimProcess, rules: Rules) -> Proxy {
    Proxy::start(&sim.url, rules)
}

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("wx-cli-hostile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        Dir(d)
    }

    fn session(&self) -> PathBuf {
        self.0.join("default.session.json")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn args<'a>(cmd: &'a str, url: &'a str, dir: &'a Dir, rest: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        cmd,
        "--base-url",
        url,
        "--state-dir",
        dir.0.to_str().unwrap(),
    ];
    v.extend_from_slice(rest);
    v
}

/// A `wx` child with its stdout bytes and stderr lines pumped into channels.
struct Running {
    child: Child,
    out: Receiver<Vec<u8>>,
    err: Receiver<String>,
    stdout: Vec<u8>,
    stderr: Vec<String>,
}

impl Running {
    fn spawn(argv: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wx"))
            .args(argv)
            .env("NO_COLOR", "1")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn wx");
        let (otx, out) = std::sync::mpsc::channel();
        let mut so = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = so.read(&mut buf) {
                if n == 0 || otx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let (etx, err) = std::sync::mpsc::channel();
        let se = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(se).lines().map_while(Result::ok) {
                if etx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            out,
            err,
            stdout: Vec::new(),
            stderr: Vec::new(),
        }
    }

    fn drain(&mut self) {
        while let Ok(b) = self.out.try_recv() {
            self.stdout.extend(b);
        }
        while let Ok(l) = self.err.try_recv() {
            self.stderr.push(l);
        }
    }

    /// Waits up to `guard` until `f` holds on the output so far.
    fn wait_until(&mut self, guard: Duration, mut f: impl FnMut(&Running) -> bool) -> bool {
        let end = Instant::now() + guard;
        while Instant::now() < end {
            self.drain();
            if f(self) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// SIGTERM, then the rest of the output.
    fn stop(mut self) -> (Vec<u8>, Vec<String>) {
        common::terminate(&self.child);
        let end = Instant::now() + Duration::from_secs(10);
        while Instant::now() < end && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::thread::sleep(Duration::from_millis(200));
        self.drain();
        (
            std::mem::take(&mut self.stdout),
            std::mem::take(&mut self.stderr),
        )
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn control_characters_in_names_and_texts_never_reach_the_terminal() {
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
    let rules = Rules {
        rewrite: ["NickName", "RemarkName", "DisplayName"]
            .iter()
            .flat_map(|f| [format!("\"{f}\":\""), format!("\"{f}\": \"")])
            .map(|from| (from.clone(), format!("{from}{EVIL}")))
            .chain([("EVILMARK".to_owned(), EVIL.to_owned())])
            .collect(),
        ..Rules::default()
    };
    let proxy = proxied(&sim, rules);
    let dir = Dir::new("inject");
    let url = proxy.url.clone();

    // `wx login`: the "logged in as" line (stderr) names the evil nickname.
    let out = wx(&args("login", &url, &dir, &["--no-listen"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_terminal_safe("wx login stderr", &out.stderr);
    assert_terminal_safe("wx login stdout", &out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(r"logged in as \x1b]0;pwned\x07\x1b[2J"),
        "{stderr}"
    );

    // `wx contacts`: every name is evil, none reaches the terminal raw.
    let out = wx(&args("contacts", &url, &dir, &[]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_terminal_safe("wx contacts stdout", &out.stdout);
    assert_terminal_safe("wx contacts stderr", &out.stderr);
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(listing.lines().count() >= 5, "{listing}");
    assert!(
        listing
            .lines()
            .all(|l| l.starts_with(r"\x1b]0;pwned") || l.starts_with("文件")),
        "{listing}"
    );
    // The entities were decoded, then escaped: `&#27;` shows as `\x1b`, `&#155;` as `\u{9b}`.
    assert!(
        listing.contains(r"\x1b[1;31m\x1b]2;t\x07\u{9b}\u{202e}\x0d"),
        "{listing}"
    );

    // `wx send`'s confirmation names the receiver.
    let json = wx(&args("contacts", &url, &dir, &["--json"]));
    let friend = String::from_utf8_lossy(&json.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|c| {
            c["is_group"] == false
                && c["official"] == false
                && c["user_name"].as_str().is_some_and(|u| u.starts_with('@'))
        })
        .and_then(|c| c["user_name"].as_str().map(str::to_owned))
        .expect("a friend");
    let out = wx(&args("send", &url, &dir, &["--to", &friend, "hello"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_terminal_safe("wx send stdout", &out.stdout);
    assert_terminal_safe("wx send stderr", &out.stderr);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(r"sent to \x1b]0;pwned"));

    // `wx listen`: texts from a friend and a group, and a link with credentials in its URL.
    let mut listen = Running::spawn(&args("listen", &url, &dir, &[]));
    let link = format!(
        "https://example.org/a?pass_ticket={}&skey={}&sid={}&uin={}&webwx_data_ticket={}&ticket={}&x=1",
        SECRETS[0], SECRETS[1], SECRETS[2], SECRETS[3], SECRETS[4], SECRETS[5]
    );
    let pushes = [
        r#"{"body":{"kind":"text","text":"friend says EVILMARK end1"}}"#.to_owned(),
        r#"{"group":"0","body":{"kind":"text","text":"group says EVILMARK end2"}}"#.to_owned(),
        format!(r#"{{"body":{{"kind":"link","title":"EVILMARK end3","url":"{link}"}}}}"#),
    ];
    let got = listen.wait_until(Duration::from_secs(30), |r| {
        let text = r.stdout_text();
        if r.stderr.iter().any(|l| l.starts_with("listening")) && !text.contains("end1") {
            // Push (again) until the resumed listener prints them.
            for p in &pushes {
                sim.control("POST", "/__sim/push", p);
            }
            std::thread::sleep(Duration::from_millis(600));
        }
        ["end1", "end2", "end3"].iter().all(|m| text.contains(m))
    });
    let (stdout, stderr) = listen.stop();
    let text = String::from_utf8_lossy(&stdout);
    assert!(got, "not all printed:\n{text}\n{stderr:?}");
    assert_terminal_safe("wx listen stdout", &stdout);
    assert_terminal_safe("wx listen stderr", stderr.join("\n").as_bytes());
    assert!(text.contains(r"friend says \x1b]0;pwned\x07"), "{text}");
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} shown:\n{text}");
    }
    assert!(
        text.contains(
            "pass_ticket=***&skey=***&sid=***&uin=***&webwx_data_ticket=***&ticket=***&x=1"
        ),
        "{text}"
    );
}

#[test]
fn a_cookie_flood_on_every_synccheck_keeps_the_cookie_header_and_session_file_bounded() {
    const ROUNDS: usize = 100;
    const PER_ROUND: usize = 90;
    const COOKIE: usize = 4000;
    let sim = SimProcess::start(&[
        "--auto-confirm",
        "300",
        "--hold-ms",
        "1000",
        "--contacts",
        "3",
        "--groups",
        "0",
        "--rate-ms",
        "150",
    ]);
    let proxy = proxied(
        &sim,
        Rules {
            cookies_per_synccheck: PER_ROUND,
            cookie_bytes: COOKIE,
            ..Rules::default()
        },
    );
    let dir = Dir::new("cookies");
    let url = proxy.url.clone();
    let out = wx(&args("login", &url, &dir, &["--no-listen"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let start = proxy.seen().synccheck;
    let mut listen = Running::spawn(&args("listen", &url, &dir, &[]));
    let mut max_file = 0u64;
    let t0 = Instant::now();
    let flooded = listen.wait_until(Duration::from_secs(90), |_| {
        max_file = max_file.max(std::fs::metadata(dir.session()).map_or(0, |m| m.len()));
        proxy.seen().synccheck >= start + ROUNDS
    });
    let secs = t0.elapsed().as_secs_f64();
    // Messages still arrive after the flood: the session's own cookies were kept.
    let lines_before = listen.stdout_text().lines().count();
    let alive = listen.wait_until(Duration::from_secs(20), |r| {
        r.stdout_text().lines().count() > lines_before + 2
    });
    let peak_rss_kib = peak_rss_kib(listen.child.id());
    let (stdout, stderr) = listen.stop();
    max_file = max_file.max(std::fs::metadata(dir.session()).map_or(0, |m| m.len()));
    let seen = proxy.seen();
    let cap = CookieJar::MAX_BYTES + 2 * CookieJar::MAX_COOKIES;
    let unbounded = (seen.synccheck - start) * PER_ROUND * (COOKIE + 2);
    eprintln!(
        "cookie flood: {} synccheck rounds x {PER_ROUND} cookies of {COOKIE} B in {secs:.1} s; \
         largest Cookie header {} B after the flood (cap {cap} B; unbounded it would be {unbounded} B); \
         largest session file {max_file} B; wx peak RSS {peak_rss_kib} KiB; {} lines printed",
        seen.synccheck - start,
        seen.max_cookie_after_flood,
        String::from_utf8_lossy(&stdout).lines().count()
    );
    assert!(
        flooded,
        "only {} synccheck rounds: {stderr:?}",
        seen.synccheck - start
    );
    assert!(
        seen.max_cookie_after_flood > 0,
        "the flood never came back as cookies"
    );
    assert!(
        seen.max_cookie_header <= cap,
        "{} > {cap}",
        seen.max_cookie_header
    );
    assert!(
        max_file <= 2 * CookieJar::MAX_BYTES as u64,
        "session file {max_file} B"
    );
    assert!(alive, "no message after the flood: {stderr:?}");
    assert!(peak_rss_kib < 100 * 1024, "peak RSS {peak_rss_kib} KiB");
    let reports: Vec<&String> = stderr.iter().filter(|l| l.contains("cookies")).collect();
    assert_eq!(reports.len(), 1, "{stderr:?}");
    assert!(reports[0].contains("dropping the oldest"), "{reports:?}");
}
