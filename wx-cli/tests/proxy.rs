//! Issue 16 item 5: the real `wx` binary through a real CONNECT proxy on loopback that
//! wants Basic credentials (wx-testkit's `AuthProxy`), against a `wx sim` process: the
//! credentials of `--proxy` (or of `HTTP_PROXY`/`HTTPS_PROXY`) are sent on every CONNECT,
//! `NO_PROXY` and `--no-proxy` bypass the proxy, missing or wrong credentials end the
//! command quickly with one line naming the proxy, a bad proxy URL is a usage error, and the
//! credentials never appear in the binary's output, even at `-vv`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::SimProcess;
use wx_testkit::proxy::AuthProxy;

const USER: &str = "proxyuser-7f3a";
const PASSWORD: &str = "pw-9c1e-s3cret";
/// base64("proxyuser-7f3a:pw-9c1e-s3cret").
const TOKEN: &str = "cHJveHl1c2VyLTdmM2E6cHctOWMxZS1zM2NyZXQ=";

const PROXY_VARS: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Run {
    /// Everything the binary wrote.
    fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    fn assert_no_credentials(&self) {
        for secret in [USER, PASSWORD, TOKEN, "wrong-pw-0d2b"] {
            assert!(
                !self.output().contains(secret),
                "{secret} in the output:\n{}",
                self.output()
            );
        }
    }
}

/// A state directory, removed when dropped.
struct State(PathBuf);

impl State {
    fn new(name: &str) -> State {
        let dir = std::env::temp_dir().join(format!("wx-proxy-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        State(dir)
    }
}

impl Drop for State {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `wx -vv COMMAND --base-url SIM --state-dir DIR ARGS` with only the proxy variables
/// in `env` set; killed after 30 s.
fn wx(sim: &SimProcess, state: &State, command: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wx"));
    c.args(["-vv", command, "--base-url", &sim.url, "--state-dir"])
        .arg(&state.0)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in PROXY_VARS {
        c.env_remove(var);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    run(c)
}

fn run(mut c: Command) -> Run {
    let began = Instant::now();
    let child = c.spawn().expect("run wx");
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if rx.recv_timeout(Duration::from_secs(30)).is_err() {
            let _ = Command::new("kill")
                .args(["-KILL", &id.to_string()])
                .status();
        }
    });
    let out = child.wait_with_output().expect("wait for wx");
    let _ = tx.send(());
    let _ = watchdog.join();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: began.elapsed(),
    }
}

fn sim(args: &[&str]) -> SimProcess {
    let mut all = vec![
        "--auto-confirm",
        "200",
        "--hold-ms",
        "1000",
        "--contacts",
        "3",
    ];
    all.extend_from_slice(args);
    SimProcess::start(&all)
}

fn sim_address(sim: &SimProcess) -> String {
    sim.url
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .to_owned()
}

/// Every CONNECT carried the credentials and went to the simulator.
fn assert_used(proxy: &AuthProxy, sim: &SimProcess) {
    let seen = proxy.seen();
    assert!(seen.tunnels >= 1, "{seen:?}");
    assert_eq!((seen.refused, seen.not_connect), (0, 0), "{seen:?}");
    let want = format!("Basic {TOKEN}");
    assert!(
        seen.authorizations
            .iter()
            .all(|a| a.as_deref() == Some(want.as_str())),
        "{seen:?}"
    );
    assert!(
        seen.targets.iter().all(|t| *t == sim_address(sim)),
        "{seen:?}"
    );
}

#[test]
fn login_and_contacts_go_through_the_proxy_of_the_flag() {
    let sim = sim(&[]);
    let proxy = AuthProxy::start(USER, PASSWORD);
    let url = proxy.url(USER, PASSWORD);
    let state = State::new("flag");
    let login = wx(
        &sim,
        &state,
        "login",
        &["--no-listen", "--proxy", &url],
        &[],
    );
    assert_eq!(login.code, Some(0), "{}", login.stderr);
    login.assert_no_credentials();
    let tunnels = proxy.seen().tunnels;
    // A session command's flag (not global: demo, decode and sim have no proxy).
    let mut c = Command::new(env!("CARGO_BIN_EXE_wx"));
    c.args([
        "-vv",
        "contacts",
        "--proxy",
        &url,
        "--base-url",
        &sim.url,
        "--state-dir",
    ])
    .arg(&state.0)
    .env("NO_COLOR", "1")
    .env_remove("RUST_LOG")
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    for var in PROXY_VARS {
        c.env_remove(var);
    }
    let contacts = run(c);
    assert_eq!(contacts.code, Some(0), "{}", contacts.stderr);
    assert!(contacts.stdout.lines().count() >= 3, "{}", contacts.stdout);
    contacts.assert_no_credentials();
    assert!(proxy.seen().tunnels > tunnels);
    assert_used(&proxy, &sim);
}

#[test]
fn http_proxy_is_used_and_no_proxy_or_the_opt_out_bypasses_it() {
    let sim = sim(&[]);
    let proxy = AuthProxy::start(USER, PASSWORD);
    let url = proxy.url(USER, PASSWORD);
    let login = ["--no-listen"];

    let state = State::new("env");
    // HTTPS_PROXY (a dead port) is not for an http:// server; HTTP_PROXY is.
    let env = [
        ("HTTP_PROXY", url.as_str()),
        ("HTTPS_PROXY", "http://127.0.0.1:1"),
    ];
    let r = wx(&sim, &state, "login", &login, &env);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.assert_no_credentials();
    assert_used(&proxy, &sim);

    let before = proxy.seen();
    let state = State::new("no-proxy");
    let env = [
        ("http_proxy", url.as_str()),
        ("NO_PROXY", "localhost, 127.0.0.1"),
    ];
    let r = wx(&sim, &state, "login", &login, &env);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.assert_no_credentials();

    let state = State::new("opt-out");
    let env = [("ALL_PROXY", url.as_str())];
    let r = wx(&sim, &state, "login", &["--no-listen", "--no-proxy"], &env);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.assert_no_credentials();
    assert_eq!(proxy.seen(), before, "the bypassed runs reached the proxy");
}

#[test]
fn https_proxy_tunnels_to_an_https_server() {
    let sim = sim(&["--https"]);
    let cert = sim.cert.clone().expect("the certificate");
    let proxy = AuthProxy::start(USER, PASSWORD);
    let url = proxy.url(USER, PASSWORD);
    let state = State::new("https");
    let env = [
        ("HTTPS_PROXY", url.as_str()),
        ("HTTP_PROXY", "http://127.0.0.1:1"),
    ];
    let r = wx(
        &sim,
        &state,
        "login",
        &["--no-listen", "--ca-cert", &cert],
        &env,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.assert_no_credentials();
    assert_used(&proxy, &sim);
}

#[test]
fn missing_or_wrong_credentials_fail_fast_with_one_line_naming_the_proxy() {
    let sim = sim(&[]);
    let proxy = AuthProxy::start(USER, PASSWORD);
    let want = format!("wx: proxy authentication failed at {}", proxy.addr);
    for url in [
        proxy.url(USER, "wrong-pw-0d2b"),
        format!("http://{}", proxy.addr),
    ] {
        let state = State::new("wrong");
        let r = wx(
            &sim,
            &state,
            "login",
            &["--no-listen", "--proxy", &url],
            &[],
        );
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        assert_eq!(r.stderr.lines().last(), Some(want.as_str()), "{}", r.stderr);
        assert!(r.took < Duration::from_secs(10), "took {:?}", r.took);
        r.assert_no_credentials();
    }
    let seen = proxy.seen();
    assert_eq!(seen.tunnels, 0, "{seen:?}");
    assert!(seen.refused >= 2, "{seen:?}");
}

/// Arguments, environment, the expected last line of stderr (empty: clap's conflict).
type Case = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
    &'static str,
);

#[test]
fn the_proxy_flags_belong_to_the_session_commands_only() {
    for args in [
        &["--proxy", "http://127.0.0.1:1", "contacts"][..],
        &["decode", "--no-proxy", "x.json"][..],
        &["demo", "--proxy", "http://127.0.0.1:1"][..],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_wx"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run wx");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("unexpected argument"), "{stderr}");
    }
}

#[test]
fn a_bad_proxy_url_is_a_one_line_usage_error() {
    let sim = sim(&[]);
    let state = State::new("bad");
    let cases: [Case; 4] = [
        (
            &[
                "--proxy",
                "https://proxyuser-7f3a:pw-9c1e-s3cret@127.0.0.1:1",
            ],
            &[],
            "wx: --proxy: the proxy URL's scheme must be http, not https",
        ),
        (
            &["--proxy", "http://proxyuser-7f3a:pw-9c1e-s3cret@"],
            &[],
            "wx: --proxy: the proxy URL needs a host and an optional numeric port: http://host:port",
        ),
        (
            &[],
            &[(
                "HTTP_PROXY",
                "socks5://proxyuser-7f3a:pw-9c1e-s3cret@127.0.0.1:1",
            )],
            "wx: HTTP_PROXY: the proxy URL's scheme must be http, not socks5 (--no-proxy ignores the environment)",
        ),
        (&["--proxy", "http://127.0.0.1:1", "--no-proxy"], &[], ""),
    ];
    for (args, env, want) in cases {
        let mut all = vec!["--no-listen"];
        all.extend_from_slice(args);
        let r = wx(&sim, &state, "login", &all, env);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
        if want.is_empty() {
            assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
        } else {
            assert_eq!(
                r.stderr.lines().last(),
                Some(want),
                "{args:?}: {}",
                r.stderr
            );
            assert_eq!(r.stderr.matches("wx: ").count(), 1, "{}", r.stderr);
        }
        r.assert_no_credentials();
    }
}
