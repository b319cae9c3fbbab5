//! Fuzz target: wx_proto::fuzzing::media: a file name and size through the appmsg XML
//! (well formed, the title reads back), the upload form (no name adds or breaks a part),
//! the `Content-Disposition` reader and the kind sniffer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wx_proto::fuzzing::media(data);
});
