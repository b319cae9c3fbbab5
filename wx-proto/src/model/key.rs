//! [`ContactKey`]: a best-effort name for a contact that survives a new login, when the
//! server draws every UserName again. Which fields it uses, in order:
//!
//! 1. **The stable name** (`wxid_…`, `…@chatroom`, `gh_…`, `filehelper`) that the recent-chat
//!    list (MsgType 51, code 4, right after login) pairs with the UserName. It is WeChat's
//!    own id and never changes; but only chats in that list have one.
//! 2. **The alias** (the WeChat id a person chose, `gh_…` for official accounts). It breaks
//!    when the person changes their WeChat id (allowed about once a year); the server often
//!    leaves it empty.
//! 3. **A fingerprint**: a hash of the kind (person or group), the remark (else the
//!    nickname), sex, province and city. It breaks when the remark, nickname or region
//!    changes, and it is withheld (no key) when two contacts of the book share it, so it
//!    never names two people.
//!
//! The key's text form (`Display`, `serde`) is `<source>:<value>`, safe to store.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::contact::Contact;

/// Where a [`ContactKey`] comes from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    /// The stable name from the recent-chat list.
    StableName,
    /// The alias (WeChat id).
    Alias,
    /// The fingerprint of names and region.
    Fingerprint,
}

/// A contact's name across logins (module docs: which fields, when it breaks).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ContactKey {
    /// Which field it comes from.
    pub source: KeySource,
    /// The stable name, the alias, or the fingerprint's 16 hex digits.
    pub value: String,
}

impl fmt::Display for ContactKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match self.source {
            KeySource::StableName => "stable",
            KeySource::Alias => "alias",
            KeySource::Fingerprint => "fp",
        };
        write!(f, "{source}:{}", self.value)
    }
}

/// The key of `c`, given its stable name and whether another contact of the book shares
/// a fingerprint (`shared`, asked only when the fingerprint is the key).
pub(crate) fn key_for(
    c: &Contact,
    stable: Option<&str>,
    shared: impl FnOnce(u64) -> bool,
) -> Option<ContactKey> {
    if let Some(s) = stable.filter(|s| !s.is_empty()) {
        return Some(ContactKey {
            source: KeySource::StableName,
            value: s.to_owned(),
        });
    }
    if !c.alias.is_empty() {
        return Some(ContactKey {
            source: KeySource::Alias,
            value: c.alias.clone(),
        });
    }
    let fp = fingerprint(c)?;
    (!shared(fp)).then(|| ContactKey {
        source: KeySource::Fingerprint,
        value: hex(fp),
    })
}

/// The fingerprint's text form.
pub(crate) fn hex(fp: u64) -> String {
    format!("{fp:016x}")
}

/// FNV-1a over the fingerprint's fields (fixed here, so a key stays the same across
/// builds and platforms). `None` for a contact with no name at all.
pub(crate) fn fingerprint(c: &Contact) -> Option<u64> {
    let name = if c.remark_name.is_empty() {
        &c.nick_name
    } else {
        &c.remark_name
    };
    if name.is_empty() {
        return None;
    }
    let kind = if c.is_group() { "g" } else { "p" };
    let sex = c.sex.to_string();
    let fields = [
        kind,
        name.as_str(),
        &sex,
        &c.region.province,
        &c.region.city,
    ];
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for field in fields {
        for b in field.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    Some(h)
}
