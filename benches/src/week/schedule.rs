//! The week's deterministic schedule: traffic (pushes and sends, the same with and without
//! faults) and faults (pattern windows, poison episodes, one-shot rules), drawn from two
//! seeded SplitMix64 streams so that switching faults or poison off leaves the rest as is.

use std::time::Duration;

use wx_sim::{Fault, FaultRule, Pattern, Poison};

/// A SplitMix64 generator (no OS randomness).
#[derive(Debug, Clone)]
pub struct Prng(u64);

impl Prng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Prng(seed ^ 0x243F_6A88_85A3_08D3)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An exponential draw with this mean.
    pub fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }

    /// A duration between `lo` and `hi`, uniform on a log scale.
    pub fn log_between(&mut self, lo: Duration, hi: Duration) -> Duration {
        let (l, h) = (lo.as_secs_f64().ln(), hi.as_secs_f64().ln());
        Duration::from_secs_f64((l + (h - l) * self.unit()).exp())
    }

    /// A duration between `lo` and `hi`, uniform.
    pub fn between(&mut self, lo: Duration, hi: Duration) -> Duration {
        lo + (hi.saturating_sub(lo)).mul_f64(self.unit())
    }
}

/// A window of sticky patterns, for one account or for every account.
#[derive(Debug, Clone)]
pub struct Window {
    /// `Some(account)`: that account's patterns; `None`: every account's.
    pub scope: Option<usize>,
    /// What it sets (added in this order).
    pub patterns: Vec<Pattern>,
    /// A short name for reports.
    pub label: &'static str,
    /// Offset from the start of the week.
    pub start: Duration,
    /// Offset of its end.
    pub end: Duration,
}

/// One scheduled thing.
#[derive(Debug, Clone)]
pub enum Action {
    /// Push `count` texts to `account` (ids `first_id..first_id + count`), in its first
    /// group when `group`.
    Push {
        /// Account index.
        account: usize,
        /// The first text's id.
        first_id: u64,
        /// How many texts.
        count: u32,
        /// Said in a group.
        group: bool,
    },
    /// The client of `account` sends `count` texts to its friend number `chat`.
    Send {
        /// Account index.
        account: usize,
        /// How many texts.
        count: u32,
        /// Which friend (modulo the friends it knows).
        chat: usize,
    },
    /// Window number `.0` starts.
    Start(usize),
    /// Window number `.0` ends.
    End(usize),
    /// A poisoned pair (poisoned text, valid text) for `account`.
    Poison {
        /// Account index.
        account: usize,
        /// The poison.
        kind: Poison,
    },
    /// Every poison is lifted (`Sim::clear_patterns`, then the windows in force are set
    /// again).
    LiftPoison,
    /// A one-shot fault rule.
    OneShot(FaultRule),
}

/// The whole schedule, sorted by time.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    /// (offset from the start, action), in time order (stable for equal times).
    pub actions: Vec<(Duration, Action)>,
    /// The pattern windows the `Start`/`End` actions name.
    pub windows: Vec<Window>,
    /// Texts pushed by the schedule (ids `0..texts`).
    pub texts: u64,
}

const MIN: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(86_400);

/// No traffic or fault starts before this (the logins).
pub const WARM_UP: Duration = Duration::from_secs(600);

/// Pushes per account per hour at the busiest time of day (the mean over a day is about
/// two thirds of it).
pub const PEAK_PUSH_RATE: f64 = 4.0;

/// Busy-ness of the hour of day, 0 to 1 (quiet at night).
fn daily(t: Duration) -> f64 {
    let h = (t.as_secs() % 86_400) / 3600;
    match h {
        0..=6 => 0.25,
        7..=8 | 22..=23 => 0.6,
        _ => 1.0,
    }
}

/// The traffic of `accounts` accounts over `days` days (independent of faults).
fn traffic(
    rng: &mut Prng,
    accounts: usize,
    end: Duration,
    actions: &mut Vec<(Duration, Action)>,
    burst_times: &mut Vec<(usize, Duration)>,
) -> u64 {
    let mut next_id = 0u64;
    for account in 0..accounts {
        // Pushes: a Poisson process thinned by the time of day; most arrivals one text,
        // some a few, a few a burst of 10 to 30.
        let mut t = WARM_UP;
        loop {
            t += Duration::from_secs_f64(rng.exp(3600.0 / PEAK_PUSH_RATE));
            if t >= end {
                break;
            }
            if rng.unit() >= daily(t) {
                continue;
            }
            let roll = rng.below(100);
            let count = match roll {
                0..=84 => 1,
                85..=94 => 2 + rng.below(4) as u32,
                _ => 10 + rng.below(21) as u32,
            };
            let group = rng.below(4) == 0;
            actions.push((
                t,
                Action::Push {
                    account,
                    first_id: next_id,
                    count,
                    group,
                },
            ));
            next_id += u64::from(count);
        }
        // Sends: about one every two hours, and once a day a burst of 12 to 20 to one
        // chat (beyond the per-chat burst of 5 and the account burst of 10: paced).
        let mut t = WARM_UP;
        loop {
            t += Duration::from_secs_f64(rng.exp(7200.0));
            if t >= end {
                break;
            }
            let chat = rng.below(8) as usize;
            actions.push((
                t,
                Action::Send {
                    account,
                    count: 1,
                    chat,
                },
            ));
        }
        let mut day = Duration::ZERO;
        while day < end {
            let at = (day + rng.between(HOUR, DAY)).max(WARM_UP);
            let count = 12 + rng.below(9) as u32;
            let chat = rng.below(8) as usize;
            if at < end {
                actions.push((
                    at,
                    Action::Send {
                        account,
                        count,
                        chat,
                    },
                ));
                burst_times.push((account, at));
            }
            day += DAY;
        }
    }
    next_id
}

/// The per-account pattern kinds, with their labels.
fn account_window(kind: u64) -> (&'static str, Vec<Pattern>) {
    match kind {
        0 => ("stuck keys 2", vec![Pattern::StuckKeys { selector: 2 }]),
        1 => ("stuck keys 7", vec![Pattern::StuckKeys { selector: 7 }]),
        2 => ("no hold", vec![Pattern::NoHold]),
        3 => ("continue forever", vec![Pattern::ContinueForever]),
        4 => ("500 synccheck", vec![Pattern::status(500, &["synccheck"])]),
        5 => ("500 webwxsync", vec![Pattern::status(500, &["webwxsync"])]),
        6 => (
            "500 storm",
            vec![Pattern::status(
                500,
                &["synccheck", "webwxsync", "webwxinit"],
            )],
        ),
        7 => ("1205 synccheck", vec![Pattern::throttle(&["synccheck"])]),
        8 => (
            "1205 webwxinit + 500 synccheck",
            vec![
                Pattern::throttle(&["webwxinit"]),
                Pattern::status(500, &["synccheck"]),
            ],
        ),
        _ => ("1205 webwxsync", vec![Pattern::throttle(&["webwxsync"])]),
    }
}

/// The global pattern kinds.
fn global_window(kind: u64) -> (&'static str, Vec<Pattern>, Duration, Duration) {
    match kind {
        0 => (
            "all: 500 storm",
            vec![Pattern::status(
                500,
                &["synccheck", "webwxsync", "webwxinit"],
            )],
            10 * MIN,
            40 * MIN,
        ),
        1 => (
            "all: 1205 webwxinit + 500 synccheck",
            vec![
                Pattern::throttle(&["webwxinit"]),
                Pattern::status(500, &["synccheck"]),
            ],
            20 * MIN,
            60 * MIN,
        ),
        2 => ("all: no hold", vec![Pattern::NoHold], 30 * MIN, 2 * HOUR),
        3 => (
            "all: stuck keys 2",
            vec![Pattern::StuckKeys { selector: 2 }],
            10 * MIN,
            30 * MIN,
        ),
        4 => (
            "all: continue forever",
            vec![Pattern::ContinueForever],
            20 * MIN,
            60 * MIN,
        ),
        _ => (
            "all: 1205 synccheck",
            vec![Pattern::throttle(&["synccheck"])],
            5 * MIN,
            20 * MIN,
        ),
    }
}

/// A one-shot fault rule.
fn one_shot(rng: &mut Prng) -> FaultRule {
    let endpoint =
        ["synccheck", "webwxsync", "webwxsync", "webwxsendmsg"][rng.below(4) as usize].to_owned();
    let fault = match rng.below(6) {
        0 => Fault::Drop,
        1 => Fault::Delay {
            ms: 1000 + rng.below(29_000),
        },
        2 => Fault::Truncate {
            keep: rng.below(100) as usize,
        },
        3 => Fault::Garbage,
        4 if endpoint == "webwxsync" => Fault::Redeliver,
        _ => Fault::Status { code: 500 },
    };
    FaultRule {
        endpoint: Some(endpoint),
        fault,
        times: 1 + rng.below(3) as u32,
    }
}

/// Adds a window and its start and end.
fn window(schedule: &mut Schedule, w: Window) {
    let n = schedule.windows.len();
    schedule.actions.push((w.start, Action::Start(n)));
    schedule.actions.push((w.end, Action::End(n)));
    schedule.windows.push(w);
}

/// The faults of the week (`poison`: with poison episodes).
fn faults(
    rng: &mut Prng,
    accounts: usize,
    end: Duration,
    poison: bool,
    burst_times: &[(usize, Duration)],
    schedule: &mut Schedule,
) {
    let days = end.as_secs().div_ceil(86_400);
    for day in 0..days {
        let day0 = DAY * day as u32;
        let from = day0.max(WARM_UP + 20 * MIN);
        for account in 0..accounts {
            // Most accounts get one window a day of one of the patterns, 5 min to 3 h.
            if rng.below(10) < 8 {
                let (label, patterns) = account_window(rng.below(10));
                let start = rng.between(from, day0 + DAY);
                let len = rng.log_between(5 * MIN, 3 * HOUR);
                window(
                    schedule,
                    Window {
                        scope: Some(account),
                        patterns,
                        label,
                        start,
                        end: (start + len).min(end),
                    },
                );
            }
        }
        // Two global windows a day.
        for _ in 0..2 {
            let (label, patterns, lo, hi) = global_window(rng.below(6));
            let start = rng.between(from, day0 + DAY);
            let len = rng.between(lo, hi);
            window(
                schedule,
                Window {
                    scope: None,
                    patterns,
                    label,
                    start,
                    end: (start + len).min(end),
                },
            );
        }
        // A poison episode a day: three accounts get a poisoned pair each, lifted 20 to
        // 60 minutes later. Drawn even with poison off, so the rest stays the same.
        let at = rng.between(from, day0 + DAY - HOUR);
        let lift = at + rng.between(20 * MIN, 60 * MIN);
        let first = rng.below(accounts as u64) as usize;
        if poison && at < end {
            for k in 0..accounts.min(3) {
                let kind = if (day as usize + k).is_multiple_of(2) {
                    Poison::ControlByte
                } else {
                    Poison::InvalidUtf8
                };
                schedule.actions.push((
                    at + Duration::from_secs(k as u64),
                    Action::Poison {
                        account: (first + k * 7) % accounts,
                        kind,
                    },
                ));
            }
            schedule.actions.push((lift.min(end), Action::LiftPoison));
        }
        // About one one-shot rule an hour.
        for _ in 0..24 {
            let at = rng.between(from, day0 + DAY);
            if at < end {
                schedule.actions.push((at, Action::OneShot(one_shot(rng))));
            }
        }
    }
    // 1205 on sends for a few minutes around some of the daily send bursts.
    for &(account, at) in burst_times {
        if rng.below(3) == 0 {
            let start = at.saturating_sub(rng.between(Duration::ZERO, 2 * MIN));
            let len = rng.between(2 * MIN, 10 * MIN);
            window(
                schedule,
                Window {
                    scope: Some(account),
                    patterns: vec![Pattern::throttle(&["webwxsendmsg"])],
                    label: "1205 webwxsendmsg",
                    start,
                    end: (start + len).min(end),
                },
            );
        }
    }
}

impl Schedule {
    /// The schedule of `accounts` accounts over `end` (from the start of the week): the
    /// traffic always, the faults when `faults` (poison episodes when `poison` too).
    pub fn new(seed: u64, accounts: usize, end: Duration, faults_on: bool, poison: bool) -> Self {
        let mut schedule = Schedule::default();
        let mut traffic_rng = Prng::new(seed);
        let mut bursts = Vec::new();
        schedule.texts = traffic(
            &mut traffic_rng,
            accounts,
            end,
            &mut schedule.actions,
            &mut bursts,
        );
        if faults_on && accounts > 0 {
            let mut fault_rng = Prng::new(seed ^ 0xFA17_FA17);
            faults(
                &mut fault_rng,
                accounts,
                end,
                poison,
                &bursts,
                &mut schedule,
            );
        }
        schedule.actions.sort_by_key(|(t, _)| *t);
        schedule
    }
}
