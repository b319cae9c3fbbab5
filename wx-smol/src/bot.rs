//! The bot layer on smol: [`Bot::builder`] returns the shared builder
//! ([`wx_driver::bot::BotBuilder`]); `run()` drives it on the current task until the
//! session ends or Ctrl-C / SIGTERM (then it logs out, unless the bot keeps its session).
//!
//! ```no_run
//! fn main() -> Result<(), wx_smol::BotError> {
//!     smol::block_on(
//!         wx_smol::Bot::builder()
//!             .profile("echo")
//!             .on_text(|_, text| text.to_owned())
//!             .run(),
//!     )
//! }
//! ```

use std::pin::Pin;
use std::time::{Instant, SystemTime};

use async_signal::{Signal, Signals};
use smol::future::FutureExt;
use smol::stream::StreamExt;
use wx_driver::bot::{BotBuilder, BotError, BotSession, BotSetup, Effect, Runtime};

use crate::{Driver, HttpClient, HttpOptions};

/// The smol runtime of the bot layer: `smol::block_on(Bot::builder()…run())`.
#[derive(Debug, Clone, Copy)]
pub struct Bot;

impl Bot {
    /// A new bot (profile `default`, the official server unless `WX_BASE_URL`).
    pub fn builder() -> BotBuilder<Bot> {
        BotBuilder::new()
    }
}

impl Runtime for Bot {
    type Run = Pin<Box<dyn Future<Output = Result<(), BotError>> + Send>>;

    fn run(setup: BotSetup) -> Self::Run {
        Box::pin(run(setup))
    }
}

async fn run(setup: BotSetup) -> Result<(), BotError> {
    let options = HttpOptions {
        extra_root_pem: setup.extra_root_pem.clone(),
        ..HttpOptions::default()
    };
    let http = HttpClient::new(options).map_err(|e| BotError::Http(e.to_string()))?;
    let mut bot = BotSession::start(setup, Instant::now(), SystemTime::now())?;
    let mut driver = Driver::new(http);
    // Ctrl-C, and SIGTERM where there is one; a signal that cannot be watched never fires.
    let mut stop = Signals::new([Signal::Int, Signal::Term])
        .or_else(|_| Signals::new([Signal::Int]))
        .ok();
    loop {
        let stopped = async {
            match stop.as_mut() {
                Some(signals) => signals.next().await,
                None => std::future::pending().await,
            };
            None
        };
        // `next_event` is cancel-safe: losing the race to a signal drops nothing.
        let event = async { Some(driver.next_event(&mut bot.client).await) }
            .or(stopped)
            .await;
        let Some(event) = event else {
            if !bot.keeps_session() {
                driver.shutdown(&mut bot.client).await;
            }
            bot.stopped();
            return Ok(());
        };
        let Some(event) = event else { return Ok(()) };
        for effect in bot.on_event(&event, Instant::now()) {
            match effect {
                Effect::SendFile { to, path } => {
                    if let Err(e) = driver.send_file(&mut bot.client, to, &path, None).await {
                        bot.say(&format!("cannot send {}: {e}", path.display()));
                    }
                }
                Effect::End => return Ok(()),
                _ => {}
            }
        }
    }
}
