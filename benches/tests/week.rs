//! A short simulated week (10 accounts, one day) against wx-sim in memory: every fault the
//! simulator injects, the sticky patterns and poisoned pairs, and a no-fault baseline with
//! the same traffic.
#![allow(clippy::unwrap_used)]

use wx_benches::week::{Report, WeekConfig, run};

/// Accounts and days of the short run.
const ACCOUNTS: usize = 10;
const DAYS: u32 = 1;
/// Requests per account-minute allowed after the first login: two a second.
const MAX_PER_MINUTE: u32 = 120;
/// The fault day may cost at most this multiple of the baseline's requests per account-hour.
const MAX_FAULT_COST: f64 = 2.0;

fn day(faults: bool, poison: bool) -> Report {
    let cfg = WeekConfig {
        faults,
        poison,
        ..WeekConfig::new(ACCOUNTS, DAYS)
    };
    let r = run(cfg).unwrap();
    eprintln!("{}", wx_benches::week::report::details(&r));
    r
}

fn assert_sound(r: &Report) {
    assert!(
        r.pushed > 100,
        "the schedule pushed too little: {}",
        r.pushed
    );
    assert_eq!(r.lost, 0, "lost texts: {:?}", r.lost_examples);
    assert_eq!(
        r.duplicated, 0,
        "duplicated texts: {:?}",
        r.duplicated_examples
    );
    assert_eq!(r.misrouted + r.unknown_texts + r.usage_errors, 0);
    assert_eq!(
        r.running_at_end, ACCOUNTS,
        "sessions ended: {:?}",
        r.logouts
    );
    assert!(
        r.max_minute <= MAX_PER_MINUTE,
        "{} requests in one account-minute (account, minute) {:?}",
        r.max_minute,
        r.max_minute_at
    );
}

#[test]
fn a_day_of_faults_and_poison_loses_and_duplicates_nothing_and_stays_within_the_pace() {
    let base = day(false, false);
    assert_sound(&base);
    assert!(
        base.max_clean_delay.as_secs() < 5,
        "{:?}",
        base.max_clean_delay
    );

    let faulty = day(true, true);
    assert!(faulty.windows > 0 && faulty.one_shots_hit > 0 && faulty.poison_pairs > 0);
    assert_eq!(faulty.pushed, base.pushed, "the same traffic");
    assert_sound(&faulty);
    assert_eq!(faulty.valid_lost + faulty.valid_duplicated, 0);
    assert_eq!(
        faulty.poisoned_as_problem + faulty.poisoned_delivered_after_lift,
        faulty.poison_pairs,
        "every poisoned element is reported (or, before the parser fix, waits for the lift)"
    );
    assert!(
        faulty.per_account_hour() <= MAX_FAULT_COST * base.per_account_hour(),
        "fault day {:.1} requests/account-hour vs baseline {:.1}",
        faulty.per_account_hour(),
        base.per_account_hour()
    );
}
