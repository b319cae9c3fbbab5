//! [`run_bot`]: the bot layer's loop on any executor: opens the session
//! (`wx-driver`'s `BotSession`), runs it until it ends or `stop` fires (then logs out,
//! unless the bot keeps its session), and carries out the handlers' effects.

use std::future::Future;
use std::pin::pin;
use std::time::{Instant, SystemTime};

use futures_lite::FutureExt;
use wx_driver::bot::{BotError, BotSession, BotSetup, Effect};

use crate::{AsyncIo, Driver};

/// Runs the bot `setup` over `http` until its session ends or `stop` resolves (the
/// adapter's Ctrl-C / SIGTERM). Its seed comes from the operating system.
pub async fn run_bot<R: AsyncIo>(
    setup: BotSetup,
    http: R,
    stop: impl Future<Output = ()> + Send,
) -> Result<(), BotError> {
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed).map_err(|e| BotError::Seed(e.to_string()))?;
    let mut bot = BotSession::open(setup, seed, Instant::now(), SystemTime::now())?;
    let mut driver = Driver::new(http);
    let mut stop = pin!(stop);
    loop {
        // `next_event` is cancel-safe: losing the race to `stop` drops nothing.
        let next = async { Some(driver.next_event(&mut bot.client).await) };
        let stopped = async {
            stop.as_mut().await;
            None
        };
        let Some(event) = next.or(stopped).await else {
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
