//! A download: one GET whose body the driver streams to the op's writer (the core sees only
//! the head and the byte count). An empty or HTML answer is `NotDownloadable`; an avatar is
//! asked again first (the server sometimes answers it empty, openwechat retries 3 times).

use std::time::Duration;

use super::{OpCx, Step, no_session};
use crate::Endpoint;
use crate::build;
use crate::client::command::{OpError, OpOutput};
use crate::client::core::{Outcome, Streamed};
use crate::client::media::{Download, disposition_file_name, streams_body};

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
        vec![
            Step::Progress {
                done: written,
                total: written,
            },
            Step::Done(Ok(OpOutput::Downloaded {
                bytes: written,
                content_type: text(http::header::CONTENT_TYPE),
                file_name: text(http::header::CONTENT_DISPOSITION)
                    .as_deref()
                    .and_then(disposition_file_name),
            })),
        ]
    }
}
