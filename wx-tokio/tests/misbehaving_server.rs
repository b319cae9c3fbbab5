//! Misbehaving servers end to end (issue 12): a real `wx-sim` process on loopback, its sticky
//! patterns turned on once the session is ready, and a wx-tokio session with the production
//! pacing. For each pattern the requests the client sent are counted by the server
//! (`/__sim/stats`) over a measured wall window and must stay at or under 2 per second; the
//! pattern is reported by exactly one `Problem`; once the pattern is cleared a pushed text is
//! delivered, once. A poisoned element beside a valid one costs only itself.
//!
//! Every run has its own simulator process; the runs go concurrently (the first test to
//! start launches all of them, each test waits for its own), so the file takes about one
//! window plus one delivery, not their sum.
//!
//! The simulator is the `wx-sim` binary: `WX_SIM_BIN` if set, else the one in this test's
//! target directory (built first if missing or stale).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wx_testkit::adapter as common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use wx_proto::client::{Client, Config, Endpoint, Event, Problem, ProblemKind, Stall};
use wx_tokio::{Driver, HttpClient, HttpOptions};

/// How long each pattern is measured.
const WINDOW: Duration = Duration::from_secs(25);
/// The bound on requests per second under a pattern.
const MAX_RPS: f64 = 2.0;
/// Fewer requests than this in a window: the client is dead, not well paced.
const MIN_REQUESTS: u64 = 3;
/// A text pushed once a pattern is cleared arrives within this (the idle pace caps at 30 s).
const DELIVERY: Duration = Duration::from_secs(35);
/// How long to watch for a second delivery of the same message.
const LINGER: Duration = Duration::from_secs(3);
/// Bound of every other wait (login, a control request, the simulator's start).
const GUARD: Duration = Duration::from_secs(30);
/// How long a test waits for its run (all runs go at once).
const RUN_GUARD: Duration = Duration::from_secs(240);

// ---------------------------------------------------------------------------------------
// The simulator process.

/// The `wx-sim` binary: `WX_SIM_BIN`, else target/<profile>/wx-sim, built first when it is
/// missing or older than a wx-sim source (a workspace build or test has it fresh; building
/// it here, with other features unified than the outer build's, takes a while).
fn sim_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os("WX_SIM_BIN") {
            return p.into();
        }
        // This test is target/<profile>/deps/<name>; the binary is in target/<profile>.
        let exe = std::env::current_exe().expect("test executable");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>")
            .to_path_buf();
        let bin = profile_dir.join(format!("wx-sim{}", std::env::consts::EXE_SUFFIX));
        let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("../wx-sim");
        let built = std::fs::metadata(&bin).and_then(|m| m.modified()).ok();
        if built.is_some_and(|b| newest(&sources).is_none_or(|s| s <= b)) {
            return bin;
        }
        let target_dir = profile_dir.parent().expect("target dir").to_path_buf();
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => "dev".to_owned(),
            Some(p) => p.to_owned(),
        };
        let mut child = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "wx-sim", "--bin", "wx-sim"])
            .args(["--profile", &profile])
            .arg("--target-dir")
            .arg(&target_dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .spawn()
            .expect("run cargo build");
        let end = Instant::now() + Duration::from_secs(600);
        let status = loop {
            if let Some(s) = child.try_wait().expect("cargo build") {
                break s;
            }
            if Instant::now() > end {
                let _ = child.kill();
                let _ = child.wait();
                panic!("building wx-sim took more than 600 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        assert!(status.success(), "cargo build -p wx-sim failed");
        bin
    })
}

/// The newest modification time of the files under `dir` (its `src` and manifest).
fn newest(dir: &Path) -> Option<SystemTime> {
    let mut stack = vec![dir.join("src"), dir.join("Cargo.toml")];
    let mut newest = None;
    while let Some(p) = stack.pop() {
        let Ok(meta) = std::fs::metadata(&p) else {
            continue;
        };
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&p) {
                stack.extend(entries.filter_map(Result::ok).map(|e| e.path()));
            }
        } else if let Ok(m) = meta.modified() {
            newest = newest.max(Some(m));
        }
    }
    newest
}

/// A `wx-sim` process on 127.0.0.1, killed when dropped (also when a test fails).
struct SimProc {
    child: Child,
    /// `127.0.0.1:PORT`.
    addr: String,
    /// `http://127.0.0.1:PORT`.
    base: String,
}

impl SimProc {
    /// Starts the binary (auto-confirming logins, 5 s long-poll hold) with `extra` flags.
    fn start(extra: &[&str]) -> SimProc {
        let mut child = Command::new(sim_binary())
            .args(["--port", "0", "--auto-confirm", "50", "--hold-ms", "5000"])
            .args(["--contacts", "5", "--groups", "1"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn wx-sim");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            // Keep reading so the process never blocks on a full pipe.
            for _ in lines {}
        });
        let mut sim = SimProc {
            child,
            addr: String::new(),
            base: String::new(),
        };
        let line = rx.recv_timeout(GUARD).expect("wx-sim announced no address");
        let base = line
            .trim()
            .strip_prefix("wx-sim listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        sim.addr = base.trim_start_matches("http://").to_owned();
        sim.base = base;
        sim
    }

    /// A control request; answers (status, body). Panics on a non-2xx answer.
    fn control(&self, method: &str, path: &str, body: &str) -> String {
        let mut s = TcpStream::connect(&self.addr).expect("connect to wx-sim");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.0\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).expect("control answer");
        let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
        let status = head.split(' ').nth(1).unwrap_or("");
        assert!(
            status.starts_with('2'),
            "{method} {path} {body:?} answered {head}: {body}"
        );
        body.to_owned()
    }

    fn post(&self, path: &str, body: &str) -> String {
        self.control("POST", path, body)
    }

    /// Requests the server has received so far (control requests left out): in total and
    /// per endpoint.
    fn stats(&self) -> Stats {
        let body = self.control("GET", "/__sim/stats?accounts=0", "");
        let total = number_after(&body, "\"total\":").expect("total in stats");
        let mut per = HashMap::new();
        if let Some(start) = body.find("\"requests\":{") {
            let rest = &body[start + "\"requests\":{".len()..];
            let obj = &rest[..rest.find('}').unwrap_or(rest.len())];
            for pair in obj.split(',').filter(|p| !p.is_empty()) {
                if let Some((k, v)) = pair.split_once(':') {
                    per.insert(k.trim_matches('"').to_owned(), v.parse().unwrap_or(0));
                }
            }
        }
        Stats { total, per }
    }

    /// Pushes a text from friend 0; answers its MsgId.
    fn push_text(&self, text: &str) -> String {
        let body = self.post(
            "/__sim/push",
            &format!(r#"{{"body":{{"kind":"text","text":"{text}"}}}}"#),
        );
        string_after(&body, "\"MsgId\":").expect("MsgId")
    }
}

impl Drop for SimProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug, Clone)]
struct Stats {
    total: u64,
    per: HashMap<String, u64>,
}

impl Stats {
    fn of(&self, endpoint: &str) -> u64 {
        self.per.get(endpoint).copied().unwrap_or(0)
    }
}

fn number_after(s: &str, key: &str) -> Option<u64> {
    let rest = &s[s.find(key)? + key.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn string_after(s: &str, key: &str) -> Option<String> {
    let rest = s[s.find(key)? + key.len()..].trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

// ---------------------------------------------------------------------------------------
// The client.

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// The production settings (pacing, back-off, re-init) against the simulator.
fn config(sim: &SimProc) -> Config {
    Config::for_base_url(&sim.base)
}

/// A wx-tokio session and every event it raised (with when); its task is aborted when
/// dropped.
struct Live {
    events: Receiver<Event>,
    seen: Vec<(Instant, Event)>,
    task: tokio::task::JoinHandle<()>,
}

impl Live {
    fn start(config: Config, seed: u8) -> Live {
        let http = HttpClient::new(HttpOptions::default()).unwrap();
        let mut client = Client::new(config, [seed; 32], Instant::now(), SystemTime::now());
        let mut driver = Driver::new(http);
        let (tx, rx) = std::sync::mpsc::channel();
        let task = runtime().spawn(async move {
            while let Some(event) = driver.next_event(&mut client).await {
                if tx.send(event).is_err() {
                    break;
                }
            }
        });
        Live {
            events: rx,
            seen: Vec::new(),
            task,
        }
    }

    /// Waits up to `guard` for an event matching `f` (every event is kept).
    fn wait_for(&mut self, guard: Duration, mut f: impl FnMut(&Event) -> bool) -> Option<Event> {
        let end = Instant::now() + guard;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(e) => {
                    self.seen.push((Instant::now(), e.clone()));
                    if f(&e) {
                        return Some(e);
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Keeps every event until `end`.
    fn collect_until(&mut self, end: Instant) {
        let _ = self.wait_for(end.saturating_duration_since(Instant::now()), |_| false);
    }

    fn ready(&mut self) {
        let t = Instant::now();
        let ready = self.wait_for(GUARD, |e| matches!(e, Event::Ready { .. }));
        eprintln!("ready in {:.1} s", t.elapsed().as_secs_f64());
        assert!(
            ready.is_some(),
            "not ready within {GUARD:?}: {:?}",
            self.kinds(0)
        );
    }

    /// The events since index `from`.
    fn since(&self, from: usize) -> impl Iterator<Item = &Event> {
        self.seen[from..].iter().map(|(_, e)| e)
    }

    /// The problems since index `from`.
    fn problems(&self, from: usize) -> Vec<Problem> {
        self.since(from)
            .filter_map(|e| match e {
                Event::Problem(p) => Some(p.clone()),
                _ => None,
            })
            .collect()
    }

    /// Short names of the events since `from`, for failure messages.
    fn kinds(&self, from: usize) -> Vec<String> {
        self.since(from)
            .map(|e| match e {
                Event::Problem(p) => format!("Problem({:?} on {:?})", p.kind, p.request),
                Event::Message { message, .. } => format!("Message({})", message.msg_id),
                Event::LoggedOut(r) => format!("LoggedOut({r:?})"),
                other => format!("{other:?}").chars().take(40).collect(),
            })
            .collect()
    }

    fn logged_out(&self) -> bool {
        self.since(0).any(|e| matches!(e, Event::LoggedOut(_)))
    }

    fn all_events(&self) -> Vec<Event> {
        self.since(0).cloned().collect()
    }

    /// Pushes a text and waits for it; answers how long it took. Then watches `LINGER`
    /// more for a second copy, and checks that no message at all came twice.
    fn delivered_once(&mut self, sim: &SimProc, text: &str, bound: Duration) -> Duration {
        let id = sim.push_text(text);
        let pushed = Instant::now();
        let mark = self.seen.len();
        let got = self.wait_for(
            bound,
            |e| matches!(e, Event::Message { message, .. } if message.msg_id == id),
        );
        let took = pushed.elapsed();
        assert!(
            got.is_some(),
            "{text:?} ({id}) not delivered within {bound:?}; events: {:?}",
            self.kinds(mark)
        );
        self.collect_until(Instant::now() + LINGER);
        let (lost, dup) = common::lost_and_duplicated(&self.all_events(), &[id]);
        assert_eq!((lost, dup), (0, 0), "lost, duplicated messages");
        took
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.task.abort();
    }
}

// ---------------------------------------------------------------------------------------
// The runs.

/// What a run measured.
#[derive(Debug, Clone)]
struct Measured {
    requests: u64,
    secs: f64,
    problems: usize,
    delivery: Duration,
}

impl Measured {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.secs
    }
}

/// Requests over a wall window, from the server's counters: asserts the client is alive
/// and at or under `MAX_RPS`.
fn rate(name: &str, before: &Stats, after: &Stats, t0: Instant, t1: Instant) -> (u64, f64) {
    let requests = after.total - before.total;
    let secs = t1.duration_since(t0).as_secs_f64();
    let per: Vec<String> = after
        .per
        .iter()
        .filter(|(k, v)| **v > before.of(k))
        .map(|(k, v)| format!("{k} {}", v - before.of(k)))
        .collect();
    let rps = requests as f64 / secs;
    eprintln!("{name}: {requests} requests in {secs:.1} s = {rps:.2}/s ({per:?})");
    assert!(
        requests >= MIN_REQUESTS,
        "{name}: only {requests} requests in {secs:.1} s: is the client still running?"
    );
    assert!(
        rps <= MAX_RPS,
        "{name}: {rps:.2} requests/s > {MAX_RPS} ({requests} in {secs:.1} s: {per:?})"
    );
    (requests, secs)
}

/// Logs in, turns `patterns` on (the first replacing, the others beside it), measures the
/// window, expects exactly one `Stalled(want)` and no other problem, clears, and checks
/// that a pushed text is delivered once.
fn stall_run(name: &str, patterns: &[&str], want: Stall, seed: u8) -> Measured {
    let sim = SimProc::start(&[]);
    let mut s = Live::start(config(&sim), seed);
    s.ready();
    let before = sim.stats();
    let t0 = Instant::now();
    let mark = s.seen.len();
    for (i, p) in patterns.iter().enumerate() {
        let path = if i == 0 {
            "/__sim/pattern"
        } else {
            "/__sim/pattern?add=1"
        };
        sim.post(path, p);
    }
    s.collect_until(t0 + WINDOW);
    let after = sim.stats();
    let (requests, secs) = rate(name, &before, &after, t0, Instant::now());
    let problems = s.problems(mark);
    assert!(
        !s.logged_out(),
        "{name}: the session ended: {:?}",
        s.kinds(0)
    );
    let stalls = problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Stalled(want))
        .count();
    assert_eq!(
        (stalls, problems.len()),
        (1, 1),
        "{name}: want exactly one Stalled({want:?}), got {problems:?}"
    );
    sim.post("/__sim/clear", "");
    let delivery = s.delivered_once(&sim, &format!("after {name}"), DELIVERY);
    eprintln!("{name}: one Problem {problems:?}; text delivered {delivery:?} after clearing");
    Measured {
        requests,
        secs,
        problems: problems.len(),
        delivery,
    }
}

fn stuck_keys_2() -> Measured {
    stall_run(
        "stuck_keys selector 2",
        &[r#"{"kind":"stuck_keys","selector":2}"#],
        Stall::EmptySync,
        1,
    )
}

fn stuck_keys_7() -> Measured {
    stall_run(
        "stuck_keys selector 7",
        &[r#"{"kind":"stuck_keys","selector":7}"#],
        Stall::EmptySync,
        2,
    )
}

fn no_hold() -> Measured {
    stall_run("no_hold", &[r#"{"kind":"no_hold"}"#], Stall::PollNotHeld, 3)
}

/// `continue_forever` only acts on webwxsync, which a healthy synccheck (held, selector 0)
/// never leads to; with synccheck announcing news every time (stuck keys beside it, the
/// continue flag winning on webwxsync) the loop sits in ContinueFlag rounds.
fn continue_forever() -> Measured {
    stall_run(
        "continue_forever (synccheck announcing news)",
        &[
            r#"{"kind":"continue_forever"}"#,
            r#"{"kind":"stuck_keys","selector":2}"#,
        ],
        Stall::ContinueWithoutProgress,
        4,
    )
}

/// Every synccheck answers HTTP 500: the failure is reported once for the streak, the
/// retries back off (2 s doubling), webwxinit runs again at most once. The window lasts 20 s
/// and at least until the fourth failed synccheck (at least 11 s after the first), so the
/// pattern is cleared before the fifth (16 s ± 20 % after the fourth, at least 24 s after
/// the first): that one meets the cleared server well within the delivery bound.
fn storm_500() -> Measured {
    let name = "500 storm on synccheck";
    let sim = SimProc::start(&[]);
    let mut s = Live::start(config(&sim), 6);
    s.ready();
    let before = sim.stats();
    let t0 = Instant::now();
    let mark = s.seen.len();
    sim.post(
        "/__sim/pattern",
        r#"{"kind":"fault","endpoints":["synccheck"],"fault":{"kind":"status","code":500}}"#,
    );
    let end = t0 + WINDOW + Duration::from_secs(5);
    let after = loop {
        s.collect_until(Instant::now() + Duration::from_millis(250));
        let now = sim.stats();
        let failed = now.of("synccheck") - before.of("synccheck");
        if (failed >= 4 && t0.elapsed() >= Duration::from_secs(20)) || Instant::now() > end {
            break now;
        }
    };
    let (requests, secs) = rate(name, &before, &after, t0, Instant::now());
    let problems = s.problems(mark);
    assert!(!s.logged_out(), "{name}: the session ended");
    let failures = problems
        .iter()
        .filter(|p| p.kind == ProblemKind::HttpStatus(500) && p.request == Endpoint::SyncCheck)
        .count();
    let reinits = problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Reinitialising)
        .count();
    assert!(
        failures == 1 && reinits <= 1 && problems.len() == failures + reinits,
        "{name}: want one HttpStatus(500) (plus Reinitialising at most once), got {problems:?}"
    );
    sim.post("/__sim/clear", "");
    let delivery = s.delivered_once(&sim, "after the storm", DELIVERY);
    eprintln!("{name}: problems {problems:?}; text delivered {delivery:?} after clearing");
    Measured {
        requests,
        secs,
        problems: problems.len(),
        delivery,
    }
}

/// webwxinit answers 1205 from the start: the client waits `throttle_delay` between
/// attempts, the session does not end, and it logs in once the throttle is cleared.
fn throttled_init() -> Measured {
    let name = "1205 on webwxinit";
    let delay = Duration::from_secs(4);
    let sim = SimProc::start(&[
        "--pattern",
        r#"{"kind":"fault","endpoints":["webwxinit"],"fault":{"kind":"ret","ret":1205}}"#,
    ]);
    let mut cfg = config(&sim);
    cfg.throttle_delay = delay;
    let mut s = Live::start(cfg, 7);
    let started = Instant::now();
    let first = s.wait_for(
        GUARD,
        |e| matches!(e, Event::Problem(p) if p.kind == ProblemKind::Throttled),
    );
    assert!(first.is_some(), "{name}: no Throttled: {:?}", s.kinds(0));
    eprintln!(
        "{name}: first 1205 after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let before = sim.stats();
    let t0 = Instant::now();
    let mark = s.seen.len();
    s.collect_until(t0 + WINDOW);
    let after = sim.stats();
    let (requests, secs) = rate(name, &before, &after, t0, Instant::now());
    assert!(
        !s.logged_out(),
        "{name}: the session ended: {:?}",
        s.kinds(0)
    );
    let early = s
        .since(0)
        .any(|e| matches!(e, Event::LoggedIn { .. } | Event::Ready { .. }));
    assert!(!early, "{name}: logged in through a 1205");
    let problems = s.problems(mark);
    let inits = after.of("webwxinit") - before.of("webwxinit");
    let throttled = s
        .problems(0)
        .iter()
        .filter(|p| {
            p.kind == ProblemKind::Throttled
                && p.request == Endpoint::Init
                && p.retry_in == Some(delay)
        })
        .count();
    eprintln!(
        "{name}: {inits} webwxinit attempts in the window, {throttled} Throttled problem in all \
         (one per streak of 1205s, each answer waiting {delay:?})"
    );
    assert!(inits >= 3, "{name}: the client kept asking: {inits}");
    assert!(
        problems.is_empty() && throttled == 1,
        "{name}: want one Throttled for the whole streak, got {throttled}, then {problems:?}"
    );
    // No faster than the throttle delay allows (one attempt per `delay`, plus one).
    let most = (secs / delay.as_secs_f64()).floor() as u64 + 1;
    assert!(inits <= most, "{name}: {inits} webwxinit in {secs:.1} s");
    sim.post("/__sim/clear", "");
    let cleared = Instant::now();
    let ready = s.wait_for(delay + GUARD, |e| matches!(e, Event::Ready { .. }));
    assert!(
        ready.is_some(),
        "{name}: not ready after clearing: {:?}",
        s.kinds(mark)
    );
    eprintln!("{name}: ready {:?} after clearing", cleared.elapsed());
    let delivery = s.delivered_once(&sim, "after the throttle", DELIVERY);
    Measured {
        requests,
        secs,
        problems: problems.len(),
        delivery,
    }
}

/// A poisoned message pair (`poison` in the first's Content): the valid one is delivered,
/// one `MalformedMessage` for the bad one, the keys advance (a following text arrives),
/// nothing twice.
fn poison_pair(s: &mut Live, sim: &SimProc, poison: &str) {
    let mark = s.seen.len();
    let pair = sim.post(
        "/__sim/poison",
        &format!(r#"{{"target":"message_pair","poison":"{poison}"}}"#),
    );
    let valid = string_after(&pair, "\"valid\":").expect("valid MsgId");
    let got = s.wait_for(
        Duration::from_secs(20),
        |e| matches!(e, Event::Message { message, .. } if message.msg_id == valid),
    );
    assert!(
        got.is_some(),
        "{poison}: the valid message {valid} beside the poisoned one was not delivered; \
         events: {:?}",
        s.kinds(mark)
    );
    let bad = s
        .problems(mark)
        .iter()
        .filter(|p| matches!(p.kind, ProblemKind::MalformedMessage(..)))
        .count();
    assert_eq!(
        bad,
        1,
        "{poison}: want one MalformedMessage; events: {:?}",
        s.kinds(mark)
    );
    s.delivered_once(sim, &format!("after {poison}"), DELIVERY);
}

fn poison() -> Measured {
    let sim = SimProc::start(&[]);
    let mut s = Live::start(config(&sim), 8);
    s.ready();
    let t0 = Instant::now();
    let before = sim.stats();
    poison_pair(&mut s, &sim, "control_byte");
    poison_pair(&mut s, &sim, "invalid_utf8");
    let after = sim.stats();
    let (lost, dup) = common::lost_and_duplicated(&s.all_events(), &[]);
    assert_eq!((lost, dup), (0, 0));
    Measured {
        requests: after.total - before.total,
        secs: t0.elapsed().as_secs_f64(),
        problems: s.problems(0).len(),
        delivery: Duration::ZERO,
    }
}

// ---------------------------------------------------------------------------------------
// All runs at once; each test waits for its own.

type Outcome = Result<Measured, String>;

struct Board {
    done: Mutex<HashMap<&'static str, Outcome>>,
    changed: Condvar,
}

/// A run: its name and what it does.
type Run = (&'static str, fn() -> Measured);

const RUNS: &[Run] = &[
    ("stuck_keys_2", stuck_keys_2),
    ("stuck_keys_7", stuck_keys_7),
    ("no_hold", no_hold),
    ("continue_forever", continue_forever),
    ("storm_500", storm_500),
    ("throttled_init", throttled_init),
    ("poison", poison),
];

fn board() -> &'static Arc<Board> {
    static BOARD: OnceLock<Arc<Board>> = OnceLock::new();
    BOARD.get_or_init(|| {
        let board = Arc::new(Board {
            done: Mutex::new(HashMap::new()),
            changed: Condvar::new(),
        });
        let t = Instant::now();
        eprintln!(
            "wx-sim binary {} ({:.1} s)",
            sim_binary().display(),
            t.elapsed().as_secs_f64()
        );
        for &(name, run) in RUNS {
            let board = board.clone();
            std::thread::spawn(move || {
                let outcome = std::panic::catch_unwind(run).map_err(|e| {
                    e.downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_else(|| "panicked".into())
                });
                board
                    .done
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(name, outcome);
                board.changed.notify_all();
            });
        }
        board
    })
}

/// Runs every pattern (once, concurrently) and returns the outcome of `name`.
fn outcome(name: &str) -> Measured {
    let started = Instant::now();
    let got = wait_outcome(name, started);
    match got {
        Ok(m) => {
            eprintln!(
                "{name}: {:.2} requests/s ({} in {:.1} s), {} problem(s), delivered in \
                 {:.1} s; run finished {:.1} s after this test started",
                m.rps(),
                m.requests,
                m.secs,
                m.problems,
                m.delivery.as_secs_f64(),
                started.elapsed().as_secs_f64()
            );
            m
        }
        Err(e) => panic!("{name}: {e}"),
    }
}

/// The outcome of `name` once its run has finished (the lock is not held on return, so a
/// failing test does not poison it for the others).
fn wait_outcome(name: &str, started: Instant) -> Outcome {
    let board = board();
    let mut done = board
        .done
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    loop {
        if let Some(outcome) = done.get(name) {
            return outcome.clone();
        }
        let left = RUN_GUARD.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Err(format!("no outcome within {RUN_GUARD:?}"));
        }
        done = board
            .changed
            .wait_timeout(done, left)
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .0;
    }
}

#[test]
fn stuck_keys_selector_2_stays_under_2_requests_per_second_with_one_empty_sync_problem() {
    outcome("stuck_keys_2");
}

#[test]
fn stuck_keys_selector_7_stays_under_2_requests_per_second_with_one_empty_sync_problem() {
    outcome("stuck_keys_7");
}

#[test]
fn an_unheld_poll_stays_under_2_requests_per_second_with_one_poll_not_held_problem() {
    outcome("no_hold");
}

#[test]
fn continue_forever_stays_under_2_requests_per_second_with_one_continue_problem() {
    outcome("continue_forever");
}

#[test]
fn a_500_storm_on_synccheck_backs_off_under_2_requests_per_second_reported_once() {
    outcome("storm_500");
}

#[test]
fn a_1205_on_webwxinit_waits_the_throttle_delay_and_logs_in_once_cleared() {
    outcome("throttled_init");
}

#[test]
fn a_poisoned_message_costs_only_itself_the_valid_one_beside_it_is_delivered() {
    outcome("poison");
}
