//! One process, one HTTP client, 100 sessions against one wx-sim: all get their messages.
#![allow(clippy::unwrap_used)]

mod adapter;

wx_testkit::adapter_tests!(many, "wx-smol", adapter::start, adapter::http_for_plain);
