//! Replays every case of the scenario table with the test client, in virtual time.
#![allow(clippy::unwrap_used)]

mod common;

use common::client::{Replay, check};
use wx_sim::scenario::{Runner, cases};

#[test]
fn every_scenario_passes_with_a_correct_client() {
    let mut failures = Vec::new();
    for case in cases() {
        let replay = Replay::new(&case);
        let (seen, h) = replay.run();
        for e in &case.expect {
            if !check(e, &seen) {
                failures.push(format!("{}: {e:?} (saw {seen:?})", case.name));
            }
        }
        failures.extend(Runner::check_sim(&case, &h.sim));
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn table_names_are_unique_and_cover_the_brief() {
    let names: Vec<_> = cases().iter().map(|c| c.name).collect();
    let set: std::collections::HashSet<_> = names.iter().collect();
    assert_eq!(set.len(), names.len());
    for want in [
        "login_scan_confirm",
        "qr_expiry_and_renewal",
        "thousands_of_contacts",
        "every_message_type",
        "kick_1102",
        "throttled_1205",
        "refused_1203",
        "reply_and_logout",
    ] {
        assert!(names.contains(&want), "{want}");
    }
}

fn run(name: &str) -> (common::client::Seen, common::H) {
    let case = cases().into_iter().find(|c| c.name == name).unwrap();
    let replay = Replay::new(&case);
    replay.run()
}

#[test]
fn faults_really_happen_and_redelivery_is_seen() {
    let (seen, h) = run("faults_then_recovery");
    assert_eq!(h.sim.pending_faults(), 0, "every injected fault was used");
    // 500 on synccheck, garbage and truncated webwxsync, dropped synccheck.
    assert!(seen.faults_survived >= 4, "{seen:?}");
    assert!(
        seen.duplicates_dropped >= 1,
        "the redelivered message came twice: {seen:?}"
    );
}

#[test]
fn paging_and_every_type_are_observed() {
    let (seen, _) = run("thousands_of_contacts");
    assert!(seen.contacts >= 3000, "{}", seen.contacts);
    let (seen, h) = run("every_message_type");
    for t in [1, 3, 34, 37, 42, 43, 47, 49, 51, 10000, 10002] {
        assert!(
            seen.types.contains(&t),
            "type {t} missing: {:?}",
            seen.types
        );
    }
    assert!(h.sim.served_by()["webwxgetcontact"] >= 1);
}

#[test]
fn reply_reaches_the_server_and_logout_ends_the_session() {
    let (seen, h) = run("reply_and_logout");
    assert!(seen.texts.contains(&"ping".to_string()));
    let sent = h.sim.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].content, "pong");
    assert_eq!(h.sim.live_sessions(0), 0);
}

#[test]
fn same_seed_same_transcript_same_bytes() {
    let transcript = |case_name: &str| {
        let case = cases().into_iter().find(|c| c.name == case_name).unwrap();
        let replay = Replay::new(&case);
        let (seen, h) = replay.run();
        (
            seen.ids.clone(),
            seen.texts.clone(),
            h.sim.world().accounts[0].me.user_name.clone(),
            h.jar.clone(),
        )
    };
    assert_eq!(
        transcript("every_message_type"),
        transcript("every_message_type")
    );
    assert_eq!(
        transcript("faults_then_recovery"),
        transcript("faults_then_recovery")
    );
}
