//! [`Attachments`]: which op has which reader or writer attached, and the events that
//! belong to it rather than to the driver's caller: a `DataWanted` becomes a read of the
//! attached reader, a `Progress` goes to the op's callback (or is dropped for a remote
//! caller's op), and an `OpDone` drops what the op had attached.

use std::collections::HashMap;

use wx_proto::client::{Event, OpId};

use crate::media::{Io, OnProgress};

/// A read the adapter does for an upload: `len` bytes at `offset` of `reader`, then
/// [`Pump::read_done`](crate::Pump::read_done) with the reader and the bytes.
#[derive(Debug)]
pub struct Read<R> {
    /// The upload.
    pub op: OpId,
    /// Where the bytes start.
    pub offset: u64,
    /// How many (at most one chunk).
    pub len: usize,
    /// The op's reader, lent to the adapter until the read is done.
    pub reader: R,
}

/// What one op has attached.
struct Attached<R, S> {
    /// `None` while lent to the adapter (a read, or a download in flight).
    io: Option<Io<R, S>>,
    progress: Option<OnProgress>,
    /// Submitted through a `Remote`: its events are never the driver caller's.
    remote: bool,
}

/// Where an event goes.
#[derive(Debug)]
pub enum Claimed<R> {
    /// Not the attachments' business: pass it on.
    Event(Event),
    /// An attached upload wants bytes: read them.
    Read(Read<R>),
    /// An upload wants bytes while its reader is lent out (a misbehaving core): fail it.
    Unreadable(OpId),
    /// Handled here (a progress report of an attached op).
    Taken,
}

/// The readers and writers attached to ops, generic over the adapter's reader `R` and
/// writer `S`.
pub struct Attachments<R, S> {
    by_op: HashMap<OpId, Attached<R, S>>,
}

impl<R, S> Default for Attachments<R, S> {
    fn default() -> Self {
        Self {
            by_op: HashMap::new(),
        }
    }
}

impl<R, S> std::fmt::Debug for Attachments<R, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachments")
            .field("ops", &self.by_op.len())
            .finish()
    }
}

impl<R, S> Attachments<R, S> {
    /// How many ops have something attached.
    pub fn len(&self) -> usize {
        self.by_op.len()
    }

    /// Whether no op has anything attached.
    pub fn is_empty(&self) -> bool {
        self.by_op.is_empty()
    }

    /// Attaches `io` (and a progress callback) to `op`, replacing what it had. A `remote`
    /// op's progress goes to the callback or nowhere, never to the driver's caller.
    pub fn attach(
        &mut self,
        op: OpId,
        io: Option<Io<R, S>>,
        progress: Option<OnProgress>,
        remote: bool,
    ) {
        self.by_op.insert(
            op,
            Attached {
                io,
                progress,
                remote,
            },
        );
    }

    /// Claims the events of attached ops: a `DataWanted` becomes a [`Read`] of the reader
    /// (lent out until [`put_back`](Self::put_back)), a `Progress` goes to the op's
    /// callback, and an `OpDone` drops what the op had attached (the event passes on).
    pub fn claim(&mut self, event: Event) -> Claimed<R> {
        match event {
            Event::DataWanted { op, offset, len } => {
                let Some(attached) = self.by_op.get_mut(&op) else {
                    return Claimed::Event(event);
                };
                match attached.io.take() {
                    Some(Io::Source(reader)) => Claimed::Read(Read {
                        op,
                        offset,
                        len,
                        reader,
                    }),
                    other => {
                        attached.io = other;
                        Claimed::Unreadable(op)
                    }
                }
            }
            Event::Progress { op, done, total } => match self.by_op.get_mut(&op) {
                Some(Attached {
                    progress: Some(f), ..
                }) => {
                    f(done, total);
                    Claimed::Taken
                }
                Some(Attached { remote: true, .. }) => Claimed::Taken,
                _ => Claimed::Event(event),
            },
            Event::OpDone { op, .. } => {
                self.by_op.remove(&op);
                Claimed::Event(event)
            }
            event => Claimed::Event(event),
        }
    }

    /// Lends out the writer of `op` for one of its download requests; `None` when it has
    /// none (the body is then counted and dropped).
    pub fn take_sink(&mut self, op: OpId) -> Option<S> {
        let attached = self.by_op.get_mut(&op)?;
        match attached.io.take() {
            Some(Io::Sink(sink)) => Some(sink),
            other => {
                attached.io = other;
                None
            }
        }
    }

    /// Gives back what was lent out for `op`; dropped when the op has ended meanwhile (or
    /// already holds something).
    pub fn put_back(&mut self, op: OpId, io: Io<R, S>) {
        if let Some(attached) = self.by_op.get_mut(&op)
            && attached.io.is_none()
        {
            attached.io = Some(io);
        }
    }

    /// Drops every attachment (the session ended, or the driver is gone).
    pub fn clear(&mut self) {
        self.by_op.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use wx_proto::client::{OpError, OpOutput};

    type A = Attachments<&'static str, &'static str>;

    fn want(op: u64) -> Event {
        Event::DataWanted {
            op: OpId(op),
            offset: 7,
            len: 3,
        }
    }

    fn progress(op: u64) -> Event {
        Event::Progress {
            op: OpId(op),
            done: 1,
            total: 2,
        }
    }

    #[test]
    fn data_wanted_reads_the_attached_reader_and_passes_when_none() {
        let mut a = A::default();
        a.attach(OpId(1), Some(Io::Source("file")), None, false);
        let Claimed::Read(read) = a.claim(want(1)) else {
            panic!("a read")
        };
        assert_eq!(
            (read.op, read.offset, read.len, read.reader),
            (OpId(1), 7, 3, "file")
        );
        // Lent out: another ask (never made by the core) fails instead of waiting.
        assert!(matches!(a.claim(want(1)), Claimed::Unreadable(OpId(1))));
        a.put_back(OpId(1), Io::Source("file"));
        assert!(matches!(a.claim(want(1)), Claimed::Read(_)));
        assert!(matches!(
            a.claim(want(2)),
            Claimed::Event(Event::DataWanted { .. })
        ));
    }

    #[test]
    fn progress_goes_to_the_callback_or_nowhere_for_a_remote_op() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut a = A::default();
        let log = seen.clone();
        a.attach(
            OpId(1),
            None,
            Some(Box::new(move |d, t| {
                log.lock().unwrap_or_else(|e| e.into_inner()).push((d, t))
            })),
            true,
        );
        a.attach(OpId(2), None, None, true);
        a.attach(OpId(3), None, None, false);
        assert!(matches!(a.claim(progress(1)), Claimed::Taken));
        assert!(matches!(a.claim(progress(2)), Claimed::Taken));
        assert!(matches!(a.claim(progress(3)), Claimed::Event(_)));
        assert!(matches!(a.claim(progress(4)), Claimed::Event(_)));
        assert_eq!(
            *seen.lock().unwrap_or_else(|e| e.into_inner()),
            vec![(1, 2)]
        );
    }

    #[test]
    fn a_writer_is_lent_per_request_and_dropped_with_its_op() {
        let mut a = A::default();
        a.attach(OpId(1), Some(Io::Sink("vec")), None, false);
        assert_eq!(a.take_sink(OpId(1)), Some("vec"));
        assert_eq!(a.take_sink(OpId(1)), None, "lent out");
        a.put_back(OpId(1), Io::Sink("vec"));
        assert_eq!(a.take_sink(OpId(1)), Some("vec"), "again for a retry");
        a.put_back(OpId(1), Io::Sink("vec"));
        let done = Event::OpDone {
            op: OpId(1),
            result: Ok(OpOutput::Done),
        };
        assert!(matches!(
            a.claim(done),
            Claimed::Event(Event::OpDone { .. })
        ));
        assert!(a.is_empty());
        // Lent out when its op ended (a cancel): given back, it is dropped.
        a.attach(OpId(2), Some(Io::Sink("w")), None, false);
        assert_eq!(a.take_sink(OpId(2)), Some("w"));
        let cancelled = Event::OpDone {
            op: OpId(2),
            result: Err(OpError::Cancelled),
        };
        assert!(matches!(a.claim(cancelled), Claimed::Event(_)));
        a.put_back(OpId(2), Io::Sink("w"));
        assert!(a.is_empty());
        assert_eq!(a.take_sink(OpId(3)), None);
    }
}
