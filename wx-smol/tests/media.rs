//! Media through wx-smol against wx-sim on loopback: uploads read one chunk at a time,
//! downloads streamed into writers, the remote's media calls (the tests are wx-testkit's
//! `adapter_tests!(media, …)`).
#![allow(clippy::unwrap_used)]

mod adapter;

wx_testkit::adapter_tests!(media, adapter::media_harness::media);
