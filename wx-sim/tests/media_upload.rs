//! Uploads checked as the real server checks them (protocol.md §7.2, §7.3): chunk order and
//! resends, one request text, the chunk count, TotalLen, FileMd5, the 25 MB checkupload rule,
//! the 50/20 MB caps, the unfinished-upload budgets, and failing the n-th chunk.
#![allow(clippy::unwrap_used)]

mod common;

use common::media::{CHUNK, Up, pattern, ret};
use common::*;
use serde_json::json;
use std::time::Duration;
use wx_sim::limits::MediaLimits;
use wx_sim::{Fault, Refusal};

fn friend(h: &H) -> String {
    h.sim.world().accounts[0]
        .friends()
        .next()
        .unwrap()
        .user_name
        .clone()
}

#[test]
fn chunks_in_order_and_a_resent_chunk_replaces_the_first_try() {
    let mut h = H::new(config());
    let c = h.login();
    let to = friend(&h);
    let file = pattern(2 * CHUNK + 1000);
    let up = Up::new("movie.bin", "doc", &to, &file);
    // Chunk 1 before chunk 0.
    let v = up.send(&mut h, &c, &file, 1);
    assert_eq!(ret(&v), 1);
    assert_eq!(
        h.sim.last_refusal(),
        Some(&Refusal::OutOfOrder {
            expected: 0,
            got: 1
        })
    );
    let v = up.send(&mut h, &c, &file, 0);
    assert_eq!((ret(&v), v["MediaId"].as_str().unwrap()), (0, ""));
    assert_eq!(v["StartPos"], CHUNK);
    // Chunk 2 skips chunk 1.
    assert_eq!(ret(&up.send(&mut h, &c, &file, 2)), 1);
    // Chunk 1 with wrong bytes, then again with the right ones: the resend replaces it.
    let mut bad = file.clone();
    bad[CHUNK + 5] ^= 0xFF;
    let v = up.send(&mut h, &c, &bad, 1);
    assert_eq!((ret(&v), v["MediaId"].as_str().unwrap()), (0, ""));
    let v = up.send(&mut h, &c, &file, 1);
    assert_eq!(
        (ret(&v), v["StartPos"].as_u64()),
        (0, Some(2 * CHUNK as u64))
    );
    assert_eq!(h.sim.unfinished_uploads(), (1, 2 * CHUNK as u64));
    let v = up.send(&mut h, &c, &file, 2);
    assert_eq!(ret(&v), 0, "{v}");
    let id = v["MediaId"].as_str().unwrap();
    assert!(id.starts_with("@crypt_"));
    assert_eq!(v["StartPos"], file.len());
    let info = h.sim.uploaded(id).unwrap();
    assert_eq!(info.len, file.len() as u64);
    assert_eq!(info.md5_hex, wx_sim::md5::hex(&file));
    assert_eq!(
        (info.name.as_str(), info.media_type.as_str(), info.chunks),
        ("movie.bin", "doc", 3)
    );
    assert_eq!(h.sim.unfinished_uploads(), (0, 0));
}

#[test]
fn every_chunk_carries_the_same_request_and_the_right_chunk_count() {
    let mut h = H::new(config());
    let c = h.login();
    let to = friend(&h);
    let file = pattern(CHUNK + 10);
    let up = Up::new("a.bin", "doc", &to, &file);
    assert_eq!(ret(&up.send(&mut h, &c, &file, 0)), 0);
    // Chunk 1 under the same ClientMediaId with another request text (a different To).
    let mut other = up.clone();
    other.to = "filehelper".into();
    assert_eq!(ret(&other.send(&mut h, &c, &file, 1)), 1);
    assert_eq!(h.sim.last_refusal(), Some(&Refusal::RequestChanged));
    // Chunk 1 under another ClientMediaId: no such upload.
    let mut other = up.clone();
    other.client_media_id += 1;
    assert_eq!(ret(&other.send(&mut h, &c, &file, 1)), 1);
    assert!(matches!(
        h.sim.last_refusal(),
        Some(Refusal::OutOfOrder { expected: 0, .. })
    ));
    // `chunks` that is not ceil(size / 524288).
    let mut three = up.clone();
    three.chunks = Some(3);
    three.client_media_id += 2;
    assert_eq!(ret(&three.send(&mut h, &c, &file, 0)), 1);
    assert_eq!(
        h.sim.last_refusal(),
        Some(&Refusal::ChunkCount {
            sent: 3,
            expected: 2
        })
    );
    // A file over 512 KiB in one POST without chunk fields.
    let req = up.request(&c, file.len());
    let r = up.chunk_request(&h, &req, file.len(), None, &file);
    let v: serde_json::Value = serde_json::from_slice(h.send(r).body()).unwrap();
    assert_eq!(ret(&v), 1);
    assert!(matches!(
        h.sim.last_refusal(),
        Some(Refusal::ChunkTooLarge | Refusal::ChunkCount { sent: 0, .. })
    ));
    // A chunk index past the end.
    let r = up.chunk_request(&h, &req, file.len(), Some((2, 2)), b"x");
    assert_eq!(ret(&serde_json::from_slice(h.send(r).body()).unwrap()), 1);
    assert_eq!(h.sim.last_refusal(), Some(&Refusal::ChunkPastEnd));
    // The untouched upload still finishes.
    let v = up.send(&mut h, &c, &file, 1);
    assert_eq!(ret(&v), 0);
    assert!(v["MediaId"].as_str().unwrap().starts_with("@crypt_"));
}

#[test]
fn total_len_and_file_md5_are_checked_on_the_last_chunk() {
    let mut h = H::new(config());
    let c = h.login();
    let to = friend(&h);
    let file = pattern(CHUNK + 100);
    // TotalLen says more than arrives: refused on the last chunk, which can be resent.
    let mut up = Up::new("a.bin", "doc", &to, &file);
    up.total = Some(file.len() as u64 + 1);
    up.md5 = None;
    assert_eq!(ret(&up.send(&mut h, &c, &file, 0)), 0);
    assert_eq!(ret(&up.send(&mut h, &c, &file, 1)), 1);
    assert_eq!(
        h.sim.last_refusal(),
        Some(&Refusal::LengthMismatch {
            total_len: file.len() as u64 + 1,
            received: file.len() as u64
        })
    );
    // A wrong FileMd5.
    let mut up = Up::new("b.bin", "doc", &to, &file);
    up.md5 = Some("0123456789abcdef0123456789abcdef".into());
    assert_eq!(ret(&up.all(&mut h, &c, &file)), 1);
    assert_eq!(
        h.sim.last_refusal(),
        Some(&Refusal::Md5Mismatch {
            sent: "0123456789abcdef0123456789abcdef".into(),
            actual: wx_sim::md5::hex(&file)
        })
    );
    // FileMd5 left out (wechat4u), empty, or in capitals: accepted.
    for md5 in [
        None,
        Some(String::new()),
        Some(wx_sim::md5::hex(&file).to_uppercase()),
    ] {
        let mut up = Up::new("c.bin", "doc", &to, &file);
        up.client_media_id += 7;
        up.md5 = md5;
        let v = up.all(&mut h, &c, &file);
        assert_eq!(ret(&v), 0, "{v}");
    }
    // A one-POST upload whose TotalLen is not its length.
    let small = pattern(100);
    let mut up = Up::new("d.txt", "doc", &to, &small);
    up.total = Some(99);
    assert_eq!(ret(&up.send(&mut h, &c, &small, 0)), 1);
    // An empty file.
    let up = Up::new("e.txt", "doc", &to, &[]);
    assert_eq!(ret(&up.send(&mut h, &c, &[], 0)), 1);
    assert_eq!(h.sim.last_refusal(), Some(&Refusal::Empty));
    assert!(h.sim.refusals().all(|r| r.endpoint == "webwxuploadmedia"));
}

#[test]
fn files_over_25_mb_need_checkupload_and_known_files_are_not_uploaded_again() {
    let mut h = H::new(config());
    let c = h.login();
    let to = friend(&h);
    let file = pattern(25 * 1024 * 1024 + 1);
    let md5 = wx_sim::md5::hex(&file);
    let up = Up::new("big.zip", "doc", &to, &file);
    assert_eq!(ret(&up.send(&mut h, &c, &file, 0)), 1);
    assert_eq!(h.sim.last_refusal(), Some(&Refusal::NeedsCheckUpload));
    let check = json!({"BaseRequest": base_request(&c), "FromUserName": c.user_name, "ToUserName": to, "FileSize": file.len(), "FileMd5": md5, "FileName": "big.zip", "FileType": 7});
    let v = h.post_json(&format!("{API}/webwxcheckupload"), &check);
    assert_eq!((ret(&v), v["MediaId"].as_str().unwrap()), (0, ""));
    // A made-up signature is not enough.
    let mut forged = up.clone();
    forged.aes_key = Some(v["AESKey"].as_str().unwrap().into());
    forged.signature = Some("00".repeat(32));
    assert_eq!(ret(&forged.send(&mut h, &c, &file, 0)), 1);
    assert_eq!(h.sim.last_refusal(), Some(&Refusal::NeedsCheckUpload));
    let mut up = up.clone();
    up.aes_key = Some(v["AESKey"].as_str().unwrap().into());
    up.signature = Some(v["Signature"].as_str().unwrap().into());
    let last = up.all(&mut h, &c, &file);
    assert_eq!(ret(&last), 0, "{last}");
    let id = last["MediaId"].as_str().unwrap().to_string();
    let info = h.sim.uploaded(&id).unwrap();
    assert_eq!(info.signature, v["Signature"].as_str().unwrap());
    assert_eq!(info.chunks, 51);
    // The same file again: checkupload answers its MediaId, so the client skips the upload.
    let again = h.post_json(&format!("{API}/webwxcheckupload"), &check);
    assert_eq!(
        (ret(&again), again["MediaId"].as_str().unwrap()),
        (0, id.as_str())
    );
    // The file sent as an attachment, with the Signature.
    let appmsg = format!(
        "<appmsg appid='wxeb7ec651dd0aefa9' sdkver=''><title>big.zip</title><des></des><action></action><type>6</type><content></content><url></url><lowurl></lowurl><appattach><totallen>{}</totallen><attachid>{id}</attachid><fileext>zip</fileext></appattach><extinfo></extinfo></appmsg>",
        file.len()
    );
    let m = json!({"Type": 6, "Content": appmsg, "FromUserName": c.user_name, "ToUserName": to, "LocalID": "1", "ClientMsgId": "1", "Signature": info.signature});
    let v = h.post_json(
        &format!("{API}/webwxsendappmsg?fun=async&f=json"),
        &json!({"BaseRequest": base_request(&c), "Msg": m, "Scene": 0}),
    );
    assert_eq!(ret(&v), 0);
    let sent = h.sim.sent().last().unwrap();
    assert_eq!((sent.msg_type, sent.scene), (6, 0));
    assert_eq!(sent.signature, info.signature);
}

#[test]
fn the_largest_file_and_video_are_refused_at_once() {
    let mut h = H::new(config());
    let c = h.login();
    let to = friend(&h);
    let chunk = pattern(CHUNK);
    // Only the first chunk is sent: the claimed TotalLen is enough to refuse.
    let cases = [
        ("doc", 50 * 1024 * 1024 + 1, 50 * 1024 * 1024),
        ("video", 20 * 1024 * 1024 + 1, 20 * 1024 * 1024),
    ];
    for (mediatype, size, limit) in cases {
        let mut up = Up::new("x", mediatype, &to, &chunk);
        up.total = Some(size);
        up.chunks = Some(size.div_ceil(CHUNK as u64));
        up.md5 = None;
        let req = up.request(&c, 0);
        let r = up.chunk_request(&h, &req, 0, Some((0, up.chunks.unwrap())), &chunk);
        let v: serde_json::Value = serde_json::from_slice(h.send(r).body()).unwrap();
        assert_eq!(ret(&v), 1);
        assert_eq!(
            h.sim.last_refusal(),
            Some(&Refusal::TooLarge { size, limit })
        );
    }
    // A 20 MB document is fine as far as its first chunk.
    let mut up = Up::new("x", "doc", &to, &chunk);
    let size = 20 * 1024 * 1024 + 1;
    up.total = Some(size);
    up.chunks = Some(size.div_ceil(CHUNK as u64));
    let req = up.request(&c, 0);
    let r = up.chunk_request(&h, &req, 0, Some((0, up.chunks.unwrap())), &chunk);
    assert_eq!(ret(&serde_json::from_slice(h.send(r).body()).unwrap()), 0);
    // checkupload refuses over 50 MB too.
    let check = json!({"BaseRequest": base_request(&c), "FileSize": 60 * 1024 * 1024, "FileMd5": "", "FileName": "x", "FileType": 7});
    assert_eq!(
        ret(&h.post_json(&format!("{API}/webwxcheckupload"), &check)),
        1
    );
}

#[test]
fn unfinished_uploads_are_bounded_and_abandoned_ones_dropped() {
    let mut cfg = config();
    cfg.world.accounts = 2;
    cfg.media = MediaLimits {
        unfinished_per_session: 3 * CHUNK as u64,
        unfinished_total: 4 * CHUNK as u64,
        abandon_after: Duration::from_secs(60),
        ..MediaLimits::default()
    };
    let mut h = H::new(cfg);
    let c = h.login();
    let to = friend(&h);
    let file = pattern(4 * CHUNK);
    let start = |h: &mut H, id: u64| {
        let mut up = Up::new("a", "doc", &to, &file);
        up.client_media_id = id;
        ret(&up.send(h, &c, &file, 0))
    };
    for id in 0..3 {
        assert_eq!(start(&mut h, id), 0);
    }
    // The fourth never-finished upload would pass the session's 3 chunks: Ret -1.
    assert_eq!(start(&mut h, 3), -1);
    assert_eq!(h.sim.last_refusal(), Some(&Refusal::UnfinishedBudget));
    assert_eq!(h.sim.unfinished_uploads(), (3, 3 * CHUNK as u64));
    // Restarting one of them does not count twice.
    assert_eq!(start(&mut h, 1), 0);
    // A second account's session shares the global budget of 4 chunks: one more fits, then
    // none.
    let c2 = h.login_account(1);
    let start2 = |h: &mut H, id: u64| {
        let mut up = Up::new("b", "doc", &to, &file);
        up.client_media_id = id;
        ret(&up.send(h, &c2, &file, 0))
    };
    assert_eq!(start2(&mut h, 20), 0);
    assert_eq!(start2(&mut h, 21), -1);
    assert_eq!(h.sim.unfinished_uploads(), (4, 4 * CHUNK as u64));
    // After a minute without chunks they are dropped, and uploads work again.
    h.now += Duration::from_secs(61);
    assert_eq!(start2(&mut h, 22), 0);
    assert_eq!(h.sim.unfinished_uploads(), (1, CHUNK as u64));
    // A session that ends (here: account 1 logs in again) loses its unfinished uploads.
    let c3 = h.login_account(1);
    let mut up = Up::new("c", "doc", &to, &file);
    up.client_media_id = 30;
    assert_eq!(ret(&up.send(&mut h, &c3, &file, 0)), 0);
    assert_eq!(h.sim.unfinished_uploads(), (1, CHUNK as u64));
}

#[test]
fn the_nth_chunk_fails_once_and_the_client_resends_it() {
    let mut h = H::new(config());
    let c = h.login();
    let to = friend(&h);
    let file = pattern(3 * CHUNK - 7);
    let up = Up::new("r.bin", "doc", &to, &file);
    h.sim
        .fail_nth("webwxuploadmedia", 2, Fault::Status { code: 500 });
    h.sim.fail_nth("webwxuploadmedia", 4, Fault::Drop);
    assert_eq!(ret(&up.send(&mut h, &c, &file, 0)), 0);
    assert_eq!(up.try_send(&mut h, &c, &file, 1).unwrap().0, 500);
    assert_eq!(ret(&up.send(&mut h, &c, &file, 1)), 0);
    assert!(up.try_send(&mut h, &c, &file, 2).is_none(), "dropped");
    let v = up.send(&mut h, &c, &file, 2);
    assert_eq!(ret(&v), 0);
    let info = h.sim.uploaded(v["MediaId"].as_str().unwrap()).unwrap();
    assert_eq!(info.md5_hex, wx_sim::md5::hex(&file));
}
