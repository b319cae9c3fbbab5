//! [`Done`]: what an adapter's task (a request, a download, an upload's read) ends with,
//! [`Job`]: what the task was, to report it when it panicked or was cancelled, and
//! [`Pump::complete`]: handing either to the client, the same way in every adapter.

use std::time::Instant;

use wx_proto::client::{Client, Failure, OpId, RequestId};

use crate::feed::{Outcome, feed};
use crate::media::Streamed;
use crate::pump::Pump;

/// What an adapter's task ends with, for [`Pump::complete`]. Generic over the adapter's
/// reader `R` and writer `S`, which the task was lent and gives back here.
#[derive(Debug)]
pub enum Done<R, S> {
    /// A request's whole response, or its failure.
    Request(RequestId, Outcome),
    /// A download of op `OpId` streamed into the op's writer (given back, when there was
    /// one and the task did not lose it), or its failure.
    Streamed(RequestId, OpId, Option<S>, Streamed),
    /// An upload's read of op `OpId` at this offset (the reader given back, unless the
    /// task lost it), or its failure.
    Read(OpId, u64, Option<R>, std::io::Result<Vec<u8>>),
}

impl<R, S> Done<R, S> {
    /// What the task was.
    pub fn job(&self) -> Job {
        match *self {
            Done::Request(id, _) => Job::Request(id),
            Done::Streamed(id, op, ..) => Job::Stream(id, op),
            Done::Read(op, offset, ..) => Job::Read(op, offset),
        }
    }
}

/// What an adapter's task is: enough to report it as [`Done`] when it panicked or was
/// cancelled and gave back nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// A request.
    Request(RequestId),
    /// A download of the op.
    Stream(RequestId, OpId),
    /// An upload's read of the op at this offset.
    Read(OpId, u64),
}

impl Job {
    /// The task ended without its result: a request or download fails with `failure`; a
    /// read fails with an I/O error ("the read's task ended"). No reader or writer comes
    /// back (the op's attachment is lost).
    pub fn failed<R, S>(self, failure: Failure) -> Done<R, S> {
        match self {
            Job::Request(id) => Done::Request(id, Err(failure)),
            Job::Stream(id, op) => Done::Streamed(id, op, None, Err(failure)),
            Job::Read(op, offset) => {
                let lost = std::io::Error::other("the read's task ended");
                Done::Read(op, offset, None, Err(lost))
            }
        }
    }
}

impl<W, R, S> Pump<W, R, S> {
    /// Hands what a task ended with to `client` at `now`: a request's outcome through
    /// [`feed`], a download through [`Pump::streamed`], a read through
    /// [`Pump::read_done`] (each puts back the writer or reader it gives back).
    pub fn complete(&mut self, client: &mut Client, done: Done<R, S>, now: Instant) {
        match done {
            Done::Request(id, outcome) => feed(client, id, outcome, now),
            Done::Streamed(id, op, sink, outcome) => {
                self.streamed(client, id, op, sink, outcome, now);
            }
            Done::Read(op, offset, reader, bytes) => {
                self.read_done(client, op, offset, reader, bytes, now);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_task_fails_as_what_it_was() {
        let failed: Done<(), ()> = Job::Request(RequestId(1)).failed(Failure::Cancelled);
        assert!(matches!(
            failed,
            Done::Request(RequestId(1), Err(Failure::Cancelled))
        ));
        let failed: Done<(), ()> = Job::Stream(RequestId(2), OpId(3)).failed(Failure::Io);
        assert!(matches!(
            failed,
            Done::Streamed(RequestId(2), OpId(3), None, Err(Failure::Io))
        ));
        let failed: Done<(), ()> = Job::Read(OpId(4), 512).failed(Failure::Io);
        assert_eq!(failed.job(), Job::Read(OpId(4), 512));
        let Done::Read(_, _, None, Err(e)) = failed else {
            panic!("a lost read gives no reader back and an I/O error");
        };
        assert_eq!(e.to_string(), "the read's task ended");
    }
}
