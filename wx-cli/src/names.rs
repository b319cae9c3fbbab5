//! Display names: a contact's remark, nickname or id, and finding a contact by any of them.

use wx_proto::client::Client;
use wx_proto::parse::Contact;

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
        && let Some(m) = g.member_list.iter().find(|m| m.user_name == user_name)
    {
        let name = if m.display_name.is_empty() {
            &m.nick_name
        } else {
            &m.display_name
        };
        if !name.is_empty() {
            return name.clone();
        }
    }
    user_name.to_owned()
}

/// Remark, else nickname, else the id.
pub fn label(c: &Contact) -> String {
    [&c.remark_name, &c.nick_name, &c.user_name]
        .into_iter()
        .find(|s| !s.is_empty())
        .cloned()
        .unwrap_or_default()
}

/// Finds one contact by id, remark or nickname (exact; then case-insensitive). Several
/// matches are an error that lists them.
pub fn find<'a>(client: &'a Client, query: &str) -> Result<&'a Contact, String> {
    if let Some(c) = client.contact(query) {
        return Ok(c);
    }
    let exact: Vec<&Contact> = client
        .contacts()
        .filter(|c| c.remark_name == query || c.nick_name == query)
        .collect();
    let hits = if exact.is_empty() {
        let q = query.to_lowercase();
        client
            .contacts()
            .filter(|c| c.remark_name.to_lowercase() == q || c.nick_name.to_lowercase() == q)
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
