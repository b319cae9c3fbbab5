//! `wx`: the WeChat web (webwx) client for the terminal. See `wx --help`.
//!
//! Exit status: 0 success, 1 runtime failure, 2 usage error or malformed input.
#![forbid(unsafe_code)]

mod cli;
mod cmd;
mod decode;
mod describe;
mod error;
mod live;
mod names;
mod out;
mod problem;
mod proxy;
mod qr;
mod recent;
mod session;
mod stop;
mod style;
mod trace;

use std::process::ExitCode;

use clap::Parser;
use wx_proto::model::terminal_safe_line;

use crate::cli::{Cli, Cmd};
use crate::error::{CliError, CliResult};

fn main() -> ExitCode {
    // A bug must still end in one line, not a backtrace.
    std::panic::set_hook(Box::new(|info| eprintln!("wx: internal error: {info}")));
    let cli = Cli::parse();
    match trace::init(cli.verbose).and_then(|()| run(cli)) {
        Ok(()) | Err(CliError::StdoutClosed) => ExitCode::SUCCESS,
        Err(e) => {
            // The message may quote server text (a contact's name): one safe line.
            eprintln!("wx: {}", terminal_safe_line(&e.to_string()));
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(mut cli: Cli) -> CliResult {
    // Everything that can be known without the network fails first: the flags, then
    // whether there is a session to use.
    let needs_saved = cli.command.needs_saved_session();
    let one_shot = cli.command.is_one_shot();
    cli.command.validate()?;
    if let Some(conn) = cli.command.connection_mut() {
        conn.proxy.validate()?;
        conn.validate_base_url()?;
        conn.one_shot = one_shot;
        if needs_saved {
            conn.require_saved()?;
        }
    }
    let runtime = || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| CliError::runtime(format!("cannot start the async runtime: {e}")))
    };
    match cli.command {
        Cmd::Demo(args) => runtime()?.block_on(cmd::demo::run(args)),
        Cmd::Decode(args) => decode::run(args),
        Cmd::Sim(args) => runtime()?.block_on(cmd::sim::run(args)),
        Cmd::Login(args) => runtime()?.block_on(cmd::login::login(args)),
        Cmd::Listen(args) => runtime()?.block_on(cmd::login::listen(args)),
        Cmd::Send(args) => runtime()?.block_on(cmd::send::run(args)),
        Cmd::Download(args) => runtime()?.block_on(cmd::media::download(args)),
        Cmd::Avatar(args) => runtime()?.block_on(cmd::media::avatar(args)),
        Cmd::Group(cmd) => runtime()?.block_on(cmd::group::run(cmd)),
        Cmd::Friend(cmd) => runtime()?.block_on(cmd::friend::run(cmd)),
        Cmd::Contacts(args) => runtime()?.block_on(cmd::contacts::run(args)),
        Cmd::Logout(args) => runtime()?.block_on(cmd::logout::run(args)),
    }
}
