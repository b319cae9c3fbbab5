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

/// A planted session file (0600, ours, in a private directory) whose hosts name a plain-http
/// loopback server: `wx` refuses it in one line and never connects there.
#[test]
fn a_session_file_naming_an_untrusted_host_is_refused_and_the_host_never_contacted() {
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use wx_proto::client::{CookieJar, Hosts, SNAPSHOT_VERSION, Snapshot};
    use wx_proto::parse::SyncKey;
    use wx_proto::{Secret, Uin};

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let hits = Arc::new(AtomicUsize::new(0));
    let count = hits.clone();
    std::thread::spawn(move || {
        for _ in listener.incoming() {
            count.fetch_add(1, Ordering::SeqCst);
        }
    });
    let planted = Snapshot {
        version: SNAPSHOT_VERSION,
        taken_at_unix_ms: 1_700_000_000_000,
        hosts: Hosts::single(&format!("http://127.0.0.1:{port}")),
        desktop: false,
        uin: Uin(1),
        sid: Secret::new("s3cr3t-sid".into()),
        skey: Secret::new("@s3cr3t-skey".into()),
        pass_ticket: Secret::new("s3cr3t-ticket".into()),
        device_id: "e000000000000001".into(),
        cookies: CookieJar::default(),
        sync_key: SyncKey::default(),
        sync_check_key: None,
        me: None,
        recent_msg_ids: Vec::new(),
        session_started_unix_s: None,
        push_host: None,
        stable_names: Default::default(),
    };
    let dir = state_dir("host");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod dir");
    let file = dir.join("default.session.json");
    std::fs::write(&file, planted.to_json()).expect("write");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    // The official servers (no --base-url): the file's hosts are the ones to check.
    let out = wx(&["contacts", "--state-dir", dir.to_str().expect("utf8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("untrusted host") && stderr.contains("plain http"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("s3cr3t"),
        "no credential in the message: {stderr}"
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the planted host was never contacted"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
