//! # wx-store: session snapshots on disk
//!
//! Both transports (`wx-tokio`, `wx-blocking`) and the `wx` command save and load
//! [`Snapshot`]s through this crate, so the rules live in one place:
//! - a snapshot is written atomically (a temporary file in the same directory, `fsync`,
//!   rename, then `fsync` of the directory) with mode 0600, so a crash leaves either the old
//!   file or the new one, never half of one;
//! - a file that other users can read or write is refused, with an error that says why;
//! - so is, on a shared machine, a state directory others can write to (group or world
//!   writable and not sticky) or that another user owns, a file another user owns, and a
//!   file that is a symbolic link or not a regular file;
//! - a truncated file or one from a newer format version is refused and left untouched;
//! - one file per profile name, so one process or one CLI can hold several accounts.
//!
//! Errors never include file contents (they hold credentials).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod paths;
mod store;
mod trust;

pub use paths::{default_dir, profile_path};
pub use store::{StoreError, load, remove, save};
pub use wx_proto::client::Snapshot;
