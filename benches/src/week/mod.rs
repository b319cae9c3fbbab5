//! A simulated week: many `wx_proto::client::Client`s (one per account) against one
//! `wx_sim::Sim`, in memory, in virtual time, under a deterministic schedule of traffic and
//! faults (issue 12, item 7).
//!
//! - Time is event-driven: it jumps to the earliest of every client's `poll_timeout`, every
//!   held long poll's `Sim::wake_at`, every delayed reply and the next scheduled action.
//! - [`schedule`]: pushes (a few per account per hour, with bursts), sends from the clients
//!   (`Command::SendText`, single and in bursts beyond the send pace), and, in a fault week,
//!   windows of sticky patterns per account and for every account, poison episodes and
//!   one-shot fault rules. The traffic is the same with faults on and off.
//! - Every pushed text carries a unique id (`wk#<id>`): the run counts its deliveries
//!   (`Event::Message`), and after a quiet drain with every fault cleared, the lost (never
//!   delivered) and duplicated (delivered more than once) ones.
//! - Poisoned pairs (`Sim::push_poisoned_pair`) are counted apart: the poisoned element is
//!   expected to become a `Problem`; its valid sibling must be delivered once.
//!
//! [`Week::run`] returns a [`Report`]; [`report::table`] prints runs side by side.

pub mod report;
pub mod schedule;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use wx_proto::client::{Client, Command, Config, Event, Failure, Phase, ProblemKind, RequestId};
use wx_proto::client::{Endpoint, OpError};
use wx_sim::sim::Wakes;
use wx_sim::{Body, FaultRule, HeldId, LoginPolicy, Push, Reply, Sim, WorldSpec};

pub use report::Report;
use schedule::{Action, Schedule};

use crate::pair::{BASE, wall};

/// After a fault ends, deliveries count as disturbed for this long more (the longest
/// back-off is a 1205's 5-minute wait, then a 60 s retry).
pub const RECOVERY: Duration = Duration::from_secs(600);

/// What to run.
#[derive(Debug, Clone)]
pub struct WeekConfig {
    /// Accounts, one client each.
    pub accounts: usize,
    /// Simulated time of traffic (and faults), e.g. 7 days.
    pub duration: Duration,
    /// Seed of the schedule, the simulator and the clients.
    pub seed: u64,
    /// Inject faults (`false`: the no-fault baseline, same traffic).
    pub faults: bool,
    /// With faults: the poison episodes too.
    pub poison: bool,
    /// Quiet time after the week, every fault cleared, before counting.
    pub drain: Duration,
    /// Friends per account in the simulated world.
    pub contacts: usize,
}

impl WeekConfig {
    /// `accounts` accounts for `days` days, faults and poison on, a 30-minute drain.
    pub fn new(accounts: usize, days: u32) -> Self {
        WeekConfig {
            accounts,
            duration: Duration::from_secs(86_400) * days,
            seed: 12,
            faults: true,
            poison: true,
            drain: Duration::from_secs(1800),
            contacts: 20,
        }
    }
}

/// One client and what the run knows of it.
struct Slot {
    client: Client,
    account: Option<usize>,
    wake: Option<Instant>,
    ready: Option<Duration>,
    logout: Option<String>,
    friends: Vec<String>,
    minute: u64,
    in_minute: u32,
    max_minute: u32,
    max_minute_at: u64,
    requests: u64,
    malformed_messages: u64,
    dirty: bool,
}

/// A pushed text.
#[derive(Debug, Clone, Default)]
struct Text {
    account: usize,
    pushed: Option<Duration>,
    deliveries: u32,
    first: Option<Duration>,
}

/// A poisoned pair.
#[derive(Debug, Clone)]
struct PairRec {
    account: usize,
    at: Duration,
    lifted: Option<Duration>,
    poisoned_deliveries: u32,
    poisoned_delivered_at: Option<Duration>,
    valid_deliveries: u32,
}

/// Wraps a held long poll: the slot, the request, when to look at it again.
type HeldEntry = (usize, RequestId, Instant);

/// The whole run: the simulator, the clients, the schedule and the counters.
pub struct Week {
    cfg: WeekConfig,
    sim: Sim,
    slots: Vec<Slot>,
    start: Instant,
    now: Instant,
    held: BTreeMap<HeldId, HeldEntry>,
    later: Vec<(Instant, usize, RequestId, http::Response<Vec<u8>>)>,
    dirty: Vec<usize>,
    schedule: Schedule,
    next_action: usize,
    active: Vec<usize>,
    texts: Vec<Text>,
    pairs: Vec<PairRec>,
    pair_ids: HashMap<String, (usize, bool)>,
    slot_of: Vec<Option<usize>>,
    uin_account: HashMap<u64, usize>,
    /// Per account, and for every account (index `accounts`), intervals with faults.
    disturbed: Vec<Vec<(Duration, Duration)>>,
    open_poison: Vec<(usize, Duration)>,
    in_week: bool,
    r: Report,
}

/// The label of a problem kind, for the counters.
fn problem_label(kind: &ProblemKind) -> String {
    match kind {
        ProblemKind::Transport(f) => format!("transport {f:?}"),
        ProblemKind::HttpStatus(c) => format!("http {c}"),
        ProblemKind::Malformed(_) => "malformed body".into(),
        ProblemKind::MalformedMessage(_) => "malformed element".into(),
        ProblemKind::Server(c) => format!("server {c:?}"),
        ProblemKind::Throttled => "throttled (1205)".into(),
        ProblemKind::Reinitialising => "re-init".into(),
        ProblemKind::ProbingPushHost => "probing push host".into(),
        ProblemKind::Stalled(s) => format!("stalled: {s:?}"),
        other => format!("{other:?}"),
    }
}

fn op_error_label(e: &OpError) -> String {
    match e {
        OpError::Throttled => "throttled".into(),
        OpError::Transport(f) => format!("transport {f:?}"),
        OpError::HttpStatus(c) => format!("http {c}"),
        OpError::Malformed(_) => "malformed".into(),
        OpError::SessionEnded => "session ended".into(),
        other => format!("{other}"),
    }
}

/// The id in a text `wk#<id> …`.
fn text_id(content: &str) -> Option<u64> {
    let at = content.find("wk#")?;
    let digits: String = content
        .get(at + 3..)?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn seed_of(seed: u64, i: usize) -> [u8; 32] {
    let mut s = [0u8; 32];
    let mut r = schedule::Prng::new(seed ^ ((i as u64) << 20) ^ 0xC11E_0000);
    for chunk in s.chunks_mut(8) {
        chunk.copy_from_slice(&r.next_u64().to_le_bytes());
    }
    s
}

impl Week {
    /// The simulator, the clients (each starting its login) and the schedule.
    pub fn new(cfg: WeekConfig) -> Self {
        let start = Instant::now();
        let sim_cfg = wx_sim::Config {
            base_url: BASE.into(),
            world: WorldSpec {
                accounts: cfg.accounts,
                contacts: cfg.contacts,
                groups: 2,
                members_per_group: 5,
                official_accounts: 0,
                seed: cfg.seed,
                ..WorldSpec::default()
            },
            login: LoginPolicy::EachAccount {
                scan_after: Duration::from_secs(2),
                confirm_after: Duration::from_secs(1),
            },
            seed: cfg.seed,
            ..wx_sim::Config::default()
        };
        let sim = Sim::new(sim_cfg, start, wall());
        let uin_account = sim
            .world()
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.uin, i))
            .collect();
        let slots = (0..cfg.accounts)
            .map(|i| Slot {
                client: Client::new(
                    Config::for_base_url(BASE),
                    seed_of(cfg.seed, i),
                    start,
                    wall(),
                ),
                account: None,
                wake: Some(start),
                ready: None,
                logout: None,
                friends: Vec::new(),
                minute: 0,
                in_minute: 0,
                max_minute: 0,
                max_minute_at: 0,
                requests: 0,
                malformed_messages: 0,
                dirty: true,
            })
            .collect();
        let schedule = Schedule::new(cfg.seed, cfg.accounts, cfg.duration, cfg.faults, cfg.poison);
        let texts = vec![Text::default(); schedule.texts as usize];
        let r = Report {
            accounts: cfg.accounts,
            hours: cfg.duration.as_secs_f64() / 3600.0,
            faults: cfg.faults,
            poison: cfg.faults && cfg.poison,
            windows: schedule.windows.len(),
            ..Report::default()
        };
        Week {
            dirty: (0..cfg.accounts).collect(),
            disturbed: vec![Vec::new(); cfg.accounts + 1],
            slot_of: vec![None; cfg.accounts],
            cfg,
            sim,
            slots,
            start,
            now: start,
            held: BTreeMap::new(),
            later: Vec::new(),
            schedule,
            next_action: 0,
            active: Vec::new(),
            texts,
            pairs: Vec::new(),
            pair_ids: HashMap::new(),
            uin_account,
            open_poison: Vec::new(),
            in_week: true,
            r,
        }
    }

    fn offset(&self) -> Duration {
        self.now.saturating_duration_since(self.start)
    }

    fn mark(&mut self, i: usize) {
        if let Some(s) = self.slots.get_mut(i)
            && !s.dirty
        {
            s.dirty = true;
            self.dirty.push(i);
        }
    }

    fn deliver(&mut self, i: usize, id: RequestId, reply: Reply) {
        let now = self.now;
        let Some(slot) = self.slots.get_mut(i) else {
            return;
        };
        let result = match reply {
            Reply::Now(resp) => slot.client.handle_response(id, resp, now),
            Reply::Later(resp, at) => {
                self.later.push((at, i, id, resp));
                Ok(())
            }
            Reply::Held(h) => {
                let wake = self.sim.wake_at(h).unwrap_or(now);
                self.held.insert(h, (i, id, wake));
                Ok(())
            }
            Reply::Drop => slot.client.handle_failure(id, Failure::Io, now),
        };
        if result.is_err() {
            self.r.usage_errors += 1;
        }
        self.mark(i);
    }

    fn count_request(&mut self, i: usize, kind: Endpoint) {
        let off = self.offset();
        let in_week = self.in_week;
        let Some(s) = self.slots.get_mut(i) else {
            return;
        };
        if in_week {
            s.requests += 1;
            *self.r.requests.entry(kind.name().to_owned()).or_default() += 1;
        }
        if s.ready.is_some() {
            let minute = off.as_secs() / 60;
            if minute != s.minute {
                s.minute = minute;
                s.in_minute = 0;
            }
            s.in_minute += 1;
            if s.in_minute > s.max_minute {
                s.max_minute = s.in_minute;
                s.max_minute_at = minute;
            }
        }
    }

    /// Runs client `i` until it has nothing to send or tell at this instant.
    fn pump(&mut self, i: usize) {
        loop {
            let mut any = false;
            while let Some(req) = self.slots.get_mut(i).and_then(|s| s.client.poll_request()) {
                any = true;
                self.count_request(i, req.kind);
                let before = self.sim.pending_faults();
                let reply = self.sim.handle(&req.http, self.now);
                if self.sim.pending_faults() < before {
                    self.r.one_shots_hit += 1;
                    let idx = self
                        .slots
                        .get(i)
                        .and_then(|s| s.account)
                        .unwrap_or(self.cfg.accounts);
                    let off = self.offset();
                    if let Some(d) = self.disturbed.get_mut(idx) {
                        d.push((off, off + RECOVERY));
                    }
                }
                self.deliver(i, req.id, reply);
            }
            while let Some(ev) = self.slots.get_mut(i).and_then(|s| s.client.poll_event()) {
                any = true;
                self.on_event(i, ev);
            }
            if !any {
                break;
            }
        }
        if let Some(s) = self.slots.get_mut(i) {
            s.wake = s.client.poll_timeout();
        }
    }

    fn on_event(&mut self, i: usize, ev: Event) {
        let off = self.offset();
        let Some(slot) = self.slots.get_mut(i) else {
            return;
        };
        match ev {
            Event::Message { message, .. } => {
                if let Some(id) = text_id(&message.content) {
                    match self.texts.get_mut(id as usize) {
                        Some(t) => {
                            t.deliveries += 1;
                            t.first.get_or_insert(off);
                            if slot.account != Some(t.account) {
                                self.r.misrouted += 1;
                            }
                        }
                        None => self.r.unknown_texts += 1,
                    }
                } else if let Some(&(p, poisoned)) = self.pair_ids.get(&message.msg_id) {
                    if let Some(pair) = self.pairs.get_mut(p) {
                        if poisoned {
                            pair.poisoned_deliveries += 1;
                            pair.poisoned_delivered_at.get_or_insert(off);
                        } else {
                            pair.valid_deliveries += 1;
                        }
                    }
                } else if message.sent_by_me {
                    self.r.echoes += 1;
                } else {
                    self.r.other_messages += 1;
                }
            }
            Event::LoggedIn { uin, .. } => {
                if let Some(&a) = self.uin_account.get(&uin.get()) {
                    slot.account = Some(a);
                    if let Some(s) = self.slot_of.get_mut(a) {
                        *s = Some(i);
                    }
                }
            }
            Event::Ready { .. } => {
                slot.ready.get_or_insert(off);
                let me = slot
                    .client
                    .me()
                    .map(|m| m.user_name.clone())
                    .unwrap_or_default();
                slot.friends = slot
                    .client
                    .contacts()
                    .map(|c| c.user_name.clone())
                    .filter(|u| u.starts_with('@') && !u.starts_with("@@") && *u != me)
                    .collect();
            }
            Event::Problem(p) => {
                if matches!(p.kind, ProblemKind::MalformedMessage(_)) {
                    slot.malformed_messages += 1;
                }
                *self.r.problems.entry(problem_label(&p.kind)).or_default() += 1;
            }
            Event::OpDone { result, .. } => {
                let label = match &result {
                    Ok(_) => "sent".to_owned(),
                    Err(e) => op_error_label(e),
                };
                *self.r.sends.entry(label).or_default() += 1;
            }
            Event::LoggedOut(reason) => {
                slot.logout = Some(format!("{reason:?} at {off:?}"));
            }
            _ => {}
        }
    }

    /// Runs everything due at this instant until every side is quiet.
    fn settle(&mut self) -> Result<(), String> {
        for _ in 0..1_000_000 {
            let mut busy = false;
            while let Some(i) = self.dirty.pop() {
                if let Some(s) = self.slots.get_mut(i) {
                    s.dirty = false;
                }
                self.pump(i);
                busy = true;
            }
            let mut look: Vec<HeldId> = match self.sim.take_wakes() {
                Wakes::All => self.held.keys().copied().collect(),
                Wakes::Some(ids) => ids,
                Wakes::None => Vec::new(),
            };
            look.extend(
                self.held
                    .iter()
                    .filter(|(_, e)| e.2 <= self.now)
                    .map(|(h, _)| *h),
            );
            look.sort_unstable();
            look.dedup();
            for h in look {
                let Some(&(i, id, _)) = self.held.get(&h) else {
                    continue;
                };
                match self.sim.poll_held(h, self.now) {
                    Some(reply) => {
                        self.held.remove(&h);
                        self.deliver(i, id, reply);
                        busy = true;
                    }
                    None => match self.sim.wake_at(h) {
                        Some(w) => {
                            let w = if w <= self.now {
                                self.now + Duration::from_millis(1)
                            } else {
                                w
                            };
                            if let Some(e) = self.held.get_mut(&h) {
                                e.2 = w;
                            }
                        }
                        // The simulator let go of it: the client's watchdog will.
                        None => {
                            self.held.remove(&h);
                        }
                    },
                }
            }
            let now = self.now;
            let mut k = 0;
            while k < self.later.len() {
                if self.later.get(k).is_some_and(|l| l.0 <= now) {
                    let (_, i, id, resp) = self.later.swap_remove(k);
                    self.deliver(i, id, Reply::Now(resp));
                    busy = true;
                } else {
                    k += 1;
                }
            }
            if !busy && self.dirty.is_empty() {
                return Ok(());
            }
        }
        Err(format!(
            "busy loop: never settled at {:?} of virtual time",
            self.offset()
        ))
    }

    /// Sets the patterns of `scope` to those of the active windows of that scope.
    fn apply_scope(&mut self, scope: Option<usize>) {
        match scope {
            Some(a) => self.sim.set_account_pattern(a, None),
            None => self.sim.set_pattern(None),
        }
        for &w in &self.active {
            if let Some(win) = self.schedule.windows.get(w)
                && win.scope == scope
            {
                for p in &win.patterns {
                    self.sim.add_pattern(scope, p.clone());
                }
            }
        }
    }

    fn act(&mut self, action: Action) {
        let off = self.offset();
        match action {
            Action::Push {
                account,
                first_id,
                count,
                group,
            } => {
                for id in first_id..first_id + u64::from(count) {
                    let push = Push {
                        account,
                        from: Some((id % 3).to_string()),
                        group: group.then(|| "0".to_owned()),
                    };
                    let text = format!("wk#{id} for {account}: <hello> & 😀");
                    match self.sim.push(&push, &Body::Text { text }, self.now) {
                        Ok(_) => {
                            if let Some(t) = self.texts.get_mut(id as usize) {
                                t.account = account;
                                t.pushed = Some(off);
                            }
                            if self.sim.live_sessions(account) == 0 {
                                self.r.pushed_without_session += 1;
                            }
                        }
                        Err(_) => self.r.push_errors += 1,
                    }
                }
            }
            Action::Send {
                account,
                count,
                chat,
            } => {
                let Some(i) = self.slot_of.get(account).copied().flatten() else {
                    self.r.sends_skipped += u64::from(count);
                    return;
                };
                let now = self.now;
                let Some(slot) = self.slots.get_mut(i) else {
                    return;
                };
                if slot.client.phase() != Phase::Running || slot.friends.is_empty() {
                    self.r.sends_skipped += u64::from(count);
                    return;
                }
                let to = slot.friends[chat % slot.friends.len()].clone();
                for k in 0..count {
                    let text = format!("out#{account}-{}-{k}", off.as_secs());
                    let cmd = Command::SendText {
                        to: to.clone(),
                        text,
                    };
                    match slot.client.submit(cmd, now) {
                        Ok(_) => self.r.sends_submitted += 1,
                        Err(_) => self.r.sends_skipped += 1,
                    }
                }
                self.mark(i);
            }
            Action::Start(w) => {
                let Some(win) = self.schedule.windows.get(w) else {
                    return;
                };
                let scope = win.scope;
                let interval = (win.start, win.end + RECOVERY);
                *self
                    .r
                    .window_labels
                    .entry(win.label.to_owned())
                    .or_default() += 1;
                let idx = scope.unwrap_or(self.cfg.accounts);
                if let Some(d) = self.disturbed.get_mut(idx) {
                    d.push(interval);
                }
                self.active.push(w);
                self.apply_scope(scope);
            }
            Action::End(w) => {
                let scope = self.schedule.windows.get(w).and_then(|x| x.scope);
                self.active.retain(|&a| a != w);
                self.apply_scope(scope);
            }
            Action::Poison { account, kind } => {
                let push = Push {
                    account,
                    ..Push::default()
                };
                match self.sim.push_poisoned_pair(&push, kind, self.now) {
                    Ok(pair) => {
                        let p = self.pairs.len();
                        self.pair_ids.insert(pair.poisoned, (p, true));
                        self.pair_ids.insert(pair.valid, (p, false));
                        self.pairs.push(PairRec {
                            account,
                            at: off,
                            lifted: None,
                            poisoned_deliveries: 0,
                            poisoned_delivered_at: None,
                            valid_deliveries: 0,
                        });
                        self.open_poison.push((account, off));
                    }
                    Err(_) => self.r.push_errors += 1,
                }
            }
            Action::LiftPoison => self.lift_poison(off),
            Action::OneShot(rule) => {
                self.r.one_shots += u64::from(rule.times);
                for _ in 0..rule.times {
                    self.sim.inject(FaultRule {
                        times: 1,
                        ..rule.clone()
                    });
                }
            }
        }
    }

    /// Clears every pattern and poison, then sets the windows in force again.
    fn lift_poison(&mut self, off: Duration) {
        self.sim.clear_patterns();
        for (account, at) in std::mem::take(&mut self.open_poison) {
            if let Some(d) = self.disturbed.get_mut(account) {
                d.push((at, off + RECOVERY));
            }
        }
        for p in &mut self.pairs {
            p.lifted.get_or_insert(off);
        }
        let mut scopes: Vec<Option<usize>> = self
            .active
            .iter()
            .filter_map(|&w| self.schedule.windows.get(w).map(|x| x.scope))
            .collect();
        scopes.sort_unstable();
        scopes.dedup();
        for s in scopes {
            self.apply_scope(s);
        }
    }

    /// Runs the week, then the drain, calling `sample` after every instant (to measure
    /// memory), and counts.
    pub fn run(&mut self, sample: &mut dyn FnMut()) -> Result<Report, String> {
        let wall_start = Instant::now();
        let week_end = self.start + self.cfg.duration;
        let end = week_end + self.cfg.drain;
        let mut same_instant = 0u32;
        loop {
            while let Some((at, action)) = self.schedule.actions.get(self.next_action)
                && self.in_week
                && self.start + *at <= self.now
            {
                let action = action.clone();
                self.next_action += 1;
                self.act(action);
            }
            self.settle()?;
            sample();
            if self.in_week && self.now >= week_end {
                // The week is over: every fault ends; the drain lets the clients catch up.
                self.in_week = false;
                self.active.clear();
                self.lift_poison(self.offset());
                self.sim.clear_faults();
                self.settle()?;
            }
            let mut next = [
                self.slots.iter().filter_map(|s| s.wake).min(),
                self.held.values().map(|e| e.2).min(),
                self.later.iter().map(|l| l.0).min(),
            ]
            .into_iter()
            .flatten()
            .min();
            if self.in_week {
                let action_at = self
                    .schedule
                    .actions
                    .get(self.next_action)
                    .map_or(week_end, |(t, _)| (self.start + *t).min(week_end));
                next = Some(next.map_or(action_at, |n| n.min(action_at)));
            }
            let Some(next) = next else { break };
            if next > end {
                break;
            }
            if next <= self.now {
                same_instant += 1;
                if same_instant > 100_000 {
                    return Err(format!(
                        "time does not advance at {:?}: a wake-up that is never served",
                        self.offset()
                    ));
                }
            } else {
                same_instant = 0;
            }
            self.now = next.max(self.now);
            self.sim.advance(self.now);
            let now = self.now;
            for i in 0..self.slots.len() {
                if let Some(s) = self.slots.get_mut(i)
                    && s.wake.is_some_and(|w| w <= now)
                {
                    s.client.handle_timeout(now);
                    self.mark(i);
                }
            }
        }
        self.now = end;
        self.finish(wall_start.elapsed());
        Ok(std::mem::take(&mut self.r))
    }

    /// Fills the report from the records.
    fn finish(&mut self, wall_time: Duration) {
        let r = &mut self.r;
        r.wall = wall_time;
        r.virtual_time = self.now.saturating_duration_since(self.start);
        let global = self.disturbed.last().cloned().unwrap_or_default();
        for (id, t) in self.texts.iter().enumerate() {
            let Some(pushed) = t.pushed else { continue };
            r.pushed += 1;
            match t.deliveries {
                0 => {
                    r.lost += 1;
                    if r.lost_examples.len() < 10 {
                        r.lost_examples.push((id as u64, t.account, pushed));
                    }
                }
                1 => r.delivered += 1,
                _ => {
                    r.delivered += 1;
                    r.duplicated += 1;
                    if r.duplicated_examples.len() < 10 {
                        r.duplicated_examples.push((id as u64, t.account, pushed));
                    }
                }
            }
            if let Some(first) = t.first {
                let delay = first.saturating_sub(pushed);
                r.max_delay = r.max_delay.max(delay);
                let hits =
                    |d: &[(Duration, Duration)]| d.iter().any(|&(a, b)| a <= first && pushed <= b);
                let own = self
                    .disturbed
                    .get(t.account)
                    .is_some_and(|d| hits(d.as_slice()));
                if own || hits(&global) {
                    r.disturbed_texts += 1;
                } else {
                    r.clean_texts += 1;
                    if delay > r.max_clean_delay {
                        r.max_clean_delay = delay;
                        r.max_clean_delay_at = Some((id as u64, t.account, pushed));
                    }
                }
            }
        }
        for p in &self.pairs {
            r.poison_pairs += 1;
            let malformed = self
                .slot_of
                .get(p.account)
                .copied()
                .flatten()
                .and_then(|i| self.slots.get(i))
                .is_some_and(|s| s.malformed_messages > 0);
            match (p.poisoned_deliveries, p.poisoned_delivered_at) {
                (0, _) if malformed => r.poisoned_as_problem += 1,
                (0, _) => r.poisoned_vanished += 1,
                (_, Some(at)) if p.lifted.is_some_and(|l| at >= l) => {
                    r.poisoned_delivered_after_lift += 1
                }
                _ => r.poisoned_delivered_while_poisoned += 1,
            }
            match p.valid_deliveries {
                0 => r.valid_lost += 1,
                1 => r.valid_delivered += 1,
                _ => r.valid_duplicated += 1,
            }
            let _ = p.at;
        }
        let hours = r.hours.max(1e-9);
        r.requests_total = self.slots.iter().map(|s| s.requests).sum();
        r.max_account_per_hour = self
            .slots
            .iter()
            .map(|s| s.requests as f64 / hours)
            .fold(0.0, f64::max);
        for (i, s) in self.slots.iter().enumerate() {
            if s.max_minute > r.max_minute {
                r.max_minute = s.max_minute;
                r.max_minute_at = (s.account.unwrap_or(i), s.max_minute_at);
            }
            match (&s.logout, s.client.phase()) {
                (None, Phase::Running) => r.running_at_end += 1,
                (Some(l), _) => r.logouts.push(format!("slot {i}: {l}")),
                (None, p) => r.logouts.push(format!("slot {i}: phase {p:?}")),
            }
        }
        r.sim_requests = self.sim.served();
    }

    /// The clients, apart (to measure what they hold), and the simulator.
    pub fn into_parts(self) -> (Vec<Client>, Sim) {
        (self.slots.into_iter().map(|s| s.client).collect(), self.sim)
    }
}

/// Runs `cfg` with no memory sampling.
pub fn run(cfg: WeekConfig) -> Result<Report, String> {
    Week::new(cfg).run(&mut || {})
}
