//! The webwxnewloginpage `<error>` XML body, byte-exact with the captured one.

/// The credentials a successful login page hands out.
#[derive(Debug, Clone)]
pub struct LoginXml<'a> {
    /// `<skey>`
    pub skey: &'a str,
    /// `<wxsid>`
    pub sid: &'a str,
    /// `<wxuin>`
    pub uin: u64,
    /// `<pass_ticket>`, already percent-encoded as the server sends it.
    pub pass_ticket_encoded: &'a str,
}

/// `<error><ret>0</ret><message></message><skey>..</skey>...<isgrayscale>1</isgrayscale></error>`.
pub fn login_ok(x: &LoginXml<'_>) -> String {
    format!(
        "<error><ret>0</ret><message></message><skey>{}</skey><wxsid>{}</wxsid><wxuin>{}</wxuin><pass_ticket>{}</pass_ticket><isgrayscale>1</isgrayscale></error>",
        x.skey, x.sid, x.uin, x.pass_ticket_encoded
    )
}

/// A refusal: `<error><ret>1203</ret><message>...</message></error>`.
pub fn login_err(ret: i64, message: &str) -> String {
    format!("<error><ret>{ret}</ret><message>{message}</message></error>")
}

/// The 1203 text the real server shows to accounts barred from web login.
pub const REFUSED_1203: &str = "为了你的帐号安全，此微信号不能登录网页微信。你可以使用Windows微信或Mac微信在电脑端登录。Windows微信下载地址：https://pc.weixin.qq.com  Mac微信下载地址：https://mac.weixin.qq.com";
