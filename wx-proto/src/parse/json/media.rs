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

/// webwxcheckupload answer (before uploads over 25 MB).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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

/// Parses a webwxcheckupload body.
pub fn parse_check_upload(body: &[u8]) -> Result<CheckUploadResponse, ParseError> {
    from_body(body, Endpoint::CheckUpload)
}
