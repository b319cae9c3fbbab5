//! wx-tokio's HTTP (hyper 1) on the wire: wx-testkit's wire checks against loopback
//! servers that write raw bytes, as for the adapters that frame HTTP/1.1 themselves.
#![allow(clippy::unwrap_used)]

use wx_testkit::adapter::wire::Execute;
use wx_tokio::{HttpClient, HttpOptions};

/// A client with this body cap, each `execute` run on a current-thread runtime of its own
/// (the pool's connections live on, idle, between them).
fn make(max_body: usize) -> Execute {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = runtime.block_on(async {
        HttpClient::new(HttpOptions {
            max_body,
            ..HttpOptions::default()
        })
        .unwrap()
    });
    Box::new(move |request, timeout| runtime.block_on(http.execute(request, timeout)))
}

wx_testkit::adapter_tests!(wire, make);
