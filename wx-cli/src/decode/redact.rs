//! Removes credentials from a decoded value: fields named like a credential (skey, sid,
//! pass_ticket, ticket, uin) and credential parameters inside URLs and text.

use serde_json::Value;

/// Field names (lower case) whose values are credentials.
const SECRET_KEYS: [&str; 10] = [
    "uin",
    "owneruin",
    "wxuin",
    "skey",
    "sid",
    "wxsid",
    "pass_ticket",
    "pass_ticket_raw",
    "ticket",
    "webwx_data_ticket",
];
/// URL/cookie parameters whose values are credentials.
const SECRET_PARAMS: [&str; 8] = [
    "skey",
    "sid",
    "wxsid",
    "uin",
    "wxuin",
    "pass_ticket",
    "ticket",
    "webwx_data_ticket",
];

/// Replaces every credential in `value` by `"***"` (empty and zero values stay).
pub fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let secret = SECRET_KEYS.contains(&key.to_ascii_lowercase().as_str());
                let empty = matches!(v, Value::Null)
                    || v.as_str().is_some_and(str::is_empty)
                    || v.as_u64() == Some(0);
                if secret && !empty {
                    *v = Value::String("***".into());
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        Value::String(s) => {
            if let Some(clean) = redact_params(s) {
                *s = clean;
            }
        }
        _ => {}
    }
}

/// `…?skey=@crypt_1&x=2` → `…?skey=***&x=2`; `None` when there is nothing to hide.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_fields_and_params() {
        let mut v = serde_json::json!({
            "Uin": 123, "OwnerUin": 0, "skey": "@crypt_1", "nick": "a",
            "url": "https://x/y?ticket=AbC&uuid=u&scan=1&pass_ticket=Z%2B",
            "list": [{"wxsid": "s"}]
        });
        redact(&mut v);
        assert_eq!(v["Uin"], "***");
        assert_eq!(v["OwnerUin"], 0);
        assert_eq!(v["skey"], "***");
        assert_eq!(v["nick"], "a");
        assert_eq!(
            v["url"],
            "https://x/y?ticket=***&uuid=u&scan=1&pass_ticket=***"
        );
        assert_eq!(v["list"][0]["wxsid"], "***");
        assert_eq!(redact_params("no secrets, skeyx=1"), None);
    }
}
