//! wx-blocking's own HTTP/1.1 on the wire (`wx-driver`'s codec over std sockets):
//! wx-testkit's wire checks against loopback servers that write raw bytes.
#![allow(clippy::unwrap_used)]

use wx_blocking::{HttpClient, HttpOptions};
use wx_testkit::adapter::wire::Execute;

/// A client with this body cap and these extra roots.
fn make(max_body: usize, extra_root_pem: Vec<String>) -> Execute {
    let http = HttpClient::new(HttpOptions {
        max_body,
        extra_root_pem,
        ..HttpOptions::default()
    })
    .unwrap();
    Box::new(move |request, timeout| http.execute(request, timeout))
}

wx_testkit::adapter_tests!(wire, make);
