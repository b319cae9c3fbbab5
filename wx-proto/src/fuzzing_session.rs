//! The whole-session fuzz driver: logs a client in with canned answers, then lets the input
//! choose what the "server" does, checking the session invariants after every step:
//! no panic, at most one synccheck and one webwxsync in flight, no MsgId delivered twice,
//! no busy loop (after a timeout is handled, the next wake-up is in the future), no
//! credential in any Debug output, and a polite pace: within any simulated minute without
//! progress (no new message, contact or profile change) the sync loop and the contact
//! loader issue at most [`MAX_IDLE_REQUESTS_PER_MINUTE`] requests. Media ops run too: an
//! upload's `DataWanted` is answered (rightly, short, or with a read failure), downloads
//! are answered as streamed heads, and every op ends in exactly one `OpDone`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant, SystemTime};

use crate::client::{
    Client, Command, Config, Download, Endpoint, Event, Failure, ImageSize, MediaKind, OpId,
    Request, Upload,
};

const JSLOGIN: &[u8] = include_bytes!("../../fixtures/jslogin/ok.txt");
const CONFIRMED: &[u8] = include_bytes!("../../fixtures/login/200-confirmed-wx8.txt");
const LOGIN_PAGE: &[u8] = include_bytes!("../../fixtures/webwxnewloginpage/ok.xml");
const INIT: &[u8] = include_bytes!("../../fixtures/webwxinit/full.json");
const SYNC_BODIES: [&[u8]; 4] = [
    include_bytes!("../../fixtures/webwxsync/text-private-and-group.json"),
    include_bytes!("../../fixtures/webwxsync/one-malformed-message.json"),
    include_bytes!("../../fixtures/webwxsync/mod-del-profile-skey.json"),
    include_bytes!("../../fixtures/webwxsync/ret-1101.json"),
];
const CHECK_BODIES: [&[u8]; 5] = [
    b"window.synccheck={retcode:\"0\",selector:\"2\"}",
    b"window.synccheck={retcode:\"0\",selector:\"0\"}",
    b"window.synccheck={retcode:\"1205\",selector:\"0\"}",
    b"window.synccheck={retcode:\"1100\",selector:\"0\"}",
    b"window.synccheck={retcode:\"7\",selector:\"0\"}",
];
const OK_SEND: &[u8] = include_bytes!("../../fixtures/webwxsendmsg/ok.json");
const MEDIA_BODIES: [&[u8]; 6] = [
    include_bytes!("../../fixtures/webwxuploadmedia/intermediate-chunk.json"),
    include_bytes!("../../fixtures/webwxuploadmedia/last-chunk.json"),
    include_bytes!("../../fixtures/webwxcheckupload/needs-upload.json"),
    include_bytes!("../../fixtures/webwxcheckupload/already-uploaded.json"),
    include_bytes!("../../fixtures/webwxcreatechatroom/ok.json"),
    include_bytes!("../../fixtures/webwxupdatechatroom/addmember-minus-2013.json"),
];
/// The most sync-loop and contact requests in a minute without progress (2 a second).
pub(crate) const MAX_IDLE_REQUESTS_PER_MINUTE: usize = 120;

/// Credentials of the canned login: none may appear in Debug output.
const SECRETS: [&str; 4] = ["@crypt_0a1b2c3d", "AbCdEfGh+IjK", "AbC%2BdEf", "AbC+dEf/"];

struct Run {
    client: Client,
    now: Instant,
    /// Polled requests with the time they were sent.
    in_flight: Vec<(Instant, Request)>,
    delivered: BTreeSet<String>,
    requests: usize,
    /// When each sync-loop or contact request since the last progress was issued.
    idle_requests: VecDeque<Instant>,
    /// Data asked for and not yet given, by upload.
    wanted: BTreeMap<OpId, (u64, usize)>,
    /// Ops submitted, and those that ended.
    submitted: BTreeSet<OpId>,
    ended: BTreeSet<OpId>,
}

/// The requests the client issues on its own (not for a command).
fn self_paced(kind: Endpoint) -> bool {
    matches!(
        kind,
        Endpoint::SyncCheck
            | Endpoint::Sync
            | Endpoint::Init
            | Endpoint::GetContact
            | Endpoint::BatchGetContact
            | Endpoint::StatusNotify
    )
}

impl Run {
    fn drain(&mut self) {
        while let Some(r) = self.client.poll_request() {
            let dump = format!("{r:?}");
            for s in SECRETS {
                assert!(!dump.contains(s), "credential in a Request's Debug");
            }
            self.requests += 1;
            if self_paced(r.kind) {
                self.idle_requests.push_back(self.now);
                let minute_ago = self.now.checked_sub(Duration::from_secs(60));
                while self
                    .idle_requests
                    .front()
                    .is_some_and(|t| minute_ago.is_some_and(|m| *t < m))
                {
                    self.idle_requests.pop_front();
                }
                assert!(
                    self.idle_requests.len() <= MAX_IDLE_REQUESTS_PER_MINUTE,
                    "more than {MAX_IDLE_REQUESTS_PER_MINUTE} requests in a minute without progress"
                );
            }
            self.in_flight.push((self.now, r));
        }
        let lanes = |k: Endpoint| self.in_flight.iter().filter(|(_, r)| r.kind == k).count();
        assert!(lanes(Endpoint::SyncCheck) <= 1, "two synccheck in flight");
        assert!(lanes(Endpoint::Sync) <= 1, "two webwxsync in flight");
        while let Some(e) = self.client.poll_event() {
            let dump = format!("{e:?}");
            for s in SECRETS {
                assert!(!dump.contains(s), "credential in an Event's Debug");
            }
            if let Event::DataWanted { op, offset, len } = &e {
                assert!(*len <= 524_288, "a chunk over 512 KiB asked for");
                self.wanted.insert(*op, (*offset, *len));
            }
            if let Event::OpDone { op, .. } = &e {
                assert!(
                    self.submitted.contains(op),
                    "OpDone for an op never submitted"
                );
                assert!(self.ended.insert(*op), "two OpDone for one op");
                self.wanted.remove(op);
            }
            if let Event::Message { message, .. } = &e {
                assert!(
                    self.delivered.insert(message.msg_id.clone()),
                    "a message delivered twice"
                );
            }
            if matches!(
                e,
                Event::Message { .. }
                    | Event::ContactsChanged(_)
                    | Event::ContactsDeleted(_)
                    | Event::ProfileChanged { .. }
            ) {
                self.idle_requests.clear();
            }
        }
    }

    fn answer(&mut self, index: usize, status: u16, body: &[u8]) {
        if self.in_flight.is_empty() {
            return;
        }
        let (_, req) = self.in_flight.remove(index % self.in_flight.len());
        let code = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
        let r = if req.sink.is_some() {
            // A download: the driver streamed `body` to the writer (or not).
            let mut head = http::Response::new(());
            *head.status_mut() = code;
            if body.first() == Some(&b'<') {
                head.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static("text/html"),
                );
            }
            self.client
                .handle_streamed(req.id, head, body.len() as u64, self.now)
        } else {
            let mut resp = http::Response::new(body.to_vec());
            *resp.status_mut() = code;
            self.client.handle_response(req.id, resp, self.now)
        };
        assert!(r.is_ok(), "a polled request's response was refused");
    }

    /// Answers the data an upload asked for: right, short, or a read failure.
    fn give_data(&mut self, arg: usize) {
        let Some((&op, &(offset, len))) = self.wanted.iter().nth(arg % self.wanted.len().max(1))
        else {
            return;
        };
        match arg % 5 {
            0 => self.client.handle_data_failure(op, self.now),
            1 => {
                let short = vec![7u8; len.saturating_sub(1)];
                let r = self.client.handle_data(op, offset, &short, self.now);
                assert!(len == 0 || r.is_err(), "short data accepted");
                return;
            }
            _ => {
                let r = self
                    .client
                    .handle_data(op, offset, &vec![7u8; len], self.now);
                assert!(r.is_ok(), "the data asked for was refused");
            }
        }
        self.wanted.remove(&op);
    }

    fn answer_kind(&mut self, kind: Endpoint, body: &[u8]) {
        if let Some(i) = self.in_flight.iter().position(|(_, r)| r.kind == kind) {
            self.answer(i, 200, body);
        }
    }

    fn tick(&mut self, ms: u64) {
        self.now += Duration::from_millis(ms);
        // As a driver does: a request past its own timeout fails with Timeout.
        let now = self.now;
        let (expired, alive): (Vec<_>, Vec<_>) = std::mem::take(&mut self.in_flight)
            .into_iter()
            .partition(|(sent, r)| *sent + r.timeout <= now);
        self.in_flight = alive;
        for (_, r) in expired {
            assert!(
                self.client
                    .handle_failure(r.id, Failure::Timeout, now)
                    .is_ok()
            );
        }
        self.client.handle_timeout(self.now);
        self.drain();
        if let Some(at) = self.client.poll_timeout() {
            assert!(
                at > self.now,
                "busy loop: a wake-up not in the future after a timeout"
            );
        }
    }
}

/// The harness anchors its virtual clock on the real one, once.
#[allow(clippy::disallowed_methods)]
pub(super) fn run(data: &[u8]) -> (usize, usize) {
    let now = Instant::now();
    let wall = SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    let mut run = Run {
        client: Client::new(Config::default(), [5; 32], now, wall),
        now,
        in_flight: Vec::new(),
        delivered: BTreeSet::new(),
        requests: 0,
        idle_requests: VecDeque::new(),
        wanted: BTreeMap::new(),
        submitted: BTreeSet::new(),
        ended: BTreeSet::new(),
    };
    run.drain();
    run.answer_kind(Endpoint::JsLogin, JSLOGIN);
    run.drain();
    run.answer_kind(Endpoint::LoginPoll, CONFIRMED);
    run.drain();
    run.answer_kind(Endpoint::LoginPage, LOGIN_PAGE);
    run.drain();
    run.answer_kind(Endpoint::Init, INIT);
    run.drain();

    let mut bytes = data.iter().copied();
    while let Some(op) = bytes.next() {
        let arg = bytes.next().unwrap_or(0) as usize;
        match op % 8 {
            0 => {
                // Arbitrary bytes with an arbitrary status.
                let len = bytes.next().unwrap_or(0) as usize;
                let body: Vec<u8> = bytes.by_ref().take(len).collect();
                let status = [200, 200, 200, 301, 404, 500, 502, 204][arg % 8];
                run.answer(arg, status, &body);
            }
            1 => run.answer_kind(Endpoint::SyncCheck, CHECK_BODIES[arg % CHECK_BODIES.len()]),
            2 => run.answer_kind(Endpoint::Sync, SYNC_BODIES[arg % SYNC_BODIES.len()]),
            3 => {
                if !run.in_flight.is_empty() {
                    let (_, req) = run.in_flight.remove(arg % run.in_flight.len());
                    let f = [
                        Failure::Timeout,
                        Failure::Connect,
                        Failure::Io,
                        Failure::Tls,
                    ][arg % 4];
                    assert!(run.client.handle_failure(req.id, f, run.now).is_ok());
                }
            }
            4 => run.tick(arg as u64 * 250),
            5 if arg % 12 >= 5 => {
                let cmd = match arg % 12 {
                    5 => Command::SendMedia {
                        to: "@peer".into(),
                        upload: Upload {
                            name: "f.bin".into(),
                            size: (arg as u64 + 1) * 60_001,
                            kind: [MediaKind::File, MediaKind::Image, MediaKind::Gif][arg % 3],
                            md5: arg.is_multiple_of(2).then(|| "0".repeat(32)),
                        },
                    },
                    6 => Command::Download(Download::Image {
                        msg_id: "1".into(),
                        size: ImageSize::Big,
                    }),
                    7 => Command::FetchMembers {
                        group: "@@g".into(),
                        members: if arg % 24 < 12 {
                            Vec::new()
                        } else {
                            vec!["@a".into()]
                        },
                    },
                    8 => Command::CreateGroup {
                        topic: "t".into(),
                        members: vec!["@a".into(), "@b".into()],
                    },
                    9 => Command::AddMembers {
                        group: "@@g".into(),
                        members: vec!["@a".into()],
                    },
                    10 => Command::AcceptFriend {
                        user_name: "@s".into(),
                        ticket: "v1_t".into(),
                    },
                    11 => Command::Pin {
                        user: "@peer".into(),
                        pinned: true,
                    },
                    _ => Command::Download(Download::Avatar {
                        user_name: "@peer".into(),
                        head_img_url: None,
                        chatroom_id: None,
                    }),
                };
                if let Ok(op) = run.client.submit(cmd, run.now) {
                    run.submitted.insert(op);
                }
            }
            5 => {
                let cmd = match arg % 4 {
                    0 => Command::SendText {
                        to: "@peer".into(),
                        text: "hi".into(),
                    },
                    1 => Command::MarkRead {
                        chat: "@peer".into(),
                    },
                    2 => Command::SetRemark {
                        user: "@peer".into(),
                        remark: "r".into(),
                    },
                    _ if arg > 250 => Command::Logout,
                    _ => Command::RenameGroup {
                        group: "@@g".into(),
                        topic: "t".into(),
                    },
                };
                if let Ok(op) = run.client.submit(cmd, run.now) {
                    run.submitted.insert(op);
                }
            }
            6 if arg.is_multiple_of(4) => run.give_data(arg / 4),
            6 if arg % 4 == 1 => {
                let body = MEDIA_BODIES[(arg / 4) % MEDIA_BODIES.len()];
                run.answer(arg / 4, 200, body);
            }
            6 => run.answer(arg, 200, OK_SEND),
            _ => {
                // A sync body with one byte changed.
                let mut body = SYNC_BODIES[arg % 2].to_vec();
                let at = (arg * 31) % body.len();
                body[at] = bytes.next().unwrap_or(b'"');
                run.answer_kind(Endpoint::Sync, &body);
            }
        }
        run.drain();
    }
    assert!(!format!("{:?}", run.client).contains("crypt"));
    (run.delivered.len(), run.requests)
}
