//! The group and friend operations over real HTTP, shared by both adapters: create a group
//! (it joins the book), add a member, a -2013 partial success naming who failed, a gone
//! group (1201 → `GroupGone`), remove, members' profiles (and an unknown group), pin, accept a friend request (the friend joins the
//! book), leave the group.

use std::time::Duration;

use wx_proto::client::{Command, Event, OpOutput};
use wx_sim::WorldSpec;

use super::runs::auto_login;
use super::{Env, Start, SubmitError, client_config};

const GUARD: Duration = Duration::from_secs(60);

/// Panics (test failure) on any miss.
pub fn run_group_ops(start: &Start) {
    let env = Env::new(
        false,
        auto_login(WorldSpec {
            contacts: 6,
            groups: 1,
            ..WorldSpec::default()
        }),
    );
    let s = start(&env, client_config(&env.base), 9);
    let mut seen = Vec::new();
    s.wait_for(&mut seen, GUARD, |e| matches!(e, Event::Ready { .. }))
        .expect("ready");
    let friends: Vec<String> = env.sim(|sim, _| {
        sim.world().accounts[0]
            .friends()
            .take(4)
            .map(|f| f.user_name.clone())
            .collect()
    });
    assert_eq!(friends.len(), 4);

    let created = (s.submit)(Command::CreateGroup {
        topic: "Weekend".into(),
        members: friends[..2].to_vec(),
    });
    let Ok(OpOutput::GroupCreated { group, failed }) = created else {
        panic!("{created:?}");
    };
    assert!(
        group.starts_with("@@") && failed.is_empty(),
        "{group} {failed:?}"
    );
    let in_book = |seen: &[Event], name: &str| {
        seen.iter().any(|e| match e {
            Event::ContactsChanged(list) => list.iter().any(|c| c.user_name == name),
            _ => false,
        })
    };
    while !in_book(&seen, &group) {
        s.wait_for(&mut seen, GUARD, |e| matches!(e, Event::ContactsChanged(_)))
            .expect("the new group was fetched");
    }

    let added = (s.submit)(Command::AddMembers {
        group: group.clone(),
        members: vec![friends[2].clone()],
    });
    assert_eq!(
        added,
        Ok(OpOutput::Members {
            done: vec![friends[2].clone()],
            failed: vec![],
            invited: false
        })
    );

    env.sim(|sim, _| sim.fail_members(0, &[friends[3].as_str()], 4))
        .unwrap();
    let partial = (s.submit)(Command::AddMembers {
        group: group.clone(),
        members: vec![friends[3].clone()],
    });
    assert!(
        matches!(&partial, Ok(OpOutput::Members { done, failed, .. }) if done.is_empty() && *failed == [friends[3].clone()]),
        "{partial:?}"
    );
    env.sim(|sim, _| sim.clear_failing_members(0));

    let removed = (s.submit)(Command::RemoveMembers {
        group: group.clone(),
        members: vec![friends[2].clone()],
    });
    assert!(
        matches!(&removed, Ok(OpOutput::Members { done, .. }) if *done == [friends[2].clone()]),
        "{removed:?}"
    );
    // Member profiles of the world's group, asked with the group as the room.
    let room = env.sim(|sim, _| {
        sim.world().accounts[0]
            .groups()
            .next()
            .map(|g| g.user_name.clone())
    });
    let room = room.expect("the world's group");
    let profiles = (s.submit)(Command::FetchMembers {
        group: room.clone(),
        members: Vec::new(),
    });
    let Ok(OpOutput::Profiles(profiles)) = profiles else {
        panic!("{profiles:?}");
    };
    assert!(!profiles.is_empty());
    assert!(
        profiles.iter().filter(|c| !c.is_friend()).all(|c| c
            .head_img_url
            .expose()
            .contains(&format!("chatroomid={room}"))),
        "{profiles:?}"
    );
    let unknown = (s.submit)(Command::FetchMembers {
        group: "@@unknown".into(),
        members: Vec::new(),
    });
    assert!(
        matches!(&unknown, Err(SubmitError::Other(e)) if e.contains("not in the contact book")),
        "{unknown:?}"
    );

    let pinned = (s.submit)(Command::Pin {
        user: friends[0].clone(),
        pinned: true,
    });
    assert_eq!(pinned, Ok(OpOutput::Done));

    env.sim(|sim, now| sim.push_friend_request(0, "Stranger", "hello", now))
        .unwrap();
    let request = s
        .wait_for(
            &mut seen,
            GUARD,
            |e| matches!(e, Event::Message { message, .. } if Command::accept(message).is_some()),
        )
        .expect("the friend request");
    let Event::Message { message, .. } = request else {
        unreachable!()
    };
    let accept = Command::accept(&message).expect("an accept");
    let Command::AcceptFriend { user_name, .. } = &accept else {
        unreachable!()
    };
    let stranger = user_name.clone();
    assert_eq!((s.submit)(accept), Ok(OpOutput::Done));
    while !in_book(&seen, &stranger) {
        s.wait_for(&mut seen, GUARD, |e| matches!(e, Event::ContactsChanged(_)))
            .expect("the new friend was fetched");
    }

    assert_eq!(
        (s.submit)(Command::QuitGroup {
            group: group.clone()
        }),
        Ok(OpOutput::Done)
    );
    // The group is gone for us now: the server answers 1201.
    let gone = (s.submit)(Command::AddMembers {
        group,
        members: vec![friends[3].clone()],
    });
    assert!(
        matches!(&gone, Err(SubmitError::Other(e)) if e.contains("group no longer exists")),
        "{gone:?}"
    );
    assert!(s.close(&mut seen), "logout and shutdown");
}
