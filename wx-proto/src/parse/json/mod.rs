//! The JSON bodies of the POST APIs, one module per endpoint family, with tolerant field types.

pub mod common;
pub mod contact;
pub mod init;
pub(crate) mod lenient;
pub mod manage;
pub mod media;
pub mod message;
pub mod push_login;
pub mod send;
pub mod sync;
pub mod url;
