//! Sessions that survive a process restart, over real loopback sockets: the snapshot is
//! saved with wx-store, the client and driver are dropped (the process dies), messages
//! arrive meanwhile, and a restored client resumes with no scan and nothing lost or
//! repeated; an expired session goes to push login, a refused one to a QR code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod adapter;
use wx_testkit::adapter as common;

use std::time::{Duration, Instant, SystemTime};

use wx_proto::client::{Client, Event, LoginPath, Phase};
use wx_sim::{Body, Push};
use wx_smol::{Driver, HttpClient, HttpOptions};

fn env() -> common::Env {
    common::Env::auto_confirming()
}

/// Drives until `done` holds over the events so far (or 30 s pass: a hang).
fn run_until(
    _env: &common::Env,
    driver: &mut Driver,
    client: &mut Client,
    events: &mut Vec<Event>,
    mut done: impl FnMut(&[Event]) -> bool,
) {
    smol::block_on(async {
        let end = Instant::now() + Duration::from_secs(30);
        while !done(events) {
            assert!(Instant::now() < end, "hung; events: {events:?}");
            let next = adapter::timeout(Duration::from_secs(30), driver.next_event(client));
            match next.await {
                Ok(Some(e)) => events.push(e),
                Ok(None) => panic!("the session ended: {events:?}"),
                Err(_) => panic!("hung; events: {events:?}"),
            }
        }
    });
}

fn push(env: &common::Env, text: &str) -> String {
    let body = Body::Text { text: text.into() };
    env.sim(|sim, now| sim.push(&Push::default(), &body, now))
        .unwrap()
}

fn paths(events: &[Event]) -> Vec<LoginPath> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::LoginPath(p) => Some(*p),
            _ => None,
        })
        .collect()
}

fn has_all(events: &[Event], ids: &[String]) -> bool {
    common::lost_and_duplicated(events, ids).0 == 0
}

fn store_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wx-smol-restore-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    wx_smol::store::profile_path(&dir, "main").unwrap()
}

fn logged_in(env: &common::Env) -> (Driver, Client, Vec<Event>) {
    let http = HttpClient::new(HttpOptions::default()).unwrap();
    let mut client = Client::new(
        common::client_config(&env.base),
        [4; 32],
        Instant::now(),
        SystemTime::now(),
    );
    let mut driver = Driver::new(http);
    let mut events = Vec::new();
    run_until(env, &mut driver, &mut client, &mut events, |e| {
        e.iter().any(|e| matches!(e, Event::Ready { .. }))
    });
    (driver, client, events)
}

fn restore(env: &common::Env, path: &std::path::Path) -> (Driver, Client) {
    let snapshot = wx_smol::store::load(path).unwrap();
    let client = Client::restore(
        common::client_config(&env.base),
        snapshot,
        [5; 32],
        Instant::now(),
        SystemTime::now(),
    )
    .unwrap();
    (
        Driver::new(HttpClient::new(HttpOptions::default()).unwrap()),
        client,
    )
}

#[test]
fn a_saved_session_resumes_after_a_restart_with_nothing_lost_or_repeated() {
    let env = env();
    let path = store_path("hot");
    let (mut driver, mut client, mut first) = logged_in(&env);
    let before: Vec<String> = (0..3).map(|i| push(&env, &format!("before {i}"))).collect();
    run_until(&env, &mut driver, &mut client, &mut first, |e| {
        has_all(e, &before)
    });
    wx_smol::store::save(&path, &client.snapshot(Instant::now()).unwrap()).unwrap();
    drop(driver); // the process dies: no logout
    drop(client);
    let during: Vec<String> = (0..2).map(|i| push(&env, &format!("during {i}"))).collect();

    let (mut driver, mut client) = restore(&env, &path);
    let mut second = Vec::new();
    run_until(&env, &mut driver, &mut client, &mut second, |e| {
        e.iter().any(|e| matches!(e, Event::LoggedIn { .. }))
    });
    let after = push(&env, "after");
    let wanted: Vec<String> = during.iter().cloned().chain([after]).collect();
    run_until(&env, &mut driver, &mut client, &mut second, |e| {
        has_all(e, &wanted)
    });
    assert_eq!(paths(&second), [LoginPath::Hot]);
    assert!(
        !second.iter().any(|e| matches!(e, Event::QrCode { .. })),
        "no scan"
    );
    let all: Vec<Event> = first.iter().chain(second.iter()).cloned().collect();
    let pushed: Vec<String> = before.iter().chain(wanted.iter()).cloned().collect();
    assert_eq!(
        common::lost_and_duplicated(&all, &pushed),
        (0, 0),
        "across the restart"
    );
    smol::block_on(driver.shutdown(&mut client));
    assert_eq!(client.phase(), Phase::LoggedOut);
}

#[test]
fn an_expired_session_goes_to_push_login_and_a_refused_one_to_a_qr_code() {
    let env = env();
    let path = store_path("push");
    let (driver, client, _) = logged_in(&env);
    wx_smol::store::save(&path, &client.snapshot(Instant::now()).unwrap()).unwrap();
    drop((driver, client));
    env.sim(|sim, _| sim.expire_sessions(0));
    let (mut driver, mut client) = restore(&env, &path);
    let mut events = Vec::new();
    run_until(&env, &mut driver, &mut client, &mut events, |e| {
        e.iter().any(|e| matches!(e, Event::Ready { .. }))
    });
    assert_eq!(paths(&events), [LoginPath::Hot, LoginPath::Push]);
    assert!(!events.iter().any(|e| matches!(e, Event::QrCode { .. })));
    let id = push(&env, "after push login");
    run_until(&env, &mut driver, &mut client, &mut events, |e| {
        has_all(e, std::slice::from_ref(&id))
    });

    // A snapshot naming an account the server does not know: push login is refused.
    let mut snap = client.snapshot(Instant::now()).unwrap();
    snap.uin = wx_proto::Uin(7);
    wx_smol::store::save(&path, &snap).unwrap();
    drop((driver, client));
    env.sim(|sim, _| sim.expire_sessions(0));
    let (mut driver, mut client) = restore(&env, &path);
    let mut events = Vec::new();
    run_until(&env, &mut driver, &mut client, &mut events, |e| {
        e.iter().any(|e| matches!(e, Event::Ready { .. }))
    });
    assert_eq!(paths(&events), [LoginPath::Hot, LoginPath::Qr]);
    assert!(events.iter().any(|e| matches!(e, Event::QrCode { .. })));
}
