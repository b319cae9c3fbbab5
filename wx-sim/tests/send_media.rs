//! Sending, uploading, downloading and revoking, against the samples.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use http::Method;
use serde_json::{Value, json};
use std::time::Duration;
use wx_sim::{Body, Push};

fn send_url(c: &Creds, ep: &str) -> String {
    format!(
        "{API}/{ep}?fun=async&f=json&lang=zh_CN&pass_ticket={}",
        enc(&c.pass_ticket)
    )
}

fn friend(h: &H, i: usize) -> String {
    h.sim.world().accounts[0]
        .friends()
        .nth(i)
        .unwrap()
        .user_name
        .clone()
}

#[test]
fn sendmsg_matches_the_samples_and_tolerates_client_variants() {
    if !common::fixtures_present() {
        return;
    }
    let mut h = H::new(config());
    let c = h.login();
    let to = friend(&h, 0);
    let msg = json!({"Type": 1, "Content": "hello\nworld <&>", "FromUserName": c.user_name, "ToUserName": to, "LocalID": "15462147414160521", "ClientMsgId": "15462147414160521"});
    let r = h.post(
        &send_url(&c, "webwxsendmsg"),
        &json!({"BaseRequest": base_request(&c), "Msg": msg, "Scene": 0}),
    );
    let ours = text(&r);
    assert_eq!(
        layout(&ours),
        layout(fixture_text("webwxsendmsg/qjesus-capture.json").trim_end())
    );
    let v: Value = serde_json::from_str(&ours).unwrap();
    assert_shape("webwxsendmsg/wwdk-doc-anon.json", &v);
    assert_eq!(v["LocalID"], "15462147414160521");
    // The same ClientMsgId again (a retry), as a number (itchat sends ms*10): accepted, new MsgID.
    let msg2 = json!({"Type": 1, "Content": "hello", "FromUserName": c.user_name, "ToUserName": to, "LocalID": 15462147414160521u64, "ClientMsgId": 15462147414160521u64});
    let v2 = h.post_json(
        &send_url(&c, "webwxsendmsg"),
        &json!({"BaseRequest": base_request(&c), "Msg": msg2}),
    );
    assert_eq!(v2["BaseResponse"]["Ret"], 0);
    assert_ne!(v2["MsgID"], v["MsgID"]);
    let sent = h.sim.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].content, "hello\nworld <&>");
    assert_eq!(sent[0].to, to);
    // The send comes back through webwxsync from ourselves, escaped.
    let s = h.post_json(
        &format!("{API}/webwxsync?sid={}&skey={}", c.sid, c.skey),
        &json!({"BaseRequest": base_request(&c), "SyncKey": {"Count": 0, "List": []}}),
    );
    let echo = s["AddMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["MsgId"] == v["MsgID"])
        .unwrap();
    assert_eq!(echo["FromUserName"], c.user_name.as_str());
    assert_eq!(echo["Content"], "hello<br/>world &lt;&amp;&gt;");
    // Refusals: unknown receiver, no Msg, unknown MediaId.
    let bad =
        json!({"Type": 1, "Content": "x", "FromUserName": c.user_name, "ToUserName": "@nobody"});
    assert_eq!(
        h.post_json(
            &send_url(&c, "webwxsendmsg"),
            &json!({"BaseRequest": base_request(&c), "Msg": bad})
        )["BaseResponse"]["Ret"],
        1
    );
    assert_eq!(
        h.post_json(
            &send_url(&c, "webwxsendmsg"),
            &json!({"BaseRequest": base_request(&c)})
        )["BaseResponse"]["Ret"],
        1
    );
    let img = json!({"Type": 3, "MediaId": "@crypt_nope", "Content": "", "FromUserName": c.user_name, "ToUserName": to});
    assert_eq!(
        h.post_json(
            &send_url(&c, "webwxsendmsgimg"),
            &json!({"BaseRequest": base_request(&c), "Msg": img})
        )["BaseResponse"]["Ret"],
        1
    );
    // Sending to filehelper and to a group works.
    let group = h.sim.world().accounts[0]
        .groups()
        .next()
        .unwrap()
        .user_name
        .clone();
    for to in ["filehelper".to_string(), group] {
        let m = json!({"Type": 1, "Content": "x", "FromUserName": c.user_name, "ToUserName": to, "LocalID": "1", "ClientMsgId": "1"});
        assert_eq!(
            h.post_json(
                &send_url(&c, "webwxsendmsg"),
                &json!({"BaseRequest": base_request(&c), "Msg": m})
            )["BaseResponse"]["Ret"],
            0
        );
    }
}

fn multipart(fields: &[(&str, String)], file: &[u8], name: &str) -> (String, Vec<u8>) {
    let boundary = "----WebKitFormBoundaryAbC123";
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    b.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    b.extend_from_slice(file);
    b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), b)
}

#[allow(clippy::too_many_arguments)]
fn upload_chunk(
    h: &mut H,
    c: &Creds,
    to: &str,
    name: &str,
    all: &[u8],
    chunk: Option<(usize, usize)>,
    data: &[u8],
    mediatype: &str,
) -> Value {
    let req = json!({"UploadType": 2, "BaseRequest": base_request(c), "ClientMediaId": 1700000000123u64, "TotalLen": all.len(), "StartPos": 0, "DataLen": all.len(), "MediaType": 4, "FromUserName": c.user_name, "ToUserName": to, "FileMd5": wx_sim::md5::hex(all)});
    let mut fields = vec![
        ("id", "WU_FILE_0".to_string()),
        ("name", name.to_string()),
        ("type", "image/jpeg".to_string()),
        (
            "lastModifiedDate",
            "Sat Jun 23 2018 16:45:07 GMT+0800 (CST)".to_string(),
        ),
        ("size", all.len().to_string()),
    ];
    if let Some((i, n)) = chunk {
        fields.push(("chunks", n.to_string()));
        fields.push(("chunk", i.to_string()));
    }
    fields.push(("mediatype", mediatype.to_string()));
    fields.push(("uploadmediarequest", req.to_string()));
    fields.push(("webwx_data_ticket", h.jar["webwx_data_ticket"].clone()));
    fields.push(("pass_ticket", "undefined".to_string()));
    let (ct, body) = multipart(&fields, data, name);
    let mut r = h.request(
        Method::POST,
        &format!("{API}/webwxuploadmedia?f=json"),
        body,
    );
    r.headers_mut().insert("content-type", ct.parse().unwrap());
    serde_json::from_slice(h.send(r).body()).unwrap()
}

#[test]
fn chunked_upload_gives_the_media_id_on_the_last_chunk_only() {
    let mut h = H::new(config());
    let c = h.login();
    let to = friend(&h, 1);
    let file: Vec<u8> = (0..1_200_000u32).map(|i| (i % 251) as u8).collect();
    let chunks: Vec<&[u8]> = file.chunks(524_288).collect();
    assert_eq!(chunks.len(), 3);
    let mut last = Value::Null;
    for (i, part) in chunks.iter().enumerate() {
        last = upload_chunk(
            &mut h,
            &c,
            &to,
            "IMG_1854.JPG",
            &file,
            Some((i, 3)),
            part,
            "pic",
        );
        assert_eq!(last["BaseResponse"]["Ret"], 0);
        let done = i == 2;
        assert_eq!(
            last["MediaId"].as_str().unwrap().is_empty(),
            !done,
            "chunk {i}: {last}"
        );
        assert_eq!(
            last["StartPos"].as_u64().unwrap() as usize,
            chunks[..=i].iter().map(|p| p.len()).sum::<usize>()
        );
    }
    for f in [
        "webwxuploadmedia/qjesus-capture-pic.json",
        "webwxuploadmedia/wwdk-doc-anon.jsonc",
    ] {
        assert_shape(f, &last);
    }
    assert_eq!(last["EncryFileName"], "IMG%5F1854%2EJPG");
    let media_id = last["MediaId"].as_str().unwrap().to_string();
    // Send it; then the image can be downloaded by the MsgID.
    let msg = json!({"Type": 3, "MediaId": media_id, "Content": "", "FromUserName": c.user_name, "ToUserName": to, "LocalID": "2", "ClientMsgId": "2"});
    let v = h.post_json(
        &send_url(&c, "webwxsendmsgimg"),
        &json!({"BaseRequest": base_request(&c), "Msg": msg, "Scene": 0}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    let img = h.get(&format!(
        "{API}/webwxgetmsgimg?&MsgID={}&skey={}",
        v["MsgID"].as_str().unwrap(),
        enc(&c.skey)
    ));
    assert_eq!(img.body().len(), file.len());
    // A file as an appmsg, a video, an emoticon by md5.
    let appmsg = format!(
        "<appmsg appid='wxeb7ec651dd0aefa9' sdkver=''><title>a.bin</title><des></des><action></action><type>6</type><content></content><url></url><lowurl></lowurl><appattach><totallen>{}</totallen><attachid>{media_id}</attachid><fileext>bin</fileext></appattach><extinfo></extinfo></appmsg>",
        file.len()
    );
    let m = json!({"Type": 6, "Content": appmsg, "FromUserName": c.user_name, "ToUserName": to, "LocalID": "3", "ClientMsgId": "3"});
    assert_eq!(
        h.post_json(
            &send_url(&c, "webwxsendappmsg"),
            &json!({"BaseRequest": base_request(&c), "Msg": m})
        )["BaseResponse"]["Ret"],
        0
    );
    let m = json!({"Type": 43, "MediaId": media_id, "Content": "", "FromUserName": c.user_name, "ToUserName": to, "LocalID": "4", "ClientMsgId": "4"});
    assert_eq!(
        h.post_json(
            &send_url(&c, "webwxsendvideomsg"),
            &json!({"BaseRequest": base_request(&c), "Msg": m})
        )["BaseResponse"]["Ret"],
        0
    );
    let m = json!({"Type": 47, "EmojiFlag": 2, "EMoticonMd5": "0123456789abcdef0123456789abcdef", "FromUserName": c.user_name, "ToUserName": to, "LocalID": "5", "ClientMsgId": "5"});
    assert_eq!(
        h.post_json(
            &format!("{API}/webwxsendemoticon?fun=sys"),
            &json!({"BaseRequest": base_request(&c), "Msg": m})
        )["BaseResponse"]["Ret"],
        0
    );
    let m = json!({"Type": 47, "EmojiFlag": 2, "FromUserName": c.user_name, "ToUserName": to});
    assert_eq!(
        h.post_json(
            &format!("{API}/webwxsendemoticon?fun=sys"),
            &json!({"BaseRequest": base_request(&c), "Msg": m})
        )["BaseResponse"]["Ret"],
        1
    );
    assert_eq!(
        h.sim
            .sent()
            .iter()
            .map(|s| s.endpoint.as_str())
            .collect::<Vec<_>>(),
        [
            "webwxsendmsgimg",
            "webwxsendappmsg",
            "webwxsendvideomsg",
            "webwxsendemoticon"
        ]
    );
}

#[test]
fn upload_refusals() {
    let mut h = H::new(config());
    let c = h.login();
    let to = friend(&h, 0);
    let file = vec![7u8; 100];
    // A single small file: no chunk fields, MediaId at once.
    let v = upload_chunk(&mut h, &c, &to, "a.txt", &file, None, &file, "doc");
    assert!(v["MediaId"].as_str().unwrap().starts_with("@crypt_"));
    assert_eq!(v["CDNThumbImgHeight"], 0);
    // Out of order chunk.
    let v = upload_chunk(&mut h, &c, &to, "b.txt", &file, Some((1, 2)), &file, "doc");
    assert_eq!(v["BaseResponse"]["Ret"], 1);
    // Wrong data ticket in the form and in the cookie.
    h.jar.insert("webwx_data_ticket".into(), "wrong".into());
    let v = upload_chunk(&mut h, &c, &to, "c.txt", &file, None, &file, "doc");
    assert_eq!(v["BaseResponse"]["Ret"], 1);
    // Not multipart at all.
    let r = h.post(&format!("{API}/webwxuploadmedia?f=json"), &json!({}));
    assert_eq!(
        serde_json::from_slice::<Value>(r.body()).unwrap()["BaseResponse"]["Ret"],
        1200
    );
}

#[test]
fn checkupload_answers_with_keys() {
    let mut h = H::new(config());
    let c = h.login();
    let body = json!({"BaseRequest": base_request(&c), "FromUserName": c.user_name, "ToUserName": friend(&h, 0), "FileSize": 30_000_000, "FileMd5": "0123", "FileName": "big.zip", "FileType": 7});
    let v = h.post_json(&format!("{API}/webwxcheckupload"), &body);
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    assert_eq!(v["MediaId"], "");
    assert_eq!(v["AESKey"].as_str().unwrap().len(), 32);
    assert!(!v["Signature"].as_str().unwrap().is_empty());
    assert_eq!(v["EncryFileName"], "big%2Ezip");
    let v = h.post_json(
        &format!("{API}/webwxcheckupload"),
        &json!({"BaseRequest": base_request(&c), "FileSize": 0}),
    );
    assert_eq!(v["BaseResponse"]["Ret"], 1);
}

#[test]
fn downloads_serve_pushed_media_and_honour_range() {
    let mut h = H::new(config());
    let c = h.login();
    let now = h.now;
    let img = h.sim.push(&Push::default(), &Body::Image, now).unwrap();
    let voice = h
        .sim
        .push(&Push::default(), &Body::Voice { ms: 2000 }, now)
        .unwrap();
    let video = h
        .sim
        .push(
            &Push::default(),
            &Body::Video {
                secs: 2,
                size: 10_000,
            },
            now,
        )
        .unwrap();
    let file = h
        .sim
        .push(
            &Push::default(),
            &Body::File {
                name: "report.pdf".into(),
                size: 3000,
            },
            now,
        )
        .unwrap();
    let sk = enc(&c.skey);
    let r = h.get(&format!(
        "{API}/webwxgetmsgimg?&MsgID={img}&skey={sk}&type=slave"
    ));
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(&r.body()[..3], &[0xFF, 0xD8, 0xFF]);
    let r = h.get(&format!("{API}/webwxgetvoice?msgid={voice}&skey={sk}"));
    assert_eq!(r.headers()["content-type"], "audio/mp3");
    assert!(r.body().starts_with(b"ID3"));
    // Video: Range bytes=0- gives 206 with Content-Range, as captured.
    let mut req = h.request(
        Method::GET,
        &format!("{API}/webwxgetvideo?msgid={video}&skey={sk}"),
        Vec::new(),
    );
    req.headers_mut()
        .insert("range", "bytes=0-".parse().unwrap());
    let r = h.send(req);
    assert_eq!(r.status(), 206);
    assert_eq!(r.headers()["content-range"], "bytes 0-9999/10000");
    assert_eq!(r.headers()["content-type"], "video/mp4");
    let mut req = h.request(
        Method::GET,
        &format!("{API}/webwxgetvideo?msgid={video}&skey={sk}"),
        Vec::new(),
    );
    req.headers_mut()
        .insert("range", "bytes=100-199".parse().unwrap());
    let r = h.send(req);
    assert_eq!((r.status().as_u16(), r.body().len()), (206, 100));
    let mut req = h.request(
        Method::GET,
        &format!("{API}/webwxgetvideo?msgid={video}&skey={sk}"),
        Vec::new(),
    );
    req.headers_mut()
        .insert("range", "bytes=20000-".parse().unwrap());
    assert_eq!(h.send(req).status(), 416);
    // Attachment on the file host, by the data ticket.
    let s = h.post_json(
        &format!("{API}/webwxsync?sid={}&skey={}", c.sid, c.skey),
        &json!({"BaseRequest": base_request(&c), "SyncKey": {"Count": 0, "List": []}}),
    );
    let m = s["AddMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["MsgId"] == file.as_str())
        .unwrap()
        .clone();
    let ticket = h.jar["webwx_data_ticket"].clone();
    let url = format!(
        "{API}/webwxgetmedia?sender={}&mediaid={}&encryfilename={}&fromuser={}&pass_ticket=undefined&webwx_data_ticket={}",
        m["FromUserName"].as_str().unwrap(),
        m["MediaId"].as_str().unwrap(),
        m["EncryFileName"].as_str().unwrap(),
        c.uin,
        enc(&ticket)
    );
    let r = h.get(&url);
    assert_eq!(r.body().len(), 3000);
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"report.pdf\""
    );
    // Avatars.
    let me = h.get(&format!(
        "{API}/webwxgeticon?seq=0&username={}&skey={sk}",
        c.user_name
    ));
    assert_eq!(me.headers()["content-type"], "image/jpeg");
    // Refusals: no cookies, unknown id.
    h.jar.clear();
    assert!(
        h.get(&format!("{API}/webwxgetmsgimg?MsgID={img}&skey={sk}"))
            .body()
            .is_empty()
    );
    assert!(h.get(&url.replace(&enc(&ticket), "nope")).body().is_empty());
}

#[test]
fn revoke_only_within_two_minutes() {
    if !common::fixtures_present() {
        return;
    }
    let mut h = H::new(config());
    let c = h.login();
    let to = friend(&h, 0);
    let send = |h: &mut H| {
        let m = json!({"Type": 1, "Content": "oops", "FromUserName": c.user_name, "ToUserName": to, "LocalID": "9", "ClientMsgId": "9"});
        h.post_json(
            &send_url(&c, "webwxsendmsg"),
            &json!({"BaseRequest": base_request(&c), "Msg": m}),
        )["MsgID"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let id = send(&mut h);
    h.now += Duration::from_secs(100);
    let body = |id: &str| json!({"BaseRequest": base_request(&c), "SvrMsgId": id, "ToUserName": to, "ClientMsgId": "9"});
    let v = h.post_json(&format!("{API}/webwxrevokemsg?lang=zh_CN"), &body(&id));
    assert_shape("webwxrevokemsg/wwdk-doc-anon.json", &v);
    assert_eq!(v["BaseResponse"]["Ret"], 0);
    assert_eq!(
        v["Introduction"],
        fixture_json("webwxrevokemsg/wwdk-doc-anon.json")["Introduction"]
    );
    assert!(h.sim.sent()[0].revoked);
    let late = send(&mut h);
    h.now += Duration::from_secs(121);
    assert_eq!(
        h.post_json(&format!("{API}/webwxrevokemsg"), &body(&late))["BaseResponse"]["Ret"],
        -1
    );
    assert_eq!(
        h.post_json(&format!("{API}/webwxrevokemsg"), &body("123"))["BaseResponse"]["Ret"],
        1
    );
}
