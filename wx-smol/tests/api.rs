//! The driver's own API in async code: `next_event` cancelled over and over inside
//! a race (`or`) loses and duplicates nothing, the event stream, a Remote used from another
//! task, and `shutdown`.
#![allow(clippy::unwrap_used)]

mod adapter;
use wx_testkit::adapter as common;
use wx_testkit::adapter::cancel::{self, Raced};

use std::time::{Duration, Instant, SystemTime};

use smol::future::FutureExt;
use smol::stream::StreamExt;
use wx_proto::client::{Client, Command, Event, OpOutput};
use wx_smol::{Driver, HttpClient, HttpOptions, RemoteError};

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

/// `f`'s output, or `Err(())` at the interval's next tick (`f` is dropped then), as
/// `select!` with a tokio interval.
async fn race<T>(tick: &mut smol::Timer, f: impl Future<Output = T>) -> Result<T, ()> {
    async { Ok(f.await) }
        .or(async {
            tick.next().await;
            Err(())
        })
        .await
}

#[test]
fn next_event_is_cancel_safe_in_a_race() {
    let env = env();
    let mut client = client(&env);
    let mut driver = Driver::new(http());
    let mut tick = smol::Timer::interval(Duration::from_millis(1));
    cancel::texts_survive_dropped_waits(&env, &mut client, |client, end| {
        smol::block_on(async {
            if end {
                driver.shutdown(client).await;
            } else if let Ok(e) = race(&mut tick, driver.next_event(client)).await {
                return Raced::Event(e);
            }
            Raced::Dropped {
                in_flight: driver.in_flight(),
            }
        })
    });
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
    let (sent, logout, after, ended) = smol::block_on(async {
        let mut stream = Box::pin(stream);
        while let Some(e) = stream.next().await {
            if matches!(e, Event::Ready { .. }) {
                break;
            }
        }
        let r = remote.clone();
        let to = friend.clone();
        let task = smol::spawn(async move {
            r.submit(Command::SendText {
                to,
                text: "from a task".into(),
            })
            .await
        });
        // The stream must be polled for the command to run.
        let pump = async { while stream.next().await.is_some() {} };
        let sent = task
            .or(async {
                pump.await;
                panic!("stream ended")
            })
            .await;
        let r = remote.clone();
        let logout = smol::spawn(async move { r.submit(Command::Logout).await });
        let mut ended = false;
        while let Some(e) = stream.next().await {
            ended |= matches!(e, Event::LoggedOut(_));
        }
        let logout = logout.await;
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

/// A reader whose every read waits 20 ms first (a slow disk): a read is in progress
/// whenever `next_event` is dropped in the test below.
struct Slow {
    data: std::io::Cursor<Vec<u8>>,
    wait: Option<smol::Timer>,
}

impl smol::io::AsyncRead for Slow {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut [u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        use std::io::Read;
        let wait = self
            .wait
            .get_or_insert_with(|| smol::Timer::after(Duration::from_millis(20)));
        if std::pin::Pin::new(wait).poll(cx).is_pending() {
            return std::task::Poll::Pending;
        }
        self.wait = None;
        std::task::Poll::Ready(self.data.read(buf))
    }
}

impl smol::io::AsyncSeek for Slow {
    fn poll_seek(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        pos: std::io::SeekFrom,
    ) -> std::task::Poll<std::io::Result<u64>> {
        use std::io::Seek;
        std::task::Poll::Ready(self.data.seek(pos))
    }
}

#[test]
fn an_upload_survives_next_event_dropped_mid_read() {
    use wx_proto::client::{Download, MediaKind, OpError, Upload};
    let env = env();
    let mut client = client(&env);
    let mut driver = Driver::new(http());
    let friend = env.sim(|sim, _| {
        sim.world().accounts[0]
            .friends()
            .next()
            .unwrap()
            .user_name
            .clone()
    });
    let data = wx_testkit::adapter::media::pattern(1_100_000, 7);
    let (result, cancelled, back) = smol::block_on(async {
        while let Some(e) = driver.next_event(&mut client).await {
            if matches!(e, Event::Ready { .. }) {
                break;
            }
        }
        let upload = Upload {
            name: "slow.bin".into(),
            size: data.len() as u64,
            kind: MediaKind::File,
            md5: None,
        };
        let command = Command::SendMedia { to: friend, upload };
        let op = client.submit(command, Instant::now()).unwrap();
        let reader = Slow {
            data: std::io::Cursor::new(data.clone()),
            wait: None,
        };
        driver.attach_source(op, reader);
        let mut cancelled = 0u32;
        let mut tick = smol::Timer::interval(Duration::from_millis(1));
        let result: Result<OpOutput, OpError> = loop {
            match race(&mut tick, driver.next_event(&mut client)).await {
                Ok(e) => match e.unwrap() {
                    Event::OpDone { op: o, result } if o == op => break result,
                    Event::DataWanted { .. } => panic!("an attached upload's DataWanted"),
                    _ => {}
                },
                Err(()) => cancelled += 1,
            }
        };
        let sent = env.sim(|sim, _| sim.sent().last().cloned()).unwrap();
        let me = client.me().unwrap().user_name.clone();
        let what = Download::File {
            sender: me,
            media_id: wx_testkit::adapter::media::media_id_of(&sent),
            encry_file_name: "slow.bin".into(),
        };
        let back = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = wx_testkit::adapter::media::SharedVec(back.clone());
        struct W(wx_testkit::adapter::media::SharedVec);
        impl smol::io::AsyncWrite for W {
            fn poll_write(
                mut self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                std::task::Poll::Ready(std::io::Write::write(&mut self.0, buf))
            }
            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(Ok(()))
            }
            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(Ok(()))
            }
        }
        let op = driver.download(&mut client, what, W(sink)).unwrap();
        loop {
            if let Event::OpDone { op: o, result } = driver.next_event(&mut client).await.unwrap()
                && o == op
            {
                assert!(result.is_ok(), "{result:?}");
                break;
            }
        }
        driver.shutdown(&mut client).await;
        let back = back.lock().unwrap().clone();
        (result, cancelled, back)
    });
    assert!(matches!(result, Ok(OpOutput::Sent { .. })), "{result:?}");
    assert!(cancelled > 10, "next_event was dropped {cancelled} times");
    assert!(back == data, "the simulator assembled the file exactly");
    assert_eq!(driver.in_flight(), 0);
}

/// wx-async's driver needs no particular executor: futures-lite's `block_on`, whose thread
/// drives no reactor (async-io's own thread does), runs a session to Ready, a text through a
/// Remote and the logout, as async-std's `block_on` would.
#[test]
fn a_session_runs_under_an_executor_that_is_not_smols() {
    let env = env();
    let mut client = client(&env);
    let mut driver = Driver::new(http());
    let remote = driver.remote();
    let friend = env.sim(|sim, _| {
        let account = &sim.world().accounts[0];
        account.friends().next().unwrap().user_name.clone()
    });
    let end = Instant::now() + Duration::from_secs(60);
    let sent = smol::future::block_on(async {
        loop {
            match driver.next_event(&mut client).await {
                Some(Event::Ready { .. }) => break,
                Some(_) => assert!(Instant::now() < end, "no Ready"),
                None => panic!("the session ended before Ready"),
            }
        }
        let text = Command::SendText {
            to: friend.clone(),
            text: "under futures-lite".into(),
        };
        // The command runs while the driver is polled; the race drops that poll after.
        let sent = remote.submit(text).or(async {
            while driver.next_event(&mut client).await.is_some() {}
            panic!("the session ended")
        });
        let sent = sent.await;
        driver.shutdown(&mut client).await;
        sent
    });
    assert!(matches!(sent, Ok(OpOutput::Sent { .. })), "{sent:?}");
    assert!(env.sim(|sim, _| {
        sim.sent()
            .iter()
            .any(|s| s.content == "under futures-lite" && s.to == friend)
    }));
}
