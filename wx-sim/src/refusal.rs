//! Why the simulator refused an upload chunk, a checkupload or a media send: the typed reasons
//! behind a non-zero `BaseResponse.Ret`, kept in a short log tests read with
//! [`Sim::refusals`](crate::Sim::refusals).

use serde::Serialize;
use std::collections::VecDeque;

/// Refusals kept; older ones are dropped.
pub const KEPT: usize = 64;

/// What was wrong with a request the simulator refused with a non-zero `Ret`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Refusal {
    /// The multipart form has no file part.
    NoFile,
    /// Neither the form nor the cookie carries the session's `webwx_data_ticket`.
    BadDataTicket,
    /// `TotalLen` (and the `size` field) missing, zero or unparseable.
    NoLength,
    /// `size` and `TotalLen` disagree.
    SizeMismatch {
        /// The `size` form field.
        size: u64,
        /// `TotalLen` of `uploadmediarequest`.
        total_len: u64,
    },
    /// `chunk` without `chunks`, or the reverse, or unparseable.
    BadChunkFields,
    /// `chunks`/`chunk` missing for a file over 512 KiB, or `chunks` is not
    /// ceil(size / 524288).
    ChunkCount {
        /// `chunks` as sent (0 when absent).
        sent: u64,
        /// ceil(TotalLen / 524288).
        expected: u64,
    },
    /// `chunks` differs from the earlier chunks of the same upload.
    ChunksChanged,
    /// A chunk index at or past `chunks`.
    ChunkPastEnd,
    /// A chunk arrived before the one before it (chunk `got`, the next expected `expected`).
    OutOfOrder {
        /// The next chunk the upload can take (a resend may also repeat an earlier one).
        expected: u64,
        /// The chunk sent.
        got: u64,
    },
    /// One chunk carries more than 524288 bytes.
    ChunkTooLarge,
    /// `uploadmediarequest` differs from the one of the upload's first chunk.
    RequestChanged,
    /// The chunks add up to more or fewer bytes than `TotalLen` (checked on the last chunk).
    LengthMismatch {
        /// `TotalLen`.
        total_len: u64,
        /// Bytes received.
        received: u64,
    },
    /// `FileMd5` is not the MD5 of the assembled bytes.
    Md5Mismatch {
        /// `FileMd5` as sent.
        sent: String,
        /// The MD5 of what arrived.
        actual: String,
    },
    /// The file is larger than the real server takes (50 MiB, 20 MiB for video).
    TooLarge {
        /// TotalLen.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A file over 25 MiB without the `AESKey`/`Signature` a webwxcheckupload gave for it.
    NeedsCheckUpload,
    /// The session's unfinished uploads (or all sessions') would hold more than allowed.
    UnfinishedBudget,
    /// The file is empty.
    Empty,
    /// A send names a MediaId nobody uploaded (and no pushed message carries).
    UnknownMediaId {
        /// The MediaId.
        media_id: String,
    },
    /// webwxsendappmsg of a file (Type 6) whose `<attachid>` is missing or unknown.
    UnknownAttachId {
        /// The attachid (empty when missing).
        attach_id: String,
    },
    /// webwxsendemoticon with an `EMoticonMd5` that is not 32 hex digits.
    BadEmoticonMd5 {
        /// The value sent.
        md5: String,
    },
    /// A media send with neither MediaId nor anything else to send.
    NothingToSend,
}

impl Refusal {
    /// The `BaseResponse.Ret` it is answered with: -1 (system error, retry later) when the
    /// unfinished-upload budget is spent, 1 (parameter error) for everything else.
    pub fn ret(&self) -> i64 {
        match self {
            Refusal::UnfinishedBudget => -1,
            _ => 1,
        }
    }
}

/// One refused request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refused {
    /// The endpoint (`webwxuploadmedia`, `webwxsendappmsg`, …).
    pub endpoint: String,
    /// The account of the session, when known.
    pub account: Option<usize>,
    /// Why.
    pub refusal: Refusal,
}

/// The last [`KEPT`] refusals, oldest first.
#[derive(Debug, Clone, Default)]
pub(crate) struct RefusalLog {
    pub(crate) entries: VecDeque<Refused>,
    pub(crate) total: u64,
}

impl RefusalLog {
    pub(crate) fn add(&mut self, r: Refused) {
        if self.entries.len() >= KEPT {
            self.entries.pop_front();
        }
        self.entries.push_back(r);
        self.total += 1;
    }
}
