//! A bounded set of recent MsgIds: a message the server delivers again is dropped.
//!
//! Every MsgId the server has been seen to send is a decimal number below 2^63: such an id
//! is kept as that number, 8 bytes. Any other id is kept as a 64-bit FNV-1a hash of its text
//! with the top bit set (so it cannot equal a number), with its text on the side for
//! snapshots. A lookup scans the ring; at the default capacity (1,024) that is a few hundred
//! nanoseconds, and the whole set stays under 9 KiB per session.

use std::collections::{HashSet, VecDeque};

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
    /// Every key of `order`, once the capacity grew past [`INDEX_ABOVE`].
    index: Option<HashSet<u64>>,
    /// Keys of our own sends whose echo through webwxsync has not come back yet.
    echoes: VecDeque<u64>,
}

/// At most this many own sends wait for their echo (older ones are forgotten).
const MAX_ECHOES: usize = 64;

/// The most a batch can grow the set to (~2.5 MiB with its index): a server sending
/// bigger batches than this can get older ids of the same batch delivered twice.
const MAX_HOLD: usize = 100_000;
/// Up to this capacity a scan of the ring is fast enough (and costs no extra memory).
const INDEX_ABOVE: usize = 4096;

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
            index: None,
            echoes: VecDeque::new(),
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

    /// Grows the capacity to at least `n` ids, up to [`MAX_HOLD`] (never shrinks it). Past
    /// [`INDEX_ABOVE`] an index keeps lookups constant-time.
    pub(crate) fn hold_at_least(&mut self, n: usize) {
        let n = n.min(MAX_HOLD);
        if n <= self.capacity {
            return;
        }
        self.capacity = n;
        if self.capacity > INDEX_ABOVE && self.index.is_none() {
            self.index = Some(self.order.iter().copied().collect());
        }
    }

    fn contains(&self, k: u64) -> bool {
        match &self.index {
            Some(index) => index.contains(&k),
            None => self.order.contains(&k),
        }
    }

    /// Records the MsgID of one of our own sends: its echo through webwxsync is dropped as
    /// a repeat, but [`RecentIds::take_echo`] tells it apart from a re-delivery.
    pub(crate) fn insert_own(&mut self, id: &str) {
        self.insert(id);
        if self.echoes.len() >= MAX_ECHOES {
            self.echoes.pop_front();
        }
        self.echoes.push_back(key(id).0);
    }

    /// Whether `id` is one of our own sends coming back for the first time (then it is
    /// forgotten: a second time is a re-delivery).
    pub(crate) fn take_echo(&mut self, id: &str) -> bool {
        let k = key(id).0;
        match self.echoes.iter().position(|e| *e == k) {
            Some(at) => {
                self.echoes.remove(at);
                true
            }
            None => false,
        }
    }

    /// Records `id`; returns `false` when it was already there.
    pub(crate) fn insert(&mut self, id: &str) -> bool {
        let (k, exact) = key(id);
        if self.contains(k) {
            return false;
        }
        if self.order.len() >= self.capacity
            && let Some(old) = self.order.pop_front()
        {
            if let Some(index) = self.index.as_mut() {
                index.remove(&old);
            }
            if old & HASHED != 0
                && let Some(at) = self.texts.iter().position(|(t, _)| *t == old)
            {
                self.texts.remove(at);
            }
        }
        self.order.push_back(k);
        if let Some(index) = self.index.as_mut() {
            index.insert(k);
        }
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
    fn a_grown_set_recognises_a_whole_large_batch_again() {
        let mut r = RecentIds::new(1024);
        r.hold_at_least(20_000);
        let ids: Vec<String> = (0..10_000u64)
            .map(|n| (7_000_000_000 + n).to_string())
            .collect();
        assert!(ids.iter().all(|id| r.insert(id)), "all new");
        assert!(ids.iter().all(|id| !r.insert(id)), "all repeats");
        r.hold_at_least(10);
        assert_eq!(r.capacity, 20_000, "never shrinks");
        for n in 0..20_000u64 {
            r.insert(&n.to_string());
        }
        assert!(r.insert(&ids[0]), "evicted ids leave the index too");
        assert_eq!(r.index.as_ref().map(HashSet::len), Some(20_000));
    }

    #[test]
    fn an_own_send_echoes_once_then_is_a_repeat() {
        let mut r = RecentIds::new(16);
        r.insert_own("42");
        assert!(!r.insert("42"), "the echo is not delivered");
        assert!(r.take_echo("42"), "but it is told apart from a re-delivery");
        assert!(!r.take_echo("42"), "once");
        assert!(!r.take_echo("43"));
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
