//! The media runs both adapters share (`adapter_tests!(media, ADAPTER)`): files sent by
//! their kind in one or several chunks and read back from the simulator, received media
//! downloaded into a buffer or a file, empty and too long answers, a failed read, a
//! cancel mid-upload, a `DataWanted` with nothing attached, the driver's memory bound, and
//! a remote caller's upload whose progress reaches only that caller.
//!
//! The adapter is behind [`MediaAdapter`]: a driver run on the test's thread ([`Direct`]),
//! and a session driven in the background with its remote ([`RemoteMedia`]), both over
//! std `Read + Seek` / `Write` (wx-tokio's tests wrap them as async I/O).

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use wx_proto::client::{
    Client, Command, Download, Event, Failure, MediaKind, OpError, OpId, OpOutput, UPLOAD_CHUNK,
    Upload, UsageError,
};
use wx_sim::wire::media;
use wx_sim::{Body, Fault, FaultRule, LoginPolicy, Push};

use super::{Env, client_config};

/// A reader the adapters take: `Read + Seek`.
pub trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// An upload's reader.
pub type Source = Box<dyn ReadSeek>;
/// A download's writer.
pub type Sink = Box<dyn Write + Send>;
/// A progress callback.
pub type OnProgress = Box<dyn FnMut(u64, u64) + Send>;

/// An adapter's driver run on the test's thread: its direct media API.
pub trait Direct {
    /// `Driver::next_event`.
    fn next_event(&mut self, client: &mut Client) -> Option<Event>;
    /// `Driver::send_file` (its error shown with Display).
    fn send_file(
        &mut self,
        client: &mut Client,
        to: &str,
        path: &Path,
        kind: Option<MediaKind>,
    ) -> Result<OpId, String>;
    /// `Driver::attach_source`.
    fn attach_source(&mut self, op: OpId, source: Source);
    /// `Driver::download` into `sink`.
    fn download(
        &mut self,
        client: &mut Client,
        what: Download,
        sink: Sink,
    ) -> Result<OpId, UsageError>;
    /// `Driver::download` into a file the adapter's own way creates at `path`.
    fn download_to_file(
        &mut self,
        client: &mut Client,
        what: Download,
        path: &Path,
    ) -> Result<OpId, UsageError>;
}

/// A remote's error, adapter-neutral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaError {
    /// `RemoteError::Op`.
    Op(OpError),
    /// `RemoteError::File` (Display).
    File(String),
    /// Anything else (Display).
    Other(String),
}

/// An adapter's `Remote`, blocking.
pub trait RemoteMedia: Send {
    /// `Remote::send_file`.
    fn send_file(
        &self,
        to: &str,
        path: &Path,
        kind: Option<MediaKind>,
    ) -> Result<OpOutput, MediaError>;
    /// `Remote::send_reader`, or `send_reader_with_progress` with `progress`.
    fn send_reader(
        &self,
        to: &str,
        upload: Upload,
        source: Source,
        progress: Option<OnProgress>,
    ) -> Result<OpOutput, MediaError>;
    /// `Remote::download`.
    fn download(&self, what: Download, sink: Sink) -> Result<OpOutput, MediaError>;
}

/// A session driven in the background: its events, and its remote.
pub type Background = (Receiver<Event>, Box<dyn RemoteMedia>);

/// How the media runs reach an adapter.
pub struct MediaAdapter {
    /// A driver for `env` (with `HttpOptions::max_download` when given), run on the test's
    /// thread.
    pub direct: fn(&Env, Option<u64>) -> Box<dyn Direct>,
    /// `client` driven in the background on `env`: its events, and its remote.
    pub remote: fn(&Env, Client) -> Background,
}

const GUARD: Duration = Duration::from_secs(60);

/// Bytes that differ from one position to the next (and from one seed to another).
pub fn pattern(len: usize, seed: u8) -> Vec<u8> {
    let mut x = u32::from(seed).wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect()
}

/// A writer into a shared buffer.
#[derive(Clone, Default)]
pub struct SharedVec(pub Arc<Mutex<Vec<u8>>>);

impl SharedVec {
    /// What was written.
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().unwrap().clone()
    }
}

impl Write for SharedVec {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a [`Counting`] reader saw.
#[derive(Debug, Default, Clone)]
pub struct ReadStats {
    /// The largest buffer one `read` was asked to fill.
    pub largest_read: usize,
    /// Bytes handed out in all.
    pub bytes: u64,
    /// Where each read started, in order.
    pub offsets: Vec<u64>,
    /// Set when the reader is dropped.
    pub dropped: bool,
}

/// A reader over bytes in memory that records its reads, and fails every read at or past
/// `fail_from`.
pub struct Counting {
    data: std::io::Cursor<Vec<u8>>,
    stats: Arc<Mutex<ReadStats>>,
    fail_from: Option<u64>,
    delay: Duration,
}

impl Counting {
    /// A reader of `data` and its shared stats.
    pub fn new(data: Vec<u8>, fail_from: Option<u64>) -> (Counting, Arc<Mutex<ReadStats>>) {
        let stats = Arc::new(Mutex::new(ReadStats::default()));
        let reader = Counting {
            data: std::io::Cursor::new(data),
            stats: stats.clone(),
            fail_from,
            delay: Duration::ZERO,
        };
        (reader, stats)
    }

    /// The same reader, sleeping `delay` before each read (a slow disk).
    pub fn slow(mut self, delay: Duration) -> Counting {
        self.delay = delay;
        self
    }
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        std::thread::sleep(self.delay);
        let at = self.data.position();
        if self.fail_from.is_some_and(|f| at >= f) {
            return Err(std::io::Error::other("the disk went away"));
        }
        let n = self.data.read(buf)?;
        let mut s = self.stats.lock().unwrap();
        s.largest_read = s.largest_read.max(buf.len());
        s.bytes += n as u64;
        s.offsets.push(at);
        Ok(n)
    }
}

impl Seek for Counting {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.data.seek(pos)
    }
}

impl Drop for Counting {
    fn drop(&mut self) {
        if let Ok(mut s) = self.stats.lock() {
            s.dropped = true;
        }
    }
}

/// A directory of its own under the system's temporary one, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh directory named after `name`.
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "wx-media-{name}-{}-{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// Writes `bytes` to the file `name` in it.
    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn sim_config() -> wx_sim::Config {
    wx_sim::Config {
        login: LoginPolicy::Auto {
            scan_after: Duration::from_millis(10),
            confirm_after: Duration::from_millis(10),
            account: 0,
        },
        ..wx_sim::Config::default()
    }
}

fn new_client(env: &Env, seed: u8) -> Client {
    Client::new(
        client_config(&env.base),
        [seed; 32],
        Instant::now(),
        SystemTime::now(),
    )
}

/// A logged-in session whose driver runs on the test's thread.
pub struct Run {
    /// The simulator.
    pub env: Env,
    /// The client.
    pub client: Client,
    /// The adapter's driver.
    pub driver: Box<dyn Direct>,
    /// Every event returned so far.
    pub seen: Vec<Event>,
    /// A friend of account 0.
    pub friend: String,
    watchdog: Arc<AtomicBool>,
}

impl Run {
    /// Logs in on a new simulator and waits for `Ready`.
    pub fn start(adapter: &MediaAdapter, max_download: Option<u64>, seed: u8) -> Run {
        let env = Env::new(false, sim_config());
        let client = new_client(&env, seed);
        let driver = (adapter.direct)(&env, max_download);
        let friend = env.sim(|sim, _| {
            sim.world().accounts[0]
                .friends()
                .next()
                .unwrap()
                .user_name
                .clone()
        });
        // A hang (an event that never comes) fails the whole test binary after a minute
        // instead of blocking it forever.
        let watchdog = Arc::new(AtomicBool::new(false));
        let done = watchdog.clone();
        std::thread::spawn(move || {
            let end = Instant::now() + Duration::from_secs(240);
            while Instant::now() < end {
                if done.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            eprintln!("a media run hung: aborting");
            std::process::exit(101);
        });
        let mut run = Run {
            env,
            client,
            driver,
            seen: Vec::new(),
            friend,
            watchdog,
        };
        run.until(|e| matches!(e, Event::Ready { .. }));
        run
    }

    /// Runs the driver until an event matching `f` (every event kept in `seen`).
    pub fn until(&mut self, mut f: impl FnMut(&Event) -> bool) -> Event {
        let end = Instant::now() + GUARD;
        loop {
            let e = self
                .driver
                .next_event(&mut self.client)
                .expect("the session ended");
            self.seen.push(e.clone());
            if f(&e) {
                return e;
            }
            assert!(Instant::now() < end, "no such event within {GUARD:?}");
        }
    }

    /// Runs the driver until `op` is done, and gives its result.
    pub fn done(&mut self, op: OpId) -> Result<OpOutput, OpError> {
        match self.until(|e| matches!(e, Event::OpDone { op: o, .. } if *o == op)) {
            Event::OpDone { result, .. } => result,
            _ => unreachable!(),
        }
    }

    /// Pushes `body` from a friend and waits for its message.
    pub fn receive(&mut self, body: &Body) -> wx_proto::model::Message {
        let id = self
            .env
            .sim(|sim, now| sim.push(&Push::default(), body, now))
            .unwrap();
        match self.until(|e| matches!(e, Event::Message { message, .. } if message.msg_id == id)) {
            Event::Message { message, .. } => *message,
            _ => unreachable!(),
        }
    }

    /// Downloads `what` into a buffer: its result and the bytes written.
    pub fn fetch(&mut self, what: Download) -> (Result<OpOutput, OpError>, Vec<u8>) {
        let buf = SharedVec::default();
        let op = self
            .driver
            .download(&mut self.client, what, Box::new(buf.clone()))
            .unwrap();
        (self.done(op), buf.bytes())
    }

    /// How many requests the simulator served for `endpoint`.
    pub fn served(&self, endpoint: &str) -> u64 {
        self.env
            .sim(|sim, _| sim.served_by().get(endpoint).copied().unwrap_or(0))
    }

    /// The last message the simulator recorded as sent.
    pub fn last_sent(&self) -> wx_sim::Sent {
        self.env.sim(|sim, _| sim.sent().last().cloned()).unwrap()
    }

    /// Reads back the bytes the simulator assembled for a sent file, by downloading the
    /// sent message's media: through what wx-sim exposes today (TODO: compare with
    /// `Sim::uploaded(media_id)` directly once wx-sim has it).
    pub fn read_back(&mut self, sent: &wx_sim::Sent) -> Vec<u8> {
        let me = self.client.me().unwrap().user_name.clone();
        let what = match sent.endpoint.as_str() {
            "webwxsendmsgimg" | "webwxsendemoticon" => Download::Image {
                msg_id: sent.msg_id.clone(),
                size: wx_proto::client::ImageSize::Big,
            },
            "webwxsendvideomsg" => Download::Video {
                msg_id: sent.msg_id.clone(),
            },
            _ => Download::File {
                sender: me,
                media_id: media_id_of(sent),
                encry_file_name: "x".into(),
            },
        };
        let (result, bytes) = self.fetch(what);
        assert!(
            matches!(result, Ok(OpOutput::Downloaded { bytes: n, .. }) if n == bytes.len() as u64),
            "{result:?}"
        );
        bytes
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        self.watchdog.store(true, Ordering::Relaxed);
    }
}

/// A sent message's MediaId: its own, or the `attachid` of its appmsg.
pub fn media_id_of(sent: &wx_sim::Sent) -> String {
    if !sent.media_id.is_empty() {
        return sent.media_id.clone();
    }
    let c = &sent.content;
    let start = c.find("<attachid>").map(|i| i + "<attachid>".len());
    let end = c.find("</attachid>");
    match (start, end) {
        (Some(s), Some(e)) if s <= e => c[s..e].to_string(),
        _ => panic!("no MediaId in {c}"),
    }
}

fn sent_ok(result: Result<OpOutput, OpError>) {
    assert!(matches!(result, Ok(OpOutput::Sent { .. })), "{result:?}");
}

/// A small file by its path, then a file of three chunks attached to a directly submitted
/// upload through a reader that counts its reads: the simulator assembled both exactly,
/// one upload request per chunk, and the driver read each byte once per pass (the MD5
/// pass, then the upload), one chunk at a time at most, where the upload asked.
pub fn small_and_chunked_files(adapter: &MediaAdapter) {
    let mut run = Run::start(adapter, None, 11);
    let dir = TempDir::new("small");
    let small = b"hello, media".to_vec();
    let path = dir.file("notes.txt", &small);
    let friend = run.friend.clone();
    let uploads = run.served("webwxuploadmedia");
    let op = run
        .driver
        .send_file(&mut run.client, &friend, &path, None)
        .unwrap();
    sent_ok(run.done(op));
    assert_eq!(run.served("webwxuploadmedia") - uploads, 1);
    let sent = run.last_sent();
    assert_eq!(sent.endpoint, "webwxsendappmsg");
    assert_eq!(run.read_back(&sent), small);
    assert!(
        !run.seen
            .iter()
            .any(|e| matches!(e, Event::DataWanted { .. })),
        "an attached file's DataWanted is the driver's"
    );

    let size = 1_300_000;
    let big = pattern(size, 3);
    let (reader, stats) = Counting::new(big.clone(), None);
    let upload = Upload {
        name: "report.bin".into(),
        size: size as u64,
        kind: MediaKind::File,
        md5: None,
    };
    let op = run
        .client
        .submit(
            Command::SendMedia {
                to: friend.clone(),
                upload,
            },
            Instant::now(),
        )
        .unwrap();
    run.driver.attach_source(op, Box::new(reader));
    let uploads = run.served("webwxuploadmedia");
    // Bytes outstanding: when chunk k is reported sent, the upload pass has read exactly
    // the chunks up to k (the next one is read only after that, when the upload asks).
    let result = loop {
        let e = run.until(|e| {
            matches!(e, Event::Progress { op: o, .. } | Event::OpDone { op: o, .. } if *o == op)
        });
        match e {
            Event::Progress { done, .. } => {
                let read = stats.lock().unwrap().bytes;
                assert_eq!(read, size as u64 + done, "read ahead of the upload");
            }
            Event::OpDone { result, .. } => break result,
            _ => unreachable!(),
        }
    };
    sent_ok(result);
    let chunks = (size as u64).div_ceil(UPLOAD_CHUNK);
    assert_eq!(chunks, 3);
    assert_eq!(run.served("webwxuploadmedia") - uploads, chunks);
    let progress: Vec<(u64, u64)> = run
        .seen
        .iter()
        .filter_map(|e| match e {
            Event::Progress { op: p, done, total } if *p == op => Some((*done, *total)),
            _ => None,
        })
        .collect();
    assert_eq!(
        progress,
        vec![
            (UPLOAD_CHUNK, size as u64),
            (2 * UPLOAD_CHUNK, size as u64),
            (size as u64, size as u64)
        ],
        "a direct op's progress is the caller's"
    );
    let stats = stats.lock().unwrap().clone();
    // Memory: never more than one chunk asked of the reader at once, each byte read once
    // per pass, and a chunk read only when the upload asked for it (the core asks for the
    // next one after the last was sent): the driver holds at most the chunk being read
    // and the one in flight.
    assert!(
        stats.largest_read as u64 <= UPLOAD_CHUNK,
        "read {} bytes at once",
        stats.largest_read
    );
    assert_eq!(
        stats.bytes,
        2 * size as u64,
        "one MD5 pass and one upload pass"
    );
    assert!(stats.dropped, "the reader is dropped when its op ends");
    let sent = run.last_sent();
    assert!(
        run.read_back(&sent) == big,
        "the simulator holds the file's bytes"
    );
}

/// An image, a video and a GIF by their paths, each kind detected from the first bytes
/// and sent by its endpoint; the simulator holds their bytes exactly.
pub fn images_videos_and_gifs(adapter: &MediaAdapter) {
    let mut run = Run::start(adapter, None, 12);
    let dir = TempDir::new("kinds");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(pattern(40_000, 1));
    let mut mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom".to_vec();
    mp4.extend(pattern(700_000, 2));
    let mut gif = b"GIF89a".to_vec();
    gif.extend(pattern(30_000, 4));
    let friend = run.friend.clone();
    // The image keeps its extension: the upload form's MIME type comes from the name, and
    // the simulator serves an image's own bytes only under an image type.
    for (name, bytes, endpoint) in [
        ("photo.png", &png, "webwxsendmsgimg"),
        ("clip.bin", &mp4, "webwxsendvideomsg"),
        ("anim.gif", &gif, "webwxsendemoticon"),
    ] {
        let path = dir.file(name, bytes);
        let op = run
            .driver
            .send_file(&mut run.client, &friend, &path, None)
            .unwrap();
        sent_ok(run.done(op));
        let sent = run.last_sent();
        assert_eq!(sent.endpoint, endpoint, "{name}");
        assert!(
            &run.read_back(&sent) == bytes,
            "{name}: the simulator holds its bytes"
        );
    }
    // A kind given wins over the detected one: a PNG sent as a file.
    let path = dir.file("photo2.png", &png);
    let op = run
        .driver
        .send_file(&mut run.client, &friend, &path, Some(MediaKind::File))
        .unwrap();
    sent_ok(run.done(op));
    assert_eq!(run.last_sent().endpoint, "webwxsendappmsg");
    // Typed errors: no such file, an empty one.
    let missing = dir.0.join("missing.jpg");
    let err = run
        .driver
        .send_file(&mut run.client, &friend, &missing, None);
    assert!(err.is_err_and(|e| e.contains("cannot be read")));
    let empty = dir.file("empty.txt", b"");
    let err = run.driver.send_file(&mut run.client, &friend, &empty, None);
    assert_eq!(err, Err("the file is empty".to_string()));
}

/// Received media downloaded: an image, a voice, a video (a Range answer), a file into a
/// file on disk (with its name), an avatar the server answers empty once (asked again,
/// into the same writer); each byte for byte.
pub fn downloads_of_received_media(adapter: &MediaAdapter) {
    let mut run = Run::start(adapter, None, 13);
    let image = run.receive(&Body::Image);
    let (result, bytes) = run.fetch(Download::of_message(&image).unwrap());
    assert!(
        matches!(&result, Ok(OpOutput::Downloaded { bytes: 159, content_type: Some(ct), .. }) if ct == "image/jpeg"),
        "{result:?}"
    );
    assert_eq!(bytes, media::TINY_JPEG);

    let voice = run.receive(&Body::Voice { ms: 3000 });
    let (result, bytes) = run.fetch(Download::of_message(&voice).unwrap());
    assert!(
        matches!(result, Ok(OpOutput::Downloaded { bytes: 6000, .. })),
        "{result:?}"
    );
    assert_eq!(bytes, media::voice_mp3(6000));

    let video = run.receive(&Body::Video {
        secs: 3,
        size: 900_000,
    });
    let (result, bytes) = run.fetch(Download::of_message(&video).unwrap());
    assert!(
        matches!(result, Ok(OpOutput::Downloaded { bytes: 900_000, .. })),
        "{result:?}"
    );
    assert!(bytes == media::video_mp4(900_000), "the video's bytes");

    let file = run.receive(&Body::File {
        name: "report.pdf".into(),
        size: 300_000,
    });
    let dir = TempDir::new("downloads");
    let path = dir.0.join("report.pdf");
    let what = Download::of_message(&file).unwrap();
    let op = run
        .driver
        .download_to_file(&mut run.client, what, &path)
        .unwrap();
    let result = run.done(op);
    assert!(
        matches!(&result, Ok(OpOutput::Downloaded { bytes: 300_000, file_name: Some(n), .. }) if n == "report.pdf"),
        "{result:?}"
    );
    assert!(
        std::fs::read(&path).unwrap() == media::file_bytes(300_000),
        "the file on disk"
    );

    run.env.sim(|sim, _| {
        sim.inject(FaultRule {
            endpoint: Some("webwxgeticon".into()),
            fault: Fault::Truncate { keep: 0 },
            times: 1,
        })
    });
    let friend = run.friend.clone();
    let icons = run.served("webwxgeticon");
    let (result, bytes) = run.fetch(Download::Avatar {
        user_name: friend,
        head_img_url: None,
        chatroom_id: None,
    });
    assert!(
        matches!(result, Ok(OpOutput::Downloaded { bytes: 159, .. })),
        "{result:?}"
    );
    assert_eq!(bytes, media::TINY_JPEG);
    assert_eq!(
        run.served("webwxgeticon") - icons,
        2,
        "asked again after the empty answer"
    );
}

/// An image the server answers empty is `NotDownloadable` (nothing written); a body over
/// `max_download` fails `BodyTooLarge`.
pub fn empty_and_too_long_downloads(adapter: &MediaAdapter) {
    let mut run = Run::start(adapter, Some(100_000), 14);
    let image = run.receive(&Body::Image);
    run.env.sim(|sim, _| {
        sim.inject(FaultRule {
            endpoint: Some("webwxgetmsgimg".into()),
            fault: Fault::Truncate { keep: 0 },
            times: 1,
        })
    });
    let (result, bytes) = run.fetch(Download::of_message(&image).unwrap());
    assert_eq!(result, Err(OpError::NotDownloadable));
    assert!(bytes.is_empty());
    let video = run.receive(&Body::Video {
        secs: 3,
        size: 400_000,
    });
    let (result, _) = run.fetch(Download::of_message(&video).unwrap());
    assert_eq!(
        result,
        Err(OpError::Transport(wx_proto::client::Failure::BodyTooLarge))
    );
    // The session goes on.
    let (result, bytes) = run.fetch(Download::of_message(&image).unwrap());
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(bytes, media::TINY_JPEG);
}

/// A reader that fails ends its upload `DataUnavailable`; an upload cancelled after its
/// first chunk ends `Cancelled`, drops its reader and sends nothing; an upload with nothing
/// attached hands its `DataWanted` to the caller, who answers it.
pub fn failed_read_cancel_and_unattached_data(adapter: &MediaAdapter) {
    let mut run = Run::start(adapter, None, 15);
    let friend = run.friend.clone();
    let size = 1_200_000u64;
    let send = |name: &str| Command::SendMedia {
        to: friend.clone(),
        upload: Upload {
            name: name.into(),
            size,
            kind: MediaKind::File,
            md5: None,
        },
    };
    let data = pattern(size as usize, 9);
    let (reader, stats) = Counting::new(data.clone(), Some(UPLOAD_CHUNK));
    let op = run
        .client
        .submit(send("broken.bin"), Instant::now())
        .unwrap();
    run.driver.attach_source(op, Box::new(reader));
    assert_eq!(run.done(op), Err(OpError::DataUnavailable));
    assert!(stats.lock().unwrap().dropped);

    let sent_before = run.env.sim(|sim, _| sim.sent().len());
    let (reader, stats) = Counting::new(data.clone(), None);
    let op = run
        .client
        .submit(send("cancelled.bin"), Instant::now())
        .unwrap();
    run.driver.attach_source(op, Box::new(reader));
    run.until(|e| matches!(e, Event::Progress { op: p, done, total } if *p == op && done < total));
    run.client.cancel(op, Instant::now());
    assert_eq!(run.done(op), Err(OpError::Cancelled));
    // A read already in progress (wx-tokio's, in its task) ends first: the reader is
    // dropped when it comes back to an ended op, the next time the driver runs. The
    // session goes on meanwhile.
    for i in 0..10 {
        if stats.lock().unwrap().dropped {
            break;
        }
        let text = Command::SendText {
            to: friend.clone(),
            text: format!("after the cancel {i}"),
        };
        let op_text = run.client.submit(text, Instant::now()).unwrap();
        sent_ok(run.done(op_text));
    }
    assert!(
        stats.lock().unwrap().dropped,
        "the reader is dropped with its op"
    );
    assert!(
        stats.lock().unwrap().bytes < 2 * size,
        "not read to its end"
    );

    let op = run
        .client
        .submit(send("by-hand.bin"), Instant::now())
        .unwrap();
    let mut asked = 0;
    let result = loop {
        match run.until(|e| {
            matches!(e, Event::DataWanted { op: o, .. } | Event::OpDone { op: o, .. } if *o == op)
        }) {
            Event::DataWanted { offset, len, .. } => {
                asked += 1;
                let at = offset as usize;
                run.client
                    .handle_data(op, offset, &data[at..at + len], Instant::now())
                    .unwrap();
            }
            Event::OpDone { result, .. } => break result,
            _ => unreachable!(),
        }
    };
    sent_ok(result);
    assert_eq!(
        asked,
        2 * size.div_ceil(UPLOAD_CHUNK),
        "both passes asked of the caller"
    );
    let sent: Vec<wx_sim::Sent> = run.env.sim(|sim, _| {
        sim.sent()[sent_before..]
            .iter()
            .filter(|s| s.endpoint != "webwxsendmsg")
            .cloned()
            .collect()
    });
    assert_eq!(sent.len(), 1, "only the answered upload was sent: {sent:?}");
    assert!(
        run.read_back(&sent[0]) == data,
        "the answered upload's bytes"
    );
}

/// A reader and a writer that panic, as buggy user code does.
struct Panicking;

impl Read for Panicking {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        panic!("a reader that panics (this panic is the test's)");
    }
}

impl Seek for Panicking {
    fn seek(&mut self, _: SeekFrom) -> std::io::Result<u64> {
        Ok(0)
    }
}

impl Write for Panicking {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        panic!("a writer that panics (this panic is the test's)");
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A writer that panics fails its download with `Transport(Io)`, a reader that panics its
/// upload with `DataUnavailable`; neither hangs the op or the driver, and the session goes
/// on (the same download into a buffer, a text).
pub fn panicking_reader_and_writer(adapter: &MediaAdapter) {
    // A driver that loses the op blocks this thread in `next_event` for good: the run's
    // watchdog ends the test process then.
    let mut run = Run::start(adapter, None, 18);
    let image = run.receive(&Body::Image);
    let what = Download::of_message(&image).unwrap();
    let op = run
        .driver
        .download(&mut run.client, what.clone(), Box::new(Panicking))
        .unwrap();
    assert_eq!(run.done(op), Err(OpError::Transport(Failure::Io)));
    let (result, bytes) = run.fetch(what);
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(bytes, media::TINY_JPEG);

    let upload = Upload {
        name: "panics.bin".into(),
        size: 1_000,
        kind: MediaKind::File,
        md5: None,
    };
    let to = run.friend.clone();
    let op = run
        .client
        .submit(Command::SendMedia { to, upload }, Instant::now())
        .unwrap();
    run.driver.attach_source(op, Box::new(Panicking));
    assert_eq!(run.done(op), Err(OpError::DataUnavailable));
    let text = Command::SendText {
        to: run.friend.clone(),
        text: "after the panics".into(),
    };
    let op = run.client.submit(text, Instant::now()).unwrap();
    sent_ok(run.done(op));
}

/// Through the remote: an upload's progress reaches its callback and never the driver's
/// caller (nor does its `DataWanted` or `OpDone`); a file by its path; an unreadable path
/// and an empty file as typed errors; a download into a buffer.
pub fn remote_media(adapter: &MediaAdapter) {
    let env = Env::new(false, sim_config());
    let (events, remote) = (adapter.remote)(&env, new_client(&env, 16));
    let end = Instant::now() + GUARD;
    loop {
        match events.recv_timeout(end.saturating_duration_since(Instant::now())) {
            Ok(Event::Ready { .. }) => break,
            Ok(_) => {}
            Err(e) => panic!("no Ready: {e:?}"),
        }
    }
    let friend = env.sim(|sim, _| {
        sim.world().accounts[0]
            .friends()
            .next()
            .unwrap()
            .user_name
            .clone()
    });
    let size = 1_100_000u64;
    let data = pattern(size as usize, 5);
    let (reader, stats) = Counting::new(data, None);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let upload = Upload {
        name: "remote.bin".into(),
        size,
        kind: MediaKind::File,
        md5: None,
    };
    let result = remote.send_reader(
        &friend,
        upload,
        Box::new(reader),
        Some(Box::new(move |done, total| {
            log.lock().unwrap().push((done, total))
        })),
    );
    assert!(matches!(result, Ok(OpOutput::Sent { .. })), "{result:?}");
    let progress = seen.lock().unwrap().clone();
    assert_eq!(
        progress.len() as u64,
        size.div_ceil(UPLOAD_CHUNK),
        "{progress:?}"
    );
    assert_eq!(progress.last(), Some(&(size, size)));
    assert!(progress.windows(2).all(|w| w[0].0 < w[1].0));
    assert!(stats.lock().unwrap().dropped);

    let dir = TempDir::new("remote");
    let path = dir.file("hello.txt", b"remote hello");
    let result = remote.send_file(&friend, &path, None);
    assert!(matches!(result, Ok(OpOutput::Sent { .. })), "{result:?}");
    let missing = remote.send_file(&friend, &dir.0.join("nope.txt"), None);
    assert!(matches!(missing, Err(MediaError::File(_))), "{missing:?}");
    let empty = remote.send_file(&friend, &dir.file("empty.txt", b""), None);
    assert!(matches!(empty, Err(MediaError::File(_))), "{empty:?}");

    let buf = SharedVec::default();
    let result = remote.download(
        Download::Avatar {
            user_name: friend,
            head_img_url: None,
            chatroom_id: None,
        },
        Box::new(buf.clone()),
    );
    assert!(
        matches!(result, Ok(OpOutput::Downloaded { bytes: 159, .. })),
        "{result:?}"
    );
    assert_eq!(buf.bytes(), media::TINY_JPEG);

    let theirs: Vec<Event> = events.try_iter().collect();
    assert!(
        !theirs.iter().any(|e| matches!(
            e,
            Event::Progress { .. } | Event::DataWanted { .. } | Event::OpDone { .. }
        )),
        "a remote op's events reached the driver's caller: {theirs:?}"
    );
}

/// One streamed download as an adapter's HTTP client does it: GET `url` with
/// `max_download`, into a buffer. Gives the status and the bytes written (or the failure),
/// and the buffer.
pub type StreamOnce<'a> = &'a dyn Fn(&str, u64) -> (Result<(u16, u64), Failure>, Vec<u8>);

/// The streaming half of an adapter's HTTP client against canned answers: a body goes to
/// the writer whole and the request asked for no gzip; a body over the cap fails
/// `BodyTooLarge` (announced or not); an HTML page or an error status writes nothing.
pub fn download_transport(stream: StreamOnce<'_>) {
    use super::raw::{canned, response};
    let body = pattern(200_000, 8);
    let ok = response(
        "200 OK",
        &[("Content-Type", "application/octet-stream")],
        &body,
    );
    let (addr, seen) = canned(ok, Duration::ZERO);
    let url = format!("http://{addr}/cgi-bin/mmwebwx-bin/webwxgetmedia");
    let (result, written) = stream(&url, 1_000_000);
    assert_eq!(result, Ok((200, 200_000)));
    assert!(written == body, "the body, whole, in order");
    let heads = seen.lock().unwrap().clone();
    assert!(
        heads
            .iter()
            .all(|h| !h.to_ascii_lowercase().contains("gzip")),
        "a download asks for no gzip: {heads:?}"
    );
    let (result, written) = stream(&url, 100_000);
    assert_eq!(result, Err(Failure::BodyTooLarge));
    assert!(
        written.is_empty(),
        "refused by its Content-Length before any write"
    );

    // Chunked, so the cap is found while streaming.
    let mut chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for part in body.chunks(50_000) {
        chunked.extend(format!("{:x}\r\n", part.len()).into_bytes());
        chunked.extend_from_slice(part);
        chunked.extend(b"\r\n");
    }
    chunked.extend(b"0\r\n\r\n");
    let (addr, _) = canned(chunked, Duration::ZERO);
    let url = format!("http://{addr}/x");
    let (result, written) = stream(&url, 120_000);
    assert_eq!(result, Err(Failure::BodyTooLarge));
    assert!(written.len() <= 120_000, "stopped at the cap");
    let (result, written) = stream(&url, 1_000_000);
    assert_eq!(result, Ok((200, 200_000)));
    assert!(written == body);

    for (status, ct) in [
        ("200 OK", "text/html; charset=utf-8"),
        ("404 Not Found", "text/plain"),
    ] {
        let page = response(
            status,
            &[("Content-Type", ct)],
            b"<html>no such file</html>",
        );
        let (addr, _) = canned(page, Duration::ZERO);
        let (result, written) = stream(&format!("http://{addr}/x"), 1_000_000);
        let code: u16 = status[..3].parse().unwrap();
        assert_eq!(result, Ok((code, 0)), "{status}");
        assert!(written.is_empty(), "{status}: nothing written");
    }
}

/// The session ends (the account is kicked) while a remote caller's upload reads a slow
/// file: the caller is answered `SessionEnded`, never left waiting, and the reader is
/// dropped.
pub fn session_end_during_an_upload(adapter: &MediaAdapter) {
    let env = Env::new(false, sim_config());
    let (events, remote) = (adapter.remote)(&env, new_client(&env, 17));
    let end = Instant::now() + GUARD;
    loop {
        match events.recv_timeout(end.saturating_duration_since(Instant::now())) {
            Ok(Event::Ready { .. }) => break,
            Ok(_) => {}
            Err(e) => panic!("no Ready: {e:?}"),
        }
    }
    let friend = env.sim(|sim, _| {
        sim.world().accounts[0]
            .friends()
            .next()
            .unwrap()
            .user_name
            .clone()
    });
    let size = 1_100_000u64;
    let (reader, stats) = Counting::new(pattern(size as usize, 6), None);
    let reader = reader.slow(Duration::from_millis(150));
    let upload = Upload {
        name: "slow.bin".into(),
        size,
        kind: MediaKind::File,
        md5: None,
    };
    let (tx, answer) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(remote.send_reader(&friend, upload, Box::new(reader), None));
    });
    while stats.lock().unwrap().bytes == 0 {
        assert!(Instant::now() < end, "the upload never read");
        std::thread::sleep(Duration::from_millis(5));
    }
    env.sim(|sim, _| sim.kick(0));
    let result = answer.recv_timeout(GUARD).expect("the caller was answered");
    // The core ends its ops `SessionEnded` (or the driver answers `Ended` first).
    assert!(
        matches!(&result, Err(MediaError::Op(OpError::SessionEnded)))
            || matches!(&result, Err(MediaError::Other(m)) if m == "the session ended"),
        "{result:?}"
    );
    while !stats.lock().unwrap().dropped {
        assert!(Instant::now() < end, "the reader was never dropped");
        std::thread::sleep(Duration::from_millis(5));
    }
    let ended = events.iter().any(|e| matches!(e, Event::LoggedOut(_)));
    assert!(ended, "the session ended");
}

/// A file over 25 MiB by its path goes through webwxcheckupload first and arrives whole (its
/// length and MD5 as the simulator assembled them, with the checkupload Signature); then a
/// file of three chunks whose second chunk's connection the simulator drops: the upload
/// sends that chunk again, and only that one, and the file still arrives exactly.
pub fn big_files_and_a_dropped_chunk(adapter: &MediaAdapter) {
    let mut run = Run::start(adapter, None, 17);
    let dir = TempDir::new("big");
    let friend = run.friend.clone();

    let size = 26 * 1024 * 1024 + 3;
    let big = pattern(size, 5);
    let path = dir.file("archive.zip", &big);
    let (checks, uploads) = (
        run.served("webwxcheckupload"),
        run.served("webwxuploadmedia"),
    );
    let op = run
        .driver
        .send_file(&mut run.client, &friend, &path, None)
        .unwrap();
    sent_ok(run.done(op));
    assert_eq!(run.served("webwxcheckupload") - checks, 1);
    assert_eq!(
        run.served("webwxuploadmedia") - uploads,
        (size as u64).div_ceil(UPLOAD_CHUNK)
    );
    let sent = run.last_sent();
    let got = run
        .env
        .sim(|sim, _| sim.uploaded(&media_id_of(&sent)))
        .expect("the simulator has the upload");
    assert_eq!(got.len, size as u64);
    assert_eq!(got.md5_hex, wx_sim::md5::hex(&big));
    assert!(
        !got.signature.is_empty(),
        "the checkupload Signature was carried"
    );
    assert!(!sent.signature.is_empty(), "and put into the appmsg send");

    let size = 1_300_000;
    let data = pattern(size, 9);
    let path = dir.file("cut.bin", &data);
    run.env.sim(|sim, _| {
        sim.fail_nth("webwxuploadmedia", 2, Fault::Drop);
    });
    let uploads = run.served("webwxuploadmedia");
    let op = run
        .driver
        .send_file(&mut run.client, &friend, &path, None)
        .unwrap();
    sent_ok(run.done(op));
    let wanted: Vec<u64> = run
        .seen
        .iter()
        .filter_map(|e| match e {
            Event::Progress { op: o, done, .. } if *o == op => Some(*done),
            _ => None,
        })
        .collect();
    assert_eq!(
        wanted,
        vec![UPLOAD_CHUNK, 2 * UPLOAD_CHUNK, size as u64],
        "each chunk reported once"
    );
    let served = run.served("webwxuploadmedia") - uploads;
    assert_eq!(served, 4, "three chunks and one resend of the dropped one");
    let sent = run.last_sent();
    let got = run
        .env
        .sim(|sim, _| sim.uploaded(&media_id_of(&sent)))
        .expect("the simulator has the upload");
    assert_eq!(
        (got.len, got.md5_hex),
        (size as u64, wx_sim::md5::hex(&data))
    );
}
