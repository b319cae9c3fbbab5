//! The control API's media side under `/__sim/`: `plant` (push media with given bytes),
//! `uploaded`, `refusals`, `empty_avatars`, `html_downloads` and `fail_nth`.

use super::control::{bad, ok_json};
use crate::fault::Fault;
use crate::plant::{Media, MediaKind};
use crate::sim::{Push, Req, Sim, respond};
use http::Response;
use serde::Deserialize;
use std::time::Instant;

/// `POST /__sim/plant`: `{"account": 0, "from": …, "group": …, "kind": "file", "name":
/// "a.pdf", "base64": "…"}` (or `"len": n` for `n` bytes of `abc…`).
#[derive(Deserialize)]
struct PlantCmd {
    #[serde(flatten)]
    push: Push,
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    base64: Option<String>,
    #[serde(default)]
    len: Option<usize>,
    #[serde(default)]
    ms: u32,
    #[serde(default)]
    secs: u32,
}

/// Planted bytes over HTTP are capped like pushed media.
const MAX_PLANT: usize = crate::blob::MAX_MEDIA_BYTES;

impl Sim {
    pub(crate) fn control_media(
        &mut self,
        cmd: &str,
        r: &Req<'_>,
        now: Instant,
    ) -> Option<Response<Vec<u8>>> {
        let ok = || respond(200, "text/plain", b"ok".to_vec());
        let times =
            r.q.get("times")
                .and_then(|t| t.parse().ok())
                .unwrap_or(1u32);
        Some(match cmd {
            "plant" => match serde_json::from_slice::<PlantCmd>(r.body) {
                Ok(c) => self.plant_cmd(c, now),
                Err(e) => bad(&e.to_string()),
            },
            "uploaded" => match r.q.get("media_id").and_then(|m| self.uploaded(m)) {
                Some(u) => ok_json(&u),
                None => respond(404, "text/plain", b"no such upload".to_vec()),
            },
            "refusals" => ok_json(&self.refusals().collect::<Vec<_>>()),
            "empty_avatars" => {
                self.empty_avatars(times);
                ok()
            }
            "html_downloads" => {
                self.html_downloads(r.q.get("endpoint"), times);
                ok()
            }
            "fail_nth" => {
                let Some(endpoint) = r.q.get("endpoint") else {
                    return Some(bad("fail_nth needs endpoint="));
                };
                let n = r.q.get("n").and_then(|t| t.parse().ok()).unwrap_or(1u32);
                let fault = if r.body.is_empty() {
                    Ok(Fault::Status { code: 500 })
                } else {
                    serde_json::from_slice::<Fault>(r.body)
                };
                match fault {
                    Ok(f) => {
                        self.fail_nth(endpoint, n, f);
                        ok()
                    }
                    Err(e) => bad(&e.to_string()),
                }
            }
            _ => return None,
        })
    }

    fn plant_cmd(&mut self, c: PlantCmd, now: Instant) -> Response<Vec<u8>> {
        let kind = match c.kind.as_str() {
            "image" => MediaKind::Image,
            "voice" => MediaKind::Voice { ms: c.ms },
            "video" => MediaKind::Video { secs: c.secs },
            "file" => MediaKind::File,
            "sticker" => MediaKind::Sticker,
            "store_sticker" => MediaKind::StoreSticker,
            _ => return bad("kind: image, voice, video, file, sticker or store_sticker"),
        };
        let bytes = match (c.base64, c.len) {
            (Some(b), _) if b.len() / 4 * 3 <= MAX_PLANT => {
                match crate::wire::media::unbase64(&b) {
                    Some(v) => v,
                    None => return bad("base64: not standard base64"),
                }
            }
            (None, Some(n)) if n <= MAX_PLANT => crate::wire::media::file_bytes(n),
            (None, None) => Vec::new(),
            _ => {
                return bad(&format!(
                    "planted media over the limit of {MAX_PLANT} bytes"
                ));
            }
        };
        match self.plant(&c.push, Media::new(kind, bytes).named(&c.name), now) {
            Ok(p) => ok_json(&serde_json::json!({
                "MsgId": p.msg_id, "MediaId": p.media_id, "Md5": p.md5_hex
            })),
            Err(e) => bad(&e.to_string()),
        }
    }
}
