//! Helpers of the model tests: where the samples are, reading them, building raw messages.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use wx_proto::model::{Message, decode};
use wx_proto::parse::{RawMessage, parse_message, parse_sync};

/// The real-server samples, read in place: `$WX_SHARED_FIXTURES`, else
/// `<CARGO_MANIFEST_DIR>/../../shared/fixtures`; `None` when missing (skipped, said once;
/// `WX_REQUIRE_FIXTURES=1` panics instead): see `wx_testkit::fixtures`.
pub fn shared_dir() -> Option<PathBuf> {
    wx_testkit::fixtures::shared_dir()
}

/// The project's own samples (`fixtures/` at the workspace root).
pub fn own_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// The file names in `dir/sub`, sorted.
pub fn names(dir: &Path, sub: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir.join(sub))
        .unwrap_or_else(|e| panic!("{}/{sub}: {e}", dir.display()))
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    out.sort();
    out
}

/// Reads a file; `.jsonc` loses its `//` comments, the partial `.txt` message gets its `}`.
pub fn read(path: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.to_string_lossy();
    if name.ends_with(".jsonc") {
        bytes = strip_json_comments(&bytes);
    }
    if name.contains("/addmsg/") && name.ends_with(".txt") {
        bytes.extend_from_slice(b"}");
    }
    bytes
}

/// Reads a text file.
pub fn read_text(path: &Path) -> String {
    String::from_utf8(read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Removes `// …` comments outside JSON strings.
pub fn strip_json_comments(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let (mut in_string, mut escaped, mut i) = (false, false, 0);
    while i < input.len() {
        let c = input[i];
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
            }
        } else if c == b'"' {
            in_string = true;
        } else if c == b'/' && input.get(i + 1) == Some(&b'/') {
            while i < input.len() && input[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Parses one `AddMsgList` element file.
pub fn raw_message(path: &Path) -> RawMessage {
    parse_message(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The messages of a webwxsync body file, every one parsed.
pub fn sync_messages(path: &Path) -> Vec<RawMessage> {
    let sync = parse_sync(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    sync.add_msg_list
        .into_iter()
        .map(|m| m.unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect()
}

/// A raw message of a type with a content, between two users.
pub fn raw(msg_type: u32, from: &str, to: &str, content: &str) -> RawMessage {
    RawMessage {
        msg_id: "1000000000000000001".into(),
        new_msg_id: 1_000_000_000_000_000_001,
        msg_type,
        from_user_name: from.into(),
        to_user_name: to.into(),
        content: content.into(),
        ..RawMessage::default()
    }
}

/// Decodes and returns the message.
pub fn decoded(raw: RawMessage, me: &str) -> Message {
    decode(raw, me)
}

/// The text after the `Content:` line of a "Field: value" notation file (UX README).
pub fn notation_content(text: &str) -> String {
    let start = text.find("Content:").expect("a Content: line") + "Content:".len();
    text[start..].trim().to_owned()
}

/// The value of a `Field: value` line of a notation file.
pub fn notation_field<'a>(text: &'a str, field: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(field)?.strip_prefix(':'))
        .map(str::trim)
}
