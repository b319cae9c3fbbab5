//! `wx group create|add|remove|rename|members`: the group operations, with the same name
//! matching as `wx send` (and a member's display name inside its group), one line per
//! result, a one-line error for every failure.

use wx_proto::client::{Command, OpOutput};
use wx_proto::model::{Contact, terminal_safe_line};

use crate::cli::GroupCmd;
use crate::cmd::op::{ready, run as run_op, save};
use crate::error::{CliError, CliResult};
use crate::live::Live;
use crate::names;

/// Runs `wx group …`.
pub async fn run(cmd: GroupCmd) -> CliResult {
    match cmd {
        GroupCmd::Create {
            conn,
            name,
            members,
        } => {
            let mut live = ready(&conn).await?;
            let ids = friends(&live, &members)?;
            let command = Command::CreateGroup {
                topic: name.clone(),
                members: ids,
            };
            match run_op(&mut live, command, "create the group").await? {
                Ok(OpOutput::GroupCreated { group, failed }) => {
                    crate::outln!("created {} ({})", safe(&name), terminal_safe_line(&group))?;
                    report_failed(&live, &failed);
                }
                Ok(_) => {}
                Err(e) => return Err(CliError::runtime(format!("creating the group failed: {e}"))),
            }
            save(&live)
        }
        GroupCmd::Add {
            conn,
            group,
            members,
        } => {
            let mut live = ready(&conn).await?;
            let group = find_group(&live, &group)?;
            let ids = friends(&live, &members)?;
            let command = Command::AddMembers {
                group: group.user_name.clone(),
                members: ids,
            };
            let out = run_op(&mut live, command, "add members").await?;
            members_result(&live, &group, out, "added")?;
            save(&live)
        }
        GroupCmd::Remove {
            conn,
            group,
            members,
        } => {
            let mut live = ready(&conn).await?;
            let group = find_group(&live, &group)?;
            let ids = members
                .iter()
                .map(|m| names::find_member(&group, m).map(|x| x.user_name.clone()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(CliError::usage)?;
            let command = Command::RemoveMembers {
                group: group.user_name.clone(),
                members: ids,
            };
            let out = run_op(&mut live, command, "remove members").await?;
            members_result(&live, &group, out, "removed")?;
            save(&live)
        }
        GroupCmd::Rename { conn, group, name } => {
            let mut live = ready(&conn).await?;
            let group = find_group(&live, &group)?;
            let command = Command::RenameGroup {
                group: group.user_name.clone(),
                topic: name.clone(),
            };
            match run_op(&mut live, command, "rename the group").await? {
                Ok(_) => {
                    crate::outln!("renamed {} to {}", safe(&names::label(&group)), safe(&name))?
                }
                Err(e) => return Err(CliError::runtime(format!("renaming failed: {e}"))),
            }
            save(&live)
        }
        GroupCmd::Members { conn, group, json } => {
            let live = ready(&conn).await?;
            let group = find_group(&live, &group)?;
            for m in &group.group.members {
                let shown = wx_proto::model::member_name(m);
                if json {
                    let v = serde_json::json!({
                        "user_name": m.user_name,
                        "nick_name": m.nick_name,
                        "display_name": m.display_name,
                        "name": shown,
                    });
                    crate::outln!("{v}")?;
                } else {
                    crate::outln!("{}\t{}", safe(&shown), terminal_safe_line(&m.user_name))?;
                }
            }
            save(&live)
        }
    }
}

fn safe(s: &str) -> String {
    terminal_safe_line(s).into_owned()
}

fn find_group(live: &Live, query: &str) -> CliResult<Contact> {
    let c = names::find(&live.client, query).map_err(CliError::usage)?;
    if !c.is_group() {
        return Err(CliError::usage(format!(
            "{} is not a group",
            safe(&names::label(c))
        )));
    }
    Ok(c.clone())
}

/// The UserNames of the contacts named in `members`.
fn friends(live: &Live, members: &[String]) -> CliResult<Vec<String>> {
    members
        .iter()
        .map(|m| names::find(&live.client, m.trim()).map(|c| c.user_name.clone()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::usage)
}

fn members_result(
    live: &Live,
    group: &Contact,
    out: Result<OpOutput, wx_proto::client::OpError>,
    verb: &str,
) -> CliResult {
    match out {
        Ok(OpOutput::Members {
            done,
            failed,
            invited,
        }) => {
            let verb = if invited { "invited" } else { verb };
            for m in &done {
                crate::outln!(
                    "{verb} {} ({})",
                    safe(&names::of(&live.client, m, Some(&group.user_name))),
                    safe(&names::label(group))
                )?;
            }
            report_failed(live, &failed);
            if done.is_empty() && !failed.is_empty() {
                return Err(CliError::runtime("no member was changed"));
            }
            Ok(())
        }
        Ok(_) => Ok(()),
        Err(e) => Err(CliError::runtime(format!(
            "changing the members of {} failed: {e}",
            safe(&names::label(group))
        ))),
    }
}

fn report_failed(live: &Live, failed: &[String]) {
    for m in failed {
        live.say(&format!(
            "not done for {}",
            names::of(&live.client, m, None)
        ));
    }
}
