//! The bot layer on tokio: [`Bot::builder`] returns the shared builder
//! ([`wx_driver::bot::BotBuilder`]); `run()` drives it here, on the current task, until the
//! session ends or Ctrl-C / SIGTERM (then it logs out, unless the bot keeps its session).
//!
//! ```no_run
//! #[tokio::main]
//! async fn main() -> Result<(), wx_tokio::BotError> {
//!     wx_tokio::Bot::builder()
//!         .profile("echo")
//!         .on_text(|_, text| text.to_owned())
//!         .run()
//!         .await
//! }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::time::{Instant, SystemTime};

use wx_driver::bot::{BotBuilder, BotError, BotSession, BotSetup, Effect, Runtime};

use crate::{Driver, HttpClient, HttpOptions};

/// The tokio runtime of the bot layer: `Bot::builder()…run().await`.
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
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        let event = tokio::select! {
            event = driver.next_event(&mut bot.client) => event,
            () = &mut stop => {
                if !bot.keeps_session() {
                    driver.shutdown(&mut bot.client).await;
                }
                bot.stopped();
                return Ok(());
            }
        };
        let Some(event) = event else {
            return Ok(());
        };
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

/// Ctrl-C, or SIGTERM on Unix. A signal that cannot be watched never fires.
async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
