//! [`Live`]: one running session (client + wx-tokio driver) and what every command does
//! with its login events: draw the QR code, report the scan, save the snapshot, and stop
//! with the proxy's reason when a proxy refuses the connection.

use std::path::PathBuf;
use std::time::Instant;

use wx_proto::client::{Client, Event, LoginPath, LogoutReason, Phase, Problem, ProblemKind};
use wx_proto::model::terminal_safe_line;
use wx_tokio::Driver;

use crate::cli::Connection;
use crate::error::{CliError, CliResult};
use crate::stop::Stop;
use crate::{problem, qr};

/// Where status lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    /// stdout, with the seconds since start (the demo's transcript).
    Transcript,
    /// stderr (stdout stays for data: messages, JSON, contacts).
    Status,
}

/// A session being driven.
pub struct Live {
    /// The HTTP client's clone, asked why the proxy refused a connection.
    http: wx_tokio::HttpClient,
    /// The protocol core.
    pub client: Client,
    /// The I/O.
    pub driver: Driver,
    /// Where to save snapshots (none in the demo).
    pub conn: Option<Connection>,
    /// Ctrl-C.
    pub stop: Stop,
    voice: Voice,
    light: bool,
    png: Option<PathBuf>,
    start: Instant,
    saved: bool,
    /// Consecutive failed tries to use the server (reset by progress).
    failures: u32,
    /// Give up after this many consecutive failures (`None`: keep retrying).
    give_up_after: Option<u32>,
}

/// What `until` saw.
pub enum Outcome {
    /// The predicate matched this event.
    Matched(Event),
    /// The user pressed Ctrl-C.
    Stopped,
}

impl Live {
    /// Wraps a client; `conn` enables saving snapshots and the QR options.
    pub fn new(
        client: Client,
        http: wx_tokio::HttpClient,
        conn: Option<Connection>,
        voice: Voice,
    ) -> Self {
        let (light, png) = conn
            .as_ref()
            .map_or((false, None), |c| (c.light, c.png.clone()));
        Live {
            client,
            driver: Driver::new(http.clone()),
            http,
            conn,
            stop: Stop::listen(),
            voice,
            light,
            png,
            start: Instant::now(),
            saved: false,
            failures: 0,
            give_up_after: None,
        }
    }

    /// One-shot commands give up after `tries` consecutive failures to use the server,
    /// with one line naming the URL and the cause; `None` keeps retrying (saying so).
    pub fn give_up_after(&mut self, tries: Option<u32>) {
        self.give_up_after = tries;
    }

    /// Draws QR codes for light terminals.
    pub fn set_light(&mut self, light: bool) {
        self.light = light;
    }

    /// Prints a status line. It may quote the server (a nickname, a refusal's message):
    /// controls and bidi overrides are escaped, so it stays one harmless line.
    pub fn say(&self, line: &str) {
        let line = terminal_safe_line(line);
        match self.voice {
            Voice::Transcript => {
                let t = self.start.elapsed().as_secs_f64();
                crate::out::line_lossy(format_args!("[{t:5.1}s] {line}"));
            }
            Voice::Status => eprintln!("{line}"),
        }
    }

    /// Whether a snapshot was saved during this run.
    pub fn saved(&self) -> bool {
        self.saved
    }

    /// The next event, after the common handling (QR, scan, login, snapshots); `None` once
    /// the session has ended.
    pub async fn next(&mut self) -> CliResult<Option<Event>> {
        let Some(event) = self.driver.next_event(&mut self.client).await else {
            return Ok(None);
        };
        self.common(&event)?;
        Ok(Some(event))
    }

    /// Runs until `pick` matches an event (returned) or Ctrl-C; an ended session is an error.
    pub async fn until(
        &mut self,
        mut pick: impl FnMut(&mut Self, &Event) -> bool,
    ) -> CliResult<Outcome> {
        loop {
            let mut stop = self.stop.clone();
            let event = tokio::select! {
                e = self.next() => e?,
                () = stop.wait() => return Ok(Outcome::Stopped),
            };
            match event {
                Some(e) if pick(self, &e) => return Ok(Outcome::Matched(e)),
                Some(_) => {}
                None => return Err(CliError::runtime("the session ended")),
            }
        }
    }

    /// Runs until the contact list is loaded (`Ready`).
    pub async fn until_ready(&mut self) -> CliResult<bool> {
        let out = self.until(|_, e| matches!(e, Event::Ready { .. })).await?;
        Ok(matches!(out, Outcome::Matched(_)))
    }

    /// Runs (at most `max`) until the recent-chat list that follows a login has paired
    /// UserNames with stable names, so contact keys hold them (and the saved session keeps
    /// them). Returns at once when the book has them already.
    pub async fn until_recent_chats(&mut self, max: std::time::Duration) -> CliResult<()> {
        if !self.client.book().stable_names().is_empty() {
            return Ok(());
        }
        let known = |l: &mut Self, _: &Event| !l.client.book().stable_names().is_empty();
        // A server that sends no list costs `max`, nothing more.
        let _ = tokio::time::timeout(max, self.until(known)).await;
        Ok(())
    }

    /// Logs out (when running) and runs until the session has ended, printing the reason.
    pub async fn logout(&mut self) -> CliResult {
        if self.client.phase() == Phase::LoggedOut {
            return Ok(());
        }
        let _ = self.client.logout(Instant::now());
        let deadline = tokio::time::sleep(std::time::Duration::from_secs(20));
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                e = self.next() => if e?.is_none() { return Ok(()) },
                () = &mut deadline => return Err(CliError::runtime("the logout did not finish in 20 s")),
            }
        }
    }

    fn common(&mut self, event: &Event) -> CliResult {
        match event {
            Event::QrCode {
                qr_text, renewal, ..
            } => {
                let art = qr::to_terminal(qr_text, !self.light)?;
                if *renewal > 0 {
                    self.say("the QR code expired; here is a new one");
                }
                self.say(&format!(
                    "scan this QR code with WeChat on your phone ({qr_text}):"
                ));
                match self.voice {
                    Voice::Transcript => crate::out::line_lossy(format_args!("{art}")),
                    Voice::Status => eprintln!("{art}"),
                }
                if let Some(path) = &self.png {
                    qr::to_png(qr_text, path)?;
                    self.say(&format!("QR code written to {}", path.display()));
                }
            }
            Event::Scanned { avatar } => self.say(&format!(
                "scanned (avatar: {} bytes); confirm the login on the phone",
                avatar.as_ref().map_or(0, Vec::len)
            )),
            Event::Confirmed => self.say("confirmed on the phone"),
            Event::LoginRefused { code, message } => self.say(&format!(
                "the server refused the login ({}): {message}",
                code.raw()
            )),
            // A one-shot command prints only its result (and why it failed).
            Event::LoginPath(LoginPath::Hot) if self.give_up_after.is_none() => {
                self.say("resuming the saved session")
            }
            Event::LoginPath(LoginPath::Hot) => {}
            Event::LoginPath(LoginPath::Push) => {
                self.say("the saved session has ended; asking the phone to confirm a new login")
            }
            Event::LoginPath(LoginPath::Qr) => {}
            Event::LoggedIn { nick_name, .. } => self.say(&format!("logged in as {nick_name}")),
            Event::SnapshotChanged(_) => {
                if let Some(conn) = &self.conn {
                    self.saved |= conn.save(&self.client)?;
                }
            }
            Event::LoggedOut(reason) => self.say(&format!("logged out: {}", reason_text(reason))),
            // A proxy that refuses (407: its credentials) refuses again: stop, saying why.
            Event::Problem(p) if matches!(p.kind, ProblemKind::Transport(_)) => {
                if let Some(refusal) = self.http.proxy_error() {
                    return Err(CliError::runtime(refusal.to_string()));
                }
                self.on_problem(p)?;
            }
            Event::Problem(p) => self.on_problem(p)?,
            _ => {}
        }
        if !matches!(
            event,
            Event::Problem(_) | Event::LoginPath(_) | Event::SnapshotChanged(_)
        ) {
            // The server answered something useful: the failures so far were passing.
            self.failures = 0;
        }
        Ok(())
    }

    /// Says what went wrong and that the core retries, or gives up (a one-shot command
    /// after [`Live::give_up_after`] failures in a row).
    fn on_problem(&mut self, p: &Problem) -> CliResult {
        let url = problem::url_of(self.client.hosts(), p.request).to_owned();
        let proxy = self.proxy_address();
        if problem::is_failure(&p.kind)
            && let Some(limit) = self.give_up_after
        {
            self.failures += 1;
            if self.failures >= limit || p.retry_in.is_none() {
                tracing::debug!(failures = self.failures, "giving up");
                return Err(CliError::runtime(problem::describe(
                    p,
                    &url,
                    proxy.as_deref(),
                    true,
                )));
            }
            // Retried in silence: said once, if it comes to giving up.
            return Ok(());
        }
        let line = problem::describe(p, &url, proxy.as_deref(), true);
        let retry = p.retry_in.map_or(String::new(), |d| {
            format!("; retrying in {:.1} s", d.as_secs_f64())
        });
        self.say(&format!("{line}{retry}"));
        Ok(())
    }

    /// The proxy's `host:port` when the session goes through one.
    fn proxy_address(&self) -> Option<String> {
        let conn = self.conn.as_ref()?;
        let url = conn
            .proxy
            .resolve(conn.base_url.as_deref(), |n| std::env::var(n).ok())
            .ok()??;
        Some(url.address())
    }
}

/// A logout reason in words.
pub fn reason_text(reason: &LogoutReason) -> String {
    match reason {
        LogoutReason::UserRequested => "as requested".into(),
        LogoutReason::PhoneLoggedOut => "logged out on the phone (1100)".into(),
        LogoutReason::SessionInvalid => {
            "the session is invalid, logged in elsewhere? (1101)".into()
        }
        LogoutReason::Kicked => "kicked by the server (1102)".into(),
        LogoutReason::LoginRefused(code) => format!("login refused ({})", code.raw()),
        LogoutReason::NeedsBrowser => "the server wants a browser security check".into(),
        LogoutReason::QrExpired => "the QR code expired too many times".into(),
        LogoutReason::InitFailed => "the session could not start (webwxinit failed)".into(),
        LogoutReason::UntrustedHost(why) => {
            format!("login refused for safety: the server redirected it to {why}")
        }
        _ => "the session ended".into(),
    }
}
