//! A run every async adapter makes: `next_event` dropped over and over while requests are
//! in flight loses and duplicates nothing. The adapter races one `next_event` against its
//! own short timer; this file pushes the texts and checks what arrived.

use wx_proto::client::{Client, Event, Phase};
use wx_sim::{Body, Push};

use super::{Env, lost_and_duplicated};

/// What one raced call gave.
pub enum Raced {
    /// `next_event` won: its result.
    Event(Option<Event>),
    /// The timer won and `next_event` was dropped; the driver's requests in flight after.
    Dropped {
        /// `Driver::in_flight()` once the wait was dropped.
        in_flight: usize,
    },
}

/// Logs in, then pushes 30 texts, each right after a wait was dropped with requests in
/// flight, until all 30 arrived; then shuts down. `race(client, false)` races one
/// `next_event` against a timer of a few milliseconds; `race(client, true)` runs
/// `Driver::shutdown` and returns `Dropped` with what is in flight after it. Asserts that
/// every text arrived exactly once, the session logged out and nothing is left in flight.
pub fn texts_survive_dropped_waits(
    env: &Env,
    client: &mut Client,
    mut race: impl FnMut(&mut Client, bool) -> Raced,
) {
    let (mut events, mut pushed, mut dropped, mut live) = (Vec::new(), Vec::new(), 0, false);
    for _ in 0..1_000_000 {
        match race(client, false) {
            Raced::Event(e) => {
                let e = e.expect("the session ended early");
                live |= matches!(e, Event::Ready { .. });
                events.push(e);
            }
            Raced::Dropped { in_flight } if in_flight > 0 => {
                dropped += 1;
                if live && pushed.len() < 30 {
                    let body = Body::Text {
                        text: format!("c{}", pushed.len()),
                    };
                    let id = env.sim(|sim, now| sim.push(&Push::default(), &body, now));
                    pushed.push(id.expect("the simulator took the text"));
                }
            }
            Raced::Dropped { .. } => {}
        }
        if pushed.len() == 30 && lost_and_duplicated(&events, &pushed).0 == 0 {
            break;
        }
    }
    let after = race(client, true);
    assert_eq!(
        pushed.len(),
        30,
        "dropped with requests in flight {dropped} times"
    );
    assert_eq!(lost_and_duplicated(&events, &pushed), (0, 0));
    assert_eq!(client.phase(), Phase::LoggedOut);
    assert!(
        matches!(after, Raced::Dropped { in_flight: 0 }),
        "requests left in flight"
    );
}
