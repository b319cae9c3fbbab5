//! The book's rules, one source of change at a time.

use super::*;
use crate::model::{GroupInfo, NotifyCode, Region, StatusNotify};

fn person(user_name: &str, nick: &str) -> Contact {
    Contact {
        user_name: user_name.into(),
        nick_name: nick.into(),
        contact_flag: 1,
        ..Contact::default()
    }
}

fn member(user_name: &str, nick: &str, display: &str) -> Member {
    Member {
        user_name: user_name.into(),
        nick_name: nick.into(),
        display_name: display.into(),
        ..Member::default()
    }
}

fn group(user_name: &str, topic: &str, count: u32, members: Vec<Member>) -> Contact {
    Contact {
        user_name: user_name.into(),
        nick_name: topic.into(),
        group: GroupInfo {
            member_count: count,
            members,
            ..GroupInfo::default()
        },
        ..Contact::default()
    }
}

fn three() -> Vec<Member> {
    vec![
        member("@me", "Me", ""),
        member("@a", "Alice", "Al"),
        member("@b", "Bob", ""),
    ]
}

fn names(c: &Contact) -> Vec<&str> {
    c.group
        .members
        .iter()
        .map(|m| m.user_name.as_str())
        .collect()
}

fn notify(code: u32, user_names: &[&str], stable: &[&str]) -> StatusNotify {
    StatusNotify {
        code: NotifyCode::from_raw(code),
        user_names: user_names.iter().map(|s| s.to_string()).collect(),
        stable_user_names: stable.iter().map(|s| s.to_string()).collect(),
        unread_chats: Vec::new(),
    }
}

#[test]
fn init_and_contact_page_shapes_keep_members_a_batch_fetched() {
    let mut book = ContactBook::new();
    // webwxinit: the group with its count, no members.
    assert_eq!(book.upsert(group("@@g", "G", 3, vec![])), Upsert::Added);
    assert!(book.members_incomplete("@@g"));
    // webwxbatchgetcontact: the full list.
    assert_eq!(book.upsert(group("@@g", "G", 3, three())), Upsert::Changed);
    assert!(!book.members_incomplete("@@g"));
    // A contact page (MemberCount 0, no members) and a re-init (count, no members) change
    // nothing.
    assert_eq!(book.upsert(group("@@g", "G", 0, vec![])), Upsert::Unchanged);
    assert_eq!(book.upsert(group("@@g", "G", 3, vec![])), Upsert::Unchanged);
    let g = book.get("@@g").expect("group");
    assert_eq!(names(g), ["@me", "@a", "@b"]);
    assert_eq!(g.group.member_count, 3);
}

#[test]
fn a_partial_member_list_is_merged_and_a_full_one_replaces() {
    let mut book = ContactBook::new();
    book.upsert(group("@@g", "G", 3, three()));
    // ModContactList as the real server sends it: the full count, only the changed member.
    let changed = group("@@g", "G", 3, vec![member("@b", "Bob", "Bobby")]);
    assert_eq!(book.upsert(changed), Upsert::Changed);
    assert_eq!(book.name_in("@@g", "@b").as_deref(), Some("Bobby"));
    assert_eq!(names(book.get("@@g").expect("group")), ["@me", "@a", "@b"]);
    // A join: the count grows by one, the list carries the newcomer only.
    book.upsert(group("@@g", "G", 4, vec![member("@c", "Carol", "")]));
    assert_eq!(
        names(book.get("@@g").expect("group")),
        ["@me", "@a", "@b", "@c"]
    );
    assert!(!book.members_incomplete("@@g"));
    // A full list replaces: Alice is gone.
    let full = vec![
        member("@me", "Me", ""),
        member("@b", "Bob", "Bobby"),
        member("@c", "Carol", ""),
    ];
    book.upsert(group("@@g", "G", 3, full));
    assert_eq!(names(book.get("@@g").expect("group")), ["@me", "@b", "@c"]);
}

#[test]
fn a_rename_keeps_members_and_a_count_alone_asks_for_a_fetch() {
    let mut book = ContactBook::new();
    let mut g = group("@@g", "Old", 3, three());
    g.group.encry_chat_room_id = "@abc".into();
    g.group.owner = "@a".into();
    book.upsert(g);
    // A rename: new NickName, the count, no members, no EncryChatRoomId.
    assert_eq!(book.upsert(group("@@g", "New", 3, vec![])), Upsert::Changed);
    let g = book.get("@@g").expect("group");
    assert_eq!(g.nick_name, "New");
    assert_eq!(g.group.members.len(), 3);
    assert_eq!(g.group.encry_chat_room_id, "@abc");
    assert_eq!(g.group.owner, "@a");
    assert!(!book.members_incomplete("@@g"));
    // A leave described by its count only: the list no longer matches.
    book.upsert(group("@@g", "New", 2, vec![]));
    assert!(book.members_incomplete("@@g"));
}

#[test]
fn a_person_update_replaces_and_a_deletion_removes() {
    let mut book = ContactBook::new();
    book.upsert(person("@a", "Alice"));
    let mut renamed = person("@a", "Alice");
    renamed.remark_name = "Boss".into();
    assert_eq!(book.upsert(renamed.clone()), Upsert::Changed);
    assert_eq!(book.upsert(renamed), Upsert::Unchanged);
    assert_eq!(book.find("Boss").map(|c| c.user_name.as_str()), Ok("@a"));
    assert_eq!(
        book.remove("@a").map(|c| c.remark_name),
        Some("Boss".into())
    );
    assert_eq!(book.remove("@a"), None);
    assert!(book.is_empty());
}

#[test]
fn a_member_list_change_merges_by_user_name() {
    let mut book = ContactBook::new();
    assert!(!book.merge_members("@@nope", vec![member("@x", "X", "")]));
    book.upsert(group("@@g", "G", 3, three()));
    // Only a UserName and a new display name: the nickname known is kept.
    assert!(book.merge_members("@@g", vec![member("@a", "", "Ally")]));
    let a = book.member("@@g", "@a").expect("member");
    assert_eq!(
        (a.nick_name.as_str(), a.display_name.as_str()),
        ("Alice", "Ally")
    );
    assert!(book.merge_members("@@g", vec![member("@d", "Dan", "")]));
    assert_eq!(book.get("@@g").expect("group").group.member_count, 4);
    assert!(!book.merge_members("@@g", vec![member("@d", "Dan", "")]));
}

#[test]
fn the_recent_chat_list_pairs_stable_names_and_names_the_unknown() {
    let mut book = ContactBook::new();
    book.upsert(person("@a", "Alice"));
    let n = notify(
        4,
        &["@a", "filehelper", "@@unsaved", "@b"],
        &["wxid_a", "filehelper", "123@chatroom", "wxid_b"],
    );
    assert_eq!(book.note_recent_chats(&n), ["@@unsaved", "@b"]);
    assert_eq!(book.stable_name("@a"), Some("wxid_a"));
    assert_eq!(book.stable_name("@@unsaved"), Some("123@chatroom"));
    // Lists of different lengths are not paired (a shift would swap people).
    let mut other = ContactBook::new();
    let n = notify(4, &["@a", "@b"], &["wxid_b"]);
    assert_eq!(other.note_recent_chats(&n), ["@a", "@b"]);
    assert!(other.stable_names().is_empty());
    // Other codes teach nothing.
    assert!(other.note_recent_chats(&notify(2, &["@z"], &[])).is_empty());
}

#[test]
fn the_stable_name_list_is_bounded() {
    let mut book = ContactBook::new();
    let users: Vec<String> = (0..MAX_STABLE_NAMES + 10)
        .map(|i| format!("@u{i}"))
        .collect();
    let stable: Vec<String> = (0..MAX_STABLE_NAMES + 10)
        .map(|i| format!("wxid_{i}"))
        .collect();
    let n = StatusNotify {
        code: NotifyCode::SyncConversations,
        user_names: users,
        stable_user_names: stable,
        unread_chats: Vec::new(),
    };
    book.note_recent_chats(&n);
    assert_eq!(book.stable_names().len(), MAX_STABLE_NAMES);
    book.restore_stable_names([("@more".to_string(), "wxid_more".to_string())].into());
    assert_eq!(book.stable_names().len(), MAX_STABLE_NAMES);
}

#[test]
fn names_in_a_group_and_my_own() {
    let mut book = ContactBook::new();
    book.upsert(person("@b", "Bob<span class=\"emoji emoji1f604\"></span>"));
    let mut g = group("@@g", "G", 3, three());
    g.group.members[0].display_name = "Boss &amp; me".into();
    book.upsert(g);
    let me = person("@me", "Me");
    assert_eq!(book.my_name_in("@@g", &me).as_deref(), Some("Boss & me"));
    assert_eq!(book.my_name_in("@@other", &me), None);
    assert_eq!(book.name_in("@@g", "@a").as_deref(), Some("Al"));
    // A member without names falls back to the contact's.
    book.merge_members("@@g", vec![member("@b", "", "")]);
    assert_eq!(book.name_in("@@g", "@b").as_deref(), Some("Bob"));
    assert_eq!(book.name_in("@@g", "@stranger"), None);
    assert_eq!(
        book.find_member("@@g", "al").map(|m| m.user_name.as_str()),
        Ok("@a")
    );
    assert!(matches!(
        book.find_member("@@none", "al"),
        Err(LookupError::NotFound(_))
    ));
}

#[test]
fn keys_prefer_the_stable_name_then_the_alias_then_a_unique_fingerprint() {
    let mut book = ContactBook::new();
    let mut carol = person("@c", "Carol");
    carol.alias = "carol_w".into();
    carol.region = Region {
        province: "Zhejiang".into(),
        city: "Hangzhou".into(),
    };
    book.upsert(person("@a", "Alice"));
    book.upsert(carol);
    book.upsert(person("@s1", "Sam"));
    book.upsert(person("@s2", "Sam"));
    book.upsert(person("@n", ""));
    book.note_recent_chats(&notify(4, &["@a"], &["wxid_alice"]));
    let key = |u: &str| book.key(u).map(|k| k.to_string());
    assert_eq!(key("@a").as_deref(), Some("stable:wxid_alice"));
    assert_eq!(key("@c").as_deref(), Some("alias:carol_w"));
    // Two Sams share a fingerprint: neither gets one. No name: no key.
    assert_eq!(key("@s1"), None);
    assert_eq!(key("@n"), None);
    assert_eq!(key("@nobody"), None);
    let mut dana = person("@d", "Dana");
    dana.sex = 2;
    book.upsert(dana);
    let dana_key = book.key("@d").expect("a unique fingerprint");
    assert_eq!(dana_key.source, KeySource::Fingerprint);
    assert_eq!(dana_key.value.len(), 16);
    // keys() agrees with key() for everyone.
    let all = book.keys();
    for c in book.iter() {
        assert_eq!(all.get(&c.user_name), book.key(&c.user_name).as_ref());
    }
    assert_eq!(all.len(), 3);
}

#[test]
fn a_key_finds_the_same_person_after_a_new_login() {
    let first = {
        let mut b = ContactBook::new();
        b.upsert(person("@a1", "Alice"));
        let mut d = person("@d1", "Dana");
        d.remark_name = "Dentist".into();
        b.upsert(d);
        b.upsert(group("@@g1", "Team", 0, vec![]));
        b.note_recent_chats(&notify(4, &["@a1", "@@g1"], &["wxid_alice", "9@chatroom"]));
        b
    };
    // The next login: every UserName drawn again.
    let second = {
        let mut b = ContactBook::new();
        b.upsert(person("@a2", "Alice"));
        let mut d = person("@d2", "Dana");
        d.remark_name = "Dentist".into();
        b.upsert(d);
        b.upsert(group("@@g2", "Team", 0, vec![]));
        b.note_recent_chats(&notify(4, &["@@g2", "@a2"], &["9@chatroom", "wxid_alice"]));
        b
    };
    for (old, new) in [("@a1", "@a2"), ("@d1", "@d2"), ("@@g1", "@@g2")] {
        let key = first.key(old).expect("a key");
        assert_eq!(
            second.by_key(&key).map(|c| c.user_name.as_str()),
            Some(new),
            "{key}"
        );
    }
    let gone = ContactKey {
        source: KeySource::Alias,
        value: "nobody".into(),
    };
    assert_eq!(second.by_key(&gone), None);
}

#[test]
fn profiles_fill_nicknames_and_leave_display_names() {
    let mut book = ContactBook::new();
    book.upsert(group(
        "@@g",
        "G",
        2,
        vec![member("@a", "", "Al"), member("@b", "Bob", "")],
    ));
    let profiles = [
        person("@a", "Alice"),
        person("@b", "Bob"),
        person("@x", "Stranger"),
    ];
    assert!(book.learn_profiles("@@g", &profiles));
    let a = book.member("@@g", "@a").expect("member");
    assert_eq!(
        (a.nick_name.as_str(), a.display_name.as_str()),
        ("Alice", "Al")
    );
    assert!(!book.knows_member("@@g", "@x"), "a profile adds no member");
    assert!(
        !book.learn_profiles("@@g", &profiles),
        "nothing new the second time"
    );
    assert!(!book.learn_profiles("@@nope", &profiles));
}
