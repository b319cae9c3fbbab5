//! `wx friend accept [NAME]` (the latest request `wx listen` received, or the one from
//! NAME) and `wx friend add ID GREETING`.

use wx_proto::client::{Command, OpOutput};
use wx_proto::model::terminal_safe_line;

use crate::cli::FriendCmd;
use crate::cmd::op::{ready, run as run_op, save};
use crate::error::{CliError, CliResult};
use crate::{names, recent};

/// Runs `wx friend …`.
pub async fn run(cmd: FriendCmd) -> CliResult {
    match cmd {
        FriendCmd::Accept { conn, name } => {
            let path = recent::requests_path_for(&conn.snapshot_path()?);
            let requests: Vec<recent::Request> = recent::load(&path);
            let request = match &name {
                None => requests.last(),
                Some(n) => requests
                    .iter()
                    .rev()
                    .find(|r| r.user_name == *n || r.nick_name == *n)
                    .or_else(|| {
                        let n = n.to_lowercase();
                        requests
                            .iter()
                            .rev()
                            .find(|r| r.nick_name.to_lowercase() == n)
                    }),
            };
            let Some(request) = request.cloned() else {
                return Err(CliError::usage(match name {
                    None => "no friend request received (see `wx listen`)".to_owned(),
                    Some(n) => format!("no friend request from {:?} (see `wx listen`)", n),
                }));
            };
            let mut live = ready(&conn).await?;
            let command = Command::AcceptFriend {
                user_name: request.user_name.clone(),
                ticket: request.ticket.clone(),
            };
            let who = terminal_safe_line(&request.nick_name).into_owned();
            match run_op(&mut live, command, "accept the request").await? {
                Ok(_) => crate::outln!("accepted {who}")?,
                Err(e) => {
                    return Err(CliError::runtime(format!("accepting {who} failed: {e}")));
                }
            }
            save(&live)
        }
        FriendCmd::Add {
            conn,
            who,
            greeting,
            group,
        } => {
            let mut live = ready(&conn).await?;
            let user_name = match &group {
                Some(g) => {
                    let g = names::find(&live.client, g)
                        .map_err(CliError::usage)?
                        .clone();
                    names::find_member(&g, &who)
                        .map_err(CliError::usage)?
                        .user_name
                        .clone()
                }
                None => who.clone(),
            };
            let command = Command::AddFriend {
                user_name,
                greeting,
            };
            match run_op(&mut live, command, "send the request").await? {
                Ok(OpOutput::Done) | Ok(_) => {
                    crate::outln!("request sent to {}", terminal_safe_line(&who))?;
                }
                Err(e) => return Err(CliError::runtime(format!("the request failed: {e}"))),
            }
            save(&live)
        }
    }
}
