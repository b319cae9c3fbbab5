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
use crate::qr;
use crate::stop::Stop;

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
        }
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
                println!("[{t:5.1}s] {line}");
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
                    Voice::Transcript => println!("{art}"),
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
            Event::LoginPath(LoginPath::Hot) => self.say("resuming the saved session"),
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
                self.say_problem(p);
            }
            Event::Problem(p) => self.say_problem(p),
            _ => {}
        }
        Ok(())
    }

    fn say_problem(&self, p: &Problem) {
        let retry = p.retry_in.map_or(String::new(), |d| {
            format!("; retrying in {:.1} s", d.as_secs_f64())
        });
        let line = match &p.kind {
            // The server spins the sync loop; the core now paces it: say so in words.
            ProblemKind::Stalled(stall) => {
                format!("the server misbehaves: {}; slowing down", stall.describe())
            }
            ProblemKind::Cookie(c) => format!("the server's cookies: {}", c.describe()),
            kind => format!("problem on {:?}: {kind:?}", p.request),
        };
        self.say(&format!("{line}{retry}"));
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
        other => format!("{other:?}"),
    }
}
