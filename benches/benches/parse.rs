//! Parse benchmarks (divan): wx-proto's parsers against their baselines, in the same run.
//!
//! - `js_assign/*`: synccheck, jslogin and login-poll bodies (real captures and the project's
//!   samples): wx-proto's nom parsers vs itchat's regular expressions vs QuickJS (one warm
//!   context reused, and a fresh runtime per body).
//! - `json/*`: a webwxsync with 100 mixed messages, a webwxinit with 200 contacts and a
//!   webwxgetcontact page of 5,000: wx-proto's typed parse vs `serde_json::Value` with the same
//!   fields extracted, each with and without `model::decode` of every message.
//!
//! divan's `AllocProfiler` counts heap allocations per iteration; `BytesCount` gives bytes/s.
//! Run: `CARGO_TARGET_DIR=/work/target-bench cargo bench -p wx-benches --bench parse`.

use std::sync::LazyLock;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use wx_benches::baseline::{self, Js};
use wx_benches::corpus::{self, OWN_USER_NAME, SmallBodies};
use wx_proto::model::decode;
use wx_proto::parse;

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

static SMALL: LazyLock<SmallBodies> = LazyLock::new(SmallBodies::load);
static SYNC_100: LazyLock<Vec<u8>> = LazyLock::new(|| corpus::sync_body(100));
static INIT_200: LazyLock<Vec<u8>> = LazyLock::new(|| corpus::init_body(200));
static CONTACTS_5000: LazyLock<Vec<u8>> = LazyLock::new(|| corpus::contact_page(5000));

fn main() {
    check_agreement();
    divan::main();
}

/// Before measuring: every parser reads the same values from every body.
fn check_agreement() {
    let s = &*SMALL;
    let js = Js::new();
    let sc = parse::parse_synccheck(&s.synccheck).expect("synccheck");
    let want = (sc.retcode.raw(), sc.selector);
    assert_eq!(baseline::regex::synccheck(&s.synccheck), Some(want));
    assert_eq!(js.synccheck(&s.synccheck), Some(want));

    let parse::JsLogin::Uuid(uuid) = parse::parse_jslogin(&s.jslogin).expect("jslogin") else {
        panic!("jslogin sample is not a uuid");
    };
    assert_eq!(baseline::regex::jslogin(&s.jslogin), Some((200, &*uuid)));
    assert_eq!(js.jslogin(&s.jslogin), Some((200, uuid.to_string())));

    for (body, code) in [
        (&s.login_200, 200),
        (&s.login_201, 201),
        (&s.login_408, 408),
    ] {
        let extra = match parse::parse_login_poll(body).expect("login poll") {
            parse::LoginPoll::Confirmed { redirect_uri } => Some(redirect_uri.into_owned()),
            parse::LoginPoll::Scanned { avatar } => avatar.map(|a| a.into_owned()),
            parse::LoginPoll::Waiting => None,
            other => panic!("unexpected {other:?}"),
        };
        let re = baseline::regex::login_poll(body).expect("regex login poll");
        assert_eq!((re.0, re.1.map(str::to_owned)), (code, extra.clone()));
        assert_eq!(js.login_poll(body), Some((code, extra)));
    }

    let typed = parse::parse_sync(&SYNC_100).expect("sync");
    let value = baseline::value::sync(&SYNC_100).expect("value sync");
    let msgs: Vec<_> = typed
        .add_msg_list
        .into_iter()
        .map(|m| m.expect("every generated message parses"))
        .collect();
    assert_eq!(msgs.len(), 100);
    assert_eq!(
        msgs, value.messages,
        "the Value baseline extracts the same messages"
    );

    let typed = parse::parse_init(&INIT_200).expect("init");
    let value = baseline::value::init(&INIT_200).expect("value init");
    assert_eq!(typed.contact_list.len(), 200);
    assert_eq!(typed.contact_list, value.contacts, "same contacts");

    let typed = parse::parse_get_contact(&CONTACTS_5000).expect("contacts");
    let value = baseline::value::get_contact(&CONTACTS_5000).expect("value contacts");
    assert_eq!(typed.member_list.len(), 5000);
    assert_eq!(typed.member_list, value.2, "same contacts");
}

/// synccheck, jslogin and login poll: nom vs regex vs QuickJS.
#[divan::bench_group]
mod js_assign {
    use super::*;

    fn bodies() -> [(&'static str, &'static [u8]); 5] {
        let s = &*SMALL;
        [
            ("synccheck", &s.synccheck),
            ("jslogin", &s.jslogin),
            ("login_200", &s.login_200),
            ("login_201", &s.login_201),
            ("login_408", &s.login_408),
        ]
    }

    fn body(name: &str) -> &'static [u8] {
        bodies()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b)
            .expect("a known body")
    }

    const NAMES: &[&str] = &[
        "synccheck",
        "jslogin",
        "login_200",
        "login_201",
        "login_408",
    ];

    fn nom(name: &str, b: &[u8]) -> bool {
        match name {
            "synccheck" => parse::parse_synccheck(b).is_ok(),
            "jslogin" => parse::parse_jslogin(b).is_ok(),
            _ => parse::parse_login_poll(b).is_ok(),
        }
    }

    fn re(name: &str, b: &[u8]) -> bool {
        match name {
            "synccheck" => baseline::regex::synccheck(b).is_some(),
            "jslogin" => baseline::regex::jslogin(b).is_some(),
            _ => baseline::regex::login_poll(b).is_some(),
        }
    }

    fn js(engine: &Js, name: &str, b: &[u8]) -> bool {
        match name {
            "synccheck" => engine.synccheck(b).is_some(),
            "jslogin" => engine.jslogin(b).is_some(),
            _ => engine.login_poll(b).is_some(),
        }
    }

    /// wx-proto's nom parsers.
    #[divan::bench(args = NAMES)]
    fn wx_nom(bencher: Bencher, name: &str) {
        let b = body(name);
        bencher
            .counter(BytesCount::of_slice(b))
            .bench_local(|| nom(name, black_box(b)));
    }

    /// itchat's regular expressions (compiled once, before measuring).
    #[divan::bench(args = NAMES)]
    fn regex(bencher: Bencher, name: &str) {
        let b = body(name);
        baseline::regex::warm();
        bencher
            .counter(BytesCount::of_slice(b))
            .bench_local(|| re(name, black_box(b)));
    }

    /// QuickJS with a new runtime and context for every body (created and torn down inside
    /// the measured region), as an eval-per-response client without a cached engine does.
    #[divan::bench(args = NAMES)]
    fn quickjs_fresh(bencher: Bencher, name: &str) {
        let b = body(name);
        bencher
            .counter(BytesCount::of_slice(b))
            .bench_local(|| js(&Js::new(), name, black_box(b)));
    }

    /// QuickJS: evaluate the body, read `window.*` back (runtime and context reused).
    #[divan::bench(args = NAMES)]
    fn quickjs(bencher: Bencher, name: &str) {
        let b = body(name);
        let engine = Js::new();
        bencher
            .counter(BytesCount::of_slice(b))
            .bench_local(|| js(&engine, name, black_box(b)));
    }
}

/// The JSON bodies: typed parse vs `serde_json::Value` + extraction.
#[divan::bench_group]
mod json {
    use super::*;

    /// webwxsync, 100 messages: typed parse, then `model::decode` of each message.
    #[divan::bench]
    fn sync100_wx_typed_decode(bencher: Bencher) {
        let b = &**SYNC_100;
        bencher.counter(BytesCount::of_slice(b)).bench_local(|| {
            let r = parse::parse_sync(black_box(b)).expect("sync");
            for m in r.add_msg_list.into_iter().flatten() {
                black_box(decode(m, OWN_USER_NAME));
            }
        });
    }

    /// webwxsync, 100 messages: `Value`, extraction, then `model::decode` of each message.
    #[divan::bench]
    fn sync100_value_decode(bencher: Bencher) {
        let b = &**SYNC_100;
        bencher.counter(BytesCount::of_slice(b)).bench_local(|| {
            let r = baseline::value::sync(black_box(b)).expect("sync");
            for m in r.messages {
                black_box(decode(m, OWN_USER_NAME));
            }
        });
    }

    /// webwxsync, 100 messages: typed parse only.
    #[divan::bench]
    fn sync100_wx_typed(bencher: Bencher) {
        let b = &**SYNC_100;
        bencher
            .counter(BytesCount::of_slice(b))
            .bench_local(|| parse::parse_sync(black_box(b)).is_ok());
    }

    /// webwxsync, 100 messages: `Value` and extraction only.
    #[divan::bench]
    fn sync100_value(bencher: Bencher) {
        let b = &**SYNC_100;
        bencher
            .counter(BytesCount::of_slice(b))
            .bench_local(|| baseline::value::sync(black_box(b)).is_some());
    }

    /// webwxinit, 200 contacts: typed parse.
    #[divan::bench]
    fn init200_wx_typed(bencher: Bencher) {
        let b = &**INIT_200;
        bencher
            .counter(BytesCount::of_slice(b))
            .bench_local(|| parse::parse_init(black_box(b)).is_ok());
    }

    /// webwxinit, 200 contacts: `Value` and extraction.
    #[divan::bench]
    fn init200_value(bencher: Bencher) {
        let b = &**INIT_200;
        bencher
            .counter(BytesCount::of_slice(b))
            .bench_local(|| baseline::value::init(black_box(b)).is_some());
    }

    /// webwxgetcontact, 5,000 contacts: typed parse.
    #[divan::bench]
    fn contacts5000_wx_typed(bencher: Bencher) {
        let b = &**CONTACTS_5000;
        bencher
            .counter(BytesCount::of_slice(b))
            .bench_local(|| parse::parse_get_contact(black_box(b)).is_ok());
    }

    /// webwxgetcontact, 5,000 contacts: `Value` and extraction.
    #[divan::bench]
    fn contacts5000_value(bencher: Bencher) {
        let b = &**CONTACTS_5000;
        bencher
            .counter(BytesCount::of_slice(b))
            .bench_local(|| baseline::value::get_contact(black_box(b)).is_some());
    }
}
