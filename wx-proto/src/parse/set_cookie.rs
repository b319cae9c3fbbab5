//! `Set-Cookie` header values (RFC 6265 §5.2): name, value and the attributes the jar needs.

use crate::error::{ErrorKind, Format, ParseError};
use crate::secret::Secret;

/// One parsed `Set-Cookie` header. The value is a credential: `Debug` hides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie<'a> {
    /// Cookie name.
    pub name: &'a str,
    /// Cookie value (quotes kept, as RFC 6265 says).
    pub value: Secret<&'a str>,
    /// `Domain`, lowercased is the caller's job; a leading `.` is stripped.
    pub domain: Option<&'a str>,
    /// `Path`.
    pub path: Option<&'a str>,
    /// `Expires`, as seconds since the Unix epoch (`None` if absent or unreadable).
    pub expires: Option<i64>,
    /// `Max-Age` in seconds (takes precedence over `Expires`).
    pub max_age: Option<i64>,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
}

/// The longest attribute value read (RFC 6265bis §5.6: a longer `Domain`, `Path`, … is
/// ignored as if absent).
pub const MAX_ATTRIBUTE_VALUE: usize = 1024;

/// Parses one `Set-Cookie` header value. Unknown attributes are ignored; an unreadable
/// `Expires` is treated as absent (as browsers do), and so is any attribute whose value is
/// longer than [`MAX_ATTRIBUTE_VALUE`] bytes.
pub fn parse_set_cookie(header: &[u8]) -> Result<SetCookie<'_>, ParseError> {
    let text = std::str::from_utf8(header).map_err(|e| ParseError::utf8(Format::SetCookie, e))?;
    let mut parts = text.split(';');
    let pair = parts.next().unwrap_or_default();
    let Some(eq) = pair.find('=') else {
        return Err(ParseError::new(
            Format::SetCookie,
            pair.len(),
            ErrorKind::MissingField("="),
        ));
    };
    let name = pair[..eq].trim();
    if name.is_empty() {
        return Err(ParseError::new(
            Format::SetCookie,
            0,
            ErrorKind::MissingField("name"),
        ));
    }
    let mut cookie = SetCookie {
        name,
        value: Secret::new(pair[eq + 1..].trim()),
        domain: None,
        path: None,
        expires: None,
        max_age: None,
        secure: false,
        http_only: false,
    };
    for attr in parts {
        let (key, val) = match attr.find('=') {
            Some(i) => (attr[..i].trim(), attr[i + 1..].trim()),
            None => (attr.trim(), ""),
        };
        if val.len() > MAX_ATTRIBUTE_VALUE {
            continue;
        }
        if key.eq_ignore_ascii_case("domain") {
            let d = val.trim_start_matches('.');
            cookie.domain = (!d.is_empty()).then_some(d);
        } else if key.eq_ignore_ascii_case("path") {
            cookie.path = val.starts_with('/').then_some(val);
        } else if key.eq_ignore_ascii_case("expires") {
            cookie.expires = parse_cookie_date(val);
        } else if key.eq_ignore_ascii_case("max-age") {
            cookie.max_age = val.parse().ok();
        } else if key.eq_ignore_ascii_case("secure") {
            cookie.secure = true;
        } else if key.eq_ignore_ascii_case("httponly") {
            cookie.http_only = true;
        }
    }
    Ok(cookie)
}

/// Parses a cookie date (RFC 6265 §5.1.1: tokens for time, day, month and year in any order),
/// e.g. `Wed, 26-Nov-2026 10:00:00 GMT` or `Wed, 26 Nov 2026 10:00:00 GMT`.
pub fn parse_cookie_date(text: &str) -> Option<i64> {
    let (mut time, mut day, mut month, mut year) = (None, None, None, None);
    for token in text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == ':'))
        .filter(|t| !t.is_empty())
    {
        if time.is_none() && token.contains(':') {
            let mut it = token.split(':').map(|p| p.parse::<i64>().ok());
            if let (Some(Some(h)), Some(Some(m)), Some(Some(s))) = (it.next(), it.next(), it.next())
            {
                time = Some((h, m, s));
                continue;
            }
        }
        if let Ok(n) = token.parse::<i64>() {
            if day.is_none() && token.len() <= 2 {
                day = Some(n);
            } else if year.is_none() && (token.len() == 2 || token.len() == 4) {
                year = Some(n);
            }
            continue;
        }
        if month.is_none() && token.len() >= 3 {
            let m = match &token.get(..3)?.to_ascii_lowercase()[..] {
                "jan" => 1,
                "feb" => 2,
                "mar" => 3,
                "apr" => 4,
                "may" => 5,
                "jun" => 6,
                "jul" => 7,
                "aug" => 8,
                "sep" => 9,
                "oct" => 10,
                "nov" => 11,
                "dec" => 12,
                _ => continue,
            };
            month = Some(m);
        }
    }
    let (h, mi, s) = time?;
    let mut year = year?;
    if (70..=99).contains(&year) {
        year += 1900;
    } else if (0..=69).contains(&year) {
        year += 2000;
    }
    let (day, month) = (day?, month?);
    if !(1..=31).contains(&day) || h > 23 || mi > 59 || s > 59 || year < 1601 {
        return None;
    }
    Some(crate::calendar::days_from_civil(year, month, day) * 86_400 + h * 3600 + mi * 60 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captured_shape() {
        let c = parse_set_cookie(
            b"webwx_data_ticket=gSc+AbC/=; Domain=.qq.com; Path=/; Expires=Mon, 31-Dec-2018 11:11:15 GMT; Secure",
        )
        .expect("parses");
        assert_eq!(c.name, "webwx_data_ticket");
        assert_eq!(*c.value.expose(), "gSc+AbC/=");
        assert_eq!(c.domain, Some("qq.com"));
        assert_eq!(c.path, Some("/"));
        assert_eq!(c.expires, Some(1_546_254_675));
        assert!(c.secure && !c.http_only);
        assert!(!format!("{c:?}").contains("gSc"));
    }

    #[test]
    fn minimal_and_bad() {
        let c = parse_set_cookie(b"wxuin=123").expect("parses");
        assert_eq!(
            (c.name, *c.value.expose(), c.domain),
            ("wxuin", "123", None)
        );
        let c = parse_set_cookie(b"a=; Max-Age=0; HttpOnly; Expires=garbage").expect("parses");
        assert_eq!((c.max_age, c.expires, c.http_only), (Some(0), None, true));
        assert!(parse_set_cookie(b"novalue").is_err());
        assert!(parse_set_cookie(b"=x").is_err());
        assert_eq!(parse_cookie_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
    }

    #[test]
    fn overlong_attribute_values_are_ignored() {
        let long = format!(
            "a=1; Path=/{}; Domain={}.example",
            "p".repeat(1024),
            "d".repeat(1020)
        );
        let c = parse_set_cookie(long.as_bytes()).expect("parses");
        assert_eq!((c.path, c.domain), (None, None));
        let ok = format!("a=1; Path=/{}", "p".repeat(1023));
        assert_eq!(
            parse_set_cookie(ok.as_bytes())
                .expect("parses")
                .path
                .map(str::len),
            Some(1024)
        );
    }
}
