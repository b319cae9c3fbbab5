//! wx-sim's scenario table and the command run, over HTTP and over HTTPS with the
//! simulator's self-signed certificate, through wx-smol.
#![allow(clippy::unwrap_used)]

mod adapter;

wx_testkit::adapter_tests!(scenarios, adapter::start);
