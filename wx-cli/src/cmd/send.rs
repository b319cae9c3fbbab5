//! `wx send --to NAME_OR_ID TEXT`: one text, or each line of stdin with `-`.

use std::io::BufRead;

use wx_proto::client::{Command, Event, OpOutput};
use wx_proto::model::terminal_safe_line;

use crate::cli::SendArgs;
use crate::cmd::login::open;
use crate::error::{CliError, CliResult};
use crate::live::Outcome;
use crate::names;

/// Runs `wx send`.
pub async fn run(args: SendArgs) -> CliResult {
    if let Some(path) = &args.file {
        return send_file(&args, path).await;
    }
    let text = args.text.clone().unwrap_or_default();
    let texts: Vec<String> = if text == "-" {
        std::io::stdin()
            .lock()
            .lines()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CliError::usage(format!("cannot read stdin: {e}")))?
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .collect()
    } else {
        vec![text]
    };
    if texts.is_empty() {
        return Err(CliError::usage("nothing to send"));
    }
    let mut live = open(&args.conn)?;
    if !live.until_ready().await? {
        return Err(CliError::runtime("interrupted"));
    }
    let to = names::find(&live.client, &args.to).map_err(CliError::usage)?;
    let label = terminal_safe_line(&names::label(to)).into_owned();
    let to = to.user_name.clone();
    for text in texts {
        let op = live
            .client
            .submit(
                Command::SendText {
                    to: to.clone(),
                    text,
                },
                std::time::Instant::now(),
            )
            .map_err(|e| CliError::runtime(format!("cannot send: {e}")))?;
        let out = live
            .until(|_, e| matches!(e, Event::OpDone { op: o, .. } if *o == op))
            .await?;
        match out {
            Outcome::Matched(Event::OpDone {
                result: Ok(OpOutput::Sent { msg_id, .. }),
                ..
            }) => {
                crate::outln!("sent to {label} (MsgID {})", terminal_safe_line(&msg_id))?;
            }
            Outcome::Matched(Event::OpDone { result: Err(e), .. }) => {
                return Err(CliError::runtime(format!("sending to {label} failed: {e}")));
            }
            Outcome::Stopped => return Err(CliError::runtime("interrupted")),
            _ => crate::outln!("sent to {label}")?,
        }
    }
    if let Some(conn) = &live.conn {
        conn.save(&live.client)?;
    }
    Ok(())
}

/// `wx send --file PATH`: the file to one receiver.
async fn send_file(args: &SendArgs, path: &std::path::Path) -> CliResult {
    // What can be known without the server fails before any login.
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => {
            return Err(CliError::usage(format!("{} is not a file", path.display())));
        }
        Ok(m) if m.len() == 0 => {
            return Err(CliError::usage(format!(
                "cannot send {}: the file is empty",
                path.display()
            )));
        }
        Ok(_) => {}
        Err(e) => {
            return Err(CliError::usage(format!(
                "{} is not a file one can read: {e}",
                path.display()
            )));
        }
    }
    let mut live = open(&args.conn)?;
    if !live.until_ready().await? {
        return Err(CliError::runtime("interrupted"));
    }
    let to = names::find(&live.client, &args.to).map_err(CliError::usage)?;
    let label = terminal_safe_line(&names::label(to)).into_owned();
    let to = to.user_name.clone();
    crate::cmd::media::send_file(&mut live, &to, &label, path, args.kind).await?;
    if let Some(conn) = &live.conn {
        conn.save(&live.client)?;
    }
    Ok(())
}
