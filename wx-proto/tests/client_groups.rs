//! Group and friend operations through the engine against the simulator core, in memory:
//! create a group (it joins the book), add (and invite past the threshold), remove, quit,
//! a -2013 partial success, accept a friend request (the friend joins the book), pin with
//! the current remark kept, and the checks before any request.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

use std::time::Duration;

use wx_proto::client::*;
use wx_sim::{Fault, FaultRule, WorldSpec};
use wx_testkit::pair::{Pair, world};

fn pair_with(spec: WorldSpec) -> Pair {
    let mut p = Pair::with_world(spec);
    p.login();
    p.settle();
    p
}

fn friends(p: &Pair, n: usize) -> Vec<String> {
    let me = p.client.me().unwrap().user_name.clone();
    p.client
        .contacts()
        .filter(|c| c.is_friend() && !c.is_group() && c.user_name.starts_with('@'))
        .filter(|c| c.user_name != me)
        .map(|c| c.user_name.clone())
        .take(n)
        .collect()
}

fn a_group(p: &Pair) -> wx_proto::model::Contact {
    p.client
        .contacts()
        .find(|c| c.is_group())
        .cloned()
        .expect("a group")
}

fn run(p: &mut Pair, command: Command) -> Result<OpOutput, OpError> {
    let op = p.client.submit(command, p.now).unwrap();
    let done = |p: &Pair| result(p, op).is_some();
    assert!(
        p.run_until(Duration::from_secs(120), done),
        "the op never ended"
    );
    result(p, op).unwrap()
}

fn result(p: &Pair, op: OpId) -> Option<Result<OpOutput, OpError>> {
    p.events.iter().find_map(|e| match e {
        Event::OpDone { op: o, result } if *o == op => Some(result.clone()),
        _ => None,
    })
}

fn sent_to(p: &Pair, endpoint: Endpoint) -> usize {
    p.log.iter().filter(|(_, e)| *e == endpoint).count()
}

#[test]
fn a_created_group_joins_the_book() {
    let mut p = pair_with(world(4, 1));
    let members = friends(&p, 2);
    let out = run(
        &mut p,
        Command::CreateGroup {
            topic: "Weekend".into(),
            members: members.clone(),
        },
    );
    let Ok(OpOutput::GroupCreated { group, failed }) = out else {
        panic!("{out:?}");
    };
    assert!(group.starts_with("@@"), "{group}");
    assert!(failed.is_empty(), "{failed:?}");
    assert!(
        p.run_until(Duration::from_secs(30), |p| p
            .client
            .contact(&group)
            .is_some()),
        "the new group was fetched into the book"
    );
    let g = p.client.contact(&group).unwrap();
    for m in &members {
        assert!(
            g.group.members.iter().any(|x| &x.user_name == m),
            "{m} in the group"
        );
    }
    // Our own name there, for mentions; and the server's notice as a room event.
    let me = p.client.me().unwrap().nick_name.clone();
    assert_eq!(p.client.my_name_in(&group), Some(me));
    assert!(
        p.run_until(Duration::from_secs(30), |p| p.messages().iter().any(|m| {
            m.chat == group
                && matches!(
                    m.room_event(),
                    Some(wx_proto::model::RoomEvent::Joined {
                        via: wx_proto::model::JoinVia::Invitation { ref inviter },
                        ..
                    }) if inviter.is_you
                )
        })),
        "the notice of the new group reads as our invitation"
    );
}

#[test]
fn members_are_added_removed_and_the_group_left() {
    let mut p = pair_with(world(6, 1));
    let group = a_group(&p).user_name;
    let outsiders: Vec<String> = {
        let g = a_group(&p);
        friends(&p, 6)
            .into_iter()
            .filter(|f| !g.group.members.iter().any(|m| &m.user_name == f))
            .take(1)
            .collect()
    };
    assert_eq!(outsiders.len(), 1, "a friend outside the group");
    let out = run(
        &mut p,
        Command::AddMembers {
            group: group.clone(),
            members: outsiders.clone(),
        },
    );
    assert_eq!(
        out,
        Ok(OpOutput::Members {
            done: outsiders.clone(),
            failed: vec![],
            invited: false
        })
    );
    let out = run(
        &mut p,
        Command::RemoveMembers {
            group: group.clone(),
            members: outsiders.clone(),
        },
    );
    assert!(
        matches!(&out, Ok(OpOutput::Members { done, .. }) if *done == outsiders),
        "{out:?}"
    );
    assert_eq!(
        run(&mut p, Command::QuitGroup { group }),
        Ok(OpOutput::Done)
    );
    assert_eq!(sent_to(&p, Endpoint::UpdateChatRoom), 3);
}

#[test]
fn a_large_group_gets_invitations_instead() {
    let mut p = pair_with(WorldSpec {
        members_per_group: 45,
        ..world(50, 1)
    });
    let g = a_group(&p);
    assert!(
        g.group.member_count >= 40 || g.group.members.len() >= 40,
        "{}",
        g.group.member_count
    );
    let outsider = friends(&p, 50)
        .into_iter()
        .find(|f| !g.group.members.iter().any(|m| &m.user_name == f))
        .expect("a friend outside the group");
    let out = run(
        &mut p,
        Command::AddMembers {
            group: g.user_name,
            members: vec![outsider],
        },
    );
    assert!(
        matches!(out, Ok(OpOutput::Members { invited: true, .. })),
        "{out:?}"
    );
}

#[test]
fn minus_2013_is_a_partial_success_naming_who_failed() {
    let mut p = pair_with(world(6, 1));
    let group = a_group(&p).user_name;
    let members = friends(&p, 2);
    p.sim.inject(FaultRule {
        endpoint: Some("webwxupdatechatroom".into()),
        fault: Fault::Ret { ret: -2013 },
        times: 1,
    });
    let out = run(
        &mut p,
        Command::AddMembers {
            group,
            members: members.clone(),
        },
    );
    assert_eq!(
        out,
        Ok(OpOutput::Members {
            done: vec![],
            failed: members,
            invited: false
        })
    );
    // Any other code is a failure with its code.
    let group = a_group(&p).user_name;
    p.sim.inject(FaultRule {
        endpoint: Some("webwxupdatechatroom".into()),
        fault: Fault::Ret { ret: 1201 },
        times: 1,
    });
    let members = friends(&p, 1);
    let out = run(&mut p, Command::AddMembers { group, members });
    assert_eq!(out, Err(OpError::GroupGone));
}

#[test]
fn an_accepted_friend_request_brings_the_friend_into_the_book() {
    let mut p = pair_with(world(3, 0));
    let now = p.now;
    p.sim
        .push_friend_request(0, "Stranger", "hi, add me", now)
        .unwrap();
    assert!(p.run_until(Duration::from_secs(60), |p| {
        p.messages().iter().any(|m| Command::accept(m).is_some())
    }));
    let request = p
        .messages()
        .into_iter()
        .find(|m| Command::accept(m).is_some())
        .cloned()
        .unwrap();
    let command = Command::accept(&request).unwrap();
    let Command::AcceptFriend { user_name, .. } = &command else {
        panic!("{command:?}");
    };
    let user_name = user_name.clone();
    assert_eq!(run(&mut p, command), Ok(OpOutput::Done));
    assert!(
        p.run_until(Duration::from_secs(60), |p| p
            .client
            .contact(&user_name)
            .is_some_and(|c| c.is_friend())),
        "the new friend is in the book"
    );
}

#[test]
fn pinning_keeps_the_remark_and_checks_come_first() {
    let mut p = pair_with(world(3, 1));
    let friend = friends(&p, 1).remove(0);
    assert_eq!(
        run(
            &mut p,
            Command::SetRemark {
                user: friend.clone(),
                remark: "Bob".into()
            }
        ),
        Ok(OpOutput::Done)
    );
    assert!(p.run_until(Duration::from_secs(30), |p| {
        p.client
            .contact(&friend)
            .is_some_and(|c| c.remark_name == "Bob")
    }));
    assert_eq!(
        run(
            &mut p,
            Command::Pin {
                user: friend.clone(),
                pinned: true
            }
        ),
        Ok(OpOutput::Done)
    );
    assert_eq!(
        p.client.contact(&friend).map(|c| c.remark_name.clone()),
        Some("Bob".into()),
        "the pin did not clear the remark"
    );
    let ops = |p: &Pair| {
        sent_to(p, Endpoint::CreateChatRoom)
            + sent_to(p, Endpoint::UpdateChatRoom)
            + sent_to(p, Endpoint::VerifyUser)
    };
    let before = ops(&p);
    for bad in [
        Command::CreateGroup {
            topic: String::new(),
            members: vec![friend.clone()],
        },
        Command::AddMembers {
            group: "@@g".into(),
            members: vec![],
        },
        Command::AddMembers {
            group: "@@g".into(),
            members: vec!["@a,@b".into()],
        },
        Command::AcceptFriend {
            user_name: "@x".into(),
            ticket: " ".into(),
        },
    ] {
        assert!(
            matches!(
                p.client.submit(bad, p.now),
                Err(UsageError::InvalidArgument(_))
            ),
            "refused"
        );
    }
    p.settle();
    assert_eq!(ops(&p), before, "no request for a refused command");
}
