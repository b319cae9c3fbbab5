//! Fault injection: rules that replace or corrupt the next replies of chosen endpoints.
//! Faults lasting until cleared are [`Pattern::Fault`](crate::Pattern::Fault)s.

use serde::{Deserialize, Serialize};

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this HTTP status and an empty body.
    Status {
        /// e.g. 500.
        code: u16,
    },
    /// Keep only the first `keep` bytes of the body.
    Truncate {
        /// Bytes kept.
        keep: usize,
    },
    /// Replace the body with bytes that parse as nothing.
    Garbage,
    /// Close the connection without answering.
    Drop,
    /// Answer, but only after this many milliseconds.
    Delay {
        /// Milliseconds.
        ms: u64,
    },
    /// A JSON `BaseResponse.Ret` (or synccheck `retcode`) instead of the answer, e.g. 1205.
    Ret {
        /// The code.
        ret: i64,
    },
    /// webwxsync: do not advance the SyncKey past the last message, so it comes again.
    Redeliver,
}

/// A fault for the next `times` requests to `endpoint` (any endpoint when `None`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FaultRule {
    /// The last path segment, e.g. `synccheck`, `webwxsync`, `jslogin`.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// What goes wrong.
    pub fault: Fault,
    /// How many requests it applies to.
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

/// The garbage body (neither JSON, JS nor XML).
pub const GARBAGE: &[u8] = b"\x00\xffnot a webwx body <<<}}}";
