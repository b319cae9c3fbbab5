//! [`Reply`]: what a handler answers with, sent to the chat the message came from.

use std::path::PathBuf;

/// A handler's answer. `()` and `None` answer nothing; a `String` or `&'static str` is a
/// text; [`Reply::File`] sends a file (an image, a video or an attachment by its first bytes
/// and extension).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Reply {
    /// No answer.
    #[default]
    Nothing,
    /// A text.
    Text(String),
    /// A file by its path.
    File(PathBuf),
}

impl From<()> for Reply {
    fn from((): ()) -> Self {
        Reply::Nothing
    }
}

impl From<String> for Reply {
    fn from(text: String) -> Self {
        Reply::Text(text)
    }
}

impl From<&'static str> for Reply {
    fn from(text: &'static str) -> Self {
        Reply::Text(text.to_owned())
    }
}

impl<T: Into<Reply>> From<Option<T>> for Reply {
    fn from(reply: Option<T>) -> Self {
        reply.map_or(Reply::Nothing, Into::into)
    }
}
