//! Runs beyond the table: commands during a held synccheck, faults with a message count,
//! and many accounts on one simulator.

use std::time::{Duration, Instant};

use wx_proto::client::{Command, Event, OpOutput};
use wx_proto::model::MessageKind;
use wx_sim::{Body, Fault, FaultRule, LoginPolicy, Push, WorldSpec};

use super::{Env, Start, client_config, lost_and_duplicated, messages};

const GUARD: Duration = Duration::from_secs(30);

pub(crate) fn auto_login(world: WorldSpec) -> wx_sim::Config {
    wx_sim::Config {
        world,
        login: LoginPolicy::Auto {
            scan_after: Duration::from_millis(20),
            confirm_after: Duration::from_millis(20),
            account: 0,
        },
        ..wx_sim::Config::default()
    }
}

fn ready(e: &Event) -> bool {
    matches!(e, Event::Ready { .. })
}

/// Sends while the synccheck is held, revoke, remark, rename, forward a revoked image,
/// logout. Panics (test failure) on any miss.
pub fn run_ops(tls: bool, start: &Start) {
    let mut cfg = auto_login(WorldSpec {
        contacts: 5,
        groups: 1,
        ..WorldSpec::default()
    });
    cfg.poll_hold = Duration::from_secs(20);
    // The echo of our own send would answer the held synccheck at once.
    cfg.echo_sent = false;
    let env = Env::new(tls, cfg);
    let s = start(&env, client_config(&env.base), 2);
    let mut seen = Vec::new();
    s.wait_for(&mut seen, GUARD, ready).expect("ready");
    let (friend, group) = env.sim(|sim, _| {
        let a = &sim.world().accounts[0];
        let f = a.friends().next().unwrap().user_name.clone();
        let g = a.groups().next().unwrap().user_name.clone();
        (f, g)
    });
    // An image arrives, then its sender revokes it.
    let image_id = env
        .sim(|sim, now| sim.push(&Push::default(), &Body::Image, now))
        .unwrap();
    let image = s
        .wait_for(
            &mut seen,
            GUARD,
            |e| matches!(e, Event::Message { message, .. } if message.msg_id == image_id),
        )
        .expect("the image");
    let Event::Message { message: image, .. } = image else {
        unreachable!()
    };
    assert!(matches!(image.kind, MessageKind::Image(_)));
    env.sim(|sim, now| {
        sim.push(
            &Push::default(),
            &Body::Revoke {
                msg_id: image_id.clone(),
                nick: "friend".into(),
            },
            now,
        )
    })
    .unwrap();
    s.wait_for(
        &mut seen,
        GUARD,
        |e| matches!(e, Event::Message { message, .. } if message.raw.msg_type == 10002),
    )
    .expect("the revoke notice");
    // Wait until the next synccheck is held, then send beside it.
    let end = Instant::now() + GUARD;
    let held = loop {
        let held = env.sim(|sim, _| sim.held_ids());
        if held.len() == 1 || Instant::now() > end {
            break held;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(held.len(), 1, "one synccheck held");
    let sent = (s.submit)(Command::SendText {
        to: friend.clone(),
        text: "hi there".into(),
    })
    .unwrap();
    let OpOutput::Sent {
        msg_id,
        client_msg_id,
    } = sent
    else {
        panic!("{sent:?}")
    };
    assert_eq!(
        env.sim(|sim, _| sim.held_ids()),
        held,
        "the same long poll is still held"
    );
    let revoke = Command::Revoke {
        to: friend.clone(),
        msg_id: msg_id.clone(),
        client_msg_id,
    };
    assert_eq!((s.submit)(revoke), Ok(OpOutput::Done));
    assert!(env.sim(|sim, _| sim.sent().iter().any(|x| x.msg_id == msg_id && x.revoked)));
    let remark = Command::SetRemark {
        user: friend.clone(),
        remark: "Bestie".into(),
    };
    assert_eq!((s.submit)(remark), Ok(OpOutput::Done));
    let rename = Command::RenameGroup {
        group: group.clone(),
        topic: "Renamed".into(),
    };
    assert_eq!((s.submit)(rename), Ok(OpOutput::Done));
    let forward = Command::ForwardImage {
        to: friend.clone(),
        content: image.content.clone(),
    };
    let fwd = (s.submit)(forward).unwrap();
    assert!(matches!(fwd, OpOutput::Sent { .. }), "{fwd:?}");
    assert!(env.sim(|sim, _| {
        sim.sent()
            .iter()
            .any(|x| x.endpoint == "webwxsendmsgimg" && x.to == friend)
    }));
    // The server pushes the remark and the new name back.
    let changed = |seen: &[Event]| {
        let contacts = seen.iter().filter_map(|e| match e {
            Event::ContactsChanged(c) => Some(c),
            _ => None,
        });
        let all: Vec<_> = contacts.flatten().collect();
        all.iter()
            .any(|c| c.user_name == friend && c.remark_name == "Bestie")
            && all
                .iter()
                .any(|c| c.user_name == group && c.nick_name == "Renamed")
    };
    while !changed(&seen) {
        let more = s.wait_for(&mut seen, GUARD, |e| matches!(e, Event::ContactsChanged(_)));
        assert!(more.is_some(), "remark and rename pushed back");
    }
    assert!(s.close(&mut seen), "logout and shutdown");
    let last = seen.last();
    assert!(
        matches!(
            last,
            Some(Event::LoggedOut(
                wx_proto::client::LogoutReason::UserRequested
            ))
        ),
        "{last:?}"
    );
    assert_eq!(
        env.sim(|sim, _| sim.live_sessions(0)),
        0,
        "the server saw the logout"
    );
}

/// Faults on every sync endpoint while messages arrive: nothing lost, nothing twice.
pub fn run_faults(tls: bool, start: &Start) -> (usize, usize, usize) {
    let env = Env::new(
        tls,
        auto_login(WorldSpec {
            contacts: 5,
            groups: 1,
            ..WorldSpec::default()
        }),
    );
    let s = start(&env, client_config(&env.base), 3);
    let mut seen = Vec::new();
    s.wait_for(&mut seen, GUARD, ready).expect("ready");
    let faults = [
        ("synccheck", Fault::Drop),
        ("webwxsync", Fault::Status { code: 500 }),
        ("webwxsync", Fault::Truncate { keep: 40 }),
        ("synccheck", Fault::Garbage),
        ("webwxsync", Fault::Garbage),
        ("webwxsync", Fault::Redeliver),
        ("webwxsync", Fault::Delay { ms: 4_000 }),
        ("synccheck", Fault::Status { code: 502 }),
        ("webwxsync", Fault::Drop),
    ];
    let mut pushed = Vec::new();
    for (i, (endpoint, fault)) in faults.into_iter().enumerate() {
        env.sim(|sim, _| {
            sim.inject(FaultRule {
                endpoint: Some(endpoint.into()),
                fault,
                times: 1,
            })
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
            let body = Body::Text {
                text: format!("m{i}-{j}"),
            };
            pushed.push(env.sim(|sim, now| sim.push(&push, &body, now)).unwrap());
        }
        let want = pushed.last().unwrap().clone();
        s.wait_for(
            &mut seen,
            GUARD,
            |e| matches!(e, Event::Message { message, .. } if message.msg_id == want),
        )
        .unwrap_or_else(|| panic!("message after fault {i} never came"));
    }
    // Give a redelivery or a late duplicate the chance to show up.
    let last = Body::Text {
        text: "last".into(),
    };
    let last_id = env
        .sim(|sim, now| sim.push(&Push::default(), &last, now))
        .unwrap();
    pushed.push(last_id.clone());
    s.wait_for(
        &mut seen,
        GUARD,
        |e| matches!(e, Event::Message { message, .. } if message.msg_id == last_id),
    )
    .expect("last");
    let faults_left = env.sim(|sim, _| sim.pending_faults());
    let problems = seen
        .iter()
        .filter(|e| matches!(e, Event::Problem(_)))
        .count();
    assert!(s.close(&mut seen), "shutdown");
    assert_eq!(faults_left, 0, "every fault was served");
    let (lost, dup) = lost_and_duplicated(&seen, &pushed);
    (lost, dup, problems)
}

/// `n` sessions, one per account, against one simulator; each is pushed `per` texts one
/// round at a time, then `per` more all at once.
pub fn run_many(n: usize, per: usize, start: &Start) -> Many {
    let cfg = wx_sim::Config {
        world: WorldSpec {
            accounts: n,
            contacts: 10,
            groups: 1,
            members_per_group: 4,
            ..WorldSpec::default()
        },
        poll_hold: Duration::from_secs(5),
        ..wx_sim::Config::default()
    };
    let env = std::sync::Arc::new(Env::new(false, cfg));
    let mut sessions = Vec::new();
    for i in 0..n {
        let s = start(&env, client_config(&env.base), i as u8);
        sessions.push(s);
    }
    // Log each session in as its own account: scan its QR as account i.
    let mut seen: Vec<Vec<Event>> = vec![Vec::new(); n];
    for (i, s) in sessions.iter().enumerate() {
        let qr = s
            .wait_for(&mut seen[i], GUARD, |e| matches!(e, Event::QrCode { .. }))
            .expect("qr");
        let Event::QrCode { uuid, .. } = qr else {
            unreachable!()
        };
        env.sim(|sim, now| {
            sim.scan(&uuid, i, now)
                .and_then(|()| sim.confirm(&uuid, now))
        })
        .unwrap();
    }
    for (i, s) in sessions.iter().enumerate() {
        s.wait_for(&mut seen[i], Duration::from_secs(60), ready)
            .unwrap_or_else(|| panic!("session {i} not ready"));
    }
    // Lock-step: one text to every session, all delivered before the next round.
    let t0 = Instant::now();
    let mut received = 0;
    for k in 0..per {
        let ids: Vec<String> = env.sim(|sim, now| {
            (0..n)
                .map(|i| {
                    let push = Push {
                        account: i,
                        ..Push::default()
                    };
                    sim.push(
                        &push,
                        &Body::Text {
                            text: format!("step {k}"),
                        },
                        now,
                    )
                    .unwrap()
                })
                .collect()
        });
        for (i, s) in sessions.iter().enumerate() {
            let id = &ids[i];
            if messages(&seen[i]).iter().any(|m| &m.msg_id == id)
                || s.wait_for(
                    &mut seen[i],
                    GUARD,
                    |e| matches!(e, Event::Message { message, .. } if &message.msg_id == id),
                )
                .is_some()
            {
                received += 1;
            }
        }
    }
    let lockstep = t0.elapsed().as_secs_f64();
    // Burst: `per` texts to every session at once.
    let t0 = Instant::now();
    let mut pushed = vec![Vec::new(); n];
    for k in 0..per {
        env.sim(|sim, now| {
            for (i, p) in pushed.iter_mut().enumerate() {
                let push = Push {
                    account: i,
                    ..Push::default()
                };
                p.push(
                    sim.push(
                        &push,
                        &Body::Text {
                            text: format!("load {k}"),
                        },
                        now,
                    )
                    .unwrap(),
                );
            }
        });
    }
    for (i, s) in sessions.iter().enumerate() {
        let want: std::collections::HashSet<String> = pushed[i].iter().cloned().collect();
        let mut got = messages(&seen[i])
            .iter()
            .filter(|m| want.contains(&m.msg_id))
            .count();
        while got < want.len() {
            if s.wait_for(&mut seen[i], GUARD, |e| matches!(e, Event::Message { .. }))
                .is_none()
            {
                break;
            }
            got = messages(&seen[i])
                .iter()
                .filter(|m| want.contains(&m.msg_id))
                .count();
        }
        received += got;
    }
    let burst = t0.elapsed().as_secs_f64();
    let closers: Vec<_> = sessions
        .into_iter()
        .zip(seen)
        .map(|(s, mut seen)| std::thread::spawn(move || s.close(&mut seen)))
        .collect();
    for c in closers {
        assert!(c.join().unwrap(), "a session did not shut down");
    }
    Many {
        received,
        pushed: 2 * n * per,
        lockstep_rate: (n * per) as f64 / lockstep,
        burst_rate: (n * per) as f64 / burst,
    }
}

/// What [`run_many`] measured.
#[derive(Debug)]
pub struct Many {
    /// Messages delivered (each counted once).
    pub received: usize,
    /// Messages pushed.
    pub pushed: usize,
    /// Messages per second when every round waits for the previous one to be delivered
    /// to all sessions (a full synccheck + webwxsync cycle per message).
    pub lockstep_rate: f64,
    /// Messages per second when `per` texts per session are pushed at once.
    pub burst_rate: f64,
}

/// The server's front end restarts twice mid-session (every connection cut, new ones
/// turned away for a while) while messages keep arriving: the session goes on, nothing is
/// lost or delivered twice. Returns (lost, duplicated).
pub fn run_restart(start: &Start) -> (usize, usize) {
    let env = Env::new(
        false,
        auto_login(WorldSpec {
            contacts: 5,
            groups: 1,
            ..WorldSpec::default()
        }),
    );
    let upstream: std::net::SocketAddr = env.base.trim_start_matches("http://").parse().unwrap();
    let relay = super::raw::Relay::new(upstream);
    let base = format!("http://{}", relay.addr);
    env.sim(|sim, _| sim.set_base_url(&base));
    let s = start(&env, client_config(&base), 4);
    let mut seen = Vec::new();
    s.wait_for(&mut seen, GUARD, ready).expect("ready");
    let mut pushed = Vec::new();
    let mut push = |env: &Env, text: String| {
        let body = Body::Text { text };
        pushed.push(
            env.sim(|sim, now| sim.push(&Push::default(), &body, now))
                .unwrap(),
        );
        pushed.last().unwrap().clone()
    };
    for round in 0..2 {
        let before = push(&env, format!("before {round}"));
        s.wait_for(
            &mut seen,
            GUARD,
            |e| matches!(e, Event::Message { message, .. } if message.msg_id == before),
        )
        .expect("before the restart");
        // Messages pushed while the front end is down wait in the server.
        let during = std::thread::scope(|scope| {
            let h = scope.spawn(|| relay.restart(Duration::from_millis(700)));
            std::thread::sleep(Duration::from_millis(100));
            let during = push(&env, format!("during {round}"));
            h.join().unwrap();
            during
        });
        let after = push(&env, format!("after {round}"));
        for id in [during, after] {
            s.wait_for(
                &mut seen,
                GUARD,
                |e| matches!(e, Event::Message { message, .. } if message.msg_id == id),
            )
            .unwrap_or_else(|| panic!("a message after restart {round} never came"));
        }
    }
    assert!(
        !seen.iter().any(|e| matches!(e, Event::LoggedOut(_))),
        "the session survived"
    );
    let transport_problems = seen
        .iter()
        .filter(|e| matches!(e, Event::Problem(p) if matches!(p.kind, wx_proto::client::ProblemKind::Transport(_))))
        .count();
    assert!(transport_problems >= 1, "the restarts were felt");
    assert!(s.close(&mut seen), "shutdown");
    lost_and_duplicated(&seen, &pushed)
}
