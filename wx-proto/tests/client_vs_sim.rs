//! The Client against the wx-sim core in memory (virtual time): login, paging, every
//! message type, sends during the long poll, revoke, kick, throttle, faults, and a whole
//! simulated day with nothing lost or delivered twice.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

use wx_testkit::pair;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use pair::Pair;
use wx_proto::client::*;
use wx_proto::model::MessageKind;
use wx_sim::{Body, Fault, FaultRule, Push, WorldSpec};

fn world(contacts: usize, groups: usize) -> WorldSpec {
    WorldSpec {
        contacts,
        groups,
        ..WorldSpec::default()
    }
}

#[test]
fn login_runs_to_ready_with_every_contact_and_group() {
    let mut p = Pair::with_world(world(20, 3));
    p.login();
    let kinds: Vec<&str> = p
        .events
        .iter()
        .map(|e| match e {
            Event::QrCode { .. } => "qr",
            Event::Scanned { .. } => "scanned",
            Event::Confirmed => "confirmed",
            Event::LoggedIn { .. } => "logged-in",
            Event::Ready { .. } => "ready",
            _ => "other",
        })
        .filter(|k| *k != "other")
        .collect();
    assert_eq!(kinds, ["qr", "scanned", "confirmed", "logged-in", "ready"]);
    assert_eq!(p.client.phase(), Phase::Running);
    let groups: Vec<_> = p.client.contacts().filter(|c| c.is_group()).collect();
    assert_eq!(groups.len(), 3);
    assert!(
        groups.iter().all(|g| !g.group.members.is_empty()),
        "members batch-fetched"
    );
    assert!(p.client.contacts().filter(|c| c.is_friend()).count() >= 20);
}

#[test]
fn thousands_of_contacts_arrive_through_seq_paging() {
    let mut p = Pair::with_world(world(3000, 120));
    p.login();
    let ready = p.events.iter().find_map(|e| match e {
        Event::Ready { contacts, groups } => Some((*contacts, *groups)),
        _ => None,
    });
    let (contacts, groups) = ready.unwrap();
    assert!(contacts >= 3000 + 120, "{contacts}");
    assert_eq!(groups, 120);
    let served = p.sim.served_by();
    assert!(
        served.get("webwxgetcontact").copied().unwrap_or(0) >= 6,
        "{served:?}"
    );
    // webwxinit lists every group with its members: none is fetched again, and the
    // contact pages (MemberCount 0, no members) do not wipe them.
    let book = p.client.book();
    assert!(
        book.groups()
            .all(|g| !g.group.members.is_empty() && !book.members_incomplete(&g.user_name)),
        "every group keeps its members"
    );
    assert_eq!(served.get("webwxbatchgetcontact"), None, "{served:?}");
}

#[test]
fn an_expired_qr_is_renewed() {
    let now = Instant::now();
    let cfg = wx_sim::Config {
        base_url: pair::BASE.into(),
        qr_lifetime: Duration::from_secs(60),
        ..wx_sim::Config::default()
    };
    let sim = wx_sim::Sim::new(cfg, now, pair::wall());
    let mut p = Pair::new(Config::for_base_url(pair::BASE), sim, now);
    p.run_until(Duration::from_secs(200), |p| {
        p.count(|e| matches!(e, Event::QrCode { .. })) >= 3
    });
    let renewals: Vec<u32> = p
        .events
        .iter()
        .filter_map(|e| match e {
            Event::QrCode { renewal, .. } => Some(*renewal),
            _ => None,
        })
        .collect();
    assert_eq!(&renewals[..3], &[0, 1, 2]);
    // Now scan and confirm the current one by hand.
    let uuid = p.sim.latest_uuid().unwrap().to_owned();
    p.sim.scan(&uuid, 0, p.now).unwrap();
    p.sim.confirm(&uuid, p.now).unwrap();
    p.login();
}

#[test]
fn a_refused_login_ends_with_the_servers_message() {
    let mut p = Pair::with_world(world(5, 1));
    p.sim.refuse_login(0, true).unwrap();
    p.run_until(Duration::from_secs(60), |p| {
        p.client.phase() == Phase::LoggedOut
    });
    assert!(p.events.iter().any(|e| matches!(e, Event::LoginRefused { code: wx_proto::RetCode::LoginRefused, message } if !message.is_empty())));
    assert!(matches!(
        p.events.last(),
        Some(Event::LoggedOut(LogoutReason::LoginRefused(_)))
    ));
}

fn every_body() -> Vec<Body> {
    vec![
        Body::Text {
            text: "hello\nworld <&>".into(),
        },
        Body::Image,
        Body::Voice { ms: 3000 },
        Body::FriendRequest {
            nick: "Stranger".into(),
            greeting: "hi, I'm S".into(),
        },
        Body::Card {
            nick: "Card Person".into(),
        },
        Body::Video {
            secs: 5,
            size: 2048,
        },
        Body::Emoticon,
        Body::Location {
            label: "Somewhere".into(),
            lat: 22.5,
            lng: 114.0,
        },
        Body::Link {
            title: "A link".into(),
            url: "https://example.org/a".into(),
        },
        Body::File {
            name: "report.pdf".into(),
            size: 4096,
        },
        Body::System {
            text: "You added Stranger".into(),
        },
    ]
}

#[test]
fn every_message_type_from_contacts_and_groups_arrives_once_and_typed() {
    let mut p = Pair::with_world(world(10, 2));
    p.login();
    let before = p.messages().len();
    let mut pushed = Vec::new();
    for (i, body) in every_body().into_iter().enumerate() {
        let push = if i % 2 == 0 {
            Push::default()
        } else {
            Push {
                group: Some("0".into()),
                ..Push::default()
            }
        };
        let id = p.sim.push(&push, &body, p.now).unwrap();
        pushed.push(id);
        p.run_for(Duration::from_secs(1));
    }
    p.run_for(Duration::from_secs(30));
    let got: Vec<_> = p.messages()[before..].to_vec();
    let ids: Vec<&str> = got.iter().map(|m| m.msg_id.as_str()).collect();
    assert_eq!(ids, pushed.iter().map(String::as_str).collect::<Vec<_>>());
    let kind = |i: usize| &got[i].kind;
    assert!(matches!(kind(0), MessageKind::Text(t) if t.text == "hello\nworld <&>"));
    assert!(matches!(kind(1), MessageKind::Image(_)));
    assert!(got[1].is_group && !got[1].sender.is_empty() && got[1].sender != got[1].chat);
    assert!(matches!(kind(2), MessageKind::Voice(_)));
    assert!(matches!(kind(3), MessageKind::FriendRequest(_)));
    assert!(matches!(kind(4), MessageKind::Card(_)));
    assert!(matches!(kind(5), MessageKind::Video(_)));
    assert!(matches!(kind(6), MessageKind::Emoticon { .. }));
    assert!(matches!(kind(7), MessageKind::Location(_)));
    assert!(matches!(kind(8), MessageKind::App(_)));
    assert!(matches!(kind(9), MessageKind::App(_)));
    assert!(matches!(kind(10), MessageKind::System { .. }));
}

fn op_result(p: &Pair, op: OpId) -> Option<&Result<OpOutput, OpError>> {
    p.events.iter().find_map(|e| match e {
        Event::OpDone { op: o, result } if *o == op => Some(result),
        _ => None,
    })
}

#[test]
fn sends_run_during_the_long_poll_and_can_be_revoked() {
    let mut p = Pair::with_world(world(5, 1));
    p.login();
    p.run_for(Duration::from_secs(3));
    let friend = p.a_friend();
    let op = p
        .client
        .submit(
            Command::SendText {
                to: friend.clone(),
                text: "hi there".into(),
            },
            p.now,
        )
        .unwrap();
    p.run_for(Duration::from_millis(10));
    let (msg_id, client_msg_id) = match op_result(&p, op) {
        Some(Ok(OpOutput::Sent {
            msg_id,
            client_msg_id,
        })) => (msg_id.clone(), client_msg_id.clone()),
        other => panic!("{other:?}"),
    };
    let sent = p.sim.sent().last().unwrap().clone();
    assert_eq!(
        (
            sent.msg_id.as_str(),
            sent.content.as_str(),
            sent.to.as_str()
        ),
        (msg_id.as_str(), "hi there", friend.as_str())
    );
    assert_eq!(sent.local_id, client_msg_id);
    let rv = p
        .client
        .submit(
            Command::Revoke {
                to: friend.clone(),
                msg_id: msg_id.clone(),
                client_msg_id,
            },
            p.now,
        )
        .unwrap();
    p.run_for(Duration::from_secs(1));
    assert!(matches!(op_result(&p, rv), Some(Ok(OpOutput::Done))));
    assert!(p.sim.sent().last().unwrap().revoked);
    // Our own send echoed back by webwxsync is not delivered as news.
    p.run_for(Duration::from_secs(30));
    assert!(!p.messages().iter().any(|m| m.msg_id == msg_id));
    // Too late: more than two minutes after the send.
    let op = p
        .client
        .submit(
            Command::SendText {
                to: friend.clone(),
                text: "late".into(),
            },
            p.now,
        )
        .unwrap();
    p.run_for(Duration::from_millis(10));
    let Some(Ok(OpOutput::Sent {
        msg_id,
        client_msg_id,
    })) = op_result(&p, op).cloned()
    else {
        panic!()
    };
    p.run_for(Duration::from_secs(180));
    let rv = p
        .client
        .submit(
            Command::Revoke {
                to: friend,
                msg_id,
                client_msg_id,
            },
            p.now,
        )
        .unwrap();
    p.run_for(Duration::from_secs(1));
    assert!(
        matches!(op_result(&p, rv), Some(Err(OpError::Server { .. }))),
        "{:?}",
        op_result(&p, rv)
    );
}

#[test]
fn remark_rename_and_mark_read_reach_the_server() {
    let mut p = Pair::with_world(world(5, 1));
    p.login();
    let friend = p.a_friend();
    let group = p
        .client
        .contacts()
        .find(|c| c.is_group())
        .unwrap()
        .user_name
        .clone();
    let a = p
        .client
        .submit(
            Command::SetRemark {
                user: friend.clone(),
                remark: "Bestie".into(),
            },
            p.now,
        )
        .unwrap();
    let b = p
        .client
        .submit(
            Command::RenameGroup {
                group: group.clone(),
                topic: "Renamed".into(),
            },
            p.now,
        )
        .unwrap();
    let c = p
        .client
        .submit(
            Command::MarkRead {
                chat: friend.clone(),
            },
            p.now,
        )
        .unwrap();
    p.run_for(Duration::from_secs(40));
    for op in [a, b, c] {
        assert!(
            matches!(op_result(&p, op), Some(Ok(OpOutput::Done))),
            "{:?}",
            op_result(&p, op)
        );
    }
    // The server pushes the changes back as ModContactList.
    assert_eq!(
        p.client.contact(&friend).map(|c| c.remark_name.as_str()),
        Some("Bestie")
    );
    assert_eq!(
        p.client.contact(&group).map(|c| c.nick_name.as_str()),
        Some("Renamed")
    );
}

#[test]
fn kick_and_logout_end_the_session_with_distinct_reasons() {
    let mut p = Pair::with_world(world(3, 0));
    p.login();
    p.sim.kick(0);
    p.run_until(Duration::from_secs(60), |p| {
        p.client.phase() == Phase::LoggedOut
    });
    assert!(
        matches!(
            p.events.last(),
            Some(Event::LoggedOut(LogoutReason::Kicked))
        ),
        "{:?}",
        p.events.last()
    );

    let mut p = Pair::with_world(world(3, 0));
    p.login();
    let op = p.client.submit(Command::Logout, p.now).unwrap();
    p.run_until(Duration::from_secs(10), |p| {
        p.client.phase() == Phase::LoggedOut
    });
    assert!(matches!(op_result(&p, op), Some(Ok(OpOutput::Done))));
    assert!(matches!(
        p.events.last(),
        Some(Event::LoggedOut(LogoutReason::UserRequested))
    ));
    assert_eq!(p.sim.live_sessions(0), 0, "the server saw the logout");
}

#[test]
fn throttling_backs_off_then_messages_flow_again() {
    let mut p = Pair::with_world(world(3, 0));
    p.login();
    p.sim.inject(FaultRule {
        endpoint: Some("synccheck".into()),
        fault: Fault::Ret { ret: 1205 },
        times: 1,
    });
    p.run_for(Duration::from_secs(30));
    assert!(p.events.iter().any(|e| matches!(
        e,
        Event::Problem(Problem {
            kind: ProblemKind::Throttled,
            ..
        })
    )));
    let id = p
        .sim
        .push(
            &Push::default(),
            &Body::Text {
                text: "after".into(),
            },
            p.now,
        )
        .unwrap();
    p.run_for(Duration::from_secs(400));
    assert!(p.messages().iter().any(|m| m.msg_id == id));
    assert_eq!(p.client.phase(), Phase::Running);
}

/// Counts each pushed message's deliveries.
fn tally(p: &Pair, pushed: &[String]) -> (usize, usize) {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for m in p.messages() {
        *seen.entry(m.msg_id.as_str()).or_default() += 1;
    }
    let lost = pushed
        .iter()
        .filter(|id| !seen.contains_key(id.as_str()))
        .count();
    let dup = seen.values().filter(|&&n| n > 1).count();
    (lost, dup)
}

#[test]
fn faults_lose_nothing_and_duplicate_nothing() {
    let mut p = Pair::with_world(world(5, 1));
    p.login();
    let faults = [
        ("synccheck", Fault::Drop),
        ("webwxsync", Fault::Status { code: 500 }),
        ("webwxsync", Fault::Truncate { keep: 40 }),
        ("synccheck", Fault::Garbage),
        ("webwxsync", Fault::Garbage),
        ("webwxsync", Fault::Redeliver),
        ("synccheck", Fault::Delay { ms: 50_000 }),
        ("webwxsync", Fault::Drop),
    ];
    let mut pushed = Vec::new();
    for (i, (endpoint, fault)) in faults.into_iter().enumerate() {
        p.sim.inject(FaultRule {
            endpoint: Some(endpoint.into()),
            fault,
            times: 1,
        });
        for j in 0..3 {
            let push = if j == 1 {
                Push {
                    group: Some("0".into()),
                    ..Push::default()
                }
            } else {
                Push::default()
            };
            pushed.push(
                p.sim
                    .push(
                        &push,
                        &Body::Text {
                            text: format!("m{i}-{j}"),
                        },
                        p.now,
                    )
                    .unwrap(),
            );
            p.run_for(Duration::from_secs(2));
        }
        p.run_for(Duration::from_secs(90));
    }
    p.run_for(Duration::from_secs(120));
    assert_eq!(p.client.phase(), Phase::Running);
    assert_eq!(tally(&p, &pushed), (0, 0), "lost, duplicated");
    assert!(p.count(|e| matches!(e, Event::Problem(_))) >= 6);
}

#[test]
fn a_simulated_day_with_faults() {
    let started = std::time::Instant::now();
    let mut p = Pair::with_world(world(200, 10));
    p.login();
    let mut pushed = Vec::new();
    let mut sent = 0;
    let friend = p.a_friend();
    for minute in 0..(24 * 60) {
        if minute % 4 == 0 {
            let push = if minute % 8 == 0 {
                Push {
                    group: Some("1".into()),
                    ..Push::default()
                }
            } else {
                Push::default()
            };
            pushed.push(
                p.sim
                    .push(
                        &push,
                        &Body::Text {
                            text: format!("minute {minute}"),
                        },
                        p.now,
                    )
                    .unwrap(),
            );
        }
        if minute % 30 == 0 {
            let fault = match (minute / 30) % 5 {
                0 => Fault::Drop,
                1 => Fault::Status { code: 502 },
                2 => Fault::Garbage,
                3 => Fault::Truncate { keep: 10 },
                _ => Fault::Redeliver,
            };
            let endpoint = if minute % 60 == 0 {
                "webwxsync"
            } else {
                "synccheck"
            };
            p.sim.inject(FaultRule {
                endpoint: Some(endpoint.into()),
                fault,
                times: 1,
            });
        }
        if minute % 15 == 0 {
            p.client
                .submit(
                    Command::SendText {
                        to: friend.clone(),
                        text: format!("ping {minute}"),
                    },
                    p.now,
                )
                .unwrap();
            sent += 1;
        }
        p.run_for(Duration::from_secs(60));
    }
    p.run_for(Duration::from_secs(300));
    let (lost, dup) = tally(&p, &pushed);
    let sends_ok = p.count(|e| {
        matches!(
            e,
            Event::OpDone {
                result: Ok(OpOutput::Sent { .. }),
                ..
            }
        )
    });
    let synccheck = p.sim.served_by().get("synccheck").copied().unwrap_or(0);
    eprintln!(
        "simulated day: {} wall ms, {} requests, {} synccheck cycles, {} received, {} sent ({} ok), lost {lost}, duplicated {dup}, problems {}",
        started.elapsed().as_millis(),
        p.requests,
        synccheck,
        pushed.len(),
        sent,
        sends_ok,
        p.count(|e| matches!(e, Event::Problem(_)))
    );
    assert_eq!(p.client.phase(), Phase::Running);
    assert_eq!((lost, dup), (0, 0));
    assert_eq!(sends_ok, sent);
    assert!(synccheck > 3000, "thousands of sync cycles: {synccheck}");
}

#[test]
fn a_revoked_image_is_forwarded_from_its_xml() {
    let mut p = Pair::with_world(world(5, 1));
    p.login();
    let id = p.sim.push(&Push::default(), &Body::Image, p.now).unwrap();
    p.run_for(Duration::from_secs(2));
    let info = p
        .messages()
        .iter()
        .find(|m| m.msg_id == id)
        .and_then(|m| match &m.kind {
            MessageKind::Image(img) => img.content.xml().cloned(),
            _ => None,
        })
        .expect("an image with XML metadata");
    p.sim
        .push(
            &Push::default(),
            &Body::Revoke {
                msg_id: id.clone(),
                nick: "Friend".into(),
            },
            p.now,
        )
        .unwrap();
    p.run_for(Duration::from_secs(2));
    assert!(
        p.messages()
            .iter()
            .any(|m| matches!(&m.kind, MessageKind::Revoke(r) if r.revoked_msg_id == id))
    );
    let friend = p.a_friend();
    let xml = info
        .forward_xml()
        .expect("aeskey, cdnthumburl and md5 present");
    let op = p
        .client
        .submit(
            Command::ForwardImage {
                to: friend.clone(),
                content: xml,
            },
            p.now,
        )
        .unwrap();
    p.run_for(Duration::from_secs(1));
    assert!(
        matches!(op_result(&p, op), Some(Ok(OpOutput::Sent { .. }))),
        "{:?}",
        op_result(&p, op)
    );
    let sent = p.sim.sent().last().unwrap();
    assert_eq!(
        (
            sent.endpoint.as_str(),
            sent.msg_type,
            sent.media_id.as_str()
        ),
        ("webwxsendmsgimg", 3, "")
    );
    assert!(
        sent.content.contains(info.md5.as_deref().unwrap()),
        "{}",
        sent.content
    );
    assert!(
        sent.content
            .contains(info.cdn_thumb_url.as_deref().unwrap())
    );
}
