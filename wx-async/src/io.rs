//! [`AsyncIo`]: what an adapter lends the shared driver, implemented by its HTTP client:
//! sending a request, streaming a download into a writer, reading one chunk of an upload,
//! opening a file to send, and sleeping until a deadline.

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use wx_driver::SendFileError;
use wx_driver::media::Streamed;
use wx_proto::client::{Failure, MediaKind, Upload};

/// The I/O of one async runtime: an adapter's HTTP client (cheap to clone, shared by its
/// sessions) with its reader and writer types. Every future is `Send`: the driver's tasks
/// may move between threads with the task that polls the driver.
///
/// wx-tokio and wx-smol implement it on their `HttpClient` in about 50 lines each (their
/// `src/async_io.rs`): the HTTP calls delegate to the client, `read_at` seeks and reads with
/// the runtime's I/O traits, `open` runs `wx_driver::media::open_file` on a blocking thread,
/// `sleep_until` is the runtime's timer. Their `Source` and `Sink` are newtypes over a boxed
/// reader and writer with a blanket `From`, so the media methods take any reader or writer.
pub trait AsyncIo: Clone + Send + Sync + 'static {
    /// What an upload reads from (the adapter's boxed reader).
    type Source: Send + 'static;
    /// What a download writes to (the adapter's boxed writer).
    type Sink: Send + 'static;

    /// Sends one request and reads its whole response within `timeout`.
    fn execute(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> impl Future<Output = Result<http::Response<Vec<u8>>, Failure>> + Send;

    /// Sends a download request within `timeout` and writes its body to `sink` as it
    /// arrives (or drops it), as `wx-driver`'s `BodyGate` says.
    fn stream(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
        sink: Option<&mut Self::Sink>,
    ) -> impl Future<Output = Streamed> + Send;

    /// Reads exactly `len` bytes of `reader` at `offset` (one chunk: at most 512 KiB).
    fn read_at(
        reader: &mut Self::Source,
        offset: u64,
        len: usize,
    ) -> impl Future<Output = std::io::Result<Vec<u8>>> + Send;

    /// Opens the file at `path` to send it (`wx-driver`'s `open_file`, off the async
    /// threads): its upload and the file, at its start.
    fn open(
        path: PathBuf,
        kind: Option<MediaKind>,
    ) -> impl Future<Output = Result<(Upload, Self::Source), SendFileError>> + Send;

    /// Resolves at `deadline`.
    fn sleep_until(deadline: Instant) -> impl Future<Output = ()> + Send;
}
