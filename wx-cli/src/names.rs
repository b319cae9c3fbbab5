//! Display names: a contact's remark, nickname or id, and finding a contact by any of them.

use wx_proto::client::Client;
use wx_proto::model::{Contact, LookupError, Member, display_name, find_contact};

/// The best name for `user_name`: remark, nickname, a group member's display name or
/// nickname (when `group` is given), else the id itself.
pub fn of(client: &Client, user_name: &str, group: Option<&str>) -> String {
    if let Some(c) = client.contact(user_name) {
        return label(c);
    }
    if client.me().is_some_and(|me| me.user_name == user_name) {
        return "me".to_owned();
    }
    if let Some(name) = group.and_then(|g| client.book().name_in(g, user_name)) {
        return name;
    }
    user_name.to_owned()
}

/// Remark, else nickname, else the id (emoji spans and entities decoded).
pub fn label(c: &Contact) -> String {
    display_name(c)
}

/// Finds one contact by id, remark, nickname or alias (exact; then case-insensitive), with
/// the core's lookup. Several matches are an error that lists them.
pub fn find<'a>(client: &'a Client, query: &str) -> Result<&'a Contact, String> {
    find_in(client.contacts().collect(), query)
}

/// The member of `group` whose id, display name or nickname is `query` (exact, then
/// case-insensitive; several matches are an error).
pub fn find_member<'a>(group: &'a Contact, query: &str) -> Result<&'a Member, String> {
    wx_proto::model::find_member(group, query).map_err(|e| match e {
        LookupError::Ambiguous { count, .. } => format!(
            "{count} members named {query:?} in {}: give the id",
            label(group)
        ),
        _ => format!("no member named {query:?} in {}", label(group)),
    })
}

/// [`find`] over a list of contacts, with the CLI's wording of the errors.
pub fn find_in<'a>(contacts: Vec<&'a Contact>, query: &str) -> Result<&'a Contact, String> {
    let by_id = |id: &str| contacts.iter().find(|c| c.user_name == id).copied();
    find_contact(contacts.iter().copied(), query).map_err(|e| match e {
        LookupError::Ambiguous {
            count, user_names, ..
        } => {
            let list: Vec<String> = user_names
                .iter()
                .take(5)
                .filter_map(|id| by_id(id))
                .map(|c| format!("{} ({})", label(c), c.user_name))
                .collect();
            format!(
                "{query:?} is ambiguous: {count} contacts match ({}); use the id",
                list.join(", ")
            )
        }
        _ => format!("no contact named {query:?} (try `wx contacts`)"),
    })
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
