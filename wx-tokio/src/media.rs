//! Media on tokio (its I/O traits): the readers and writers a driver attaches to an op
//! ([`Source`], [`Sink`]), which any `AsyncRead + AsyncSeek` or `AsyncWrite` converts into.

use tokio::io::{AsyncRead, AsyncSeek, AsyncWrite};

/// What an upload reads from: any tokio `AsyncRead + AsyncSeek` (`tokio::fs::File`,
/// `std::io::Cursor`) that is `Send + Unpin + 'static`.
pub trait AsyncSource: AsyncRead + AsyncSeek + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncSeek + Send + Unpin + 'static> AsyncSource for T {}

/// What a download writes to: any tokio `AsyncWrite + Send + Unpin + 'static`.
pub trait AsyncSink: AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncWrite + Send + Unpin + 'static> AsyncSink for T {}

/// An upload's reader, boxed: what `attach_source` and `Remote::send_reader` take, made
/// from any [`AsyncSource`] with `into()` (done for you by those methods).
pub struct Source(pub(crate) Box<dyn AsyncSource>);

/// A download's writer, boxed: made from any [`AsyncSink`] with `into()`.
pub struct Sink(pub(crate) Box<dyn AsyncSink>);

impl<T: AsyncSource> From<T> for Source {
    fn from(reader: T) -> Self {
        Self(Box::new(reader))
    }
}

impl<T: AsyncSink> From<T> for Sink {
    fn from(writer: T) -> Self {
        Self(Box::new(writer))
    }
}
