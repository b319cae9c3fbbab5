//! `wx decode` on every fixture (the repo's and the shared real-server samples), guessing the
//! kind, never printing credentials; and on broken input (exit 2, one line with the offset).

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn own_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// The real-server samples, or `None` (said once) on a clone without them; see
/// `wx_testkit::fixtures` (`WX_REQUIRE_FIXTURES=1` makes their absence a failure).
fn shared_dir() -> Option<PathBuf> {
    wx_testkit::fixtures::shared_dir()
}

/// (directory name, file) for every file one level down.
fn files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(subs) = std::fs::read_dir(dir) else {
        return out;
    };
    for sub in subs
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
    {
        let name = sub
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for f in std::fs::read_dir(&sub)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            out.push((name.clone(), f.path()));
        }
    }
    out.sort();
    out
}

/// Secrets that appear in the fixtures and must never be printed.
const SECRETS: [&str; 17] = [
    "@crypt_63d18dea",
    "@crypt_8e4ad7fa",
    "@crypt_0a1b2c3d_00112233",
    "@crypt_0a1b2c3d_ffeeddcc",
    "@crypt_0a1b2c3d_rotated",
    "@crypt_11112222_3333",
    "176666155",
    "155217200",
    "1882092380",
    "195765975",
    "2351423900",
    "kbmy5Jt9nj",
    "VgRra8tyYbvfTTS3",
    "AbCdEfGh+IjK/LmN",
    "5YpLHmVgWwH5LxN1",
    "9qxN0abc/Tx6",
    "PsWd4FvKROR5EVcG",
];

fn decode(file: &Path, kind: Option<&str>) -> (Option<i32>, String, String) {
    let path = file.to_string_lossy().into_owned();
    let mut args = vec!["decode", "--compact", path.as_str()];
    if let Some(k) = kind {
        args.extend(["--kind", k]);
    }
    let out = common::wx(&args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Files that are not one response body: what `wx decode` must do with each instead.
fn special(dir: &str, name: &str) -> Option<&'static str> {
    match (dir, name) {
        (_, "SOURCES.md") => Some("not a body"),
        ("content", n) if n.ends_with("-notation.txt") => Some("not a body"),
        ("content", n) if n.ends_with(".json") => Some("not a body"),
        ("content", "display-names-emoji.txt") => Some("not a body"),
        ("addmsg", "wechat-api-fork-app49-link5-partial.txt") => Some("truncated"),
        ("webwxbatchgetcontact", "wechaty-puppet-wechat-room-contact-clientdecorated.json") => {
            Some("contact")
        }
        _ => None,
    }
}

fn check_dir(dir: &Path) -> usize {
    let mut checked = 0;
    for (sub, file) in files(dir) {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (code, stdout, stderr) = decode(&file, None);
        assert!(!stderr.contains("panicked"), "{}: {stderr}", file.display());
        for s in SECRETS {
            assert!(
                !stdout.contains(s),
                "{} leaks {s}: {stdout}",
                file.display()
            );
        }
        match special(&sub, &name) {
            Some("not a body") => assert!(matches!(code, Some(0 | 2)), "{}", file.display()),
            Some("truncated") => {
                assert_eq!(code, Some(2), "{}", file.display());
                assert!(stderr.contains("at byte "), "{stderr}");
                assert_eq!(stderr.lines().count(), 1, "{stderr}");
            }
            Some(kind) => {
                assert_eq!(code, Some(0), "{}: {stderr}", file.display());
                let v: Value = serde_json::from_str(&stdout).expect("json");
                assert_eq!(v["kind"], kind, "{}", file.display());
            }
            None if sub == "content" => {
                let (code, stdout, stderr) = decode(&file, Some("content"));
                assert_eq!(code, Some(0), "{}: {stderr}", file.display());
                let v: Value = serde_json::from_str(&stdout).expect("json");
                let detail = v["value"]["kind"].to_string();
                assert!(
                    !detail.contains("Undecodable"),
                    "{}: {detail}",
                    file.display()
                );
            }
            None => {
                assert_eq!(code, Some(0), "{}: {stderr}", file.display());
                let v: Value = serde_json::from_str(&stdout).expect("one JSON document");
                let fits = v["kind"] == sub.as_str()
                    || v["also_fits"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|k| k == sub.as_str()));
                assert!(
                    fits,
                    "{}: guessed {} ({})",
                    file.display(),
                    v["kind"],
                    v["also_fits"]
                );
                assert_eq!(v["guessed"], true);
                // The kind named explicitly gives the same kind.
                let (code, stdout, _) = decode(&file, Some(&sub));
                assert_eq!(code, Some(0));
                let w: Value = serde_json::from_str(&stdout).expect("json");
                assert_eq!(w["kind"], sub.as_str());
            }
        }
        checked += 1;
    }
    checked
}

#[test]
fn every_own_fixture_decodes_with_the_right_kind_guessed() {
    let n = check_dir(&own_dir());
    assert!(n >= 90, "only {n} files checked");
}

#[test]
fn every_shared_fixture_decodes_with_the_right_kind_guessed() {
    let Some(dir) = shared_dir() else {
        return;
    };
    let n = check_dir(&dir);
    assert!(n >= 60, "only {n} files checked");
}

#[test]
fn credentials_are_redacted() {
    let Some(shared) = shared_dir() else {
        return;
    };
    let (code, stdout, _) = decode(
        &shared.join("webwxnewloginpage/qjesus-capture-ok.xml"),
        None,
    );
    assert_eq!(code, Some(0));
    let v: Value = serde_json::from_str(&stdout).expect("json");
    for key in ["skey", "wxsid", "wxuin", "pass_ticket"] {
        assert_eq!(v["value"][key], "***", "{key}: {stdout}");
    }
    let (_, stdout, _) = decode(&own_dir().join("login/200-confirmed-wx8.txt"), None);
    assert!(stdout.contains("ticket=***"), "{stdout}");
}

fn broken(name: &str, bytes: &[u8], kind: Option<&str>) -> String {
    let dir = std::env::temp_dir().join(format!("wx-cli-decode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(name);
    std::fs::write(&file, bytes).expect("write");
    let (code, stdout, stderr) = decode(&file, kind);
    let _ = std::fs::remove_file(&file);
    assert_eq!(code, Some(2), "{name}: {stdout} {stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn broken_bodies_exit_2_with_format_and_offset() {
    let sync =
        std::fs::read(own_dir().join("webwxsync/text-private-and-group.json")).expect("fixture");
    let e = broken("sync.json", &sync[..sync.len() / 2], None);
    assert!(e.contains("Sync JSON") && e.contains("at byte "), "{e}");
    let e = broken(
        "init.json",
        b"{\"BaseResponse\":{\"Ret\":0},\"SyncKey\":{,\"User\":{}}",
        None,
    );
    assert!(e.contains("Init JSON body at byte 37"), "{e}");
    let e = broken("poll.txt", b"window.code=;", None);
    assert!(e.contains("login poll") && e.contains("at byte "), "{e}");
    let e = broken("page.xml", b"<error><ret>0</ret><skey>", None);
    assert!(
        e.contains("webwxnewloginpage XML") && e.contains("at byte "),
        "{e}"
    );
    let e = broken(
        "bad-utf8.txt",
        b"window.synccheck={retcode:\"\xff\"}",
        Some("synccheck"),
    );
    assert!(e.contains("at byte 27"), "{e}");
    let e = broken("empty.json", b"", Some("webwxsendmsg"));
    assert!(e.contains("at byte 0"), "{e}");
    let e = broken("what.bin", b"\x00\x01 nothing here", None);
    assert!(e.contains("--kind"), "{e}");
    let e = broken("x.json", b"{}", Some("nope"));
    assert!(e.contains("unknown kind"), "{e}");
}

#[test]
fn every_prefix_of_a_sample_is_handled_without_panic() {
    let body = std::fs::read(own_dir().join("webwxinit/full.json")).expect("fixture");
    let step = (body.len() / 40).max(1);
    for cut in (0..body.len()).step_by(step) {
        let dir = std::env::temp_dir().join(format!("wx-cli-prefix-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("cut.json");
        std::fs::write(&file, &body[..cut]).expect("write");
        let (code, _, stderr) = decode(&file, Some("webwxinit"));
        assert_eq!(code, Some(2), "cut {cut}: {stderr}");
        assert!(stderr.contains("at byte "), "{stderr}");
    }
}

#[test]
fn decode_reads_stdin() {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wx"))
        .args(["decode", "-", "--compact"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"window.synccheck={retcode:\"0\",selector:\"2\"}")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["kind"], "synccheck");
    assert_eq!(v["value"]["selector"], 2);
}
