//! Atomic, private snapshot files: `save`, `load`, `remove`, and their typed errors.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

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

fn io_error<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> StoreError + 'a {
    move |e| StoreError::Io {
        action,
        path: path.to_owned(),
        kind: e.kind(),
    }
}

/// Writes `snapshot` to `path` atomically with mode 0600, creating the directory (0700) if
/// needed. On any failure the previous file, if any, is left as it was.
pub fn save(path: &Path, snapshot: &Snapshot) -> Result<(), StoreError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io_error("creating", dir))?;
    }
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

/// Reads the snapshot at `path`. Refuses a file that group or others can read or write, a
/// truncated or malformed one, and one written by a newer version.
pub fn load(path: &Path) -> Result<Snapshot, StoreError> {
    let meta = fs::metadata(path).map_err(io_error("reading", path))?;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(StoreError::InsecurePermissions {
            path: path.to_owned(),
            mode,
        });
    }
    let bytes = fs::read(path).map_err(io_error("reading", path))?;
    Snapshot::from_json(&bytes).map_err(|source| StoreError::Snapshot {
        path: path.to_owned(),
        source,
    })
}

/// Deletes the snapshot at `path` (logging out for good). A missing file is not an error.
pub fn remove(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_error("removing", path)(e)),
        _ => Ok(()),
    }
}
