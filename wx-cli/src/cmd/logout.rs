//! `wx logout`: end the saved session on the server and delete its file.

use wx_proto::client::{Event, LoginPath};

use crate::cli::LogoutArgs;
use crate::cmd::login::open;
use crate::error::{CliError, CliResult};
use crate::live::Outcome;

/// Runs `wx logout`.
pub async fn run(args: LogoutArgs) -> CliResult {
    // `main` made sure there is one (`Connection::require_saved`).
    let path = args.conn.snapshot_path()?;
    let mut live = open(&args.conn)?;
    // Resume only to log out: if the saved session is gone, there is nothing to end.
    let out = live
        .until(|_, e| {
            matches!(
                e,
                Event::LoggedIn { .. } | Event::LoginPath(LoginPath::Push | LoginPath::Qr)
            )
        })
        .await?;
    if let Outcome::Matched(Event::LoggedIn { .. }) = out {
        live.logout().await?;
    } else {
        live.say("the saved session had already ended");
    }
    wx_store::remove(&path).map_err(|e| CliError::runtime(e.to_string()))?;
    live.say(&format!("deleted {}", path.display()));
    Ok(())
}
