//! Whether a state directory and a snapshot file can be trusted on a shared machine: who owns
//! them, who else may write to them, and whether the file is really the file.
//!
//! - The directory must be owned by us (or root) and not writable by group or others, unless
//!   it is sticky (like `/tmp`), where others may add files but not replace or remove ours.
//! - The snapshot file must be a regular file (not a symbolic link, not a FIFO or device),
//!   owned by us, readable and writable by nobody else. It is opened without following links
//!   and checked through the open handle, so it cannot be swapped between check and read.

use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use crate::store::{StoreError, io_error};

/// Our effective user id.
fn me() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// Refuses a directory that someone else could use to plant or swap session files.
pub(crate) fn check_dir(dir: &Path) -> Result<(), StoreError> {
    let meta = fs::metadata(dir).map_err(io_error("checking", dir))?;
    let (owner, me) = (meta.uid(), me());
    if owner != me && owner != 0 {
        return Err(StoreError::ForeignOwner {
            path: dir.to_owned(),
            what: "directory",
            owner,
            me,
        });
    }
    let mode = meta.mode() & 0o7777;
    let sticky = mode & 0o1000 != 0;
    if mode & 0o022 != 0 && !sticky {
        return Err(StoreError::InsecureDirectory {
            path: dir.to_owned(),
            mode,
        });
    }
    Ok(())
}

/// Opens the snapshot at `path` for reading if it passes the file checks.
pub(crate) fn open_snapshot(path: &Path) -> Result<File, StoreError> {
    let link = fs::symlink_metadata(path).map_err(io_error("reading", path))?;
    if link.file_type().is_symlink() {
        return Err(StoreError::Symlink {
            path: path.to_owned(),
        });
    }
    // No link followed even if one appears now; no blocking on a FIFO put there instead.
    let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
        .map_err(io_error("reading", path))?;
    let meta = file.metadata().map_err(io_error("reading", path))?;
    if !meta.is_file() {
        return Err(StoreError::NotAFile {
            path: path.to_owned(),
        });
    }
    let (owner, me) = (meta.uid(), me());
    if owner != me {
        return Err(StoreError::ForeignOwner {
            path: path.to_owned(),
            what: "file",
            owner,
            me,
        });
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(StoreError::InsecurePermissions {
            path: path.to_owned(),
            mode,
        });
    }
    Ok(file)
}
