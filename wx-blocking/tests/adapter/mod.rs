//! How the shared test runs (wx_testkit::adapter) start a wx-blocking
//! session: a thread iterates the driver's events into a std channel; commands go through
//! the driver's Remote.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use wx_blocking::{Driver, HttpClient, HttpOptions, RemoteError};
use wx_proto::client::Client;

use wx_testkit::adapter::{Env, Session, Start, SubmitError};

/// An HTTP client trusting the simulator's certificate, if it has one.
pub fn http_for(env: &Env) -> HttpClient {
    HttpClient::new(HttpOptions {
        extra_root_pem: env.cert.iter().cloned().collect(),
        ..HttpOptions::default()
    })
    .unwrap()
}

/// An HTTP client for plain-HTTP simulators.
pub fn http_for_plain() -> HttpClient {
    HttpClient::new(HttpOptions::default()).unwrap()
}

/// Starts sessions; with `shared`, every session uses that one HTTP client.
pub fn start(shared: Option<HttpClient>) -> Start {
    Arc::new(move |env: &Env, config, seed| {
        let http = shared.clone().unwrap_or_else(|| http_for(env));
        let (tx, rx) = std::sync::mpsc::channel();
        let mut client = Client::new(config, [seed; 32], Instant::now(), SystemTime::now());
        let mut driver = Driver::new(http);
        let remote = driver.remote();
        std::thread::spawn(move || {
            for event in driver.events(&mut client) {
                let _ = tx.send(event);
            }
        });
        Session {
            events: rx,
            submit: Box::new(move |command| {
                remote.submit(command).map_err(|e| match e {
                    RemoteError::Ended => SubmitError::Ended,
                    e => SubmitError::Other(e.to_string()),
                })
            }),
        }
    })
}

/// Starts sessions whose HTTP client tunnels through `proxy` (and trusts the simulator).
pub fn start_proxied(proxy: String) -> Start {
    Arc::new(move |env: &Env, config, seed| {
        let http = HttpClient::new(HttpOptions {
            extra_root_pem: env.cert.iter().cloned().collect(),
            proxy: Some(proxy.parse().unwrap()),
            ..HttpOptions::default()
        })
        .unwrap();
        start(Some(http))(env, config, seed)
    })
}

/// How the shared media runs (`adapter_tests!(media, …)`) reach this adapter.
pub mod media_harness {
    use std::path::Path;
    use std::time::Instant;

    use wx_blocking::{Driver, HttpClient, HttpOptions, RemoteError};
    use wx_proto::client::{
        Client, Download, Event, MediaKind, OpId, OpOutput, Upload, UsageError,
    };
    use wx_testkit::adapter::Env;
    use wx_testkit::adapter::media::{
        Direct, MediaAdapter, MediaError, OnProgress, RemoteMedia, Sink, Source,
    };

    struct Blocking(Driver);

    impl Direct for Blocking {
        fn next_event(&mut self, client: &mut Client) -> Option<Event> {
            self.0.next_event(client)
        }
        fn send_file(
            &mut self,
            client: &mut Client,
            to: &str,
            path: &Path,
            kind: Option<MediaKind>,
        ) -> Result<OpId, String> {
            self.0
                .send_file(client, to, path, kind)
                .map_err(|e| e.to_string())
        }
        fn attach_source(&mut self, op: OpId, source: Source) {
            self.0.attach_source(op, source);
        }
        fn download(
            &mut self,
            client: &mut Client,
            what: Download,
            sink: Sink,
        ) -> Result<OpId, UsageError> {
            self.0.download(client, what, sink)
        }
        fn download_to_file(
            &mut self,
            client: &mut Client,
            what: Download,
            path: &Path,
        ) -> Result<OpId, UsageError> {
            let file = std::fs::File::create(path).unwrap();
            self.0.download(client, what, std::io::BufWriter::new(file))
        }
    }

    struct Remote(wx_blocking::Remote);

    fn neutral(e: RemoteError) -> MediaError {
        match e {
            RemoteError::Op(e) => MediaError::Op(e),
            RemoteError::File(e) => MediaError::File(e.to_string()),
            e => MediaError::Other(e.to_string()),
        }
    }

    impl RemoteMedia for Remote {
        fn send_file(
            &self,
            to: &str,
            path: &Path,
            kind: Option<MediaKind>,
        ) -> Result<OpOutput, MediaError> {
            self.0.send_file(to, path, kind).map_err(neutral)
        }
        fn send_reader(
            &self,
            to: &str,
            upload: Upload,
            source: Source,
            progress: Option<OnProgress>,
        ) -> Result<OpOutput, MediaError> {
            match progress {
                Some(p) => self.0.send_reader_with_progress(to, upload, source, p),
                None => self.0.send_reader(to, upload, source),
            }
            .map_err(neutral)
        }
        fn download(&self, what: Download, sink: Sink) -> Result<OpOutput, MediaError> {
            self.0.download(what, sink).map_err(neutral)
        }
    }

    fn http(max_download: Option<u64>) -> HttpClient {
        let mut options = HttpOptions::default();
        if let Some(max) = max_download {
            options.max_download = max;
        }
        HttpClient::new(options).unwrap()
    }

    /// The media runs' way into wx-blocking.
    pub fn media() -> MediaAdapter {
        MediaAdapter {
            direct: |_env: &Env, max| Box::new(Blocking(Driver::new(http(max)))),
            remote: |_env: &Env, mut client: Client| {
                let mut driver = Driver::new(http(None));
                let remote = driver.remote();
                let (tx, rx) = std::sync::mpsc::channel();
                std::thread::spawn(move || {
                    let _ = Instant::now();
                    for event in driver.events(&mut client) {
                        let _ = tx.send(event);
                    }
                });
                (rx, Box::new(Remote(remote)))
            },
        }
    }
}

/// One request, as the driver sends it.
pub fn execute(
    http: &HttpClient,
    request: wx_proto::http::Request<Vec<u8>>,
    timeout: std::time::Duration,
) -> Result<wx_proto::http::Response<Vec<u8>>, wx_proto::client::Failure> {
    http.execute(request, timeout)
}
