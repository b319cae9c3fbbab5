//! In-memory load: many sessions, a steady stream of messages, the sync loop in virtual time.
//! `cargo run -p wx-sim --release --example load -- [sessions] [messages per session]`

use serde_json::{Value, json};
use std::time::{Duration, Instant, SystemTime};
use wx_sim::{Body, Config, Push, Reply, Sim, WorldSpec};

fn answer(
    sim: &mut Sim,
    req: http::Request<Vec<u8>>,
    now: Instant,
) -> Option<http::Response<Vec<u8>>> {
    match sim.handle(&req, now) {
        Reply::Now(r) | Reply::Later(r, _) => Some(r),
        Reply::Held(id) => {
            let at = sim.wake_at(id)?;
            match sim.poll_held(id, at)? {
                Reply::Now(r) | Reply::Later(r, _) => Some(r),
                _ => None,
            }
        }
        Reply::Drop => None,
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sessions = args.first().copied().unwrap_or(100);
    let per = args.get(1).copied().unwrap_or(100);
    let start = Instant::now();
    let cfg = Config {
        world: WorldSpec {
            accounts: sessions,
            contacts: 50,
            ..WorldSpec::default()
        },
        ..Config::default()
    };
    let mut sim = Sim::new(cfg, start, SystemTime::now());
    let now = start;
    let mut creds = Vec::new();
    let t = Instant::now();
    for a in 0..sessions {
        let r = answer(
            &mut sim,
            http::Request::get("/jslogin?appid=wx782c26e4c19acffb")
                .body(Vec::new())
                .unwrap_or_default(),
            now,
        );
        let Some(body) = r.map(|r| String::from_utf8_lossy(r.body()).into_owned()) else {
            return;
        };
        let Some(uuid) = body.split('"').nth(1).map(str::to_string) else {
            return;
        };
        if sim
            .scan(&uuid, a, now)
            .and_then(|()| sim.confirm(&uuid, now))
            .is_err()
        {
            return;
        }
        let r = answer(
            &mut sim,
            http::Request::get(format!("/cgi-bin/mmwebwx-bin/login?uuid={uuid}"))
                .body(Vec::new())
                .unwrap_or_default(),
            now,
        );
        let body = r
            .map(|r| String::from_utf8_lossy(r.body()).into_owned())
            .unwrap_or_default();
        let Some(uri) = body.split('"').nth(1) else {
            return;
        };
        let path = uri
            .trim_start_matches(sim.config().base_url.as_str())
            .to_string();
        let Some(r) = answer(
            &mut sim,
            http::Request::get(path)
                .body(Vec::new())
                .unwrap_or_default(),
            now,
        ) else {
            return;
        };
        let cookie: Vec<String> = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
            .collect();
        let xml = String::from_utf8_lossy(r.body()).into_owned();
        let f = |t: &str| {
            xml.split(&format!("<{t}>"))
                .nth(1)
                .and_then(|x| x.split('<').next())
                .unwrap_or("")
                .to_string()
        };
        creds.push((cookie.join("; "), f("wxuin"), f("wxsid"), f("skey")));
    }
    let login_time = t.elapsed();
    let t = Instant::now();
    let mut delivered = 0usize;
    let mut requests = 0usize;
    let mut keys: Vec<Value> = vec![json!({"Count": 0, "List": []}); sessions];
    for round in 0..per {
        for (a, (cookie, uin, sid, skey)) in creds.iter().enumerate() {
            let _ = sim.push(
                &Push {
                    account: a,
                    ..Push::default()
                },
                &Body::Text {
                    text: format!("m{round}"),
                },
                now,
            );
            let body = json!({"BaseRequest": {"Uin": uin, "Sid": sid, "Skey": skey, "DeviceID": "e1"}, "SyncKey": keys[a]});
            let req = http::Request::post("/cgi-bin/mmwebwx-bin/webwxsync")
                .header("Cookie", cookie.as_str())
                .body(body.to_string().into_bytes())
                .unwrap_or_default();
            requests += 1;
            if let Some(r) = answer(&mut sim, req, now + Duration::from_millis(round as u64))
                && let Ok(v) = serde_json::from_slice::<Value>(r.body())
            {
                delivered += v["AddMsgCount"].as_u64().unwrap_or(0) as usize;
                keys[a] = v["SyncKey"].clone();
            }
        }
    }
    let sync_time = t.elapsed();
    println!(
        "{sessions} logins in {login_time:?}; {requests} webwxsync requests delivering {delivered} messages in {sync_time:?} ({:.0} req/s)",
        requests as f64 / sync_time.as_secs_f64()
    );
}
