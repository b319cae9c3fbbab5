//! Attacks on a real `wx-sim` process over loopback (issue 16): each test performs one abuse
//! and asserts the bounded outcome — the simulator keeps serving a client during and after,
//! its memory stays under a cap, its CPU stays idle.
#![cfg(all(feature = "server", target_os = "linux"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod process;

mod bodies;
mod fd_limit;
mod media;
mod paths;
mod slowloris;
