//! Running one command on a ready session and waiting for its result, for the commands
//! that have nothing to show on the way (groups, friends).

use std::time::Instant;

use wx_proto::client::{Command, Event, OpError, OpOutput};

use crate::error::{CliError, CliResult};
use crate::live::{Live, Outcome};

/// Submits `command` and runs the session until its `OpDone`; `what` names it in the
/// one-line error when it cannot be submitted.
pub async fn run(
    live: &mut Live,
    command: Command,
    what: &str,
) -> CliResult<Result<OpOutput, OpError>> {
    let op = live
        .client
        .submit(command, Instant::now())
        .map_err(|e| CliError::usage(format!("cannot {what}: {e}")))?;
    let out = live
        .until(|_, e| matches!(e, Event::OpDone { op: o, .. } if *o == op))
        .await?;
    match out {
        Outcome::Matched(Event::OpDone { result, .. }) => Ok(result),
        Outcome::Stopped => {
            live.client.cancel(op, Instant::now());
            Err(CliError::runtime("interrupted"))
        }
        Outcome::Matched(_) => Err(CliError::runtime("the session ended")),
    }
}

/// Opens the profile's session and waits until the contacts are loaded.
pub async fn ready(conn: &crate::cli::Connection) -> CliResult<Live> {
    let mut live = crate::cmd::login::open(conn)?;
    if !live.until_ready().await? {
        return Err(CliError::runtime("interrupted"));
    }
    Ok(live)
}

/// Saves the session after a command.
pub fn save(live: &Live) -> CliResult {
    if let Some(conn) = &live.conn {
        conn.save(&live.client)?;
    }
    Ok(())
}
