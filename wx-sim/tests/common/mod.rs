//! Test harness: a simulator driven in virtual time, a cookie jar, and fixture loading.
#![allow(dead_code, clippy::unwrap_used)]

pub mod client;
pub mod media;

use http::{Method, Request, Response};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use wx_sim::{Config, Reply, Sim};

pub const API: &str = "/cgi-bin/mmwebwx-bin";
pub const BASE: &str = "http://127.0.0.1:9";

/// What a request came to.
#[derive(Debug)]
pub enum Outcome {
    Answer(Response<Vec<u8>>),
    Dropped,
}

pub struct H {
    pub sim: Sim,
    pub now: Instant,
    pub jar: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Creds {
    pub uin: u64,
    pub sid: String,
    pub skey: String,
    pub pass_ticket: String,
    pub user_name: String,
}

pub fn wall() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

pub fn config() -> Config {
    Config {
        base_url: BASE.into(),
        ..Config::default()
    }
}

impl H {
    pub fn new(cfg: Config) -> H {
        let now = Instant::now();
        H {
            sim: Sim::new(cfg, now, wall()),
            now,
            jar: BTreeMap::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn request(&self, method: Method, pq: &str, body: Vec<u8>) -> Request<Vec<u8>> {
        let mut b = Request::builder().method(method).uri(pq);
        if !self.jar.is_empty() {
            b = b.header("Cookie", self.cookie_header());
        }
        b.body(body).unwrap()
    }

    fn absorb(&mut self, resp: &Response<Vec<u8>>) {
        for v in resp.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let (kv, _) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if val.is_empty() {
                self.jar.remove(k);
            } else {
                self.jar.insert(k.to_string(), val.to_string());
            }
        }
    }

    /// Sends a request; a held one is answered by moving virtual time to its wake-up
    /// (calling `between` at each stop, e.g. to run a scenario step).
    pub fn send_with(
        &mut self,
        req: Request<Vec<u8>>,
        mut between: impl FnMut(&mut Sim, Instant) -> Option<Instant>,
    ) -> Outcome {
        let mut reply = self.sim.handle(&req, self.now);
        loop {
            match reply {
                Reply::Now(r) => {
                    self.absorb(&r);
                    return Outcome::Answer(r);
                }
                Reply::Later(r, at) => {
                    self.now = self.now.max(at);
                    self.absorb(&r);
                    return Outcome::Answer(r);
                }
                Reply::Drop => return Outcome::Dropped,
                Reply::Held(id) => {
                    let extra = between(&mut self.sim, self.now);
                    if let Some(r) = self.sim.poll_held(id, self.now) {
                        reply = r;
                        continue;
                    }
                    let wake = self.sim.wake_at(id).unwrap();
                    let next = extra.map_or(wake, |e| e.min(wake)).max(self.now);
                    self.now = if next == self.now {
                        self.now + Duration::from_millis(100)
                    } else {
                        next
                    };
                    reply = Reply::Held(id);
                }
            }
        }
    }

    pub fn send(&mut self, req: Request<Vec<u8>>) -> Response<Vec<u8>> {
        match self.send_with(req, |_, _| None) {
            Outcome::Answer(r) => r,
            Outcome::Dropped => panic!("connection dropped"),
        }
    }

    pub fn get(&mut self, pq: &str) -> Response<Vec<u8>> {
        let r = self.request(Method::GET, pq, Vec::new());
        self.send(r)
    }

    pub fn post(&mut self, pq: &str, body: &Value) -> Response<Vec<u8>> {
        let r = self.request(Method::POST, pq, serde_json::to_vec(body).unwrap());
        self.send(r)
    }

    pub fn post_json(&mut self, pq: &str, body: &Value) -> Value {
        let r = self.post(pq, body);
        serde_json::from_slice(r.body()).unwrap()
    }

    /// jslogin + knobs (scan, confirm) + poll + newloginpage + webwxinit.
    pub fn login(&mut self) -> Creds {
        self.login_account(0)
    }

    /// [`H::login`] as account `account`.
    pub fn login_account(&mut self, account: usize) -> Creds {
        let uuid = self.jslogin();
        self.sim.scan(&uuid, account, self.now).unwrap();
        self.sim.confirm(&uuid, self.now).unwrap();
        let creds = self.enter(&uuid, 1);
        let init = self.post_json(
            &format!(
                "{API}/webwxinit?r=-1&lang=zh_CN&pass_ticket={}",
                creds.pass_ticket
            ),
            &json!({ "BaseRequest": base_request(&creds) }),
        );
        assert_eq!(init["BaseResponse"]["Ret"], 0, "{init}");
        Creds {
            user_name: init["User"]["UserName"].as_str().unwrap().to_string(),
            ..creds
        }
    }

    /// For a confirmed `uuid`: the login poll (with `tip`), its redirect, and
    /// webwxnewloginpage; the credentials of the XML.
    pub fn enter(&mut self, uuid: &str, tip: u8) -> Creds {
        let body = text(&self.get(&format!(
            "{API}/login?loginicon=true&uuid={uuid}&tip={tip}&r=1&_=1"
        )));
        let uri = body
            .split("window.redirect_uri=\"")
            .nth(1)
            .unwrap()
            .trim_end_matches("\";");
        let path = uri.strip_prefix(BASE).unwrap();
        let xml = text(&self.get(&format!("{path}&fun=new&version=v2")));
        creds_of(&xml)
    }

    pub fn jslogin(&mut self) -> String {
        let body = text(&self.get("/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh_CN&_=1"));
        body.split("uuid = \"")
            .nth(1)
            .unwrap()
            .trim_end_matches("\";")
            .to_string()
    }
}

pub fn text(r: &Response<Vec<u8>>) -> String {
    String::from_utf8(r.body().clone()).unwrap()
}

pub fn xml_field(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&close)? + start;
    Some(xml[start..end].to_string())
}

pub fn creds_of(xml: &str) -> Creds {
    Creds {
        uin: xml_field(xml, "wxuin").unwrap().parse().unwrap(),
        sid: xml_field(xml, "wxsid").unwrap(),
        skey: xml_field(xml, "skey").unwrap(),
        pass_ticket: xml_field(xml, "pass_ticket").unwrap(),
        user_name: String::new(),
    }
}

pub fn base_request(c: &Creds) -> Value {
    json!({ "Uin": c.uin, "Sid": c.sid, "Skey": c.skey, "DeviceID": "e123456789012345" })
}

pub fn enc(s: &str) -> String {
    wx_sim::wire::query::encode(s)
}

// ----- fixtures -----

pub fn fixtures_dir() -> PathBuf {
    if let Ok(d) = std::env::var("WX_SHARED_FIXTURES") {
        return PathBuf::from(d);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures")
}

/// Whether the real-server samples are on this machine. Without them (a fresh clone) the
/// comparisons with them are skipped, said once per test binary, unless
/// `WX_REQUIRE_FIXTURES=1` makes that a failure. The same rule as `wx_testkit::fixtures`
/// (wx-testkit depends on wx-sim: it cannot be a dev-dependency here).
pub fn fixtures_present() -> bool {
    let dir = fixtures_dir();
    if dir.join("SOURCES.md").is_file() {
        return true;
    }
    let required = std::env::var("WX_REQUIRE_FIXTURES").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "the shared real-server fixtures are missing at {} (WX_REQUIRE_FIXTURES=1; set WX_SHARED_FIXTURES)",
        dir.display()
    );
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        use std::io::Write;
        // Straight to stderr: the test harness captures `eprintln!` of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "skipped: the real-server sample tests (no fixtures at {}; set WX_SHARED_FIXTURES, or WX_REQUIRE_FIXTURES=1 to fail)",
            dir.display()
        );
    });
    false
}

pub fn fixture_text(rel: &str) -> String {
    let p = fixtures_dir().join(rel);
    std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("fixture {} (set WX_SHARED_FIXTURES): {e}", p.display()))
}

/// Removes `// comments` outside strings (the .jsonc fixtures).
pub fn strip_jsonc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_str = false;
    let mut esc = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if in_str {
            out.push(c);
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
        } else if c == '"' {
            in_str = true;
            out.push(c);
        } else if c == '/' && chars.peek() == Some(&'/') {
            for d in chars.by_ref() {
                if d == '\n' {
                    out.push('\n');
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub fn fixture_json(rel: &str) -> Value {
    serde_json::from_str(&strip_jsonc(&fixture_text(rel))).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every key of `fixture` is in `ours` with a value of the same JSON type, recursively
/// (arrays: their first elements). Returns the mismatches as paths.
pub fn shape_diff(fixture: &Value, ours: &Value, path: &str, out: &mut Vec<String>) {
    match (fixture, ours) {
        (Value::Object(f), Value::Object(o)) => {
            for (k, fv) in f {
                match o.get(k) {
                    None => out.push(format!("{path}.{k}: missing")),
                    Some(ov) => shape_diff(fv, ov, &format!("{path}.{k}"), out),
                }
            }
        }
        (Value::Array(f), Value::Array(o)) => {
            if let (Some(fv), Some(ov)) = (f.first(), o.first()) {
                shape_diff(fv, ov, &format!("{path}[0]"), out);
            }
        }
        (f, o) if kind(f) != kind(o) => out.push(format!("{path}: {} vs {}", kind(f), kind(o))),
        _ => {}
    }
}

pub fn assert_shape(fixture_rel: &str, ours: &Value) {
    if !fixtures_present() {
        return;
    }
    let f = fixture_json(fixture_rel);
    let mut diffs = Vec::new();
    shape_diff(&f, ours, "$", &mut diffs);
    assert!(diffs.is_empty(), "{fixture_rel}: {diffs:#?}");
}

/// Replaces runs of characters of a value with `#` so layouts can be compared.
pub fn layout(s: &str) -> String {
    let mut out = String::new();
    let mut in_value = false;
    for c in s.chars() {
        let v = c.is_ascii_alphanumeric() || "_=-+/%@.".contains(c);
        if v {
            if !in_value {
                out.push('#');
                in_value = true;
            }
        } else {
            in_value = false;
            out.push(c);
        }
    }
    out
}
