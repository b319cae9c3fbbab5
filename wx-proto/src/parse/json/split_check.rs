//! The fuzz target's check of the structural scanner (`split`) against serde_json.

use super::split::{Span, elements, top_level};
use crate::error::Format;

/// Panics unless the scanner's spans of `body` lie inside it, in order, and — where `body`
/// is a JSON object serde_json reads — every member value and array element is itself JSON,
/// with as many members and elements as serde_json finds (for the fuzz target).
pub(crate) fn check_invariants(body: &[u8]) {
    use serde::de::IgnoredAny;
    const F: Format = Format::Json(crate::error::Endpoint::Sync);
    let json = |b: &[u8]| serde_json::from_slice::<IgnoredAny>(b).is_ok();
    let entries = serde_json::from_slice::<check::Entries>(body).ok();
    let members = match top_level(body, F) {
        Ok(members) => members,
        Err(e) => {
            assert!(e.offset <= body.len(), "fault beyond the input");
            assert!(entries.is_none(), "a JSON object must split");
            return;
        }
    };
    let mut last = 0;
    for m in &members {
        assert!(last < m.key.start && m.key.end < m.value.start && m.value.end <= body.len());
        last = m.value.end;
        let quoted = Span {
            start: m.key.start - 1,
            end: m.key.end + 1,
        };
        assert_eq!(quoted.of(body).first(), Some(&b'"'));
        assert_eq!(quoted.of(body).last(), Some(&b'"'));
        if entries.is_some() {
            assert!(json(m.value.of(body)), "a member value is not JSON");
        }
        if m.value.of(body).first() != Some(&b'[') {
            continue;
        }
        let mut at = m.value.start;
        let mut count = 0;
        for item in elements(body, m.value.start, F) {
            let Ok(item) = item else {
                assert!(entries.is_none(), "a JSON array must split");
                break;
            };
            assert!(at < item.start && item.end < m.value.end);
            at = item.end;
            count += 1;
            if entries.is_some() {
                assert!(json(item.of(body)), "an element is not JSON");
            }
        }
        if entries.is_some() {
            let items = serde_json::from_slice::<Vec<IgnoredAny>>(m.value.of(body));
            assert_eq!(items.map(|v| v.len()).ok(), Some(count), "element count");
        }
    }
    if let Some(entries) = entries {
        assert_eq!(entries.0, members.len(), "member count");
    }
}

/// Counting an object's entries the way serde_json reads them.
mod check {
    use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

    /// The number of entries of a JSON object (duplicates included).
    pub(super) struct Entries(pub usize);

    impl<'de> Deserialize<'de> for Entries {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_map(Count)
        }
    }

    struct Count;

    impl<'de> Visitor<'de> for Count {
        type Value = Entries;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
            let mut n = 0;
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {
                n += 1;
            }
            Ok(Entries(n))
        }
    }
}
