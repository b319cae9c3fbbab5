//! `wx group` and `wx friend` against a `wx sim` process over loopback: create a group by
//! names, list, add, remove, rename; accept the friend request `wx listen` received; one-line
//! errors with exit status 2 for what cannot be done.

mod common;

use std::time::{Duration, Instant};

use common::SimProcess;
use common::profile::Profile;
use serde_json::Value;

fn sim() -> SimProcess {
    SimProcess::start(&[
        "--auto-confirm",
        "300",
        "--hold-ms",
        "1500",
        "--contacts",
        "6",
        "--groups",
        "1",
    ])
}

fn login(p: &Profile) {
    let (code, _, stderr) = p.run("login", &["--no-listen"]);
    assert_eq!(code, Some(0), "{stderr}");
}

/// The friends' names as `wx contacts --json` shows them.
fn friend_names(p: &Profile) -> Vec<String> {
    let (_, stdout, _) = p.run("contacts", &["--json"]);
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|c| {
            c["is_group"] == false
                && c["official"] == false
                && c["user_name"].as_str().is_some_and(|u| u.starts_with('@'))
                && c["nick_name"] != "SimUser0"
        })
        .filter_map(|c| c["name"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn a_group_is_created_by_names_and_its_members_changed() {
    let sim = sim();
    let p = Profile::new(&sim, "groups");
    login(&p);
    let names = friend_names(&p);
    assert!(names.len() >= 3, "{names:?}");
    let list = format!("{},{}", names[0], names[1]);
    let (code, stdout, stderr) = p.run_sub("group", "create", &["Weekend", "--members", &list]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.starts_with("created Weekend (@@"), "{stdout}");
    let group_id = stdout
        .split('(')
        .nth(1)
        .and_then(|s| s.split(')').next())
        .expect("the group's id")
        .to_owned();

    let (code, stdout, stderr) = p.run_sub("group", "members", &[&group_id, "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let members: Vec<Value> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(members.len() >= 2, "{stdout}");

    let (code, stdout, stderr) = p.run_sub("group", "add", &[&group_id, &names[2]]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("added "), "{stdout}");
    let (code, stdout, stderr) = p.run_sub("group", "remove", &[&group_id, &names[2]]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("removed "), "{stdout}");
    let (code, stdout, stderr) = p.run_sub("group", "rename", &[&group_id, "Long weekend"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("to Long weekend"), "{stdout}");

    for (args, word) in [
        (
            vec!["create", "Solo", "--members", names[0].as_str()],
            "at least two",
        ),
        (
            vec!["add", "No Such Group", names[0].as_str()],
            "no contact named",
        ),
        (
            vec!["add", names[0].as_str(), names[1].as_str()],
            "is not a group",
        ),
    ] {
        let (code, stdout, stderr) = p.run_sub("group", args[0], &args[1..]);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        assert!(stderr.contains(word), "{args:?}: {stderr}");
        assert!(
            stderr.lines().filter(|l| l.starts_with("wx:")).count() == 1,
            "{stderr}"
        );
    }
}

#[test]
fn the_latest_friend_request_is_accepted() {
    let sim = sim();
    let p = Profile::new(&sim, "friends");
    login(&p);
    let (code, _, stderr) = p.run_sub("friend", "accept", &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no friend request"), "{stderr}");

    let (child, rx) = p.spawn_lines("listen", &["--json"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = false;
    while !seen && Instant::now() < deadline {
        sim.control(
            "POST",
            "/__sim/push",
            r#"{"body":{"kind":"friend_request","nick":"Stranger","greeting":"hi"}}"#,
        );
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(700)) {
            if line.contains("Stranger") {
                seen = true;
                break;
            }
        }
    }
    common::terminate(&child);
    let _ = child.wait_with_output();
    assert!(seen, "listen showed the request");
    let (code, stdout, stderr) = p.run_sub("friend", "accept", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.trim(), "accepted Stranger");
    let (_, stdout, _) = p.run("contacts", &["--json"]);
    assert!(
        stdout.contains("Stranger"),
        "the new friend is a contact: {stdout}"
    );
}

#[test]
fn contacts_json_gives_keys_that_survive_a_new_login() {
    let sim = sim();
    let p = Profile::new(&sim, "keys");
    login(&p);
    let keys = |p: &Profile| -> Vec<(String, String)> {
        let (code, stdout, stderr) = p.run("contacts", &["--json"]);
        assert_eq!(code, Some(0), "{stderr}");
        stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter_map(|c| {
                Some((
                    c["user_name"].as_str()?.to_owned(),
                    c["key"].as_str()?.to_owned(),
                ))
            })
            .collect()
    };
    let first = keys(&p);
    assert!(
        first
            .iter()
            .any(|(u, k)| u.starts_with("@@") && k.starts_with("stable:")),
        "the group has its stable name: {first:?}"
    );
    // A new login (the saved session dropped): new UserNames, the same keys.
    let (code, _, stderr) = p.run("logout", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    login(&p);
    let second = keys(&p);
    let (old_group, group_key) = first
        .iter()
        .find(|(u, _)| u.starts_with("@@"))
        .cloned()
        .unwrap_or_default();
    let again = second.iter().find(|(_, k)| *k == group_key);
    assert!(
        again.is_some_and(|(u, _)| *u != old_group),
        "{group_key}: {second:?}"
    );
}
