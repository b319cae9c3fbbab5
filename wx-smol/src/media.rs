//! Media on smol (futures-io's traits): the readers and writers a driver attaches to an
//! op, the reads of an upload (seek, then exactly one chunk), opening a file to send, and
//! the [`Driver`]'s media methods. Which op has what attached, and which events are whose,
//! is `wx-driver`'s `Attachments` (inside the `Pump`).

use std::io::SeekFrom;
use std::path::Path;
use std::time::Instant;

use smol::io::{AsyncRead, AsyncReadExt, AsyncSeek, AsyncSeekExt, AsyncWrite};
use wx_driver::Io;
use wx_driver::media::{SendFileError, open_file};
use wx_proto::client::{Client, Command, Download, MediaKind, OpId, Upload, UsageError};

use crate::Driver;

/// What an upload reads from: any futures-io `AsyncRead + AsyncSeek` (`smol::fs::File`,
/// `smol::io::Cursor`, async-std's `File`) that is `Send + Unpin + 'static`.
pub trait AsyncSource: AsyncRead + AsyncSeek + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncSeek + Send + Unpin + 'static> AsyncSource for T {}

/// What a download writes to: any futures-io `AsyncWrite + Send + Unpin + 'static`.
pub trait AsyncSink: AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncWrite + Send + Unpin + 'static> AsyncSink for T {}

/// An upload's reader, boxed.
pub(crate) type Source = Box<dyn AsyncSource>;
/// A download's writer, boxed.
pub(crate) type Sink = Box<dyn AsyncSink>;

/// Reads exactly `len` bytes at `offset` (one chunk: at most 512 KiB).
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

/// Opens the file at `path` to send it (`wx-driver`'s `open_file`, on smol's blocking
/// thread pool): its upload and the file, at its start.
pub(crate) async fn open(
    path: &Path,
    kind: Option<MediaKind>,
) -> Result<(Upload, smol::fs::File), SendFileError> {
    let path = path.to_owned();
    let (upload, file) = smol::unblock(move || open_file(&path, kind)).await?;
    Ok((upload, smol::fs::File::from(file)))
}

impl Driver {
    /// Attaches the reader of upload `op` (submitted with `client.submit`): the driver then
    /// answers its `DataWanted` itself, reading one chunk at a time where asked (the event
    /// is not returned); its `Progress` and `OpDone` still are. Dropped when the op ends.
    pub fn attach_source(&mut self, op: OpId, reader: impl AsyncSource) {
        self.pump.attach(op, Io::Source(Box::new(reader)));
    }

    /// Attaches the writer of download `op` (submitted with `client.submit`): its bodies
    /// are written there as they arrive, flushed at the end of each. Dropped when the op
    /// ends. A download with no writer attached has its body counted and dropped.
    pub fn attach_sink(&mut self, op: OpId, writer: impl AsyncSink) {
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
        let op = client.submit(
            Command::SendMedia {
                to: to.into(),
                upload,
            },
            Instant::now(),
        )?;
        self.attach_source(op, file);
        Ok(op)
    }

    /// Submits `download` and attaches `writer`: the body goes there as it arrives.
    pub fn download(
        &mut self,
        client: &mut Client,
        download: Download,
        writer: impl AsyncSink,
    ) -> Result<OpId, UsageError> {
        let op = client.submit(Command::Download(download), Instant::now())?;
        self.attach_sink(op, writer);
        Ok(op)
    }
}
