//! # wx-store: session snapshots on disk
//!
//! Both transports (`wx-tokio`, `wx-blocking`) and the `wx` command save and load
//! [`Snapshot`]s through this crate, so the rules live in one place:
//! - a snapshot is written atomically (a temporary file in the same directory, `fsync`,
//!   rename, then `fsync` of the directory) with mode 0600, so a crash leaves either the old
//!   file or the new one, never half of one;
//! - a file that other users can read or write is refused, with an error that says why;
//! - a truncated file or one from a newer format version is refused and left untouched;
//! - one file per profile name, so one process or one CLI can hold several accounts.
//!
//! Errors never include file contents (they hold credentials).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod paths;
mod store;

pub use paths::{default_dir, profile_path};
pub use store::{StoreError, load, remove, save};
pub use wx_proto::client::Snapshot;
