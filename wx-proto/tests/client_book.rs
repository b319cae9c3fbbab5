//! The contact book over whole sessions against the simulator core, in memory: groups not
//! saved to contacts (from webwxinit, and from the recent-chat list only), a join told by a
//! partial `ModContactList`, a removal told by its count (the group fetched again), a
//! rename, your own display name, a member who speaks before anyone listed them (fetched
//! once), stable keys across a new login, and the stable names kept by the snapshot. Then
//! the book's rules on the real server's shapes (`../shared/fixtures`, skipped when absent).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

mod common;

use std::time::Duration;

use wx_proto::client::*;
use wx_proto::model::{Contact, ContactBook, ContactKey, KeySource, MessageKind, RoomEvent};
use wx_proto::parse::{parse_init, parse_sync};
use wx_sim::{Body, Push, WorldSpec};
use wx_testkit::pair::{Pair, world};

/// One account, 6 friends, 3 groups of which the last 2 are not saved to contacts (the
/// first of those is in webwxinit, the second only in the recent-chat list).
fn spec() -> WorldSpec {
    WorldSpec {
        unsaved_groups: 2,
        ..world(6, 3)
    }
}

fn logged_in() -> Pair {
    let mut p = Pair::with_world(spec());
    p.login();
    p.settle();
    p
}

fn batches(p: &Pair) -> usize {
    p.log
        .iter()
        .filter(|(_, e)| *e == Endpoint::BatchGetContact)
        .count()
}

/// The account's groups in the simulator's world, in order.
fn sim_groups(p: &Pair) -> Vec<String> {
    p.sim.world().accounts[0]
        .groups()
        .map(|g| g.user_name.clone())
        .collect()
}

fn member_nick(p: &Pair, group: &str, user: &str) -> Option<String> {
    p.client
        .book()
        .member(group, user)
        .map(|m| m.nick_name.clone())
}

#[test]
fn groups_not_saved_to_contacts_are_in_the_book() {
    let p = logged_in();
    let groups = sim_groups(&p);
    assert_eq!(groups.len(), 3);
    assert!(!p.sim.is_saved_group(0, &groups[2]));
    let book = p.client.book();
    for g in &groups {
        let c = book.get(g).unwrap_or_else(|| panic!("{g} missing"));
        assert!(!c.group.members.is_empty(), "{g} has no members");
        assert!(!book.members_incomplete(g), "{g} incomplete");
    }
    // Every chat of the recent-chat list has its stable name.
    for g in &groups {
        let stable = book.stable_name(g).expect("a stable name");
        assert!(stable.ends_with("@chatroom"), "{stable}");
    }
}

#[test]
fn joins_removals_renames_and_display_names_keep_the_book_right() {
    let mut p = logged_in();
    let group = sim_groups(&p)[0].clone();
    let before = batches(&p);

    // A join, told by a partial ModContactList (the newcomer only) and a notice.
    let newcomer = p
        .sim
        .join_group(0, &group, "Newbie", Some("0"), p.now)
        .unwrap();
    p.run_for(Duration::from_secs(5));
    assert_eq!(
        member_nick(&p, &group, &newcomer).as_deref(),
        Some("Newbie")
    );
    assert!(!p.client.book().members_incomplete(&group));
    assert_eq!(
        batches(&p),
        before,
        "a partial list that adds up needs no fetch"
    );
    let joined = p
        .messages()
        .iter()
        .filter(|m| m.chat == group)
        .find_map(|m| m.room_event());
    match joined {
        Some(RoomEvent::Joined { members, .. }) => assert_eq!(members[0].name, "Newbie"),
        other => panic!("{other:?}"),
    }
    let members_then = p.client.contact(&group).unwrap().group.members.len();

    // A removal, told by the count alone: the group is fetched once.
    p.sim
        .remove_from_group(0, &group, &newcomer, p.now)
        .unwrap();
    p.run_for(Duration::from_secs(5));
    assert_eq!(member_nick(&p, &group, &newcomer), None);
    assert_eq!(
        p.client.contact(&group).unwrap().group.members.len(),
        members_then - 1
    );
    assert_eq!(batches(&p), before + 1);

    // A rename by a member: the new name, the members kept.
    p.sim
        .rename_group_by(0, &group, "0", "New topic", p.now)
        .unwrap();
    p.run_for(Duration::from_secs(5));
    let g = p.client.contact(&group).unwrap();
    assert_eq!(g.nick_name, "New topic");
    assert_eq!(g.group.members.len(), members_then - 1);
    assert_eq!(p.client.find("New topic").unwrap().user_name, group);

    // Your own display name in the group: what others mention you by.
    let me = p.client.me().unwrap().user_name.clone();
    p.sim
        .set_member_display_name(0, &group, &me, "Boss", p.now)
        .unwrap();
    p.run_for(Duration::from_secs(5));
    assert_eq!(p.client.my_name_in(&group).as_deref(), Some("Boss"));
    assert_eq!(
        batches(&p),
        before + 1,
        "no fetch for the rename or the name"
    );
}

#[test]
fn a_member_nobody_listed_is_fetched_once_when_they_speak() {
    let mut p = logged_in();
    let group = sim_groups(&p)[1].clone();
    let quiet = p.sim.add_member_quietly(0, &group, "Lurker").unwrap();
    let before = batches(&p);
    let push = Push {
        account: 0,
        group: Some(group.clone()),
        from: Some(quiet.clone()),
    };
    let text = |s: &str| Body::Text { text: s.into() };
    p.sim.push(&push, &text("hello"), p.now).unwrap();
    p.run_for(Duration::from_secs(5));
    let m = p
        .messages()
        .into_iter()
        .find(|m| m.sender == quiet)
        .cloned();
    assert!(matches!(m.map(|m| m.kind), Some(MessageKind::Text(_))));
    assert_eq!(member_nick(&p, &group, &quiet).as_deref(), Some("Lurker"));
    assert_eq!(
        p.client.book().name_in(&group, &quiet).as_deref(),
        Some("Lurker")
    );
    assert_eq!(batches(&p), before + 1);
    // More messages from them: no more fetches.
    for i in 0..5 {
        p.sim
            .push(&push, &text(&format!("again {i}")), p.now)
            .unwrap();
    }
    p.run_for(Duration::from_secs(10));
    assert_eq!(batches(&p), before + 1);
}

#[test]
fn a_known_member_costs_no_fetch() {
    let mut p = logged_in();
    let group = sim_groups(&p)[0].clone();
    let before = batches(&p);
    // A sender the simulator's group does not have: the fetch cannot find them.
    let push = Push {
        account: 0,
        group: Some(group.clone()),
        from: None,
    };
    let id = p
        .sim
        .push(&push, &Body::Text { text: "x".into() }, p.now)
        .unwrap();
    p.run_for(Duration::from_secs(5));
    let sender = p
        .messages()
        .iter()
        .find(|m| m.msg_id == id)
        .map(|m| m.sender.clone())
        .unwrap();
    assert!(p.client.book().knows_member(&group, &sender));
    assert_eq!(batches(&p), before, "a known member costs nothing");
}

#[test]
fn stable_keys_find_the_same_people_after_a_new_login() {
    let mut p = logged_in();
    let keys: Vec<(Contact, ContactKey)> = p
        .client
        .contacts()
        .filter(|c| c.user_name.starts_with('@'))
        .filter_map(|c| Some((c.clone(), p.client.book().key(&c.user_name)?)))
        .collect();
    assert!(keys.len() >= 6, "{}", keys.len());
    assert!(
        keys.iter().any(|(_, k)| k.source == KeySource::StableName),
        "the recent-chat list gives stable names"
    );
    let snapshot = p.client.snapshot(p.now).unwrap();
    assert!(!snapshot.stable_names.is_empty());

    p.sim.kick(0);
    p.run_until(Duration::from_secs(60), |p| {
        p.client.phase() == Phase::LoggedOut
    });
    p.events.clear();
    p.client.login_again(p.now).unwrap();
    assert!(p.run_until(Duration::from_secs(60), Pair::ready));
    p.settle();
    let book = p.client.book();
    for (old, key) in &keys {
        let now = book
            .by_key(key)
            .unwrap_or_else(|| panic!("{key} ({}) lost", old.nick_name));
        assert_ne!(now.user_name, old.user_name, "UserNames are drawn again");
        assert_eq!(now.nick_name, old.nick_name, "{key}");
    }
}

#[test]
fn a_restored_session_keeps_its_stable_names() {
    let mut p = logged_in();
    let snapshot = p.client.snapshot(p.now).unwrap();
    let pairs = snapshot.stable_names.clone();
    assert!(!pairs.is_empty());
    let json = snapshot.to_json();
    p.events.clear();
    let back = Snapshot::from_json(&json).unwrap();
    assert_eq!(back.stable_names, pairs);
    let client = Client::restore(
        Config::for_base_url(wx_testkit::pair::BASE),
        back,
        [5; 32],
        p.now,
        wx_testkit::pair::wall(),
    )
    .unwrap();
    p.restart_with(client);
    assert!(p.run_until(Duration::from_secs(60), Pair::ready));
    assert_eq!(p.client.book().stable_names(), &pairs);
    let group = sim_groups(&p)[0].clone();
    let key = p.client.book().key(&group).unwrap();
    assert_eq!(key.source, KeySource::StableName);
}

// ----- the real server's shapes -----

fn shared() -> Option<std::path::PathBuf> {
    wx_testkit::fixtures::shared_dir()
}

#[test]
fn the_real_init_lists_a_group_partly_and_the_book_says_so() {
    let Some(dir) = shared() else { return };
    let body = common::read(&dir.join("webwxinit/qjesus-capture-mojibake.json"));
    let init = parse_init(&body).unwrap();
    let mut book = ContactBook::new();
    for c in init.contact_list {
        book.upsert(Contact::from(c));
    }
    let partial: Vec<&Contact> = book
        .groups()
        .filter(|g| book.members_incomplete(&g.user_name))
        .collect();
    assert_eq!(partial.len(), 1);
    assert_eq!(partial[0].group.member_count, 14);
    assert_eq!(partial[0].group.members.len(), 1);
}

#[test]
fn the_real_partial_mod_contact_merges_into_the_known_members() {
    let Some(dir) = shared() else { return };
    let body =
        common::read(&dir.join("webwxsync/wechat4u-test-statusnotify51-text1-modcontact.json"));
    let sync = parse_sync(&body).unwrap();
    let update = Contact::from(sync.mod_contact_list[0].clone().unwrap());
    assert_eq!(update.group.member_count, 462);
    assert_eq!(update.group.members.len(), 1);
    let newcomer = update.group.members[0].user_name.clone();
    // The group as a batch fetch gave it before: two other members.
    let mut known = update.clone();
    known.group.member_count = 462;
    known.group.members = ["@m1", "@m2"]
        .iter()
        .map(|u| wx_proto::model::Member {
            user_name: (*u).into(),
            nick_name: (*u).into(),
            ..Default::default()
        })
        .collect();
    let mut book = ContactBook::new();
    book.upsert(known);
    book.upsert(update);
    let g = book.groups().next().unwrap();
    let names: Vec<&str> = g
        .group
        .members
        .iter()
        .map(|m| m.user_name.as_str())
        .collect();
    assert_eq!(names, ["@m1", "@m2", newcomer.as_str()]);
    // The same sample's recent-chat list pairs UserNames with stable names.
    let me = "@me";
    let notify = sync
        .add_msg_list
        .into_iter()
        .map(|m| wx_proto::model::decode(m.unwrap(), me))
        .find_map(|m| match m.kind {
            MessageKind::StatusNotify(n) => Some(n),
            _ => None,
        })
        .unwrap();
    let unknown = book.note_recent_chats(&notify);
    assert_eq!(book.stable_name("filehelper"), Some("filehelper"));
    assert!(
        book.stable_names().len() >= 30,
        "{}",
        book.stable_names().len()
    );
    assert!(!unknown.is_empty());
}

// ----- member profiles (webwxbatchgetcontact with the group as EncryChatRoomId) -----

fn run(p: &mut Pair, command: Command) -> Result<OpOutput, OpError> {
    let op = p.client.submit(command, p.now).unwrap();
    let done = |p: &Pair| {
        p.events
            .iter()
            .any(|e| matches!(e, Event::OpDone { op: o, .. } if *o == op))
    };
    assert!(
        p.run_until(Duration::from_secs(60), done),
        "the op never ended"
    );
    p.events
        .iter()
        .find_map(|e| match e {
            Event::OpDone { op: o, result } if *o == op => Some(result.clone()),
            _ => None,
        })
        .unwrap()
}

#[test]
fn member_profiles_come_fifty_a_request_with_the_group_as_room() {
    let mut p = Pair::with_world(WorldSpec {
        members_per_group: 60,
        ..world(3, 1)
    });
    p.login();
    p.settle();
    let group = sim_groups(&p)[0].clone();
    let me = p.client.me().unwrap().user_name.clone();
    let others = p.client.contact(&group).unwrap().group.members.len() - 1;
    assert!(others > 50, "{others}");
    let before = batches(&p);
    let out = run(
        &mut p,
        Command::FetchMembers {
            group: group.clone(),
            members: Vec::new(),
        },
    );
    let Ok(OpOutput::Profiles(profiles)) = out else {
        panic!("{out:?}");
    };
    assert_eq!(batches(&p), before + 2, "{others} members in two requests");
    assert_eq!(profiles.len(), others);
    assert!(profiles.iter().all(|c| c.user_name != me));
    // The simulator marks a profile fetched with a room: the request named the group.
    let strangers: Vec<&Contact> = profiles.iter().filter(|c| !c.is_friend()).collect();
    assert!(!strangers.is_empty());
    for c in strangers {
        let url = c.head_img_url.expose();
        assert!(url.contains(&format!("chatroomid={group}")), "{url}");
        assert!(!c.nick_name.is_empty());
    }
    // Named members only.
    let two: Vec<String> = profiles
        .iter()
        .take(2)
        .map(|c| c.user_name.clone())
        .collect();
    let out = run(
        &mut p,
        Command::FetchMembers {
            group: group.clone(),
            members: two.clone(),
        },
    );
    let Ok(OpOutput::Profiles(profiles)) = out else {
        panic!("{out:?}");
    };
    let got: Vec<String> = profiles.into_iter().map(|c| c.user_name).collect();
    assert_eq!(got, two);
}

#[test]
fn member_profiles_of_an_unknown_group_or_a_failed_answer_are_typed_errors() {
    let mut p = logged_in();
    let out = run(
        &mut p,
        Command::FetchMembers {
            group: "@@nope".into(),
            members: Vec::new(),
        },
    );
    assert_eq!(out, Err(OpError::UnknownChat));
    assert_eq!(
        p.client.submit(
            Command::FetchMembers {
                group: String::new(),
                members: Vec::new()
            },
            p.now
        ),
        Err(UsageError::InvalidArgument("group"))
    );
    let group = sim_groups(&p)[0].clone();
    p.sim.inject(wx_sim::FaultRule {
        endpoint: Some("webwxbatchgetcontact".into()),
        fault: wx_sim::Fault::Status { code: 500 },
        times: 1,
    });
    let out = run(
        &mut p,
        Command::FetchMembers {
            group,
            members: Vec::new(),
        },
    );
    assert_eq!(out, Err(OpError::HttpStatus(500)));
}
