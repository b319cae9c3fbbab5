//! Fuzz target: wx_proto::fuzzing::set_cookie.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wx_proto::fuzzing::set_cookie(data));
