//! wx-tokio's HTTP (hyper 1) on the wire: wx-testkit's wire checks against loopback
//! servers that write raw bytes, as for the adapters that frame HTTP/1.1 themselves.
#![allow(clippy::unwrap_used)]

use wx_testkit::adapter::wire::Execute;
use wx_tokio::{HttpClient, HttpOptions};

/// A client with this body cap and these extra roots, on a runtime of its own whose worker
/// runs between the calls (hyper's pooled connections are tasks: they see a close there).
fn make(max_body: usize, extra_root_pem: Vec<String>) -> Execute {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let http = runtime.block_on(async {
        HttpClient::new(HttpOptions {
            max_body,
            extra_root_pem,
            ..HttpOptions::default()
        })
        .unwrap()
    });
    Box::new(move |request, timeout| runtime.block_on(http.execute(request, timeout)))
}

wx_testkit::adapter_tests!(wire, make);
