//! A Remote is always answered around the end of a session: commands racing the end, a
//! driver kept alive after its session ended, a driver dropped, and a new login on the same
//! driver (which takes commands again, on a fresh worker pool).
#![allow(clippy::unwrap_used)]

use wx_testkit::adapter as common;

use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use wx_blocking::{Driver, HttpClient, HttpOptions, Remote, RemoteError};
use wx_proto::client::{Client, Command, Config, Event, OpOutput, Phase, UsageError};
use wx_sim::{Body, Push};

/// A bound no answer may exceed: far above any answer's real delay, short enough to report
/// a lost answer as a failure instead of hanging the test run.
const ANSWER_BOUND: Duration = Duration::from_secs(10);

fn http() -> HttpClient {
    HttpClient::new(HttpOptions::default()).unwrap()
}

/// `remote.submit(command)` on a thread of its own; `None` if it was not answered in time.
fn submit_bounded(remote: &Remote, command: Command) -> Option<Result<OpOutput, RemoteError>> {
    let (tx, rx) = mpsc::channel();
    let remote = remote.clone();
    std::thread::spawn(move || {
        let _ = tx.send(remote.submit(command));
    });
    rx.recv_timeout(ANSWER_BOUND).ok()
}

/// Submits a command over and over until the session refuses it as ended or gone; `Err`
/// if one submit was never answered.
fn submit_until_refused(remote: Remote) -> std::thread::JoinHandle<Result<usize, String>> {
    std::thread::spawn(move || {
        let mut answered = 0;
        loop {
            let command = Command::MarkRead {
                chat: "filehelper".into(),
            };
            match submit_bounded(&remote, command) {
                None => return Err(format!("unanswered after {answered} answers")),
                Some(Err(RemoteError::Usage(UsageError::SessionEnded) | RemoteError::Closed)) => {
                    return Ok(answered);
                }
                Some(_) => answered += 1,
            }
        }
    })
}

/// The session ends (a logout before login) while two threads submit; half the rounds keep
/// the driver alive afterwards, half drop it. Every submit is answered.
#[test]
fn remotes_racing_the_end_of_a_session_are_all_answered() {
    let http = http();
    let mut answered = 0;
    for round in 0..200u32 {
        // Nothing listens on port 1: the login's requests fail at once and back off.
        let config = common::client_config("http://127.0.0.1:1");
        let mut client = Client::new(config, [7; 32], Instant::now(), SystemTime::now());
        let mut driver = Driver::with_workers(http.clone(), 2);
        let submitters: Vec<_> = (0..2)
            .map(|_| submit_until_refused(driver.remote()))
            .collect();
        // Run the driver for a moment (each failed login request is an event).
        let run = Duration::from_micros(u64::from(round % 8) * 250);
        let start = Instant::now();
        while start.elapsed() < run && driver.next_event(&mut client).is_some() {}
        client.submit(Command::Logout, Instant::now()).unwrap();
        while driver.next_event(&mut client).is_some() {}
        let kept = (round % 2 == 0).then_some(driver);
        for s in submitters {
            answered += s
                .join()
                .unwrap()
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
        if let Some(driver) = kept {
            let late = submit_bounded(&driver.remote(), Command::Logout);
            assert_eq!(
                late,
                Some(Err(RemoteError::Usage(UsageError::SessionEnded)))
            );
            drop(driver);
        }
    }
    assert!(answered > 0, "no command was answered before an end");
}

/// Once the session has ended, a Remote gets `SessionEnded` at once even though nobody
/// runs the driver any more; once the driver is dropped, `Closed`.
#[test]
fn an_ended_session_refuses_at_once_and_a_dropped_driver_closes() {
    let mut client = Client::new(
        Config::for_base_url("http://127.0.0.1:1"),
        [8; 32],
        Instant::now(),
        SystemTime::now(),
    );
    let mut driver = Driver::new(http());
    let remote = driver.remote();
    driver.shutdown(&mut client);
    assert_eq!(client.phase(), Phase::LoggedOut);
    assert_eq!(
        submit_bounded(&remote, Command::Logout),
        Some(Err(RemoteError::Usage(UsageError::SessionEnded)))
    );
    drop(driver);
    assert_eq!(
        submit_bounded(&remote, Command::Logout),
        Some(Err(RemoteError::Closed))
    );
}

/// After a logout, `login_again` on the same client and driver logs in again (the worker
/// pool is renewed at the end of a session), and the Remote taken before the first
/// session works in the second.
#[test]
fn a_new_login_on_the_same_driver_takes_remote_commands_again() {
    let env = std::sync::Arc::new(common::Env::auto_confirming());
    let config = common::client_config(&env.base);
    let mut client = Client::new(config, [9; 32], Instant::now(), SystemTime::now());
    let mut driver = Driver::with_workers(http(), 4);
    let remote = driver.remote();
    let ready = |driver: &mut Driver, client: &mut Client| {
        driver
            .events(client)
            .any(|e| matches!(e, Event::Ready { .. }))
    };
    assert!(ready(&mut driver, &mut client), "first login");
    driver.shutdown(&mut client);
    assert_eq!(
        submit_bounded(&remote, Command::Logout),
        Some(Err(RemoteError::Usage(UsageError::SessionEnded)))
    );
    client.login_again(Instant::now()).unwrap();
    assert!(ready(&mut driver, &mut client), "second login");
    // UserNames are per login: look the friend up in the second session.
    let friend = env.sim(|sim, _| {
        sim.world().accounts[0]
            .friends()
            .next()
            .unwrap()
            .user_name
            .clone()
    });
    let (tx, rx) = mpsc::channel();
    let (r, sim_env) = (remote.clone(), env.clone());
    std::thread::spawn(move || {
        let sent = r.submit(Command::SendText {
            to: friend,
            text: "second session".into(),
        });
        let _ = tx.send(sent);
        // Wake the driver with a message once the result is in.
        let body = Body::Text {
            text: "wake".into(),
        };
        sim_env.sim(|sim, now| sim.push(&Push::default(), &body, now))
    });
    let woke = driver
        .events(&mut client)
        .any(|e| matches!(&e, Event::Message { message, .. } if message.text() == Some("wake")));
    assert!(woke, "the second session ended");
    let sent = rx.recv_timeout(ANSWER_BOUND).unwrap();
    driver.shutdown(&mut client);
    assert!(matches!(sent, Ok(OpOutput::Sent { .. })), "{sent:?}");
    assert!(env.sim(|sim, _| sim.sent().iter().any(|s| s.content == "second session")));
}
