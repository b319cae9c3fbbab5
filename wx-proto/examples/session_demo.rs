//! A whole session with no phone and no network: the Client against the wx-sim core in
//! memory, in virtual time. It logs in (the simulated phone scans and confirms), receives a
//! scripted conversation from a friend and a group, echoes every text, revokes one of its
//! replies, logs out, and prints the transcript.
//!
//! ```text
//! cargo run --release -p wx-proto --example session_demo
//! ```
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use wx_proto::client::{Client, Command, Config, Event, OpOutput};
use wx_proto::model::MessageKind;
use wx_sim::{Body, LoginPolicy, Push, Sim, WorldSpec};
use wx_testkit::pair::{BASE, Pair};

/// Client + simulator in one loop (the tests' in-memory pair), time jumping to the next
/// wake-up; events are handled as they come.
struct Demo {
    pair: Pair,
    /// How many of the pair's events were handled.
    seen: usize,
    replies: BTreeMap<wx_proto::client::OpId, String>,
    echoed: Vec<(String, String, String)>,
}

impl Demo {
    fn say(&self, line: &str) {
        let t = self.pair.now.duration_since(self.pair.start).as_secs_f64();
        println!("[{t:7.1}s] {line}");
    }

    /// Runs until nothing more happens at `now`, handling events as they come.
    fn settle(&mut self) {
        loop {
            self.pair.settle();
            if self.seen == self.pair.events.len() {
                return;
            }
            let new = self.pair.events[self.seen..].to_vec();
            self.seen = self.pair.events.len();
            for event in new {
                self.on_event(event);
            }
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::QrCode { qr_text, .. } => self.say(&format!("QR code to scan: {qr_text}")),
            Event::Scanned { avatar } => self.say(&format!(
                "scanned (avatar: {} bytes); waiting for the phone to confirm",
                avatar.map_or(0, |a| a.len())
            )),
            Event::Confirmed => self.say("confirmed on the phone"),
            Event::LoggedIn { nick_name, .. } => self.say(&format!("logged in as {nick_name}")),
            Event::Ready { contacts, groups } => {
                self.say(&format!("ready: {contacts} contacts, {groups} groups"))
            }
            Event::Message { message, .. } => {
                if matches!(message.kind, MessageKind::StatusNotify(_)) {
                    return; // the phone's chat-list sync, not a chat message
                }
                let who = self
                    .pair
                    .client
                    .contact(&message.sender)
                    .map(|c| c.nick_name.clone())
                    .unwrap_or_else(|| message.sender.clone());
                let chat = if message.is_group { " in a group" } else { "" };
                let (kind, text) = describe(&message.kind);
                self.say(&format!("<- {who}{chat}: [{kind}] {text}"));
                if let MessageKind::Text(t) = &message.kind
                    && !message.sent_by_me
                {
                    let reply = format!("echo: {}", t.text);
                    let cmd = Command::SendText {
                        to: message.chat.clone(),
                        text: reply.clone(),
                    };
                    if let Ok(op) = self.pair.client.submit(cmd, self.pair.now) {
                        self.replies.insert(op, message.chat.clone());
                    }
                }
            }
            Event::OpDone { op, result } => match (result, self.replies.remove(&op)) {
                (
                    Ok(OpOutput::Sent {
                        msg_id,
                        client_msg_id,
                    }),
                    Some(chat),
                ) => {
                    self.say(&format!("-> replied (MsgID {msg_id})"));
                    self.echoed.push((chat, msg_id, client_msg_id));
                }
                (Ok(_), None) => self.say("-> done"),
                (Err(e), _) => self.say(&format!("-> failed: {e}")),
                (Ok(_), Some(_)) => {}
            },
            Event::LoggedOut(reason) => self.say(&format!("logged out: {reason:?}")),
            Event::Problem(p) => self.say(&format!(
                "(problem handled: {:?} on {:?})",
                p.kind, p.request
            )),
            _ => {}
        }
    }

    fn run_for(&mut self, d: Duration) {
        let end = self.pair.now + d;
        loop {
            self.settle();
            match self.pair.next_wake() {
                Some(at) if at <= end => self.pair.advance_to(at),
                _ => {
                    self.pair.advance_to(end);
                    return;
                }
            }
        }
    }
}

fn describe(kind: &MessageKind) -> (&'static str, String) {
    match kind {
        MessageKind::Text(t) => ("text", t.text.clone()),
        MessageKind::Image(_) => ("image", String::new()),
        MessageKind::Voice(v) => ("voice", format!("{} ms", v.duration_ms)),
        MessageKind::Location(l) => ("location", l.label.clone()),
        MessageKind::App(a) => ("app", a.title.clone()),
        MessageKind::Emoticon { .. } => ("sticker", String::new()),
        MessageKind::Revoke(r) => ("revoke", r.replace_text.clone()),
        MessageKind::System(n) => ("system", n.text.clone()),
        _ => ("other", String::new()),
    }
}

fn main() -> ExitCode {
    let now = Instant::now();
    let wall = SystemTime::now();
    let sim_config = wx_sim::Config {
        base_url: BASE.into(),
        world: WorldSpec {
            contacts: 12,
            groups: 2,
            ..WorldSpec::default()
        },
        login: LoginPolicy::Auto {
            scan_after: Duration::from_secs(4),
            confirm_after: Duration::from_secs(3),
            account: 0,
        },
        ..wx_sim::Config::default()
    };
    let sim = Sim::new(sim_config, now, wall);
    let mut pair = Pair::new(Config::for_base_url(BASE), sim, now);
    pair.client = Client::new(Config::for_base_url(BASE), [42; 32], now, wall);
    let mut demo = Demo {
        pair,
        seen: 0,
        replies: BTreeMap::new(),
        echoed: Vec::new(),
    };
    match run(&mut demo) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(demo: &mut Demo) -> Result<(), String> {
    demo.run_for(Duration::from_secs(30));
    let group = Push {
        group: Some("0".into()),
        ..Push::default()
    };
    let script: Vec<(Push, Body)> = vec![
        (
            Push::default(),
            Body::Text {
                text: "Hello! Are you a bot?".into(),
            },
        ),
        (Push::default(), Body::Image),
        (
            group.clone(),
            Body::Text {
                text: "Morning, everyone".into(),
            },
        ),
        (Push::default(), Body::Voice { ms: 4200 }),
        (
            group.clone(),
            Body::Link {
                title: "Rust 2024 is out".into(),
                url: "https://example.org/rust".into(),
            },
        ),
        (
            Push::default(),
            Body::Location {
                label: "Shenzhen Bay".into(),
                lat: 22.5,
                lng: 113.9,
            },
        ),
        (
            group,
            Body::Text {
                text: "Nice to meet you".into(),
            },
        ),
    ];
    for (push, body) in script {
        demo.pair
            .sim
            .push(&push, &body, demo.pair.now)
            .map_err(|e| e.to_string())?;
        demo.run_for(Duration::from_secs(3));
    }
    if let Some((chat, msg_id, client_msg_id)) = demo.echoed.first().cloned() {
        demo.say("revoking the first reply");
        demo.pair
            .client
            .submit(
                Command::Revoke {
                    to: chat,
                    msg_id,
                    client_msg_id,
                },
                demo.pair.now,
            )
            .map_err(|e| e.to_string())?;
        demo.run_for(Duration::from_secs(2));
    }
    demo.pair
        .client
        .logout(demo.pair.now)
        .map_err(|e| e.to_string())?;
    demo.run_for(Duration::from_secs(5));
    println!(
        "\n{} requests served by the simulator; {} replies sent",
        demo.pair.sim.served(),
        demo.echoed.len()
    );
    Ok(())
}
