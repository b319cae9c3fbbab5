//! The upload endpoints: webwxuploadmedia (one answer per chunk) and webwxcheckupload.

use serde::Deserialize;

use super::common::{BaseResponse, from_body};
use super::lenient;
use crate::error::{Endpoint, ParseError};

/// webwxuploadmedia answer. The last chunk carries the MediaId; an empty one means failure.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UploadMediaResponse {
    /// `BaseResponse`.
    pub base_response: BaseResponse,
    /// `MediaId` (`@crypt_…`), on the last chunk.
    #[serde(default, deserialize_with = "lenient::string")]
    pub media_id: String,
    /// Bytes received.
    #[serde(default, deserialize_with = "lenient::u64")]
    pub start_pos: u64,
    /// Thumbnail height.
    #[serde(
        rename = "CDNThumbImgHeight",
        default,
        deserialize_with = "lenient::u32"
    )]
    pub cdn_thumb_img_height: u32,
    /// Thumbnail width.
    #[serde(
        rename = "CDNThumbImgWidth",
        default,
        deserialize_with = "lenient::u32"
    )]
    pub cdn_thumb_img_width: u32,
    /// Percent-encoded file name.
    #[serde(default, deserialize_with = "lenient::string")]
    pub encry_file_name: String,
}

/// Parses a webwxuploadmedia body.
pub fn parse_upload_media(body: &[u8]) -> Result<UploadMediaResponse, ParseError> {
    from_body(body, Endpoint::UploadMedia)
}

/// webwxcheckupload answer (before uploads over 25 MB). `Debug` hides `AESKey` and
/// `Signature` (they authorise the upload).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckUploadResponse {
    /// `BaseResponse`.
    pub base_response: BaseResponse,
    /// Non-empty when the file is already on the server (skip the upload).
    #[serde(default, deserialize_with = "lenient::string")]
    pub media_id: String,
    /// `AESKey` to add to the upload request.
    #[serde(rename = "AESKey", default, deserialize_with = "lenient::string")]
    pub aes_key: String,
    /// `Signature` to add to the upload request and the appmsg send.
    #[serde(default, deserialize_with = "lenient::string")]
    pub signature: String,
    /// Percent-encoded file name.
    #[serde(default, deserialize_with = "lenient::string")]
    pub encry_file_name: String,
}

impl std::fmt::Debug for CheckUploadResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |s: &str| if s.is_empty() { "" } else { "***" };
        f.debug_struct("CheckUploadResponse")
            .field("base_response", &self.base_response)
            .field("media_id", &self.media_id)
            .field("aes_key", &hidden(&self.aes_key))
            .field("signature", &hidden(&self.signature))
            .field("encry_file_name", &self.encry_file_name)
            .finish()
    }
}

/// Parses a webwxcheckupload body.
pub fn parse_check_upload(body: &[u8]) -> Result<CheckUploadResponse, ParseError> {
    from_body(body, Endpoint::CheckUpload)
}

#[cfg(test)]
mod debug_tests {
    use super::*;

    #[test]
    fn debug_hides_the_upload_secrets() {
        let body = br#"{"BaseResponse":{"Ret":0,"ErrMsg":""},"MediaId":"","AESKey":"k3y-s3cr3t","Signature":"s1g-s3cr3t","EncryFileName":"a%2Ebin"}"#;
        let r = parse_check_upload(body).expect("parses");
        assert_eq!(r.aes_key, "k3y-s3cr3t");
        let shown = format!("{r:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("a%2Ebin"), "{shown}");
    }
}
