//! [`Remote`]: a cloneable handle other tasks use to submit commands to a driven session
//! and await their typed results. It pushes to the driver's [`Inbox`] (the queue and its
//! end-of-session refusal live in `wx-driver`) and wakes the driver through a channel. A
//! media command carries its reader or writer (and progress callback) in the inbox.

use std::path::Path;

use smol::channel::Sender;
use smol::io::{AsyncRead, AsyncSeek, AsyncWrite};
use wx_driver::media::{Extra, OnProgress};
use wx_driver::{Inbox, RemoteError, RemoteResult};
use wx_proto::client::{Command, Download, MediaKind, OpOutput, Upload};

use crate::media::{Sink, Source, open};

/// Where a remote command's result goes.
pub(crate) type Waiter = Sender<RemoteResult>;

/// Submits commands to one session from any task. The driver runs them the next time it
/// is polled; their results come back here instead of as `OpDone` events, and the
/// progress of a media command only to its callback.
#[derive(Clone)]
pub struct Remote {
    inbox: Inbox<Waiter, Source, Sink>,
    /// Wakes the driver when a command is queued (one permit, kept if it is not waiting).
    queued: Sender<()>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote").finish_non_exhaustive()
    }
}

impl Remote {
    pub(crate) fn new(inbox: Inbox<Waiter, Source, Sink>, queued: Sender<()>) -> Self {
        Self { inbox, queued }
    }

    /// Submits `command` and waits for its result. Resolves while the driver is being
    /// polled (`next_event`, the stream, or `shutdown`), on any executor; at once with
    /// `Usage(SessionEnded)` once its session has ended, and with `Closed` once the driver
    /// is dropped. A media command is refused here (`InvalidArgument`): use
    /// [`send_reader`](Self::send_reader) or [`download`](Self::download).
    pub async fn submit(&self, command: Command) -> Result<OpOutput, RemoteError> {
        self.submit_with(command, Extra::default()).await
    }

    async fn submit_with(
        &self,
        command: Command,
        extra: Extra<Source, Sink>,
    ) -> Result<OpOutput, RemoteError> {
        let (reply, rx) = smol::channel::bounded(1);
        self.inbox.push_with(command, reply, extra)?;
        let _ = self.queued.try_send(());
        rx.recv().await.unwrap_or(Err(RemoteError::Closed))
    }

    /// Sends the file at `path` to `to` (its kind from `kind`, else detected from its name
    /// and first bytes): opened here, then read by the driver one chunk at a time. An
    /// unreadable or empty file is `RemoteError::File`.
    pub async fn send_file(
        &self,
        to: impl Into<String>,
        path: impl AsRef<Path>,
        kind: Option<MediaKind>,
    ) -> Result<OpOutput, RemoteError> {
        self.send_file_inner(to.into(), path.as_ref(), kind, None)
            .await
    }

    /// [`send_file`](Self::send_file), calling `progress(done, total)` as the upload
    /// advances (on the driver's task: keep it short).
    pub async fn send_file_with_progress(
        &self,
        to: impl Into<String>,
        path: impl AsRef<Path>,
        kind: Option<MediaKind>,
        progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Result<OpOutput, RemoteError> {
        self.send_file_inner(to.into(), path.as_ref(), kind, Some(Box::new(progress)))
            .await
    }

    async fn send_file_inner(
        &self,
        to: String,
        path: &Path,
        kind: Option<MediaKind>,
        progress: Option<OnProgress>,
    ) -> Result<OpOutput, RemoteError> {
        let (upload, file) = open(path, kind).await.map_err(RemoteError::File)?;
        self.upload(to, upload, Box::new(file), progress).await
    }

    /// Sends `upload`'s bytes, read from `reader` one chunk at a time where the upload
    /// asks (`upload.size` bytes from its start).
    pub async fn send_reader(
        &self,
        to: impl Into<String>,
        upload: Upload,
        reader: impl AsyncRead + AsyncSeek + Send + Unpin + 'static,
    ) -> Result<OpOutput, RemoteError> {
        self.upload(to.into(), upload, Box::new(reader), None).await
    }

    /// [`send_reader`](Self::send_reader), calling `progress(done, total)` as the upload
    /// advances.
    pub async fn send_reader_with_progress(
        &self,
        to: impl Into<String>,
        upload: Upload,
        reader: impl AsyncRead + AsyncSeek + Send + Unpin + 'static,
        progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Result<OpOutput, RemoteError> {
        self.upload(
            to.into(),
            upload,
            Box::new(reader),
            Some(Box::new(progress)),
        )
        .await
    }

    async fn upload(
        &self,
        to: String,
        upload: Upload,
        reader: Source,
        progress: Option<OnProgress>,
    ) -> Result<OpOutput, RemoteError> {
        let (command, extra) = Extra::upload(to, upload, reader, progress);
        self.submit_with(command, extra).await
    }

    /// Downloads `download` into `writer` (written as the body arrives, flushed at the
    /// end); the result is `Downloaded` with the byte count.
    pub async fn download(
        &self,
        download: Download,
        writer: impl AsyncWrite + Send + Unpin + 'static,
    ) -> Result<OpOutput, RemoteError> {
        self.download_inner(download, Box::new(writer), None).await
    }

    /// [`download`](Self::download), calling `progress(done, total)` as it advances.
    pub async fn download_with_progress(
        &self,
        download: Download,
        writer: impl AsyncWrite + Send + Unpin + 'static,
        progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Result<OpOutput, RemoteError> {
        self.download_inner(download, Box::new(writer), Some(Box::new(progress)))
            .await
    }

    async fn download_inner(
        &self,
        download: Download,
        writer: Sink,
        progress: Option<OnProgress>,
    ) -> Result<OpOutput, RemoteError> {
        let (command, extra) = Extra::download(download, writer, progress);
        self.submit_with(command, extra).await
    }
}
