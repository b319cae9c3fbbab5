//! [`MessageKind`]: what a message is, decoded from its MsgType, AppMsgType and Content (§11.1).

use serde::{Serialize, Serializer};

use super::app::AppMessage;
use super::contact_msg::{Card, FriendRequest};
use super::location::Location;
use super::media::{EmojiInfo, ImageInfo, MediaContent, VideoInfo, VoiceInfo};
use super::notice::{Revoke, StatusNotify, SystemNotice};
use crate::error::ParseError;

/// The decoded kind of a message. The raw fields are always kept beside it in
/// [`Message::raw`](super::Message::raw).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
// Messages are handed out one at a time, never stored in bulk: unboxed variants keep
// matching simple.
#[allow(clippy::large_enum_variant)]
pub enum MessageKind {
    /// 1: text (prefix removed, `<br/>`, entities and emoji decoded).
    Text(Text),
    /// 3: an image.
    Image(Image),
    /// 34: a voice message.
    Voice(Voice),
    /// 37: a friend request.
    FriendRequest(FriendRequest),
    /// 42: a contact card.
    Card(Card),
    /// 43: a video.
    Video(Video),
    /// 62: a short (micro) video; forward it as 43.
    MicroVideo(Video),
    /// 47: a custom sticker or store sticker.
    Emoticon(Emoticon),
    /// 1 with SubMsgType 48, or 48: a location.
    Location(Location),
    /// 49 (and 1 with AppMsgType 2001): an app message.
    App(AppMessage),
    /// 51: a status notification (not a chat message).
    StatusNotify(StatusNotify),
    /// 10000: a system notice.
    System(SystemNotice),
    /// 10002 `revokemsg`: a recalled message.
    Revoke(Revoke),
    /// 10002 with another `<sysmsg type>`: kept as XML.
    SysMsg {
        /// The `type` attribute of `<sysmsg>`.
        sys_type: String,
        /// The unescaped XML.
        xml: String,
    },
    /// 50, 52, 53: a call.
    Voip(Voip),
    /// The Content of a typed kind could not be decoded (broken XML). The message is still
    /// delivered, with its raw fields, so the client can report the problem.
    Undecodable {
        /// `MsgType`.
        msg_type: u32,
        /// What went wrong. The offset is into the unescaped Content without its group
        /// prefix ([`Message::content`](super::Message::content)), or into `OriContent`
        /// for a location.
        #[serde(serialize_with = "serialize_error")]
        error: ParseError,
    },
    /// Any other MsgType (40, 9999, …): see the raw fields.
    Other {
        /// `MsgType`.
        msg_type: u32,
    },
}

/// A text message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    /// The decoded text.
    pub text: String,
    /// Names written as `@name` + U+2005 (the phone's mentions); see
    /// [`mentions`](super::mentions) to match a member list.
    pub mentions: Vec<String>,
}

/// An image (3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Image {
    /// `ImgWidth` (0 when unknown).
    pub width: u32,
    /// `ImgHeight` (0 when unknown).
    pub height: u32,
    /// The XML metadata (§11.4) or the opaque token.
    pub content: MediaContent<ImageInfo>,
}

/// A voice message (34).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Voice {
    /// Duration in ms: `VoiceLength`, else `voicelength` of the XML.
    pub duration_ms: u64,
    /// The XML metadata or the opaque token.
    pub content: MediaContent<VoiceInfo>,
}

/// A video (43) or micro video (62).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Video {
    /// Duration in s: `PlayLength`, else `playlength` of the XML.
    pub duration_s: u64,
    /// `ImgWidth`.
    pub width: u32,
    /// `ImgHeight`.
    pub height: u32,
    /// The XML metadata or the opaque token.
    pub content: MediaContent<VideoInfo>,
}

/// A sticker (47).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Emoticon {
    /// `HasProductId == 1`: a store sticker, which cannot be forwarded (§7.7).
    pub store_sticker: bool,
    /// The `<emoji>` metadata (empty content for store stickers).
    pub content: MediaContent<EmojiInfo>,
}

impl Emoticon {
    /// The md5 to forward the sticker with (§7.7), unless it is a store sticker.
    pub fn forward_md5(&self) -> Option<&str> {
        if self.store_sticker {
            return None;
        }
        self.content.xml().and_then(|e| e.md5.as_deref())
    }
}

/// A call message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Voip {
    /// 50: a call (OFF shows a placeholder).
    Call,
    /// 52: a call ended.
    Notify,
    /// 53: a call invitation.
    Invite,
}

fn serialize_error<S: Serializer>(error: &ParseError, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Shown {
        format: String,
        offset: usize,
        kind: String,
    }
    Shown {
        format: error.format.to_string(),
        offset: error.offset,
        kind: error.kind.to_string(),
    }
    .serialize(s)
}
