//! wx-smol: a WeChat web client on smol 2 (the crate docs are its README).
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod async_io;
mod bot;
mod http_client;
mod media;

pub use bot::Bot;
pub use http_client::HttpClient;
pub use media::{AsyncSink, AsyncSource, Sink, Source};
/// Runs one session over an [`HttpClient`] (`wx-async`'s driver, shared with `wx-tokio`).
pub type Driver = wx_async::Driver<HttpClient>;
/// Submits commands to a driven session from any task (`wx-async`'s).
pub type Remote = wx_async::Remote<HttpClient>;
/// Why a command submitted through a [`Remote`] did not succeed (`wx-driver`'s).
pub use wx_driver::RemoteError;
/// Why a file could not be sent by its path (`wx-driver`'s).
pub use wx_driver::SendFileError;
/// The bot layer's builder, handler context, replies and errors (`wx-driver`'s).
pub use wx_driver::bot::{BotBuilder, BotError, ChatKind, Context, Reply, terminal_qr};
/// The proxy URL of [`HttpOptions::proxy`] and a proxy's refusal (`wx-driver`'s).
pub use wx_driver::proxy::{ProxyError, ProxyUrl};
/// How to build an [`HttpClient`], and why it could not be built (`wx-driver`'s, the same
/// in every adapter).
pub use wx_driver::{HttpError, HttpOptions};
/// Saving and loading session snapshots, for `Client::restore`: see the `wx-store` crate.
pub use wx_store as store;
