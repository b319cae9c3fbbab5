//! Downloads of planted media (protocol.md §8): webwxgetmsgimg with `type`, voice with and
//! without Range, video needing Range, attachments with hostile names, store stickers,
//! avatars of contacts, groups and members, the empty-avatar and HTML knobs, shared buffers.
#![allow(clippy::unwrap_used)]

mod common;

use common::media::pattern;
use common::*;
use http::{Method, Response};
use serde_json::{Value, json};
use std::sync::Arc;
use wx_sim::shared_body::SharedBody;
use wx_sim::wire::media::TINY_JPEG;
use wx_sim::{Media, MediaKind, Planted, Push, Reply};

fn plant(h: &mut H, media: Media) -> Planted {
    let now = h.now;
    h.sim.plant(&Push::default(), media, now).unwrap()
}

fn get_range(h: &mut H, pq: &str, range: Option<&str>) -> Response<Vec<u8>> {
    let mut req = h.request(Method::GET, pq, Vec::new());
    if let Some(r) = range {
        req.headers_mut().insert("range", r.parse().unwrap());
    }
    h.send(req)
}

fn len_header(r: &Response<Vec<u8>>) -> usize {
    r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn sync(h: &mut H, c: &Creds) -> Vec<Value> {
    let s = h.post_json(
        &format!("{API}/webwxsync?sid={}&skey={}", c.sid, c.skey),
        &json!({"BaseRequest": base_request(c), "SyncKey": {"Count": 0, "List": []}}),
    );
    s["AddMsgList"].as_array().unwrap().clone()
}

#[test]
fn images_voice_and_video_serve_the_planted_bytes() {
    let mut h = H::new(config());
    let c = h.login();
    let sk = enc(&c.skey);
    let jpeg: Vec<u8> = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &pattern(70_000)].concat();
    let img = plant(&mut h, Media::new(MediaKind::Image, jpeg.clone()));
    for ty in ["", "&type=big"] {
        let r = h.get(&format!(
            "{API}/webwxgetmsgimg?&MsgID={}&skey={sk}{ty}",
            img.msg_id
        ));
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "image/jpeg");
        assert_eq!(r.body(), &jpeg);
        assert_eq!(len_header(&r), jpeg.len());
    }
    let thumb = h.get(&format!(
        "{API}/webwxgetmsgimg?MsgID={}&skey={sk}&type=slave",
        img.msg_id
    ));
    assert_eq!(thumb.body(), TINY_JPEG);
    // Voice: whole without Range, a part with it.
    let mp3 = [&b"ID3"[..], &pattern(5000)].concat();
    let voice = plant(
        &mut h,
        Media::new(MediaKind::Voice { ms: 3000 }, mp3.clone()),
    );
    let url = format!("{API}/webwxgetvoice?msgid={}&skey={sk}", voice.msg_id);
    let r = get_range(&mut h, &url, None);
    assert_eq!((r.status().as_u16(), r.body()), (200, &mp3));
    assert_eq!(r.headers()["content-type"], "audio/mp3");
    let r = get_range(&mut h, &url, Some("bytes=0-"));
    assert_eq!((r.status().as_u16(), r.body()), (206, &mp3));
    assert_eq!(r.headers()["content-range"], format!("bytes 0-5002/5003"));
    // Video: Range required; without it the real server's zero-byte answer.
    let mp4 = pattern(300_000);
    let video = plant(
        &mut h,
        Media::new(MediaKind::Video { secs: 9 }, mp4.clone()),
    );
    let url = format!("{API}/webwxgetvideo?msgid={}&skey={sk}", video.msg_id);
    let r = get_range(&mut h, &url, None);
    assert_eq!(
        (r.status().as_u16(), r.body().len(), len_header(&r)),
        (200, 0, 0)
    );
    let r = get_range(&mut h, &url, Some("bytes=0-"));
    assert_eq!(r.status(), 206);
    assert_eq!(r.headers()["content-type"], "video/mp4");
    assert_eq!(r.headers()["content-range"], "bytes 0-299999/300000");
    assert_eq!(r.body(), &mp4);
    let r = get_range(&mut h, &url, Some("bytes=10-19"));
    assert_eq!(r.body(), &mp4[10..20]);
    assert_eq!(len_header(&r), 10);
    // The video's thumbnail.
    let r = h.get(&format!(
        "{API}/webwxgetmsgimg?MsgID={}&skey={sk}&type=slave",
        video.msg_id
    ));
    assert_eq!(r.body(), TINY_JPEG);
    // The messages arrive through webwxsync with their kinds.
    let msgs = sync(&mut h, &c);
    let kind = |id: &str| {
        msgs.iter()
            .find(|m| m["MsgId"] == id)
            .map(|m| m["MsgType"].as_u64().unwrap())
    };
    assert_eq!(kind(&img.msg_id), Some(3));
    assert_eq!(kind(&voice.msg_id), Some(34));
    assert_eq!(kind(&video.msg_id), Some(43));
}

#[test]
fn attachments_keep_hostile_names_out_of_the_header_but_in_the_message() {
    let mut h = H::new(config());
    let c = h.login();
    let hostile = "../../etc/passwd\r\n.txt";
    let bytes = pattern(12_345);
    let p = plant(
        &mut h,
        Media::new(MediaKind::File, bytes.clone()).named(hostile),
    );
    assert!(p.media_id.starts_with("@crypt_"));
    let msgs = sync(&mut h, &c);
    let m = msgs
        .iter()
        .find(|m| m["MsgId"] == p.msg_id.as_str())
        .unwrap();
    assert_eq!(m["FileName"], hostile);
    assert_eq!(m["MediaId"], p.media_id.as_str());
    assert_eq!(m["FileSize"], "12345");
    let ticket = h.jar["webwx_data_ticket"].clone();
    let url = |media_id: &str| {
        format!(
            "{API}/webwxgetmedia?sender={}&mediaid={}&encryfilename={}&fromuser={}&pass_ticket=undefined&webwx_data_ticket={}",
            m["FromUserName"].as_str().unwrap(),
            enc(media_id),
            m["EncryFileName"].as_str().unwrap(),
            c.uin,
            enc(&ticket)
        )
    };
    let r = h.get(&url(&p.media_id));
    assert_eq!(r.status(), 200);
    assert_eq!(r.body(), &bytes);
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"../../etc/passwd.txt\""
    );
    // A Chinese name goes out as raw UTF-8.
    let p = plant(
        &mut h,
        Media::new(MediaKind::File, b"x".to_vec()).named("报告.pdf"),
    );
    let r = h.get(&url(&p.media_id));
    assert_eq!(
        r.headers()["content-disposition"].as_bytes(),
        "attachment; filename=\"报告.pdf\"".as_bytes()
    );
}

#[test]
fn stickers_download_and_store_stickers_are_empty() {
    let mut h = H::new(config());
    let c = h.login();
    let sk = enc(&c.skey);
    let gif = b"GIF89a\x02\x00\x02\x00 sticker".to_vec();
    let s = plant(&mut h, Media::new(MediaKind::Sticker, gif.clone()));
    let r = h.get(&format!(
        "{API}/webwxgetmsgimg?MsgID={}&skey={sk}&type=big",
        s.msg_id
    ));
    assert_eq!(r.headers()["content-type"], "image/gif");
    assert_eq!(r.body(), &gif);
    let store = plant(&mut h, Media::new(MediaKind::StoreSticker, Vec::new()));
    for ty in ["", "&type=big", "&type=slave"] {
        let r = h.get(&format!(
            "{API}/webwxgetmsgimg?MsgID={}&skey={sk}{ty}",
            store.msg_id
        ));
        assert_eq!(
            (r.status().as_u16(), r.body().len(), len_header(&r)),
            (200, 0, 0)
        );
    }
    let msgs = sync(&mut h, &c);
    let m = msgs
        .iter()
        .find(|m| m["MsgId"] == store.msg_id.as_str())
        .unwrap();
    assert_eq!(
        (m["MsgType"].as_u64(), m["HasProductId"].as_u64()),
        (Some(47), Some(1))
    );
    assert!(m["Content"].as_str().unwrap().contains("md5=\"\""));
    let m = msgs
        .iter()
        .find(|m| m["MsgId"] == s.msg_id.as_str())
        .unwrap();
    assert!(m["Content"].as_str().unwrap().contains(&s.md5_hex));
}

#[test]
fn avatars_of_contacts_groups_and_members_and_the_empty_answer_knob() {
    let mut h = H::new(config());
    let c = h.login();
    let sk = enc(&c.skey);
    let contacts = h.post_json(
        &format!("{API}/webwxgetcontact?r=1&seq=0&skey={sk}"),
        &json!({}),
    );
    let list = contacts["MemberList"].as_array().unwrap();
    let friend = list
        .iter()
        .find(|m| {
            m["UserName"].as_str().unwrap().starts_with("@")
                && !m["UserName"].as_str().unwrap().starts_with("@@")
        })
        .unwrap();
    let group = list
        .iter()
        .find(|m| m["UserName"].as_str().unwrap().starts_with("@@"))
        .unwrap();
    for who in [friend, group] {
        let path = who["HeadImgUrl"].as_str().unwrap();
        let r = h.get(path);
        assert_eq!(r.headers()["content-type"], "image/jpeg", "{path}");
        assert_eq!(r.body(), TINY_JPEG, "{path}");
    }
    // A member of a group who is not our contact, through chatroomid.
    let acc = &h.sim.world().accounts[0];
    let g = acc.groups().next().unwrap();
    let member = g
        .member_list
        .iter()
        .find(|m| acc.contact(&m.user_name).is_none())
        .map(|m| m.user_name.clone())
        .unwrap();
    let room = g.encry_chat_room_id.clone();
    let group_name = g.user_name.clone();
    let r = h.get(&format!(
        "{API}/webwxgeticon?seq=0&username={member}&skey={sk}&chatroomid={room}"
    ));
    assert_eq!(r.body(), TINY_JPEG);
    // In the wrong room, a stranger, or a person through webwxgetheadimg: empty.
    for pq in [
        format!("{API}/webwxgeticon?seq=0&username={member}&skey={sk}&chatroomid=@nope"),
        format!("{API}/webwxgeticon?seq=0&username=@stranger&skey={sk}"),
        format!("{API}/webwxgetheadimg?seq=0&username={member}&skey={sk}"),
    ] {
        let r = h.get(&pq);
        assert_eq!((r.status().as_u16(), len_header(&r)), (200, 0), "{pq}");
    }
    let headimg = format!("{API}/webwxgetheadimg?seq=0&username={group_name}&skey={sk}");
    assert_eq!(h.get(&headimg).body(), TINY_JPEG);
    // The next two avatar answers are empty (openwechat retries 3 times), the third is not.
    h.sim.empty_avatars(2);
    assert_eq!(len_header(&h.get(&headimg)), 0);
    assert!(
        h.get(friend["HeadImgUrl"].as_str().unwrap())
            .body()
            .is_empty()
    );
    assert_eq!(h.get(&headimg).body(), TINY_JPEG);
}

#[test]
fn html_pages_instead_of_downloads() {
    let mut h = H::new(config());
    let c = h.login();
    let sk = enc(&c.skey);
    let img = plant(&mut h, Media::new(MediaKind::Image, pattern(100)));
    let url = format!("{API}/webwxgetmsgimg?MsgID={}&skey={sk}", img.msg_id);
    h.sim.html_downloads(Some("webwxgetmsgimg"), 1);
    h.sim.html_downloads(Some("webwxgetvideo"), 5);
    let r = h.get(&url);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(r.body().starts_with(b"<!DOCTYPE html>"));
    assert_eq!(h.get(&url).body(), &pattern(100));
}

#[test]
fn concurrent_downloads_share_one_buffer() {
    let mut h = H::new(config());
    let _c = h.login();
    let big = pattern(4 << 20);
    let p = plant(
        &mut h,
        Media::new(MediaKind::Video { secs: 1 }, big.clone()),
    );
    let pq = format!("{API}/webwxgetvideo?msgid={}", p.msg_id);
    let bufs: Vec<Arc<[u8]>> = (0..2)
        .map(|_| {
            let mut req = h.request(Method::GET, &pq, Vec::new());
            req.headers_mut()
                .insert("range", "bytes=0-".parse().unwrap());
            match h.sim.handle_shared(&req, h.now) {
                Reply::Now(r) => {
                    assert!(r.body().is_empty());
                    assert_eq!(len_header(&r), big.len());
                    let b = r.extensions().get::<SharedBody>().unwrap();
                    assert_eq!(b.as_slice(), &big[..]);
                    b.buffer().clone()
                }
                other => panic!("{other:?}"),
            }
        })
        .collect();
    assert!(Arc::ptr_eq(&bufs[0], &bufs[1]));
    // Generated stand-ins of pushed videos share too, while a download holds them.
    let now = h.now;
    let v = h
        .sim
        .push(
            &Push::default(),
            &wx_sim::Body::Video {
                secs: 1,
                size: 1 << 20,
            },
            now,
        )
        .unwrap();
    let pq = format!("{API}/webwxgetvideo?msgid={v}");
    let shared = |h: &mut H| {
        let mut req = h.request(Method::GET, &pq, Vec::new());
        req.headers_mut()
            .insert("range", "bytes=0-".parse().unwrap());
        match h.sim.handle_shared(&req, h.now) {
            Reply::Now(r) => r.extensions().get::<SharedBody>().unwrap().buffer().clone(),
            other => panic!("{other:?}"),
        }
    };
    let a = shared(&mut h);
    let b = shared(&mut h);
    assert!(Arc::ptr_eq(&a, &b));
}
