//! wx-tokio: runs a [`wx_proto::client::Client`] on tokio, with hyper 1 and rustls (ring).
//!
//! A bot in a few lines ([`Bot`]): log in (the saved session, else a QR code drawn in the
//! terminal), answer every text with itself, log out on Ctrl-C:
//!
//! ```no_run
//! #[tokio::main]
//! async fn main() -> Result<(), wx_tokio::BotError> {
//!     wx_tokio::Bot::builder()
//!         .profile("echo")
//!         .on_text(|_, text| text.to_owned())
//!         .run()
//!         .await
//! }
//! ```
//!
//! Handlers by kind and chat (`on_text`, `on_friend`, `on_group`, `on_mention`,
//! `on_official`, `on_room_event`, `on_friend_request`, `on_message`, `on_event`) answer
//! with a [`Reply`] or act through their [`Context`] (send elsewhere, send files, look
//! people up in the contact book, submit any command). The low-level run loop follows.
//!
//! In scope: the HTTP executor ([`HttpClient`], shareable by many sessions), the in-flight
//! requests and the timer of one session ([`Driver`]), a cloneable [`Remote`] for other
//! tasks. Out of scope: everything protocol-shaped. The driver never parses, retries,
//! follows redirects, stores cookies, or logs URLs, headers or bodies; `wx-proto` does the
//! protocol, including the cookie jar. [`Driver`] and [`Remote`] are `wx-async`'s, the
//! async driver this crate and `wx-smol` share (a session's requests are futures the driver
//! owns, polled inside `next_event`: no spawn per request); the logic every adapter shares (the
//! remote inbox, routing results to remote callers, the end-of-session rule,
//! [`RemoteError`]) is `wx-driver`'s. This crate keeps its I/O: HTTP, chunk reads, files
//! opened on tokio's blocking threads, tokio's timer and the signals that stop a bot.
//!
//! ```text
//!   Client ──poll_request──► Driver ──spawn──► its tasks (HttpClient: hyper + rustls)
//!     ▲                        │  ▲                    │
//!     └─handle_response/failure┘  └──── completion ────┘
//!     ▲                        │
//!     └─submit ◄── Remote ◄────┘ (commands from other tasks; results awaited there)
//! ```
//!
//! ```no_run
//! # async fn run() -> Result<(), wx_tokio::HttpError> {
//! use std::time::{Instant, SystemTime};
//! use wx_proto::client::{Client, Config, Event};
//! let http = wx_tokio::HttpClient::new(wx_tokio::HttpOptions::default())?;
//! let mut client = Client::new(Config::default(), [7; 32], Instant::now(), SystemTime::now());
//! let mut driver = wx_tokio::Driver::new(http);
//! while let Some(event) = driver.next_event(&mut client).await {
//!     if let Event::QrCode { qr_text, .. } = &event {
//!         println!("scan {qr_text}");
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! Sending a file: the driver reads it one 512 KiB chunk at a time where the upload asks
//! (never the whole file), and returns the op's `Progress` and its `OpDone`. From another
//! task, [`Remote::send_file`] does the same and awaits the result.
//!
//! ```no_run
//! # async fn send(driver: &mut wx_tokio::Driver, client: &mut wx_proto::client::Client)
//! # -> Result<(), wx_tokio::SendFileError> {
//! use wx_proto::client::Event;
//! let op = driver.send_file(client, "filehelper", "photo.jpg", None).await?;
//! while let Some(event) = driver.next_event(client).await {
//!     match event {
//!         Event::Progress { op: p, done, total } if p == op => println!("{done}/{total}"),
//!         Event::OpDone { op: o, result } if o == op => {
//!             println!("{result:?}");
//!             break;
//!         }
//!         _ => {}
//!     }
//! }
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

mod async_io;
mod bot;
mod http_client;
mod media;

pub use bot::Bot;
pub use http_client::HttpClient;
pub use media::{AsyncSink, AsyncSource, Sink, Source};
/// Runs one session over an [`HttpClient`] (`wx-async`'s driver, shared with `wx-smol`).
pub type Driver = wx_async::Driver<HttpClient>;
/// Submits commands to a driven session from any task (`wx-async`'s).
pub type Remote = wx_async::Remote<HttpClient>;
/// Why a command submitted through a [`Remote`] did not succeed: the same type in
/// `wx-blocking` (both re-export `wx-driver`'s).
pub use wx_driver::RemoteError;
/// Why a file could not be sent by its path: the same type in `wx-blocking` (both
/// re-export `wx-driver`'s).
pub use wx_driver::SendFileError;
/// The bot layer's builder, handler context, replies and errors (shared with `wx-blocking`).
pub use wx_driver::bot::{BotBuilder, BotError, ChatKind, Context, Reply, terminal_qr};
/// The proxy URL of [`HttpOptions::proxy`] and a proxy's refusal: the same types in
/// `wx-blocking` (both re-export `wx-driver`'s).
pub use wx_driver::proxy::{ProxyError, ProxyUrl};
/// How to build an [`HttpClient`], and why it could not be built (`wx-driver`'s, the same
/// in every adapter).
pub use wx_driver::{HttpError, HttpOptions};
/// Saving and loading session snapshots (atomic 0600 files, one per profile), for
/// `Client::restore`: see the `wx-store` crate.
pub use wx_store as store;
