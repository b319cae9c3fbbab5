//! The hyper server on a real loopback socket: plain HTTP and HTTPS, long polls woken by the
//! control API, faults on the wire.
#![cfg(feature = "server")]
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::rustls;
use wx_sim::{Config, LoginPolicy, ServeOptions, serve};

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
    fn cookies(&self) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// One HTTP/1.1 exchange with `Connection: close`; `None` if the server closed without answering.
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    mut s: S,
    method: &str,
    pq: &str,
    cookie: &str,
    body: &[u8],
) -> Option<Resp> {
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

struct Client {
    addr: std::net::SocketAddr,
    jar: Vec<(String, String)>,
}

impl Client {
    async fn call(&mut self, method: &str, pq: &str, body: &[u8]) -> Option<Resp> {
        let cookie = self
            .jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let s = TcpStream::connect(self.addr).await.unwrap();
        let r = exchange(s, method, pq, &cookie, body).await?;
        for c in r.cookies() {
            let (k, v) = c.split(';').next().unwrap().split_once('=').unwrap();
            self.jar.retain(|(n, _)| n != k);
            self.jar.push((k.to_string(), v.to_string()));
        }
        Some(r)
    }
}

const API: &str = "/cgi-bin/mmwebwx-bin";

fn enc(s: &str) -> String {
    wx_sim::wire::query::encode(s)
}

fn field(xml: &str, tag: &str) -> String {
    xml.split(&format!("<{tag}>"))
        .nth(1)
        .unwrap()
        .split(&format!("</{tag}>"))
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_session_over_a_real_socket() {
    let cfg = Config {
        login: LoginPolicy::Auto {
            scan_after: Duration::from_millis(100),
            confirm_after: Duration::from_millis(100),
            account: 0,
        },
        poll_hold: Duration::from_secs(3),
        ..Config::default()
    };
    let server = serve(
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions {
            config: cfg,
            ..ServeOptions::default()
        },
    )
    .await
    .unwrap();
    let base = server.base_url().to_string();
    assert!(base.starts_with("http://127.0.0.1:"));
    let mut c = Client {
        addr: server.addr(),
        jar: Vec::new(),
    };

    let js = c
        .call(
            "GET",
            "/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh_CN&_=1",
            b"",
        )
        .await
        .unwrap()
        .text();
    let uuid = js.split('"').nth(1).unwrap().to_string();
    let poll = format!("{API}/login?loginicon=true&uuid={uuid}&tip=1&r=-1&_=1");
    let t = Instant::now();
    let first = c.call("GET", &poll, b"").await.unwrap().text();
    assert!(first.starts_with("window.code=201;"), "{first}");
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "the scan woke the held poll"
    );
    let ok = c.call("GET", &poll, b"").await.unwrap().text();
    let uri = ok.split('"').nth(1).unwrap();
    assert!(uri.starts_with(&format!(
        "{base}/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket="
    )));
    let r = c.call("GET", &uri[base.len()..], b"").await.unwrap();
    assert_eq!(r.status, 301);
    let xml = r.text();
    let (skey, sid, uin, pt) = (
        field(&xml, "skey"),
        field(&xml, "wxsid"),
        field(&xml, "wxuin"),
        field(&xml, "pass_ticket"),
    );
    assert!(c.jar.iter().any(|(k, _)| k == "webwx_data_ticket"));
    let br = json!({"Uin": uin.parse::<u64>().unwrap(), "Sid": sid, "Skey": skey, "DeviceID": "e123456789012345"});
    let init = c
        .call(
            "POST",
            &format!("{API}/webwxinit?r=-1&pass_ticket={}", enc(&pt)),
            json!({"BaseRequest": br}).to_string().as_bytes(),
        )
        .await
        .unwrap()
        .json();
    assert_eq!(init["BaseResponse"]["Ret"], 0);
    let me = init["User"]["UserName"].as_str().unwrap().to_string();
    let v = c
        .call(
            "POST",
            &format!("{API}/webwxsync?sid={sid}&skey={skey}"),
            json!({"BaseRequest": br, "SyncKey": init["SyncKey"]})
                .to_string()
                .as_bytes(),
        )
        .await
        .unwrap()
        .json();
    let key: String = v["SyncCheckKey"]["List"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kv| format!("{}_{}", kv["Key"], kv["Val"]))
        .collect::<Vec<_>>()
        .join("|");
    let check = format!(
        "{API}/synccheck?r=1&skey={}&sid={}&uin={uin}&deviceid=e1&synckey={}&_=1",
        enc(&skey),
        enc(&sid),
        enc(&key)
    );

    // Nothing new: the hold ends after poll_hold with selector 0.
    let t = Instant::now();
    assert_eq!(
        c.call("GET", &check, b"").await.unwrap().text(),
        "window.synccheck={retcode:\"0\",selector:\"0\"}"
    );
    let held = t.elapsed();
    assert!(
        held >= Duration::from_millis(2900) && held < Duration::from_secs(5),
        "{held:?}"
    );

    // A push through the control API, on another connection, wakes the held synccheck.
    let mut jar = c.jar.clone();
    let addr = server.addr();
    let pusher = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut ctl = Client {
            addr,
            jar: Vec::new(),
        };
        ctl.call(
            "POST",
            "/__sim/push",
            json!({"body": {"kind": "text", "text": "over the wire"}})
                .to_string()
                .as_bytes(),
        )
        .await
        .unwrap()
    });
    let t = Instant::now();
    assert_eq!(
        c.call("GET", &check, b"").await.unwrap().text(),
        "window.synccheck={retcode:\"0\",selector:\"2\"}"
    );
    let woke = t.elapsed();
    assert!(woke < Duration::from_millis(1500), "{woke:?}");
    assert_eq!(pusher.await.unwrap().status, 200);
    let v = c
        .call(
            "POST",
            &format!("{API}/webwxsync?sid={sid}&skey={skey}"),
            json!({"BaseRequest": br, "SyncKey": v["SyncKey"]})
                .to_string()
                .as_bytes(),
        )
        .await
        .unwrap()
        .json();
    assert_eq!(v["AddMsgList"][0]["Content"], "over the wire");
    let from = v["AddMsgList"][0]["FromUserName"]
        .as_str()
        .unwrap()
        .to_string();

    let m = json!({"BaseRequest": br, "Msg": {"Type": 1, "Content": "回复", "FromUserName": me, "ToUserName": from, "LocalID": "1", "ClientMsgId": "1"}, "Scene": 0});
    assert_eq!(
        c.call(
            "POST",
            &format!("{API}/webwxsendmsg?pass_ticket={pt}"),
            m.to_string().as_bytes()
        )
        .await
        .unwrap()
        .json()["BaseResponse"]["Ret"],
        0
    );
    assert_eq!(server.with_sim(|s, _| s.sent().len()), 1);

    // A dropped connection and a delayed answer, injected on the wire.
    server.with_sim(|s, _| {
        s.inject(wx_sim::FaultRule {
            endpoint: Some("synccheck".into()),
            fault: wx_sim::Fault::Drop,
            times: 1,
        });
        s.inject(wx_sim::FaultRule {
            endpoint: Some("webwxstatusnotify".into()),
            fault: wx_sim::Fault::Delay { ms: 700 },
            times: 1,
        });
    });
    assert!(
        c.call("GET", &check, b"").await.is_none(),
        "closed without an answer"
    );
    let t = Instant::now();
    let n = json!({"BaseRequest": br, "Code": 3, "FromUserName": me, "ToUserName": me, "ClientMsgId": 1});
    assert_eq!(
        c.call(
            "POST",
            &format!("{API}/webwxstatusnotify"),
            n.to_string().as_bytes()
        )
        .await
        .unwrap()
        .json()["BaseResponse"]["Ret"],
        0
    );
    assert!(t.elapsed() >= Duration::from_millis(650));

    // A client that goes away while held leaves nothing behind (first catch up with the
    // echo of our own send, so that the next synccheck is held).
    let v = c
        .call(
            "POST",
            &format!("{API}/webwxsync?sid={sid}&skey={skey}"),
            json!({"BaseRequest": br, "SyncKey": v["SyncKey"]})
                .to_string()
                .as_bytes(),
        )
        .await
        .unwrap()
        .json();
    assert_eq!(v["AddMsgList"][0]["Content"], "回复");
    let key: String = v["SyncCheckKey"]["List"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kv| format!("{}_{}", kv["Key"], kv["Val"]))
        .collect::<Vec<_>>()
        .join("|");
    let check = format!(
        "{API}/synccheck?r=1&skey={}&sid={}&uin={uin}&deviceid=e1&synckey={}&_=1",
        enc(&skey),
        enc(&sid),
        enc(&key)
    );
    let s = TcpStream::connect(server.addr()).await.unwrap();
    let cookie = jar
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let held = tokio::spawn(async move { exchange(s, "GET", &check, &cookie, b"").await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.with_sim(|s, _| s.held_ids().len()), 1);
    held.abort();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.with_sim(|s, _| s.held_ids().len()), 0);

    jar.clear();
    let r = c
        .call(
            "POST",
            &format!("{API}/webwxlogout?redirect=1&type=0&skey={}", enc(&skey)),
            format!("sid={}&uin={uin}", enc(&sid)).as_bytes(),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(server.with_sim(|s, _| s.live_sessions(0)), 0);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_the_generated_certificate() {
    let dir = std::env::temp_dir().join(format!("wx-sim-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let opts = ServeOptions {
        tls: true,
        cert_dir: Some(dir.clone()),
        ..ServeOptions::default()
    };
    let server = serve("127.0.0.1:0".parse().unwrap(), opts).await.unwrap();
    assert!(server.base_url().starts_with("https://127.0.0.1:"));
    let path = server.cert_path().unwrap().to_path_buf();
    let pem = std::fs::read_to_string(&path).unwrap();
    assert_eq!(Some(pem.as_str()), server.cert_pem());
    use rustls::pki_types::pem::PemObject;
    let der = rustls::pki_types::CertificateDer::from_pem_slice(pem.as_bytes()).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(der).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(cfg));
    for name in ["127.0.0.1", "localhost"] {
        let tcp = TcpStream::connect(server.addr()).await.unwrap();
        let sn = rustls::pki_types::ServerName::try_from(name.to_string()).unwrap();
        let tls = connector.connect(sn, tcp).await.unwrap();
        let r = exchange(tls, "GET", "/jslogin?appid=wx782c26e4c19acffb", "", b"")
            .await
            .unwrap();
        assert!(r.text().starts_with("window.QRLogin.code = 200;"), "{name}");
    }
    // Plain HTTP to the HTTPS port gets no answer.
    let tcp = TcpStream::connect(server.addr()).await.unwrap();
    assert!(exchange(tcp, "GET", "/jslogin", "", b"").await.is_none());
    server.shutdown().await;
    assert!(
        !path.exists(),
        "the certificate file is removed at shutdown"
    );
    let _ = std::fs::remove_dir_all(dir);
}
