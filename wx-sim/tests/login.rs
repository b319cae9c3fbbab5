//! Login endpoints: jslogin, QR image, login poll, webwxnewloginpage, push login, logout.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use http::Method;
use std::time::Duration;
use wx_sim::Config;

#[test]
fn jslogin_get_and_post_match_the_captured_layout() {
    if !common::fixtures_present() {
        return;
    }
    let mut h = H::new(config());
    let ours = text(&h.get("/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh_CN&_=1"));
    for f in [
        "jslogin/qjesus-capture.txt",
        "jslogin/wechat4u-nock.txt",
        "jslogin/wwdk-doc.txt",
    ] {
        assert_eq!(
            layout(&ours),
            layout(fixture_text(f).trim_end()),
            "{f}: {ours}"
        );
    }
    let uuid = ours.split('"').nth(1).unwrap();
    assert_eq!(uuid.len(), 12);
    assert!(uuid.ends_with("=="));
    let r = h.request(
        Method::POST,
        "/jslogin",
        b"appid=wx782c26e4c19acffb&fun=new&lang=zh-CN".to_vec(),
    );
    let post = text(&h.send(r));
    assert!(
        post.starts_with("window.QRLogin.code = 200; window.QRLogin.uuid = \""),
        "{post}"
    );
    assert_eq!(
        h.get("/jslogin").headers()["content-type"],
        "text/javascript"
    );
    let bad = text(&h.get("/jslogin?appid=wx0000&fun=new"));
    assert!(bad.starts_with("window.QRLogin.code = 400;"), "{bad}");
    assert_eq!(h.sim.uuids().len(), 2);
}

#[test]
fn qr_image_is_a_png_of_the_login_url() {
    let mut h = H::new(config());
    let uuid = h.jslogin();
    let r = h.get(&format!("/qrcode/{uuid}"));
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    let dec = png::Decoder::new(std::io::Cursor::new(r.body().clone()));
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, hgt) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, hgt, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, format!("https://login.weixin.qq.com/l/{uuid}"));
    assert_eq!(h.get("/qrcode/nope==").status(), 404);
}

#[test]
fn login_poll_holds_25s_then_408_and_wakes_on_scan_and_confirm() {
    if !common::fixtures_present() {
        return;
    }
    let mut h = H::new(config());
    let uuid = h.jslogin();
    let start = h.now;
    let poll = format!("{API}/login?loginicon=true&uuid={uuid}&tip=1&r=-1&_=1");
    let b = text(&h.get(&poll));
    assert_eq!(b, "window.code=408;");
    assert_eq!(h.now - start, Duration::from_secs(25));
    assert_eq!(
        layout(&b),
        layout(fixture_text("login/qjesus-capture-408-timeout.txt").trim_end())
    );

    // A scan during a held poll answers it at once with 201 and an avatar.
    let req = h.request(Method::GET, &poll, Vec::new());
    let uuid2 = uuid.clone();
    let mut scanned = false;
    let t0 = h.now;
    let out = h.send_with(req, |sim, now| {
        if !scanned && now >= t0 + Duration::from_secs(3) {
            sim.scan(&uuid2, 0, now).unwrap();
            scanned = true;
        }
        Some(t0 + Duration::from_secs(3))
    });
    let Outcome::Answer(r) = out else { panic!() };
    let b = text(&r);
    assert_eq!(h.now - t0, Duration::from_secs(3));
    assert!(
        b.starts_with("window.code=201;window.userAvatar = 'data:img/jpg;base64,/9j/"),
        "{b}"
    );
    assert!(b.ends_with("';"));
    let f = fixture_text("login/qjesus-capture-201-useravatar-truncated.txt");
    assert_eq!(layout(&b), layout(f.trim_end()));
    // The 201 is said once; then the poll holds again.
    h.sim.confirm(&uuid, h.now).unwrap();
    let b = text(&h.get(&poll));
    assert!(b.starts_with("window.code=200;window.redirect_uri=\"http://127.0.0.1:9/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket="), "{b}");
    assert!(
        b.contains(&format!("@qrticket_0&uuid={uuid}&lang=zh_CN&scan=17")),
        "{b}"
    );
    for f in [
        "login/qjesus-capture-200-redirect.txt",
        "login/wechat4u-nock-200-redirect.txt",
    ] {
        // Same layout once our `host:port` stands where the real host was.
        assert_eq!(
            layout(&b.replace("127.0.0.1:9", "wx.qq.com")),
            layout(fixture_text(f).trim_end()),
            "{f}"
        );
    }
}

#[test]
fn expired_and_unknown_uuids_get_400() {
    let mut h = H::new(Config {
        qr_lifetime: Duration::from_secs(60),
        ..config()
    });
    let uuid = h.jslogin();
    let poll = format!("{API}/login?loginicon=true&uuid={uuid}&tip=0");
    assert_eq!(text(&h.get(&poll)), "window.code=408;");
    assert_eq!(text(&h.get(&poll)), "window.code=408;");
    // The third hold ends at the expiry (60 s), not at 75 s.
    assert_eq!(text(&h.get(&poll)), "window.code=400;");
    assert!(h.sim.scan(&uuid, 0, h.now).is_err());
    assert_eq!(
        text(&h.get(&format!("{API}/login?uuid=nope==&tip=1"))),
        "window.code=400;"
    );
}

fn confirmed_redirect(h: &mut H) -> String {
    let uuid = h.jslogin();
    h.sim.scan(&uuid, 0, h.now).unwrap();
    h.sim.confirm(&uuid, h.now).unwrap();
    let b = text(&h.get(&format!("{API}/login?uuid={uuid}&tip=0")));
    let b = text(&h.get(&format!("{API}/login?uuid={uuid}&tip=0"))).to_string() + &b;
    let uri = b
        .split("window.redirect_uri=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    uri.strip_prefix(BASE).unwrap().to_string()
}

#[test]
fn newloginpage_gives_the_xml_and_cookies_301_without_v2_200_with() {
    if !common::fixtures_present() {
        return;
    }
    let mut h = H::new(config());
    let path = confirmed_redirect(&mut h);
    let r = h.get(&path);
    assert_eq!(r.status(), 301);
    assert!(r.headers().get("location").is_none());
    let xml = text(&r);
    let tags = |s: &str| {
        s.split('<')
            .filter(|t| !t.starts_with('/') && !t.is_empty())
            .map(|t| t.split('>').next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    for f in [
        "webwxnewloginpage/qjesus-capture-ok.xml",
        "webwxnewloginpage/wechat4u-nock-ok.xml",
    ] {
        assert_eq!(tags(&xml), tags(&fixture_text(f)), "{f}");
    }
    let pt = xml_field(&xml, "pass_ticket").unwrap();
    assert!(
        pt.contains('%'),
        "pass_ticket is sent percent-encoded: {pt}"
    );
    assert!(!pt.contains('+') && !pt.contains('/'));
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    for name in [
        "wxuin",
        "wxsid",
        "webwx_data_ticket",
        "webwxuvid",
        "webwx_auth_ticket",
        "wxloadtime",
        "mm_lang",
    ] {
        assert!(
            cookies.iter().any(|c| c.starts_with(&format!("{name}="))),
            "{name}: {cookies:?}"
        );
    }
    assert!(
        cookies.iter().all(|c| !c.contains("Domain")
            && !c.contains("Secure")
            && c.contains("Path=/; Expires=")),
        "{cookies:?}"
    );
    assert_eq!(h.jar["wxsid"], xml_field(&xml, "wxsid").unwrap());
    // The same ticket again (a retry) gives the same session, now with version=v2: 200.
    let again = h.get(&format!("{path}&fun=new&version=v2"));
    assert_eq!(again.status(), 200);
    assert_eq!(xml_field(&text(&again), "wxsid"), xml_field(&xml, "wxsid"));
    assert_eq!(h.sim.live_sessions(0), 1);
}

#[test]
fn newloginpage_over_https_marks_cookies_secure() {
    let mut h = H::new(Config {
        base_url: "https://127.0.0.1:9".into(),
        ..config()
    });
    let uuid = h.jslogin();
    h.sim.scan(&uuid, 0, h.now).unwrap();
    h.sim.confirm(&uuid, h.now).unwrap();
    let b = text(&h.get(&format!("{API}/login?uuid={uuid}")));
    let uri = b.split('"').nth(1).unwrap();
    let path = uri.strip_prefix("https://127.0.0.1:9").unwrap();
    let r = h.get(&format!("{path}&fun=new&version=v2"));
    assert!(
        r.headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| c.to_str().unwrap().ends_with("; Secure"))
    );
}

#[test]
fn newloginpage_refusals() {
    let mut h = H::new(config());
    let r = h.get(&format!(
        "{API}/webwxnewloginpage?ticket=nope@qrticket_0&uuid=x==&lang=zh_CN&scan=1&version=v2"
    ));
    assert_eq!(xml_field(&text(&r), "ret").unwrap(), "-14");
    assert!(r.headers().get("set-cookie").is_none());
    h.sim.refuse_login(0, true).unwrap();
    let path = confirmed_redirect(&mut h);
    let r = h.get(&format!("{path}&fun=new&version=v2"));
    let xml = text(&r);
    assert_eq!(xml_field(&xml, "ret").unwrap(), "1203");
    assert!(
        xml_field(&xml, "message")
            .unwrap()
            .starts_with("为了你的帐号安全，此微信号不能登录网页微信。")
    );
    assert!(xml_field(&xml, "skey").is_none());
    assert_eq!(h.sim.live_sessions(0), 0);
}

#[test]
fn a_second_login_ends_the_first_session_with_1101() {
    let mut h = H::new(config());
    let first = h.login();
    let jar1 = h.jar.clone();
    h.jar.clear();
    let second = h.login();
    assert_ne!(
        first.user_name, second.user_name,
        "UserNames are drawn again at every login"
    );
    assert_ne!(first.sid, second.sid);
    h.jar = jar1;
    let pq = format!(
        "{API}/synccheck?r=1&skey={}&sid={}&uin={}&deviceid=e1&synckey=1_1&_=1",
        enc(&first.skey),
        enc(&first.sid),
        first.uin
    );
    assert_eq!(
        text(&h.get(&pq)),
        "window.synccheck={retcode:\"1101\",selector:\"0\"}"
    );
}

#[test]
fn push_login_needs_the_previous_cookies() {
    let mut h = H::new(config());
    let c = h.login();
    let v: serde_json::Value = serde_json::from_slice(
        h.get(&format!("{API}/webwxpushloginurl?uin={}", c.uin))
            .body(),
    )
    .unwrap();
    assert_eq!(v["ret"], "0");
    assert_eq!(v["msg"], "all ok");
    let uuid = v["uuid"].as_str().unwrap().to_string();
    let poll = format!("{API}/login?loginicon=true&uuid={uuid}&tip=1");
    assert!(text(&h.get(&poll)).starts_with("window.code=201;"));
    h.sim.confirm(&uuid, h.now).unwrap();
    assert!(text(&h.get(&poll)).starts_with("window.code=200;"));
    h.jar.clear();
    let v: serde_json::Value = serde_json::from_slice(
        h.get(&format!("{API}/webwxpushloginurl?uin={}", c.uin))
            .body(),
    )
    .unwrap();
    assert_eq!(v["ret"], "1");
    let v: serde_json::Value =
        serde_json::from_slice(h.get(&format!("{API}/webwxpushloginurl?uin=5")).body()).unwrap();
    assert_eq!(v["ret"], "1");
}

#[test]
fn logout_ends_the_session_and_clears_cookies() {
    let mut h = H::new(config());
    let c = h.login();
    let jar = h.jar.clone();
    // itchat's form: GET, no body.
    let r = h.get(&format!(
        "{API}/webwxlogout?redirect=1&type=1&skey={}",
        enc(&c.skey)
    ));
    assert_eq!(r.status(), 200);
    assert!(!h.jar.contains_key("wxsid"));
    assert_eq!(h.sim.live_sessions(0), 0);
    h.jar = jar;
    let v = h.post_json(
        &format!("{API}/webwxsync?sid={}&skey={}", c.sid, c.skey),
        &serde_json::json!({"BaseRequest": base_request(&c), "SyncKey": {"Count": 0, "List": []}}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 1101);
}

#[test]
fn cancel_on_the_phone_gives_202_then_400() {
    let mut h = H::new(config());
    let uuid = h.jslogin();
    assert!(h.sim.cancel(&uuid, h.now).is_err(), "not scanned yet");
    h.sim.scan(&uuid, 0, h.now).unwrap();
    let poll = format!("{API}/login?uuid={uuid}&tip=1");
    assert!(text(&h.get(&poll)).starts_with("window.code=201;"));
    h.sim.cancel(&uuid, h.now).unwrap();
    assert_eq!(text(&h.get(&poll)), "window.code=202;");
    assert_eq!(text(&h.get(&poll)), "window.code=400;");
    assert!(h.sim.confirm(&uuid, h.now).is_err());
}

#[test]
fn throttle_knob_answers_1205() {
    let mut h = H::new(config());
    let c = h.login();
    h.sim.throttle(Some("webwxsync"), 2);
    let url = format!("{API}/webwxsync?sid={}&skey={}", c.sid, c.skey);
    let body =
        serde_json::json!({"BaseRequest": base_request(&c), "SyncKey": {"Count": 0, "List": []}});
    assert_eq!(h.post_json(&url, &body)["BaseResponse"]["Ret"], 1205);
    assert_eq!(h.post_json(&url, &body)["BaseResponse"]["Ret"], 1205);
    assert_eq!(h.post_json(&url, &body)["BaseResponse"]["Ret"], 0);
}
