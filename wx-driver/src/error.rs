//! [`RemoteError`]: why a command submitted through an adapter's `Remote` did not succeed,
//! the same type in every adapter.

use wx_proto::client::{OpError, OpOutput, UsageError};

use crate::media::SendFileError;

/// Why a command submitted through a `Remote` did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteError {
    /// The client refused the command (wrong phase, bad argument, session ended).
    #[error("refused: {0}")]
    Usage(#[from] UsageError),
    /// The operation ran and failed.
    #[error("failed: {0}")]
    Op(#[from] OpError),
    /// The session ended before the operation reported a result (a logout that raced
    /// with the server's own end of the session ends this way).
    #[error("the session ended")]
    Ended,
    /// The driver is gone.
    #[error("the session's driver is gone")]
    Closed,
    /// A file to send by its path could not be (an unreadable or empty file).
    #[error("cannot send the file: {0}")]
    File(SendFileError),
}

impl RemoteError {
    /// The answer every command gets once its session has ended (until a new login on the
    /// same driver).
    pub const SESSION_ENDED: Self = Self::Usage(UsageError::SessionEnded);
}

/// What a remote caller gets back.
pub type RemoteResult = Result<OpOutput, RemoteError>;
