//! Sessions that survive a process restart, over real loopback sockets, for any adapter:
//! the snapshot is saved with wx-store, the client and driver are dropped (the process
//! dies, no logout), messages arrive meanwhile, and a restored client resumes with no scan
//! and nothing lost or repeated; an expired session goes to push login, a refused one to a
//! QR code. The adapter gives a fresh driver behind [`Driven`].

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use wx_proto::client::{Client, Event, LoginPath, Phase};
use wx_sim::{Body, Push};

use super::{Env, client_config, lost_and_duplicated};

/// One adapter's driver, as these runs drive it.
pub trait Driven {
    /// Runs `client` until `done` holds over `events` (new events appended); panics after
    /// 30 s, or when the session ends first.
    fn run_until(
        &mut self,
        env: &Env,
        client: &mut Client,
        events: &mut Vec<Event>,
        done: &mut dyn FnMut(&[Event]) -> bool,
    );
    /// Ends the session gracefully (logout, every request ended).
    fn shutdown(&mut self, env: &Env, client: &mut Client);
}

/// A fresh driver with its own HTTP client (a new process).
pub type NewDriver = fn() -> Box<dyn Driven>;

fn push(env: &Env, text: &str) -> String {
    let body = Body::Text { text: text.into() };
    env.sim(|sim, now| sim.push(&Push::default(), &body, now))
        .expect("pushed")
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
    lost_and_duplicated(events, ids).0 == 0
}

fn ready(events: &[Event]) -> bool {
    events.iter().any(|e| matches!(e, Event::Ready { .. }))
}

fn store_path(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wx-restore-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    wx_store::profile_path(&dir, "main").expect("a valid profile")
}

fn logged_in(env: &Env, new: NewDriver) -> (Box<dyn Driven>, Client, Vec<Event>) {
    let mut client = Client::new(
        client_config(&env.base),
        [4; 32],
        Instant::now(),
        SystemTime::now(),
    );
    let mut driver = new();
    let mut events = Vec::new();
    driver.run_until(env, &mut client, &mut events, &mut ready);
    (driver, client, events)
}

fn restore(env: &Env, path: &Path, new: NewDriver) -> (Box<dyn Driven>, Client) {
    let snapshot = wx_store::load(path).expect("the saved session");
    let client = Client::restore(
        client_config(&env.base),
        snapshot,
        [5; 32],
        Instant::now(),
        SystemTime::now(),
    )
    .expect("restored");
    (new(), client)
}

fn save(path: &Path, client: &Client) {
    let snapshot = client.snapshot(Instant::now()).expect("a snapshot");
    wx_store::save(path, &snapshot).expect("saved");
}

/// A saved session resumes after a restart with nothing lost or repeated.
pub fn run_resume_after_restart(tag: &str, new: NewDriver) {
    let env = Env::auto_confirming();
    let path = store_path(&format!("{tag}-hot"));
    let (mut driver, mut client, mut first) = logged_in(&env, new);
    let before: Vec<String> = (0..3).map(|i| push(&env, &format!("before {i}"))).collect();
    driver.run_until(&env, &mut client, &mut first, &mut |e| has_all(e, &before));
    save(&path, &client);
    drop(driver); // the process dies: no logout
    drop(client);
    let during: Vec<String> = (0..2).map(|i| push(&env, &format!("during {i}"))).collect();

    let (mut driver, mut client) = restore(&env, &path, new);
    let mut second = Vec::new();
    driver.run_until(&env, &mut client, &mut second, &mut |e| {
        e.iter().any(|e| matches!(e, Event::LoggedIn { .. }))
    });
    let after = push(&env, "after");
    let wanted: Vec<String> = during.iter().cloned().chain([after]).collect();
    driver.run_until(&env, &mut client, &mut second, &mut |e| has_all(e, &wanted));
    assert_eq!(paths(&second), [LoginPath::Hot]);
    assert!(
        !second.iter().any(|e| matches!(e, Event::QrCode { .. })),
        "no scan"
    );
    let all: Vec<Event> = first.iter().chain(second.iter()).cloned().collect();
    let pushed: Vec<String> = before.iter().chain(wanted.iter()).cloned().collect();
    assert_eq!(
        lost_and_duplicated(&all, &pushed),
        (0, 0),
        "across the restart"
    );
    driver.shutdown(&env, &mut client);
    assert_eq!(client.phase(), Phase::LoggedOut);
}

/// An expired session goes to push login; a refused push login to a QR code.
pub fn run_expired_then_refused(tag: &str, new: NewDriver) {
    let env = Env::auto_confirming();
    let path = store_path(&format!("{tag}-push"));
    let (driver, client, _) = logged_in(&env, new);
    save(&path, &client);
    drop((driver, client));
    env.sim(|sim, _| sim.expire_sessions(0));
    let (mut driver, mut client) = restore(&env, &path, new);
    let mut events = Vec::new();
    driver.run_until(&env, &mut client, &mut events, &mut ready);
    assert_eq!(paths(&events), [LoginPath::Hot, LoginPath::Push]);
    assert!(!events.iter().any(|e| matches!(e, Event::QrCode { .. })));
    let id = push(&env, "after push login");
    driver.run_until(&env, &mut client, &mut events, &mut |e| {
        has_all(e, std::slice::from_ref(&id))
    });

    // A snapshot naming an account the server does not know: push login is refused.
    let mut snap = client.snapshot(Instant::now()).expect("a snapshot");
    snap.uin = wx_proto::Uin(7);
    wx_store::save(&path, &snap).expect("saved");
    drop((driver, client));
    env.sim(|sim, _| sim.expire_sessions(0));
    let (mut driver, mut client) = restore(&env, &path, new);
    let mut events = Vec::new();
    driver.run_until(&env, &mut client, &mut events, &mut ready);
    assert_eq!(paths(&events), [LoginPath::Hot, LoginPath::Qr]);
    assert!(events.iter().any(|e| matches!(e, Event::QrCode { .. })));
}
