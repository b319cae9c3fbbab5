//! wx-sim's scenario table and the command run, over HTTP and over HTTPS with the
//! simulator's self-signed certificate, through wx-blocking.
#![allow(clippy::unwrap_used)]

mod adapter;
#[path = "../../wx-tokio/tests/common/mod.rs"]
mod common;

#[test]
fn scenario_table_over_http() {
    let failed = common::table::run_table(false, &adapter::start(None));
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn scenario_table_over_https() {
    let failed = common::table::run_table(true, &adapter::start(None));
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn commands_beside_a_held_synccheck_over_http_and_https() {
    let start = adapter::start(None);
    let a = std::thread::spawn({
        let start = start.clone();
        move || common::runs::run_ops(false, &start)
    });
    common::runs::run_ops(true, &start);
    a.join().unwrap();
}
