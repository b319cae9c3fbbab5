//! One module per command.

pub mod contacts;
pub mod demo;
pub mod login;
pub mod logout;
pub mod media;
pub mod send;
pub mod sim;
