//! The HTTP executor on loopback: redirects are returned, cookies are not kept, gzip is
//! decoded, the body cap and the timeout hold, failures come back as their category, the
//! extra CA is what makes the simulator's certificate trusted, and the CONNECT proxy works.
#![allow(clippy::unwrap_used)]

mod adapter;
use wx_testkit::adapter as common;

use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::raw::{canned, connect_proxy, response};
use wx_proto::client::Failure;
use wx_smol::{HttpClient, HttpOptions};

fn run<T>(f: impl Future<Output = T>) -> T {
    smol::block_on(f)
}

fn get(url: &str) -> http::Request<Vec<u8>> {
    http::Request::get(url).body(Vec::new()).unwrap()
}

const T: Duration = Duration::from_secs(5);

#[test]
fn redirects_are_returned_and_cookies_not_kept() {
    let body = b"<error><ret>0</ret></error>";
    let canned_301 = response(
        "301 Moved Permanently",
        &[
            ("Location", "http://127.0.0.1:1/elsewhere"),
            ("Set-Cookie", "wxsid=secret; Path=/"),
        ],
        body,
    );
    let (addr, heads) = canned(canned_301, Duration::ZERO);
    let http = HttpClient::new(HttpOptions::default()).unwrap();
    let url = format!("http://{addr}/cgi-bin/mmwebwx-bin/webwxnewloginpage");
    run(async {
        for _ in 0..2 {
            let r = http.execute(get(&url), T).await.unwrap();
            assert_eq!(r.status(), 301);
            assert_eq!(r.body(), body);
            assert!(
                r.headers().get("set-cookie").is_some(),
                "handed to the core"
            );
        }
    });
    let heads = heads.lock().unwrap();
    assert_eq!(heads.len(), 2, "no redirect followed");
    assert!(
        heads
            .iter()
            .all(|h| !h.to_ascii_lowercase().contains("\ncookie:"))
    );
}

#[test]
fn gzip_is_decoded_and_asked_for() {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b"window.QRLogin.code = 200;").unwrap();
    let gz = e.finish().unwrap();
    let (addr, heads) = canned(
        response("200 OK", &[("Content-Encoding", "gzip")], &gz),
        Duration::ZERO,
    );
    let http = HttpClient::new(HttpOptions::default()).unwrap();
    let r = run(http.execute(get(&format!("http://{addr}/jslogin")), T)).unwrap();
    assert_eq!(r.body(), b"window.QRLogin.code = 200;");
    assert!(
        heads.lock().unwrap()[0]
            .to_ascii_lowercase()
            .contains("accept-encoding: gzip")
    );
}

#[test]
fn body_cap_timeout_and_refused_connections_are_categorised() {
    let (big, _) = canned(response("200 OK", &[], &[b'x'; 5000]), Duration::ZERO);
    let (slow, _) = canned(response("200 OK", &[], b"late"), Duration::from_secs(3));
    let refused = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let http = HttpClient::new(HttpOptions {
        max_body: 1000,
        ..HttpOptions::default()
    })
    .unwrap();
    run(async {
        let r = http.execute(get(&format!("http://{big}/")), T).await;
        assert_eq!(r.unwrap_err(), Failure::BodyTooLarge);
        let r = http
            .execute(get(&format!("http://{slow}/")), Duration::from_millis(200))
            .await;
        assert_eq!(r.unwrap_err(), Failure::Timeout);
        let r = http.execute(get(&format!("http://{refused}/")), T).await;
        assert_eq!(r.unwrap_err(), Failure::Connect);
    });
}

#[test]
fn the_extra_ca_is_what_makes_the_simulator_trusted() {
    let env = common::Env::new(true, wx_sim::Config::default());
    let url = format!("{}/jslogin?appid=wx782c26e4c19acffb&fun=new", env.base);
    let plain = HttpClient::new(HttpOptions::default()).unwrap();
    let trusting = adapter::http_for(&env);
    let (a, b) = smol::block_on(async {
        (
            plain.execute(get(&url), T).await.map(|r| r.status()),
            trusting.execute(get(&url), T).await.map(|r| r.status()),
        )
    });
    assert_eq!(a, Err(Failure::Tls));
    assert_eq!(b, Ok(http::StatusCode::OK));
    assert!(
        HttpClient::new(HttpOptions {
            extra_root_pem: vec!["not a pem".into()],
            ..HttpOptions::default()
        })
        .is_err()
    );
    assert!("socks5://x".parse::<wx_smol::ProxyUrl>().is_err());
}

#[test]
fn a_whole_https_session_runs_through_a_connect_proxy() {
    let (proxy, tunnels) = connect_proxy();
    let start = adapter::start_proxied(format!("http://{proxy}"));
    let case = wx_sim::scenario::cases()
        .into_iter()
        .find(|c| c.name == "text_from_contact_and_group")
        .unwrap();
    let failed = common::table::run_case(&case, true, &start);
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(tunnels.load(Ordering::SeqCst) >= 1);
}
