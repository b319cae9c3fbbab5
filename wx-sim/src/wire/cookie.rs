//! Cookies: the `Set-Cookie` lines the server writes and the `Cookie` header it reads.

/// One `Set-Cookie` value: `name=value; Domain=..; Path=/; Expires=..; Secure`.
pub fn set_cookie(
    name: &str,
    value: &str,
    expires: &str,
    domain: Option<&str>,
    secure: bool,
) -> String {
    let mut s = format!("{name}={value}");
    if let Some(d) = domain {
        s.push_str("; Domain=");
        s.push_str(d);
    }
    s.push_str("; Path=/; Expires=");
    s.push_str(expires);
    if secure {
        s.push_str("; Secure");
    }
    s
}

/// The `name=value` pairs of every `Cookie` header of a request.
pub fn jar(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            Some((k.trim().to_string(), v.trim().trim_matches('"').to_string()))
        })
        .collect()
}

/// The value of cookie `name`, if the request carries it.
pub fn get<'a>(jar: &'a [(String, String)], name: &str) -> Option<&'a str> {
    jar.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_cookies() {
        let mut h = http::HeaderMap::new();
        h.append(
            http::header::COOKIE,
            http::HeaderValue::from_static("wxuin=1; wxsid=a+b/c"),
        );
        h.append(
            http::header::COOKIE,
            http::HeaderValue::from_static("webwx_data_ticket=t"),
        );
        let j = jar(&h);
        assert_eq!(get(&j, "wxsid"), Some("a+b/c"));
        assert_eq!(get(&j, "webwx_data_ticket"), Some("t"));
        assert_eq!(get(&j, "nope"), None);
        assert_eq!(
            set_cookie("wxuin", "1", "Thu, 01-Jan-1970 00:00:00 GMT", None, false),
            "wxuin=1; Path=/; Expires=Thu, 01-Jan-1970 00:00:00 GMT"
        );
    }
}
