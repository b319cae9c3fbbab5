//! Display names: a contact's remark, nickname or id, and finding a contact by any of them.

use wx_proto::client::Client;
use wx_proto::model::decode_display_text;
use wx_proto::model::{Contact, Member};

/// The best name for `user_name`: remark, nickname, a group member's display name or
/// nickname (when `group` is given), else the id itself.
pub fn of(client: &Client, user_name: &str, group: Option<&str>) -> String {
    if let Some(c) = client.contact(user_name) {
        return label(c);
    }
    if client.me().is_some_and(|me| me.user_name == user_name) {
        return "me".to_owned();
    }
    if let Some(g) = group.and_then(|g| client.contact(g))
        && let Some(m) = g.member(user_name)
    {
        let name = if m.display_name.is_empty() {
            &m.nick_name
        } else {
            &m.display_name
        };
        if !name.is_empty() {
            return decode_display_text(name).into_owned();
        }
    }
    user_name.to_owned()
}

/// Remark, else nickname, else the id (emoji spans and entities decoded).
pub fn label(c: &Contact) -> String {
    [&c.remark_name, &c.nick_name, &c.user_name]
        .into_iter()
        .find(|s| !s.is_empty())
        .map(|s| decode_display_text(s).into_owned())
        .unwrap_or_default()
}

/// Finds one contact by id, remark or nickname (exact; then case-insensitive). Several
/// matches are an error that lists them.
pub fn find<'a>(client: &'a Client, query: &str) -> Result<&'a Contact, String> {
    find_in(client.contacts().collect(), query)
}

/// The member of `group` whose id, display name or nickname is `query` (exact, then
/// case-insensitive; several matches are an error).
pub fn find_member<'a>(group: &'a Contact, query: &str) -> Result<&'a Member, String> {
    let members = &group.group.members;
    if let Some(m) = members.iter().find(|m| m.user_name == query) {
        return Ok(m);
    }
    let names = |m: &Member| [m.display_name.clone(), m.nick_name.clone()];
    let matching = |exact: bool| -> Vec<&'a Member> {
        let q = query.to_lowercase();
        members
            .iter()
            .filter(|m| {
                names(m).iter().any(|n| {
                    !n.is_empty()
                        && if exact {
                            n == query
                        } else {
                            n.to_lowercase() == q
                        }
                })
            })
            .collect()
    };
    let exact = matching(true);
    let hits = if exact.is_empty() {
        matching(false)
    } else {
        exact
    };
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("no member named {query:?} in {}", label(group))),
        many => Err(format!(
            "{} members named {query:?} in {}: give the id",
            many.len(),
            label(group)
        )),
    }
}

/// [`find`] over a list of contacts.
pub fn find_in<'a>(contacts: Vec<&'a Contact>, query: &str) -> Result<&'a Contact, String> {
    if let Some(c) = contacts.iter().find(|c| c.user_name == query) {
        return Ok(c);
    }
    let names = |c: &Contact| [c.remark_name.clone(), c.nick_name.clone(), label(c)];
    let exact: Vec<&Contact> = contacts
        .iter()
        .copied()
        .filter(|c| names(c).iter().any(|n| !n.is_empty() && n == query))
        .collect();
    let hits = if exact.is_empty() {
        let q = query.to_lowercase();
        contacts
            .iter()
            .copied()
            .filter(|c| {
                names(c)
                    .iter()
                    .any(|n| !n.is_empty() && n.to_lowercase() == q)
            })
            .collect()
    } else {
        exact
    };
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("no contact named {query:?} (try `wx contacts`)")),
        many => {
            let list: Vec<String> = many
                .iter()
                .take(5)
                .map(|c| format!("{} ({})", label(c), c.user_name))
                .collect();
            Err(format!(
                "{query:?} is ambiguous: {} contacts match ({}); use the id",
                many.len(),
                list.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(user_name: &str, nick: &str, remark: &str) -> Contact {
        Contact {
            user_name: user_name.into(),
            nick_name: nick.into(),
            remark_name: remark.into(),
            ..Contact::default()
        }
    }

    #[test]
    fn finds_by_id_remark_nickname_and_reports_ambiguity() {
        let list = [
            contact("@a", "Alice", ""),
            contact("@b", "Bob", "Boss"),
            contact("@c", "Sam", ""),
            contact("@d", "Sam", ""),
            contact("@e", "Ann<span class=\"emoji emoji1f338\"></span>", ""),
        ];
        let all = || list.iter().collect::<Vec<_>>();
        assert_eq!(find_in(all(), "@c").map(|c| c.user_name.as_str()), Ok("@c"));
        assert_eq!(
            find_in(all(), "Boss").map(|c| c.user_name.as_str()),
            Ok("@b")
        );
        assert_eq!(
            find_in(all(), "Bob").map(|c| c.user_name.as_str()),
            Ok("@b")
        );
        assert_eq!(
            find_in(all(), "alice").map(|c| c.user_name.as_str()),
            Ok("@a")
        );
        assert_eq!(
            find_in(all(), "Ann\u{1f338}").map(|c| c.user_name.as_str()),
            Ok("@e")
        );
        let err = find_in(all(), "Sam").expect_err("ambiguous");
        assert!(
            err.contains("ambiguous") && err.contains("@c") && err.contains("@d"),
            "{err}"
        );
        assert!(
            find_in(all(), "Zed")
                .expect_err("none")
                .contains("no contact named")
        );
    }
}
