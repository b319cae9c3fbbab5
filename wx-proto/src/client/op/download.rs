//! A download: one GET whose body the driver streams to the op's writer (the core sees only
//! the head and the byte count). An empty or HTML answer is `NotDownloadable`; an avatar is
//! asked again first (the server sometimes answers it empty, openwechat retries 3 times).

use std::time::Duration;

use super::{OpCx, Step, no_session};
use crate::Endpoint;
use crate::build;
use crate::client::command::{OpError, OpOutput};
use crate::client::core::{Outcome, Streamed};
use crate::client::media::{Download, streams_body};

/// Attempts of an avatar before it is `NotDownloadable`.
const AVATAR_ATTEMPTS: u32 = 3;
/// The wait before an avatar is asked again.
const AVATAR_RETRY: Duration = Duration::from_secs(1);

/// A download in progress.
#[derive(Debug)]
pub(in crate::client) struct GetMedia {
    what: Download,
    attempts: u32,
}

impl GetMedia {
    pub(super) fn new(what: Download) -> Self {
        Self { what, attempts: 0 }
    }

    pub(super) fn start(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        let Some(creds) = cx.creds else {
            return no_session();
        };
        self.attempts += 1;
        let (endpoint, request) = build::download(&cx.ctx, creds, cx.data_ticket, &self.what);
        vec![Step::Send(endpoint, request)]
    }

    pub(super) fn on_timer(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        self.start(cx)
    }

    pub(super) fn on_response(
        &mut self,
        cx: &mut OpCx<'_>,
        _endpoint: Endpoint,
        outcome: Outcome,
    ) -> Vec<Step> {
        let head = match outcome {
            Outcome::Streamed(head) => head,
            Outcome::Failure(f) => return vec![Step::Done(Err(OpError::Transport(f)))],
            Outcome::Response { status, .. } => {
                return vec![Step::Done(Err(OpError::HttpStatus(status)))];
            }
        };
        let Streamed {
            status,
            headers,
            written,
        } = head;
        if !(200..300).contains(&status) {
            return vec![Step::Done(Err(OpError::HttpStatus(status)))];
        }
        if !streams_body(status, &headers) || written == 0 {
            let avatar = matches!(self.what, Download::Avatar { .. });
            if avatar && self.attempts < AVATAR_ATTEMPTS {
                return vec![Step::WakeAt(cx.now + AVATAR_RETRY)];
            }
            return vec![Step::Done(Err(OpError::NotDownloadable))];
        }
        let text = |name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        vec![Step::Done(Ok(OpOutput::Downloaded {
            bytes: written,
            content_type: text(http::header::CONTENT_TYPE),
            file_name: text(http::header::CONTENT_DISPOSITION)
                .as_deref()
                .and_then(disposition_file_name),
        }))]
    }
}

/// The `filename` of a `Content-Disposition` header (`filename*=UTF-8''…` preferred,
/// percent-decoded), as sent: the caller makes it safe before it names a file.
fn disposition_file_name(value: &str) -> Option<String> {
    let mut plain = None;
    for part in value.split(';').map(str::trim) {
        let Some((key, v)) = part.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let v = v.trim();
        if key == "filename*" {
            let encoded = v.splitn(3, '\'').nth(2).unwrap_or(v);
            return Some(crate::percent::decode(encoded)).filter(|n| !n.is_empty());
        }
        if key == "filename" {
            let unquoted = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            plain = Some(crate::percent::decode(unquoted));
        }
    }
    plain.filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_the_disposition() {
        let n = |v| disposition_file_name(v);
        assert_eq!(
            n("attachment; filename=\"a b.pdf\""),
            Some("a b.pdf".into())
        );
        assert_eq!(n("attachment; filename=x.txt"), Some("x.txt".into()));
        assert_eq!(
            n("attachment; filename=\"x\"; filename*=UTF-8''%E4%BD%A0.txt"),
            Some("你.txt".into())
        );
        assert_eq!(n("attachment"), None);
        assert_eq!(n("attachment; filename=\"\""), None);
    }
}
