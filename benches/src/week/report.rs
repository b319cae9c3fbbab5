//! What a week run counted, and the markdown tables of runs side by side.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// The counts of one run. Texts are those the schedule pushed (`wk#<id>`); the poisoned
/// pairs are counted apart.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Accounts (one client each).
    pub accounts: usize,
    /// Hours of the week (the drain excluded).
    pub hours: f64,
    /// Faults were on.
    pub faults: bool,
    /// Poison episodes were on.
    pub poison: bool,
    /// Pattern windows scheduled.
    pub windows: usize,
    /// Windows started, by label.
    pub window_labels: BTreeMap<String, u64>,
    /// One-shot fault rules injected (each for one request).
    pub one_shots: u64,
    /// One-shot rules a request used up.
    pub one_shots_hit: u64,
    /// Texts pushed.
    pub pushed: u64,
    /// Texts delivered at least once.
    pub delivered: u64,
    /// Texts never delivered.
    pub lost: u64,
    /// Texts delivered more than once.
    pub duplicated: u64,
    /// (id, account, push time) of some lost texts.
    pub lost_examples: Vec<(u64, usize, Duration)>,
    /// (id, account, push time) of some duplicated texts.
    pub duplicated_examples: Vec<(u64, usize, Duration)>,
    /// Texts pushed while their account had no live session.
    pub pushed_without_session: u64,
    /// Pushes the simulator refused.
    pub push_errors: u64,
    /// Texts delivered to another account's client.
    pub misrouted: u64,
    /// `wk#` texts with an id the schedule never pushed.
    pub unknown_texts: u64,
    /// Poisoned pairs pushed.
    pub poison_pairs: u64,
    /// Poisoned elements never delivered, their account having reported a malformed
    /// element (the expected outcome).
    pub poisoned_as_problem: u64,
    /// Poisoned elements delivered once the poison was lifted (sent clean): the account's
    /// sync stalled on the poisoned batch until then.
    pub poisoned_delivered_after_lift: u64,
    /// Poisoned elements delivered while still poisoned.
    pub poisoned_delivered_while_poisoned: u64,
    /// Poisoned elements neither delivered nor reported.
    pub poisoned_vanished: u64,
    /// Valid siblings delivered once.
    pub valid_delivered: u64,
    /// Valid siblings never delivered.
    pub valid_lost: u64,
    /// Valid siblings delivered more than once.
    pub valid_duplicated: u64,
    /// Requests of the week (drain excluded), by endpoint.
    pub requests: BTreeMap<String, u64>,
    /// Their sum.
    pub requests_total: u64,
    /// The busiest account's requests per hour over the week.
    pub max_account_per_hour: f64,
    /// The most requests any account made in one minute (after its first login).
    pub max_minute: u32,
    /// (account, minute of the run) of that minute.
    pub max_minute_at: (usize, u64),
    /// Longest delay from a push to its delivery.
    pub max_delay: Duration,
    /// Longest delay from a push to its delivery with no fault on its account (nor on
    /// every account) between the two, nor within `RECOVERY` before.
    pub max_clean_delay: Duration,
    /// (id, account, push time) of that text.
    pub max_clean_delay_at: Option<(u64, usize, Duration)>,
    /// Delivered texts outside fault windows.
    pub clean_texts: u64,
    /// Delivered texts in (or overlapping) fault windows.
    pub disturbed_texts: u64,
    /// `Problem` events, by kind.
    pub problems: BTreeMap<String, u64>,
    /// Send results (`OpDone`), by outcome.
    pub sends: BTreeMap<String, u64>,
    /// Sends submitted.
    pub sends_submitted: u64,
    /// Scheduled sends not submitted (the client not running, or no friend known).
    pub sends_skipped: u64,
    /// Own sent messages echoed back.
    pub echoes: u64,
    /// Other messages delivered.
    pub other_messages: u64,
    /// Clients running at the end with no logout.
    pub running_at_end: usize,
    /// Clients that ended, and why.
    pub logouts: Vec<String>,
    /// `handle_response`/`handle_failure` refused (a harness bug).
    pub usage_errors: u64,
    /// Requests the simulator served (drain included).
    pub sim_requests: u64,
    /// Virtual time run (week and drain).
    pub virtual_time: Duration,
    /// Wall time of the run.
    pub wall: Duration,
    /// Peak heap of the process during the run minus the heap before it (the example
    /// measures it), bytes.
    pub peak_heap: Option<u64>,
    /// Heap the clients held at the end, bytes (the example measures it).
    pub clients_heap: Option<u64>,
}

impl Report {
    /// Requests per account per hour over the week.
    pub fn per_account_hour(&self) -> f64 {
        self.requests_total as f64 / (self.accounts.max(1) as f64 * self.hours.max(1e-9))
    }

    /// Requests to `endpoint` per account per hour.
    pub fn endpoint_per_account_hour(&self, endpoint: &str) -> f64 {
        self.requests.get(endpoint).copied().unwrap_or(0) as f64
            / (self.accounts.max(1) as f64 * self.hours.max(1e-9))
    }

    /// A one-line name of the run.
    pub fn name(&self) -> &'static str {
        match (self.faults, self.poison) {
            (false, _) => "baseline (no faults)",
            (true, true) => "faults + poison",
            (true, false) => "faults, no poison",
        }
    }
}

fn kib(b: Option<u64>, accounts: usize) -> String {
    b.map_or("-".into(), |b| {
        format!("{:.1} KiB", b as f64 / accounts.max(1) as f64 / 1024.0)
    })
}

/// The main table: one column per run.
pub fn table(runs: &[&Report]) -> String {
    let mut s = String::new();
    let head: Vec<&str> = runs.iter().map(|r| r.name()).collect();
    let _ = writeln!(s, "| | {} |", head.join(" | "));
    let _ = writeln!(s, "| --- |{}", " ---: |".repeat(runs.len()));
    let mut row = |label: &str, f: &dyn Fn(&Report) -> String| {
        let cells: Vec<String> = runs.iter().map(|r| f(r)).collect();
        let _ = writeln!(s, "| {label} | {} |", cells.join(" | "));
    };
    row("accounts × hours", &|r| {
        format!("{} × {:.0}", r.accounts, r.hours)
    });
    row("pattern windows / one-shot faults (hit)", &|r| {
        format!("{} / {} ({})", r.windows, r.one_shots, r.one_shots_hit)
    });
    row("texts pushed", &|r| r.pushed.to_string());
    row("delivered", &|r| r.delivered.to_string());
    row("**lost**", &|r| format!("**{}**", r.lost));
    row("**duplicated**", &|r| format!("**{}**", r.duplicated));
    row("poisoned pairs", &|r| r.poison_pairs.to_string());
    row("poisoned: reported as Problem, not delivered", &|r| {
        r.poisoned_as_problem.to_string()
    });
    row("poisoned: stalled, delivered after the lift", &|r| {
        r.poisoned_delivered_after_lift.to_string()
    });
    row("poisoned: other (delivered poisoned / vanished)", &|r| {
        format!(
            "{} / {}",
            r.poisoned_delivered_while_poisoned, r.poisoned_vanished
        )
    });
    row("valid siblings delivered once (lost, dup)", &|r| {
        format!(
            "{} ({}, {})",
            r.valid_delivered, r.valid_lost, r.valid_duplicated
        )
    });
    row("requests / account / hour (mean)", &|r| {
        format!("{:.1}", r.per_account_hour())
    });
    row("requests / hour, busiest account", &|r| {
        format!("{:.1}", r.max_account_per_hour)
    });
    row("max requests in one account-minute", &|r| {
        r.max_minute.to_string()
    });
    row("longest push→delivery, outside fault windows", &|r| {
        format!("{:.1} s", r.max_clean_delay.as_secs_f64())
    });
    row("longest push→delivery, any", &|r| {
        format!("{:.0} s", r.max_delay.as_secs_f64())
    });
    row("texts outside / in fault windows", &|r| {
        format!("{} / {}", r.clean_texts, r.disturbed_texts)
    });
    row("sends submitted → sent / failed", &|r| {
        let sent = r.sends.get("sent").copied().unwrap_or(0);
        let failed: u64 = r
            .sends
            .iter()
            .filter(|(k, _)| k.as_str() != "sent")
            .map(|(_, v)| v)
            .sum();
        format!("{} → {sent} / {failed}", r.sends_submitted)
    });
    row("clients running at the end", &|r| {
        format!("{}/{}", r.running_at_end, r.accounts)
    });
    row("peak heap per account (whole process)", &|r| {
        kib(r.peak_heap, r.accounts)
    });
    row("heap per client at the end", &|r| {
        kib(r.clients_heap, r.accounts)
    });
    row("wall time", &|r| format!("{:.1} s", r.wall.as_secs_f64()));
    s
}

/// Requests per account per hour by endpoint, one column per run.
pub fn endpoint_table(runs: &[&Report]) -> String {
    let mut endpoints: Vec<&String> = runs.iter().flat_map(|r| r.requests.keys()).collect();
    endpoints.sort();
    endpoints.dedup();
    let mut s = String::new();
    let head: Vec<&str> = runs.iter().map(|r| r.name()).collect();
    let _ = writeln!(s, "| requests / account / hour | {} |", head.join(" | "));
    let _ = writeln!(s, "| --- |{}", " ---: |".repeat(runs.len()));
    for e in endpoints {
        let cells: Vec<String> = runs
            .iter()
            .map(|r| format!("{:.2}", r.endpoint_per_account_hour(e)))
            .collect();
        let _ = writeln!(s, "| {e} | {} |", cells.join(" | "));
    }
    let cells: Vec<String> = runs
        .iter()
        .map(|r| format!("**{:.1}**", r.per_account_hour()))
        .collect();
    let _ = writeln!(s, "| **total** | {} |", cells.join(" | "));
    s
}

/// Everything else a run counted (problems, send outcomes, windows, examples), as text.
pub fn details(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## {}", r.name());
    let _ = writeln!(
        s,
        "virtual time {:?}, simulator requests {}, usage errors {}, misrouted {}, unknown texts {}, pushed without session {}, push errors {}, sends skipped {}, echoes {}, other messages {}",
        r.virtual_time,
        r.sim_requests,
        r.usage_errors,
        r.misrouted,
        r.unknown_texts,
        r.pushed_without_session,
        r.push_errors,
        r.sends_skipped,
        r.echoes,
        r.other_messages
    );
    let _ = writeln!(
        s,
        "max account-minute: account {} minute {}",
        r.max_minute_at.0, r.max_minute_at.1
    );
    if let Some((id, a, at)) = r.max_clean_delay_at {
        let _ = writeln!(
            s,
            "longest clean delay: text {id}, account {a}, pushed at {:.0} s",
            at.as_secs_f64()
        );
    }
    let _ = writeln!(s, "windows: {:?}", r.window_labels);
    let _ = writeln!(s, "problems: {:?}", r.problems);
    let _ = writeln!(s, "sends: {:?}", r.sends);
    let _ = writeln!(
        s,
        "lost examples (id, account, pushed): {:?}",
        r.lost_examples
    );
    let _ = writeln!(
        s,
        "duplicated examples (id, account, pushed): {:?}",
        r.duplicated_examples
    );
    let _ = writeln!(s, "logouts: {:?}", r.logouts);
    s
}
