//! Query strings and form bodies: tolerant percent-decoding, as the real server reads them.

/// Percent-decodes `s` (and `+` as space when `plus` is set); bad escapes stay as they are.
pub fn decode(s: &str, plus: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b.get(i) {
            Some(b'%') => {
                let hi = b.get(i + 1).and_then(|c| (*c as char).to_digit(16));
                let lo = b.get(i + 2).and_then(|c| (*c as char).to_digit(16));
                if let (Some(h), Some(l)) = (hi, lo) {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            Some(b'+') if plus => out.push(b' '),
            Some(c) => out.push(*c),
            None => {}
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything but unreserved characters (`encodeURIComponent` minus `!'()*`).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for c in s.bytes() {
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(c));
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// Decoded `key=value` pairs of a query string or urlencoded form, in order.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Parses `a=1&b=2` (a leading `?` or stray `&` is fine).
    pub fn parse(s: &str) -> Self {
        Params(
            s.trim_start_matches('?')
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| match p.split_once('=') {
                    Some((k, v)) => (decode(k, true), decode(v, true)),
                    None => (decode(p, true), String::new()),
                })
                .collect(),
        )
    }

    /// The first value of `key` (exact case).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `key`, ignoring ASCII case (`MsgID` vs `msgid`).
    pub fn get_ci(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// True when `given` is `expected` sent raw, once-encoded or twice-encoded (pass_ticket).
pub fn same_ticket(given: &str, expected_raw: &str) -> bool {
    let once = decode(given, false);
    given == expected_raw || once == expected_raw || decode(&once, false) == expected_raw
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_tolerates_double_encoding() {
        assert_eq!(decode("a%2Bb%3D", false), "a+b=");
        assert_eq!(decode("a+b%zz", true), "a b%zz");
        let p = Params::parse("?&pass_ticket=ab%252Bc&MsgID=7");
        assert!(same_ticket(p.get("pass_ticket").unwrap_or(""), "ab+c"));
        assert!(same_ticket("ab%2Bc", "ab+c"));
        assert!(!same_ticket("abc", "ab+c"));
        assert_eq!(p.get_ci("msgid"), Some("7"));
        assert_eq!(encode("@crypt_a|b c"), "%40crypt_a%7Cb%20c");
    }
}
