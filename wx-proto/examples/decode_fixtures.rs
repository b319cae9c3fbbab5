//! Decodes every wire sample under a fixtures directory (default: the repo's `fixtures/`)
//! with the parser its directory names, and prints one line per file with what was read.
//!
//! ```text
//! cargo run --release -p wx-proto --example decode_fixtures [DIR]
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wx_proto::parse::{self, BodyKind};

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures"));
    let mut subs: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect(),
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    };
    subs.sort();
    let (mut ok, mut failed) = (0, 0);
    for sub in subs {
        let name = sub
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(kind) = BodyKind::from_name(&name) else {
            continue;
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(&sub)
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for file in files {
            let Ok(body) = std::fs::read(&file) else {
                continue;
            };
            let shown = file
                .strip_prefix(&dir)
                .unwrap_or(&file)
                .display()
                .to_string();
            match describe(kind, &body) {
                Ok(line) => {
                    ok += 1;
                    println!("{shown:60} {line}");
                }
                Err(e) => {
                    failed += 1;
                    println!("{shown:60} ERROR {e}");
                }
            }
        }
    }
    println!("\n{ok} decoded, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// A one-line summary of what the core read (credentials are never printed).
fn describe(kind: BodyKind, body: &[u8]) -> Result<String, wx_proto::ParseError> {
    Ok(match kind {
        BodyKind::JsLogin => format!("{:?}", parse::parse_jslogin(body)?),
        BodyKind::LoginPoll => match parse::parse_login_poll(body)? {
            parse::LoginPoll::Scanned { avatar } => {
                format!(
                    "Scanned (avatar: {} bytes of data URL)",
                    avatar.map_or(0, |a| a.len())
                )
            }
            other => format!("{other:?}"),
        },
        BodyKind::SyncCheck => format!("{:?}", parse::parse_synccheck(body)?),
        BodyKind::LoginPage => format!("{:?}", parse::parse_login_page(body)?),
        BodyKind::SetCookie => {
            let text = String::from_utf8_lossy(body);
            let mut names = Vec::new();
            for line in text.lines() {
                names.push(parse::parse_set_cookie(line.as_bytes())?.name.to_owned());
            }
            format!("cookies {names:?}")
        }
        BodyKind::Init => {
            let r = parse::parse_init(body)?;
            format!(
                "{:?} user {} ({}), {} contacts, sync key {}",
                r.base_response.ret,
                r.user.user_name,
                r.user.nick_name,
                r.contact_list.len(),
                r.sync_key.to_query_value()
            )
        }
        BodyKind::GetContact => {
            let r = parse::parse_get_contact(body)?;
            format!(
                "{:?} {} contacts, next seq {}",
                r.base_response.ret,
                r.member_list.len(),
                r.seq
            )
        }
        BodyKind::BatchGetContact => {
            let r = parse::parse_batch_get_contact(body)?;
            let members: usize = r.contact_list.iter().map(|c| c.member_list.len()).sum();
            format!(
                "{:?} {} contacts, {members} members",
                r.base_response.ret,
                r.contact_list.len()
            )
        }
        BodyKind::Sync => {
            let r = parse::parse_sync(body)?;
            let kinds: Vec<String> = r
                .add_msg_list
                .iter()
                .map(|m| match m {
                    Ok(m) => m.msg_type.to_string(),
                    Err(e) => format!("bad@{}", e.offset),
                })
                .collect();
            format!(
                "{:?} messages [{}], {} contact changes, {} deletions, skey rotated: {}",
                r.base_response.ret,
                kinds.join(","),
                r.mod_contact_list.len(),
                r.del_contact_list.len(),
                r.skey.is_some()
            )
        }
        BodyKind::Message => {
            let m = parse::parse_message(body)?;
            format!(
                "MsgType {} from {} id {}",
                m.msg_type, m.from_user_name, m.msg_id
            )
        }
        BodyKind::Send => {
            let r = parse::parse_send(body)?;
            format!(
                "{:?} MsgID {:?} LocalID {:?}",
                r.base_response.ret, r.msg_id, r.local_id
            )
        }
        BodyKind::PushLoginUrl => format!("{:?}", parse::parse_push_login(body)?),
        other => {
            other.check(body)?;
            "ok".to_owned()
        }
    })
}
