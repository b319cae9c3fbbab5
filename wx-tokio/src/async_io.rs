//! What wx-tokio lends the shared driver (`wx_async::AsyncIo`): its HTTP client, chunk
//! reads through tokio's I/O traits, files opened on tokio's blocking threads, tokio's
//! timer.

use std::io::SeekFrom;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncSeekExt};
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
        let opened = tokio::task::spawn_blocking(move || open_file(&path, kind)).await;
        let (upload, file) =
            opened.map_err(|_| std::io::Error::other("the open's task ended"))??;
        Ok((upload, tokio::fs::File::from_std(file).into()))
    }

    async fn sleep_until(deadline: Instant) {
        tokio::time::sleep_until(deadline.into()).await;
    }
}
