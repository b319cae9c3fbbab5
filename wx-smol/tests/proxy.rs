//! wx-smol through a real CONNECT proxy on loopback that wants Basic credentials: a whole
//! session runs when they are given (percent-decoded from the URL), a request without them
//! or with wrong ones gets 407 and comes back as `Failure::Connect` with a typed
//! `ProxyError::AuthFailed` naming the proxy, and no `Debug` shows them (the tests are
//! wx-testkit's `adapter_tests!(proxy, …)`).
#![allow(clippy::unwrap_used)]

mod adapter;

/// One request, as the driver sends it.
fn execute(
    http: &wx_smol::HttpClient,
    request: wx_proto::http::Request<Vec<u8>>,
    timeout: std::time::Duration,
) -> Result<wx_proto::http::Response<Vec<u8>>, wx_proto::client::Failure> {
    smol::block_on(http.execute(request, timeout))
}

wx_testkit::adapter_tests!(proxy, wx_smol, adapter::start_proxied, execute);
