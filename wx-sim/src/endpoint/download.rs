//! Downloads (protocol.md §8): message images (`type=slave|big`), voice (Range honoured),
//! video (Range required), attachments on the file host, avatars, map thumbnails.
//!
//! Decisions where the reference is silent: webwxgetvideo without a `Range` header answers
//! `200 video/mp4` with an empty body (the zero-byte downloads users report; every client
//! that works sends `Range: bytes=0-`); an avatar of nobody the account knows is `200` with an
//! empty body; a store sticker (HasProductId 1) is `200` with an empty body; an unknown
//! MsgID or MediaId is `404`. Attachment names in `Content-Disposition` lose their control
//! characters and double quotes (CR/LF cannot be sent) and keep everything else, path
//! separators included, as raw UTF-8.

use crate::blob::BlobBytes;
use crate::shared_body::SharedBody;
use crate::sim::{Blob, Req, Sim, respond};
use crate::wire::{cookie, media};
use http::{HeaderValue, Response, header};
use std::sync::Arc;
use std::time::Instant;

/// The page a download gets from [`Sim::html_downloads`].
pub const HTML_PAGE: &[u8] =
    b"<!DOCTYPE html><html><head><title>wx-sim</title></head><body>error</body></html>";

/// Parses `bytes=a-b`, `bytes=a-` or `bytes=-n` against `len`: inclusive (start, end).
pub fn parse_range(h: &str, len: usize) -> Option<(usize, usize)> {
    let spec = h.trim().strip_prefix("bytes=")?;
    let (a, b) = spec.split(',').next()?.split_once('-')?;
    if len == 0 {
        return None;
    }
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: usize = n.parse().ok()?;
            (len.saturating_sub(n), len - 1)
        }
        (s, "") => (s.parse().ok()?, len - 1),
        (s, e) => (s.parse().ok()?, e.parse::<usize>().ok()?.min(len - 1)),
    };
    (start <= end && start < len).then_some((start, end))
}

fn header(resp: &mut Response<Vec<u8>>, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, v);
    }
}

/// An answer whose body is `bytes[start..end]`, shared, with its Content-Length.
fn shared(status: u16, ct: &str, bytes: Arc<[u8]>, start: usize, end: usize) -> Response<Vec<u8>> {
    let body = SharedBody::new(bytes, start, end);
    let mut resp = respond(status, ct, Vec::new());
    resp.headers_mut().insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(body.as_slice().len()),
    );
    resp.extensions_mut().insert(body);
    resp
}

/// `200` with no body at all (`Content-Length: 0`).
fn empty(ct: &str) -> Response<Vec<u8>> {
    let mut resp = respond(200, ct, Vec::new());
    resp.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(0usize));
    resp
}

fn jpeg() -> Response<Vec<u8>> {
    shared(
        200,
        "image/jpeg",
        Arc::from(media::TINY_JPEG),
        0,
        usize::MAX,
    )
}

/// `attachment; filename="…"` with control characters and `"` left out, as raw UTF-8.
pub fn content_disposition(name: &str) -> Option<HeaderValue> {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect();
    HeaderValue::from_bytes(format!("attachment; filename=\"{clean}\"").as_bytes()).ok()
}

impl Sim {
    pub(crate) fn download(
        &mut self,
        endpoint: &str,
        r: &Req<'_>,
        _now: Instant,
    ) -> Response<Vec<u8>> {
        // webwxgetmedia lives on the file host: the data ticket stands in for the session.
        let session = match endpoint {
            "webwxgetmedia" => {
                let t =
                    r.q.get("webwx_data_ticket")
                        .or_else(|| cookie::get(&r.jar, "webwx_data_ticket"));
                self.sessions
                    .iter()
                    .position(|s| s.ended.is_none() && Some(s.data_ticket.as_str()) == t)
            }
            _ => self.auth_cookie(r).ok(),
        };
        let Some(session) = session else {
            return respond(200, "text/plain", Vec::new());
        };
        if self.media_knobs.take_html(endpoint) {
            return respond(200, "text/html; charset=utf-8", HTML_PAGE.to_vec());
        }
        let account = self.sessions.get(session).map(|s| s.account).unwrap_or(0);
        match endpoint {
            "webwxgeticon" | "webwxgetheadimg" => self.avatar(endpoint, account, r),
            "webwxgetpubliclinkimg" => jpeg(),
            "webwxgetmsgimg" => {
                let Some(blob) = r.q.get_ci("MsgID").and_then(|id| self.blobs.get(id)) else {
                    return respond(404, "text/plain", Vec::new());
                };
                let thumb = r.q.get("type") == Some("slave");
                match &blob.bytes {
                    BlobBytes::Empty => empty(&blob.content_type),
                    _ if thumb || !blob.content_type.starts_with("image/") => jpeg(),
                    _ => self.whole(&blob.clone()),
                }
            }
            "webwxgetvoice" | "webwxgetvideo" => {
                let Some(blob) =
                    r.q.get_ci("msgid")
                        .and_then(|id| self.blobs.get(id))
                        .cloned()
                else {
                    return respond(404, "text/plain", Vec::new());
                };
                let range = r.headers.get(header::RANGE).and_then(|v| v.to_str().ok());
                match range {
                    Some(h) => self.ranged(&blob, h),
                    None if endpoint == "webwxgetvideo" => empty(&blob.content_type),
                    None => self.whole(&blob),
                }
            }
            "webwxgetmedia" => {
                let Some(blob) =
                    r.q.get("mediaid")
                        .and_then(|id| self.blobs.get(id))
                        .cloned()
                else {
                    return respond(404, "text/plain", Vec::new());
                };
                let mut resp = self.whole(&blob);
                if let Some(v) = content_disposition(&blob.name) {
                    resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
                }
                resp
            }
            _ => respond(404, "text/plain", Vec::new()),
        }
    }

    fn whole(&mut self, blob: &Blob) -> Response<Vec<u8>> {
        let bytes = blob.bytes.shared(&mut self.generated);
        shared(200, &blob.content_type, bytes, 0, usize::MAX)
    }

    fn ranged(&mut self, blob: &Blob, range: &str) -> Response<Vec<u8>> {
        let bytes = blob.bytes.shared(&mut self.generated);
        let total = bytes.len();
        let Some((s, e)) = parse_range(range, total) else {
            let mut resp = respond(416, "text/plain", Vec::new());
            header(
                &mut resp,
                header::CONTENT_RANGE,
                &format!("bytes */{total}"),
            );
            return resp;
        };
        let mut resp = shared(206, &blob.content_type, bytes, s, e + 1);
        header(
            &mut resp,
            header::CONTENT_RANGE,
            &format!("bytes {s}-{e}/{total}"),
        );
        header(&mut resp, header::ACCEPT_RANGES, "bytes");
        resp
    }

    /// webwxgeticon (a person; a group member with `chatroomid`) and webwxgetheadimg (a
    /// group): the tiny JPEG for anyone the account knows, else an empty answer.
    fn avatar(&mut self, endpoint: &str, account: usize, r: &Req<'_>) -> Response<Vec<u8>> {
        if self.media_knobs.take_empty_avatar() {
            return empty("image/jpeg");
        }
        let Some(acc) = self.world.accounts.get(account) else {
            return empty("image/jpeg");
        };
        let user = r.q.get("username").unwrap_or_default();
        let member_of =
            |g: &crate::model::Contact| g.member_list.iter().any(|m| m.user_name == user);
        let known = match (endpoint, r.q.get("chatroomid").filter(|c| !c.is_empty())) {
            ("webwxgetheadimg", _) => acc.contact(user).is_some_and(|c| c.is_group()),
            (_, Some(room)) => acc
                .groups()
                .find(|g| g.encry_chat_room_id == room || g.user_name == room)
                .is_some_and(member_of),
            _ => {
                acc.person(user).is_some()
                    || acc.groups().any(member_of)
                    || r.q.get("msgid").is_some_and(|m| !m.is_empty())
            }
        };
        if known { jpeg() } else { empty("image/jpeg") }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-", 10), Some((0, 9)));
        assert_eq!(parse_range("bytes=2-4", 10), Some((2, 4)));
        assert_eq!(parse_range("bytes=-3", 10), Some((7, 9)));
        assert_eq!(parse_range("bytes=5-100", 10), Some((5, 9)));
        assert_eq!(parse_range("bytes=10-", 10), None);
        assert_eq!(parse_range("items=0-1", 10), None);
    }

    #[test]
    fn hostile_names_make_a_valid_header() {
        let v = content_disposition("../../etc/passwd\r\n.txt").unwrap();
        assert_eq!(
            v.as_bytes(),
            b"attachment; filename=\"../../etc/passwd.txt\""
        );
        let v = content_disposition("报告 \"final\".pdf").unwrap();
        assert_eq!(
            v.as_bytes(),
            "attachment; filename=\"报告 final.pdf\"".as_bytes()
        );
    }
}
