//! The HTTP options both adapters' `HttpOptions` agree on: the same field types and these
//! defaults. Each adapter keeps its own struct for the knobs only its HTTP stack has.

use std::time::Duration;

/// Largest response body accepted by default, after gzip decoding: 32 MiB. The
/// `max_body` field of both adapters' `HttpOptions` is a `usize` with this default.
pub const DEFAULT_MAX_BODY: usize = 32 * 1024 * 1024;

/// How long a TCP connect may take by default (`connect_timeout`): 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest download body written to a writer by default: 256 MiB. The `max_download`
/// field of both adapters' `HttpOptions` is a `u64` with this default; a longer body fails
/// the download with `Failure::BodyTooLarge`.
pub const DEFAULT_MAX_DOWNLOAD: u64 = 256 * 1024 * 1024;
