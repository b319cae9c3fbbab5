//! Session files on a shared machine: a state directory others can write to, a file or a
//! directory owned by another user, and a snapshot path that is a symbolic link or a FIFO are
//! each refused with a one-line reason, and nothing planted is read or changed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use wx_store::{Snapshot, StoreError, load, profile_path, save};

const NOBODY: u32 = 65534;

fn snapshot() -> Snapshot {
    let json = r#"{"version":1,"taken_at_unix_ms":1600000000000,
        "hosts":{"login":"https://login.wx2.qq.com","main":"https://wx2.qq.com","file":"https://file.wx2.qq.com","push":"https://webpush.wx2.qq.com","qr":"https://login.weixin.qq.com"},
        "desktop":false,"uin":3987654321,"sid":"SiDsEcReT","skey":"@crypt_1_SkEy","pass_ticket":"PaSs",
        "device_id":"e123456789012345","cookies":{"cookies":[]},
        "sync_key":{"Count":1,"List":[{"Key":1,"Val":7}]},"sync_check_key":null,"me":null,
        "recent_msg_ids":[]}"#;
    Snapshot::from_json(json.as_bytes()).expect("a valid snapshot")
}

/// A fresh directory (0700, ours) under the temp dir.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wx-store-shared-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .map(|ids| ids.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// The error is one line of English naming the path, with no credential in it.
fn one_line(e: &StoreError, path: &Path) -> String {
    let text = e.to_string();
    assert!(!text.contains('\n'), "{text}");
    assert!(text.starts_with("refusing "), "{text}");
    assert!(text.contains(&path.display().to_string()), "{text}");
    for secret in ["SiDsEcReT", "SkEy", "PaSs"] {
        assert!(!text.contains(secret), "{text}");
    }
    text
}

#[test]
fn a_directory_others_can_write_is_refused_for_save_and_load() {
    for mode in [0o777, 0o770, 0o733] {
        let dir = temp_dir(&format!("dir{mode:o}"));
        let path = profile_path(&dir, "p").unwrap();
        save(&path, &snapshot()).unwrap();
        chmod(&dir, mode);
        let e = load(&path).unwrap_err();
        assert!(
            matches!(e, StoreError::InsecureDirectory { mode: m, .. } if m == mode),
            "{e}"
        );
        let text = one_line(&e, &dir);
        assert!(text.contains("other users can add or replace"), "{text}");
        let e = save(&path, &snapshot()).unwrap_err();
        assert!(matches!(e, StoreError::InsecureDirectory { .. }), "{e}");
        chmod(&dir, 0o700);
        assert!(load(&path).is_ok(), "usable again once private");
        fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn a_sticky_shared_directory_of_ours_is_accepted() {
    let dir = temp_dir("sticky");
    chmod(&dir, 0o1777);
    let path = profile_path(&dir, "p").unwrap();
    save(&path, &snapshot()).unwrap();
    assert_eq!(load(&path).unwrap().device_id, "e123456789012345");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_symlinked_snapshot_is_refused_and_its_target_untouched() {
    let dir = temp_dir("link");
    let real = profile_path(&dir, "real").unwrap();
    save(&real, &snapshot()).unwrap();
    let before = fs::read(&real).unwrap();
    let link = profile_path(&dir, "p").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let e = load(&link).unwrap_err();
    assert!(matches!(e, StoreError::Symlink { .. }), "{e}");
    assert!(one_line(&e, &link).contains("symbolic link"));
    assert_eq!(fs::read(&real).unwrap(), before);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_fifo_in_place_of_the_snapshot_is_refused_without_blocking() {
    let dir = temp_dir("fifo");
    let path = profile_path(&dir, "p").unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg("-m")
        .arg("600")
        .arg(&path)
        .status();
    if !made.is_ok_and(|s| s.success()) {
        println!("skipped: mkfifo is not available");
        return;
    }
    let e = load(&path).unwrap_err();
    assert!(matches!(e, StoreError::NotAFile { .. }), "{e}");
    one_line(&e, &path);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_private_file_owned_by_another_user_is_refused() {
    if !is_root() {
        println!("skipped: changing a file's owner needs root (the tests run as another user)");
        return;
    }
    let dir = temp_dir("owner");
    let path = profile_path(&dir, "p").unwrap();
    save(&path, &snapshot()).unwrap();
    std::os::unix::fs::chown(&path, Some(NOBODY), Some(NOBODY)).unwrap();
    let before = fs::read(&path).unwrap();
    let e = load(&path).unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::ForeignOwner {
                owner: NOBODY,
                what: "file",
                ..
            }
        ),
        "{e}"
    );
    let text = one_line(&e, &path);
    assert!(text.contains("owned by user 65534"), "{text}");
    assert_eq!(fs::read(&path).unwrap(), before, "left as it was");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_directory_owned_by_another_user_is_refused() {
    if !is_root() {
        println!("skipped: changing a directory's owner needs root");
        return;
    }
    let dir = temp_dir("dirowner");
    let path = profile_path(&dir, "p").unwrap();
    save(&path, &snapshot()).unwrap();
    std::os::unix::fs::chown(&dir, Some(NOBODY), Some(NOBODY)).unwrap();
    let e = load(&path).unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::ForeignOwner {
                what: "directory",
                ..
            }
        ),
        "{e}"
    );
    one_line(&e, &dir);
    let e = save(&path, &snapshot()).unwrap_err();
    assert!(matches!(e, StoreError::ForeignOwner { .. }), "{e}");
    fs::remove_dir_all(&dir).unwrap();
}
