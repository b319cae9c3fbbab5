//! Guessing the kind of a body: JS formats by their prefix, XML by its root, JSON by its
//! most specific keys (searched in the bytes, so a broken body still names its format).

use wx_proto::parse::BodyKind;

use super::kind::Kind;

/// The likely kinds of `body`, best first (empty: no idea). When several are returned,
/// the body fits each of them equally (e.g. a bare `BaseResponse`).
pub fn guess(body: &[u8]) -> Vec<Kind> {
    let text = String::from_utf8_lossy(body);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let has = |key: &str| t.contains(&format!("\"{key}\""));
    let one = |k: BodyKind| vec![Kind::Body(k)];
    if t.starts_with('{') || t.starts_with('[') {
        if has("AddMsgList") || has("ContinueFlag") || has("ModContactList") {
            return one(BodyKind::Sync);
        }
        if has("SyncKey") && has("User") {
            return one(BodyKind::Init);
        }
        if has("MsgType") && has("FromUserName") {
            return one(BodyKind::Message);
        }
        if has("UserName") && !has("BaseResponse") {
            return vec![Kind::Contact];
        }
        if has("ChatRoomName") || has("BlackList") {
            return one(BodyKind::CreateChatRoom);
        }
        if has("MemberList") && has("Seq") {
            return one(BodyKind::GetContact);
        }
        if has("ContactList") {
            return one(BodyKind::BatchGetContact);
        }
        if has("MemberList") && has("BaseResponse") {
            return one(BodyKind::UpdateChatRoom);
        }
        if has("StartPos") {
            return one(BodyKind::UploadMedia);
        }
        if has("AESKey") || has("Signature") {
            return one(BodyKind::CheckUpload);
        }
        if has("SysWording") || has("Introduction") {
            return one(BodyKind::RevokeMsg);
        }
        if has("LocalID") {
            return one(BodyKind::Send);
        }
        if has("MsgID") {
            return one(BodyKind::StatusNotify);
        }
        if has("ret") && !has("BaseResponse") {
            return one(BodyKind::PushLoginUrl);
        }
        if has("BaseResponse") {
            return vec![
                Kind::Body(BodyKind::OpLog),
                Kind::Body(BodyKind::VerifyUser),
            ];
        }
        return Vec::new();
    }
    if t.starts_with("<error") || (t.starts_with("<?xml") && t.contains("<error")) {
        return one(BodyKind::LoginPage);
    }
    let prefixed = t.starts_with('@') && t.get(..120).unwrap_or(t).contains(":<br/>");
    if t.starts_with('<') || t.starts_with("&lt;") || prefixed {
        return vec![Kind::Content];
    }
    if t.contains("QRLogin") {
        return one(BodyKind::JsLogin);
    }
    if t.contains("synccheck") {
        return one(BodyKind::SyncCheck);
    }
    if t.starts_with("window.code") || t.contains("window.redirect_uri") {
        return one(BodyKind::LoginPoll);
    }
    let lower = t.to_ascii_lowercase();
    if t.contains('=')
        && ["path=", "domain=", "expires=", "max-age="]
            .iter()
            .any(|a| lower.contains(a))
    {
        return one(BodyKind::SetCookie);
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_xml_and_json() {
        let g = |s: &str| guess(s.as_bytes()).first().map(|k| k.name());
        assert_eq!(
            g("window.QRLogin.code = 200; window.QRLogin.uuid = \"x\";"),
            Some("jslogin")
        );
        assert_eq!(
            g("window.synccheck={retcode:\"0\",selector:\"2\"}"),
            Some("synccheck")
        );
        assert_eq!(g("window.code=408;"), Some("login"));
        assert_eq!(g("<error><ret>0</ret></error>"), Some("webwxnewloginpage"));
        assert_eq!(
            g("{\"BaseResponse\":{\"Ret\":0},\"MsgID\":\"1\",\"LocalID\":\"2\"}"),
            Some("webwxsendmsg")
        );
        assert_eq!(
            g("{\"ret\":\"0\",\"uuid\":\"x\"}"),
            Some("webwxpushloginurl")
        );
        assert_eq!(g("wxuin=1; Domain=wx.qq.com; Path=/"), Some("set-cookie"));
        assert_eq!(g("hello"), None);
        assert_eq!(guess(b"{\"BaseResponse\":{\"Ret\":0}}").len(), 2);
    }
}
