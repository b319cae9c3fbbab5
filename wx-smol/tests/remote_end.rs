//! A Remote is always answered around the end of a session: commands racing the end, a
//! driver kept alive after its session ended, a driver dropped, and a new login on the same
//! driver (which takes commands again).
#![allow(clippy::unwrap_used)]

mod adapter;
use wx_testkit::adapter as common;

use std::time::{Duration, Instant, SystemTime};

use smol::future::FutureExt;

use wx_proto::client::{Client, Command, Config, Event, OpOutput, Phase, UsageError};
use wx_smol::{Driver, HttpClient, HttpOptions, RemoteError};

/// A bound no answer may exceed: far above any answer's real delay, short enough to report
/// a lost answer as a failure instead of hanging the test run.
const ANSWER_BOUND: Duration = Duration::from_secs(10);

fn http() -> HttpClient {
    HttpClient::new(HttpOptions::default()).unwrap()
}

/// Submits a command over and over until the session refuses it as ended or gone; `Err`
/// if one submit was never answered.
fn submit_until_refused(remote: wx_smol::Remote) -> std::thread::JoinHandle<Result<usize, String>> {
    std::thread::spawn(move || {
        let mut answered = 0;
        loop {
            let command = Command::MarkRead {
                chat: "filehelper".into(),
            };
            match smol::block_on(async {
                adapter::timeout(ANSWER_BOUND, remote.submit(command)).await
            }) {
                Err(_) => return Err(format!("unanswered after {answered} answers")),
                Ok(Err(RemoteError::Usage(UsageError::SessionEnded) | RemoteError::Closed)) => {
                    return Ok(answered);
                }
                Ok(_) => answered += 1,
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
        let mut driver = Driver::new(http.clone());
        let submitters: Vec<_> = (0..2)
            .map(|_| submit_until_refused(driver.remote()))
            .collect();
        smol::block_on(async {
            let run = Duration::from_micros(u64::from(round % 8) * 250);
            let _ = adapter::timeout(run, async {
                while driver.next_event(&mut client).await.is_some() {}
            })
            .await;
            client.submit(Command::Logout, Instant::now()).unwrap();
            while driver.next_event(&mut client).await.is_some() {}
        });
        let kept = (round % 2 == 0).then_some(driver);
        for s in submitters {
            answered += s
                .join()
                .unwrap()
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
        if let Some(driver) = kept {
            let late = smol::block_on(driver.remote().submit(Command::Logout));
            assert_eq!(late, Err(RemoteError::Usage(UsageError::SessionEnded)));
            drop(driver);
        }
    }
    // The submitters raced a running driver, not only an ended one.
    assert!(answered > 0, "no command was answered before an end");
}

/// Once the session has ended, a Remote gets `SessionEnded` at once even though nobody
/// polls the driver any more; once the driver is dropped, `Closed`.
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
    smol::block_on(driver.shutdown(&mut client));
    assert_eq!(client.phase(), Phase::LoggedOut);
    let ended = smol::block_on(async {
        adapter::timeout(ANSWER_BOUND, remote.submit(Command::Logout)).await
    });
    assert_eq!(
        ended.unwrap(),
        Err(RemoteError::Usage(UsageError::SessionEnded))
    );
    drop(driver);
    let closed = smol::block_on(async {
        adapter::timeout(ANSWER_BOUND, remote.submit(Command::Logout)).await
    });
    assert_eq!(closed.unwrap(), Err(RemoteError::Closed));
}

/// After a logout, `login_again` on the same client and driver logs in again, and the
/// Remote taken before the first session works in the second.
#[test]
fn a_new_login_on_the_same_driver_takes_remote_commands_again() {
    let env = common::Env::auto_confirming();
    let config = common::client_config(&env.base);
    let mut client = Client::new(config, [9; 32], Instant::now(), SystemTime::now());
    let mut driver = Driver::new(http());
    let remote = driver.remote();
    let (between, sent, logins) = smol::block_on(async {
        let mut logins = 0;
        while let Some(e) = driver.next_event(&mut client).await {
            if matches!(e, Event::Ready { .. }) {
                logins += 1;
                break;
            }
        }
        driver.shutdown(&mut client).await;
        let between = remote.submit(Command::Logout).await;
        client.login_again(Instant::now()).unwrap();
        while let Some(e) = driver.next_event(&mut client).await {
            if matches!(e, Event::Ready { .. }) {
                logins += 1;
                break;
            }
        }
        // UserNames are per login: look the friend up in the second session.
        let friend = first_friend(&env);
        let r = remote.clone();
        let task = smol::spawn(async move {
            r.submit(Command::SendText {
                to: friend,
                text: "second session".into(),
            })
            .await
        });
        let pump = async { while driver.next_event(&mut client).await.is_some() {} };
        let sent = adapter::timeout(ANSWER_BOUND, task)
            .or(async {
                pump.await;
                panic!("the second session ended")
            })
            .await
            .unwrap();
        driver.shutdown(&mut client).await;
        (between, sent, logins)
    });
    assert_eq!(logins, 2);
    assert_eq!(between, Err(RemoteError::Usage(UsageError::SessionEnded)));
    assert!(matches!(sent, Ok(OpOutput::Sent { .. })), "{sent:?}");
    assert!(env.sim(|sim, _| sim.sent().iter().any(|s| s.content == "second session")));
}

fn first_friend(env: &common::Env) -> String {
    env.sim(|sim, _| {
        sim.world().accounts[0]
            .friends()
            .next()
            .unwrap()
            .user_name
            .clone()
    })
}
