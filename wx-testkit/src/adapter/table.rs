//! wx-sim's scenario table replayed over real sockets against one adapter.

use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use wx_proto::client::{Command, Endpoint, Event, LogoutReason, Problem, ProblemKind};
use wx_proto::model::MessageKind;
use wx_sim::scenario::{Case, Expect, Progress, Runner, Step, cases};

use super::{Env, Start, client_config, messages};

/// Real-time waits of the table are capped: the client's timers are short here.
fn scaled(case: &Case) -> Case {
    let mut case = case.clone();
    for step in &mut case.script {
        if let Step::Wait(d) = step {
            *d = (*d).min(Duration::from_millis(800));
        }
    }
    case
}

/// Whether a client-side expectation holds for what the client emitted.
///
/// `LoggedOut(1205)` is the table's reading of a throttled webwxinit (its naive test client
/// gives up); wx-proto instead backs off and retries, which is what is checked here.
fn holds(e: &Expect, seen: &[Event]) -> bool {
    let any = |f: &dyn Fn(&Event) -> bool| seen.iter().any(f);
    let msgs = messages(seen);
    match e {
        Expect::LoggedIn => any(&|e| matches!(e, Event::LoggedIn { .. })),
        Expect::LoginRefused(ret) => {
            any(&|e| matches!(e, Event::LoginRefused { code, .. } if code.raw() == *ret))
        }
        Expect::LoggedOut(1205) => {
            any(&|e| {
                matches!(
                    e,
                    Event::Problem(Problem {
                        kind: ProblemKind::Throttled,
                        request: Endpoint::Init,
                        ..
                    })
                )
            }) && any(&|e| matches!(e, Event::LoggedIn { .. }))
        }
        Expect::LoggedOut(code) => {
            let want = match code {
                1100 => LogoutReason::PhoneLoggedOut,
                1101 => LogoutReason::SessionInvalid,
                _ => LogoutReason::Kicked,
            };
            any(&|e| matches!(e, Event::LoggedOut(r) if *r == want))
        }
        Expect::UuidsAtLeast(n) => {
            seen.iter()
                .filter(|e| matches!(e, Event::QrCode { .. }))
                .count()
                >= *n
        }
        Expect::ReceivedText(t) => {
            msgs.iter().filter(|m| m.text() == Some(t.as_str())).count() == 1
        }
        Expect::ReceivedTypes(ts) => ts.iter().all(|t| msgs.iter().any(|m| m.raw.msg_type == *t)),
        Expect::ContactsAtLeast(n) => {
            any(&|e| matches!(e, Event::Ready { contacts, .. } if *contacts >= *n))
        }
        Expect::NoDuplicates => {
            let ids: std::collections::HashSet<_> = msgs.iter().map(|m| &m.msg_id).collect();
            ids.len() == msgs.len()
        }
        Expect::SentAtLeast(_) | Expect::ClientLoggedOut => true,
    }
}

/// Runs one case; returns the failed expectations (empty: passed).
pub fn run_case(case: &Case, tls: bool, start: &Start) -> Vec<String> {
    let case = scaled(case);
    let env = Env::new(tls, case.config("http://127.0.0.1:1"));
    let session = start(&env, client_config(&env.base), 1);
    let mut runner = Runner::new(&case);
    let mut seen: Vec<Event> = Vec::new();
    let wants_logout = case.expect.contains(&Expect::ClientLoggedOut);
    let guard = Instant::now() + Duration::from_secs(40);
    let mut ended = false;
    let mut logged_out_by_us = false;
    while Instant::now() < guard {
        let progress = env.sim(|sim, now| runner.step(sim, now));
        match session.events.recv_timeout(Duration::from_millis(25)) {
            Ok(event) => {
                if let Event::Message { message, .. } = &event
                    && let MessageKind::Text(t) = &message.kind
                    && t.text == "ping"
                {
                    let reply = Command::SendText {
                        to: message.chat.clone(),
                        text: "pong".into(),
                    };
                    if let Err(e) = (session.submit)(reply) {
                        return vec![format!("{}: reply failed: {e:?}", case.name)];
                    }
                }
                seen.push(event);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                ended = true;
                break;
            }
        }
        if progress == Progress::Done && case.expect.iter().all(|e| holds(e, &seen)) {
            if wants_logout && !logged_out_by_us {
                logged_out_by_us = true;
                let result = (session.submit)(Command::Logout);
                if let Err(e) = result {
                    while let Ok(e) = session.events.recv_timeout(Duration::from_secs(1)) {
                        seen.push(e);
                    }
                    let kinds: Vec<String> = seen.iter().map(short).collect();
                    return vec![format!(
                        "{}: logout failed: {e:?} after {kinds:?}",
                        case.name
                    )];
                }
            } else if !wants_logout {
                break;
            }
        }
    }
    let mut failed: Vec<String> = case
        .expect
        .iter()
        .filter(|e| !holds(e, &seen))
        .map(|e| format!("{} (tls {tls}): {e:?}", case.name))
        .collect();
    if runner.remaining() > 0 {
        failed.push(format!(
            "{}: {} steps never ran",
            case.name,
            runner.remaining()
        ));
    }
    failed.extend(env.sim(|sim, _| Runner::check_sim(&case, sim)));
    if !ended && !session.close(&mut seen) {
        failed.push(format!("{}: the session did not shut down", case.name));
    }
    if !failed.is_empty() {
        let kinds: Vec<String> = seen.iter().map(short).collect();
        failed.push(format!("{}: events {kinds:?}", case.name));
    }
    failed
}

/// Every case of the table at once (each on its own simulator), over HTTP or HTTPS.
pub fn run_table(tls: bool, start: &Start) -> Vec<String> {
    let threads: Vec<_> = cases()
        .into_iter()
        .map(|case| {
            let start = start.clone();
            std::thread::spawn(move || run_case(&case, tls, &start))
        })
        .collect();
    threads
        .into_iter()
        .flat_map(|t| t.join().unwrap_or_else(|_| vec!["a case panicked".into()]))
        .collect()
}

/// One event, without content, for failure reports.
pub fn short(e: &Event) -> String {
    match e {
        Event::Message { message, .. } => format!("Message({})", message.raw.msg_type),
        Event::Problem(p) => format!("Problem({:?}, {})", p.kind, p.request.name()),
        Event::QrCode { renewal, .. } => format!("QrCode({renewal})"),
        Event::LoggedIn { .. } => "LoggedIn".into(),
        Event::Ready { contacts, groups } => format!("Ready({contacts}, {groups})"),
        Event::LoggedOut(r) => format!("LoggedOut({r:?})"),
        Event::OpDone { result, .. } => format!("OpDone({})", result.is_ok()),
        other => format!("{other:?}").chars().take(40).collect(),
    }
}
