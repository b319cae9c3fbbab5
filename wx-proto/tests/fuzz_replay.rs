//! Replays the committed fuzz seeds (the repo's own fixtures, as `fuzz/seed-corpus.sh` lays
//! them out) and any committed crash reproducers in `fuzz/regressions/<target>/` through the
//! same entry points the fuzz targets call, so a plain `cargo test` guards them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

/// Target name → fixture directories that seed it (mirrors fuzz/seed-corpus.sh).
const SEEDS: &[(&str, &[&str])] = &[
    ("js_assignment", &["jslogin", "login"]),
    ("synccheck", &["synccheck"]),
    ("login_page", &["webwxnewloginpage"]),
    ("set_cookie", &["set-cookie"]),
    ("sync", &["webwxsync", "addmsg"]),
    (
        "contacts",
        &["webwxinit", "webwxgetcontact", "webwxbatchgetcontact"],
    ),
    (
        "json_small",
        &[
            "webwxsendmsg",
            "webwxstatusnotify",
            "webwxuploadmedia",
            "webwxcheckupload",
            "webwxrevokemsg",
            "webwxoplog",
            "webwxupdatechatroom",
            "webwxcreatechatroom",
            "webwxverifyuser",
            "webwxpushloginurl",
        ],
    ),
    ("message", &["addmsg"]),
    ("content", &["content"]),
    ("session", &["webwxsync", "synccheck"]),
    (
        "split",
        &[
            "webwxsync",
            "webwxinit",
            "webwxgetcontact",
            "webwxbatchgetcontact",
        ],
    ),
    ("media", &["content", "webwxuploadmedia"]),
];

#[test]
fn the_media_target_takes_hostile_names() {
    for name in [
        &b"\x01\x00\x00a.pdf"[..],
        b"\x01\x00\x00x'</title><inject/>.pdf",
        b"\x01\x00\x00a\r\n------WebKitFormBoundaryFuzz0000000\r\nb.txt",
        b"\x01\x00\x00\"; name=\"id\".txt",
        b"\x01\x00\x00\x00\x1b[2J\xff\xfe.gif",
        b"",
        b"\xff\xff\xff",
    ] {
        assert!(wx_proto::fuzzing::by_target("media", name));
    }
}

#[test]
fn every_fuzz_target_replays_its_seeds_and_regressions() {
    let own = common::own_dir();
    let regressions = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let mut replayed = 0;
    for (target, dirs) in SEEDS {
        for dir in *dirs {
            for path in common::files(&own, dir) {
                let body = std::fs::read(&path).unwrap();
                let inputs: Vec<Vec<u8>> = if *target == "set_cookie" {
                    body.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
                } else {
                    vec![body]
                };
                for input in inputs {
                    assert!(wx_proto::fuzzing::by_target(target, &input), "{target}");
                    replayed += 1;
                }
            }
        }
        for path in common::files(&regressions, target) {
            let body = std::fs::read(&path).unwrap();
            assert!(wx_proto::fuzzing::by_target(target, &body), "{target}");
            replayed += 1;
        }
    }
    assert!(replayed >= 50, "only {replayed} inputs replayed");
    assert!(!wx_proto::fuzzing::by_target("no-such-target", b""));
}

#[test]
fn the_fuzz_crate_declares_exactly_these_targets() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/Cargo.toml"))
            .unwrap();
    let declared: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|n| *n != "wx-fuzz")
        .collect();
    // wx-proto's targets, then wx-driver's (replayed by wx-driver's own tests).
    let mut expected: Vec<&str> = SEEDS.iter().map(|(t, _)| *t).collect();
    expected.push("h1");
    assert_eq!(declared, expected);
}
