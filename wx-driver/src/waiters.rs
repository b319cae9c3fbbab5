//! [`Waiters`]: the callers waiting for the result of an operation they submitted, keyed
//! by its `OpId`, and what to answer each when its `OpDone` arrives or the session ends.

use std::collections::HashMap;

use wx_proto::client::{Event, OpId};

use crate::error::{RemoteError, RemoteResult};

/// Where an event goes: to the driver's caller, or to the remote caller waiting for it.
#[derive(Debug)]
pub enum Routed<W> {
    /// Not for a waiter: hand it to the driver's caller.
    Event(Event),
    /// The result of a remote-submitted operation: send it to `W`.
    Reply(W, RemoteResult),
}

/// Remote callers waiting for their operation's `OpDone`, each with its reply sender `W`.
#[derive(Debug)]
pub struct Waiters<W> {
    by_op: HashMap<OpId, W>,
}

impl<W> Default for Waiters<W> {
    fn default() -> Self {
        Self {
            by_op: HashMap::new(),
        }
    }
}

impl<W> Waiters<W> {
    /// How many callers are waiting.
    pub fn len(&self) -> usize {
        self.by_op.len()
    }

    /// Whether no caller is waiting.
    pub fn is_empty(&self) -> bool {
        self.by_op.is_empty()
    }

    /// `reply` waits for the result of `op`.
    pub fn insert(&mut self, op: OpId, reply: W) {
        self.by_op.insert(op, reply);
    }

    /// An `OpDone` somebody waits for becomes their reply; every other event passes on.
    pub fn route(&mut self, event: Event) -> Routed<W> {
        if let Event::OpDone { op, result } = &event
            && let Some(reply) = self.by_op.remove(op)
        {
            return Routed::Reply(reply, result.clone().map_err(RemoteError::Op));
        }
        Routed::Event(event)
    }

    /// Every caller still waiting, with its answer `error` (the session ended or the driver
    /// is gone); none is left waiting.
    pub fn drain(&mut self, error: &RemoteError) -> Vec<(W, RemoteResult)> {
        self.by_op
            .drain()
            .map(|(_, reply)| (reply, Err(error.clone())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wx_proto::client::{OpError, OpOutput};

    fn done(op: u64, result: Result<OpOutput, OpError>) -> Event {
        Event::OpDone {
            op: OpId(op),
            result,
        }
    }

    #[test]
    fn an_awaited_op_done_is_a_reply_and_others_pass() {
        let mut waiters = Waiters::default();
        waiters.insert(OpId(1), "one");
        waiters.insert(OpId(2), "two");
        assert!(matches!(
            waiters.route(done(1, Ok(OpOutput::Done))),
            Routed::Reply("one", Ok(OpOutput::Done))
        ));
        assert!(matches!(
            waiters.route(done(2, Err(OpError::Throttled))),
            Routed::Reply("two", Err(RemoteError::Op(OpError::Throttled)))
        ));
        // Answered once: a second OpDone for the same op, or one nobody waits for, passes.
        assert!(matches!(
            waiters.route(done(1, Ok(OpOutput::Done))),
            Routed::Event(Event::OpDone { op: OpId(1), .. })
        ));
        assert!(waiters.is_empty());
    }

    #[test]
    fn the_end_answers_every_waiter_once() {
        let mut waiters = Waiters::default();
        waiters.insert(OpId(1), 1);
        waiters.insert(OpId(2), 2);
        let mut answered = waiters.drain(&RemoteError::Ended);
        answered.sort_by_key(|(w, _)| *w);
        assert_eq!(
            answered,
            vec![(1, Err(RemoteError::Ended)), (2, Err(RemoteError::Ended))]
        );
        assert_eq!(waiters.len(), 0);
        assert!(waiters.drain(&RemoteError::Ended).is_empty());
    }
}
