//! The [`Driver`]'s media methods: attaching a reader or writer to an op, sending a file by
//! its path, submitting a download into a writer. Which op has what attached, and which
//! events are whose, is `wx-driver`'s `Attachments` (inside the `Pump`).

use std::path::Path;
use std::time::Instant;

use wx_driver::{Io, SendFileError};
use wx_proto::client::{Client, Command, Download, MediaKind, OpId, UsageError};

use crate::{AsyncIo, Driver};

impl<R: AsyncIo> Driver<R> {
    /// Attaches the reader of upload `op` (submitted with `client.submit`): the driver then
    /// answers its `DataWanted` itself, reading one chunk at a time where asked (the event
    /// is not returned); its `Progress` and `OpDone` still are. Dropped when the op ends.
    pub fn attach_source(&mut self, op: OpId, reader: impl Into<R::Source>) {
        self.pump.attach(op, Io::Source(reader.into()));
    }

    /// Attaches the writer of download `op` (submitted with `client.submit`): its bodies
    /// are written there as they arrive, flushed at the end of each. Dropped when the op
    /// ends. A download with no writer attached has its body counted and dropped.
    pub fn attach_sink(&mut self, op: OpId, writer: impl Into<R::Sink>) {
        self.pump.attach(op, Io::Sink(writer.into()));
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
        let (upload, file) = R::open(path.as_ref().to_owned(), kind).await?;
        let to = to.into();
        let op = client.submit(Command::SendMedia { to, upload }, Instant::now())?;
        self.attach_source(op, file);
        Ok(op)
    }

    /// Submits `download` and attaches `writer`: the body goes there as it arrives.
    pub fn download(
        &mut self,
        client: &mut Client,
        download: Download,
        writer: impl Into<R::Sink>,
    ) -> Result<OpId, UsageError> {
        let op = client.submit(Command::Download(download), Instant::now())?;
        self.attach_sink(op, writer);
        Ok(op)
    }
}
