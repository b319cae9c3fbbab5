//! A session through wx-smol with every `log` record and every `tracing` event at TRACE
//! captured (its own, the codec's, rustls', async-io's): none holds the session's skey,
//! sid or pass_ticket. (wx-blocking cannot pass this: ureq logs each URL at debug.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use wx_proto::client::{Client, Command, Event};
use wx_smol::{Driver, HttpClient, HttpOptions};
use wx_testkit::adapter::media::SharedVec;
use wx_testkit::adapter::{self as common, Env};

/// Every line logged, through either crate.
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

#[test]
fn a_logged_session_holds_no_credential() {
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

    // Over TLS, so that rustls' records are in too.
    let login = wx_sim::LoginPolicy::Auto {
        scan_after: Duration::from_millis(10),
        confirm_after: Duration::from_millis(10),
        account: 0,
    };
    let env = Env::new(
        true,
        wx_sim::Config {
            login,
            ..wx_sim::Config::default()
        },
    );
    let http = HttpClient::new(HttpOptions {
        extra_root_pem: env.cert.iter().cloned().collect(),
        ..HttpOptions::default()
    })
    .unwrap();
    let config = common::client_config(&env.base);
    let mut client = Client::new(config, [3; 32], Instant::now(), SystemTime::now());
    let mut driver = Driver::new(http);
    let friend = env.sim(|sim, _| {
        let friend = sim.world().accounts[0]
            .friends()
            .next()
            .map(|f| f.user_name.clone());
        friend.expect("a friend")
    });
    let snapshot = smol::block_on(async {
        while !matches!(
            driver.next_event(&mut client).await,
            Some(Event::Ready { .. })
        ) {}
        let send = Command::SendText {
            to: friend,
            text: "hello".into(),
        };
        let op = client.submit(send, Instant::now()).unwrap();
        loop {
            match driver.next_event(&mut client).await {
                Some(Event::OpDone { op: o, result }) if o == op => {
                    result.unwrap();
                    break;
                }
                Some(_) => {}
                None => panic!("the session ended"),
            }
        }
        let snapshot = client.snapshot(Instant::now()).unwrap();
        driver.shutdown(&mut client).await;
        snapshot
    });
    let mut lines = LINES.lock().unwrap().clone();
    lines.push(String::from_utf8_lossy(&traced.bytes()).into_owned());
    assert!(lines.len() > 20, "logging was on: {} records", lines.len());
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
