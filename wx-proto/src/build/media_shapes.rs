//! The media requests against protocol.md §7.2-§8.5, field for field: method, host, path,
//! query keys, body keys (in order where the browser's order is documented), multipart
//! fields, headers. One row per endpoint.

use serde_json::Value;

use super::*;
use crate::client::{Config, Download, Hosts, ImageSize};
use crate::secret::{Secret, Uin};

fn creds() -> Creds {
    Creds {
        uin: Uin(42),
        sid: Secret::new("sid".into()),
        skey: Secret::new("@crypt_1".into()),
        pass_ticket_raw: Secret::new("a%2Bb".into()),
        device_id: "e123456789012345".into(),
    }
}

fn hosts() -> Hosts {
    Hosts {
        login: "https://login.wx.qq.com".into(),
        main: "https://wx.qq.com".into(),
        file: "https://file.wx.qq.com".into(),
        push: "https://webpush.wx.qq.com".into(),
        qr: "https://login.weixin.qq.com".into(),
    }
}

/// What a row expects of one request.
struct Shape {
    method: &'static str,
    host: &'static str,
    path: &'static str,
    query: &'static [&'static str],
    /// Top-level JSON keys, or `Msg` keys after `Msg.`.
    body: &'static [&'static str],
    range: bool,
}

fn query_keys(r: &http::Request<Vec<u8>>) -> Vec<String> {
    r.uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split('=').next().unwrap_or("").to_owned())
        .collect()
}

fn check(name: &str, r: &http::Request<Vec<u8>>, shape: &Shape) {
    assert_eq!(r.method().as_str(), shape.method, "{name}");
    assert_eq!(r.uri().host(), Some(shape.host), "{name}");
    assert_eq!(r.uri().path(), shape.path, "{name}");
    assert_eq!(query_keys(r), shape.query, "{name}");
    assert_eq!(
        r.headers().get(http::header::RANGE).is_some(),
        shape.range,
        "{name}"
    );
    if shape.method == "GET" {
        assert!(r.body().is_empty(), "{name}: a GET has no body");
    }
    let v: Value = serde_json::from_slice(r.body()).unwrap_or(Value::Null);
    for key in shape.body {
        let found = match key.strip_prefix("Msg.") {
            Some(k) => v["Msg"].get(k).is_some(),
            None => v.get(key).is_some(),
        };
        assert!(found, "{name}: no {key} in {v}");
    }
}

/// The field names of a multipart body, in order.
fn form_fields(body: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(body);
    text.match_indices("Content-Disposition: form-data; name=\"")
        .map(|(i, m)| {
            let rest = &text[i + m.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_owned()
        })
        .collect()
}

fn form_value(body: &[u8], field: &str) -> String {
    let text = String::from_utf8_lossy(body);
    let head = format!("name=\"{field}\"\r\n\r\n");
    let start = text.find(&head).map_or(0, |i| i + head.len());
    text[start..start + text[start..].find("\r\n").unwrap_or(0)].to_owned()
}

const SEND_QUERY: &[&str] = &["fun", "f", "lang", "pass_ticket"];
const MSG: &[&str] = &[
    "BaseRequest",
    "Scene",
    "Msg.Type",
    "Msg.MediaId",
    "Msg.Content",
    "Msg.FromUserName",
    "Msg.ToUserName",
    "Msg.LocalID",
    "Msg.ClientMsgId",
];

#[test]
fn uploadmediarequest_and_the_form_follow_the_browser() {
    let (config, hosts, creds) = (Config::default(), hosts(), creds());
    let ctx = Ctx {
        config: &config,
        hosts: &hosts,
        wall_ms: 1_600_000_000_123,
    };
    let text = upload_media_request(
        &creds,
        1_600_000_000_123,
        3_213_741,
        "@me",
        "@to",
        "0123456789abcdef0123456789abcdef",
        None,
        None,
    );
    let order = [
        "UploadType",
        "BaseRequest",
        "ClientMediaId",
        "TotalLen",
        "StartPos",
        "DataLen",
        "MediaType",
        "FromUserName",
        "ToUserName",
        "FileMd5",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|k| text.find(&format!("\"{k}\":")).unwrap_or(usize::MAX))
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "keys out of the browser's order: {text}"
    );
    let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    assert_eq!(
        (v["UploadType"].as_u64(), v["MediaType"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(
        (
            v["StartPos"].as_u64(),
            v["DataLen"].as_u64(),
            v["TotalLen"].as_u64()
        ),
        (Some(0), Some(3_213_741), Some(3_213_741))
    );
    assert!(v.get("AESKey").is_none());
    let big = upload_media_request(
        &creds,
        1,
        30_000_000,
        "@me",
        "@to",
        "0",
        Some("K"),
        Some("S"),
    );
    let v: Value = serde_json::from_str(&big).unwrap_or(Value::Null);
    assert_eq!(
        (v["AESKey"].as_str(), v["Signature"].as_str()),
        (Some("K"), Some("S"))
    );

    let form = UploadForm {
        file_number: 3,
        name: "a \"b\".jpg",
        mime: "image/jpeg",
        size: 3_213_741,
        media_type: "pic",
        request: &text,
        data_ticket: "T+1",
        last_modified: "Sat Jun 23 2018 16:45:07 GMT+0800 (China Standard Time)",
    };
    let one = upload_chunk(&ctx, &creds, &form, None, b"DATA", "----B");
    check(
        "webwxuploadmedia",
        &one,
        &Shape {
            method: "POST",
            host: "file.wx.qq.com",
            path: "/cgi-bin/mmwebwx-bin/webwxuploadmedia",
            query: &["f"],
            body: &[],
            range: false,
        },
    );
    assert_eq!(
        form_fields(one.body()),
        [
            "id",
            "name",
            "type",
            "lastModifiedDate",
            "size",
            "mediatype",
            "uploadmediarequest",
            "webwx_data_ticket",
            "pass_ticket",
            "filename"
        ]
    );
    let several = upload_chunk(&ctx, &creds, &form, Some((7, 2)), b"DATA", "----B");
    assert_eq!(
        form_fields(several.body()),
        [
            "id",
            "name",
            "type",
            "lastModifiedDate",
            "size",
            "chunks",
            "chunk",
            "mediatype",
            "uploadmediarequest",
            "webwx_data_ticket",
            "pass_ticket",
            "filename"
        ]
    );
    let body = several.body();
    assert_eq!(form_value(body, "id"), "WU_FILE_3");
    assert_eq!(
        (form_value(body, "chunks"), form_value(body, "chunk")),
        ("7".into(), "2".into())
    );
    assert_eq!(form_value(body, "pass_ticket"), "a+b", "decoded (OFF)");
    assert_eq!(form_value(body, "uploadmediarequest"), text);
    let text_body = String::from_utf8_lossy(body);
    assert!(text_body.contains(
        "filename=\"a %22b%22.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nDATA\r\n------B--\r\n"
    ));
    assert_eq!(
        several
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("multipart/form-data; boundary=----B")
    );
}

#[test]
fn the_sends_and_checkupload_match_the_reference() {
    let (config, hosts, creds) = (Config::default(), hosts(), creds());
    let ctx = Ctx {
        config: &config,
        hosts: &hosts,
        wall_ms: 1,
    };
    let msg = |t, content| MediaMsg {
        msg_type: t,
        media_id: "@m",
        content,
        emoticon_md5: None,
        signature: None,
    };
    let rows: [(&str, Endpoint, MediaMsg<'_>, &[&str]); 3] = [
        (
            "webwxsendmsgimg",
            Endpoint::SendMsgImg,
            msg(3, ""),
            SEND_QUERY,
        ),
        (
            "webwxsendvideomsg",
            Endpoint::SendVideoMsg,
            msg(43, ""),
            SEND_QUERY,
        ),
        (
            "webwxsendappmsg",
            Endpoint::SendAppMsg,
            MediaMsg {
                signature: Some("S"),
                ..msg(6, "<appmsg/>")
            },
            SEND_QUERY,
        ),
    ];
    for (name, endpoint, m, query) in rows {
        let r = send_media(&ctx, &creds, endpoint, "@me", "@to", &m, "17", 0);
        let path = format!("/cgi-bin/mmwebwx-bin/{name}");
        let shape = Shape {
            method: "POST",
            host: "wx.qq.com",
            path: Box::leak(path.into_boxed_str()),
            query,
            body: MSG,
            range: false,
        };
        check(name, &r, &shape);
        let v: Value = serde_json::from_slice(r.body()).unwrap_or(Value::Null);
        assert_eq!(
            v["Msg"]["Type"].as_u64(),
            Some(u64::from(m.msg_type)),
            "{name}"
        );
        assert_eq!(v["Msg"]["Signature"].as_str(), m.signature, "{name}");
    }
    // Stickers: fun=sys, EmojiFlag 2, by MediaId or by md5.
    let by_id = send_media(
        &ctx,
        &creds,
        Endpoint::SendEmoticon,
        "@me",
        "@to",
        &msg(47, ""),
        "17",
        0,
    );
    assert_eq!(query_keys(&by_id), ["fun", "lang", "pass_ticket"]);
    assert!(by_id.uri().query().unwrap_or("").starts_with("fun=sys&"));
    let v: Value = serde_json::from_slice(by_id.body()).unwrap_or(Value::Null);
    assert_eq!(
        (v["Msg"]["EmojiFlag"].as_u64(), v["Msg"]["MediaId"].as_str()),
        (Some(2), Some("@m"))
    );
    let by_md5 = send_media(
        &ctx,
        &creds,
        Endpoint::SendEmoticon,
        "@me",
        "@to",
        &MediaMsg {
            emoticon_md5: Some("abc"),
            ..msg(47, "")
        },
        "17",
        2,
    );
    let v: Value = serde_json::from_slice(by_md5.body()).unwrap_or(Value::Null);
    assert_eq!(
        (
            v["Msg"]["EMoticonMd5"].as_str(),
            v["Msg"].get("MediaId"),
            v["Scene"].as_u64()
        ),
        (Some("abc"), None, Some(2))
    );
    // Desktop mode adds mod=desktop to the file send.
    let desktop = Config {
        desktop: true,
        ..Config::default()
    };
    let dctx = Ctx {
        config: &desktop,
        hosts: &hosts,
        wall_ms: 1,
    };
    let r = send_media(
        &dctx,
        &creds,
        Endpoint::SendAppMsg,
        "@me",
        "@to",
        &msg(6, ""),
        "17",
        0,
    );
    assert_eq!(query_keys(&r), ["fun", "f", "mod", "lang", "pass_ticket"]);

    let r = check_upload(&ctx, &creds, "@me", "@to", 30_000_000, "0123", "a.zip");
    check(
        "webwxcheckupload",
        &r,
        &Shape {
            method: "POST",
            host: "wx.qq.com",
            path: "/cgi-bin/mmwebwx-bin/webwxcheckupload",
            query: &["lang", "pass_ticket"],
            body: &[
                "BaseRequest",
                "FromUserName",
                "ToUserName",
                "FileSize",
                "FileMd5",
                "FileName",
                "FileType",
            ],
            range: false,
        },
    );
    let v: Value = serde_json::from_slice(r.body()).unwrap_or(Value::Null);
    assert_eq!(v["FileType"].as_u64(), Some(7));
}

#[test]
fn the_downloads_match_the_reference() {
    let (config, hosts, creds) = (Config::default(), hosts(), creds());
    let ctx = Ctx {
        config: &config,
        hosts: &hosts,
        wall_ms: 1,
    };
    let api = "/cgi-bin/mmwebwx-bin/";
    let rows: Vec<(Download, &str, &str, &[&str], bool)> = vec![
        (
            Download::Image {
                msg_id: "1".into(),
                size: ImageSize::Original,
            },
            "wx.qq.com",
            "webwxgetmsgimg",
            &["MsgID", "skey"],
            false,
        ),
        (
            Download::Image {
                msg_id: "1".into(),
                size: ImageSize::Thumbnail,
            },
            "wx.qq.com",
            "webwxgetmsgimg",
            &["MsgID", "skey", "type"],
            false,
        ),
        (
            Download::Voice { msg_id: "1".into() },
            "wx.qq.com",
            "webwxgetvoice",
            &["msgid", "skey"],
            true,
        ),
        (
            Download::Video { msg_id: "1".into() },
            "wx.qq.com",
            "webwxgetvideo",
            &["msgid", "skey"],
            true,
        ),
        (
            Download::File {
                sender: "@@g".into(),
                media_id: "@crypt_m".into(),
                encry_file_name: "a%2Epdf".into(),
            },
            "file.wx.qq.com",
            "webwxgetmedia",
            &[
                "sender",
                "mediaid",
                "encryfilename",
                "fromuser",
                "pass_ticket",
                "webwx_data_ticket",
            ],
            false,
        ),
        (
            Download::Avatar {
                user_name: "@u".into(),
                head_img_url: None,
                chatroom_id: None,
            },
            "wx.qq.com",
            "webwxgeticon",
            &["seq", "username", "skey"],
            false,
        ),
        (
            Download::Avatar {
                user_name: "@u".into(),
                head_img_url: None,
                chatroom_id: Some("@r".into()),
            },
            "wx.qq.com",
            "webwxgeticon",
            &["seq", "username", "skey", "chatroomid"],
            false,
        ),
        (
            Download::Avatar {
                user_name: "@@g".into(),
                head_img_url: None,
                chatroom_id: None,
            },
            "wx.qq.com",
            "webwxgetheadimg",
            &["seq", "username", "skey"],
            false,
        ),
        (
            Download::Avatar {
                user_name: "@u".into(),
                head_img_url: Some(
                    "/cgi-bin/mmwebwx-bin/webwxgeticon?seq=7&username=@u&skey=".into(),
                ),
                chatroom_id: None,
            },
            "wx.qq.com",
            "webwxgeticon",
            &["seq", "username", "skey"],
            false,
        ),
    ];
    for (what, host, name, query, range) in rows {
        let (endpoint, r) = download(&ctx, &creds, "T+1", &what);
        assert_eq!(endpoint.name(), name);
        assert!(endpoint.streams_body());
        let path = format!("{api}{name}");
        let shape = Shape {
            method: "GET",
            host,
            path: Box::leak(path.into_boxed_str()),
            query,
            body: &[],
            range,
        };
        check(name, &r, &shape);
    }
    let (_, r) = download(
        &ctx,
        &creds,
        "T+1",
        &Download::File {
            sender: "@s".into(),
            media_id: "m".into(),
            encry_file_name: "e".into(),
        },
    );
    let q = r.uri().query().unwrap_or("");
    assert!(
        q.contains("fromuser=42") && q.contains("webwx_data_ticket=T%2B1"),
        "{q}"
    );
    // A HeadImgUrl that is not one of ours is not followed.
    let (_, r) = download(
        &ctx,
        &creds,
        "",
        &Download::Avatar {
            user_name: "@u".into(),
            head_img_url: Some("https://evil.example/x".into()),
            chatroom_id: None,
        },
    );
    assert_eq!(r.uri().host(), Some("wx.qq.com"));
    assert!(r.uri().query().unwrap_or("").starts_with("seq=0&"));
}
