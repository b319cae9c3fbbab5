//! Fuzz target: wx_proto::fuzzing::split.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wx_proto::fuzzing::split(data));
