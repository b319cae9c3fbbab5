//! [`Reader`]: one response read off a connection, head then body, from the bytes an
//! adapter reads into the buffer it lends. It owns the buffer and the read positions; the
//! adapter owns the socket and the waiting, so each runtime's loop is a few lines.

use std::ops::Range;

use http::Method;

use super::{Body, H1Error, MAX_HEAD, parse_head};

/// The smallest read buffer a reader takes (a smaller one is raised to this).
const MIN_BUFFER: usize = 1024;

/// What a [`Reader`] needs or gives next.
#[derive(Debug, PartialEq, Eq)]
pub enum Next<'a> {
    /// Read from the connection into [`Reader::space`], then call [`Reader::filled`].
    Read,
    /// A run of body data (a slice of the reader's buffer).
    Data(&'a [u8]),
    /// The body is whole.
    Done,
}

/// The reader of one response to a `method` request.
#[derive(Debug)]
pub struct Reader {
    method: Method,
    buf: Vec<u8>,
    /// `buf[start..end]` has been read and not decoded yet.
    start: usize,
    end: usize,
    /// The body's decoder once the head is in.
    body: Option<Body>,
    keep_alive: bool,
}

impl Reader {
    /// A reader for the answer to a `method` request, through a buffer of `buffer` bytes
    /// (at least 1 KiB; it grows, up to a little over [`MAX_HEAD`], only for a long head).
    pub fn new(method: Method, buffer: usize) -> Self {
        Self {
            method,
            buf: vec![0; buffer.max(MIN_BUFFER)],
            start: 0,
            end: 0,
            body: None,
            keep_alive: false,
        }
    }

    /// The response head once the bytes read hold it whole (interim `1xx` answers are
    /// skipped); `None` means: [`Next::Read`]. Called again after it gave the head, it
    /// gives `None`.
    pub fn head(&mut self) -> Result<Option<http::Response<()>>, H1Error> {
        if self.body.is_some() {
            return Ok(None);
        }
        let input = self.buf.get(self.start..self.end).unwrap_or_default();
        let Some((used, head)) = parse_head(input, &self.method)? else {
            return Ok(None);
        };
        self.start += used;
        self.keep_alive = head.keep_alive;
        self.body = Some(Body::new(head.framing));
        Ok(Some(head.response))
    }

    /// The next step of the body: data already read, a read to make, or its end. Before
    /// the head is in, always [`Next::Read`].
    pub fn step(&mut self) -> Result<Next<'_>, H1Error> {
        let Some(body) = self.body.as_mut() else {
            return Ok(Next::Read);
        };
        loop {
            if body.is_done() {
                return Ok(Next::Done);
            }
            let input = self.buf.get(self.start..self.end).unwrap_or_default();
            if input.is_empty() {
                return Ok(Next::Read);
            }
            let (used, data) = body.decode(input)?;
            let data: Range<usize> = {
                let from = self.start + used - data.len();
                from..self.start + used
            };
            self.start += used;
            if !data.is_empty() {
                return Ok(Next::Data(self.buf.get(data).unwrap_or_default()));
            }
        }
    }

    /// Where the next read goes: the buffer past what is held (the whole buffer once all
    /// of it was decoded; a buffer full of an unfinished head grows).
    pub fn space(&mut self) -> &mut [u8] {
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        } else if self.end == self.buf.len() && self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, self.end - self.start);
        }
        if self.end == self.buf.len() {
            let grown = (self.buf.len() * 2).min(MAX_HEAD + MIN_BUFFER);
            self.buf.resize(grown.max(self.buf.len()), 0);
        }
        self.buf.get_mut(self.end..).unwrap_or_default()
    }

    /// Records a read of `n` bytes into [`space`](Self::space); `0` is the peer's close,
    /// which ends a body that runs until close and cuts any other head or body short
    /// ([`H1Error::Truncated`]).
    pub fn filled(&mut self, n: usize) -> Result<(), H1Error> {
        if n == 0 {
            self.keep_alive = false;
            return match self.body.as_mut() {
                Some(body) => body.end_of_input(),
                None => Err(H1Error::Truncated),
            };
        }
        self.end = (self.end + n).min(self.buf.len());
        Ok(())
    }

    /// Whether the connection can carry the next request: the body was read whole, nothing
    /// came after it, and the server did not ask to close.
    pub fn reusable(&self) -> bool {
        self.keep_alive && self.start == self.end && self.body.as_ref().is_some_and(Body::is_done)
    }

    /// Whether bytes beyond what was decoded are held (after a tunnel's `CONNECT` answer:
    /// a proxy that spoke before the client did).
    pub fn has_unread(&self) -> bool {
        self.start < self.end
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Feeds `wire` in pieces of `step` bytes; gives the status, the body and reusability.
    fn read(wire: &[u8], step: usize) -> Result<(u16, Vec<u8>, bool), H1Error> {
        let mut reader = Reader::new(Method::GET, 1);
        let mut wire = wire.chunks(step);
        let mut feed = |reader: &mut Reader| {
            let piece = wire.next().unwrap_or_default();
            let space = reader.space();
            let n = piece.len().min(space.len());
            space[..n].copy_from_slice(&piece[..n]);
            assert_eq!(n, piece.len(), "the space holds a whole piece here");
            reader.filled(n)
        };
        let head = loop {
            if let Some(head) = reader.head()? {
                break head;
            }
            feed(&mut reader)?;
        };
        let mut body = Vec::new();
        loop {
            match reader.step()? {
                Next::Data(d) => body.extend_from_slice(d),
                Next::Read => feed(&mut reader)?,
                Next::Done => break,
            }
        }
        Ok((head.status().as_u16(), body, reader.reusable()))
    }

    #[test]
    fn chunked_body_in_any_piece_size() {
        let wire = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nT: v\r\n\r\n";
        for step in 1..wire.len() {
            assert_eq!(read(wire, step).unwrap(), (200, b"abcde".to_vec(), true));
        }
    }

    #[test]
    fn until_close_body_ends_at_close_and_is_not_reused() {
        let wire = b"HTTP/1.0 200 OK\r\n\r\nall of it";
        assert_eq!(read(wire, 4).unwrap(), (200, b"all of it".to_vec(), false));
    }

    #[test]
    fn a_cut_head_or_body_is_truncated() {
        assert_eq!(
            read(b"HTTP/1.1 200 OK\r\nContent-", 5),
            Err(H1Error::Truncated)
        );
        let cut = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
        assert_eq!(read(cut, 5), Err(H1Error::Truncated));
    }

    #[test]
    fn bytes_after_the_body_forbid_reuse() {
        let wire = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA";
        assert_eq!(
            read(wire, wire.len()).unwrap(),
            (200, b"ok".to_vec(), false)
        );
    }

    #[test]
    fn an_endless_head_fails_at_the_cap_with_a_bounded_buffer() {
        let mut reader = Reader::new(Method::GET, 16);
        let start = b"HTTP/1.1 200 OK\r\nA: ";
        reader.space()[..start.len()].copy_from_slice(start);
        reader.filled(start.len()).unwrap();
        let result = loop {
            match reader.head() {
                Err(e) => break e,
                Ok(Some(_)) => panic!("the head never ends"),
                Ok(None) => {}
            }
            let space = reader.space();
            assert!(!space.is_empty());
            space.fill(b'b');
            let n = space.len();
            reader.filled(n).unwrap();
            assert!(reader.buf.len() <= MAX_HEAD + MIN_BUFFER);
        };
        assert_eq!(result, H1Error::HeadTooLarge);
    }
}
