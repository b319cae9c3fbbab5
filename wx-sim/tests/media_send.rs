//! Media sends checked against what was uploaded and pushed (protocol.md §7.4-§7.7), and
//! recorded with their Type, MediaId, Content, Signature, EMoticonMd5 and Scene.
#![allow(clippy::unwrap_used)]

mod common;

use common::media::{Up, pattern, ret};
use common::*;
use serde_json::{Value, json};
use wx_sim::{Media, MediaKind, Push, Refusal};

fn friend(h: &H) -> String {
    h.sim.world().accounts[0]
        .friends()
        .next()
        .unwrap()
        .user_name
        .clone()
}

fn send(h: &mut H, c: &Creds, ep: &str, msg: Value, scene: u32) -> Value {
    h.post_json(
        &format!("{API}/{ep}?fun=async&f=json&lang=zh_CN"),
        &json!({"BaseRequest": base_request(c), "Msg": msg, "Scene": scene}),
    )
}

fn appmsg(name: &str, len: usize, attach: &str) -> String {
    format!(
        "<appmsg appid='wxeb7ec651dd0aefa9' sdkver=''><title>{name}</title><des></des><action></action><type>6</type><content></content><url></url><lowurl></lowurl><appattach><totallen>{len}</totallen><attachid>{attach}</attachid><fileext>bin</fileext></appattach><extinfo></extinfo></appmsg>"
    )
}

#[test]
fn sends_need_a_media_id_that_was_uploaded() {
    let mut h = H::new(config());
    let c = h.login();
    let to = friend(&h);
    let file = pattern(1000);
    let id = Up::new("a.jpg", "pic", &to, &file).all(&mut h, &c, &file)["MediaId"]
        .as_str()
        .unwrap()
        .to_string();
    let media = |t: u32, id: &str| json!({"Type": t, "MediaId": id, "Content": "", "FromUserName": c.user_name, "ToUserName": to, "LocalID": "1", "ClientMsgId": "1"});
    for (ep, t) in [
        ("webwxsendmsgimg", 3),
        ("webwxsendvideomsg", 43),
        ("webwxsendemoticon", 47),
    ] {
        let v = send(&mut h, &c, ep, media(t, "@crypt_never_uploaded"), 0);
        assert_eq!(ret(&v), 1, "{ep}");
        assert_eq!(
            h.sim.last_refusal(),
            Some(&Refusal::UnknownMediaId {
                media_id: "@crypt_never_uploaded".into()
            })
        );
        assert_eq!(ret(&send(&mut h, &c, ep, media(t, &id), 0)), 0, "{ep}");
    }
    // A MsgId is not a MediaId.
    let msg_id = h.sim.sent()[0].msg_id.clone();
    assert_eq!(
        ret(&send(&mut h, &c, "webwxsendmsgimg", media(3, &msg_id), 0)),
        1
    );
    // A forward: no MediaId, the old Content, Scene 2.
    let fwd = json!({"Type": 3, "MediaId": "", "Content": "<msg><img md5=\"x\"/></msg>", "FromUserName": c.user_name, "ToUserName": to, "LocalID": "2", "ClientMsgId": "2"});
    assert_eq!(ret(&send(&mut h, &c, "webwxsendmsgimg", fwd, 2)), 0);
    let s = h.sim.sent().last().unwrap();
    assert_eq!((s.msg_type, s.scene, s.media_id.as_str()), (3, 2, ""));
    assert_eq!(s.content, "<msg><img md5=\"x\"/></msg>");
    // Neither MediaId nor Content.
    assert_eq!(
        ret(&send(&mut h, &c, "webwxsendmsgimg", media(3, ""), 0)),
        1
    );
    assert_eq!(h.sim.last_refusal(), Some(&Refusal::NothingToSend));
    // The sends are recorded with what they carried.
    let s = &h.sim.sent()[0];
    assert_eq!(
        (
            s.endpoint.as_str(),
            s.msg_type,
            s.media_id.as_str(),
            s.scene
        ),
        ("webwxsendmsgimg", 3, id.as_str(), 0)
    );
}

#[test]
fn appmsg_attachid_must_be_a_known_media_id() {
    let mut h = H::new(config());
    let c = h.login();
    let to = friend(&h);
    let file = pattern(3000);
    let id = Up::new("a.bin", "doc", &to, &file).all(&mut h, &c, &file)["MediaId"]
        .as_str()
        .unwrap()
        .to_string();
    let msg = |content: String| json!({"Type": 6, "Content": content, "FromUserName": c.user_name, "ToUserName": to, "LocalID": "1", "ClientMsgId": "1"});
    let v = send(
        &mut h,
        &c,
        "webwxsendappmsg",
        msg(appmsg("a.bin", 3000, "@crypt_nope")),
        0,
    );
    assert_eq!(ret(&v), 1);
    assert_eq!(
        h.sim.last_refusal(),
        Some(&Refusal::UnknownAttachId {
            attach_id: "@crypt_nope".into()
        })
    );
    let v = send(&mut h, &c, "webwxsendappmsg", msg("<appmsg/>".into()), 0);
    assert_eq!(ret(&v), 1);
    let v = send(
        &mut h,
        &c,
        "webwxsendappmsg",
        msg(appmsg("a.bin", 3000, &id)),
        0,
    );
    assert_eq!(ret(&v), 0);
    // Forwarding a received attachment: its MediaId (from a push) is known too.
    let now = h.now;
    let p = h
        .sim
        .plant(
            &Push::default(),
            Media::new(MediaKind::File, pattern(10)).named("r.pdf"),
            now,
        )
        .unwrap();
    let v = send(
        &mut h,
        &c,
        "webwxsendappmsg",
        msg(appmsg("r.pdf", 10, &p.media_id)),
        2,
    );
    assert_eq!(ret(&v), 0);
    assert_eq!(h.sim.sent().last().unwrap().scene, 2);
    // A link (Type 5) has no attachment to check.
    let link = json!({"Type": 5, "Content": "<appmsg><type>5</type><url>http://x</url></appmsg>", "FromUserName": c.user_name, "ToUserName": to});
    assert_eq!(ret(&send(&mut h, &c, "webwxsendappmsg", link, 2)), 0);
}

#[test]
fn emoticons_by_md5_known_or_well_formed() {
    let mut h = H::new(config());
    let c = h.login();
    let to = friend(&h);
    let gif = b"GIF89a\x01\x00\x01\x00 fake sticker".to_vec();
    let now = h.now;
    let p = h
        .sim
        .plant(
            &Push::default(),
            Media::new(MediaKind::Sticker, gif.clone()),
            now,
        )
        .unwrap();
    assert_eq!(p.md5_hex, wx_sim::md5::hex(&gif));
    let by_md5 = |md5: &str| json!({"Type": 47, "EmojiFlag": 2, "EMoticonMd5": md5, "FromUserName": c.user_name, "ToUserName": to, "LocalID": "1", "ClientMsgId": "1"});
    assert_eq!(
        ret(&send(
            &mut h,
            &c,
            "webwxsendemoticon",
            by_md5(&p.md5_hex),
            0
        )),
        0
    );
    let s = h.sim.sent().last().unwrap();
    assert_eq!(
        (s.msg_type, s.emoticon_md5.as_str()),
        (47, p.md5_hex.as_str())
    );
    // An md5 the simulator never saw but shaped like one: the store has stickers we don't.
    let unknown = "00112233445566778899aabbccddeeff";
    assert_eq!(
        ret(&send(&mut h, &c, "webwxsendemoticon", by_md5(unknown), 0)),
        0
    );
    for bad in [
        "abc",
        "zz112233445566778899aabbccddeeff",
        "../../etc/passwd",
    ] {
        assert_eq!(
            ret(&send(&mut h, &c, "webwxsendemoticon", by_md5(bad), 0)),
            1
        );
        assert_eq!(
            h.sim.last_refusal(),
            Some(&Refusal::BadEmoticonMd5 { md5: bad.into() })
        );
    }
    // The sticker of a pushed emoticon (no bytes given) is known as well.
    let now = h.now;
    h.sim
        .push(&Push::default(), &wx_sim::Body::Emoticon, now)
        .unwrap();
    let s = h.post_json(
        &format!("{API}/webwxsync?sid={}&skey={}", c.sid, c.skey),
        &json!({"BaseRequest": base_request(&c), "SyncKey": {"Count": 0, "List": []}}),
    );
    let last = s["AddMsgList"].as_array().unwrap().last().unwrap().clone();
    let content = last["Content"].as_str().unwrap();
    let md5 = content
        .split("md5=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert_eq!(
        ret(&send(&mut h, &c, "webwxsendemoticon", by_md5(md5), 0)),
        0
    );
}
