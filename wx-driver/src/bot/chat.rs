//! What kind of chat a message comes from, for routing it to a handler: a friend (or any
//! person), a group (and whether it mentions you), an official account.

use wx_proto::client::Client;
use wx_proto::model::{Message, is_mentioned};

/// Where a message was said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatKind {
    /// A one-to-one chat with a person (a friend, or a stranger who may write to you).
    Friend,
    /// A group chat; `mentioned` when the text mentions you (`@your name`).
    Group {
        /// The text mentions you by your display name there (or your nickname).
        mentioned: bool,
    },
    /// An official account (`VerifyFlag & 8`).
    Official,
}

/// The kind of chat of `message`, with the book of `client` (a group's display names, an
/// official account's flags).
pub fn classify(client: &Client, message: &Message) -> ChatKind {
    if message.is_group {
        let mentioned = message.text().is_some_and(|text| {
            client
                .my_name_in(&message.chat)
                .or_else(|| client.me().map(|m| m.nick_name.clone()))
                .is_some_and(|name| !name.is_empty() && is_mentioned(text, &name))
        });
        return ChatKind::Group { mentioned };
    }
    let official = client
        .contact(&message.chat)
        .is_some_and(|c| c.is_official_account());
    if official {
        ChatKind::Official
    } else {
        ChatKind::Friend
    }
}
