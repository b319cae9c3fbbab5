//! @-mentions in decoded text: `@name` followed by U+2005 (phone), a space (web) or the end (§11.2).

/// The separator the phone puts after a mention (FOUR-PER-EM SPACE).
pub const MENTION_SEPARATOR: char = '\u{2005}';

/// True when `text` contains `@name` followed by U+2005, a space, or the end of the text.
fn has_mention(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(pos) = text[from..].find('@') {
        let at = from + pos + 1;
        if let Some(after) = text[at..].strip_prefix(name)
            && (after.is_empty() || after.starts_with([MENTION_SEPARATOR, ' ']))
        {
            return true;
        }
        from = at;
    }
    false
}

/// The names of `names` that `text` mentions, in the order of `names` (duplicates kept
/// once). `text` is decoded text (after [`decode_display_text`](super::decode_display_text));
/// `names` are the group's display names (DisplayName, else NickName).
pub fn mentions<'n, S: AsRef<str>>(text: &str, names: &'n [S]) -> Vec<&'n str> {
    let mut found: Vec<&str> = Vec::new();
    for name in names {
        let name = name.as_ref();
        if !found.contains(&name) && has_mention(text, name) {
            found.push(name);
        }
    }
    found
}

/// True when `text` mentions `my_display_name` (your DisplayName in the group, else your
/// NickName), as IT and OW detect it.
pub fn is_mentioned(text: &str, my_display_name: &str) -> bool {
    has_mention(text, my_display_name)
}

/// The names written as `@name` + U+2005 in `text`: the unambiguous mentions the phone
/// inserts. Names followed by a plain space cannot be delimited without the member list;
/// use [`mentions`] for those.
pub fn tagged_mentions(text: &str) -> Vec<String> {
    let pieces: Vec<&str> = text.split(MENTION_SEPARATOR).collect();
    let mut out = Vec::new();
    // The last piece is not followed by a separator.
    if let Some((_, tagged)) = pieces.split_last() {
        for piece in tagged {
            if let Some(at) = piece.rfind('@') {
                let name = &piece[at + 1..];
                if !name.is_empty() {
                    out.push(name.to_owned());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_both_separators_and_the_end() {
        let text = "@wuli舞哩客服\u{2005}和@小桔同学\u{2005}是好朋友";
        assert!(is_mentioned(text, "小桔同学"));
        assert!(is_mentioned(text, "wuli舞哩客服"));
        assert!(!is_mentioned(text, "小桔"));
        assert!(is_mentioned("hi @Bob how", "Bob"));
        assert!(is_mentioned("hi @Bob", "Bob"));
        assert!(!is_mentioned("hi @Bobby", "Bob"));
        assert!(!is_mentioned("mail bob@x.com", "x.com2"));
        assert!(!is_mentioned("anything", ""));
        assert!(is_mentioned("@@Bob ", "@Bob"));
    }

    #[test]
    fn lists() {
        let text = "@Ann\u{2005}@Bo b @Cy";
        let names = ["Bo b", "Ann", "Dee", "Cy", "Ann"];
        assert_eq!(mentions(text, &names), vec!["Bo b", "Ann", "Cy"]);
        assert_eq!(tagged_mentions(text), vec!["Ann".to_owned()]);
        assert_eq!(
            tagged_mentions("@wuli舞哩客服\u{2005}和@小桔同学\u{2005}是好朋友"),
            vec!["wuli舞哩客服".to_owned(), "小桔同学".to_owned()]
        );
        assert!(tagged_mentions("no mention\u{2005}here @x").is_empty());
    }
}
