//! `wx send --file`, `wx download MSGID` and `wx avatar NAME`: one media op on a saved
//! session, a progress bar on a terminal, a one-line error for every failure. Downloads go
//! to a hidden `.part` file first and get their final, safe name only when complete.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use wx_proto::client::{Download, Event, MediaKind, OpError, OpId, OpOutput, extension_for};
use wx_proto::model::{safe_file_name, terminal_safe_line};

use crate::cli::{AvatarArgs, DownloadArgs, SendKind};
use crate::cmd::login::open;
use crate::error::{CliError, CliResult};
use crate::live::{Live, Outcome};
use crate::{names, recent};

impl From<SendKind> for MediaKind {
    fn from(kind: SendKind) -> Self {
        match kind {
            SendKind::Image => MediaKind::Image,
            SendKind::Video => MediaKind::Video,
            SendKind::File => MediaKind::File,
            SendKind::Gif => MediaKind::Gif,
        }
    }
}

/// Sends `path` to `to` (a UserName) on a ready session; prints the MsgID.
pub async fn send_file(
    live: &mut Live,
    to: &str,
    label: &str,
    path: &Path,
    kind: Option<SendKind>,
) -> CliResult {
    let op = live
        .driver
        .send_file(&mut live.client, to, path, kind.map(MediaKind::from))
        .await
        .map_err(|e| CliError::usage(format!("cannot send {}: {e}", path.display())))?;
    match wait(live, op).await? {
        Ok(OpOutput::Sent { msg_id, .. }) => {
            crate::outln!(
                "sent {} to {label} (MsgID {})",
                terminal_safe_line(&path.display().to_string()),
                terminal_safe_line(&msg_id)
            )?;
            Ok(())
        }
        Ok(_) => Ok(()),
        Err(e) => Err(CliError::runtime(format!(
            "sending {} to {label} failed: {e}",
            path.display()
        ))),
    }
}

/// Runs `wx download`.
pub async fn download(args: DownloadArgs) -> CliResult {
    let index = recent::path_for(&args.conn.snapshot_path()?);
    let Some(entry) = recent::find(&index, &args.msg_id) else {
        return Err(CliError::usage(format!(
            "no media message {} among the last {} this profile received (see `wx listen`)",
            terminal_safe_line(&args.msg_id),
            recent::KEEP
        )));
    };
    check_dir(&args.out)?;
    let mut live = open(&args.conn)?;
    if !live.until_ready().await? {
        return Err(CliError::runtime("interrupted"));
    }
    let fallback = entry
        .file_name
        .clone()
        .unwrap_or_else(|| format!("{}.bin", entry.msg_id));
    let part = args
        .out
        .join(format!(".{}.part", safe_file_name(&entry.msg_id)));
    let output = fetch(&mut live, entry.download, &part).await?;
    let name = match &output {
        OpOutput::Downloaded {
            file_name: Some(n), ..
        } => n.clone(),
        OpOutput::Downloaded { content_type, .. } if entry.file_name.is_none() => {
            let ext = content_type.as_deref().and_then(extension_for);
            format!("{}.{}", entry.msg_id, ext.unwrap_or("bin"))
        }
        _ => fallback,
    };
    let dest = free_name(&args.out, &safe_file_name(&name));
    rename(&part, &dest)?;
    crate::outln!("saved {}", terminal_safe_line(&dest.display().to_string()))?;
    save(&live)
}

/// Runs `wx avatar`.
pub async fn avatar(args: AvatarArgs) -> CliResult {
    if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        check_dir(parent)?;
    }
    let mut live = open(&args.conn)?;
    if !live.until_ready().await? {
        return Err(CliError::runtime("interrupted"));
    }
    let (what, label) = match &args.group {
        None => {
            let contact = names::find(&live.client, &args.who).map_err(CliError::usage)?;
            let what = Download::Avatar {
                user_name: contact.user_name.clone(),
                head_img_url: Some(contact.head_img_url.expose().to_owned())
                    .filter(|u| !u.is_empty()),
                chatroom_id: None,
            };
            (what, names::label(contact))
        }
        Some(group) => {
            let group = names::find(&live.client, group).map_err(CliError::usage)?;
            let member = names::find_member(group, &args.who).map_err(CliError::usage)?;
            let what = Download::Avatar {
                user_name: member.user_name.clone(),
                head_img_url: None,
                chatroom_id: Some(group.group.encry_chat_room_id.clone())
                    .filter(|id| !id.is_empty()),
            };
            (what, wx_proto::model::member_name(member))
        }
    };
    let label = terminal_safe_line(&label).into_owned();
    let part = args.out.with_extension("part");
    fetch(&mut live, what, &part)
        .await
        .map_err(|e| CliError::runtime(format!("the avatar of {label}: {e}")))?;
    rename(&part, &args.out)?;
    crate::outln!(
        "saved {}",
        terminal_safe_line(&args.out.display().to_string())
    )?;
    save(&live)
}

/// Downloads `what` into `part`; removes it on any failure.
async fn fetch(live: &mut Live, what: Download, part: &Path) -> CliResult<OpOutput> {
    let file = tokio::fs::File::create(part)
        .await
        .map_err(|e| CliError::runtime(format!("cannot write {}: {e}", part.display())))?;
    let op = match live.driver.download(&mut live.client, what, file) {
        Ok(op) => op,
        Err(e) => {
            let _ = std::fs::remove_file(part);
            return Err(CliError::usage(format!("cannot download: {e}")));
        }
    };
    let result = wait(live, op).await;
    match result {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(e)) => {
            let _ = std::fs::remove_file(part);
            Err(CliError::runtime(match e {
                OpError::NotDownloadable => "the server has nothing to download for it".into(),
                e => format!("the download failed: {e}"),
            }))
        }
        Err(e) => {
            let _ = std::fs::remove_file(part);
            Err(e)
        }
    }
}

/// Runs until `op` ends, drawing its progress on a terminal.
async fn wait(live: &mut Live, op: OpId) -> CliResult<Result<OpOutput, OpError>> {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let out = live
        .until(|_, e| match e {
            Event::Progress { op: o, done, total } if *o == op => {
                if let Some(bar) = &bar {
                    bar.set_length(*total);
                    bar.set_position(*done);
                }
                false
            }
            Event::OpDone { op: o, .. } => *o == op,
            _ => false,
        })
        .await?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match out {
        Outcome::Matched(Event::OpDone { result, .. }) => Ok(result),
        Outcome::Stopped => {
            live.client.cancel(op, Instant::now());
            Err(CliError::runtime("interrupted"))
        }
        Outcome::Matched(_) => Err(CliError::runtime("the session ended")),
    }
}

fn save(live: &Live) -> CliResult {
    if let Some(conn) = &live.conn {
        conn.save(&live.client)?;
    }
    Ok(())
}

fn check_dir(dir: &Path) -> CliResult {
    if dir.is_dir() {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "{} is not a directory",
            dir.display()
        )))
    }
}

/// `name` in `dir`, or `name (1)`, `name (2)`, … when taken (nothing is overwritten).
fn free_name(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, format!(".{e}")),
        _ => (name, String::new()),
    };
    (1..10_000)
        .map(|i| dir.join(format!("{stem} ({i}){ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

fn rename(from: &Path, to: &Path) -> CliResult {
    std::fs::rename(from, to).map_err(|e| {
        let _ = std::fs::remove_file(from);
        CliError::runtime(format!("cannot write {}: {e}", to.display()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_never_overwritten() {
        let dir = std::env::temp_dir().join(format!("wx-media-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("a.jpg"), b"x");
        assert_eq!(free_name(&dir, "a.jpg"), dir.join("a (1).jpg"));
        assert_eq!(free_name(&dir, "b.jpg"), dir.join("b.jpg"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
