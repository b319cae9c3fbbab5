//! [`BotSession`]: one bot's client and its policy over the client's events. The session
//! file is read at the start and written whenever the core says a snapshot is worth saving
//! (small synchronous writes, as `wx` does); everything else is decided here and done by
//! the adapter ([`Effect`]).

use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use wx_proto::client::{Client, Command, Config, Event, LoginPath, LogoutReason, SnapshotError};

use super::context::{Action, Context};
use super::handlers::Handlers;
use super::qr::terminal_qr;
use super::reply::Reply;
use super::{BotSetup, QrDisplay};

/// Why a bot cannot start or go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BotError {
    /// No directory for session files.
    #[error("no state directory: set WX_STATE_DIR, XDG_STATE_HOME or HOME")]
    NoStateDir,
    /// The session file could not be read or written.
    #[error(transparent)]
    Store(#[from] wx_store::StoreError),
    /// The saved session cannot be used (written by a newer wx, or naming untrusted hosts).
    #[error("cannot use the saved session {path}: {source}")]
    Snapshot {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: SnapshotError,
    },
    /// The HTTP client could not be built (a bad certificate, a bad proxy).
    #[error("cannot set up HTTP: {0}")]
    Http(String),
    /// The operating system gave no randomness for the client's seed.
    #[error("no randomness from the operating system: {0}")]
    Seed(String),
}

/// What the adapter does for the bot after an event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Effect {
    /// Send the file at `path` to `to` (open it, attach it, submit; report a failure).
    SendFile {
        /// The receiver.
        to: String,
        /// The file.
        path: PathBuf,
    },
    /// The bot is done: return.
    End,
}

/// A running bot: its client, handlers, session file and display.
pub struct BotSession {
    /// The client (the adapter drives it).
    pub client: Client,
    handlers: Handlers,
    path: PathBuf,
    qr: QrDisplay,
    quiet: bool,
    relogin: bool,
    keep_session: bool,
    actions: Vec<Action>,
}

impl BotSession {
    /// Opens the bot's session ([`BotSession::open`]) with a seed drawn from the
    /// operating system.
    pub fn start(setup: BotSetup, now: Instant, wall: SystemTime) -> Result<BotSession, BotError> {
        let mut seed = [0u8; 32];
        getrandom::getrandom(&mut seed).map_err(|e| BotError::Seed(e.to_string()))?;
        BotSession::open(setup, seed, now, wall)
    }

    /// Opens the bot's session: the saved one of its profile restored (hot login, then
    /// push login, then a QR code, as the core falls back), else a new QR login.
    pub fn open(
        setup: BotSetup,
        seed: [u8; 32],
        now: Instant,
        wall: SystemTime,
    ) -> Result<BotSession, BotError> {
        let dir = match setup.state_dir {
            Some(d) => d,
            None => wx_store::default_dir().ok_or(BotError::NoStateDir)?,
        };
        let path = wx_store::profile_path(&dir, &setup.profile)?;
        let config = match &setup.base_url {
            Some(url) => Config::for_base_url(url.as_str()),
            None => Config::default(),
        };
        let client = if path.exists() {
            let snapshot = wx_store::load(&path)?;
            Client::restore(config, snapshot, seed, now, wall).map_err(|source| {
                BotError::Snapshot {
                    path: path.clone(),
                    source,
                }
            })?
        } else {
            Client::new(config, seed, now, wall)
        };
        Ok(BotSession {
            client,
            handlers: setup.handlers,
            path,
            qr: setup.qr,
            quiet: setup.quiet,
            relogin: setup.relogin,
            keep_session: setup.keep_session,
            actions: Vec::new(),
        })
    }

    /// The session file.
    pub fn session_path(&self) -> &std::path::Path {
        &self.path
    }

    /// Handles one event of the client: the bot's policy, the handlers, the replies.
    pub fn on_event(&mut self, event: &Event, now: Instant) -> Vec<Effect> {
        for f in &mut self.handlers.events {
            f(&self.client, event);
        }
        let mut effects = Vec::new();
        match event {
            Event::QrCode { qr_text, .. } => self.show_qr(qr_text),
            Event::LoginPath(LoginPath::Hot) => self.say("resuming the saved session"),
            Event::LoginPath(LoginPath::Push) => self.say("confirm the login on the phone"),
            Event::Scanned { .. } => self.say("scanned: confirm on the phone"),
            Event::LoggedIn { nick_name, .. } => self.say(&format!("logged in as {nick_name}")),
            Event::Ready { contacts, groups } => {
                self.say(&format!("ready: {contacts} contacts, {groups} groups"));
            }
            Event::SnapshotChanged(_) => self.save(now),
            Event::Message {
                message,
                history: false,
            } if !message.sent_by_me => {
                let mut cx = Context {
                    client: &mut self.client,
                    message,
                    now,
                    actions: &mut self.actions,
                };
                match self.handlers.dispatch(&mut cx) {
                    Reply::Nothing => {}
                    Reply::Text(text) => {
                        let send = Command::SendText {
                            to: message.chat.clone(),
                            text,
                        };
                        if let Err(e) = self.client.submit(send, now) {
                            self.say(&format!("cannot reply: {e}"));
                        }
                    }
                    Reply::File(path) => self.actions.push(Action::SendFile {
                        to: message.chat.clone(),
                        path,
                    }),
                }
            }
            Event::OpDone { result: Err(e), .. } => self.say(&format!("an operation failed: {e}")),
            Event::LoggedOut(reason) => effects.extend(self.logged_out(reason, now)),
            _ => {}
        }
        effects.extend(self.actions.drain(..).map(|a| match a {
            Action::SendFile { to, path } => Effect::SendFile { to, path },
        }));
        effects
    }

    /// Whether a stop (Ctrl-C, SIGTERM) keeps the session for the next start instead of
    /// logging out.
    pub fn keeps_session(&self) -> bool {
        self.keep_session
    }

    /// The bot was asked to stop: with `keep_session`, says the session stays saved;
    /// otherwise (the adapter has logged out) the session file goes.
    pub fn stopped(&mut self) {
        if self.keep_session {
            self.say("stopped; the session stays saved for the next start");
        } else {
            self.forget();
            self.say("stopped and logged out");
        }
    }

    /// A line of status on stderr (unless quiet).
    pub fn say(&self, line: &str) {
        if !self.quiet {
            eprintln!("{}", wx_proto::model::terminal_safe_line(line));
        }
    }

    fn logged_out(&mut self, reason: &LogoutReason, now: Instant) -> Vec<Effect> {
        self.say(&format!("logged out: {reason:?}"));
        if *reason == LogoutReason::UserRequested {
            self.forget();
            return vec![Effect::End];
        }
        if self.relogin && self.client.login_again(now).is_ok() {
            self.say("logging in again");
            return Vec::new();
        }
        vec![Effect::End]
    }

    fn show_qr(&mut self, text: &str) {
        match &mut self.qr {
            QrDisplay::Callback(f) => f(text),
            QrDisplay::Terminal { light } => {
                let drawn = terminal_qr(text, *light).unwrap_or_else(|| text.to_owned());
                eprintln!("{drawn}\nscan with WeChat to log in ({text})");
            }
        }
    }

    fn save(&mut self, now: Instant) {
        if let Some(snapshot) = self.client.snapshot(now)
            && let Err(e) = wx_store::save(&self.path, &snapshot)
        {
            self.say(&format!("cannot save the session: {e}"));
        }
    }

    fn forget(&mut self) {
        if let Err(e) = wx_store::remove(&self.path) {
            self.say(&format!("cannot remove the session file: {e}"));
        }
    }
}
