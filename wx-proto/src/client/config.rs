//! [`Config`]: everything a session can be tuned with, with defaults that follow the
//! official web client.

use std::time::Duration;

/// The `extspam` blob the desktop (UOS) clients send (protocol.md §2.7).
pub const DEFAULT_EXTSPAM: &str = "Go8FCIkFEokFCggwMDAwMDAwMRAGGvAESySibk50w5Wb3uTl2c2h64jVVrV7gNs06GFlWplHQbY/5FfiO++1yH4ykCyNPWKXmco+wfQzK5R98D3so7rJ5LmGFvBLjGceleySrc3SOf2Pc1gVehzJgODeS0lDL3/I/0S2SSE98YgKleq6Uqx6ndTy9yaL9qFxJL7eiA/R3SEfTaW1SBoSITIu+EEkXff+Pv8NHOk7N57rcGk1w0ZzRrQDkXTOXFN2iHYIzAAZPIOY45Lsh+A4slpgnDiaOvRtlQYCt97nmPLuTipOJ8Qc5pM7ZsOsAPPrCQL7nK0I7aPrFDF0q4ziUUKettzW8MrAaiVfmbD1/VkmLNVqqZVvBCtRblXb5FHmtS8FxnqCzYP4WFvz3T0TcrOqwLX1M/DQvcHaGGw0B0y4bZMs7lVScGBFxMj3vbFi2SRKbKhaitxHfYHAOAa0X7/MSS0RNAjdwoyGHeOepXOKY+h3iHeqCvgOH6LOifdHf/1aaZNwSkGotYnYScW8Yx63LnSwba7+hESrtPa/huRmB9KWvMCKbDThL/nne14hnL277EDCSocPu3rOSYjuB9gKSOdVmWsj9Dxb/iZIe+S6AiG29Esm+/eUacSba0k8wn5HhHg9d4tIcixrxveflc8vi2/wNQGVFNsGO6tB5WF0xf/plngOvQ1/ivGV/C1Qpdhzznh0ExAVJ6dwzNg7qIEBaw+BzTJTUuRcPk92Sn6QDn2Pu3mpONaEumacjW4w6ipPnPw+g2TfywJjeEcpSZaP4Q3YV5HG8D6UjWA4GSkBKculWpdCMadx0usMomsSS/74QgpYqcPkmamB4nVv1JxczYITIqItIKjD35IGKAUwAA==";

/// Where the server is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Server {
    /// The real WeChat servers; the host family follows the login redirect.
    Official,
    /// One base URL serving every host of the protocol (a simulator such as wx-sim), e.g.
    /// `http://127.0.0.1:8080`.
    Custom(String),
}

/// What to do with messages created before the session started (the server replays recent
/// ones after login).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryPolicy {
    /// Deliver them with `history: true`.
    Mark,
    /// Do not deliver them.
    Skip,
}

/// Session configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The server.
    pub server: Server,
    /// Follow a login redirect (and accept snapshot hosts) outside the trusted hosts: the
    /// WeChat domains over https for the official servers, the base URL's origin for a
    /// custom one. Off by default; only for a test server that spans several origins.
    pub trust_foreign_redirects: bool,
    /// Desktop (UOS) mode: `mod=desktop` and the `client-version`/`extspam` headers.
    pub desktop: bool,
    /// The `client-version` header of desktop mode.
    pub client_version: String,
    /// The `extspam` header of desktop mode.
    pub extspam: String,
    /// The User-Agent of every request.
    pub user_agent: String,
    /// The `lang` parameter.
    pub lang: String,
    /// How many times an expired QR code is renewed before the login gives up.
    pub max_qr_renewals: u32,
    /// Messages from before the session started.
    pub history: HistoryPolicy,
    /// At most this many requests in flight (commands beyond it wait their turn).
    pub max_in_flight: usize,
    /// Timeout of the long polls (login poll, synccheck); the server holds them ~25 s.
    pub long_poll_timeout: Duration,
    /// Timeout of every other request.
    pub request_timeout: Duration,
    /// Timeout of a download, whose body may be tens of megabytes.
    pub transfer_timeout: Duration,
    /// First retry delay after a failure; doubles per consecutive failure.
    pub backoff_base: Duration,
    /// Cap of the retry delay.
    pub backoff_cap: Duration,
    /// How long to wait after a rate limit (1205).
    pub throttle_delay: Duration,
    /// webwxinit runs again after at least this many consecutive sync failures, and only
    /// once the retry delay has reached `backoff_cap` (a passing fault never re-inits).
    pub reinit_after_failures: u32,
    /// At most one re-init per this interval, however long the failures last.
    pub reinit_min_interval: Duration,
    /// After this many consecutive re-inits that the server refused with a code (not a
    /// transport fault or an HTTP status, which only delay), the session is declared lost.
    pub max_reinit_failures: u32,
    /// The wait before the next synccheck after a sync round that brought nothing (a poll
    /// answered at once, or news that webwxsync did not have); doubles for every such round
    /// in a row, and resets on real progress or a poll the server held.
    pub idle_round_pace: Duration,
    /// Cap of that wait (about the server's own hold of a long poll, so a spinning server
    /// costs no more requests than a healthy one).
    pub idle_round_cap: Duration,
    /// At most this many webwxsync rounds in a row are followed on `ContinueFlag` when they
    /// bring nothing new; then the loop goes back to synccheck at its idle pace.
    pub max_empty_continues: u32,
    /// While this many events wait in `poll_event`, no webwxsync is issued (the server
    /// keeps the messages); it resumes once half of them are drained.
    pub max_undelivered_events: usize,
    /// The pace of message sends (`None`: no pacing, every send goes out at once).
    pub send_pacing: Option<SendPacing>,
    /// How many recent MsgIds are remembered to drop re-deliveries (8 bytes each; the
    /// default, 1,024, is twice what a snapshot keeps and ten full webwxsync batches).
    pub dedupe_capacity: usize,
    /// A sync-key advance is reported as `SnapshotChanged` at most this often.
    pub snapshot_interval: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            server: Server::Official,
            trust_foreign_redirects: false,
            desktop: false,
            client_version: "2.0.0".to_owned(),
            extspam: DEFAULT_EXTSPAM.to_owned(),
            user_agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36".to_owned(),
            lang: "zh_CN".to_owned(),
            max_qr_renewals: 5,
            history: HistoryPolicy::Mark,
            max_in_flight: 8,
            long_poll_timeout: crate::DEFAULT_LONG_POLL_TIMEOUT,
            request_timeout: crate::DEFAULT_REQUEST_TIMEOUT,
            transfer_timeout: std::time::Duration::from_secs(600),
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(60),
            throttle_delay: Duration::from_secs(300),
            reinit_after_failures: 3,
            reinit_min_interval: Duration::from_secs(300),
            max_reinit_failures: 5,
            idle_round_pace: Duration::from_secs(1),
            idle_round_cap: Duration::from_secs(30),
            max_empty_continues: 3,
            max_undelivered_events: 1024,
            send_pacing: Some(SendPacing::default()),
            dedupe_capacity: 1024,
            snapshot_interval: Duration::from_secs(180),
        }
    }
}

/// A rate: `burst` at once, then one every `interval` (a token bucket).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// One more every this long, sustained.
    pub interval: Duration,
    /// How many may go at once after a quiet spell (at least 1).
    pub burst: u32,
}

/// The pace of message sends, per account and per chat, and what a 1205 on a send does.
/// The defaults follow what users measured on the real server (about one message a second
/// sustained; bursts of ~60 get the account blocked, peers.md §4.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendPacing {
    /// All sends of the account.
    pub account: Rate,
    /// Sends to one chat.
    pub chat: Rate,
    /// After a 1205 on a send, the send queue pauses this long (doubling per 1205 in a row,
    /// up to `backoff_cap`) and the send is retried.
    pub throttle_pause: Duration,
    /// A send that keeps getting 1205 is retried this many times, then fails `Throttled`.
    pub throttle_retries: u32,
}

impl Default for SendPacing {
    fn default() -> Self {
        Self {
            account: Rate {
                interval: Duration::from_secs(1),
                burst: 10,
            },
            chat: Rate {
                interval: Duration::from_secs(2),
                burst: 5,
            },
            throttle_pause: Duration::from_secs(10),
            throttle_retries: 3,
        }
    }
}

impl Config {
    /// A config for a simulated server at `base` (every host is that base URL).
    pub fn for_base_url(base: impl Into<String>) -> Self {
        Self {
            server: Server::Custom(base.into()),
            ..Self::default()
        }
    }
}
