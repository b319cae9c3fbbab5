//! A bounded set of recent MsgIds: a message the server delivers again is dropped.

use std::collections::{HashSet, VecDeque};

/// Remembers the last `capacity` ids.
#[derive(Debug, Clone)]
pub(crate) struct RecentIds {
    order: VecDeque<String>,
    set: HashSet<String>,
    capacity: usize,
}

impl RecentIds {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            order: VecDeque::new(),
            set: HashSet::new(),
            capacity: capacity.max(1),
        }
    }

    /// The most recent `n` ids, oldest first.
    pub(crate) fn recent(&self, n: usize) -> Vec<String> {
        let skip = self.order.len().saturating_sub(n);
        self.order.iter().skip(skip).cloned().collect()
    }

    /// Records `id`; returns `false` when it was already there.
    pub(crate) fn insert(&mut self, id: &str) -> bool {
        if self.set.contains(id) {
            return false;
        }
        if self.order.len() == self.capacity
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        self.order.push_back(id.to_owned());
        self.set.insert(id.to_owned());
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
    }
}
