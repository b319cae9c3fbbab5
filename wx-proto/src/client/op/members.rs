//! Fetching group members' full profiles (NickName, HeadImgUrl, Sex, region…):
//! webwxbatchgetcontact with the group as each entry's `EncryChatRoomId`, 50 members a
//! request, one request after the other. A group's member list often lacks nicknames
//! (members of webwxinit's groups); the profiles fill them in the book (`Step::Profiles`)
//! and are the op's result.

use super::{OpCx, Step, no_session, read_answer};
use crate::Endpoint;
use crate::build;
use crate::client::command::{OpError, OpOutput};
use crate::client::core::Outcome;
use crate::model::Contact;
use crate::parse::parse_batch_get_contact;

/// webwxbatchgetcontact takes at most 50 entries.
const BATCH: usize = 50;

/// The op: members left to ask about, profiles received.
#[derive(Debug)]
pub(in crate::client) struct FetchMembers {
    group: String,
    /// Members not asked about yet (all known members when the command named none).
    todo: Vec<String>,
    /// How many of `todo` the request in flight asks about.
    asking: usize,
    profiles: Vec<Contact>,
}

impl FetchMembers {
    pub(super) fn new(group: String, members: Vec<String>) -> Self {
        Self {
            group,
            todo: members,
            asking: 0,
            profiles: Vec::new(),
        }
    }

    pub(super) fn start(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        if cx.creds.is_none() {
            return no_session();
        }
        if self.todo.is_empty() {
            let Some(g) = cx.book.get(&self.group) else {
                return vec![Step::Done(Err(OpError::UnknownChat))];
            };
            self.todo = g
                .group
                .members
                .iter()
                .map(|m| m.user_name.clone())
                .filter(|u| u != cx.me)
                .collect();
        }
        self.next(cx)
    }

    fn next(&mut self, cx: &mut OpCx<'_>) -> Vec<Step> {
        let Some(creds) = cx.creds else {
            return no_session();
        };
        if self.todo.is_empty() {
            let profiles = std::mem::take(&mut self.profiles);
            return vec![
                Step::Profiles(self.group.clone(), profiles.clone()),
                Step::Done(Ok(OpOutput::Profiles(profiles))),
            ];
        }
        self.asking = self.todo.len().min(BATCH);
        let names = &self.todo[..self.asking];
        let request = build::batch_get_members(&cx.ctx, creds, &self.group, names);
        vec![Step::Send(Endpoint::BatchGetContact, request)]
    }

    pub(super) fn on_response(
        &mut self,
        cx: &mut OpCx<'_>,
        endpoint: Endpoint,
        outcome: Outcome,
    ) -> Vec<Step> {
        let answer = read_answer(endpoint, outcome, parse_batch_get_contact, |r| {
            &r.base_response
        });
        let answer = match answer {
            Ok(a) => a,
            Err(steps) => return steps,
        };
        let mut steps: Vec<Step> = answer
            .bad_contacts
            .into_iter()
            .map(|bad| Step::Problem(crate::client::ProblemKind::MalformedContact(bad), endpoint))
            .collect();
        // Only the members asked about: a server that answers with others cannot put
        // strangers into the group.
        let asked = &self.todo[..self.asking];
        self.profiles.extend(
            answer
                .contact_list
                .into_iter()
                .filter(|c| asked.contains(&c.user_name))
                .map(Contact::from),
        );
        self.todo.drain(..self.asking);
        self.asking = 0;
        steps.extend(self.next(cx));
        steps
    }
}
