//! Poisoned elements: one message or contact of a reply whose JSON string carries a raw
//! control byte (invalid JSON) or an invalid UTF-8 byte, while its siblings stay valid.
//!
//! A poisoned element stays poisoned every time it is sent again (a client that does not
//! advance its SyncKey gets it again, poisoned), until [`Sim::clear_patterns`]. Poison is
//! written in three steps: a queued event (or a page contact) is marked; when a reply is
//! built, the marked element's Content or NickName gets a sentinel (private-use characters
//! serde_json writes as they are); after serialization `apply` turns each sentinel into its
//! byte.

use crate::content::Body;
use crate::session::Event;
use crate::sim::{Push, Sim, SimError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// What makes a poisoned element unreadable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Poison {
    /// A raw, unescaped U+0001 inside the string: invalid JSON.
    ControlByte,
    /// A 0xFF byte inside the string: invalid UTF-8.
    InvalidUtf8,
}

impl Poison {
    /// The byte the poison puts into the body.
    pub fn byte(self) -> u8 {
        match self {
            Poison::ControlByte => 0x01,
            Poison::InvalidUtf8 => 0xFF,
        }
    }

    fn sentinel(self) -> &'static str {
        match self {
            Poison::ControlByte => "\u{F8FF}wx-sim-poison-01\u{F8FF}",
            Poison::InvalidUtf8 => "\u{F8FF}wx-sim-poison-ff\u{F8FF}",
        }
    }
}

/// Which kind of element a pending poison waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spot {
    /// An AddMsgList entry (its Content).
    Message,
    /// A ModContactList entry (its NickName).
    ModContact,
}

/// The two elements a poisoned-pair helper queued: the first is poisoned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoisonedPair {
    /// MsgId (messages) or UserName (contacts) of the poisoned element, sent first.
    pub poisoned: String,
    /// MsgId or UserName of the valid element, sent right after it.
    pub valid: String,
}

/// Poison waiting to be applied, kept by the simulator.
#[derive(Debug, Clone, Default)]
pub(crate) struct PoisonState {
    /// For the next webwxsync batch carrying such an element (of that account, or any).
    pub next: Vec<(Option<usize>, Spot, Poison)>,
    /// webwxgetcontact: account → contact index → poison.
    pub pages: HashMap<usize, BTreeMap<usize, Poison>>,
}

impl Spot {
    fn holds(self, e: &Event) -> bool {
        match self {
            Spot::Message => matches!(e, Event::Msg(_)),
            Spot::ModContact => matches!(e, Event::Mod(_) | Event::ModGroup { .. }),
        }
    }
}

impl PoisonState {
    /// Marks in `marks` (a session's) the first message and the first contact change of
    /// `batch` not yet poisoned, for each pending poison of `account` there is.
    pub fn claim(
        &mut self,
        account: usize,
        marks: &mut BTreeMap<u64, Poison>,
        batch: &[(u64, Event)],
    ) {
        for spot in [Spot::Message, Spot::ModContact] {
            let first = batch
                .iter()
                .find(|(q, e)| spot.holds(e) && !marks.contains_key(q));
            if let Some((q, _)) = first
                && let Some(p) = self.take_next(spot, account)
            {
                marks.insert(*q, p);
            }
        }
    }

    /// Takes the pending poison for `spot` of `account`, if any.
    fn take_next(&mut self, spot: Spot, account: usize) -> Option<Poison> {
        let i = self
            .next
            .iter()
            .position(|(a, s, _)| *s == spot && a.is_none_or(|a| a == account))?;
        Some(self.next.remove(i).2)
    }
}

/// Puts `poison`'s sentinel in the middle of `s` (at a character boundary).
pub(crate) fn mark(s: &mut String, poison: Poison) {
    let n = s.chars().count();
    let at = s.char_indices().nth(n / 2).map_or(s.len(), |(i, _)| i);
    s.insert_str(at, poison.sentinel());
}

/// Replaces every sentinel in a serialized body by its poison byte.
pub(crate) fn apply(body: &mut Vec<u8>) {
    for p in [Poison::ControlByte, Poison::InvalidUtf8] {
        let pat = p.sentinel().as_bytes();
        let mut out = Vec::with_capacity(body.len());
        let mut rest = body.as_slice();
        let mut hit = false;
        while let Some(i) = rest.windows(pat.len()).position(|w| w == pat) {
            out.extend_from_slice(&rest[..i]);
            out.push(p.byte());
            rest = &rest[i + pat.len()..];
            hit = true;
        }
        if hit {
            out.extend_from_slice(rest);
            *body = out;
        }
    }
}

impl Sim {
    /// The next webwxsync batch with messages (of `account`'s sessions, or of any) carries
    /// its first message poisoned; that message stays poisoned whenever it is sent again.
    pub fn poison_next_message(&mut self, account: Option<usize>, poison: Poison) {
        self.poison.next.push((account, Spot::Message, poison));
    }

    /// The next webwxsync batch with a ModContactList (of `account`, or of any) carries its
    /// first contact poisoned (in its NickName), again whenever it is sent again.
    pub fn poison_next_mod_contact(&mut self, account: Option<usize>, poison: Poison) {
        self.poison.next.push((account, Spot::ModContact, poison));
    }

    /// webwxgetcontact pages of `account` carry the contact at `index` (in page order)
    /// poisoned (in its NickName), every time its page is served. Returns its UserName.
    pub fn poison_page_contact(
        &mut self,
        account: usize,
        index: usize,
        poison: Poison,
    ) -> Result<String, SimError> {
        let acc = self
            .world
            .accounts
            .get(account)
            .ok_or(SimError::NoAccount)?;
        let name = acc
            .contacts
            .get(index)
            .ok_or(SimError::NoContact)?
            .user_name
            .clone();
        self.poison
            .pages
            .entry(account)
            .or_default()
            .insert(index, poison);
        Ok(name)
    }

    /// The poison of the page contact at `index` of `account`, if any.
    pub(crate) fn page_poison(&self, account: usize, index: usize) -> Option<Poison> {
        self.poison.pages.get(&account)?.get(&index).copied()
    }

    /// Pushes two texts as [`Sim::push`] does: a poisoned one (`poisoned message`, the
    /// byte in the middle) and right after it a valid one (`valid message`).
    pub fn push_poisoned_pair(
        &mut self,
        push: &Push,
        poison: Poison,
        now: Instant,
    ) -> Result<PoisonedPair, SimError> {
        let bad = Body::Text {
            text: "poisoned message".into(),
        };
        let good = Body::Text {
            text: "valid message".into(),
        };
        let poisoned = self.push_marked(push, &bad, Some(poison), now)?;
        let valid = self.push(push, &good, now)?;
        Ok(PoisonedPair { poisoned, valid })
    }

    /// Queues a ModContactList change of the first two friends of `account`: the first
    /// poisoned (in its NickName), the second valid. Returns their UserNames.
    pub fn push_poisoned_contacts(
        &mut self,
        account: usize,
        poison: Poison,
        now: Instant,
    ) -> Result<PoisonedPair, SimError> {
        let acc = self
            .world
            .accounts
            .get(account)
            .ok_or(SimError::NoAccount)?;
        let two: Vec<String> = acc.friends().take(2).map(|c| c.user_name.clone()).collect();
        let [poisoned, valid] = <[String; 2]>::try_from(two).map_err(|_| SimError::NoContact)?;
        self.deliver_marked(account, Event::Mod(poisoned.clone()), Some(poison), now);
        self.deliver_marked(account, Event::Mod(valid.clone()), None, now);
        Ok(PoisonedPair { poisoned, valid })
    }

    /// Forgets every poison: pending, on pages, and the marks on queued events.
    pub(crate) fn clear_poison(&mut self) {
        self.poison = PoisonState::default();
        for s in &mut self.sessions {
            s.poisoned.clear();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn mark_then_apply_leaves_exactly_the_byte() {
        let mut s = "abcd文字".to_string();
        mark(&mut s, Poison::InvalidUtf8);
        let mut body = serde_json::to_vec(&s).unwrap();
        apply(&mut body);
        assert_eq!(body, b"\"abc\xffd\xe6\x96\x87\xe5\xad\x97\"");
        let mut e = String::new();
        mark(&mut e, Poison::ControlByte);
        let mut body = serde_json::to_vec(&[&e, &e]).unwrap();
        apply(&mut body);
        assert_eq!(body, b"[\"\x01\",\"\x01\"]");
    }
}
