//! Atomic, private snapshot files: `save`, `load`, `remove`, and their typed errors.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::trust::{check_dir, open_snapshot};

use wx_proto::client::{Snapshot, SnapshotError};

/// Why a snapshot could not be saved or loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The file system refused (missing file, no permission, disk full, …).
    #[error("{action} {path}: {kind}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O error category.
        kind: io::ErrorKind,
    },
    /// The file is readable or writable by other users: it holds credentials.
    #[error(
        "refusing {path}: its mode is {mode:04o}, so other users can read or change it; it holds \
         session credentials (run `chmod 600 {path}` if you trust it, or log in again)"
    )]
    InsecurePermissions {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The directory lets other users add, replace or remove files (group or world writable
    /// and not sticky), so a snapshot in it could be swapped.
    #[error(
        "refusing {path}: its mode is {mode:04o}, so other users can add or replace session \
         files in it (run `chmod 700 {path}` if it is yours, or use another directory)"
    )]
    InsecureDirectory {
        /// The directory.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The file (or the directory) belongs to another user (a directory may also be root's).
    #[error(
        "refusing {path}: the {what} is owned by user {owner}, not by you (user {me}); a session \
         {what} must be your own (remove it and log in again)"
    )]
    ForeignOwner {
        /// The file or directory.
        path: PathBuf,
        /// `"file"` or `"directory"`.
        what: &'static str,
        /// Its owner's user id.
        owner: u32,
        /// Our effective user id.
        me: u32,
    },
    /// The snapshot path is a symbolic link: it could point anywhere, so it is not followed.
    #[error(
        "refusing {path}: it is a symbolic link; a session file must be a regular file \
         (remove the link and log in again)"
    )]
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// The snapshot path is a directory, FIFO, socket or device, not a regular file.
    #[error("refusing {path}: it is not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// The file is not a usable snapshot (truncated, malformed, or from a newer version).
    #[error("cannot use {path}: {source}")]
    Snapshot {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: SnapshotError,
    },
    /// A profile name outside `A-Z a-z 0-9 _ -` (1 to 64 characters).
    #[error("invalid profile name {0:?}: use 1 to 64 of A-Z a-z 0-9 _ -")]
    InvalidProfile(String),
}

pub(crate) fn io_error<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> StoreError + 'a {
    move |e| StoreError::Io {
        action,
        path: path.to_owned(),
        kind: e.kind(),
    }
}

/// Writes `snapshot` to `path` atomically with mode 0600, creating the directory (0700) if
/// needed. Refuses a directory other users could write to, or one owned by someone else
/// (see the crate doc). On any failure the previous file, if any, is left as it was.
pub fn save(path: &Path, snapshot: &Snapshot) -> Result<(), StoreError> {
    let dir = parent(path);
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io_error("creating", dir))?;
    }
    check_dir(dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "session".to_owned());
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = write_new(&tmp, &snapshot.to_json()).and_then(|()| {
        fs::rename(&tmp, path).map_err(io_error("replacing", path))?;
        // Make the rename itself durable.
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io_error("syncing", dir))
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_new(tmp: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let _ = fs::remove_file(tmp);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(tmp)
        .map_err(io_error("creating", tmp))?;
    file.write_all(bytes).map_err(io_error("writing", tmp))?;
    file.sync_all().map_err(io_error("syncing", tmp))
}

/// Reads the snapshot at `path`. Refuses a directory other users could write to; a file
/// that is a symbolic link or not a regular file, that another user owns, or that group or
/// others can read or write; a truncated or malformed one; and one written by a newer
/// version.
pub fn load(path: &Path) -> Result<Snapshot, StoreError> {
    match check_dir(parent(path)) {
        // No directory, so no file: say so about the file, as for a missing file.
        Err(StoreError::Io {
            kind: io::ErrorKind::NotFound,
            ..
        }) => return Err(io_error("reading", path)(io::ErrorKind::NotFound.into())),
        r => r?,
    }
    let mut file = open_snapshot(path)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(io_error("reading", path))?;
    Snapshot::from_json(&bytes).map_err(|source| StoreError::Snapshot {
        path: path.to_owned(),
        source,
    })
}

/// The directory of `path` (`.` for a bare file name).
fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Deletes the snapshot at `path` (logging out for good). A missing file is not an error.
pub fn remove(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_error("removing", path)(e)),
        _ => Ok(()),
    }
}
