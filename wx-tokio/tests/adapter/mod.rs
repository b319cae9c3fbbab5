//! How the shared test runs start a wx-tokio session: a task on the simulator's runtime
//! forwards the driver's events to a std channel; commands go through the driver's Remote.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use wx_proto::client::Client;
use wx_tokio::{Driver, HttpClient, HttpOptions, RemoteError};

use wx_testkit::adapter::{Env, Session, Start, SubmitError};

/// An HTTP client trusting the simulator's certificate, if it has one.
pub fn http_for(env: &Env) -> HttpClient {
    HttpClient::new(HttpOptions {
        extra_root_pem: env.cert.iter().cloned().collect(),
        ..HttpOptions::default()
    })
    .unwrap()
}

/// Starts sessions; with `shared`, every session uses that one HTTP client.
pub fn start(shared: Option<HttpClient>) -> Start {
    Arc::new(move |env: &Env, config, seed| {
        let http = shared.clone().unwrap_or_else(|| http_for(env));
        let (tx, rx) = std::sync::mpsc::channel();
        let mut client = Client::new(config, [seed; 32], Instant::now(), SystemTime::now());
        let mut driver = Driver::new(http);
        let remote = driver.remote();
        env.rt.spawn(async move {
            while let Some(event) = driver.next_event(&mut client).await {
                let _ = tx.send(event);
            }
        });
        let handle = env.rt.handle().clone();
        Session {
            events: rx,
            submit: Box::new(move |command| {
                handle
                    .block_on(remote.submit(command))
                    .map_err(|e| match e {
                        RemoteError::Ended => SubmitError::Ended,
                        e => SubmitError::Other(e.to_string()),
                    })
            }),
        }
    })
}

/// An HTTP client for plain-HTTP simulators.
pub fn http_for_plain() -> HttpClient {
    HttpClient::new(HttpOptions::default()).unwrap()
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
    use std::io::{Read, Seek, SeekFrom, Write};
    use std::path::Path;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use tokio::io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};
    use wx_proto::client::{
        Client, Download, Event, MediaKind, OpId, OpOutput, Upload, UsageError,
    };
    use wx_testkit::adapter::Env;
    use wx_testkit::adapter::media::{
        Direct, MediaAdapter, MediaError, OnProgress, RemoteMedia, Sink, Source,
    };
    use wx_tokio::{Driver, HttpClient, HttpOptions, RemoteError};

    /// A std reader or writer in memory, as async I/O (its calls never block for long).
    struct Sync<T>(T);

    impl AsyncRead for Sync<Source> {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            let n = self.0.read(buf.initialize_unfilled())?;
            buf.advance(n);
            Poll::Ready(Ok(()))
        }
    }

    impl AsyncSeek for Sync<Source> {
        fn start_seek(mut self: Pin<&mut Self>, pos: SeekFrom) -> std::io::Result<()> {
            self.0.seek(pos).map(|_| ())
        }
        fn poll_complete(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<std::io::Result<u64>> {
            Poll::Ready(self.0.stream_position())
        }
    }

    impl AsyncWrite for Sync<Sink> {
        fn poll_write(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            Poll::Ready(self.0.write(buf))
        }
        fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(self.0.flush())
        }
        fn poll_shutdown(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<std::io::Result<()>> {
            Poll::Ready(self.0.flush())
        }
    }

    struct Tokio {
        driver: Driver,
        rt: tokio::runtime::Handle,
    }

    impl Direct for Tokio {
        fn next_event(&mut self, client: &mut Client) -> Option<Event> {
            self.rt.block_on(self.driver.next_event(client))
        }
        fn send_file(
            &mut self,
            client: &mut Client,
            to: &str,
            path: &Path,
            kind: Option<MediaKind>,
        ) -> Result<OpId, String> {
            self.rt
                .block_on(self.driver.send_file(client, to, path, kind))
                .map_err(|e| e.to_string())
        }
        fn attach_source(&mut self, op: OpId, source: Source) {
            self.driver.attach_source(op, Sync(source));
        }
        fn download(
            &mut self,
            client: &mut Client,
            what: Download,
            sink: Sink,
        ) -> Result<OpId, UsageError> {
            self.driver.download(client, what, Sync(sink))
        }
        fn download_to_file(
            &mut self,
            client: &mut Client,
            what: Download,
            path: &Path,
        ) -> Result<OpId, UsageError> {
            let file = self.rt.block_on(tokio::fs::File::create(path)).unwrap();
            self.driver
                .download(client, what, tokio::io::BufWriter::new(file))
        }
    }

    struct Remote {
        remote: wx_tokio::Remote,
        rt: tokio::runtime::Handle,
    }

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
            self.rt
                .block_on(self.remote.send_file(to, path, kind))
                .map_err(neutral)
        }
        fn send_reader(
            &self,
            to: &str,
            upload: Upload,
            source: Source,
            progress: Option<OnProgress>,
        ) -> Result<OpOutput, MediaError> {
            let reader = Sync(source);
            self.rt
                .block_on(async {
                    match progress {
                        Some(p) => {
                            self.remote
                                .send_reader_with_progress(to, upload, reader, p)
                                .await
                        }
                        None => self.remote.send_reader(to, upload, reader).await,
                    }
                })
                .map_err(neutral)
        }
        fn download(&self, what: Download, sink: Sink) -> Result<OpOutput, MediaError> {
            self.rt
                .block_on(self.remote.download(what, Sync(sink)))
                .map_err(neutral)
        }
    }

    fn http(max_download: Option<u64>) -> HttpClient {
        let mut options = HttpOptions::default();
        if let Some(max) = max_download {
            options.max_download = max;
        }
        HttpClient::new(options).unwrap()
    }

    /// The media runs' way into wx-tokio.
    pub fn media() -> MediaAdapter {
        MediaAdapter {
            direct: |env: &Env, max| {
                Box::new(Tokio {
                    driver: Driver::new(http(max)),
                    rt: env.rt.handle().clone(),
                })
            },
            remote: |env: &Env, mut client: Client| {
                let mut driver = Driver::new(http(None));
                let remote = driver.remote();
                let (tx, rx) = std::sync::mpsc::channel();
                env.rt.spawn(async move {
                    while let Some(event) = driver.next_event(&mut client).await {
                        let _ = tx.send(event);
                    }
                });
                let rt = env.rt.handle().clone();
                (rx, Box::new(Remote { remote, rt }))
            },
        }
    }
}

/// One request, as the driver sends it, on a runtime kept for these calls (so pooled
/// connections stay usable from one call to the next).
pub fn execute(
    http: &HttpClient,
    request: wx_proto::http::Request<Vec<u8>>,
    timeout: std::time::Duration,
) -> Result<wx_proto::http::Response<Vec<u8>>, wx_proto::client::Failure> {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    let rt = RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    });
    rt.block_on(http.execute(request, timeout))
}
