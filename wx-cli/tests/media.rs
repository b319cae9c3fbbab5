//! The media commands against a `wx sim` process over loopback: `wx send --file` (a file of
//! several chunks, an image by its magic bytes, a missing or empty file), `wx listen`
//! showing a received image's MsgId, `wx download MSGID` writing it under a safe name,
//! `wx avatar`, and a one-line error with exit status 2 for what the command cannot do.

mod common;

use std::time::{Duration, Instant};

use common::SimProcess;
use common::profile::Profile;

fn sim() -> SimProcess {
    SimProcess::start(&[
        "--auto-confirm",
        "300",
        "--hold-ms",
        "1500",
        "--contacts",
        "4",
        "--groups",
        "1",
    ])
}

fn login(p: &Profile) {
    let (code, _, stderr) = p.run("login", &["--no-listen"]);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn send_file_sends_every_kind_and_refuses_what_it_cannot_send() {
    let sim = sim();
    let p = Profile::new(&sim, "media-send");
    login(&p);
    let big = p.dir.join("report.bin");
    std::fs::write(
        &big,
        (0..1_300_000u32)
            .map(|i| (i % 251) as u8)
            .collect::<Vec<u8>>(),
    )
    .expect("write");
    let (code, stdout, stderr) = p.run(
        "send",
        &["--to", "filehelper", "--file", big.to_str().expect("utf8")],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("sent ") && stdout.contains("(MsgID"),
        "{stdout}"
    );
    let photo = p.dir.join("photo");
    std::fs::write(&photo, [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[7; 5000]].concat()).expect("write");
    let (code, _, stderr) = p.run(
        "send",
        &[
            "--to",
            "filehelper",
            "--file",
            photo.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let sent = sim.control("GET", "/__sim/sent", "");
    assert!(
        sent.contains("webwxsendappmsg") && sent.contains("report.bin"),
        "{sent}"
    );
    assert!(
        sent.contains("webwxsendmsgimg"),
        "a JPEG without extension goes as an image: {sent}"
    );

    let empty = p.dir.join("empty.txt");
    std::fs::write(&empty, b"").expect("write");
    for (path, word) in [
        (empty.to_str().expect("utf8"), "empty"),
        ("/no/such/file", "not a file"),
    ] {
        let (code, stdout, stderr) = p.run("send", &["--to", "filehelper", "--file", path]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stdout.is_empty());
        assert!(
            stderr.contains(word) && stderr.trim().lines().count() == 1,
            "{stderr}"
        );
    }
}

#[test]
fn a_received_image_downloads_by_the_msg_id_listen_showed() {
    let sim = sim();
    let p = Profile::new(&sim, "media-download");
    login(&p);
    let (child, rx) = p.spawn_lines("listen", &[]);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut ids: Vec<String> = Vec::new();
    while ids.len() < 2 && Instant::now() < deadline {
        if ids.is_empty() {
            sim.control("POST", "/__sim/push", r#"{"body":{"kind":"image"}}"#);
        } else {
            // A file whose server-sent name tries to leave the directory.
            sim.control(
                "POST",
                "/__sim/plant",
                r#"{"kind":"file","name":"../../etc/passwd\r\n.txt","len":3000}"#,
            );
        }
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(700)) {
            if let Some(i) = line.find("(wx download ") {
                let rest = &line[i + "(wx download ".len()..];
                ids.extend(rest.split(')').next().map(str::to_owned));
                break;
            }
        }
    }
    common::terminate(&child);
    let _ = child.wait_with_output();
    assert_eq!(
        ids.len(),
        2,
        "listen showed the MsgIds to download: {ids:?}"
    );
    let msg_id = ids[0].clone();
    let out = p.dir.join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    let (code, stdout, stderr) =
        p.run("download", &[&msg_id, "--out", out.to_str().expect("utf8")]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.starts_with("saved "), "{stdout}");
    let files: Vec<_> = std::fs::read_dir(&out)
        .expect("read dir")
        .flatten()
        .collect();
    assert_eq!(files.len(), 1, "one file and no .part left: {files:?}");
    let bytes = std::fs::read(files[0].path()).expect("read");
    assert!(bytes.starts_with(&[0xFF, 0xD8]), "a JPEG");

    let (code, _, stderr) = p.run(
        "download",
        &["123456789", "--out", out.to_str().expect("utf8")],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("no media message") && stderr.trim().lines().count() == 1,
        "{stderr}"
    );

    let avatar = p.dir.join("me.jpg");
    let (code, _, stderr) = p.run(
        "avatar",
        &["filehelper", "--out", avatar.to_str().expect("utf8")],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        std::fs::read(&avatar)
            .expect("avatar")
            .starts_with(&[0xFF, 0xD8])
    );

    // A group member's head image, by the member's id and the group's.
    let (_, stdout, _) = p.run("contacts", &["--groups", "--json"]);
    let group: serde_json::Value = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .find(|g: &serde_json::Value| g["members"].as_array().is_some_and(|m| !m.is_empty()))
        .expect("a group with members");
    let member = group["members"][0]["user_name"]
        .as_str()
        .expect("a member id");
    let group_id = group["user_name"].as_str().expect("a group id");
    let face = p.dir.join("member.jpg");
    let (code, _, stderr) = p.run(
        "avatar",
        &[
            member,
            "--group",
            group_id,
            "--out",
            face.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        std::fs::read(&face)
            .expect("member avatar")
            .starts_with(&[0xFF, 0xD8])
    );
    let (code, _, stderr) = p.run("avatar", &["Nobody", "--group", group_id, "--out", "x.jpg"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no member named"), "{stderr}");
}
