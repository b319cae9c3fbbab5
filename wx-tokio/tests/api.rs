//! The driver's own API in async code: `next_event` cancelled over and over inside
//! `select!` loses and duplicates nothing, the event stream, a Remote used from another
//! task, and `shutdown`.
#![allow(clippy::unwrap_used)]

use wx_testkit::adapter as common;

use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use wx_proto::client::{Client, Command, Event, OpOutput, Phase};
use wx_sim::{Body, Push};
use wx_tokio::{Driver, HttpClient, HttpOptions, RemoteError};

fn env() -> common::Env {
    common::Env::auto_confirming()
}

fn client(env: &common::Env) -> Client {
    Client::new(
        common::client_config(&env.base),
        [9; 32],
        Instant::now(),
        SystemTime::now(),
    )
}

fn http() -> HttpClient {
    HttpClient::new(HttpOptions::default()).unwrap()
}

#[test]
fn next_event_is_cancel_safe_in_select() {
    let env = env();
    let mut client = client(&env);
    let mut driver = Driver::new(http());
    let (events, cancelled, pushed) = env.rt.block_on(async {
        let mut events = Vec::new();
        let mut cancelled = 0u32;
        let mut pushed = Vec::new();
        let mut tick = tokio::time::interval(Duration::from_millis(3));
        loop {
            tokio::select! {
                e = driver.next_event(&mut client) => {
                    let e = e.unwrap();
                    let ready = matches!(e, Event::Ready { .. });
                    events.push(e);
                    if ready {
                        for i in 0..30 {
                            let body = Body::Text { text: format!("c{i}") };
                            pushed.push(env.sim(|sim, now| sim.push(&Push::default(), &body, now)).unwrap());
                        }
                    }
                }
                _ = tick.tick() => cancelled += 1,
            }
            if !pushed.is_empty() && common::lost_and_duplicated(&events, &pushed).0 == 0 {
                break;
            }
        }
        driver.shutdown(&mut client).await;
        (events, cancelled, pushed)
    });
    assert!(
        cancelled > 10,
        "next_event was dropped mid-flight {cancelled} times"
    );
    assert_eq!(common::lost_and_duplicated(&events, &pushed), (0, 0));
    assert_eq!(client.phase(), Phase::LoggedOut);
    assert_eq!(driver.in_flight(), 0);
}

#[test]
fn the_stream_and_a_remote_from_another_task() {
    let env = env();
    let driver = Driver::new(http());
    let remote = driver.remote();
    let stream = driver.into_stream(client(&env));
    let friend = env.sim(|sim, _| {
        sim.world().accounts[0]
            .friends()
            .next()
            .unwrap()
            .user_name
            .clone()
    });
    let (sent, logout, after, ended) = env.rt.block_on(async {
        let mut stream = Box::pin(stream);
        while let Some(e) = stream.next().await {
            if matches!(e, Event::Ready { .. }) {
                break;
            }
        }
        let r = remote.clone();
        let to = friend.clone();
        let task = tokio::spawn(async move {
            r.submit(Command::SendText {
                to,
                text: "from a task".into(),
            })
            .await
        });
        // The stream must be polled for the command to run.
        let pump = async { while stream.next().await.is_some() {} };
        let sent = tokio::select! { r = task => r.unwrap(), _ = pump => panic!("stream ended") };
        let r = remote.clone();
        let logout = tokio::spawn(async move { r.submit(Command::Logout).await });
        let mut ended = false;
        while let Some(e) = stream.next().await {
            ended |= matches!(e, Event::LoggedOut(_));
        }
        let logout = logout.await.unwrap();
        let after = remote.submit(Command::Logout).await;
        (sent, logout, after, ended)
    });
    assert!(matches!(sent, Ok(OpOutput::Sent { .. })), "{sent:?}");
    assert!(matches!(logout, Ok(OpOutput::Done)), "{logout:?}");
    assert!(ended, "the stream reported the end");
    assert_eq!(
        after,
        Err(RemoteError::Closed),
        "the driver is gone with its stream"
    );
    assert!(env.sim(|sim, _| {
        sim.sent()
            .iter()
            .any(|s| s.content == "from a task" && s.to == friend)
    }));
}
