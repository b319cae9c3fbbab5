//! Logging out (webwxlogout): the lane stops at once, the request goes out, and whatever
//! the answer (a redirect page, a failure), the session ends `UserRequested`. Before a
//! login has completed there is nothing to tell the server: the session just ends.

use super::{OpCx, Step};
use crate::Endpoint;
use crate::build;
use crate::client::command::OpOutput;
use crate::client::core::Outcome;
use crate::client::event::LogoutReason;

/// The logout op (no state: one request, any answer ends it).
#[derive(Debug)]
pub(in crate::client) struct Logout;

impl Logout {
    pub(super) fn start(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        let Some(creds) = cx.creds else {
            return Self::ended();
        };
        let request = build::logout(&cx.ctx, creds, 0);
        vec![Step::BeginLogout, Step::Send(Endpoint::Logout, request)]
    }

    pub(super) fn on_response(&mut self, _endpoint: Endpoint, _outcome: Outcome) -> Vec<Step> {
        Self::ended()
    }

    fn ended() -> Vec<Step> {
        vec![
            Step::Done(Ok(OpOutput::Done)),
            Step::EndSession(LogoutReason::UserRequested),
        ]
    }
}
