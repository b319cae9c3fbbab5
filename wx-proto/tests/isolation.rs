//! Per-element isolation on every input path: one element holding a raw control byte or
//! invalid UTF-8 (which no JSON parser steps over) costs only itself in webwxsync
//! (AddMsgList, ModContactList, DelContactList), webwxgetcontact, webwxbatchgetcontact and
//! webwxinit, while the envelope (and the sync keys) are still read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use serde_json::value::RawValue;
use wx_proto::parse::{
    BadElement, parse_batch_get_contact, parse_get_contact, parse_init, parse_sync,
};
use wx_proto::{Endpoint, ErrorKind, Format};

const BASE: &str = r#""BaseResponse":{"Ret":0,"ErrMsg":""}"#;
const KEYS: &str = r#""SyncKey":{"Count":1,"List":[{"Key":1,"Val":7}]},"SyncCheckKey":{"Count":1,"List":[{"Key":1,"Val":8}]},"SKey":"@crypt_new""#;

fn msg(id: &str, content: &[u8]) -> Vec<u8> {
    let mut out = format!(r#"{{"MsgId":"{id}","MsgType":1,"Content":""#).into_bytes();
    out.extend_from_slice(content);
    out.extend_from_slice(br#"","CreateTime":1600000000}"#);
    out
}

fn contact(name: &str, nick: &[u8]) -> Vec<u8> {
    let mut out = format!(r#"{{"UserName":"{name}","NickName":""#).into_bytes();
    out.extend_from_slice(nick);
    out.extend_from_slice(br#"","ContactFlag":3}"#);
    out
}

/// `{"<key>":[a,b,c]}` after `head` members, with `tail` members after the list.
fn body(head: &str, key: &str, items: &[Vec<u8>], tail: &str) -> Vec<u8> {
    let mut out = format!("{{{head},\"{key}\":[").into_bytes();
    out.extend_from_slice(&items.join(&b","[..]));
    out.extend_from_slice(format!("]{tail}}}").as_bytes());
    out
}

fn position(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("present")
}

fn assert_keys_read(s: &wx_proto::parse::SyncResponse) {
    assert_eq!(
        s.sync_key.as_ref().expect("SyncKey").to_query_value(),
        "1_7"
    );
    assert_eq!(
        s.sync_check_key
            .as_ref()
            .expect("SyncCheckKey")
            .to_query_value(),
        "1_8"
    );
    assert_eq!(s.skey.as_ref().expect("SKey").expose(), "@crypt_new");
}

fn three_messages(poison: &[u8]) -> Vec<u8> {
    let items = [
        msg("101", b"first"),
        msg("102", poison),
        msg("103", b"third"),
    ];
    body(BASE, "AddMsgList", &items, &format!(",{KEYS}"))
}

#[test]
fn raw_control_byte_in_one_message_costs_only_that_message() {
    let b = three_messages(b"sec\x01ond");
    let s = parse_sync(&b).expect("the envelope parses");
    assert_eq!(s.add_msg_list.len(), 3);
    assert_eq!(s.add_msg_list[0].as_ref().expect("first").content, "first");
    assert_eq!(s.add_msg_list[2].as_ref().expect("third").content, "third");
    let bad = s.add_msg_list[1].as_ref().expect_err("poisoned");
    assert_eq!(bad.id.as_deref(), Some("102"));
    assert_eq!(bad.error.format, Format::SyncMessage);
    assert_eq!(bad.error.kind, ErrorKind::Syntax);
    assert_eq!(bad.error.offset, position(&b, b"\x01"));
    assert_keys_read(&s);
}

#[test]
fn invalid_utf8_in_one_message_costs_only_that_message() {
    let b = three_messages(b"sec\xffond");
    let s = parse_sync(&b).expect("the envelope parses");
    assert_eq!(s.add_msg_list.len(), 3);
    assert!(s.add_msg_list[0].is_ok() && s.add_msg_list[2].is_ok());
    let bad = s.add_msg_list[1].as_ref().expect_err("poisoned");
    assert_eq!(bad.id.as_deref(), Some("102"));
    assert_eq!(bad.error.kind, ErrorKind::InvalidUtf8);
    assert_eq!(bad.error.offset, position(&b, b"\xff"));
    assert_keys_read(&s);
}

#[test]
fn a_message_id_is_read_from_a_number_and_missing_from_a_poisoned_id() {
    let items = [
        br#"{"MsgId":5000000000000000001,"MsgType":"x"}"#.to_vec(),
        b"{\"MsgId\":\"12\x013\",\"MsgType\":1}".to_vec(),
        b"{\"Content\":\"\x01\",\"MsgId\":\"104\",\"MsgType\":1}".to_vec(),
        b"[\"\x01\"]".to_vec(),
    ];
    let s = parse_sync(&body(BASE, "AddMsgList", &items, &format!(",{KEYS}"))).expect("parses");
    let ids: Vec<Option<&str>> = s
        .add_msg_list
        .iter()
        .map(|m| m.as_ref().expect_err("bad").id.as_deref())
        .collect();
    assert_eq!(ids, [Some("5000000000000000001"), None, Some("104"), None]);
}

#[test]
fn the_per_element_reading_reports_the_msg_id_too() {
    let b = common::read(&common::own_dir().join("webwxsync/one-malformed-message.json"));
    let s = parse_sync(&b).expect("parses");
    let bad = s.add_msg_list[1].as_ref().expect_err("malformed");
    assert_eq!(bad.id.as_deref(), Some("5000000000000000002"));
    assert_eq!(bad.error.kind, ErrorKind::InvalidValue("json"));
}

#[test]
fn poisoned_mod_contact_costs_only_that_contact() {
    for poison in [&b"x\x01"[..], b"x\xff"] {
        let items = [
            contact("@a", b"A"),
            contact("@b", poison),
            contact("@c", b"C"),
        ];
        let b = body(BASE, "ModContactList", &items, &format!(",{KEYS}"));
        let s = parse_sync(&b).expect("parses");
        assert_eq!(s.mod_contact_list.len(), 3);
        assert_eq!(s.mod_contact_list[0].as_ref().expect("a").nick_name, "A");
        assert_eq!(s.mod_contact_list[2].as_ref().expect("c").nick_name, "C");
        let bad = s.mod_contact_list[1].as_ref().expect_err("poisoned");
        assert_eq!(bad.id.as_deref(), Some("@b"));
        assert_eq!(bad.error.format, Format::SyncContact);
        assert_keys_read(&s);
    }
}

#[test]
fn poisoned_del_contact_costs_only_that_deletion() {
    for poison in [&b"\x01"[..], b"\xff"] {
        let mut bad = br#"{"UserName":"@b","ContactFlag":3,"X":""#.to_vec();
        bad.extend_from_slice(poison);
        bad.extend_from_slice(b"\"}");
        let items = [
            br#"{"UserName":"@a","ContactFlag":0}"#.to_vec(),
            bad,
            br#"{"UserName":"@c","ContactFlag":0}"#.to_vec(),
        ];
        let b = body(BASE, "DelContactList", &items, &format!(",{KEYS}"));
        let s = parse_sync(&b).expect("parses");
        let names: Vec<&str> = s
            .del_contact_list
            .iter()
            .map(|d| d.user_name.as_str())
            .collect();
        if poison == b"\xff" {
            // Invalid UTF-8 inside a skipped member is no fault (as in a one-pass reading).
            assert_eq!(names, ["@a", "@b", "@c"]);
            assert!(s.bad_del_contacts.is_empty());
        } else {
            assert_eq!(names, ["@a", "@c"]);
            assert_eq!(s.bad_del_contacts.len(), 1);
            assert_eq!(s.bad_del_contacts[0].id.as_deref(), Some("@b"));
        }
        assert_keys_read(&s);
    }
    // A poisoned UserName itself: the deletion is bad and has no id.
    let items = [
        br#"{"UserName":"@a"}"#.to_vec(),
        b"{\"UserName\":\"@\xff\"}".to_vec(),
    ];
    let s = parse_sync(&body(BASE, "DelContactList", &items, &format!(",{KEYS}"))).expect("parses");
    assert_eq!(s.del_contact_list.len(), 1);
    assert_eq!(s.bad_del_contacts.len(), 1);
    assert_eq!(s.bad_del_contacts[0].id, None);
    assert_eq!(s.bad_del_contacts[0].kind, ErrorKind::InvalidUtf8);
}

#[test]
fn a_poisoned_unknown_member_or_profile_does_not_block_the_batch() {
    let items = [msg("101", b"first"), msg("102", b"second")];
    let tails = [
        format!(",\"ModChatRoomMemberList\":[\"\x01\"],{KEYS}"),
        format!(",\"Unknown\x01Key\":1,{KEYS}"),
        format!(",\"Profile\":{{\"BitFlag\":190,\"NickName\":{{\"Buff\":\"\x01\"}}}},{KEYS}"),
        format!(",\"Profile\":5,\"ContinueFlag\":\"x\",{KEYS}"),
    ];
    for tail in tails {
        let mut b = body(BASE, "AddMsgList", &items, &tail);
        let s = parse_sync(&b).expect("parses");
        assert!(s.add_msg_list.iter().all(Result::is_ok), "{tail:?}");
        assert_eq!(s.add_msg_list.len(), 2);
        assert_eq!(s.profile, None);
        assert_eq!(s.continue_flag, 0);
        assert_keys_read(&s);
        // Invalid UTF-8 in the same places, too.
        for byte in b.iter_mut() {
            if *byte == 1 {
                *byte = 0xff;
            }
        }
        let s = parse_sync(&b).expect("parses");
        assert!(s.add_msg_list.iter().all(Result::is_ok));
        assert_keys_read(&s);
    }
}

#[test]
fn a_poisoned_sync_key_or_base_response_fails_the_batch() {
    let items = [msg("101", b"first")];
    let bad_key = "\"SyncKey\":{\"Count\":1,\"List\":[{\"Key\":1,\"Val\":\"7\x01\"}]}";
    let b = body(BASE, "AddMsgList", &items, &format!(",{bad_key}"));
    let e = parse_sync(&b).expect_err("the keys cannot advance");
    assert_eq!(e.offset, position(&b, b"\x01"));
    let bad_base = "\"BaseResponse\":{\"Ret\":0,\"ErrMsg\":\"\x01\"}";
    let b = body(bad_base, "AddMsgList", &items, &format!(",{KEYS}"));
    assert!(parse_sync(&b).is_err());
    // A repeated SyncKey is ambiguous.
    let b = body(
        BASE,
        "AddMsgList",
        &items,
        &format!(",{KEYS},{KEYS},\"X\":\"\x01\""),
    );
    assert!(parse_sync(&b).is_err());
}

#[test]
fn an_escaped_member_name_reads_as_the_member() {
    let items = [msg("101", b"first"), msg("102", b"\x01")];
    let mut b = body(BASE, "AddMsgList", &items, &format!(",{KEYS}"));
    let at = position(&b, b"AddMsgList");
    b.splice(at..at + 3, b"A\\u0064d".iter().copied());
    let s = parse_sync(&b).expect("parses");
    assert_eq!(s.add_msg_list.len(), 2);
    assert!(s.add_msg_list[0].is_ok() && s.add_msg_list[1].is_err());
}

#[test]
fn a_top_level_array_is_not_a_body() {
    // serde's derived structs would read it positionally; no reading accepts it.
    let e = parse_sync(b"[[7]]\r ").expect_err("an array");
    assert_eq!(e.kind, ErrorKind::InvalidValue("json"));
    assert!(parse_get_contact(b" [[0],0,[],0]").is_err());
    assert!(parse_batch_get_contact(b"[[0],0,[]]").is_err());
    assert!(parse_init(b"[[0]]").is_err());
}

fn page(list_key: &str, head: &str, tail: &str, poison: &[u8]) -> Vec<u8> {
    let items = [
        contact("@a", b"A"),
        contact("@b", poison),
        contact("@c", b"C"),
    ];
    body(head, list_key, &items, tail)
}

fn assert_isolated(good: &[wx_proto::parse::Contact], bad: &[BadElement], format: Format) {
    let names: Vec<&str> = good.iter().map(|c| c.user_name.as_str()).collect();
    assert_eq!(names, ["@a", "@c"]);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].id.as_deref(), Some("@b"));
    assert_eq!(bad[0].error.format, format);
}

#[test]
fn poisoned_contact_costs_only_itself_on_a_get_contact_page() {
    for poison in [&b"\x01"[..], b"\xff"] {
        let b = page(
            "MemberList",
            &format!("{BASE},\"MemberCount\":3"),
            ",\"Seq\":42",
            poison,
        );
        let p = parse_get_contact(&b).expect("parses");
        assert_isolated(
            &p.member_list,
            &p.bad_contacts,
            Format::Json(Endpoint::GetContact),
        );
        assert_eq!((p.seq, p.member_count), (42, 3));
    }
    let b = page("MemberList", BASE, ",\"Seq\":\"4\x012\"", b"B");
    assert!(
        parse_get_contact(&b).is_err(),
        "a poisoned Seq would end the paging"
    );
}

#[test]
fn poisoned_contact_costs_only_itself_in_batch_get_contact() {
    for poison in [&b"\x01"[..], b"\xff"] {
        let b = page("ContactList", &format!("{BASE},\"Count\":3"), "", poison);
        let p = parse_batch_get_contact(&b).expect("parses");
        assert_isolated(
            &p.contact_list,
            &p.bad_contacts,
            Format::Json(Endpoint::BatchGetContact),
        );
        assert_eq!(p.count, 3);
    }
}

#[test]
fn poisoned_contact_costs_only_itself_in_init() {
    let user = r#""User":{"Uin":1,"UserName":"@me","NickName":"Me"}"#;
    let key = r#""SyncKey":{"Count":1,"List":[{"Key":1,"Val":7}]}"#;
    let tail = format!(",{user},{key},\"ChatSet\":\"@a,\",\"MPSubscribeMsgList\":\"\x01\"");
    for poison in [&b"\x01"[..], b"\xff"] {
        let b = page("ContactList", BASE, &tail, poison);
        let init = parse_init(&b).expect("parses");
        assert_isolated(
            &init.contact_list,
            &init.bad_contacts,
            Format::Json(Endpoint::Init),
        );
        assert_eq!(init.user.user_name, "@me");
        assert_eq!(init.sync_key.to_query_value(), "1_7");
        assert_eq!(init.chat_set, "@a,");
        assert!(
            init.mp_subscribe_msg_list.is_empty(),
            "a poisoned optional member is dropped"
        );
    }
    let poisoned_user = format!(",\"User\":{{\"UserName\":\"@me\x01\"}},{key}");
    assert!(parse_init(&page("ContactList", BASE, &poisoned_user, b"B")).is_err());
    let poisoned_key = format!(",{user},\"SyncKey\":{{\"Count\":\"\x01\"}}");
    assert!(parse_init(&page("ContactList", BASE, &poisoned_key, b"B")).is_err());
}

/// The spans of the elements of `list` in a (valid JSON) body.
fn element_spans(body: &[u8], list: &str) -> Vec<(usize, usize)> {
    let top: std::collections::HashMap<String, &RawValue> =
        serde_json::from_slice(body).expect("a valid sample");
    let Some(raw) = top.get(list) else {
        return Vec::new();
    };
    let items: Option<Vec<&RawValue>> = serde_json::from_str(raw.get()).expect("a list");
    items
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let start = r.get().as_ptr() as usize - body.as_ptr() as usize;
            (start, start + r.get().len())
        })
        .collect()
}

/// The position just after the opening quote of every string (keys too) in `span`.
fn string_starts(body: &[u8], (start, end): (usize, usize)) -> Vec<usize> {
    let mut out = Vec::new();
    let mut in_string = false;
    let mut i = start;
    while i < end {
        match (in_string, body[i]) {
            (true, b'\\') => i += 1,
            (true, b'"') => in_string = false,
            (false, b'"') => {
                in_string = true;
                out.push(i + 1);
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// What a list of a parsed body reads as, element by element: the element (its `Debug`
/// text; `None` for a bad one), and the id of a bad one.
type Reading = (Vec<Option<String>>, Vec<Option<String>>);

/// The element spans of a list in a body.
type Spans = [(usize, usize)];

/// A contact page's good and bad contacts, or `None` when the page fails.
type Page = fn(&[u8]) -> Option<(Vec<wx_proto::parse::Contact>, Vec<BadElement>)>;

/// Poisons every string of every element of `list` in turn (a raw U+0001, then 0xFF,
/// inserted after its opening quote): the body still parses, only that element is bad,
/// and every other element reads as in the clean body. Returns how many bodies it tried.
fn poison_each_string(
    path: &Path,
    body: &[u8],
    list: &str,
    read: &dyn Fn(&[u8], &Spans) -> Option<Reading>,
) -> usize {
    let spans = element_spans(body, list);
    let (clean, _) = read(body, &spans).unwrap_or_else(|| panic!("{}: parses", path.display()));
    assert!(
        clean.iter().all(Option::is_some),
        "{}: clean",
        path.display()
    );
    let mut tried = 0;
    for (index, &span) in spans.iter().enumerate() {
        for at in string_starts(body, span) {
            for poison in [0x01u8, 0xff] {
                let mut b = body.to_vec();
                b.insert(at, poison);
                // One byte more from `at` on: the element holding it grows, later ones move.
                let moved: Vec<(usize, usize)> = spans
                    .iter()
                    .map(|&(s, e)| (s + usize::from(s >= at), e + usize::from(e >= at)))
                    .collect();
                let what = format!("{}: {list}[{index}] poisoned at {at}", path.display());
                let (got, ids) =
                    read(&b, &moved).unwrap_or_else(|| panic!("{what}: the body fails"));
                assert_eq!(got.len(), clean.len(), "{what}");
                for (i, (g, c)) in got.iter().zip(&clean).enumerate() {
                    if i == index {
                        // Invalid UTF-8 in a member the types skip is no fault.
                        assert!(g.is_none() || poison == 0xff, "{what}: the element parses");
                    } else {
                        assert_eq!(g, c, "{what}: a sibling changed");
                    }
                }
                if got[index].is_none() {
                    assert!(
                        ids[index].is_some() || poisons_id(body, at),
                        "{what}: no id"
                    );
                }
                wx_proto::fuzzing::sync(&b);
                wx_proto::fuzzing::contacts(&b);
                tried += 1;
            }
        }
    }
    tried
}

/// True when the string at `at` is the id key or its value (`"MsgId":"…` or
/// `"UserName":"…`), or lies where the id cannot be reached before it.
fn poisons_id(body: &[u8], at: usize) -> bool {
    let before = &body[..at - 1];
    let after = &body[at..];
    ["MsgId", "UserName"].iter().any(|k| {
        after.starts_with(format!("{k}\"").as_bytes())
            || before
                .trim_ascii_end()
                .ends_with(format!("\"{k}\":").as_bytes())
    })
}

fn sync_reading(list: &'static str) -> impl Fn(&[u8], &Spans) -> Option<Reading> {
    move |b, spans| {
        let s = parse_sync(b).ok()?;
        let debug = |v: &dyn std::fmt::Debug| Some(format!("{v:?}"));
        let (items, ids): Reading = match list {
            "AddMsgList" => s
                .add_msg_list
                .iter()
                .map(|m| match m {
                    Ok(m) => (debug(m), None),
                    Err(e) => (None, e.id.clone()),
                })
                .unzip(),
            "ModContactList" => s
                .mod_contact_list
                .iter()
                .map(|c| match c {
                    Ok(c) => (debug(c), None),
                    Err(e) => (None, e.id.clone()),
                })
                .unzip(),
            _ => {
                let (good, bad) = (&s.del_contact_list, &s.bad_del_contacts);
                return Some(in_order(good.iter(), bad, spans));
            }
        };
        Some((items, ids))
    }
}

/// A list whose good and bad elements are kept apart, put back in order by the element
/// spans (a bad one's error offset lies inside its span).
fn in_order<T: std::fmt::Debug>(
    mut good: impl Iterator<Item = T>,
    bad: &[BadElement],
    spans: &Spans,
) -> Reading {
    let mut out = (Vec::new(), Vec::new());
    for &(start, end) in spans {
        match bad.iter().find(|e| (start..end).contains(&e.offset)) {
            Some(e) => {
                out.0.push(None);
                out.1.push(e.id.clone());
            }
            None => {
                out.0.push(good.next().map(|d| format!("{d:?}")));
                out.1.push(None);
            }
        }
    }
    out
}

fn contacts_reading(parse: Page) -> impl Fn(&[u8], &Spans) -> Option<Reading> {
    move |b, spans| {
        let (good, bad) = parse(b)?;
        Some(in_order(good.iter(), &bad, spans))
    }
}

#[test]
fn every_real_webwxsync_sample_survives_a_poisoned_string_in_any_one_element() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let mut tried = 0;
    for path in common::files(&shared, "webwxsync") {
        let body = common::read(&path);
        for list in ["AddMsgList", "ModContactList", "DelContactList"] {
            tried += poison_each_string(&path, &body, list, &sync_reading(list));
        }
    }
    assert!(tried > 1_000, "only {tried} poisoned webwxsync bodies");
}

#[test]
fn every_real_contact_page_survives_a_poisoned_string_in_any_one_contact() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let pages: [(&str, &str, Page); 3] = [
        ("webwxgetcontact", "MemberList", |b| {
            parse_get_contact(b)
                .ok()
                .map(|p| (p.member_list, p.bad_contacts))
        }),
        ("webwxbatchgetcontact", "ContactList", |b| {
            parse_batch_get_contact(b)
                .ok()
                .map(|p| (p.contact_list, p.bad_contacts))
        }),
        ("webwxinit", "ContactList", |b| {
            parse_init(b).ok().map(|p| (p.contact_list, p.bad_contacts))
        }),
    ];
    let mut tried = 0;
    for (dir, list, parse) in pages {
        for path in common::files(&shared, dir) {
            if path.to_string_lossy().contains("clientdecorated") {
                continue; // a bare contact object, not a page
            }
            let body = common::read(&path);
            tried += poison_each_string(&path, &body, list, &contacts_reading(parse));
        }
    }
    assert!(tried > 2_000, "only {tried} poisoned contact pages");
}
