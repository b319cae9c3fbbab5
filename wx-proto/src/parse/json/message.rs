//! The raw message object of `AddMsgList` (protocol.md §6.4), field for field.
//! Decoding into typed messages lives in `crate::model`.

use serde::Deserialize;

use super::lenient;

/// `RecommendInfo`: the user of a friend request (37) or a card (42).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RecommendInfo {
    /// The user's UserName.
    #[serde(deserialize_with = "lenient::string")]
    pub user_name: String,
    /// Nickname.
    #[serde(deserialize_with = "lenient::string")]
    pub nick_name: String,
    /// `QQNum`.
    #[serde(rename = "QQNum", deserialize_with = "lenient::u64")]
    pub qq_num: u64,
    /// Province.
    #[serde(deserialize_with = "lenient::string")]
    pub province: String,
    /// City.
    #[serde(deserialize_with = "lenient::string")]
    pub city: String,
    /// The greeting of a friend request.
    #[serde(deserialize_with = "lenient::string")]
    pub content: String,
    /// Signature.
    #[serde(deserialize_with = "lenient::string")]
    pub signature: String,
    /// WeChat id.
    #[serde(deserialize_with = "lenient::string")]
    pub alias: String,
    /// Where the request came from.
    #[serde(deserialize_with = "lenient::i64")]
    pub scene: i64,
    /// VerifyFlag.
    #[serde(deserialize_with = "lenient::u64")]
    pub verify_flag: u64,
    /// AttrStatus.
    #[serde(deserialize_with = "lenient::i64")]
    pub attr_status: i64,
    /// 0 unknown, 1 male, 2 female.
    #[serde(deserialize_with = "lenient::u32")]
    pub sex: u32,
    /// The ticket to accept a friend request with.
    #[serde(deserialize_with = "lenient::string")]
    pub ticket: String,
    /// `OpCode`.
    #[serde(deserialize_with = "lenient::i64")]
    pub op_code: i64,
}

/// `AppInfo`: `{AppID, Type}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct AppInfo {
    /// `AppID`.
    #[serde(rename = "AppID", deserialize_with = "lenient::string")]
    pub app_id: String,
    /// `Type`.
    #[serde(rename = "Type", deserialize_with = "lenient::i64")]
    pub kind: i64,
}

/// One `AddMsgList` element as the server sends it. `MsgId` and `MsgType` are required;
/// every other field defaults when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RawMessage {
    /// `MsgId`: a decimal u64 as a string (used for downloads, revokes, dedupe).
    #[serde(deserialize_with = "lenient::string")]
    pub msg_id: String,
    /// `NewMsgId`: the same id as a number that exceeds 2^53.
    #[serde(default, deserialize_with = "lenient::u64")]
    pub new_msg_id: u64,
    /// Sender.
    #[serde(default, deserialize_with = "lenient::string")]
    pub from_user_name: String,
    /// Receiver.
    #[serde(default, deserialize_with = "lenient::string")]
    pub to_user_name: String,
    /// `MsgType` (§11.1).
    #[serde(deserialize_with = "lenient::u32")]
    pub msg_type: u32,
    /// `Content`: HTML-escaped, `<br/>` for newlines, group sender prefix.
    #[serde(default, deserialize_with = "lenient::string")]
    pub content: String,
    /// `Status` (3 normally, 4 for revokes and notices).
    #[serde(default, deserialize_with = "lenient::i64")]
    pub status: i64,
    /// `ImgStatus`.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub img_status: i64,
    /// Creation time (s).
    #[serde(default, deserialize_with = "lenient::i64")]
    pub create_time: i64,
    /// Voice duration (ms).
    #[serde(default, deserialize_with = "lenient::u64")]
    pub voice_length: u64,
    /// Video duration (s).
    #[serde(default, deserialize_with = "lenient::u64")]
    pub play_length: u64,
    /// Attachment name, or link title.
    #[serde(default, deserialize_with = "lenient::string")]
    pub file_name: String,
    /// Attachment size, as the string the server sends (`""` when none).
    #[serde(default, deserialize_with = "lenient::string")]
    pub file_size: String,
    /// `@crypt_…` media id of an attachment.
    #[serde(default, deserialize_with = "lenient::string")]
    pub media_id: String,
    /// Link URL (apps) or map URL (locations).
    #[serde(default, deserialize_with = "lenient::string")]
    pub url: String,
    /// `AppMsgType` (for MsgType 49).
    #[serde(default, deserialize_with = "lenient::u32")]
    pub app_msg_type: u32,
    /// `StatusNotifyCode` (for MsgType 51).
    #[serde(default, deserialize_with = "lenient::u32")]
    pub status_notify_code: u32,
    /// `StatusNotifyUserName` (for MsgType 51): comma-separated UserNames.
    #[serde(default, deserialize_with = "lenient::string")]
    pub status_notify_user_name: String,
    /// `RecommendInfo` (37, 42).
    #[serde(default, deserialize_with = "null_as_default")]
    pub recommend_info: RecommendInfo,
    /// `ForwardFlag`.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub forward_flag: i64,
    /// `AppInfo`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub app_info: AppInfo,
    /// 1: a store sticker that cannot be forwarded.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub has_product_id: i64,
    /// `Ticket`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub ticket: String,
    /// Image or video height.
    #[serde(default, deserialize_with = "lenient::u32")]
    pub img_height: u32,
    /// Image or video width.
    #[serde(default, deserialize_with = "lenient::u32")]
    pub img_width: u32,
    /// `SubMsgType` (48 on locations).
    #[serde(default, deserialize_with = "lenient::u32")]
    pub sub_msg_type: u32,
    /// Raw (unescaped) XML of a location.
    #[serde(default, deserialize_with = "lenient::string")]
    pub ori_content: String,
    /// JS-`escape()`d file name for webwxgetmedia.
    #[serde(default, deserialize_with = "lenient::string")]
    pub encry_file_name: String,
}

fn null_as_default<'de, D: serde::Deserializer<'de>, T: Deserialize<'de> + Default>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
