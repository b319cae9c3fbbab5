//! Media on blocking threads: the reader and writer types a driver attaches to an op, the
//! reads of an upload (seek, then exactly one chunk, on the driver's thread), and the
//! [`Driver`]'s media methods (a file to send is opened by `wx-driver`'s `open_file`).
//! Which op has what attached, and which events are whose, is `wx-driver`'s `Attachments`
//! (inside the `Pump`).

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use wx_driver::Io;
use wx_driver::media::{SendFileError, open_file as open};
use wx_proto::client::{Client, Command, Download, MediaKind, OpId, UsageError};

use crate::Driver;

/// A reader an upload can read from: any `Read + Seek`.
pub(crate) trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// An upload's reader, boxed.
pub(crate) type Source = Box<dyn ReadSeek>;
/// A download's writer, boxed.
pub(crate) type Sink = Box<dyn Write + Send>;

/// Reads exactly `len` bytes at `offset` (one chunk: the core never asks for more than
/// 512 KiB at once).
pub(crate) fn read_at(reader: &mut Source, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
    reader.seek(SeekFrom::Start(offset))?;
    let mut bytes = vec![0; len];
    reader.read_exact(&mut bytes)?;
    Ok(bytes)
}

impl Driver {
    /// Attaches the file of upload `op` (submitted with `client.submit`): the driver then
    /// answers its `DataWanted` itself, reading one chunk at a time where asked, on its own
    /// thread (the event is not returned); its `Progress` and `OpDone` still are. Dropped
    /// when the op ends.
    pub fn attach_source(&mut self, op: OpId, reader: impl Read + Seek + Send + 'static) {
        self.pump.attach(op, Io::Source(Box::new(reader)));
    }

    /// Attaches the writer of download `op` (submitted with `client.submit`): its bodies
    /// are written there as they arrive (on a worker thread), flushed at the end of each.
    /// Dropped when the op ends. A download with no writer attached has its body counted
    /// and dropped.
    pub fn attach_sink(&mut self, op: OpId, writer: impl Write + Send + 'static) {
        self.pump.attach(op, Io::Sink(Box::new(writer)));
    }

    /// Sends the file at `path` to `to`: opens it, takes its size and name, its kind from
    /// `kind` or else from its name and first bytes ([`MediaKind::detect`]), submits
    /// `SendMedia` and attaches the file. The op then runs in
    /// [`next_event`](Driver::next_event), which returns its `Progress` and `OpDone`.
    pub fn send_file(
        &mut self,
        client: &mut Client,
        to: impl Into<String>,
        path: impl AsRef<Path>,
        kind: Option<MediaKind>,
    ) -> Result<OpId, SendFileError> {
        let (upload, file) = open(path.as_ref(), kind)?;
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
        writer: impl Write + Send + 'static,
    ) -> Result<OpId, UsageError> {
        let op = client.submit(Command::Download(download), std::time::Instant::now())?;
        self.attach_sink(op, writer);
        Ok(op)
    }
}
