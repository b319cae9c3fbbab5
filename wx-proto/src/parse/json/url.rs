//! `RedactedUrl`: a server-given URL whose query may carry credentials (`HeadImgUrl` holds
//! `skey=@crypt_…`). `Debug` and `Serialize` show it with those values replaced by `***`.

use std::fmt;

/// Query parameters whose values are credentials.
const SECRET_PARAMS: [&str; 5] = ["skey", "pass_ticket", "ticket", "sid", "webwx_data_ticket"];

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
        let Some((head, query)) = self.0.split_once('?') else {
            return self.0.clone();
        };
        let parts: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) if !v.is_empty() && SECRET_PARAMS.contains(&k) => format!("{k}=***"),
                _ => pair.to_owned(),
            })
            .collect();
        format!("{head}?{}", parts.join("&"))
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
