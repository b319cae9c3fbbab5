//! Shared by the tests of wx-tokio and wx-blocking (both adapters run the very same table,
//! see [`crate::adapter_tests!`]): a wx-sim server on loopback, sessions
//! behind a small adapter-neutral handle, and the runs (scenario table, operations, faults,
//! many accounts).

pub mod bots;
pub mod cancel;
pub mod groups;
pub mod media;
pub mod raw;
pub mod redirect;
pub mod restore;
pub mod runs;
pub mod secrets;
pub mod table;
pub mod wire;

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use wx_proto::client::{Command, Config, Event, OpOutput};
use wx_sim::{ServeOptions, Sim};

/// A wx-sim server on loopback with its own tokio runtime.
pub struct Env {
    /// The runtime the server (and wx-tokio sessions) run on.
    pub rt: tokio::runtime::Runtime,
    server: Option<wx_sim::Server>,
    /// The server's base URL.
    pub base: String,
    /// The server's self-signed certificate (PEM), with TLS.
    pub cert: Option<String>,
}

impl Env {
    /// Serves `config` on a loopback port, with TLS or not (a 2 s poll hold unless set).
    pub fn new(tls: bool, mut config: wx_sim::Config) -> Env {
        if config.poll_hold == wx_sim::Config::default().poll_hold {
            config.poll_hold = Duration::from_secs(2);
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let options = ServeOptions {
            config,
            tls,
            ..ServeOptions::default()
        };
        let server = rt
            .block_on(wx_sim::serve("127.0.0.1:0".parse().unwrap(), options))
            .unwrap();
        Env {
            base: server.base_url().to_string(),
            cert: server.cert_pem().map(str::to_string),
            server: Some(server),
            rt,
        }
    }

    /// A plain-HTTP simulator that scans and confirms every login as account 0 after 10 ms.
    pub fn auto_confirming() -> Env {
        Env::new(
            false,
            wx_sim::Config {
                login: wx_sim::LoginPolicy::Auto {
                    scan_after: Duration::from_millis(10),
                    confirm_after: Duration::from_millis(10),
                    account: 0,
                },
                ..wx_sim::Config::default()
            },
        )
    }

    /// Runs `f` on the simulator and wakes its held polls.
    pub fn sim<R>(&self, f: impl FnOnce(&mut Sim, Instant) -> R) -> R {
        self.server.as_ref().unwrap().with_sim(f)
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.rt.block_on(server.shutdown());
        }
    }
}

/// A running session, whatever the adapter: its events, and a blocking submit through the
/// adapter's Remote.
pub struct Session {
    /// The session's events, in order; disconnected when the session ended.
    pub events: Receiver<Event>,
    /// Submits a command and waits for its result.
    pub submit: Box<dyn Fn(Command) -> Result<OpOutput, SubmitError> + Send + Sync>,
}

/// A Remote's error, adapter-neutral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitError {
    /// The session ended before the operation reported a result.
    Ended,
    /// Anything else (shown with Display).
    Other(String),
}

/// Starts a session of the adapter under test against `env` (the seed varies per session).
pub type Start = Arc<dyn Fn(&Env, Config, u8) -> Session + Send + Sync>;

/// The client settings of the tests: short timeouts and back-offs, so faults recover fast.
pub fn client_config(base: &str) -> Config {
    let mut c = Config::for_base_url(base);
    c.long_poll_timeout = Duration::from_secs(5);
    c.request_timeout = Duration::from_secs(3);
    c.backoff_base = Duration::from_millis(50);
    c.backoff_cap = Duration::from_millis(400);
    c.throttle_delay = Duration::from_millis(300);
    c
}

impl Session {
    /// Waits for an event matching `f`, keeping every event in `seen`. `None` when the
    /// session ended or the guard passed first (a hang, reported by the caller).
    pub fn wait_for(
        &self,
        seen: &mut Vec<Event>,
        guard: Duration,
        mut f: impl FnMut(&Event) -> bool,
    ) -> Option<Event> {
        let end = Instant::now() + guard;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(e) => {
                    seen.push(e.clone());
                    if f(&e) {
                        return Some(e);
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Logs out and waits for the session's event stream to end and for the logout's
    /// answer (whatever it is: done, or refused because the session had already ended):
    /// `false` if either did not come within 20 s.
    pub fn close(self, seen: &mut Vec<Event>) -> bool {
        // The logout is submitted from a thread of its own, so that a lost answer is
        // reported as a failure instead of hanging the test.
        let logout = self.submit;
        let (answer_tx, answer) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = answer_tx.send(logout(Command::Logout));
        });
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            match self
                .events
                .recv_timeout(end.saturating_duration_since(Instant::now()))
            {
                Ok(e) => seen.push(e),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => return false,
            }
        }
        answer
            .recv_timeout(end.saturating_duration_since(Instant::now()))
            .is_ok()
    }
}

/// The messages among `events`.
pub fn messages(events: &[Event]) -> Vec<&wx_proto::model::Message> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Message { message, .. } => Some(&**message),
            _ => None,
        })
        .collect()
}

/// Pushed ids never delivered, and ids delivered more than once.
pub fn lost_and_duplicated(events: &[Event], pushed: &[String]) -> (usize, usize) {
    let mut count = std::collections::BTreeMap::<&str, usize>::new();
    for m in messages(events) {
        *count.entry(m.msg_id.as_str()).or_default() += 1;
    }
    let lost = pushed
        .iter()
        .filter(|id| !count.contains_key(id.as_str()))
        .count();
    (lost, count.values().filter(|&&n| n > 1).count())
}
