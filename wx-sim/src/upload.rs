//! Upload assembly and the upload registry: the chunks of one webwxuploadmedia upload put
//! together in order under the real server's rules (protocol.md §7.2), bounded in bytes, and
//! what finished uploads and webwxcheckupload answers left behind.
//!
//! Rules of one upload (keyed by session and `ClientMediaId`): chunk 0 starts (or restarts)
//! it; chunk `i` comes after chunk `i-1`, and a chunk at or before the next one replaces it
//! and everything after it (a client resending a failed chunk); every chunk carries the same
//! `uploadmediarequest` text and the same `chunks`, which is ceil(TotalLen / 524288); files
//! up to 524288 bytes may come in one POST without `chunks`/`chunk`; on the last chunk the
//! bytes must add up to `TotalLen`. Unfinished uploads are bounded per session and in all
//! ([`MediaLimits`]) and dropped when abandoned.

use crate::limits::{CHUNK_BYTES, MediaLimits};
use crate::refusal::Refusal;
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// What the simulator knows of a finished upload ([`Sim::uploaded`](crate::Sim::uploaded)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UploadedInfo {
    /// The account that uploaded it.
    pub account: usize,
    /// Its length in bytes.
    pub len: u64,
    /// Lowercase hex MD5 of its bytes.
    pub md5_hex: String,
    /// The `name` form field (else the file part's file name).
    pub name: String,
    /// The `mediatype` form field: `pic`, `video` or `doc`.
    pub media_type: String,
    /// The `type` form field (MIME type).
    pub mime: String,
    /// The `Signature` of `uploadmediarequest` (from webwxcheckupload), empty when none.
    pub signature: String,
    /// How many POSTs it took.
    pub chunks: u64,
}

/// One chunk as the endpoint read it.
pub(crate) struct ChunkIn<'a> {
    pub session: usize,
    pub key: String,
    pub request: &'a str,
    pub total: u64,
    pub chunks: Option<u64>,
    pub chunk: Option<u64>,
    pub data: &'a [u8],
}

/// The outcome of an accepted chunk.
#[derive(Debug)]
pub(crate) enum Step {
    /// More chunks to come; bytes received so far.
    More(u64),
    /// The last chunk: the whole file and how many chunks it took.
    Done(Vec<u8>, u64),
}

#[derive(Debug)]
struct Partial {
    request: String,
    chunks: u64,
    data: Vec<u8>,
    /// End offset of each chunk received.
    ends: Vec<usize>,
    last_seen: Instant,
}

/// The unfinished uploads of every session.
#[derive(Debug, Default)]
pub(crate) struct Partials {
    map: HashMap<(usize, String), Partial>,
    held: u64,
}

impl Partials {
    /// Bytes held for `session`.
    fn session_bytes(&self, session: usize) -> u64 {
        self.map
            .iter()
            .filter(|((s, _), _)| *s == session)
            .map(|(_, p)| p.data.len() as u64)
            .sum()
    }

    /// Bytes held in all.
    pub(crate) fn held(&self) -> u64 {
        self.held
    }

    /// Unfinished uploads.
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    fn remove(&mut self, k: &(usize, String)) -> Option<Partial> {
        let p = self.map.remove(k)?;
        self.held = self.held.saturating_sub(p.data.len() as u64);
        Some(p)
    }

    /// Drops uploads idle for `after`, and those of sessions `live` says are over.
    pub(crate) fn sweep(&mut self, now: Instant, after: Duration, live: impl Fn(usize) -> bool) {
        let dead: Vec<_> = self
            .map
            .iter()
            .filter(|((s, _), p)| now.saturating_duration_since(p.last_seen) >= after || !live(*s))
            .map(|(k, _)| k.clone())
            .collect();
        for k in dead {
            self.remove(&k);
        }
    }

    /// Takes one chunk, or says why not (leaving the upload as it was).
    pub(crate) fn accept(
        &mut self,
        c: ChunkIn<'_>,
        limits: &MediaLimits,
        now: Instant,
    ) -> Result<Step, Refusal> {
        let expected = c.total.div_ceil(CHUNK_BYTES);
        if c.data.len() as u64 > CHUNK_BYTES {
            return Err(Refusal::ChunkTooLarge);
        }
        let (chunks, chunk) = match (c.chunks, c.chunk) {
            (None, None) => {
                if c.total > CHUNK_BYTES {
                    return Err(Refusal::ChunkCount { sent: 0, expected });
                }
                if c.data.len() as u64 != c.total {
                    return Err(Refusal::LengthMismatch {
                        total_len: c.total,
                        received: c.data.len() as u64,
                    });
                }
                return Ok(Step::Done(c.data.to_vec(), 1));
            }
            (Some(n), Some(i)) => (n, i),
            _ => return Err(Refusal::BadChunkFields),
        };
        if chunks != expected {
            return Err(Refusal::ChunkCount {
                sent: chunks,
                expected,
            });
        }
        if chunk >= chunks {
            return Err(Refusal::ChunkPastEnd);
        }
        let key = (c.session, c.key);
        let last = chunk + 1 == chunks;
        // Where this chunk goes, and what it replaces.
        let (base, replaced) = match self.map.get(&key) {
            _ if chunk == 0 => (0, self.map.get(&key).map_or(0, |p| p.data.len())),
            None => {
                return Err(Refusal::OutOfOrder {
                    expected: 0,
                    got: chunk,
                });
            }
            Some(p) => {
                if p.request != c.request {
                    return Err(Refusal::RequestChanged);
                }
                if p.chunks != chunks {
                    return Err(Refusal::ChunksChanged);
                }
                let received = p.ends.len() as u64;
                if chunk > received {
                    return Err(Refusal::OutOfOrder {
                        expected: received,
                        got: chunk,
                    });
                }
                let base = usize::try_from(chunk - 1)
                    .ok()
                    .and_then(|i| p.ends.get(i).copied())
                    .unwrap_or(0);
                (base, p.data.len() - base)
            }
        };
        let new_len = (base + c.data.len()) as u64;
        if last {
            if new_len != c.total {
                return Err(Refusal::LengthMismatch {
                    total_len: c.total,
                    received: new_len,
                });
            }
            let mut p = self.remove(&key).map(|p| p.data).unwrap_or_default();
            p.truncate(base);
            p.extend_from_slice(c.data);
            return Ok(Step::Done(p, chunks));
        }
        // An intermediate chunk: it must fit the budgets.
        let grows = (c.data.len() as u64).saturating_sub(replaced as u64);
        let fresh = !self.map.contains_key(&key);
        let count = self.map.keys().filter(|(s, _)| *s == c.session).count();
        if (fresh && count >= limits.partials_per_session)
            || self.session_bytes(c.session) + grows > limits.unfinished_per_session
            || self.held + grows > limits.unfinished_total
        {
            return Err(Refusal::UnfinishedBudget);
        }
        if chunk == 0 {
            self.remove(&key);
        }
        let p = self.map.entry(key).or_insert_with(|| Partial {
            request: c.request.to_string(),
            chunks,
            data: Vec::new(),
            ends: Vec::new(),
            last_seen: now,
        });
        self.held = self.held.saturating_sub((p.data.len() - base) as u64);
        p.data.truncate(base);
        p.ends.truncate(chunk as usize);
        p.data.extend_from_slice(c.data);
        p.ends.push(p.data.len());
        p.last_seen = now;
        self.held += c.data.len() as u64;
        Ok(Step::More(p.data.len() as u64))
    }
}

/// An answer of webwxcheckupload that an upload over 25 MiB must echo.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    pub session: usize,
    pub size: u64,
    pub aes_key: String,
    pub signature: String,
}

/// checkupload answers kept (oldest dropped).
const CHECKS_KEPT: usize = 256;

/// What finished uploads and webwxcheckupload left behind.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    pub(crate) done: HashMap<String, UploadedInfo>,
    /// (account, md5, len) → MediaId, for webwxcheckupload.
    by_md5: HashMap<(usize, String, u64), String>,
    checks: VecDeque<Check>,
}

impl Registry {
    pub(crate) fn add(&mut self, media_id: &str, info: UploadedInfo) {
        self.by_md5.insert(
            (info.account, info.md5_hex.clone(), info.len),
            media_id.to_string(),
        );
        self.done.insert(media_id.to_string(), info);
    }

    /// The MediaId of a file `account` already uploaded.
    pub(crate) fn existing(&self, account: usize, md5: &str, len: u64) -> Option<&str> {
        self.by_md5
            .get(&(account, md5.to_ascii_lowercase(), len))
            .map(String::as_str)
    }

    pub(crate) fn add_check(&mut self, c: Check) {
        if self.checks.len() >= CHECKS_KEPT {
            self.checks.pop_front();
        }
        self.checks.push_back(c);
    }

    /// True when `session` got this AESKey/Signature pair for a file of `size` bytes.
    pub(crate) fn checked(&self, session: usize, size: u64, aes_key: &str, sig: &str) -> bool {
        self.checks.iter().any(|c| {
            c.session == session && c.size == size && c.aes_key == aes_key && c.signature == sig
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn chunk<'a>(total: u64, n: Option<u64>, i: Option<u64>, data: &'a [u8]) -> ChunkIn<'a> {
        ChunkIn {
            session: 0,
            key: "1".into(),
            request: "{}",
            total,
            chunks: n,
            chunk: i,
            data,
        }
    }

    #[test]
    fn resending_a_chunk_replaces_it_and_the_budget_follows() {
        let mut p = Partials::default();
        let lim = MediaLimits::default();
        let now = Instant::now();
        let full = vec![1u8; CHUNK_BYTES as usize];
        let total = 2 * CHUNK_BYTES + 5;
        let step =
            |p: &mut Partials, i, d: &[u8]| p.accept(chunk(total, Some(3), Some(i), d), &lim, now);
        assert!(matches!(step(&mut p, 0, &full), Ok(Step::More(_))));
        assert!(matches!(step(&mut p, 1, &full), Ok(Step::More(_))));
        assert!(matches!(step(&mut p, 1, &full), Ok(Step::More(n)) if n == 2 * CHUNK_BYTES));
        assert_eq!(p.held(), 2 * CHUNK_BYTES);
        assert_eq!(
            step(&mut p, 2, b"1234").unwrap_err(),
            Refusal::LengthMismatch {
                total_len: total,
                received: total - 1
            }
        );
        match step(&mut p, 2, b"12345").unwrap() {
            Step::Done(b, 3) => assert_eq!(b.len() as u64, total),
            other => panic!("{other:?}"),
        }
        assert_eq!((p.held(), p.len()), (0, 0));
    }

    #[test]
    fn idle_uploads_are_dropped() {
        let mut p = Partials::default();
        let lim = MediaLimits::default();
        let now = Instant::now();
        let full = vec![1u8; CHUNK_BYTES as usize];
        p.accept(chunk(CHUNK_BYTES + 1, Some(2), Some(0), &full), &lim, now)
            .unwrap();
        p.sweep(now + Duration::from_secs(1), lim.abandon_after, |_| true);
        assert_eq!(p.len(), 1);
        p.sweep(now + lim.abandon_after, lim.abandon_after, |_| true);
        assert_eq!((p.len(), p.held()), (0, 0));
    }
}
