//! wx-tokio through a real CONNECT proxy on loopback that wants Basic credentials: a whole session
//! runs when they are given (percent-decoded from the URL), a request without them or with
//! wrong ones gets 407 and comes back as `Failure::Connect` with a typed
//! `ProxyError::AuthFailed` naming the proxy, and no `Debug` shows them.
#![allow(clippy::unwrap_used)]

mod adapter;
use wx_testkit::adapter as common;

use std::time::{Duration, Instant};

use wx_proto::client::Failure;
use wx_testkit::proxy::AuthProxy;
use wx_tokio::{HttpClient, HttpOptions, ProxyError};

/// `wx user` / `p@ss:w%rd`, percent-encoded in the URL.
const USER: &str = "wx%20user";
const PASSWORD: &str = "p%40ss%3Aw%25rd";
/// base64("wx user:p@ss:w%rd"), worked out by hand.
const BASIC: &str = "Basic d3ggdXNlcjpwQHNzOnclcmQ=";

fn client(url: &str) -> HttpClient {
    HttpClient::new(HttpOptions {
        proxy: Some(url.parse().unwrap()),
        ..HttpOptions::default()
    })
    .unwrap()
}

#[test]
fn a_whole_session_runs_through_the_proxy_with_its_credentials() {
    let case = wx_sim::scenario::cases()
        .into_iter()
        .find(|c| c.name == "text_from_contact_and_group")
        .unwrap();
    for tls in [true, false] {
        let proxy = AuthProxy::start("wx user", "p@ss:w%rd");
        let start = adapter::start_proxied(proxy.url(USER, PASSWORD));
        let failed = common::table::run_case(&case, tls, &start);
        assert!(failed.is_empty(), "tls {tls}: {failed:#?}");
        let seen = proxy.seen();
        assert!(seen.tunnels >= 1, "{seen:?}");
        assert_eq!((seen.refused, seen.not_connect), (0, 0), "{seen:?}");
        assert!(
            seen.authorizations
                .iter()
                .all(|a| a.as_deref() == Some(BASIC)),
            "{seen:?}"
        );
    }
}

#[test]
fn missing_or_wrong_credentials_get_407_as_a_typed_error() {
    let proxy = AuthProxy::start("wx user", "p@ss:w%rd");
    let address = proxy.addr.to_string();
    let target = "http://127.0.0.1:9/jslogin";
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for url in [
        format!("http://{address}"),
        proxy.url(USER, "wrong-secret"),
        proxy.url("nobody", PASSWORD),
    ] {
        let http = client(&url);
        let began = Instant::now();
        let request = http::Request::get(target).body(Vec::new()).unwrap();
        let result = rt.block_on(http.execute(request, Duration::from_secs(5)));
        assert_eq!(result.unwrap_err(), Failure::Connect, "{url}");
        assert!(began.elapsed() < Duration::from_secs(2));
        let error = http.proxy_error().unwrap();
        assert_eq!(error, ProxyError::AuthFailed(address.clone()));
        assert_eq!(
            error.to_string(),
            format!("proxy authentication failed at {address}")
        );
    }
    let seen = proxy.seen();
    assert_eq!((seen.refused, seen.tunnels), (3, 0), "{seen:?}");
    assert_eq!(seen.authorizations[0], None);
}

#[test]
fn debug_output_never_shows_the_credentials() {
    let proxy = AuthProxy::start("u", "p");
    let options = HttpOptions {
        proxy: Some(proxy.url("sEcretUser", "sEcretPass").parse().unwrap()),
        ..HttpOptions::default()
    };
    let http = HttpClient::new(options.clone()).unwrap();
    for text in [
        format!("{options:?}"),
        format!("{options:#?}"),
        format!("{http:?}"),
    ] {
        assert!(!text.contains("sEcret"), "{text}");
        assert!(text.contains(&proxy.addr.to_string()), "{text}");
    }
}
