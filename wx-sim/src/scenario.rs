//! The scenario table: named scripts of server-side steps and what a correct client shows.
//!
//! Adapter tests replay each [`Case`]: they build a [`Sim`] (in memory or behind
//! [`crate::serve`]) from [`Case::config`], drive their client, call [`Runner::step`] whenever
//! they have a moment (after each event, or on a short timer), and at the end check
//! [`Case::expect`]: the client-side items against their client's events, the server-side
//! ones with [`Runner::check_sim`].

use crate::content::Body;
use crate::fault::{Fault, FaultRule};
use crate::login::LoginPolicy;
use crate::sim::{Config, Push, Sim};
use crate::world::WorldSpec;
use std::time::{Duration, Instant};

/// One server-side step. `Await*` steps wait for the client to get somewhere.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Wait until the client has asked jslogin for a uuid (`n`-th uuid, counting from 1).
    AwaitQr(usize),
    /// The phone of account 0 scans the newest uuid.
    Scan,
    /// The phone confirms it.
    Confirm,
    /// Make the newest uuid expire.
    ExpireQr,
    /// "Cancel" on the phone after the scan of the newest uuid.
    Cancel,
    /// Wait until account 0 has a live session whose client called webwxinit.
    AwaitSession,
    /// Let this much time pass before the next step.
    Wait(Duration),
    /// Push a message into account 0.
    Push(Push, Body),
    /// Wait until the client has sent this many messages in total.
    AwaitSent(usize),
    /// End account 0's sessions with this code (1100 expire, 1101 elsewhere, 1102 kick).
    End(u32),
    /// Refuse account 0's web login (1203).
    Refuse,
    /// Add a fault rule.
    Fault(FaultRule),
    /// Rotate account 0's skey.
    RotateSkey,
}

/// What a correct client ends up showing. Deliberately exhaustive: a new expectation must
/// be handled by every adapter's replay.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// The client reported a successful login.
    LoggedIn,
    /// The client reported a refused login with this `ret`.
    LoginRefused(i64),
    /// The client reported that the session ended with this code.
    LoggedOut(u32),
    /// The client asked for at least this many uuids (QR renewal).
    UuidsAtLeast(usize),
    /// The client delivered a text message containing this, once.
    ReceivedText(String),
    /// The client delivered a message of each of these MsgTypes.
    ReceivedTypes(Vec<u32>),
    /// The client knows at least this many contacts after paging.
    ContactsAtLeast(usize),
    /// The server recorded at least this many sends.
    SentAtLeast(usize),
    /// No MsgId was delivered twice to the user.
    NoDuplicates,
    /// The client logged out by itself (webwxlogout reached the server).
    ClientLoggedOut,
}

/// A named scenario.
#[derive(Debug, Clone)]
pub struct Case {
    /// Unique name.
    pub name: &'static str,
    /// World size.
    pub world: WorldSpec,
    /// Contacts per getcontact page.
    pub contact_page: usize,
    /// The server-side steps, in order.
    pub script: Vec<Step>,
    /// What a correct client shows at the end.
    pub expect: Vec<Expect>,
}

impl Case {
    /// The simulator settings for this case (manual login: the script scans and confirms).
    pub fn config(&self, base_url: &str) -> Config {
        Config {
            base_url: base_url.to_string(),
            world: self.world.clone(),
            login: LoginPolicy::Manual,
            contact_page: self.contact_page,
            ..Config::default()
        }
    }
}

fn text(t: &str) -> Body {
    Body::Text { text: t.into() }
}

fn login() -> Vec<Step> {
    vec![
        Step::AwaitQr(1),
        Step::Scan,
        Step::Wait(Duration::from_secs(1)),
        Step::Confirm,
        Step::AwaitSession,
    ]
}

fn group(i: usize) -> Push {
    Push {
        account: 0,
        from: None,
        group: Some(i.to_string()),
    }
}

/// The table.
pub fn cases() -> Vec<Case> {
    let small = WorldSpec::default();
    let mut cases = vec![
        Case {
            name: "login_scan_confirm",
            world: small.clone(),
            contact_page: 500,
            script: login(),
            expect: vec![Expect::LoggedIn, Expect::ContactsAtLeast(small.contacts)],
        },
        Case {
            name: "qr_expiry_and_renewal",
            world: small.clone(),
            contact_page: 500,
            script: vec![
                Step::AwaitQr(1),
                Step::ExpireQr,
                Step::AwaitQr(2),
                Step::Scan,
                Step::Confirm,
                Step::AwaitSession,
            ],
            expect: vec![Expect::UuidsAtLeast(2), Expect::LoggedIn],
        },
        Case {
            name: "cancel_then_rescan",
            world: small.clone(),
            contact_page: 500,
            script: vec![
                Step::AwaitQr(1),
                Step::Scan,
                Step::Wait(Duration::from_secs(2)),
                Step::Cancel,
                Step::AwaitQr(2),
                Step::Scan,
                Step::Confirm,
                Step::AwaitSession,
            ],
            expect: vec![Expect::UuidsAtLeast(2), Expect::LoggedIn],
        },
        Case {
            name: "thousands_of_contacts",
            world: WorldSpec {
                contacts: 3000,
                groups: 20,
                ..small.clone()
            },
            contact_page: 500,
            script: login(),
            expect: vec![Expect::LoggedIn, Expect::ContactsAtLeast(3000)],
        },
        Case {
            name: "text_from_contact_and_group",
            world: small.clone(),
            contact_page: 500,
            script: {
                let mut s = login();
                s.push(Step::Push(Push::default(), text("hello from a friend")));
                s.push(Step::Push(group(0), text("hello from a group")));
                s
            },
            expect: vec![
                Expect::ReceivedText("hello from a friend".into()),
                Expect::ReceivedText("hello from a group".into()),
                Expect::NoDuplicates,
            ],
        },
        Case {
            name: "every_message_type",
            world: small.clone(),
            contact_page: 500,
            script: {
                let mut s = login();
                for b in every_body() {
                    s.push(Step::Push(Push::default(), b.clone()));
                    s.push(Step::Push(group(1), b));
                }
                s
            },
            expect: vec![
                Expect::ReceivedTypes(vec![1, 3, 34, 37, 42, 43, 47, 49, 10000, 10002]),
                Expect::NoDuplicates,
            ],
        },
        Case {
            name: "reply_and_logout",
            world: small.clone(),
            contact_page: 500,
            script: {
                let mut s = login();
                s.push(Step::Push(Push::default(), text("ping")));
                s.push(Step::AwaitSent(1));
                s
            },
            expect: vec![
                Expect::ReceivedText("ping".into()),
                Expect::SentAtLeast(1),
                Expect::ClientLoggedOut,
            ],
        },
        Case {
            name: "kick_1102",
            world: small.clone(),
            contact_page: 500,
            script: {
                let mut s = login();
                s.push(Step::Wait(Duration::from_secs(5)));
                s.push(Step::End(1102));
                s
            },
            expect: vec![Expect::LoggedIn, Expect::LoggedOut(1102)],
        },
        Case {
            name: "expire_1100",
            world: small.clone(),
            contact_page: 500,
            script: {
                let mut s = login();
                s.push(Step::Wait(Duration::from_secs(30)));
                s.push(Step::End(1100));
                s
            },
            expect: vec![Expect::LoggedIn, Expect::LoggedOut(1100)],
        },
        Case {
            name: "refused_1203",
            world: small.clone(),
            contact_page: 500,
            script: vec![Step::Refuse, Step::AwaitQr(1), Step::Scan, Step::Confirm],
            expect: vec![Expect::LoginRefused(1203)],
        },
        Case {
            name: "throttled_1205",
            world: small.clone(),
            contact_page: 500,
            script: {
                let mut s = vec![Step::Fault(FaultRule {
                    endpoint: Some("webwxinit".into()),
                    fault: Fault::Ret { ret: 1205 },
                    times: 1,
                })];
                s.extend(login().into_iter().filter(|x| *x != Step::AwaitSession));
                s
            },
            expect: vec![Expect::LoggedOut(1205)],
        },
        Case {
            name: "faults_then_recovery",
            world: small.clone(),
            contact_page: 500,
            script: {
                let mut s = login();
                let rule = |endpoint: &str, fault: Fault| {
                    Step::Fault(FaultRule {
                        endpoint: Some(endpoint.into()),
                        fault,
                        times: 1,
                    })
                };
                s.push(rule("synccheck", Fault::Status { code: 500 }));
                s.push(rule("webwxsync", Fault::Garbage));
                s.push(rule("webwxsync", Fault::Truncate { keep: 40 }));
                s.push(rule("synccheck", Fault::Drop));
                s.push(rule("webwxsync", Fault::Redeliver));
                s.push(Step::Push(Push::default(), text("after the storm")));
                // Keep the client syncing long enough to be handed the message again.
                s.push(Step::Wait(Duration::from_secs(60)));
                s
            },
            expect: vec![
                Expect::ReceivedText("after the storm".into()),
                Expect::NoDuplicates,
            ],
        },
        Case {
            name: "skey_rotation",
            world: small,
            contact_page: 500,
            script: {
                let mut s = login();
                s.push(Step::RotateSkey);
                s.push(Step::Push(Push::default(), text("after rotation")));
                s.push(Step::Wait(Duration::from_secs(2)));
                s.push(Step::Push(Push::default(), text("second after rotation")));
                s
            },
            expect: vec![Expect::ReceivedText("second after rotation".into())],
        },
    ];
    cases.sort_by_key(|c| c.name);
    cases
}

/// One of each pushable message body.
pub fn every_body() -> Vec<Body> {
    vec![
        Body::Text {
            text: "text <&> 文字".into(),
        },
        Body::Image,
        Body::Voice { ms: 3215 },
        Body::Card {
            nick: "名片".into(),
        },
        Body::Video {
            secs: 3,
            size: 4096,
        },
        Body::Emoticon,
        Body::Location {
            label: "深圳市南山区".into(),
            lat: 22.54,
            lng: 113.93,
        },
        Body::Link {
            title: "A link".into(),
            url: "https://example.invalid/a?b=1&c=2".into(),
        },
        Body::File {
            name: "report.pdf".into(),
            size: 2048,
        },
        Body::System {
            text: "你已添加了张三，现在可以开始聊天了。".into(),
        },
        Body::Revoke {
            msg_id: "41000000000000000".into(),
            nick: "张三".into(),
        },
        Body::FriendRequest {
            nick: "陌生人".into(),
            greeting: "我是陌生人".into(),
        },
    ]
}

/// Where a runner stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Waiting for the client (call again after its next move).
    Blocked,
    /// Waiting for time to pass: call again at this instant.
    Until(Instant),
    /// Every step has run.
    Done,
}

/// Applies a case's steps to a simulator as their preconditions come true.
#[derive(Debug, Clone)]
pub struct Runner {
    steps: Vec<Step>,
    next: usize,
    wait_until: Option<Instant>,
}

impl Runner {
    /// A runner at the first step of `case`.
    pub fn new(case: &Case) -> Self {
        Runner {
            steps: case.script.clone(),
            next: 0,
            wait_until: None,
        }
    }

    /// Runs every step that can run at `now`.
    pub fn step(&mut self, sim: &mut Sim, now: Instant) -> Progress {
        while let Some(step) = self.steps.get(self.next).cloned() {
            let ran = match &step {
                Step::AwaitQr(n) => sim.uuids().len() >= *n,
                Step::Scan => sim
                    .latest_uuid()
                    .map(str::to_string)
                    .is_some_and(|u| sim.scan(&u, 0, now).is_ok()),
                Step::Confirm => sim
                    .latest_uuid()
                    .map(str::to_string)
                    .is_some_and(|u| sim.confirm(&u, now).is_ok()),
                Step::ExpireQr => sim
                    .latest_uuid()
                    .map(str::to_string)
                    .is_some_and(|u| sim.expire_qr(&u, now).is_ok()),
                Step::Cancel => sim
                    .latest_uuid()
                    .map(str::to_string)
                    .is_some_and(|u| sim.cancel(&u, now).is_ok()),
                Step::AwaitSession => sim
                    .sessions
                    .iter()
                    .any(|s| s.account == 0 && s.ended.is_none() && s.inited),
                Step::Wait(d) => match self.wait_until {
                    None => {
                        let at = crate::clock::after(now, *d);
                        self.wait_until = Some(at);
                        return Progress::Until(at);
                    }
                    Some(at) if now >= at => {
                        self.wait_until = None;
                        true
                    }
                    Some(at) => return Progress::Until(at),
                },
                Step::Push(p, b) => sim.push(p, b, now).is_ok(),
                Step::AwaitSent(n) => sim.sent().len() >= *n,
                Step::End(code) => {
                    sim.end_sessions(0, *code);
                    true
                }
                Step::Refuse => sim.refuse_login(0, true).is_ok(),
                Step::Fault(rule) => {
                    sim.inject(rule.clone());
                    true
                }
                Step::RotateSkey => {
                    sim.rotate_skey(0);
                    true
                }
            };
            if !ran {
                return Progress::Blocked;
            }
            self.next += 1;
        }
        Progress::Done
    }

    /// Steps not run yet.
    pub fn remaining(&self) -> usize {
        self.steps.len() - self.next
    }

    /// Checks the expectations the server can see; returns the ones that failed.
    pub fn check_sim(case: &Case, sim: &Sim) -> Vec<String> {
        let mut failed = Vec::new();
        for e in &case.expect {
            let ok = match e {
                Expect::UuidsAtLeast(n) => sim.uuids().len() >= *n,
                Expect::SentAtLeast(n) => sim.sent().len() >= *n,
                Expect::ClientLoggedOut => sim
                    .sessions
                    .iter()
                    .any(|s| s.account == 0 && s.client_logout),
                _ => true,
            };
            if !ok {
                failed.push(format!("{}: {e:?}", case.name));
            }
        }
        failed
    }
}
