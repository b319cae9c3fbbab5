//! The driver's own API on threads: the event iterator, a Remote used from another thread
//! while the iterator runs, `shutdown`, and no async runtime in the dependency tree.
#![allow(clippy::unwrap_used)]

use wx_testkit::adapter as common;

use std::time::{Instant, SystemTime};

use wx_blocking::{Driver, HttpClient, HttpOptions, RemoteError};
use wx_proto::client::{Client, Command, Event, OpOutput, Phase};
use wx_sim::{Body, Push};

fn env() -> common::Env {
    common::Env::auto_confirming()
}

#[test]
fn iterator_remote_from_a_thread_and_shutdown() {
    let env = std::sync::Arc::new(env());
    let config = common::client_config(&env.base);
    let mut client = Client::new(config, [5; 32], Instant::now(), SystemTime::now());
    let http = HttpClient::new(HttpOptions::default()).unwrap();
    let mut driver = Driver::with_workers(http, 4);
    let remote = driver.remote();
    let friend = env.sim(|sim, _| {
        sim.world().accounts[0]
            .friends()
            .next()
            .unwrap()
            .user_name
            .clone()
    });
    let mut sender = None;
    let mut pushed = Vec::new();
    let mut events = Vec::new();
    for event in driver.events(&mut client) {
        if matches!(event, Event::Ready { .. }) {
            let (r, to, sim_env) = (remote.clone(), friend.clone(), env.clone());
            sender = Some(std::thread::spawn(move || {
                let sent = r.submit(Command::SendText {
                    to,
                    text: "from a thread".into(),
                });
                // Wake the iterator with one more message once the result is in.
                let body = Body::Text {
                    text: "sent".into(),
                };
                sim_env
                    .sim(|sim, now| sim.push(&Push::default(), &body, now))
                    .unwrap();
                sent
            }));
            for i in 0..5 {
                let body = Body::Text {
                    text: format!("i{i}"),
                };
                pushed.push(
                    env.sim(|sim, now| sim.push(&Push::default(), &body, now))
                        .unwrap(),
                );
            }
        }
        events.push(event);
        let woken = common::messages(&events)
            .iter()
            .any(|m| m.text() == Some("sent"));
        if woken && common::lost_and_duplicated(&events, &pushed).0 == 0 {
            break;
        }
    }
    let sent = sender.unwrap().join().unwrap();
    assert!(matches!(sent, Ok(OpOutput::Sent { .. })), "{sent:?}");
    assert_eq!(common::lost_and_duplicated(&events, &pushed), (0, 0));
    driver.shutdown(&mut client);
    assert_eq!(client.phase(), Phase::LoggedOut);
    assert_eq!(driver.in_flight(), 0);
    assert_eq!(
        remote.submit(Command::Logout),
        Err(RemoteError::Usage(
            wx_proto::client::UsageError::SessionEnded
        ))
    );
    assert!(env.sim(|sim, _| sim.sent().iter().any(|s| s.content == "from a thread")));
}

/// `cargo tree -p wx-blocking -e normal` names no async runtime or async HTTP stack.
#[test]
fn no_tokio_in_the_dependency_tree() {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "wx-blocking",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).unwrap();
    assert!(tree.contains("rustls v0.23"), "{tree}");
    for banned in [
        "tokio",
        "mio",
        "hyper",
        "async-std",
        "smol",
        "futures",
        "ureq",
    ] {
        assert!(
            !tree
                .lines()
                .any(|l| l.starts_with(&format!("{banned} "))
                    || l.starts_with(&format!("{banned}-"))),
            "{banned} in the normal dependency tree:\n{tree}"
        );
    }
}
