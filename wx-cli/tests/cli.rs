//! The command line itself: help with examples on every command, exit codes of usage
//! errors, `--png`, and HTTPS against `wx sim --https` with `--ca-cert`.

mod common;

use common::{SimProcess, wx};

const COMMANDS: [&str; 8] = [
    "demo", "decode", "sim", "login", "listen", "send", "contacts", "logout",
];

#[test]
fn every_command_has_help_with_examples() {
    let out = wx(&["--help"]);
    assert!(out.status.success());
    let top = String::from_utf8_lossy(&out.stdout);
    assert!(
        top.contains("Exit status: 0 success, 1 runtime failure"),
        "{top}"
    );
    for cmd in COMMANDS {
        assert!(top.contains(cmd), "{cmd} missing from:\n{top}");
        let out = wx(&[cmd, "--help"]);
        assert!(out.status.success(), "{cmd}");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            help.contains("Examples:") && help.contains(&format!("wx {cmd}")),
            "{cmd}:\n{help}"
        );
    }
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    for args in [
        &["frobnicate"][..],
        &["send", "hello"][..],
        &["decode"][..],
        &["decode", "/nonexistent/body.json"][..],
        &["login", "--profile", "../../etc/x", "--no-listen"][..],
    ] {
        let out = wx(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("backtrace"),
            "{stderr}"
        );
    }
    let out = wx(&["login", "--profile", "../../etc/x", "--no-listen"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("wx: invalid profile name"), "{stderr}");
}

#[test]
fn decode_lists_its_kinds() {
    let out = wx(&["decode", "--list-kinds"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for k in [
        "jslogin",
        "login",
        "synccheck",
        "webwxnewloginpage",
        "webwxinit",
        "webwxsync",
        "addmsg",
        "contact",
        "content",
    ] {
        assert!(text.lines().any(|l| l == k), "{k}");
    }
}

#[test]
fn https_login_with_ca_cert_and_png_qr() {
    let dir = std::env::temp_dir().join(format!("wx-cli-https-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let cert_dir = dir.join("cert");
    std::fs::create_dir_all(&cert_dir).expect("dir");
    let sim = SimProcess::start(&[
        "--https",
        "--cert-dir",
        cert_dir.to_str().expect("utf8"),
        "--auto-confirm",
        "300",
        "--hold-ms",
        "1500",
    ]);
    assert!(sim.url.starts_with("https://127.0.0.1:"), "{}", sim.url);
    let cert = sim.cert.clone().expect("certificate path");
    let png = dir.join("qr.png");
    let state = dir.join("state");
    let base = [
        "--base-url",
        sim.url.as_str(),
        "--state-dir",
        state.to_str().expect("utf8"),
    ];
    let mut args = vec![
        "login",
        "--no-listen",
        "--ca-cert",
        cert.as_str(),
        "--png",
        png.to_str().expect("utf8"),
    ];
    args.extend(base);
    let out = wx(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("logged in as SimUser0"), "{stderr}");
    // The PNG holds the same QR code.
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png).expect("png written"),
    ));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    let (_, text) = grids.first().expect("a QR code").decode().expect("decodes");
    assert!(text.starts_with(&format!("{}/l/", sim.url)), "{text}");
    let mut args = vec!["contacts", "--ca-cert", cert.as_str()];
    args.extend(base);
    let out = wx(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ctrl_c_while_waiting_for_the_scan_ends_cleanly_with_status_1() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let sim = SimProcess::start(&["--hold-ms", "1000"]); // manual: nobody scans
    let dir = std::env::temp_dir().join(format!("wx-cli-int-{}", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_wx"))
        .args([
            "login",
            "--base-url",
            &sim.url,
            "--state-dir",
            dir.to_str().expect("utf8"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    while stderr.read_line(&mut line).expect("read") > 0 && !line.contains("scan this QR code") {
        line.clear();
    }
    assert!(line.contains("scan this QR code"), "{line}");
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).expect("read");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(1), "{rest}");
    assert!(
        rest.trim_end()
            .ends_with("wx: interrupted before the login completed"),
        "{rest}"
    );
    assert!(!dir.join("default.session.json").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
