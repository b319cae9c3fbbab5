//! The JSON bodies of the POST APIs, one module per endpoint family, with tolerant field types.

pub mod common;
pub mod contact;
mod contact_tolerant;
pub mod element;
pub mod init;
mod init_tolerant;
pub(crate) mod lenient;
pub mod manage;
pub mod media;
pub mod message;
pub mod push_login;
pub mod send;
pub(crate) mod split;
#[cfg(feature = "fuzzing")]
pub(crate) mod split_check;
pub mod sync;
mod sync_tolerant;
pub(crate) mod tolerant;
pub mod url;
