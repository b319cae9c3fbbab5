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

use wx_proto::client::{Client, Command, Config, Event, Failure, OpOutput, RequestId};
use wx_proto::model::MessageKind;
use wx_sim::{Body, LoginPolicy, Push, Reply, Sim, WorldSpec};

const BASE: &str = "http://127.0.0.1:8080";

/// Client + simulator in one loop, time jumping to the next wake-up.
struct Demo {
    client: Client,
    sim: Sim,
    now: Instant,
    start: Instant,
    held: BTreeMap<wx_sim::HeldId, RequestId>,
    later: Vec<(Instant, RequestId, http::Response<Vec<u8>>)>,
    replies: BTreeMap<wx_proto::client::OpId, String>,
    echoed: Vec<(String, String, String)>,
}

impl Demo {
    fn say(&self, line: &str) {
        let t = self.now.duration_since(self.start).as_secs_f64();
        println!("[{t:7.1}s] {line}");
    }

    fn deliver(&mut self, id: RequestId, reply: Reply) -> Result<(), String> {
        let r = match reply {
            Reply::Now(resp) => self.client.handle_response(id, resp, self.now),
            Reply::Later(resp, at) => {
                self.later.push((at, id, resp));
                Ok(())
            }
            Reply::Held(h) => {
                self.held.insert(h, id);
                Ok(())
            }
            Reply::Drop => self.client.handle_failure(id, Failure::Io, self.now),
        };
        r.map_err(|e| e.to_string())
    }

    /// Runs until nothing more happens at `now`, handling events as they come.
    fn settle(&mut self) -> Result<(), String> {
        loop {
            let mut busy = false;
            while let Some(req) = self.client.poll_request() {
                busy = true;
                let reply = self.sim.handle(&req.http, self.now);
                self.deliver(req.id, reply)?;
            }
            for h in self.held.keys().copied().collect::<Vec<_>>() {
                if let Some(reply) = self.sim.poll_held(h, self.now)
                    && let Some(id) = self.held.remove(&h)
                {
                    busy = true;
                    self.deliver(id, reply)?;
                }
            }
            let now = self.now;
            let (due, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.later)
                .into_iter()
                .partition(|l| l.0 <= now);
            self.later = rest;
            for (_, id, resp) in due {
                busy = true;
                self.client
                    .handle_response(id, resp, now)
                    .map_err(|e| e.to_string())?;
            }
            while let Some(event) = self.client.poll_event() {
                busy = true;
                self.on_event(event);
            }
            if !busy {
                return Ok(());
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
                    if let Ok(op) = self.client.submit(cmd, self.now) {
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

    fn run_for(&mut self, d: Duration) -> Result<(), String> {
        let end = self.now + d;
        loop {
            self.settle()?;
            let next = [
                self.client.poll_timeout(),
                self.sim.next_wake(),
                self.later.iter().map(|l| l.0).min(),
            ]
            .into_iter()
            .flatten()
            .min();
            match next {
                Some(at) if at <= end => {
                    self.now = at.max(self.now);
                    self.sim.advance(self.now);
                    self.client.handle_timeout(self.now);
                }
                _ => {
                    self.now = end;
                    return Ok(());
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
    let mut demo = Demo {
        client: Client::new(Config::for_base_url(BASE), [42; 32], now, wall),
        sim: Sim::new(sim_config, now, wall),
        now,
        start: now,
        held: BTreeMap::new(),
        later: Vec::new(),
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
    demo.run_for(Duration::from_secs(30))?;
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
        demo.sim
            .push(&push, &body, demo.now)
            .map_err(|e| e.to_string())?;
        demo.run_for(Duration::from_secs(3))?;
    }
    if let Some((chat, msg_id, client_msg_id)) = demo.echoed.first().cloned() {
        demo.say("revoking the first reply");
        demo.client
            .submit(
                Command::Revoke {
                    to: chat,
                    msg_id,
                    client_msg_id,
                },
                demo.now,
            )
            .map_err(|e| e.to_string())?;
        demo.run_for(Duration::from_secs(2))?;
    }
    demo.client
        .submit(Command::Logout, demo.now)
        .map_err(|e| e.to_string())?;
    demo.run_for(Duration::from_secs(5))?;
    println!(
        "\n{} requests served by the simulator; {} replies sent",
        demo.sim.served(),
        demo.echoed.len()
    );
    Ok(())
}
