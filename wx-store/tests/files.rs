//! Snapshot files: private and atomic on save; refused (and left untouched) when others can
//! read them, when truncated, or when written by a newer version; no secret in any error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use wx_store::{Snapshot, StoreError, load, profile_path, remove, save};

const SKEY: &str = "@crypt_11112222_secretsecretsecretsecret0000";

fn snapshot() -> Snapshot {
    let json = format!(
        r#"{{"version":1,"taken_at_unix_ms":1600000000000,
        "hosts":{{"login":"https://login.wx2.qq.com","main":"https://wx2.qq.com","file":"https://file.wx2.qq.com","push":"https://webpush.wx2.qq.com","qr":"https://login.weixin.qq.com"}},
        "desktop":false,"uin":3987654321,"sid":"SiDsEcReT+/x","skey":"{SKEY}","pass_ticket":"PaSs%2BTiCkEt",
        "device_id":"e123456789012345",
        "cookies":{{"cookies":[{{"name":"webwx_auth_ticket","value":"AuThTiCkEtVaLuE","domain":"wx2.qq.com","host_only":false,"path":"/","expires":1900000000}}]}},
        "sync_key":{{"Count":1,"List":[{{"Key":1,"Val":7}}]}},"sync_check_key":null,"me":null,
        "recent_msg_ids":["1","2"]}}"#
    );
    Snapshot::from_json(json.as_bytes()).expect("a valid snapshot")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wx-store-test-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

fn no_secret(e: &StoreError) {
    let text = format!("{e} {e:?}");
    for s in [SKEY, "SiDsEcReT", "PaSs", "AuThTiCkEtVaLuE"] {
        assert!(!text.contains(s), "a credential in the error: {text}");
    }
}

#[test]
fn save_is_private_and_round_trips() {
    let dir = temp_dir("save").join("nested");
    let path = profile_path(&dir, "main").unwrap();
    let snap = snapshot();
    save(&path, &snap).unwrap();
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    assert_eq!(load(&path).unwrap().to_json(), snap.to_json());
    // Saving again replaces the file in one step and leaves no temporary behind.
    let mut newer = snap.clone();
    newer.recent_msg_ids.push("3".into());
    save(&path, &newer).unwrap();
    assert_eq!(load(&path).unwrap().recent_msg_ids, ["1", "2", "3"]);
    let names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    remove(&path).unwrap();
    remove(&path).unwrap();
    assert!(!path.exists());
}

#[test]
fn profiles_are_separate_files() {
    let dir = temp_dir("profiles");
    let a = profile_path(&dir, "alice").unwrap();
    let b = profile_path(&dir, "bob").unwrap();
    let mut sb = snapshot();
    sb.device_id = "e999".into();
    save(&a, &snapshot()).unwrap();
    save(&b, &sb).unwrap();
    assert_eq!(load(&a).unwrap().device_id, "e123456789012345");
    assert_eq!(load(&b).unwrap().device_id, "e999");
    let e = profile_path(&dir, "../x").unwrap_err();
    assert!(matches!(e, StoreError::InvalidProfile(_)));
}

#[test]
fn a_file_others_can_read_is_refused_and_untouched() {
    let dir = temp_dir("perms");
    let path = profile_path(&dir, "p").unwrap();
    save(&path, &snapshot()).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let before = fs::read(&path).unwrap();
    let e = load(&path).unwrap_err();
    assert!(
        matches!(e, StoreError::InsecurePermissions { mode: 0o644, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("other users can read"), "{e}");
    no_secret(&e);
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o644,
        "not silently fixed"
    );
}

#[test]
fn truncated_and_newer_files_are_refused_and_untouched() {
    let dir = temp_dir("bad");
    let path = profile_path(&dir, "p").unwrap();
    save(&path, &snapshot()).unwrap();
    let whole = fs::read(&path).unwrap();
    fs::write(&path, &whole[..whole.len() / 2]).unwrap();
    let e = load(&path).unwrap_err();
    assert!(matches!(e, StoreError::Snapshot { .. }), "{e}");
    assert!(e.to_string().contains("not a valid snapshot"), "{e}");
    no_secret(&e);
    assert_eq!(fs::read(&path).unwrap(), &whole[..whole.len() / 2]);

    let newer = String::from_utf8(whole).unwrap().replacen(
        &format!("\"version\": {}", wx_proto::client::SNAPSHOT_VERSION),
        "\"version\": 99",
        1,
    );
    assert!(newer.contains("\"version\": 99"));
    fs::write(&path, &newer).unwrap();
    let e = load(&path).unwrap_err();
    assert!(
        e.to_string().contains("newer than this program supports"),
        "{e}"
    );
    no_secret(&e);
    assert_eq!(fs::read_to_string(&path).unwrap(), newer);

    let e = load(&dir.join("missing.session.json")).unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Io {
                kind: std::io::ErrorKind::NotFound,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn snapshot_debug_hides_credentials() {
    let debug = format!("{:?}", snapshot());
    for s in [SKEY, "SiDsEcReT", "PaSs", "AuThTiCkEtVaLuE", "3987654321"] {
        assert!(!debug.contains(s), "{s} in {debug}");
    }
}
