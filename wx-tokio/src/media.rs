//! Media on tokio: the reader and writer types a driver attaches to an op, the reads of an
//! upload (seek, then exactly one chunk), opening a file to send, and the [`Driver`]'s
//! media methods. Which op has what attached, and which events are whose, is
//! `wx-driver`'s `Attachments` (inside the `Pump`).

use std::io::SeekFrom;
use std::path::Path;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeek, AsyncSeekExt, AsyncWrite};
use wx_driver::Io;
use wx_driver::media::{SendFileError, open_file};
use wx_proto::client::{Client, Command, Download, MediaKind, OpId, Upload, UsageError};

use crate::Driver;

/// A reader an upload can read from: any `AsyncRead + AsyncSeek`.
pub(crate) trait AsyncSource: AsyncRead + AsyncSeek + Send + Unpin {}
impl<T: AsyncRead + AsyncSeek + Send + Unpin> AsyncSource for T {}

/// An upload's reader, boxed.
pub(crate) type Source = Box<dyn AsyncSource>;
/// A download's writer, boxed.
pub(crate) type Sink = Box<dyn AsyncWrite + Send + Unpin>;

/// Reads exactly `len` bytes at `offset` (one chunk: the core never asks for more than
/// 512 KiB at once).
pub(crate) async fn read_at(
    reader: &mut Source,
    offset: u64,
    len: usize,
) -> std::io::Result<Vec<u8>> {
    reader.seek(SeekFrom::Start(offset)).await?;
    let mut bytes = vec![0; len];
    reader.read_exact(&mut bytes).await?;
    Ok(bytes)
}

/// Opens the file at `path` to send it (`wx-driver`'s `open_file`, on tokio's blocking
/// threads): its upload and the file, at its start.
pub(crate) async fn open(
    path: &Path,
    kind: Option<MediaKind>,
) -> Result<(Upload, tokio::fs::File), SendFileError> {
    let path = path.to_owned();
    let opened = tokio::task::spawn_blocking(move || open_file(&path, kind)).await;
    let (upload, file) = opened.map_err(|_| std::io::Error::other("the open's task ended"))??;
    Ok((upload, tokio::fs::File::from_std(file)))
}

impl Driver {
    /// Attaches the file of upload `op` (submitted with `client.submit`): the driver then
    /// answers its `DataWanted` itself, reading one chunk at a time where asked (the event
    /// is not returned); its `Progress` and `OpDone` still are. Dropped when the op ends.
    pub fn attach_source(
        &mut self,
        op: OpId,
        reader: impl AsyncRead + AsyncSeek + Send + Unpin + 'static,
    ) {
        self.pump.attach(op, Io::Source(Box::new(reader)));
    }

    /// Attaches the writer of download `op` (submitted with `client.submit`): its bodies
    /// are written there as they arrive, flushed at the end of each. Dropped when the op
    /// ends. A download with no writer attached has its body counted and dropped.
    pub fn attach_sink(&mut self, op: OpId, writer: impl AsyncWrite + Send + Unpin + 'static) {
        self.pump.attach(op, Io::Sink(Box::new(writer)));
    }

    /// Sends the file at `path` to `to`: opens it, takes its size and name, its kind from
    /// `kind` or else from its name and first bytes ([`MediaKind::detect`]), submits
    /// `SendMedia` and attaches the file. The op then runs in
    /// [`next_event`](Driver::next_event), which returns its `Progress` and `OpDone`.
    pub async fn send_file(
        &mut self,
        client: &mut Client,
        to: impl Into<String>,
        path: impl AsRef<Path>,
        kind: Option<MediaKind>,
    ) -> Result<OpId, SendFileError> {
        let (upload, file) = open(path.as_ref(), kind).await?;
        let command = Command::SendMedia {
            to: to.into(),
            upload,
        };
        let op = client.submit(command, std::time::Instant::now())?;
        self.attach_source(op, file);
        Ok(op)
    }

    /// Submits `download` and attaches `writer`: the body goes there as it arrives.
    pub fn download(
        &mut self,
        client: &mut Client,
        download: Download,
        writer: impl AsyncWrite + Send + Unpin + 'static,
    ) -> Result<OpId, UsageError> {
        let op = client.submit(Command::Download(download), std::time::Instant::now())?;
        self.attach_sink(op, writer);
        Ok(op)
    }
}
