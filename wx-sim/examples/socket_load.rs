//! Load over loopback: N sessions run the synccheck/webwxsync loop against `wx_sim::serve`
//! while the simulator pushes a text to every session at a steady rate.
//! `cargo run -p wx-sim --release --example socket_load -- [sessions] [rate-ms] [seconds]`

use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wx_sim::{Config, ServeOptions, WorldSpec, serve};

async fn call(
    addr: std::net::SocketAddr,
    method: &str,
    pq: &str,
    cookie: &str,
    body: &[u8],
) -> Option<(Vec<String>, Vec<u8>)> {
    let mut s = TcpStream::connect(addr).await.ok()?;
    let head = format!(
        "{method} {pq} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\nCookie: {cookie}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.ok()?;
    s.write_all(body).await.ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.ok()?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(raw.get(..split)?).into_owned();
    let cookies = head
        .lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .filter_map(|c| c.split(';').next())
        .map(str::to_string)
        .collect();
    Some((cookies, raw.get(split + 4..)?.to_vec()))
}

fn enc(s: &str) -> String {
    wx_sim::wire::query::encode(s)
}

async fn session(
    addr: std::net::SocketAddr,
    account: usize,
    until: Instant,
    delivered: Arc<AtomicU64>,
    requests: Arc<AtomicU64>,
) -> Option<()> {
    let (_, js) = call(addr, "GET", "/jslogin?appid=wx782c26e4c19acffb", "", b"").await?;
    let js = String::from_utf8_lossy(&js).into_owned();
    let uuid = js.split('"').nth(1)?.to_string();
    call(
        addr,
        "POST",
        &format!("/__sim/login?uuid={}&account={account}", enc(&uuid)),
        "",
        b"",
    )
    .await?;
    let (_, b) = call(
        addr,
        "GET",
        &format!("/cgi-bin/mmwebwx-bin/login?uuid={}", enc(&uuid)),
        "",
        b"",
    )
    .await?;
    let b = String::from_utf8_lossy(&b).into_owned();
    let uri = b.split('"').nth(1)?;
    let path = &uri[uri.find("/cgi-bin")?..];
    let (cookies, xml) = call(addr, "GET", path, "", b"").await?;
    let xml = String::from_utf8_lossy(&xml).into_owned();
    let f = |t: &str| {
        xml.split(&format!("<{t}>"))
            .nth(1)
            .and_then(|x| x.split('<').next())
            .unwrap_or("")
            .to_string()
    };
    let (uin, sid, skey) = (f("wxuin"), f("wxsid"), f("skey"));
    let cookie = cookies.join("; ");
    let br = json!({"Uin": uin.parse::<u64>().ok()?, "Sid": sid, "Skey": skey, "DeviceID": "e1"});
    let (_, init) = call(
        addr,
        "POST",
        "/cgi-bin/mmwebwx-bin/webwxinit",
        &cookie,
        json!({"BaseRequest": br}).to_string().as_bytes(),
    )
    .await?;
    let init: Value = serde_json::from_slice(&init).ok()?;
    let mut key = init["SyncKey"].clone();
    while Instant::now() < until {
        let ks: String = key["List"]
            .as_array()?
            .iter()
            .map(|kv| format!("{}_{}", kv["Key"], kv["Val"]))
            .collect::<Vec<_>>()
            .join("|");
        let pq = format!(
            "/cgi-bin/mmwebwx-bin/synccheck?skey={}&sid={}&uin={uin}&deviceid=e1&synckey={}",
            enc(&skey),
            enc(&sid),
            enc(&ks)
        );
        let (_, sc) = call(addr, "GET", &pq, &cookie, b"").await?;
        requests.fetch_add(1, Ordering::Relaxed);
        if sc.ends_with(b"selector:\"0\"}") {
            continue;
        }
        let (_, v) = call(
            addr,
            "POST",
            "/cgi-bin/mmwebwx-bin/webwxsync",
            &cookie,
            json!({"BaseRequest": br, "SyncKey": key})
                .to_string()
                .as_bytes(),
        )
        .await?;
        requests.fetch_add(1, Ordering::Relaxed);
        let v: Value = serde_json::from_slice(&v).ok()?;
        delivered.fetch_add(v["AddMsgCount"].as_u64().unwrap_or(0), Ordering::Relaxed);
        key = v["SyncKey"].clone();
    }
    Some(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sessions = args.first().copied().unwrap_or(50) as usize;
    let rate = Duration::from_millis(args.get(1).copied().unwrap_or(100));
    let secs = args.get(2).copied().unwrap_or(10);
    let config = Config {
        world: WorldSpec {
            accounts: sessions,
            contacts: 20,
            ..WorldSpec::default()
        },
        steady_rate: Some(rate),
        poll_hold: Duration::from_secs(5),
        ..Config::default()
    };
    let Ok(server) = serve(
        "127.0.0.1:0"
            .parse()
            .unwrap_or(std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
        ServeOptions {
            config,
            ..ServeOptions::default()
        },
    )
    .await
    else {
        eprintln!("cannot serve");
        return;
    };
    let until = Instant::now() + Duration::from_secs(secs);
    let delivered = Arc::new(AtomicU64::new(0));
    let requests = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..sessions)
        .map(|a| {
            tokio::spawn(session(
                server.addr(),
                a,
                until,
                delivered.clone(),
                requests.clone(),
            ))
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        if let Ok(Some(())) = t.await {
            ok += 1;
        }
    }
    let took = start.elapsed().as_secs_f64();
    let d = delivered.load(Ordering::Relaxed);
    let r = requests.load(Ordering::Relaxed);
    println!(
        "{ok}/{sessions} sessions for {took:.1} s, a message per session every {rate:?}: {d} messages delivered ({:.0}/s), {r} synccheck+webwxsync requests ({:.0}/s)",
        d as f64 / took,
        r as f64 / took
    );
    server.shutdown().await;
}
