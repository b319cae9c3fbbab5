//! The bot layer on smol: [`Bot::builder`] returns the shared builder
//! ([`wx_driver::bot::BotBuilder`]); `run()` drives it on the current task (`wx-async`'s
//! loop) until the session ends or Ctrl-C / SIGTERM (then it logs out, unless the bot keeps
//! its session).
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

use async_signal::{Signal, Signals};
use smol::stream::StreamExt;
use wx_driver::bot::{BotBuilder, BotError, BotSetup, Runtime};

use crate::{HttpClient, HttpOptions};

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
        Box::pin(async move {
            let options = HttpOptions {
                extra_root_pem: setup.extra_root_pem.clone(),
                ..HttpOptions::default()
            };
            let http = HttpClient::new(options).map_err(|e| BotError::Http(e.to_string()))?;
            // Ctrl-C, and SIGTERM where there is one; a signal that cannot be watched never
            // fires.
            let signals = Signals::new([Signal::Int, Signal::Term])
                .or_else(|_| Signals::new([Signal::Int]))
                .ok();
            let stop = async move {
                match signals {
                    Some(mut signals) => drop(signals.next().await),
                    None => std::future::pending().await,
                }
            };
            wx_async::run_bot(setup, http, stop).await
        })
    }
}
