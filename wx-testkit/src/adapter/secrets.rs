//! A logged session: every `log` record and every `tracing` event at TRACE captured (the
//! adapter's own, its HTTP and TLS stacks', `wx-driver`'s), the session must leave no run
//! of its skey, sid or pass_ticket in any of them. One run per test process: it installs
//! the global logger and subscriber.

use std::sync::Mutex;
use std::time::Duration;

use wx_proto::client::Snapshot;

use super::Env;
use super::media::SharedVec;

/// Every `log` record, as a line.
static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        let line = format!("{} {} {}", record.level(), record.target(), record.args());
        LINES.lock().unwrap().push(line);
    }
    fn flush(&self) {}
}

/// Runs `session` (log in over TLS against `env`, send a text to the friend named, end;
/// give the session's snapshot) with everything logged, then checks what was logged.
pub fn logged_session_holds_no_credential(session: impl FnOnce(&Env, String) -> Snapshot) {
    log::set_logger(&Capture).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let traced = SharedVec::default();
    let writer = traced.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    // Over TLS, so that the TLS stack's records are in too.
    let login = wx_sim::LoginPolicy::Auto {
        scan_after: Duration::from_millis(10),
        confirm_after: Duration::from_millis(10),
        account: 0,
    };
    let config = wx_sim::Config {
        login,
        ..wx_sim::Config::default()
    };
    let env = Env::new(true, config);
    let friend = env.sim(|sim, _| {
        let friend = sim.world().accounts[0].friends().next();
        friend.map(|f| f.user_name.clone()).expect("a friend")
    });
    let snapshot = session(&env, friend);

    let mut lines = LINES.lock().unwrap().clone();
    lines.push(String::from_utf8_lossy(&traced.bytes()).into_owned());
    let records = lines.iter().map(|l| l.lines().count()).sum::<usize>();
    assert!(records > 20, "logging was on: {records} lines");
    let secrets = [
        snapshot.skey.expose(),
        snapshot.sid.expose(),
        snapshot.pass_ticket.expose(),
    ];
    // A credential may be logged in any encoding: look for each run of 10 or more letters
    // and digits in it, which no encoding changes.
    let mut needles = Vec::new();
    for secret in secrets {
        let runs = secret.split(|c: char| !c.is_ascii_alphanumeric());
        needles.extend(runs.filter(|r| r.len() >= 10).map(str::to_owned));
    }
    assert!(
        needles.len() >= 3,
        "every credential has a long run: {}",
        needles.len()
    );
    for needle in &needles {
        let leaks = lines.iter().filter(|l| l.contains(needle.as_str())).count();
        assert_eq!(leaks, 0, "a credential appears in {leaks} log records");
    }
}
