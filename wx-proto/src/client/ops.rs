//! The engine's side of operations: validating a command, the table of running ops
//! (`OpId -> OpState`), the queue of ops waiting for an in-flight slot, the send pace, and
//! applying the [`Step`]s an op answers with. The ops themselves are in `op/`.

use std::collections::{BTreeMap, VecDeque};
use std::time::Instant;

use super::op::{OpCx, OpState, Step};
use super::send_pacer::SendPacer;
use super::{
    Client, Command, Event, OpError, OpId, Outcome, Phase, ProblemKind, Purpose, UsageError,
};
use crate::Endpoint;
use crate::build::Ctx;

/// The running operations and what holds them back.
#[derive(Debug, Default)]
pub(super) struct Ops {
    next_op: u64,
    /// Every op that has not ended.
    table: BTreeMap<OpId, OpState>,
    /// Ops waiting for an in-flight slot (`Config::max_in_flight`), in order.
    waiting: VecDeque<OpId>,
    /// Message sends waiting for their pace, and the buckets.
    pub(super) sends: SendPacer,
    /// Uploads started in this client (the `n` of `WU_FILE_<n>`).
    uploads: u64,
}

impl Ops {
    /// Ops that have not ended.
    pub(super) fn len(&self) -> usize {
        self.table.len()
    }

    /// Takes every op out (the session ended): those with a request in flight first (in
    /// the order of `in_flight`), then those waiting for a slot, then the paced sends,
    /// then any other.
    fn drain_in_order(&mut self, in_flight: impl IntoIterator<Item = OpId>) -> Vec<OpId> {
        let paced: Vec<OpId> = self.sends.drain().into_iter().map(|s| s.op).collect();
        let waiting: Vec<OpId> = self.waiting.drain(..).collect();
        let mut order = Vec::new();
        for op in in_flight.into_iter().chain(waiting).chain(paced) {
            if self.table.remove(&op).is_some() {
                order.push(op);
            }
        }
        order.extend(std::mem::take(&mut self.table).into_keys());
        order
    }
}

impl Client {
    /// Checks that `command` may run now, makes its op and gives it an id.
    pub(super) fn check_command(
        &mut self,
        command: Command,
    ) -> Result<(OpId, OpState), UsageError> {
        match self.core.phase {
            Phase::LoggedOut | Phase::LoggingOut => return Err(UsageError::SessionEnded),
            Phase::Running => {}
            _ if command == Command::Logout => {}
            _ => return Err(UsageError::NotRunning),
        }
        let state = OpState::new(command)?;
        let op = OpId(self.ops.next_op);
        self.ops.next_op += 1;
        Ok((op, state))
    }

    /// Registers a checked op and starts it: a message send keeps the send pace, the
    /// logout starts at once, any other waits while `max_in_flight` requests are out.
    pub(super) fn open_op(&mut self, op: OpId, state: OpState, now: Instant) {
        let chat = state.paced_chat().map(str::to_owned);
        let logout = state.is_logout();
        self.ops.table.insert(op, state);
        match chat {
            Some(chat) if self.core.config.send_pacing.is_some() => {
                self.ops.sends.push(op, chat);
                self.release_sends(now);
            }
            _ if logout => self.start_op(op, now),
            _ => self.start_or_wait(op, now),
        }
    }

    /// Starts an op, or queues it while `max_in_flight` requests are out.
    pub(super) fn start_or_wait(&mut self, op: OpId, now: Instant) {
        if self.core.flight.len() >= self.core.config.max_in_flight {
            self.ops.waiting.push_back(op);
        } else {
            self.start_op(op, now);
        }
    }

    /// Starts the ops that waited for a slot, while there are slots.
    pub(super) fn start_waiting_ops(&mut self, now: Instant) {
        while self.core.phase == Phase::Running
            && self.core.flight.len() < self.core.config.max_in_flight
            && let Some(op) = self.ops.waiting.pop_front()
        {
            self.start_op(op, now);
        }
    }

    /// Starts the paced sends whose time has come.
    pub(super) fn release_sends(&mut self, now: Instant) {
        if self.core.phase != Phase::Running {
            return;
        }
        let Some(pacing) = self.core.config.send_pacing else {
            return;
        };
        for send in self.ops.sends.due(now, &pacing) {
            let op = send.op;
            self.ops.sends.sent(send);
            self.start_or_wait(op, now);
        }
    }

    pub(super) fn start_op(&mut self, op: OpId, now: Instant) {
        self.run_op(op, now, |state, cx| state.start(cx));
    }

    pub(super) fn on_op(&mut self, op: OpId, endpoint: Endpoint, outcome: Outcome, now: Instant) {
        let logout = self.ops.table.get(&op).is_some_and(OpState::is_logout);
        if self.core.phase == Phase::LoggingOut && !logout {
            // The logout under way ends every other op.
            return self.apply(op, vec![Step::Done(Err(OpError::SessionEnded))], now);
        }
        self.run_op(op, now, |state, cx| {
            state.on_response(cx, endpoint, outcome)
        });
    }

    /// Runs the op timers that are due.
    pub(super) fn fire_op_timers(&mut self, now: Instant) {
        for op in self.core.timers.take_due_ops(now) {
            self.run_op(op, now, |state, cx| state.on_timer(cx));
        }
    }

    /// Gives op `op` its context, runs `f` on it and applies the steps it returns.
    fn run_op(
        &mut self,
        op: OpId,
        now: Instant,
        f: impl FnOnce(&mut OpState, &mut OpCx<'_>) -> Vec<Step>,
    ) {
        let Some(mut state) = self.ops.table.remove(&op) else {
            return;
        };
        let steps = self.with_cx(now, |cx| f(&mut state, cx));
        self.ops.table.insert(op, state);
        self.apply(op, steps, now);
    }

    /// Runs `f` with an op's context at `now`.
    fn with_cx<T>(&mut self, now: Instant, f: impl FnOnce(&mut OpCx<'_>) -> T) -> T {
        let wall_ms = self.core.wall_ms(now);
        static EMPTY: crate::model::ContactBook = crate::model::ContactBook::EMPTY;
        let (creds, me, book, invite_start_count) = match &self.session {
            Some(s) => (Some(&s.creds), s.me_name(), &s.book, s.invite_start_count),
            None => (None, "", &EMPTY, 0),
        };
        let core = &mut self.core;
        let data_ticket = core
            .jar
            .value("webwx_data_ticket")
            .map_or("", |v| v.expose().as_str());
        let mut cx = OpCx {
            ctx: Ctx {
                config: &core.config,
                hosts: &core.hosts,
                wall_ms,
            },
            creds,
            me,
            rng: &mut core.rng,
            uploads: &mut self.ops.uploads,
            data_ticket,
            now,
            book,
            invite_start_count,
        };
        f(&mut cx)
    }

    /// Bytes an op asked for (`Event::DataWanted`).
    pub(super) fn op_data(
        &mut self,
        op: OpId,
        offset: u64,
        bytes: &[u8],
        now: Instant,
    ) -> Result<(), UsageError> {
        let Some(mut state) = self.ops.table.remove(&op) else {
            // Cancelled or ended meanwhile: late data is not an error.
            return Ok(());
        };
        let steps = self.with_cx(now, |cx| state.on_data(cx, offset, bytes));
        self.ops.table.insert(op, state);
        self.apply(op, steps?, now);
        Ok(())
    }

    /// Ends `op` now with `steps` from the op (a cancel, a data failure); an op that has
    /// already ended is left alone.
    pub(super) fn end_op_with(
        &mut self,
        op: OpId,
        now: Instant,
        f: impl FnOnce(&mut OpState) -> Vec<Step>,
    ) {
        let Some(state) = self.ops.table.get_mut(&op) else {
            return;
        };
        let steps = f(state);
        self.apply(op, steps, now);
    }

    /// Applies an op's steps in order.
    fn apply(&mut self, op: OpId, steps: Vec<Step>, now: Instant) {
        for step in steps {
            match step {
                Step::Send(endpoint, request) => {
                    self.core.send(endpoint, request, Purpose::Op(op), now);
                }
                Step::WakeAt(at) => self.core.timers.set_op(op, at),
                Step::WantData { offset, len } => {
                    self.core
                        .events
                        .push_back(Event::DataWanted { op, offset, len });
                }
                Step::Progress { done, total } => {
                    self.core
                        .events
                        .push_back(Event::Progress { op, done, total });
                }
                Step::Problem(kind, endpoint) => self.core.problem(kind, endpoint, None),
                Step::Throttled(endpoint) => self.op_throttled(op, endpoint, now),
                Step::OwnMessage(msg_id) => self.core.account.seen.insert_own(&msg_id),
                Step::Refresh(name) => {
                    if let Some(session) = self.session.as_mut() {
                        session.refresh_contact(&mut self.core, &name, now);
                    }
                }
                Step::Profiles(group, profiles) => {
                    if let Some(session) = self.session.as_mut()
                        && session.book.learn_profiles(&group, &profiles)
                        && let Some(g) = session.book.get(&group)
                    {
                        self.core.emit(Event::ContactsChanged(vec![g.clone()]));
                    }
                }
                Step::BeginLogout => {
                    // Stop everything else: the lane and contact loading end here.
                    self.core.timers.clear();
                    self.core.phase = Phase::LoggingOut;
                }
                Step::Done(result) => {
                    if self.ops.table.remove(&op).is_some() {
                        self.ops.sends.answered(op);
                        self.core.timers.cancel_op(op);
                        // A request for data not yet taken is void once the op ended.
                        self.core
                            .events
                            .retain(|e| !matches!(e, Event::DataWanted { op: o, .. } if *o == op));
                        self.core.events.push_back(Event::OpDone { op, result });
                    }
                }
                Step::EndSession(reason) => self.end_session(reason),
            }
        }
    }

    /// A 1205 on an op: a paced send pauses the queue and goes first again (its result
    /// comes later; the pause is reported when it starts, not at every 1205 of the same
    /// pause); any other op, or a send out of retries, fails `Throttled`.
    fn op_throttled(&mut self, op: OpId, endpoint: Endpoint, now: Instant) {
        let requeued = self.core.config.send_pacing.is_some_and(|pacing| {
            self.ops
                .sends
                .throttled(op, now, &pacing, self.core.config.backoff_cap)
        });
        if !requeued {
            return self.apply(op, vec![Step::Done(Err(OpError::Throttled))], now);
        }
        if self.ops.sends.throttles_in_row() == 1 {
            let retry_in = self
                .next_send_at()
                .map(|t| t.saturating_duration_since(now));
            self.core
                .problem(ProblemKind::Throttled, endpoint, retry_in);
        }
    }

    /// The session ended: every op still open fails `SessionEnded` (a logout that had not
    /// been answered succeeds: the session did end), in the order of `in_flight`, then
    /// waiting, then paced.
    pub(super) fn end_ops(&mut self, in_flight: Vec<OpId>) {
        let logouts: Vec<OpId> = self
            .ops
            .table
            .iter()
            .filter(|(_, s)| s.is_logout())
            .map(|(op, _)| *op)
            .collect();
        for op in self.ops.drain_in_order(in_flight) {
            let result = if logouts.contains(&op) {
                Ok(super::OpOutput::Done)
            } else {
                Err(OpError::SessionEnded)
            };
            self.core.events.push_back(Event::OpDone { op, result });
        }
        self.core.timers.clear_ops();
    }
}
