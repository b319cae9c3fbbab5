//! One bad element costs only itself on every input path the client reads, against the
//! wx-sim core in memory: a poisoned message (a raw control byte or invalid UTF-8 in its
//! Content) becomes one `MalformedMessage` problem naming its MsgId while the message beside
//! it is delivered and the keys advance; a poisoned contact in a sync or a contact page
//! becomes one `MalformedContact` naming its UserName while the rest is applied.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

use wx_testkit::pair;

use std::time::{Duration, Instant};

use pair::Pair;
use wx_proto::client::{Config, Event, Problem, ProblemKind};
use wx_sim::{Body, Poison, Push};

fn world() -> wx_sim::WorldSpec {
    wx_sim::WorldSpec {
        contacts: 6,
        groups: 1,
        ..wx_sim::WorldSpec::default()
    }
}

fn malformed_messages(p: &Pair) -> Vec<Option<String>> {
    p.events
        .iter()
        .filter_map(|e| match e {
            Event::Problem(Problem {
                kind: ProblemKind::MalformedMessage(bad),
                ..
            }) => Some(bad.id.clone()),
            _ => None,
        })
        .collect()
}

fn malformed_contacts(p: &Pair) -> Vec<Option<String>> {
    p.events
        .iter()
        .filter_map(|e| match e {
            Event::Problem(Problem {
                kind: ProblemKind::MalformedContact(bad),
                ..
            }) => Some(bad.id.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_poisoned_message_costs_only_itself_and_the_keys_advance() {
    for poison in [Poison::ControlByte, Poison::InvalidUtf8] {
        let mut p = Pair::with_world(world());
        p.login();
        let before = p.messages().len();
        let pair = p
            .sim
            .push_poisoned_pair(&Push::default(), poison, p.now)
            .unwrap();
        let got = p.run_until(Duration::from_secs(30), |p| {
            p.messages().iter().any(|m| m.msg_id == pair.valid)
        });
        assert!(got, "{poison:?}: the valid sibling is delivered");
        assert_eq!(
            malformed_messages(&p),
            [Some(pair.poisoned.clone())],
            "{poison:?}"
        );
        // The keys advanced: the next text comes, and nothing comes twice.
        let next = p
            .sim
            .push(
                &Push::default(),
                &Body::Text {
                    text: "next".into(),
                },
                p.now,
            )
            .unwrap();
        assert!(p.run_until(Duration::from_secs(30), |p| {
            p.messages().iter().any(|m| m.msg_id == next)
        }));
        p.run_for(Duration::from_secs(60));
        let ids: Vec<&str> = p.messages()[before..]
            .iter()
            .map(|m| m.msg_id.as_str())
            .collect();
        assert_eq!(ids, [pair.valid.as_str(), next.as_str()], "{poison:?}");
        assert_eq!(malformed_messages(&p).len(), 1, "reported once");
        assert!(
            !p.messages().iter().any(|m| m.msg_id == pair.poisoned),
            "the poisoned one is a problem, not a message"
        );
    }
}

#[test]
fn a_poisoned_contact_in_a_sync_costs_only_itself() {
    for poison in [Poison::ControlByte, Poison::InvalidUtf8] {
        let mut p = Pair::with_world(world());
        p.login();
        let pair = p.sim.push_poisoned_contacts(0, poison, p.now).unwrap();
        let got = p.run_until(Duration::from_secs(30), |p| {
            p.events.iter().any(|e| {
                matches!(e, Event::ContactsChanged(c) if c.iter().any(|c| c.user_name == pair.valid))
            })
        });
        assert!(got, "{poison:?}: the valid contact is applied");
        assert_eq!(
            malformed_contacts(&p),
            [Some(pair.poisoned.clone())],
            "{poison:?}"
        );
    }
}

#[test]
fn a_poisoned_contact_on_a_page_costs_only_itself() {
    for poison in [Poison::ControlByte, Poison::InvalidUtf8] {
        let now = Instant::now();
        let mut sim = pair::auto_sim(world(), now);
        let bad = sim.poison_page_contact(0, 2, poison).unwrap();
        let mut p = Pair::new(Config::for_base_url(pair::BASE), sim, now);
        p.login();
        assert_eq!(malformed_contacts(&p), [Some(bad.clone())], "{poison:?}");
        let friends = p
            .client
            .contacts()
            .filter(|c| c.is_friend() && !c.is_group() && c.user_name.starts_with('@'))
            .count();
        // The five others at least (the poisoned one may also be known from webwxinit).
        assert!(friends >= 5, "{poison:?}: {friends} friends loaded");
    }
}
