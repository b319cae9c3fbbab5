//! Sending a file (protocol.md §7.2-§7.7), one op of many requests: a first pass over the
//! file for its MD5 when none was given, webwxcheckupload above 25 MB (an existing MediaId
//! skips the upload; `AESKey` and `Signature` are carried on), webwxuploadmedia in 512 KiB
//! chunks with one `ClientMediaId` and one `uploadmediarequest` text, then the send for the
//! kind. The bytes come from the driver one chunk at a time (`Step::WantData`): the op
//! holds a digest and a position, never the file. A failed chunk is asked for and sent
//! again (bounded, with a growing wait), from that chunk.

use std::time::Duration;

use md5::{Digest, Md5};

use super::{OpCx, Step, no_session, read_answer};
use crate::Endpoint;
use crate::build;
use crate::client::command::{OpError, OpOutput};
use crate::client::core::Outcome;
use crate::client::media::{CHECK_UPLOAD_ABOVE, MediaKind, UPLOAD_CHUNK, Upload, mime_for};
use crate::parse::{parse_check_upload, parse_send, parse_upload_media};
use crate::secret::Secret;

/// Times one chunk is sent again after a transport fault or a 5xx before the op fails.
const CHUNK_RETRIES: u32 = 3;
/// The wait before the first resend of a chunk; doubles for each further one.
const CHUNK_RETRY_WAIT: Duration = Duration::from_secs(1);

/// Where the upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Reading the file once for its MD5.
    Hashing,
    /// webwxcheckupload is out.
    Checking,
    /// Sending chunk `n` (waiting for its bytes, its answer, or the wait before a resend).
    Uploading(u64),
    /// The send for the kind is out.
    Sending,
}

/// A file send in progress.
#[derive(Debug)]
pub(in crate::client) struct SendFile {
    to: String,
    upload: Upload,
    stage: Stage,
    /// The bytes asked for and not yet given.
    want: Option<(u64, usize)>,
    /// The digest of the first pass.
    hasher: Option<Md5>,
    /// Bytes hashed so far.
    hashed: u64,
    /// `WU_FILE_<n>`.
    file_number: u64,
    client_media_id: i64,
    /// The `uploadmediarequest` text, the same for every chunk (it carries the
    /// BaseRequest: never in Debug output).
    request_text: Secret<String>,
    last_modified: String,
    aes_key: Option<Secret<String>>,
    signature: Option<Secret<String>>,
    media_id: String,
    /// Resends of the current chunk.
    resends: u32,
    /// The form's `type`, fixed from the name or the first bytes when chunk 0 is read.
    mime: &'static str,
    client_msg_id: String,
}

impl SendFile {
    pub(super) fn new(to: String, upload: Upload) -> Self {
        Self {
            to,
            upload,
            stage: Stage::Hashing,
            want: None,
            hasher: None,
            hashed: 0,
            file_number: 0,
            client_media_id: 0,
            request_text: Secret::new(String::new()),
            last_modified: String::new(),
            aes_key: None,
            signature: None,
            media_id: String::new(),
            resends: 0,
            mime: "application/octet-stream",
            client_msg_id: String::new(),
        }
    }

    fn chunks(&self) -> u64 {
        self.upload.size.div_ceil(UPLOAD_CHUNK)
    }

    /// Asks for the bytes at `offset` (a chunk's worth, or what is left).
    fn want_at(&mut self, offset: u64) -> Step {
        let len = (self.upload.size - offset).min(UPLOAD_CHUNK) as usize;
        self.want = Some((offset, len));
        Step::WantData { offset, len }
    }

    pub(super) fn start(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        if cx.creds.is_none() {
            return no_session();
        }
        self.file_number = *cx.uploads;
        *cx.uploads += 1;
        self.client_media_id = cx.ctx.wall_ms;
        self.last_modified = build::last_modified_text(cx.ctx.wall_ms);
        if self.upload.md5.is_some() {
            return self.after_md5(cx);
        }
        self.stage = Stage::Hashing;
        self.hasher = Some(Md5::new());
        vec![self.want_at(0)]
    }

    /// With the MD5 known: webwxcheckupload for a big file, else the first chunk.
    fn after_md5(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        let Some(creds) = cx.creds else {
            return no_session();
        };
        if self.upload.size > CHECK_UPLOAD_ABOVE {
            self.stage = Stage::Checking;
            let md5 = self.upload.md5.as_deref().unwrap_or_default();
            let request = build::check_upload(
                &cx.ctx,
                creds,
                cx.me,
                &self.to,
                self.upload.size,
                md5,
                &self.upload.name,
            );
            return vec![Step::Send(Endpoint::CheckUpload, request)];
        }
        self.begin_upload(cx)
    }

    fn begin_upload(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        let Some(creds) = cx.creds else {
            return no_session();
        };
        self.request_text = Secret::new(build::upload_media_request(
            creds,
            self.client_media_id,
            self.upload.size,
            cx.me,
            &self.to,
            self.upload.md5.as_deref().unwrap_or_default(),
            self.aes_key.as_ref().map(|k| k.expose().as_str()),
            self.signature.as_ref().map(|k| k.expose().as_str()),
        ));
        self.stage = Stage::Uploading(0);
        self.resends = 0;
        vec![self.want_at(0)]
    }

    /// Bytes it asked for; `None` when it asked for none like these.
    pub(super) fn on_data(
        &mut self,
        cx: &mut OpCx<'_>,
        offset: u64,
        bytes: &[u8],
    ) -> Option<Vec<Step>> {
        if self.want != Some((offset, bytes.len())) {
            return None;
        }
        self.want = None;
        Some(match self.stage {
            Stage::Hashing => self.hash(cx, bytes),
            Stage::Uploading(chunk) => self.send_chunk(cx, chunk, bytes),
            Stage::Checking | Stage::Sending => Vec::new(),
        })
    }

    fn hash(&mut self, cx: &mut OpCx<'_>, bytes: &[u8]) -> Vec<Step> {
        if let Some(h) = self.hasher.as_mut() {
            h.update(bytes);
        }
        self.hashed += bytes.len() as u64;
        if self.hashed < self.upload.size {
            return vec![self.want_at(self.hashed)];
        }
        let digest = self.hasher.take().map(Md5::finalize).unwrap_or_default();
        self.upload.md5 = Some(digest.iter().map(|b| format!("{b:02x}")).collect());
        self.after_md5(cx)
    }

    fn send_chunk(&mut self, cx: &mut OpCx<'_>, chunk: u64, bytes: &[u8]) -> Vec<Step> {
        let Some(creds) = cx.creds else {
            return no_session();
        };
        if chunk == 0 {
            self.mime = mime_for(&self.upload.name, self.upload.kind, bytes);
        }
        let boundary = format!("----WebKitFormBoundary{}", cx.rng.alphanumeric(16));
        let form = build::UploadForm {
            file_number: self.file_number,
            name: &self.upload.name,
            mime: self.mime,
            size: self.upload.size,
            media_type: self.upload.kind.form_media_type(),
            request: self.request_text.expose(),
            data_ticket: cx.data_ticket,
            last_modified: &self.last_modified,
        };
        let chunks = self.chunks();
        let index = (chunks > 1).then_some((chunks, chunk));
        let request = build::upload_chunk(&cx.ctx, creds, &form, index, bytes, &boundary);
        vec![Step::Send(Endpoint::UploadMedia, request)]
    }

    pub(super) fn on_timer(&mut self, _cx: &mut OpCx<'_>) -> Vec<Step> {
        match self.stage {
            Stage::Uploading(chunk) if self.want.is_none() => {
                vec![self.want_at(chunk * UPLOAD_CHUNK)]
            }
            _ => Vec::new(),
        }
    }

    pub(super) fn on_response(
        &mut self,
        cx: &mut OpCx<'_>,
        endpoint: Endpoint,
        outcome: Outcome,
    ) -> Vec<Step> {
        match endpoint {
            Endpoint::CheckUpload => self.on_checked(cx, outcome),
            Endpoint::UploadMedia => self.on_chunk(cx, outcome),
            _ => self.on_sent(endpoint, outcome),
        }
    }

    fn on_checked(&mut self, cx: &mut OpCx<'_>, outcome: Outcome) -> Vec<Step> {
        let checked = match read_answer(Endpoint::CheckUpload, outcome, parse_check_upload, |r| {
            &r.base_response
        }) {
            Ok(c) => c,
            Err(steps) => return steps,
        };
        let some = |s: String| Some(s).filter(|s| !s.is_empty()).map(Secret::new);
        self.aes_key = some(checked.aes_key);
        self.signature = some(checked.signature);
        if !checked.media_id.is_empty() {
            // The server has the file already.
            self.media_id = checked.media_id;
            return self.send_message(cx);
        }
        self.begin_upload(cx)
    }

    fn on_chunk(&mut self, cx: &mut OpCx<'_>, outcome: Outcome) -> Vec<Step> {
        let Stage::Uploading(chunk) = self.stage else {
            return Vec::new();
        };
        let transient = match &outcome {
            Outcome::Failure(_) => true,
            Outcome::Response { status, .. } => *status >= 500,
            Outcome::Streamed(_) => false,
        };
        if transient && self.resends < CHUNK_RETRIES {
            let wait = CHUNK_RETRY_WAIT * 2u32.pow(self.resends);
            self.resends += 1;
            return vec![Step::WakeAt(cx.now + wait)];
        }
        let answer = match read_answer(Endpoint::UploadMedia, outcome, parse_upload_media, |r| {
            &r.base_response
        }) {
            Ok(a) => a,
            Err(steps) => return steps,
        };
        let done = ((chunk + 1) * UPLOAD_CHUNK).min(self.upload.size);
        let mut steps = vec![Step::Progress {
            done,
            total: self.upload.size,
        }];
        if chunk + 1 < self.chunks() {
            self.stage = Stage::Uploading(chunk + 1);
            self.resends = 0;
            steps.push(self.want_at(done));
            return steps;
        }
        if answer.media_id.is_empty() {
            steps.push(Step::Done(Err(OpError::NoMediaId)));
            return steps;
        }
        self.media_id = answer.media_id;
        steps.extend(self.send_message(cx));
        steps
    }

    /// The send for the kind, with the MediaId.
    fn send_message(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        let Some(creds) = cx.creds else {
            return no_session();
        };
        self.stage = Stage::Sending;
        self.client_msg_id = cx.client_msg_id();
        let appmsg;
        let (endpoint, msg_type, content) = match self.upload.kind {
            MediaKind::Image => (Endpoint::SendMsgImg, 3, ""),
            MediaKind::Video => (Endpoint::SendVideoMsg, 43, ""),
            MediaKind::Gif => (Endpoint::SendEmoticon, 47, ""),
            MediaKind::File => {
                appmsg = build::file_appmsg(
                    &self.upload.name,
                    self.upload.size,
                    &self.media_id,
                    cx.ctx.config.desktop,
                );
                (Endpoint::SendAppMsg, 6, appmsg.as_str())
            }
        };
        let msg = build::MediaMsg {
            msg_type,
            media_id: &self.media_id,
            content,
            emoticon_md5: None,
            signature: self
                .signature
                .as_ref()
                .map(|k| k.expose().as_str())
                .filter(|_| endpoint == Endpoint::SendAppMsg),
        };
        let request = build::send_media(
            &cx.ctx,
            creds,
            endpoint,
            cx.me,
            &self.to,
            &msg,
            &self.client_msg_id,
            0,
        );
        vec![Step::Send(endpoint, request)]
    }

    fn on_sent(&mut self, endpoint: Endpoint, outcome: Outcome) -> Vec<Step> {
        match read_answer(endpoint, outcome, parse_send, |r| &r.base_response) {
            Ok(sent) => vec![
                Step::OwnMessage(sent.msg_id.clone()),
                Step::Done(Ok(OpOutput::Sent {
                    msg_id: sent.msg_id,
                    client_msg_id: std::mem::take(&mut self.client_msg_id),
                })),
            ],
            Err(steps) => steps,
        }
    }
}
