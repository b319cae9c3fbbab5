//! The workspace's test kit (not published).
//!
//! - [`pair`]: a `wx_proto::client::Client` and a `wx_sim::Sim` wired together in memory,
//!   in virtual time, used by wx-proto's tests, its examples and the benches.
//! - `adapter` (feature `adapters`): a wx-sim server on loopback, an adapter-neutral session
//!   handle, and the shared runs (the scenario table, commands beside a held synccheck,
//!   faults, a front-end restart, many sessions) that `adapter_tests!` (same feature)
//!   instantiates for a driver.
//! - [`fixtures`]: where the real-server samples are, and the one skip line when they are
//!   not on this machine (`WX_REQUIRE_FIXTURES=1` makes that a failure).
//! - [`proxy`]: a CONNECT proxy on loopback that wants Basic credentials (std threads), for
//!   the proxy tests of both adapters and of the `wx` binary.
//! - [`load`]: what the `load_one` examples of wx-tokio and wx-blocking share (the peers
//!   benchmark's client: its arguments, a clock-seeded client, the counting of the texts).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(feature = "adapters")]
pub mod adapter;
pub mod fixtures;
pub mod load;
pub mod pair;
pub mod proxy;

/// Instantiates the shared adapter tests for a driver, one group per call (each group is
/// its own test binary today, so the groups do not compete for the loopback at once):
///
/// - `adapter_tests!(scenarios, START)`: the wx-sim scenario table over HTTP and HTTPS, and
///   commands beside a held synccheck.
/// - `adapter_tests!(faults, START)`: injected faults, and the front end restarting.
/// - `adapter_tests!(many, "NAME", START, PLAIN_HTTP)`: 100 sessions sharing one HTTP client.
///
/// - `adapter_tests!(proxy, CRATE, START_PROXIED, EXECUTE)`: a whole session through a
///   CONNECT proxy that wants Basic credentials, 407 as a typed error, no credential in
///   `Debug`. `CRATE` is the adapter crate (its `HttpClient`, `HttpOptions`, `ProxyError`),
///   `START_PROXIED` a `fn(String) -> adapter::Start`, `EXECUTE` a
///   `fn(&HttpClient, http::Request<Vec<u8>>, Duration) -> Result<http::Response<Vec<u8>>, Failure>`.
///
/// - `adapter_tests!(transport, CRATE, EXECUTE, HTTP_FOR, START_PROXIED)`: the HTTP
///   executor on loopback: redirects returned, cookies not kept, gzip decoded and asked
///   for, the body cap, the timeout and a refused connection as their `Failure`, the extra
///   CA as what makes the simulator trusted, a whole HTTPS session through a CONNECT proxy.
///   `HTTP_FOR` is a `fn(&Env) -> HttpClient` trusting the simulator; the test crate needs
///   `flate2` as a dev-dependency.
///
/// - `adapter_tests!(media, ADAPTER)`: files sent by kind and in chunks, downloads, empty
///   and too long answers, a failed read, a cancel, the memory bound, a remote caller's
///   progress. `ADAPTER` is a `fn() -> adapter::media::MediaAdapter`.
///
/// `START` is a function `fn(Option<H>) -> adapter::Start` (with `Some`, every session shares
/// that HTTP client); `PLAIN_HTTP` is a `fn() -> H` for plain-HTTP simulators.
#[cfg(feature = "adapters")]
#[macro_export]
macro_rules! adapter_tests {
    (scenarios, $start:path) => {
        #[test]
        fn scenario_table_over_http() {
            let failed = $crate::adapter::table::run_table(false, &$start(None));
            assert!(failed.is_empty(), "{failed:#?}");
        }

        #[test]
        fn scenario_table_over_https() {
            let failed = $crate::adapter::table::run_table(true, &$start(None));
            assert!(failed.is_empty(), "{failed:#?}");
        }

        #[test]
        fn group_and_friend_operations() {
            $crate::adapter::groups::run_group_ops(&$start(None));
        }

        #[test]
        fn commands_beside_a_held_synccheck_over_http_and_https() {
            let start = $start(None);
            let a = std::thread::spawn({
                let start = start.clone();
                move || $crate::adapter::runs::run_ops(false, &start)
            });
            $crate::adapter::runs::run_ops(true, &start);
            a.join().unwrap();
        }
    };
    (wire, $make:path) => {
        #[test]
        fn chunks_with_extensions_trailers_and_an_interim_answer_arrive_whole_and_reuse_the_connection()
        {
            $crate::adapter::wire::chunks_with_extensions_trailers_and_an_interim_answer_arrive_whole_and_reuse_the_connection(&$make);
        }

        #[test]
        fn a_body_that_runs_until_close_is_read_to_the_end_and_its_connection_dropped() {
            $crate::adapter::wire::a_body_that_runs_until_close_is_read_to_the_end_and_its_connection_dropped(&$make);
        }

        #[test]
        fn an_idle_connection_the_server_closed_is_not_reused() {
            $crate::adapter::wire::an_idle_connection_the_server_closed_is_not_reused(&$make);
        }

        #[test]
        fn an_idle_tls_connection_the_server_closed_is_not_reused() {
            $crate::adapter::wire::an_idle_tls_connection_the_server_closed_is_not_reused(&$make);
        }

        #[test]
        fn an_endless_head_fails_at_its_cap_not_at_the_timeout() {
            $crate::adapter::wire::an_endless_head_fails_at_its_cap_not_at_the_timeout(&$make);
        }

        #[test]
        fn a_huge_chunk_hits_the_body_cap() {
            $crate::adapter::wire::a_huge_chunk_hits_the_body_cap(&$make);
        }

        #[test]
        fn garbage_broken_chunks_and_a_cut_body_are_io_failures() {
            $crate::adapter::wire::garbage_broken_chunks_and_a_cut_body_are_io_failures(&$make);
        }

        #[test]
        fn the_request_head_carries_host_length_and_body() {
            $crate::adapter::wire::the_request_head_carries_host_length_and_body(&$make);
        }
    };
    (faults, $start:path) => {
        #[test]
        fn faults_lose_and_duplicate_nothing_over_http_and_https() {
            let start = $start(None);
            let https = std::thread::spawn({
                let start = start.clone();
                move || $crate::adapter::runs::run_faults(true, &start)
            });
            let http = $crate::adapter::runs::run_faults(false, &start);
            for (lost, dup, problems) in [http, https.join().unwrap()] {
                assert_eq!((lost, dup), (0, 0), "lost, duplicated");
                assert!(
                    problems >= 6,
                    "the faults were seen as problems: {problems}"
                );
            }
        }

        #[test]
        fn the_server_front_end_restarting_mid_session_loses_nothing() {
            let (lost, dup) = $crate::adapter::runs::run_restart(&$start(None));
            assert_eq!((lost, dup), (0, 0), "lost, duplicated");
        }
    };
    (transport, $krate:ident, $execute:path, $http_for:path, $start_proxied:path) => {
        fn get(url: &str) -> wx_proto::http::Request<Vec<u8>> {
            wx_proto::http::Request::get(url).body(Vec::new()).unwrap()
        }

        const T: std::time::Duration = std::time::Duration::from_secs(5);

        #[test]
        fn redirects_are_returned_and_cookies_not_kept() {
            use $crate::adapter::raw::{canned, response};
            let body = b"<error><ret>0</ret></error>";
            let canned_301 = response(
                "301 Moved Permanently",
                &[
                    ("Location", "http://127.0.0.1:1/elsewhere"),
                    ("Set-Cookie", "wxsid=secret; Path=/"),
                ],
                body,
            );
            let (addr, heads) = canned(canned_301, std::time::Duration::ZERO);
            let http = $krate::HttpClient::new($krate::HttpOptions::default()).unwrap();
            let url = format!("http://{addr}/cgi-bin/mmwebwx-bin/webwxnewloginpage");
            for _ in 0..2 {
                let r = $execute(&http, get(&url), T).unwrap();
                assert_eq!(r.status(), 301);
                assert_eq!(r.body(), body);
                assert!(
                    r.headers().get("set-cookie").is_some(),
                    "handed to the core"
                );
            }
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
            use std::io::Write;
            use $crate::adapter::raw::{canned, response};
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(b"window.QRLogin.code = 200;").unwrap();
            let gz = e.finish().unwrap();
            let (addr, heads) = canned(
                response("200 OK", &[("Content-Encoding", "gzip")], &gz),
                std::time::Duration::ZERO,
            );
            let http = $krate::HttpClient::new($krate::HttpOptions::default()).unwrap();
            let r = $execute(&http, get(&format!("http://{addr}/jslogin")), T).unwrap();
            assert_eq!(r.body(), b"window.QRLogin.code = 200;");
            assert!(
                heads.lock().unwrap()[0]
                    .to_ascii_lowercase()
                    .contains("accept-encoding: gzip")
            );
        }

        #[test]
        fn body_cap_timeout_and_refused_connections_are_categorised() {
            use wx_proto::client::Failure;
            use $crate::adapter::raw::{canned, response};
            let (big, _) = canned(
                response("200 OK", &[], &[b'x'; 5000]),
                std::time::Duration::ZERO,
            );
            let (slow, _) = canned(
                response("200 OK", &[], b"late"),
                std::time::Duration::from_secs(3),
            );
            let refused = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap();
            let http = $krate::HttpClient::new($krate::HttpOptions {
                max_body: 1000,
                ..$krate::HttpOptions::default()
            })
            .unwrap();
            let r = $execute(&http, get(&format!("http://{big}/")), T);
            assert_eq!(r.unwrap_err(), Failure::BodyTooLarge);
            let short = std::time::Duration::from_millis(200);
            let r = $execute(&http, get(&format!("http://{slow}/")), short);
            assert_eq!(r.unwrap_err(), Failure::Timeout);
            let r = $execute(&http, get(&format!("http://{refused}/")), T);
            assert_eq!(r.unwrap_err(), Failure::Connect);
        }

        #[test]
        fn the_extra_ca_is_what_makes_the_simulator_trusted() {
            use wx_proto::client::Failure;
            let env = $crate::adapter::Env::new(true, wx_sim::Config::default());
            let url = format!("{}/jslogin?appid=wx782c26e4c19acffb&fun=new", env.base);
            let plain = $krate::HttpClient::new($krate::HttpOptions::default()).unwrap();
            let trusting = $http_for(&env);
            let a = $execute(&plain, get(&url), T).map(|r| r.status());
            let b = $execute(&trusting, get(&url), T).map(|r| r.status());
            assert_eq!(a, Err(Failure::Tls));
            assert_eq!(b, Ok(wx_proto::http::StatusCode::OK));
            assert!(
                $krate::HttpClient::new($krate::HttpOptions {
                    extra_root_pem: vec!["not a pem".into()],
                    ..$krate::HttpOptions::default()
                })
                .is_err()
            );
            assert!("socks5://x".parse::<$krate::ProxyUrl>().is_err());
        }

        #[test]
        fn a_whole_https_session_runs_through_a_connect_proxy() {
            let (proxy, tunnels) = $crate::adapter::raw::connect_proxy();
            let start = $start_proxied(format!("http://{proxy}"));
            let case = wx_sim::scenario::cases()
                .into_iter()
                .find(|c| c.name == "text_from_contact_and_group")
                .unwrap();
            let failed = $crate::adapter::table::run_case(&case, true, &start);
            assert!(failed.is_empty(), "{failed:#?}");
            assert!(tunnels.load(std::sync::atomic::Ordering::SeqCst) >= 1);
        }
    };
    (proxy, $krate:ident, $start_proxied:path, $execute:path) => {
        /// `wx user` / `p@ss:w%rd`, percent-encoded in the URL.
        const USER: &str = "wx%20user";
        const PASSWORD: &str = "p%40ss%3Aw%25rd";
        /// base64("wx user:p@ss:w%rd"), worked out by hand.
        const BASIC: &str = "Basic d3ggdXNlcjpwQHNzOnclcmQ=";

        fn proxied_client(url: &str) -> $krate::HttpClient {
            $krate::HttpClient::new($krate::HttpOptions {
                proxy: Some(url.parse().unwrap()),
                ..$krate::HttpOptions::default()
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
                let proxy = $crate::proxy::AuthProxy::start("wx user", "p@ss:w%rd");
                let start = $start_proxied(proxy.url(USER, PASSWORD));
                let failed = $crate::adapter::table::run_case(&case, tls, &start);
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
            let proxy = $crate::proxy::AuthProxy::start("wx user", "p@ss:w%rd");
            let address = proxy.addr.to_string();
            let target = "http://127.0.0.1:9/jslogin";
            for url in [
                format!("http://{address}"),
                proxy.url(USER, "wrong-secret"),
                proxy.url("nobody", PASSWORD),
            ] {
                let http = proxied_client(&url);
                let began = std::time::Instant::now();
                let request = wx_proto::http::Request::get(target)
                    .body(Vec::new())
                    .unwrap();
                let result = $execute(&http, request, std::time::Duration::from_secs(5));
                assert_eq!(
                    result.unwrap_err(),
                    wx_proto::client::Failure::Connect,
                    "{url}"
                );
                assert!(began.elapsed() < std::time::Duration::from_secs(2));
                let error = http.proxy_error().unwrap();
                assert_eq!(error, $krate::ProxyError::AuthFailed(address.clone()));
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
            let proxy = $crate::proxy::AuthProxy::start("u", "p");
            let options = $krate::HttpOptions {
                proxy: Some(proxy.url("sEcretUser", "sEcretPass").parse().unwrap()),
                ..$krate::HttpOptions::default()
            };
            let http = $krate::HttpClient::new(options.clone()).unwrap();
            for text in [
                format!("{options:?}"),
                format!("{options:#?}"),
                format!("{http:?}"),
            ] {
                assert!(!text.contains("sEcret"), "{text}");
                assert!(text.contains(&proxy.addr.to_string()), "{text}");
            }
        }
    };
    (media, $adapter:path) => {
        #[test]
        fn media_small_and_chunked_files() {
            $crate::adapter::media::small_and_chunked_files(&$adapter());
        }

        #[test]
        fn media_images_videos_and_gifs() {
            $crate::adapter::media::images_videos_and_gifs(&$adapter());
        }

        #[test]
        fn media_downloads_of_received_media() {
            $crate::adapter::media::downloads_of_received_media(&$adapter());
        }

        #[test]
        fn media_empty_and_too_long_downloads() {
            $crate::adapter::media::empty_and_too_long_downloads(&$adapter());
        }

        #[test]
        fn media_failed_read_cancel_and_unattached_data() {
            $crate::adapter::media::failed_read_cancel_and_unattached_data(&$adapter());
        }

        #[test]
        fn media_a_panicking_reader_or_writer_fails_its_op_only() {
            $crate::adapter::media::panicking_reader_and_writer(&$adapter());
        }

        #[test]
        fn media_through_the_remote() {
            $crate::adapter::media::remote_media(&$adapter());
        }

        #[test]
        fn media_big_files_and_a_dropped_chunk() {
            $crate::adapter::media::big_files_and_a_dropped_chunk(&$adapter());
        }

        #[test]
        fn media_the_session_ending_answers_an_upload_in_flight() {
            $crate::adapter::media::session_end_during_an_upload(&$adapter());
        }
    };
    (many, $name:literal, $start:path, $plain:path) => {
        /// Texts per session: 10, or `WX_LOAD_PER` for a throughput measurement
        /// (`WX_LOAD_PER=100 cargo test --release -p CRATE --test many -- --nocapture`).
        fn per() -> usize {
            std::env::var("WX_LOAD_PER")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(10)
        }

        #[test]
        fn a_hundred_sessions_share_one_http_client() {
            let shared = $plain();
            let m = $crate::adapter::runs::run_many(100, per(), &$start(Some(shared)));
            eprintln!(
                "{}: 100 sessions, {}/{} messages; lock-step {:.0} msg/s, burst {:.0} msg/s",
                $name, m.received, m.pushed, m.lockstep_rate, m.burst_rate
            );
            assert_eq!(m.received, m.pushed);
        }
    };
}
