//! The bot layer on blocking threads: [`Bot::builder`] returns the shared builder
//! ([`wx_driver::bot::BotBuilder`]); `run()` drives it on the calling thread until the
//! session ends. Ctrl-C or SIGTERM logs out first (the loop then ends as after any
//! logout); with `keep_session_on_exit`, or before a login has completed, the process
//! ends at once (the session file stays as it was last saved).
//!
//! ```no_run
//! fn main() -> Result<(), wx_blocking::BotError> {
//!     wx_blocking::Bot::builder()
//!         .profile("echo")
//!         .on_text(|_, text| text.to_owned())
//!         .run()
//! }
//! ```

use std::time::{Instant, SystemTime};

use wx_driver::bot::{BotBuilder, BotError, BotSession, BotSetup, Effect, Runtime};
use wx_proto::client::Command;

use crate::{Driver, HttpClient, HttpOptions, Remote};

/// The blocking runtime of the bot layer: `Bot::builder()…run()`.
#[derive(Debug, Clone, Copy)]
pub struct Bot;

impl Bot {
    /// A new bot (profile `default`, the official server unless `WX_BASE_URL`).
    pub fn builder() -> BotBuilder<Bot> {
        BotBuilder::new()
    }
}

impl Runtime for Bot {
    type Run = Result<(), BotError>;

    fn run(setup: BotSetup) -> Self::Run {
        let options = HttpOptions {
            extra_root_pem: setup.extra_root_pem.clone(),
            ..HttpOptions::default()
        };
        let http = HttpClient::new(options).map_err(|e| BotError::Http(e.to_string()))?;
        let mut bot = BotSession::start(setup, Instant::now(), SystemTime::now())?;
        let mut driver = Driver::new(http);
        watch_stop(driver.remote(), bot.keeps_session());
        while let Some(event) = driver.next_event(&mut bot.client) {
            for effect in bot.on_event(&event, Instant::now()) {
                match effect {
                    Effect::SendFile { to, path } => {
                        if let Err(e) = driver.send_file(&mut bot.client, to, &path, None) {
                            bot.say(&format!("cannot send {}: {e}", path.display()));
                        }
                    }
                    Effect::End => return Ok(()),
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

/// On Ctrl-C or SIGTERM: log out through `remote` (the loop ends with the logout), or end
/// the process when the session is kept or not running yet. One handler per process: a
/// second bot in the same process keeps the first one's.
fn watch_stop(remote: Remote, keep: bool) {
    let _ = ctrlc::set_handler(move || {
        if keep {
            eprintln!("stopped; the session stays saved for the next start");
            std::process::exit(0);
        }
        if remote.submit(Command::Logout).is_err() {
            std::process::exit(130);
        }
    });
}
