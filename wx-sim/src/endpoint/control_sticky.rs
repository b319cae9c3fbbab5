//! The control API's sticky side: `pattern`, `patterns`, `clear`, `poison` and `stats` under
//! `/__sim/` (see the README's table).

use super::control::{bad, ok_json};
use crate::pattern::Pattern;
use crate::poison::Poison;
use crate::sim::{Push, Req, Sim, respond};
use http::Response;
use serde::Deserialize;
use std::time::Instant;

/// `POST /__sim/poison`: `{"target": …, "poison": "control_byte" | "invalid_utf8", …}`.
#[derive(Deserialize)]
#[serde(tag = "target", rename_all = "snake_case")]
enum PoisonCmd {
    NextMessage {
        account: Option<usize>,
        poison: Poison,
    },
    NextModContact {
        account: Option<usize>,
        poison: Poison,
    },
    PageContact {
        #[serde(default)]
        account: usize,
        index: usize,
        poison: Poison,
    },
    MessagePair {
        #[serde(flatten)]
        push: Push,
        poison: Poison,
    },
    ContactPair {
        #[serde(default)]
        account: usize,
        poison: Poison,
    },
}

/// A pattern, or `None` for an empty body or `null`.
fn parse_pattern(body: &[u8]) -> Result<Option<Pattern>, serde_json::Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(body)
}

fn ok() -> Response<Vec<u8>> {
    respond(200, "text/plain", b"ok".to_vec())
}

impl Sim {
    /// One of this file's commands, or `None` when `cmd` is none of them.
    pub(crate) fn control_sticky(
        &mut self,
        cmd: &str,
        r: &Req<'_>,
        now: Instant,
    ) -> Option<Response<Vec<u8>>> {
        // Absent: every account (unlike the other commands, where it defaults to 0).
        let account = match r.q.get("account").map(str::parse::<usize>) {
            None => None,
            Some(Ok(a)) => Some(a),
            Some(Err(_)) => return Some(bad("account must be an index")),
        };
        Some(match cmd {
            "stats" => ok_json(&self.stats(r.q.get("accounts") != Some("0"))),
            "patterns" => ok_json(&self.pattern_view()),
            "pattern" => match parse_pattern(r.body) {
                Ok(Some(p)) if r.q.get("add") == Some("1") => {
                    self.add_pattern(account, p);
                    ok()
                }
                Ok(p) => {
                    match account {
                        Some(a) => self.set_account_pattern(a, p),
                        None => self.set_pattern(p),
                    }
                    ok()
                }
                Err(e) => bad(&e.to_string()),
            },
            "clear" => {
                match account {
                    Some(a) => self.set_account_pattern(a, None),
                    None => {
                        self.clear_patterns();
                        self.clear_faults();
                    }
                }
                ok()
            }
            "poison" => match serde_json::from_slice::<PoisonCmd>(r.body) {
                Ok(c) => self.poison_cmd(c, now),
                Err(e) => bad(&e.to_string()),
            },
            _ => return self.control_media(cmd, r, now),
        })
    }

    fn poison_cmd(&mut self, c: PoisonCmd, now: Instant) -> Response<Vec<u8>> {
        let pair = match c {
            PoisonCmd::NextMessage { account, poison } => {
                self.poison_next_message(account, poison);
                return ok();
            }
            PoisonCmd::NextModContact { account, poison } => {
                self.poison_next_mod_contact(account, poison);
                return ok();
            }
            PoisonCmd::PageContact {
                account,
                index,
                poison,
            } => {
                return match self.poison_page_contact(account, index, poison) {
                    Ok(name) => ok_json(&serde_json::json!({ "user_name": name })),
                    Err(e) => bad(&e.to_string()),
                };
            }
            PoisonCmd::MessagePair { push, poison } => self.push_poisoned_pair(&push, poison, now),
            PoisonCmd::ContactPair { account, poison } => {
                self.push_poisoned_contacts(account, poison, now)
            }
        };
        match pair {
            Ok(p) => ok_json(&p),
            Err(e) => bad(&e.to_string()),
        }
    }
}
