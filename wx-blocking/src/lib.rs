//! wx-blocking: runs a [`wx_proto::client::Client`] on blocking std threads, with std
//! sockets, rustls (ring) and `wx-driver`'s HTTP/1.1 codec. No async runtime anywhere in
//! its dependency tree.
//!
//! A bot in a few lines ([`Bot`]): log in (the saved session, else a QR code drawn in the
//! terminal), answer every text with itself, log out on Ctrl-C:
//!
//! ```no_run
//! fn main() -> Result<(), wx_blocking::BotError> {
//!     wx_blocking::Bot::builder()
//!         .profile("echo")
//!         .on_text(|_, text| text.to_owned())
//!         .run()
//! }
//! ```
//!
//! The handlers and their [`Context`] are the same as in `wx-tokio` (`wx-driver`'s bot
//! layer). The low-level run loop follows.
//!
//! In scope: the HTTP executor ([`HttpClient`], pooled connections shareable by many sessions),
//! a bounded pool of worker threads per session, the timer, and a cloneable [`Remote`] for
//! other threads. Out of scope: everything protocol-shaped. The driver never parses,
//! retries, follows redirects, stores cookies, or logs URLs, headers or bodies. The driver
//! logic both adapters share (the remote inbox, routing results to remote callers, the
//! end-of-session rule, [`RemoteError`]) is `wx-driver`; this crate keeps its HTTP and its
//! waiting (`recv_timeout`).
//!
//! ```text
//!   Client ──poll_request──► Driver ──job──► workers (≤ cap, HTTP) ─┐
//!     ▲                        ▲                                     │
//!     │                        └── one mpsc channel ◄── completions ─┘
//!     └─ handle_* / submit ◄── Inbox (wx-driver) ◄──── Remote commands (+ a wake)
//!   the whole select: channel.recv_timeout(client.poll_timeout() - now)
//! ```
//!
//! ```no_run
//! # fn run() -> Result<(), wx_blocking::HttpError> {
//! use std::time::{Instant, SystemTime};
//! use wx_proto::client::{Client, Config, Event};
//! let http = wx_blocking::HttpClient::new(wx_blocking::HttpOptions::default())?;
//! let mut client = Client::new(Config::default(), [7; 32], Instant::now(), SystemTime::now());
//! let mut driver = wx_blocking::Driver::new(http);
//! for event in driver.events(&mut client) {
//!     if let Event::QrCode { qr_text, .. } = &event {
//!         println!("scan {qr_text}");
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! Sending a file: the driver reads it one 512 KiB chunk at a time where the upload asks
//! (never the whole file), and returns the op's `Progress` and its `OpDone`. From another
//! thread, [`Remote::send_file`] does the same and blocks until the result.
//!
//! ```no_run
//! # fn send(driver: &mut wx_blocking::Driver, client: &mut wx_proto::client::Client)
//! # -> Result<(), wx_blocking::SendFileError> {
//! use wx_proto::client::Event;
//! let op = driver.send_file(client, "filehelper", "photo.jpg", None)?;
//! while let Some(event) = driver.next_event(client) {
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
//!
//! # Logging
//!
//! Nothing in this crate's stack logs a request's URL, headers or body (they carry the
//! session's `skey`, `sid`, `pass_ticket` and cookies): its HTTP is `wx-driver`'s codec,
//! which never logs, and rustls logs no application data. A test runs a whole session with
//! every `log` record and `tracing` event at TRACE and finds none of them.

#![forbid(unsafe_code)]

mod bot;
mod driver;
mod http_client;
mod media;
mod remote;
mod resolve;
mod workers;

pub use bot::Bot;
pub use driver::{Driver, Events};
pub use http_client::HttpClient;
pub use remote::Remote;
/// Why a command submitted through a [`Remote`] did not succeed: the same type in
/// `wx-tokio` (both re-export `wx-driver`'s).
pub use wx_driver::RemoteError;
/// Why a file could not be sent by its path: the same type in `wx-tokio` (both re-export
/// `wx-driver`'s).
pub use wx_driver::SendFileError;
/// The bot layer's builder, handler context, replies and errors (shared with `wx-tokio`).
pub use wx_driver::bot::{BotBuilder, BotError, ChatKind, Context, Reply, terminal_qr};
/// The proxy URL of [`HttpOptions::proxy`] and a proxy's refusal: the same types in
/// `wx-tokio` (both re-export `wx-driver`'s).
pub use wx_driver::proxy::{ProxyError, ProxyUrl};
/// How to build an [`HttpClient`], and why it could not be built (`wx-driver`'s, the same
/// in every adapter).
pub use wx_driver::{HttpError, HttpOptions};
/// Saving and loading session snapshots (atomic 0600 files, one per profile), for
/// `Client::restore`: see the `wx-store` crate.
pub use wx_store as store;
