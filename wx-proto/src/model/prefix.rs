//! The group sender prefix `@id:<br/>` at the start of a group message's `Content` (§11.2).

/// Splits `<sender>:<br/>` off the start of a group message's `Content`, following OFF's
/// regex `^(@[a-zA-Z0-9]+|[a-zA-Z0-9_-]+):<br\/>`. Returns the sender's UserName and the
/// rest, or `None` when the content does not start with a prefix.
///
/// Only call this for group messages that you did not send yourself: messages you sent from
/// the phone and system notices (10000) carry no prefix, and a private text such as
/// `Shenzhen:<br/>…` would otherwise be cut.
pub fn split_group_prefix(content: &str) -> Option<(&str, &str)> {
    let colon = content.find(":<br/>")?;
    let id = &content[..colon];
    let valid = match id.strip_prefix('@') {
        Some(hex) => !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_alphanumeric()),
        None => {
            !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        }
    };
    valid.then(|| (id, &content[colon + ":<br/>".len()..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits() {
        assert_eq!(
            split_group_prefix("@4c32c9:<br/>@_@"),
            Some(("@4c32c9", "@_@"))
        );
        assert_eq!(
            split_group_prefix("wxid_ab-1:<br/>hi:<br/>x"),
            Some(("wxid_ab-1", "hi:<br/>x"))
        );
        assert_eq!(split_group_prefix("@a:<br/>"), Some(("@a", "")));
    }

    #[test]
    fn rejects() {
        for s in [
            "",
            "hello",
            ":<br/>x",
            "@:<br/>x",
            "@@abc:<br/>x",
            "深圳市:<br/>/cgi-bin/x",
            "a b:<br/>x",
            "@ab_c:<br/>x",
            "@abc:<br>x",
        ] {
            assert_eq!(split_group_prefix(s), None, "{s}");
        }
    }
}
