//! `RedactedUrl`: a server-given URL whose query may carry credentials (`HeadImgUrl` holds
//! `skey=@crypt_…`). `Debug` and `Serialize` show it with those values replaced by `***`.

use std::fmt;

/// URL, form and cookie parameters whose values are credentials.
pub const SECRET_PARAMS: [&str; 8] = [
    "skey",
    "sid",
    "wxsid",
    "uin",
    "wxuin",
    "pass_ticket",
    "ticket",
    "webwx_data_ticket",
];

/// Replaces the value of every credential parameter (`skey=…`, `pass_ticket=…`, …) found in
/// a URL or any text by `***`; `None` when there is nothing to hide. A parameter counts at
/// the start of the text or after `? & ; ,` or white space; its value ends at `& ; " '`,
/// white space, `<` or `>`.
pub fn redact_params(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut changed = false;
    let mut rest = s;
    'scan: while !rest.is_empty() {
        for name in SECRET_PARAMS {
            let pat_len = name.len() + 1;
            let bytes = rest.as_bytes();
            if bytes.len() > pat_len
                && bytes[..name.len()].eq_ignore_ascii_case(name.as_bytes())
                && bytes[name.len()] == b'='
                && out.chars().last().is_none_or(|c| "?&;, \t\n".contains(c))
            {
                let value_len = rest[pat_len..]
                    .find(|c: char| "&;\"' \t\n<>".contains(c))
                    .unwrap_or(rest.len() - pat_len);
                if value_len > 0 {
                    out.push_str(&rest[..pat_len]);
                    out.push_str("***");
                    rest = &rest[pat_len + value_len..];
                    changed = true;
                    continue 'scan;
                }
            }
        }
        let Some(c) = rest.chars().next() else { break };
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    changed.then_some(out)
}

/// A URL as received; read it with [`RedactedUrl::expose`].
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct RedactedUrl(String);

impl RedactedUrl {
    /// Wraps a URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL as received, credentials included.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The URL with every credential value replaced by `***`.
    pub fn redacted(&self) -> String {
        redact_params(&self.0).unwrap_or_else(|| self.0.clone())
    }
}

impl fmt::Debug for RedactedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.redacted(), f)
    }
}

impl serde::Serialize for RedactedUrl {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.redacted())
    }
}

impl<'de> serde::Deserialize<'de> for RedactedUrl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::lenient::string(d).map(RedactedUrl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_credentials_only() {
        let u = RedactedUrl::new(
            "/cgi-bin/mmwebwx-bin/webwxgeticon?seq=1&username=@ab&skey=@crypt_1_2",
        );
        assert_eq!(
            u.redacted(),
            "/cgi-bin/mmwebwx-bin/webwxgeticon?seq=1&username=@ab&skey=***"
        );
        assert!(!format!("{u:?}").contains("crypt"));
        assert_eq!(
            serde_json::to_string(&u).ok().as_deref(),
            Some("\"/cgi-bin/mmwebwx-bin/webwxgeticon?seq=1&username=@ab&skey=***\"")
        );
        assert!(u.expose().ends_with("@crypt_1_2"));
        assert_eq!(RedactedUrl::new("/x?skey=").redacted(), "/x?skey=");
    }
}
