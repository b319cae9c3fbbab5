//! The bot layer on tokio: [`Bot::builder`] returns the shared builder
//! ([`wx_driver::bot::BotBuilder`]); `run()` drives it on the current task (`wx-async`'s loop) until the
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

use wx_driver::bot::{BotBuilder, BotError, BotSetup, Runtime};

use crate::{HttpClient, HttpOptions};

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
        Box::pin(async move {
            let options = HttpOptions {
                extra_root_pem: setup.extra_root_pem.clone(),
                ..HttpOptions::default()
            };
            let http = HttpClient::new(options).map_err(|e| BotError::Http(e.to_string()))?;
            wx_async::run_bot(setup, http, stop_signal()).await
        })
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
