//! `wx login` and `wx listen`: open the session (a QR code when none is saved), save it, and
//! print incoming messages until Ctrl-C.

use wx_proto::client::Event;

use crate::cli::{Connection, ListenArgs, LoginArgs};
use crate::describe;
use crate::error::{CliError, CliResult};
use crate::live::{Live, Voice};
use crate::problem::ONE_SHOT_TRIES;
use crate::recent;
use crate::style::Style;

/// How long `wx login` and `wx contacts` wait for the recent-chat list after a login (the
/// stable names of contact keys).
pub const RECENT_CHATS_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Runs `wx login`.
pub async fn login(args: LoginArgs) -> CliResult {
    let mut live = open(&args.conn)?;
    // A server that cannot be used at all (a wrong --base-url, no network) ends the login;
    // once logged in, listening keeps retrying.
    live.give_up_after(Some(ONE_SHOT_TRIES));
    if !live.until_ready().await? {
        return Err(CliError::runtime("interrupted before the login completed"));
    }
    live.give_up_after(None);
    live.until_recent_chats(RECENT_CHATS_WAIT).await?;
    if !live.saved() {
        live.conn
            .as_ref()
            .map(|c| c.save(&live.client))
            .transpose()?;
    }
    let path = args.conn.snapshot_path()?;
    live.say(&format!("session saved to {}", path.display()));
    if args.no_listen {
        return Ok(());
    }
    listen_loop(&mut live, args.json, args.logout_on_exit).await
}

/// Runs `wx listen`.
pub async fn listen(args: ListenArgs) -> CliResult {
    let mut live = open(&args.conn)?;
    listen_loop(&mut live, args.json, args.logout_on_exit).await
}

/// Opens the profile's session with status lines on stderr.
pub fn open(conn: &Connection) -> CliResult<Live> {
    let http = conn.http()?;
    let (client, _) = conn.open()?;
    let mut live = Live::new(client, http, Some(conn.clone()), Voice::Status);
    live.give_up_after(conn.one_shot.then_some(ONE_SHOT_TRIES));
    Ok(live)
}

async fn listen_loop(live: &mut Live, json: bool, logout_on_exit: bool) -> CliResult {
    let style = Style::stdout();
    // Downloadable messages are remembered for `wx download MSGID`, friend requests for
    // `wx friend accept`.
    let indexes = live
        .conn
        .as_ref()
        .and_then(|c| c.snapshot_path().ok())
        .map(|p| (recent::path_for(&p), recent::requests_path_for(&p)));
    live.say("listening (Ctrl-C to stop)");
    // A reader that went away (`| head -1`) ends the listening like Ctrl-C, quietly.
    let mut closed = false;
    loop {
        let mut stop = live.stop.clone();
        let event = tokio::select! {
            e = live.next() => e?,
            () = stop.wait() => break,
        };
        match event {
            Some(Event::Message { message, history }) => {
                if let Some((media, requests)) = &indexes {
                    // A full disk or a read-only directory must not stop the listening.
                    let recorded = recent::record(media, &message)
                        .and_then(|()| recent::record_request(requests, &message));
                    if let Err(e) = recorded {
                        live.say(&e.to_string());
                    }
                }
                if !describe::is_chat(&message) {
                    continue;
                }
                let shown = if json {
                    crate::outln!("{}", describe::json(&live.client, &message, history))
                } else {
                    crate::outln!("{}", describe::line(&live.client, &message, style))
                };
                match shown {
                    Err(CliError::StdoutClosed) => {
                        closed = true;
                        break;
                    }
                    other => other?,
                }
            }
            Some(Event::Ready { contacts, groups }) => {
                live.say(&format!("{contacts} contacts, {groups} groups loaded"))
            }
            Some(_) => {}
            None => return Err(CliError::runtime("the session ended")),
        }
    }
    if let Some(conn) = live.conn.clone() {
        if logout_on_exit {
            live.logout().await?;
            let path = conn.snapshot_path()?;
            let _ = wx_store::remove(&path);
            return Ok(());
        }
        conn.save(&live.client)?;
        if !closed {
            live.say("stopped; the session stays saved (`wx logout` ends it)");
        }
    }
    Ok(())
}
