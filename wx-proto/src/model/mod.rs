//! The typed message model: raw `AddMsgList` elements decoded into message kinds (§11).
//!
//! [`decode`] turns a [`RawMessage`](crate::parse::RawMessage) into a [`Message`]: the chat,
//! the actual sender (the group member for group messages), whether you sent it, and a
//! [`MessageKind`] with the content decoded. It never fails: broken content gives
//! [`MessageKind::Undecodable`] with the typed error, and the raw fields are always kept.
//!
//! The content helpers are public and pure: [`split_group_prefix`], [`unescape_content`],
//! [`decode_display_text`] (for names too), [`html_unescape`], [`br_to_newline`],
//! [`decode_emoji`], [`mentions`], [`is_mentioned`] and [`tagged_mentions`]. [`room_event`]
//! reads a group's join, invite, removal, rename and leave notices. [`ContactBook`] keeps
//! the contacts and groups of a session, with [`ContactKey`] naming one across logins.

mod app;
mod book;
mod contact;
mod contact_msg;
mod dispatch;
mod emoji;
mod file_name;
mod key;
mod kind;
mod location;
mod lookup;
mod media;
mod mention;
mod message;
mod notice;
mod prefix;
mod room_event;
mod terminal;
mod text;
pub(crate) mod xml;

pub use app::{AppAttach, AppDetail, AppMessage, FileAttachment, PayInfo};
pub use book::{ContactBook, MAX_STABLE_NAMES, Upsert};
pub use contact::{Contact, GroupInfo, Member, Region};
pub use contact_msg::{Card, FriendRequest};
pub use file_name::{MAX_FILE_NAME_BYTES, safe_file_name};
pub use key::{ContactKey, KeySource};
pub use kind::{Emoticon, Image, MessageKind, Text, Video, Voice, Voip};
pub use location::Location;
pub use lookup::{LookupError, display_name, find_contact, find_member, member_name};
pub use media::{EmojiInfo, ImageInfo, MediaContent, VideoInfo, VoiceInfo};
pub use mention::{MENTION_SEPARATOR, is_mentioned, mentions, tagged_mentions};
pub use message::{Message, decode};
pub use notice::{NotifyCode, Revoke, StatusNotify, SystemNotice, UnreadChat};
pub use prefix::split_group_prefix;
pub use room_event::{Actor, JoinVia, RoomEvent, room_event};
pub use terminal::{is_terminal_unsafe, terminal_safe, terminal_safe_line};
pub use text::{br_to_newline, decode_display_text, decode_emoji, html_unescape, unescape_content};
