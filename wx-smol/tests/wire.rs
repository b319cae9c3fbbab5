//! wx-smol's own HTTP/1.1 on the wire (`wx-driver`'s codec over async-net): wx-testkit's
//! wire checks against loopback servers that write raw bytes.
#![allow(clippy::unwrap_used)]

use wx_smol::{HttpClient, HttpOptions};
use wx_testkit::adapter::wire::Execute;

/// A client with this body cap and these extra roots, its `execute` run to completion on the calling thread.
fn make(max_body: usize, extra_root_pem: Vec<String>) -> Execute {
    let http = HttpClient::new(HttpOptions {
        max_body,
        extra_root_pem,
        ..HttpOptions::default()
    })
    .unwrap();
    Box::new(move |request, timeout| smol::block_on(http.execute(request, timeout)))
}

wx_testkit::adapter_tests!(wire, make);
