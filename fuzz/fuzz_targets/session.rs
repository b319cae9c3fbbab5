//! Fuzz target: wx_proto::fuzzing::session.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wx_proto::fuzzing::session(data));
