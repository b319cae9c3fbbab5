//! wx-blocking through a real CONNECT proxy on loopback that wants Basic credentials: a whole session
//! runs when they are given (percent-decoded from the URL), a request without them or with
//! wrong ones gets 407 and comes back as `Failure::Connect` with a typed
//! `ProxyError::AuthFailed` naming the proxy, and no `Debug` shows them (the tests are
//! wx-testkit's `adapter_tests!(proxy, …)`).
#![allow(clippy::unwrap_used)]

mod adapter;

wx_testkit::adapter_tests!(proxy, wx_blocking, adapter::start_proxied, adapter::execute);
