//! The hyper 1 loopback server around [`Sim`]: plain HTTP or HTTPS (self-signed, rcgen).

use crate::limits::{Budget, Limits, read_body};
use crate::sim::{Config, HeldId, Reply, Sim, Wakes};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

/// How long the accept loop waits after a failed accept (no file descriptor left, …) before
/// trying again, instead of spinning on the error.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// How to serve.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// The simulator's settings; `base_url` is replaced by the bound address.
    pub config: Config,
    /// Serve HTTPS with a self-signed certificate generated at start.
    pub tls: bool,
    /// Where to write the certificate PEM (default: the temp dir).
    pub cert_dir: Option<PathBuf>,
    /// Timeouts and body sizes: what a client can make the server hold.
    pub limits: Limits,
}

/// A running server. Dropping it does not stop it; call [`Server::shutdown`].
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    base_url: String,
    shared: Arc<Shared>,
    cert_pem: Option<String>,
    cert_path: Option<PathBuf>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

/// The simulator behind a lock, and how held requests are woken: each held request has
/// its own `Notify` (woken when [`Sim::take_wakes`] names it), and `notify` wakes them all.
#[derive(Debug)]
struct Shared {
    sim: Mutex<Sim>,
    notify: Notify,
    wakers: Mutex<HashMap<HeldId, Arc<Notify>>>,
    limits: Limits,
    budget: Budget,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Sim> {
        // A panic while holding the lock cannot leave the Sim half-updated in a way that
        // matters more than stopping the test server, so take the data anyway.
        self.sim.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wakers(&self) -> MutexGuard<'_, HashMap<HeldId, Arc<Notify>>> {
        self.wakers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wakes what `take_wakes` named (call it after releasing the simulator's lock).
    fn wake(&self, wakes: Wakes) {
        match wakes {
            Wakes::None => {}
            Wakes::All => self.notify.notify_waiters(),
            Wakes::Some(ids) => {
                let wakers = self.wakers();
                for id in ids {
                    if let Some(n) = wakers.get(&id) {
                        // Stores a permit when the request is not waiting yet: nothing is lost.
                        n.notify_one();
                    }
                }
            }
        }
    }
}

impl Server {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL every host family is served on, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The self-signed certificate (PEM) when serving HTTPS.
    pub fn cert_pem(&self) -> Option<&str> {
        self.cert_pem.as_deref()
    }

    /// Where the certificate PEM was written.
    pub fn cert_path(&self) -> Option<&std::path::Path> {
        self.cert_path.as_deref()
    }

    /// Runs `f` on the simulator (knobs, inspection) and wakes held long polls afterwards.
    pub fn with_sim<R>(&self, f: impl FnOnce(&mut Sim, Instant) -> R) -> R {
        let r = {
            let mut sim = self.shared.lock();
            let r = f(&mut sim, Instant::now());
            sim.take_wakes();
            r
        };
        self.shared.notify.notify_waiters();
        r
    }

    /// Stops accepting connections, waits for the accept loop to end and removes the
    /// certificate file it wrote.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
        if let Some(p) = &self.cert_path {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Forgets a held request when its connection goes away before the answer, and its waker
/// in any case.
struct HeldGuard {
    shared: Arc<Shared>,
    id: Option<HeldId>,
    waker: Option<HeldId>,
}

impl Drop for HeldGuard {
    fn drop(&mut self) {
        if let Some(id) = self.waker.take() {
            self.shared.wakers().remove(&id);
        }
        if let Some(id) = self.id.take() {
            self.shared.lock().cancel_held(id);
        }
    }
}

/// The hyper response; a download's shared bytes are sent from the store without a copy.
fn to_hyper(mut resp: http::Response<Vec<u8>>) -> http::Response<Full<Bytes>> {
    match resp
        .extensions_mut()
        .remove::<crate::shared_body::SharedBody>()
    {
        Some(shared) => resp.map(|_| Full::new(Bytes::from_owner(shared))),
        None => resp.map(|b| Full::new(Bytes::from(b))),
    }
}

async fn answer(
    shared: Arc<Shared>,
    req: http::Request<Incoming>,
) -> Result<http::Response<Full<Bytes>>, io::Error> {
    let (parts, body) = req.into_parts();
    let (bytes, taken) = match read_body(&shared.limits, &shared.budget, &parts.headers, body).await
    {
        Ok(x) => x,
        Err(e) => return Ok(to_hyper(e.response())),
    };
    let req = http::Request::from_parts(parts, bytes);
    let (mut reply, wakes) = {
        let mut sim = shared.lock();
        let reply = sim.handle_shared(&req, Instant::now());
        (reply, sim.take_wakes())
    };
    // The body is handled: give its memory and its share of the budget back before waiting.
    drop(req);
    drop(taken);
    shared.wake(wakes);
    let mut guard = HeldGuard {
        shared: shared.clone(),
        id: None,
        waker: None,
    };
    let mut mine: Option<Arc<Notify>> = None;
    loop {
        match reply {
            Reply::Now(resp) => return Ok(to_hyper(resp)),
            Reply::Later(resp, at) => {
                tokio::time::sleep_until(at.into()).await;
                return Ok(to_hyper(resp));
            }
            Reply::Drop => return Err(io::Error::other("fault: dropped connection")),
            Reply::Held(id) => {
                guard.id = Some(id);
                let waker = match &mine {
                    Some(n) => n.clone(),
                    None => {
                        let n = Arc::new(Notify::new());
                        shared.wakers().insert(id, n.clone());
                        guard.waker = Some(id);
                        mine = Some(n.clone());
                        n
                    }
                };
                let notified = shared.notify.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                let (done, wake) = {
                    let mut sim = shared.lock();
                    let now = Instant::now();
                    match sim.poll_held(id, now) {
                        Some(r) => (Some(r), None),
                        None => (None, sim.wake_at(id)),
                    }
                };
                if let Some(r) = done {
                    guard.id = None;
                    reply = r;
                    continue;
                }
                let wake = wake.unwrap_or_else(|| Instant::now() + Duration::from_secs(1));
                tokio::select! {
                    _ = &mut notified => {}
                    _ = waker.notified() => {}
                    _ = tokio::time::sleep_until(wake.into()) => {}
                }
                reply = Reply::Held(id);
            }
        }
    }
}

fn tls_acceptor(dir: Option<PathBuf>, port: u16) -> io::Result<(TlsAcceptor, String, PathBuf)> {
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let ck = rcgen::generate_simple_self_signed(names).map_err(io::Error::other)?;
    let pem = ck.cert.pem();
    let dir = dir.unwrap_or_else(std::env::temp_dir);
    let path = dir.join(format!("wx-sim-{port}.pem"));
    std::fs::write(&path, &pem)?;
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(ck.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(vec![ck.cert.der().clone()], key)
        .map_err(io::Error::other)?;
    Ok((TlsAcceptor::from(Arc::new(cfg)), pem, path))
}

/// Serves one connection: the TLS handshake (bounded by the header timeout), then HTTP/1.1
/// requests until the client closes, a request head is late, or the server stops.
async fn serve_connection(
    shared: Arc<Shared>,
    acceptor: Option<TlsAcceptor>,
    stream: tokio::net::TcpStream,
) {
    let head_timeout = shared.limits.header_read_timeout;
    let svc = {
        let shared = shared.clone();
        service_fn(move |req| answer(shared.clone(), req))
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(head_timeout);
    match acceptor {
        Some(a) => {
            if let Ok(Ok(tls)) = tokio::time::timeout(head_timeout, a.accept(stream)).await {
                let _ = builder.serve_connection(TokioIo::new(tls), svc).await;
            }
        }
        None => {
            let _ = builder.serve_connection(TokioIo::new(stream), svc).await;
        }
    }
}

/// Binds `addr` (use port 0 for any) and serves the simulator until [`Server::shutdown`].
/// Must be called within a tokio runtime.
pub async fn serve(addr: SocketAddr, options: ServeOptions) -> io::Result<Server> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let scheme = if options.tls { "https" } else { "http" };
    let base_url = format!("{scheme}://{addr}");
    let mut cfg = options.config.clone();
    cfg.base_url = base_url.clone();
    let steady = cfg.steady_rate;
    let spread = cfg.steady_spread;
    let accounts = cfg.world.accounts;
    let sim = Sim::new(cfg, Instant::now(), SystemTime::now());
    let shared = Arc::new(Shared {
        sim: Mutex::new(sim),
        notify: Notify::new(),
        wakers: Mutex::new(HashMap::new()),
        budget: Budget::new(options.limits.body_budget),
        limits: options.limits.clone(),
    });
    let (acceptor, cert_pem, cert_path) = if options.tls {
        let (a, pem, path) = tls_acceptor(options.cert_dir.clone(), addr.port())?;
        (Some(a), Some(pem), Some(path))
    } else {
        (None, None, None)
    };
    let (stop, mut stopped) = watch::channel(false);
    if let Some(rate) = steady {
        let shared = shared.clone();
        let mut stopped = stopped.clone();
        // Spread load pushes one account at a time, `rate / accounts` apart: tick finely
        // enough that pushes go out close to their slot (they are stamped when pushed).
        let tick = if spread {
            (rate / accounts.max(1) as u32)
                .clamp(Duration::from_millis(2), Duration::from_millis(20))
        } else {
            rate.clamp(Duration::from_millis(5), Duration::from_millis(200))
        };
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(tick) => {}
                    _ = stopped.changed() => return,
                }
                let wakes = {
                    let mut sim = shared.lock();
                    let now = Instant::now();
                    if spread {
                        sim.set_wall(now, SystemTime::now());
                    }
                    sim.advance(now);
                    if spread { sim.take_wakes() } else { Wakes::All }
                };
                shared.wake(wakes);
            }
        });
    }
    let accept_shared = shared.clone();
    let task = tokio::spawn(async move {
        loop {
            let (stream, _) = tokio::select! {
                r = listener.accept() => match r {
                    Ok(x) => x,
                    Err(_) => {
                        // EMFILE, ENFILE, ENOBUFS, …: the error repeats until something is
                        // released, so wait instead of spinning on it.
                        tokio::select! {
                            _ = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                            _ = stopped.changed() => return,
                        }
                    }
                },
                _ = stopped.changed() => return,
            };
            let shared = accept_shared.clone();
            let acceptor = acceptor.clone();
            tokio::spawn(serve_connection(shared, acceptor, stream));
        }
    });
    Ok(Server {
        addr,
        base_url,
        shared,
        cert_pem,
        cert_path,
        stop,
        task,
    })
}
