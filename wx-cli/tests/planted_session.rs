//! A session file planted on a shared machine: `wx` refuses a state directory others can
//! write to and a snapshot that is a symbolic link, with one line of English on stderr and
//! exit status 1, before any network traffic.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use common::wx;

fn state_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wx-cli-planted-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

/// `wx contacts` with `dir` as its state directory; nothing listens on port 9.
fn contacts(dir: &std::path::Path) -> (Option<i32>, String) {
    let out = wx(&[
        "contacts",
        "--base-url",
        "http://127.0.0.1:9",
        "--state-dir",
        dir.to_str().expect("utf8"),
    ]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_world_writable_state_dir_and_a_symlinked_session_are_refused_in_one_line() {
    let dir = state_dir("dir");
    std::fs::write(dir.join("default.session.json"), b"{}").expect("write");
    std::fs::set_permissions(
        dir.join("default.session.json"),
        std::fs::Permissions::from_mode(0o600),
    )
    .expect("chmod file");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("chmod dir");
    let (code, stderr) = contacts(&dir);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("wx: refusing ") && stderr.contains("other users can add or replace"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");

    let dir = state_dir("link");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod dir");
    let elsewhere = dir.join("elsewhere.json");
    std::fs::write(&elsewhere, b"{}").expect("write");
    std::os::unix::fs::symlink(&elsewhere, dir.join("default.session.json")).expect("symlink");
    let (code, stderr) = contacts(&dir);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("wx: refusing ") && stderr.contains("symbolic link"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
