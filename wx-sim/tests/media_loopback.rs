//! Media over a real loopback socket: planted attachments downloaded concurrently from one
//! shared buffer, the control API's `plant`, `fail_nth` and `uploaded`.
#![cfg(feature = "server")]
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wx_sim::{Media, MediaKind, Push, ServeOptions, serve};

const API: &str = "/cgi-bin/mmwebwx-bin";

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

async fn call(
    addr: std::net::SocketAddr,
    method: &str,
    pq: &str,
    cookie: &str,
    body: &[u8],
) -> Option<Resp> {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "{method} {pq} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\nCookie: {cookie}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.ok()?;
    s.write_all(body).await.ok()?;
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw).await;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some(Resp {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_download_concurrently_and_the_control_api_plants_and_faults() {
    let server = serve("127.0.0.1:0".parse().unwrap(), ServeOptions::default())
        .await
        .unwrap();
    let addr = server.addr();
    // A session: jslogin, the control API's login, the poll, the login page's cookies.
    let js = call(
        addr,
        "GET",
        "/jslogin?appid=wx782c26e4c19acffb&fun=new",
        "",
        b"",
    )
    .await
    .unwrap();
    let uuid = String::from_utf8_lossy(&js.body)
        .split('"')
        .nth(1)
        .unwrap()
        .to_string();
    let r = call(addr, "POST", &format!("/__sim/login?uuid={uuid}"), "", b"")
        .await
        .unwrap();
    assert_eq!(
        r.status,
        200,
        "{uuid}: {}",
        String::from_utf8_lossy(&r.body)
    );
    let poll = call(
        addr,
        "GET",
        &format!("{API}/login?uuid={uuid}&tip=0"),
        "",
        b"",
    )
    .await
    .unwrap();
    let poll = String::from_utf8_lossy(&poll.body).into_owned();
    let uri = poll.split('"').nth(1).unwrap();
    let path = &uri[server.base_url().len()..];
    let page = call(addr, "GET", path, "", b"").await.unwrap();
    let cookies: Vec<(String, String)> = page
        .headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .filter_map(|(_, v)| v.split(';').next()?.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let ticket = cookies
        .iter()
        .find(|(k, _)| k == "webwx_data_ticket")
        .unwrap()
        .1
        .clone();
    let jar = cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    // Plant 3 MB and fetch it twice at once.
    let bytes: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
    let planted = server.with_sim(|sim, now| {
        sim.plant(
            &Push::default(),
            Media::new(MediaKind::File, bytes.clone()).named("big.bin"),
            now,
        )
        .unwrap()
    });
    let url = format!(
        "{API}/webwxgetmedia?sender=x&mediaid={}&fromuser=1&pass_ticket=undefined&webwx_data_ticket={}",
        wx_sim::wire::query::encode(&planted.media_id),
        wx_sim::wire::query::encode(&ticket)
    );
    let (a, b) = tokio::join!(
        call(addr, "GET", &url, &jar, b""),
        call(addr, "GET", &url, &jar, b"")
    );
    for r in [a.unwrap(), b.unwrap()] {
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-length"), Some("3000000"));
        assert_eq!(
            r.header("content-disposition"),
            Some("attachment; filename=\"big.bin\"")
        );
        assert!(r.body == bytes, "the planted bytes");
    }
    // The control API: a dropped connection for the next download, once.
    let r = call(
        addr,
        "POST",
        "/__sim/fail_nth?endpoint=webwxgetmedia&n=1",
        "",
        br#"{"kind":"drop"}"#,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    assert!(call(addr, "GET", &url, &jar, b"").await.is_none());
    assert_eq!(
        call(addr, "GET", &url, &jar, b"").await.unwrap().body.len(),
        3_000_000
    );
    // Planting over HTTP, by base64.
    let body = json!({"kind": "file", "name": "a\"b.txt", "base64": wx_sim::wire::media::base64(b"hello")});
    let r = call(
        addr,
        "POST",
        "/__sim/plant",
        "",
        body.to_string().as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["Md5"], wx_sim::md5::hex(b"hello"));
    let url2 = url.replace(
        &wx_sim::wire::query::encode(&planted.media_id),
        &wx_sim::wire::query::encode(v["MediaId"].as_str().unwrap()),
    );
    let r = call(addr, "GET", &url2, &jar, b"").await.unwrap();
    assert_eq!(r.body, b"hello");
    assert_eq!(
        r.header("content-disposition"),
        Some("attachment; filename=\"ab.txt\"")
    );
    let r = call(addr, "GET", "/__sim/uploaded?media_id=@nope", "", b"")
        .await
        .unwrap();
    assert_eq!(r.status, 404);
    server.shutdown().await;
}
