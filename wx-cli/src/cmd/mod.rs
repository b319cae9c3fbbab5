//! One module per command.

pub mod contacts;
pub mod demo;
pub mod friend;
pub mod group;
pub mod login;
pub mod logout;
pub mod media;
pub mod op;
pub mod send;
pub mod sim;
