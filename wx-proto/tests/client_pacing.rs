//! The sync loop against a misbehaving server (wx-sim's sticky patterns, in memory, virtual
//! time): it keeps its own pace, reports each pattern once, backs off to the cap, and still
//! delivers a message as soon as the server really has it. Also the pace of sends, the bound
//! on undelivered events, and re-deliveries larger than the default filter.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

use wx_testkit::pair;

use std::time::{Duration, Instant};

use pair::Pair;
use wx_proto::client::{
    Command, Config, Endpoint, Event, OpError, OpOutput, Problem, ProblemKind, Rate, SendPacing,
    Stall, Wake,
};
use wx_sim::{Body, Pattern, Push};

fn world() -> wx_sim::WorldSpec {
    wx_sim::WorldSpec {
        contacts: 5,
        groups: 1,
        ..wx_sim::WorldSpec::default()
    }
}

fn text(t: &str) -> Body {
    Body::Text { text: t.into() }
}

fn stalls(p: &Pair, stall: Stall) -> usize {
    p.count(|e| {
        matches!(e, Event::Problem(Problem { kind: ProblemKind::Stalled(s), .. }) if *s == stall)
    })
}

fn problems(p: &Pair) -> usize {
    p.count(|e| matches!(e, Event::Problem(_)))
}

/// Runs `pattern` for `window` of virtual time and returns the requests sent meanwhile.
fn under(p: &mut Pair, pattern: Pattern, window: Duration) -> u64 {
    let before = p.sim.stats(false).total;
    p.sim.set_pattern(Some(pattern));
    p.run_for(window);
    p.sim.stats(false).total - before
}

/// After the pattern is cleared, a new text arrives within the idle cap (plus a held poll).
fn delivered_after_clearing(p: &mut Pair, marker: &str) -> Duration {
    p.sim.clear_patterns();
    let pushed_at = p.now;
    p.sim.push(&Push::default(), &text(marker), p.now).unwrap();
    let got = p.run_until(Duration::from_secs(120), |p| {
        p.messages().iter().any(|m| m.text() == Some(marker))
    });
    assert!(got, "{marker} never arrived");
    let n = p
        .messages()
        .iter()
        .filter(|m| m.text() == Some(marker))
        .count();
    assert_eq!(n, 1, "{marker} delivered once");
    p.now - pushed_at
}

fn assert_polite(requests: u64, window: Duration, what: &str) {
    let per_s = requests as f64 / window.as_secs_f64();
    eprintln!("{what}: {requests} requests in {window:?} ({per_s:.2}/s)");
    assert!(requests >= 3, "{what}: the loop kept polling ({requests})");
    assert!(per_s <= 2.0, "{what}: {per_s:.2} requests/s");
}

#[test]
fn stuck_keys_with_selector_2_or_7_stay_polite_and_are_reported_once() {
    for selector in [2, 7] {
        let mut p = Pair::with_world(world());
        p.login();
        let window = Duration::from_secs(60);
        let n = under(&mut p, Pattern::StuckKeys { selector }, window);
        assert_polite(n, window, &format!("stuck keys, selector {selector}"));
        assert!(n <= 20, "the pace grows to its cap: {n}");
        assert_eq!(stalls(&p, Stall::EmptySync), 1, "selector {selector}");
        let late = delivered_after_clearing(&mut p, "after-stuck");
        assert!(late <= Duration::from_secs(40), "{late:?}");
    }
}

#[test]
fn a_poll_answered_at_once_stays_polite_and_is_reported_once() {
    let mut p = Pair::with_world(world());
    p.login();
    let window = Duration::from_secs(60);
    let n = under(&mut p, Pattern::NoHold, window);
    assert_polite(n, window, "no hold");
    assert_eq!(stalls(&p, Stall::PollNotHeld), 1);
    // A real message while the server still does not hold: delivered within the pace.
    p.sim
        .push(&Push::default(), &text("during-no-hold"), p.now)
        .unwrap();
    let at = p.now;
    assert!(p.run_until(Duration::from_secs(40), |p| {
        p.messages()
            .iter()
            .any(|m| m.text() == Some("during-no-hold"))
    }));
    assert!(p.now - at <= Duration::from_secs(36));
    let late = delivered_after_clearing(&mut p, "after-no-hold");
    assert!(late <= Duration::from_secs(40), "{late:?}");
}

#[test]
fn continue_flag_without_progress_is_capped_and_reported_once() {
    let mut p = Pair::with_world(world());
    p.login();
    let syncs = p.sim.requests("webwxsync");
    let before = p.sim.stats(false).total;
    p.sim.set_pattern(Some(Pattern::ContinueForever));
    // A message starts the chain: it comes with ContinueFlag 1, and so does every sync after.
    p.sim
        .push(&Push::default(), &text("starts-the-chain"), p.now)
        .unwrap();
    let window = Duration::from_secs(60);
    p.run_for(window);
    let n = p.sim.stats(false).total - before;
    assert_polite(n, window, "continue forever");
    let syncs = p.sim.requests("webwxsync") - syncs;
    assert!(
        (5..=10).contains(&syncs),
        "the news and 3 empty rounds are followed: {syncs}"
    );
    assert_eq!(stalls(&p, Stall::ContinueWithoutProgress), 1);
    assert!(
        p.messages()
            .iter()
            .any(|m| m.text() == Some("starts-the-chain"))
    );
    // Real news while the flag is stuck is still delivered.
    p.sim
        .push(&Push::default(), &text("during-continue"), p.now)
        .unwrap();
    assert!(p.run_until(Duration::from_secs(40), |p| {
        p.messages()
            .iter()
            .any(|m| m.text() == Some("during-continue"))
    }));
    delivered_after_clearing(&mut p, "after-continue");
}

#[test]
fn a_500_storm_backs_off_to_the_cap_and_reinits_at_most_every_five_minutes() {
    let mut p = Pair::with_world(world());
    p.login();
    let inits = p.sim.requests("webwxinit");
    let problems_before = problems(&p);
    let window = Duration::from_secs(20 * 60);
    let n = under(&mut p, Pattern::status(500, &["synccheck"]), window);
    assert_polite(n, window, "500 storm");
    // 2+4+8+16+32 s, then one a minute: about 25 requests in 20 minutes.
    assert!(n <= 40, "{n} requests in 20 minutes");
    let reinits = p.sim.requests("webwxinit") - inits;
    assert!(
        (1..=4).contains(&reinits),
        "{reinits} re-inits in 20 minutes"
    );
    let reported = problems(&p) - problems_before;
    assert!(
        reported <= 2 + 2 * reinits as usize,
        "{reported} problems: one per streak and per re-init"
    );
    assert!(
        p.count(|e| matches!(e, Event::LoggedOut(_))) == 0,
        "a storm is no logout"
    );
    let late = delivered_after_clearing(&mut p, "after-storm");
    assert!(late <= Duration::from_secs(90), "{late:?}");
}

#[test]
fn a_1205_at_webwxinit_waits_and_logs_in_once_it_is_lifted() {
    let now = Instant::now();
    let sim = pair::auto_sim(world(), now);
    let config = Config {
        throttle_delay: Duration::from_secs(60),
        ..Config::for_base_url(pair::BASE)
    };
    let mut p = Pair::new(config, sim, now);
    p.sim.set_pattern(Some(Pattern::throttle(&["webwxinit"])));
    p.run_for(Duration::from_secs(10 * 60));
    assert_eq!(p.count(|e| matches!(e, Event::LoggedOut(_))), 0);
    let inits = p.sim.requests("webwxinit");
    assert!((5..=12).contains(&inits), "one webwxinit a minute: {inits}");
    let reported = p.count(|e| {
        matches!(
            e,
            Event::Problem(Problem {
                kind: ProblemKind::Throttled,
                ..
            })
        )
    });
    assert_eq!(reported, 1, "a streak of 1205s is reported once");
    p.sim.clear_patterns();
    p.login();
}

#[test]
fn sends_keep_their_pace_and_order() {
    let now = Instant::now();
    let sim = pair::auto_sim(world(), now);
    let pacing = SendPacing {
        account: Rate {
            interval: Duration::from_secs(1),
            burst: 4,
        },
        chat: Rate {
            interval: Duration::from_secs(3),
            burst: 2,
        },
        ..SendPacing::default()
    };
    let config = Config {
        send_pacing: Some(pacing),
        ..Config::for_base_url(pair::BASE)
    };
    let mut p = Pair::new(config, sim, now);
    p.login();
    let friend = p.a_friend();
    let ops: Vec<_> = (0..6)
        .map(|i| {
            p.client
                .submit(
                    Command::SendText {
                        to: friend.clone(),
                        text: format!("paced {i}"),
                    },
                    p.now,
                )
                .unwrap()
        })
        .collect();
    let t0 = p.now;
    assert_eq!(
        p.client.queued_sends(),
        4,
        "a burst of 2 to one chat left at once"
    );
    assert_eq!(p.client.next_send_at(), Some(t0 + Duration::from_secs(3)));
    assert!(p.run_until(Duration::from_secs(60), |p| p.client.queued_sends() == 0));
    p.run_for(Duration::from_secs(5));
    let done: Vec<(u64, Duration)> = p
        .events
        .iter()
        .zip(&p.event_at)
        .filter_map(|(e, at)| match e {
            Event::OpDone {
                op,
                result: Ok(OpOutput::Sent { .. }),
            } if ops.contains(op) => Some((op.0, *at - t0)),
            _ => None,
        })
        .collect();
    assert_eq!(done.len(), 6, "{done:?}");
    assert_eq!(
        done.iter().map(|d| d.0).collect::<Vec<_>>(),
        ops.iter().map(|o| o.0).collect::<Vec<_>>(),
        "one chat's sends in order"
    );
    let secs: Vec<u64> = done.iter().map(|d| d.1.as_secs()).collect();
    assert_eq!(secs, [0, 0, 3, 6, 9, 12], "burst 2, then one every 3 s");
    let texts: Vec<&str> = p.sim.sent().iter().map(|s| s.content.as_str()).collect();
    let paced: Vec<&str> = texts
        .into_iter()
        .filter(|t| t.starts_with("paced"))
        .collect();
    assert_eq!(
        paced,
        [
            "paced 0", "paced 1", "paced 2", "paced 3", "paced 4", "paced 5"
        ]
    );
}

#[test]
fn a_1205_on_a_send_pauses_retries_and_fails_throttled_only_after_the_retries() {
    let mut p = Pair::with_world(world());
    p.login();
    let friend = p.a_friend();
    // Two 1205s, then the send goes through.
    p.sim.throttle(Some("webwxsendmsg"), 2);
    let op = p
        .client
        .submit(
            Command::SendText {
                to: friend.clone(),
                text: "retried".into(),
            },
            p.now,
        )
        .unwrap();
    let t0 = p.now;
    let result = |p: &Pair| {
        p.events.iter().find_map(|e| match e {
            Event::OpDone { op: o, result } if *o == op => Some(result.clone()),
            _ => None,
        })
    };
    assert!(p.run_until(Duration::from_secs(120), |p| result(p).is_some()));
    assert!(matches!(result(&p), Some(Ok(OpOutput::Sent { .. }))));
    // 10 s, then 20 s of pause, reported once.
    assert!(p.now - t0 >= Duration::from_secs(30), "{:?}", p.now - t0);
    let paused = |p: &Pair| {
        p.count(|e| {
            matches!(
                e,
                Event::Problem(Problem {
                    kind: ProblemKind::Throttled,
                    request: wx_proto::client::Endpoint::SendMsg,
                    ..
                })
            )
        })
    };
    assert_eq!(paused(&p), 1, "one pause, reported when it starts");
    // Always 1205: three retries, then Throttled.
    p.sim
        .set_pattern(Some(Pattern::throttle(&["webwxsendmsg"])));
    let before = p.sim.requests("webwxsendmsg");
    let op = p
        .client
        .submit(
            Command::SendText {
                to: friend,
                text: "refused".into(),
            },
            p.now,
        )
        .unwrap();
    let result = |p: &Pair| {
        p.events.iter().find_map(|e| match e {
            Event::OpDone { op: o, result } if *o == op => Some(result.clone()),
            _ => None,
        })
    };
    assert!(p.run_until(Duration::from_secs(600), |p| result(p).is_some()));
    assert_eq!(result(&p), Some(Err(OpError::Throttled)));
    assert_eq!(
        p.sim.requests("webwxsendmsg") - before,
        4,
        "one try and three retries"
    );
}

#[test]
fn an_application_that_does_not_drain_stops_webwxsync_and_loses_nothing() {
    let now = Instant::now();
    let sim = pair::auto_sim(world(), now);
    let config = Config {
        max_undelivered_events: 50,
        ..Config::for_base_url(pair::BASE)
    };
    let mut p = Pair::new(config, sim, now);
    p.login();
    let before = p.messages().len();
    for i in 0..400 {
        p.sim
            .push(&Push::default(), &text(&format!("bulk {i}")), p.now)
            .unwrap();
    }
    // One event a second: the client may hold at most the bound plus one batch (100).
    p.slow_consumer = Some((1, Duration::from_secs(1)));
    let mut peak = 0;
    let end = p.now + Duration::from_secs(120);
    let syncs = p.sim.requests("webwxsync");
    while p.now < end && p.step() {
        peak = peak.max(p.client.queued_events());
    }
    let sync_calls = p.sim.requests("webwxsync") - syncs;
    eprintln!("peak {peak} queued events, {sync_calls} webwxsync in 120 s");
    assert!(peak <= 50 + 100 + 10, "{peak} events held");
    assert!(peak >= 50, "the application really was slow ({peak})");
    assert!(
        sync_calls <= 4,
        "{sync_calls} webwxsync while the application was slow"
    );
    p.slow_consumer = None;
    assert!(
        p.run_until(Duration::from_secs(300), |p| p.messages().len() - before
            >= 400)
    );
    p.run_for(Duration::from_secs(30));
    let texts: Vec<String> = p.messages()[before..]
        .iter()
        .filter_map(|m| m.text().map(str::to_owned))
        .collect();
    let want: Vec<String> = (0..400).map(|i| format!("bulk {i}")).collect();
    assert_eq!(texts, want, "every message once, in order");
}

/// Requests and delivered texts over `window` with a text a second, under `pattern`.
fn steady_traffic(pattern: Option<Pattern>, window: Duration) -> (u64, Pair) {
    let now = Instant::now();
    let mut cfg = pair::auto_sim(world(), now).config().clone();
    cfg.steady_rate = Some(Duration::from_secs(1));
    let sim = wx_sim::Sim::new(cfg, now, pair::wall());
    let mut p = Pair::new(Config::for_base_url(pair::BASE), sim, now);
    p.login();
    p.events.clear();
    p.event_at.clear();
    let before = p.sim.stats(false).total;
    p.sim.set_pattern(pattern);
    p.run_for(window);
    (p.sim.stats(false).total - before, p)
}

#[test]
fn continue_flag_forever_under_steady_traffic_costs_what_a_healthy_server_does() {
    let window = Duration::from_secs(120);
    let (healthy, _) = steady_traffic(None, window);
    let (n, p) = steady_traffic(Some(Pattern::ContinueForever), window);
    eprintln!("a text a second: {healthy} requests healthy, {n} with ContinueFlag stuck");
    // One synccheck and one webwxsync per text is all a healthy server costs too.
    assert!(n <= healthy + healthy / 10 + 5, "{n} vs {healthy}");
    assert_eq!(stalls(&p, Stall::ContinueWithoutProgress), 1);
    let got = p.messages();
    let ids: std::collections::BTreeSet<&str> = got.iter().map(|m| m.msg_id.as_str()).collect();
    assert_eq!(ids.len(), got.len(), "nothing delivered twice");
    assert!(got.len() >= 110, "{} texts in {window:?}", got.len());
    // Delivered as they come: the newest is at most a pace behind.
    let last = p
        .event_at
        .iter()
        .zip(&p.events)
        .rfind(|(_, e)| matches!(e, Event::Message { .. }))
        .map(|(at, _)| *at);
    assert!(last.is_some_and(|at| p.now - at <= Duration::from_secs(5)));
}

#[test]
fn the_echoes_of_our_own_sends_do_not_slow_a_healthy_loop() {
    let now = Instant::now();
    let sim = pair::auto_sim(world(), now);
    // The default send pace: the sends trickle out, each echo in its own sync round.
    let mut p = Pair::new(Config::for_base_url(pair::BASE), sim, now);
    p.login();
    let friend = p.a_friend();
    for i in 0..15 {
        p.client
            .submit(
                Command::SendText {
                    to: friend.clone(),
                    text: format!("mine {i}"),
                },
                p.now,
            )
            .unwrap();
    }
    p.run_for(Duration::from_secs(15));
    assert!(p.client.queued_sends() > 0, "still sending");
    let pushed_at = p.now;
    p.sim
        .push(&Push::default(), &text("after my sends"), p.now)
        .unwrap();
    assert!(p.run_until(Duration::from_secs(60), |p| {
        p.messages()
            .iter()
            .any(|m| m.text() == Some("after my sends"))
    }));
    let at = p
        .events
        .iter()
        .zip(&p.event_at)
        .find_map(|(e, at)| match e {
            Event::Message { message, .. } if message.text() == Some("after my sends") => Some(*at),
            _ => None,
        })
        .expect("delivered");
    assert!(
        at - pushed_at <= Duration::from_secs(1),
        "{:?}",
        at - pushed_at
    );
}

#[test]
fn the_next_wake_up_says_why_it_is_due() {
    let mut p = Pair::with_world(world());
    p.login();
    // A held poll in flight: its watchdog is the only deadline.
    p.run_for(Duration::from_secs(1));
    p.settle();
    assert!(matches!(
        p.client.next_wake(),
        Some((_, Wake::Watchdog(Endpoint::SyncCheck)))
    ));
    // A paced round: the lane's next synccheck.
    p.sim.set_pattern(Some(Pattern::NoHold));
    p.run_for(Duration::from_secs(10));
    p.settle();
    let (at, why) = p.client.next_wake().expect("a wake-up");
    assert_eq!(why, Wake::Lane(Endpoint::SyncCheck));
    assert_eq!(Some(at), p.client.poll_timeout());
    p.sim.clear_patterns();
    // Sends beyond the pace: the send queue.
    let friend = p.a_friend();
    for i in 0..8 {
        p.client
            .submit(
                Command::SendText {
                    to: friend.clone(),
                    text: format!("queued {i}"),
                },
                p.now,
            )
            .unwrap();
    }
    assert_eq!(
        p.client.next_wake().map(|w| w.1),
        Some(Wake::Drain),
        "requests queued"
    );
    while p.client.poll_request().is_some() {}
    let _ = std::iter::from_fn(|| p.client.poll_event()).count();
    assert!(p.client.queued_sends() > 0);
    let wakes: Vec<Wake> = [p.client.next_wake()]
        .into_iter()
        .flatten()
        .map(|w| w.1)
        .collect();
    assert!(
        matches!(
            wakes[..],
            [Wake::SendPace] | [Wake::Lane(_)] | [Wake::Watchdog(_)]
        ),
        "{wakes:?}"
    );
}
