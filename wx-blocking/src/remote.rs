//! [`Remote`]: a cloneable handle other threads use to submit commands to a driven session
//! and wait for their typed results. It pushes to the driver's [`Inbox`] (the queue and its
//! end-of-session refusal live in `wx-driver`) and wakes the driver on its one channel. A
//! media command carries its reader or writer (and progress callback) in the inbox.

use std::io::{Read, Seek, Write};
use std::path::Path;
use std::sync::mpsc;

use wx_driver::media::{Extra, OnProgress};
use wx_driver::{Inbox, RemoteError, RemoteResult};
use wx_proto::client::{Command, Download, MediaKind, OpOutput, Upload};

use crate::driver::Msg;
use crate::media::{Sink, Source};
use wx_driver::media::open_file as open;

/// Where a remote command's result goes.
pub(crate) type Reply = mpsc::SyncSender<RemoteResult>;

/// Submits commands to one session from any thread. The driver runs them the next time it
/// waits; their results come back here instead of as `OpDone` events, and the progress of
/// a media command only to its callback.
#[derive(Clone)]
pub struct Remote {
    inbox: Inbox<Reply, Source, Sink>,
    wake: mpsc::Sender<Msg>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote").finish_non_exhaustive()
    }
}

impl Remote {
    pub(crate) fn new(inbox: Inbox<Reply, Source, Sink>, wake: mpsc::Sender<Msg>) -> Self {
        Self { inbox, wake }
    }

    /// Submits `command` and blocks until its result. Returns while the driver is being
    /// run (`next_event`, the iterator, or `shutdown`); at once with `Usage(SessionEnded)`
    /// once its session has ended, and with `Closed` once the driver is dropped. A media
    /// command is refused here (`InvalidArgument`): use [`send_reader`](Self::send_reader)
    /// or [`download`](Self::download).
    pub fn submit(&self, command: Command) -> Result<OpOutput, RemoteError> {
        self.submit_with(command, Extra::default())
    }

    fn submit_with(
        &self,
        command: Command,
        extra: Extra<Source, Sink>,
    ) -> Result<OpOutput, RemoteError> {
        let (reply, rx) = mpsc::sync_channel(1);
        self.inbox.push_with(command, reply, extra)?;
        // A driver that is gone has answered the queued command already (`Closed`).
        let _ = self.wake.send(Msg::Wake);
        rx.recv().unwrap_or(Err(RemoteError::Closed))
    }

    /// Sends the file at `path` to `to` (its kind from `kind`, else detected from its name
    /// and first bytes): opened here, then read by the driver one chunk at a time. An
    /// unreadable or empty file is `RemoteError::File`.
    pub fn send_file(
        &self,
        to: impl Into<String>,
        path: impl AsRef<Path>,
        kind: Option<MediaKind>,
    ) -> Result<OpOutput, RemoteError> {
        self.send_file_inner(to.into(), path.as_ref(), kind, None)
    }

    /// [`send_file`](Self::send_file), calling `progress(done, total)` as the upload
    /// advances (on the driver's thread: keep it short).
    pub fn send_file_with_progress(
        &self,
        to: impl Into<String>,
        path: impl AsRef<Path>,
        kind: Option<MediaKind>,
        progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Result<OpOutput, RemoteError> {
        self.send_file_inner(to.into(), path.as_ref(), kind, Some(Box::new(progress)))
    }

    fn send_file_inner(
        &self,
        to: String,
        path: &Path,
        kind: Option<MediaKind>,
        progress: Option<OnProgress>,
    ) -> Result<OpOutput, RemoteError> {
        let (upload, file) = open(path, kind).map_err(RemoteError::File)?;
        self.upload(to, upload, Box::new(file), progress)
    }

    /// Sends `upload`'s bytes, read from `reader` one chunk at a time where the upload
    /// asks (`upload.size` bytes from its start).
    pub fn send_reader(
        &self,
        to: impl Into<String>,
        upload: Upload,
        reader: impl Read + Seek + Send + 'static,
    ) -> Result<OpOutput, RemoteError> {
        self.upload(to.into(), upload, Box::new(reader), None)
    }

    /// [`send_reader`](Self::send_reader), calling `progress(done, total)` as the upload
    /// advances.
    pub fn send_reader_with_progress(
        &self,
        to: impl Into<String>,
        upload: Upload,
        reader: impl Read + Seek + Send + 'static,
        progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Result<OpOutput, RemoteError> {
        self.upload(
            to.into(),
            upload,
            Box::new(reader),
            Some(Box::new(progress)),
        )
    }

    fn upload(
        &self,
        to: String,
        upload: Upload,
        reader: Source,
        progress: Option<OnProgress>,
    ) -> Result<OpOutput, RemoteError> {
        let (command, extra) = Extra::upload(to, upload, reader, progress);
        self.submit_with(command, extra)
    }

    /// Downloads `download` into `writer` (written as the body arrives, flushed at the
    /// end); the result is `Downloaded` with the byte count.
    pub fn download(
        &self,
        download: Download,
        writer: impl Write + Send + 'static,
    ) -> Result<OpOutput, RemoteError> {
        self.download_inner(download, Box::new(writer), None)
    }

    /// [`download`](Self::download), calling `progress(done, total)` as it advances.
    pub fn download_with_progress(
        &self,
        download: Download,
        writer: impl Write + Send + 'static,
        progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Result<OpOutput, RemoteError> {
        self.download_inner(download, Box::new(writer), Some(Box::new(progress)))
    }

    fn download_inner(
        &self,
        download: Download,
        writer: Sink,
        progress: Option<OnProgress>,
    ) -> Result<OpOutput, RemoteError> {
        let (command, extra) = Extra::download(download, writer, progress);
        self.submit_with(command, extra)
    }
}
