//! `decode` never panics: every prefix (and a set of mutations) of every content sample,
//! real and own, goes through it with its own MsgType, and a stride of prefixes with every
//! other MsgType; the message always comes back whole.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod model_support;

use std::borrow::Cow;

use model_support::*;
use wx_proto::model::{MessageKind, decode, decode_display_text, unescape_content};
use wx_proto::parse::RawMessage;

const TYPES: [u32; 18] = [
    1, 3, 34, 37, 40, 42, 43, 47, 48, 49, 50, 51, 52, 53, 62, 9999, 10000, 10002,
];

/// Every raw message of the samples, with its content (and OriContent) as found.
fn samples() -> Vec<RawMessage> {
    let mut out = Vec::new();
    let shared = shared_dir();
    for dir in shared.iter().cloned().chain([own_dir()]) {
        for name in names(&dir, "addmsg") {
            out.push(raw_message(&dir.join("addmsg").join(name)));
        }
        for name in names(&dir, "content") {
            let text = read_text(&dir.join("content").join(&name));
            let content = if name.contains("notation") {
                notation_content(&text)
            } else {
                text
            };
            let msg_type = TYPES
                .iter()
                .copied()
                .find(|t| name.contains(&format!("{t}-")) || name.contains(&format!("{t}.")))
                .unwrap_or(1);
            out.push(raw(msg_type, "@@g", "@me", &content));
        }
    }
    if let Some(shared) = &shared {
        let sync = shared.join("webwxsync");
        for name in names(shared, "webwxsync") {
            out.extend(sync_messages(&sync.join(name)));
        }
    }
    // The project's own samples alone (a clone without the shared ones) are fewer.
    let least = if shared.is_some() { 70 } else { 20 };
    assert!(out.len() >= least, "only {} samples", out.len());
    out
}

fn char_prefixes(s: &str) -> impl Iterator<Item = &str> {
    (0..=s.len())
        .filter(|&i| s.is_char_boundary(i))
        .map(|i| &s[..i])
}

fn check(raw: RawMessage) {
    let before = raw.clone();
    for me in ["@me", before.from_user_name.as_str()] {
        let m = decode(raw.clone(), me);
        assert_eq!(m.raw, before, "the raw message is kept whole");
        assert_eq!(m.msg_id, before.msg_id);
        if let MessageKind::Undecodable { error, .. } = &m.kind {
            // The offset is into the unescaped content (or OriContent).
            let limit = unescape_content(&before.content)
                .len()
                .max(before.ori_content.len());
            assert!(error.offset <= limit, "{error} beyond {limit}");
        }
    }
}

#[test]
fn every_prefix_of_every_content_decodes() {
    let mut runs = 0usize;
    for sample in samples() {
        for (i, prefix) in char_prefixes(&sample.content).enumerate() {
            let mut r = sample.clone();
            r.content = prefix.to_owned();
            check(r.clone());
            runs += 1;
            if i % 7 == 0 {
                for t in TYPES {
                    r.msg_type = t;
                    check(r.clone());
                    runs += 1;
                }
            }
        }
        for prefix in char_prefixes(&sample.ori_content) {
            let mut r = sample.clone();
            r.ori_content = prefix.to_owned();
            check(r);
            runs += 1;
        }
    }
    assert!(runs > 50_000, "only {runs} decodes");
}

/// Replaces one character at a time with the characters that matter to the decoders.
#[test]
fn mutations_decode() {
    let mut runs = 0usize;
    for sample in samples() {
        let content = sample.content.clone();
        let bounds: Vec<usize> = (0..content.len())
            .filter(|&i| content.is_char_boundary(i))
            .collect();
        for (n, &at) in bounds.iter().enumerate().step_by(3) {
            let end = bounds.get(n + 1).copied().unwrap_or(content.len());
            for with in [
                "<",
                ">",
                "&",
                "\"",
                ";",
                "",
                "<br/>",
                "]]>",
                "<span class=\"emoji emoji",
            ] {
                let mut r = sample.clone();
                r.content = format!("{}{with}{}", &content[..at], &content[end..]);
                check(r);
                runs += 1;
            }
        }
    }
    assert!(runs > 20_000, "only {runs} decodes");
}

/// Decoding display text never grows it, and borrows when there is nothing to decode.
#[test]
fn display_text_on_every_prefix() {
    for sample in samples() {
        for prefix in char_prefixes(&sample.content) {
            let decoded = decode_display_text(prefix);
            // Every replacement is shorter than what it replaces.
            assert!(decoded.len() <= prefix.len());
            if !prefix.contains(['&', '<']) {
                assert!(matches!(decoded, Cow::Borrowed(_)));
            }
        }
    }
}

/// Contents assembled from the pieces the decoders look for, by a fixed-seed generator.
#[test]
fn token_soup_decodes() {
    const PIECES: [&str; 24] = [
        "<",
        ">",
        "&lt;",
        "&gt;",
        "&amp;",
        "&#",
        "x1F604;",
        "<br/>",
        "\"",
        "=",
        "/",
        " ",
        "<span class=\"emoji emoji",
        "1f1e81f1f3",
        "\"></span",
        "<![CDATA[",
        "]]>",
        "msg",
        "appmsg",
        "img",
        "@4c32:",
        "<?xml version=\"1.0\"?>",
        "\u{2005}",
        "中",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..20_000u32 {
        let len = (next() % 40) as usize;
        let content: String = (0..len).map(|_| PIECES[(next() % 24) as usize]).collect();
        let msg_type = TYPES[(round as usize) % TYPES.len()];
        let mut r = raw(msg_type, "@@g", "@me", &content);
        r.app_msg_type = [0, 3, 5, 6, 8, 19, 33, 2000, 2001, 17][(next() % 10) as usize];
        r.sub_msg_type = if next() % 4 == 0 { 48 } else { 0 };
        if next() % 3 == 0 {
            r.ori_content = content.clone();
        }
        check(r);
    }
}
