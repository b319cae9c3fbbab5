//! Sticky patterns in the sans-IO core: stuck keys, no hold, continue forever, 500 storms and
//! throttling last until cleared, per account or for every one; request counters count.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use http::Method;
use serde_json::{Value, json};
use wx_sim::{Body, Fault, Pattern, Push, Reply, WorldSpec};

fn check_url(c: &Creds, key: &Value) -> String {
    let key = key["List"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kv| format!("{}_{}", kv["Key"], kv["Val"]))
        .collect::<Vec<_>>()
        .join("|");
    format!(
        "{API}/synccheck?r=1&skey={}&sid={}&uin={}&deviceid=e123&synckey={}&_=1",
        enc(&c.skey),
        enc(&c.sid),
        c.uin,
        enc(&key)
    )
}

fn sync_url(c: &Creds) -> String {
    format!(
        "{API}/webwxsync?sid={}&skey={}&lang=zh_CN&pass_ticket={}",
        c.sid,
        c.skey,
        enc(&c.pass_ticket)
    )
}

fn sync(h: &mut H, c: &Creds, key: &Value) -> Value {
    h.post_json(
        &sync_url(c),
        &json!({"BaseRequest": base_request(c), "SyncKey": key, "rr": -5}),
    )
}

/// One synccheck, answered at once (`Some(body)`) or held (`None`, then forgotten).
fn check_now(h: &mut H, c: &Creds, key: &Value) -> Option<String> {
    let req = h.request(Method::GET, &check_url(c, key), Vec::new());
    match h.sim.handle(&req, h.now) {
        Reply::Now(r) => Some(text(&r)),
        Reply::Held(id) => {
            h.sim.cancel_held(id);
            None
        }
        other => panic!("{other:?}"),
    }
}

fn selector(sel: u32) -> Option<String> {
    Some(format!(
        "window.synccheck={{retcode:\"0\",selector:\"{sel}\"}}"
    ))
}

/// Logs in and takes the chat list queued at login: the SyncKey after it.
fn ready(h: &mut H) -> (Creds, Value) {
    let c = h.login();
    let init = h.post_json(
        &format!("{API}/webwxinit?r=-1&pass_ticket={}", enc(&c.pass_ticket)),
        &json!({"BaseRequest": base_request(&c)}),
    );
    let v = sync(h, &c, &init["SyncKey"]);
    assert_eq!(v["AddMsgCount"], 1, "the MsgType 51 chat list");
    (c, v["SyncKey"].clone())
}

fn push_text(h: &mut H, account: usize, text: &str) {
    h.sim
        .push(
            &Push {
                account,
                ..Push::default()
            },
            &Body::Text { text: text.into() },
            h.now,
        )
        .unwrap();
}

#[test]
fn stuck_keys_answer_at_once_echo_the_keys_and_keep_events_until_cleared() {
    let mut h = H::new(config());
    let (c, key) = ready(&mut h);
    assert_eq!(check_now(&mut h, &c, &key), None, "normally held");
    h.sim.set_pattern(Some(Pattern::StuckKeys { selector: 3 }));
    assert_eq!(h.sim.patterns(None), &[Pattern::StuckKeys { selector: 3 }]);
    push_text(&mut h, 0, "queued");
    for _ in 0..3 {
        assert_eq!(check_now(&mut h, &c, &key), selector(3));
        let v = sync(&mut h, &c, &key);
        assert_eq!(v["BaseResponse"]["Ret"], 0);
        assert_eq!(v["SyncKey"], key, "the keys the client sent");
        assert_eq!(v["SyncCheckKey"], key);
        assert_eq!(v["AddMsgCount"], 0);
        assert_eq!(v["AddMsgList"], json!([]));
        assert_eq!(v["ModContactList"], json!([]));
        assert_eq!(v["DelContactList"], json!([]));
        assert_eq!(v["ContinueFlag"], 0);
    }
    h.sim.clear_patterns();
    assert!(h.sim.patterns(None).is_empty());
    assert_eq!(check_now(&mut h, &c, &key), selector(2), "the queued text");
    let v = sync(&mut h, &c, &key);
    assert_eq!(v["AddMsgCount"], 1);
    assert_eq!(v["AddMsgList"][0]["Content"], "queued");
    assert_ne!(v["SyncKey"], key, "keys advance again");
    assert_eq!(check_now(&mut h, &c, &v["SyncKey"]), None, "held again");
}

#[test]
fn stuck_keys_answer_a_synccheck_already_held() {
    let mut h = H::new(config());
    let (c, key) = ready(&mut h);
    let req = h.request(Method::GET, &check_url(&c, &key), Vec::new());
    let Reply::Held(id) = h.sim.handle(&req, h.now) else {
        panic!("held")
    };
    h.sim.take_wakes();
    assert!(h.sim.poll_held(id, h.now).is_none());
    h.sim.set_pattern(Some(Pattern::StuckKeys { selector: 7 }));
    assert_eq!(h.sim.take_wakes(), wx_sim::sim::Wakes::All);
    match h.sim.poll_held(id, h.now) {
        Some(Reply::Now(r)) => assert_eq!(Some(text(&r)), selector(7)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn no_hold_answers_selector_0_at_once_and_2_when_an_event_waits() {
    let mut h = H::new(config());
    let (c, key) = ready(&mut h);
    h.sim.set_pattern(Some(Pattern::NoHold));
    for _ in 0..5 {
        assert_eq!(check_now(&mut h, &c, &key), selector(0));
    }
    push_text(&mut h, 0, "real");
    assert_eq!(check_now(&mut h, &c, &key), selector(2));
    let v = sync(&mut h, &c, &key);
    assert_eq!(v["AddMsgList"][0]["Content"], "real");
    let key = v["SyncKey"].clone();
    assert_eq!(check_now(&mut h, &c, &key), selector(0));
    h.sim.set_pattern(None);
    assert_eq!(check_now(&mut h, &c, &key), None, "held after clearing");
}

#[test]
fn continue_forever_flags_every_sync_without_progress_but_delivers_events() {
    let mut h = H::new(config());
    let (c, key) = ready(&mut h);
    h.sim.set_pattern(Some(Pattern::ContinueForever));
    for _ in 0..3 {
        let v = sync(&mut h, &c, &key);
        assert_eq!(v["ContinueFlag"], 1);
        assert_eq!(v["AddMsgCount"], 0);
        assert_eq!(v["SyncKey"], key, "no progress");
    }
    push_text(&mut h, 0, "meanwhile");
    let v = sync(&mut h, &c, &key);
    assert_eq!(v["ContinueFlag"], 1);
    assert_eq!(v["AddMsgList"][0]["Content"], "meanwhile");
    assert_ne!(v["SyncKey"], key);
    let key = v["SyncKey"].clone();
    let v = sync(&mut h, &c, &key);
    assert_eq!(
        (v["ContinueFlag"].clone(), v["AddMsgCount"].clone()),
        (json!(1), json!(0))
    );
    assert_eq!(v["SyncKey"], key);
    h.sim.clear_patterns();
    assert_eq!(sync(&mut h, &c, &key)["ContinueFlag"], 0);
}

#[test]
fn status_storm_lasts_until_cleared_on_the_chosen_endpoints_only() {
    let mut h = H::new(config());
    let (c, key) = ready(&mut h);
    h.sim
        .set_pattern(Some(Pattern::status(500, &["synccheck", "webwxsync"])));
    for _ in 0..50 {
        let req = h.request(Method::GET, &check_url(&c, &key), Vec::new());
        match h.sim.handle(&req, h.now) {
            Reply::Now(r) => assert_eq!((r.status().as_u16(), r.body().len()), (500, 0)),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(h.post(&sync_url(&c), &json!({})).status().as_u16(), 500);
    assert_eq!(h.sim.pending_faults(), 0, "sticky: no rule is used up");
    let init = h.post_json(
        &format!("{API}/webwxinit?r=-1&pass_ticket={}", enc(&c.pass_ticket)),
        &json!({"BaseRequest": base_request(&c)}),
    );
    assert_eq!(
        init["BaseResponse"]["Ret"], 0,
        "webwxinit is not in the storm"
    );
    h.sim.clear_patterns();
    assert_eq!(check_now(&mut h, &c, &key), None, "held: normal again");
    assert_eq!(sync(&mut h, &c, &key)["BaseResponse"]["Ret"], 0);
}

#[test]
fn one_shot_fault_rules_come_before_sticky_ones_and_clear_faults_drops_them() {
    let mut h = H::new(config());
    let (c, key) = ready(&mut h);
    h.sim
        .set_pattern(Some(Pattern::status(503, &["synccheck"])));
    h.sim.throttle(Some("synccheck"), 1);
    assert_eq!(
        check_now(&mut h, &c, &key).unwrap(),
        "window.synccheck={retcode:\"1205\",selector:\"0\"}"
    );
    let req = h.request(Method::GET, &check_url(&c, &key), Vec::new());
    let Reply::Now(r) = h.sim.handle(&req, h.now) else {
        panic!()
    };
    assert_eq!(r.status().as_u16(), 503);
    h.sim.throttle(None, 5);
    h.sim.clear_faults();
    assert_eq!(h.sim.pending_faults(), 0);
}

fn send_text(h: &mut H, c: &Creds) -> Value {
    let to = h.sim.world().accounts[0]
        .friends()
        .next()
        .unwrap()
        .user_name
        .clone();
    h.post_json(
        &format!("{API}/webwxsendmsg?pass_ticket={}", enc(&c.pass_ticket)),
        &json!({"BaseRequest": base_request(c), "Msg": {"Type": 1, "Content": "hi", "FromUserName": c.user_name, "ToUserName": to, "LocalID": "1", "ClientMsgId": "1"}, "Scene": 0}),
    )
}

fn init(h: &mut H, c: &Creds) -> Value {
    h.post_json(
        &format!("{API}/webwxinit?r=-1&pass_ticket={}", enc(&c.pass_ticket)),
        &json!({"BaseRequest": base_request(c)}),
    )
}

#[test]
fn throttle_covers_init_sends_and_the_synccheck_retcode_n_times_or_until_cleared() {
    let mut h = H::new(config());
    let (c, key) = ready(&mut h);
    // N times: the existing knob, one endpoint at a time.
    h.sim.throttle(Some("webwxinit"), 2);
    h.sim.throttle(Some("webwxsendmsg"), 1);
    h.sim.throttle(Some("synccheck"), 1);
    assert_eq!(init(&mut h, &c)["BaseResponse"]["Ret"], 1205);
    assert_eq!(init(&mut h, &c)["BaseResponse"]["Ret"], 1205);
    assert_eq!(init(&mut h, &c)["BaseResponse"]["Ret"], 0);
    assert_eq!(send_text(&mut h, &c)["BaseResponse"]["Ret"], 1205);
    assert_eq!(send_text(&mut h, &c)["BaseResponse"]["Ret"], 0);
    assert_eq!(
        check_now(&mut h, &c, &key).unwrap(),
        "window.synccheck={retcode:\"1205\",selector:\"0\"}"
    );
    // Sticky.
    h.sim
        .add_pattern(None, Pattern::throttle(&["webwxinit", "webwxsendmsg"]));
    let sent = h.sim.sent().len();
    for _ in 0..10 {
        assert_eq!(init(&mut h, &c)["BaseResponse"]["Ret"], 1205);
        assert_eq!(send_text(&mut h, &c)["BaseResponse"]["Ret"], 1205);
    }
    assert_eq!(h.sim.sent().len(), sent, "throttled sends are not recorded");
    assert_eq!(
        sync(&mut h, &c, &key)["BaseResponse"]["Ret"],
        0,
        "others pass"
    );
    h.sim.clear_patterns();
    assert_eq!(init(&mut h, &c)["BaseResponse"]["Ret"], 0);
    assert_eq!(send_text(&mut h, &c)["BaseResponse"]["Ret"], 0);
}

#[test]
fn account_patterns_hit_that_account_only_and_come_before_global_ones() {
    let mut h = H::new(wx_sim::Config {
        world: WorldSpec {
            accounts: 2,
            ..WorldSpec::default()
        },
        ..config()
    });
    let (c0, k0) = ready(&mut h);
    let jar0 = std::mem::take(&mut h.jar);
    let uuid = h.jslogin();
    h.sim.scan(&uuid, 1, h.now).unwrap();
    h.sim.confirm(&uuid, h.now).unwrap();
    let c1 = h.enter(&uuid, 1);
    let v = sync(&mut h, &c1, &json!({"Count": 0, "List": []}));
    let k1 = v["SyncKey"].clone();
    let jar1 = std::mem::replace(&mut h.jar, jar0.clone());

    h.sim
        .set_account_pattern(1, Some(Pattern::StuckKeys { selector: 2 }));
    assert_eq!(check_now(&mut h, &c0, &k0), None, "account 0 is held");
    h.jar = jar1.clone();
    assert_eq!(check_now(&mut h, &c1, &k1), selector(2));

    // Every account: no hold; account 1's own pattern still wins there.
    h.sim.set_pattern(Some(Pattern::NoHold));
    assert_eq!(check_now(&mut h, &c1, &k1), selector(2));
    h.jar = jar0.clone();
    assert_eq!(check_now(&mut h, &c0, &k0), selector(0));
    let view = h.sim.pattern_view();
    assert_eq!(view.all, vec![Pattern::NoHold]);
    assert_eq!(view.accounts[&1], vec![Pattern::StuckKeys { selector: 2 }]);

    h.sim.set_account_pattern(1, None);
    assert!(h.sim.patterns(Some(1)).is_empty());
    h.jar = jar1;
    assert_eq!(check_now(&mut h, &c1, &k1), selector(0), "now under NoHold");
    assert_eq!(h.sim.account_requests(1, "synccheck"), 3);
    assert_eq!(h.sim.account_requests(0, "synccheck"), 2);
    assert_eq!(h.sim.requests("synccheck"), 5);
}

#[test]
fn sticky_faults_can_target_one_account() {
    let mut h = H::new(wx_sim::Config {
        world: WorldSpec {
            accounts: 2,
            ..WorldSpec::default()
        },
        ..config()
    });
    let (c, key) = ready(&mut h);
    h.sim.set_account_pattern(
        1,
        Some(Pattern::Fault {
            endpoints: vec![],
            fault: Fault::Status { code: 500 },
        }),
    );
    assert_eq!(check_now(&mut h, &c, &key), None, "account 0 is unaffected");
    h.sim.set_account_pattern(
        0,
        Some(Pattern::Fault {
            endpoints: vec![],
            fault: Fault::Status { code: 500 },
        }),
    );
    assert_eq!(h.post(&sync_url(&c), &json!({})).status().as_u16(), 500);
    let js = h.get("/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh_CN&_=1");
    assert_eq!(
        js.status().as_u16(),
        500,
        "its wxsid cookie names account 0"
    );
    h.jar.clear();
    let js = h.get("/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh_CN&_=1");
    assert_eq!(
        js.status().as_u16(),
        200,
        "no session: only global patterns apply"
    );
}

#[test]
fn counters_count_every_request_per_endpoint_and_per_account() {
    let mut h = H::new(config());
    let (c, key) = ready(&mut h);
    let before = h.sim.stats(true);
    assert_eq!(before.requests["jslogin"], 1);
    assert_eq!(before.requests["webwxinit"], 2, "login's and ready's");
    assert_eq!(before.total, before.requests.values().sum::<u64>());
    assert_eq!(before.by_account[&0]["webwxinit"], 2);
    assert!(
        !before.by_account[&0].contains_key("jslogin"),
        "before a session"
    );
    h.sim
        .set_pattern(Some(Pattern::status(500, &["synccheck"])));
    for _ in 0..40 {
        check_now(&mut h, &c, &key);
    }
    h.get("/__sim/state");
    let after = h.sim.stats(true);
    assert_eq!(
        after.requests["synccheck"],
        before.requests.get("synccheck").copied().unwrap_or(0) + 40
    );
    assert_eq!(
        after.total,
        before.total + 40,
        "control requests are not counted"
    );
    assert_eq!(h.sim.account_requests(0, "synccheck"), 40);
    assert_eq!(h.sim.requests("synccheck"), 40);
    assert!(h.sim.stats(false).by_account.is_empty());
}
