//! wx-tokio through a real CONNECT proxy on loopback that wants Basic credentials: a whole session
//! runs when they are given (percent-decoded from the URL), a request without them or with
//! wrong ones gets 407 and comes back as `Failure::Connect` with a typed
//! `ProxyError::AuthFailed` naming the proxy, and no `Debug` shows them (the tests are
//! wx-testkit's `adapter_tests!(proxy, …)`).
#![allow(clippy::unwrap_used)]

mod adapter;

/// One request, as the driver sends it, on a runtime of its own.
fn execute(
    http: &wx_tokio::HttpClient,
    request: wx_proto::http::Request<Vec<u8>>,
    timeout: std::time::Duration,
) -> Result<wx_proto::http::Response<Vec<u8>>, wx_proto::client::Failure> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(http.execute(request, timeout))
}

wx_testkit::adapter_tests!(proxy, wx_tokio, adapter::start_proxied, execute);
