//! # wx-benches: what the benchmarks of wx share
//!
//! - [`corpus`]: the bodies the benchmarks parse, built from the project's own `fixtures/` and
//!   the real captures in `../shared/fixtures/` (third-party data, read in place at run time,
//!   never copied into this repository).
//! - [`baseline`]: the parsers wx-proto is compared with: the regular expressions itchat uses,
//!   a JavaScript engine (QuickJS through `rquickjs`) that evaluates the body, and
//!   `serde_json::Value` with the same fields extracted by hand.
//! - [`pair`]: a logged-in `wx_proto::client::Client` wired to the `wx_sim::Sim` core in
//!   memory with virtual time (no sockets), for the session-loop benchmarks (the one Pair of
//!   the workspace, `wx_testkit::pair`, re-exported).
//! - [`week`]: many clients against one simulator for a simulated week under a schedule of
//!   traffic and faults, counting lost and duplicated messages, requests and delays.

pub mod baseline;
pub mod corpus;
pub use wx_testkit::pair;
pub mod week;
