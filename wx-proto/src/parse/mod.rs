//! Pure parsers, one per wire format: bytes in, a typed value or a typed [`ParseError`] out.
//!
//! [`ParseError`]: crate::ParseError

pub mod js_assign;
pub mod jslogin;
pub mod json;
pub mod kind;
pub mod login_page;
pub mod login_poll;
pub mod set_cookie;
pub mod synccheck;

pub use js_assign::{JsAssignment, JsAssignments, JsStr, JsValue, js_assignments};
pub use jslogin::{JsLogin, parse_jslogin};
pub use json::common::{BaseOnly, BaseResponse, SyncKey, SyncKeyPair};
pub use json::contact::{
    BatchGetContactResponse, Contact, GetContactResponse, Member, is_group_name,
    parse_batch_get_contact, parse_get_contact,
};
pub use json::element::BadElement;
pub use json::init::{InitResponse, MpArticle, MpSubscribeMsg, parse_init};
pub use json::manage::{
    CreateChatRoomResponse, RevokeResponse, UpdateChatRoomResponse, parse_create_chat_room,
    parse_oplog, parse_revoke, parse_update_chat_room, parse_verify_user,
};
pub use json::media::{
    CheckUploadResponse, UploadMediaResponse, parse_check_upload, parse_upload_media,
};
pub use json::message::{AppInfo, RawMessage, RecommendInfo};
pub use json::push_login::{PushLogin, parse_push_login};
pub use json::send::{SendResponse, StatusNotifyResponse, parse_send, parse_status_notify};
pub use json::sync::{Buff, DelContact, Profile, SyncResponse, parse_message, parse_sync};
pub use json::url::{RedactedUrl, SECRET_PARAMS, redact_params};
pub use kind::BodyKind;
pub use login_page::{LoginCredentials, LoginPage, parse_login_page};
pub use login_poll::{LoginPoll, parse_login_poll};
pub use set_cookie::{SetCookie, parse_cookie_date, parse_set_cookie};
pub use synccheck::{SyncCheck, parse_synccheck};
