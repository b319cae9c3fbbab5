//! The HTTP executor on loopback: redirects are returned, cookies are not kept, gzip is
//! decoded, the body cap and the timeout hold, failures come back as their category, the
//! extra CA is what makes the simulator's certificate trusted, and the CONNECT proxy works.
#![allow(clippy::unwrap_used)]

mod adapter;

wx_testkit::adapter_tests!(
    transport,
    wx_smol,
    adapter::execute,
    adapter::http_for,
    adapter::start_proxied
);
