//! What `wx listen` received that a later command acts on, kept in small files beside the
//! session file: the media that can be downloaded (by MsgId, for `wx download MSGID`) and
//! the friend requests (for `wx friend accept`). Bounded (the newest [`KEEP`]), rewritten
//! atomically, private to the user.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use wx_proto::client::Download;
use wx_proto::model::Message;

use crate::error::{CliError, CliResult};

/// Messages kept.
pub const KEEP: usize = 500;

/// One downloadable message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Its MsgId.
    pub msg_id: String,
    /// What to download.
    pub download: Download,
    /// The file name the message gave (raw; made safe before use), if any.
    pub file_name: Option<String>,
}

/// The index file of the session file `session`.
pub fn path_for(session: &Path) -> PathBuf {
    let mut name = session.file_name().unwrap_or_default().to_os_string();
    name.push(".media.json");
    session.with_file_name(name)
}

/// The entries in `path` (none when it does not exist; a corrupt file counts as empty).
pub fn load<T: serde::de::DeserializeOwned>(path: &Path) -> Vec<T> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// A friend request received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The requester's UserName in this session.
    pub user_name: String,
    /// The request's ticket.
    pub ticket: String,
    /// The requester's nickname.
    pub nick_name: String,
    /// The greeting.
    pub greeting: String,
}

/// The friend-request file of the session file `session`.
pub fn requests_path_for(session: &Path) -> PathBuf {
    let mut name = session.file_name().unwrap_or_default().to_os_string();
    name.push(".requests.json");
    session.with_file_name(name)
}

/// Records `message` when it is a friend request (the newest [`KEEP`] are kept).
pub fn record_request(path: &Path, message: &Message) -> CliResult {
    let Some(wx_proto::client::Command::AcceptFriend { user_name, ticket }) =
        wx_proto::client::Command::accept(message)
    else {
        return Ok(());
    };
    let info = &message.raw.recommend_info;
    let mut requests: Vec<Request> = load(path);
    requests.retain(|r| r.user_name != user_name);
    requests.push(Request {
        user_name,
        ticket,
        nick_name: wx_proto::model::decode_display_text(&info.nick_name).into_owned(),
        greeting: wx_proto::model::decode_display_text(&info.content).into_owned(),
    });
    let excess = requests.len().saturating_sub(KEEP);
    requests.drain(..excess);
    write_private(path, &serde_json::to_vec(&requests).unwrap_or_default())
}

/// The entry of `msg_id`.
pub fn find(path: &Path, msg_id: &str) -> Option<Entry> {
    load::<Entry>(path)
        .into_iter()
        .rev()
        .find(|e| e.msg_id == msg_id)
}

/// Records `message` when it can be downloaded (and keeps the newest [`KEEP`]).
pub fn record(path: &Path, message: &Message) -> CliResult {
    let Some(download) = Download::of_message(message) else {
        return Ok(());
    };
    let mut entries: Vec<Entry> = load(path);
    entries.retain(|e| e.msg_id != message.msg_id);
    let name = &message.raw.file_name;
    entries.push(Entry {
        msg_id: message.msg_id.clone(),
        download,
        file_name: (!name.is_empty()).then(|| name.clone()),
    });
    let excess = entries.len().saturating_sub(KEEP);
    entries.drain(..excess);
    write_private(path, &serde_json::to_vec(&entries).unwrap_or_default())
}

/// Writes `bytes` to `path` through a temporary file (0600 on Unix) and a rename.
fn write_private(path: &Path, bytes: &[u8]) -> CliResult {
    let fail =
        |e: std::io::Error| CliError::runtime(format!("cannot write {}: {e}", path.display()));
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp).map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use wx_proto::client::ImageSize;

    #[test]
    fn the_index_keeps_the_newest_and_finds_by_msg_id() {
        let dir = std::env::temp_dir().join(format!("wx-recent-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = path_for(&dir.join("default.json"));
        assert!(path.ends_with("default.json.media.json"));
        let _ = std::fs::remove_file(&path);
        let mut entries = Vec::new();
        for i in 0..KEEP + 3 {
            entries.push(Entry {
                msg_id: i.to_string(),
                download: Download::Image {
                    msg_id: i.to_string(),
                    size: ImageSize::Original,
                },
                file_name: None,
            });
        }
        write_private(&path, &serde_json::to_vec(&entries).unwrap()).unwrap();
        assert_eq!(find(&path, "7").map(|e| e.msg_id), Some("7".into()));
        std::fs::write(&path, b"{corrupt").unwrap();
        assert!(load::<Entry>(&path).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
