//! The bodies the benchmarks parse.
//!
//! Small bodies (synccheck, jslogin, login poll) are the fixture files as they are. The large
//! JSON bodies are generated: a webwxsync with 100 messages of mixed types (every `AddMsgList`
//! sample of the project and of the real captures, in turn, with fresh ids), a webwxinit with
//! 200 contacts and a webwxgetcontact page of 5,000 (the contact samples in turn, with fresh
//! UserNames and nicknames).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The project's own samples (`fixtures/` at the workspace root).
pub fn own_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// The real-server samples: `$WX_SHARED_FIXTURES`, or `../shared/fixtures` beside the checkout.
/// Panics with a clear message when they are missing.
pub fn shared_dir() -> PathBuf {
    let dir = match std::env::var_os("WX_SHARED_FIXTURES") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures"),
    };
    assert!(
        dir.join("SOURCES.md").is_file(),
        "the shared real-server fixtures are missing at {} (set WX_SHARED_FIXTURES)",
        dir.display()
    );
    dir
}

/// Reads a fixture; `.jsonc` files lose their `//` comments (outside strings) first.
pub fn read(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "jsonc") {
        strip_json_comments(&bytes)
    } else {
        bytes
    }
}

/// Removes `// …` comments that stand outside JSON strings.
pub fn strip_json_comments(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut in_string = false;
    let mut i = 0;
    while i < input.len() {
        let c = input[i];
        if in_string {
            out.push(c);
            if c == b'\\' && i + 1 < input.len() {
                out.push(input[i + 1]);
                i += 2;
                continue;
            }
            if c == b'"' {
                in_string = false;
            }
        } else if c == b'"' {
            in_string = true;
            out.push(c);
        } else if c == b'/' && input.get(i + 1) == Some(&b'/') {
            while i < input.len() && input[i] != b'\n' {
                i += 1;
            }
            continue;
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// The JSON files (`.json`, `.jsonc`) of `dir/sub`, sorted.
fn json_files(dir: &Path, sub: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == "json" || e == "jsonc"));
    out.sort();
    out
}

/// A small body from the project's fixtures (`fixtures/<rel>`).
pub fn own(rel: &str) -> Vec<u8> {
    read(&own_dir().join(rel))
}

/// A small body from the real captures (`../shared/fixtures/<rel>`).
pub fn shared(rel: &str) -> Vec<u8> {
    read(&shared_dir().join(rel))
}

/// The small JavaScript-assignment bodies, by name: (name, body).
pub struct SmallBodies {
    /// `window.synccheck={retcode:"0",selector:"2"}` (the project's sample).
    pub synccheck: Vec<u8>,
    /// `window.QRLogin.code = 200; window.QRLogin.uuid = "...";` (real capture).
    pub jslogin: Vec<u8>,
    /// `window.code=200; window.redirect_uri="...";` (real capture).
    pub login_200: Vec<u8>,
    /// `window.code=201;window.userAvatar = 'data:img/jpg;base64,...';` (the project's sample).
    pub login_201: Vec<u8>,
    /// `window.code=408;` (real capture).
    pub login_408: Vec<u8>,
}

impl SmallBodies {
    /// Loads them.
    pub fn load() -> Self {
        Self {
            synccheck: shared("synccheck/wechat4u-nock-0-2.txt"),
            jslogin: shared("jslogin/qjesus-capture.txt"),
            login_200: shared("login/qjesus-capture-200-redirect.txt"),
            login_201: own("login/201-scanned-avatar.txt"),
            login_408: shared("login/qjesus-capture-408-timeout.txt"),
        }
    }
}

/// Every `AddMsgList` sample that parses as one message: the project's `fixtures/addmsg` and
/// the real captures' `addmsg` (partial `.txt` fragments are left out), as JSON values.
pub fn message_samples() -> Vec<Value> {
    let mut files = json_files(&own_dir(), "addmsg");
    files.extend(json_files(&shared_dir(), "addmsg"));
    files
        .iter()
        .filter_map(|p| {
            let bytes = read(p);
            wx_proto::parse::parse_message(&bytes).ok()?;
            serde_json::from_slice::<Value>(&bytes).ok()
        })
        .collect()
}

/// Every contact sample: the `MemberList` elements of the project's and the real captures'
/// webwxgetcontact pages and the `ContactList` of the webwxinit samples.
pub fn contact_samples() -> Vec<Value> {
    let mut out = Vec::new();
    for dir in [own_dir(), shared_dir()] {
        for (sub, key) in [
            ("webwxgetcontact", "MemberList"),
            ("webwxinit", "ContactList"),
        ] {
            for p in json_files(&dir, sub) {
                let Ok(v) = serde_json::from_slice::<Value>(&read(&p)) else {
                    continue;
                };
                if let Some(list) = v[key].as_array() {
                    out.extend(list.iter().cloned());
                }
            }
        }
    }
    out.retain(|c| c["UserName"].is_string());
    out
}

/// `n` contacts: the samples in turn, each with a fresh UserName (groups keep `@@`) and a
/// numbered nickname.
pub fn contacts(n: usize) -> Vec<Value> {
    let samples = contact_samples();
    assert!(!samples.is_empty(), "no contact samples");
    (0..n)
        .map(|i| {
            let mut c = samples[i % samples.len()].clone();
            let group = c["UserName"].as_str().is_some_and(|u| u.starts_with("@@"));
            let prefix = if group { "@@" } else { "@" };
            c["UserName"] = json!(format!("{prefix}{:032x}", 0x5eed_0000_u64 + i as u64));
            let nick = c["NickName"].as_str().unwrap_or("").to_owned();
            c["NickName"] = json!(format!("{nick} {i}"));
            c
        })
        .collect()
}

/// A webwxsync body with `n` messages: the message samples in turn, with fresh MsgIds.
/// The envelope (sync keys, profile) is the project's `text-private-and-group` sample.
pub fn sync_body(n: usize) -> Vec<u8> {
    let samples = message_samples();
    assert!(!samples.is_empty(), "no message samples");
    let mut env: Value = serde_json::from_slice(&own("webwxsync/text-private-and-group.json"))
        .expect("the webwxsync sample is JSON");
    let msgs: Vec<Value> = (0..n)
        .map(|i| {
            let mut m = samples[i % samples.len()].clone();
            let id = 7_300_000_000_000_000_000_u64 + i as u64;
            m["MsgId"] = json!(id.to_string());
            m["NewMsgId"] = json!(id);
            m
        })
        .collect();
    env["AddMsgCount"] = json!(n);
    env["AddMsgList"] = Value::Array(msgs);
    serde_json::to_vec(&env).expect("serialises")
}

/// A webwxinit body with `n` contacts in `ContactList` (envelope: the project's `full` sample).
pub fn init_body(n: usize) -> Vec<u8> {
    let mut env: Value =
        serde_json::from_slice(&own("webwxinit/full.json")).expect("the webwxinit sample is JSON");
    env["Count"] = json!(n);
    env["ContactList"] = Value::Array(contacts(n));
    serde_json::to_vec(&env).expect("serialises")
}

/// A webwxgetcontact page with `n` contacts.
pub fn contact_page(n: usize) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "BaseResponse": {"Ret": 0, "ErrMsg": ""},
        "MemberCount": n,
        "MemberList": contacts(n),
        "Seq": 0,
    }))
    .expect("serialises")
}

/// The `UserName` of the account in the generated bodies (the `ToUserName` of most samples
/// differs; it only decides `sent_by_me`).
pub const OWN_USER_NAME: &str = "@0123456789abcdef0123456789abcdef";
