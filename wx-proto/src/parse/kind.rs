//! `BodyKind`: names every body format the client reads, so tools and tests can parse a body
//! by name (`wx decode --kind`, the fixture tables, the fuzz targets). Built on
//! [`Endpoint`]: a body kind is an endpoint's body, or one of the two formats that are not.

use crate::Endpoint;
use crate::error::ParseError;

/// A body format, named like the endpoint directory of the fixture tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BodyKind {
    /// `jslogin`
    JsLogin,
    /// `login` (the login poll)
    LoginPoll,
    /// `synccheck`
    SyncCheck,
    /// `webwxnewloginpage`
    LoginPage,
    /// `set-cookie` (one header value)
    SetCookie,
    /// `webwxinit`
    Init,
    /// `webwxgetcontact`
    GetContact,
    /// `webwxbatchgetcontact`
    BatchGetContact,
    /// `webwxsync`
    Sync,
    /// `addmsg` (one AddMsgList element)
    Message,
    /// `webwxsendmsg` and the other send endpoints
    Send,
    /// `webwxstatusnotify`
    StatusNotify,
    /// `webwxuploadmedia`
    UploadMedia,
    /// `webwxcheckupload`
    CheckUpload,
    /// `webwxrevokemsg`
    RevokeMsg,
    /// `webwxoplog`
    OpLog,
    /// `webwxupdatechatroom`
    UpdateChatRoom,
    /// `webwxcreatechatroom`
    CreateChatRoom,
    /// `webwxverifyuser`
    VerifyUser,
    /// `webwxpushloginurl`
    PushLoginUrl,
}

impl BodyKind {
    /// Every kind, in the order of a session.
    pub const ALL: [BodyKind; 20] = [
        BodyKind::JsLogin,
        BodyKind::LoginPoll,
        BodyKind::LoginPage,
        BodyKind::SetCookie,
        BodyKind::PushLoginUrl,
        BodyKind::Init,
        BodyKind::StatusNotify,
        BodyKind::GetContact,
        BodyKind::BatchGetContact,
        BodyKind::SyncCheck,
        BodyKind::Sync,
        BodyKind::Message,
        BodyKind::Send,
        BodyKind::UploadMedia,
        BodyKind::CheckUpload,
        BodyKind::RevokeMsg,
        BodyKind::OpLog,
        BodyKind::UpdateChatRoom,
        BodyKind::CreateChatRoom,
        BodyKind::VerifyUser,
    ];

    /// The endpoint whose body this is (`None` for a `Set-Cookie` value; a message is an
    /// element of a webwxsync body).
    pub fn endpoint(self) -> Option<Endpoint> {
        Some(match self {
            BodyKind::JsLogin => Endpoint::JsLogin,
            BodyKind::LoginPoll => Endpoint::LoginPoll,
            BodyKind::SyncCheck => Endpoint::SyncCheck,
            BodyKind::LoginPage => Endpoint::LoginPage,
            BodyKind::SetCookie | BodyKind::Message => return None,
            BodyKind::Init => Endpoint::Init,
            BodyKind::GetContact => Endpoint::GetContact,
            BodyKind::BatchGetContact => Endpoint::BatchGetContact,
            BodyKind::Sync => Endpoint::Sync,
            BodyKind::Send => Endpoint::SendMsg,
            BodyKind::StatusNotify => Endpoint::StatusNotify,
            BodyKind::UploadMedia => Endpoint::UploadMedia,
            BodyKind::CheckUpload => Endpoint::CheckUpload,
            BodyKind::RevokeMsg => Endpoint::Revoke,
            BodyKind::OpLog => Endpoint::OpLog,
            BodyKind::UpdateChatRoom => Endpoint::UpdateChatRoom,
            BodyKind::CreateChatRoom => Endpoint::CreateChatRoom,
            BodyKind::VerifyUser => Endpoint::VerifyUser,
            BodyKind::PushLoginUrl => Endpoint::PushLogin,
        })
    }

    /// The name: the endpoint's (as the fixture directories are named), `set-cookie` or
    /// `addmsg`.
    pub fn name(self) -> &'static str {
        match self {
            BodyKind::SetCookie => "set-cookie",
            BodyKind::Message => "addmsg",
            other => other.endpoint().map_or("", Endpoint::name),
        }
    }

    /// The kind of a name (see [`BodyKind::name`]); the other send endpoints map to `Send`.
    pub fn from_name(name: &str) -> Option<Self> {
        if Endpoint::from_name(name).is_some_and(Endpoint::sends_message) {
            return Some(BodyKind::Send);
        }
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Parses `body` as this kind and drops the value: `Ok` or the typed error.
    pub fn check(self, body: &[u8]) -> Result<(), ParseError> {
        use super::*;
        match self {
            BodyKind::JsLogin => parse_jslogin(body).map(drop),
            BodyKind::LoginPoll => parse_login_poll(body).map(drop),
            BodyKind::SyncCheck => parse_synccheck(body).map(drop),
            BodyKind::LoginPage => parse_login_page(body).map(drop),
            BodyKind::SetCookie => parse_set_cookie(body).map(drop),
            BodyKind::Init => parse_init(body).map(drop),
            BodyKind::GetContact => parse_get_contact(body).map(drop),
            BodyKind::BatchGetContact => parse_batch_get_contact(body).map(drop),
            BodyKind::Sync => parse_sync(body).map(drop),
            BodyKind::Message => parse_message(body).map(drop),
            BodyKind::Send => parse_send(body).map(drop),
            BodyKind::StatusNotify => parse_status_notify(body).map(drop),
            BodyKind::UploadMedia => parse_upload_media(body).map(drop),
            BodyKind::CheckUpload => parse_check_upload(body).map(drop),
            BodyKind::RevokeMsg => parse_revoke(body).map(drop),
            BodyKind::OpLog => parse_oplog(body).map(drop),
            BodyKind::UpdateChatRoom => parse_update_chat_room(body).map(drop),
            BodyKind::CreateChatRoom => parse_create_chat_room(body).map(drop),
            BodyKind::VerifyUser => parse_verify_user(body).map(drop),
            BodyKind::PushLoginUrl => parse_push_login(body).map(drop),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in BodyKind::ALL {
            assert_eq!(BodyKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(BodyKind::from_name("webwxsendappmsg"), Some(BodyKind::Send));
        assert_eq!(BodyKind::from_name("nope"), None);
    }
}
