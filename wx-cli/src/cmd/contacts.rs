//! `wx contacts [--groups] [--json]`: the contact list once loaded, with a progress bar.

use indicatif::{ProgressBar, ProgressStyle};
use wx_proto::client::Event;
use wx_proto::model::terminal_safe_line;

use crate::cli::ContactsArgs;
use crate::cmd::login::open;
use crate::error::CliResult;
use crate::names;

/// Runs `wx contacts`.
pub async fn run(args: ContactsArgs) -> CliResult {
    let mut live = open(&args.conn)?;
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar.set_message("logging in");
    let mut loaded = 0usize;
    let ready = live
        .until(|_, e| match e {
            Event::LoggedIn { .. } => {
                bar.set_message("loading contacts");
                false
            }
            Event::ContactsChanged(list) => {
                loaded += list.len();
                bar.set_message(format!("loading contacts: {loaded}"));
                false
            }
            Event::Ready { .. } => true,
            _ => false,
        })
        .await?;
    bar.finish_and_clear();
    if matches!(ready, crate::live::Outcome::Stopped) {
        return Err(crate::error::CliError::runtime("interrupted"));
    }
    live.until_recent_chats(crate::cmd::login::RECENT_CHATS_WAIT)
        .await?;
    let mut list: Vec<_> = live
        .client
        .contacts()
        .filter(|c| !args.groups || c.is_group())
        .collect();
    list.sort_by_key(|c| names::label(c).to_lowercase());
    let keys = live.client.book().keys();
    for c in &list {
        if args.json {
            let mut v = serde_json::json!({
                "name": names::label(c), "user_name": c.user_name, "nick_name": c.nick_name, "remark_name": c.remark_name,
                "is_group": c.is_group(), "member_count": c.group.member_count,
                "official": c.is_official_account(),
                // A best-effort name across logins (`stable:`, `alias:` or `fp:`).
                "key": keys.get(&c.user_name).map(|k| k.to_string()),
            });
            if c.is_group() {
                // The members known so far (for `wx avatar MEMBER --group GROUP`).
                v["members"] = c
                    .group
                    .members
                    .iter()
                    .map(|m| serde_json::json!({"user_name": m.user_name, "nick_name": m.nick_name, "display_name": m.display_name}))
                    .collect();
            }
            crate::outln!("{v}")?;
        } else {
            let kind = if c.is_group() {
                format!("group, {} members", c.group.member_count)
            } else if c.is_official_account() {
                "official".to_owned()
            } else {
                "friend".to_owned()
            };
            crate::outln!(
                "{}\t{}\t({kind})",
                terminal_safe_line(&names::label(c)),
                terminal_safe_line(&c.user_name)
            )?;
        }
    }
    if let Some(conn) = &live.conn {
        conn.save(&live.client)?;
    }
    Ok(())
}
