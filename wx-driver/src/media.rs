//! The media types the adapters share: what a driver attaches to an op ([`Io`]), what a
//! remote command carries besides its reply ([`Extra`]), the progress callback
//! ([`OnProgress`]), a streamed download's outcome ([`Streamed`], [`feed_streamed`]), and
//! sending a file by its path ([`open_file`], [`upload_for`], [`SendFileError`]).

use std::path::Path;
use std::time::Instant;

use wx_proto::client::{Client, Command, Failure, MediaKind, RequestId, Upload, UsageError};

/// What an op has attached: the file an upload reads (`R`), or the writer a download's
/// body goes to (`S`).
#[derive(Debug)]
pub enum Io<R, S> {
    /// The bytes of an upload, read where its `DataWanted` asks.
    Source(R),
    /// Where a download's body is written as it arrives.
    Sink(S),
}

/// A progress callback: `(done, total)` bytes of one op, called on the driver's thread or
/// task for each of its `Progress` events.
pub type OnProgress = Box<dyn FnMut(u64, u64) + Send>;

/// What a remote command carries besides its reply: its reader or writer, and its
/// progress callback.
pub struct Extra<R, S> {
    /// The op's reader or writer.
    pub io: Option<Io<R, S>>,
    /// Called with the op's progress (else its `Progress` events are dropped: they are
    /// the remote caller's, never the driver's caller's).
    pub progress: Option<OnProgress>,
}

impl<R, S> Extra<R, S> {
    /// A remote upload: the `SendMedia` command and its reader and progress callback.
    pub fn upload(
        to: String,
        upload: Upload,
        reader: R,
        progress: Option<OnProgress>,
    ) -> (Command, Self) {
        let extra = Self {
            io: Some(Io::Source(reader)),
            progress,
        };
        (Command::SendMedia { to, upload }, extra)
    }

    /// A remote download: the `Download` command and its writer and progress callback.
    pub fn download(
        download: wx_proto::client::Download,
        writer: S,
        progress: Option<OnProgress>,
    ) -> (Command, Self) {
        let extra = Self {
            io: Some(Io::Sink(writer)),
            progress,
        };
        (Command::Download(download), extra)
    }
}

impl<R, S> Default for Extra<R, S> {
    fn default() -> Self {
        Self {
            io: None,
            progress: None,
        }
    }
}

impl<R, S> std::fmt::Debug for Extra<R, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extra")
            .field(
                "io",
                &self.io.as_ref().map(|io| match io {
                    Io::Source(_) => "source",
                    Io::Sink(_) => "sink",
                }),
            )
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// Whether a command and what it carries go together: a file to send needs a reader, a
/// download a writer, and nothing else takes either.
pub fn check_io<R, S>(command: &Command, io: Option<&Io<R, S>>) -> Result<(), UsageError> {
    match (command, io) {
        (Command::SendMedia { .. }, Some(Io::Source(_)))
        | (Command::Download(_), Some(Io::Sink(_))) => Ok(()),
        (Command::SendMedia { .. }, _) => Err(UsageError::InvalidArgument(
            "a file to send needs a reader (send_reader or send_file)",
        )),
        (Command::Download(_), _) => Err(UsageError::InvalidArgument(
            "a download needs a writer (download)",
        )),
        (_, None) => Ok(()),
        (_, Some(_)) => Err(UsageError::InvalidArgument(
            "only a media command takes a reader or a writer",
        )),
    }
}

/// The end of a streamed download: its head and the body bytes written to the op's
/// writer, or why there is none.
pub type Streamed = Result<(http::Response<()>, u64), Failure>;

/// Feeds the end of streamed request `id` to `client` at `now` (`handle_streamed`, or
/// `handle_failure`), logged like [`feed`](crate::feed).
pub fn feed_streamed(client: &mut Client, id: RequestId, outcome: Streamed, now: Instant) {
    let fed = match outcome {
        Ok((head, written)) => client.handle_streamed(id, head, written, now),
        Err(failure) => {
            tracing::debug!(id = id.0, ?failure, "download failed");
            client.handle_failure(id, failure, now)
        }
    };
    if fed.is_err() {
        tracing::warn!(id = id.0, "the client did not know a completed download");
    }
}

/// What a driver does with a download's body as it arrives, the same in both adapters:
/// written to the op's writer under the download cap when
/// [`streams_body`](wx_proto::client::streams_body) says so, else drained (at most
/// [`BodyGate::DRAIN`] bytes, to keep the connection) and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyGate {
    write: bool,
    cap: u64,
    seen: u64,
}

/// What to do with the next piece of a download's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// Write it to the op's writer.
    Write,
    /// Drop it (a page or an error status being drained).
    Drop,
    /// Stop reading: a page too long to drain (the connection is closed).
    Stop,
}

impl BodyGate {
    /// The most of a refused answer's body drained.
    pub const DRAIN: u64 = 64 * 1024;

    /// The gate for an answer's head; a body announced (`Content-Length`) over
    /// `max_download` fails `BodyTooLarge` before anything is written.
    pub fn new(head: &http::Response<()>, max_download: u64) -> Result<Self, Failure> {
        let write = wx_proto::client::streams_body(head.status().as_u16(), head.headers());
        let cap = if write { max_download } else { Self::DRAIN };
        let announced = head
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if write && announced.is_some_and(|n| n > cap) {
            return Err(Failure::BodyTooLarge);
        }
        Ok(Self {
            write,
            cap,
            seen: 0,
        })
    }

    /// Counts the next `n` bytes of the body: what to do with them (`BodyTooLarge` once a
    /// written body passes the cap).
    pub fn next(&mut self, n: usize) -> Result<Piece, Failure> {
        self.seen = self.seen.saturating_add(n as u64);
        match (self.seen > self.cap, self.write) {
            (true, true) => Err(Failure::BodyTooLarge),
            (true, false) => Ok(Piece::Stop),
            (false, true) => Ok(Piece::Write),
            (false, false) => Ok(Piece::Drop),
        }
    }

    /// Whether the body goes to the writer (then flush it at the end).
    pub fn writes(&self) -> bool {
        self.write
    }

    /// The bytes written, for `handle_streamed` (0 for a body dropped).
    pub fn written(&self) -> u64 {
        if self.write { self.seen } else { 0 }
    }
}

/// How many first bytes of a file [`upload_for`] looks at to tell its kind.
pub const HEAD_LEN: usize = 64;

/// Why a file could not be sent by its path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendFileError {
    /// The file could not be opened, measured or read (or the path names no file).
    #[error("the file cannot be read: {0}")]
    Unreadable(std::io::ErrorKind),
    /// The file is empty (the server takes no empty upload).
    #[error("the file is empty")]
    Empty,
    /// The client refused the command (no session, too large for its kind, …).
    #[error("refused: {0}")]
    Usage(#[from] UsageError),
}

impl From<std::io::Error> for SendFileError {
    fn from(e: std::io::Error) -> Self {
        Self::Unreadable(e.kind())
    }
}

/// The upload for the file at `path`, `size` bytes long, whose first bytes are `head`:
/// named by the path's last component, of `kind` or else of the kind
/// [`MediaKind::detect`] finds, its MD5 left to the upload's first pass.
pub fn upload_for(
    path: &Path,
    size: u64,
    head: &[u8],
    kind: Option<MediaKind>,
) -> Result<Upload, SendFileError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .ok_or(SendFileError::Unreadable(std::io::ErrorKind::InvalidInput))?;
    if size == 0 {
        return Err(SendFileError::Empty);
    }
    let kind = kind.unwrap_or_else(|| MediaKind::detect(&name, head));
    Ok(Upload {
        name,
        size,
        kind,
        md5: None,
    })
}

/// Opens the file at `path` to send it: its upload (named by the path, of `kind` or else
/// of the kind its name and first bytes tell, see [`upload_for`]) and the file, at its
/// start. Blocking: an async adapter runs it on a blocking thread and wraps the file.
pub fn open_file(
    path: &Path,
    kind: Option<MediaKind>,
) -> Result<(Upload, std::fs::File), SendFileError> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(SendFileError::Unreadable(std::io::ErrorKind::InvalidInput));
    }
    let mut head = Vec::with_capacity(HEAD_LEN);
    (&mut file).take(HEAD_LEN as u64).read_to_end(&mut head)?;
    file.seek(SeekFrom::Start(0))?;
    Ok((upload_for(path, meta.len(), &head, kind)?, file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wx_proto::client::Download;

    #[test]
    fn an_upload_is_named_by_the_path_and_its_kind_detected() {
        let up = upload_for(Path::new("/tmp/x/cat.bin"), 10, b"GIF89a", None);
        assert_eq!(
            up,
            Ok(Upload {
                name: "cat.bin".into(),
                size: 10,
                kind: MediaKind::Gif,
                md5: None
            })
        );
        let forced = upload_for(Path::new("a.gif"), 1, b"GIF89a", Some(MediaKind::File));
        assert_eq!(forced.map(|u| u.kind), Ok(MediaKind::File));
        assert_eq!(
            upload_for(Path::new("a.txt"), 0, b"", None),
            Err(SendFileError::Empty)
        );
        assert_eq!(
            upload_for(Path::new("/"), 5, b"", None),
            Err(SendFileError::Unreadable(std::io::ErrorKind::InvalidInput))
        );
    }

    fn head(status: u16, headers: &[(&'static str, &'static str)]) -> http::Response<()> {
        let mut r = http::Response::new(());
        *r.status_mut() = http::StatusCode::from_u16(status).unwrap_or_default();
        for (k, v) in headers {
            r.headers_mut()
                .insert(*k, http::HeaderValue::from_static(v));
        }
        r
    }

    #[test]
    fn a_body_is_written_under_the_cap_and_a_page_drained_then_dropped() {
        let mut gate = BodyGate::new(&head(200, &[]), 10);
        assert_eq!(gate.map(|g| g.writes()), Ok(true));
        let g = gate.as_mut().map_err(|_| ());
        if let Ok(g) = g {
            assert_eq!(g.next(6), Ok(Piece::Write));
            assert_eq!(g.next(4), Ok(Piece::Write));
            assert_eq!(g.written(), 10);
            assert_eq!(g.next(1), Err(Failure::BodyTooLarge));
        }
        assert_eq!(
            BodyGate::new(&head(200, &[("content-length", "11")]), 10),
            Err(Failure::BodyTooLarge)
        );
        let page = BodyGate::new(&head(200, &[("content-type", "text/html")]), 10);
        let Ok(mut page) = page else {
            panic!("a page is drained")
        };
        assert!(!page.writes());
        assert_eq!(page.next(BodyGate::DRAIN as usize), Ok(Piece::Drop));
        assert_eq!(page.next(1), Ok(Piece::Stop));
        assert_eq!(page.written(), 0);
        let missing = BodyGate::new(&head(404, &[("content-length", "999999")]), 10);
        assert_eq!(missing.map(|g| g.writes()), Ok(false));
    }

    #[test]
    fn media_commands_need_their_io_and_others_take_none() {
        let send = Command::SendMedia {
            to: "filehelper".into(),
            upload: Upload {
                name: "a".into(),
                size: 1,
                kind: MediaKind::File,
                md5: None,
            },
        };
        let get = Command::Download(Download::Voice { msg_id: "1".into() });
        let text = Command::Logout;
        let src: Io<u8, u8> = Io::Source(1);
        let sink: Io<u8, u8> = Io::Sink(1);
        assert_eq!(check_io(&send, Some(&src)), Ok(()));
        assert_eq!(check_io(&get, Some(&sink)), Ok(()));
        assert_eq!(check_io::<u8, u8>(&text, None), Ok(()));
        assert!(check_io(&send, Some(&sink)).is_err());
        assert!(check_io::<u8, u8>(&get, None).is_err());
        assert!(check_io(&text, Some(&src)).is_err());
    }
}
