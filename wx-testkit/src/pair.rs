//! A Client and a wx-sim core wired together in memory, with virtual time that jumps to the
//! earliest wake-up of either side: a day of sync loop runs in milliseconds.
//!
//! Tests read what the pair recorded ([`Pair::events`], [`Pair::log`], [`Pair::secrets`]);
//! benchmarks turn the recording off ([`Pair::record`], off in [`Pair::logged_in`]) and read
//! the counters ([`Pair::delivered`], [`Pair::requests`], [`Pair::client_time`]).

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use wx_proto::client::{Client, Config, Event, Failure, OpId, RequestId, streams_body};
use wx_sim::{Body, HeldId, LoginPolicy, Push, Reply, Sim, WorldSpec};

/// The simulator's base URL (never dialled: everything stays in memory).
pub const BASE: &str = "http://127.0.0.1:8080";

/// An answer due later: when, to which request, its download sink, the response.
type Later = (Instant, RequestId, Option<OpId>, http::Response<Vec<u8>>);

/// A Client and a Sim in one address space.
pub struct Pair {
    /// The client under test.
    pub client: Client,
    /// The simulator core.
    pub sim: Sim,
    /// Virtual time.
    pub now: Instant,
    /// When the pair was made.
    pub start: Instant,
    held: BTreeMap<HeldId, RequestId>,
    later: Vec<Later>,
    /// The files uploads read from (see [`Pair::attach_file`]).
    files: BTreeMap<OpId, Vec<u8>>,
    /// The bodies downloads wrote, by op.
    pub downloads: BTreeMap<OpId, Vec<u8>>,
    /// Requests whose body went to a sink, with their op.
    sink_of: BTreeMap<RequestId, OpId>,
    /// Every event the client emitted, in order.
    pub events: Vec<Event>,
    /// When each of `events` was taken from the client.
    pub event_at: Vec<Instant>,
    /// A slow application: at most this many events taken per tick of this length (`None`:
    /// every event at once).
    pub slow_consumer: Option<(usize, Duration)>,
    /// Requests the client sent.
    pub requests: u64,
    /// When each request was sent, and to which endpoint.
    pub log: Vec<(Instant, wx_proto::client::Endpoint)>,
    /// Every credential seen on the wire (cookie values, Sid, Skey, pass_ticket, uin).
    pub secrets: std::collections::BTreeSet<String>,
    /// Whether `events`, `event_at`, `log` and `secrets` are kept (on, but off in
    /// [`Pair::logged_in`]: a benchmark keeps only the counters).
    pub record: bool,
    /// `Event::Message` events seen so far (kept even without `record`).
    pub delivered: u64,
    /// Whether `Event::Ready` was seen (kept even without `record`).
    ready_seen: bool,
    /// Wall time spent inside the Client's calls, so a benchmark can tell the Client's share
    /// of a run from the simulator's.
    pub client_time: Duration,
}

/// Collects the credentials a request carries, so tests can look for them elsewhere.
fn collect_secrets(req: &http::Request<Vec<u8>>, out: &mut std::collections::BTreeSet<String>) {
    if let Some(cookie) = req
        .headers()
        .get(http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
    {
        for pair in cookie.split("; ") {
            if let Some((_, v)) = pair.split_once('=')
                && v.len() >= 6
            {
                out.insert(v.to_owned());
            }
        }
    }
    if let Some(q) = req.uri().query() {
        for pair in q.split('&') {
            if let Some((k, v)) = pair.split_once('=')
                && matches!(k, "pass_ticket" | "skey" | "sid")
                && v.len() >= 6
            {
                out.insert(v.to_owned());
            }
        }
    }
    if let Ok(body) = serde_json::from_slice::<serde_json::Value>(req.body()) {
        let br = &body["BaseRequest"];
        for k in ["Sid", "Skey"] {
            if let Some(v) = br[k].as_str() {
                out.insert(v.to_owned());
            }
        }
        if let Some(uin) = br["Uin"].as_u64() {
            out.insert(uin.to_string());
        }
    }
}

/// The wall clock the simulator and the client agree on.
pub fn wall() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000)
}

/// A simulator that scans and confirms by itself (3 s, then 2 s).
pub fn auto_sim(world: wx_sim::WorldSpec, now: Instant) -> Sim {
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
    Sim::new(cfg, now, wall())
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
    /// A client with `config` (seed `[3; 32]`) against `sim`, at `now`.
    pub fn new(config: Config, sim: Sim, now: Instant) -> Self {
        Self {
            client: Client::new(config, [3; 32], now, wall()),
            sim,
            now,
            start: now,
            held: BTreeMap::new(),
            later: Vec::new(),
            files: BTreeMap::new(),
            downloads: BTreeMap::new(),
            sink_of: BTreeMap::new(),
            events: Vec::new(),
            event_at: Vec::new(),
            slow_consumer: None,
            requests: 0,
            log: Vec::new(),
            secrets: std::collections::BTreeSet::new(),
            record: true,
            delivered: 0,
            ready_seen: false,
            client_time: Duration::ZERO,
        }
    }

    /// A fresh client (default settings) against a simulator of `world` that scans and
    /// confirms by itself.
    pub fn with_world(world: wx_sim::WorldSpec) -> Self {
        let now = Instant::now();
        let sim = auto_sim(world, now);
        Self::new(Config::for_base_url(BASE), sim, now)
    }

    /// A client logged in (after `Event::Ready`) and idle on its synccheck, recording
    /// nothing but the counters (for benchmarks).
    pub fn logged_in(world: WorldSpec) -> Self {
        let mut pair = Self::with_world(world);
        pair.record = false;
        pair.login();
        pair.settle();
        pair
    }

    /// The bytes an upload op reads when it asks for data (`Event::DataWanted`).
    pub fn attach_file(&mut self, op: OpId, bytes: Vec<u8>) {
        self.files.insert(op, bytes);
    }

    fn deliver(&mut self, id: RequestId, reply: Reply) {
        let t = Instant::now();
        match reply {
            Reply::Now(resp) => match self.sink_of.remove(&id) {
                Some(op) => self.stream(id, op, resp),
                None => self.client.handle_response(id, resp, self.now).unwrap(),
            },
            Reply::Later(resp, at) => {
                let sink = self.sink_of.remove(&id);
                self.later.push((at, id, sink, resp));
            }
            Reply::Held(h) => {
                self.held.insert(h, id);
            }
            Reply::Drop => {
                self.sink_of.remove(&id);
                self.client
                    .handle_failure(id, Failure::Io, self.now)
                    .unwrap();
            }
        }
        self.client_time += t.elapsed();
    }

    /// A download's answer, as a streaming driver handles it: the body goes to the op's
    /// buffer when `streams_body` says so, the head and the count to the client.
    fn stream(&mut self, id: RequestId, op: OpId, resp: http::Response<Vec<u8>>) {
        let (parts, body) = resp.into_parts();
        let written = if streams_body(parts.status.as_u16(), &parts.headers) {
            self.downloads
                .entry(op)
                .or_default()
                .extend_from_slice(&body);
            body.len() as u64
        } else {
            0
        };
        let head = http::Response::from_parts(parts, ());
        self.client
            .handle_streamed(id, head, written, self.now)
            .unwrap();
    }

    /// Gives an upload the bytes it asked for, from its attached file.
    fn feed_data(&mut self, op: OpId, offset: u64, len: usize) {
        let Some(file) = self.files.get(&op) else {
            return;
        };
        let start = (offset as usize).min(file.len());
        let end = (start + len).min(file.len());
        let bytes = file[start..end].to_vec();
        self.client
            .handle_data(op, offset, &bytes, self.now)
            .unwrap();
    }

    /// Runs everything due at `now` until both sides are quiet.
    pub fn settle(&mut self) {
        let mut budget = self.slow_consumer.map_or(usize::MAX, |(n, _)| n);
        for _ in 0..100_000 {
            let mut busy = false;
            loop {
                let t = Instant::now();
                let req = self.client.poll_request();
                self.client_time += t.elapsed();
                let Some(req) = req else { break };
                busy = true;
                self.requests += 1;
                if self.record {
                    self.log.push((self.now, req.kind));
                    collect_secrets(&req.http, &mut self.secrets);
                }
                if let Some(op) = req.sink {
                    self.sink_of.insert(req.id, op);
                }
                let reply = self.sim.handle(&req.http, self.now);
                self.deliver(req.id, reply);
            }
            let ids: Vec<HeldId> = self.held.keys().copied().collect();
            for h in ids {
                if let Some(reply) = self.sim.poll_held(h, self.now) {
                    busy = true;
                    let id = self.held.remove(&h).unwrap();
                    self.deliver(id, reply);
                }
            }
            let due: Vec<usize> = (0..self.later.len())
                .filter(|&i| self.later[i].0 <= self.now)
                .collect();
            for i in due.into_iter().rev() {
                busy = true;
                let (_, id, sink, resp) = self.later.remove(i);
                if let Some(op) = sink {
                    self.sink_of.insert(id, op);
                }
                self.deliver(id, Reply::Now(resp));
            }
            let t = Instant::now();
            while budget > 0
                && let Some(e) = self.client.poll_event()
            {
                budget -= 1;
                busy = true;
                match e {
                    Event::Message { .. } => self.delivered += 1,
                    Event::Ready { .. } => self.ready_seen = true,
                    Event::DataWanted { op, offset, len } => self.feed_data(op, offset, len),
                    _ => {}
                }
                if self.record {
                    self.events.push(e);
                    self.event_at.push(self.now);
                }
            }
            self.client_time += t.elapsed();
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
        let Some(at) = self.next_wake() else {
            return false;
        };
        assert!(at >= self.now, "a wake-up in the past after draining");
        self.advance_to(at);
        true
    }

    /// The next wake-up of either side (after [`Pair::settle`]), `None` when nothing is
    /// scheduled any more.
    pub fn next_wake(&mut self) -> Option<Instant> {
        // A slow application leaves events queued: the client then asks to be woken at
        // once, so the next wake-up is the application's next tick instead.
        let t = Instant::now();
        let client_timeout = self.client.poll_timeout();
        self.client_time += t.elapsed();
        let client_wake = match (client_timeout, self.slow_consumer) {
            (Some(t), Some((_, tick))) if t <= self.now => Some(self.now + tick),
            (t, _) => t,
        };
        [
            client_wake,
            self.sim.next_wake(),
            self.later.iter().map(|l| l.0).min(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Moves virtual time to `at` (never backwards) and wakes both sides.
    pub fn advance_to(&mut self, at: Instant) {
        self.now = at.max(self.now);
        self.sim.advance(self.now);
        let t = Instant::now();
        self.client.handle_timeout(self.now);
        self.client_time += t.elapsed();
    }

    /// Steps until `done` holds (checked after each step) or `limit` of virtual time passes.
    pub fn run_until(&mut self, limit: Duration, mut done: impl FnMut(&Pair) -> bool) -> bool {
        let end = self.now + limit;
        while self.now < end {
            if done(self) {
                return true;
            }
            if !self.step() {
                return done(self);
            }
        }
        done(self)
    }

    /// Steps for `d` of virtual time.
    pub fn run_for(&mut self, d: Duration) {
        let end = self.now + d;
        while self.now < end && self.step() {}
    }

    /// Lets virtual time run for `d` (the same as [`Pair::run_for`]).
    pub fn idle_for(&mut self, d: Duration) {
        self.run_for(d);
    }

    /// How many of the recorded events match `f`.
    pub fn count(&self, f: impl Fn(&Event) -> bool) -> usize {
        self.events.iter().filter(|e| f(e)).count()
    }

    /// Whether `Event::Ready` is among the recorded events (without `record`: whether it
    /// was ever seen).
    pub fn ready(&self) -> bool {
        if self.record {
            self.events.iter().any(|e| matches!(e, Event::Ready { .. }))
        } else {
            self.ready_seen
        }
    }

    /// The messages among the recorded events.
    pub fn messages(&self) -> Vec<&wx_proto::model::Message> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Message { message, .. } => Some(&**message),
                _ => None,
            })
            .collect()
    }

    /// Replaces the client (a process restart): the old one's connections are gone.
    pub fn restart_with(&mut self, client: Client) {
        for (h, _) in std::mem::take(&mut self.held) {
            self.sim.cancel_held(h);
        }
        self.later.clear();
        self.client = client;
    }

    /// The UserName of a friend (a person, not a group or a special account).
    pub fn a_friend(&self) -> String {
        self.client
            .contacts()
            .find(|c| c.is_friend() && !c.is_group() && c.user_name.starts_with('@'))
            .map(|c| c.user_name.clone())
            .expect("the world has friends")
    }

    /// Logs in and waits for `Ready`.
    pub fn login(&mut self) {
        assert!(
            self.run_until(Duration::from_secs(120), Pair::ready),
            "not ready: {:?}",
            self.events
        );
    }

    /// The client and the simulator, apart (to drop one and measure the other).
    pub fn into_parts(self) -> (Client, Sim) {
        (self.client, self.sim)
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
