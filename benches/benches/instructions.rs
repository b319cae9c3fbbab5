//! Instruction counts (gungraun + valgrind's callgrind) for the same parsers as the `parse`
//! bench, and for the in-memory session loop of the `session` bench: deterministic, the same
//! under load, so regressions show through the noise.
//!
//! Needs valgrind and `cargo install gungraun-runner --version 0.20.0 --locked`.
//! Run: `CARGO_TARGET_DIR=/work/target-bench cargo bench -p wx-benches --bench instructions`.
//! Setup (reading the fixtures, building the bodies, compiling the regexes, starting QuickJS)
//! is outside the counted region. The small-body benches hand their inputs back, so dropping
//! them (above all the QuickJS runtime, whose teardown costs ~300k instructions) is not
//! counted either; the JSON benches count dropping what they parsed, on both sides.

// gungraun's `#[library_benchmark]` expands to public modules that cannot carry docs.
#![allow(missing_docs)]

use std::hint::black_box;

use gungraun::{library_benchmark, library_benchmark_group, main};
use wx_benches::baseline::{self, Js};
use wx_benches::corpus::{self, OWN_USER_NAME, SmallBodies};
use wx_benches::pair::{Pair, world};
use wx_proto::model::decode;
use wx_proto::parse;

/// A small body by name.
fn small(name: &str) -> Vec<u8> {
    let s = SmallBodies::load();
    match name {
        "synccheck" => s.synccheck,
        "jslogin" => s.jslogin,
        "login_200" => s.login_200,
        "login_201" => s.login_201,
        _ => s.login_408,
    }
}

/// A small body by name, with the regexes compiled and their lazy DFAs warmed on it (one
/// parse before the counted one: the steady state of a long-running client).
fn small_regex(name: &str) -> Vec<u8> {
    baseline::regex::warm();
    let body = small(name);
    black_box(js_assign_regex_inner(&body));
    body
}

/// A small body by name, with a QuickJS runtime ready and warmed by one evaluation of it.
fn small_js(name: &str) -> (Js, Vec<u8>) {
    let js = Js::new();
    let body = small(name);
    black_box(js_assign_quickjs_inner(&js, &body));
    (js, body)
}

fn js_assign_regex_inner(b: &[u8]) -> bool {
    if b.starts_with(b"window.synccheck") {
        baseline::regex::synccheck(b).is_some()
    } else if b.starts_with(b"window.QRLogin") {
        baseline::regex::jslogin(b).is_some()
    } else {
        baseline::regex::login_poll(b).is_some()
    }
}

fn js_assign_quickjs_inner(js: &Js, b: &[u8]) -> bool {
    if b.starts_with(b"window.synccheck") {
        js.synccheck(b).is_some()
    } else if b.starts_with(b"window.QRLogin") {
        js.jslogin(b).is_some()
    } else {
        js.login_poll(b).is_some()
    }
}

/// A large body by name.
fn large(name: &str) -> Vec<u8> {
    match name {
        "sync100" => corpus::sync_body(100),
        "init200" => corpus::init_body(200),
        _ => corpus::contact_page(5000),
    }
}

// webwxsync, 100 messages, parse only (no `model::decode`): wx-proto's typed parse.
#[library_benchmark]
#[bench::sync100(args = ("sync100"), setup = large)]
fn sync_parse_only_wx_typed(body: Vec<u8>) -> usize {
    parse::parse_sync(black_box(&body[..]))
        .expect("sync")
        .add_msg_list
        .len()
}

// webwxsync, 100 messages, parse only: `serde_json::Value` and extraction.
#[library_benchmark]
#[bench::sync100(args = ("sync100"), setup = large)]
fn sync_parse_only_value(body: Vec<u8>) -> usize {
    baseline::value::sync(black_box(&body[..]))
        .expect("sync")
        .messages
        .len()
}

// wx-proto's nom parsers.
#[library_benchmark]
#[bench::synccheck(args = ("synccheck"), setup = small)]
#[bench::jslogin(args = ("jslogin"), setup = small)]
#[bench::login_200(args = ("login_200"), setup = small)]
#[bench::login_201(args = ("login_201"), setup = small)]
#[bench::login_408(args = ("login_408"), setup = small)]
fn js_assign_wx_nom(body: Vec<u8>) -> (bool, Vec<u8>) {
    let b = black_box(&body[..]);
    let ok = if b.starts_with(b"window.synccheck") {
        parse::parse_synccheck(b).is_ok()
    } else if b.starts_with(b"window.QRLogin") {
        parse::parse_jslogin(b).is_ok()
    } else {
        parse::parse_login_poll(b).is_ok()
    };
    (ok, body)
}

// itchat's regular expressions.
#[library_benchmark]
#[bench::synccheck(args = ("synccheck"), setup = small_regex)]
#[bench::jslogin(args = ("jslogin"), setup = small_regex)]
#[bench::login_200(args = ("login_200"), setup = small_regex)]
#[bench::login_201(args = ("login_201"), setup = small_regex)]
#[bench::login_408(args = ("login_408"), setup = small_regex)]
fn js_assign_regex(body: Vec<u8>) -> (bool, Vec<u8>) {
    (js_assign_regex_inner(black_box(&body[..])), body)
}

// QuickJS: evaluate, read `window.*` back.
#[library_benchmark]
#[bench::synccheck(args = ("synccheck"), setup = small_js)]
#[bench::jslogin(args = ("jslogin"), setup = small_js)]
#[bench::login_200(args = ("login_200"), setup = small_js)]
#[bench::login_201(args = ("login_201"), setup = small_js)]
#[bench::login_408(args = ("login_408"), setup = small_js)]
fn js_assign_quickjs(input: (Js, Vec<u8>)) -> (bool, (Js, Vec<u8>)) {
    (
        js_assign_quickjs_inner(&input.0, black_box(&input.1[..])),
        input,
    )
}

// QuickJS with a new runtime and context per body: creating and tearing them down is counted.
#[library_benchmark]
#[bench::synccheck(args = ("synccheck"), setup = small)]
#[bench::jslogin(args = ("jslogin"), setup = small)]
#[bench::login_200(args = ("login_200"), setup = small)]
#[bench::login_201(args = ("login_201"), setup = small)]
#[bench::login_408(args = ("login_408"), setup = small)]
fn js_assign_quickjs_fresh(body: Vec<u8>) -> (bool, Vec<u8>) {
    let js = Js::new();
    let ok = js_assign_quickjs_inner(&js, black_box(&body[..]));
    drop(js);
    (ok, body)
}

// wx-proto's typed parse (webwxsync: plus `model::decode` of each message).
#[library_benchmark]
#[bench::sync100(args = ("sync100"), setup = large)]
#[bench::init200(args = ("init200"), setup = large)]
#[bench::contacts5000(args = ("contacts5000"), setup = large)]
fn json_wx_typed(body: Vec<u8>) -> usize {
    let b = black_box(&body[..]);
    if b.windows(10).any(|w| w == b"AddMsgList") {
        let r = parse::parse_sync(b).expect("sync");
        let mut n = 0;
        for m in r.add_msg_list.into_iter().flatten() {
            black_box(decode(m, OWN_USER_NAME));
            n += 1;
        }
        n
    } else if b.windows(11).any(|w| w == b"ContactList") {
        parse::parse_init(b).expect("init").contact_list.len()
    } else {
        parse::parse_get_contact(b)
            .expect("contacts")
            .member_list
            .len()
    }
}

// `serde_json::Value` and extraction (webwxsync: plus `model::decode` of each message).
#[library_benchmark]
#[bench::sync100(args = ("sync100"), setup = large)]
#[bench::init200(args = ("init200"), setup = large)]
#[bench::contacts5000(args = ("contacts5000"), setup = large)]
fn json_value(body: Vec<u8>) -> usize {
    let b = black_box(&body[..]);
    if b.windows(10).any(|w| w == b"AddMsgList") {
        let r = baseline::value::sync(b).expect("sync");
        let mut n = 0;
        for m in r.messages {
            black_box(decode(m, OWN_USER_NAME));
            n += 1;
        }
        n
    } else if b.windows(11).any(|w| w == b"ContactList") {
        baseline::value::init(b).expect("init").contacts.len()
    } else {
        baseline::value::get_contact(b).expect("contacts").2.len()
    }
}

/// A logged-in pair, warmed by one burst of 1,000 messages.
fn warm_pair() -> Pair {
    let mut pair = Pair::logged_in(world(20, 3));
    pair.burst(1000);
    pair
}

// The session loop in memory, client and simulator together: 1,000 messages pushed at once,
// delivered 100 per webwxsync (divide by 1,000 for instructions per message). The pair is
// handed back so its teardown is not counted.
#[library_benchmark]
#[bench::burst_1000(setup = warm_pair)]
fn session_burst(mut pair: Pair) -> Pair {
    pair.burst(1000);
    pair
}

// The same, one message at a time (a synccheck and a webwxsync round each), 100 messages.
#[library_benchmark]
#[bench::one_by_one_100(setup = warm_pair)]
fn session_one_by_one(mut pair: Pair) -> Pair {
    pair.one_by_one(100);
    pair
}

library_benchmark_group!(
    name = session,
    benchmarks = [session_burst, session_one_by_one]
);

library_benchmark_group!(
    name = js_assign,
    benchmarks = [
        js_assign_wx_nom,
        js_assign_regex,
        js_assign_quickjs,
        js_assign_quickjs_fresh
    ]
);

library_benchmark_group!(
    name = json,
    benchmarks = [
        json_wx_typed,
        json_value,
        sync_parse_only_wx_typed,
        sync_parse_only_value
    ]
);

main!(library_benchmark_groups = js_assign, json, session);
