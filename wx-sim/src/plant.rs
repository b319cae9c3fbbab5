//! Planting downloadable media with given bytes: [`Sim::plant`] pushes an image, voice,
//! video, file or sticker message whose download answers exactly those bytes (and, for a
//! file, that name in FileName and `Content-Disposition`, hostile names included).

use crate::blob::{Blob, BlobBytes};
use crate::content::{self, Body};
use crate::session::Event;
use crate::sim::{Push, Sim, SimError};
use std::sync::Arc;
use std::time::Instant;

/// What kind of message carries planted bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediaKind {
    /// MsgType 3, served by webwxgetmsgimg (the thumbnail, `type=slave`, is the tiny JPEG).
    Image,
    /// MsgType 34, served by webwxgetvoice.
    Voice {
        /// VoiceLength in ms.
        ms: u32,
    },
    /// MsgType 43, served by webwxgetvideo (thumbnail by webwxgetmsgimg).
    Video {
        /// PlayLength in s.
        secs: u32,
    },
    /// MsgType 49 / AppMsgType 6, served by webwxgetmedia under its MediaId.
    File,
    /// MsgType 47 whose `md5` is the MD5 of the bytes, served by webwxgetmsgimg; its md5 is
    /// then a known sticker for webwxsendemoticon.
    Sticker,
    /// MsgType 47 from the sticker store (HasProductId 1): not downloadable, the bytes are
    /// ignored and webwxgetmsgimg answers an empty body.
    StoreSticker,
}

/// Bytes to plant, and the file name to give them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// The message kind.
    pub kind: MediaKind,
    /// What downloads answer.
    pub bytes: Vec<u8>,
    /// FileName of the message (attachments; others carry it too when non-empty).
    pub name: String,
}

impl Media {
    /// `bytes` as a `kind` message, without a name.
    pub fn new(kind: MediaKind, bytes: impl Into<Vec<u8>>) -> Media {
        Media {
            kind,
            bytes: bytes.into(),
            name: String::new(),
        }
    }

    /// The same, named `name`.
    pub fn named(mut self, name: &str) -> Media {
        self.name = name.to_string();
        self
    }
}

/// Where planted media can be fetched from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    /// MsgId of the message (webwxgetmsgimg, webwxgetvoice, webwxgetvideo).
    pub msg_id: String,
    /// MediaId of an attachment (webwxgetmedia); empty for other kinds.
    pub media_id: String,
    /// Lowercase hex MD5 of the bytes.
    pub md5_hex: String,
}

/// The Content-Type of image bytes, from their magic number.
fn image_type(b: &[u8], default: &'static str) -> &'static str {
    if b.starts_with(b"GIF8") {
        "image/gif"
    } else if b.starts_with(b"\x89PNG") {
        "image/png"
    } else if b.starts_with(&[0xFF, 0xD8]) {
        "image/jpeg"
    } else {
        default
    }
}

impl Sim {
    /// Pushes a message carrying `media` into `push.account`, as [`Sim::push`] routes it
    /// (from a friend, or a member of a group); every live session gets it via webwxsync,
    /// and its download answers `media.bytes`.
    pub fn plant(&mut self, push: &Push, media: Media, now: Instant) -> Result<Planted, SimError> {
        let len = media.bytes.len();
        let body = match media.kind {
            MediaKind::Image => Body::Image,
            MediaKind::Voice { ms } => Body::Voice { ms },
            MediaKind::Video { secs } => Body::Video { secs, size: len },
            MediaKind::File => Body::File {
                name: media.name.clone(),
                size: len,
            },
            MediaKind::Sticker => Body::Emoticon,
            MediaKind::StoreSticker => Body::StoreSticker,
        };
        let route = self.route_for(push, &body)?;
        let md5_hex = crate::md5::hex(&media.bytes);
        let key = match media.kind {
            MediaKind::Sticker => {
                self.stickers.insert(md5_hex.clone());
                md5_hex.clone()
            }
            _ => self.rng.hex(32),
        };
        let msg_id = self.rng.msg_id();
        let mut msg = content::build(&body, &route, msg_id, self.clock.secs(now), &key);
        if !media.name.is_empty() {
            msg.file_name = media.name.clone();
        }
        let content_type = match media.kind {
            MediaKind::Image => image_type(&media.bytes, "image/jpeg"),
            MediaKind::Sticker | MediaKind::StoreSticker => image_type(&media.bytes, "image/gif"),
            MediaKind::Voice { .. } => "audio/mp3",
            MediaKind::Video { .. } => "video/mp4",
            MediaKind::File => "application/octet-stream",
        };
        let bytes = match media.kind {
            MediaKind::StoreSticker => BlobBytes::Empty,
            _ => BlobBytes::Stored(Arc::from(media.bytes)),
        };
        let blob = Blob {
            content_type: content_type.into(),
            bytes,
            name: media.name,
        };
        if !msg.media_id.is_empty() {
            self.blobs.insert(msg.media_id.clone(), blob.clone());
        }
        self.blobs.insert(msg.msg_id.clone(), blob);
        let planted = Planted {
            msg_id: msg.msg_id.clone(),
            media_id: msg.media_id.clone(),
            md5_hex,
        };
        self.deliver(push.account, Event::Msg(Box::new(msg)), now);
        Ok(planted)
    }
}
