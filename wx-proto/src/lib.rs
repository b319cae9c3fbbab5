//! # wx-proto: the sans-IO core of the WeChat web ("webwx") protocol
//!
//! First, the engine: [`Client`] ([`client`]) runs one account's session (login, the sync
//! loop with its own pace, contacts, commands, snapshots) as a pure state machine. It takes
//! response bytes and the time, and gives [`Request`]s (`http::Request` descriptions) and
//! [`Event`]s. Every request names its [`Endpoint`] (the one list of the protocol's
//! endpoints: name, path, long poll or not, default timeout). Then the pure parsers for
//! every wire format the web client reads ([`parse`]), the domain model the engine hands
//! out ([`model`]: messages decoded by kind, contacts with decoded names, the contact book
//! [`model::ContactBook`] the engine keeps, [`Client::book`]), and credentials
//! that never print ([`Secret`]). Out of scope: sockets, clocks, randomness, threads. The
//! transports (`wx-tokio`, `wx-blocking`) do the I/O; this crate only turns bytes into
//! values and values into requests.
//!
//! The run loop of a driver (a complete one that plays the simulator in memory is in the
//! workspace README):
//!
//! ```text
//! loop {
//!     while let Some(req) = client.poll_request() { send req.http; later: client.handle_response(req.id, resp, now) }
//!     while let Some(event) = client.poll_event() { act on it; maybe client.submit(command, now) }
//!     sleep until client.poll_timeout(); client.handle_timeout(now)
//! }
//! ```
//!
//! ```text
//!   jslogin ─► QR shown ─► poll (408/201/200) ─► newloginpage ─► webwxinit ─► sync loop
//!      ▲                        │ 400 expired                                  │ 1100/1101/1102
//!      └────────────────────────┘                                              ▼
//!                                                                          logged out
//! ```
//!
//! Every parser is a function from bytes to `Result<T, ParseError>`; errors name the
//! format, the byte offset and the kind of fault, and never carry body text.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub(crate) mod build;
mod calendar;
pub mod client;
mod endpoint;
mod error;
pub mod model;
pub mod parse;
pub mod percent;
mod ret_code;
mod secret;

#[cfg(feature = "fuzzing")]
pub mod fuzzing;

pub use client::{Client, Command, Config, Event, Request, RequestId};
pub use endpoint::{DEFAULT_LONG_POLL_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, Endpoint};
pub use error::{ErrorKind, Format, ParseError};
pub use http;
pub use ret_code::RetCode;
pub use secret::{Secret, Uin};

/// The README's code blocks run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
