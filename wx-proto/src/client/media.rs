//! The arguments of the media commands: a file to send ([`Upload`], its [`MediaKind`]) and
//! something to fetch ([`Download`]), the limits checked before any request
//! ([`MediaLimit`]), and the rule a driver follows to stream a download's body
//! ([`streams_body`]).

use crate::model::{Message, MessageKind};

/// Upload chunk size: 512 KiB (protocol.md §7.2).
pub const UPLOAD_CHUNK: u64 = 524_288;
/// Files above this size go through webwxcheckupload first (25 MB, §7.3).
pub const CHECK_UPLOAD_ABOVE: u64 = 25 * 1024 * 1024;
/// Largest video (20 MB, §7.5).
pub const MAX_VIDEO: u64 = 20 * 1024 * 1024;
/// Largest image or GIF (20 MB, §7.2 OW note).
pub const MAX_IMAGE: u64 = 20 * 1024 * 1024;
/// Largest file attachment (50 MB, §7.2 OW note).
pub const MAX_FILE: u64 = 50 * 1024 * 1024;

/// How a file is sent: the upload's `mediatype` and the send endpoint follow from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MediaKind {
    /// A picture (webwxsendmsgimg, `mediatype=pic`).
    Image,
    /// A video (webwxsendvideomsg, `mediatype=video`, under 20 MB).
    Video,
    /// Any file, as an attachment (webwxsendappmsg with the appmsg XML, `mediatype=doc`).
    File,
    /// An animated GIF, as a sticker (webwxsendemoticon, `mediatype=doc`).
    Gif,
}

impl MediaKind {
    /// The kind a file is sent as, from its first bytes (the magic numbers of JPEG, PNG,
    /// BMP, GIF and MP4) and else its extension; anything else is a [`MediaKind::File`].
    pub fn detect(name: &str, head: &[u8]) -> MediaKind {
        match sniff(head).or_else(|| mime_by_extension(name)) {
            Some("image/gif") => MediaKind::Gif,
            Some("image/jpeg" | "image/png" | "image/bmp") => MediaKind::Image,
            Some("video/mp4") => MediaKind::Video,
            _ => MediaKind::File,
        }
    }

    /// The largest size the server takes for this kind.
    pub fn max_size(self) -> u64 {
        match self {
            MediaKind::Image | MediaKind::Gif => MAX_IMAGE,
            MediaKind::Video => MAX_VIDEO,
            MediaKind::File => MAX_FILE,
        }
    }

    /// The upload form's `mediatype` (§7.2: gif is `doc`).
    pub(crate) fn form_media_type(self) -> &'static str {
        match self {
            MediaKind::Image => "pic",
            MediaKind::Video => "video",
            MediaKind::File | MediaKind::Gif => "doc",
        }
    }
}

/// The lowercase extension of a file name, without the dot.
pub(crate) fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty() && ext.len() <= 16 && ext.is_ascii())
        .then(|| ext.to_ascii_lowercase())
}

/// The file types the protocol's tables name (§7.2 `mediatype`, §8 answers): an
/// extension and its MIME type, the first extension of a type being its usual one.
const TYPES: [(&str, &str); 10] = [
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("bmp", "image/bmp"),
    ("gif", "image/gif"),
    ("mp4", "video/mp4"),
    ("mp3", "audio/mpeg"),
    ("mp3", "audio/mp3"),
    ("txt", "text/plain"),
    ("pdf", "application/pdf"),
];

/// The MIME type of a file's first bytes, when they are the magic number of a type the
/// protocol sends differently (JPEG, PNG, BMP, GIF, MP4).
fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(b"BM") {
        Some("image/bmp")
    } else if head.get(4..8) == Some(b"ftyp".as_slice()) && head.len() >= 12 {
        Some("video/mp4")
    } else {
        None
    }
}

/// The MIME type of a file name's extension, when the table knows it.
fn mime_by_extension(name: &str) -> Option<&'static str> {
    let ext = extension(name)?;
    TYPES.iter().find(|(e, _)| *e == ext).map(|(_, m)| *m)
}

/// The usual extension of a `Content-Type` (parameters ignored), for naming a downloaded
/// file that came without a name: `image/jpeg; charset=…` → `jpg`.
pub fn extension_for(content_type: &str) -> Option<&'static str> {
    let mime = content_type.split(';').next()?.trim().to_ascii_lowercase();
    TYPES.iter().find(|(_, m)| *m == mime).map(|(e, _)| *e)
}

/// The MIME type the upload form names for a file: from its extension, else from its
/// first bytes, else the kind's usual type.
pub(crate) fn mime_for(name: &str, kind: MediaKind, head: &[u8]) -> &'static str {
    if let Some(mime) = mime_by_extension(name).or_else(|| sniff(head)) {
        return mime;
    }
    match kind {
        MediaKind::Image => "image/jpeg",
        MediaKind::Video => "video/mp4",
        MediaKind::Gif => "image/gif",
        MediaKind::File => "application/octet-stream",
    }
}

/// A file to send. Its bytes are not here: the upload asks for them chunk by chunk
/// ([`Event::DataWanted`](super::Event::DataWanted)), so a file is never whole in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The file name shown to the receiver (and its extension names the type).
    pub name: String,
    /// Its size in bytes (more than 0).
    pub size: u64,
    /// How it is sent.
    pub kind: MediaKind,
    /// The lowercase hex MD5 of the whole file, when the caller knows it; else the upload
    /// first reads the file once to compute it.
    pub md5: Option<String>,
}

/// Why a media command was refused before any request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MediaLimit {
    /// The file is empty (the server takes no empty upload).
    #[error("the file is empty")]
    Empty,
    /// The file is over the size the server takes for its kind.
    #[error("the file is {size} bytes, over the {limit}-byte limit for its kind")]
    TooLarge {
        /// The file's size.
        size: u64,
        /// The limit for its kind ([`MediaKind::max_size`]).
        limit: u64,
    },
    /// The given MD5 is not 32 hex digits.
    #[error("the MD5 is not 32 hex digits")]
    BadMd5,
    /// The message has nothing that can be sent again (or downloaded): a store sticker, a
    /// text, a notice.
    #[error("this message cannot be forwarded or downloaded")]
    NotForwardable,
}

/// Which rendition of a message image (webwxgetmsgimg `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ImageSize {
    /// The original image (no `type`).
    Original,
    /// The full image as the web client previews it (`type=big`; stickers too).
    Big,
    /// The thumbnail (`type=slave`).
    Thumbnail,
}

/// Something to download. The body goes to the driver's writer as it arrives (see
/// [`streams_body`]); the core never holds it. Serialisable, so a tool can keep what a
/// received message offers and download it later (`wx download`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum Download {
    /// A message's image, sticker or video thumbnail (webwxgetmsgimg).
    Image {
        /// The message's `MsgId`.
        msg_id: String,
        /// Which rendition.
        size: ImageSize,
    },
    /// A voice message (webwxgetvoice, `Range: bytes=0-`).
    Voice {
        /// The message's `MsgId`.
        msg_id: String,
    },
    /// A video (webwxgetvideo, `Range: bytes=0-`).
    Video {
        /// The message's `MsgId`.
        msg_id: String,
    },
    /// A file attachment (webwxgetmedia on the file host).
    File {
        /// Who sent it: the message's `FromUserName` (the group for a group message).
        sender: String,
        /// The message's `MediaId`.
        media_id: String,
        /// The message's `EncryFileName` (else its `FileName`).
        encry_file_name: String,
    },
    /// A contact's, a group member's or a group's head image.
    Avatar {
        /// The UserName (`@…`, or `@@…` for a group: webwxgetheadimg).
        user_name: String,
        /// The contact's `HeadImgUrl` path when known (it carries `seq` and the skey).
        head_img_url: Option<String>,
        /// For a group member: the group's `EncryChatRoomId` (webwxgeticon `chatroomid`).
        chatroom_id: Option<String>,
    },
}

impl Download {
    /// What to download for a received message: the image of an image or sticker, the
    /// voice, the video, the file of a file attachment. `None` for anything else, and for
    /// a store sticker (which the server does not serve).
    pub fn of_message(message: &Message) -> Option<Download> {
        let msg_id = message.msg_id.clone();
        match &message.kind {
            MessageKind::Image(_) => Some(Download::Image {
                msg_id,
                size: ImageSize::Original,
            }),
            MessageKind::Emoticon(e) if !e.store_sticker => Some(Download::Image {
                msg_id,
                size: ImageSize::Big,
            }),
            MessageKind::Voice(_) => Some(Download::Voice { msg_id }),
            MessageKind::Video(_) | MessageKind::MicroVideo(_) => Some(Download::Video { msg_id }),
            MessageKind::App(app) if app.app_msg_type == 6 && !message.raw.media_id.is_empty() => {
                let encry = if message.raw.encry_file_name.is_empty() {
                    message.raw.file_name.clone()
                } else {
                    message.raw.encry_file_name.clone()
                };
                Some(Download::File {
                    sender: message.from.clone(),
                    media_id: message.raw.media_id.clone(),
                    encry_file_name: encry,
                })
            }
            _ => None,
        }
    }
}

/// Whether a driver writes the body of a streamed download (a request whose
/// [`Request::sink`](super::Request::sink) is set) to its writer: a 2xx answer that is not
/// an HTML page (the server's way of saying "no such file") and does not announce an empty
/// body. Otherwise the driver drops the body; either way it then reports the head
/// and the bytes written with [`Client::handle_streamed`](super::Client::handle_streamed),
/// and the core judges the answer by the same rule.
pub fn streams_body(status: u16, headers: &http::HeaderMap) -> bool {
    if !(200..300).contains(&status) {
        return false;
    }
    let page = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v.starts_with("text/html"));
    let empty = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "0");
    !page && !empty
}

/// The `filename` of a `Content-Disposition` header (`filename*=UTF-8''…` preferred,
/// percent-decoded), as sent: the caller makes it safe before it names a file.
pub(crate) fn disposition_file_name(value: &str) -> Option<String> {
    let mut plain = None;
    for part in value.split(';').map(str::trim) {
        let Some((key, v)) = part.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let v = v.trim();
        if key == "filename*" {
            let encoded = v.splitn(3, '\'').nth(2).unwrap_or(v);
            return Some(crate::percent::decode(encoded)).filter(|n| !n.is_empty());
        }
        if key == "filename" {
            let unquoted = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            plain = Some(crate::percent::decode(unquoted));
        }
    }
    plain.filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_the_disposition() {
        let n = |v| disposition_file_name(v);
        assert_eq!(
            n("attachment; filename=\"a b.pdf\""),
            Some("a b.pdf".into())
        );
        assert_eq!(n("attachment; filename=x.txt"), Some("x.txt".into()));
        assert_eq!(
            n("attachment; filename=\"x\"; filename*=UTF-8''%E4%BD%A0.txt"),
            Some("你.txt".into())
        );
        assert_eq!(n("attachment"), None);
        assert_eq!(n("attachment; filename=\"\""), None);
    }

    #[test]
    fn kinds_come_from_magic_bytes_then_the_extension() {
        assert_eq!(MediaKind::detect("a.bin", b"GIF89a...."), MediaKind::Gif);
        assert_eq!(
            MediaKind::detect("a.txt", &[0xFF, 0xD8, 0xFF, 0xE0]),
            MediaKind::Image
        );
        assert_eq!(
            MediaKind::detect("x", b"\0\0\0\x18ftypmp42"),
            MediaKind::Video
        );
        assert_eq!(MediaKind::detect("a.PNG", b""), MediaKind::Image);
        assert_eq!(MediaKind::detect("a.gif", b"plain"), MediaKind::Gif);
        assert_eq!(MediaKind::detect("report.pdf", b"%PDF"), MediaKind::File);
        assert_eq!(MediaKind::detect(".mp4", b""), MediaKind::File);
        assert_eq!(MediaKind::Gif.form_media_type(), "doc");
        assert_eq!(mime_for("a.png", MediaKind::File, b""), "image/png");
        assert_eq!(
            mime_for("a.bin", MediaKind::Image, b"\x89PNG\r\n\x1a\n"),
            "image/png"
        );
        assert_eq!(mime_for("a.bin", MediaKind::Video, b""), "video/mp4");
        assert_eq!(
            mime_for("a.bin", MediaKind::File, b"xyz"),
            "application/octet-stream"
        );
    }

    #[test]
    fn only_a_real_body_is_streamed() {
        let mut h = http::HeaderMap::new();
        assert!(streams_body(200, &h));
        assert!(streams_body(206, &h));
        assert!(!streams_body(404, &h));
        h.insert(
            http::header::CONTENT_TYPE,
            "text/html; charset=utf-8"
                .parse()
                .unwrap_or(http::HeaderValue::from_static("x")),
        );
        assert!(!streams_body(200, &h));
        let mut h = http::HeaderMap::new();
        h.insert(
            http::header::CONTENT_LENGTH,
            http::HeaderValue::from_static("0"),
        );
        assert!(!streams_body(200, &h));
    }
}
