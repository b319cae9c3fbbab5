//! The bot layer's shared half: a [`BotBuilder`] that takes a profile and handlers, and the
//! [`BotSession`] that runs one bot's policy over the client's events (hot login from the
//! saved session, the QR code drawn on the terminal or handed to a callback, the session
//! saved whenever the core says so and forgotten on logout, a new login after a kick when
//! asked, each new message routed to its handler and the reply sent). The adapters add
//! only their waiting, their HTTP and the file reads of `Reply::File` ([`Runtime`]).
//!
//! Settings the environment may give when the code does not: `WX_BASE_URL` (a server other
//! than the official one, e.g. `wx sim`), `WX_STATE_DIR` (where session files live).

mod chat;
mod context;
mod handlers;
mod qr;
mod reply;
mod session;

use std::marker::PhantomData;
use std::path::PathBuf;

use wx_proto::client::{Client, Event};
use wx_proto::model::{FriendRequest, RoomEvent};

pub use chat::{ChatKind, classify};
pub use context::{Action, Context};
pub use qr::terminal_qr;
pub use reply::Reply;
pub use session::{BotError, BotSession, Effect};

use handlers::{Handlers, Route};

/// How a bot shows the login QR code.
pub enum QrDisplay {
    /// Drawn on the terminal (stderr); `light` for light terminal backgrounds.
    Terminal {
        /// Dark modules as blocks (light backgrounds) instead of the inverse.
        light: bool,
    },
    /// Handed to a callback (the text a QR code must encode).
    Callback(Box<dyn FnMut(&str) + Send>),
}

/// What a bot was built with: where it runs and its handlers.
pub struct BotSetup {
    /// The profile: its session is `<state dir>/<profile>.session.json`.
    pub profile: String,
    /// The state directory (`WX_STATE_DIR`, else the user's state directory).
    pub state_dir: Option<PathBuf>,
    /// A server other than the official one (`WX_BASE_URL`).
    pub base_url: Option<String>,
    /// Log in again (push login, else a QR code) when the session ends other than by a
    /// logout of ours.
    pub relogin: bool,
    /// No status lines on stderr (the QR code is still shown).
    pub quiet: bool,
    /// On Ctrl-C or SIGTERM, stop without logging out: the saved session resumes at the
    /// next start without a scan (hot reload). Otherwise the bot logs out first.
    pub keep_session: bool,
    /// The QR code's display.
    pub qr: QrDisplay,
    /// PEM certificates to trust besides the built-in roots (a simulator over HTTPS).
    pub extra_root_pem: Vec<String>,
    handlers: Handlers,
}

/// An adapter's way of running a bot: its HTTP, its waiting, its file reads.
pub trait Runtime {
    /// What `run` returns: a future for async adapters, the result for blocking ones.
    type Run;
    /// Runs the bot until its session ends or the process is asked to stop (Ctrl-C,
    /// SIGTERM: then it logs out first).
    fn run(setup: BotSetup) -> Self::Run;
}

/// Builds a bot: `Bot::builder().profile("echo").on_text(|_, text| text.to_owned()).run()`.
/// `R` is the adapter's [`Runtime`].
pub struct BotBuilder<R> {
    setup: BotSetup,
    runtime: PhantomData<fn() -> R>,
}

impl<R: Runtime> Default for BotBuilder<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: Runtime> BotBuilder<R> {
    /// A bot of the profile `default`, on the official server (or `WX_BASE_URL`), its
    /// sessions in `WX_STATE_DIR` or the user's state directory.
    pub fn new() -> Self {
        let env = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        Self {
            setup: BotSetup {
                profile: "default".into(),
                state_dir: env("WX_STATE_DIR").map(PathBuf::from),
                base_url: env("WX_BASE_URL"),
                relogin: false,
                quiet: false,
                keep_session: false,
                qr: QrDisplay::Terminal { light: false },
                extra_root_pem: Vec::new(),
                handlers: Handlers::default(),
            },
            runtime: PhantomData,
        }
    }

    /// The profile name (1 to 64 of `A-Z a-z 0-9 _ -`): one saved session per profile.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.setup.profile = name.into();
        self
    }

    /// Where session files live.
    pub fn state_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.setup.state_dir = Some(dir.into());
        self
    }

    /// A server other than the official one (`http://127.0.0.1:8080` for `wx sim`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.setup.base_url = Some(url.into());
        self
    }

    /// Trust this PEM certificate too (a simulator over HTTPS).
    pub fn trust_pem(mut self, pem: impl Into<String>) -> Self {
        self.setup.extra_root_pem.push(pem.into());
        self
    }

    /// Log in again after the server ended the session (a kick, the phone logging out).
    pub fn relogin_after_kick(mut self, yes: bool) -> Self {
        self.setup.relogin = yes;
        self
    }

    /// Stop without logging out on Ctrl-C or SIGTERM: the next start resumes the saved
    /// session without a scan (hot reload).
    pub fn keep_session_on_exit(mut self) -> Self {
        self.setup.keep_session = true;
        self
    }

    /// No status lines on stderr.
    pub fn quiet(mut self) -> Self {
        self.setup.quiet = true;
        self
    }

    /// Draw the QR code for light terminal backgrounds.
    pub fn light_terminal(mut self) -> Self {
        self.setup.qr = QrDisplay::Terminal { light: true };
        self
    }

    /// Hand the QR code's text to `f` instead of drawing it.
    pub fn on_qr(mut self, f: impl FnMut(&str) + Send + 'static) -> Self {
        self.setup.qr = QrDisplay::Callback(Box::new(f));
        self
    }

    /// Text messages from people and groups (not official accounts).
    pub fn on_text<T: Into<Reply>>(
        self,
        mut f: impl FnMut(&mut Context<'_>, &str) -> T + Send + 'static,
    ) -> Self {
        self.route(Route::Text(Box::new(move |cx, text| f(cx, text).into())))
    }

    /// Every message in a one-to-one chat with a person.
    pub fn on_friend<T: Into<Reply>>(
        self,
        mut f: impl FnMut(&mut Context<'_>) -> T + Send + 'static,
    ) -> Self {
        self.route(Route::Friend(Box::new(move |cx| f(cx).into())))
    }

    /// Every message in a group.
    pub fn on_group<T: Into<Reply>>(
        self,
        mut f: impl FnMut(&mut Context<'_>) -> T + Send + 'static,
    ) -> Self {
        self.route(Route::Group(Box::new(move |cx| f(cx).into())))
    }

    /// Group messages that mention you (add it before `on_group` and `on_text`).
    pub fn on_mention<T: Into<Reply>>(
        self,
        mut f: impl FnMut(&mut Context<'_>) -> T + Send + 'static,
    ) -> Self {
        self.route(Route::Mention(Box::new(move |cx| f(cx).into())))
    }

    /// Messages from official accounts.
    pub fn on_official<T: Into<Reply>>(
        self,
        mut f: impl FnMut(&mut Context<'_>) -> T + Send + 'static,
    ) -> Self {
        self.route(Route::Official(Box::new(move |cx| f(cx).into())))
    }

    /// Every message (after the more specific handlers added before it).
    pub fn on_message<T: Into<Reply>>(
        self,
        mut f: impl FnMut(&mut Context<'_>) -> T + Send + 'static,
    ) -> Self {
        self.route(Route::Any(Box::new(move |cx| f(cx).into())))
    }

    /// A group's join, leave, removal, rename or invitation notice (a welcome bot).
    pub fn on_room_event<T: Into<Reply>>(
        self,
        mut f: impl FnMut(&mut Context<'_>, &RoomEvent) -> T + Send + 'static,
    ) -> Self {
        self.route(Route::Room(Box::new(move |cx, e| f(cx, e).into())))
    }

    /// A friend request: return `true` to accept it.
    pub fn on_friend_request(
        self,
        f: impl FnMut(&mut Context<'_>, &FriendRequest) -> bool + Send + 'static,
    ) -> Self {
        self.route(Route::FriendRequest(Box::new(f)))
    }

    /// Every event of the client, before the bot handles it (logging, metrics).
    pub fn on_event(mut self, f: impl FnMut(&Client, &Event) + Send + 'static) -> Self {
        self.setup.handlers.events.push(Box::new(f));
        self
    }

    fn route(mut self, route: Route) -> Self {
        self.setup.handlers.routes.push(route);
        self
    }

    /// What the bot was built with (for an adapter's `run`).
    pub fn into_setup(self) -> BotSetup {
        self.setup
    }

    /// Runs the bot (see [`Runtime::run`]).
    pub fn run(self) -> R::Run {
        R::run(self.setup)
    }
}
