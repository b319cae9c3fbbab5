//! The Client state machine driven by hand-written server answers (the project's own
//! fixtures, through the harness in `scripted/`), one flow per test; here the end and what survives it: logout codes and the first 1100 probe, a 1101 racing a
//! requested logout, a probed push host in the snapshot and on restore, the same seed
//! giving the same bytes, and no credentials in Debug output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

mod common;
mod scripted;

use std::time::Instant;

use scripted::*;
use wx_proto::client::*;

#[test]
fn logout_codes_and_the_first_1100_probe() {
    let mut h = Harness::new(Config::default());
    let check = h.running();
    assert!(
        check
            .http
            .uri()
            .to_string()
            .starts_with("https://webpush.wx2.qq.com/")
    );
    h.reply(&check, 200, &fixture("synccheck/1100-0.txt"), &[]);
    assert!(matches!(
        h.events().as_slice(),
        [Event::Problem(Problem {
            kind: ProblemKind::ProbingPushHost,
            ..
        })]
    ));
    let check = h.expect(Endpoint::SyncCheck);
    assert!(
        check
            .http
            .uri()
            .to_string()
            .starts_with("https://webpush2.wx2.qq.com/")
    );
    h.reply(&check, 200, &fixture("synccheck/0-0.txt"), &[]);
    let check = h.expect(Endpoint::SyncCheck);
    h.reply(&check, 200, &fixture("synccheck/1102-0.txt"), &[]);
    let events = h.events();
    assert!(
        matches!(events.last(), Some(Event::LoggedOut(LogoutReason::Kicked))),
        "{events:?}"
    );
    assert_eq!(h.client.phase(), Phase::LoggedOut);
}

#[test]
fn a_1101_racing_the_requested_logout_is_still_the_users_logout() {
    let mut h = Harness::new(Config::default());
    let check = h.running();
    let op = h.client.submit(Command::Logout, h.now).unwrap();
    let logout = h.expect(Endpoint::Logout);
    // The server ends the session: the held synccheck answers first with 1101.
    h.reply(&check, 200, &fixture("synccheck/1101-0.txt"), &[]);
    assert!(
        h.events().is_empty(),
        "nothing ends before the logout's own answer"
    );
    h.no_request();
    h.client
        .handle_failure(logout.id, Failure::Io, h.now)
        .unwrap();
    let events = h.events();
    assert!(
        matches!(&events[..], [Event::OpDone { op: o, result: Ok(OpOutput::Done) }, Event::LoggedOut(LogoutReason::UserRequested)] if *o == op),
        "{events:?}"
    );
}

#[test]
fn a_probed_push_host_is_saved_in_the_snapshot_and_used_on_restore() {
    let mut h = Harness::new(Config::default());
    let check = h.running();
    h.reply(&check, 200, &fixture("synccheck/1100-0.txt"), &[]);
    let check = h.expect(Endpoint::SyncCheck);
    assert!(
        check
            .http
            .uri()
            .to_string()
            .starts_with("https://webpush2.wx2.qq.com/")
    );
    let snap = h.client.snapshot(h.now).expect("logged in");
    assert_eq!(
        snap.push_host.as_deref(),
        Some("https://webpush2.wx2.qq.com")
    );
    let snap = Snapshot::from_json(&snap.to_json()).unwrap();
    let mut r = Harness {
        client: Client::restore(Config::default(), snap, [2; 32], h.now, wall()).unwrap(),
        now: h.now,
        sent: Vec::new(),
        stash: Vec::new(),
    };
    let init = r.expect(Endpoint::Init);
    r.reply(&init, 200, &fixture("webwxinit/full.json"), &[]);
    let check = std::iter::from_fn(|| r.client.poll_request())
        .find(|q| q.kind == Endpoint::SyncCheck)
        .expect("the restored loop polls");
    let uri = check.http.uri().to_string();
    assert!(uri.starts_with("https://webpush2.wx2.qq.com/"), "{uri}");
}

/// Runs a scripted session and returns every request as text.
fn transcript(seed: [u8; 32]) -> Vec<String> {
    let now = Instant::now();
    let mut h = Harness {
        client: Client::new(Config::default(), seed, now, wall()),
        now,
        sent: Vec::new(),
        stash: Vec::new(),
    };
    let check = h.running();
    h.client
        .handle_failure(check.id, Failure::Io, h.now)
        .unwrap();
    h.wake();
    let _ = h.client.submit(
        Command::SendText {
            to: "@x".into(),
            text: "t".into(),
        },
        h.now,
    );
    let check = h.expect(Endpoint::SyncCheck);
    let _ = h.expect(Endpoint::SendMsg);
    h.reply(&check, 200, &fixture("synccheck/0-0.txt"), &[]);
    let _ = h.expect(Endpoint::SyncCheck);
    h.sent
}

#[test]
fn same_seed_same_requests_byte_for_byte() {
    assert_eq!(transcript([9; 32]), transcript([9; 32]));
    assert_ne!(
        transcript([9; 32]),
        transcript([10; 32]),
        "the seed matters (DeviceID, ids, jitter)"
    );
}

#[test]
fn debug_output_never_shows_credentials() {
    let mut h = Harness::new(Config::default());
    let events = h.login();
    let _ = h.expect(Endpoint::StatusNotify);
    let req = h.expect(Endpoint::GetContact);
    let dump = format!("{:?}\n{:?}\n{:?}", h.client, req, events);
    for secret in [
        "@crypt_0a1b2c3d",
        "AbCdEfGh+IjK",
        "AbC%2BdEf",
        "AbC+dEf",
        "gSdTicket",
    ] {
        assert!(!dump.contains(secret), "{secret} leaked in Debug output");
    }
}
