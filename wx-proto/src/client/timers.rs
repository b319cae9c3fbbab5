//! The client's own timers in one table (the next lane step, the next contact-loading step),
//! and [`Wake`]: why the next wake-up of [`Client::poll_timeout`](super::Client::poll_timeout)
//! is due, for logs. The request watchdog and the send pace keep their deadlines with the
//! part that owns them (the in-flight map, the send pacer); the table's `next` combines them.

use std::collections::BTreeMap;
use std::time::Instant;

use super::command::OpId;

use super::{ContactsStep, Lane};
use crate::Endpoint;

/// Why the client asks to be woken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Wake {
    /// Requests or events are queued: drain them (the wake-up is now).
    Drain,
    /// The next step of the login or the sync loop (a retry, a paced poll, the end of a
    /// throttle), with the endpoint it calls.
    Lane(Endpoint),
    /// The next contact-loading step (a retry after a failure).
    Contacts(Endpoint),
    /// A request in flight passed its deadline: it is declared lost.
    Watchdog(Endpoint),
    /// A queued message send may leave (the send pace, or the pause after a 1205).
    SendPace,
    /// An operation asked to be woken (its own retry or wait).
    Op(OpId),
}

/// The timers of the lane and of the contact loader.
#[derive(Debug, Clone, Default)]
pub(crate) struct Timers {
    lane: Option<(Instant, Lane)>,
    contacts: Option<(Instant, ContactsStep)>,
    /// Each operation's own timer.
    ops: BTreeMap<OpId, Instant>,
}

impl Lane {
    /// The endpoint this lane step calls.
    fn endpoint(&self) -> Endpoint {
        match self {
            Lane::JsLogin => Endpoint::JsLogin,
            Lane::LoginPoll => Endpoint::LoginPoll,
            Lane::LoginPage(_) => Endpoint::LoginPage,
            Lane::Init => Endpoint::Init,
            Lane::SyncCheck => Endpoint::SyncCheck,
        }
    }
}

impl ContactsStep {
    fn endpoint(self) -> Endpoint {
        match self {
            ContactsStep::GetContact(_) => Endpoint::GetContact,
            ContactsStep::Batch => Endpoint::BatchGetContact,
        }
    }
}

impl Timers {
    /// Runs `lane` at `at` (replacing any lane step already set).
    pub(crate) fn set_lane(&mut self, at: Instant, lane: Lane) {
        self.lane = Some((at, lane));
    }

    /// Runs the contact step `step` at `at`.
    pub(crate) fn set_contacts(&mut self, at: Instant, step: ContactsStep) {
        self.contacts = Some((at, step));
    }

    /// Whether a contact step is waiting.
    pub(crate) fn contacts_waiting(&self) -> bool {
        self.contacts.is_some()
    }

    /// Wakes operation `op` at `at` (replacing its timer).
    pub(crate) fn set_op(&mut self, op: OpId, at: Instant) {
        self.ops.insert(op, at);
    }

    /// Forgets `op`'s timer (it ended).
    pub(crate) fn cancel_op(&mut self, op: OpId) {
        self.ops.remove(&op);
    }

    /// The operations whose timers are due at `now`, taken out of the table.
    pub(crate) fn take_due_ops(&mut self, now: Instant) -> Vec<OpId> {
        let due: Vec<OpId> = self
            .ops
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(op, _)| *op)
            .collect();
        for op in &due {
            self.ops.remove(op);
        }
        due
    }

    /// Forgets the lane's and the contact loader's timers (a logout, the end of a
    /// session, a new login); the operations keep theirs until they end.
    pub(crate) fn clear(&mut self) {
        self.lane = None;
        self.contacts = None;
    }

    /// Forgets every operation's timer (the session ended: no op is left).
    pub(crate) fn clear_ops(&mut self) {
        self.ops.clear();
    }

    /// The lane step due at `now`, taken out of the table.
    pub(crate) fn take_due_lane(&mut self, now: Instant) -> Option<Lane> {
        match &self.lane {
            Some((at, _)) if *at <= now => self.lane.take().map(|(_, l)| l),
            _ => None,
        }
    }

    /// The contact step due at `now`, taken out of the table.
    pub(crate) fn take_due_contacts(&mut self, now: Instant) -> Option<ContactsStep> {
        match &self.contacts {
            Some((at, _)) if *at <= now => self.contacts.take().map(|(_, s)| s),
            _ => None,
        }
    }

    /// The earliest of the table's timers and the `others` (deadlines owned elsewhere).
    pub(crate) fn next(
        &self,
        others: impl IntoIterator<Item = (Instant, Wake)>,
    ) -> Option<(Instant, Wake)> {
        let lane = self
            .lane
            .as_ref()
            .map(|(t, l)| (*t, Wake::Lane(l.endpoint())));
        let contacts = self
            .contacts
            .as_ref()
            .map(|(t, s)| (*t, Wake::Contacts(s.endpoint())));
        let ops = self.ops.iter().map(|(op, t)| (*t, Wake::Op(*op)));
        lane.into_iter()
            .chain(contacts)
            .chain(ops)
            .chain(others)
            .min_by_key(|(t, _)| *t)
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_earliest_timer_wins_and_says_why() {
        let t = Instant::now();
        let mut timers = Timers::default();
        assert_eq!(timers.next([]), None);
        timers.set_lane(t + Duration::from_secs(5), Lane::SyncCheck);
        timers.set_contacts(t + Duration::from_secs(2), ContactsStep::Batch);
        assert_eq!(
            timers.next([(t + Duration::from_secs(9), Wake::SendPace)]),
            Some((
                t + Duration::from_secs(2),
                Wake::Contacts(Endpoint::BatchGetContact)
            ))
        );
        assert_eq!(timers.take_due_contacts(t), None, "not due yet");
        assert_eq!(
            timers.take_due_contacts(t + Duration::from_secs(2)),
            Some(ContactsStep::Batch)
        );
        assert_eq!(
            timers.next([(t + Duration::from_secs(1), Wake::Watchdog(Endpoint::Sync))]),
            Some((t + Duration::from_secs(1), Wake::Watchdog(Endpoint::Sync)))
        );
        assert_eq!(
            timers.next([]),
            Some((t + Duration::from_secs(5), Wake::Lane(Endpoint::SyncCheck)))
        );
        timers.set_op(OpId(4), t + Duration::from_secs(1));
        assert_eq!(
            timers.next([]),
            Some((t + Duration::from_secs(1), Wake::Op(OpId(4))))
        );
        assert_eq!(timers.take_due_ops(t + Duration::from_secs(1)), [OpId(4)]);
        timers.clear();
        assert_eq!(timers.next([]), None);
    }
}
