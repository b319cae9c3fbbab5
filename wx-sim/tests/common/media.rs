//! Upload helpers: a multipart form as the browser and itchat build it, one chunk at a time.
#![allow(dead_code, clippy::unwrap_used)]

use super::{API, Creds, H, Outcome, base_request};
use http::{Method, Request};
use serde_json::{Value, json};

pub const CHUNK: usize = 524_288;

/// A multipart body with `fields` then the file part.
pub fn multipart(fields: &[(&str, String)], file: &[u8], name: &str) -> (String, Vec<u8>) {
    let boundary = "----WebKitFormBoundaryAbC123";
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    b.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    b.extend_from_slice(file);
    b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), b)
}

/// One upload as a client describes it; every field can be bent to test a refusal.
#[derive(Clone)]
pub struct Up {
    pub name: String,
    pub mediatype: String,
    pub client_media_id: u64,
    /// TotalLen (default: the file's length).
    pub total: Option<u64>,
    /// FileMd5: `None` leaves it out (wechat4u); default the real MD5.
    pub md5: Option<String>,
    pub aes_key: Option<String>,
    pub signature: Option<String>,
    /// `chunks` (default ceil(len / 512 KiB); left out with `chunk` for one-chunk files).
    pub chunks: Option<u64>,
    pub to: String,
}

impl Up {
    pub fn new(name: &str, mediatype: &str, to: &str, file: &[u8]) -> Up {
        Up {
            name: name.into(),
            mediatype: mediatype.into(),
            client_media_id: 1_700_000_000_123,
            total: None,
            md5: Some(wx_sim::md5::hex(file)),
            aes_key: None,
            signature: None,
            chunks: None,
            to: to.into(),
        }
    }

    pub fn request(&self, c: &Creds, len: usize) -> String {
        let total = self.total.unwrap_or(len as u64);
        let mut req = json!({"UploadType": 2, "BaseRequest": base_request(c), "ClientMediaId": self.client_media_id, "TotalLen": total, "StartPos": 0, "DataLen": total, "MediaType": 4, "FromUserName": c.user_name, "ToUserName": self.to});
        if let Some(m) = &self.md5 {
            req["FileMd5"] = json!(m);
        }
        if let Some(k) = &self.aes_key {
            req["AESKey"] = json!(k);
        }
        if let Some(s) = &self.signature {
            req["Signature"] = json!(s);
        }
        req.to_string()
    }

    /// The request of chunk `i` of `file` (`None`: no chunk fields).
    pub fn chunk_request(
        &self,
        h: &H,
        req: &str,
        len: usize,
        chunk: Option<(u64, u64)>,
        data: &[u8],
    ) -> Request<Vec<u8>> {
        let total = self.total.unwrap_or(len as u64);
        let mut fields = vec![
            ("id", "WU_FILE_0".to_string()),
            ("name", self.name.clone()),
            ("type", "application/octet-stream".to_string()),
            (
                "lastModifiedDate",
                "Sat Jun 23 2018 16:45:07 GMT+0800 (CST)".to_string(),
            ),
            ("size", total.to_string()),
        ];
        if let Some((i, n)) = chunk {
            fields.push(("chunks", n.to_string()));
            fields.push(("chunk", i.to_string()));
        }
        fields.push(("mediatype", self.mediatype.clone()));
        fields.push(("uploadmediarequest", req.to_string()));
        fields.push(("webwx_data_ticket", h.jar["webwx_data_ticket"].clone()));
        fields.push(("pass_ticket", "undefined".to_string()));
        let (ct, body) = multipart(&fields, data, &self.name);
        let mut r = h.request(
            Method::POST,
            &format!("{API}/webwxuploadmedia?f=json"),
            body,
        );
        r.headers_mut().insert("content-type", ct.parse().unwrap());
        r
    }

    /// Chunk `i` of `file` with the default chunk fields.
    pub fn chunk_of(&self, h: &H, c: &Creds, file: &[u8], i: usize) -> Request<Vec<u8>> {
        let req = self.request(c, file.len());
        let n = self
            .chunks
            .unwrap_or_else(|| file.len().div_ceil(CHUNK) as u64);
        let data = file.chunks(CHUNK).nth(i).unwrap_or(&[]);
        let fields = (file.len() > CHUNK || self.chunks.is_some()).then_some((i as u64, n));
        self.chunk_request(h, &req, file.len(), fields, data)
    }

    /// Sends chunk `i` and parses the answer.
    pub fn send(&self, h: &mut H, c: &Creds, file: &[u8], i: usize) -> Value {
        let r = self.chunk_of(h, c, file, i);
        serde_json::from_slice(h.send(r).body()).unwrap()
    }

    /// Sends chunk `i`; `None` if the connection was dropped.
    pub fn try_send(&self, h: &mut H, c: &Creds, file: &[u8], i: usize) -> Option<(u16, Vec<u8>)> {
        let r = self.chunk_of(h, c, file, i);
        match h.send_with(r, |_, _| None) {
            Outcome::Answer(r) => Some((r.status().as_u16(), r.body().clone())),
            Outcome::Dropped => None,
        }
    }

    /// Sends every chunk; returns the last answer (every earlier one must be Ret 0).
    pub fn all(&self, h: &mut H, c: &Creds, file: &[u8]) -> Value {
        let n = file.len().div_ceil(CHUNK).max(1);
        for i in 0..n - 1 {
            let v = self.send(h, c, file, i);
            assert_eq!(v["BaseResponse"]["Ret"], 0, "chunk {i}: {v}");
            assert_eq!(v["MediaId"], "", "chunk {i}: {v}");
        }
        self.send(h, c, file, n - 1)
    }
}

pub fn ret(v: &Value) -> i64 {
    v["BaseResponse"]["Ret"].as_i64().unwrap()
}

pub fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}
