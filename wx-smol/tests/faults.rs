//! Faults injected by wx-sim (dropped connections, 5xx, truncated and garbage bodies, a
//! redelivery, a stall past the request timeout) over HTTP and HTTPS, and the server's front
//! end restarting: the session recovers with nothing lost and nothing delivered twice.
#![allow(clippy::unwrap_used)]

mod adapter;

wx_testkit::adapter_tests!(faults, adapter::start);
