//! A logged-in Client and the wx-sim core wired together in memory, with virtual time that
//! jumps to the earliest wake-up of either side (the loop of `wx-proto/tests/pair`).
//!
//! [`Pair::client_time`] adds up the wall time spent inside the Client's own calls, so a
//! benchmark can tell the Client's share of a run from the simulator's.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use wx_proto::client::{Client, Config, Event, Failure, RequestId};
use wx_sim::{Body, HeldId, LoginPolicy, Push, Reply, Sim, WorldSpec};

/// The simulator's base URL (never dialled: everything stays in memory).
pub const BASE: &str = "http://127.0.0.1:8080";

/// A Client and a Sim in one address space.
pub struct Pair {
    /// The client under test.
    pub client: Client,
    /// The simulator core.
    pub sim: Sim,
    /// Virtual time.
    pub now: Instant,
    held: BTreeMap<HeldId, RequestId>,
    later: Vec<(Instant, RequestId, http::Response<Vec<u8>>)>,
    /// `Event::Message` events seen so far.
    pub delivered: u64,
    /// Whether `Event::Ready` was seen.
    pub ready: bool,
    /// Requests the client sent.
    pub requests: u64,
    /// Wall time spent inside the Client's calls.
    pub client_time: Duration,
}

/// The wall clock the simulator and the client agree on.
pub fn wall() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000)
}

/// A world of one account with `contacts` friends and `groups` groups of 5 other members.
pub fn world(contacts: usize, groups: usize) -> WorldSpec {
    WorldSpec {
        accounts: 1,
        contacts,
        groups,
        members_per_group: 5,
        official_accounts: 0,
        ..WorldSpec::default()
    }
}

impl Pair {
    /// A fresh client against a simulator that scans and confirms by itself.
    pub fn new(world: WorldSpec) -> Self {
        let now = Instant::now();
        let cfg = wx_sim::Config {
            base_url: BASE.into(),
            world,
            login: LoginPolicy::Auto {
                scan_after: Duration::from_secs(3),
                confirm_after: Duration::from_secs(2),
                account: 0,
            },
            ..wx_sim::Config::default()
        };
        Self {
            client: Client::new(Config::for_base_url(BASE), [3; 32], now, wall()),
            sim: Sim::new(cfg, now, wall()),
            now,
            held: BTreeMap::new(),
            later: Vec::new(),
            delivered: 0,
            ready: false,
            requests: 0,
            client_time: Duration::ZERO,
        }
    }

    /// A client logged in (after `Event::Ready`) and idle on its synccheck.
    pub fn logged_in(world: WorldSpec) -> Self {
        let mut pair = Self::new(world);
        pair.login();
        pair
    }

    fn deliver(&mut self, id: RequestId, reply: Reply) {
        let t = Instant::now();
        match reply {
            Reply::Now(resp) => self
                .client
                .handle_response(id, resp, self.now)
                .expect("the client accepts the reply"),
            Reply::Later(resp, at) => self.later.push((at, id, resp)),
            Reply::Held(h) => {
                self.held.insert(h, id);
            }
            Reply::Drop => self
                .client
                .handle_failure(id, Failure::Io, self.now)
                .expect("the client accepts the failure"),
        }
        self.client_time += t.elapsed();
    }

    fn drain_events(&mut self) -> bool {
        let t = Instant::now();
        let mut busy = false;
        while let Some(e) = self.client.poll_event() {
            busy = true;
            match e {
                Event::Message { .. } => self.delivered += 1,
                Event::Ready { .. } => self.ready = true,
                _ => {}
            }
        }
        self.client_time += t.elapsed();
        busy
    }

    /// Runs everything due at `now` until both sides are quiet.
    fn settle(&mut self) {
        for _ in 0..100_000 {
            let mut busy = false;
            loop {
                let t = Instant::now();
                let req = self.client.poll_request();
                self.client_time += t.elapsed();
                let Some(req) = req else { break };
                busy = true;
                self.requests += 1;
                let reply = self.sim.handle(&req.http, self.now);
                self.deliver(req.id, reply);
            }
            let ids: Vec<HeldId> = self.held.keys().copied().collect();
            for h in ids {
                if let Some(reply) = self.sim.poll_held(h, self.now) {
                    busy = true;
                    let id = self.held.remove(&h).expect("held");
                    self.deliver(id, reply);
                }
            }
            let mut i = 0;
            while i < self.later.len() {
                if self.later[i].0 <= self.now {
                    busy = true;
                    let (_, id, resp) = self.later.remove(i);
                    self.deliver(id, Reply::Now(resp));
                } else {
                    i += 1;
                }
            }
            busy |= self.drain_events();
            if !busy {
                return;
            }
        }
        panic!("busy loop: the pair never settled at one instant");
    }

    /// Advances virtual time to the next wake-up of either side and runs it. Returns false
    /// when nothing is scheduled any more.
    pub fn step(&mut self) -> bool {
        self.settle();
        let t = Instant::now();
        let client_next = self.client.poll_timeout();
        self.client_time += t.elapsed();
        let next = [
            client_next,
            self.sim.next_wake(),
            self.later.iter().map(|l| l.0).min(),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(at) = next else { return false };
        self.now = at.max(self.now);
        self.sim.advance(self.now);
        let t = Instant::now();
        self.client.handle_timeout(self.now);
        self.client_time += t.elapsed();
        true
    }

    /// Logs in and waits for `Event::Ready`, then lets the start-up requests finish.
    pub fn login(&mut self) {
        let end = self.now + Duration::from_secs(600);
        while !self.ready && self.now < end && self.step() {}
        assert!(self.ready, "the client did not become ready");
        self.settle();
    }

    /// The client and the simulator, apart (to drop one and measure the other).
    pub fn into_parts(self) -> (Client, Sim) {
        (self.client, self.sim)
    }

    /// Lets virtual time run for `d` (synccheck rounds, nothing else happening).
    pub fn idle_for(&mut self, d: Duration) {
        let end = self.now + d;
        while self.now < end && self.step() {}
    }

    /// The `i`-th message of the benchmark mix: mostly text, some of it in a group, plus
    /// links, cards, locations, system notices and emoticons (none of them downloadable, so
    /// the simulator keeps no media blobs).
    pub fn mixed(i: usize) -> (Push, Body) {
        let group = (i % 4 == 1).then(|| "0".to_owned());
        let body = match i % 10 {
            0..=4 => Body::Text {
                text: format!("message {i}: hello <world> & 😀"),
            },
            5 => Body::Link {
                title: format!("link {i}"),
                url: "https://example.com/a?b=c&d=e".into(),
            },
            6 => Body::Card {
                nick: format!("card {i}"),
            },
            7 => Body::Location {
                label: "Somewhere".into(),
                lat: 22.5,
                lng: 114.0,
            },
            8 => Body::System {
                text: format!("notice {i}"),
            },
            _ => Body::Emoticon,
        };
        let push = Push {
            account: 0,
            from: None,
            group,
        };
        (push, body)
    }

    /// Pushes `n` messages at once (the simulator delivers them 100 per webwxsync) and drives
    /// the pair until the client has emitted all of them.
    pub fn burst(&mut self, n: usize) {
        let target = self.delivered + n as u64;
        for i in 0..n {
            let (push, body) = Self::mixed(i);
            self.sim.push(&push, &body, self.now).expect("push");
        }
        self.drive_to(target);
    }

    /// Pushes `n` messages one at a time, each delivered (synccheck, webwxsync) before the
    /// next one is pushed.
    pub fn one_by_one(&mut self, n: usize) {
        for i in 0..n {
            let target = self.delivered + 1;
            let (push, body) = Self::mixed(i);
            self.sim.push(&push, &body, self.now).expect("push");
            self.drive_to(target);
        }
    }

    fn drive_to(&mut self, target: u64) {
        let end = self.now + Duration::from_secs(3600);
        while self.delivered < target {
            assert!(self.now < end && self.step(), "messages not delivered");
        }
    }
}
