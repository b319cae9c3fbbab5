//! [`Kind`]: what `wx decode` can read: every [`BodyKind`] of the core, plus one contact
//! object and one message Content.

use wx_proto::parse::BodyKind;

/// A format `wx decode` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A response body the client reads.
    Body(BodyKind),
    /// One contact object (a `ModContactList` or `ContactList` element).
    Contact,
    /// One message `Content` (XML, possibly entity-escaped).
    Content,
}

impl Kind {
    /// Every kind, in the order `--list-kinds` shows them.
    pub fn all() -> Vec<Kind> {
        let mut all: Vec<Kind> = BodyKind::ALL.into_iter().map(Kind::Body).collect();
        all.extend([Kind::Contact, Kind::Content]);
        all
    }

    /// The name (the fixture directory names, plus `contact` and `content`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Body(k) => k.name(),
            Kind::Contact => "contact",
            Kind::Content => "content",
        }
    }

    /// The kind of a name (`webwxsendmsgimg` and the other send endpoints are `webwxsendmsg`).
    pub fn from_name(name: &str) -> Option<Kind> {
        match name {
            "contact" => Some(Kind::Contact),
            "content" => Some(Kind::Content),
            other => BodyKind::from_name(other).map(Kind::Body),
        }
    }
}
