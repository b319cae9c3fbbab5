//! wx-sim: a simulated WeChat web ("webwx") server for tests, demos and load.
//!
//! In scope: every endpoint of the protocol reference (login, session start, contacts,
//! sync, sending, uploads, downloads, group and contact management, logout) with the real
//! server's reply shapes, its credential and cookie checks and its tolerance; scripted worlds;
//! fault injection; a hyper loopback server (HTTP or HTTPS) with a control API.
//! UOS-mode requests (an empty Skey, credentials from the cookies) are accepted as the real
//! server accepts them. Out of scope: anything of the phone (it is scripted), real media.
//!
//! ```text
//!  jslogin ─► uuid ─► login poll (held ≤25 s: 408 │ 201 scanned │ 200 redirect_uri │ 400 expired)
//!                        └─► webwxnewloginpage (301/200 XML + Set-Cookie) ─► session
//!  session: webwxinit ─► statusnotify ─► getcontact (Seq pages) ─► batchgetcontact
//!           synccheck (held ≤25 s) ─► selector≠0 ─► webwxsync (messages, contacts, keys) ─► …
//!           sends / uploads / downloads / management at any time; logout, expiry, kick end it
//! ```
//!
//! The core is sans-IO: [`Sim::handle`] takes an `http::Request<Vec<u8>>` and the time and
//! returns a [`Reply`]; long polls come back as [`Reply::Held`] and are answered by
//! [`Sim::poll_held`] after events or at [`Sim::wake_at`]. The simulator serves every host
//! family (login, main, file, webpush) on one base URL ([`Config::base_url`]); the
//! `redirect_uri` of a confirmed login points at that base, so a client that derives its file
//! and webpush hosts from the redirect host must be told to use the base for them too.
//!
//! Knobs (methods of [`Sim`], also reachable over HTTP under `/__sim/`): `scan`, `confirm`,
//! `cancel`, `expire_qr`, [`LoginPolicy::Auto`]; `push` any [`Body`] from a friend or a group
//! member; `end_sessions` (1100/1101/1102), `kick`, `expire_sessions`, `refuse_login` (1203),
//! `throttle` (1205), `rotate_skey`; `inject` a [`FaultRule`] (status, truncate, garbage,
//! drop, delay, ret, redeliver) for the next requests; `set_pattern` / `set_account_pattern`
//! a sticky [`Pattern`] (stuck keys, no hold, continue forever, a fault until cleared) and
//! `clear_patterns`; groups gone (`set_group_gone`: 1201) and members that cannot be added
//! (`fail_members`: -2013), friend requests sent and accepted ([`group_knobs`]); group life
//! (`join_group`, `remove_from_group`, `rename_group_by`, `set_member_display_name`,
//! `add_member_quietly`: the 10000 notice and the partial ModContactList entry of the real
//! server) and groups not saved to contacts ([`WorldSpec`]`::unsaved_groups`); poison one element of a reply ([`Poison`]); count requests per endpoint
//! and account (`requests`, `account_requests`, [`Stats`]). [`scenario::cases`] is the table
//! of scenarios the adapters replay. With the default `server` feature, [`serve`] runs it on
//! loopback over HTTP or HTTPS; without it the crate is the sans-IO core alone.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod blob;
pub mod clock;
pub mod content;
mod endpoint;
pub mod fault;
pub mod group_knobs;
mod group_life;
mod held;
mod knobs;
pub mod limits;
pub mod login;
pub mod md5;
mod media_knobs;
pub mod model;
pub mod pattern;
pub mod plant;
pub mod poison;
pub mod refusal;
pub mod rng;
pub mod scenario;
#[cfg(feature = "server")]
pub mod server;
pub mod session;
pub mod shared_body;
pub mod sim;
pub mod stats;
pub mod upload;
pub mod wire;
pub mod world;

pub use content::Body;
pub use fault::{Fault, FaultRule};
pub use limits::{Limits, MediaLimits};
pub use login::LoginPolicy;
pub use pattern::Pattern;
pub use plant::{Media, MediaKind, Planted};
pub use poison::{Poison, PoisonedPair};
pub use refusal::{Refusal, Refused};
#[cfg(feature = "server")]
pub use server::{ServeOptions, Server, serve};
pub use sim::{Config, HeldId, Push, Reply, Sent, Sim, SimError};
pub use stats::Stats;
pub use upload::UploadedInfo;
pub use world::{World, WorldSpec};
