//! The command line: every command, its flags and its `--help` examples (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::proxy::ProxyArgs;

const EXIT_CODES: &str = "Exit status: 0 success, 1 runtime failure (network, server, session), \
2 usage error or malformed input.";

/// wx: a WeChat web (webwx) client for the terminal.
#[derive(Debug, Parser)]
#[command(name = "wx", version, about, after_help = EXIT_CODES, after_long_help = EXIT_CODES)]
pub struct Cli {
    /// Trace on stderr: -v this program's debug events, -vv everything (credentials are
    /// never printed). `RUST_LOG` (e.g. `wx_proto=trace`) takes precedence.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Cmd,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// A whole session against a built-in simulator: QR login, a scripted conversation, an
    /// echo bot, a revoke, a logout. Needs no phone and no network.
    #[command(after_help = "Examples:\n  wx demo\n  wx demo --light")]
    Demo(DemoArgs),
    /// Decode a captured response body and print it as JSON (credentials redacted).
    #[command(
        after_help = "Examples:\n  wx decode capture.json\n  wx decode body.txt --kind synccheck\n  \
wx decode --list-kinds\n\nA malformed body prints one line naming the format and byte offset and exits 2."
    )]
    Decode(DecodeArgs),
    /// Run the simulated server standalone (for other clients, or `wx login --base-url`).
    #[command(after_help = "Examples:\n  wx sim --port 8080 --auto-confirm 2000\n  \
wx sim --https --contacts 500 --rate-ms 1000\n\nStop it with Ctrl-C (or SIGTERM).")]
    Sim(SimArgs),
    /// Log in with a QR code, save the session, then print incoming messages.
    #[command(
        after_help = "Examples:\n  wx login\n  wx login --png qr.png --profile work\n  \
wx login --base-url http://127.0.0.1:8080 --no-listen\n\nCtrl-C stops listening and keeps the session saved \
(`wx logout` ends it); --logout-on-exit logs out instead."
    )]
    Login(LoginArgs),
    /// Print incoming messages of the saved session.
    #[command(after_help = "Examples:\n  wx listen\n  wx listen --json | jq .text")]
    Listen(ListenArgs),
    /// Send a text to a contact or group found by remark, nickname or id.
    #[command(after_help = "Examples:\n  wx send --to Alice \"see you at 8\"\n  \
wx send --to @@1a2b3c \"hello group\"\n  printf 'one\\ntwo\\n' | wx send --to Alice -\n  \
wx send --to Alice --file photo.jpg\n  wx send --to Alice --file clip.mp4 --as file")]
    Send(SendArgs),
    /// Download a received image, voice, video or file by the MsgId `wx listen` showed.
    #[command(
        after_help = "Examples:\n  wx download 4452930394930393 --out ~/Downloads\n\n\
Only messages received by `wx listen` (or `wx login`) on this profile are known, the newest 500."
    )]
    Download(DownloadArgs),
    /// Download the head image of a contact or a group.
    #[command(after_help = "Examples:\n  wx avatar Alice --out alice.jpg\n  \
wx avatar Bob --group \"Friends Group\" --out bob.jpg")]
    Avatar(AvatarArgs),
    /// List the contacts (or only the groups) of the saved session.
    /// Create a group, add or remove members, rename it, list its members, leave it.
    #[command(subcommand)]
    Group(GroupCmd),
    /// Accept a friend request (the latest, or a given one), or send one.
    #[command(subcommand)]
    Friend(FriendCmd),
    #[command(after_help = "Examples:\n  wx contacts\n  wx contacts --groups --json")]
    Contacts(ContactsArgs),
    /// End the saved session on the server and delete its file.
    #[command(after_help = "Examples:\n  wx logout\n  wx logout --profile work")]
    Logout(LogoutArgs),
}

/// Flags every session command shares.
#[derive(Debug, Clone, Args)]
pub struct Connection {
    /// A server other than WeChat's, e.g. a `wx sim` at http://127.0.0.1:8080.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Trust this CA certificate (PEM) too, e.g. the one `wx sim --https` prints.
    #[arg(long, value_name = "PEM")]
    pub ca_cert: Option<PathBuf>,
    /// Desktop (UOS) mode, for accounts refused by the web login.
    #[arg(long)]
    pub desktop: bool,
    /// The saved session to use (one file per profile).
    #[arg(long, default_value = "default", value_name = "NAME")]
    pub profile: String,
    /// Where sessions are saved (default: $XDG_STATE_HOME/wx or ~/.local/state/wx).
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Draw the QR code for a light terminal background (dark modules as blocks).
    #[arg(long)]
    pub light: bool,
    /// Also write the QR code as a PNG image.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// The proxy (`--proxy`, `--no-proxy`).
    #[command(flatten)]
    pub proxy: ProxyArgs,
    /// Set by `main`: the command gives up after a few failed tries to reach the server
    /// (a one-shot command) instead of retrying until stopped.
    #[arg(skip)]
    pub one_shot: bool,
}

impl Cmd {
    /// The connection flags of a session command (none for demo, decode and sim).
    pub fn connection_mut(&mut self) -> Option<&mut Connection> {
        match self {
            Cmd::Login(a) => Some(&mut a.conn),
            Cmd::Listen(a) => Some(&mut a.conn),
            Cmd::Send(a) => Some(&mut a.conn),
            Cmd::Download(a) => Some(&mut a.conn),
            Cmd::Group(g) => Some(g.conn_mut()),
            Cmd::Friend(f) => Some(f.conn_mut()),
            Cmd::Avatar(a) => Some(&mut a.conn),
            Cmd::Contacts(a) => Some(&mut a.conn),
            Cmd::Logout(a) => Some(&mut a.conn),
            Cmd::Demo(_) | Cmd::Decode(_) | Cmd::Sim(_) => None,
        }
    }

    /// Whether the command works on a saved session (all session commands but `wx login`,
    /// which makes one).
    pub fn needs_saved_session(&self) -> bool {
        !matches!(self, Cmd::Login(_)) && self.is_session()
    }

    fn is_session(&self) -> bool {
        !matches!(self, Cmd::Demo(_) | Cmd::Decode(_) | Cmd::Sim(_))
    }

    /// Whether the command is one-shot (it gives up when the server cannot be reached)
    /// rather than long-running (`wx listen`, and `wx login` once logged in, keep retrying).
    pub fn is_one_shot(&self) -> bool {
        !matches!(self, Cmd::Listen(_) | Cmd::Login(_)) && self.is_session()
    }

    /// The checks of the arguments that clap cannot express, run before any network.
    pub fn validate(&self) -> crate::error::CliResult {
        if let Cmd::Send(args) = self
            && let Some(text) = &args.text
            && text.trim().is_empty()
        {
            return Err(crate::error::CliError::usage(
                "nothing to send: the text is empty (give a text, `-` for stdin, or --file)",
            ));
        }
        Ok(())
    }
}

/// `wx demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Draw the QR code for a light terminal background.
    #[arg(long)]
    pub light: bool,
}

/// `wx decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// The body file (`-` for stdin). `.jsonc` files may hold `//` comments.
    #[arg(required_unless_present = "list_kinds")]
    pub file: Option<PathBuf>,
    /// The format (guessed when not given): see --list-kinds.
    #[arg(long, short)]
    pub kind: Option<String>,
    /// List the kinds and exit.
    #[arg(long)]
    pub list_kinds: bool,
    /// One line of JSON instead of pretty-printed.
    #[arg(long)]
    pub compact: bool,
}

/// `wx sim`.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// TCP port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Serve HTTPS with a self-signed certificate (its path is printed).
    #[arg(long)]
    pub https: bool,
    /// Where to write the certificate (default: the temp dir).
    #[arg(long, value_name = "DIR")]
    pub cert_dir: Option<PathBuf>,
    /// Accounts that can log in.
    #[arg(long, default_value_t = 1)]
    pub accounts: usize,
    /// Friends per account.
    #[arg(long)]
    pub contacts: Option<usize>,
    /// Groups per account.
    #[arg(long)]
    pub groups: Option<usize>,
    /// Members per group.
    #[arg(long)]
    pub members: Option<usize>,
    /// Official accounts per account.
    #[arg(long)]
    pub official: Option<usize>,
    /// Contacts per webwxgetcontact page.
    #[arg(long)]
    pub page: Option<usize>,
    /// Seed of the world and of every id.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Scan and confirm every QR code automatically after this many ms (default: manual,
    /// through the /__sim/ control API).
    #[arg(long, value_name = "MS")]
    pub auto_confirm: Option<u64>,
    /// Push a text from a friend to every session at this interval.
    #[arg(long, value_name = "MS")]
    pub rate_ms: Option<u64>,
    /// How long long polls are held (the real server: 25000).
    #[arg(long, value_name = "MS")]
    pub hold_ms: Option<u64>,
    /// How long a QR code lives unconfirmed.
    #[arg(long, value_name = "S")]
    pub qr_lifetime_s: Option<u64>,
}

/// `wx login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Where and as whom.
    #[command(flatten)]
    pub conn: Connection,
    /// Exit once logged in and saved, instead of printing messages.
    #[arg(long)]
    pub no_listen: bool,
    /// Messages as JSON lines.
    #[arg(long)]
    pub json: bool,
    /// Log out (and delete the saved session) on Ctrl-C instead of keeping it.
    #[arg(long)]
    pub logout_on_exit: bool,
}

/// `wx listen`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Where and as whom.
    #[command(flatten)]
    pub conn: Connection,
    /// One JSON object a line (msg_id, time, chat, sender, kind, text, detail).
    #[arg(long)]
    pub json: bool,
    /// Log out (and delete the saved session) on Ctrl-C instead of keeping it.
    #[arg(long)]
    pub logout_on_exit: bool,
}

/// `wx send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// Where and as whom.
    #[command(flatten)]
    pub conn: Connection,
    /// Remark, nickname or id (`@…`, `@@…`, `filehelper`) of the receiver.
    #[arg(long, value_name = "NAME_OR_ID")]
    pub to: String,
    /// The text; `-` reads stdin and sends each non-empty line.
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    pub text: Option<String>,
    /// Send this file instead of a text (an image, a video, a GIF or any file).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// How to send the file (default: from its first bytes and its extension).
    #[arg(long = "as", value_enum, value_name = "KIND", requires = "file")]
    pub kind: Option<SendKind>,
}

/// How `wx send --file` sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SendKind {
    /// A picture.
    Image,
    /// A video (under 20 MB).
    Video,
    /// An attachment.
    File,
    /// A GIF sticker.
    Gif,
}

/// `wx download`.
#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// Where and as whom.
    #[command(flatten)]
    pub conn: Connection,
    /// The MsgId `wx listen` showed.
    #[arg(value_name = "MSGID")]
    pub msg_id: String,
    /// The directory to write the file into.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
}

/// `wx avatar`.
#[derive(Debug, Args)]
pub struct AvatarArgs {
    /// Where and as whom.
    #[command(flatten)]
    pub conn: Connection,
    /// Remark, nickname or id of a contact or a group (with `--group`: a member's display
    /// name, nickname or id).
    #[arg(value_name = "NAME_OR_ID")]
    pub who: String,
    /// The group whose member `NAME_OR_ID` is.
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
    /// The file to write (JPEG).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// `wx contacts`.
#[derive(Debug, Args)]
pub struct ContactsArgs {
    /// Where and as whom.
    #[command(flatten)]
    pub conn: Connection,
    /// Only groups.
    #[arg(long)]
    pub groups: bool,
    /// One JSON object a line.
    #[arg(long)]
    pub json: bool,
}

/// `wx logout`.
#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Where and as whom.
    #[command(flatten)]
    pub conn: Connection,
}

/// `wx group …`.
#[derive(Debug, Subcommand)]
pub enum GroupCmd {
    /// Create a group with at least two other members.
    #[command(after_help = "Examples:\n  wx group create \"Weekend\" --members Alice,Bob")]
    Create {
        /// Where and as whom.
        #[command(flatten)]
        conn: Connection,
        /// The group's name.
        name: String,
        /// The members (remark, nickname or id), comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        members: Vec<String>,
    },
    /// Add members (they are invited once the group is large).
    #[command(after_help = "Examples:\n  wx group add \"Weekend\" Carol Dave")]
    Add {
        /// Where and as whom.
        #[command(flatten)]
        conn: Connection,
        /// The group.
        group: String,
        /// The friends to add.
        #[arg(required = true)]
        members: Vec<String>,
    },
    /// Remove members (you must own the group).
    #[command(after_help = "Examples:\n  wx group remove \"Weekend\" Dave")]
    Remove {
        /// Where and as whom.
        #[command(flatten)]
        conn: Connection,
        /// The group.
        group: String,
        /// The members to remove (display name, nickname or id).
        #[arg(required = true)]
        members: Vec<String>,
    },
    /// Rename a group.
    #[command(after_help = "Examples:\n  wx group rename \"Weekend\" \"Long weekend\"")]
    Rename {
        /// Where and as whom.
        #[command(flatten)]
        conn: Connection,
        /// The group.
        group: String,
        /// Its new name.
        name: String,
    },
    /// List a group's members.
    #[command(after_help = "Examples:\n  wx group members \"Weekend\" --json")]
    Members {
        /// Where and as whom.
        #[command(flatten)]
        conn: Connection,
        /// The group.
        group: String,
        /// One JSON object a line.
        #[arg(long)]
        json: bool,
    },
}

impl GroupCmd {
    /// The connection flags of any subcommand.
    pub fn conn_mut(&mut self) -> &mut Connection {
        match self {
            GroupCmd::Create { conn, .. }
            | GroupCmd::Add { conn, .. }
            | GroupCmd::Remove { conn, .. }
            | GroupCmd::Rename { conn, .. }
            | GroupCmd::Members { conn, .. } => conn,
        }
    }
}

/// `wx friend …`.
#[derive(Debug, Subcommand)]
pub enum FriendCmd {
    /// Accept the latest friend request `wx listen` received, or the one from NAME.
    #[command(after_help = "Examples:\n  wx friend accept\n  wx friend accept \"Stranger\"")]
    Accept {
        /// Where and as whom.
        #[command(flatten)]
        conn: Connection,
        /// The requester's nickname or id (default: the latest request).
        name: Option<String>,
    },
    /// Send a friend request with a greeting (web accounts are often refused).
    #[command(after_help = "Examples:\n  wx friend add @1a2b3c \"Hi, it is Ann from the meetup\"")]
    Add {
        /// Where and as whom.
        #[command(flatten)]
        conn: Connection,
        /// The user's id (or a group member's display name with --group).
        who: String,
        /// The greeting.
        greeting: String,
        /// The group `who` is a member of.
        #[arg(long)]
        group: Option<String>,
    },
}

impl FriendCmd {
    /// The connection flags of any subcommand.
    pub fn conn_mut(&mut self) -> &mut Connection {
        match self {
            FriendCmd::Accept { conn, .. } | FriendCmd::Add { conn, .. } => conn,
        }
    }
}
