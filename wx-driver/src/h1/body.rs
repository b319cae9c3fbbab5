//! Decoding a response body from the bytes after its head, as they arrive: a known length,
//! `chunked` framing (sizes, extensions, data, trailers), or everything until the peer
//! closes. Data comes out as slices of the input: nothing is copied or buffered here.

use super::{Framing, H1Error, MAX_HEAD};

/// The decoder of one response body.
#[derive(Debug, Clone)]
pub struct Body {
    state: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// This many bytes still to come.
    Length(u64),
    /// Everything until the peer closes.
    UntilClose,
    /// A chunk size line: the size so far, whether a digit was seen, and whether the rest
    /// of the line (an extension) is being skipped.
    Size { size: u64, digits: bool, skip: bool },
    /// The LF ending a size line.
    SizeLf(u64),
    /// This many bytes of chunk data still to come.
    Data(u64),
    /// The CR (`false`) or LF (`true`) after a chunk's data.
    DataEnd(bool),
    /// A trailer line: its length so far, the trailers' total so far, and whether its CR came.
    Trailer { line: usize, total: usize, cr: bool },
    /// The body is whole.
    Done,
}

impl Body {
    /// A decoder for a body framed as `framing`.
    pub fn new(framing: Framing) -> Self {
        let state = match framing {
            Framing::Empty | Framing::Length(0) => State::Done,
            Framing::Length(n) => State::Length(n),
            Framing::UntilClose => State::UntilClose,
            Framing::Chunked => State::Size {
                size: 0,
                digits: false,
                skip: false,
            },
        };
        Self { state }
    }

    /// Whether the body has been read whole (for a body that runs until close: never, see
    /// [`end_of_input`](Self::end_of_input)).
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Reads from `input`: the bytes it took and the body data among them (a slice of
    /// `input`, possibly empty). It takes framing bytes and at most one run of data per
    /// call, so call it again on the rest until it takes nothing; it takes nothing once the
    /// body is whole, and what follows is not the body's.
    pub fn decode<'a>(&mut self, input: &'a [u8]) -> Result<(usize, &'a [u8]), H1Error> {
        let mut at = 0;
        while at < input.len() {
            let byte = input[at];
            self.state = match self.state {
                State::Done => break,
                State::UntilClose => return Ok((input.len(), &input[at..])),
                State::Length(n) | State::Data(n) => {
                    let take =
                        usize::try_from(n).map_or(input.len() - at, |n| n.min(input.len() - at));
                    let left = n - take as u64;
                    self.state = match (self.state, left) {
                        (State::Length(_), 0) => State::Done,
                        (State::Length(_), left) => State::Length(left),
                        (_, 0) => State::DataEnd(false),
                        (_, left) => State::Data(left),
                    };
                    return Ok((at + take, &input[at..at + take]));
                }
                State::Size { size, digits, skip } => size_byte(size, digits, skip, byte)?,
                State::SizeLf(0) if byte == b'\n' => State::Trailer {
                    line: 0,
                    total: 0,
                    cr: false,
                },
                State::SizeLf(size) if byte == b'\n' => State::Data(size),
                State::SizeLf(_) => return Err(H1Error::BadChunk("size line without LF")),
                State::DataEnd(false) if byte == b'\r' => State::DataEnd(true),
                State::DataEnd(_) if byte == b'\n' => State::Size {
                    size: 0,
                    digits: false,
                    skip: false,
                },
                State::DataEnd(_) => {
                    return Err(H1Error::BadChunk("chunk data longer than its size"));
                }
                State::Trailer { line, total, cr } => trailer_byte(line, total, cr, byte)?,
            };
            at += 1;
        }
        Ok((at, &[]))
    }

    /// The connection ended: fine for a body that runs until close or is whole, else the
    /// body was cut short.
    pub fn end_of_input(&mut self) -> Result<(), H1Error> {
        match self.state {
            State::UntilClose | State::Done => {
                self.state = State::Done;
                Ok(())
            }
            _ => Err(H1Error::Truncated),
        }
    }
}

/// One byte of a chunk size line: hex digits, then optional whitespace and `;extension`
/// up to CR LF (a bare LF is accepted too).
fn size_byte(size: u64, digits: bool, skip: bool, byte: u8) -> Result<State, H1Error> {
    let end = |size| match size {
        0 => State::Trailer {
            line: 0,
            total: 0,
            cr: false,
        },
        n => State::Data(n),
    };
    Ok(match byte {
        b'\r' if digits => State::SizeLf(size),
        b'\n' if digits => end(size),
        _ if skip => State::Size { size, digits, skip },
        b';' | b' ' | b'\t' if digits => State::Size {
            size,
            digits,
            skip: true,
        },
        _ => {
            let digit = (byte as char)
                .to_digit(16)
                .ok_or(H1Error::BadChunk("size is not hex"))?;
            let size = size
                .checked_mul(16)
                .and_then(|s| s.checked_add(u64::from(digit)))
                .ok_or(H1Error::BadChunk("size overflows"))?;
            State::Size {
                size,
                digits: true,
                skip,
            }
        }
    })
}

/// One byte of the trailer section: lines up to an empty one, at most [`MAX_HEAD`] bytes.
fn trailer_byte(line: usize, total: usize, cr: bool, byte: u8) -> Result<State, H1Error> {
    if total >= MAX_HEAD {
        return Err(H1Error::BadChunk("trailers too long"));
    }
    let total = total + 1;
    Ok(match byte {
        b'\n' if line == 0 => State::Done,
        b'\n' => State::Trailer {
            line: 0,
            total,
            cr: false,
        },
        b'\r' if !cr => State::Trailer {
            line,
            total,
            cr: true,
        },
        _ if cr => return Err(H1Error::BadChunk("CR inside a trailer")),
        _ => State::Trailer {
            line: line + 1,
            total,
            cr,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `input` fed `step` bytes at a time: the data, and what followed the body.
    fn run(framing: Framing, input: &[u8], step: usize) -> Result<(Vec<u8>, Vec<u8>), H1Error> {
        let mut body = Body::new(framing);
        let mut data = Vec::new();
        let mut pending: Vec<u8> = Vec::new();
        for piece in input.chunks(step.max(1)) {
            pending.extend_from_slice(piece);
            loop {
                let (used, out) = body.decode(&pending)?;
                data.extend_from_slice(out);
                pending.drain(..used);
                if used == 0 || pending.is_empty() {
                    break;
                }
            }
        }
        if !body.is_done() {
            body.end_of_input()?;
        }
        Ok((data, pending))
    }

    #[test]
    fn chunks_with_extensions_and_trailers_decode_in_any_split() {
        let input = b"5;name=v\r\nhello\r\n1 \r\n,\r\nB\r\n 0123456789\r\n0\r\nX-T: 1\r\n\r\nNEXT";
        for step in 1..input.len() {
            let (data, rest) = run(Framing::Chunked, input, step).expect("decodes");
            assert_eq!(data, b"hello, 0123456789", "step {step}");
            assert_eq!(rest, b"NEXT", "step {step}");
        }
    }

    #[test]
    fn a_length_stops_at_its_end() {
        let (data, rest) = run(Framing::Length(3), b"abcdef", 2).expect("decodes");
        assert_eq!(
            (data.as_slice(), rest.as_slice()),
            (&b"abc"[..], &b"def"[..])
        );
        assert_eq!(run(Framing::Length(9), b"abc", 1), Err(H1Error::Truncated));
        assert!(Body::new(Framing::Length(0)).is_done());
    }

    #[test]
    fn until_close_takes_everything() {
        let (data, rest) = run(Framing::UntilClose, b"all of it", 4).expect("decodes");
        assert_eq!((data.as_slice(), rest.len()), (&b"all of it"[..], 0));
    }

    #[test]
    fn broken_chunks_are_errors_not_panics() {
        let cases: [&[u8]; 7] = [
            b"zz\r\n",
            b"\r\n",
            b"ffffffffffffffffff\r\n",
            b"3\r\nabcd\r\n",
            b"3\rX",
            b"3\r\nabc\r\n",
            b"0\r\nX: y\rZ",
        ];
        for case in cases {
            assert!(run(Framing::Chunked, case, 1).is_err(), "{case:?}");
        }
        let mut long = b"0\r\n".to_vec();
        long.resize(MAX_HEAD + 10, b'a');
        assert_eq!(
            run(Framing::Chunked, &long, 4096),
            Err(H1Error::BadChunk("trailers too long"))
        );
    }

    #[test]
    fn a_huge_declared_chunk_is_streamed_not_allocated() {
        let mut body = Body::new(Framing::Chunked);
        let (used, data) = body.decode(b"7fffffffffffffff\r\nab").expect("decodes");
        assert_eq!((used, data), (20, &b"ab"[..]));
        assert_eq!(body.end_of_input(), Err(H1Error::Truncated));
    }
}
