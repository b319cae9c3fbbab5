//! Fuzz target: wx_driver::h1::fuzzing::response (the HTTP/1.1 response codec).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wx_driver::h1::fuzzing::response(data));
