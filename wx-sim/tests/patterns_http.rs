//! Sticky patterns, poison and the request counters through the control API, on a real
//! loopback server.
#![cfg(feature = "server")]
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wx_sim::{Config, ServeOptions, serve};

const API: &str = "/cgi-bin/mmwebwx-bin";

struct Resp {
    status: u16,
    body: Vec<u8>,
}

impl Resp {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// One HTTP/1.1 exchange with `Connection: close`, keeping the cookies it sets in `jar`.
async fn call(
    addr: SocketAddr,
    jar: &mut Vec<(String, String)>,
    method: &str,
    pq: &str,
    body: &[u8],
) -> Resp {
    let cookie = jar
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "{method} {pq} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\nCookie: {cookie}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    for l in lines {
        if let Some((k, v)) = l.split_once(':')
            && k.eq_ignore_ascii_case("set-cookie")
        {
            let (k, v) = v.trim().split(';').next().unwrap().split_once('=').unwrap();
            jar.retain(|(n, _)| n != k);
            jar.push((k.to_string(), v.to_string()));
        }
    }
    Resp {
        status,
        body: raw[split + 4..].to_vec(),
    }
}

fn field(xml: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = xml.find(&open).unwrap() + open.len();
    let end = xml[start..].find(&format!("</{tag}>")).unwrap() + start;
    xml[start..end].to_string()
}

fn enc(s: &str) -> String {
    wx_sim::wire::query::encode(s)
}

fn keystr(v: &Value) -> String {
    v["List"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kv| format!("{}_{}", kv["Key"], kv["Val"]))
        .collect::<Vec<_>>()
        .join("|")
}

struct Session {
    addr: SocketAddr,
    jar: Vec<(String, String)>,
    br: Value,
    sid: String,
    skey: String,
    uin: String,
    pt: String,
    me: String,
}

impl Session {
    async fn call(&mut self, method: &str, pq: &str, body: &[u8]) -> Resp {
        call(self.addr, &mut self.jar, method, pq, body).await
    }
    async fn sync(&mut self, key: &Value) -> Resp {
        let pq = format!("{API}/webwxsync?sid={}&skey={}", self.sid, self.skey);
        let body = json!({"BaseRequest": self.br, "SyncKey": key}).to_string();
        self.call("POST", &pq, body.as_bytes()).await
    }
    async fn check(&mut self, key: &Value) -> Resp {
        let pq = format!(
            "{API}/synccheck?r=1&skey={}&sid={}&uin={}&deviceid=e1&synckey={}&_=1",
            enc(&self.skey),
            enc(&self.sid),
            self.uin,
            enc(&keystr(key))
        );
        self.call("GET", &pq, b"").await
    }
    async fn send(&mut self, to: &str) -> Value {
        let m = json!({"BaseRequest": self.br, "Msg": {"Type": 1, "Content": "x", "FromUserName": self.me, "ToUserName": to, "LocalID": "1", "ClientMsgId": "1"}, "Scene": 0});
        let pq = format!("{API}/webwxsendmsg?pass_ticket={}", enc(&self.pt));
        self.call("POST", &pq, m.to_string().as_bytes())
            .await
            .json()
    }
}

async fn control(addr: SocketAddr, method: &str, pq: &str, body: &str) -> Resp {
    call(addr, &mut Vec::new(), method, pq, body.as_bytes()).await
}

async fn login(addr: SocketAddr) -> (Session, Value) {
    let mut jar = Vec::new();
    let js = call(
        addr,
        &mut jar,
        "GET",
        "/jslogin?appid=wx782c26e4c19acffb&fun=new",
        b"",
    )
    .await
    .text();
    let uuid = js.split('"').nth(1).unwrap().to_string();
    let ok = control(addr, "POST", &format!("/__sim/login?uuid={uuid}"), "").await;
    assert_eq!(ok.status, 200);
    let poll = format!("{API}/login?loginicon=true&uuid={uuid}&tip=1&r=-1&_=1");
    let redirect = call(addr, &mut jar, "GET", &poll, b"").await.text();
    let uri = redirect.split('"').nth(1).unwrap();
    let path = &uri[uri.find("/cgi-bin").unwrap()..];
    let xml = call(addr, &mut jar, "GET", path, b"").await.text();
    let (skey, sid, uin, pt) = (
        field(&xml, "skey"),
        field(&xml, "wxsid"),
        field(&xml, "wxuin"),
        field(&xml, "pass_ticket"),
    );
    let br = json!({"Uin": uin.parse::<u64>().unwrap(), "Sid": sid, "Skey": skey, "DeviceID": "e123456789012345"});
    let mut s = Session {
        addr,
        jar,
        br,
        sid,
        skey,
        uin,
        pt,
        me: String::new(),
    };
    let body = json!({"BaseRequest": s.br}).to_string();
    let pq = format!("{API}/webwxinit?r=-1&pass_ticket={}", enc(&s.pt));
    let init = s.call("POST", &pq, body.as_bytes()).await.json();
    assert_eq!(init["BaseResponse"]["Ret"], 0);
    s.me = init["User"]["UserName"].as_str().unwrap().to_string();
    let v = s.sync(&init["SyncKey"]).await.json();
    (s, v["SyncKey"].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patterns_poison_and_stats_through_the_control_api() {
    let cfg = Config {
        poll_hold: Duration::from_secs(5),
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
    let addr = server.addr();
    let (mut s, key) = login(addr).await;
    let mut checks = 0;

    // A held synccheck is answered as soon as no_hold is set.
    let setter = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        control(addr, "POST", "/__sim/pattern", r#"{"kind":"no_hold"}"#).await
    });
    let t = Instant::now();
    let r = s.check(&key).await;
    checks += 1;
    assert_eq!(r.text(), "window.synccheck={retcode:\"0\",selector:\"0\"}");
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    assert_eq!(setter.await.unwrap().status, 200);

    // Stuck keys replace it: instant selector 3, webwxsync gives the keys back.
    let r = control(
        addr,
        "POST",
        "/__sim/pattern",
        r#"{"kind":"stuck_keys","selector":3}"#,
    )
    .await;
    assert_eq!(r.status, 200);
    let view = control(addr, "GET", "/__sim/patterns", "").await.json();
    assert_eq!(
        view,
        json!({"all": [{"kind": "stuck_keys", "selector": 3}], "accounts": {}})
    );
    let t = Instant::now();
    assert_eq!(
        s.check(&key).await.text(),
        "window.synccheck={retcode:\"0\",selector:\"3\"}"
    );
    checks += 1;
    assert!(t.elapsed() < Duration::from_secs(2));
    let push = json!({"body": {"kind": "text", "text": "queued"}}).to_string();
    assert_eq!(
        control(addr, "POST", "/__sim/push", &push).await.status,
        200
    );
    let v = s.sync(&key).await.json();
    assert_eq!(
        (v["AddMsgCount"].clone(), v["SyncKey"].clone()),
        (json!(0), key.clone())
    );

    // Clear: the queued text comes.
    assert_eq!(control(addr, "POST", "/__sim/clear", "").await.status, 200);
    let v = s.sync(&key).await.json();
    assert_eq!(v["AddMsgList"][0]["Content"], "queued");
    let key = v["SyncKey"].clone();

    // A 500 storm for account 0 alone, cleared for that account.
    let storm =
        r#"{"kind":"fault","endpoints":["synccheck"],"fault":{"kind":"status","code":500}}"#;
    let r = control(addr, "POST", "/__sim/pattern?account=0", storm).await;
    assert_eq!(r.status, 200);
    for _ in 0..3 {
        assert_eq!(s.check(&key).await.status, 500);
        checks += 1;
    }
    let view = control(addr, "GET", "/__sim/patterns", "").await.json();
    assert_eq!(view["accounts"]["0"][0]["fault"]["code"], 500);
    control(addr, "POST", "/__sim/clear?account=0", "").await;
    let view = control(addr, "GET", "/__sim/patterns", "").await.json();
    assert_eq!(view, json!({"all": [], "accounts": {}}));

    // A poisoned message beside a valid one.
    let r = control(
        addr,
        "POST",
        "/__sim/poison",
        r#"{"target":"message_pair","poison":"control_byte"}"#,
    )
    .await;
    let pair = r.json();
    let body = s.sync(&key).await.body;
    assert_eq!(body.iter().filter(|&&b| b == 0x01).count(), 1);
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    let fixed: Vec<u8> = body
        .iter()
        .map(|&b| if b == 1 { b'?' } else { b })
        .collect();
    let v: Value = serde_json::from_slice(&fixed).unwrap();
    assert_eq!(v["AddMsgList"][0]["MsgId"], pair["poisoned"]);
    assert_eq!(v["AddMsgList"][1]["MsgId"], pair["valid"]);
    assert_eq!(v["AddMsgList"][1]["Content"], "valid message");

    // Throttled sends until cleared.
    let to = v["AddMsgList"][1]["FromUserName"]
        .as_str()
        .unwrap()
        .to_string();
    let r = control(
        addr,
        "POST",
        "/__sim/throttle?endpoint=webwxsendmsg&times=forever",
        "",
    )
    .await;
    assert_eq!(r.status, 200);
    for _ in 0..3 {
        assert_eq!(s.send(&to).await["BaseResponse"]["Ret"], 1205);
    }
    control(addr, "POST", "/__sim/clear", "").await;
    assert_eq!(s.send(&to).await["BaseResponse"]["Ret"], 0);

    // Bad input is refused.
    let r = control(addr, "POST", "/__sim/pattern", r#"{"kind":"nope"}"#).await;
    assert_eq!(r.status, 400);
    let r = control(
        addr,
        "POST",
        "/__sim/poison",
        r#"{"target":"page_contact"}"#,
    )
    .await;
    assert_eq!(r.status, 400);

    // The counters.
    let stats = control(addr, "GET", "/__sim/stats", "").await.json();
    assert_eq!(stats["requests"]["synccheck"], checks);
    assert_eq!(stats["requests"]["webwxsendmsg"], 4);
    let sum: u64 = stats["requests"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(stats["total"], sum);
    assert_eq!(stats["by_account"]["0"]["webwxinit"], 1);
    assert_eq!(stats["by_account"]["0"]["synccheck"], checks);
    let lean = control(addr, "GET", "/__sim/stats?accounts=0", "")
        .await
        .json();
    assert_eq!(lean["by_account"], json!({}));
    assert_eq!(server.with_sim(|sim, _| sim.requests("synccheck")), checks);
    server.shutdown().await;
}
