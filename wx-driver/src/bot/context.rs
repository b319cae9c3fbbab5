//! [`Context`]: what a handler may do besides answering: send elsewhere, send files, look
//! people up, submit any command, log out.

use std::path::PathBuf;
use std::time::Instant;

use wx_proto::client::{Client, Command, OpId, UsageError};
use wx_proto::model::{Contact, ContactBook, Message};

use super::chat::{ChatKind, classify};

/// Work a handler asked for that the adapter does (it needs I/O).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Send the file at `path` to `to` (the adapter opens it and streams it).
    SendFile {
        /// The receiver.
        to: String,
        /// The file.
        path: PathBuf,
    },
}

/// The handler's view of the bot while it handles one message.
pub struct Context<'a> {
    pub(super) client: &'a mut Client,
    pub(super) message: &'a Message,
    pub(super) now: Instant,
    pub(super) actions: &'a mut Vec<Action>,
}

impl Context<'_> {
    /// The message being handled.
    pub fn message(&self) -> &Message {
        self.message
    }

    /// The chat's UserName (the group for group messages): where a reply goes.
    pub fn chat(&self) -> &str {
        &self.message.chat
    }

    /// Where the message was said.
    pub fn chat_kind(&self) -> ChatKind {
        classify(self.client, self.message)
    }

    /// The name of who wrote it: their display name in the group, their remark or
    /// nickname, else their UserName.
    pub fn sender_name(&self) -> String {
        let (book, sender) = (self.client.book(), &self.message.sender);
        let name = if self.message.is_group {
            book.name_in(&self.message.chat, sender)
        } else {
            book.get(sender).map(wx_proto::model::display_name)
        };
        name.unwrap_or_else(|| sender.clone())
    }

    /// The chat's name (a group's name, a friend's remark or nickname).
    pub fn chat_name(&self) -> String {
        self.client
            .contact(&self.message.chat)
            .map_or_else(|| self.message.chat.clone(), wx_proto::model::display_name)
    }

    /// The contact book: every contact and group of the session.
    pub fn book(&self) -> &ContactBook {
        self.client.book()
    }

    /// Yourself.
    pub fn me(&self) -> Option<&Contact> {
        self.client.me()
    }

    /// Sends a text to `to` (a UserName; find one with `book().find(name)`).
    pub fn send_text(&mut self, to: &str, text: &str) -> Result<OpId, UsageError> {
        self.submit(Command::SendText {
            to: to.to_owned(),
            text: text.to_owned(),
        })
    }

    /// Sends the file at `path` to `to` once the handler returns (the adapter reads it).
    pub fn send_file(&mut self, to: &str, path: impl Into<PathBuf>) {
        self.actions.push(Action::SendFile {
            to: to.to_owned(),
            path: path.into(),
        });
    }

    /// Submits any command (accept a friend, add a member, download…); its result comes
    /// as `Event::OpDone` to the `on_event` handlers.
    pub fn submit(&mut self, command: Command) -> Result<OpId, UsageError> {
        self.client.submit(command, self.now)
    }

    /// Logs out: the bot ends once the server has answered.
    pub fn logout(&mut self) {
        let _ = self.client.logout(self.now);
    }
}
