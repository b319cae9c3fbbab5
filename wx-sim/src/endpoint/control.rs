//! The `/__sim/` control API: drive the world over HTTP (confirm logins, push, faults, kicks);
//! sticky patterns, poison and counters are in `control_sticky.rs`.

use crate::content::Body;
use crate::fault::FaultRule;
use crate::login::LoginState;
use crate::sim::{Push, Req, Sim, respond};
use http::Response;
use serde::{Deserialize, Serialize};
use std::time::Instant;

#[derive(Deserialize)]
struct PushCmd {
    #[serde(flatten)]
    push: Push,
    body: Body,
}

#[derive(Serialize)]
struct LoginView {
    uuid: String,
    state: &'static str,
}

#[derive(Serialize)]
struct SessionView {
    account: usize,
    live: bool,
    code: Option<u32>,
    pending: usize,
}

#[derive(Serialize)]
struct State {
    logins: Vec<LoginView>,
    sessions: Vec<SessionView>,
    sent: usize,
    served: u64,
    served_by: std::collections::BTreeMap<String, u64>,
}

#[derive(Serialize)]
struct Named {
    user_name: String,
    nick_name: String,
    /// For groups: the members but ourselves, in the order `push` picks them by index.
    #[serde(skip_serializing_if = "Option::is_none")]
    members: Option<Vec<MemberView>>,
    /// For groups: false when not saved to contacts (`WorldSpec::unsaved_groups`).
    #[serde(skip_serializing_if = "Option::is_none")]
    saved: Option<bool>,
}

#[derive(Serialize)]
struct MemberView {
    user_name: String,
    nick_name: String,
    display_name: String,
}

#[derive(Serialize)]
struct WorldView {
    uin: u64,
    me: Named,
    friends: Vec<Named>,
    groups: Vec<Named>,
    contacts: usize,
}

pub(crate) fn ok_json<T: Serialize>(v: &T) -> Response<Vec<u8>> {
    match serde_json::to_vec(v) {
        Ok(b) => respond(200, "application/json", b),
        Err(_) => respond(500, "text/plain", Vec::new()),
    }
}

pub(crate) fn bad(msg: &str) -> Response<Vec<u8>> {
    respond(400, "text/plain; charset=utf-8", msg.as_bytes().to_vec())
}

impl Sim {
    pub(crate) fn control(&mut self, cmd: &str, r: &Req<'_>, now: Instant) -> Response<Vec<u8>> {
        let account =
            r.q.get("account")
                .and_then(|a| a.parse().ok())
                .unwrap_or(0usize);
        let uuid =
            r.q.get("uuid")
                .map(str::to_string)
                .or_else(|| self.latest_uuid().map(str::to_string));
        let done = |res: Result<(), crate::sim::SimError>| match res {
            Ok(()) => respond(200, "text/plain", b"ok".to_vec()),
            Err(e) => bad(&e.to_string()),
        };
        match cmd {
            "state" => {
                let logins = self
                    .logins
                    .iter()
                    .map(|l| LoginView {
                        uuid: l.uuid.clone(),
                        state: match l.state(now) {
                            LoginState::Waiting => "waiting",
                            LoginState::Scanned => "scanned",
                            LoginState::Confirmed => "confirmed",
                            LoginState::Expired => "expired",
                            LoginState::Cancelled => "cancelled",
                        },
                    })
                    .collect();
                let sessions = self
                    .sessions
                    .iter()
                    .map(|s| SessionView {
                        account: s.account,
                        live: s.ended.is_none(),
                        code: s.ended,
                        pending: s.events.len(),
                    })
                    .collect();
                ok_json(&State {
                    logins,
                    sessions,
                    sent: self.sent.len(),
                    served: self.served,
                    served_by: self.served_by.clone(),
                })
            }
            "world" => {
                let Some(a) = self.world.accounts.get(account) else {
                    return bad("no such account");
                };
                let me = a.me.user_name.clone();
                let named = |c: &crate::model::Contact| Named {
                    user_name: c.user_name.clone(),
                    nick_name: c.nick_name.clone(),
                    members: c.is_group().then(|| {
                        c.member_list
                            .iter()
                            .filter(|m| m.user_name != me)
                            .map(|m| MemberView {
                                user_name: m.user_name.clone(),
                                nick_name: m.nick_name.clone(),
                                display_name: m.display_name.clone(),
                            })
                            .collect()
                    }),
                    saved: c.is_group().then_some(c.saved),
                };
                ok_json(&WorldView {
                    uin: a.uin,
                    me: named(&a.me),
                    friends: a.friends().take(50).map(named).collect(),
                    groups: a.groups().map(named).collect(),
                    contacts: a.contacts.len(),
                })
            }
            "sent" => ok_json(&self.sent),
            "scan" => match uuid {
                Some(u) => done(self.scan(&u, account, now)),
                None => bad("no login"),
            },
            "confirm" => match uuid {
                Some(u) => done(self.confirm(&u, now)),
                None => bad("no login"),
            },
            "login" => match uuid {
                Some(u) => done(
                    self.scan(&u, account, now)
                        .and_then(|()| self.confirm(&u, now)),
                ),
                None => bad("no login"),
            },
            "cancel" => match uuid {
                Some(u) => done(self.cancel(&u, now)),
                None => bad("no login"),
            },
            // `times=forever`: a sticky pattern (for `account` alone when given).
            "throttle" if r.q.get("times") == Some("forever") => {
                let endpoints: Vec<&str> = r.q.get("endpoint").into_iter().collect();
                let scope = r.q.get("account").and_then(|a| a.parse().ok());
                self.add_pattern(scope, crate::pattern::Pattern::throttle(&endpoints));
                respond(200, "text/plain", b"ok".to_vec())
            }
            "throttle" => {
                let times = r.q.get("times").and_then(|t| t.parse().ok()).unwrap_or(1);
                self.throttle(r.q.get("endpoint"), times);
                respond(200, "text/plain", b"ok".to_vec())
            }
            "expire_qr" => match uuid {
                Some(u) => done(self.expire_qr(&u, now)),
                None => bad("no login"),
            },
            "push" => match serde_json::from_slice::<PushCmd>(r.body) {
                Ok(p) => match self.push(&p.push, &p.body, now) {
                    Ok(id) => ok_json(&serde_json::json!({ "MsgId": id })),
                    Err(e) => bad(&e.to_string()),
                },
                Err(e) => bad(&e.to_string()),
            },
            // `count` texts in one call, routed as `push`: the body must be a text, whose
            // text is the prefix ("load" gives "load 0" … "load {count-1}"). For load tests.
            "push_many" => {
                let count = r.q.get("count").and_then(|c| c.parse::<usize>().ok());
                let Some(count) = count.filter(|c| (1..=1_000_000).contains(c)) else {
                    return bad("push_many needs count=1..1000000");
                };
                let p = match serde_json::from_slice::<PushCmd>(r.body) {
                    Ok(p) => p,
                    Err(e) => return bad(&e.to_string()),
                };
                let Body::Text { text: prefix } = &p.body else {
                    return bad("push_many takes a text body");
                };
                for i in 0..count {
                    let body = Body::Text {
                        text: format!("{prefix} {i}"),
                    };
                    if let Err(e) = self.push(&p.push, &body, now) {
                        return bad(&e.to_string());
                    }
                }
                ok_json(&serde_json::json!({ "pushed": count }))
            }
            "fault" => match serde_json::from_slice::<FaultRule>(r.body) {
                Ok(rule) => {
                    self.inject(rule);
                    respond(200, "text/plain", b"ok".to_vec())
                }
                Err(e) => bad(&e.to_string()),
            },
            "end" => {
                let code = r.q.get("code").and_then(|c| c.parse().ok()).unwrap_or(1102);
                ok_json(&serde_json::json!({ "ended": self.end_sessions(account, code) }))
            }
            "refuse" => done(self.refuse_login(account, r.q.get("on") != Some("0"))),
            "rotate_skey" => {
                self.rotate_skey(account);
                respond(200, "text/plain", b"ok".to_vec())
            }
            // `group=G` (UserName or index), `on=0` to undo.
            "group_gone" => match r.q.get("group") {
                Some(g) => done(self.set_group_gone(account, g, r.q.get("on") != Some("0"))),
                None => bad("group= missing"),
            },
            // Body `{"members":["@a",…],"status":4}` (status defaults to 4); `clear=1` undoes.
            "fail_members" => {
                if r.q.get("clear") == Some("1") {
                    self.clear_failing_members(account);
                    return respond(200, "text/plain", b"ok".to_vec());
                }
                let Ok(v) = serde_json::from_slice::<serde_json::Value>(r.body) else {
                    return bad("body: {\"members\":[…],\"status\":N}");
                };
                let members: Vec<&str> = v
                    .get("members")
                    .and_then(|m| m.as_array())
                    .map(|m| m.iter().filter_map(|x| x.as_str()).collect())
                    .unwrap_or_default();
                let status = v
                    .get("status")
                    .and_then(|x| x.as_u64())
                    .and_then(|x| u32::try_from(x).ok())
                    .unwrap_or(crate::group_knobs::MEMBER_STATUS_REFUSED);
                done(self.fail_members(account, &members, status))
            }
            // Group life: `group=G` (UserName or index), `member=M` / `inviter=I` (UserName
            // or index among the other members), `nick=`, `topic=`, `display=`.
            "join_group" => {
                let (Some(g), Some(nick)) = (r.q.get("group"), r.q.get("nick")) else {
                    return bad("group= and nick= needed");
                };
                let (g, nick) = (g.to_string(), nick.to_string());
                let inviter = r.q.get("inviter").map(str::to_string);
                match self.join_group(account, &g, &nick, inviter.as_deref(), now) {
                    Ok(u) => ok_json(&serde_json::json!({ "UserName": u })),
                    Err(e) => bad(&e.to_string()),
                }
            }
            "add_member_quietly" => {
                let (Some(g), Some(nick)) = (r.q.get("group"), r.q.get("nick")) else {
                    return bad("group= and nick= needed");
                };
                let (g, nick) = (g.to_string(), nick.to_string());
                match self.add_member_quietly(account, &g, &nick) {
                    Ok(u) => ok_json(&serde_json::json!({ "UserName": u })),
                    Err(e) => bad(&e.to_string()),
                }
            }
            "remove_from_group" => {
                let (Some(g), Some(m)) = (r.q.get("group"), r.q.get("member")) else {
                    return bad("group= and member= needed");
                };
                let (g, m) = (g.to_string(), m.to_string());
                done(self.remove_from_group(account, &g, &m, now))
            }
            "rename_group" => {
                let (Some(g), Some(m), Some(t)) =
                    (r.q.get("group"), r.q.get("member"), r.q.get("topic"))
                else {
                    return bad("group=, member= and topic= needed");
                };
                let (g, m, t) = (g.to_string(), m.to_string(), t.to_string());
                done(self.rename_group_by(account, &g, &m, &t, now))
            }
            "member_display_name" => {
                let (Some(g), Some(m), Some(d)) =
                    (r.q.get("group"), r.q.get("member"), r.q.get("display"))
                else {
                    return bad("group=, member= and display= needed");
                };
                let (g, m, d) = (g.to_string(), m.to_string(), d.to_string());
                done(self.set_member_display_name(account, &g, &m, &d, now))
            }
            "sent_requests" => ok_json(&self.sent_friend_requests()),
            "accept_request" => match r.q.get("user") {
                Some(u) => {
                    let u = u.to_string();
                    done(self.accept_sent_request(account, &u, now))
                }
                None => bad("user= missing"),
            },
            other => self
                .control_sticky(other, r, now)
                .unwrap_or_else(|| respond(404, "text/plain", b"unknown control command".to_vec())),
        }
    }
}
