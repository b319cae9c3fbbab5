//! wx-driver: the driver logic `wx-tokio`, `wx-smol` and `wx-blocking` share, written once.
//!
//! In scope: the inbox of commands that `Remote` handles submit, with its end-of-session
//! refusal ([`Inbox`]); the callers waiting for the result of an operation ([`Waiters`]);
//! the order in which a driver runs the client ([`Pump`], [`Step`]) and feeds it the
//! outcome of a request ([`feed`]) or of any of its tasks, and what a task that panicked
//! or was cancelled reports ([`Done`], [`Job`], [`Pump::complete`]); the errors a remote
//! caller sees ([`RemoteError`]); the HTTP clients' options, their build error and the
//! rustls configuration ([`HttpOptions`], [`HttpError`], [`options`]); the proxy URL, its credentials, `NO_PROXY` and the proxy environment
//! variables, the `CONNECT` request and a proxy's refusal ([`proxy`]); an HTTP/1.1 client
//! codec for an adapter whose runtime has no HTTP client ([`h1`], used by `wx-smol`); media: which op has which reader or
//! writer attached and the events that belong to it ([`Attachments`], driven by
//! [`Pump`] as [`Step::Read`] and [`Step::Stream`]), what a remote media command carries,
//! and opening a file to send by its path ([`media::open_file`], blocking: the async
//! adapters run it on a blocking thread); the bot layer's builder, handlers and session
//! policy ([`bot`]; its session file is the one file this crate writes, through
//! `wx-store`). Out of scope: sockets, clocks, threads and waiting. The async adapters'
//! waiting is `wx-async`'s (one driver for both); wx-blocking keeps its own
//! (`recv_timeout`); each adapter keeps its HTTP.
//!
//! ```text
//!   Remote ──push──► Inbox ──pop──► Pump::step ──submit──► Client
//!     ▲                               │ ▲                     │
//!     └──── W (the adapter's sender) ◄┘ └── route OpDone ◄────┘
//! ```

#![forbid(unsafe_code)]

mod attach;
pub mod body;
pub mod bot;
mod done;
mod error;
mod feed;
pub mod h1;
mod inbox;
pub mod media;
pub mod options;
pub mod proxy;
mod pump;
mod waiters;

pub use attach::{Attachments, Claimed, Read};
pub use done::{Done, Job};
pub use error::{RemoteError, RemoteResult};
pub use feed::{Outcome, feed};
pub use inbox::{Inbox, Queued};
pub use media::{Io, SendFileError};
pub use options::{HttpError, HttpOptions};
pub use pump::{Pump, Step};
pub use waiters::{Routed, Waiters};
