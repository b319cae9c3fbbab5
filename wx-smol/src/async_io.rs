//! What wx-smol lends the shared driver (`wx_async::AsyncIo`): its HTTP client, chunk
//! reads through futures-io, files opened on smol's blocking pool, async-io's timer.

use std::io::SeekFrom;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use smol::io::{AsyncReadExt, AsyncSeekExt};
use wx_async::AsyncIo;
use wx_driver::media::{SendFileError, Streamed, open_file};
use wx_proto::client::{Failure, MediaKind, Upload};

use crate::{HttpClient, Sink, Source};

impl AsyncIo for HttpClient {
    type Source = Source;
    type Sink = Sink;

    async fn execute(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> Result<http::Response<Vec<u8>>, Failure> {
        HttpClient::execute(self, request, timeout).await
    }

    async fn stream(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
        sink: Option<&mut Sink>,
    ) -> Streamed {
        HttpClient::stream(self, request, timeout, sink.map(|s| &mut s.0)).await
    }

    async fn read_at(reader: &mut Source, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        reader.0.seek(SeekFrom::Start(offset)).await?;
        let mut bytes = vec![0; len];
        reader.0.read_exact(&mut bytes).await?;
        Ok(bytes)
    }

    async fn open(
        path: PathBuf,
        kind: Option<MediaKind>,
    ) -> Result<(Upload, Source), SendFileError> {
        let (upload, file) = smol::unblock(move || open_file(&path, kind)).await?;
        Ok((upload, smol::fs::File::from(file).into()))
    }

    async fn sleep_until(deadline: Instant) {
        smol::Timer::at(deadline).await;
    }
}
