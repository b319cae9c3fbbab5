//! wx-smol: runs a [`wx_proto::client::Client`] on smol 2, with rustls (ring) and no tokio.
//!
//! A bot in a few lines ([`Bot`], the bot layer `wx-tokio` and `wx-blocking` have too): log
//! in (the saved session, else a QR code drawn in the terminal), answer every text with
//! itself, log out on Ctrl-C or SIGTERM:
//!
//! ```no_run
//! fn main() -> Result<(), wx_smol::BotError> {
//!     let bot = wx_smol::Bot::builder().profile("echo").on_text(|_, text| text.to_owned());
//!     smol::block_on(bot.run())
//! }
//! ```
//!
//! The same shape as `wx-tokio`: an [`HttpClient`] (shareable by many sessions), a
//! [`Driver`] owning one session's in-flight requests and timer, with a cancel-safe
//! [`Driver::next_event`], and a cloneable [`Remote`] for other tasks. The driver logic
//! every adapter shares (the [`Pump`](wx_driver::Pump), the inbox, the routing of results,
//! the media attachments, [`RemoteError`], the proxy URL) is `wx-driver`'s; this crate
//! keeps only its HTTP (sockets from async-net, TLS from futures-rustls, a small pool and
//! the CONNECT tunnel, with `wx-driver`'s HTTP/1.1 codec [`wx_driver::h1`] framing the
//! bytes) and its waiting (channels and an async-io timer). Requests, downloads and upload
//! reads run as tasks of smol's global executor (`SMOL_THREADS` threads, 1 by default).
//! Nothing of tokio is in its dependency tree (`.ci/run` checks it).
//!
//! ```no_run
//! # fn main() -> Result<(), wx_smol::HttpError> {
//! use std::time::{Instant, SystemTime};
//! use wx_proto::client::{Client, Config, Event};
//! let http = wx_smol::HttpClient::new(wx_smol::HttpOptions::default())?;
//! let mut client = Client::new(Config::default(), [7; 32], Instant::now(), SystemTime::now());
//! let mut driver = wx_smol::Driver::new(http);
//! smol::block_on(async {
//!     while let Some(event) = driver.next_event(&mut client).await {
//!         if let Event::QrCode { qr_text, .. } = &event {
//!             println!("scan {qr_text}");
//!         }
//!     }
//! });
//! # Ok(()) }
//! ```
//!
//! Media: [`Driver::send_file`], [`Driver::attach_source`], [`Driver::download`] and the
//! [`Remote`]'s media methods take futures-io's `AsyncRead + AsyncSeek` and `AsyncWrite`
//! (`smol::fs::File`, `smol::io::Cursor`, or anything else implementing them).
//!
//! # From async-std code
//!
//! async-std is discontinued in favour of smol, and is built on the same pieces (the
//! async-io reactor, async-executor, futures-io's I/O traits); nothing here depends on it.
//! The futures of this crate need no particular executor: their sockets and timers are
//! async-io's, driven by its own thread, and their tasks go to smol's global executor, so
//! `driver.next_event(&mut client).await` works inside `async_std::task::block_on` or an
//! async-std task as it does in `smol::block_on`; and async-std futures (its sockets,
//! channels, `task::sleep`) run inside `smol::block_on` or `smol::spawn` in turn. async-std's
//! `File` implements futures-io's traits, so it can be handed to the media methods as is.
//! To leave async-std step by step, keep its code and start the process in
//! `smol::block_on`.

#![forbid(unsafe_code)]

mod bot;
mod driver;
mod http_client;
mod media;
mod remote;

pub use bot::Bot;
pub use driver::Driver;
pub use http_client::{HttpClient, HttpError, HttpOptions};
pub use media::{AsyncSink, AsyncSource};
pub use remote::Remote;
/// Why a command submitted through a [`Remote`] did not succeed (`wx-driver`'s).
pub use wx_driver::RemoteError;
/// Why a file could not be sent by its path (`wx-driver`'s).
pub use wx_driver::SendFileError;
/// The bot layer's builder, handler context, replies and errors (`wx-driver`'s).
pub use wx_driver::bot::{BotBuilder, BotError, ChatKind, Context, Reply, terminal_qr};
/// The proxy URL of [`HttpOptions::proxy`] and a proxy's refusal (`wx-driver`'s).
pub use wx_driver::proxy::{ProxyError, ProxyUrl};
/// Saving and loading session snapshots, for `Client::restore`: see the `wx-store` crate.
pub use wx_store as store;
