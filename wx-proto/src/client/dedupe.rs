//! A bounded set of recent MsgIds: a message the server delivers again is dropped.
//!
//! Every MsgId the server has been seen to send is a decimal number below 2^63: such an id
//! is kept as that number, 8 bytes. Any other id is kept as a 64-bit FNV-1a hash of its text
//! with the top bit set (so it cannot equal a number), with its text on the side for
//! snapshots. A lookup scans the ring; at the default capacity (1,024) that is a few hundred
//! nanoseconds, and the whole set stays under 9 KiB per session.

use std::collections::VecDeque;

/// The bit that marks a hashed (non-numeric) id.
const HASHED: u64 = 1 << 63;

/// Remembers the last `capacity` ids.
#[derive(Debug, Clone)]
pub(crate) struct RecentIds {
    /// Keys, oldest first.
    order: VecDeque<u64>,
    /// The text of each hashed key still in `order`, oldest first.
    texts: VecDeque<(u64, Box<str>)>,
    capacity: usize,
}

/// The key of `id`, and whether it is the number itself.
fn key(id: &str) -> (u64, bool) {
    let canonical = !id.is_empty()
        && id.len() <= 19
        && id.bytes().all(|b| b.is_ascii_digit())
        && (id == "0" || !id.starts_with('0'));
    if canonical
        && let Ok(n) = id.parse::<u64>()
        && n & HASHED == 0
    {
        return (n, true);
    }
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    (hash | HASHED, false)
}

impl RecentIds {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            order: VecDeque::new(),
            texts: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// The most recent `n` ids, oldest first.
    pub(crate) fn recent(&self, n: usize) -> Vec<String> {
        let skip = self.order.len().saturating_sub(n);
        self.order
            .iter()
            .skip(skip)
            .filter_map(|&k| {
                if k & HASHED == 0 {
                    Some(k.to_string())
                } else {
                    self.texts
                        .iter()
                        .find(|(t, _)| *t == k)
                        .map(|(_, text)| text.to_string())
                }
            })
            .collect()
    }

    /// Records `id`; returns `false` when it was already there.
    pub(crate) fn insert(&mut self, id: &str) -> bool {
        let (k, exact) = key(id);
        if self.order.contains(&k) {
            return false;
        }
        if self.order.len() >= self.capacity
            && let Some(old) = self.order.pop_front()
            && old & HASHED != 0
            && let Some(at) = self.texts.iter().position(|(t, _)| *t == old)
        {
            self.texts.remove(at);
        }
        self.order.push_back(k);
        if !exact {
            self.texts.push_back((k, id.into()));
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_repeats_and_forgets_the_oldest() {
        let mut r = RecentIds::new(2);
        assert!(r.insert("a"));
        assert!(!r.insert("a"));
        assert!(r.insert("b"));
        assert!(r.insert("c"));
        assert!(r.insert("a"), "a was evicted");
        assert!(!r.insert("c"));
        assert_eq!(r.texts.len(), 2, "evicted texts are dropped too");
    }

    #[test]
    fn numbers_and_their_look_alikes_are_distinct() {
        const IDS: [&str; 10] = [
            "7307094187613044651",
            "07307094187613044651",
            "9223372036854775808",
            "18446744073709551615",
            "99999999999999999999",
            "0",
            "00",
            "",
            " 1",
            "1",
        ];
        let mut r = RecentIds::new(16);
        for id in IDS {
            assert!(r.insert(id), "{id:?} is new");
        }
        for id in ["7307094187613044651", "0", "", "1", "00"] {
            assert!(!r.insert(id), "{id:?} is a repeat");
        }
        assert_eq!(r.recent(16), IDS, "snapshots get every id back as it was");
        assert_eq!(r.recent(2), [" 1", "1"]);
    }
}
