//! The bot layer's policy against the simulator core in memory: which handler a message
//! goes to (the first that takes it, in the order added), what a reply sends, a friend
//! request accepted by its handler, a room event, history and your own messages ignored,
//! the session file saved and forgotten.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use wx_driver::bot::{BotBuilder, BotSession, BotSetup, ChatKind, Effect, Reply, Runtime};
use wx_proto::client::Event;
use wx_proto::model::RoomEvent;
use wx_sim::{Body, Push};
use wx_testkit::pair::{BASE, Pair, world};

/// A runtime that only hands the setup back.
struct Capture;

impl Runtime for Capture {
    type Run = BotSetup;
    fn run(setup: BotSetup) -> BotSetup {
        setup
    }
}

fn state_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wx-bot-routes-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A logged-in pair whose client runs inside the bot.
struct Harness {
    pair: Pair,
    bot: BotSession,
    handled: usize,
}

impl Harness {
    fn new(builder: BotBuilder<Capture>, tag: &str) -> Harness {
        let setup = builder
            .state_dir(state_dir(tag))
            .base_url(BASE)
            .quiet()
            .on_qr(|_| {})
            .run();
        let mut pair = Pair::with_world(world(4, 1));
        let bot = BotSession::open(setup, [1; 32], pair.now, wx_testkit::pair::wall()).unwrap();
        pair.login();
        pair.settle();
        let mut h = Harness {
            pair,
            bot,
            handled: 0,
        };
        h.feed();
        h
    }

    /// Hands the pair's new events to the bot (with the pair's client inside it).
    fn feed(&mut self) -> Vec<Effect> {
        std::mem::swap(&mut self.bot.client, &mut self.pair.client);
        let events: Vec<Event> = self.pair.events[self.handled..].to_vec();
        self.handled = self.pair.events.len();
        let now = self.pair.now;
        let effects = events
            .iter()
            .flat_map(|e| self.bot.on_event(e, now))
            .collect();
        std::mem::swap(&mut self.bot.client, &mut self.pair.client);
        effects
    }

    /// Pushes `body` (from a friend, or in the group), lets the bot answer, runs the
    /// answer out.
    fn say(&mut self, group: bool, body: Body) -> Vec<Effect> {
        let push = Push {
            account: 0,
            group: group.then(|| "0".into()),
            from: None,
        };
        let now = self.pair.now;
        self.pair.sim.push(&push, &body, now).unwrap();
        self.pair.run_for(Duration::from_secs(3));
        let effects = self.feed();
        self.pair.run_for(Duration::from_secs(3));
        effects
    }

    fn sent(&self) -> Vec<(String, String)> {
        self.pair
            .sim
            .sent()
            .iter()
            .map(|s| (s.to.clone(), s.content.clone()))
            .collect()
    }
}

fn text(s: &str) -> Body {
    Body::Text { text: s.into() }
}

#[test]
fn the_first_handler_that_takes_a_message_answers_it() {
    let kinds = Arc::new(Mutex::new(Vec::new()));
    let seen = kinds.clone();
    let builder = BotBuilder::<Capture>::new()
        .on_mention(|_| "mentioned")
        .on_text(move |cx, text| {
            seen.lock().unwrap().push(cx.chat_kind());
            format!("echo {text} from {}", cx.sender_name())
        })
        .on_group(|_| "never: text took it");
    let mut h = Harness::new(builder, "order");
    h.say(false, text("one"));
    h.say(true, text("two"));
    let me = h.pair.client.me().unwrap().nick_name.clone();
    h.say(true, text(&format!("@{me}\u{2005}three")));
    let sent = h.sent();
    let contents: Vec<&str> = sent.iter().map(|(_, c)| c.as_str()).collect();
    assert_eq!(contents.len(), 3, "{sent:?}");
    assert!(contents[0].starts_with("echo one from "), "{contents:?}");
    assert!(contents[1].starts_with("echo two from "), "{contents:?}");
    assert_eq!(contents[2], "mentioned");
    let kinds = kinds.lock().unwrap().clone();
    assert_eq!(
        kinds,
        [ChatKind::Friend, ChatKind::Group { mentioned: false }]
    );
    // The group's reply went to the group.
    let group = h
        .pair
        .client
        .book()
        .groups()
        .next()
        .unwrap()
        .user_name
        .clone();
    assert_eq!(sent[1].0, group);
}

#[test]
fn files_room_events_and_friend_requests() {
    let builder = BotBuilder::<Capture>::new()
        .on_room_event(|_, e| match e {
            RoomEvent::Joined { members, .. } => Reply::Text(format!("hi {}", members[0].name)),
            _ => Reply::Nothing,
        })
        .on_friend_request(|_, r| r.greeting == "let me in")
        .on_text(|_, t| (t == "file").then(|| Reply::File("/tmp/report.pdf".into())));
    let mut h = Harness::new(builder, "kinds");
    let effects = h.say(false, text("file"));
    let friend = h.pair.sim.world().accounts[0]
        .friends()
        .next()
        .unwrap()
        .user_name
        .clone();
    assert_eq!(
        effects,
        [Effect::SendFile {
            to: friend,
            path: "/tmp/report.pdf".into()
        }]
    );
    assert!(h.say(false, text("other")).is_empty());
    let group = h
        .pair
        .client
        .book()
        .groups()
        .next()
        .unwrap()
        .user_name
        .clone();
    let now = h.pair.now;
    h.pair
        .sim
        .join_group(0, &group, "Newbie", Some("0"), now)
        .unwrap();
    h.pair.run_for(Duration::from_secs(3));
    h.feed();
    h.pair.run_for(Duration::from_secs(3));
    assert!(
        h.sent()
            .iter()
            .any(|(to, c)| *to == group && c == "hi Newbie")
    );
    // A request with the wrong greeting is left alone; the right one is accepted.
    let accepted = |h: &Harness| h.pair.sim.served_by().get("webwxverifyuser").copied();
    h.pair.sim.push_friend_request(0, "A", "spam", now).unwrap();
    h.pair.run_for(Duration::from_secs(3));
    h.feed();
    h.pair.run_for(Duration::from_secs(3));
    assert_eq!(accepted(&h), None);
    h.pair
        .sim
        .push_friend_request(0, "B", "let me in", now)
        .unwrap();
    h.pair.run_for(Duration::from_secs(3));
    h.feed();
    h.pair.run_for(Duration::from_secs(3));
    assert_eq!(accepted(&h), Some(1));
}

#[test]
fn the_session_file_is_saved_and_a_logout_forgets_it() {
    let mut h = Harness::new(BotBuilder::<Capture>::new().profile("p1"), "file");
    let path = h.bot.session_path().to_owned();
    assert!(path.exists(), "saved on SnapshotChanged");
    std::mem::swap(&mut h.bot.client, &mut h.pair.client);
    let now = h.pair.now;
    h.bot.client.logout(now).unwrap();
    std::mem::swap(&mut h.bot.client, &mut h.pair.client);
    h.pair.run_for(Duration::from_secs(5));
    let effects = h.feed();
    assert_eq!(effects, [Effect::End]);
    assert!(!path.exists(), "forgotten after the logout");
}

#[test]
fn a_kick_logs_in_again_when_asked_and_ends_the_bot_otherwise() {
    for relogin in [true, false] {
        let builder = BotBuilder::<Capture>::new()
            .relogin_after_kick(relogin)
            .on_text(|_, t| t.to_owned());
        let mut h = Harness::new(builder, if relogin { "kick-a" } else { "kick-b" });
        h.pair.sim.kick(0);
        h.pair.run_for(Duration::from_secs(10));
        let effects = h.feed();
        let logins = |h: &Harness| {
            h.pair
                .events
                .iter()
                .filter(|e| matches!(e, Event::LoggedIn { .. }))
                .count()
        };
        if relogin {
            assert!(effects.is_empty(), "{effects:?}");
            h.pair.run_for(Duration::from_secs(30));
            h.feed();
            assert_eq!(logins(&h), 2, "logged in again");
            // And it still answers.
            h.say(false, text("again"));
            assert!(h.sent().iter().any(|(_, c)| c == "again"));
        } else {
            assert_eq!(effects, [Effect::End]);
            assert_eq!(logins(&h), 1);
            assert!(h.bot.session_path().exists(), "a kick keeps the file");
        }
    }
}

#[test]
fn the_logins_own_status_notification_reaches_no_handler() {
    let count = Arc::new(Mutex::new(0));
    let c = count.clone();
    let builder = BotBuilder::<Capture>::new().on_message(move |_| {
        *c.lock().unwrap() += 1;
    });
    let mut h = Harness::new(builder, "quiet");
    // The login's recent-chat list (MsgType 51) went by in Harness::new.
    assert!(h.pair.events.iter().any(|e| matches!(
        e,
        Event::Message { message, .. } if matches!(message.kind, wx_proto::model::MessageKind::StatusNotify(_))
    )));
    assert_eq!(*count.lock().unwrap(), 0);
    h.say(false, text("counted"));
    assert_eq!(*count.lock().unwrap(), 1);
}
