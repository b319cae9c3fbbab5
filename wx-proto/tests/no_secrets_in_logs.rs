//! A whole session against the simulator at TRACE level: no credential seen on the wire
//! (skey, sid, pass_ticket, cookie values, uin) appears in any log line or Debug output.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wx_testkit::pair;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pair::Pair;
use wx_proto::client::{Command, Download, Event, MediaKind, Upload};
use wx_sim::{Body, Fault, FaultRule, Push, WorldSpec};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_traced_session_leaks_no_credential() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let mut p = Pair::with_world(WorldSpec {
        contacts: 30,
        groups: 2,
        ..WorldSpec::default()
    });
    tracing::subscriber::with_default(subscriber, || {
        p.login();
        p.sim.rotate_skey(0);
        for i in 0..5 {
            p.sim
                .push(
                    &Push::default(),
                    &Body::Text {
                        text: format!("t{i}"),
                    },
                    p.now,
                )
                .unwrap();
            p.run_for(Duration::from_secs(5));
        }
        p.sim.inject(FaultRule {
            endpoint: Some("webwxsync".into()),
            fault: Fault::Garbage,
            times: 1,
        });
        p.sim.push(&Push::default(), &Body::Image, p.now).unwrap();
        p.run_for(Duration::from_secs(30));
        let friend = p.a_friend();
        p.client
            .submit(
                Command::SendText {
                    to: friend,
                    text: "x".into(),
                },
                p.now,
            )
            .unwrap();
        p.run_for(Duration::from_secs(5));
        // A file up (its form carries the tickets) and the image down (its URL the skey).
        let friend = p.a_friend();
        let bytes = vec![7u8; 600_000];
        let upload = Upload {
            name: "a.bin".into(),
            size: bytes.len() as u64,
            kind: MediaKind::File,
            md5: None,
        };
        let op = p
            .client
            .submit(Command::SendMedia { to: friend, upload }, p.now)
            .unwrap();
        p.attach_file(op, bytes);
        p.run_for(Duration::from_secs(10));
        let ok = |p: &Pair, op| {
            p.events
                .iter()
                .any(|e| matches!(e, Event::OpDone { op: o, result: Ok(_) } if *o == op))
        };
        assert!(ok(&p, op), "the upload went through");
        let image = p
            .messages()
            .into_iter()
            .find_map(Download::of_message)
            .expect("the image arrived");
        let op = p.client.submit(Command::Download(image), p.now).unwrap();
        p.run_for(Duration::from_secs(5));
        assert!(ok(&p, op), "the download went through");
        tracing::debug!(events = ?p.events, "all events");
        // Save, "restart" and restore: the snapshot path is traced too.
        let snapshot = p.client.snapshot(p.now).unwrap();
        tracing::info!(?snapshot, "saving");
        let json = snapshot.to_json();
        let snapshot = wx_proto::client::Snapshot::from_json(&json).unwrap();
        let restored = wx_proto::client::Client::restore(
            wx_proto::client::Config::for_base_url(pair::BASE),
            snapshot,
            [6; 32],
            p.now,
            pair::wall() + p.now.duration_since(p.start),
        )
        .unwrap();
        p.restart_with(restored);
        p.run_for(Duration::from_secs(10));
        assert!(
            p.events
                .iter()
                .any(|e| matches!(e, wx_proto::client::Event::LoginPath(_)))
        );
        p.client.submit(Command::Logout, p.now).unwrap();
        p.run_for(Duration::from_secs(5));
    });
    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.lines().count() > 50,
        "TRACE logging was on: {} lines",
        logs.lines().count()
    );
    let debug = format!("{:?}\n{:?}", p.events, p.client);
    assert!(
        p.secrets.len() >= 5,
        "credentials collected: {}",
        p.secrets.len()
    );
    for secret in &p.secrets {
        // A uin is a bare number that a timestamp may equal: look for it where a uin stands.
        let needles: Vec<String> = if secret.bytes().all(|b| b.is_ascii_digit()) {
            ["uin: ", "uin=", "Uin(", "\"Uin\":", "uin "]
                .iter()
                .map(|p| format!("{p}{secret}"))
                .collect()
        } else {
            vec![secret.clone(), wx_proto::percent::decode(secret)]
        };
        for needle in &needles {
            assert!(
                !logs.contains(needle.as_str()),
                "a credential appears in the logs"
            );
            assert!(
                !debug.contains(needle.as_str()),
                "a credential appears in Debug output"
            );
        }
    }
}
