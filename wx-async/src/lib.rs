//! wx-async: the async driver `wx-tokio` and `wx-smol` share, written once, on any
//! executor.
//!
//! In scope: one session's requests (a set of futures polled only while `next_event` is,
//! so dropping its future loses nothing), its timer, the waiting of its [`Remote`]s, the
//! media methods that attach a reader or writer to an op, and the bot layer's run loop
//! ([`run_bot`]). What to do next is `wx-driver`'s `Pump`; which op has what attached is
//! its `Attachments`. Out of scope: sockets, files and sleeping, which the adapter lends
//! through [`AsyncIo`] (its HTTP client implements it), and signals (the adapter passes
//! the future that fires on Ctrl-C).
//!
//! ```text
//!   Client ──poll_request──► Driver ──push──► its futures (AsyncIo::execute, stream, read_at)
//!     ▲                        │  ▲                    │
//!     └─handle_response/failure┘  └──── completion ────┘
//!     ▲                        │
//!     └─submit ◄── Remote ◄────┘ (commands from other tasks; results awaited there)
//! ```

#![forbid(unsafe_code)]

mod bot;
mod driver;
mod io;
mod media;
mod remote;

pub use bot::run_bot;
pub use driver::Driver;
pub use io::AsyncIo;
pub use remote::Remote;
