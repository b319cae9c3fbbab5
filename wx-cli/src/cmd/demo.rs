//! `wx demo`: wx-sim in this process on loopback, a QR login it scans and confirms itself,
//! a scripted conversation from a friend and a group, an echo bot, a revoke, a logout.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use wx_proto::client::{Client, Command, Config, Event, OpId, OpOutput};
use wx_proto::model::MessageKind;
use wx_sim::{Body, LoginPolicy, Push, ServeOptions, WorldSpec};

use crate::cli::DemoArgs;
use crate::describe;
use crate::error::{CliError, CliResult};
use crate::live::{Live, Outcome, Voice};
use crate::names;

/// The whole demo must finish within this.
const DEADLINE: Duration = Duration::from_secs(60);

/// Runs the demo.
pub async fn run(args: DemoArgs) -> CliResult {
    let options = ServeOptions {
        config: wx_sim::Config {
            world: WorldSpec {
                contacts: 12,
                groups: 2,
                ..WorldSpec::default()
            },
            login: LoginPolicy::Auto {
                scan_after: Duration::from_millis(600),
                confirm_after: Duration::from_millis(400),
                account: 0,
            },
            poll_hold: Duration::from_secs(2),
            ..wx_sim::Config::default()
        },
        ..ServeOptions::default()
    };
    let addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let server = wx_sim::serve(addr, options)
        .await
        .map_err(|e| CliError::runtime(format!("cannot start the simulator on {addr}: {e}")))?;
    let result = match tokio::time::timeout(DEADLINE, session(&server, args.light)).await {
        Ok(r) => r,
        Err(_) => Err(CliError::runtime("the demo did not finish within 60 s")),
    };
    server.shutdown().await;
    result
}

/// What the echo bot has done.
#[derive(Default)]
struct Bot {
    /// Replies in flight: op → chat.
    pending: BTreeMap<OpId, String>,
    /// Replies sent: (chat, MsgID, ClientMsgId).
    sent: Vec<(String, String, String)>,
    /// MsgIds received.
    seen: Vec<String>,
}

impl Bot {
    fn on_event(&mut self, live: &mut Live, event: &Event) {
        match event {
            Event::Message { message, .. } if describe::is_chat(message) && !message.sent_by_me => {
                self.seen.push(message.msg_id.clone());
                let who = names::of(&live.client, &message.sender, Some(&message.chat));
                let chat = if message.is_group {
                    format!(" in {}", names::of(&live.client, &message.chat, None))
                } else {
                    String::new()
                };
                let (kind, text) = describe::kind_and_text(&message.kind);
                live.say(&format!("<- {who}{chat}: [{kind}] {text}"));
                if let MessageKind::Text(t) = &message.kind {
                    let command = Command::SendText {
                        to: message.chat.clone(),
                        text: format!("echo: {}", t.text),
                    };
                    match live.client.submit(command, Instant::now()) {
                        Ok(op) => {
                            self.pending.insert(op, message.chat.clone());
                        }
                        Err(e) => live.say(&format!("-> cannot reply: {e}")),
                    }
                }
            }
            Event::OpDone { op, result } => {
                if let Some(chat) = self.pending.remove(op) {
                    match result {
                        Ok(OpOutput::Sent {
                            msg_id,
                            client_msg_id,
                        }) => {
                            live.say(&format!("-> replied (MsgID {msg_id})"));
                            self.sent
                                .push((chat, msg_id.clone(), client_msg_id.clone()));
                        }
                        Ok(_) => live.say("-> replied"),
                        Err(e) => live.say(&format!("-> reply failed: {e}")),
                    }
                }
            }
            _ => {}
        }
    }
}

fn script() -> Vec<(Push, Body)> {
    let group = Push {
        group: Some("0".into()),
        ..Push::default()
    };
    let friend = Push::default;
    vec![
        (
            friend(),
            Body::Text {
                text: "Hello! Are you a bot?".into(),
            },
        ),
        (friend(), Body::Image),
        (
            group.clone(),
            Body::Text {
                text: "Morning, everyone".into(),
            },
        ),
        (friend(), Body::Voice { ms: 4200 }),
        (
            group.clone(),
            Body::Link {
                title: "Rust 2024 is out".into(),
                url: "https://example.org/rust".into(),
            },
        ),
        (
            friend(),
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
    ]
}

async fn session(server: &wx_sim::Server, light: bool) -> CliResult {
    let http = wx_tokio::HttpClient::new(wx_tokio::HttpOptions::default())
        .map_err(|e| CliError::runtime(e.to_string()))?;
    let client = Client::new(
        Config::for_base_url(server.base_url()),
        crate::session::seed(),
        Instant::now(),
        SystemTime::now(),
    );
    let mut live = Live::new(client, http, None, Voice::Transcript);
    live.set_light(light);
    live.say(&format!(
        "simulator listening on {} (a scripted phone scans and confirms)",
        server.base_url()
    ));
    let ready = live
        .until(|live, e| {
            if let Event::Ready { contacts, groups } = e {
                live.say(&format!("ready: {contacts} contacts, {groups} groups"));
                return true;
            }
            false
        })
        .await?;
    if matches!(ready, Outcome::Stopped) {
        live.logout().await?;
        return Err(CliError::runtime("interrupted"));
    }
    let mut bot = Bot::default();
    for (push, body) in script() {
        let msg_id = server
            .with_sim(|sim, now| sim.push(&push, &body, now))
            .map_err(|e| CliError::runtime(format!("the simulator refused a push: {e}")))?;
        let out = live
            .until(|live, e| {
                bot.on_event(live, e);
                bot.seen.contains(&msg_id) && bot.pending.is_empty()
            })
            .await?;
        if matches!(out, Outcome::Stopped) {
            live.logout().await?;
            return Err(CliError::runtime("interrupted"));
        }
    }
    if let Some((chat, msg_id, client_msg_id)) = bot.sent.first().cloned() {
        live.say(&format!("revoking the first reply (MsgID {msg_id})"));
        let op = live
            .client
            .submit(
                Command::Revoke {
                    to: chat,
                    msg_id,
                    client_msg_id,
                },
                Instant::now(),
            )
            .map_err(|e| CliError::runtime(format!("cannot revoke: {e}")))?;
        let out = live
            .until(|_, e| matches!(e, Event::OpDone { op: o, .. } if *o == op))
            .await?;
        match out {
            Outcome::Matched(Event::OpDone { result: Ok(_), .. }) => live.say("-> revoked"),
            Outcome::Matched(Event::OpDone { result: Err(e), .. }) => {
                live.say(&format!("-> revoke failed: {e}"))
            }
            _ => {}
        }
    }
    live.say("logging out");
    live.logout().await?;
    let served = server.with_sim(|sim, _| sim.served());
    crate::out::line_lossy(format_args!(
        "\n{served} requests served by the simulator over loopback HTTP; {} messages received, {} replies sent, 1 revoked",
        bot.seen.len(),
        bot.sent.len()
    ));
    Ok(())
}
