//! Removes credentials from a decoded value: fields named like a credential (skey, sid,
//! pass_ticket, ticket, uin) and credential parameters inside URLs and text.

use serde_json::Value;
pub use wx_proto::parse::redact_params;

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
