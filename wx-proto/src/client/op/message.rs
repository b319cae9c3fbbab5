//! Sending a message: a text (webwxsendmsg) or an image forwarded by its XML
//! (webwxsendmsgimg). One request; a new `ClientMsgId` at every start (a start after a
//! 1205 pause is a new send); the result carries both ids so the message can be revoked.

use super::{OpCx, Step, no_session, read_answer};
use crate::Endpoint;
use crate::build;
use crate::client::command::OpOutput;
use crate::client::core::Outcome;
use crate::parse::parse_send;

/// What is sent.
#[derive(Debug)]
enum Body {
    Text(String),
    /// The image message's Content.
    ForwardImage(String),
}

/// A message send in progress.
#[derive(Debug)]
pub(in crate::client) struct SendMessage {
    to: String,
    body: Body,
    /// The id of the current attempt.
    client_msg_id: String,
}

impl SendMessage {
    pub(super) fn text(to: String, text: String) -> Self {
        Self::new(to, Body::Text(text))
    }

    pub(super) fn forward_image(to: String, content: String) -> Self {
        Self::new(to, Body::ForwardImage(content))
    }

    fn new(to: String, body: Body) -> Self {
        Self {
            to,
            body,
            client_msg_id: String::new(),
        }
    }

    /// The receiver.
    pub(super) fn to(&self) -> &str {
        &self.to
    }

    pub(super) fn start(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        self.client_msg_id = cx.client_msg_id();
        let Some(creds) = cx.creds else {
            return no_session();
        };
        let (ctx, me, id) = (&cx.ctx, cx.me, self.client_msg_id.as_str());
        let (endpoint, request) = match &self.body {
            Body::Text(text) => (
                Endpoint::SendMsg,
                build::send_text(ctx, creds, me, &self.to, text, id),
            ),
            Body::ForwardImage(content) => (
                Endpoint::SendMsgImg,
                build::forward_image(ctx, creds, me, &self.to, content, id),
            ),
        };
        vec![Step::Send(endpoint, request)]
    }

    pub(super) fn on_response(&mut self, endpoint: Endpoint, outcome: Outcome) -> Vec<Step> {
        match read_answer(endpoint, outcome, parse_send, |r| &r.base_response) {
            Ok(sent) => vec![
                // The server echoes our own sends through webwxsync: not a message to
                // deliver, but a sign of a healthy loop.
                Step::OwnMessage(sent.msg_id.clone()),
                Step::Done(Ok(OpOutput::Sent {
                    msg_id: sent.msg_id,
                    client_msg_id: std::mem::take(&mut self.client_msg_id),
                })),
            ],
            Err(steps) => steps,
        }
    }
}
