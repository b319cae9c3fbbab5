//! Media through the engine against the simulator core, in memory: uploads of every kind
//! (one chunk, several, over 25 MB through webwxcheckupload), the MD5 pass, the limits, a
//! chunk the server fails (sent again from that chunk), a cancel, downloads back and their
//! bytes, forwarding. The same flows over real sockets are in the adapters' tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

use std::time::Duration;

use wx_proto::client::*;
use wx_sim::{Body, Fault, FaultRule, Push};
use wx_testkit::pair::{Pair, world};

/// A deterministic file of `len` bytes.
fn file(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

fn md5_hex(bytes: &[u8]) -> String {
    use md5::{Digest, Md5};
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn pair() -> Pair {
    let mut p = Pair::with_world(world(3, 1));
    p.login();
    p.settle();
    p
}

/// Submits a file send with `bytes` attached and runs until its `OpDone`.
fn send(
    p: &mut Pair,
    kind: MediaKind,
    name: &str,
    bytes: Vec<u8>,
    md5: bool,
) -> (OpId, Result<OpOutput, OpError>) {
    let to = p.a_friend();
    let upload = Upload {
        name: name.into(),
        size: bytes.len() as u64,
        kind,
        md5: md5.then(|| md5_hex(&bytes)),
    };
    let op = p
        .client
        .submit(Command::SendMedia { to, upload }, p.now)
        .unwrap();
    p.attach_file(op, bytes);
    let result = run_op(p, op);
    (op, result)
}

fn run_op(p: &mut Pair, op: OpId) -> Result<OpOutput, OpError> {
    let done = |p: &Pair| op_result(p, op).is_some();
    assert!(
        p.run_until(Duration::from_secs(600), done),
        "the op never ended"
    );
    op_result(p, op).unwrap()
}

fn op_result(p: &Pair, op: OpId) -> Option<Result<OpOutput, OpError>> {
    p.events.iter().find_map(|e| match e {
        Event::OpDone { op: o, result } if *o == op => Some(result.clone()),
        _ => None,
    })
}

fn count(p: &Pair, endpoint: Endpoint) -> usize {
    p.log.iter().filter(|(_, e)| *e == endpoint).count()
}

fn wanted(p: &Pair, op: OpId) -> Vec<(u64, usize)> {
    p.events
        .iter()
        .filter_map(|e| match e {
            Event::DataWanted { op: o, offset, len } if *o == op => Some((*offset, *len)),
            _ => None,
        })
        .collect()
}

fn progress(p: &Pair, op: OpId) -> Vec<(u64, u64)> {
    p.events
        .iter()
        .filter_map(|e| match e {
            Event::Progress { op: o, done, total } if *o == op => Some((*done, *total)),
            _ => None,
        })
        .collect()
}

/// The received messages that carry media.
fn media(p: &Pair) -> Vec<wx_proto::model::Message> {
    p.messages()
        .into_iter()
        .filter(|m| Download::of_message(m).is_some())
        .cloned()
        .collect()
}

/// Answers the last `DataWanted` of `op` from `bytes` (for a file not attached).
fn feed_last(p: &mut Pair, op: OpId, bytes: &[u8]) {
    let (offset, len) = *wanted(p, op).last().expect("data wanted");
    let start = offset as usize;
    p.client
        .handle_data(op, offset, &bytes[start..start + len], p.now)
        .unwrap();
    p.settle();
}

/// Downloads `what` and returns the result and the bytes written.
fn download(p: &mut Pair, what: Download) -> (Result<OpOutput, OpError>, Vec<u8>) {
    let op = p.client.submit(Command::Download(what), p.now).unwrap();
    let result = run_op(p, op);
    (result, p.downloads.remove(&op).unwrap_or_default())
}

/// The last upload's MediaId, as the simulator recorded the send.
fn last_media_id(p: &Pair) -> String {
    let sent = p.sim.sent().last().expect("a send");
    if !sent.media_id.is_empty() {
        return sent.media_id.clone();
    }
    let c = &sent.content;
    let start = c.find("<attachid>").expect("an attachid") + "<attachid>".len();
    let end = c[start..].find("</attachid>").unwrap() + start;
    c[start..end].replace("&amp;", "&")
}

#[test]
fn a_small_file_is_one_chunk_without_chunk_fields_then_an_appmsg() {
    let mut p = pair();
    let bytes = file(100_000);
    let (op, result) = send(&mut p, MediaKind::File, "notes.txt", bytes.clone(), false);
    assert!(matches!(result, Ok(OpOutput::Sent { .. })), "{result:?}");
    // One pass for the MD5, one for the upload.
    assert_eq!(wanted(&p, op), vec![(0, 100_000), (0, 100_000)]);
    assert_eq!(progress(&p, op), vec![(100_000, 100_000)]);
    assert_eq!(count(&p, Endpoint::UploadMedia), 1);
    assert_eq!(count(&p, Endpoint::SendAppMsg), 1);
    assert_eq!(count(&p, Endpoint::CheckUpload), 0);
    let sent = p.sim.sent().last().unwrap().clone();
    assert_eq!(sent.endpoint, "webwxsendappmsg");
    assert!(
        sent.content.contains("<title>notes.txt</title>"),
        "{}",
        sent.content
    );
    assert!(sent.content.contains("<totallen>100000</totallen>"));
    // The server has the very bytes: download them back.
    let me = p.client.me().unwrap().user_name.clone();
    let media_id = last_media_id(&p);
    let (result, back) = download(
        &mut p,
        Download::File {
            sender: me,
            media_id,
            encry_file_name: "notes.txt".into(),
        },
    );
    assert!(
        matches!(result, Ok(OpOutput::Downloaded { bytes: 100_000, .. })),
        "{result:?}"
    );
    assert!(back == bytes, "the downloaded file differs");
}

#[test]
fn a_file_of_several_chunks_goes_in_order_with_one_client_media_id() {
    let mut p = pair();
    let bytes = file(1_300_000);
    let (op, result) = send(&mut p, MediaKind::File, "big.bin", bytes.clone(), true);
    assert!(matches!(result, Ok(OpOutput::Sent { .. })), "{result:?}");
    // md5 given: no first pass.
    assert_eq!(
        wanted(&p, op),
        vec![(0, 524_288), (524_288, 524_288), (1_048_576, 251_424)]
    );
    assert_eq!(
        progress(&p, op),
        vec![
            (524_288, 1_300_000),
            (1_048_576, 1_300_000),
            (1_300_000, 1_300_000)
        ]
    );
    assert_eq!(count(&p, Endpoint::UploadMedia), 3);
    let me = p.client.me().unwrap().user_name.clone();
    let media_id = last_media_id(&p);
    let (_, back) = download(
        &mut p,
        Download::File {
            sender: me,
            media_id,
            encry_file_name: "big.bin".into(),
        },
    );
    assert!(back == bytes, "the reassembled file differs");
}

#[test]
fn every_kind_goes_to_its_send_endpoint() {
    let mut p = pair();
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &file(3000)].concat();
    for (kind, name, endpoint, msg_type) in [
        (MediaKind::Image, "a.jpg", "webwxsendmsgimg", 3),
        (MediaKind::Video, "a.mp4", "webwxsendvideomsg", 43),
        (MediaKind::Gif, "a.gif", "webwxsendemoticon", 47),
    ] {
        let (_, result) = send(&mut p, kind, name, jpeg.clone(), false);
        assert!(
            matches!(result, Ok(OpOutput::Sent { .. })),
            "{kind:?}: {result:?}"
        );
        let sent = p.sim.sent().last().unwrap();
        assert_eq!(
            (sent.endpoint.as_str(), sent.msg_type),
            (endpoint, msg_type)
        );
        assert!(sent.media_id.starts_with("@crypt_"), "{kind:?}");
    }
}

#[test]
fn a_file_over_25_mb_goes_through_checkupload_first() {
    let mut p = pair();
    let bytes = file(26 * 1024 * 1024 + 5);
    let (op, result) = send(&mut p, MediaKind::File, "huge.zip", bytes, true);
    assert!(matches!(result, Ok(OpOutput::Sent { .. })), "{result:?}");
    let order: Vec<Endpoint> = p
        .log
        .iter()
        .map(|(_, e)| *e)
        .filter(|e| {
            matches!(
                e,
                Endpoint::CheckUpload | Endpoint::UploadMedia | Endpoint::SendAppMsg
            )
        })
        .collect();
    assert_eq!(order.first(), Some(&Endpoint::CheckUpload));
    assert_eq!(order.last(), Some(&Endpoint::SendAppMsg));
    assert_eq!(count(&p, Endpoint::UploadMedia), 53);
    assert_eq!(progress(&p, op).len(), 53);
}

#[test]
fn limits_are_usage_errors_before_any_request() {
    let mut p = pair();
    let to = p.a_friend();
    let sent_before = p.requests;
    let try_send = |p: &mut Pair, size: u64, kind: MediaKind, md5: Option<&str>| {
        p.client.submit(
            Command::SendMedia {
                to: to.clone(),
                upload: Upload {
                    name: "x.bin".into(),
                    size,
                    kind,
                    md5: md5.map(str::to_owned),
                },
            },
            p.now,
        )
    };
    assert_eq!(
        try_send(&mut p, 0, MediaKind::File, None),
        Err(UsageError::Media(MediaLimit::Empty))
    );
    assert_eq!(
        try_send(&mut p, MAX_VIDEO + 1, MediaKind::Video, None),
        Err(UsageError::Media(MediaLimit::TooLarge {
            size: MAX_VIDEO + 1,
            limit: MAX_VIDEO
        }))
    );
    assert!(matches!(
        try_send(&mut p, MAX_FILE + 1, MediaKind::File, None),
        Err(UsageError::Media(MediaLimit::TooLarge { .. }))
    ));
    assert_eq!(
        try_send(&mut p, 5, MediaKind::File, Some("xyz")),
        Err(UsageError::Media(MediaLimit::BadMd5))
    );
    p.settle();
    assert_eq!(p.requests, sent_before, "no request for a refused command");
}

#[test]
fn a_chunk_the_server_fails_is_sent_again_from_that_chunk() {
    let mut p = pair();
    let bytes = file(1_200_000);
    // The upload's second request (chunk 1) fails once with a 500, the third once with a
    // dropped connection.
    let to = p.a_friend();
    let upload = Upload {
        name: "retry.bin".into(),
        size: bytes.len() as u64,
        kind: MediaKind::File,
        md5: Some(md5_hex(&bytes)),
    };
    let op = p
        .client
        .submit(Command::SendMedia { to, upload }, p.now)
        .unwrap();
    p.settle();
    // The first chunk goes through, then the second fails once.
    feed_last(&mut p, op, &bytes);
    assert_eq!(progress(&p, op).len(), 1);
    p.sim.inject(FaultRule {
        endpoint: Some("webwxuploadmedia".into()),
        fault: Fault::Status { code: 500 },
        times: 1,
    });
    feed_last(&mut p, op, &bytes);
    p.attach_file(op, bytes.clone());
    let result = run_op(&mut p, op);
    assert!(matches!(result, Ok(OpOutput::Sent { .. })), "{result:?}");
    let offsets: Vec<u64> = wanted(&p, op).iter().map(|w| w.0).collect();
    assert_eq!(
        offsets,
        vec![0, 524_288, 524_288, 1_048_576],
        "chunk 1 asked again, chunk 0 never"
    );
    assert_eq!(count(&p, Endpoint::UploadMedia), 4);
    let me = p.client.me().unwrap().user_name.clone();
    let media_id = last_media_id(&p);
    let (_, back) = download(
        &mut p,
        Download::File {
            sender: me,
            media_id,
            encry_file_name: String::new(),
        },
    );
    assert!(back == bytes, "the file differs after a resent chunk");
}

#[test]
fn a_chunk_that_keeps_failing_ends_the_op_with_its_error() {
    let mut p = pair();
    let bytes = file(600_000);
    p.sim.inject(FaultRule {
        endpoint: Some("webwxuploadmedia".into()),
        fault: Fault::Status { code: 503 },
        times: 100,
    });
    let (_, result) = send(&mut p, MediaKind::File, "never.bin", bytes, true);
    assert_eq!(result, Err(OpError::HttpStatus(503)));
    assert_eq!(
        count(&p, Endpoint::UploadMedia),
        4,
        "one send and three resends"
    );
    assert_eq!(p.client.phase(), Phase::Running, "the session goes on");
}

#[test]
fn a_cancel_ends_the_upload_and_nothing_more_is_sent() {
    let mut p = pair();
    let to = p.a_friend();
    let bytes = file(2_000_000);
    let upload = Upload {
        name: "c.bin".into(),
        size: bytes.len() as u64,
        kind: MediaKind::File,
        md5: Some(md5_hex(&bytes)),
    };
    let op = p
        .client
        .submit(Command::SendMedia { to, upload }, p.now)
        .unwrap();
    p.settle();
    feed_last(&mut p, op, &bytes);
    assert_eq!(progress(&p, op).len(), 1);
    p.client.cancel(op, p.now);
    let result = run_op(&mut p, op);
    assert_eq!(result, Err(OpError::Cancelled));
    let uploads = count(&p, Endpoint::UploadMedia);
    p.run_for(Duration::from_secs(30));
    assert_eq!(
        count(&p, Endpoint::UploadMedia),
        uploads,
        "no chunk after the cancel"
    );
    assert_eq!(uploads, 1);
    // Late data for the ended op is ignored; data nobody asked for is an error.
    assert_eq!(p.client.handle_data(op, 0, b"x", p.now), Ok(()));
}

#[test]
fn data_the_op_did_not_ask_for_is_refused_and_the_op_goes_on() {
    let mut p = pair();
    let to = p.a_friend();
    let upload = Upload {
        name: "d.bin".into(),
        size: 10,
        kind: MediaKind::File,
        md5: None,
    };
    let op = p
        .client
        .submit(Command::SendMedia { to, upload }, p.now)
        .unwrap();
    p.settle();
    assert_eq!(wanted(&p, op), vec![(0, 10)]);
    assert_eq!(
        p.client.handle_data(op, 3, &[0; 7], p.now),
        Err(UsageError::UnexpectedData)
    );
    assert_eq!(
        p.client.handle_data(op, 0, &[0; 9], p.now),
        Err(UsageError::UnexpectedData)
    );
    p.client.handle_data_failure(op, p.now);
    p.settle();
    assert_eq!(op_result(&p, op), Some(Err(OpError::DataUnavailable)));
}

#[test]
fn received_media_download_with_their_bytes() {
    let mut p = pair();
    let now = p.now;
    for body in [
        Body::Image,
        Body::Voice { ms: 1200 },
        Body::Video {
            secs: 3,
            size: 70_000,
        },
    ] {
        p.sim.push(&Push::default(), &body, now).unwrap();
    }
    assert!(p.run_until(Duration::from_secs(120), |p| media(p).len() >= 3));
    let messages = media(&p);
    for m in messages {
        let what = Download::of_message(&m).expect("downloadable");
        let (result, bytes) = download(&mut p, what.clone());
        match result {
            Ok(OpOutput::Downloaded {
                bytes: n,
                content_type,
                ..
            }) => {
                assert_eq!(n as usize, bytes.len(), "{what:?}");
                assert!(n > 0);
                assert!(content_type.is_some());
            }
            other => panic!("{what:?}: {other:?}"),
        }
    }
    assert_eq!(count(&p, Endpoint::GetVideo), 1);
}

#[test]
fn an_unknown_or_empty_download_is_a_typed_error_and_the_session_goes_on() {
    let mut p = pair();
    let (result, bytes) = download(
        &mut p,
        Download::Image {
            msg_id: "404404".into(),
            size: ImageSize::Big,
        },
    );
    assert!(
        matches!(
            result,
            Err(OpError::HttpStatus(404) | OpError::NotDownloadable)
        ),
        "{result:?}"
    );
    assert!(bytes.is_empty());
    assert_eq!(p.client.phase(), Phase::Running);
}

#[test]
fn forwarding_a_received_image_sends_its_xml_with_scene_2() {
    let mut p = pair();
    let now = p.now;
    p.sim.push(&Push::default(), &Body::Image, now).unwrap();
    assert!(p.run_until(Duration::from_secs(60), |p| !media(p).is_empty()));
    let message = media(&p)[0].clone();
    let to = p.a_friend();
    let op = p
        .client
        .submit(
            Command::Forward {
                to,
                message: Box::new(message),
            },
            p.now,
        )
        .unwrap();
    let result = run_op(&mut p, op);
    assert!(matches!(result, Ok(OpOutput::Sent { .. })), "{result:?}");
    let sent = p.sim.sent().last().unwrap();
    assert_eq!(
        (sent.endpoint.as_str(), sent.msg_type),
        ("webwxsendmsgimg", 3)
    );
    // A text notice cannot be forwarded as media; a sticker from the store cannot at all.
    let to = p.a_friend();
    let mut notice = media(&p)[0].clone();
    notice.kind = wx_proto::model::MessageKind::Other { msg_type: 9999 };
    assert_eq!(
        p.client.submit(
            Command::Forward {
                to,
                message: Box::new(notice)
            },
            p.now
        ),
        Err(UsageError::Media(MediaLimit::NotForwardable))
    );
}
