//! Finding people by the names a user types: a contact or group by its UserName, remark,
//! nickname or alias, and a group member by its UserName, display name in the group or
//! nickname. Exact first, then ignoring case; emoji spans and entities are decoded before
//! comparing; several matches are an error that lists them, never a guess.

use super::contact::{Contact, Member};
use super::text::decode_display_text;

/// Why a lookup found no single answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LookupError {
    /// Nothing has this name.
    #[error("no one is named {0:?}")]
    NotFound(String),
    /// Several have it: their UserNames (at most 10), and how many there are.
    #[error("{count} match {query:?}")]
    Ambiguous {
        /// The name asked for.
        query: String,
        /// How many match.
        count: usize,
        /// The UserNames of the first ten.
        user_names: Vec<String>,
    },
}

/// A contact's name for people: its remark, else its nickname, else its UserName (decoded).
pub fn display_name(c: &Contact) -> String {
    first_filled(&[&c.remark_name, &c.nick_name, &c.user_name])
}

/// A member's name inside its group: its display name there, else its nickname, else its
/// UserName (decoded).
pub fn member_name(m: &Member) -> String {
    first_filled(&[&m.display_name, &m.nick_name, &m.user_name])
}

fn first_filled(names: &[&String]) -> String {
    names
        .iter()
        .find(|s| !s.is_empty())
        .map(|s| decode_display_text(s).into_owned())
        .unwrap_or_default()
}

/// The one contact (or group) among `contacts` whose UserName, remark, nickname or alias
/// is `query`.
pub fn find_contact<'a>(
    contacts: impl IntoIterator<Item = &'a Contact>,
    query: &str,
) -> Result<&'a Contact, LookupError> {
    let all: Vec<&Contact> = contacts.into_iter().collect();
    if let Some(c) = all.iter().find(|c| c.user_name == query) {
        return Ok(c);
    }
    let names = |c: &Contact| {
        [&c.remark_name, &c.nick_name, &c.alias]
            .into_iter()
            .filter(|n| !n.is_empty())
            .map(|n| decode_display_text(n).into_owned())
            .collect::<Vec<_>>()
    };
    pick(&all, query, names, |c| c.user_name.clone())
}

/// The one member of `group` whose UserName, display name or nickname is `query`.
pub fn find_member<'a>(group: &'a Contact, query: &str) -> Result<&'a Member, LookupError> {
    let all: Vec<&Member> = group.group.members.iter().collect();
    if let Some(m) = all.iter().find(|m| m.user_name == query) {
        return Ok(m);
    }
    let names = |m: &Member| {
        [&m.display_name, &m.nick_name]
            .into_iter()
            .filter(|n| !n.is_empty())
            .map(|n| decode_display_text(n).into_owned())
            .collect::<Vec<_>>()
    };
    pick(&all, query, names, |m| m.user_name.clone())
}

/// The one item named `query` exactly, else ignoring case.
fn pick<'a, T>(
    all: &[&'a T],
    query: &str,
    names: impl Fn(&T) -> Vec<String>,
    id: impl Fn(&T) -> String,
) -> Result<&'a T, LookupError> {
    let exact: Vec<&'a T> = all
        .iter()
        .copied()
        .filter(|x| names(x).iter().any(|n| n == query))
        .collect();
    let hits = if exact.is_empty() {
        let q = query.to_lowercase();
        all.iter()
            .copied()
            .filter(|x| names(x).iter().any(|n| n.to_lowercase() == q))
            .collect()
    } else {
        exact
    };
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(LookupError::NotFound(query.to_owned())),
        many => Err(LookupError::Ambiguous {
            query: query.to_owned(),
            count: many.len(),
            user_names: many.iter().take(10).map(|x| id(x)).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(user_name: &str, nick: &str, remark: &str, alias: &str) -> Contact {
        Contact {
            user_name: user_name.into(),
            nick_name: nick.into(),
            remark_name: remark.into(),
            alias: alias.into(),
            ..Contact::default()
        }
    }

    #[test]
    fn contacts_by_id_remark_nickname_alias_then_case_and_ambiguity() {
        let list = [
            contact("@a", "Alice", "", ""),
            contact("@b", "Bob", "Boss", "bobby_w"),
            contact("@c", "Sam", "", ""),
            contact("@d", "Sam", "", ""),
            contact("@e", "Ann<span class=\"emoji emoji1f338\"></span>", "", ""),
            contact("@f", "alice", "", ""),
        ];
        let find = |q| find_contact(&list, q).map(|c| c.user_name.as_str());
        assert_eq!(find("@c"), Ok("@c"));
        assert_eq!(find("Boss"), Ok("@b"));
        assert_eq!(find("Bob"), Ok("@b"));
        assert_eq!(find("bobby_w"), Ok("@b"));
        assert_eq!(find("Alice"), Ok("@a"), "the exact match wins over case");
        assert_eq!(find("BOSS"), Ok("@b"));
        assert_eq!(find("Ann\u{1f338}"), Ok("@e"));
        assert!(matches!(
            find("Sam"),
            Err(LookupError::Ambiguous { count: 2, .. })
        ));
        assert!(matches!(find("ALICE"), Err(LookupError::Ambiguous { .. })));
        assert_eq!(find("Zed"), Err(LookupError::NotFound("Zed".into())));
        assert_eq!(display_name(&list[1]), "Boss");
    }

    #[test]
    fn members_by_display_name_then_nickname() {
        let mut group = contact("@@g", "G", "", "");
        group.group.members = vec![
            Member {
                user_name: "@m1".into(),
                nick_name: "Max".into(),
                display_name: "Maxi in here".into(),
                ..Member::default()
            },
            Member {
                user_name: "@m2".into(),
                nick_name: "Mia".into(),
                ..Member::default()
            },
        ];
        let find = |q| find_member(&group, q).map(|m| m.user_name.as_str());
        assert_eq!(find("Maxi in here"), Ok("@m1"));
        assert_eq!(find("max"), Ok("@m1"));
        assert_eq!(find("@m2"), Ok("@m2"));
        assert!(find("Nobody").is_err());
        assert_eq!(member_name(&group.group.members[0]), "Maxi in here");
    }
}
