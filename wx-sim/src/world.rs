//! The scripted world: accounts with their contacts, groups, official accounts and flags.

use crate::model::Contact;
use crate::rng::Rng;

/// How big a world to generate.
#[derive(Debug, Clone)]
pub struct WorldSpec {
    /// Number of accounts that can log in.
    pub accounts: usize,
    /// Friends per account.
    pub contacts: usize,
    /// Groups per account.
    pub groups: usize,
    /// Members per group besides the account itself (friends first, then strangers).
    pub members_per_group: usize,
    /// Official accounts per account.
    pub official_accounts: usize,
    /// Seed for every id and name.
    pub seed: u64,
    /// How many of each account's groups (the last ones) are not saved to contacts
    /// ([`Contact::saved`] false): webwxgetcontact leaves them out, webwxinit's ContactList
    /// holds the first of them only, the StatusNotify Code 4 list holds them all. Default 0.
    pub unsaved_groups: usize,
}

impl Default for WorldSpec {
    fn default() -> Self {
        WorldSpec {
            accounts: 1,
            contacts: 20,
            groups: 3,
            members_per_group: 8,
            official_accounts: 2,
            seed: 1,
            unsaved_groups: 0,
        }
    }
}

/// One account (a phone) that can log in to web WeChat.
#[derive(Debug, Clone)]
pub struct Account {
    /// The uin.
    pub uin: u64,
    /// Our own contact entry (`User` of webwxinit).
    pub me: Contact,
    /// Everything webwxgetcontact lists: filehelper, friends, official accounts, groups.
    pub contacts: Vec<Contact>,
    /// Group members that are not our contacts (for batchgetcontact with a room).
    pub strangers: Vec<Contact>,
    /// Refuse web login with 1203.
    pub refuse_login: bool,
}

impl Account {
    /// A contact or group by UserName.
    pub fn contact(&self, user_name: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.user_name == user_name)
    }

    /// A mutable contact or group by UserName.
    pub fn contact_mut(&mut self, user_name: &str) -> Option<&mut Contact> {
        self.contacts.iter_mut().find(|c| c.user_name == user_name)
    }

    /// Any known person: self, contact or stranger.
    pub fn person(&self, user_name: &str) -> Option<&Contact> {
        if self.me.user_name == user_name {
            return Some(&self.me);
        }
        self.contact(user_name)
            .or_else(|| self.strangers.iter().find(|c| c.user_name == user_name))
    }

    /// Friends (persons with ContactFlag bit 1, not official accounts, not special).
    pub fn friends(&self) -> impl Iterator<Item = &Contact> {
        self.contacts
            .iter()
            .filter(|c| c.user_name.starts_with('@') && !c.is_group() && c.verify_flag & 8 == 0)
    }

    /// Groups.
    pub fn groups(&self) -> impl Iterator<Item = &Contact> {
        self.contacts.iter().filter(|c| c.is_group())
    }

    /// Groups not saved to contacts ([`Contact::saved`] false), in the world's order.
    pub fn unsaved_groups(&self) -> impl Iterator<Item = &Contact> {
        self.groups().filter(|c| !c.saved)
    }
}

/// All accounts.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// The accounts, by index.
    pub accounts: Vec<Account>,
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "Alice", "Bob", "Carol", "Dave",
];
const EMOJI: &[&str] = &["1f604", "1f31b", "2764", "1f1e81f1f3"];

/// An empty person contact with every field at its usual default.
pub fn blank(user_name: String, nick: String) -> Contact {
    Contact {
        uin: 0,
        user_name,
        nick_name: nick,
        head_img_url: String::new(),
        contact_flag: 3,
        member_count: 0,
        member_list: Vec::new(),
        remark_name: String::new(),
        hide_input_bar_flag: 0,
        sex: 0,
        signature: String::new(),
        verify_flag: 0,
        owner_uin: 0,
        py_initial: String::new(),
        py_quan_pin: String::new(),
        remark_py_initial: String::new(),
        remark_py_quan_pin: String::new(),
        star_friend: 0,
        app_account_flag: 0,
        statues: 0,
        attr_status: 0,
        province: String::new(),
        city: String::new(),
        alias: String::new(),
        sns_flag: 0,
        uni_friend: 0,
        display_name: String::new(),
        chat_room_id: 0,
        key_word: String::new(),
        encry_chat_room_id: String::new(),
        is_owner: 0,
        stable_name: String::new(),
        head_seq: 0,
        saved: true,
    }
}

fn person(rng: &mut Rng, i: usize, prefix: &str) -> Contact {
    let base = SURNAMES.get(i % SURNAMES.len()).copied().unwrap_or("X");
    let mut nick = format!("{base}{prefix}{i}");
    if i % 7 == 3 {
        let e = EMOJI.get(i % EMOJI.len()).copied().unwrap_or("1f604");
        nick.push_str(&format!("<span class=\"emoji emoji{e}\"></span>"));
    }
    let mut c = blank(format!("@{}", rng.hex(32)), nick);
    c.stable_name = format!("wxid_{}", rng.alnum(14).to_lowercase());
    c.sex = (i % 3) as u32;
    c.attr_status = rng.below(40_000_000) as i64;
    c.head_seq = 600_000_000 + rng.below(100_000_000);
    c.py_initial = format!("F{i}");
    c.py_quan_pin = format!("friend{i}");
    c.sns_flag = 1;
    c
}

impl World {
    /// Generates a world from `spec`; the same spec gives the same world.
    pub fn generate(spec: &WorldSpec) -> World {
        let mut rng = Rng::new(spec.seed);
        let mut accounts = Vec::with_capacity(spec.accounts);
        for a in 0..spec.accounts {
            let uin = 1_000_000_000 + rng.below(3_000_000_000);
            let mut me = person(&mut rng, a, "Me");
            me.nick_name = format!("SimUser{a}");
            me.uin = uin;
            me.contact_flag = 0;
            me.sns_flag = 17;
            let mut contacts = Vec::new();
            let mut fh = blank("filehelper".into(), "文件传输助手".into());
            fh.key_word = "fil".into();
            fh.stable_name = "filehelper".into();
            fh.py_initial = "WJCSZS".into();
            fh.py_quan_pin = "wenjianchuanshuzhushou".into();
            contacts.push(fh);
            for i in 0..spec.contacts {
                contacts.push(person(&mut rng, i, "友"));
            }
            for i in 0..spec.official_accounts {
                let mut mp = person(&mut rng, i, "公众号");
                mp.verify_flag = if i % 2 == 0 { 8 } else { 24 };
                mp.key_word = "gh_".into();
                mp.alias = format!("gh_{}", rng.hex(12));
                mp.stable_name = mp.alias.clone();
                mp.sex = 0;
                contacts.push(mp);
            }
            let mut strangers = Vec::new();
            let friend_names: Vec<usize> = (1..=spec.contacts).collect();
            for g in 0..spec.groups {
                let mut group = blank(format!("@@{}", rng.hex(64)), format!("测试群{g}"));
                group.contact_flag = 2;
                group.encry_chat_room_id = format!("@{}", rng.hex(32));
                group.stable_name =
                    format!("{}@chatroom", 10_000_000_000 + rng.below(9_000_000_000));
                group.head_seq = 600_000_000 + rng.below(100_000_000);
                group.statues = 1;
                let mut members = vec![me.as_member()];
                for m in 0..spec.members_per_group {
                    if m < spec.contacts / 2 && !friend_names.is_empty() {
                        let idx = friend_names
                            .get((g * 3 + m) % friend_names.len())
                            .copied()
                            .unwrap_or(1);
                        if let Some(c) = contacts.get(idx)
                            && !members.iter().any(|x| x.user_name == c.user_name)
                        {
                            members.push(c.as_member());
                            continue;
                        }
                    }
                    let s = person(&mut rng, strangers.len(), "群友");
                    members.push(s.as_member());
                    strangers.push(s);
                }
                group.saved = g < spec.groups.saturating_sub(spec.unsaved_groups);
                if g == 0 {
                    group.is_owner = 1;
                    group.owner_uin = uin;
                }
                group.member_count = members.len() as u32;
                group.member_list = members;
                contacts.push(group);
            }
            accounts.push(Account {
                uin,
                me,
                contacts,
                strangers,
                refuse_login: false,
            });
        }
        World { accounts }
    }
}

impl World {
    /// Draws new UserNames for an account's self, contacts and group members, as the real
    /// server does at every login (special names like `filehelper` stay). Returns the map
    /// from old to new names.
    pub fn redraw_user_names(
        &mut self,
        account: usize,
        rng: &mut Rng,
    ) -> std::collections::HashMap<String, String> {
        let mut map = std::collections::HashMap::new();
        let Some(acc) = self.accounts.get_mut(account) else {
            return map;
        };
        let mut fresh = |old: &str| -> String {
            if let Some(n) = map.get(old) {
                return n.clone();
            }
            let new = if old.starts_with("@@") {
                format!("@@{}", rng.hex(64))
            } else if old.starts_with('@') {
                format!("@{}", rng.hex(32))
            } else {
                old.to_string()
            };
            map.insert(old.to_string(), new.clone());
            new
        };
        acc.me.user_name = fresh(&acc.me.user_name);
        for c in acc.contacts.iter_mut().chain(acc.strangers.iter_mut()) {
            c.user_name = fresh(&c.user_name);
            for m in &mut c.member_list {
                m.user_name = fresh(&m.user_name);
            }
        }
        map
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_sized() {
        let spec = WorldSpec {
            contacts: 50,
            groups: 2,
            ..WorldSpec::default()
        };
        let a = World::generate(&spec);
        let b = World::generate(&spec);
        assert_eq!(a.accounts[0].me.user_name, b.accounts[0].me.user_name);
        let acc = &a.accounts[0];
        assert_eq!(acc.friends().count(), 50);
        assert_eq!(acc.groups().count(), 2);
        let g = acc.groups().next().unwrap();
        assert_eq!(g.member_list.len(), 9);
        assert_eq!(g.member_list[0].user_name, acc.me.user_name);
        assert!(acc.person(&g.member_list[8].user_name).is_some());
    }

    #[test]
    fn redrawn_names_stay_consistent() {
        let mut w = World::generate(&WorldSpec::default());
        let before = w.accounts[0].clone();
        let map = w.redraw_user_names(0, &mut Rng::new(9));
        let acc = &w.accounts[0];
        assert_ne!(acc.me.user_name, before.me.user_name);
        assert_eq!(acc.contacts[0].user_name, "filehelper");
        let g = acc.groups().next().unwrap();
        assert_eq!(g.member_list[0].user_name, acc.me.user_name);
        for m in &g.member_list {
            assert!(acc.person(&m.user_name).is_some());
        }
        assert_eq!(map[&before.me.user_name], acc.me.user_name);
    }
}
