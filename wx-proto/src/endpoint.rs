//! [`Endpoint`]: the one list of the webwx endpoints. Each knows its name, its path, whether
//! the server holds it (a long poll) and its default timeout; request builders take their
//! paths from it, requests and problems name it, and the parse errors and body kinds of
//! [`crate::parse`] build on it.

use std::time::Duration;

/// The path prefix of every API endpoint but jslogin.
pub(crate) const API: &str = "/cgi-bin/mmwebwx-bin";

/// How long the server may hold a long poll before the client gives up on it.
pub const DEFAULT_LONG_POLL_TIMEOUT: Duration = Duration::from_secs(35);
/// How long the client waits for any other response.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// One endpoint of the web protocol (protocol.md §3-§9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `jslogin`: get a uuid (§3.1).
    JsLogin,
    /// `login`: the QR login poll, held by the server (§3.3).
    LoginPoll,
    /// `webwxnewloginpage`: the ticket for credentials (§3.4).
    LoginPage,
    /// `webwxpushloginurl`: login confirmed on the phone without a scan (§3.5).
    PushLogin,
    /// `webwxlogout` (§3.6).
    Logout,
    /// `webwxinit` (§4.1).
    Init,
    /// `webwxstatusnotify` (§4.2).
    StatusNotify,
    /// `webwxgetcontact`: the contact list, paged (§5.1).
    GetContact,
    /// `webwxbatchgetcontact`: details of given users and groups (§5.2).
    BatchGetContact,
    /// `synccheck`: the long poll for news, held by the server (§6.1).
    SyncCheck,
    /// `webwxsync`: fetch the news (§6.2).
    Sync,
    /// `webwxsendmsg`: text (§7.1).
    SendMsg,
    /// `webwxuploadmedia`: one chunk of an upload (§7.2).
    UploadMedia,
    /// `webwxcheckupload`: before an upload over 25 MB (§7.3).
    CheckUpload,
    /// `webwxsendmsgimg`: an image (§7.4).
    SendMsgImg,
    /// `webwxsendvideomsg`: a video (§7.5).
    SendVideoMsg,
    /// `webwxsendappmsg`: a file (§7.6).
    SendAppMsg,
    /// `webwxsendemoticon`: a GIF or sticker (§7.7).
    SendEmoticon,
    /// `webwxrevokemsg`: recall a sent message (§7.8).
    Revoke,
    /// `webwxgetmsgimg`: an image, sticker or video thumbnail (§8.1).
    GetMsgImg,
    /// `webwxgetvoice` (§8.2).
    GetVoice,
    /// `webwxgetvideo` (§8.3).
    GetVideo,
    /// `webwxgetmedia`: a file attachment, on the file host (§8.4).
    GetMedia,
    /// `webwxgeticon`: a contact's or member's avatar (§8.5).
    GetIcon,
    /// `webwxgetheadimg`: a group's avatar (§8.5).
    GetHeadImg,
    /// `webwxoplog`: remark and pin (§9.1).
    OpLog,
    /// `webwxverifyuser`: friend requests (§9.2).
    VerifyUser,
    /// `webwxcreatechatroom` (§9.3).
    CreateChatRoom,
    /// `webwxupdatechatroom`: members, topic (§9.4).
    UpdateChatRoom,
}

impl Endpoint {
    /// Every endpoint, in the order of a session.
    pub const ALL: [Endpoint; 29] = [
        Endpoint::JsLogin,
        Endpoint::LoginPoll,
        Endpoint::LoginPage,
        Endpoint::PushLogin,
        Endpoint::Logout,
        Endpoint::Init,
        Endpoint::StatusNotify,
        Endpoint::GetContact,
        Endpoint::BatchGetContact,
        Endpoint::SyncCheck,
        Endpoint::Sync,
        Endpoint::SendMsg,
        Endpoint::UploadMedia,
        Endpoint::CheckUpload,
        Endpoint::SendMsgImg,
        Endpoint::SendVideoMsg,
        Endpoint::SendAppMsg,
        Endpoint::SendEmoticon,
        Endpoint::Revoke,
        Endpoint::GetMsgImg,
        Endpoint::GetVoice,
        Endpoint::GetVideo,
        Endpoint::GetMedia,
        Endpoint::GetIcon,
        Endpoint::GetHeadImg,
        Endpoint::OpLog,
        Endpoint::VerifyUser,
        Endpoint::CreateChatRoom,
        Endpoint::UpdateChatRoom,
    ];

    /// The name: the last segment of its path (`webwxinit`; the login poll is `login`).
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::JsLogin => "jslogin",
            Endpoint::LoginPoll => "login",
            Endpoint::LoginPage => "webwxnewloginpage",
            Endpoint::PushLogin => "webwxpushloginurl",
            Endpoint::Logout => "webwxlogout",
            Endpoint::Init => "webwxinit",
            Endpoint::StatusNotify => "webwxstatusnotify",
            Endpoint::GetContact => "webwxgetcontact",
            Endpoint::BatchGetContact => "webwxbatchgetcontact",
            Endpoint::SyncCheck => "synccheck",
            Endpoint::Sync => "webwxsync",
            Endpoint::SendMsg => "webwxsendmsg",
            Endpoint::UploadMedia => "webwxuploadmedia",
            Endpoint::CheckUpload => "webwxcheckupload",
            Endpoint::SendMsgImg => "webwxsendmsgimg",
            Endpoint::SendVideoMsg => "webwxsendvideomsg",
            Endpoint::SendAppMsg => "webwxsendappmsg",
            Endpoint::SendEmoticon => "webwxsendemoticon",
            Endpoint::Revoke => "webwxrevokemsg",
            Endpoint::GetMsgImg => "webwxgetmsgimg",
            Endpoint::GetVoice => "webwxgetvoice",
            Endpoint::GetVideo => "webwxgetvideo",
            Endpoint::GetMedia => "webwxgetmedia",
            Endpoint::GetIcon => "webwxgeticon",
            Endpoint::GetHeadImg => "webwxgetheadimg",
            Endpoint::OpLog => "webwxoplog",
            Endpoint::VerifyUser => "webwxverifyuser",
            Endpoint::CreateChatRoom => "webwxcreatechatroom",
            Endpoint::UpdateChatRoom => "webwxupdatechatroom",
        }
    }

    /// The endpoint of a name (see [`Endpoint::name`]).
    pub fn from_name(name: &str) -> Option<Endpoint> {
        Self::ALL.into_iter().find(|e| e.name() == name)
    }

    /// The path on its host: `/jslogin`, else `/cgi-bin/mmwebwx-bin/{name}`.
    pub fn path(self) -> String {
        match self {
            Endpoint::JsLogin => "/jslogin".to_owned(),
            other => format!("{API}/{}", other.name()),
        }
    }

    /// Whether the server holds the request until it has news (a long poll).
    pub fn is_long_poll(self) -> bool {
        matches!(self, Endpoint::LoginPoll | Endpoint::SyncCheck)
    }

    /// The default timeout: [`DEFAULT_LONG_POLL_TIMEOUT`] for a long poll, else
    /// [`DEFAULT_REQUEST_TIMEOUT`] (`Config` may set others).
    pub fn default_timeout(self) -> Duration {
        if self.is_long_poll() {
            DEFAULT_LONG_POLL_TIMEOUT
        } else {
            DEFAULT_REQUEST_TIMEOUT
        }
    }

    /// Whether its answer is a file the driver streams to a writer (the downloads).
    pub fn streams_body(self) -> bool {
        matches!(
            self,
            Endpoint::GetMsgImg
                | Endpoint::GetVoice
                | Endpoint::GetVideo
                | Endpoint::GetMedia
                | Endpoint::GetIcon
                | Endpoint::GetHeadImg
        )
    }

    /// Whether it sends a message (the send pace and the echo of own sends apply).
    pub fn sends_message(self) -> bool {
        matches!(
            self,
            Endpoint::SendMsg
                | Endpoint::SendMsgImg
                | Endpoint::SendVideoMsg
                | Endpoint::SendAppMsg
                | Endpoint::SendEmoticon
        )
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_distinct() {
        for e in Endpoint::ALL {
            assert_eq!(Endpoint::from_name(e.name()), Some(e));
        }
        let mut names: Vec<_> = Endpoint::ALL.iter().map(|e| e.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Endpoint::ALL.len());
        assert_eq!(Endpoint::from_name("nope"), None);
    }

    #[test]
    fn paths_and_polls() {
        assert_eq!(Endpoint::JsLogin.path(), "/jslogin");
        assert_eq!(Endpoint::Init.path(), "/cgi-bin/mmwebwx-bin/webwxinit");
        assert_eq!(Endpoint::LoginPoll.path(), "/cgi-bin/mmwebwx-bin/login");
        let polls: Vec<_> = Endpoint::ALL
            .into_iter()
            .filter(|e| e.is_long_poll())
            .collect();
        assert_eq!(polls, [Endpoint::LoginPoll, Endpoint::SyncCheck]);
        assert_eq!(
            Endpoint::SyncCheck.default_timeout(),
            DEFAULT_LONG_POLL_TIMEOUT
        );
        assert_eq!(Endpoint::Sync.default_timeout(), DEFAULT_REQUEST_TIMEOUT);
    }
}
