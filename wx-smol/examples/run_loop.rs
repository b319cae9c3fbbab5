//! The low-level run loop on smol (what `Bot` does for you): logs in (QR code in the terminal), answers every text message with its own
//! text, logs out on Ctrl-C or after `--max-replies N`.
//!
//! ```text
//! cargo run -p wx-smol --example run_loop_smol                       # the real server
//! cargo run -p wx-smol --example run_loop_smol -- --sim http://127.0.0.1:8080
//! cargo run -p wx-smol --example run_loop_smol -- --sim https://127.0.0.1:8443 --ca /tmp/wx-sim-8443.pem
//! ```
//! Other flags: `--proxy http://[user:pass@]host:port` (CONNECT), `--light` (light terminal colours).

use std::time::{Instant, SystemTime};

use async_signal::{Signal, Signals};
use smol::future::FutureExt;
use smol::stream::StreamExt;
use wx_proto::client::OpId;
use wx_proto::client::{Client, Command, Config, Event};
use wx_smol::{Driver, HttpClient, HttpOptions};

#[derive(Default)]
struct Args {
    sim: Option<String>,
    ca: Option<String>,
    proxy: Option<String>,
    light: bool,
    max_replies: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--sim" => args.sim = Some(value()?),
            "--ca" => args.ca = Some(value()?),
            "--proxy" => args.proxy = Some(value()?),
            "--light" => args.light = true,
            "--max-replies" => {
                args.max_replies = Some(value()?.parse().map_err(|_| "--max-replies N")?)
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(args)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    smol::block_on(run())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let mut options = HttpOptions {
        proxy: args.proxy.as_deref().map(str::parse).transpose()?,
        ..HttpOptions::default()
    };
    if let Some(path) = &args.ca {
        options.extra_root_pem.push(std::fs::read_to_string(path)?);
    }
    let http = HttpClient::new(options)?;
    let config = match &args.sim {
        Some(base) => Config::for_base_url(base.as_str()),
        None => Config::default(),
    };
    let mut seed = [0u8; 32];
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)?
        .as_nanos();
    seed[..16].copy_from_slice(&nanos.to_le_bytes());
    let mut client = Client::new(config, seed, Instant::now(), SystemTime::now());
    let mut driver = Driver::new(http);
    let mut replies = 0;
    let mut last_reply: Option<OpId> = None;
    let mut ctrl_c = Signals::new([Signal::Int])?;
    loop {
        // `next_event` is cancel-safe: losing the race to Ctrl-C drops nothing.
        let event = async { Some(driver.next_event(&mut client).await) }
            .or(async {
                ctrl_c.next().await;
                None
            })
            .await;
        let Some(event) = event else {
            println!("logging out");
            driver.shutdown(&mut client).await;
            break;
        };
        let Some(event) = event else { break };
        match event {
            Event::QrCode {
                qr_text, renewal, ..
            } => {
                println!(
                    "{}\nscan with WeChat ({qr_text}), code #{renewal}",
                    wx_smol::terminal_qr(&qr_text, args.light).unwrap_or_else(|| qr_text.clone())
                );
            }
            Event::Scanned { .. } => println!("scanned: confirm on the phone"),
            Event::LoggedIn { nick_name, .. } => println!("logged in as {nick_name}"),
            Event::Ready { contacts, groups } => println!("{contacts} contacts, {groups} groups"),
            Event::Message {
                message,
                history: false,
            } if !message.sent_by_me => {
                if let Some(text) = message.text() {
                    let from = client
                        .contact(&message.sender)
                        .map_or("someone", |c| c.nick_name.as_str());
                    println!("{from}: {text}");
                    let echo = Command::SendText {
                        to: message.chat.clone(),
                        text: text.to_owned(),
                    };
                    match client.submit(echo, Instant::now()) {
                        Ok(op) => last_reply = Some(op),
                        Err(e) => println!("cannot reply: {e}"),
                    }
                    replies += 1;
                }
            }
            Event::OpDone { op, result } => {
                if let Err(e) = result {
                    println!("a reply failed: {e}");
                }
                // Log out once the last allowed reply has been answered.
                if last_reply == Some(op) && args.max_replies.is_some_and(|max| replies >= max) {
                    driver.shutdown(&mut client).await;
                    break;
                }
            }
            Event::LoggedOut(reason) => println!("logged out: {reason:?}"),
            _ => {}
        }
    }
    Ok(())
}
