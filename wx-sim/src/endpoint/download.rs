//! Downloads: message images, voice, video (with Range), attachments, avatars, map thumbnails.

use crate::sim::{Req, Sim, respond};
use crate::wire::{cookie, media};
use http::{HeaderValue, Response};
use std::time::Instant;

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

fn header(resp: &mut Response<Vec<u8>>, name: http::header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, v);
    }
}

impl Sim {
    pub(crate) fn download(
        &mut self,
        endpoint: &str,
        r: &Req<'_>,
        _now: Instant,
    ) -> Response<Vec<u8>> {
        // webwxgetmedia lives on the file host: the data ticket stands in for the session.
        let authed = match endpoint {
            "webwxgetmedia" => {
                let t =
                    r.q.get("webwx_data_ticket")
                        .or_else(|| cookie::get(&r.jar, "webwx_data_ticket"));
                self.sessions
                    .iter()
                    .any(|s| s.ended.is_none() && Some(s.data_ticket.as_str()) == t)
            }
            _ => self.auth_cookie(r).is_ok(),
        };
        if !authed {
            return respond(200, "text/plain", Vec::new());
        }
        let blob = match endpoint {
            "webwxgetmsgimg" => r.q.get_ci("MsgID").and_then(|id| self.blobs.get(id)),
            "webwxgetvoice" | "webwxgetvideo" => {
                r.q.get_ci("msgid").and_then(|id| self.blobs.get(id))
            }
            "webwxgetmedia" => r.q.get("mediaid").and_then(|id| self.blobs.get(id)),
            _ => None,
        };
        let (ct, bytes, name) = match (endpoint, blob) {
            ("webwxgeticon" | "webwxgetheadimg" | "webwxgetpubliclinkimg", _) => (
                "image/jpeg".to_string(),
                media::TINY_JPEG.to_vec(),
                String::new(),
            ),
            ("webwxgetmsgimg", Some(b)) if !b.content_type.starts_with("image/") => (
                "image/jpeg".to_string(),
                media::TINY_JPEG.to_vec(),
                String::new(),
            ),
            (_, Some(b)) => (b.content_type.clone(), b.bytes.to_vec(), b.name.clone()),
            (_, None) => return respond(404, "text/plain", Vec::new()),
        };
        let range = r
            .headers
            .get(http::header::RANGE)
            .and_then(|v| v.to_str().ok());
        if let (true, Some(h)) = (matches!(endpoint, "webwxgetvideo" | "webwxgetvoice"), range) {
            let total = bytes.len();
            let Some((s, e)) = parse_range(h, total) else {
                let mut resp = respond(416, "text/plain", Vec::new());
                header(
                    &mut resp,
                    http::header::CONTENT_RANGE,
                    &format!("bytes */{total}"),
                );
                return resp;
            };
            let mut resp = respond(
                206,
                &ct,
                bytes.get(s..=e).map(<[u8]>::to_vec).unwrap_or_default(),
            );
            header(
                &mut resp,
                http::header::CONTENT_RANGE,
                &format!("bytes {s}-{e}/{total}"),
            );
            header(&mut resp, http::header::ACCEPT_RANGES, "bytes");
            return resp;
        }
        let mut resp = respond(200, &ct, bytes);
        if endpoint == "webwxgetmedia" {
            header(
                &mut resp,
                http::header::CONTENT_DISPOSITION,
                &format!("attachment; filename=\"{}\"", name.replace('"', "")),
            );
        }
        resp
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-", 10), Some((0, 9)));
        assert_eq!(parse_range("bytes=2-4", 10), Some((2, 4)));
        assert_eq!(parse_range("bytes=-3", 10), Some((7, 9)));
        assert_eq!(parse_range("bytes=5-100", 10), Some((5, 9)));
        assert_eq!(parse_range("bytes=10-", 10), None);
        assert_eq!(parse_range("items=0-1", 10), None);
    }
}
