//! The checks a command passes before it becomes an op: no empty receiver or argument, no
//! file the server would refuse (empty, over its kind's limit).

use crate::client::command::{Command, UsageError};
use crate::client::media::{Download, MediaLimit, Upload};

/// Why `command` may not run, if it may not.
pub(super) fn check(command: &Command) -> Result<(), UsageError> {
    match command {
        Command::SendText { to, text } => {
            filled(to, "to")?;
            filled(text, "text")
        }
        Command::MarkRead { chat } => filled(chat, "chat"),
        Command::Revoke {
            to,
            msg_id,
            client_msg_id,
        } => {
            filled(to, "to")?;
            filled(msg_id, "msg_id")?;
            filled(client_msg_id, "client_msg_id")
        }
        Command::ForwardImage { to, content } => {
            filled(to, "to")?;
            filled(content, "content")
        }
        Command::SetRemark { user, .. } => filled(user, "user"),
        Command::RenameGroup { group, topic } => {
            filled(group, "group")?;
            filled(topic, "topic")
        }
        Command::Logout => Ok(()),
        Command::SendMedia { to, upload } => {
            filled(to, "to")?;
            check_upload(upload)
        }
        Command::SendSticker { to, md5 } => {
            filled(to, "to")?;
            filled(md5, "md5")
        }
        // Whether the message can be sent again is decided where its forward is made.
        Command::Forward { to, .. } => filled(to, "to"),
        Command::Download(download) => check_download(download),
        Command::CreateGroup { members, .. } => {
            if members.len() < 2 {
                // With one other member the official client opens a chat instead.
                return Err(UsageError::InvalidArgument("members: at least two"));
            }
            members.iter().try_for_each(|m| member(m))
        }
        Command::AddMembers { group, members } | Command::RemoveMembers { group, members } => {
            filled(group, "group")?;
            if members.is_empty() {
                return Err(UsageError::InvalidArgument("members"));
            }
            members.iter().try_for_each(|m| member(m))
        }
        Command::QuitGroup { group } => filled(group, "group"),
        Command::FetchMembers { group, members } => {
            filled(group, "group")?;
            members.iter().try_for_each(|m| filled(m, "members"))
        }
        Command::AcceptFriend { user_name, ticket } => {
            filled(user_name, "user_name")?;
            filled(ticket, "ticket")
        }
        Command::AddFriend { user_name, .. } => filled(user_name, "user_name"),
        Command::Pin { user, .. } => filled(user, "user"),
    }
}

/// A UserName for a comma-separated member list: filled, without a comma.
fn member(s: &str) -> Result<(), UsageError> {
    filled(s, "members")?;
    if s.contains(',') {
        return Err(UsageError::InvalidArgument(
            "members: a comma in a UserName",
        ));
    }
    Ok(())
}

fn filled(s: &str, what: &'static str) -> Result<(), UsageError> {
    if s.trim().is_empty() {
        Err(UsageError::InvalidArgument(what))
    } else {
        Ok(())
    }
}

fn check_upload(upload: &Upload) -> Result<(), UsageError> {
    filled(&upload.name, "name")?;
    if upload.size == 0 {
        return Err(UsageError::Media(MediaLimit::Empty));
    }
    let limit = upload.kind.max_size();
    if upload.size > limit {
        return Err(UsageError::Media(MediaLimit::TooLarge {
            size: upload.size,
            limit,
        }));
    }
    if let Some(md5) = &upload.md5
        && (md5.len() != 32 || !md5.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(UsageError::Media(MediaLimit::BadMd5));
    }
    Ok(())
}

fn check_download(download: &Download) -> Result<(), UsageError> {
    match download {
        Download::Image { msg_id, .. }
        | Download::Voice { msg_id }
        | Download::Video { msg_id } => filled(msg_id, "msg_id"),
        Download::File {
            sender, media_id, ..
        } => {
            filled(sender, "sender")?;
            filled(media_id, "media_id")
        }
        Download::Avatar { user_name, .. } => filled(user_name, "user_name"),
    }
}
