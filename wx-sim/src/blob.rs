//! Downloadable bytes: what a blob holds, the size limits of pushed media, and how a push
//! stores its media.
//!
//! Pushed media (voice, video, attachments) are stand-ins generated from their length, so a
//! blob records only the length and the bytes are made when a client downloads them. A push
//! therefore costs the same whatever its size, and no push can ask for more than
//! [`MAX_MEDIA_BYTES`] (or [`MAX_VOICE_MS`] of voice): larger ones are refused with
//! [`SimError::MediaTooLarge`] (a 400 on `POST /__sim/push`). Uploaded and planted bytes are
//! kept as sent, behind an `Arc`: a download shares them instead of copying, and stand-ins
//! generated for concurrent downloads of the same length share one buffer (`Generated`).

use crate::content::Body;
use crate::sim::{Sim, SimError};
use crate::wire::media;
use std::collections::HashMap;
use std::sync::{Arc, Weak};

/// The largest video or attachment a push may ask for: 16 MiB.
pub const MAX_MEDIA_BYTES: usize = 16 * 1024 * 1024;

/// The longest voice message a push may ask for: 10 minutes (the real client stops at 60 s).
/// Voice is served at 2 bytes a millisecond.
pub const MAX_VOICE_MS: u32 = 600_000;

/// Bytes the simulator can serve for a download.
#[derive(Debug, Clone)]
pub struct Blob {
    /// Content-Type.
    pub content_type: String,
    /// The bytes.
    pub bytes: BlobBytes,
    /// File name (attachments).
    pub name: String,
}

/// The bytes of a blob: kept as uploaded, or generated from a length when downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BlobBytes {
    /// Bytes a client uploaded or a test planted.
    Stored(Arc<[u8]>),
    /// The tiny JPEG of images, emoticons, cards and map thumbnails.
    Jpeg,
    /// [`media::voice_mp3`] of this length.
    Voice(usize),
    /// [`media::video_mp4`] of this length.
    Video(usize),
    /// [`media::file_bytes`] of this length.
    File(usize),
    /// Nothing: what the real server answers for a store sticker (HasProductId 1).
    Empty,
}

impl BlobBytes {
    /// The bytes themselves.
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            BlobBytes::Stored(b) => b.to_vec(),
            BlobBytes::Jpeg => media::TINY_JPEG.to_vec(),
            BlobBytes::Voice(n) => media::voice_mp3(*n),
            BlobBytes::Video(n) => media::video_mp4(*n),
            BlobBytes::File(n) => media::file_bytes(*n),
            BlobBytes::Empty => Vec::new(),
        }
    }

    /// How many bytes a download gets.
    pub fn len(&self) -> usize {
        match self {
            BlobBytes::Stored(b) => b.len(),
            BlobBytes::Jpeg => media::TINY_JPEG.len(),
            BlobBytes::Voice(n) => (*n).max(16),
            BlobBytes::Video(n) => (*n).max(24),
            BlobBytes::File(n) => *n,
            BlobBytes::Empty => 0,
        }
    }

    /// True when a download gets no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes, shared: stored ones as they are, generated ones from `cache`.
    pub(crate) fn shared(&self, cache: &mut Generated) -> Arc<[u8]> {
        match self {
            BlobBytes::Stored(b) => b.clone(),
            BlobBytes::Jpeg | BlobBytes::Empty => Arc::from(self.to_vec()),
            BlobBytes::Voice(n) => cache.get(0, *n, || self.to_vec()),
            BlobBytes::Video(n) => cache.get(1, *n, || self.to_vec()),
            BlobBytes::File(n) => cache.get(2, *n, || self.to_vec()),
        }
    }
}

/// Generated stand-in bytes still held by a download in flight, by kind and length: a second
/// download of the same length while the first is being sent shares its buffer. Only weak
/// references are kept, so the memory goes when the last download is done.
#[derive(Debug, Default)]
pub(crate) struct Generated(HashMap<(u8, usize), Weak<[u8]>>);

/// Entries past which dead weak references are swept.
const GENERATED_SWEEP: usize = 64;

impl Generated {
    fn get(&mut self, kind: u8, len: usize, make: impl FnOnce() -> Vec<u8>) -> Arc<[u8]> {
        if let Some(live) = self.0.get(&(kind, len)).and_then(Weak::upgrade) {
            return live;
        }
        if self.0.len() >= GENERATED_SWEEP {
            self.0.retain(|_, w| w.strong_count() > 0);
        }
        let fresh: Arc<[u8]> = Arc::from(make());
        self.0.insert((kind, len), Arc::downgrade(&fresh));
        fresh
    }
}

/// Refuses a pushed body whose media would exceed the limits.
pub(crate) fn check_media(body: &Body) -> Result<(), SimError> {
    let too_large = |what, asked: u64, limit: u64| {
        if asked > limit {
            Err(SimError::MediaTooLarge { what, asked, limit })
        } else {
            Ok(())
        }
    };
    let max = MAX_MEDIA_BYTES as u64;
    match body {
        Body::Voice { ms } | Body::VoiceToken { ms } => {
            too_large("voice ms", u64::from(*ms), u64::from(MAX_VOICE_MS))
        }
        Body::Video { size, .. } => too_large("video size", *size as u64, max),
        Body::File { size, .. } => too_large("file size", *size as u64, max),
        _ => Ok(()),
    }
}

impl Sim {
    /// Records the downloadable media of a pushed message (its length, not its bytes).
    pub(crate) fn store_media(&mut self, body: &Body, msg: &crate::model::Message, key: &str) {
        let (ct, bytes, name) = match body {
            Body::Image | Body::Emoticon | Body::Card { .. } | Body::Location { .. } => {
                ("image/jpeg", BlobBytes::Jpeg, String::new())
            }
            Body::StoreSticker => ("image/gif", BlobBytes::Empty, String::new()),
            Body::Voice { ms } => (
                "audio/mp3",
                BlobBytes::Voice(*ms as usize * 2),
                String::new(),
            ),
            Body::Video { size, .. } => ("video/mp4", BlobBytes::Video(*size), String::new()),
            Body::File { name, size } => {
                self.blobs.insert(
                    format!("@crypt_{key}"),
                    Blob {
                        content_type: "application/octet-stream".into(),
                        bytes: BlobBytes::File(*size),
                        name: name.clone(),
                    },
                );
                (
                    "application/octet-stream",
                    BlobBytes::File(*size),
                    name.clone(),
                )
            }
            _ => return,
        };
        self.blobs.insert(
            msg.msg_id.clone(),
            Blob {
                content_type: ct.into(),
                bytes,
                name,
            },
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn limits_refuse_large_media_and_accept_the_largest() {
        let video = |size| Body::Video { secs: 1, size };
        assert!(check_media(&video(MAX_MEDIA_BYTES)).is_ok());
        let e = check_media(&video(MAX_MEDIA_BYTES + 1)).unwrap_err();
        assert!(e.to_string().contains("video size is 16777217"), "{e}");
        assert!(check_media(&Body::Voice { ms: MAX_VOICE_MS }).is_ok());
        assert!(check_media(&Body::Voice { ms: u32::MAX }).is_err());
        let file = Body::File {
            name: "a".into(),
            size: usize::MAX,
        };
        assert!(check_media(&file).is_err());
    }

    #[test]
    fn generated_bytes_have_their_length() {
        assert_eq!(BlobBytes::Video(1000).to_vec().len(), 1000);
        assert_eq!(BlobBytes::File(7).to_vec(), b"abcdefg");
        assert_eq!(BlobBytes::Jpeg.to_vec(), media::TINY_JPEG);
        for b in [BlobBytes::Voice(3), BlobBytes::Video(3), BlobBytes::File(3)] {
            assert_eq!(b.len(), b.to_vec().len());
        }
    }

    #[test]
    fn concurrent_generated_downloads_share_one_buffer() {
        let mut cache = Generated::default();
        let a = BlobBytes::Video(1 << 20).shared(&mut cache);
        let b = BlobBytes::Video(1 << 20).shared(&mut cache);
        assert!(Arc::ptr_eq(&a, &b));
        drop((a, b));
        let c = BlobBytes::Video(1 << 20).shared(&mut cache);
        assert_eq!(c.len(), 1 << 20);
        let stored = BlobBytes::Stored(Arc::from(vec![1u8, 2, 3]));
        assert!(Arc::ptr_eq(
            &stored.shared(&mut cache),
            &stored.shared(&mut cache)
        ));
    }
}
