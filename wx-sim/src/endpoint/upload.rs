//! webwxuploadmedia (chunked multipart, checked by [`crate::upload`]) and webwxcheckupload.

use super::{int, text};
use crate::content::js_escape;
use crate::refusal::{Refusal, Refused};
use crate::sim::{Blob, BlobBytes, Req, Sim, json};
use crate::upload::{Check, ChunkIn, Step, UploadedInfo};
use crate::wire::json::{BaseResponse, bare, parse, to_body};
use crate::wire::{cookie, multipart};
use http::Response;
use serde::Serialize;
use std::sync::Arc;
use std::time::Instant;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UploadReply {
    base_response: BaseResponse,
    media_id: String,
    start_pos: u64,
    #[serde(rename = "CDNThumbImgHeight")]
    cdn_thumb_img_height: u32,
    #[serde(rename = "CDNThumbImgWidth")]
    cdn_thumb_img_width: u32,
    encry_file_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CheckReply {
    base_response: BaseResponse,
    media_id: String,
    #[serde(rename = "AESKey")]
    aes_key: String,
    signature: String,
    encry_file_name: String,
}

/// A form field that is present but not a number reads as `Err`.
fn number(v: Option<String>) -> Result<Option<u64>, Refusal> {
    match v {
        None => Ok(None),
        Some(s) => s
            .trim()
            .parse::<u64>()
            .map(Some)
            .map_err(|_| Refusal::BadChunkFields),
    }
}

impl Sim {
    /// Records a refusal and answers its `Ret`.
    pub(crate) fn refuse(
        &mut self,
        endpoint: &str,
        session: Option<usize>,
        refusal: Refusal,
    ) -> Response<Vec<u8>> {
        let ret = refusal.ret();
        let account = session
            .and_then(|i| self.sessions.get(i))
            .map(|s| s.account);
        self.refusals.add(Refused {
            endpoint: endpoint.to_string(),
            account,
            refusal,
        });
        json(bare(ret))
    }

    pub(crate) fn upload(&mut self, r: &Req<'_>, now: Instant) -> Response<Vec<u8>> {
        const EP: &str = "webwxuploadmedia";
        let ct = r
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let Some(parts) = multipart::boundary(ct).and_then(|b| multipart::parse(r.body, &b)) else {
            return json(bare(1200));
        };
        let field = |n: &str| {
            parts
                .iter()
                .find(|p| p.name == n)
                .map(|p| String::from_utf8_lossy(&p.data).into_owned())
        };
        let Some(req_text) = field("uploadmediarequest") else {
            return json(bare(1200));
        };
        let Some(req) = parse(req_text.as_bytes()) else {
            return json(bare(1200));
        };
        let idx = match self.auth_base(r, &req) {
            Ok(i) => i,
            Err(ret) => return json(bare(ret)),
        };
        let Some(s) = self.sessions.get(idx) else {
            return json(bare(1100));
        };
        let account = s.account;
        let ticket_ok = field("webwx_data_ticket").as_deref() == Some(s.data_ticket.as_str())
            || cookie::get(&r.jar, "webwx_data_ticket") == Some(s.data_ticket.as_str());
        if !ticket_ok {
            return self.refuse(EP, Some(idx), Refusal::BadDataTicket);
        }
        let Some(file) = parts
            .iter()
            .find(|p| p.filename.is_some() || p.name == "filename")
        else {
            return self.refuse(EP, Some(idx), Refusal::NoFile);
        };
        let name = field("name")
            .or_else(|| file.filename.clone())
            .unwrap_or_default();
        let mime = field("type").unwrap_or_else(|| "application/octet-stream".into());
        let media_type = field("mediatype").unwrap_or_default();
        let key = text(req.get("ClientMediaId"))
            .or_else(|| field("id"))
            .unwrap_or_else(|| name.clone());
        let size = field("size").and_then(|s| s.trim().parse::<u64>().ok());
        let total = match (int(req.get("TotalLen")), size) {
            (Some(t), _) if t > 0 => t as u64,
            (Some(0), _) | (None, Some(0)) => return self.refuse(EP, Some(idx), Refusal::Empty),
            (None, Some(s)) => s,
            _ => return self.refuse(EP, Some(idx), Refusal::NoLength),
        };
        if let Some(size) = size.filter(|s| *s != total) {
            let refusal = Refusal::SizeMismatch {
                size,
                total_len: total,
            };
            return self.refuse(EP, Some(idx), refusal);
        }
        let (chunks, chunk) = match (number(field("chunks")), number(field("chunk"))) {
            (Ok(n), Ok(i)) => (n, i),
            (Err(e), _) | (_, Err(e)) => return self.refuse(EP, Some(idx), e),
        };
        let limit = if media_type == "video" {
            self.cfg.media.max_video
        } else {
            self.cfg.media.max_file
        };
        if total > limit {
            return self.refuse(EP, Some(idx), Refusal::TooLarge { size: total, limit });
        }
        let signature = text(req.get("Signature")).unwrap_or_default();
        if total > self.cfg.media.need_check {
            let aes_key = text(req.get("AESKey")).unwrap_or_default();
            if !self.registry.checked(idx, total, &aes_key, &signature) {
                return self.refuse(EP, Some(idx), Refusal::NeedsCheckUpload);
            }
        }
        let sessions = &self.sessions;
        self.partials.sweep(now, self.cfg.media.abandon_after, |i| {
            sessions.get(i).is_some_and(|s| s.ended.is_none())
        });
        let chunk_in = ChunkIn {
            session: idx,
            key,
            request: &req_text,
            total,
            chunks,
            chunk,
            data: &file.data,
        };
        let (bytes, n) = match self.partials.accept(chunk_in, &self.cfg.media, now) {
            Ok(Step::More(received)) => {
                return json(to_body(&UploadReply {
                    base_response: BaseResponse::ok(),
                    media_id: String::new(),
                    start_pos: received,
                    cdn_thumb_img_height: 0,
                    cdn_thumb_img_width: 0,
                    encry_file_name: js_escape(&name),
                }));
            }
            Ok(Step::Done(bytes, n)) => (bytes, n),
            Err(e) => return self.refuse(EP, Some(idx), e),
        };
        if bytes.is_empty() {
            return self.refuse(EP, Some(idx), Refusal::Empty);
        }
        let md5_hex = crate::md5::hex(&bytes);
        if let Some(sent) = text(req.get("FileMd5")).filter(|m| !m.is_empty())
            && !sent.eq_ignore_ascii_case(&md5_hex)
        {
            let refusal = Refusal::Md5Mismatch {
                sent,
                actual: md5_hex,
            };
            return self.refuse(EP, Some(idx), refusal);
        }
        let media_id = format!("@crypt_{}_{}", self.rng.hex(8), self.rng.hex(96));
        let len = bytes.len() as u64;
        self.registry.add(
            &media_id,
            UploadedInfo {
                account,
                len,
                md5_hex,
                name: name.clone(),
                media_type: media_type.clone(),
                mime: mime.clone(),
                signature,
                chunks: n,
            },
        );
        self.blobs.insert(
            media_id.clone(),
            Blob {
                content_type: mime,
                bytes: BlobBytes::Stored(Arc::from(bytes)),
                name: name.clone(),
            },
        );
        let pic = media_type == "pic";
        json(to_body(&UploadReply {
            base_response: BaseResponse::ok(),
            media_id,
            start_pos: len,
            cdn_thumb_img_height: if pic { 100 } else { 0 },
            cdn_thumb_img_width: if pic { 66 } else { 0 },
            encry_file_name: js_escape(&name),
        }))
    }

    pub(crate) fn checkupload(&mut self, r: &Req<'_>, _now: Instant) -> Response<Vec<u8>> {
        const EP: &str = "webwxcheckupload";
        let Some(body) = parse(r.body) else {
            return json(bare(1200));
        };
        let idx = match self.auth_base(r, &body) {
            Ok(i) => i,
            Err(ret) => return json(bare(ret)),
        };
        let size = match int(body.get("FileSize")) {
            Some(n) if n > 0 => n as u64,
            Some(0) => return self.refuse(EP, Some(idx), Refusal::Empty),
            _ => return self.refuse(EP, Some(idx), Refusal::NoLength),
        };
        let limit = self.cfg.media.max_file;
        if size > limit {
            return self.refuse(EP, Some(idx), Refusal::TooLarge { size, limit });
        }
        let account = self.sessions.get(idx).map(|s| s.account).unwrap_or(0);
        let name = text(body.get("FileName")).unwrap_or_default();
        let md5 = text(body.get("FileMd5")).unwrap_or_default();
        if let Some(id) = self.registry.existing(account, &md5, size) {
            let media_id = id.to_string();
            return json(to_body(&CheckReply {
                base_response: BaseResponse::ok(),
                media_id,
                aes_key: String::new(),
                signature: String::new(),
                encry_file_name: js_escape(&name),
            }));
        }
        let (aes_key, signature) = (self.rng.hex(32), self.rng.hex(64));
        self.registry.add_check(Check {
            session: idx,
            size,
            aes_key: aes_key.clone(),
            signature: signature.clone(),
        });
        json(to_body(&CheckReply {
            base_response: BaseResponse::ok(),
            media_id: String::new(),
            aes_key,
            signature,
            encry_file_name: js_escape(&name),
        }))
    }
}
