//! webwxinit: the own user, the initial sync key, recent chats and the current SKey.
//!
//! A body is read in one pass; only if that fails is it read again tolerantly
//! (`init_tolerant`), each member and each `ContactList` contact from its own span, so one
//! malformed contact is listed in `bad_contacts` while the others are kept.

use serde::Deserialize;

use super::common::{BaseResponse, SyncKey, from_object};
use super::contact::Contact;
use super::element::BadElement;
use super::init_tolerant;
use super::lenient;
use crate::error::{Endpoint, ParseError};
use crate::secret::Secret;

/// An article of an official-account push (`MPSubscribeMsgList[].MPArticleList[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct MpArticle {
    /// Title.
    #[serde(deserialize_with = "lenient::string")]
    pub title: String,
    /// Digest.
    #[serde(deserialize_with = "lenient::string")]
    pub digest: String,
    /// Cover image URL.
    #[serde(deserialize_with = "lenient::string")]
    pub cover: String,
    /// Article URL.
    #[serde(deserialize_with = "lenient::string")]
    pub url: String,
}

/// An official-account push (`MPSubscribeMsgList[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct MpSubscribeMsg {
    /// The account's UserName.
    #[serde(deserialize_with = "lenient::string")]
    pub user_name: String,
    /// The account's nickname.
    #[serde(deserialize_with = "lenient::string")]
    pub nick_name: String,
    /// Push time (s).
    #[serde(deserialize_with = "lenient::i64")]
    pub time: i64,
    /// `MPArticleCount`.
    #[serde(rename = "MPArticleCount", deserialize_with = "lenient::u32")]
    pub mp_article_count: u32,
    /// `MPArticleList`.
    #[serde(rename = "MPArticleList")]
    pub mp_article_list: Vec<MpArticle>,
}

/// webwxinit response.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitResponse {
    /// `BaseResponse`.
    pub base_response: BaseResponse,
    /// `Count` as sent.
    #[serde(default, deserialize_with = "lenient::u32")]
    pub count: u32,
    /// Recent and pinned chats (a partial list).
    #[serde(default)]
    pub contact_list: Vec<Contact>,
    /// The initial sync key.
    #[serde(default)]
    pub sync_key: SyncKey,
    /// Yourself.
    #[serde(default)]
    pub user: Contact,
    /// Comma-separated UserNames of recent chats (may repeat, may end with `,`).
    #[serde(default, deserialize_with = "lenient::string")]
    pub chat_set: String,
    /// The current skey (replaces the login one when non-empty).
    #[serde(rename = "SKey", default)]
    pub skey: Secret<String>,
    /// `ClientVersion`.
    #[serde(default, deserialize_with = "lenient::u64")]
    pub client_version: u64,
    /// Server time (s).
    #[serde(default, deserialize_with = "lenient::i64")]
    pub system_time: i64,
    /// `GrayScale`.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub gray_scale: i64,
    /// Groups at least this large need `invitemember` instead of `addmember`.
    #[serde(default, deserialize_with = "lenient::u32")]
    pub invite_start_count: u32,
    /// `MPSubscribeMsgCount`.
    #[serde(
        rename = "MPSubscribeMsgCount",
        default,
        deserialize_with = "lenient::u32"
    )]
    pub mp_subscribe_msg_count: u32,
    /// Official-account pushes.
    #[serde(rename = "MPSubscribeMsgList", default)]
    pub mp_subscribe_msg_list: Vec<MpSubscribeMsg>,
    /// `ClickReportInterval` (ms).
    #[serde(default, deserialize_with = "lenient::u64")]
    pub click_report_interval: u64,
    /// The malformed `ContactList` elements, in order, each with its `UserName` when
    /// readable (not in `contact_list`).
    #[serde(skip)]
    pub bad_contacts: Vec<BadElement>,
}

impl InitResponse {
    /// The distinct UserNames of `ChatSet`, in order.
    pub fn chat_set_names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for name in self.chat_set.split(',').filter(|s| !s.is_empty()) {
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }
}

/// Parses a webwxinit body. Fails only when the body itself is unusable (init failed): the
/// top-level object is not whole, `BaseResponse` is missing or malformed, `User` or
/// `SyncKey` is malformed, or one of these or `ContactList` appears twice. A malformed
/// contact costs only itself (see [`InitResponse::bad_contacts`]); any other malformed
/// member is read as absent. When both readings fail, the error is the one-pass reading's
/// (serde's first fault in the body).
pub fn parse_init(body: &[u8]) -> Result<InitResponse, ParseError> {
    from_object(body, Endpoint::Init).or_else(|e| init_tolerant::parse(body).map_err(|_| e))
}

/// Panics if the tolerant reading differs from the one-pass one where that succeeds (for
/// the fuzz target).
#[cfg(feature = "fuzzing")]
pub(crate) fn check_tolerant_agrees(body: &[u8]) {
    if let Ok(init) = from_object::<InitResponse>(body, Endpoint::Init) {
        assert_eq!(
            Ok(init),
            init_tolerant::parse(body),
            "webwxinit readings disagree"
        );
    }
}
