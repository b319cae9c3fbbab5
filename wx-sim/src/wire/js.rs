//! The JavaScript-assignment and object-literal bodies (jslogin, login poll, synccheck), byte-exact.

/// `window.QRLogin.code = 200; window.QRLogin.uuid = "...";` (spacing as captured).
pub fn jslogin_ok(uuid: &str) -> String {
    format!("window.QRLogin.code = 200; window.QRLogin.uuid = \"{uuid}\";")
}

/// A refused jslogin: `window.QRLogin.code = <code>; window.QRLogin.error = "...";`.
pub fn jslogin_err(code: u32, error: &str) -> String {
    format!("window.QRLogin.code = {code}; window.QRLogin.error = \"{error}\";")
}

/// `window.code=<code>;` (408, 400, 202, 500).
pub fn login_code(code: u32) -> String {
    format!("window.code={code};")
}

/// `window.code=201;window.userAvatar = 'data:img/jpg;base64,...';`.
pub fn login_scanned(avatar_b64: &str) -> String {
    format!("window.code=201;window.userAvatar = 'data:img/jpg;base64,{avatar_b64}';")
}

/// `window.code=200;window.redirect_uri="...";`.
pub fn login_confirmed(redirect_uri: &str) -> String {
    format!("window.code=200;window.redirect_uri=\"{redirect_uri}\";")
}

/// `window.synccheck={retcode:"0",selector:"2"}` (no trailing `;`, as captured).
pub fn synccheck(retcode: u32, selector: u32) -> String {
    format!("window.synccheck={{retcode:\"{retcode}\",selector:\"{selector}\"}}")
}
