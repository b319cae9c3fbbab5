//! [`Remote`]: a cloneable handle other tasks use to submit commands to a driven session
//! and await their typed results. It pushes to the driver's [`Inbox`] (the queue and its
//! end-of-session refusal live in `wx-driver`) and wakes the driver through a channel. A
//! media command carries its reader or writer (and progress callback) in the inbox.

use std::path::Path;

use async_channel::Sender;
use wx_driver::media::{Extra, OnProgress};
use wx_driver::{Inbox, RemoteError, RemoteResult};
use wx_proto::client::{Command, Download, MediaKind, OpOutput, Upload};

use crate::AsyncIo;

/// Where a remote command's result goes.
pub(crate) type Waiter = Sender<RemoteResult>;
type Output = Result<OpOutput, RemoteError>;

/// Submits commands to one session from any task (on any executor). The driver runs them
/// the next time it is polled; their results come back here instead of as `OpDone`
/// events, and the progress of a media command only to its callback.
pub struct Remote<R: AsyncIo> {
    inbox: Inbox<Waiter, R::Source, R::Sink>,
    /// Wakes the driver when a command is queued (one permit, kept if it is not waiting).
    queued: Sender<()>,
}

impl<R: AsyncIo> Clone for Remote<R> {
    fn clone(&self) -> Self {
        Self::new(self.inbox.clone(), self.queued.clone())
    }
}

impl<R: AsyncIo> std::fmt::Debug for Remote<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote").finish_non_exhaustive()
    }
}

/// A progress callback, boxed.
fn boxed(progress: impl FnMut(u64, u64) + Send + 'static) -> Option<OnProgress> {
    Some(Box::new(progress))
}

impl<R: AsyncIo> Remote<R> {
    pub(crate) fn new(inbox: Inbox<Waiter, R::Source, R::Sink>, queued: Sender<()>) -> Self {
        Self { inbox, queued }
    }

    /// Submits `command` and waits for its result. Resolves while the driver is being
    /// polled (`next_event`, the stream, or `shutdown`); at once with
    /// `Usage(SessionEnded)` once its session has ended, and with `Closed` once the driver
    /// is dropped. A media command is refused here (`InvalidArgument`): use
    /// [`send_reader`](Self::send_reader) or [`download`](Self::download).
    pub async fn submit(&self, command: Command) -> Output {
        self.submit_with((command, Extra::default())).await
    }

    async fn submit_with(&self, (command, extra): (Command, Extra<R::Source, R::Sink>)) -> Output {
        let (reply, rx) = async_channel::bounded(1);
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
    ) -> Output {
        self.send_path(to.into(), path.as_ref(), kind, None).await
    }

    /// [`send_file`](Self::send_file), calling `progress(done, total)` as the upload
    /// advances (on the driver's task: keep it short).
    pub async fn send_file_with_progress(
        &self,
        to: impl Into<String>,
        path: impl AsRef<Path>,
        kind: Option<MediaKind>,
        progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Output {
        self.send_path(to.into(), path.as_ref(), kind, boxed(progress))
            .await
    }

    async fn send_path(
        &self,
        to: String,
        path: &Path,
        kind: Option<MediaKind>,
        progress: Option<OnProgress>,
    ) -> Output {
        let opened = R::open(path.to_owned(), kind).await;
        let (upload, file) = opened.map_err(RemoteError::File)?;
        self.submit_with(Extra::upload(to, upload, file, progress))
            .await
    }

    /// Sends `upload`'s bytes, read from `reader` one chunk at a time where the upload
    /// asks (`upload.size` bytes from its start).
    pub async fn send_reader(
        &self,
        to: impl Into<String>,
        upload: Upload,
        reader: impl Into<R::Source>,
    ) -> Output {
        self.submit_with(Extra::upload(to.into(), upload, reader.into(), None))
            .await
    }

    /// [`send_reader`](Self::send_reader), calling `progress(done, total)` as the upload
    /// advances.
    pub async fn send_reader_with_progress(
        &self,
        to: impl Into<String>,
        upload: Upload,
        reader: impl Into<R::Source>,
        progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Output {
        let extra = Extra::upload(to.into(), upload, reader.into(), boxed(progress));
        self.submit_with(extra).await
    }

    /// Downloads `download` into `writer` (written as the body arrives, flushed at the
    /// end); the result is `Downloaded` with the byte count.
    pub async fn download(&self, download: Download, writer: impl Into<R::Sink>) -> Output {
        self.submit_with(Extra::download(download, writer.into(), None))
            .await
    }

    /// [`download`](Self::download), calling `progress(done, total)` as it advances.
    pub async fn download_with_progress(
        &self,
        download: Download,
        writer: impl Into<R::Sink>,
        progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Output {
        let extra = Extra::download(download, writer.into(), boxed(progress));
        self.submit_with(extra).await
    }
}
